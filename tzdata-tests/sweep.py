"""Oracle sweep: convene's time-zone answers against zdump and Python's zoneinfo.

For every zone name of the system tzdata (tzdata.zi: zones and links) and the
UTC years 2020-2040 this compares, through BUILD/tzdata-tests/tzdump:

  names        the names convene lists = tzdata.zi's names minus the ones
               convene refuses by design (abbreviations), which must be refused
  links        each name resolves to a zone whose TZif file is the same bytes
  transitions  cv_zone_transitions() = zdump -V's offset changes
  offsets      cv_zone_offset() = zoneinfo at t-1 and t of every transition,
               the middle of every period and one instant in every month
  walls        cv_zone_to_utc() = the RFC 5545 reading (overlap: the first
               instant; gap: the offset before the gap) derived from zoneinfo,
               at the edges and the middle of every gap and overlap and in the
               middle of every period; cv_zone_to_wall() on the same instants
  oracles      zdump and zoneinfo agree with each other (else the sweep
               cannot tell who is right)
  libical      measured, for information: libical's built-in zones
               (icaltimezone_get_utc_offset_of_utc_time) against zdump at
               the offset instants of every zone, printed as a "# summary:"
               line; only convene's agreement with zdump there is asserted

Prints TAP-style "ok - ..." / "not ok - ..." lines and "# ..." details.
Run by sweep.sh; needs /usr/bin/python3 (zoneinfo) and zdump.
"""
import datetime as dt
import os
import re
import subprocess
import sys
import time
import zoneinfo

FIRST_YEAR, LAST_YEAR = (int(y) for y in os.environ.get("SWEEP_YEARS", "2020,2040").split(","))
A = int(dt.datetime(FIRST_YEAR, 1, 1, tzinfo=dt.timezone.utc).timestamp())
B = int(dt.datetime(LAST_YEAR + 1, 1, 1, tzinfo=dt.timezone.utc).timestamp())
UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1)
# Names convene refuses on purpose (include/convene/tz.h): abbreviations that
# tzdata happens to have as fixed-offset zones, and tzdata's placeholder.
REFUSED = {"EST", "MST", "HST", "CET", "EET", "WET", "MET", "GMT", "Factory"}
MAX_DETAILS = 20


def zone_dir():
    return os.environ.get("CV_ZONEINFO", "/usr/share/zoneinfo")


def tzdata_names():
    zones, links = set(), {}
    with open(os.path.join(zone_dir(), "tzdata.zi"), encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 2 and p[0] == "Z":
                zones.add(p[1])
            elif len(p) >= 3 and p[0] == "L":
                links[p[2]] = p[1]
    return zones, links


def tzdata_version():
    with open(os.path.join(zone_dir(), "tzdata.zi"), encoding="utf-8") as f:
        line = f.readline().split()
    return line[2] if len(line) >= 3 and line[:2] == ["#", "version"] else "unknown"


def run_tzdump(build, queries):
    exe = os.path.join(build, "tzdata-tests", "tzdump")
    out = subprocess.run([exe], input="\n".join(queries) + "\n", capture_output=True,
                         text=True, check=True).stdout
    lines = out.split("\n")
    return lines


def zdump_transitions(names):
    """{name: [(at, before, after)]} for A <= at < B, offset changes only."""
    res = {n: [] for n in names}
    pat = re.compile(r"^(\S+)\s+\w{3} (\w{3})\s+(\d+) (\d\d):(\d\d):(\d\d) (-?\d+) UT = "
                     r".* gmtoff=(-?\d+)$")
    months = {m: i + 1 for i, m in enumerate(
        "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
    names = sorted(names)
    for i in range(0, len(names), 200):
        chunk = names[i:i + 200]
        out = subprocess.run(["zdump", "-V", "-c", "%d,%d" % (FIRST_YEAR - 1, LAST_YEAR + 2)]
                             + chunk, capture_output=True, text=True, check=True).stdout
        prev = {}
        for line in out.splitlines():
            m = pat.match(line)
            if not m:
                continue
            name = m.group(1)
            t = int((dt.datetime(int(m.group(7)), months[m.group(2)], int(m.group(3)),
                                 int(m.group(4)), int(m.group(5)), int(m.group(6)))
                     - EPOCH).total_seconds())
            off = int(m.group(8))
            p = prev.get(name)
            # zdump prints each change as a pair: the second before, and at.
            if p is not None and p[0] == t - 1 and not p[2]:
                if p[1] != off and A <= t < B:
                    res[name].append((t, p[1], off))
                prev[name] = (t, off, True)
            else:
                prev[name] = (t, off, False)
    return res


def zi_offset(z, t):
    return int(dt.datetime.fromtimestamp(t, UTC).astimezone(z).utcoffset().total_seconds())


def wall_dt(w):
    return EPOCH + dt.timedelta(seconds=w)


def rfc_fold0(z, w):
    """RFC 5545 reading via PEP 495: fold=0 is the first instant of an
    overlap and uses the offset before the transition in a gap."""
    d = wall_dt(w).replace(tzinfo=z, fold=0)
    return w - int(d.utcoffset().total_seconds())


def rfc_brute(z, w, trans):
    """The same reading built from zoneinfo offsets alone: the smallest
    instant whose wall time is w; in a gap, the offset before the gap."""
    offs = {zi_offset(z, w - 18 * 3600)} | {o for (t, b, a) in trans
                                            if abs(t - w) < 20 * 3600 for o in (b, a)}
    cands = [w - o for o in offs if zi_offset(z, w - o) == o]
    if cands:
        return min(cands)
    best = None
    for (t, b, a) in trans:
        if t + b <= w < t + a and (best is None or t > best[0]):
            best = (t, b)
    return w - best[1] if best else None


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    start = time.time()
    zones, links = tzdata_names()
    all_names = sorted(zones | set(links))
    fails = 0

    def report(ok, what, details=()):
        nonlocal fails
        print(("ok - " if ok else "not ok - ") + what)
        if not ok:
            fails += 1
            for d in list(details)[:MAX_DETAILS]:
                print("#   " + d)

    # --- names -----------------------------------------------------------
    lines = run_tzdump(build, ["names"] + ["l " + n for n in all_names])
    listed = []
    i = 0
    while lines[i] != ".":
        listed.append(lines[i])
        i += 1
    looked = lines[i + 1:i + 1 + len(all_names)]
    expect_listed = sorted(n for n in all_names if n not in REFUSED)
    report(listed == expect_listed,
           "cv_tz_foreach_name lists the %d accepted names of tzdata.zi, sorted" % len(listed),
           ["missing: %s" % sorted(set(expect_listed) - set(listed))[:10],
            "extra: %s" % sorted(set(listed) - set(expect_listed))[:10]])
    avail = zoneinfo.available_timezones() - {"localtime"}
    report(avail == set(all_names), "tzdata.zi names = zoneinfo.available_timezones()",
           ["only in zoneinfo: %s" % sorted(avail - set(all_names))[:10],
            "only in tzdata.zi: %s" % sorted(set(all_names) - avail)[:10]])
    bad_refusals = [n for n, r in zip(all_names, looked)
                    if n in REFUSED and not (r.startswith("refused ") and len(r) > 20)]
    report(not bad_refusals, "the %d abbreviation names of tzdata are refused with a hint"
           % len([n for n in all_names if n in REFUSED]), bad_refusals)
    canon = {}
    bad_links = []
    for n, r in zip(all_names, looked):
        if n in REFUSED:
            continue
        if not r.startswith("ok "):
            bad_links.append("%s: %s" % (n, r))
            continue
        c = r[3:]
        canon[n] = c
        with open(os.path.join(zone_dir(), n), "rb") as f1, \
                open(os.path.join(zone_dir(), c), "rb") as f2:
            if f1.read() != f2.read():
                bad_links.append("%s -> %s: different TZif files" % (n, c))
        if c != "UTC" and c not in zones:
            bad_links.append("%s -> %s: not a Zone of tzdata.zi" % (n, c))
    report(not bad_links, "all %d names resolve to a canonical zone with the same TZif data"
           % len(canon), bad_links)
    names = sorted(canon)

    # --- transitions -------------------------------------------------------
    oracle = zdump_transitions(names)
    lines = run_tzdump(build, ["t %s %d %d" % (n, A, B) for n in names])
    bad, ntrans = [], 0
    for n, r in zip(names, lines):
        p = r.split()
        got = [tuple(int(x) for x in q.split(":")) for q in p[1:]]
        exp = oracle[n]
        ntrans += len(exp)
        if p[:1] != [str(len(got))] or got != exp:
            diff = sorted(set(got) ^ set(exp))[:3]
            bad.append("%s: convene %d, zdump %d transitions; differ at %s"
                       % (n, len(got), len(exp), diff))
    report(not bad, "transitions %d-%d of %d zones match zdump (%d transitions)"
           % (FIRST_YEAR, LAST_YEAR, len(names), ntrans), bad)

    # --- offsets and wall times --------------------------------------------
    oq, uq, wq, plan = [], [], [], []
    oracle_bad = []
    for n in names:
        z = zoneinfo.ZoneInfo(n)
        tr = oracle[n]
        edges = [A] + [t for (t, _, _) in tr] + [B]
        inst = set()
        for (t, _, _) in tr:
            inst.update((t - 1, t))
        for a, b in zip(edges, edges[1:]):
            inst.add((a + b) // 2)
        for k in range((B - A) // (30 * 86400)):
            inst.add(A + k * 30 * 86400 + 37 * 60 + (k * 3607) % 86400)
        inst = sorted(inst)
        offs = [zi_offset(z, t) for t in inst]
        # The two oracles must agree with each other.
        for (t, b, a) in tr:
            if zi_offset(z, t - 1) != b or zi_offset(z, t) != a:
                oracle_bad.append("%s at %d: zdump %d->%d, zoneinfo %d->%d"
                                  % (n, t, b, a, zi_offset(z, t - 1), zi_offset(z, t)))
        walls = set()
        for (t, b, a) in tr:
            lo, hi = min(b, a), max(b, a)
            walls.update((t + lo - 1, t + lo, t + (lo + hi) // 2, t + hi - 1, t + hi))
        for a, b in zip(edges, edges[1:]):
            walls.add((a + b) // 2 + zi_offset(z, (a + b) // 2))
        walls = sorted(walls)
        exp_u = []
        for w in walls:
            f0 = rfc_fold0(z, w)
            br = rfc_brute(z, w, tr)
            if f0 != br:
                oracle_bad.append("%s wall %d: fold=0 gives %d, brute force %s" % (n, w, f0, br))
            exp_u.append(f0)
        oq.append("o %s %s" % (n, " ".join(map(str, inst))))
        wq.append("w %s %s" % (n, " ".join(map(str, inst))))
        uq.append("u %s %s" % (n, " ".join(map(str, walls))))
        plan.append((n, inst, offs, walls, exp_u))
    report(not oracle_bad, "zdump and zoneinfo agree (the oracles are consistent)", oracle_bad)

    lines = run_tzdump(build, oq + wq + uq)
    m = len(names)
    bad_o, bad_w, bad_u = [], [], []
    conv_off = {}
    n_o = n_u = 0
    for k, (n, inst, offs, walls, exp_u) in enumerate(plan):
        got_o = [int(x) for x in lines[k].split()]
        got_w = [int(x) for x in lines[m + k].split()]
        got_u = [int(x) for x in lines[2 * m + k].split()]
        conv_off.setdefault(canon[n], got_o)
        n_o += len(inst)
        n_u += len(walls)
        for t, e, g, gw in zip(inst, offs, got_o, got_w):
            if e != g:
                bad_o.append("%s at %d (%s): convene %d, zoneinfo %d"
                             % (n, t, dt.datetime.fromtimestamp(t, UTC).isoformat(), g, e))
            if gw != t + e:
                bad_w.append("%s at %d: convene wall %d, zoneinfo %d" % (n, t, gw, t + e))
        if len(got_o) != len(inst) or len(got_w) != len(inst):
            bad_o.append("%s: %d answers for %d instants" % (n, len(got_o), len(inst)))
        for w, e, g in zip(walls, exp_u, got_u):
            if e != g:
                bad_u.append("%s wall %s: convene %s, RFC 5545 %s"
                             % (n, wall_dt(w).isoformat(),
                                dt.datetime.fromtimestamp(g, UTC).isoformat(),
                                dt.datetime.fromtimestamp(e, UTC).isoformat()))
        if len(got_u) != len(walls):
            bad_u.append("%s: %d answers for %d wall times" % (n, len(got_u), len(walls)))
    report(not bad_o, "cv_zone_offset matches zoneinfo at %d instants in %d zones"
           % (n_o, len(names)), bad_o)
    report(not bad_w, "cv_zone_to_wall matches zoneinfo at %d instants" % n_o, bad_w)
    report(not bad_u, "cv_zone_to_utc matches the RFC 5545 reading at %d wall times "
           "(%d in gaps/overlaps or at their edges)"
           % (n_u, n_u - sum(len(oracle[n]) + 1 for n in names)), bad_u)

    # --- libical, measured ---------------------------------------------------
    # convene reads the TZif files itself (src/tz_tzif.c) because libical's
    # icaltimezone gets some zones wrong.  Measure it on the same instants,
    # one name per canonical zone, against zdump (the offset after the last
    # zdump transition at or before the instant; zoneinfo's constant offset
    # for zones without transitions, which the checks above tie to zdump).
    # Information only: what convene must do is asserted above.
    lines = run_tzdump(build, ["libical"])
    libical_version = lines[0]
    seen, iq, iplan = set(), [], []
    for (n, inst, offs, walls, exp_u) in plan:
        c = canon[n]
        if c in seen or c == "UTC":
            continue
        seen.add(c)
        tr = oracle[n]
        zd = []
        for t, o in zip(inst, offs):
            k = [x for x in tr if x[0] <= t]
            zd.append(k[-1][2] if k else tr[0][1] if tr else o)
        iq.append("i %s %s" % (c, " ".join(map(str, inst))))
        iplan.append((c, inst, zd))
    lines = run_tzdump(build, iq)
    lib_bad, lib_n, lib_missing, conv_vs_zdump = {}, 0, [], 0
    for (c, inst, zd), r in zip(iplan, lines):
        if r == "none":
            lib_missing.append(c)
            continue
        got = [int(x) for x in r.split()]
        lib_n += len(inst)
        years = [dt.datetime.fromtimestamp(t, UTC).year for t, g, e in zip(inst, got, zd) if g != e]
        if years:
            lib_bad[c] = (len(years), min(years), max(years))
        conv_vs_zdump += sum(1 for g, e in zip(conv_off[c], zd) if g != e)
    report(conv_vs_zdump == 0, "convene agrees with zdump at all %d instants of the %d zones "
           "measured against libical" % (lib_n, len(iplan) - len(lib_missing)))
    print("# summary: libical %s differs from zdump in %d zones (%s) at %d of %d instants; "
          "convene %s"
          % (libical_version, len(lib_bad),
             ", ".join("%s %d-%d" % (c, a, b) for c, (k, a, b) in sorted(lib_bad.items())),
             sum(k for k, a, b in lib_bad.values()), lib_n,
             "agrees with zdump everywhere" if conv_vs_zdump == 0 and not fails
             else "DISAGREES with zdump (see above)"))
    if lib_missing:
        print("# libical has no built-in zone for %d zones: %s"
              % (len(lib_missing), " ".join(lib_missing[:20])))

    elapsed = time.time() - start
    mismatches = len(bad) + len(bad_o) + len(bad_w) + len(bad_u) + conv_vs_zdump
    totals = ("%d names, %d zones, %d transitions, %d instants, %d wall times: %d mismatches"
              % (len(all_names), len(set(canon.values())), ntrans, n_o, n_u, mismatches))
    report(mismatches == 0 and not fails, totals)
    print("# summary: sweep %d-%d, tzdata %s: %s, %.1f s"
          % (FIRST_YEAR, LAST_YEAR, tzdata_version(), totals, elapsed))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
