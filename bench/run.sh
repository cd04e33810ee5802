#!/bin/sh
# bench/run.sh BUILD - convene on MOOC-like rosters of 10^3 to 10^6 learners
# (bench/gen.py: 16 weeks, 15-minute grid, the whole week open), and CBC on
# the same model (convene solve --export-lp) for 10^3 and 10^4 learners, k = 3.
#
# Prints a Markdown table (phase seconds from --stats, peak RSS from
# /usr/bin/time, whether the optimum is proven) and one line per CBC race.
# Instances are cached in BUILD/bench/.  Environment:
#   BENCH_SIZES       learners to run (default "1000 10000 100000 1000000")
#   BENCH_CBC         LEARNERS:K instances to race CBC on (default "1000:3 10000:3")
#   BENCH_CBC_LIMIT   seconds before CBC is stopped (default 900)
#   BENCH_TIME_LIMIT  convene's --time-limit (default none: prove every optimum)
# Exit 1 when convene fails, does not prove an optimum, or CBC's optimum differs.
set -u
build=${1:-build}
bin="$build/convene"
dir="$build/bench"
sizes=${BENCH_SIZES:-"1000 10000 100000 1000000"}
cbc_cases=${BENCH_CBC:-"1000:3 10000:3"}
tl=${BENCH_TIME_LIMIT:-}
limit=${BENCH_CBC_LIMIT:-900}
here=$(dirname "$0")
status=0

[ -x "$bin" ] || { echo "bench: $bin is not built (make BUILD=$build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$dir"

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

# The full k sweep up to 10^5 learners; 10^6 only at k = 3.
ks_for() { if [ "$1" -ge 1000000 ]; then echo 3; else echo 1 2 3 4; fi; }

# instance N K: generate once (same seed: the roster does not depend on K)
instance() {
	d="$dir/n$1-k$2"
	if [ ! -s "$d/students.csv" ] || [ ! -s "$d/course.ini" ]; then
		/usr/bin/python3 "$here/gen.py" "$d" "$1" "$2" 1 >&2 || { echo "bench: gen.py failed" >&2; exit 2; }
	fi
	echo "$d"
}

# field NAME FILE: the number after "NAME " in convene's --stats lines
field() { sed -n "s/.*[ ,:]$1 \([0-9.]*\).*/\1/p" "$2" | head -n 1; }

echo "convene $("$bin" --version | sed 's/^convene //'), $(nproc) CPUs, $(uname -m), $(date -u +%Y-%m-%d)"
echo
echo "| learners | k | groups | read s | grid s | solve s | plan s | write s | total s | peak MB | optimal |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---|"
for n in $sizes; do
	for k in $(ks_for "$n"); do
		d=$(instance "$n" "$k")
		/usr/bin/time -f %M -o "$d/mem" "$bin" solve "$d/course.ini" --json --stats \
			${tl:+--time-limit "$tl"} >"$d/plan.json" 2>"$d/stats"
		rc=$?
		if [ "$rc" -ne 0 ]; then
			echo "| $n | $k | convene exited $rc |"; status=1; continue
		fi
		optimal=$(grep -q '"optimal": true' "$d/plan.json" && echo yes || echo NO)
		[ "$optimal" = yes ] || status=1
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s |\n' "$n" "$k" \
			"$(field groups "$d/stats")" "$(field read "$d/stats")" "$(field grid "$d/stats")" \
			"$(field solve "$d/stats")" "$(field plan "$d/stats")" "$(field write "$d/stats")" \
			"$(field total "$d/stats")" "$(($(tail -n 1 "$d/mem") / 1024))" "$optimal"
	done
done
echo

# CBC on the same model, end to end (reading the LP file is part of its time,
# as reading the roster and building the grid are part of convene's).
if ! command -v cbc >/dev/null 2>&1; then
	echo "CBC: not installed (scripts/deps.sh bench installs coinor-cbc)"
	exit "$status"
fi
for case in $cbc_cases; do
	n=${case%:*}
	k=${case#*:}
	d=$(instance "$n" "$k")
	"$bin" solve "$d/course.ini" --json --export-lp "$d/model.lp" >"$d/plan-lp.json" 2>/dev/null ||
		{ echo "CBC: convene --export-lp failed on $n learners"; status=1; continue; }
	t0=$(now)
	"$bin" solve "$d/course.ini" --json >/dev/null 2>&1
	t1=$(now)
	/usr/bin/time -f %M -o "$d/cbc.mem" timeout "$limit" cbc "$d/model.lp" -solve -solu "$d/model.sol" \
		>"$d/cbc.log" 2>&1
	rc=$?
	mb=$(($(tail -n 1 "$d/cbc.mem") / 1024))
	t2=$(now)
	conv=$(calc "$t1 - $t0")
	cbct=$(calc "$t2 - $t1")
	if [ "$rc" -eq 124 ]; then
		printf 'CBC: stopped after %.0f s (no proven optimum) vs convene %.3f s on %s learners, k=%s: > %.0f x\n' \
			"$cbct" "$conv" "$n" "$k" "$(calc "$cbct / $conv")"
		continue
	fi
	check=$(/usr/bin/python3 "$here/lpcheck.py" "$d/model.lp" "$d/model.sol" "$d/plan-lp.json")
	crc=$?
	[ "$crc" -eq 0 ] || status=1
	printf 'CBC: %.1f s vs convene %.3f s on %s learners, k=%s: %.0f x (%s; CBC peak %d MB)\n' \
		"$cbct" "$conv" "$n" "$k" "$(calc "$cbct / $conv")" "$(echo "$check" | sed 's/;.*//')" "$mb"
	echo "     $(echo "$check" | cut -d';' -f2- | sed 's/^ //')"
done
exit "$status"
