#!/bin/sh
# Hostile inputs (issue 16): every reader facing what an attacker, a broken
# export or a careless administrator can put in its way.  Each case asserts
# the exit code, a message naming the path (file:line:column where there is
# a line), that nothing was written, and time and memory bounds measured
# with /usr/bin/time; every figure is printed as a "# hostile:" comment and
# the largest in the "# summary:" line.
#   sh tests/it_hostile.sh [BUILD]
# The bounds are generous, for a loaded CI machine (the -O2 figures on the
# shared 2-core development machine are about a tenth of them); under ASan
# (a BUILD path holding "asan") they are 4 times larger.
#   VALGRIND=1 sh tests/it_hostile.sh BUILD   (tests/it_valgrind.sh)
# runs every case but the large ones under valgrind instead, without the
# bounds: an error or a leak (tests/valgrind.supp aside) fails the case.
. "$(dirname "$0")/lib.sh"
need_exe "$bin"
need_cmd /usr/bin/time "apt install time"

root=$(pwd)
r=$tmp/.r
mkdir -p "$r"
case "$build" in *asan*) tscale=4 mscale=4 ;; *) tscale=1 mscale=1 ;; esac
cv=$bin
if [ -n "${VALGRIND:-}" ]; then
	need_cmd valgrind "apt install valgrind"
	tscale=100 mscale=100
	cv=$r/cv
	printf '#!/bin/sh\nexec valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --suppressions=%s --error-exitcode=99 %s "$@"\n' \
		"$root/tests/valgrind.supp" "$bin" >"$cv"
	chmod 755 "$cv"
fi
max_t=0 max_m=0 cases=0

# light NAME: true, or under valgrind "ok - NAME # SKIP" and false: the large
# inputs take minutes there and exercise the code of the small ones.
light() {
	[ -z "${VALGRIND:-}" ] && return 0
	ok "$1 # SKIP large input, not run under valgrind"
	return 1
}
# Cases run as the user running the tests, except those that need a file
# this user cannot read: as root (who reads everything) they run as nobody.
as_nobody=""
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi

# The example course in DIR, without calendars unless asked (a 45-student roster).
course_in() {
	rm -rf "$1"
	mkdir -p "$1"
	cp -r "$root/examples/." "$1/" && rm -rf "$1/out" "$1/out.lock"
	[ "${2:-}" = calendars ] || { rm -rf "$1/calendars"; sed -i 's/^calendars *=.*//' "$1/course.ini"; }
}

# What is under the paths (names, sizes, modes, the files' mtimes; not the
# runner's own files in .r/): "nothing written" is this unchanged.  A
# directory's mtime may move: a run's staging directory comes and goes.
state_of() {
	find "$@" -path '*/.r' -prune -o -type d -printf '%p %m d\n' -o \
		-printf '%p %s %m %T@ %y\n' 2>/dev/null | sort
}

# hostile NAME EXIT PATTERN SECONDS MB [--] COMMAND...: run COMMAND in $tmp
# with a watchdog; ok when it exits EXIT, its stderr matches the extended
# regular expression PATTERN, $tmp/watch (default: the case's directory)
# is unchanged, and it took at most SECONDS (wall clock) and MB of memory
# (maximum resident set), each scaled under ASan.
hostile() {
	name=$1 want=$2 pattern=$3 secs=$4 mb=$5
	shift 5
	[ "${1:-}" = -- ] && shift
	cases=$((cases + 1))
	before=$(state_of $watch)
	/usr/bin/time -f '%e %U %M' -o "$r/time" \
		timeout -k 5 $((secs * tscale + 30)) "$@" >"$r/out" 2>"$r/err"
	rc=$?
	after=$(state_of $watch)
	# /usr/bin/time adds "Command exited with non-zero status N" before its figures.
	set -- $(tail -n 1 "$r/time")
	el=${1:-99} us=${2:-99} kb=${3:-0}
	mbused=$((kb / 1024))
	echo "# hostile: $name: exit $rc, ${el} s (${us} s user), ${mbused} MB"
	awk -v e="$el" -v m="$max_t" 'BEGIN { exit !(e > m) }' && max_t=$el
	[ "$mbused" -gt "$max_m" ] && max_m=$mbused
	fail=""
	[ "$rc" -eq "$want" ] || fail="$fail exit $rc, wanted $want;"
	grep -Eq -- "$pattern" "$r/err" || fail="$fail no message matching /$pattern/;"
	[ "$before" = "$after" ] || fail="$fail it wrote or changed something;"
	awk -v e="$el" -v m="$((secs * tscale))" 'BEGIN { exit !(e > m) }' &&
		fail="$fail ${el} s, bound $((secs * tscale)) s;"
	[ "$mbused" -le $((mb * mscale)) ] || fail="$fail ${mbused} MB, bound $((mb * mscale)) MB;"
	if [ -z "$fail" ]; then ok "$name"; else
		notok "$name:$fail"
		show 6 "$r/err"
	fi
}

cd "$tmp" || exit 1
watch=.

# ---------------------------------------------------------------- course file

course_in c
sed 's/^roster *=.*/roster = students.csv/' c/course.ini >c/base.ini

: >zero.ini
hostile "course: a 0-byte file" 65 '^zero\.ini: missing required key "id"' 5 100 \
	"$cv" check zero.ini
mkdir dir.ini
hostile "course: a directory" 66 '^dir\.ini: is a directory' 5 100 "$cv" check dir.ini
mkfifo fifo.ini
hostile "course: a FIFO, never waited on" 66 '^fifo\.ini: is a FIFO' 5 100 "$cv" check fifo.ini
ln -s /dev/zero zero-dev.ini
hostile "course: a link to /dev/zero" 66 '^zero-dev\.ini: is a character device' 5 100 \
	"$cv" check zero-dev.ini
ln -s loop-b.ini loop-a.ini && ln -s loop-a.ini loop-b.ini
hostile "course: a symbolic link loop" 66 '^loop-a\.ini: .*Too many levels of symbolic links' \
	5 100 "$cv" check loop-a.ini
ln -s nowhere.ini dangling.ini
hostile "course: a dangling link" 66 '^dangling\.ini: .*does not exist' 5 100 \
	"$cv" check dangling.ini
{ cat c/base.ini; printf 'title = '; head -c 1000000 /dev/zero | tr '\0' a; echo; } >c/longline.ini
light "course: a 1 MB line" && hostile "course: a 1 MB line" 65 '^c/longline\.ini:[0-9]+:[0-9]+: .*longer than 4096' 5 100 \
	"$cv" check c/longline.ini
{ cat c/base.ini; head -c 1100000 /dev/zero | tr '\0' '\n'; } >c/huge.ini
light "course: larger than 1 MiB" && hostile "course: larger than 1 MiB" 65 '^c/huge\.ini: .*larger than 1048576 bytes' 5 100 \
	"$cv" check c/huge.ini
sed 's/^title = .*/title = CS\x00101/' c/base.ini >c/nul.ini
hostile "course: a NUL byte" 65 '^c/nul\.ini:[0-9]+:[0-9]+: NUL byte' 5 100 "$cv" check c/nul.ini
tr '\n' '\r' <c/base.ini >c/cr.ini
hostile "course: CR-only line ends" 65 '^c/cr\.ini:1:[0-9]+: carriage return without a line feed' \
	5 100 "$cv" check c/cr.ini
{ printf '\357\273\277'; sed 's/^mode = .*/mode = sectoins/' c/base.ini; } >c/bom.ini
hostile "course: a BOM, not counted in the column" 65 '^c/bom\.ini:[0-9]+:8: .*sectoins' 5 100 \
	"$cv" check c/bom.ini
sed 's/^title = .*/title = CS\x1b[2J101/' c/base.ini >c/ctl.ini
hostile "course: an escape sequence in the title" 65 '^c/ctl\.ini:[0-9]+:[0-9]+: control character' \
	5 100 "$cv" check c/ctl.ini
sed 's/^id = .*/id = ..\/..\/etc/' c/base.ini >c/dots.ini
hostile "course: a ../ id" 65 '^c/dots\.ini:[0-9]+:6: a course id may hold only' 5 100 \
	"$cv" check c/dots.ini
sed 's/^roster *=.*/roster = \/dev\/zero/' c/base.ini >c/devzero.ini
hostile "course: roster = /dev/zero, refused at once" 66 '^/dev/zero: is a character device' 5 100 \
	"$cv" check c/devzero.ini
sed 's/^roster *=.*/roster = \/etc\/passwd/' c/base.ini >c/passwd.ini
hostile "course: roster = /etc/passwd" 65 '^/etc/passwd:1:[0-9]+: ' 5 100 "$cv" check c/passwd.ini
sed 's/^timezone = .*/timezone = America\/New_Yrok/' c/base.ini >c/zone.ini
hostile "course: a misspelled zone" 65 '^c/zone\.ini:[0-9]+:[0-9]+: .*did you mean America/New_York' \
	5 100 "$cv" check c/zone.ini

# ---------------------------------------------------------------- roster

# roster NAME: c/NAME.ini reading the roster c/NAME.csv (written by the caller).
roster() { sed "s/^roster *=.*/roster = $1.csv/" c/base.ini >"c/$1.ini"; }
head -n 1 c/students.csv >c/header
row='s%d,N,,Europe/Berlin,Mon-Fri 18:00-22:00,,,,\n'

roster r-zero && : >c/r-zero.csv
hostile "roster: a 0-byte file" 65 '^c/r-zero\.csv: .*empty' 5 100 "$cv" check c/r-zero.ini
roster r-dir && mkdir c/r-dir.csv
hostile "roster: a directory" 66 '^c/r-dir\.csv: is a directory' 5 100 "$cv" check c/r-dir.ini
roster r-fifo && mkfifo c/r-fifo.csv
hostile "roster: a FIFO, never waited on" 66 '^c/r-fifo\.csv: is a FIFO' 5 100 \
	"$cv" check c/r-fifo.ini
roster r-loop && ln -s r-loop.csv c/r-loop.csv
hostile "roster: a link to itself" 66 '^c/r-loop\.csv: .*Too many levels of symbolic links' 5 100 \
	"$cv" check c/r-loop.ini
roster r-dangling && ln -s gone.csv c/r-dangling.csv
hostile "roster: a dangling link" 66 '^c/r-dangling\.csv: .*does not exist' 5 100 \
	"$cv" check c/r-dangling.ini
roster r-long && { cat c/header; printf 's1,'; head -c 10000000 /dev/zero | tr '\0' a
	printf ',,Europe/Berlin,Mon 09:00-10:00,,,,\n'; } >c/r-long.csv
light "roster: a 10 MB field" && hostile "roster: a 10 MB field" 65 '^c/r-long\.csv:2:4: .*longer than 4096' 5 200 \
	"$cv" check c/r-long.ini
roster r-million && { cat c/header; awk -v f="$row" 'BEGIN { for (i = 1; i < 1000000; i++)
	printf f, i }'; printf 's1000000,N,,Europe/Berlin,Mon-Fri 18:00-25:00,,,,\n'; } >c/r-million.csv
light "roster: 10^6 rows" && hostile "roster: 10^6 rows, one bad row at the end" 65 '^c/r-million\.csv:1000001:[0-9]+: hour 25' \
	30 1000 "$cv" check c/r-million.ini
roster r-misspelled && { cat c/header; awk 'BEGIN { for (i = 1; i <= 100000; i++)
	printf "s%d,N,,Europe/Berln,Mon-Fri 18:00-22:00,,,,\n", i }'; } >c/r-misspelled.csv
light "roster: 10^5 rows" && hostile "roster: 10^5 rows with a misspelled zone" 65 \
	'^c/r-misspelled\.csv:2:7: unknown time zone "Europe/Berln"; did you mean Europe/Berlin' 10 300 \
	"$cv" check c/r-misspelled.ini
roster r-bom && { printf '\357\273\277'; cat c/header; printf 's1,N,,Mars/Olympus,Mon 09:00-10:00,,,,\n'; } \
	>c/r-bom.csv
hostile "roster: a BOM, not counted in the column" 65 '^c/r-bom\.csv:2:7: .*Mars/Olympus' 5 100 \
	"$cv" check c/r-bom.ini
roster r-cr && { cat c/header; printf 's1,N,,UTC,Mon 09:00-10:00,,,,\n'; } | tr '\n' '\r' >c/r-cr.csv
hostile "roster: CR-only line ends" 65 '^c/r-cr\.csv:1:[0-9]+: carriage return without a line feed' \
	5 100 "$cv" check c/r-cr.ini
roster r-nul && { cat c/header; printf 's1,A\000B,,UTC,Mon 09:00-10:00,,,,\n'; } >c/r-nul.csv
hostile "roster: a NUL byte" 65 '^c/r-nul\.csv:2:5: NUL byte' 5 100 "$cv" check c/r-nul.ini
roster r-utf16 && { cat c/header; printf 's1,N,,UTC,Mon 09:00-10:00,,,,\n'; } |
	iconv -f UTF-8 -t UTF-16 >c/r-utf16.csv
hostile "roster: UTF-16" 65 '^c/r-utf16\.csv: the roster is UTF-16' 5 100 "$cv" check c/r-utf16.ini
roster r-dots && { cat c/header; printf '../../etc/passwd,N,,UTC,Mon 09:00-10:00,,,,\n'; } >c/r-dots.csv
hostile "roster: a ../ id" 65 '^c/r-dots\.csv:2:[0-9]+: .*id' 5 100 "$cv" check c/r-dots.ini
roster r-slash && { cat c/header; printf 'a/b,N,,UTC,Mon 09:00-10:00,,,,\n'; } >c/r-slash.csv
hostile "roster: an id with a slash" 65 '^c/r-slash\.csv:2:2: ' 5 100 "$cv" check c/r-slash.ini
roster r-ctl && { cat c/header; printf 's1,Eve\033[31m,,UTC,Mon 09:00-10:00,,,,\n'; } >c/r-ctl.csv
hostile "roster: an escape sequence in a name" 65 '^c/r-ctl\.csv:2:7: control character' 5 100 \
	"$cv" check c/r-ctl.ini
roster r-bidi && { cat c/header; printf 's1,\342\200\256evE,,UTC,Mon 09:00-10:00,,,,\n'; } >c/r-bidi.csv
hostile "roster: a right-to-left override in a name" 65 '^c/r-bidi\.csv:2:4: bidirectional' 5 100 \
	"$cv" check c/r-bidi.ini
roster r-quote && { cat c/header; printf 's1,"Ann,,UTC,Mon 09:00-10:00,,,,\n'; } >c/r-quote.csv
hostile "roster: an unterminated quote" 65 '^c/r-quote\.csv:2:[0-9]+: ' 5 100 "$cv" check c/r-quote.ini
roster r-case && { cat c/header; printf 's1,A,,UTC,Mon 09:00-10:00,,,,\nS1,B,,UTC,Mon 09:00-10:00,,,,\n'; } \
	>c/r-case.csv
hostile "roster: ids that differ only in case" 65 '^c/r-case\.csv:3:1: ' 5 100 "$cv" check c/r-case.ini

# ---------------------------------------------------------------- calendars

# calendar KIND: a copy of the example with calendars in c-KIND/, for the caller to spoil.
calendar() { course_in "c-$1" calendars; }

calendar dangling && rm c-dangling/calendars/s04.ics && ln -s nowhere.ics c-dangling/calendars/s04.ics
hostile "calendar: a dangling link is an error, not 'no calendar' (issue 16, 1)" 66 \
	'^c-dangling/calendars/s04\.ics: .*does not exist' 5 100 "$cv" check c-dangling/course.ini
calendar loop && rm c-loop/calendars/s04.ics && ln -s s04.ics c-loop/calendars/s04.ics
hostile "calendar: a link loop" 66 '^c-loop/calendars/s04\.ics: .*Too many levels of symbolic links' \
	5 100 "$cv" check c-loop/course.ini
calendar fifo && rm c-fifo/calendars/s04.ics && mkfifo c-fifo/calendars/s04.ics
hostile "calendar: a FIFO, never waited on (issue 16, 2)" 66 '^c-fifo/calendars/s04\.ics: is a FIFO' \
	5 100 "$cv" check c-fifo/course.ini
calendar dir && rm c-dir/calendars/s04.ics && mkdir c-dir/calendars/s04.ics
hostile "calendar: a directory" 66 '^c-dir/calendars/s04\.ics: is a directory' 5 100 \
	"$cv" check c-dir/course.ini
if [ -n "$as_nobody" ] || [ "$(id -u)" -ne 0 ]; then
	calendar unreadable && chmod 000 c-unreadable/calendars/s04.ics
	chmod -R a+rX "$tmp" && chmod 000 c-unreadable/calendars/s04.ics
	hostile "calendar: an unreadable file is an error, not 'no calendar' (issue 16, 1)" 66 \
		'^c-unreadable/calendars/s04\.ics: .*Permission denied' 5 100 \
		$as_nobody "$cv" check c-unreadable/course.ini
else
	ok "calendar: an unreadable file # SKIP root without setpriv reads every file"
fi
calendar zero && : >c-zero/calendars/s04.ics
hostile "calendar: a 0-byte file" 65 '^c-zero/calendars/s04\.ics:1:1: ' 5 100 "$cv" check c-zero/course.ini
calendar nul && printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\000y\r\n' >c-nul/calendars/s04.ics
hostile "calendar: a NUL byte" 65 '^c-nul/calendars/s04\.ics:3:9: NUL byte' 5 100 "$cv" check c-nul/course.ini
calendar long && { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:'; head -c 70000 /dev/zero |
	tr '\0' a; printf '\r\nEND:VCALENDAR\r\n'; } >c-long/calendars/s04.ics
hostile "calendar: a 70 kB line" 65 '^c-long/calendars/s04\.ics:3:1: content line longer than 65536' \
	5 100 "$cv" check c-long/course.ini
calendar big && { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'; head -c 4200000 /dev/zero |
	tr '\0' '\n'; } >c-big/calendars/s04.ics
light "calendar: larger than 4 MiB" && hostile "calendar: larger than 4 MiB" 65 '^c-big/calendars/s04\.ics: .*larger than 4194304 bytes' \
	5 100 "$cv" check c-big/course.ini
calendar deep && { printf 'BEGIN:VCALENDAR\r\n'; i=0; while [ $i -lt 70 ]; do printf 'BEGIN:X\r\n'
	i=$((i + 1)); done; } >c-deep/calendars/s04.ics
hostile "calendar: components nested 70 deep" 65 '^c-deep/calendars/s04\.ics:[0-9]+:1: .*64 deep' \
	5 100 "$cv" check c-deep/course.ini
calendar many && { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n'
	awk 'BEGIN { for (i = 0; i < 20001; i++) printf "BEGIN:VEVENT\r\nEND:VEVENT\r\n" }'; } \
	>c-many/calendars/s04.ics
light "calendar: 20,001 components" && hostile "calendar: 20,001 components" 65 '^c-many/calendars/s04\.ics:[0-9]+:1: more than 20000' \
	5 200 "$cv" check c-many/course.ini
calendar tzids && { printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n'
	awk 'BEGIN { for (i = 0; i < 19990; i++) printf "BEGIN:VEVENT\r\nUID:e%d@x\r\n" \
		"DTSTAMP:20270101T000000Z\r\nDTSTART;TZID=Europe/Berln:20270201T090000\r\n" \
		"DTEND;TZID=Europe/Berln:20270201T100000\r\nSUMMARY:busy\r\nEND:VEVENT\r\n", i }'
	printf 'END:VCALENDAR\r\n'; } >c-tzids/calendars/s04.ics
light "calendar: 19,990 TZIDs" &&
	hostile "calendar: 19,990 uses of an unknown TZID, reported once (issue 16, 6)" 65 \
	'^c-tzids/calendars/s04\.ics:7:14: unknown TZID: .*did you mean Europe/Berlin\? \(used 19990 times' \
	10 300 "$cv" check c-tzids/course.ini
# rrule KIND DTSTART RULE: a calendar c-KIND whose s04.ics is one event with that rule.
rrule() {
	calendar "$1"
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:r@x\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:%s\r\nDURATION:PT1S\r\nRRULE:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"$2" "$3" >"c-$1/calendars/s04.ics"
}
rrule before 19900101T000000Z 'FREQ=SECONDLY;COUNT=1000000000'
hostile "calendar: FREQ=SECONDLY;COUNT=10^9 ending before the term costs nothing (issue 16, 6)" 0 \
	'c-before/course\.ini:11:7: warning' 1 100 "$cv" check c-before/course.ini
rrule count 20000101T000000Z 'FREQ=SECONDLY;COUNT=1000000000'
light "calendar: SECONDLY into the term" &&
	hostile "calendar: FREQ=SECONDLY;COUNT=10^9 into the term is refused at the cap" 65 \
	'^c-count/calendars/s04\.ics:9:7: .*more than 300000 steps' 5 200 \
	"$cv" check c-count/course.ini
rrule byhour 20200101T000000Z 'FREQ=SECONDLY;BYHOUR=9;COUNT=1000000000'
light "calendar: SECONDLY;BYHOUR=9" && hostile "calendar: FREQ=SECONDLY;BYHOUR=9 refused before a step" 65 \
	'^c-byhour/calendars/s04\.ics:9:[0-9]+: .*more than 300000 steps' 5 100 \
	"$cv" check c-byhour/course.ini
rrule never 20270201T000000Z 'FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;COUNT=5'
light "calendar: a COUNT rule no date satisfies" &&
	hostile "calendar: a COUNT rule no date satisfies ends at the term" 0 'c-never/course\.ini:11:7: warning' \
	5 100 \
	"$cv" check c-never/course.ini

# ---------------------------------------------------------------- the published directory

# A published example (its first 4 students) in p/out; later cases plant things in it.
course_in p
head -n 5 p/students.csv >p/four.csv && mv p/four.csv p/students.csv
"$bin" publish p/course.ini --out p/out --itip >/dev/null 2>&1 || notok "publish the example"
watch="p/out p/out.lock elsewhere"

mkdir nothing
watch=nothing
mkfifo p/out/students/s02.ics.fifo && mv p/out/students/s02.ics.fifo p/out/students/s02.ics
hostile "DIR: a FIFO at students/s02.ics, never waited on (issue 16, 2)" 0 \
	'p/out/students/s02\.ics: warning: is not a regular file' 10 200 \
	"$cv" publish p/course.ini --out p/out --itip
hostile "DIR: and the lock is free for the next run" 0 'p/course\.ini:' 10 200 \
	"$cv" publish p/course.ini --out p/out --itip
echo 'UID:private-secret-uid' >secret.ics
rm -f p/out/students/s02.ics && ln -s "$tmp/secret.ics" p/out/students/s02.ics
hostile "DIR: a link at students/s02.ics is not followed (issue 16, 3)" 0 \
	'p/out/students/s02\.ics: .*symbolic link' 10 200 "$cv" publish p/course.ini --out p/out --itip
if grep -rq private-secret-uid p/out || [ -L p/out/students/s02.ics ]; then
	notok "DIR: nothing of the linked file reached the published set or the e-mails"
else
	ok "DIR: nothing of the linked file reached the published set or the e-mails"
fi
watch="p/out p/out.lock elsewhere"
ln -s "$tmp/elsewhere" p/out.lock.new && mv p/out.lock p/out.lock.old && mv p/out.lock.new p/out.lock
hostile "DIR.lock: a link is refused and creates nothing where it points (issue 16, 4)" 73 \
	'^p/out\.lock: is a symbolic link' 5 100 "$cv" publish p/course.ini --out p/out
rm -f p/out.lock && mkfifo p/out.lock
hostile "DIR.lock: a FIFO is refused at once" 73 '^p/out\.lock: is not a regular file' 5 100 \
	"$cv" publish p/course.ini --out p/out
rm -f p/out.lock && mv p/out.lock.old p/out.lock
ln -s out p/link
hostile "DIR: a symbolic link as the output directory" 73 '^p/link: is a symbolic link' 5 100 \
	"$cv" publish p/course.ini --out p/link

# Issue 16, 7: a full disk says so, and only so; the published set stays.
if [ "$(id -u)" -eq 0 ] && mkdir full && mount -t tmpfs -o size=256k tmpfs full 2>/dev/null; then
	course_in f
	: >full/out.lock
	watch="full"
	hostile "DIR: a full disk is an I/O error naming the file, nothing else (issue 16, 7)" 74 \
		'^full/\.out\.new-[0-9]+/[^ ]+: cannot write: No space left on device' 10 200 \
		"$cv" publish f/course.ini --out full/out --itip
	if grep -q 'cannot read\|cannot list' "$r/err"; then
		notok "DIR: no misleading 'cannot read/list the published files' on a full disk"
		show 5 "$r/err"
	else
		ok "DIR: no misleading 'cannot read/list the published files' on a full disk"
	fi
	umount full
else
	ok "DIR: a full disk # SKIP needs root and a tmpfs mount (a small filesystem to fill)"
	ok "DIR: no misleading message on a full disk # SKIP needs root and a tmpfs mount"
fi

echo "# summary: hostile: $cases inputs, slowest ${max_t} s, largest ${max_m} MB ($build)"
