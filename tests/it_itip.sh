#!/bin/sh
# it_itip.sh BUILD - `convene publish --itip`: every .eml read back by Python's
# `email` package and its calendar part by python3-icalendar (independent of
# libical), checked against the calendars published beside it; then the
# roster changes (a student leaves, another's availability changes) and the
# republish must cancel and update exactly those events.  The sessions are
# pinned to the first plan's slots, so the changes cannot move a section and
# every expectation follows from the roster edit.  Prints TAP-style lines.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_exe "$bin"
need_py icalendar

# check.py OUT ROSTER[:OLDER-ROSTER] PREVIOUS-OUT|- EPOCH: the checks every message must pass.
cat >"$tmp/check.py" <<'EOF'
import csv, email, email.policy, email.utils, glob, os, sys
import icalendar

out, roster, prev_out, epoch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
people = {}
for path in reversed(roster.split(':')):  # the first roster named wins
    people.update({r['id']: r for r in csv.DictReader(open(path, encoding='utf-8'))})
fails = {}

def check(what, cond, detail=''):
    fails.setdefault(what, [])
    if not cond:
        fails[what].append(detail)

def calendar(path):
    return icalendar.Calendar.from_ical(open(path, 'rb').read())

def uids_seqs(cal):
    return {str(e['UID']): int(e.get('SEQUENCE', 0)) for e in cal.walk('VEVENT')}

for path in sorted(glob.glob(os.path.join(out, 'itip', '*.eml'))):
    name = os.path.basename(path)
    sid, kind = name[:-4].rsplit('-', 1)
    raw = open(path, 'rb').read()
    lines = raw.split(b'\r\n')
    check('every line ends with CRLF and is at most 998 octets',
          b'\n' not in raw.replace(b'\r\n', b'') and lines[-1] == b'' and
          all(len(l) <= 998 for l in lines), name)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    check('the headers parse without defects', not msg.defects and all(
        not getattr(msg[h], 'defects', ()) for h in msg.keys()), name)
    for h in ('From', 'To', 'Subject', 'Date', 'Message-ID', 'MIME-Version'):
        check('From, To, Subject, Date, Message-ID and MIME-Version are present', msg[h], name + ' ' + h)
    check('Date is SOURCE_DATE_EPOCH',
          email.utils.parsedate_to_datetime(str(msg['Date'])).timestamp() == epoch, name)
    check('From is the no-reply address of the uid-domain',
          msg['From'].addresses[0].addr_spec == 'noreply@example.edu', name)
    check('Message-ID is on the uid-domain', str(msg['Message-ID']).endswith('@example.edu>'), name)
    check('the subject names the course', 'CS 101 Live Seminar' in str(msg['Subject']), name)
    to = msg['To'].addresses
    person = people.get(sid)
    check('To: is the student\'s name and address from the roster',
          len(to) == 1 and person is not None and to[0].addr_spec == person['email'] and
          to[0].display_name == person['name'], name)
    check('the message is multipart/alternative', msg.get_content_type() == 'multipart/alternative', name)
    parts = {p.get_content_type(): p for p in msg.iter_parts()}
    check('there is a text/plain and a text/calendar part',
          set(parts) == {'text/plain', 'text/calendar'}, name)
    if 'text/calendar' not in parts:
        continue
    part = parts['text/calendar']
    body = part.get_payload(decode=True)
    check('the calendar part is UTF-8 with CRLF line ends', part.get_content_charset() == 'utf-8'
          and b'\n' not in body.replace(b'\r\n', b''), name)
    cal = icalendar.Calendar.from_ical(body)
    method = str(cal.get('METHOD'))
    check('METHOD matches the Content-Type method parameter',
          method == str(part.get_param('method')).upper() == kind.upper(), name)
    events = cal.walk('VEVENT')
    check('every message carries events', len(events) > 0, name)
    zones = {str(z['TZID']) for z in cal.walk('VTIMEZONE')}
    for e in events:
        uid = str(e.get('UID'))
        org = e.get('ORGANIZER')
        check('every VEVENT has the ORGANIZER noreply@<uid-domain>',
              org is not None and str(org).lower() == 'mailto:noreply@example.edu', name + ' ' + uid)
        att = e.get('ATTENDEE')
        att = att if isinstance(att, list) else [att] if att is not None else []
        check('every VEVENT has exactly one ATTENDEE, the To: address',
              len(att) == 1 and str(att[0]).lower() == 'mailto:' + to[0].addr_spec.lower(),
              name + ' ' + uid)
        if att:
            p = att[0].params
            check('the ATTENDEE is a required participant who is not asked to reply',
                  p.get('ROLE') == 'REQ-PARTICIPANT' and p.get('PARTSTAT') == 'NEEDS-ACTION'
                  and p.get('RSVP') == 'FALSE' and p.get('CN') == person['name'], name + ' ' + uid)
        for prop in ('DTSTART', 'DTEND', 'EXDATE', 'RDATE'):
            for v in (e.get(prop) if isinstance(e.get(prop), list) else [e.get(prop)]):
                tzid = v.params.get('TZID') if v is not None else None
                check('every TZID has a VTIMEZONE', tzid is None or tzid in zones, name + ' ' + str(tzid))
        if kind == 'cancel':
            check('a cancellation has STATUS:CANCELLED and no VALARM',
                  str(e.get('STATUS')) == 'CANCELLED' and not e.walk('VALARM'), name + ' ' + uid)
    # The events against the published calendars.
    got = uids_seqs(cal)
    cur_path = os.path.join(out, 'students', sid + '.ics')
    prev_path = os.path.join(prev_out, 'students', sid + '.ics') if prev_out != '-' else None
    cur = uids_seqs(calendar(cur_path)) if os.path.exists(cur_path) else {}
    prev = uids_seqs(calendar(prev_path)) if prev_path and os.path.exists(prev_path) else {}
    if kind == 'request':
        check('a REQUEST carries UIDs of the student\'s published .ics', set(got) <= set(cur), name)
        if not prev:
            check('the first REQUEST carries every event of the published .ics', set(got) == set(cur), name)
        for uid, seq in got.items():
            if uid in prev:
                check('a changed event has SEQUENCE previous + 1', seq == prev[uid] + 1, name + ' ' + uid)
            else:
                check('a new event has the published SEQUENCE', seq == cur.get(uid), name + ' ' + uid)
    else:
        check('a CANCEL carries exactly the UIDs the published .ics lost',
              set(got) == set(prev) - set(cur), name)
        check('a cancelled event has SEQUENCE previous + 1',
              all(seq == prev.get(uid, -5) + 1 for uid, seq in got.items()), name)

for what, bad in fails.items():
    if bad:
        print('not ok - %s (%d: %s)' % (what, len(bad), ', '.join(bad[:3])))
    else:
        print('ok - %s' % what)
EOF

# msgs OUT: the .eml files published, one per line.
msgs() { ls "$1/itip" 2>/dev/null | grep '\.eml$' | tr '\n' ' '; }

copy_example "$tmp/c" course.ini students.csv # not its calendars/
out="$tmp/out"

# Pin the first plan's slots (see the header).
if ! "$bin" solve "$course" --json >"$tmp/plan.json" 2>"$tmp/err"; then
	notok "convene solve --json"; show 5 "$tmp/err"; exit 1
fi
"$py" -c 'import json, sys
for s in json.load(open(sys.argv[1]))["sessions"]:
    print("--pin\n%s %s" % (s["weekday"], s["start"]))' "$tmp/plan.json" >"$tmp/pins"
publish() {
	# shellcheck disable=SC2046 # one argument per line of the pins file
	(IFS='
'; exec "$bin" publish "$course" --out "$1" --itip $(cat "$tmp/pins")) >/dev/null 2>"$tmp/err"
}

# 1. The first publish: a REQUEST for every student with an address, no CANCEL.
export SOURCE_DATE_EPOCH=1800000000 # 2027-01-15T08:00:00Z
if ! publish "$out"; then
	notok "publish --itip"; show 5 "$tmp/err"; exit 1
fi
ok "publish --itip"
"$py" "$tmp/check.py" "$out" "$tmp/c/students.csv" - 1800000000 | prefixed "first publish"
want=$(cut -d, -f1 "$tmp/c/students.csv" | sed -n '2,$s/$/-request.eml/p' | sort | tr '\n' ' ')
if [ "$(msgs "$out")" = "$want" ]; then
	ok "first publish: one REQUEST per student and nothing else"
else
	notok "first publish: one REQUEST per student and nothing else"; echo "# $(msgs "$out")"
fi
if [ -f "$out/itip/recipients.tsv" ] && grep -q "^s05	Ana Lucía Torres	ana.torres@example.edu$" "$out/itip/recipients.tsv"; then
	ok "itip/recipients.tsv records the addresses"
else
	notok "itip/recipients.tsv records the addresses"
fi
if publish "$out.again" && diff -r "$out" "$out.again" >/dev/null; then
	ok "the messages are reproducible (same Message-ID, Date and bytes)"
else
	notok "the messages are reproducible (same Message-ID, Date and bytes)"
fi
rm -rf "$out.again" "$out.again.lock"

# 2. Unchanged: nothing to send, even on another day.
cp -r "$out" "$tmp/first"
export SOURCE_DATE_EPOCH=1800043200
if publish "$out" && [ -z "$(msgs "$out")" ]; then
	ok "an unchanged republish sends nothing"
else
	notok "an unchanged republish sends nothing"; echo "# $(msgs "$out")"
fi

# 3. A student who is never live leaves; another who is never live is away on
# the local date of their first session, so the reason in that occurrence's
# two events changes; s99 joins with a broken address.  Neither edit can
# change anyone else's calendar (attendance and reach stay, the slots are
# pinned).  The away date comes from the plan and Python's zoneinfo.
cp -r "$out" "$tmp/before"
cp "$tmp/c/students.csv" "$tmp/students.before.csv"
"$py" - "$tmp/plan.json" "$tmp/c/students.csv" <<'EOF2' >"$tmp/picked"
import csv, json, sys, datetime, zoneinfo
plan = json.load(open(sys.argv[1]))
never = [s for s in plan['students'] if not s['live'] and s['alternative']]
gone, away = never[0], never[1]
t = datetime.datetime.fromisoformat(away['alternative'][0].replace('Z', '+00:00'))
day = t.astimezone(zoneinfo.ZoneInfo(away['timezone'])).date().isoformat()
rows = list(csv.DictReader(open(sys.argv[2], encoding='utf-8')))
fields = list(rows[0].keys())
for r in rows:
    if r['id'] == away['id']:
        r['unavailable'] = day
rows = [r for r in rows if r['id'] != gone['id']]
rows.append(dict(zip(fields, ['s99', 'Broken Address', 's99@@example.edu', 'America/Denver',
                              'Mon-Fri 06:00-08:00'] + [''] * (len(fields) - 5))))
w = csv.DictWriter(open(sys.argv[2], 'w', encoding='utf-8', newline=''), fieldnames=fields)
w.writeheader()
w.writerows(rows)
print(gone['id'], away['id'])
EOF2
read -r gone away <"$tmp/picked" || { notok "the plan has two students who are never live"; exit 1; }
export SOURCE_DATE_EPOCH=1800086400
if ! publish "$out"; then
	notok "republish after the roster change"; show 5 "$tmp/err"; exit 1
fi
"$py" "$tmp/check.py" "$out" "$tmp/c/students.csv:$tmp/students.before.csv" "$tmp/before" 1800086400 | prefixed "roster change"
# The departed student is no longer in the roster: check.py looked for them there.
"$py" - "$out/itip/$gone-cancel.eml" <<'EOF' >"$tmp/gone" || notok "roster change: $gone-cancel.eml reads back"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
print(m['To'].addresses[0].display_name, m['To'].addresses[0].addr_spec)
EOF
if [ "$(msgs "$out")" = "$(printf '%s\n' "$away-request.eml" "$gone-cancel.eml" | sort | tr '\n' ' ')" ]; then
	ok "roster change: a CANCEL for the student who left, a REQUEST for the changed one, nothing else"
else
	notok "roster change: a CANCEL for the student who left, a REQUEST for the changed one, nothing else"
	echo "# $(msgs "$out")"
fi
if [ "$(cat "$tmp/gone")" = "$(grep "^$gone," "$tmp/students.before.csv" | cut -d, -f2,3 | tr , ' ')" ]; then
	ok "roster change: the CANCEL goes to the departed student's recorded address"
else
	notok "roster change: the CANCEL goes to the departed student's recorded address"
fi
"$py" - "$out/itip/$away-request.eml" "$tmp/before/students/$away.ics" <<'EOF' ||
import email, email.policy, sys, icalendar
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
part = [p for p in m.iter_parts() if p.get_content_type() == 'text/calendar'][0]
got = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk('VEVENT')
prev = {str(e['UID']): e for e in icalendar.Calendar.from_ical(open(sys.argv[2], 'rb').read()).walk('VEVENT')}
ok = (len(got) == 2 and all(str(e['UID']) in prev for e in got) and
      all(int(e['SEQUENCE']) == int(prev[str(e['UID'])].get('SEQUENCE', 0)) + 1 for e in got) and
      all('away' in str(e['DESCRIPTION']) for e in got) and
      {str(e['UID']).split('-')[-1].split('@')[0] for e in got} == {'rec', 'due'})
print('%s - roster change: the REQUEST updates the away day\'s two events with SEQUENCE + 1' % ('ok' if ok else 'not ok'))
EOF
	notok "roster change: $away-request.eml reads back"
if grep -q 'students.csv:[0-9]*:.*s99.*s99@@example.edu.*not a usable e-mail address' "$tmp/err" &&
   [ -f "$out/students/s99.ics" ]; then
	ok "a student with a broken address is published, warned about with the roster line, and sent nothing"
else
	notok "a student with a broken address is published, warned about with the roster line, and sent nothing"
	show 5 "$tmp/err"
fi

# 3b. A live session cancelled and back: a student who is live on their
# first live occurrence is away that day (CANCEL of the live event), then
# not (the live event returns).  Clients ignore a REQUEST whose SEQUENCE is
# not above the CANCEL they hold, so the returning event must go above it,
# in the .eml and in the published calendar alike, and the ledger in
# itip/sequences.tsv is what remembers the CANCEL.
cp "$tmp/c/students.csv" "$tmp/students.live.csv"
"$py" - "$tmp/plan.json" "$tmp/c/students.csv" <<'EOF2' >"$tmp/picked2"
import csv, json, sys, datetime, zoneinfo
plan = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2], encoding='utf-8')))
have = {r['id']: r for r in rows}
st = [s for s in plan['students'] if s['live'] and s['id'] in have and have[s['id']]['email']
      and not have[s['id']]['unavailable']][0]
t = datetime.datetime.fromisoformat(st['live'][0].replace('Z', '+00:00'))
day = t.astimezone(zoneinfo.ZoneInfo(st['timezone'])).date().isoformat()
have[st['id']]['unavailable'] = day
w = csv.DictWriter(open(sys.argv[2], 'w', encoding='utf-8', newline=''), fieldnames=list(rows[0].keys()))
w.writeheader()
w.writerows(rows)
print(st['id'])
EOF2
read -r back <"$tmp/picked2" || { notok "the plan has a live student with an address"; exit 1; }
export SOURCE_DATE_EPOCH=1800172800
publish "$out" || { notok "publish with the away date"; show 5 "$tmp/err"; }
cp "$out/itip/$back-cancel.eml" "$tmp/back-cancel.eml"
cp "$tmp/students.live.csv" "$tmp/c/students.csv"
export SOURCE_DATE_EPOCH=1800259200
publish "$out" || { notok "publish with the away date reverted"; show 5 "$tmp/err"; }
"$py" - "$tmp/back-cancel.eml" "$out/itip/$back-request.eml" "$out/students/$back.ics" \
	"$out/itip/sequences.tsv" <<'EOF' || notok "cancelled and back: the messages read back"
import email, email.policy, sys, icalendar
def events(path):
    m = email.message_from_binary_file(open(path, 'rb'), policy=email.policy.default)
    part = [p for p in m.iter_parts() if p.get_content_type() == 'text/calendar'][0]
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    return str(cal['METHOD']), {str(e['UID']): int(e['SEQUENCE']) for e in cal.walk('VEVENT')}
cm, cancel = events(sys.argv[1])
rm, request = events(sys.argv[2])
feed = {str(e['UID']): int(e.get('SEQUENCE', 0))
        for e in icalendar.Calendar.from_ical(open(sys.argv[3], 'rb').read()).walk('VEVENT')}
ledger = dict(l.rstrip('\n').split('\t') for l in open(sys.argv[4]) if not l.startswith('#'))
live = [u for u in cancel if u.split('@')[0].endswith('-live')]
ok = cm == 'CANCEL' and rm == 'REQUEST' and len(live) == 1
print('%s - cancelled and back: the away day CANCELs the live event' % ('ok' if ok else 'not ok'))
u = live[0] if live else ''
ok = u in request and request[u] > cancel[u]
print('%s - cancelled and back: the returning REQUEST goes above the CANCEL (%s > %s)'
      % ('ok' if ok else 'not ok', request.get(u), cancel.get(u)))
ok = u in feed and feed[u] == request.get(u)
print('%s - cancelled and back: the published calendar has the REQUEST\'s SEQUENCE (%s)'
      % ('ok' if ok else 'not ok', feed.get(u)))
ok = int(ledger.get(u, -1)) == request.get(u)
print('%s - cancelled and back: itip/sequences.tsv records the highest SEQUENCE sent (%s)'
      % ('ok' if ok else 'not ok', ledger.get(u)))
EOF
cp -r "$out" "$tmp/back"
if publish "$out" && [ -z "$(msgs "$out")" ] && diff -r -x "*.eml" "$out" "$tmp/back" >"$tmp/backdiff"; then
	ok "cancelled and back: a rerun sends nothing and changes no file, the ledger included"
else
	notok "cancelled and back: a rerun sends nothing and rewrites no file"; echo "# $(msgs "$out")"; show 5 "$tmp/backdiff"
fi

# 4. Without --itip nothing of this is written.
if "$bin" publish "$course" --out "$tmp/plain" >/dev/null 2>&1 && [ ! -e "$tmp/plain/itip" ]; then
	ok "publish without --itip writes no itip directory"
else
	notok "publish without --itip writes no itip directory"
fi
