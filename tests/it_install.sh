#!/bin/sh
# it_install.sh BUILD - `make install` into a DESTDIR puts the binary, the man
# page, the headers, the library and convene.pc in place, and a program built
# with nothing but `pkg-config --cflags --libs convene` links and runs.
# The plain build only: installing the ASan build would mean rebuilding it.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
case "$build" in *asan*) exit 0 ;; esac
root="$tmp/root"
prefix=/opt/convene

if make -s --no-print-directory install BUILD="$1" PREFIX="$prefix" DESTDIR="$root" >"$tmp/log" 2>&1; then
	ok "make install PREFIX=$prefix DESTDIR=... succeeds"
else
	notok "make install failed"; show 10 "$tmp/log"
fi
for f in bin/convene lib/libconvene.a include/convene.h include/convene/plan.h \
	share/man/man1/convene.1 lib/pkgconfig/convene.pc bin/convene-publish-all \
	share/man/man1/convene-publish-all.1; do
	if [ -s "$root$prefix/$f" ]; then ok "installed $f"; else notok "missing $prefix/$f"; fi
done
if "$root$prefix/bin/convene" --version | grep -q '^convene [0-9]'; then
	ok "the installed binary runs"
else
	notok "the installed binary does not run"
fi
if grep -q "^prefix=$prefix\$" "$root$prefix/lib/pkgconfig/convene.pc" &&
	! grep -q '@' "$root$prefix/lib/pkgconfig/convene.pc"; then
	ok "convene.pc names the prefix and has no unsubstituted @VARIABLE@"
else
	notok "convene.pc:"; sed 's/^/# /' "$root$prefix/lib/pkgconfig/convene.pc"
fi
if man -l "$root$prefix/share/man/man1/convene.1" >/dev/null 2>&1 || ! command -v man >/dev/null; then
	ok "the man page formats"
else
	notok "the man page does not format"
fi

cat >"$tmp/use.c" <<'C'
#include <stdio.h>
#include <convene.h>
int main(void)
{
	const cv_zone *z = NULL;
	if (cv_zone_lookup(&z, "Asia/Calcutta", NULL, 0) != CV_OK)
		return 1;
	printf("%s %s\n", cv_zone_name(z), cv_tz_version());
	cv_tz_cleanup();
	return 0;
}
C
flags=$(PKG_CONFIG_PATH="$root$prefix/lib/pkgconfig" pkg-config \
	--define-variable=prefix="$root$prefix" --cflags --libs convene 2>"$tmp/pcerr")
if cc -std=c11 -o "$tmp/use" "$tmp/use.c" $flags 2>"$tmp/ccerr" && "$tmp/use" >"$tmp/out" &&
	grep -q '^Asia/Kolkata [0-9]\{4\}[a-z]' "$tmp/out"; then
	ok "a program linked with pkg-config --libs convene (no --static) runs"
else
	notok "linking with pkg-config --libs convene"; cat "$tmp/pcerr" "$tmp/ccerr" | show 10
fi

# doc/library.md's front end, compiled against the installed library, solves
# and publishes the small course as `convene publish` would.
sed -n '/^```c$/,/^```$/p' doc/library.md | sed '1d;$d' >"$tmp/front.c"
if cc -std=c11 -o "$tmp/front" "$tmp/front.c" $flags 2>"$tmp/ccerr" &&
	SOURCE_DATE_EPOCH=1798761600 "$tmp/front" tests/data/small_course.ini "$tmp/pubd" >"$tmp/out" 2>/dev/null &&
	grep -q '^4 calendars, [0-9]* events new, 0 changed$' "$tmp/out" &&
	SOURCE_DATE_EPOCH=1798761600 "$bin" publish tests/data/small_course.ini --out "$tmp/pubc" --quiet 2>/dev/null &&
	diff -r "$tmp/pubd" "$tmp/pubc" >/dev/null; then
	ok "doc/library.md's program builds, runs and publishes what convene publish does"
else
	notok "doc/library.md's program"; cat "$tmp/ccerr" "$tmp/out" | show 10
fi

