#!/bin/sh
# Named time-zone edge cases (tzdata-tests/edge_cases), one TAP line each.
# Usage: edge_cases.sh BUILD
build=${1:-build}
if [ ! -x "$build/tzdata-tests/tzdump" ]; then
	echo "not ok - $build/tzdata-tests/tzdump is not built (make tztest builds it)"
	exit 1
fi
exec /usr/bin/python3 "$(dirname "$0")/edge_cases.py" "$build"
