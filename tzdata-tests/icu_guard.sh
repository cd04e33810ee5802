#!/bin/sh
# ICU guard: the zones where ICU's built-in tzdata is wrong in 2026-2028,
# found at run time against zdump, and convene right in every one of them
# (see icu_guard.py).  Usage: icu_guard.sh BUILD
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../tests/lib.sh"
need_exe "$build/tzdata-tests/tzdump" "make tztest builds it"
need_exe "$build/tzdata-tests/icudump" "make tztest builds it"
need_py # the oracles: zoneinfo and zdump
need_cmd zdump libc-bin
"$py" "$(dirname "$0")/icu_guard.py" "$build"
