#!/usr/bin/env python3
"""Generate a MOOC-like benchmark course: learners over >= 40 zones weighted
like real enrolment, a few life patterns shifted by up to two hours, 30% with
away dates, a 16-week term, a 15-minute grid and the whole week open.

usage: gen.py DIR LEARNERS SECTIONS [SEED] [options]
writes DIR/course.ini and DIR/students.csv.  Options (defaults: the benchmark):
  --window TEXT      the teaching window, home zone ("Daily 00:00-24:00")
  --mode MODE        sections | series | rotation (sections); SECTIONS is then the count
  --objective OBJ    attendance | reach (attendance)
  --min-gap GAP      e.g. 0, 2h (0)
  --preferred F      fraction of learners who prefer the first half of a window (0)
  --max-weight W     weights drawn from 1..W (1: no weight column)
  --capacity N       at most N students live in a section (none)
  --min-share P      reach counts a learner who attends P% of their sessions (none)
  --every N          a session every N-th week (1)
  --duration LIST    the session length, or one per series session ("90m, 60m"; 60m)
Deterministic for a given seed and options.  Uses only the standard library.
"""
import argparse, csv, datetime, os, random, sys

# (zone, relative enrolment weight): roughly the shape of large MOOC enrolments.
ZONES = [
    ("America/New_York", 90), ("America/Chicago", 45), ("America/Denver", 15),
    ("America/Los_Angeles", 50), ("America/Toronto", 20), ("America/Vancouver", 8),
    ("America/Mexico_City", 20), ("America/Bogota", 12), ("America/Lima", 8),
    ("America/Sao_Paulo", 30), ("America/Argentina/Buenos_Aires", 10), ("America/Santiago", 8),
    ("Europe/London", 35), ("Europe/Dublin", 5), ("Europe/Madrid", 15), ("Europe/Paris", 15),
    ("Europe/Berlin", 20), ("Europe/Rome", 10), ("Europe/Warsaw", 8), ("Europe/Kyiv", 8),
    ("Europe/Istanbul", 12), ("Europe/Moscow", 10), ("Africa/Lagos", 20), ("Africa/Cairo", 15),
    ("Africa/Nairobi", 10), ("Africa/Johannesburg", 8), ("Africa/Casablanca", 6),
    ("Asia/Dubai", 8), ("Asia/Karachi", 15), ("Asia/Kolkata", 110), ("Asia/Kathmandu", 5),
    ("Asia/Dhaka", 10), ("Asia/Bangkok", 8), ("Asia/Jakarta", 15), ("Asia/Manila", 15),
    ("Asia/Shanghai", 40), ("Asia/Singapore", 8), ("Asia/Seoul", 8), ("Asia/Tokyo", 10),
    ("Australia/Sydney", 10), ("Australia/Perth", 3), ("Australia/Adelaide", 2),
    ("Pacific/Auckland", 4), ("America/St_Johns", 1),
]

# Life patterns in the learner's own zone, before the shift.
PATTERNS = [
    [("Mon-Fri", 18 * 60, 22 * 60), ("Sat", 9 * 60, 12 * 60)],   # after work
    [("Mon-Fri", 6 * 60, 8 * 60 + 30)],                           # before work
    [("Mon-Fri", 12 * 60, 13 * 60 + 30), ("Sun", 15 * 60, 18 * 60)],  # lunch + Sunday
    [("Sat,Sun", 10 * 60, 18 * 60)],                              # weekends
    [("Daily", 21 * 60, 25 * 60)],                                # night owl, past midnight
    [("Mon-Fri", 14 * 60, 18 * 60)],                              # full-time student
]


def hhmm(m):
    m %= 1440
    return "%02d:%02d" % (m // 60, m % 60)


def window_text(days, a, b):
    return "%s %s-%s" % (days, hhmm(a), hhmm(b) if b % 1440 else "24:00")


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("dir")
    ap.add_argument("learners", type=int)
    ap.add_argument("sections", type=int)
    ap.add_argument("seed", type=int, nargs="?", default=1)
    ap.add_argument("--window", default="Daily 00:00-24:00")
    ap.add_argument("--mode", choices=("sections", "series", "rotation"), default="sections")
    ap.add_argument("--objective", choices=("attendance", "reach"), default="attendance")
    ap.add_argument("--min-gap", default="0")
    ap.add_argument("--preferred", type=float, default=0.0)
    ap.add_argument("--max-weight", type=int, default=1)
    ap.add_argument("--capacity", type=int, default=0)
    ap.add_argument("--min-share", type=int, default=0)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--duration", default="60m")
    a = ap.parse_args()
    out, n, k = a.dir, a.learners, a.sections
    rng = random.Random(a.seed)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "course.ini"), "w") as f:
        f.write("""[course]
id = mooc-bench
title = MOOC benchmark
timezone = America/New_York
start = 2027-01-11
end = 2027-05-02
holidays = 2027-03-08..2027-03-12
roster = students.csv
uid-domain = bench.invalid

[sessions]
mode = %s
count = %d
duration = %s
granularity = 15m
window = %s
min-gap = %s
objective = %s
""" % (a.mode, k, a.duration, a.window, a.min_gap, a.objective))
        if a.capacity:
            f.write("capacity = %d\n" % a.capacity)
        if a.min_share:
            f.write("min-share = %d%%\n" % a.min_share)
        if a.every > 1:
            f.write("every = %dw\n" % a.every)
    zones, weights = zip(*ZONES)
    with open(os.path.join(out, "students.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        header = ["id", "timezone", "available", "unavailable"]
        if a.preferred > 0:
            header.append("preferred")
        if a.max_weight > 1:
            header.append("weight")
        w.writerow(header)
        for i in range(n):
            # the draws of the default benchmark come first, in the same order
            zone = rng.choices(zones, weights)[0]
            shift = rng.randint(-8, 8) * 15
            windows = []
            pattern = rng.choice(PATTERNS)
            for days, lo, hi in pattern:
                windows.append(window_text(days, lo + shift, hi + shift))
            away = ""
            if rng.random() < 0.3:
                ranges = []
                for _ in range(rng.randint(1, 2)):
                    start = rng.randint(0, 105)
                    length = rng.randint(0, 6)
                    ranges.append((start, length))
                parts = []

                base = datetime.date(2027, 1, 11)
                for start, length in ranges:
                    d0 = base + datetime.timedelta(days=start)
                    d1 = d0 + datetime.timedelta(days=length)
                    parts.append(d0.isoformat() if length == 0 else "%s..%s" % (d0, d1))
                away = "; ".join(parts)
            row = ["L%07d" % i, zone, "; ".join(windows), away]
            if a.preferred > 0:
                pref = ""
                if rng.random() < a.preferred:
                    days, lo, hi = pattern[0]
                    mid = lo + (hi - lo) // 2 // 15 * 15
                    pref = window_text(days, lo + shift, mid + shift)
                row.append(pref)
            if a.max_weight > 1:
                row.append(str(rng.randint(1, a.max_weight)))
            w.writerow(row)


if __name__ == "__main__":
    main()
