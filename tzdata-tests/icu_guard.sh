#!/bin/sh
# ICU guard: the zones where ICU's built-in tzdata is wrong in 2026-2028,
# found at run time against zdump, and convene right in every one of them
# (see icu_guard.py).  Usage: icu_guard.sh BUILD
build=${1:-build}
for t in tzdump icudump; do
	if [ ! -x "$build/tzdata-tests/$t" ]; then
		echo "not ok - $build/tzdata-tests/$t is not built (make tztest builds it)"
		exit 1
	fi
done
if [ ! -x /usr/bin/python3 ] || ! command -v zdump >/dev/null 2>&1; then
	echo "not ok - the oracles /usr/bin/python3 (zoneinfo) and zdump are needed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/icu_guard.py" "$build"
