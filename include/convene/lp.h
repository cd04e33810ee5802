/*
 * convene/lp.h - the solver's model as a CPLEX-LP integer program, so that
 * any MIP solver (CBC, HiGHS, SCIP, CPLEX, Gurobi) can check convene's
 * optimum or race it.
 *
 * The lexicographic objective (DESIGN.md "Objective") becomes one integer:
 *
 *     value = first * F + second * S + P
 *
 * where (F, S) is (attendance, reach), or (reach, attendance) with
 * objective = reach, and P is preferred.  With bounds F <= Fmax, S <= Smax,
 * P <= Pmax that hold for every plan of the grid, second = Pmax + 1 and
 * first = (Smax + 1) * (Pmax + 1) make value a mixed-radix number: it orders
 * plans exactly as cv_score_compare() does, and F, S, P come back by
 * division.  These are the smallest multipliers that are exact for the
 * grid, which keeps values small: a roster without preferred windows has
 * Pmax = 0, second = 1.  Ties between plans with equal scores (convene
 * takes the earliest slots in the home week) are not expressed: compare
 * values, not slots.
 */
#ifndef CONVENE_LP_H
#define CONVENE_LP_H

#include <stdint.h>
#include <stdio.h>
#include "grid.h"
#include "solve.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Solvers that compute in doubles (CBC, HiGHS) are exact up to here. */
#define CV_LP_DOUBLE_EXACT ((uint64_t)1 << 53)

typedef struct cv_lp_scale {
	cv_objective objective;  /* which component comes first */
	uint64_t first, second;  /* multipliers of F and S; P's is 1 */
	uint64_t max_first, max_second, max_preferred; /* Fmax, Smax, Pmax */
	uint64_t max_value;      /* (Fmax + 1) (Smax + 1) (Pmax + 1) - 1 >= every plan's value */
} cv_lp_scale;

/*
 * The multipliers for a grid (options may be NULL: excluded candidates
 * tighten the bounds; pins and the time limit are ignored).  Returns 0 with
 * *out filled, or CV_EDATA when some value would not fit in 64 bits (weights
 * in the billions).
 */
int cv_lp_scale_compute(cv_lp_scale *out, const cv_grid *grid, const cv_solve_options *options);

/* The value of a score under a scale (exact when the score is a plan's of that grid). */
uint64_t cv_lp_value(const cv_lp_scale *scale, const cv_score *score);

/*
 * Write the model to f as a CPLEX-LP program (lines under 255 bytes, the
 * format's limit; written as it goes, nothing is buffered).  Variables:
 * binary x<c> (candidate c is chosen); sections: y<g>_<c> in [0, 1] (group g
 * is assigned section c), only where the group can attend c; series:
 * z<g> in [0, 1] (group g attends at least once).  The y and z need not be
 * declared integer: once the x are 0/1 their polytope has integral vertices.
 * Rows: k (sections: at most `count` slots, which has the same optimum as
 * convene's "count, or as many as fit", since a slot never lowers the
 * value; series: exactly `count`), c<a>_<b> (a and b are not min-gap
 * apart), pin<c> (x = 1), out<c> (excluded: x = 0), g<g> (one section per
 * group), l<g>_<c> (y <= x), r<g> (z <= the x the group can attend).
 * Comment lines (starting with a backslash) state the scale, as
 * "value = FIRST * attendance + SECOND * reach + 1 * preferred", and every
 * candidate, as "x12 = Mon 03:00"; a value above CV_LP_DOUBLE_EXACT is
 * warned about.  The time limit in options is ignored; pins that conflict
 * give an infeasible program, as they make cv_solve() fail.
 * Returns 0, CV_ENOSLOT when there is no candidate or a pin is not a
 * candidate, is repeated, or one of more than CV_COUNT_MAX (as cv_solve()),
 * CV_EDATA when the scale does not fit (cv_lp_scale_compute()), or CV_EIO
 * when writing fails (f is flushed; the caller closes it).
 */
int cv_lp_write(FILE *f, const cv_grid *grid, const cv_solve_options *options);

#ifdef __cplusplus
}
#endif
#endif
