#!/bin/sh
# it_typed_input.sh BUILD - what people type in rosters: en and em dashes in
# ranges and 12-hour times are read as meant (the plan is the one the plain
# spelling gives); a bare hour, a 12-hour time out of range and a city for a
# zone are refused at file:line:column with a suggestion, exit 65, nothing
# written.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_exe "$bin"
mkdir "$tmp/w" && cd "$tmp/w" || exit 1

course() { # course ROSTER > file
	printf '[course]\nid = typed\ntimezone = Europe/Berlin\nstart = 2027-01-04\nend = 2027-02-26\n'
	printf 'roster = %s\n\n[sessions]\ncount = 1\nduration = 60m\nwindow = Mon\342\200\223Fri 9am\342\200\2235pm\n' "$1"
}

# The same availability typed two ways must give the same plan.
cat >typed.csv <<'CSV'
id,timezone,available
a,America/New_York,Mon–Fri 6pm–9pm; Sat 9:30 AM—12 PM
b,Asia/Tokyo,"Mon—Wed 12am-2am,6:30 p.m.-11 p.m."
c,Europe/London,Tue 12pm – 1:30pm
CSV
cat >plain.csv <<'CSV'
id,timezone,available
a,America/New_York,Mon-Fri 18:00-21:00; Sat 09:30-12:00
b,Asia/Tokyo,"Mon-Wed 00:00-02:00,18:30-23:00"
c,Europe/London,Tue 12:00-13:30
CSV
course typed.csv >typed.ini
course plain.csv | sed 's/Mon\xe2\x80\x93Fri 9am\xe2\x80\x935pm/Mon-Fri 09:00-17:00/' >plain.ini
if "$bin" check typed.ini >out 2>err; then ok "dashes and 12-hour times pass check"
else notok "dashes and 12-hour times pass check"; show 5 err; fi
"$bin" solve typed.ini --json 2>/dev/null | sed 's/"tzdata"[^,]*,//' >typed.json
"$bin" solve plain.ini --json 2>/dev/null | sed 's/"tzdata"[^,]*,//' >plain.json
if [ -s typed.json ] && cmp -s typed.json plain.json; then ok "they mean what the 24-hour spelling means (the same plan)"
else notok "they mean what the 24-hour spelling means (the same plan)"; diff typed.json plain.json | show 6 -; fi

# Refused, each at its cell's column, with the suggestion.
cat >bad.csv <<'CSV'
id,timezone,available
a,Beijing,Mon 18:00-21:00
b,New York,Mon 18:00-21:00
c,Asia/Tokyo,Mon 6-9pm
d,Europe/Paris,Tue 13pm-2pm
e,Tokio,Mon 18:00-21:00
CSV
course bad.csv >bad.ini
mkdir ../out && mv ./* ../out/ && mv ../out/bad.* . # the bad case alone, to see that nothing is written
ls -A >../before
"$bin" check bad.ini >../out/stdout 2>err.txt
rc=$?
mv err.txt ../out/err
[ "$rc" -eq 65 ] && ok "bad typed input exits 65" || notok "bad typed input exits $rc, wanted 65"
expect() { # expect WHERE TEXT
	if grep -F -- "$1: " ../out/err | grep -qF -- "$2"; then ok "$1 says $2"
	else notok "$1 should say $2"; show 8 ../out/err; fi
}
expect bad.csv:2:3 'unknown time zone "Beijing": that is a city; write its zone, Asia/Shanghai'
expect bad.csv:3:3 'write its zone, America/New_York'
expect bad.csv:4:18 '"6" needs minutes or am/pm: write 06:00, or 6pm or 6am'
expect bad.csv:5:20 'hour 13 does not exist on a 12-hour clock'
expect bad.csv:6:3 'write its zone, Asia/Tokyo'
ls -A >../after
cmp -s ../before ../after && ok "nothing written" || notok "check wrote files"
