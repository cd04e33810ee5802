#!/bin/sh
# it_systemd.sh BUILD - contrib/systemd/convene-publish@.service and .timer:
# `systemd-analyze verify` passes (on a copy whose ExecStart names BUILD's
# convene: the package test, scripts/deb.sh, verifies the installed units
# as they are), `systemd-analyze security` rates the service SAFE, the
# hardening the issue asks for is there, the one writable directory is the
# parent of --out (publish's staging directory and DIR.lock live there), and
# the unit's own ExecStart line publishes a course with everything else
# read-only (a mount namespace: ProtectSystem=strict, ReadWritePaths=).
# Skips (with a message) what needs systemd-analyze or unshare where absent.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
case "$build" in *asan*) exit 0 ;; esac
here=$(cd "$(dirname "$0")/.." && pwd)
unit="$here/contrib/systemd/convene-publish@.service"
timer="$here/contrib/systemd/convene-publish@.timer"

# key NAME: the values of NAME= in the service, one per line
key() { sed -n "s/^$1=//p" "$unit"; }

missing=""
for want in User=convene ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
	PrivateDevices=yes PrivateNetwork=yes CapabilityBoundingSet= ProtectKernelTunables=yes \
	ProtectKernelModules=yes ProtectControlGroups=yes RestrictNamespaces=yes RestrictSUIDSGID=yes \
	MemoryDenyWriteExecute=yes LockPersonality=yes SystemCallFilter=@system-service \
	SystemCallArchitectures=native RestrictAddressFamilies=none; do
	grep -qx "$want" "$unit" || missing="$missing $want"
done
if [ -z "$missing" ]; then ok "the service has the hardening settings"; else notok "missing:$missing"; fi

# What may be written: StateDirectory= (under /var/lib) and ReadWritePaths=.
state="/var/lib/$(key StateDirectory)"
rw=$(key ReadWritePaths)
exec_line=$(key ExecStart)
out=$(echo "$exec_line" | sed -n 's/.* --out \([^ ]*\).*/\1/p')
if [ "$(dirname "$out")" = "$state" ] && [ -z "$rw" ] && [ "$(echo "$out" | grep -c '%i')" -eq 1 ]; then
	ok "the only writable directory ($state) is the parent of --out $out"
else
	notok "--out $out, StateDirectory $state, ReadWritePaths '$rw'"
fi
case "$exec_line" in
*'${CONVENE_COURSES}/%i/course.ini'*) ok "the instance name is the course: \${CONVENE_COURSES}/%i/course.ini" ;;
*) notok "ExecStart does not map %i to a course file: $exec_line" ;;
esac

if command -v systemd-analyze >/dev/null 2>&1; then
	# A copy named like the original, so that the timer finds its service.
	sed "s|^ExecStart=/usr/bin/convene |ExecStart=$bin |" "$unit" >"$tmp/convene-publish@.service"
	cp "$timer" "$tmp/"
	if systemd-analyze verify --man=no "$tmp/convene-publish@.service" "$tmp/convene-publish@.timer" \
		>"$tmp/verify" 2>&1 && [ ! -s "$tmp/verify" ]; then
		ok "systemd-analyze verify passes on the service and the timer, silently"
	else
		notok "systemd-analyze verify:"; sed 's/^/# /' "$tmp/verify"
	fi
	if systemd-analyze security --offline=yes "$tmp/convene-publish@.service" >"$tmp/sec" 2>&1; then
		level=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p' "$tmp/sec")
		case "$level" in
		0.* | 1.[0-9]*" OK" | *SAFE) ok "systemd-analyze security: exposure $level" ;;
		*) notok "systemd-analyze security: exposure '$level'"; grep '✗' "$tmp/sec" | sed 's/^/# /' ;;
		esac
		echo "# summary: systemd-analyze security: exposure $level;$(grep '✗' "$tmp/sec" |
			awk '{ printf " %s", $2 }') left"
	else
		echo "ok - # SKIP systemd-analyze security --offline is not supported here ($(systemd-analyze --version | head -1))"
	fi
else
	echo "ok - # SKIP systemd-analyze is not installed (apt-get install systemd): units not verified"
fi

# The unit's ExecStart, with its two roots moved under $tmp, in a mount
# namespace in which that tree is read-only but for the state directory.
root="$tmp/root"
mkdir -p "$root/courses/cs101" "$root$state"
cp -r "$here/examples/." "$root/courses/cs101/"
rm -rf "$root/courses/cs101/out"
cmd=$(echo "$exec_line" | sed -e "s|^/usr/bin/convene |$bin |" -e "s|\${CONVENE_COURSES}|$root/courses|" \
	-e "s|$state|$root$state|" -e "s|%i|cs101|g")
cat >"$tmp/run.sh" <<SH
mount --make-rprivate / && mount --bind "$root" "$root" && mount --bind "$root$state" "$root$state" &&
	mount -o remount,bind,ro "$root" || exit 99
if touch "$root/courses/probe" 2>/dev/null; then exit 98; fi
cd "$root$state" && $cmd && $cmd
SH
if ! command -v unshare >/dev/null 2>&1 || ! unshare --mount true 2>/dev/null; then
	echo "ok - # SKIP no mount namespace here (unshare needs root): ExecStart not run read-only"
else
	unshare --mount sh "$tmp/run.sh" >"$tmp/run.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ -s "$root$state/cs101/instructor.ics" ] && [ -f "$root$state/cs101.lock" ]; then
		ok "ExecStart publishes twice with everything read-only but $state (lock and staging beside DIR)"
	else
		notok "ExecStart in a read-only tree exited $rc: $cmd"; sed 's/^/# /' "$tmp/run.log" | head
	fi
fi
