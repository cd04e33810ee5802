#!/bin/sh
# it_zones.sh BUILD - `convene zones [PATTERN]`: names the resolver refuses
# (abbreviations, vague names, offsets written as names) get the refusal and
# its suggestions and exit 65, never a substring listing that looks like an
# answer ("EST" is a substring of America/Creston, "GMT+5" of Etc/GMT+5,
# which is UTC-05:00); exact names resolve (canonical name, current offset,
# next change); listings show name, canonical name of a link, current offset.
# Offsets and changes are checked against Python's zoneinfo at run time, so
# nothing here depends on the tzdata release.  Prints TAP-style lines.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_exe "$bin"

z() { # z EXPECTED_EXIT WHAT PATTERN...
	want=$1; what=$2; shift 2
	expect_exit "$want" "$what" "$bin" zones "$@"
}
has() { # has FILE FIXED-STRING WHAT
	if grep -qF -- "$2" "$1"; then ok "$3"; else notok "$3"; show 5 "$1"; fi
}
empty() { # empty FILE WHAT
	if [ ! -s "$1" ]; then ok "$2"; else notok "$2"; show 5 "$1"; fi
}

# Refused names: the refusal on stderr, nothing listed, exit 65.
refused() { # refused PATTERN SUGGESTION...
	p=$1; shift
	z 65 "zones '$p' is refused (exit 65)" "$p"
	empty "$tmp/out" "zones '$p' lists nothing"
	for s in "$@"; do
		has "$tmp/err" "$s" "zones '$p' suggests $s"
	done
}
refused EST America/New_York
refused PST America/Los_Angeles
refused CST America/Chicago America/Mexico_City
refused IST Asia/Kolkata Europe/Dublin Asia/Jerusalem
refused BST Europe/London
refused Eastern America/New_York
refused GMT+5 Etc/GMT-5 "UTC+05:00"
refused Europe/Londn "did you mean Europe/London?"
z 65 "an unknown name that matches nothing exits 65" Nowhere/Atlantis
has "$tmp/err" "unknown time zone" "the unknown name is reported as unknown"

# Exact names resolve.  Each answer line is checked against zoneinfo below.
: >"$tmp/resolved"
resolves() { # resolves PATTERN CANONICAL
	z 0 "zones '$1' resolves" "$1"
	has "$tmp/out" "$2" "zones '$1' names $2"
	printf '%s|' "$1" >>"$tmp/resolved"
	head -n 1 "$tmp/out" >>"$tmp/resolved"
}
t0=$(date +%s)
resolves Asia/Calcutta "Asia/Calcutta -> Asia/Kolkata	"
resolves "Pacific Standard Time" "Pacific Standard Time -> America/Los_Angeles	"
resolves UTC "UTC	+00:00	no change ahead"
resolves Etc/UTC "Etc/UTC -> UTC	+00:00	no change ahead"
resolves Etc/GMT+5 "Etc/GMT+5	-05:00	no change ahead"
resolves Europe/London "Europe/London	"
resolves America/Santiago "America/Santiago	"
t1=$(date +%s)

z 0 "zones with no pattern lists every name"
cp "$tmp/out" "$tmp/all"
z 0 "zones Calcutta lists the link by substring" Calcutta
has "$tmp/out" "Asia/Calcutta -> Asia/Kolkata	+05:30" "the listed link shows its zone and offset"
z 0 "zones york lists by substring, ignoring case" york
has "$tmp/out" "America/New_York	" "America/New_York is listed"
t2=$(date +%s)

"$py" - "$tmp/resolved" "$tmp/all" "$t0" "$t1" "$t2" <<'PYEOF'
import datetime as dt, re, sys, zoneinfo
resolved, listing, t0, t1, t2 = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
UTC = dt.timezone.utc

def off(zone, t):
    if zone == "UTC":
        return 0
    return int(dt.datetime.fromtimestamp(t, UTC).astimezone(zoneinfo.ZoneInfo(zone))
               .utcoffset().total_seconds())

def text(o):
    s = "-" if o < 0 else "+"
    return "%s%02d:%02d" % (s, abs(o) // 3600, abs(o) // 60 % 60)

def next_change(zone, t):
    """First instant after t with another offset (hourly scan, then bisection)."""
    if zone == "UTC":
        return None
    o, end = off(zone, t), t + 50 * 366 * 86400
    a = t
    while a < end:
        b = a + 3600
        if off(zone, b) != o:
            while b - a > 1:
                m = (a + b) // 2
                a, b = (m, b) if off(zone, m) == o else (a, m)
            return b
        a = b
    return None

def check(ok, what, detail=""):
    print(("ok - " if ok else "not ok - ") + what)
    if not ok and detail:
        print("#   " + detail)

for line in open(resolved, encoding="utf-8"):
    pat, out = line.rstrip("\n").split("|", 1)
    first = out.split("\t")
    name = first[0].split(" -> ")[-1]
    zone = "UTC" if name == "UTC" else name
    answers = set()
    for t in (t0, t1):
        o = off(zone, t)
        n = next_change(zone, t)
        if n is None:
            rest = "no change ahead"
        else:
            rest = "next change %s to %s" % (
                dt.datetime.fromtimestamp(n, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), text(off(zone, n)))
        answers.add("%s\t%s" % (text(o), rest))
    got = "\t".join(first[1:3])
    check(got in answers, "zones '%s': current offset and next change agree with zoneinfo" % pat,
          "convene %r, zoneinfo %r" % (got, sorted(answers)))

zones, links = set(), {}
for l in open("/usr/share/zoneinfo/tzdata.zi", encoding="utf-8"):
    p = l.split()
    if len(p) >= 2 and p[0] == "Z":
        zones.add(p[1])
    elif len(p) >= 3 and p[0] == "L":
        links[p[2]] = p[1]

def canon(n):
    for _ in range(8):
        if n not in links:
            break
        n = links[n]
    return "UTC" if n in ("Etc/UTC", "UTC") else n

bad_form, bad_canon, bad_off, names = [], [], [], []
for l in open(listing, encoding="utf-8"):
    m = re.fullmatch(r"(\S+)(?: -> (\S+))?\t([+-]\d\d:\d\d)\n", l)
    if not m:
        bad_form.append(l.rstrip("\n"))
        continue
    n, c, o = m.group(1), m.group(2) or m.group(1), m.group(3)
    names.append(n)
    if c != canon(n):
        bad_canon.append("%s: convene %s, tzdata.zi %s" % (n, c, canon(n)))
    if o not in (text(off(c, t1)), text(off(c, t2))):
        bad_off.append("%s: convene %s, zoneinfo %s" % (n, o, text(off(c, t2))))
refused = {"EST", "MST", "HST", "CET", "EET", "WET", "MET", "GMT", "Factory"}
expect = sorted((zones | set(links)) - refused)
check(not bad_form, "every listing line is NAME[ -> CANONICAL]<tab>OFFSET", "; ".join(bad_form[:3]))
check(names == expect, "the listing has the %d accepted names of tzdata.zi, sorted" % len(names),
      "missing %s, extra %s" % (sorted(set(expect) - set(names))[:5], sorted(set(names) - set(expect))[:5]))
check(not bad_canon, "every link in the listing shows its canonical zone (%d links)"
      % sum(1 for n in names if canon(n) != n), "; ".join(bad_canon[:3]))
check(not bad_off, "every listed offset is zoneinfo's current offset", "; ".join(bad_off[:3]))
PYEOF
