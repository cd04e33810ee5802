#!/usr/bin/python3
"""Independent oracle for `convene solve --json`.

Re-reads the course file and roster with Python's own parsers and zoneinfo
(the system tzdata), recomputes every occurrence of every chosen session and
whether each student can attend it, and compares with convene's JSON.  It
also re-evaluates the objective of the chosen slots.  It shares no code with
convene: a bug in convene's time handling shows up as a mismatch here.
The course patterns are followed too (DESIGN.md "Objective"): sessions
only every `every`-th week from the week of `first`; in rotation slot j only
in the j-th of each turn of those weeks; a length per series session;
min-share (reach counts a student live at that share of what they are
expected at); capacity (no section has more students live than that, and
a student who is not live follows every occurrence by recording).

usage: plan_oracle.py COURSE.ini PLAN.json     prints TAP lines
"""
import configparser, csv, json, os, re, sys
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
FULL = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
UTC = timezone.utc
failures = 0
checks = 0


def ok(cond, what):
    global failures, checks
    checks += 1
    if not cond:
        failures += 1
        print("not ok - " + what)


def day_index(tok):
    t = tok.strip().lower()
    if t in DAYS:
        return DAYS.index(t)
    if t in FULL:
        return FULL.index(t)
    raise ValueError("bad day " + tok)


def parse_days(spec):
    s = spec.strip().lower()
    if s == "daily":
        return set(range(7))
    if s == "weekdays":
        return set(range(5))
    if s == "weekends":
        return {5, 6}
    out = set()
    for item in s.split(","):
        if "-" in item:
            a, b = (day_index(x) for x in item.split("-"))
            d = a
            while True:
                out.add(d)
                if d == b:
                    break
                d = (d + 1) % 7
        else:
            out.add(day_index(item))
    return out


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def parse_windows(text):
    """[(weekday set, start minute, end minute)]"""
    out = []
    for entry in (text or "").split(";"):
        entry = entry.strip()
        if not entry:
            continue
        days, times = entry.split(None, 1)
        ds = parse_days(days)
        for rng in times.split(","):
            a, b = rng.strip().split("-")
            out.append((ds, minutes(a), minutes(b)))
    return out


def parse_dates(text):
    out = set()
    for item in re.split(r"[;,]", text or ""):
        item = item.strip()
        if not item:
            continue
        if ".." in item:
            a, b = (date.fromisoformat(x) for x in item.split(".."))
        else:
            a = b = date.fromisoformat(item)
        d = a
        while d <= b:
            out.add(d)
            d += timedelta(days=1)
    return out


def to_utc(zone, d, minute):
    """RFC 5545: fold=0 is the first instant in an overlap and uses the
    offset before a gap (PEP 495), which is what section 3.3.5 asks."""
    wall = datetime.combine(d, time(0)) + timedelta(minutes=minute)
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def merge(iv):
    merged = []
    for s, e in sorted(iv):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def intervals(zone, windows, away, first, last):
    """The windows on every local date, minus the whole local days away
    (DESIGN.md time rule 4), as merged UTC intervals."""
    iv = []
    d = first
    while d <= last:
        for days, a, b in windows:
            if d.weekday() not in days:
                continue
            s = to_utc(zone, d, a)
            if b <= a:
                e = to_utc(zone, d + timedelta(days=1), b)
            else:
                e = to_utc(zone, d, b)
            if e > s:
                iv.append((s, e))
        d += timedelta(days=1)
    out = []
    for s, e in merge(iv):
        for day in sorted(away):
            ds, de = to_utc(zone, day, 0), to_utc(zone, day + timedelta(days=1), 0)
            if de <= s or ds >= e:
                continue
            if ds > s:
                out.append((s, ds))
            s = max(s, de)
            if s >= e:
                break
        if s < e:
            out.append((s, e))
    return out


def covered(iv, s, e):
    return any(a <= s and e <= b for a, b in iv)


def zone_of(name, links):
    return ZoneInfo(name)


def main():
    course_path, plan_path = sys.argv[1], sys.argv[2]
    cp = configparser.ConfigParser(inline_comment_prefixes=(";", "#"), interpolation=None)
    cp.read(course_path, encoding="utf-8")
    c = cp["course"]
    home = ZoneInfo(c["timezone"])
    start, end = date.fromisoformat(c["start"]), date.fromisoformat(c["end"])
    holidays = parse_dates(c.get("holidays", ""))
    sess = cp["sessions"]
    def length(text):
        m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?", text.strip())
        return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)
    lengths = [length(x) for x in sess.get("duration", "60m").split(",")]
    mode = sess.get("mode", "sections").strip()
    every = int(sess.get("every", "1w").strip().rstrip("w"))
    first_day = date.fromisoformat(sess["first"].strip()) if "first" in sess else start
    share = int(sess.get("min-share", "0%").strip().rstrip("%").strip())
    capacity = int(sess.get("capacity", "0"))
    reach_first = sess.get("objective", "attendance").strip() == "reach"
    monday0 = start - timedelta(days=start.weekday())
    first_week = (first_day - monday0).days // 7

    def phase_of(d):
        """The turn of the week holding d: its phase, or None without sessions."""
        w = (d - monday0).days // 7
        if w < first_week or (w - first_week) % every:
            return None
        turn = (w - first_week) // every
        return turn % len(plan["sessions"]) if mode == "rotation" else 0
    roster_path = os.path.join(os.path.dirname(course_path), c["roster"])
    plan = json.load(open(plan_path, encoding="utf-8"))

    # sessions: weekday/start in the home zone, one occurrence per term week, no holidays
    occs, durs = [], []
    for j, s in enumerate(plan["sessions"]):
        wd = DAYS.index(s["weekday"].lower())
        st = minutes(s["start"])
        expect = []
        d = start
        while d <= end:
            ph = phase_of(d)
            if d.weekday() == wd and d not in holidays and ph is not None and \
                    (mode != "rotation" or ph == j):
                expect.append(to_utc(home, d, st))
            d += timedelta(days=1)
        got = [datetime.fromisoformat(x.replace("Z", "+00:00")) for x in s["occurrences"]]
        ok(got == expect, "session %d occurrences equal the home-zone weeks" % s["index"])
        occs.append(expect)
        durs.append(s["duration"])
    ok(sorted(durs) == sorted(lengths) if len(lengths) > 1 else set(durs) <= set(lengths),
       "the sessions have the course's lengths")
    order = [DAYS.index(s["weekday"].lower()) * 1440 + minutes(s["start"]) for s in plan["sessions"]]
    ok(mode == "rotation" or order == sorted(order), "sessions are in home-week order")

    students = {row["id"]: row for row in csv.DictReader(open(roster_path, encoding="utf-8-sig"))}
    ok(len(students) == len(plan["students"]), "every roster student is in the plan")
    attendance = reach = 0
    first = start - timedelta(days=2)
    last = end + timedelta(days=2)
    live_in = [0] * len(occs)
    for sp in plan["students"]:
        row = students[sp["id"]]
        zone = ZoneInfo(sp["timezone"])
        weight = int(row.get("weight") or 1)
        iv = intervals(zone, parse_windows(row["available"]), parse_dates(row.get("unavailable")),
                       first, last)
        live = set(datetime.fromisoformat(x.replace("Z", "+00:00")) for x in sp["live"])
        alt = set(datetime.fromisoformat(x.replace("Z", "+00:00")) for x in sp["alternative"])
        length_of = {}
        for j, o in enumerate(occs):
            for t in o:
                length_of[t] = durs[j]
        def fits(t):
            return covered(iv, t, t + timedelta(minutes=length_of[t]))
        if mode != "sections":
            ok(sp["section"] is None, "%s: series and rotation students have no section" % sp["id"])
            expected = [t for o in occs for t in o]
        else:
            counts = [sum(fits(t) for t in o) for o in occs]
            ok(1 <= sp["section"] <= len(occs), "%s: section index in range" % sp["id"])
            ok(capacity or (share and reach_first) or counts[sp["section"] - 1] == max(counts),
               "%s: assigned a section with the most attendable occurrences" % sp["id"])
            expected = occs[sp["section"] - 1]
        can = set(t for t in expected if fits(t))
        if capacity and not live:
            ok(sp.get("by_recording") is True, "%s: not live, so by recording" % sp["id"])
            can = set()
        elif capacity:
            ok(sp.get("by_recording") is False, "%s: live, so not by recording" % sp["id"])
            live_in[sp["section"] - 1] += 1
        ok(live == can, "%s: live occurrences equal the oracle's (%d vs %d)" % (sp["id"], len(live), len(can)))
        ok(alt == set(expected) - can, "%s: every other occurrence is alternative" % sp["id"])
        attendance += weight * len(can)
        reach += weight if can and 100 * len(can) >= share * len(expected) else 0
    ok(not capacity or max(live_in) <= capacity,
       "no section has more than %d students live (%s)" % (capacity, live_in))
    obj = plan["objective"]
    ok(obj["attendance"] == attendance, "objective attendance %s equals the oracle's %d" % (obj["attendance"], attendance))
    ok(obj["reach"] == reach, "objective reach %s equals the oracle's %d" % (obj["reach"], reach))
    print(("ok" if failures == 0 else "not ok") + " - plan oracle: %d checks, %d failed" % (checks, failures))


if __name__ == "__main__":
    main()
