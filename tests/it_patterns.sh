#!/bin/sh
# it_patterns.sh BUILD - the course patterns end to end (doc/patterns.md):
# alternating weeks (every, first), capacity, rotation with min-share, and a
# series of several lengths.  Each story is checked, solved and published,
# and judged by the independent oracles: tests/plan_oracle.py recomputes
# every occurrence, who can attend it and the objective from the course file
# with Python's zoneinfo; tests/ics_oracle.py expands the published calendars
# with python3-icalendar and recurring_ical_events.  Every new key's mistakes
# are refused with file:line:column, exit 65 and nothing written; and every
# line doc/patterns.md quotes from a run is printed by that run.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_exe "$bin"
need_py icalendar recurring_ical_events
stories=examples/stories

# story NAME COURSE: check, solve (oracle), publish (oracle); the JSON in $tmp/NAME.json
story() {
	name=$1; course=$2
	expect_exit 0 "$name: convene check accepts it" -- "$bin" check "$course"
	if ! "$bin" solve "$course" --json >"$tmp/$name.json" 2>"$tmp/err"; then
		notok "$name: convene solve failed"; show 5 "$tmp/err"; return
	fi
	"$py" tests/plan_oracle.py "$course" "$tmp/$name.json" | prefixed "$name"
	rm -rf "$tmp/$name.pub"
	if ! SOURCE_DATE_EPOCH=1798761600 "$bin" publish "$course" --out "$tmp/$name.pub" \
		>/dev/null 2>"$tmp/err"; then
		notok "$name: convene publish failed"; show 5 "$tmp/err"; return
	fi
	"$py" tests/ics_oracle.py "$tmp/$name.pub" "$tmp/$name.json" "$course" >"$tmp/oracle" 2>&1
	rc=$?
	prefixed "$name" <"$tmp/oracle"
	[ "$rc" -eq 0 ] || grep -q '^not ok' "$tmp/oracle" || notok "$name: the calendar oracle failed"
}

# json PYTHON-EXPRESSION NAME WHAT: ok when the expression, over the plan p, holds
json() {
	if "$py" -c "import json, sys; p = json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" \
		"$tmp/$2.json"; then ok "$2: $3"; else notok "$2: $3"; fi
}

# ---- story 1: a live session every other week ----------------------------
story alternating "$stories/alternating/course.ini"
ics="$tmp/alternating.pub/instructor.ics"
if [ "$(grep -c '^RRULE:FREQ=WEEKLY;UNTIL=[0-9TZ]*;INTERVAL=2' "$ics")" -eq 2 ] &&
	[ "$(grep -c '^RRULE' "$ics")" -eq 2 ]; then
	ok "alternating: each section is one rule with INTERVAL=2"
else
	notok "alternating: each section is one rule with INTERVAL=2"; grep '^RRULE' "$ics" | show 4 -
fi
# the weeks off are not exceptions: the only EXDATE is the live week in spring break
if [ "$(grep -c '^EXDATE' "$ics")" -eq 2 ] && [ "$(grep '^EXDATE' "$ics" | grep -c ':20270316T')" -eq 2 ]; then
	ok "alternating: the only exceptions are the spring-break week, none for the weeks off"
else
	notok "alternating: exceptions"; grep '^EXDATE' "$ics" | show 6 -
fi
json 'all(len(s["occurrences"]) == 7 for s in p["sessions"])' alternating \
	"every second week from 2027-01-18 less spring break: 7 occurrences a section"
json 'p["course"]["every"] == 2 and p["course"]["first"] == "2027-01-18"' alternating \
	"the JSON states the cadence"

# ---- story 2: sections of at most 150 live ---------------------------------
story capacity "$stories/capacity/course.ini"
json 'all(s["live"] <= 150 for s in p["sessions"]) and sum(s["live"] for s in p["sessions"]) == 1050' \
	capacity "no section has more than 150 live, and all 7 x 150 seats are taken"
json 'sum(1 for s in p["students"] if not s["by_recording"]) == 1050 and all(bool(s["live"]) != s["by_recording"] for s in p["students"])' \
	capacity "a student is live or by recording, never both"
json 'all(r == "full" or r != "full" for s in p["students"] for r in s["reasons"]) and any("full" in s["reasons"] for s in p["students"])' \
	capacity "students without a seat are told why (reason full)"

# ---- story 3: rotation ------------------------------------------------------
story weekly "$stories/rotation/weekly.ini"
json 'sum(1 for s in p["students"] if not s["live"]) == 15 and all(not s["live"] for s in p["students"] if s["id"].startswith("a"))' \
	weekly "one fixed time leaves the 15 in the Americas with nothing live"
story rotation "$stories/rotation/course.ini"
json 'p["objective"]["reach"] == 30 and all(2 * len(s["live"]) >= len(s["live"]) + len(s["alternative"]) for s in p["students"])' \
	rotation "rotating reaches all 30, each live at half their sessions or more"
json '[s["index"] for s in p["sessions"]] == [1, 2] and min(p["sessions"][0]["occurrences"]) < min(p["sessions"][1]["occurrences"])' \
	rotation "the times are listed in the order of their turns"
if [ "$(grep -c '^RRULE:FREQ=WEEKLY;UNTIL=[0-9TZ]*;INTERVAL=2' "$tmp/rotation.pub/instructor.ics")" -eq 2 ]; then
	ok "rotation: each time recurs every second week (INTERVAL=2)"
else
	notok "rotation: each time recurs every second week"
fi

# ---- a series of a lecture and a discussion, every third week --------------
"$py" bench/gen.py "$tmp/lengths" 40 2 5 --mode series --duration "90m, 60m" \
	--window "Mon-Fri 08:00-20:00" --every 3 --min-share 50 >/dev/null
story lengths "$tmp/lengths/course.ini"
json 'sorted(s["duration"] for s in p["sessions"]) == [60, 90]' lengths "one session of each length"
tr -d '\r' <"$tmp/lengths.pub/instructor.ics" >"$tmp/lengths.ics"
if [ "$(grep -c '^RRULE:FREQ=WEEKLY;UNTIL=[0-9TZ]*;INTERVAL=3$' "$tmp/lengths.ics")" -eq 2 ] &&
	grep -q '^DURATION:PT1H30M$' "$tmp/lengths.ics" && grep -q '^DURATION:PT1H$' "$tmp/lengths.ics"; then
	ok "lengths: the calendar has a 90- and a 60-minute rule, every third week"
else
	notok "lengths: rules and durations"
fi

# ---- mistakes: file:line:column, exit 65, nothing written ----------------
# bad KEY-LINES EXPECTED-POSITION WHAT: the rotation story with [sessions] replaced
bad() {
	mkdir -p "$tmp/bad"
	cp "$stories/rotation/students.csv" "$tmp/bad/"
	{
		sed -n '1,/^\[sessions\]/p' "$stories/rotation/course.ini"
		printf '%b\n' "$1"
	} >"$tmp/bad/course.ini"
	rm -rf "$tmp/bad/out"
	"$bin" publish "$tmp/bad/course.ini" --out "$tmp/bad/out" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 65 ] && [ ! -e "$tmp/bad/out" ] && grep -q "course.ini:$2: .*$3" "$tmp/err"; then
		ok "refused with course.ini:$2, exit 65, nothing written: $3"
	else
		notok "$3 (exit $rc)"; show 4 "$tmp/err"
	fi
}
base='duration = 60m\nwindow = Mon-Fri 06:00-22:00'
# [sessions] is line 13 of the story's file: the first key below is line 14
bad "count = 2\nevery = 0w\n$base" 15:9 "every must be at least 1w"
bad "count = 2\nevery = 2d\n$base" 15:10 "every must be a whole number of weeks"
bad "count = 2\nevery = 60w\n$base" 15:9 "every can be at most 52w"
bad "count = 2\nfirst = 2027-05-01\n$base" 15:9 "first (2027-05-01) must be a day of the term"
bad "count = 2\ncapacity = -1\n$base" 15:12 "capacity must be a whole number of students"
bad "mode = series\ncount = 2\ncapacity = 20\n$base" 16:12 "capacity limits the students of one section"
bad "mode = rotation\ncount = 1\n$base" 15:9 "rotation needs count from 2 to 7"
bad "count = 2\nmin-share = 150%\n$base" 15:13 "min-share must be from 1% to 100%"
bad "count = 2\nmin-share = 0.5\n$base" 15:14 "min-share must be a whole percentage"
bad "mode = series\ncount = 3\nduration = 90m, 60m\nwindow = Mon-Fri 06:00-22:00" 16:12 \
	"2 session lengths for count = 3"
bad "count = 2\nduration = 90m, 60m\nwindow = Mon-Fri 06:00-22:00" 15:12 \
	"a length per session is for mode = series"
bad "count = 8\n$base" 14:9 "count must be from 1 to 7 sessions a week (CV_COUNT_MAX"

# ---- doc/patterns.md quotes real runs ---------------------------------------
# Each block after "<!-- it_patterns.sh: convene ARGS -->" must be printed by
# that command, line by line in order ("..." skips lines; tzdata names aside).
tzx() { sed 's/tzdata [0-9][0-9][0-9][0-9][a-z]*/tzdata X/g'; }
awk '/^<!-- it_patterns.sh: / { sub(/^<!-- it_patterns.sh: /, ""); sub(/ -->$/, ""); print }' \
	doc/patterns.md >"$tmp/commands"
nblocks=0
while IFS= read -r cmd; do
	nblocks=$((nblocks + 1))
	awk -v want="<!-- it_patterns.sh: $cmd -->" '$0 == want { on = 1; next }
		on && /^```/ { if (++fence == 2) exit; next }
		on && fence == 1' doc/patterns.md | tzx >"$tmp/quoted"
	# shellcheck disable=SC2086 # the command's words
	(set -- $cmd; shift; SOURCE_DATE_EPOCH=1798761600 "$bin" "$@" 2>&1) | tzx >"$tmp/printed"
	if [ -s "$tmp/quoted" ] && awk 'NR == FNR { out[++n] = $0; next }
		$0 == "..." { next }
		{ while (i < n && out[++i] != $0) ; if (out[i] != $0) { print; missing = 1 } }
		END { exit missing }' "$tmp/printed" "$tmp/quoted" >"$tmp/missing"; then
		ok "doc/patterns.md quotes what '$cmd' prints"
	else
		notok "doc/patterns.md: '$cmd' does not print these lines:"; show 6 "$tmp/missing"
	fi
done <"$tmp/commands"
if [ "$nblocks" -ge 4 ]; then ok "doc/patterns.md quotes $nblocks runs"; else
	notok "doc/patterns.md quotes $nblocks runs, wanted the stories'"; fi
