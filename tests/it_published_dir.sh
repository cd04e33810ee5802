#!/bin/sh
# it_published_dir.sh BUILD - what `convene publish --itip` does with the
# previously published directory: each previous calendar is read once, one
# rule decides what changed (the calendar's SEQUENCE and the e-mail agree,
# also when only a VTIMEZONE's rules moved), and a planted link, FIFO or
# foreign file in the directory is never read, followed or waited on.
set -u
bin="$1/convene"
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; }

mkdir "$tmp/c"
cp examples/course.ini examples/students.csv "$tmp/c/"
course="$tmp/c/course.ini"
out="$tmp/out"
export SOURCE_DATE_EPOCH=1800000000
if "$bin" publish "$course" --out "$out" --itip --quiet 2>"$tmp/err"; then
	ok "first publish --itip"
else
	notok "first publish --itip"; sed 's/^/# /' "$tmp/err" | head -5; exit 1
fi

# 1. One rule.  A new tzdata moves an event without touching its text: make
# one student's published VTIMEZONE of their own zone say other rules (as an
# older tzdata would have), and republish.  Every event naming that zone
# changed: the calendar gives it SEQUENCE + 1 and the e-mail sends exactly
# those events, with the calendar's SEQUENCE; the other events (the live
# sessions, in the home zone) are neither.  The student is one who attends
# some sessions live and misses others, outside the home zone.
"$bin" solve "$course" --json >"$tmp/plan.json" 2>/dev/null
set -- $("$py" -c 'import json, sys
for s in json.load(open(sys.argv[1]))["students"]:
    if s["live"] and s["alternative"] and s["timezone"] != "America/New_York":
        print(s["id"], s["timezone"]); break' "$tmp/plan.json")
who=$1 zone=$2
"$py" - "$out/students/$who.ics" "$zone" <<'EOF'
import re, sys
path, zone = sys.argv[1], sys.argv[2]
text = open(path, newline='').read()
start = text.index('BEGIN:VTIMEZONE\r\nTZID:%s\r\n' % zone)
end = text.index('END:VTIMEZONE\r\n', start)
block = text[start:end]
# an offset one minute off, as a rule change would make it
changed = re.sub(r'TZOFFSETTO:([+-]\d{4})', lambda m: 'TZOFFSETTO:%s01' % m.group(1)[:3], block, count=1)
assert changed != block
open(path, 'w', newline='').write(text[:start] + changed + text[end:])
EOF
cp "$out/students/$who.ics" "$tmp/who.before"
SOURCE_DATE_EPOCH=1800086400 "$bin" publish "$course" --out "$out" --itip --quiet 2>"$tmp/err"
"$py" - "$tmp/who.before" "$out/students/$who.ics" "$out/itip" "$zone" "$who" <<'EOF'
import base64, email, email.policy, os, sys
import icalendar
before, after, itip, zone, who = sys.argv[1:6]
def events(path):
    return {str(e['UID']): e for e in icalendar.Calendar.from_ical(open(path, 'rb').read()).walk('VEVENT')}
def names_zone(e):
    return any(getattr(e.get(p), 'params', {}).get('TZID') == zone for p in ('DTSTART', 'DTEND'))
old, new = events(before), events(after)
moved = {u for u, e in new.items() if names_zone(e)}
bumped = {u for u in new if int(new[u]['SEQUENCE']) == int(old[u]['SEQUENCE']) + 1}
same = {u for u in new if int(new[u]['SEQUENCE']) == int(old[u]['SEQUENCE'])}
print(('ok - ' if moved and bumped == moved and same == set(new) - moved else 'not ok - ') +
      'the calendar raises SEQUENCE for exactly the %d events naming the changed zone (%d bumped, %d kept)'
      % (len(moved), len(bumped), len(same)))
sent = {}
path = os.path.join(itip, who + '-request.eml')
if os.path.exists(path):
    msg = email.message_from_binary_file(open(path, 'rb'), policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == 'text/calendar':
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            sent = {str(e['UID']): int(e['SEQUENCE']) for e in cal.walk('VEVENT')}
print(('ok - ' if set(sent) == moved and all(sent[u] == int(new[u]['SEQUENCE']) for u in sent)
       else 'not ok - ') + 'the e-mail sends exactly those events, with the calendar\'s SEQUENCE (%d sent)' % len(sent))
others = [f for f in os.listdir(itip) if f.endswith('.eml') and f != who + '-request.eml']
print(('ok - ' if not others else 'not ok - ') + 'no other student gets a message (%s)' % ' '.join(others[:3]))
EOF

# 2. Each previous calendar is read once (the calendar and the e-mail come
# from the same reading).
if command -v strace >/dev/null 2>&1; then
	SOURCE_DATE_EPOCH=1800172800 strace -f -qq -e trace=openat -o "$tmp/trace" \
		"$bin" publish "$course" --out "$out" --itip --quiet 2>/dev/null
	opens=$(grep -o '"students/s[0-9]*\.ics"\|"s[0-9]*\.ics"' "$tmp/trace" | sort | uniq -c |
		awk '$1 != 1' | head -3)
	n=$(grep -c '"s[0-9]*\.ics"\|"students/s[0-9]*\.ics"' "$tmp/trace")
	if [ -z "$opens" ] && [ "$n" -ge 45 ]; then
		ok "each of the $n previous student calendars is opened once"
	else
		notok "previous calendars opened more than once: $opens ($n opens)"
	fi
else
	notok "strace is not installed (scripts/deps.sh test installs it)"
fi

# 3. A link planted in the published directory is not followed, and what it
# points to never reaches a calendar or an e-mail: at the calendar of a
# student still on the roster (s02), and of one who left (s06), whose
# followed link would be "cancelled" by e-mail.
cat >"$tmp/private.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//someone//private//EN
BEGIN:VEVENT
UID:private-secret-uid@example.com
DTSTAMP:20270101T000000Z
DTSTART:20270301T100000Z
DTEND:20270301T110000Z
SUMMARY:Private medical appointment
END:VEVENT
END:VCALENDAR
EOF
for id in s02 s06; do
	rm -f "$out/students/$id.ics"
	ln -s "$tmp/private.ics" "$out/students/$id.ics"
done
grep -v '^s06,' "$tmp/c/students.csv" >"$tmp/c/s.csv" && mv "$tmp/c/s.csv" "$tmp/c/students.csv"
SOURCE_DATE_EPOCH=1800259200 "$bin" publish "$course" --out "$out" --itip --quiet 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && ! grep -rq 'private-secret\|Private medical' "$out" &&
	grep -q 'students/s02.ics.*symbolic link' "$tmp/err" &&
	grep -q 'students/s06.ics.*symbolic link' "$tmp/err"; then
	ok "planted links are not followed: nothing of their target is published or mailed, and both are reported"
else
	notok "planted link: exit $rc"; sed 's/^/# /' "$tmp/err" | head -5
	grep -rl 'private-secret' "$out" | sed 's/^/# leaked into /'
fi
if [ -f "$out/students/s02.ics" ] && [ ! -L "$out/students/s02.ics" ] &&
	[ ! -e "$out/students/s06.ics" ] && [ ! -e "$out/itip/s06-cancel.eml" ] &&
	grep -q 'private-secret' "$tmp/private.ics"; then
	ok "the links are replaced or gone from the published set, and their target is untouched"
else
	notok "the planted links or their target"
fi

# 4. A FIFO planted where a calendar was does not hang the run.
rm -f "$out/students/s03.ics"
mkfifo "$out/students/s03.ics"
if SOURCE_DATE_EPOCH=1800345600 timeout 60 "$bin" publish "$course" --out "$out" --itip \
	--quiet 2>"$tmp/err" && grep -q 'students/s03.ics.*not a regular file' "$tmp/err" &&
	[ -f "$out/students/s03.ics" ]; then
	ok "a FIFO in the published directory is reported, not waited on, and replaced"
else
	notok "planted FIFO"; sed 's/^/# /' "$tmp/err" | head -5
fi

# 5. A file another user put there is not read (only as root can we make one).
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	chown nobody "$out/students/s04.ics"
	if SOURCE_DATE_EPOCH=1800432000 "$bin" publish "$course" --out "$out" --itip \
		--quiet 2>"$tmp/err" && grep -q 'students/s04.ics.*another user' "$tmp/err"; then
		ok "a calendar owned by another user is not read"
	else
		notok "foreign file"; sed 's/^/# /' "$tmp/err" | head -5
	fi
else
	ok "# SKIP a file of another user needs root to make"
fi

# 6. A SOURCE_DATE_EPOCH that is not a number of seconds is refused before
# anything is written, never silently replaced by the clock.
before=$(cd "$out" && find . -type f | sort | xargs md5sum | md5sum)
SOURCE_DATE_EPOCH=yesterday "$bin" publish "$course" --out "$out" --quiet 2>"$tmp/err"
rc=$?
after=$(cd "$out" && find . -type f | sort | xargs md5sum | md5sum)
if [ "$rc" -eq 2 ] && grep -q 'SOURCE_DATE_EPOCH="yesterday"' "$tmp/err" && [ "$before" = "$after" ]; then
	ok "a malformed SOURCE_DATE_EPOCH exits 2 and writes nothing"
else
	notok "malformed SOURCE_DATE_EPOCH: exit $rc"; sed 's/^/# /' "$tmp/err" | head -3
fi
