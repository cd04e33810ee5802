#!/bin/sh
# Time-zone oracle sweep: every tzdata name, years 2020-2040, convene against
# zdump and Python's zoneinfo (see sweep.py).  Usage: sweep.sh BUILD
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../tests/lib.sh"
need_exe "$build/tzdata-tests/tzdump" "make tztest builds it"
need_py # the oracles: zoneinfo and zdump
need_cmd zdump libc-bin
"$py" "$(dirname "$0")/sweep.py" "$build"
