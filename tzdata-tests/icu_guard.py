"""ICU guard (DESIGN.md time rule 1: ICU's own tzdata is never used for an offset).

Debian 12's ICU carries tzdata 2022e, which is wrong in 2026-2028 for zones
whose rules changed later (America/Mexico_City, Africa/Cairo, Asia/Almaty,
...).  Rather than a fixed list, this finds them at run time: for every zone
and link of the system tzdata, ICU's offset (ucal, through BUILD/tzdata-tests/icudump)
against zdump's at every zdump transition of 2026-2028 (the second before
and the second of it) and every six hours.  Then, for each name where ICU is
wrong (or which ICU does not know at all), convene's offsets (tzdump) must equal zdump's at the same instants;
one such zone is also resolved through its Windows name (ICU maps the name,
convene must still give zdump's offsets) and one is read from a calendar
file (VEVENTs with that TZID, through cv_calin_parse).

The list being non-empty is information only: when ICU is fixed some day the
guard prints a note and passes.  Prints TAP-style lines and "# summary:".
"""
import datetime as dt
import os
import re
import subprocess
import sys
import zoneinfo

FIRST_YEAR, LAST_YEAR = 2026, 2028
UTC = dt.timezone.utc
A = int(dt.datetime(FIRST_YEAR, 1, 1, tzinfo=UTC).timestamp())
B = int(dt.datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC).timestamp())
EPOCH = dt.datetime(1970, 1, 1)
STEP = 6 * 3600
# Names convene refuses on purpose (include/convene/tz.h).
REFUSED = {"EST", "MST", "HST", "CET", "EET", "WET", "MET", "GMT", "Factory"}
MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}


def run(build, tool, queries):
    out = subprocess.run([os.path.join(build, "tzdata-tests", tool)],
                         input="\n".join(queries) + "\n", capture_output=True, text=True,
                         check=True).stdout
    return out.split("\n")


def tzdata_names():
    """The zones and the links of tzdata.zi that convene accepts."""
    zs, links = [], []
    with open("/usr/share/zoneinfo/tzdata.zi", encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 2 and p[0] == "Z" and p[1] not in REFUSED:
                zs.append(p[1])
            elif len(p) >= 3 and p[0] == "L" and p[2] not in REFUSED:
                links.append(p[2])
    return sorted(zs), sorted(links)


def zdump_history(names):
    """{name: [(at, offset_after)]} for every zdump transition up to B, from 1900."""
    pat = re.compile(r"^(\S+)\s+\w{3} (\w{3})\s+(\d+) (\d\d):(\d\d):(\d\d) (-?\d+) UT = "
                     r".* gmtoff=(-?\d+)$")
    res = {n: [] for n in names}
    for i in range(0, len(names), 200):
        out = subprocess.run(["zdump", "-V", "-c", "1900,%d" % (LAST_YEAR + 1)]
                             + names[i:i + 200], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            m = pat.match(line)
            if m:
                t = int((dt.datetime(int(m.group(7)), MONTHS[m.group(2)], int(m.group(3)),
                                     int(m.group(4)), int(m.group(5)), int(m.group(6)))
                         - EPOCH).total_seconds())
                res[m.group(1)].append((t, int(m.group(8))))
    return res


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    zs, links = tzdata_names()
    names = sorted(zs + links)
    hist = zdump_history(names)
    fails = 0

    def report(ok, what, details=()):
        nonlocal fails
        print(("ok - " if ok else "not ok - ") + what)
        if not ok:
            fails += 1
            for d in list(details)[:20]:
                print("#   " + d)

    plan = {}
    for n in names:
        h = sorted(hist[n])
        inst = set(range(A, B, STEP))
        for t, _ in h:
            if A <= t < B:
                inst.update((t - 1, t))
        inst = sorted(inst)
        exp, k, off = [], 0, None
        for t in inst:
            while k < len(h) and h[k][0] <= t:
                off = h[k][1]
                k += 1
            exp.append(off)
        if any(o is None for o in exp):
            # No zdump line before the instant (a zone without any change,
            # such as Etc/GMT+5): its one offset, from zoneinfo.
            z = zoneinfo.ZoneInfo(n)
            exp = [int(dt.datetime.fromtimestamp(t, UTC).astimezone(z).utcoffset()
                       .total_seconds()) if o is None else o for t, o in zip(inst, exp)]
        plan[n] = (inst, exp)

    icu_version = run(build, "icudump", ["version"])[0]
    icu = run(build, "icudump", ["icu %s %s" % (n, " ".join(map(str, plan[n][0])))
                                 for n in names])
    unknown, wrong = [], {}
    for n, r in zip(names, icu):
        if r == "unknown":
            unknown.append(n)
            continue
        got = [int(x) for x in r.split()]
        bad = [t for t, g, e in zip(plan[n][0], got, plan[n][1]) if g != e]
        if len(got) != len(plan[n][0]) or bad:
            wrong[n] = bad
    # Every name ICU answers wrongly or not at all is one a program that
    # asked ICU would get wrong.
    guarded = sorted(set(wrong) | set(unknown))
    conv = run(build, "tzdump", ["o %s %s" % (n, " ".join(map(str, plan[n][0])))
                                 for n in guarded])
    bad_conv = []
    n_inst = 0
    for n, r in zip(guarded, conv):
        inst, exp = plan[n]
        n_inst += len(inst)
        got = [int(x) for x in r.split()] if not r.startswith("error") else []
        if got != exp:
            diff = [(t, g, e) for t, g, e in zip(inst, got, exp) if g != e][:2]
            bad_conv.append("%s: convene %s at %s" % (n, r[:60] if not got else "differs", diff))
    wrong_zones = sorted(n for n in wrong if n in set(zs))
    wrong_links = sorted(n for n in wrong if n not in set(zs))
    report(not bad_conv, "convene's offsets equal zdump's for all %d names where ICU (tzdata %s) "
           "is wrong in %d-%d or lacks the zone (%d instants)"
           % (len(guarded), icu_version, FIRST_YEAR, LAST_YEAR, n_inst), bad_conv)

    # The two paths that meet ICU: Windows names (ICU maps the name) ...
    win_checked = None
    for n in wrong_zones:
        inst, exp = plan[n]
        r = run(build, "icudump", ["win %s %s" % (n, " ".join(map(str, inst)))])[0]
        if r == "none":
            continue
        wname, canon, offs = r.split("|")
        if canon != n:
            continue  # the Windows name stands for another zone of the region
        got = [int(x) for x in offs.split()]
        report(got == exp, "the Windows name \"%s\" resolves to %s with zdump's offsets at %d "
               "instants" % (wname, n, len(inst)),
               ["convene %s, zdump %s" % (g, e) for g, e in zip(got, exp) if g != e])
        win_checked = n
        break
    # ... and calendar files (TZID of a VEVENT, recurrences expanded in floating time).
    cal_checked = None
    for n in sorted(wrong_zones, key=lambda z: (z != "America/Mexico_City", z)):
        if n == win_checked and len(wrong_zones) > 1:
            continue
        inst, exp = plan[n]
        h = [t for t, _ in hist[n]]
        # Instants well away from any change, where ICU is wrong if possible,
        # so each wall time has one reading.
        far = [(t, o) for t, o in zip(inst, exp) if t % STEP == 0 and
               all(abs(t - x) > 2 * 86400 for x in h)]
        picks = [p for p in far if p[0] in set(wrong[n])][:40] or far[:40]
        walls = [t + o for t, o in picks]
        r = run(build, "icudump", ["cal %s %s" % (n, " ".join(map(str, walls)))])[0]
        got = [int(x) for x in r.split()] if not r.startswith("error") else r
        report(got == [t for t, _ in picks],
               "a calendar with %d events in %s (TZID=%s) gives zdump's UTC instants"
               % (len(picks), n, n), ["convene %s, zdump %s" % (str(got)[:80],
                                                               [t for t, _ in picks][:3])])
        cal_checked = n
        break

    if guarded:
        print("# summary: ICU's tzdata %s is wrong in %d-%d for %d zones (%s) and %d links "
              "to them (%s) and lacks %d zones (%s): %d names; convene %s"
              % (icu_version, FIRST_YEAR, LAST_YEAR, len(wrong_zones), ", ".join(wrong_zones),
                 len(wrong_links), ", ".join(wrong_links), len(unknown), ", ".join(unknown),
                 len(guarded), "agrees with zdump in all of them" if not fails
                 else "DISAGREES (see above)"))
    else:
        print("# summary: note: ICU's tzdata %s agrees with zdump in %d-%d for every zone "
              "(ICU was updated?); the guard has nothing to catch" % (icu_version, FIRST_YEAR,
                                                                     LAST_YEAR))
        print("ok - no zone where ICU is wrong (information only)")
    if wrong_zones and not win_checked:
        print("# note: no zone where ICU is wrong has a Windows name of its own")
    if wrong_zones and not cal_checked:
        print("# note: no calendar check was possible")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
