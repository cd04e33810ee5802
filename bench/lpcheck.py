#!/usr/bin/python3
"""Check a MIP solver's answer to `convene solve --export-lp` against convene.

usage: lpcheck.py MODEL.lp SOLUTION PLAN.json [--slots]

MODEL.lp is what convene wrote; SOLUTION is CBC's `-solu` file ("Optimal -
objective value V" then "index name value reduced-cost" lines); PLAN.json is
`convene solve --json` on the same course.  The value of the solver's answer
is recomputed exactly from the integer objective coefficients in MODEL.lp
(never from the solver's doubles), decoded with the scale the file states
("\\ value = FIRST * attendance + SECOND * reach + 1 * preferred") and
compared with convene's objective.  Prints one line; exit 0 when the solver
proved an optimum equal to convene's, 1 otherwise, 2 on bad input.
--slots prints the slots the solver chose ("Mon 09:00"), one per line, instead.
"""
import json, re, sys
from fractions import Fraction


def read_model(path):
    scale, slots, obj = None, {}, {}
    section = None
    with open(path) as f:
        for line in f:
            if line.startswith("\\"):
                m = re.match(r"\\ value = (\d+) \* (\w+) \+ (\d+) \* (\w+) \+ 1 \* preferred", line)
                if m:
                    scale = (int(m.group(1)), m.group(2), int(m.group(3)), m.group(4))
                m = re.match(r"\\ (x\d+) = (\w{3} \d\d:\d\d)$", line.rstrip("\n"))
                if m:
                    slots[m.group(1)] = m.group(2)
                continue
            tokens = line.split()
            if not tokens:
                continue
            if tokens[0] in ("Maximize", "Minimize"):
                section = "obj"
                continue
            if tokens[0] in ("Subject", "Bounds", "Binaries", "Generals", "End"):
                if section == "obj":
                    break  # the objective is all we need
                continue
            if section != "obj":
                continue
            coef = 1
            for t in tokens:
                if t.endswith(":") or t == "+":
                    continue
                if t[0].isdigit():
                    coef = int(t)
                    continue
                obj[t] = obj.get(t, 0) + coef
                coef = 1
    if scale is None:
        sys.exit("lpcheck: %s states no scale" % path)
    return scale, slots, obj


def read_solution(path):
    with open(path) as f:
        status = f.readline().strip()
        values = {}
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and not parts[0].startswith("*"):
                values[parts[1]] = parts[2]
            elif len(parts) >= 4 and parts[0] == "**":  # infeasibility markers
                values[parts[2]] = parts[3]
    return status, values


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        sys.exit(__doc__)
    scale, slots, obj = read_model(args[0])
    status, values = read_solution(args[1])
    chosen = sorted((v for v in values if v in slots and abs(float(values[v]) - 1) < 1e-6),
                    key=lambda v: int(v[1:]))
    if "--slots" in sys.argv:
        for v in chosen:
            print(slots[v])
        return 0
    plan = json.load(open(args[2]))["objective"]
    total = Fraction(0)
    for name, text in values.items():
        total += obj.get(name, 0) * Fraction(text)
    value = round(total)
    first, first_name, second, second_name = scale
    got = {first_name: value // first, second_name: value % first // second,
           "preferred": value % second}
    want = {k: plan[k] for k in ("attendance", "reach", "preferred")}
    reported = re.search(r"objective value (\S+)", status)
    ok = status.startswith("Optimal") and got == want
    if reported and abs(float(reported.group(1)) - value) > 1e-6 * max(1, value):
        ok = False  # the solver's own figure disagrees with its solution
    print("%s: %s; solver value %d = attendance %d, reach %d, preferred %d; convene %s; slots %s"
          % ("ok" if ok else "MISMATCH", status, value, got["attendance"], got["reach"],
             got["preferred"], "attendance %(attendance)d, reach %(reach)d, preferred %(preferred)d"
             % want, ", ".join(slots[v] for v in chosen)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
