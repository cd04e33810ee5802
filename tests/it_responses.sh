#!/bin/sh
# it_responses.sh BUILD - convene responses: a forms export imported into the
# answers database, check/solve/publish reading the roster and the answers
# together, and `responses export` writing a roster CSV that plans the same
# course without the database (nothing is locked in).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_exe "$bin"
copy_example "$tmp/c"
db="$tmp/c/cs101-2027s.answers.sqlite"

cat >"$tmp/forms.csv" <<'EOF'
Timestamp,Email Address,Your name,What is your time zone?,When can you attend?,Away
2027/01/02 10:00:00,emily.carter@example.edu,Emily,Asia/Tokyo,Mon-Fri 09:00-12:00,2027-01-20
2027/01/02 11:00:00,MARCUS.JOHNSON@example.edu,Marcus,America/Sao_Paulo,"Tue,Thu 18:00-21:00",
2027/01/03 12:00:00,emily.carter@example.edu,Emily,Asia/Tokyo,"Mon-Fri 08:00-12:00",2027-02-05; 2027-02-01..2027-02-03
EOF
set -- --map "What is your time zone?=timezone" --map "When can you attend?=available" \
	--map "Email Address=email" --map "Away=unavailable"

# A bad row: nothing saved, not even an empty database, and the place of the problem.
printf 'Email Address,What is your time zone?,When can you attend?,Away\nx@example.edu,Mars/Olympus,Mon 09:00-10:00,\n' >"$tmp/bad.csv"
expect_exit 65 "import of a bad answer exits 65" "$bin" responses import "$tmp/c/course.ini" "$tmp/bad.csv" "$@"
if grep -q "bad.csv:2:15: timezone: " "$tmp/err"; then ok "the bad zone is reported at its line and column"
else notok "the bad zone is reported at its line and column"; show 5 "$tmp/err"; fi
if [ ! -e "$db" ]; then ok "a failed import leaves no database"; else notok "a failed import leaves no database"; fi
expect_exit 2 "a map that names no column is a usage error" "$bin" responses import "$tmp/c/course.ini" \
	"$tmp/forms.csv" --map "Zone?=timezone" --map "When can you attend?=available"

expect_exit 0 "import of a forms export" "$bin" responses import "$tmp/c/course.ini" "$tmp/forms.csv" "$@"
if grep -q "2 answers saved" "$tmp/out" && grep -q "1 earlier answers of the same student replaced" "$tmp/out"; then
	ok "one answer per student, the later row kept"; else notok "one answer per student"; show 3 "$tmp/out"; fi
mode=$(stat -c %a "$db")
if [ "$mode" = 600 ]; then ok "the database is private (0600)"; else notok "the database is 0600, not $mode"; fi

expect_exit 0 "responses status" "$bin" responses "$tmp/c/course.ini"
if grep -q "2 answered; 43 planned from the roster" "$tmp/out"; then ok "status counts the answers"
else notok "status counts the answers"; show 3 "$tmp/out"; fi

# The merged course: Emily (s01) and Marcus (s02) by their answers.
expect_exit 0 "solve reads the roster and the answers" "$bin" solve "$tmp/c/course.ini" --json
cp "$tmp/out" "$tmp/merged.json"
if grep -q '"id": "s01", "timezone": "Asia/Tokyo"' "$tmp/merged.json" &&
	grep -q '"id": "s02", "timezone": "America/Sao_Paulo"' "$tmp/merged.json"; then
	ok "the answers' zones replace the roster's"; else notok "the answers' zones replace the roster's"; fi

# Export, then plan the same course from the exported roster alone.
expect_exit 0 "responses export" "$bin" responses export "$tmp/c/course.ini" --out "$tmp/exported.csv"
mkdir "$tmp/plain"
cp -r examples/calendars "$tmp/plain/"
cp "$tmp/exported.csv" "$tmp/plain/students.csv"
cp examples/course.ini "$tmp/plain/course.ini"
expect_exit 0 "the exported roster passes check without the database" "$bin" check "$tmp/plain/course.ini"
expect_exit 0 "solve from the exported roster" "$bin" solve "$tmp/plain/course.ini" --json
if cmp -s "$tmp/out" "$tmp/merged.json"; then ok "the exported roster plans exactly as the merged course"
else notok "the exported roster plans exactly as the merged course"; diff "$tmp/out" "$tmp/merged.json" | head -5 | sed 's/^/# /'; fi
if grep -q '^s01,Emily Carter,emily.carter@example.edu,Asia/Tokyo,Mon-Fri 08:00-12:00,,2027-02-01..2027-02-03; 2027-02-05,,1' "$tmp/exported.csv"; then
	ok "the roster keeps the name, the later answer gives the hours and away dates"; else notok "export row of s01"; grep '^s01' "$tmp/exported.csv" | sed 's/^/# /'; fi

# A roster row without hours waits for its student's answer.
sed -i 's/^s03,Priya Raman,priya.raman@example.edu,[^,]*,"[^"]*",,2027-02-15,,/s03,Priya Raman,priya.raman@example.edu,,,,,,/' "$tmp/c/students.csv"
expect_exit 0 "check with a row that waits for its answer" "$bin" check "$tmp/c/course.ini"
if grep -q "1 student has not answered yet" "$tmp/err" && grep -q "(44 students" "$tmp/out"; then
	ok "the student who has not answered is left out, with a warning"; else notok "pending student left out"; show 5 "$tmp/out" "$tmp/err"; fi
expect_exit 0 "the answers database is read-only for solve" "$bin" solve "$tmp/c/course.ini" --quiet

# What the plan means for one student, on their clock (the web page's words).
expect_exit 0 "solve --student" "$bin" solve "$tmp/c/course.ini" --student s01
if grep -q "^You can attend .* sessions live" "$tmp/out" && grep -q "(Asia/Tokyo)" "$tmp/out"; then
	ok "solve --student words the plan for the student in their zone"; else notok "solve --student"; show 3 "$tmp/out"; fi
expect_exit 2 "solve --student with an unknown id is a usage error" "$bin" solve "$tmp/c/course.ini" --student nobody
