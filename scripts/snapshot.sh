#!/bin/sh
# snapshot.sh BUILD OUT - every output convene makes for the example and the
# test fixtures (text and JSON plans, heatmap, LP model, a first and a second
# publish with --itip and its dry-run listing), at a fixed SOURCE_DATE_EPOCH,
# so that a refactoring can show `diff -r` of two snapshots is empty.
#   scripts/snapshot.sh build /tmp/after && diff -r /tmp/before /tmp/after
set -u
[ $# -eq 2 ] || { echo "usage: $0 BUILD OUT" >&2; exit 2; }
bin=$(cd "$1" && pwd)/convene
out=$2
rm -rf "$out"
mkdir -p "$out"
export SOURCE_DATE_EPOCH=1798761600 # 2027-01-01T00:00:00Z
for course in examples/course.ini tests/data/course_full.ini tests/data/course_minimal.ini \
	tests/data/small_course.ini tests/data/cal/course.ini; do
	name=$(echo "$course" | tr '/' '_' | sed 's/\.ini$//')
	d="$out/$name"
	mkdir -p "$d"
	"$bin" solve "$course" >"$d/solve.txt" 2>"$d/solve.err"; echo "$?" >>"$d/solve.err"
	"$bin" solve "$course" --json >"$d/solve.json" 2>/dev/null
	"$bin" solve "$course" --top 3 --heatmap "$d/heatmap.svg" --export-lp "$d/model.lp" \
		>"$d/top.txt" 2>/dev/null
	"$bin" publish "$course" --out "$d/pub" --itip >"$d/publish1.out" 2>&1; echo "$?" >>"$d/publish1.out"
	# a second run a day later: unchanged events keep their stamps
	SOURCE_DATE_EPOCH=1798848000 "$bin" publish "$course" --out "$d/pub" --itip --dry-run \
		>"$d/dryrun.out" 2>&1
	SOURCE_DATE_EPOCH=1798848000 "$bin" publish "$course" --out "$d/pub" --itip \
		>"$d/publish2.out" 2>&1; echo "$?" >>"$d/publish2.out"
	sed -i "s|$out|OUT|g" "$d"/*.out "$d"/*.err 2>/dev/null
done
# A roster that changed: the example with its second student gone and the
# third one's hours moved, published over the first run's set.
tmp=$(mktemp -d)
cp -r examples/. "$tmp/"
awk -F, 'NR == 3 { next } NR == 4 { sub(/[0-9][0-9]:00-/, "06:00-") } { print }' \
	examples/students.csv >"$tmp/students.csv"
d="$out/examples_course"
cp -r "$d/pub" "$d/pub3"
SOURCE_DATE_EPOCH=1798934400 "$bin" publish "$tmp/course.ini" --out "$d/pub3" --itip --dry-run \
	>"$d/dryrun3.out" 2>&1
SOURCE_DATE_EPOCH=1798934400 "$bin" publish "$tmp/course.ini" --out "$d/pub3" --itip \
	>"$d/publish3.out" 2>&1; echo "$?" >>"$d/publish3.out"
sed -i -e "s|$out|OUT|g" -e "s|$tmp|TMP|g" "$d"/*3.out
rm -rf "$tmp"
