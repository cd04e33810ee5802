"""Run the named edge cases of tzdata-tests/edge_cases through convene (tzdump)
and print one TAP line per row.  Each expectation is also checked against
Python's zoneinfo so that a row the system tzdata no longer supports says so
instead of blaming convene.  Usage: edge_cases.py BUILD
"""
import datetime as dt
import os
import re
import subprocess
import sys
import zoneinfo

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1)


def instant(s):
    if not s.endswith("Z"):
        raise ValueError("instant without Z: " + s)
    return int((dt.datetime.fromisoformat(s[:-1]) - EPOCH).total_seconds())


def wall(s):
    if s.endswith("Z"):
        raise ValueError("wall time with Z: " + s)
    return int((dt.datetime.fromisoformat(s) - EPOCH).total_seconds())


def offset(s):
    m = re.fullmatch(r"([+-])(\d\d):(\d\d)", s)
    if not m:
        raise ValueError("bad offset: " + s)
    v = int(m.group(2)) * 3600 + int(m.group(3)) * 60
    return -v if m.group(1) == "-" else v


def zi_offset(z, t):
    return int(dt.datetime.fromtimestamp(t, UTC).astimezone(z).utcoffset().total_seconds())


def zi_changes(z, a, b):
    """Offset changes in [a, b) by zoneinfo: a 3-hour scan, then bisection."""
    out, t, o = [], a - 1, zi_offset(zoneinfo.ZoneInfo(z), a - 1)
    zz = zoneinfo.ZoneInfo(z)
    while t < b - 1:
        n = min(t + 3 * 3600, b - 1)
        if zi_offset(zz, n) != o:
            lo, hi = t, n
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if zi_offset(zz, mid) == o:
                    lo = mid
                else:
                    hi = mid
            out.append((hi, o, zi_offset(zz, hi)))
            o = zi_offset(zz, hi)
            t = hi
        else:
            t = n
    return out


def rfc_zoneinfo(z, w):
    d = (EPOCH + dt.timedelta(seconds=w)).replace(tzinfo=zoneinfo.ZoneInfo(z), fold=0)
    return w - int(d.utcoffset().total_seconds())


DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def minutes(s, hi):
    m = re.fullmatch(r"(\d\d):(\d\d)", s)
    if not m or int(m.group(2)) > 59 or int(m.group(1)) * 60 + int(m.group(2)) > hi:
        raise ValueError("bad time of day: " + s)
    return int(m.group(1)) * 60 + int(m.group(2))


def window_zoneinfo(zone, date, day, s, e, a, b):
    """DESIGN.md time rule 4 read with zoneinfo: the window on each local date
    of weekday `day` near `date`, ends per RFC 5545 (fold=0), an end not after
    the start on the next day; clipped to [a, b), adjacent intervals joined."""
    out = []
    for k in range(-2, 3):
        d = date + dt.timedelta(days=k)
        if d.weekday() != day:
            continue
        base = int((dt.datetime(d.year, d.month, d.day) - EPOCH).total_seconds())
        st = rfc_zoneinfo(zone, base + s * 60)
        en = rfc_zoneinfo(zone, base + e * 60 + (0 if e > s else 86400))
        st, en = max(st, a), min(en, b)
        if st < en:
            out.append((st, en))
    out.sort()
    merged = []
    for st, en in out:
        if merged and st <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], en))
        else:
            merged.append((st, en))
    return merged


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    here = os.path.dirname(os.path.abspath(__file__))
    rows = []
    with open(os.path.join(here, "edge_cases"), encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            p = line.split("#", 1)[0].split()
            if p:
                rows.append((no, p))
    queries, checks = [], []
    for no, p in rows:
        try:
            name, kind, zone = p[0], p[1], p[2]
            if kind == "transition" and len(p) == 6:
                t = instant(p[3])
                exp = [(t, offset(p[4]), offset(p[5]))]
                q = "t %s %d %d" % (zone, t - 43200, t + 43200)
                oracle = zi_changes(zone, t - 43200, t + 43200)
            elif kind == "none" and len(p) == 5:
                a, b = instant(p[3]), instant(p[4])
                exp = []
                q = "t %s %d %d" % (zone, a, b)
                oracle = zi_changes(zone, a, b)
            elif kind == "offset" and len(p) == 5:
                t = instant(p[3])
                exp = offset(p[4])
                q = "o %s %d" % (zone, t)
                oracle = zi_offset(zoneinfo.ZoneInfo(zone), t)
            elif kind == "utc" and len(p) == 5:
                w = wall(p[3])
                exp = instant(p[4])
                q = "u %s %d" % (zone, w)
                oracle = rfc_zoneinfo(zone, w)
            elif kind == "window" and len(p) >= 8 and len(p) % 2 == 0:
                date = dt.date.fromisoformat(p[3])
                if p[4] not in DAYS or date.weekday() != DAYS.index(p[4]):
                    raise ValueError("%s is not a %s" % (p[3], p[4]))
                r = p[5].split("-")
                if len(r) != 2:
                    raise ValueError("bad range: " + p[5])
                s_min, e_min = minutes(r[0], 1439), minutes(r[1], 1440)
                exp = [(instant(x), instant(y)) for x, y in zip(p[6::2], p[7::2])]
                a = int((dt.datetime(date.year, date.month, date.day) - EPOCH)
                        .total_seconds()) - 86400
                b = a + 3 * 86400
                q = "a %s %d %d %s %s" % (zone, a, b, p[4], p[5])
                oracle = window_zoneinfo(zone, date, DAYS.index(p[4]), s_min, e_min, a, b)
            else:
                raise ValueError("bad row")
        except (ValueError, IndexError, zoneinfo.ZoneInfoNotFoundError) as e:
            print("not ok - edge_cases:%d: %s" % (no, e))
            continue
        queries.append(q)
        checks.append((no, name, kind, zone, exp, oracle))
    exe = os.path.join(build, "tzdata-tests", "tzdump")
    out = subprocess.run([exe], input="\n".join(queries) + "\n", capture_output=True,
                         text=True, check=True).stdout.split("\n")
    fails = 0
    for (no, name, kind, zone, exp, oracle), got_line in zip(checks, out):
        p = got_line.split()
        try:
            if kind == "window":
                got = [tuple(int(x) for x in q.split(":")) for q in p[1:]]
                ok_count = p[0] == str(len(got))
            elif kind in ("transition", "none"):
                got = [tuple(int(x) for x in q.split(":")) for q in p[1:]]
                ok_count = p[0] == str(len(got))
            else:
                got = int(p[0])
                ok_count = len(p) == 1
        except (ValueError, IndexError):
            got, ok_count = got_line, False
        ok = ok_count and got == exp
        print("%s - %s (%s %s)" % ("ok" if ok else "not ok", name, kind, zone))
        if not ok:
            fails += 1
            print("#   edge_cases:%d: convene says %s, the row expects %s" % (no, got, exp))
        if oracle != exp:
            print("#   edge_cases:%d: zoneinfo says %s: the system tzdata (%s) no longer "
                  "matches this row" % (no, oracle, open("/usr/share/zoneinfo/tzdata.zi")
                                        .readline().strip()))
            if ok:
                print("not ok - %s agrees with zoneinfo's expectation" % name)
                fails += 1
    kinds = {}
    for c in checks:
        kinds[c[2]] = kinds.get(c[2], 0) + 1
    totals = "%d edge cases (%s) in %d zones: %d mismatches" % (
        len(checks), ", ".join("%d %s" % (kinds[k], k) for k in sorted(kinds)),
        len({c[3] for c in checks}), fails)
    print(("ok - " if not fails and len(checks) == len(rows) else "not ok - ") + totals)
    print("# summary: tzdata %s: %s" % (open("/usr/share/zoneinfo/tzdata.zi").readline()
                                        .split()[-1], totals))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
