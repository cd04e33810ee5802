#!/bin/sh
# Install (as root) or name the Debian packages a set of targets needs.
# Usage: scripts/deps.sh build|test|bench|deb
set -u
build="gcc make pkg-config libical-dev libicu-dev libinih-dev libsqlite3-dev libmicrohttpd-dev tzdata"
test="$build libcmocka-dev python3 python3-icalendar python3-recurring-ical-events python3-yaml coinor-cbc groff-base strace clang-14 libclang-rt-14-dev valgrind time"
bench="$build coinor-cbc python3 time nodejs"
deb="$test dpkg-dev debhelper devscripts lintian fakeroot git"
case "${1:-build}" in
	build) want=$build ;;
	test) want=$test ;;
	bench) want=$bench ;;
	deb) want=$deb ;;
	*) echo "usage: $0 build|test|bench|deb" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$status" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
	echo "installing missing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null \
		|| { echo "apt-get install failed; run: apt-get install -y$missing" >&2; exit 1; }
	exit 0
fi
echo "missing Debian packages; run as root:" >&2
echo "  apt-get install -y$missing" >&2
exit 1
