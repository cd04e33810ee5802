#!/bin/sh
# fuzz/seeds.sh DIR - the seed inputs of every harness, from tests/data and
# examples/, into DIR/NAME/ (one file per input, named by its SHA-1 as
# libFuzzer names corpus files).  `make fuzz-seed` folds them into
# fuzz/corpus/ (minimised); the corpus in the repository started from them.
set -u
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
out=$1
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# put NAME FILE: FILE as a seed of harness NAME.
put() {
	mkdir -p "$out/$1"
	cp "$2" "$out/$1/$(sha1sum "$2" | cut -c1-40)"
}
# put_text NAME PREFIX TEXT: a seed made of one selector byte (as printf
# writes it, e.g. '\000') and a text.
put_text() {
	printf "$2%s" "$3" >"$tmp/t"
	put "$1" "$tmp/t"
}

for f in tests/data/*.ini tests/data/cal/*.ini examples/course.ini; do put course "$f"; done
for f in tests/data/*.csv tests/data/cal/*.csv examples/students.csv; do put roster "$f"; done
for f in tests/data/cal/*.ics tests/data/cal/*/*.ics examples/calendars/*.ics; do put calendar "$f"; done

# The availability language, dates and durations as the roster and course files write them.
for f in examples/students.csv tests/data/*.csv; do
	/usr/bin/python3 - "$f" "$tmp/cells" <<'PY'
import csv, sys
seen = set()
with open(sys.argv[1], newline='', encoding='utf-8', errors='replace') as f, open(sys.argv[2], 'a') as o:
    try:
        for row in csv.DictReader(f):
            for key, sel in (('available', 'W'), ('preferred', 'W'), ('unavailable', 'D')):
                v = (row.get(key) or '').strip()
                if v and (sel, v) not in seen and '\n' not in v:
                    seen.add((sel, v))
                    o.write(sel + v + '\n')
    except Exception:
        pass
PY
done
sed -n 's/^window *= *\(.*\)/W\1/p; s/^holidays *= *\(.*\)/D\1/p; s/^\(duration\|granularity\|min-gap\|available-after\|due\) *= *\([^;]*\).*/U\2/p' \
	examples/course.ini tests/data/*.ini >>"$tmp/cells"
sort -u "$tmp/cells" | while IFS= read -r line; do
	case "$line" in
	W*) put_text avail '\000' "${line#W}" ;;
	D*) put_text avail '\001' "${line#D}" ;;
	U*) put_text avail '\002' "$(echo "${line#U}" | sed 's/ *$//')" ;;
	esac
done

# Zone names as inputs write them: IANA names and links, Windows names, refused ones.
for z in America/New_York Asia/Calcutta US/Eastern "Pacific Standard Time" UTC Etc/GMT+5 \
	EST GMT+5 UTC+05:30 Factory america/new_york " Europe/London " Europe/Londn Beijing \
	"/mozilla.org/20050126_1/Europe/Berlin" Australia/Lord_Howe Pacific/Chatham; do
	put_text zone '' "$z"
done
sed -n 's/^timezone *= *\([^;]*\).*/\1/p' examples/course.ini tests/data/*.ini | sed 's/ *$//' |
	sort -u | while IFS= read -r z; do put_text zone '' "$z"; done

# TZif files (selector even) and POSIX rules (odd).
for z in America/New_York Europe/London Australia/Lord_Howe Africa/Casablanca Pacific/Apia UTC; do
	f=/usr/share/zoneinfo/$z
	[ -f "$f" ] && { printf '\000' | cat - "$f" >"$tmp/t"; put tzif "$tmp/t"; }
done
for r in "EST5EDT,M3.2.0,M11.1.0" "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0" "GMT0BST,M3.5.0/1,M10.5.0" \
	"<-03>3" "AEST-10AEDT,M10.1.0,M4.1.0/3" "XXX3EDT4,0/0,J365/25" "IST-2IDT,M3.4.4/26,M10.5.0"; do
	put_text tzif '\001' "$r"
done

# What publish reads back: a published calendar, the ledger, the recipients list.
if [ -x build/convene ]; then
	cp -r examples "$tmp/ex" && rm -rf "$tmp/ex/out"
	SOURCE_DATE_EPOCH=1798761600 build/convene publish "$tmp/ex/course.ini" --out "$tmp/pub" --itip \
		>/dev/null 2>&1
	for f in "$tmp/pub/instructor.ics" "$tmp/pub/students/s01.ics" "$tmp/pub/students/s04.ics"; do
		[ -f "$f" ] && { printf '\000' | cat - "$f" >"$tmp/t"; put published "$tmp/t"; }
	done
	for f in $(find "$tmp/pub" -name 'sequences.tsv' -o -name '*.ledger' | head -n 2); do
		printf '\001' | cat - "$f" >"$tmp/t"; put published "$tmp/t"
	done
	for f in $(find "$tmp/pub" -name 'recipients.tsv' | head -n 1); do
		printf '\002' | cat - "$f" >"$tmp/t"; put published "$tmp/t"
	done
fi
