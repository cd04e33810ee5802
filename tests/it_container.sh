#!/bin/sh
# it_container.sh BUILD - what can be checked of Containerfile without a
# container engine (`make container` builds and runs it where one works):
# Debian 12 bases; the final stage installs the convene package built in
# the first one; every /usr or /lib path and command it uses is one that
# package installs (debian/convene.install, `make install PREFIX=/usr`); it
# runs as a non-root user of the same name as the systemd unit's User=; the
# course and output directories are volumes and are what the command uses;
# every RUN line parses as sh; a few of hadolint's rules (hadolint is not in
# Debian 12): DL3008-style --no-install-recommends, DL3009 apt lists removed,
# DL3007 no :latest, DL3020 COPY not ADD, DL3000 absolute WORKDIR, DL3002 the
# last USER is not root.  The build context leaves out build/ and .git.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
case "$build" in *asan*) exit 0 ;; esac
here=$(cd "$(dirname "$0")/.." && pwd)
cf="$here/Containerfile"

# The instructions, one per line: comments dropped, continuations joined.
sed -e '/^[[:space:]]*#/d' "$cf" | awk '/\\$/ { sub(/\\$/, ""); printf "%s", $0; next } { print }' |
	sed '/^[[:space:]]*$/d' >"$tmp/inst"
final=$(grep -n '^FROM ' "$tmp/inst" | tail -1 | cut -d: -f1)
tail -n "+$final" "$tmp/inst" >"$tmp/final"

froms=$(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$tmp/inst" | tr '\n' ' ')
case "$froms" in
"debian:12 debian:12-slim ") ok "two stages on Debian 12: $froms" ;;
*) notok "FROM lines: $froms" ;;
esac

# What the package installs: make install into a DESTDIR, as debian/rules
# does, mapped through debian/convene.install (the runtime stage installs
# convene only).
dest="$tmp/dest"
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
make -s -C "$here" --no-print-directory install BUILD="$build" DESTDIR="$dest" PREFIX=/usr \
	LIBDIR="/usr/lib/$ma" >"$tmp/install.log" 2>&1 || { notok "make install"; cat "$tmp/install.log"; }
: >"$tmp/pkg"
while read -r src to; do
	[ -n "$src" ] || continue
	if [ -n "${to:-}" ]; then
		echo "/${to%/}/$(basename "$src")" >>"$tmp/pkg"
	elif [ -e "$dest/$src" ]; then
		echo "/$src" >>"$tmp/pkg"
	else
		echo "# debian/convene.install: $src is not installed by make install" >>"$tmp/pkg"
	fi
done <"$here/debian/convene.install"
if grep -q '^#' "$tmp/pkg"; then notok "debian/convene.install names files make install does not make"; grep '^#' "$tmp/pkg"
else ok "debian/convene.install: every file is made by make install or is in the tree ($(wc -l <"$tmp/pkg") files)"; fi

# Absolute paths under /usr and /lib in the final stage, the command's
# binary included, must be the package's (or Debian's own: /usr/sbin/nologin).
bad=""
for p in $(grep -o '[ "=]/\(usr\|lib\)/[A-Za-z0-9_./@-]*' "$tmp/final" | cut -c2- | sort -u); do
	grep -qx "$p" "$tmp/pkg" || [ -e "$p" ] || bad="$bad $p"
done
cmd=$(sed -n 's/^CMD \[\(.*\)\]$/\1/p' "$tmp/final" | tr -d '"' | tr ',' ' ' | tr -s ' ')
cmdbin=$(echo "$cmd" | awk '{ print $1 }')
if [ -z "$bad" ] && grep -qx "$cmdbin" "$tmp/pkg"; then
	ok "the command ($cmdbin) and every /usr path of the final stage come from the convene package"
else
	notok "not installed by the package:$bad (CMD: $cmd)"
fi
if grep -q '^COPY --from=build /debs/' "$tmp/final" &&
	grep -q 'apt-get install .*/tmp/debs/convene_\*\.deb' "$tmp/final" &&
	! grep -q 'libconvene-dev' "$tmp/final" &&
	grep -q 'dpkg-buildpackage' "$tmp/inst" && grep -q '^Package: convene$' "$here/debian/control"; then
	ok "the final stage installs the convene package (not -dev) built by dpkg-buildpackage in the first"
else
	notok "the final stage does not install the package built in the first"
fi

user=$(sed -n 's/^USER \(.*\)/\1/p' "$tmp/final" | tail -1)
unit_user=$(sed -n 's/^User=//p' "$here/contrib/systemd/convene-publish@.service")
if [ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] && [ "$user" = "$unit_user" ] &&
	grep -q "useradd .* $user\$" "$tmp/final" && awk '/\\$/ { sub(/\\$/, ""); printf "%s", $0; next } { print }' "$here/debian/convene.postinst" |
	grep -q "adduser --system .* $user\$"; then
	ok "it runs as $user (created in the image; the package's postinst and the unit's User= name the same)"
else
	notok "USER '$user', unit User '$unit_user'"
fi

vols=$(sed -n 's/^VOLUME \[\(.*\)\]$/\1/p' "$tmp/final" | tr -d '" ' | tr ',' ' ')
if [ "$vols" = "/courses /published" ] && [ "$cmd" = "/usr/bin/convene-publish-all /courses /published" ]; then
	ok "the courses and the output are the volumes /courses and /published, and the command uses them"
else
	notok "VOLUME $vols, CMD $cmd"
fi
if grep -q 'chown convene:convene /published' "$tmp/final"; then
	ok "/published belongs to the user before it becomes a volume"
else
	notok "/published is not the user's"
fi

# Each RUN line as sh (ARG values empty), syntax only.
n=0
bad=""
grep '^RUN ' "$tmp/inst" | sed 's/^RUN //' >"$tmp/runs"
while IFS= read -r line; do
	n=$((n + 1))
	sh -n -c "$line" 2>"$tmp/sherr" || bad="$bad #$n: $(cat "$tmp/sherr")"
done <"$tmp/runs"
if [ -z "$bad" ] && [ "$n" -gt 0 ]; then ok "all $n RUN lines parse as sh"; else notok "RUN lines:$bad"; fi

lint=""
grep 'apt-get install' "$tmp/runs" | grep -qv -- '--no-install-recommends' && lint="$lint DL3015"
grep 'apt-get install' "$tmp/runs" | grep -qv -- ' -y ' && lint="$lint DL3014"
grep 'apt-get update' "$tmp/runs" | grep -qv 'rm -rf /var/lib/apt/lists/\*' && lint="$lint DL3009"
grep -q '^FROM [^ ]*:latest' "$tmp/inst" && lint="$lint DL3007"
grep -q '^ADD ' "$tmp/inst" && lint="$lint DL3020"
grep '^WORKDIR ' "$tmp/inst" | grep -qv '^WORKDIR /' && lint="$lint DL3000"
grep -q 'sudo ' "$tmp/runs" && lint="$lint DL3004"
if [ -z "$lint" ]; then ok "hadolint's DL3000 DL3004 DL3007 DL3009 DL3014 DL3015 DL3020 hold"; else notok "hadolint rules broken:$lint"; fi

if grep -qx '\.git' "$here/.dockerignore" && grep -qx 'build' "$here/.dockerignore"; then
	ok ".dockerignore keeps .git and build/ out of the build context"
else
	notok ".dockerignore"
fi
