/*
 * convene/solve.h - choosing the slots (DESIGN.md "Objective").
 *
 * The solver returns the proven optimum: no heuristic answer is ever
 * reported as optimal.  With a time limit it returns the best plan found,
 * an upper bound, and optimal = 0.
 */
#ifndef CONVENE_SOLVE_H
#define CONVENE_SOLVE_H

#include <stddef.h>
#include <stdint.h>
#include "grid.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An objective value; weights are already applied. */
typedef struct cv_score {
	int64_t attendance; /* weighted student-occurrences attended live */
	int64_t reach;      /* weighted students who attend at least once */
	int64_t preferred;  /* weighted attended occurrences inside preferred windows */
} cv_score;

typedef struct cv_solve_options {
	double time_limit;   /* seconds; 0 means prove the optimum whatever it takes */
	const size_t *pins;  /* candidates that must be chosen (borrowed) */
	size_t npins;
	const uint8_t *excluded; /* NULL, or one flag per candidate: never choose it (borrowed) */
	unsigned threads;    /* 0: one per online CPU; the answer is the same for any number */
} cv_solve_options;

typedef struct cv_solution {
	size_t count;                /* slots chosen */
	size_t slots[CV_COUNT_MAX];  /* candidate indices, ascending (home-week order) */
	cv_score score;
	cv_score bound;              /* upper bound on any plan; == score when optimal */
	int optimal;                 /* 1 when proven */
	uint64_t nodes;              /* search nodes explored */
	double root_bound;           /* the root's Lagrangian bound on the first component
				      * (attendance, or reach), 0 when none was computed:
				      * for judging the bound against an LP solver's */
} cv_solution;

/*
 * Solve.  Sections take `count` pairwise compatible slots, or as many as
 * fit when min-gap leaves less room; series take exactly `count`.  Pins are
 * always among the slots.  Returns 0 with *out filled, CV_ENOSLOT when there
 * is no candidate, the pins conflict, or series cannot fit `count`
 * sessions, or CV_ENOMEM.
 */
int cv_solve(cv_solution *out, const cv_grid *grid, const cv_solve_options *options);

/* Most plans cv_solve_top() ranks. */
#define CV_TOP_MAX 20

/*
 * The `max` best distinct plans, best first (ties: earlier in the home
 * week first), into out[0..*nout).  out[0] is what cv_solve() returns; with
 * optimal set, no plan missing from the list is better than out[*nout - 1].
 * Returns what cv_solve() returns, or CV_EUSAGE when max is 0 or above
 * CV_TOP_MAX.
 */
int cv_solve_top(cv_solution *out, size_t *nout, size_t max, const cv_grid *grid,
		 const cv_solve_options *options);

/* The objective of a given set of candidates (any order, distinct). */
void cv_evaluate(cv_score *out, const cv_grid *grid, const size_t *slots, size_t n);

/* <0, 0, >0 as a is worse than, equal to, better than b under `objective`. */
int cv_score_compare(const cv_score *a, const cv_score *b, cv_objective objective);

#ifdef __cplusplus
}
#endif
#endif
