#!/bin/sh
# it_check.sh BUILD - `convene check` on every bad input fixture: the exit code, each
# diagnostic's file:line:column, the number of diagnostics, and that nothing was written.
# The fixtures are copied to a scratch directory and checked from there, so the file
# names in the messages are the bare names and any file written would show up.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
data="$(pwd)/tests/data"
work="$tmp/work"
mkdir "$work"
cp "$data"/course_* "$data"/roster_* "$data"/bad_* "$work"/
mkdir "$work/cal" # course_full.ini names an (empty) calendars directory

# A valid course around a roster, for the roster cases.
course_for() { # course_for ROSTER > file
	printf '[course]\nid = c1\ntimezone = Europe/Berlin\nstart = 2027-01-04\nend = 2027-02-26\n'
	printf 'roster = %s\n\n[sessions]\ncount = 1\nduration = 60m\nwindow = Mon-Fri 09:00-17:00\n' "$1"
}
for r in bad_roster_rows bad_roster_quotes bad_roster_header bad_roster_empty \
	bad_roster_header_only bad_roster_nul bad_roster_utf16; do
	course_for "$r.csv" >"$work/with_$r.ini"
done
course_for "no_such_roster.csv" >"$work/with_no_such_roster.ini"

snapshot() { (cd "$work" && ls -lA --time-style=+%s . | sed 1d | sort && find . -type f -exec md5sum {} + | sort); }
snapshot >"$tmp/before"

# check WANT_EXIT FILE NDIAG LOCATION... : run `convene check FILE` in the scratch
# directory; every LOCATION ("line:col", or "line" / "" for whole-line and whole-file
# problems) must start a line of stderr as FILE:LOCATION: ; NDIAG is the number of
# stderr lines (-1: do not count), not counting the warning that the machine's
# tzdata release is older than the term (it depends on the machine; it_cli.sh
# tests it).
check() {
	want=$1; file=$2; ndiag=$3; shift 3
	(cd "$work" && "$bin" check "$file") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "check $file exits $want"
	else notok "check $file exits $rc, wanted $want"; show 5 "$tmp/err"; fi
	for loc in "$@"; do
		# The reported file is the roster for the with_* courses.
		f=$file
		case "$file" in with_*) f=${file#with_}; f=${f%.ini}.csv ;; esac
		if [ -n "$loc" ]; then prefix="$f:$loc: "; else prefix="$f: "; fi
		if awk -v p="$prefix" 'index($0, p) == 1 { found = 1 } END { exit !found }' "$tmp/err"; then
			ok "$file reports at ${loc:-the file}"
		else
			notok "$file: no diagnostic at $prefix"; show 30 "$tmp/err"
		fi
	done
	if [ "$ndiag" -ge 0 ]; then
		got=$(grep -vc ': warning: the term ends .* but the system tzdata is ' "$tmp/err")
		if [ "$got" -eq "$ndiag" ]; then ok "$file reports $ndiag problems"
		else notok "$file reports $got problems, wanted $ndiag"; show 40 "$tmp/err"; fi
	fi
	if [ "$want" -ne 0 ] && [ -s "$tmp/out" ]; then
		notok "$file: a failed check printed to stdout"; show 5 "$tmp/out"
	fi
}

# The course file.
check 65 bad_course_zone.ini 1 3:12
check 65 bad_course_window.ini 1 11:31
check 65 bad_course_dates.ini 3 4:17 5:17 6:36
check 65 bad_course_end_before_start.ini 1 5:7
check 65 bad_course_term_long.ini 1 5:7
check 65 bad_course_sessions.ini 6 9:8 10:9 11:14 12:15 14:11 15:13
check 65 bad_course_zero.ini 3 9:9 10:12 11:15
check 65 bad_course_keys.ini 10 1:1 3:1 7:1 9:1 10:1 11:4 13:2 20:1 22:1 2
check 65 bad_course_missing.ini 8 2 5
check 65 bad_course_id.ini 1 2:8
check 65 bad_course_id_long.ini 1 2:6
check 65 bad_course_values.ini 6 7:21 8:12 17:22 18:19 21:7 22:9
check 65 bad_course_utf8.ini 4 3:12 9:11 12:10 11
check 65 bad_course_longline.ini 1 7:4097
check 65 bad_course_utf16.ini 1 ""
check 66 no_such_course.ini 1 ""

# The roster, through a valid course.
check 65 with_bad_roster_rows.ini 23 3:1 4:1 5:2 6:2 7:1 8:1 9:9 10:9 11:22 12:12 13:37 \
	14:32 15:32 16:33 17:8 18:7 19:11 20:33 21:38 22:32 24:5 25:17 25:34
check 65 with_bad_roster_quotes.ini 4 2:8 3:5 4:8 6:4
check 65 with_bad_roster_header.ini 5 1:4 1:9 1:17 1:51 1
check 65 with_bad_roster_empty.ini 1 ""
check 65 with_bad_roster_header_only.ini 1 ""
check 65 with_bad_roster_nul.ini 1 2:5
check 65 with_bad_roster_utf16.ini 1 ""
check 66 with_no_such_roster.ini 1 ""

# A good course and roster pass.
check 0 course_full.ini 0

snapshot >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then ok "check wrote nothing"
else notok "check changed the directory"; diff "$tmp/before" "$tmp/after" | show 10; fi
