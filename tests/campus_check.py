#!/usr/bin/python3
"""Check a campus run of convene-publish-all against what campus_gen.py said.

usage: campus_check.py EXPECTED STATUS OUT
EXPECTED: NAME<TAB>EXIT<TAB>STUDENTS<TAB>ROSTER (campus_gen.py);
STATUS: NAME<TAB>EXIT<TAB>SECONDS<TAB>FILE (convene-publish-all --status).
Prints TAP lines.  A good course must have OUT/NAME/instructor.ics and one
OUT/NAME/students/<id>.ics per roster id (read with the csv module), each a
whole VCALENDAR with CRLF line ends; the instructor's file and two students'
files per course are parsed by python3-icalendar.  A failed course must have
no OUT/NAME at all.
"""
import csv, os, sys

from icalendar import Calendar

expected_path, status_path, out = sys.argv[1:4]
expected = [l.rstrip("\n").split("\t") for l in open(expected_path) if l.strip()]
status = {}
for line in open(status_path):
    name, code, secs, _ = line.rstrip("\n").split("\t", 3)
    status[name] = code

problems = {"exit": [], "files": [], "whole": [], "parse": [], "nothing": []}
calendars = 0
for name, code, students, roster in expected:
    got = status.get(name)
    if got != code:
        problems["exit"].append("%s: exit %s, expected %s" % (name, got, code))
    d = os.path.join(out, name)
    if code != "0":
        if os.path.exists(d):
            problems["nothing"].append("%s: %s exists" % (name, d))
        continue
    with open(roster, newline="", encoding="utf-8") as f:
        ids = {row["id"] for row in csv.DictReader(f)}
    if len(ids) != int(students):
        problems["files"].append("%s: roster has %d ids, generated %s" % (name, len(ids), students))
    sdir = os.path.join(d, "students")
    have = {f[:-4] for f in os.listdir(sdir) if f.endswith(".ics")} if os.path.isdir(sdir) else set()
    if have != ids or not os.path.isfile(os.path.join(d, "instructor.ics")):
        problems["files"].append("%s: %d student calendars for %d roster ids (missing %s, extra %s)"
                                 % (name, len(have), len(ids), sorted(ids - have)[:3], sorted(have - ids)[:3]))
        continue
    paths = [os.path.join(d, "instructor.ics")] + [os.path.join(sdir, i + ".ics") for i in sorted(ids)]
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        calendars += 1
        if not (data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
                and b"\n" not in data.replace(b"\r\n", b"")):
            problems["whole"].append(p)
    for p in paths[:3]:
        try:
            with open(p, "rb") as f:
                cal = Calendar.from_ical(f.read())
            if not cal.walk("VEVENT"):
                problems["parse"].append("%s: no VEVENT" % p)
        except Exception as e:  # any parse failure is the finding
            problems["parse"].append("%s: %s" % (p, e))

good = sum(1 for e in expected if e[1] == "0")
checks = [
    ("exit", "every course's exit code is the expected one (%d courses, %d broken)"
     % (len(expected), len(expected) - good)),
    ("files", "every good course has instructor.ics and one calendar per roster id (%d calendars)" % calendars),
    ("whole", "every calendar is a whole VCALENDAR with CRLF line ends"),
    ("parse", "python3-icalendar parses the instructor's and two students' calendars of every course"),
    ("nothing", "a course that failed wrote no output directory"),
]
for key, what in checks:
    if problems[key]:
        print("not ok - %s" % what)
        for p in problems[key][:10]:
            print("#   %s" % p)
    else:
        print("ok - %s" % what)
