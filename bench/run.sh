#!/bin/sh
# bench/run.sh BUILD - convene on MOOC-like rosters of 10^2 to 10^6 learners
# (bench/gen.py: 16 weeks, 15-minute grid, the whole week open), then the same
# models (convene solve --export-lp) raced by CBC (Debian's coinor-cbc) and HiGHS
# (the npm WebAssembly build pinned in bench/peers/package-lock.json).
#
# Prints two Markdown tables.  The first: convene's phase seconds (--stats),
# user and system CPU seconds and peak RSS (/usr/bin/time), whether the optimum is
# proven.  The second, one row per race: CPU seconds of convene, CBC and HiGHS on
# the same course, the peers' ratios to convene, every peer's answer checked by
# bench/lpcheck.py against convene's, and the gap of convene's root bound to CBC's
# root LP ("Continuous objective value", divided by the file's attendance scale).
# Instances are cached in BUILD/bench/.  Environment:
#   BENCH_SIZES       learners for the first table (default "1000 10000 100000 1000000")
#   BENCH_COURSES     LEARNERS:K[:gapH] added to it (default "200:6 500:5:gap3")
#   BENCH_RACE        LEARNERS:K[:gapH] raced against the peers (default: the two
#                     small courses, 10^3 and 10^4 learners at k = 3 to 6)
#   BENCH_PEERS       which peers (default "cbc highs")
#   BENCH_PEER_LIMIT  seconds before a peer is stopped (default 600)
#   BENCH_TIME_LIMIT  convene's --time-limit (default none: prove every optimum)
#   BENCH_THREADS     convene's --threads (default: one per CPU)
# Exit 1 when convene fails or proves no optimum, or a peer's proven optimum differs.
set -u
build=${1:-build}
bin="$build/convene"
dir="$build/bench"
sizes=${BENCH_SIZES-"1000 10000 100000 1000000"}
courses=${BENCH_COURSES-"200:6 500:5:gap3"}
race=${BENCH_RACE-"200:6 500:5:gap3 1000:3 1000:4 1000:5 1000:6 10000:3 10000:4 10000:5 10000:6"}
peers=${BENCH_PEERS-"cbc highs"}
limit=${BENCH_PEER_LIMIT:-600}
tl=${BENCH_TIME_LIMIT:-}
threads=${BENCH_THREADS:-}
here=$(dirname "$0")
status=0

[ -x "$bin" ] || { echo "bench: $bin is not built (make BUILD=$build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$dir"

calc() { awk "BEGIN { print $1 }"; }

# The k sweep: k = 1 to 6 up to 10^4 learners, 1 to 4 and 6 at 10^5, 3 at 10^6.
ks_for() {
	if [ "$1" -ge 1000000 ]; then echo 3
	elif [ "$1" -ge 100000 ]; then echo 1 2 3 4 6
	else echo 1 2 3 4 5 6; fi
}

# instance LEARNERS K [gapH]: generate once (same seed: the roster does not depend on K)
instance() {
	d="$dir/n$1-k$2${3:+-$3}"
	if [ ! -s "$d/students.csv" ] || [ ! -s "$d/course.ini" ]; then
		gap=""
		case "${3:-}" in gap*) gap="--min-gap ${3#gap}h" ;; esac
		# shellcheck disable=SC2086
		/usr/bin/python3 "$here/gen.py" "$d" "$1" "$2" 1 $gap >&2 ||
			{ echo "bench: gen.py failed" >&2; exit 2; }
	fi
	echo "$d"
}

# field NAME FILE: the number after "NAME " in convene's --stats lines
field() { sed -n "s/.*[ ,:]$1 \([0-9.]*\).*/\1/p" "$2" | head -n 1; }

# cpu FILE: user + system seconds of a /usr/bin/time -f "%U %S %M" record
cpu() { tail -n 1 "$1" | awk '{ printf "%.3f", $1 + $2 }'; }
peak() { tail -n 1 "$1" | awk '{ printf "%d", $3 / 1024 }'; }

# convene_run D: solve D/course.ini into D/plan.json, stats in D/stats, time in D/time
convene_run() {
	/usr/bin/time -f "%U %S %M" -o "$1/time" "$bin" solve "$1/course.ini" --json --stats \
		${tl:+--time-limit "$tl"} ${threads:+--threads "$threads"} >"$1/plan.json" 2>"$1/stats"
}

echo "convene $("$bin" --version | sed 's/^convene //'), $(nproc) CPUs, $(uname -m), $(date -u +%Y-%m-%d)"
echo
echo "| learners | k | groups | read s | grid s | solve s | plan s | write s | total s | CPU s | peak MB | optimal |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|"
cases=""
for n in $sizes; do
	for k in $(ks_for "$n"); do cases="$cases $n:$k"; done
done
for case in $cases $courses; do
	n=${case%%:*}; rest=${case#*:}; k=${rest%%:*}; variant=""
	[ "$rest" != "$k" ] && variant=${rest#*:}
	d=$(instance "$n" "$k" "$variant")
	if ! convene_run "$d"; then
		echo "| $n | $k${variant:+ ($variant h)} | convene failed: $(grep -v warning "$d/stats" | head -n 1) |"
		status=1; continue
	fi
	optimal=$(grep -q '"optimal": true' "$d/plan.json" && echo yes || echo NO)
	[ "$optimal" = yes ] || status=1
	printf '| %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$k" \
		"${variant:+ (min-gap ${variant#gap}h)}" "$(field groups "$d/stats")" \
		"$(field read "$d/stats")" "$(field grid "$d/stats")" "$(field solve "$d/stats")" \
		"$(field plan "$d/stats")" "$(field write "$d/stats")" "$(field total "$d/stats")" \
		"$(cpu "$d/time")" "$(peak "$d/time")" "$optimal"
done
echo

# The peers, end to end on the model convene exports (reading the LP file is
# part of their time, as reading the roster and building the grid are part of
# convene's).  HiGHS needs node and npm: bench/peers is installed once.
have_cbc=0; have_highs=0
for p in $peers; do
	case "$p" in
	cbc) command -v cbc >/dev/null 2>&1 && have_cbc=1 ||
		echo "CBC: not installed (scripts/deps.sh bench installs coinor-cbc)" ;;
	highs)
		if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
			mkdir -p "$dir/peers"
			cp "$here/peers/package.json" "$here/peers/package-lock.json" "$dir/peers/"
			if [ -s "$dir/peers/node_modules/highs/package.json" ] ||
				(cd "$dir/peers" && npm ci --no-audit --no-fund >/dev/null 2>&1); then
				have_highs=1
			else
				echo "HiGHS: npm ci in $dir/peers failed (the npm registry is needed once)"
			fi
		else
			echo "HiGHS: node and npm are missing (scripts/deps.sh bench installs them)"
		fi ;;
	esac
done
[ "$have_cbc$have_highs" = 00 ] && exit "$status"
highs_version=$(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$dir/peers/node_modules/highs/package.json" 2>/dev/null | head -n 1)

# peer NAME D: run one peer on D/model.lp; prints "SECONDS CHECK" where CHECK is
# lpcheck's verdict (ok, MISMATCH, or why there is no answer)
peer() {
	sol="$1/$2.sol"
	rm -f "$sol"
	case "$2" in
	cbc) /usr/bin/time -f "%U %S %M" -o "$1/$2.time" timeout "$limit" \
		cbc "$1/model.lp" -solve -solu "$sol" >"$1/$2.log" 2>&1 ;;
	highs) HIGHS_MODULES="$dir/peers/node_modules" /usr/bin/time -f "%U %S %M" -o "$1/$2.time" \
		timeout "$limit" node --max-old-space-size=4096 "$here/highs_solve.js" "$1/model.lp" \
		"$sol" >"$1/$2.log" 2>&1 ;;
	esac
	rc=$?
	t=$(cpu "$1/$2.time")
	if [ "$rc" -eq 124 ]; then
		echo "$t stopped"
	elif [ ! -s "$sol" ]; then
		echo "$t failed"
	else
		/usr/bin/python3 "$here/lpcheck.py" "$1/model.lp" "$sol" "$1/plan-lp.json" >"$1/$2.check"
		if [ $? -eq 0 ]; then echo "$t ok"
		elif grep -q '^MISMATCH: Optimal' "$1/$2.check"; then echo "$t MISMATCH"
		else echo "$t $(head -n 1 "$sol" | sed 's/ - .*//' | tr ' ' '_')"; fi
	fi
}

# cell SECONDS CHECK CONVENE: "12.3 (45x)" for a proven answer, else why not
cell() {
	case "$2" in
	ok) printf '%s (%sx)' "$1" "$(calc "$1 / ($3 > 0.0001 ? $3 : 0.0001)" | awk '{ printf "%.0f", $1 }')" ;;
	stopped) printf '> %s stopped' "$limit" ;;
	*) printf '%s %s' "$1" "$2" ;;
	esac
}

echo "CBC $(cbc -quit 2>/dev/null | sed -n 's/^Version: \([0-9.]*\).*/\1/p' | head -n 1), HiGHS ${highs_version:-?} (WebAssembly, node $(node --version 2>/dev/null)); CPU seconds (user + system), each peer stopped after $limit s"
echo
echo "| learners | k | convene s | CBC s (x convene) | HiGHS s (x convene) | root bound | CBC root LP | bound - LP |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for case in $race; do
	n=${case%%:*}; rest=${case#*:}; k=${rest%%:*}; variant=""
	[ "$rest" != "$k" ] && variant=${rest#*:}
	d=$(instance "$n" "$k" "$variant")
	if ! "$bin" solve "$d/course.ini" --json --export-lp "$d/model.lp" >"$d/plan-lp.json" 2>/dev/null; then
		echo "| $n | $k | convene --export-lp failed |"; status=1; continue
	fi
	convene_run "$d" || { echo "| $n | $k | convene failed |"; status=1; continue; }
	conv=$(cpu "$d/time")
	if [ "$(calc "$conv < 0.5")" = 1 ]; then
		# /usr/bin/time counts in hundredths: time 20 runs at once
		/usr/bin/time -f "%U %S %M" -o "$d/time20" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			"$0" solve "$1" --json ${2:+--threads "$2"} >/dev/null 2>&1; done' "$bin" "$d/course.ini" "$threads"
		conv=$(tail -n 1 "$d/time20" | awk '{ printf "%.4f", ($1 + $2) / 20 }')
	fi
	root=$(field root-bound "$d/stats")
	root=${root:-0}
	cbc_cell="-"; highs_cell="-"; lp="-"; gap="-"
	if [ "$have_cbc" = 1 ]; then
		set -- $(peer "$d" cbc)
		[ "$2" = MISMATCH ] && status=1
		cbc_cell=$(cell "$1" "$2" "$conv")
		scale=$(sed -n 's/^\\ value = \([0-9]*\) \* .*/\1/p' "$d/model.lp")
		value=$(sed -n 's/^Continuous objective value is \([-0-9.e+]*\).*/\1/p' "$d/cbc.log" | head -n 1)
		if [ -n "$value" ] && [ -n "$scale" ] && [ "$(calc "$root > 0")" = 1 ]; then
			lp=$(calc "$value / $scale" | awk '{ printf "%.1f", $1 }')
			gap=$(calc "($root - $lp) / $lp * 100" | awk '{ printf "%+.3f%%", $1 }')
		fi
	fi
	if [ "$have_highs" = 1 ]; then
		set -- $(peer "$d" highs)
		[ "$2" = MISMATCH ] && status=1
		highs_cell=$(cell "$1" "$2" "$conv")
	fi
	printf '| %s | %s%s | %s | %s | %s | %s | %s | %s |\n' "$n" "$k" \
		"${variant:+ (min-gap ${variant#gap}h)}" "$conv" "$cbc_cell" "$highs_cell" "$root" "$lp" "$gap"
done
exit "$status"
