#!/bin/sh
# Named time-zone edge cases (tzdata-tests/edge_cases), one TAP line each.
# Usage: edge_cases.sh BUILD
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../tests/lib.sh"
need_exe "$build/tzdata-tests/tzdump" "make tztest builds it"
"$py" "$(dirname "$0")/edge_cases.py" "$build"
