#!/bin/sh
# scripts/deb.sh (make deb) - the Debian package, from a fresh clone of HEAD:
#   1. dpkg-buildpackage -us -uc (its build runs `make check`: the tests of
#      the packaged -O2 build);
#   2. lintian (fails on any error or warning; overrides are in debian/ with
#      their reasons);
#   3. the .debs hold what they must;
#   4. as root: apt-get install ./*.deb, then the installed convene,
#      convene-publish-all, the systemd units (systemd-analyze verify) and
#      the pkg-config file are used, and the packages are purged again
#      (DEB_KEEP_INSTALLED=1 keeps them).  Not root: the .deb is unpacked
#      with dpkg-deb -x and its convene run from there.
# The .debs are copied to build/deb/.  Only committed work is packaged.
# Prints "ok - ..." lines and "N passed, N failed"; exit 1 on a failure.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

"$here/scripts/deps.sh" deb || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "$(git -C "$here" status --porcelain --untracked-files=no)" ]; then
	echo "note: uncommitted changes in $here are not in the package (it is built from HEAD)"
fi
sha=$(git -C "$here" rev-parse HEAD)
git clone --quiet --no-local --no-checkout "$here" "$work/convene" &&
	git -C "$work/convene" checkout --quiet --detach "$sha" || { notok "git clone $here"; finish; }
head=$(git -C "$work/convene" log -1 --format='%h %s' | cut -c1-72)
echo "# building from $head"

cd "$work/convene" || exit 1
start=$(date +%s)
if dpkg-buildpackage -us -uc >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc builds from a fresh clone ($(($(date +%s) - start)) s)"
else
	notok "dpkg-buildpackage failed:"; tail -40 "$work/build.log" | sed 's/^/# /'; finish
fi
tests=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/build.log" | tail -n 1)
case "$tests" in
*" passed, 0 failed") ok "the build ran the test suite (make check): $tests" ;;
*) notok "the build's test summary: '$tests'" ;;
esac
cd "$work" || exit 1
changes=$(ls "$work"/convene_*.changes)
mkdir -p "$here/build/deb"
cp "$work"/*.deb "$work"/*.changes "$work"/*.dsc "$work"/*.tar.* "$here/build/deb/" 2>/dev/null

if lintian --fail-on error,warning --info --display-info --pedantic "$changes" >"$work/lintian" 2>&1; then
	ok "lintian: no error or warning ($(grep -c '^[IPX]:' "$work/lintian") info/pedantic tags)"
else
	notok "lintian:"; grep '^[EW]:' "$work/lintian" | sed 's/^/# /'
fi
grep '^[IPX]:' "$work/lintian" | sed 's/^/# lintian: /'

bin_deb=$(ls "$work"/convene_*.deb)
dev_deb=$(ls "$work"/libconvene-dev_*.deb)
dpkg-deb -c "$bin_deb" | awk '{ print $6 }' >"$work/bin.list"
dpkg-deb -c "$dev_deb" | awk '{ print $6 }' >"$work/dev.list"
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
missing=""
for f in ./usr/bin/convene ./usr/bin/convene-publish-all ./usr/share/man/man1/convene.1.gz \
	./usr/share/man/man1/convene-publish-all.1.gz ./lib/systemd/system/convene-publish@.service \
	./lib/systemd/system/convene-publish@.timer ./usr/share/doc/convene/copyright; do
	grep -qx "$f" "$work/bin.list" || missing="$missing $f"
done
for f in ./usr/include/convene.h ./usr/include/convene/plan.h "./usr/lib/$ma/libconvene.a" \
	"./usr/lib/$ma/pkgconfig/convene.pc"; do
	grep -qx "$f" "$work/dev.list" || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "convene and libconvene-dev hold the binaries, man pages, units, headers, library, .pc"
else notok "missing from the packages:$missing"; fi

if [ "$(id -u)" -ne 0 ]; then
	dpkg-deb -x "$bin_deb" "$work/root"
	if "$work/root/usr/bin/convene" --version >"$work/v" 2>&1; then
		ok "convene --version from the unpacked .deb: $(head -1 "$work/v")"
	else
		notok "the unpacked convene does not run"; sed 's/^/# /' "$work/v"
	fi
	echo "ok - # SKIP installing with dpkg needs root"
	finish
fi

if apt-get install -y -qq --no-install-recommends "$bin_deb" "$dev_deb" >"$work/install.log" 2>&1; then
	ok "apt-get install ./convene_*.deb ./libconvene-dev_*.deb (dpkg -i with the dependencies)"
else
	notok "installing the packages:"; tail -20 "$work/install.log" | sed 's/^/# /'; finish
fi
if [ "$(command -v convene)" = /usr/bin/convene ] && convene --version >"$work/v" 2>&1; then
	ok "the installed convene runs: $(head -1 "$work/v")"
else
	notok "the installed convene --version:"; sed 's/^/# /' "$work/v"
fi
if getent passwd convene >/dev/null && [ "$(getent passwd convene | cut -d: -f7)" != /bin/bash ]; then
	ok "the package created the system user convene ($(getent passwd convene | cut -d: -f3,6,7))"
else
	notok "no system user convene"
fi
mkdir -p "$work/courses/cs101" "$work/pub"
cp -r "$work/convene/examples/." "$work/courses/cs101/"
rm -rf "$work/courses/cs101/out"
if convene-publish-all "$work/courses" "$work/pub" >"$work/pa" 2>&1 && [ -s "$work/pub/cs101/instructor.ics" ]; then
	ok "the installed convene-publish-all publishes the example: $(tail -1 "$work/pa")"
else
	notok "convene-publish-all:"; sed 's/^/# /' "$work/pa"
fi
if man -w convene-publish-all >/dev/null 2>&1 && man -w convene >/dev/null 2>&1; then
	ok "man convene and man convene-publish-all find the pages"
else
	notok "the man pages are not found by man"
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "ok - # SKIP systemd-analyze is not installed: the installed units are not verified"
elif systemd-analyze verify /lib/systemd/system/convene-publish@.service \
	/lib/systemd/system/convene-publish@.timer >"$work/verify" 2>&1 && [ ! -s "$work/verify" ]; then
	ok "systemd-analyze verify passes on the installed units (binary, man pages and all)"
else
	notok "systemd-analyze verify on the installed units:"; sed 's/^/# /' "$work/verify"
fi
cat >"$work/use.c" <<'C'
#include <stdio.h>
#include <convene.h>
int main(void) { printf("%s\n", cv_tz_version()); cv_tz_cleanup(); return 0; }
C
if cc -std=c11 -o "$work/use" "$work/use.c" $(pkg-config --cflags --libs convene) 2>"$work/cc" &&
	"$work/use" >/dev/null; then
	ok "a program built with the installed pkg-config --cflags --libs convene runs"
else
	notok "building against libconvene-dev:"; sed 's/^/# /' "$work/cc" | head
fi
if [ -z "${DEB_KEEP_INSTALLED:-}" ]; then
	if apt-get purge -y -qq convene libconvene-dev >"$work/purge.log" 2>&1 && [ ! -e /usr/bin/convene ]; then
		ok "apt-get purge removes both packages again (DEB_KEEP_INSTALLED=1 keeps them)"
	else
		notok "purge:"; tail -5 "$work/purge.log" | sed 's/^/# /'
	fi
fi
echo "# packages in $here/build/deb/"
finish
