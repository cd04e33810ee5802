#!/usr/bin/env python3
"""Generate a MOOC-like benchmark course: learners over >= 40 zones weighted
like real enrolment, a few life patterns shifted by up to two hours, 30% with
away dates, a 16-week term, a 15-minute grid and the whole week open.

usage: gen.py DIR LEARNERS SECTIONS [SEED]   writes DIR/course.ini and DIR/students.csv
Deterministic for a given seed.  Uses only the standard library.
"""
import csv, datetime, os, random, sys

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


def main():
    out, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
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
mode = sections
count = %d
duration = 60m
granularity = 15m
window = Daily 00:00-24:00
min-gap = 0
""" % k)
    zones, weights = zip(*ZONES)
    with open(os.path.join(out, "students.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "timezone", "available", "unavailable"])
        for i in range(n):
            zone = rng.choices(zones, weights)[0]
            shift = rng.randint(-8, 8) * 15
            windows = []
            for days, a, b in rng.choice(PATTERNS):
                windows.append("%s %s-%s" % (days, hhmm(a + shift), hhmm(b + shift) if (b + shift) % 1440 else "24:00"))
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
            w.writerow(["L%07d" % i, zone, "; ".join(windows), away])


if __name__ == "__main__":
    main()
