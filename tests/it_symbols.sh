#!/bin/sh
# it_symbols.sh BUILD - `nm` tells API from internals at a glance: every
# global symbol libconvene.a defines is either a cv_ name declared in
# include/ (the API) or carries the private prefix Cv_ (as curl's Curl_).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib="$build/libconvene.a"

nm -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/defined"
cat include/convene.h include/convene/*.h | grep -o '\bcv_[a-z0-9_]*' | sort -u >"$tmp/declared"
if [ -s "$tmp/defined" ]; then ok "nm lists the library's symbols"; else notok "nm listed nothing"; fi
grep -v '^Cv_' "$tmp/defined" | comm -23 - "$tmp/declared" >"$tmp/stray"
if [ ! -s "$tmp/stray" ]; then
	ok "every global symbol is a declared cv_ API name or private Cv_"
else
	notok "global symbols neither declared in include/ nor Cv_-prefixed:"
	sed 's/^/#   /' "$tmp/stray"
fi
# A private name must not leak into the public headers either.
if grep -n '\bCv_' include/convene.h include/convene/*.h >"$tmp/leak"; then
	notok "public headers mention private Cv_ names:"; sed 's/^/#   /' "$tmp/leak"
else
	ok "no public header names a private Cv_ symbol"
fi
