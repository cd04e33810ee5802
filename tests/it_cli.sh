#!/bin/sh
# it_cli.sh BUILD - the convene command end to end on examples/ and small fixtures:
# exit codes, JSON checked by an independent oracle, determinism, atomic publish.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
t() { expect_exit "$@"; } # t EXPECTED_EXIT WHAT -- command...
has() { # has FILE PATTERN WHAT
	if grep -q -- "$2" "$1"; then ok "$3"; else notok "$3"; show 5 "$1"; fi
}

t 0 "--version exits 0" -- "$bin" --version
has "$tmp/out" "tzdata [0-9]\{4\}[a-z]" "--version names the tzdata release"
t 2 "no arguments is a usage error" -- "$bin"
t 2 "an unknown option is a usage error" -- "$bin" solve examples/course.ini --frobnicate
t 2 "publish without --out is a usage error" -- "$bin" publish examples/course.ini
t 66 "a missing course file exits 66" -- "$bin" check "$tmp/nope.ini"
has "$tmp/err" "nope.ini" "the missing file is named"

t 0 "check accepts the example course" -- "$bin" check examples/course.ini
t 0 "solve prints a text plan" -- "$bin" solve examples/course.ini
has "$tmp/out" "Optimal (proven)" "the text plan says the optimum is proven"
t 0 "solve --json" -- "$bin" solve examples/course.ini --json
cp "$tmp/out" "$tmp/plan.json"
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["objective"]["optimal"] is True and d["objective"]["upper_bound"]==d["objective"]["attendance"]; assert all(k in d for k in ("tzdata","objective","sessions","students"))' "$tmp/plan.json"; then
	ok "the JSON has the DESIGN.md keys and a proven optimum"; else notok "JSON schema"; fi
/usr/bin/python3 tests/plan_oracle.py examples/course.ini "$tmp/plan.json"
"$bin" solve examples/course.ini --json >"$tmp/plan2.json" 2>/dev/null
if cmp -s "$tmp/plan.json" "$tmp/plan2.json"; then ok "the same input gives the same plan"; else notok "solve is not deterministic"; fi
# --threads: the same bytes on any number of threads (the example's search
# has several root subtrees, a generated roster several grid pieces)
/usr/bin/python3 bench/gen.py "$tmp/threads" 3000 4 7 --window "Mon-Fri 06:00-22:00" >/dev/null
for n in 1 2 3 8; do
	"$bin" solve examples/course.ini --json --threads "$n" >"$tmp/plan-t$n.json" 2>/dev/null
	"$bin" solve "$tmp/threads/course.ini" --json --threads "$n" >"$tmp/gen-t$n.json" 2>/dev/null
done
if cmp -s "$tmp/plan.json" "$tmp/plan-t1.json" && cmp -s "$tmp/plan-t1.json" "$tmp/plan-t2.json" &&
	cmp -s "$tmp/plan-t1.json" "$tmp/plan-t3.json" && cmp -s "$tmp/plan-t1.json" "$tmp/plan-t8.json" &&
	cmp -s "$tmp/gen-t1.json" "$tmp/gen-t2.json" && cmp -s "$tmp/gen-t1.json" "$tmp/gen-t3.json" &&
	cmp -s "$tmp/gen-t1.json" "$tmp/gen-t8.json" && [ -s "$tmp/gen-t1.json" ]; then
	ok "--threads 1, 2, 3 and 8 print the same plan, byte for byte"
else
	notok "the plan depends on --threads"
fi
t 2 "--threads 0 is a usage error" -- "$bin" solve examples/course.ini --threads 0
t 2 "--threads 65 is a usage error" -- "$bin" solve examples/course.ini --threads 65
t 2 "--threads without a number is a usage error" -- "$bin" solve examples/course.ini --threads two
t 2 "check does not take --threads" -- "$bin" check examples/course.ini --threads 2

# a pinned slot is kept; a slot outside the window is a usage error
t 0 "--pin keeps a slot" -- "$bin" solve examples/course.ini --json --pin "Wed 12:00"
has "$tmp/out" '"weekday": "Wed", "start": "12:00"' "the pinned slot is in the plan"
t 2 "--pin outside the teaching window is refused" -- "$bin" solve examples/course.ini --pin "Sun 03:00"

# --exclude removes whole days or windows (home zone) from the candidates
t 0 "--exclude a day and a window" -- "$bin" solve examples/course.ini --json --exclude Wed --exclude "Thu 19:00-22:00"
if /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["sessions"]:
    h, m = map(int, s["start"].split(":")); t = h * 60 + m
    assert s["weekday"] != "Wed", s
    assert not (s["weekday"] == "Thu" and t + s["duration"] > 19 * 60 and t < 22 * 60), s
' "$tmp/out"; then ok "no chosen session overlaps an excluded day or window"; else notok "--exclude ignored"; fi
t 2 "--exclude with a bad day is a usage error" -- "$bin" solve examples/course.ini --exclude Xyz

# publish: files appear; a rerun with the same SOURCE_DATE_EPOCH rewrites nothing
export SOURCE_DATE_EPOCH=1800000000
t 0 "publish writes the calendars" -- "$bin" publish examples/course.ini --out "$tmp/pub"
if [ -f "$tmp/pub/instructor.ics" ] && [ "$(ls "$tmp/pub/students" | wc -l)" -eq "$(($(wc -l < examples/students.csv) - 1))" ]; then
	ok "instructor.ics and one file per student"; else notok "published files"; fi
stat -c %i.%Y "$tmp/pub/instructor.ics" "$tmp/pub/students/s01.ics" >"$tmp/before"
sleep 1
t 0 "publish again" -- "$bin" publish examples/course.ini --out "$tmp/pub"
stat -c %i.%Y "$tmp/pub/instructor.ics" "$tmp/pub/students/s01.ics" >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then ok "unchanged files keep inode and mtime"; else notok "unchanged files were rewritten"; fi
if ls -a "$tmp" | grep -q '^\.pub\.'; then notok "staging directories left behind"; else ok "no staging directory is left behind"; fi

# a held lock makes a second run exit 75 and leaves the published set alone
if command -v flock >/dev/null; then
	flock "$tmp/pub.lock" sleep 3 &
	sleep 0.5
	t 75 "a second run while the lock is held exits 75" -- "$bin" publish examples/course.ini --out "$tmp/pub"
	wait
fi

# bad input: exit 65 and nothing written
copy_example "$tmp/bad" course.ini
printf 'id,timezone,available\nx1,EST,Mon 09:00-10:00\n' >"$tmp/bad/students.csv"
t 65 "an ambiguous zone exits 65" -- "$bin" publish "$tmp/bad/course.ini" --out "$tmp/badout"
has "$tmp/err" "students.csv:2:4:" "the error names file:line:column"
if [ -e "$tmp/badout" ]; then notok "bad input wrote output"; else ok "bad input writes nothing"; fi

# nobody can attend anything: exit 1
printf 'id,timezone,available\nx1,UTC,Sun 03:00-04:00\n' >"$tmp/bad/students.csv"
t 1 "no slot fits anyone exits 1" -- "$bin" solve "$tmp/bad/course.ini"

# a term years past the tzdata release: a warning, not an error
year=$("$bin" --version | sed -n 's/.*tzdata \([0-9]\{4\}\).*/\1/p')
late=$((year + 3))
copy_example "$tmp/late" students.csv
sed -e "s/^start = .*/start = $late-01-11/" -e "s/^end = .*/end = $late-04-30/" -e "s/^holidays = .*//" \
	examples/course.ini >"$tmp/late/course.ini"
t 0 "a term past the tzdata horizon still checks" -- "$bin" check "$tmp/late/course.ini"
has "$tmp/err" "warning: the term ends $late-04-30 but the system tzdata is" "it warns that the tzdata may be stale"
t 0 "solve on a late term" -- "$bin" solve "$tmp/late/course.ini" --json
has "$tmp/out" '"tzdata_current": false' "the JSON says the tzdata is not current for the term"
sed -e "s/^start = .*/start = $year-01-11/" -e "s/^end = .*/end = $year-04-30/" -e "s/^holidays = .*//" \
	examples/course.ini >"$tmp/late/near.ini"
t 0 "solve on a term in the release year" -- "$bin" solve "$tmp/late/near.ini" --json
has "$tmp/out" '"tzdata_current": true' "the JSON says the tzdata is current for a near term"

# --top N ranks the N best plans, the first being the plan itself
t 0 "--top 4" -- "$bin" solve examples/course.ini --json --top 4
if /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); top = d["top"]; o = d["objective"]
assert len(top) == 4 and [t["rank"] for t in top] == [1, 2, 3, 4]
assert (top[0]["attendance"], top[0]["reach"], top[0]["preferred"]) == (o["attendance"], o["reach"], o["preferred"])
keys = [(t["attendance"], t["reach"], t["preferred"]) for t in top]
assert keys == sorted(keys, reverse=True), keys
assert len(set(tuple(t["slots"]) for t in top)) == 4
' "$tmp/out"; then ok "the ranked plans are distinct, best first, led by the plan"; else notok "--top"; fi
t 2 "--top 0 is a usage error" -- "$bin" solve examples/course.ini --top 0

# An option the command would ignore is a usage error, not silently dropped.
t 2 "check refuses --json" -- "$bin" check examples/course.ini --json
has "$tmp/err" "check does not take --json" "the refusal names the option"
t 2 "solve refuses --itip" -- "$bin" solve examples/course.ini --itip
t 2 "solve refuses --dry-run" -- "$bin" solve examples/course.ini -n
t 2 "publish refuses --top" -- "$bin" publish examples/course.ini --out "$tmp/never" --top 2
t 2 "an unknown command is a usage error" -- "$bin" frobnicate examples/course.ini
if [ ! -e "$tmp/never" ]; then ok "a refused publish creates nothing"; else notok "a refused publish created $tmp/never"; fi
t 0 "check --quiet exits 0" -- "$bin" check --quiet examples/course.ini
if [ ! -s "$tmp/out" ]; then ok "check --quiet prints no summary"; else notok "check --quiet printed"; sed 's/^/# /' "$tmp/out"; fi
t 0 "--help exits 0" -- "$bin" --help
for opt in --quiet --dry-run --itip --export-lp --stats --exclude --top --pin --time-limit --json --out; do
	has "$tmp/out" "$opt" "--help names $opt"
done
# Every command takes --help: its own usage on stdout, exit 0, nothing run.
"$bin" --help 2>&1 | sed 's/^usage: //; s/^ *//' >"$tmp/usage"
for cmd in check solve publish zones; do
	t 0 "$cmd --help exits 0" -- "$bin" "$cmd" --help
	if head -n 1 "$tmp/out" | grep -q "^usage: convene $cmd " && [ ! -s "$tmp/err" ]; then
		ok "$cmd --help prints its usage on stdout"
	else
		notok "$cmd --help: no usage line"; show 5 "$tmp/out" "$tmp/err"
	fi
	# its usage lines are the whole usage's lines for it, word for word
	sed -n 's/^usage: //p; s/^  *\[/[/p' "$tmp/out" >"$tmp/mine"
	if [ -s "$tmp/mine" ] && [ "$(grep -c -F -x -f "$tmp/mine" "$tmp/usage")" -ge "$(grep -c . "$tmp/mine")" ]; then
		ok "$cmd --help says what convene --help says of $cmd"
	else
		notok "$cmd --help differs from convene --help"; show 5 "$tmp/mine"
	fi
done
t 0 "--help after a course file still only helps" -- "$bin" solve examples/course.ini --json --help
if grep -q "^usage: convene solve" "$tmp/out" && ! grep -q '"objective"' "$tmp/out"; then
	ok "solve COURSE --help prints the usage and solves nothing"; else notok "solve COURSE --help"; fi
t 0 "-h is --help for a command" -- "$bin" publish -h
t 2 "an option before --help is still checked" -- "$bin" check --json --help

t 0 "publish says which tzdata it used" -- "$bin" publish examples/course.ini --out "$tmp/pub"
has "$tmp/err" "published .* calendars to .*; tzdata [0-9]\{4\}[a-z])" "the publish summary names the tzdata release"

# --heatmap: a well-formed SVG with one cell per candidate (the example's window,
# Mon-Fri 08:00-21:00 with hour sessions on a 15-minute grid: 49 starts a day,
# 245 in all) and the plan's sessions outlined, as the JSON has them.
t 0 "solve --heatmap writes the SVG" -- "$bin" solve examples/course.ini --json --heatmap "$tmp/week.svg"
if /usr/bin/python3 - "$tmp/week.svg" "$tmp/out" <<'PY'
import json, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
rects = list(root.iter(ns + "rect"))
cells = [r for r in rects if r.get("class") == "candidate"]
chosen = [r.find(ns + "title").text for r in rects if r.get("class") == "chosen"]
plan = json.load(open(sys.argv[2]))
want = ["Section %d: %s %s, %d students" % (s["index"], s["weekday"], s["start"], s["students"])
        for s in plan["sessions"]]
assert len(cells) == 245, len(cells)
assert chosen == want, (chosen, want)
PY
then ok "the heatmap has 245 candidate cells and outlines the plan's sessions"
else notok "the heatmap does not match the plan"; fi
t 73 "--heatmap into a missing directory exits 73" -- "$bin" solve examples/course.ini --heatmap "$tmp/no/such/dir/week.svg"
t 2 "publish refuses --heatmap" -- "$bin" publish examples/course.ini --out "$tmp/never" --heatmap "$tmp/h.svg"
