#!/bin/sh
# it_publish.sh BUILD - regeneration that cron can trust: a rerun rewrites
# nothing (no SOURCE_DATE_EPOCH needed), a roster change rewrites only the
# calendars it touches with SEQUENCE up and UIDs kept (checked with Debian's
# python3-icalendar), a departed student's file goes, --dry-run says exactly
# what the real run then does, and an interrupted run leaves a whole set.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

copy_example "$tmp/c"
out="$tmp/out"
# inode and mtime of every published file, one line each
snapshot() { (cd "$out" && find . -type f | sort | xargs stat -c '%n %i %Y') >"$1"; }

unset SOURCE_DATE_EPOCH
"$bin" publish "$course" --out "$out" --quiet || notok "first publish"
snapshot "$tmp/s1"
cp -r "$out" "$tmp/before"
sleep 1.1
"$bin" publish "$course" --out "$out" --quiet || notok "second publish"
snapshot "$tmp/s2"
if cmp -s "$tmp/s1" "$tmp/s2"; then
	ok "a rerun on unchanged input rewrites no file (inodes and mtimes kept, no SOURCE_DATE_EPOCH)"
else
	notok "a rerun rewrote files:"; diff "$tmp/s1" "$tmp/s2" | show 5
fi
"$bin" publish "$course" --out "$out" --dry-run >"$tmp/dry0" 2>"$tmp/dry0.err"
nfiles=$(wc -l <"$tmp/s2")
if grep -q "^dry run: 0 files new, 0 changed, $nfiles unchanged, 0 removed" "$tmp/dry0" &&
	[ "$(grep -c '^unchanged ' "$tmp/dry0")" -eq "$nfiles" ] &&
	[ "$(grep -vc '^unchanged \|^dry run: ' "$tmp/dry0")" -eq 0 ]; then
	ok "--dry-run on unchanged input lists all $nfiles files as unchanged and nothing else"
else
	notok "--dry-run on unchanged input"; show 5 "$tmp/dry0"
fi

# A dry run into a directory never published creates nothing at all, lock included.
mkdir "$tmp/empty"
"$bin" publish "$course" --out "$tmp/empty/out" --dry-run >"$tmp/dry1" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$(ls -A "$tmp/empty")" ] &&
	grep -q "^dry run: $nfiles files new, 0 changed, 0 unchanged, 0 removed" "$tmp/dry1"; then
	ok "--dry-run on a new directory lists every file as new and creates nothing, not even the lock"
else
	notok "--dry-run on a new directory: exit $rc, left: $(ls -A "$tmp/empty")"
fi

# The lock: a dry run and a real run both exit 75 while another run holds it.
if command -v flock >/dev/null; then
	# the lock goes with the sleep, not with flock(1): wait for both to end
	flock "$out.lock" sleep 2 &
	holder=$!
	sleep 0.5
	"$bin" publish "$course" --out "$out" --dry-run >/dev/null 2>"$tmp/lock.err"
	rc1=$?
	"$bin" publish "$course" --out "$out" --quiet 2>>"$tmp/lock.err"
	rc2=$?
	wait "$holder"
	snapshot "$tmp/s2l"
	if [ "$rc1" -eq 75 ] && [ "$rc2" -eq 75 ] && cmp -s "$tmp/s2" "$tmp/s2l"; then
		ok "while another run holds the lock, --dry-run and publish exit 75 and touch nothing"
	else
		notok "lock held: dry run exit $rc1, publish exit $rc2"; sed 's/^/# /' "$tmp/lock.err"
	fi
fi

# s10 is away on 2 March as well; s45 leaves the roster.
sed -i 's/^s10,\(.*\),2027-02-08..2027-02-10,pt_BR,/s10,\1,2027-02-08..2027-02-10; 2027-03-02,pt_BR,/' \
	"$tmp/c/students.csv"
sed -i '/^s45,/d' "$tmp/c/students.csv"
"$bin" publish "$course" --out "$out" --dry-run >"$tmp/dry" 2>"$tmp/dry.err"
rc=$?
snapshot "$tmp/s3"
if [ "$rc" -eq 0 ] && cmp -s "$tmp/s2" "$tmp/s3" && [ -z "$(ls -a "$tmp" | grep '^\.out\.')" ]; then
	ok "--dry-run writes nothing and leaves no staging behind"
else
	notok "--dry-run exit $rc or changed the directory"
fi
grep -E '^(new|changed|removed) ' "$tmp/dry" | awk '{print $1, $2}' | sed 's/:$//' | sort >"$tmp/dry.files"
printf 'changed instructor.ics\nchanged students/s10.ics\nremoved students/s45.ics\n' >"$tmp/want.files"
if cmp -s "$tmp/dry.files" "$tmp/want.files"; then
	ok "--dry-run names the two changed calendars and the removed one"
else
	notok "--dry-run listed:"; sed 's/^/# /' "$tmp/dry"
fi

SOURCE_DATE_EPOCH=2000000000 "$bin" publish "$course" --out "$out" --quiet || notok "publish after the change"
snapshot "$tmp/s4"
# which files got a new inode or mtime
join -j 1 "$tmp/s2" "$tmp/s4" | awk '$2 != $4 || $3 != $5 {print $1}' | sed 's|^\./||' | sort >"$tmp/rewritten"
printf 'instructor.ics\nstudents/s10.ics\n' >"$tmp/want.rewritten"
if cmp -s "$tmp/rewritten" "$tmp/want.rewritten"; then
	ok "only the calendars the change touches are rewritten"
else
	notok "rewritten:"; sed 's/^/# /' "$tmp/rewritten"
fi
# What the real run did, from the two snapshots alone (paths, inodes, mtimes),
# is what --dry-run said it would do, file by file.
awk 'NR == FNR { old[$1] = $2 " " $3; next }
     { seen[$1] = 1; print ($1 in old ? (old[$1] == $2 " " $3 ? "unchanged" : "changed") : "new"), $1 }
     END { for (f in old) if (!(f in seen)) print "removed", f }' "$tmp/s2" "$tmp/s4" |
	sed 's| \./| |' | sort >"$tmp/did"
grep -E '^(new|changed|unchanged|removed) ' "$tmp/dry" | awk '{print $1, $2}' | sed 's/:$//' |
	sort >"$tmp/said"
if [ -s "$tmp/did" ] && cmp -s "$tmp/did" "$tmp/said"; then
	ok "--dry-run listed exactly what the real run then did to each of $(wc -l <"$tmp/did") files"
else
	notok "--dry-run and the real run differ:"; diff "$tmp/said" "$tmp/did" | show 10
fi
if [ ! -e "$out/students/s45.ics" ] && [ "$(ls "$out/students" | wc -l)" -eq 44 ] &&
	! grep -q "Mia Chen" "$out/instructor.ics"; then
	ok "the departed student's calendar is gone and the instructor's no longer names her"
else
	notok "the departed student's traces remain"
fi

# SEQUENCE, DTSTAMP and UIDs, read by python3-icalendar
"$py" - "$tmp/before" "$out" "$tmp/dry" <<'EOF'
import sys, os
from icalendar import Calendar

before, after, dry = sys.argv[1:4]

def events(path):
    with open(path, "rb") as f:
        cal = Calendar.from_ical(f.read())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}

STAMPS = (b"DTSTAMP", b"SEQUENCE", b"LAST-MODIFIED")

def content(e):
    lines = e.to_ical().replace(b"\r\n ", b"").split(b"\r\n")
    return [l for l in lines if not l.startswith(STAMPS)]

def stamp(e):
    return e.decoded("DTSTAMP")

fails = 0
def check(cond, what):
    global fails
    print(("ok - " if cond else "not ok - ") + what)
    fails += not cond

counts = {"new": 0, "changed": 0, "removed": 0}
for rel in ("instructor.ics", "students/s10.ics"):
    old, new = events(os.path.join(before, rel)), events(os.path.join(after, rel))
    kept = [u for u in new if u in old]
    same = [u for u in kept if content(new[u]) == content(old[u])]
    changed = [u for u in kept if u not in same]
    added = [u for u in new if u not in old]
    removed = [u for u in old if u not in new]
    counts["new"] += len(added); counts["changed"] += len(changed); counts["removed"] += len(removed)
    check(all(int(new[u]["SEQUENCE"]) == int(old[u]["SEQUENCE"]) and stamp(new[u]) == stamp(old[u])
              and new[u]["LAST-MODIFIED"].to_ical() == old[u]["LAST-MODIFIED"].to_ical()
              for u in same) and same,
          "%s: %d unchanged events keep SEQUENCE, DTSTAMP and LAST-MODIFIED" % (rel, len(same)))
    check(all(int(new[u]["SEQUENCE"]) == int(old[u]["SEQUENCE"]) + 1 and
              stamp(new[u]).year == 2033 and new[u].decoded("LAST-MODIFIED").year == 2033
              for u in changed),
          "%s: %d changed events have SEQUENCE + 1 and a new DTSTAMP and LAST-MODIFIED" % (rel, len(changed)))
    check(all(int(new[u]["SEQUENCE"]) == 0 for u in added),
          "%s: %d new events start at SEQUENCE 0" % (rel, len(added)))
    if rel == "instructor.ics":
        sessions = lambda us: [u for u in us if "-rec-" not in u]
        check(len(sessions(changed)) == 1 and not sessions(added) and not sessions(removed),
              "instructor.ics: the section that lost a student changed, its UID kept")
        notes = [u for u in changed + added if "-rec-" in u]
        check("cs101-2027s-rec-20270301@example.edu" in notes,
              "instructor.ics: the note of the week s10 is now away is revised")
    else:
        check(len(removed) == 1 and removed[0].endswith("20270302-live@example.edu") and
              sorted(u.rsplit("-", 1)[1] for u in added) == ["due@example.edu", "rec@example.edu"],
              "s10: the 2 March live event gives way to its recording and due events")
def names_her(path):
    with open(path, "rb") as f:
        cal = Calendar.from_ical(f.read())
    return any("Mia Chen" in str(e.get("DESCRIPTION", "")) for e in cal.walk("VEVENT"))
check(names_her(os.path.join(before, "instructor.ics")) and
      not names_her(os.path.join(after, "instructor.ics")),
      "instructor.ics named s45 (Mia Chen) before she left and does not now")
text = open(dry).read()
check("events: %d new, %d changed, %d removed" % (counts["new"], counts["changed"], counts["removed"]) in text,
      "--dry-run's event counts are what the real run did")
# unchanged students' files are byte-identical to the first run's
same_files = all(open(os.path.join(before, "students", f), "rb").read() ==
                 open(os.path.join(after, "students", f), "rb").read()
                 for f in os.listdir(os.path.join(after, "students")) if f != "s10.ics")
check(same_files, "every other student's calendar is byte-identical to the first run's")
sys.exit(0)
EOF

# s10 now reads her calendar in German: every event of hers changes in place
# (same UIDs, SEQUENCE + 1), nobody else's file is touched.
cp -r "$out" "$tmp/before2"
snapshot "$tmp/s5"
sed -i 's/^\(s10,.*\),pt_BR,/\1,de_DE,/' "$tmp/c/students.csv"
SOURCE_DATE_EPOCH=2100000000 "$bin" publish "$course" --out "$out" --quiet || notok "publish after the locale change"
snapshot "$tmp/s6"
join -j 1 "$tmp/s5" "$tmp/s6" | awk '$2 != $4 || $3 != $5 {print $1}' | sed 's|^\./||' >"$tmp/rewritten2"
if [ "$(cat "$tmp/rewritten2")" = "students/s10.ics" ]; then
	ok "a change to one student's own text rewrites only her calendar"
else
	notok "rewritten after the locale change:"; sed 's/^/# /' "$tmp/rewritten2"
fi
"$py" - "$tmp/before2/students/s10.ics" "$out/students/s10.ics" <<'EOF'
import sys
from icalendar import Calendar

def events(path):
    with open(path, "rb") as f:
        return {str(e["UID"]): e for e in Calendar.from_ical(f.read()).walk("VEVENT")}

old, new = events(sys.argv[1]), events(sys.argv[2])
same_uids = sorted(old) == sorted(new) and len(new) > 0
bumped = all(int(new[u]["SEQUENCE"]) == int(old[u]["SEQUENCE"]) + 1 and
             new[u].decoded("DTSTAMP").year == 2036 and new[u].decoded("LAST-MODIFIED").year == 2036 and
             str(new[u]["DESCRIPTION"]) != str(old[u]["DESCRIPTION"])
             for u in new if u in old)
print(("ok - " if same_uids else "not ok - ") + "s10: all %d UIDs kept" % len(new))
print(("ok - " if bumped and same_uids else "not ok - ") +
      "s10: every event, its text changed, has SEQUENCE + 1 and a new DTSTAMP and LAST-MODIFIED")
EOF

# A published calendar that is not one (hand-edited, truncated) does not stop
# the run: its events start again at SEQUENCE 0, and the user is told.
printf 'BEGIN:VCALENDAR\r\nthis is not\r\n' >"$out/students/s01.ics"
"$bin" publish "$course" --out "$out" --quiet 2>"$tmp/bad.err"
rc=$?
"$py" - "$out/students/s01.ics" <<'EOF' >"$tmp/bad.seq"
import sys
from icalendar import Calendar
cal = Calendar.from_ical(open(sys.argv[1], "rb").read())
print(sorted(set(int(e["SEQUENCE"]) for e in cal.walk("VEVENT"))))
EOF
if [ "$rc" -eq 0 ] && grep -q 'students/s01.ics: warning: not a calendar convene can read' "$tmp/bad.err" &&
	[ "$(cat "$tmp/bad.seq")" = "[0]" ]; then
	ok "an unreadable published calendar is replaced, its events at SEQUENCE 0, with a warning"
else
	notok "unreadable published calendar: exit $rc, sequences $(cat "$tmp/bad.seq")"; sed 's/^/# /' "$tmp/bad.err"
fi

# A crashed run leaves its staging and old sets and an unheld lock file:
# the next run cleans up and publishes.
mkdir -p "$tmp/.out.new-999999/students" "$tmp/.out.old-999998"
echo junk >"$tmp/.out.new-999999/students/x.ics"
touch "$out.lock"
if "$bin" publish "$course" --out "$out" --quiet && [ ! -e "$tmp/.out.new-999999" ] &&
	[ ! -e "$tmp/.out.old-999998" ] && [ -s "$out/instructor.ics" ]; then
	ok "a crashed run's staging and old sets are removed by the next run"
else
	notok "stale sets after a crash"; ls -a "$tmp" | sed 's/^/# /'
fi

# kill -9 in the middle of a big publish: the directory holds one whole set,
# the old or the new, never a mix; the next run succeeds.
if [ -f bench/gen.py ]; then
	"$py" bench/gen.py "$tmp/big" 3000 2 7 >/dev/null
	big="$tmp/bigout"
	SOURCE_DATE_EPOCH=1000000000 "$bin" publish "$tmp/big/course.ini" --out "$big" --quiet
	(cd "$big" && find . -type f | sort | xargs md5sum) >"$tmp/old.sums"
	sed -i 's/^\(L0000001,[^,]*\),[^,]*/\1,Mon-Sun 00:00-24:00/' "$tmp/big/students.csv"
	SOURCE_DATE_EPOCH=1000000001 "$bin" publish "$tmp/big/course.ini" --out "$big" --quiet &
	pid=$!
	# kill it once it has staged a few hundred calendars, well before the switch
	stage="$tmp/.bigout.new-$pid/students"
	i=0
	while [ "$i" -lt 400 ] && [ "$(ls "$stage" 2>/dev/null | wc -l)" -lt 300 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	staged=$(ls "$stage" 2>/dev/null | wc -l)
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	(cd "$big" && find . -type f | sort | xargs md5sum) >"$tmp/mid.sums"
	if [ "$staged" -ge 300 ] && [ "$staged" -lt 3000 ] && [ -d "$stage" ]; then
		ok "the run was killed mid-way: $staged of 3000 calendars staged"
	else
		notok "the kill did not land while staging ($staged staged)"
	fi
	if cmp -s "$tmp/old.sums" "$tmp/mid.sums"; then
		ok "kill -9 during publish leaves the old set whole"
	else
		# the kill came after the switch: then the set must be the new one, whole
		SOURCE_DATE_EPOCH=1000000001 "$bin" publish "$tmp/big/course.ini" --out "$tmp/ref" --quiet
		(cd "$tmp/ref" && find . -type f | sort | xargs md5sum) >"$tmp/new.sums"
		if cmp -s "$tmp/new.sums" "$tmp/mid.sums"; then
			ok "kill -9 during publish leaves a whole set (the new one: the switch had happened)"
		else
			notok "kill -9 left a mixed set"
		fi
	fi
	if SOURCE_DATE_EPOCH=1000000001 "$bin" publish "$tmp/big/course.ini" --out "$big" --quiet &&
		[ -z "$(ls -a "$tmp" | grep '^\.bigout\.')" ] &&
		[ "$(ls "$big/students" | wc -l)" -eq 3000 ] &&
		[ "$(md5sum <"$big/students/L0000001.ics" | cut -d' ' -f1)" != \
		  "$(grep 'students/L0000001.ics$' "$tmp/old.sums" | cut -d' ' -f1)" ]; then
		ok "the run after a killed one succeeds, publishes the change and leaves no staging"
	else
		notok "the run after a killed one"
	fi
fi
