#!/bin/sh
# scripts/container.sh (make container) - build the Containerfile's image
# and run it: --version, and the default command publishing the example
# course from a /courses volume into a /published volume as a non-root user.
# Uses podman, buildah (build only) or docker, whichever has a working
# engine; with none, says so and exits 0 (a build needs the Debian archive:
# the image installs its build dependencies with apt).
#   CONTAINER_TOOL=podman|docker|buildah   force one
#   CONTAINER_BUILD_ARGS="--build-arg DEB_BUILD_OPTIONS=nocheck --build-arg DEB_BUILD_PROFILES=nocheck"
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
if "$@" ${CONTAINER_BUILD_ARGS:-} -t "$tag" -f "$here/Containerfile" "$here" >/tmp/convene-container.log 2>&1; then
	ok "$tool builds the image from Containerfile (log: /tmp/convene-container.log)"
else
	notok "$tool build failed:"; tail -30 /tmp/convene-container.log | sed 's/^/# /'; finish
fi
if [ "$tool" = buildah ]; then
	echo "ok - # SKIP buildah builds but does not run containers here"
	finish
fi

v=$("$tool" run --rm "$tag" convene --version 2>&1)
case "$v" in convene\ [0-9]*) ok "convene --version in the image: $v" ;; *) notok "--version: $v" ;; esac
u=$("$tool" run --rm "$tag" id -u 2>&1)
if [ "$u" != 0 ] && [ -n "$u" ]; then ok "the image runs as a non-root user (uid $u)"; else notok "uid '$u'"; fi

vol=$(mktemp -d)
trap 'rm -rf "$vol"' EXIT
mkdir -p "$vol/courses/cs101" "$vol/published"
cp -r "$here/examples/." "$vol/courses/cs101/"
rm -rf "$vol/courses/cs101/out"
chown "$u" "$vol/published" 2>/dev/null || chmod 777 "$vol/published"
if "$tool" run --rm -v "$vol/courses:/courses:ro" -v "$vol/published:/published" "$tag" \
	>"$vol/run.log" 2>&1 && [ -s "$vol/published/cs101/instructor.ics" ]; then
	ok "the default command publishes /courses into /published: $(tail -1 "$vol/run.log")"
else
	notok "publishing with volumes:"; sed 's/^/# /' "$vol/run.log"
fi
finish
