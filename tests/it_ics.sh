#!/bin/sh
# it_ics.sh BUILD - the published calendars checked by an independent oracle
# (tests/ics_oracle.py: python3-icalendar, python3-recurring-ical-events and
# zoneinfo) against `convene solve --json`, on the example course and the
# small fixtures.  Prints TAP-style lines.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_exe "$bin"
need_py icalendar recurring_ical_events

export SOURCE_DATE_EPOCH=1800000000 # 2027-01-15T08:00:00Z

# check NAME COURSE: solve, publish, and hand both to the oracle.
check() {
	name=$1 course=$2
	out="$tmp/$name"
	solve_publish "$name" "$course" "$out" || return
	"$py" tests/ics_oracle.py "$out" "$tmp/$name.json" "$course" >"$tmp/oracle" 2>&1
	rc=$?
	prefixed "$name" <"$tmp/oracle"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$tmp/oracle"; then
		notok "$name: the oracle failed (exit $rc)"
	fi
	if grep -q '^DTSTAMP:20270115T080000Z' "$out/instructor.ics" &&
	   ! grep '^DTSTAMP:' "$out/instructor.ics" "$out"/students/*.ics | grep -qv ':DTSTAMP:20270115T080000Z'; then
		ok "$name: every DTSTAMP is SOURCE_DATE_EPOCH"
	else
		notok "$name: every DTSTAMP is SOURCE_DATE_EPOCH"
	fi
	if "$bin" publish "$course" --out "$out.again" >/dev/null 2>&1 && diff -r "$out" "$out.again" >/dev/null; then
		ok "$name: publishing twice gives identical calendars"
	else
		notok "$name: publishing twice gives identical calendars"
	fi
}

# The example crosses the US clock change with a spring break; the small
# fixture has no join link, one section and a holiday across two changes.
check example examples/course.ini
check small tests/data/small_course.ini

# Zones whose VTIMEZONE libical would get wrong (its RRULE guesses): the
# calendars carry convene's own, and the oracle evaluates them against
# zoneinfo at every event.  Easter moved its 2021 change; after 2037 only the
# TZif footer rules speak for Nuuk, Santiago, Lord Howe, Chatham, St Johns.
hard() {
	name=$1 home=$2 start=$3 end=$4
	src="$tmp/src-$name"
	zones_course "$src" "$name" "$home" "$start" "$end" sections
	{
		echo "id,timezone,available"
		i=0
		for z in Pacific/Easter America/Nuuk Australia/Lord_Howe Pacific/Chatham America/Santiago \
			Europe/Dublin Africa/Casablanca Asia/Gaza America/St_Johns Asia/Kathmandu; do
			i=$((i + 1))
			echo "h$i,$z,Mon-Fri 09:00-12:00"
		done
	} >"$src/students.csv"
	check "$name" "$src/course.ini"
}
hard easter2021 Pacific/Easter 2021-02-01 2021-05-28
hard nuuk2040 America/Nuuk 2040-02-06 2040-11-30
