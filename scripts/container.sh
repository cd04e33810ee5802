#!/bin/sh
# scripts/container.sh (make container) - build the Containerfile's image
# and run it: --version, and the default command publishing the example
# course from a /courses volume into a /published volume as a non-root user.
# Uses podman, buildah (build only) or docker, whichever has a working
# engine; with none, says so and exits 0 (a build needs the Debian archive:
# the image installs its build dependencies with apt).
#   CONTAINER_TOOL=podman|docker|buildah   force one
#   CONTAINER_BUILD_ARGS="--build-arg DEB_BUILD_OPTIONS=nocheck --build-arg DEB_BUILD_PROFILES=nocheck"
#                        (and --isolation=chroot where podman's RUN steps cannot
#                        get cgroups, as on the machine this was written on)
#   CONTAINER_NO_BUILD=1 try the image built before (podman), do not build
# Where no registry is reachable, base images made with mmdebstrap serve:
#   mmdebstrap --variant=minbase bookworm base.tar
#   podman import base.tar docker.io/library/debian:12
#   podman tag docker.io/library/debian:12 docker.io/library/debian:12-slim
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
tag=${CONTAINER_TAG:-convene:test}
passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

tool=${CONTAINER_TOOL:-}
why=""
if [ -z "$tool" ]; then
	for t in podman docker buildah; do
		command -v "$t" >/dev/null 2>&1 || { why="$why $t: not installed;"; continue; }
		case "$t" in
		buildah) buildah info >/dev/null 2>&1 && { tool=$t; break; } ;;
		*) "$t" info >/dev/null 2>&1 && { tool=$t; break; } ;;
		esac
		why="$why $t: installed, but '$t info' fails (no engine reachable);"
	done
fi
if [ -z "$tool" ]; then
	echo "container: SKIPPED, no container engine works on this machine:$why"
	echo "container: the image was not built; run 'make container' where podman, buildah or docker can build"
	exit 0
fi

echo "# $tool build -t $tag -f Containerfile $here"
# shellcheck disable=SC2086 # CONTAINER_BUILD_ARGS is a list of words
case "$tool" in
buildah) set -- buildah bud ;;
*) set -- "$tool" build ;;
esac
if [ -n "${CONTAINER_NO_BUILD:-}" ] && "$tool" image exists "$tag" 2>/dev/null; then
	echo "# CONTAINER_NO_BUILD: trying the image $tag built before"
elif "$@" ${CONTAINER_BUILD_ARGS:-} -t "$tag" -f "$here/Containerfile" "$here" >/tmp/convene-container.log 2>&1; then
	ok "$tool builds the image from Containerfile (log: /tmp/convene-container.log)"
else
	notok "$tool build failed:"; tail -30 /tmp/convene-container.log | sed 's/^/# /'; finish
fi
if [ "$tool" = buildah ]; then
	echo "ok - # SKIP buildah builds but does not run containers here"
	finish
fi

vol=$(mktemp -d)
trap 'rm -rf "$vol"' EXIT
mkdir -p "$vol/courses/cs101" "$vol/published"
cp -r "$here/examples/." "$vol/courses/cs101/"
rm -rf "$vol/courses/cs101/out"

# The image's own user, working directory and command.
user=$("$tool" image inspect --format '{{.Config.User}}' "$tag")
cmd=$("$tool" image inspect --format '{{range .Config.Cmd}}{{.}} {{end}}' "$tag")
echo "# image: USER $user, CMD $cmd"

# run ARGS...: a command in the image as its user, /courses and /published
# from $vol.  Where the engine cannot start a container (a nested, restricted
# machine: crun refused cgroups or setrlimit on the one this was written on)
# and we are root with podman, the image's file system runs under chroot in
# a mount namespace instead: the same files, user and volumes, without the
# runtime's isolation (say so).
mode=engine
if ! "$tool" run --rm "$tag" true >/dev/null 2>"$vol/probe"; then
	if [ "$tool" = podman ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
		mode=chroot
		rootfs=$(podman image mount "$tag") || { notok "podman image mount $tag"; finish; }
		uid=$(awk -F: -v u="$user" '$1 == u || $3 == u { print $3 ":" $4 }' "$rootfs/etc/passwd")
		echo "# $tool cannot start a container here ($(head -c 160 "$vol/probe" | tr '\n' ' '));"
		echo "# running the image's file system with chroot --userspec=$uid instead (no runtime isolation)"
	else
		echo "ok - # SKIP $tool builds but cannot run containers here: $(head -1 "$vol/probe")"
		finish
	fi
fi
run() {
	if [ "$mode" = engine ]; then
		"$tool" run --rm -v "$vol/courses:/courses:ro" -v "$vol/published:/published" "$tag" "$@"
	else
		unshare --mount sh -c 'mount --make-rprivate / && mount --bind "$1/courses" "$2/courses" &&
			mount -o remount,bind,ro "$2/courses" && mount --bind "$1/published" "$2/published" &&
			mount -t tmpfs -o mode=1777 tmpfs "$2/tmp" &&
			shift 2 && exec chroot --userspec="$UIDGID" "$ROOTFS" "$@"' \
			sh "$vol" "$rootfs" "$@"
	fi
}
export UIDGID="${uid:-}" ROOTFS="${rootfs:-}"

v=$(run convene --version 2>&1)
case "$v" in convene\ [0-9]*) ok "convene --version in the image: $v" ;; *) notok "--version: $v" ;; esac
u=$(run id -u 2>&1)
if [ -n "$u" ] && [ "$u" -gt 0 ] 2>/dev/null; then ok "the image runs as a non-root user ($user, uid $u)"; else notok "uid '$u'"; fi
chown "$u" "$vol/published" 2>/dev/null || chmod 777 "$vol/published"
# shellcheck disable=SC2086 # the image's CMD, word by word
if run $cmd >"$vol/run.log" 2>&1 && [ -s "$vol/published/cs101/instructor.ics" ]; then
	ok "the image's command ($cmd) publishes /courses into /published ($mode): $(tail -1 "$vol/run.log")"
else
	notok "publishing with volumes ($mode):"; sed 's/^/# /' "$vol/run.log"
fi
if run sh -c 'touch /courses/x' >/dev/null 2>&1; then notok "/courses is writable"; else
	ok "/courses is read-only inside, /published writable by the user"
fi
[ "$mode" = chroot ] && podman image unmount "$tag" >/dev/null
finish
