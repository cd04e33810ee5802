#!/bin/sh
# it_stamps.sh BUILD - a changed event's DTSTAMP and LAST-MODIFIED never go
# back or stand still, whatever SOURCE_DATE_EPOCH says: clients ignore a
# revision whose LAST-MODIFIED is not newer than the one they hold.
set -u
build=${1:-build}
bin="$build/convene"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; }

cp -r examples "$tmp/c"
rm -rf "$tmp/c/out" "$tmp/c/out.lock"
out="$tmp/out"
course="$tmp/c/course.ini"

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
SOURCE_DATE_EPOCH=1000000000 "$bin" publish "$course" --out "$out" --quiet 2>/dev/null ||
	notok "publish with an older SOURCE_DATE_EPOCH"
s=$(stamps)
if [ "$s" = "1 2000000001 2000000001" ]; then
	ok "a SOURCE_DATE_EPOCH older than the last publish stamps changed events one second past their previous stamp"
else
	notok "older SOURCE_DATE_EPOCH: stamps $s"
fi

sed -i 's/^title = .*/title = CS 101 Live Seminar (revised twice)/' "$course"
SOURCE_DATE_EPOCH=1000000000 "$bin" publish "$course" --out "$out" --quiet 2>/dev/null ||
	notok "publish with the same SOURCE_DATE_EPOCH"
s=$(stamps)
if [ "$s" = "2 2000000002 2000000002" ]; then
	ok "the same SOURCE_DATE_EPOCH across two changing runs still moves the stamps forward"
else
	notok "same SOURCE_DATE_EPOCH: stamps $s"
fi

SOURCE_DATE_EPOCH=1000000000 "$bin" publish "$course" --out "$out" --quiet 2>/dev/null
s=$(stamps)
if [ "$s" = "2 2000000002 2000000002" ]; then
	ok "an unchanged rerun keeps every stamp"
else
	notok "unchanged rerun: stamps $s"
fi
