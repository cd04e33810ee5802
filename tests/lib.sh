# tests/lib.sh - what every integration script shares, as jq's tests/setup.
# A script run as `sh tests/it_x.sh BUILD` (from the repository root, as
# tests/run.sh does) starts with
#
#     . "$(dirname "$0")/lib.sh"              (tzdata-tests/: ../tests/lib.sh)
#
# and has, from its first argument BUILD (default: build):
#   build   the build directory, as given
#   bin     the convene binary in it, as an absolute path (scripts may cd)
#   py      Debian's python3: the oracles import its modules (python3-icalendar,
#           zoneinfo with the system tzdata), not those of the python3 first on PATH
#   tmp     a fresh scratch directory, removed when the script exits
# and the helpers below.  Results are TAP lines, "ok - WHAT" / "not ok - WHAT",
# which tests/run.sh counts; "# " lines are comments it shows on failure.
set -u
build=${1:-build}
bin="$build/convene"
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }

# show N FILE...: the first N lines of the files as TAP comments (why a check failed).
show() {
	n=$1; shift
	sed 's/^/# /' "$@" | head -n "$n"
}

# prefixed NAME: a filter that puts "NAME: " before the WHAT of every TAP line,
# so that an oracle's lines say which case they judged.
prefixed() { sed "s/^\(\(not \)\{0,1\}ok - \)/\1$1: /"; }

# What a script cannot run without: one "not ok" line naming it, and exit 1.
# need_exe FILE [HINT]: FILE is built and executable.
need_exe() { [ -x "$1" ] || { notok "$1 is built${2:+ ($2)}"; exit 1; }; }
# need_cmd COMMAND [HINT]: COMMAND is on the PATH.
need_cmd() { command -v "$1" >/dev/null 2>&1 || { notok "$1 is installed${2:+ ($2)}"; exit 1; }; }
# need_py [MODULE...]: $py exists and imports every MODULE (Debian's python3-MODULE).
need_py() {
	[ -x "$py" ] || { notok "$py is installed (apt install python3)"; exit 1; }
	[ $# -eq 0 ] && return 0
	mods=$(echo "$*" | sed 's/ /, /g')
	pkgs=$(for m in "$@"; do printf ' python3-%s' "$m" | tr _ -; done)
	"$py" -c "import $mods" 2>/dev/null || { notok "$py has $mods (apt install$pkgs)"; exit 1; }
}

# expect_exit WANT WHAT [--] COMMAND...: run COMMAND, its stdout in $tmp/out and
# its stderr in $tmp/err; "ok - WHAT" when it exits WANT.
expect_exit() {
	want=$1; what=$2; shift 2
	[ "${1:-}" = -- ] && shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$what"; else
		notok "$what (exit $rc, wanted $want)"; show 5 "$tmp/out" "$tmp/err"; fi
}

# copy_example DIR [FILE...]: the example course of examples/ in DIR, the whole
# of it (without what `make demo` published there) or only the FILEs named;
# sets course to DIR/course.ini.
copy_example() {
	mkdir -p "$1"
	if [ $# -eq 1 ]; then
		cp -r examples/. "$1"/ && rm -rf "$1/out" "$1/out.lock"
	else
		d=$1; shift
		for f in "$@"; do cp "examples/$f" "$d/"; done
		set -- "$d"
	fi
	# shellcheck disable=SC2034 # course is for the caller
	course="$1/course.ini"
}

# solve_publish NAME COURSE OUT: `convene solve --json` into $tmp/NAME.json, then
# `convene publish` into OUT; when either fails, one "not ok - NAME: ..." line
# with its stderr, and status 1.
solve_publish() {
	if ! "$bin" solve "$2" --json >"$tmp/$1.json" 2>"$tmp/err"; then
		notok "$1: convene solve --json"; show 5 "$tmp/err"; return 1
	fi
	if ! "$bin" publish "$2" --out "$3" >/dev/null 2>"$tmp/err"; then
		notok "$1: convene publish"; show 5 "$tmp/err"; return 1
	fi
}

# zones_course DIR NAME HOME START END MODE: DIR/course.ini, a course NAME taught
# from HOME over START..END, for a roster DIR/students.csv (the caller writes it)
# in the zones under test: two MODE sessions of an hour at any hour of a
# weekday, recordings 2h after, the alternative due 3 days later.
zones_course() {
	mkdir -p "$1"
	cat >"$1/course.ini" <<EOF
[course]
id = $2
title = Hard zones $2
timezone = $3
start = $4
end = $5
roster = students.csv
uid-domain = example.org
[sessions]
mode = $6
count = 2
duration = 60m
granularity = 60m
window = Mon-Fri 00:00-24:00
[recording]
available-after = 2h
[alternative]
due = 3d
EOF
}
