#!/bin/sh
# it_debian.sh BUILD - debian/ stays in step with the rest of the tree, so
# that `make deb` (which needs root and minutes, so is not part of make test)
# does not break when something else changes:
#  - debian/changelog's version is include/convene.h's CONVENE_VERSION;
#  - every package scripts/deps.sh names for building is in Build-Depends,
#    and every one it names for testing is there too (marked <!nocheck> or
#    not), since the package build runs the tests (make check);
#  - libconvene-dev depends on the Debian package of every module
#    convene.pc.in Requires (which package ships a .pc file: dpkg -S);
#  - debian/rules passes NO_DEPS=1 (a build chroot has no root and no apt).
# The plain build only.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
case "$build" in *asan*) exit 0 ;; esac

version=$(sed -n 's/^#define CONVENE_VERSION "\(.*\)"/\1/p' include/convene.h)
changelog=$(sed -n '1s/^convene (\([^)]*\)).*/\1/p' debian/changelog)
if [ -n "$version" ] && [ "$changelog" = "$version" ]; then
	ok "debian/changelog's version is CONVENE_VERSION ($version)"
else
	notok "debian/changelog says '$changelog', include/convene.h '$version'"
fi

# Build-Depends as one line per alternative list, version and profile kept.
awk '/^Build-Depends:/ { on = 1; sub(/^Build-Depends:/, "") } on && /^[A-Z]/ && !/^Build-Depends/ { on = 0 }
	on { print }' debian/control | tr ',' '\n' | sed 's/^[[:space:]]*//; /^$/d' >"$tmp/bd"
list() { sed -n "s/^$1=\"\\(.*\\)\"/\\1/p" scripts/deps.sh | sed 's/\$build//'; }
missing=""
for p in $(list build); do
	case "$p" in gcc | make) continue ;; esac # build-essential
	grep -Eq "(^|\| )$p( |\$|<)" "$tmp/bd" && ! grep -Eq "(^|\| )$p .*<!nocheck>" "$tmp/bd" ||
		missing="$missing $p"
done
for p in $(list test); do
	grep -Eq "(^|\| )$p( |\$|<)" "$tmp/bd" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	ok "Build-Depends hold scripts/deps.sh's build packages and its test packages"
else
	notok "debian/control Build-Depends lacks:$missing (test-only ones with <!nocheck>)"
fi

# libconvene-dev: the -dev package of each module convene.pc Requires.
devdeps=$(awk '/^Package: libconvene-dev/ { on = 1 } on && /^Depends:/ { print; exit }' debian/control)
missing=""
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for m in $(sed -n 's/^Requires: *//p' convene.pc.in | tr ',' ' '); do
	pc=$(pkg-config --variable=pcfiledir "$m" 2>/dev/null)/$m.pc
	pkg=$(dpkg -S "$pc" 2>/dev/null | cut -d: -f1 | head -1)
	[ -n "$pkg" ] || pkg=$(dpkg -S "/usr/lib/$ma/pkgconfig/$m.pc" 2>/dev/null | cut -d: -f1 | head -1)
	[ -n "$pkg" ] || { missing="$missing $m(no package ships $m.pc)"; continue; }
	echo "$devdeps" | grep -Eq "[ ,]$pkg(,|\$| )" || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
	ok "libconvene-dev depends on the -dev package of every module convene.pc requires"
else
	notok "libconvene-dev's Depends lacks:$missing"
fi

if grep -q 'dh_auto_build -- NO_DEPS=1' debian/rules && grep -q 'check NO_DEPS=1' debian/rules; then
	ok "debian/rules builds and tests with NO_DEPS=1"
else
	notok "debian/rules does not pass NO_DEPS=1"
fi
