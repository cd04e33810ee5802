#!/bin/sh
# Run the libFuzzer harnesses (fuzz/README.md).
#   fuzz/run.sh [-j JOBS] FUZZBUILD [SECONDS [NAME...]]
#       each harness (or the NAMEd ones) for SECONDS (default 20) from its
#       corpus fuzz/corpus/NAME with fuzz/dict/NAME.dict, JOBS at a time; what
#       it finds new goes to FUZZBUILD/found/NAME, never into the repository;
#       a crash, leak, UB, timeout or out-of-memory input is kept as
#       FUZZBUILD/artifacts/NAME-* and is a failure.  TAP lines, and a
#       "# summary:" line per harness (executions, coverage, corpus).
#   fuzz/run.sh --merge FUZZBUILD [NAME...]
#       fold FUZZBUILD/found/NAME into fuzz/corpus/NAME, minimised
#       (libFuzzer -merge=1: only inputs that add coverage are kept).
set -u
jobs=1
merge=0
while [ $# -gt 0 ]; do
	case "$1" in
	-j) jobs=$2; shift 2 ;;
	--merge) merge=1; shift ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "usage: $0 [-j JOBS] FUZZBUILD [SECONDS [NAME...]] | --merge FUZZBUILD [NAME...]" >&2; exit 2; }
fb=$1; shift
secs=20
if [ "$merge" -eq 0 ] && [ $# -ge 1 ]; then secs=$1; shift; fi
names=$*
[ -n "$names" ] || names=$(for f in fuzz/fuzz_*.c; do basename "$f" .c | sed 's/^fuzz_//'; done)

# The longest input each harness is given: about the largest real input of
# its kind that still mutates quickly.
max_len() {
	case "$1" in
	avail|zone) echo 1024 ;;
	course|tzif) echo 16384 ;;
	*) echo 65536 ;;
	esac
}

# One harness: TAP line and summary from its log.
run_one() {
	name=$1
	bin=$fb/fuzz_$name
	log=$fb/logs/$name.log
	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz $name: $bin is built (make fuzzers; needs clang-14 and libclang-rt-14-dev)"
		return
	fi
	mkdir -p "$fb/found/$name" "$fb/artifacts" "$fb/logs" "fuzz/corpus/$name"
	dict=""
	[ -f "fuzz/dict/$name.dict" ] && dict="-dict=fuzz/dict/$name.dict"
	# shellcheck disable=SC2086 # $dict is one word or none
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -max_len="$(max_len "$name")" \
		-print_final_stats=1 -artifact_prefix="$fb/artifacts/$name-" $dict \
		"$fb/found/$name" "fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
	if [ "$rc" -eq 0 ] && ! grep -q '^==[0-9]*==ERROR\|runtime error\|^SUMMARY: ' "$log"; then
		echo "ok - fuzz $name: ${secs} s from fuzz/corpus/$name, nothing found"
	else
		echo "not ok - fuzz $name: exit $rc; log $log; input in $fb/artifacts/$name-*"
		grep -E 'ERROR|runtime error|SUMMARY|broken:|Test unit written' "$log" | head -n 8 | sed 's/^/# /'
	fi
	echo "# summary: fuzz $name: ${runs:-?} runs (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, peak rss ${rss:-?} MB"
}

merge_one() {
	name=$1
	bin=$fb/fuzz_$name
	new=$fb/merged/$name
	[ -x "$bin" ] || { echo "not ok - fuzz $name: $bin is built"; return; }
	rm -rf "$new" && mkdir -p "$new" "$fb/found/$name" "fuzz/corpus/$name"
	if "$bin" -merge=1 -max_len="$(max_len "$name")" -timeout=25 -rss_limit_mb=2048 \
		"$new" "fuzz/corpus/$name" "$fb/found/$name" >"$fb/logs/$name.merge.log" 2>&1; then
		rm -f "fuzz/corpus/$name"/* && cp "$new"/* "fuzz/corpus/$name"/ 2>/dev/null
		echo "ok - fuzz $name: corpus merged, $(ls "fuzz/corpus/$name" | wc -l) files, $(du -sk "fuzz/corpus/$name" | cut -f1) KiB"
	else
		echo "not ok - fuzz $name: merge failed, see $fb/logs/$name.merge.log"
	fi
}

mkdir -p "$fb/logs"
if [ "$merge" -eq 1 ]; then
	for n in $names; do merge_one "$n"; done
	exit 0
fi
# JOBS at a time; each job's lines are printed when it ends, whole.
set -- $names
while [ $# -gt 0 ]; do
	batch=""
	k=0
	while [ $# -gt 0 ] && [ "$k" -lt "$jobs" ]; do
		run_one "$1" >"$fb/logs/$1.tap" &
		batch="$batch $1"
		k=$((k + 1))
		shift
	done
	wait
	for n in $batch; do cat "$fb/logs/$n.tap"; done
done
