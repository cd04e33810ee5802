#!/usr/bin/python3
"""ics_oracle.py DIR PLAN.json [COURSE.ini] - check published calendars independently.

DIR is what `convene publish COURSE --out DIR` wrote (instructor.ics and
students/<id>.ics); PLAN.json is `convene solve COURSE --json` (DESIGN.md
"Outputs"). The calendars are read with python3-icalendar and expanded with
python3-recurring-ical-events; wall times are turned into instants with
Python's zoneinfo (the system tzdata, RFC 5545 3.3.5: fold=0 gives the offset
before a gap and the first instant of an overlap). Nothing here shares code
with libical or convene. With COURSE.ini the reminder times are checked
exactly and the roster's e-mail addresses are looked for in every file.

Prints TAP-style "ok - ..." / "not ok - ..." lines; exits 1 on any failure.
Runs under Debian's /usr/bin/python3 (icalendar 4.0.3, recurring_ical_events 2.0.1).
"""
import configparser
import csv
import datetime as dt
import json
import os
import re
import sys
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateutil.rrule
import icalendar
import recurring_ical_events

UTC = dt.timezone.utc
failures = 0


def report(ok, what, detail=""):
    global failures
    if ok:
        print("ok - " + what)
    else:
        failures += 1
        print("not ok - " + what)
        for line in str(detail).splitlines()[:8]:
            print("# " + line)


def instant(text):
    """An RFC 3339 UTC instant from the JSON."""
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def to_utc(value):
    """A DATE-TIME from icalendar/recurring_ical_events as a UTC instant.

    The wall time and zone name are taken from the value and resolved again
    with zoneinfo, so a fall-back overlap gives the first instant (pytz's
    localize() would give the second)."""
    tz = value.tzinfo
    assert tz is not None, "floating time %r" % (value,)
    name = getattr(tz, "zone", None) or getattr(tz, "key", None)
    if name in (None, "UTC", "Etc/UTC"):
        return value.astimezone(UTC)
    wall = value.replace(tzinfo=None)
    return wall.replace(tzinfo=ZoneInfo(name), fold=0).astimezone(UTC)


def minutes(text):
    """A convene duration ("90m", "2h", "1h30m", "3d", "45") in minutes."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    total, pos = 0, 0
    for m in re.finditer(r"(\d+)([dhm])", text):
        assert m.start() == pos, "bad duration " + text
        total += int(m.group(1)) * {"d": 1440, "h": 60, "m": 1}[m.group(2)]
        pos = m.end()
    assert pos == len(text) and pos, "bad duration " + text
    return total


def unfold(raw):
    return re.sub(r"\r\n[ \t]", "", raw).split("\r\n")


def check_text(name, raw_bytes):
    """Octet-level rules: UTF-8, CRLF, lines of at most 75 octets, each line
    whole UTF-8 and none ending in a space."""
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["%s: not UTF-8 (%s)" % (name, e)]
    problems = []
    body = raw_bytes[:-2] if raw_bytes.endswith(b"\r\n") else raw_bytes
    if not raw_bytes.endswith(b"\r\n"):
        problems.append(name + ": does not end with CRLF")
    for i, line in enumerate(body.split(b"\r\n"), 1):
        if b"\n" in line or b"\r" in line:
            problems.append("%s:%d: bare CR or LF" % (name, i))
        if len(line) > 75:
            problems.append("%s:%d: %d octets" % (name, i, len(line)))
        if line.endswith(b" "):
            problems.append("%s:%d: ends in a space (a fold after a space)" % (name, i))
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            problems.append("%s:%d: a fold splits a UTF-8 sequence" % (name, i))
    return problems


DATETIME_PROPS = ("DTSTART", "DTEND", "EXDATE", "RDATE", "RECURRENCE-ID", "DUE")


def check_zones(name, raw):
    """Every TZID is a bare IANA name declared by a VTIMEZONE; no floating times;
    RRULE UNTIL is UTC."""
    problems = []
    declared, used = set(), set()
    in_tz = 0
    for line in unfold(raw):
        if line == "BEGIN:VTIMEZONE":
            in_tz += 1
        elif line == "END:VTIMEZONE":
            in_tz -= 1
        head, _, value = line.partition(":")
        parts = head.split(";")
        prop = parts[0].upper()
        params = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        if in_tz and prop == "TZID":
            declared.add(value)
            continue
        if in_tz:
            continue  # VTIMEZONE sub-components are local times by definition
        if "TZID" in params:
            used.add(params["TZID"])
        if prop in DATETIME_PROPS and params.get("VALUE", "DATE-TIME") == "DATE-TIME":
            for v in value.split(","):
                if "TZID" not in params and not v.endswith("Z"):
                    problems.append("%s: floating %s:%s" % (name, prop, v))
        if prop == "RRULE":
            m = re.search(r"UNTIL=([0-9TZ]+)", value)
            if m and not m.group(1).endswith("Z"):
                problems.append("%s: UNTIL not in UTC: %s" % (name, value))
    for tzid in sorted(used - declared):
        problems.append("%s: TZID %s has no VTIMEZONE" % (name, tzid))
    for tzid in sorted(declared | used):
        try:
            ZoneInfo(tzid)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append("%s: TZID %s is not an IANA zone name" % (name, tzid))
    return problems


def vtimezone_offsets(vtz, limit):
    """The (UTC onset, offset) transitions of a VTIMEZONE up to `limit`, sorted.

    Evaluated here because icalendar 4.0.3's Timezone.to_tz() rejects the UTC
    UNTIL that RFC 5545 requires in VTIMEZONE rules. A rule is expanded in
    local time (its DTSTART is local wall time before the onset) and shifted
    by TZOFFSETFROM, which is constant within one sub-component."""
    out = []
    for sub in vtz.subcomponents:
        if sub.name not in ("STANDARD", "DAYLIGHT"):
            continue
        start = sub["DTSTART"].dt
        off_from, off_to = sub["TZOFFSETFROM"].td, sub["TZOFFSETTO"].td
        onsets = [start]
        if "RRULE" in sub:
            rule = sub["RRULE"].to_ical().decode()
            m = re.search(r"UNTIL=(\d{8}T\d{6})Z", rule)
            if m:
                until = dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S") + off_from
                rule = rule.replace(m.group(0), "UNTIL=" + until.strftime("%Y%m%dT%H%M%S"))
            onsets = list(dateutil.rrule.rrulestr(rule, dtstart=start).between(
                start, limit.replace(tzinfo=None) + off_from + dt.timedelta(days=1), inc=True))
        rdates = sub.get("RDATE", [])
        for r in rdates if isinstance(rdates, list) else [rdates]:
            onsets += [d.dt for d in r.dts]
        out += [((o - off_from).replace(tzinfo=UTC), off_from, off_to) for o in onsets]
    return sorted(out, key=lambda x: x[0])


def check_vtimezones(name, cal, instants):
    """The VTIMEZONEs in the file give zoneinfo's offset at every instant used."""
    problems = []
    if not instants:
        return problems
    for vtz in cal.walk("VTIMEZONE"):
        tzid = str(vtz["TZID"])
        real = ZoneInfo(tzid)
        trans = vtimezone_offsets(vtz, max(instants))
        if not trans:
            problems.append("%s: VTIMEZONE %s has no STANDARD or DAYLIGHT" % (name, tzid))
            continue
        for t in instants:
            before = [x for x in trans if x[0] <= t]
            mine = before[-1][2] if before else trans[0][1]
            if mine != t.astimezone(real).utcoffset():
                problems.append("%s: VTIMEZONE %s says %s at %s, tzdata %s"
                                % (name, tzid, mine, t, t.astimezone(real).utcoffset()))
                break
    return problems


def expand(cal, lo, hi):
    return recurring_ical_events.of(cal).between(lo, hi)


def uid_of(ev):
    return str(ev["UID"])


def is_week_note(ev):
    """The instructor's weekly "Recording track" summary: an all-day note."""
    return "-rec-" in uid_of(ev) and "-s" not in uid_of(ev).split("-rec-")[1]


def main():
    if len(sys.argv) not in (3, 4):
        print("usage: ics_oracle.py DIR PLAN.json [COURSE.ini]", file=sys.stderr)
        return 2
    out, plan = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
    course = None
    if len(sys.argv) == 4:
        ini = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
        ini.read(sys.argv[3], encoding="utf-8")
        course = ini
    sessions = plan["sessions"]
    occ = {s["index"]: [instant(x) for x in s["occurrences"]] for s in sessions}
    dur = {s["index"]: dt.timedelta(minutes=s["duration"]) for s in sessions}
    every = [t for ts in occ.values() for t in ts]
    lo = (min(every) - dt.timedelta(days=400)).date() if every else dt.date(1970, 1, 2)
    hi = (max(every) + dt.timedelta(days=400)).date() if every else dt.date(2100, 1, 1)
    lo, hi = (lo.year, lo.month, lo.day), (hi.year, hi.month, hi.day)

    files = {"instructor.ics": os.path.join(out, "instructor.ics")}
    for st in plan["students"]:
        files["students/%s.ics" % st["id"]] = os.path.join(out, "students", st["id"] + ".ics")
    raws, cals, problems = {}, {}, []
    for name, path in files.items():
        try:
            raws[name] = open(path, "rb").read()
        except OSError as e:
            problems.append("%s: %s" % (name, e))
            continue
        problems += check_text(name, raws[name])
        cals[name] = icalendar.Calendar.from_ical(raws[name])
    report(not problems, "every calendar exists and is CRLF UTF-8 with lines of at most 75 octets, "
           "none ending in a space or splitting a character",
           "\n".join(problems))

    problems = []
    for name, cal in cals.items():
        for key, want in (("VERSION", "2.0"), ("METHOD", "PUBLISH"), ("CALSCALE", "GREGORIAN")):
            if str(cal.get(key, "")) != want:
                problems.append("%s: %s is %r" % (name, key, cal.get(key)))
        for key in ("PRODID", "X-WR-CALNAME", "NAME", "X-WR-TIMEZONE", "REFRESH-INTERVAL",
                    "X-PUBLISHED-TTL"):
            if key not in cal:
                problems.append("%s: no %s" % (name, key))
        # Subscribing clients poll by these; both must be durations they can read.
        for key in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
            raw_value = str(cal.get(key, "")) if key == "X-PUBLISHED-TTL" else \
                cal[key].to_ical().decode() if key in cal else ""
            if raw_value and not re.fullmatch(r"P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?|P\d+W", raw_value):
                problems.append("%s: %s is %r, not a duration" % (name, key, raw_value))
    report(not problems, "every calendar has the DESIGN.md header properties", "\n".join(problems))

    problems = []
    for name in cals:
        problems += check_zones(name, raws[name].decode("utf-8", "replace"))
    report(not problems, "every TZID is a declared bare IANA name and no time is floating",
           "\n".join(problems))

    problems, seen = [], {}
    for name, cal in cals.items():
        for ev in cal.walk("VEVENT"):
            u = uid_of(ev)
            if u in seen:
                problems.append("UID %s in %s and %s" % (u, seen[u], name))
            seen[u] = name
            if name == "instructor.ics" and is_week_note(ev):
                continue  # an all-day note, not a reminder
            if not any(str(a.get("ACTION", "")) == "DISPLAY" for a in ev.walk("VALARM")):
                problems.append("%s: %s has no display VALARM" % (name, u))
    report(not problems, "UIDs are unique across all files and every event has a VALARM",
           "\n".join(problems))

    # The instructor's sessions expand to exactly the plan's occurrences.
    problems = []
    cal = cals.get("instructor.ics")
    got = {}
    if cal is not None:
        for ev in expand(cal, lo, hi):
            if is_week_note(ev):
                continue
            m = re.search(r"-s(\d+)@", uid_of(ev))
            if not m:
                problems.append("instructor: unexpected UID " + uid_of(ev))
                continue
            n = int(m.group(1))
            start = to_utc(ev["DTSTART"].dt)
            got.setdefault(n, []).append(start)
            end = ev.get("DTEND")
            if end is not None and to_utc(end.dt) - start != dur.get(n):
                problems.append("instructor: session %d at %s lasts %s" % (n, start, to_utc(end.dt) - start))
        for n in sorted(set(occ) | set(got)):
            want, have = sorted(occ.get(n, [])), sorted(got.get(n, []))
            if want != have:
                missing = [t.isoformat() for t in want if t not in have]
                extra = [t.isoformat() for t in have if t not in want]
                problems.append("session %d: missing %s, extra %s" % (n, missing[:4], extra[:4]))
    else:
        problems.append("no instructor.ics")
    report(not problems, "the instructor's events expand to exactly each session's occurrences",
           "\n".join(problems))

    # Each session's "Start the recording" reminder rings ten minutes before
    # every occurrence: a display alarm relative to the start (an absolute
    # TRIGGER, or one related to the END, would be wrong in most weeks).
    problems = []
    if cal is not None:
        for ev in cal.walk("VEVENT"):
            if is_week_note(ev):
                continue
            alarms = [a for a in ev.walk("VALARM") if "Start the recording" in str(a.get("DESCRIPTION", ""))]
            if len(alarms) != 1:
                problems.append("%s: %d start-the-recording alarms" % (uid_of(ev), len(alarms)))
                continue
            trig = alarms[0]["TRIGGER"]
            related = str(trig.params.get("RELATED", "START")).upper()
            if str(alarms[0].get("ACTION")) != "DISPLAY" or related != "START" or \
                    not isinstance(trig.dt, dt.timedelta) or trig.dt != -dt.timedelta(minutes=10):
                problems.append("%s: alarm %s TRIGGER %r RELATED=%s" % (uid_of(ev), alarms[0].get("ACTION"),
                                                                      trig.dt, related))
    report(not problems, "the instructor's sessions remind to start the recording 10 minutes before each",
           "\n".join(problems))

    # Students: live events are their live list; one recording and one due per alternative.
    rec_after = due_after = None
    if course is not None:
        # Only delays the file states: its defaults are convene's to choose.
        if course.has_option("recording", "available-after"):
            rec_after = dt.timedelta(minutes=minutes(course.get("recording", "available-after")))
        if course.has_option("alternative", "due"):
            due_after = dt.timedelta(minutes=minutes(course.get("alternative", "due")))
    home = plan.get("course", {}).get("timezone") or str(cals.get("instructor.ics", {}).get("X-WR-TIMEZONE", "UTC"))
    join = None
    if cal is not None:
        urls = {str(ev["URL"]) for ev in cal.walk("VEVENT") if "URL" in ev}
        join = urls.pop() if len(urls) == 1 else None
    live_bad, alt_bad, time_bad, link_bad = [], [], [], []
    ends = {t: t + dur[n] for n, ts in occ.items() for t in ts}
    for st in plan["students"]:
        name = "students/%s.ics" % st["id"]
        scal = cals.get(name)
        if scal is None:
            live_bad.append(name + " missing")
            continue
        live, rec, due = [], {}, {}
        for ev in expand(scal, lo, hi):
            u, start = uid_of(ev), to_utc(ev["DTSTART"].dt)
            m = re.search(r"-(\d{8})-(live|rec|due)@", u)
            if not m:
                live_bad.append("%s: unexpected UID %s" % (name, u))
                continue
            if m.group(2) == "live":
                live.append(start)
                desc = str(ev.get("DESCRIPTION", ""))
                if join and not (str(ev.get("URL", "")) == join and str(ev.get("LOCATION", "")) == join
                                 and join in desc):
                    link_bad.append("%s: %s lacks the join link" % (name, u))
            else:
                (rec if m.group(2) == "rec" else due).setdefault(m.group(1), []).append((start, ev))
        want_live = sorted(instant(x) for x in st["live"])
        if sorted(live) != want_live:
            live_bad.append("%s: live %s, plan %s" % (name, [t.isoformat() for t in sorted(live)][:3],
                                                       [t.isoformat() for t in want_live][:3]))
        alts = [instant(x) for x in st["alternative"]]
        keys = []
        for t in alts:
            key = t.astimezone(ZoneInfo(home)).strftime("%Y%m%d")
            keys.append(key)
            r, d = rec.get(key, []), due.get(key, [])
            if len(r) != 1 or len(d) != 1:
                alt_bad.append("%s: %s has %d recording and %d due events" % (name, t.isoformat(), len(r), len(d)))
                continue
            (rs, rev), (ds, dev) = r[0], d[0]
            if not str(rev["SUMMARY"]).startswith("Watch the recording: ") or \
               not str(dev["SUMMARY"]).startswith("Due: discussion response - "):
                alt_bad.append("%s: %s summaries %r / %r" % (name, key, str(rev["SUMMARY"]), str(dev["SUMMARY"])))
            end = ends.get(t)
            if end is None:
                alt_bad.append("%s: alternative %s is no session occurrence" % (name, t.isoformat()))
            elif (rs != end + rec_after if rec_after is not None else rs < end) or \
                    (ds != end + due_after if due_after is not None else ds < end):
                time_bad.append("%s: %s recording at %s, due at %s; session ends %s" % (name, key, rs, ds, end))
        extra = (set(rec) | set(due)) - set(keys)
        if extra:
            alt_bad.append("%s: reminder events for occurrences not in `alternative`: %s" % (name, sorted(extra)))
    report(not live_bad, "each student's live events are exactly their `live` list", "\n".join(live_bad))
    report(not alt_bad, "one recording and one due event per `alternative` occurrence", "\n".join(alt_bad))
    report(not time_bad, "recording and due events follow the session end (by the delays the course states)",
           "\n".join(time_bad))
    report(not link_bad, "live events carry the join link in URL, LOCATION and DESCRIPTION", "\n".join(link_bad))

    # The VTIMEZONEs in each file agree with the system tzdata at every event instant.
    problems = []
    for name, scal in cals.items():
        instants = [to_utc(ev["DTSTART"].dt) for ev in expand(scal, lo, hi) if not is_week_note(ev)]
        problems += check_vtimezones(name, scal, instants)
    report(not problems, "each VTIMEZONE gives tzdata's offset at every event", "\n".join(problems))

    # Each VTIMEZONE is truncated (TZUNTIL, RFC 7808) past the file's last event
    # instant, and its first observance is in force at or before the first event
    # (a client must not need a rule from before the file's own range).
    problems = []
    for name, scal in cals.items():
        instants = [to_utc(ev["DTSTART"].dt) for ev in expand(scal, lo, hi) if not is_week_note(ev)]
        if not instants:
            continue
        for vtz in scal.walk("VTIMEZONE"):
            tzid = str(vtz["TZID"])
            m = re.search(r"^TZUNTIL:(\d{8}T\d{6})Z\r?$", vtz.to_ical().decode(), re.M)
            if not m:
                problems.append("%s: VTIMEZONE %s has no UTC TZUNTIL" % (name, tzid))
            else:
                until = dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
                if until <= max(instants):
                    problems.append("%s: VTIMEZONE %s ends (TZUNTIL %s) before the last event %s"
                                    % (name, tzid, until, max(instants)))
            trans = vtimezone_offsets(vtz, max(instants))
            if trans and trans[0][0] > min(instants):
                problems.append("%s: VTIMEZONE %s's first observance (%s) is after the first event %s"
                                % (name, tzid, trans[0][0], min(instants)))
    report(not problems, "each VTIMEZONE has TZUNTIL after the last event and an observance in force "
           "at the first", "\n".join(problems))

    # Every missed occurrence's recording and due events give the plan's reason
    # (solve --json "reasons", parallel to "alternative"), in the words
    # cv_miss_text() gives the student, and no other reason; a clock change
    # names whose clocks change.
    phrases = {"away": "you are away that day", "busy": "your calendar is busy then",
               "clocks": "a clock change moves the session out of your hours",
               "hours": "the session is outside your hours",
               "full": "the section is full: you follow its recording"}
    problems, seen_reasons = [], {}
    for st in plan["students"]:
        name = "students/%s.ics" % st["id"]
        scal = cals.get(name)
        reasons = st.get("reasons")
        if scal is None:
            continue
        if reasons is None or len(reasons) != len(st["alternative"]):
            problems.append("%s: the plan has %s reasons for %d alternatives"
                            % (name, None if reasons is None else len(reasons), len(st["alternative"])))
            continue
        byday = {}
        for ev in scal.walk("VEVENT"):
            m = re.search(r"-(\d{8})-(rec|due)@", uid_of(ev))
            if m:
                byday.setdefault(m.group(1), []).append(ev)
        for t, why in zip(st["alternative"], reasons):
            seen_reasons[why] = seen_reasons.get(why, 0) + 1
            key = instant(t).astimezone(ZoneInfo(home)).strftime("%Y%m%d")
            for ev in byday.get(key, []):
                desc = str(ev.get("DESCRIPTION", ""))
                if why not in phrases:
                    problems.append("%s: unknown reason %r" % (name, why))
                elif phrases[why] not in desc:
                    problems.append("%s: %s should say %r: %s" % (name, uid_of(ev), phrases[why], desc[:120]))
                elif any(p in desc for w, p in phrases.items() if w != why):
                    problems.append("%s: %s gives another reason too" % (name, uid_of(ev)))
                elif why == "clocks" and "(your clocks change on " not in desc and \
                        "(the course's clocks, %s, change on " % home not in desc:
                    problems.append("%s: %s does not say whose clocks change" % (name, uid_of(ev)))
    report(not problems, "each missed occurrence's events give the plan's reason (%s)"
           % ", ".join("%s %d" % kv for kv in sorted(seen_reasons.items())), "\n".join(problems))

    # The weekly recording summaries count, per home week, exactly the plan's
    # alternative occurrences (student x occurrence) of that week.
    problems = []
    if cal is not None:
        home_zone = ZoneInfo(home)
        want = {}
        for st in plan["students"]:
            for a in st["alternative"]:
                d = instant(a).astimezone(home_zone).date()
                monday = d - dt.timedelta(days=d.weekday())
                want[monday] = want.get(monday, 0) + 1
        have = {}
        for ev in cal.walk("VEVENT"):
            if not is_week_note(ev):
                continue
            start = ev["DTSTART"].dt
            if isinstance(start, dt.datetime) or start.weekday() != 0:
                problems.append("%s: not an all-day event on a Monday" % uid_of(ev))
            if str(ev.get("TRANSP")) != "TRANSPARENT":
                problems.append("%s: not transparent" % uid_of(ev))
            m = re.search(r": (\d+) missed", str(ev["SUMMARY"]))
            have[start] = int(m.group(1)) if m else -1
        if want != have:
            problems.append("weeks: want %s, have %s" % (sorted(want.items())[:4], sorted(have.items())[:4]))
    report(not problems, "the instructor's weekly recording notes count each week's missed occurrences",
           "\n".join(problems))

    # The weekly notes give each missed occurrence the plan's reason, in the
    # instructor's words: per home week, how many of each.  A long list of
    # names ends "and N more": then the names shown are counted against the
    # plan's, none more than it has, all of them with the ones not shown.
    words = {"away": "away", "busy": "busy", "clocks": "clock change", "hours": "outside their hours",
             "full": "section full"}
    problems = []
    if cal is not None:
        want, have = {}, {}
        for st in plan["students"]:
            for a, why in zip(st["alternative"], st.get("reasons", [])):
                d = instant(a).astimezone(ZoneInfo(home)).date()
                monday = d - dt.timedelta(days=d.weekday())
                want.setdefault(monday, {}).setdefault(words.get(why, why), 0)
                want[monday][words.get(why, why)] += 1
        cut = {}
        for ev in cal.walk("VEVENT"):
            if is_week_note(ev):
                desc = str(ev.get("DESCRIPTION", ""))
                have[ev["DTSTART"].dt] = {w: desc.count("(%s)" % w) for w in words.values()
                                          if desc.count("(%s)" % w)}
                cut[ev["DTSTART"].dt] = sum(int(n) for n in re.findall(r" and (\d+) more", desc))
        for monday in sorted(set(want) | set(have)):
            w, h, more = want.get(monday, {}), have.get(monday, {}), cut.get(monday, 0)
            if more == 0 and w != h:
                problems.append("week of %s: plan %s, note %s" % (monday, w, h))
            elif more and (any(h[k] > w.get(k, 0) for k in h) or
                           sum(h.values()) + more != sum(w.values())):
                problems.append("week of %s: plan %s, note %s and %d more" % (monday, w, h, more))
    report(not problems, "the instructor's weekly notes give each missed occurrence the plan's reason",
           "\n".join(problems))

    if course is not None:
        roster = os.path.join(os.path.dirname(sys.argv[3]), course.get("course", "roster"))
        with open(roster, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        emails = [r.get("email", "") for r in rows]
        emails = [e for e in emails if e]
        # Unfolded first: an address split across a fold is still in the file.
        flat = {name: "\n".join(unfold(raw.decode("utf-8", "replace"))) for name, raw in raws.items()}
        leaks = ["%s: %s" % (name, e) for name, text in flat.items() for e in emails if e in text]
        report(not leaks, "no roster e-mail address appears in any calendar (lines unfolded)",
               "\n".join(leaks))

        # Each session's "Students (N): ..." in instructor.ics lists the plan's
        # students of that section (all of them in series mode), by name or id,
        # in roster order.
        label = {r["id"]: (r.get("name") or r["id"]) for r in rows}
        order = [r["id"] for r in rows]
        problems = []
        if cal is not None:
            for s in sessions:
                ev = [e for e in cal.walk("VEVENT") if uid_of(e).endswith("-s%d@%s" % (
                    s["index"], uid_of(e).split("@", 1)[1])) and not is_week_note(e)]
                if len(ev) != 1:
                    problems.append("session %d: %d events" % (s["index"], len(ev)))
                    continue
                ids = [st["id"] for st in plan["students"]
                       if st.get("section") is None or st["section"] == s["index"]]
                ids.sort(key=order.index)
                want = "Students (%d): %s." % (len(ids), ", ".join(label[i] for i in ids) or "none")
                desc = str(ev[0].get("DESCRIPTION", ""))
                if want not in desc:
                    got = re.search(r"Students \(\d+\): .*", desc)
                    problems.append("session %d: want %r, have %r" % (s["index"], want[:100],
                                                                      got.group(0)[:100] if got else None))
        report(not problems, "each session in instructor.ics lists exactly the plan's students of it",
               "\n".join(problems))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
