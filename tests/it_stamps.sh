#!/bin/sh
# it_stamps.sh BUILD - a changed event's DTSTAMP and LAST-MODIFIED never go
# back or stand still, whatever SOURCE_DATE_EPOCH says: clients ignore a
# revision whose LAST-MODIFIED is not newer than the one they hold.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

copy_example "$tmp/c"
out="$tmp/out"

# "SEQUENCE LAST-MODIFIED DTSTAMP" (epoch seconds), one distinct line per
# combination found over every event of the published set
stamps() {
	"$py" - "$out" <<'PY'
import sys, pathlib, icalendar
seen = set()
for f in sorted(pathlib.Path(sys.argv[1]).rglob("*.ics")):
    cal = icalendar.Calendar.from_ical(f.read_bytes())
    for ev in cal.walk("VEVENT"):
        seen.add("%d %d %d" % (int(ev.get("SEQUENCE", 0)),
                               int(ev.decoded("LAST-MODIFIED").timestamp()),
                               int(ev.decoded("DTSTAMP").timestamp())))
print("\n".join(sorted(seen)))
PY
}

SOURCE_DATE_EPOCH=2000000000 "$bin" publish "$course" --out "$out" --quiet 2>/dev/null ||
	notok "first publish"
# every event changes: the title is in every SUMMARY
sed -i 's/^title = .*/title = CS 101 Live Seminar (revised)/' "$course"
# stamps_are WANT WHAT: stamps now says WANT
stamps_are() {
	s=$(stamps)
	if [ "$s" = "$1" ]; then ok "$2"; else notok "$2 (stamps $s)"; fi
}

SOURCE_DATE_EPOCH=1000000000 "$bin" publish "$course" --out "$out" --quiet 2>/dev/null ||
	notok "publish with an older SOURCE_DATE_EPOCH"
stamps_are "1 2000000001 2000000001" \
	"a SOURCE_DATE_EPOCH older than the last publish stamps changed events one second past their previous stamp"

sed -i 's/^title = .*/title = CS 101 Live Seminar (revised twice)/' "$course"
SOURCE_DATE_EPOCH=1000000000 "$bin" publish "$course" --out "$out" --quiet 2>/dev/null ||
	notok "publish with the same SOURCE_DATE_EPOCH"
stamps_are "2 2000000002 2000000002" \
	"the same SOURCE_DATE_EPOCH across two changing runs still moves the stamps forward"

SOURCE_DATE_EPOCH=1000000000 "$bin" publish "$course" --out "$out" --quiet 2>/dev/null
stamps_are "2 2000000002 2000000002" "an unchanged rerun keeps every stamp"
