#!/bin/sh
# Time-zone oracle sweep: every tzdata name, years 2020-2040, convene against
# zdump and Python's zoneinfo (see sweep.py).  Usage: sweep.sh BUILD
build=${1:-build}
if [ ! -x "$build/tzdata-tests/tzdump" ]; then
	echo "not ok - $build/tzdata-tests/tzdump is not built (make tztest builds it)"
	exit 1
fi
if [ ! -x /usr/bin/python3 ] || ! command -v zdump >/dev/null 2>&1; then
	echo "not ok - the oracles /usr/bin/python3 (zoneinfo) and zdump are needed"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/sweep.py" "$build"
