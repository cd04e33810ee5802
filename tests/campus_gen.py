#!/usr/bin/python3
"""Generate a campus of courses for tests/it_campus.sh.

usage: campus_gen.py GEN_PY ROOT N [MAX]
Writes N courses under ROOT with bench/gen.py (20 to MAX (2,000) students spread
evenly on a log scale, 1 to 3 sessions, four teaching windows, every fifth a
series, every tenth in the flat NAME.ini layout) and four broken ones, and
prints NAME<TAB>EXIT<TAB>STUDENTS<TAB>ROSTER for each: what publishing it
must end with.
"""
import contextlib, csv, io, os, runpy, sys

gen, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
largest = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
WINDOWS = ["Mon-Fri 08:00-21:00", "Daily 00:00-24:00", "Mon-Thu 09:00-17:00",
           "Tue-Sat 07:00-22:00"]


def generate(d, students, k, seed, extra=()):
    sys.argv = [gen, d, str(students), str(k), str(seed)] + list(extra)
    with contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path(gen, run_name="__main__")


def rewrite(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, (path, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def edit_roster(path, change):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    change(rows)
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def emit(name, code, students, roster):
    print("%s\t%d\t%d\t%s" % (name, code, students, roster))


for i in range(n):
    students = round(20 * (largest / 20) ** (i / max(n - 1, 1)))
    extra = ["--window", WINDOWS[i % len(WINDOWS)]]
    if i % 5 == 4:
        extra += ["--mode", "series"]
    name = "dept%d/c%03d" % (i % 4, i)
    d = os.path.join(root, name)
    generate(d, students, 1 + i % 3, i + 1, extra)
    rewrite(os.path.join(d, "course.ini"), "id = mooc-bench", "id = campus-c%03d" % i)
    roster = os.path.join(d, "students.csv")
    if i % 10 == 3:  # the flat layout: flat/NAME.ini beside flat/NAME.csv
        flat = os.path.join(root, "flat")
        os.makedirs(flat, exist_ok=True)
        name = "flat/c%03d" % i
        roster = os.path.join(flat, "c%03d.csv" % i)
        os.rename(os.path.join(d, "students.csv"), roster)
        os.rename(os.path.join(d, "course.ini"), os.path.join(flat, "c%03d.ini" % i))
        rewrite(os.path.join(flat, "c%03d.ini" % i), "roster = students.csv",
                "roster = c%03d.csv" % i)
        os.rmdir(d)
    emit(name, 0, students, roster)


def broken(name, code, how):
    d = os.path.join(root, name)
    generate(d, 30, 2, 99)
    how(d)
    emit(name, code, 30, os.path.join(d, "students.csv"))


def zone_abbreviation(rows):
    rows[4][rows[0].index("timezone")] = "EST"   # file line 5


def unknown_column(rows):
    rows[0].append("nickname")
    for r in rows[1:]:
        r.append("")


broken("broken/zone", 65, lambda d: edit_roster(os.path.join(d, "students.csv"), zone_abbreviation))
broken("broken/date", 65, lambda d: rewrite(os.path.join(d, "course.ini"),
                                            "start = 2027-01-11", "start = 2027-02-30"))
broken("broken/column", 65, lambda d: edit_roster(os.path.join(d, "students.csv"), unknown_column))
broken("broken/roster-missing", 66, lambda d: os.remove(os.path.join(d, "students.csv")))
# A good course whose lock another run holds (the test holds OUT/locked/held.lock).
broken("locked/held", 75, lambda d: None)
