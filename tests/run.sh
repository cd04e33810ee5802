#!/bin/sh
# Run every test and print one closing line "N passed, N failed".
#   tests/run.sh BUILD [ASAN_BUILD]   unit + integration on each build, tzdata-tests once
#                                     (and fuzz/run.sh once when FUZZ_BUILD is set)
#   tests/run.sh --unit-only BUILD    cmocka unit tests only
#   tests/run.sh --tz-only BUILD      the time-zone conformance suite only
set -u
mode=all
case "${1:-}" in --unit-only) mode=unit; shift ;; --tz-only) mode=tz; shift ;; esac
[ $# -ge 1 ] || { echo "usage: $0 [--unit-only|--tz-only] BUILD [BUILD...]" >&2; exit 2; }

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:".
run_cmocka() {
	"$1" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	p=${p:-0}; f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$f" -ne 0 ]; then cat "$log"; echo "FAIL $1"; else echo "ok   $1 ($p)"; fi
}

# Script tests print "ok - what" / "not ok - what" lines (TAP style).  A
# script's log is shown only when it fails, so lines starting "# summary:"
# (what a sweep covered: zones, instants, transitions) are shown on success
# too, under the script's own line.
run_script() {
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$f" -ne 0 ]; then cat "$log"; echo "FAIL $*"; else
		echo "ok   $* ($p)"
		sed -n 's/^# summary: /     /p' "$log"
	fi
}

first=$1
for build in "$@"; do
	case "$build" in *asan*)
		export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ;;
	esac
	if [ "$mode" != tz ]; then
		for t in "$build"/tests/test_*; do
			[ -x "$t" ] && run_cmocka "$t"
		done
	fi
	if [ "$mode" = all ]; then
		for s in tests/it_*.sh; do
			[ -f "$s" ] && run_script sh "$s" "$build"
		done
	fi
	if [ "$mode" != unit ] && [ "$build" = "$first" ]; then
		for s in tzdata-tests/*.sh; do
			[ -f "$s" ] && run_script sh "$s" "$build"
		done
	fi
	# The libFuzzer harnesses, once, when the Makefile built them (make test
	# sets FUZZ_BUILD and FUZZ_SECS; make check, for the Debian package, does not).
	if [ "$mode" = all ] && [ "$build" = "$first" ] && [ -n "${FUZZ_BUILD:-}" ]; then
		run_script fuzz/run.sh -j "${FUZZ_JOBS:-2}" "$FUZZ_BUILD" "${FUZZ_SECS:-20}"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
