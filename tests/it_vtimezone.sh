#!/bin/sh
# it_vtimezone.sh BUILD - the VTIMEZONEs convene writes, judged by what a
# client derives from them alone.  Small courses whose students live in the
# zones calendar software gets wrong (Easter's 2021 changes; after 2037, only
# the TZif footer rules speak for Nuuk, Santiago, St Johns, the Azores, Lord
# Howe and Chatham; Dublin's negative DST; Casablanca's Ramadan changes
# (2026, its last under tzdata 2026f); Gaza's; Kathmandu, which has none)
# are solved and published over terms that cross their changes, and the
# example course too.  Then, with Debian's
# /usr/bin/python3 (python3-icalendar parses; python3-recurring-ical-events
# expands the weekly rules in floating time):
#  - every event's UTC instant, computed from the file's own VTIMEZONE (not
#    from zoneinfo: icalendar 4.0.3 would take pytz's zone for an IANA TZID,
#    so the offsets are evaluated here from the observances, RFC 5545 3.3.5
#    for wall times), equals the instant `convene solve --json` gives;
#  - every TZID used is declared, and only those; every instant lies inside
#    the VTIMEZONE's range (first onset .. TZUNTIL);
#  - the changes a VTIMEZONE states are exactly `zdump -v`'s in that range,
#    with the same offsets before and after;
#  - the instructor's weekly "Recording track" notes name exactly the
#    students with an alternative occurrence that home week (the week found
#    through the instructor file's VTIMEZONE), and no e-mail address.
# Prints TAP-style lines.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_exe "$bin"
need_py icalendar recurring_ical_events
need_cmd zdump libc-bin
export SOURCE_DATE_EPOCH=1800000000

cat >"$tmp/check.py" <<'PYEOF'
import configparser, csv, datetime as dt, json, os, re, subprocess, sys
import icalendar, recurring_ical_events

UTC = dt.timezone.utc
name, out, plan_path, course_path = sys.argv[1:5]
plan = json.load(open(plan_path, encoding="utf-8"))
ini = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
ini.read(course_path, encoding="utf-8")
failures = 0


def report(ok, what, problems=()):
    global failures
    print(("ok - " if ok else "not ok - ") + name + ": " + what)
    if not ok:
        failures += 1
        for p in list(problems)[:8]:
            print("# " + str(p))


def minutes(text):
    total = 0
    for n, u in re.findall(r"(\d+)([dhm]?)", text.strip()):
        total += int(n) * {"d": 1440, "h": 60, "m": 1, "": 1}[u]
    return total


def instant(text):
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class Vtz:
    """A VTIMEZONE evaluated from its observances alone (DTSTART and RDATEs
    are local times on the clock of TZOFFSETFROM)."""

    def __init__(self, comp):
        self.tzid = str(comp["TZID"])
        self.onsets = []  # (utc, before, after, tzname)
        self.rules = 0
        for sub in comp.subcomponents:
            if sub.name not in ("STANDARD", "DAYLIGHT"):
                continue
            if "RRULE" in sub:
                self.rules += 1
            before, after = sub["TZOFFSETFROM"].td, sub["TZOFFSETTO"].td
            walls = [sub["DTSTART"].dt]
            rd = sub.get("RDATE", [])
            for r in rd if isinstance(rd, list) else [rd]:
                walls += [x.dt for x in r.dts]
            tzname = str(sub["TZNAME"]) if "TZNAME" in sub else None
            for w in walls:
                self.onsets.append(((w - before).replace(tzinfo=UTC), before, after, tzname))
        self.onsets.sort(key=lambda o: o[0])
        u = comp.get("TZUNTIL")
        self.until = None if u is None else \
            dt.datetime.strptime(str(u), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)

    def offset(self, t):
        off = self.onsets[0][1]
        for at, _, after, _ in self.onsets:
            if at <= t:
                off = after
        return off

    def covers(self, t):
        return self.onsets[0][0] <= t and (self.until is None or t < self.until)

    def to_utc(self, wall):
        """RFC 5545 3.3.5: the first instant of an overlap; in a gap, the offset before it."""
        wall = wall.replace(tzinfo=UTC)
        offs = [self.onsets[0][1]] + [o[2] for o in self.onsets]
        hits = sorted({wall - off for off in offs if self.offset(wall - off) == off})
        if hits:
            return hits[0]
        for at, before, after, _ in self.onsets:
            if at + before <= wall < at + after:
                return wall - before
        raise ValueError("%s: no instant for %s" % (self.tzid, wall))


files = {"instructor.ics": os.path.join(out, "instructor.ics")}
for st in plan["students"]:
    files["students/%s.ics" % st["id"]] = os.path.join(out, "students", st["id"] + ".ics")
raws = {n: open(p, "rb").read() for n, p in files.items()}
cals = {n: icalendar.Calendar.from_ical(r) for n, r in raws.items()}
vtzs = {n: {v.tzid: v for v in map(Vtz, c.walk("VTIMEZONE"))} for n, c in cals.items()}

# Every TZID used is declared, only those; observances are explicit changes.
problems = []
for n, raw in raws.items():
    used, in_tz = set(), False
    for line in re.sub(r"\r\n[ \t]", "", raw.decode("utf-8")).split("\r\n"):
        in_tz = (in_tz or line == "BEGIN:VTIMEZONE") and line != "END:VTIMEZONE"
        m = re.search(r";TZID=([^;:]+)", line.split(":", 1)[0] + ":")
        if m and not in_tz:
            used.add(m.group(1))
    declared = set(vtzs[n])
    if used != declared:
        problems.append("%s: used %s, declared %s" % (n, sorted(used), sorted(declared)))
    for v in vtzs[n].values():
        if not v.onsets or v.rules:
            problems.append("%s: %s has %d onsets and %d RRULEs" % (n, v.tzid, len(v.onsets), v.rules))
report(not problems, "every TZID used is declared by a VTIMEZONE, and no other", problems)


def to_utc(n, prop):
    """An instant of a DTSTART/RDATE/EXDATE value through the file's VTIMEZONE."""
    v = prop.dt if hasattr(prop, "dt") else prop
    tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
    if tzid is None:
        assert v.tzinfo is not None, "floating time in " + n
        return v.astimezone(UTC), None
    return vtzs[n][tzid].to_utc(v.replace(tzinfo=None)), tzid


def expand(n, ev):
    """(UTC instant, TZID) of every instance: the rule expanded in floating
    time by recurring_ical_events, RDATEs added, each read through the VTIMEZONE."""
    start = ev["DTSTART"]
    first, tzid = to_utc(n, start)
    if "RRULE" not in ev:
        return [(first, tzid)]
    v = tzid and vtzs[n][tzid]
    fl = icalendar.Event()
    fl.add("UID", "x")
    fl.add("DTSTART", start.dt.replace(tzinfo=None) if v else start.dt)
    rule = ev["RRULE"].to_ical().decode()
    m = re.search(r"UNTIL=(\d{8}T\d{6})Z", rule)
    if m and v:  # the UTC UNTIL as a wall time of the zone, for a floating rule
        u = dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        rule = rule.replace(m.group(0), "UNTIL=" + (u + v.offset(u)).strftime("%Y%m%dT%H%M%S"))
    fl.add("RRULE", icalendar.vRecur.from_ical(rule))
    ex = ev.get("EXDATE", [])
    for e in ex if isinstance(ex, list) else [ex]:
        for d in e.dts:
            fl.add("EXDATE", d.dt.replace(tzinfo=None) if v else d.dt)
    c = icalendar.Calendar()
    c.add_component(fl)
    got = []
    for inst in recurring_ical_events.of(c).between((1970, 1, 1), (2200, 1, 1)):
        d = inst["DTSTART"].dt
        got.append(((v.to_utc(d) if v else d.astimezone(UTC)), tzid))
    rd = ev.get("RDATE", [])
    for r in rd if isinstance(rd, list) else [rd]:
        for d in r.dts:
            t = d.dt
            got.append((t.astimezone(UTC), None) if t.tzinfo is not None and not r.params.get("TZID")
                       else (vtzs[n][r.params["TZID"]].to_utc(t.replace(tzinfo=None)), r.params["TZID"]))
    return got


occ = {s["index"]: sorted(instant(x) for x in s["occurrences"]) for s in plan["sessions"]}
dur = {s["index"]: dt.timedelta(minutes=s["duration"]) for s in plan["sessions"]}
end_of = {t: t + dur[i] for i, ts in occ.items() for t in ts}
rec_after = dt.timedelta(minutes=minutes(ini.get("recording", "available-after", fallback="0")))
due_after = dt.timedelta(minutes=minutes(ini.get("alternative", "due", fallback="3d")))
events = {}  # file -> [(uid, instant, tzid)]
for n, c in cals.items():
    events[n] = []
    for ev in c.walk("VEVENT"):
        if not isinstance(ev["DTSTART"].dt, dt.datetime):
            continue  # the instructor's all-day weekly notes
        for t, tzid in expand(n, ev):
            events[n].append((str(ev["UID"]), t, tzid))

problems = []
got = {}
for uid, t, _ in events["instructor.ics"]:
    m = re.search(r"-s(\d+)@", uid)
    got.setdefault(int(m.group(1)) if m else uid, []).append(t)
for i in sorted(set(occ) | set(got), key=str):
    if sorted(got.get(i, [])) != occ.get(i, []):
        problems.append("session %s: file %s, plan %s" % (i, [x.isoformat() for x in sorted(got.get(i, []))][:3],
                                                          [x.isoformat() for x in occ.get(i, [])][:3]))
report(not problems and bool(occ), "the instructor's sessions, read through the file's VTIMEZONE, "
       "are the plan's occurrences", problems)

problems = []
for st in plan["students"]:
    n = "students/%s.ics" % st["id"]
    kinds = {"live": [], "rec": [], "due": []}
    for uid, t, _ in events[n]:
        m = re.search(r"-(live|rec|due)@", uid)
        kinds[m.group(1) if m else "live"].append(t)
    alt = [instant(x) for x in st["alternative"]]
    want = {"live": sorted(instant(x) for x in st["live"]),
            "rec": sorted(end_of[a] + rec_after for a in alt),
            "due": sorted(end_of[a] + due_after for a in alt)}
    for k in want:
        if sorted(kinds[k]) != want[k]:
            problems.append("%s %s: file %s, plan %s" % (n, k, [x.isoformat() for x in sorted(kinds[k])][:3],
                                                        [x.isoformat() for x in want[k]][:3]))
report(not problems, "every student event, read through the file's VTIMEZONE, is at the plan's instant",
       problems)

problems = []
for n, evs in events.items():
    for uid, t, tzid in evs:
        if tzid and not vtzs[n][tzid].covers(t):
            problems.append("%s: %s at %s outside %s's range" % (n, uid, t, tzid))
report(not problems, "every instant lies inside its VTIMEZONE's range (first onset to TZUNTIL)", problems)


def zdump(tzid, lo, hi):
    """(UTC instant, offset before, offset after, abbreviation after) of each change of offset."""
    text = subprocess.run(["zdump", "-v", "-c", "%d,%d" % (lo, hi), tzid], check=True,
                          capture_output=True, text=True).stdout
    rows = []
    for line in text.splitlines():
        m = re.search(r"  \w{3} (\w{3} +\d+ \d\d:\d\d:\d\d \d+) UT = .* (\S+) isdst=(\d) gmtoff=(-?\d+)$", line)
        if m:
            t = dt.datetime.strptime(re.sub(" +", " ", m.group(1)), "%b %d %H:%M:%S %Y").replace(tzinfo=UTC)
            rows.append((t, m.group(2), dt.timedelta(seconds=int(m.group(4)))))
    out = []
    for (t0, _, o0), (t1, a1, o1) in zip(rows, rows[1:]):
        if o0 != o1:
            out.append((t1, o0, o1, a1))
    return out


problems, checked = [], 0
for n, zs in vtzs.items():
    for v in zs.values():
        lo, hi = v.onsets[0][0], v.until
        real = [z for z in zdump(v.tzid, lo.year - 1, hi.year + 1) if lo <= z[0] < hi]
        mine = [o for o in v.onsets if o[1] != o[2]]
        if [z[:3] for z in real] != [o[:3] for o in mine]:
            problems.append("%s %s: VTIMEZONE %s, zdump %s" % (
                n, v.tzid, [(o[0].isoformat(), str(o[1]), str(o[2])) for o in mine][:4],
                [(z[0].isoformat(), str(z[1]), str(z[2])) for z in real][:4]))
        for o, z in zip(mine, real):
            if o[3] is not None and o[3] != z[3]:
                problems.append("%s %s: TZNAME %s at %s, zdump %s" % (n, v.tzid, o[3], o[0], z[3]))
        # The offset in force where the range starts (before any stated change).
        before = [z for z in zdump(v.tzid, lo.year - 40, lo.year + 1) if z[0] <= lo]
        if before and v.offset(lo) != before[-1][2]:
            problems.append("%s %s: %s at %s, zdump %s" % (n, v.tzid, v.offset(lo), lo, before[-1][2]))
        checked += len(mine)
report(not problems, "each VTIMEZONE states exactly zdump's changes in its range (%d checked)" % checked,
       problems)

# The weekly recording notes, against the plan: each home week (Monday, on the
# instructor file's own VTIMEZONE) names exactly the students who follow the
# recording of some occurrence that week; no e-mail address anywhere.
roster = os.path.join(os.path.dirname(course_path), ini.get("course", "roster").strip())
rows = list(csv.DictReader(open(roster, encoding="utf-8", newline="")))
label = {r["id"]: (r.get("name") or "").strip() or r["id"] for r in rows}
home = str(cals["instructor.ics"].get("X-WR-TIMEZONE"))
hv = vtzs["instructor.ics"].get(home)
want = {}
for st in plan["students"]:
    for a in st["alternative"]:
        t = instant(a)
        d = (t + (hv.offset(t) if hv else dt.timedelta(0))).date()
        want.setdefault(d - dt.timedelta(days=d.weekday()), set()).add(label[st["id"]])
have, problems = {}, []
for ev in cals["instructor.ics"].walk("VEVENT"):
    if "-rec-" not in str(ev["UID"]):
        continue
    monday = ev["DTSTART"].dt
    names = set()
    for line in str(ev.get("DESCRIPTION", "")).splitlines():
        m = re.match(r".*?\), \d+: (.*)\.$", line)
        if m:
            names |= {re.sub(r" \([^()]*\)$", "", x) for x in m.group(1).split(", ")}
    have[monday] = names
    if not re.search(r"\b%d students?\b" % len(names), str(ev.get("SUMMARY"))):
        problems.append("%s: summary %r for %d students" % (ev["UID"], str(ev.get("SUMMARY")), len(names)))
if want != have:
    for d in sorted(set(want) | set(have)):
        if want.get(d) != have.get(d):
            problems.append("week of %s: plan %s, file %s" % (d, sorted(want.get(d, ())), sorted(have.get(d, ()))))
report(not problems, "the weekly recording notes name exactly each week's students off the live session "
       "(%d weeks)" % len(want), problems)
emails = [r["email"] for r in rows if r.get("email")]
# unfolded first: an address split by a fold is still in the file
leaks = ["%s: %s" % (n, e) for n, raw in raws.items() for e in emails
         if e.encode() in re.sub(rb"\r\n[ \t]", b"", raw)]
report(bool(emails) and not leaks, "no roster e-mail address appears in any calendar", leaks)
sys.exit(1 if failures else 0)
PYEOF

# run NAME COURSE: solve, publish, check.
run() {
	name=$1 course=$2 out="$tmp/out-$1"
	solve_publish "$name" "$course" "$out" || return
	"$py" "$tmp/check.py" "$name" "$out" "$tmp/$name.json" "$course" >"$tmp/res" 2>&1
	rc=$?
	grep '^ok \|^not ok \|^#' "$tmp/res"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$tmp/res"; then
		notok "$name: the checker failed (exit $rc)"; sed 's/^/# /' "$tmp/res" | tail -5
	fi
}

# hard NAME HOME START END MODE: a course taught from HOME whose students
# live in the hard zones, with windows narrow enough that some miss sessions.
hard() {
	name=$1 home=$2 start=$3 end=$4 mode=$5
	src="$tmp/src-$name"
	zones_course "$src" "$name" "$home" "$start" "$end" "$mode"
	{
		echo "id,name,email,timezone,available"
		i=0
		for z in Pacific/Easter America/Nuuk Australia/Lord_Howe Pacific/Chatham Europe/Dublin \
			Africa/Casablanca America/Santiago Asia/Gaza America/St_Johns Asia/Kathmandu \
			Atlantic/Azores; do
			i=$((i + 1))
			echo "h$i,Student $i ${z#*/},h$i@students.example.org,$z,Mon-Fri 08:00-11:00; Tue 17:00-20:00"
		done
	} >"$src/students.csv"
	run "$name" "$src/course.ini"
}

run example examples/course.ini
hard easter2021 Pacific/Easter 2021-02-01 2021-10-29 sections
hard nuuk2040 America/Nuuk 2040-02-06 2040-11-30 series
hard lordhowe2039 Australia/Lord_Howe 2039-02-01 2039-11-30 sections
hard chatham2045 Pacific/Chatham 2045-03-01 2045-10-31 series
hard santiago2041 America/Santiago 2041-03-01 2041-10-31 sections
hard stjohns2050 America/St_Johns 2050-02-01 2050-11-30 sections
hard azores2044 Atlantic/Azores 2044-03-01 2044-11-15 series
hard dublin2027 Europe/Dublin 2027-01-04 2027-12-17 sections
hard casablanca2026 Africa/Casablanca 2026-01-05 2026-12-18 series
hard gaza2027 Asia/Gaza 2027-01-04 2027-12-17 sections
hard kathmandu2027 Asia/Kathmandu 2027-01-04 2027-06-25 sections
