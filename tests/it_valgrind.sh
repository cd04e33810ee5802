#!/bin/sh
# Valgrind clean (issue 16): no error and no leak, tests/valgrind.supp aside,
# on the example (check, solve, solve --json, publish --itip, and a second
# publish after a change, which revises and cancels) and on the readers of
# tests/it_hostile.sh (its large inputs excepted).  The -O2 build only:
# valgrind does not run under ASan.  About a minute.
#   sh tests/it_valgrind.sh [BUILD]
. "$(dirname "$0")/lib.sh"
case "$build" in *asan*) echo "# valgrind does not run under ASan: see the -O2 build"; exit 0 ;; esac
need_exe "$bin"
need_cmd valgrind "apt install valgrind"

vg="valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all"
vg="$vg --suppressions=tests/valgrind.supp --error-exitcode=99"

# clean WHAT WANT COMMAND...: COMMAND under valgrind exits WANT with no report.
clean() {
	what=$1 want=$2
	shift 2
	$vg "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && ! grep -q '^==[0-9]*==' "$tmp/err"; then ok "valgrind: $what"; else
		notok "valgrind: $what (exit $rc, wanted $want)"
		grep '^==[0-9]*==' "$tmp/err" | head -n 12 | sed 's/^/# /'
	fi
}

copy_example "$tmp/ex"
clean "check the example" 0 "$bin" check "$course"
clean "solve the example" 0 "$bin" solve "$course"
clean "solve --json" 0 "$bin" solve "$course" --json
clean "publish --itip" 0 "$bin" publish "$course" --out "$tmp/pub" --itip
# s45 leaves and the sessions grow longer: changed events, a cancellation.
sed -i '/^s45,/d' "$tmp/ex/students.csv"
sed -i 's/^duration = 60m/duration = 75m/' "$course"
clean "publish --itip again, after a change" 0 "$bin" publish "$course" --out "$tmp/pub" --itip
clean "publish --dry-run" 0 "$bin" publish "$course" --out "$tmp/pub" --itip --dry-run

VALGRIND=1 sh tests/it_hostile.sh "$build" |
	sed 's/^\(\(not \)\{0,1\}ok - \)/\1valgrind: /; s/^# summary: hostile/# summary: valgrind, hostile/'
