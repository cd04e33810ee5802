#!/bin/sh
# it_campus.sh BUILD - contrib/campus/convene-publish-all publishes a whole
# directory of courses in parallel and reports each course's exit code.
# tests/campus_gen.py writes the courses (bench/gen.py, 20 to CAMPUS_MAX students)
# and four broken ones; one more good course is locked by "another run" while
# the script works.  tests/campus_check.py checks every course's calendars
# and exit code; here: the summary names every failed course with its code,
# --index runs one course with convene's own exit code, a campus without
# failures exits 0, the Slurm scripts work (with a stand-in sacct) and the
# Kubernetes CronJobs are valid and match the Containerfile.
#   CAMPUS_COURSES  generated courses (default 20; `make campus` runs 200)
#   CAMPUS_MAX      students of the largest (default 300; `make campus`: 2000)
#   CAMPUS_JOBS     courses at once (default: the number of CPUs)
# The plain build only: the subject is the script, not convene's memory
# safety, which the other tests check under ASan.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
case "$build" in *asan*) exit 0 ;; esac
need_exe "$bin"
need_py icalendar yaml
here=$(cd "$(dirname "$0")/.." && pwd)
script="$here/contrib/campus/convene-publish-all"
n=${CAMPUS_COURSES:-20}
max=${CAMPUS_MAX:-300}
jobs=${CAMPUS_JOBS:-$(nproc)}
courses="$tmp/courses"
out="$tmp/out"

if ! "$py" "$here/tests/campus_gen.py" "$here/bench/gen.py" "$courses" "$n" "$max" >"$tmp/expected"; then
	notok "tests/campus_gen.py generates $n courses"; exit 1
fi
total=$(wc -l <"$tmp/expected")
failing=$(awk -F'\t' '$2 != 0' "$tmp/expected" | wc -l)

# The run, while another run holds locked/held's lock.
mkdir -p "$out/locked"
# `times` in the subshell: the CPU seconds (user, system) of the run's children.
(
	flock "$out/locked/held.lock" sh "$script" -j "$jobs" --convene "$bin" --status "$tmp/status" \
		"$courses" "$out" >"$tmp/summary" 2>"$tmp/stderr"
	echo $? >"$tmp/rc"
	times >"$tmp/times"
)
rc=$(cat "$tmp/rc")
if [ "$rc" -eq 1 ]; then ok "the run exits 1 when a course failed"; else
	notok "the run exited $rc, expected 1"; sed 's/^/# /' "$tmp/stderr" | head -20
fi
if [ "$(wc -l <"$tmp/status")" -eq "$total" ]; then ok "--status has one line per course ($total)"; else
	notok "--status has $(wc -l <"$tmp/status") lines for $total courses"
fi
"$py" "$here/tests/campus_check.py" "$tmp/expected" "$tmp/status" "$out"

# The summary: a block per failed course (its exit code, then convene's own
# file:line:column message), and the totals by exit code.
all_named=yes
for name in $(awk -F'\t' '$2 != 0 { print $1 ":" $2 }' "$tmp/expected"); do
	grep -q "^failed  ${name%:*}: exit ${name#*:} (" "$tmp/summary" || { all_named=no; echo "# not in the summary: $name"; }
done
if [ "$all_named" = yes ]; then ok "the summary names each of the $failing failed courses with its exit code"; else
	notok "the summary misses a failed course"; sed 's/^/# /' "$tmp/summary" | head -40
fi
if grep -q "^        $courses/broken/zone/students.csv:5:[0-9]*: \"EST\" is an abbreviation" "$tmp/summary" &&
	grep -q "^        $courses/broken/date/course.ini:5:[0-9]*: day 30 does not exist" "$tmp/summary"; then
	ok "under a failed course, convene's file:line:column error"
else
	notok "the summary does not show the courses' errors"; sed 's/^/# /' "$tmp/summary" | head -40
fi
good=$((total - failing))
line=$(grep '^convene-publish-all: ' "$tmp/summary")
case "$line" in
*"$total courses in "*" $good ok, $failing failed (exit 65 bad input data: 3, exit 66 input missing: 1, exit 75 another run holds the lock: 1)")
	ok "the summary line counts ok and failed by exit code" ;;
*) notok "summary line: $line" ;;
esac

# One course by index, as a Slurm array task or an indexed Kubernetes Job runs it.
sh "$script" --list "$courses" >"$tmp/list"
zi=$(awk -F'\t' '$2 == "broken/zone" { print $1 }' "$tmp/list")
gi=$(awk -F'\t' '$2 == "dept0/c000" { print $1 }' "$tmp/list")
count=$(sh "$script" --count "$courses")
if [ "$count" -eq "$total" ] && [ "$(wc -l <"$tmp/list")" -eq "$total" ] && [ -n "$zi" ] && [ -n "$gi" ]; then
	ok "--list and --count see the $total courses, numbered from 0"
else
	notok "--count says $count, --list has $(wc -l <"$tmp/list") lines, for $total courses"
fi
sh "$script" --index "$zi" --convene "$bin" "$courses" "$out" >"$tmp/one" 2>&1
zrc=$?
sh "$script" --index "$gi" --convene "$bin" "$courses" "$out" -- --quiet >"$tmp/one-good" 2>&1
grc=$?
if [ "$zrc" -eq 65 ] && [ "$grc" -eq 0 ] && grep -q '1 courses in .* 0 ok, 1 failed (exit 65' "$tmp/one"; then
	ok "--index I publishes course I alone and exits with convene's code (65, 0)"
else
	notok "--index: broken/zone exited $zrc, dept0/c000 exited $grc"; sed 's/^/# /' "$tmp/one"
fi

# A campus in which everything publishes exits 0; so does a rerun over the
# same output (nothing changed), and publish options pass through.
mkdir -p "$tmp/small"
cp -r "$courses/dept0" "$tmp/small/"
sh "$script" -j "$jobs" --convene "$bin" "$tmp/small" "$out/small" >"$tmp/s1" 2>&1
s1=$?
sh "$script" -j "$jobs" --convene "$bin" "$tmp/small" "$out/small" -- --dry-run >"$tmp/s2" 2>&1
s2=$?
k=$(ls "$tmp/small/dept0" | wc -l)
if [ "$s1" -eq 0 ] && [ "$s2" -eq 0 ] && grep -q ": $k courses in .* $k ok, 0 failed\$" "$tmp/s1"; then
	ok "a campus without failures exits 0 ($k courses, and again with -- --dry-run)"
else
	notok "all-good campus exited $s1 and $s2"; sed 's/^/# /' "$tmp/s1" "$tmp/s2" | head -20
fi

# Two course files that would share an output directory are refused first.
mkdir -p "$tmp/dup/x"
cp "$courses/dept0/c000/course.ini" "$tmp/dup/x/course.ini"
cp "$courses/dept0/c000/course.ini" "$tmp/dup/x.ini"
sh "$script" --convene "$bin" "$tmp/dup" "$tmp/dupout" >"$tmp/d" 2>&1
d=$?
if [ "$d" -eq 2 ] && grep -q 'same name' "$tmp/d" && [ ! -e "$tmp/dupout/x" ]; then
	ok "two course files named alike (x.ini, x/course.ini) are refused before publishing (exit 2)"
else
	notok "duplicate names: exit $d"; sed 's/^/# /' "$tmp/d"
fi

# The Slurm recipe: the array task script with a task id, then the summary
# script over what a (stand-in) sacct reports for the array job.
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/convene"
ln -s "$script" "$tmp/bin/convene-publish-all"
cat >"$tmp/bin/sacct" <<SACCT
#!/bin/sh
# stand-in: tasks 0 to $((total - 1)) of job 77, broken/zone failed with 65
awk -F'\t' -v z=$zi '{ printf "77_%d|%s:0\n", \$1, (\$1 == z ? 65 : 0) }' "$tmp/list"
SACCT
chmod +x "$tmp/bin/sacct"
slurm="$here/contrib/slurm"
PATH="$tmp/bin:$PATH" SLURM_ARRAY_TASK_ID=$zi CONVENE_COURSES=$courses CONVENE_OUT="$tmp/slurm-out" \
	sh "$slurm/convene-publish.sbatch" >"$tmp/sb" 2>&1
src=$?
PATH="$tmp/bin:$PATH" CONVENE_COURSES=$courses sh "$slurm/convene-publish.sbatch" >"$tmp/sb0" 2>&1
src0=$?
(cd "$tmp" && PATH="$tmp/bin:$PATH" ARRAY_JOB=77 CONVENE_COURSES=$courses sh "$slurm/convene-summary.sbatch" >"$tmp/ss" 2>&1)
ssrc=$?
if [ "$src" -eq 65 ] && [ "$src0" -ne 0 ] && grep -q 'sbatch --array' "$tmp/sb0" &&
	[ "$ssrc" -eq 1 ] && grep -qx 'failed  broken/zone: exit 65' "$tmp/ss" &&
	grep -qx "$total courses: $((total - 1)) ok, 1 failed (exit 65: 1)" "$tmp/ss"; then
	ok "Slurm recipe: the array task exits 65 for broken/zone, the summary job names it"
else
	notok "Slurm recipe: task exit $src (no task id: $src0), summary exit $ssrc"
	sed 's/^/# /' "$tmp/sb" "$tmp/sb0" "$tmp/ss" | head -20
fi

# The Kubernetes recipes: valid YAML, the image's volumes and user, the
# package's command.
if "$py" - "$here/contrib/kubernetes" "$here/Containerfile" <<'PY'; then
import glob, re, sys, yaml
kdir, containerfile = sys.argv[1], sys.argv[2]
cf = open(containerfile).read()
uid = int(re.search(r"ARG CONVENE_UID=(\d+)", cf).group(1))
vols = set(re.findall(r'"(/[a-z]+)"', re.search(r"VOLUME \[(.*)\]", cf).group(1)))
files = sorted(glob.glob(kdir + "/*.yaml"))
assert len(files) == 2, files
for f in files:
    (doc,) = list(yaml.safe_load_all(open(f)))
    assert doc["kind"] == "CronJob" and doc["apiVersion"] == "batch/v1", f
    job = doc["spec"]["jobTemplate"]["spec"]
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and pod["securityContext"]["runAsUser"] == uid, f
    (c,) = pod["containers"]
    words = " ".join(c.get("command", []) + c["args"])
    assert "convene-publish-all" in words and "/courses /published" in words, words
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert vols <= mounts and "/tmp" in mounts, (mounts, vols)   # mktemp under a read-only root
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    if job.get("completionMode") == "Indexed":
        assert "$JOB_COMPLETION_INDEX" in words and job["backoffLimitPerIndex"] == 0
        codes = job["podFailurePolicy"]["rules"][0]["onExitCodes"]["values"]
        assert 65 in codes and 75 in codes, codes
PY
	ok "Kubernetes recipes: valid CronJobs with the image's volumes, uid and command"
else
	notok "Kubernetes recipes"
fi

students=$(awk -F'\t' '$2 == 0 { s += $3 } END { print s }' "$tmp/expected")
cpu=$(tail -n 1 "$tmp/times" | tr 'ms' '  ' | awk '{ printf "%.0f s user, %.0f s system", $1 * 60 + $2, $3 * 60 + $4 }')
busy=$(awk -F'\t' '{ s += $3 } END { printf "%.0f", s }' "$tmp/status")
echo "# summary: $line"
echo "# summary: CPU $cpu; the courses' own seconds add up to $busy s"
echo "# summary: $good good courses of 20 to $max students ($students in all), $failing broken, $jobs jobs on $(nproc) CPUs"
