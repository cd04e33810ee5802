#!/usr/bin/python3
"""Independent oracle for calin's VEVENT busy time (tests/test_calin.c).

Usage: oracle.py FILE.ics STUDENT_ZONE FROM TO   (FROM, TO: Unix seconds)
Prints the busy intervals "start end" (Unix seconds), merged, one per line:
every VEVENT instance of python3-recurring-ical-events that overlaps
[FROM, TO), except TRANSP:TRANSPARENT and STATUS:CANCELLED ones; DATE values
and floating times are read in STUDENT_ZONE.  Exits 77 when the Debian
modules are missing, so the test can skip.
"""
import sys
import datetime
try:
    import zoneinfo
    import icalendar
    import recurring_ical_events
except ImportError:
    sys.exit(77)


def instant(v, zone):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=zone)
        return int(v.timestamp())
    return int(datetime.datetime(v.year, v.month, v.day, tzinfo=zone).timestamp())


def main():
    path, zname, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    zone = zoneinfo.ZoneInfo(zname)
    with open(path, 'rb') as f:
        cal = icalendar.Calendar.from_ical(f.read())
    utc = datetime.timezone.utc
    a = datetime.datetime.fromtimestamp(lo - 3 * 86400, utc)
    b = datetime.datetime.fromtimestamp(hi + 3 * 86400, utc)
    out = []
    for ev in recurring_ical_events.of(cal).between(a, b):
        if str(ev.get('TRANSP', 'OPAQUE')).upper() == 'TRANSPARENT':
            continue
        if str(ev.get('STATUS', '')).upper() == 'CANCELLED':
            continue
        s = instant(ev['DTSTART'].dt, zone)
        allday = not isinstance(ev['DTSTART'].dt, datetime.datetime)
        if 'DTEND' in ev and not (allday and ev['DTEND'].dt == ev['DTSTART'].dt):
            e = instant(ev['DTEND'].dt, zone)
        elif 'DURATION' in ev:
            e = s + int(ev['DURATION'].dt.total_seconds())
        elif allday:
            # RFC 5545 3.6.1: a DATE event without DTEND or DURATION lasts
            # one day (this library version reports DTEND = DTSTART for it).
            d = ev['DTSTART'].dt + datetime.timedelta(days=1)
            e = instant(d, zone)
        else:
            e = s
        s, e = max(s, lo), min(e, hi)
        if s < e:
            out.append((s, e))
    out.sort()
    merged = []
    for s, e in out:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    for s, e in merged:
        print(s, e)


main()
