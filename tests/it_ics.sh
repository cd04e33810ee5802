#!/bin/sh
# it_ics.sh BUILD - the published calendars checked by an independent oracle
# (tests/ics_oracle.py: python3-icalendar, python3-recurring-ical-events and
# zoneinfo) against `convene solve --json`, on the example course and the
# small fixtures.  Prints TAP-style lines.
set -u
bin="$1/convene"
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$bin" ]; then
	echo "not ok - $bin exists"
	exit 1
fi
if ! "$py" -c 'import icalendar, recurring_ical_events' 2>/dev/null; then
	echo "not ok - $py has icalendar and recurring_ical_events (apt install python3-icalendar python3-recurring-ical-events)"
	exit 1
fi

export SOURCE_DATE_EPOCH=1800000000 # 2027-01-15T08:00:00Z

# check NAME COURSE: solve, publish, and hand both to the oracle.
check() {
	name=$1 course=$2
	out="$tmp/$name"
	if ! "$bin" solve "$course" --json >"$tmp/$name.json" 2>"$tmp/err"; then
		echo "not ok - $name: convene solve --json"; sed 's/^/# /' "$tmp/err" | head -5; return
	fi
	if ! "$bin" publish "$course" --out "$out" >/dev/null 2>"$tmp/err"; then
		echo "not ok - $name: convene publish"; sed 's/^/# /' "$tmp/err" | head -5; return
	fi
	"$py" tests/ics_oracle.py "$out" "$tmp/$name.json" "$course" >"$tmp/oracle" 2>&1
	rc=$?
	sed "s/^\(\(not \)\{0,1\}ok - \)/\1$name: /" "$tmp/oracle"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$tmp/oracle"; then
		echo "not ok - $name: the oracle failed (exit $rc)"
	fi
	if grep -q '^DTSTAMP:20270115T080000Z' "$out/instructor.ics" &&
	   ! grep '^DTSTAMP:' "$out/instructor.ics" "$out"/students/*.ics | grep -qv ':DTSTAMP:20270115T080000Z'; then
		echo "ok - $name: every DTSTAMP is SOURCE_DATE_EPOCH"
	else
		echo "not ok - $name: every DTSTAMP is SOURCE_DATE_EPOCH"
	fi
	if "$bin" publish "$course" --out "$out.again" >/dev/null 2>&1 && diff -r "$out" "$out.again" >/dev/null; then
		echo "ok - $name: publishing twice gives identical calendars"
	else
		echo "not ok - $name: publishing twice gives identical calendars"
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
	mkdir -p "$src"
	cat >"$src/course.ini" <<EOF2
[course]
id = $name
title = Hard zones $name
timezone = $home
start = $start
end = $end
roster = students.csv
uid-domain = example.org
[sessions]
mode = sections
count = 2
duration = 60m
granularity = 60m
window = Mon-Fri 00:00-24:00
[recording]
available-after = 2h
[alternative]
due = 3d
EOF2
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
