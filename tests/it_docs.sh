#!/bin/sh
# it_docs.sh BUILD - README.md, doc/*.md and the man page describe the program
# as it is, where a machine can tell:
#  - every relative link of README.md and doc/*.md names a file that exists,
#    and README.md links every doc/*.md page;
#  - the long options of `convene --help` (and of `convene CMD --help`, where
#    a command has one) are the man page's, and each command's SYNOPSIS line
#    lists exactly the options that command accepts;
#  - the man page's EXIT STATUS lists cv_exit_code()'s codes with
#    cv_strerror()'s words, and --help lists the same codes;
#  - every "N (`CV_NAME`" and every limits-table row of doc/*.md gives the
#    value the constant has in include/;
#  - the demo prints every line of README.md's demo block, in order (tzdata
#    release names aside);
#  - the man page renders without groff warnings.
# The plain build only: the ASan build changes none of this.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
case "$build" in *asan*) exit 0 ;; esac
need_exe "$bin"
need_cmd groff "apt install groff-base; scripts/deps.sh test installs it"
man=doc/convene.1

# ---- links ---------------------------------------------------------------
: >"$tmp/badlinks"
for f in README.md doc/*.md; do
	dir=$(dirname "$f")
	grep -o '](\([^)]*\))' "$f" | sed 's/^](//; s/)$//; s/#.*//' | while read -r target; do
		case "$target" in ''|http://*|https://*|mailto:*) continue ;; esac
		[ -e "$dir/$target" ] || echo "$f: $target" >>"$tmp/badlinks"
	done
done
if [ ! -s "$tmp/badlinks" ]; then
	ok "every relative link of README.md and doc/*.md names an existing file"
else
	notok "links to missing files:"; sed 's/^/#   /' "$tmp/badlinks"
fi
: >"$tmp/orphans"
for page in doc/*.md; do
	grep -q "]($page)" README.md || echo "$page" >>"$tmp/orphans"
done
if [ ! -s "$tmp/orphans" ]; then
	ok "README.md links every doc/*.md page"
else
	notok "doc pages README.md does not link:"; sed 's/^/#   /' "$tmp/orphans"
fi

# ---- options -------------------------------------------------------------
longopts() { grep -o -- '--[a-z][a-z-]*[a-z]' | sort -u; }
"$bin" --help >"$tmp/help" 2>&1 || notok "convene --help failed"
cp "$tmp/help" "$tmp/help.main" # the exit codes are the whole usage's
for cmd in check solve publish zones; do
	# A command's own --help, once it has one, must agree too.
	"$bin" "$cmd" --help >>"$tmp/help" 2>/dev/null || :
done
longopts <"$tmp/help" >"$tmp/help.opts"
sed 's/\\-/-/g' "$man" >"$tmp/man.txt"
longopts <"$tmp/man.txt" >"$tmp/man.opts"
comm -23 "$tmp/help.opts" "$tmp/man.opts" >"$tmp/undocumented"
comm -13 "$tmp/help.opts" "$tmp/man.opts" >"$tmp/unknown"
if [ ! -s "$tmp/undocumented" ] && [ -s "$tmp/help.opts" ]; then
	ok "every long option of --help is in the man page ($(wc -l <"$tmp/help.opts") options)"
else
	notok "options --help names but the man page does not:"; sed 's/^/#   /' "$tmp/undocumented"
fi
if [ ! -s "$tmp/unknown" ]; then
	ok "every long option of the man page is in --help"
else
	notok "options the man page names but --help does not:"; sed 's/^/#   /' "$tmp/unknown"
fi
grep -oE '(^|[][ (,|])-[a-zA-Z]( |,|]|$)' "$tmp/help" | grep -o -- '-[a-zA-Z]' | sort -u >"$tmp/help.short"
: >"$tmp/short.missing"
while read -r s; do
	grep -q -- "\(^\|[^a-z-]\)$s\([^a-z-]\|$\)" "$tmp/man.txt" || echo "$s" >>"$tmp/short.missing"
done <"$tmp/help.short"
if [ ! -s "$tmp/short.missing" ]; then
	ok "every short option of --help is in the man page ($(tr '\n' ' ' <"$tmp/help.short"))"
else
	notok "short options missing from the man page:"; sed 's/^/#   /' "$tmp/short.missing"
fi

# Each command's SYNOPSIS entry (from ".B convene CMD" to the next .br or .SH)
# against what the command accepts.  An option is accepted when the command
# line gets past option parsing to the missing COURSE file (exit 66); a
# refused one is a usage error (exit 2).  Options with an argument are the
# man page's ".BI \-\-opt ARG" entries.
sed -n 's/^\.BI \(--[a-z-]*\) .*/\1/p' "$tmp/man.txt" | sort -u >"$tmp/takes.arg"
for cmd in check solve publish; do
	awk -v cmd="$cmd" '
		/^\.SH/ { on = 0 }
		$0 == ".B convene " cmd { on = 1; next }
		/^\.br/ { on = 0 }
		on' "$tmp/man.txt" | longopts >"$tmp/syn.$cmd"
	: >"$tmp/accepts.$cmd"
	while read -r opt; do
		case "$opt" in --help|--version) continue ;; esac
		set -- "$opt"
		grep -qx -- "$opt" "$tmp/takes.arg" && set -- "$@" 2
		[ "$opt" = --out ] && set -- --out "$tmp/out"
		[ "$cmd" = publish ] && [ "$opt" != --out ] && set -- "$@" --out "$tmp/out"
		"$bin" "$cmd" "$@" "$tmp/no-such-course.ini" >/dev/null 2>&1
		[ $? -ne 2 ] && echo "$opt" >>"$tmp/accepts.$cmd"
	done <"$tmp/help.opts"
	sort -u -o "$tmp/accepts.$cmd" "$tmp/accepts.$cmd"
	if cmp -s "$tmp/syn.$cmd" "$tmp/accepts.$cmd"; then
		ok "the SYNOPSIS of $cmd lists exactly the options it accepts ($(tr '\n' ' ' <"$tmp/accepts.$cmd"))"
	else
		notok "the SYNOPSIS of $cmd and the options it accepts differ (< man, > accepted):"
		diff "$tmp/syn.$cmd" "$tmp/accepts.$cmd" | grep '^[<>]' | sed 's/^/#   /'
	fi
done

# ---- exit codes ----------------------------------------------------------
cat >"$tmp/codes.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include "convene/error.h"
/* Every result code (0, -1, -2, ... until cv_strerror() no longer knows one)
 * as "EXIT<TAB>WORDS", then the exit code of an unknown one as "EXIT<TAB>". */
int main(void)
{
	int c;
	for (c = 0; c > -1000; c--) {
		const char *s = cv_strerror(c);
		if (!strcmp(s, cv_strerror(-1000)))
			break;
		printf("%d\t%s\n", cv_exit_code(c), s);
	}
	printf("%d\t\n", cv_exit_code(-1000));
	return 0;
}
EOF
if ${CC:-cc} -std=c11 -Iinclude -o "$tmp/codes" "$tmp/codes.c" "$build/libconvene.a" 2>"$tmp/cc.log"; then
	"$tmp/codes" >"$tmp/codes.tsv"
else
	notok "cannot build the exit-code probe"; sed 's/^/#   /' "$tmp/cc.log"
	: >"$tmp/codes.tsv"
fi
# The man page's EXIT STATUS entries as "CODE<TAB>TEXT".
awk '
	/^\.SH/ { on = ($0 ~ /EXIT STATUS/); if (code != "") print code "\t" text; code = ""; next }
	!on { next }
	/^\.TP/ { if (code != "") print code "\t" text; code = ""; text = ""; want = 1; next }
	want { code = $0; want = 0; next }
	code != "" { text = text " " $0 }
' "$tmp/man.txt" >"$tmp/man.codes"
cut -f1 "$tmp/codes.tsv" | sort -nu >"$tmp/lib.set" # two codes may share an exit code
cut -f1 "$tmp/man.codes" | sort -n >"$tmp/man.set"
if [ -s "$tmp/lib.set" ] && cmp -s "$tmp/lib.set" "$tmp/man.set"; then
	ok "the man page lists exactly cv_exit_code()'s exit codes ($(tr '\n' ' ' <"$tmp/lib.set"))"
else
	notok "exit codes differ (< cv_exit_code, > man page):"
	diff "$tmp/lib.set" "$tmp/man.set" | grep '^[<>]' | sed 's/^/#   /'
fi
: >"$tmp/words.bad"
while IFS="$(printf '\t')" read -r code words; do
	[ -n "$words" ] || continue
	grep "^$code	" "$tmp/man.codes" | grep -qiF -- "$words" || echo "$code: $words" >>"$tmp/words.bad"
done <"$tmp/codes.tsv"
if [ -s "$tmp/codes.tsv" ] && [ ! -s "$tmp/words.bad" ]; then
	ok "each exit code's man page entry says what cv_strerror() says"
else
	notok "man page entries without cv_strerror()'s words:"; sed 's/^/#   /' "$tmp/words.bad"
fi
sed -n '/exit codes:/,$p' "$tmp/help.main" | grep -o '[0-9][0-9]* [A-Za-z]' | cut -d' ' -f1 | sort -nu >"$tmp/help.set"
awk -F'\t' '$2 != "" { print $1 }' "$tmp/codes.tsv" | sort -nu >"$tmp/known.set"
if [ -s "$tmp/known.set" ] && cmp -s "$tmp/known.set" "$tmp/help.set"; then
	ok "--help lists the same exit codes"
else
	notok "--help's exit codes differ (< library, > --help):"
	diff "$tmp/known.set" "$tmp/help.set" | grep '^[<>]' | sed 's/^/#   /'
fi

# ---- constants quoted in doc/ --------------------------------------------
{
	grep -ho '[0-9][0-9,]* (`CV_[A-Z_]*`' README.md doc/*.md | sed 's/ (`/ /; s/`$//'
	grep -h '^|.*| `CV_[A-Z_]*` |$' doc/*.md |
		awk -F'|' '{ v = $3; gsub(/,/, "", v); match(v, /[0-9]+/); n = $4; gsub(/[ `]/, "", n)
			     print substr(v, RSTART, RLENGTH), n }'
} | tr -d ',' | sort -u >"$tmp/quoted"
{
	echo '#include <stdio.h>'
	echo '#include "convene.h"'
	echo 'int main(void) {'
	awk '{ printf "\tprintf(\"%%lld %s\\n\", (long long)(%s));\n", $2, $2 }' "$tmp/quoted"
	echo '	return 0; }'
} >"$tmp/consts.c"
if [ ! -s "$tmp/quoted" ]; then
	notok "no constant is quoted in doc/ (the limits table is gone?)"
elif ${CC:-cc} -std=c11 -Iinclude -o "$tmp/consts" "$tmp/consts.c" 2>"$tmp/cc.log"; then
	"$tmp/consts" | sort -u >"$tmp/actual"
	if cmp -s "$tmp/quoted" "$tmp/actual"; then
		ok "the $(wc -l <"$tmp/quoted") constants doc/ quotes have the values it gives"
	else
		notok "constants quoted with other values (< doc, > include/):"
		diff "$tmp/quoted" "$tmp/actual" | grep '^[<>]' | sed 's/^/#   /'
	fi
else
	notok "doc/ quotes a constant include/convene.h does not define:"; sed 's/^/#   /' "$tmp/cc.log"
fi

# ---- the demo block --------------------------------------------------------
# The commands of `make demo`, as make would run them, in a copy of examples/.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -n demo BUILD="$build" 2>/dev/null |
	grep -E "^($build/convene|echo) " >"$tmp/demo.sh"
copy_example "$tmp/examples"
(cd "$tmp" && sed "s|^$build/convene|\"$bin\"|" demo.sh | sh >demo.out 2>&1)
tzx() { sed 's/tzdata [0-9][0-9][0-9][0-9][a-z]*/tzdata X/g'; }
awk '/^<!-- tests\/it_docs.sh checks that the demo prints/ { on = 1; next }
     on && /^```/ { if (++fence == 2) exit; next }
     on && fence == 1' README.md | tzx >"$tmp/readme.demo"
tzx <"$tmp/demo.out" >"$tmp/demo.norm"
awk 'NR == FNR { out[++n] = $0; next }
     $0 == "..." { next }
     { while (i < n && out[++i] != $0) ; if (out[i] != $0) { print; missing = 1 } }
     END { exit missing }' "$tmp/demo.norm" "$tmp/readme.demo" >"$tmp/demo.missing"
if [ ! -s "$tmp/demo.sh" ]; then
	notok "make -n demo names no convene command"
elif [ "$(grep -cv '^\.\.\.$' "$tmp/readme.demo")" -lt 5 ]; then
	notok "README.md's demo block is missing or nearly empty"
elif [ ! -s "$tmp/demo.missing" ]; then
	ok "the demo prints every line of README.md's demo block, in order"
else
	notok "README.md's demo block has lines the demo does not print (in this order):"
	sed 's/^/#   /' "$tmp/demo.missing"
fi

# ---- the man page renders ---------------------------------------------------
groff -man -ww -z "$man" >"$tmp/groff.log" 2>&1
if [ ! -s "$tmp/groff.log" ]; then
	ok "the man page renders without groff warnings"
else
	notok "groff warns about the man page:"; sed 's/^/#   /' "$tmp/groff.log"
fi
