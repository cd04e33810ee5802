#!/bin/sh
# it_deps.sh BUILD - what README.md and doc/operations.md promise a fresh
# Debian 12 machine: `make demo` and `make test` first look for the Debian
# packages they need; as root they install the missing ones with apt-get,
# otherwise they print the exact apt-get line (the one doc/operations.md
# shows) and stop before compiling anything.  dpkg-query, id and apt-get are
# stand-ins on PATH, so nothing is installed and any user can run this.
# The plain build only: the ASan build changes none of this.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
case "$build" in *asan*) exit 0 ;; esac

fake="$tmp/bin"
mkdir -p "$fake"
# dpkg-query -W -f='${Status}' PKG: installed unless PKG is in $FAKE_MISSING ("all": none is).
cat >"$fake/dpkg-query" <<'EOF'
#!/bin/sh
for p; do :; done
case " $FAKE_MISSING " in *" all "*|*" $p "*) exit 1 ;; esac
printf 'install ok installed'
EOF
printf '#!/bin/sh\necho "$FAKE_UID"\n' >"$fake/id"
printf '#!/bin/sh\necho "$*" >>"$FAKE_APT_LOG"\n' >"$fake/apt-get"
chmod +x "$fake/dpkg-query" "$fake/id" "$fake/apt-get"
export FAKE_APT_LOG="$tmp/apt.log"

# A tree with the Makefile, the script and one source file to compile.
tree="$tmp/tree"
mkdir -p "$tree/scripts" "$tree/src"
cp Makefile "$tree/"
cp scripts/deps.sh "$tree/scripts/"
printf 'int cv_docs_probe(void) { return 0; }\n' >"$tree/src/probe.c"

# The apt-get lines doc/operations.md shows after "$ make demo" and "$ make test".
doc_line() { sed -n "/^\\\$ make $1\$/,/apt-get/p" doc/operations.md | sed -n 's/^  \(apt-get .*\)/\1/p'; }

# NO_DEPS too: a package build (debian/rules) sets it for its own make, and
# make passes command-line variables on in the environment.
for goal in demo test; do
	want=$(doc_line "$goal")
	(cd "$tree" && FAKE_MISSING=all FAKE_UID=1000 PATH="$fake:$PATH" \
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u NO_DEPS make "$goal" >"$tmp/out" 2>&1)
	rc=$?
	got=$(sed -n 's/^  \(apt-get .*\)/\1/p' "$tmp/out")
	if [ "$rc" -ne 0 ] && [ -n "$want" ] && [ "$got" = "$want" ] &&
		grep -q '^missing Debian packages; run as root:$' "$tmp/out"; then
		ok "make $goal as a user with nothing installed prints doc/operations.md's line and stops"
	else
		notok "make $goal as a user: exit $rc, printed \"$got\", doc/operations.md shows \"$want\""
		sed 's/^/#   /' "$tmp/out"
	fi
	if [ ! -e "$tree/build/src/probe.o" ] && [ ! -s "$FAKE_APT_LOG" ]; then
		ok "make $goal as a user compiled nothing and ran no apt-get"
	else
		notok "make $goal as a user went on without the packages"
	fi
done

# As root, the missing packages (only those) are installed.
rm -f "$FAKE_APT_LOG"
if FAKE_MISSING="libinih-dev tzdata" FAKE_UID=0 PATH="$fake:$PATH" sh scripts/deps.sh build >"$tmp/out" 2>&1 &&
	grep -qx 'update -qq' "$FAKE_APT_LOG" &&
	grep -qx 'install -y -qq --no-install-recommends libinih-dev tzdata' "$FAKE_APT_LOG"; then
	ok "as root, deps.sh installs exactly the missing packages"
else
	notok "as root, deps.sh did not run apt-get install for the missing packages"
	sed 's/^/#   /' "$tmp/out" "$FAKE_APT_LOG" 2>/dev/null
fi

# Nothing missing: silent, exit 0, no apt-get.
rm -f "$FAKE_APT_LOG"
if FAKE_MISSING="" FAKE_UID=0 PATH="$fake:$PATH" sh scripts/deps.sh test >"$tmp/out" 2>&1 &&
	[ ! -s "$tmp/out" ] && [ ! -e "$FAKE_APT_LOG" ]; then
	ok "with everything installed, deps.sh says nothing and installs nothing"
else
	notok "with everything installed, deps.sh printed or installed something"
	sed 's/^/#   /' "$tmp/out"
fi
