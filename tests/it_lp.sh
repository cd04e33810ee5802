#!/bin/sh
# it_lp.sh BUILD - `convene solve --export-lp` checked by an independent MIP
# solver: CBC (coinor-cbc, a declared test dependency: scripts/deps.sh test)
# solves each exported program to a proven optimum, and its value, recomputed
# exactly from the file's integer coefficients and decoded with the file's
# scale (bench/lpcheck.py), must equal convene's attendance, reach and
# preferred.  CBC's slots, pinned in convene, must score the same again.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

need_cmd cbc "apt-get install coinor-cbc; see scripts/deps.sh test"
ok "cbc is installed"

# cbc_check NAME COURSE [solve options...]: export, solve both ways, compare.
cbc_check() {
	name=$1; course=$2; shift 2
	d="$tmp/$name"
	mkdir -p "$d"
	if ! "$bin" solve "$course" --json --export-lp "$d/model.lp" "$@" >"$d/plan.json" 2>"$d/err"; then
		notok "$name: convene solve --export-lp failed"; show 5 "$d/err"
		return
	fi
	if awk 'length($0) >= 255 { bad = 1 } END { exit !bad }' "$d/model.lp"; then
		notok "$name: a line of the program is 255 bytes or longer"
	else
		ok "$name: every line of the program is under 255 bytes"
	fi
	if ! timeout 300 cbc "$d/model.lp" -solve -solu "$d/model.sol" >"$d/cbc.log" 2>&1; then
		notok "$name: cbc failed"; tail -5 "$d/cbc.log" | sed 's/^/# /'
		return
	fi
	if /usr/bin/python3 bench/lpcheck.py "$d/model.lp" "$d/model.sol" "$d/plan.json" >"$d/check"; then
		ok "$name: CBC's proven optimum equals convene's objective"
	else
		notok "$name: CBC and convene disagree"
	fi
	sed 's/^/# /' "$d/check"
	# pin what CBC chose: convene must score that plan exactly as CBC did
	/usr/bin/python3 bench/lpcheck.py "$d/model.lp" "$d/model.sol" "$d/plan.json" --slots >"$d/slots"
	if [ "$(wc -l <"$d/slots")" -ne "$(sed -n 's/.*"count": \([0-9]*\).*/\1/p' "$d/plan.json" | head -n 1)" ]; then
		ok "$name: # SKIP CBC chose fewer slots than count, nothing to pin"
		return
	fi
	pins=""
	while IFS= read -r s; do pins="$pins --pin '$s'"; done <"$d/slots"
	if eval '"$bin" solve "$course" --json' "$pins" >"$d/pinned.json" 2>"$d/err" &&
		/usr/bin/python3 -c '
import json, sys
a, b = (json.load(open(p))["objective"] for p in sys.argv[1:])
sys.exit(any(a[k] != b[k] for k in ("attendance", "reach", "preferred")))' "$d/plan.json" "$d/pinned.json"; then
		ok "$name: CBC's slots, pinned in convene, score convene's optimum"
	else
		notok "$name: CBC's slots pinned in convene score differently"; show 3 "$d/err"
	fi
}

gen() { # gen NAME LEARNERS COUNT SEED [gen.py options]: a course in $tmp/NAME
	g=$1; shift
	/usr/bin/python3 bench/gen.py "$tmp/gen-$g" "$@" >/dev/null || notok "bench/gen.py $g"
}

# fixtures: hand-checked, and the realistic example (two clock changes, min-gap 2h)
cbc_check small tests/data/small_course.ini
cbc_check example examples/course.ini

# generated MOOC-like rosters of 30 learners, a narrow window so CBC is quick
gen sections 30 2 11 --window "Mon-Fri 12:00-17:00" --min-gap 2h --preferred 0.5 --max-weight 3
cbc_check gen-sections "$tmp/gen-sections/course.ini"
cbc_check gen-pinned "$tmp/gen-sections/course.ini" --pin "Tue 14:00" --exclude Wed --exclude "Fri 12:00-14:00"
gen reach 30 3 12 --window "Mon-Fri 10:00-16:00; Sat 09:00-12:00" --objective reach --preferred 0.3
cbc_check gen-reach "$tmp/gen-reach/course.ini"
gen series 30 2 13 --window "Tue,Thu 11:00-18:00" --mode series --min-gap 1h --max-weight 2
cbc_check gen-series "$tmp/gen-series/course.ini"
gen series-reach 30 3 14 --window "Mon-Sat 13:00-16:00" --mode series --objective reach --preferred 0.5
cbc_check gen-series-reach "$tmp/gen-series-reach/course.ini"
gen wide 40 4 15 --window "Daily 00:00-24:00" --preferred 0.2
cbc_check gen-wide "$tmp/gen-wide/course.ini"

# the course patterns (doc/patterns.md): capacity as rows per section,
# min-share as the reach coefficient (sections) or a threshold row with a
# binary z (series, rotation), rotation's slot-per-phase variables, a k row
# per session length; the rotation story itself
gen capacity 30 2 21 --window "Mon-Fri 12:00-17:00" --min-gap 2h --preferred 0.5 --max-weight 3 --capacity 6
cbc_check gen-capacity "$tmp/gen-capacity/course.ini"
gen capacity-reach 30 3 22 --window "Mon-Fri 10:00-16:00" --objective reach --capacity 5 --min-share 50
cbc_check gen-capacity-reach "$tmp/gen-capacity-reach/course.ini" --pin "Wed 13:45"
gen share 30 2 23 --window "Tue,Thu 11:00-18:00" --min-share 75 --preferred 0.3 --every 2
cbc_check gen-share "$tmp/gen-share/course.ini"
gen series-share 20 2 14 --window "Mon-Sat 13:00-16:00" --mode series --min-share 50 --objective reach
cbc_check gen-series-share "$tmp/gen-series-share/course.ini"
gen rotation 20 3 25 --window "Tue,Thu 06:00-22:00" --mode rotation --objective reach --min-share 50
cbc_check gen-rotation "$tmp/gen-rotation/course.ini"
gen lengths 20 2 26 --window "Mon,Wed 09:00-15:00" --mode series --duration "90m, 60m" --min-gap 1h
cbc_check gen-lengths "$tmp/gen-lengths/course.ini"
cbc_check rotation-story examples/stories/rotation/course.ini
if grep -q '^ cap[0-9]*: ' "$tmp/gen-capacity/model.lp" && grep -q '^ m[0-9]*: ' "$tmp/gen-rotation/model.lp" &&
	grep -q '^ phase[0-9]*: ' "$tmp/gen-rotation/model.lp"; then
	ok "capacity, min-share and rotation are rows of the program"
else
	notok "capacity, min-share and rotation rows"
fi

# the program states its pins and exclusions as rows
if grep -q '^ pin[0-9]*: x[0-9]* = 1$' "$tmp/gen-pinned/model.lp" &&
	grep -q '^ out[0-9]*: x[0-9]* = 0$' "$tmp/gen-pinned/model.lp"; then
	ok "pins become x = 1 rows and exclusions x = 0 rows"
else
	notok "pin and exclusion rows"
fi

# usage and output errors
"$bin" solve examples/course.ini --export-lp >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then ok "--export-lp without a file is a usage error"; else
	notok "--export-lp without a file exits $rc, wanted 2"; fi
"$bin" solve examples/course.ini --export-lp "$tmp/no/such/dir/m.lp" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 73 ] && [ ! -s "$tmp/out" ] && grep -q "export-lp" "$tmp/err"; then
	ok "an unwritable --export-lp file exits 73 before solving"; else
	notok "unwritable --export-lp exits $rc, wanted 73"; fi
if [ -c /dev/full ]; then
	"$bin" solve examples/course.ini --export-lp /dev/full >/dev/null 2>&1
	rc=$?
	if [ "$rc" -eq 74 ] && [ -c /dev/full ]; then
		ok "a failed write of the program exits 74 and leaves the device alone"; else
		notok "writing the program to /dev/full exits $rc, wanted 74"; fi
fi
