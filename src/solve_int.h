/*
 * solve_int.h - private: switches of the solver that exist for its tests.
 * Not API.
 */
#ifndef CONVENE_SOLVE_INT_H
#define CONVENE_SOLVE_INT_H

#include "convene/solve.h"

/* How the search may bound; all zero is what cv_solve_top() does. */
typedef struct Cv_solve_tuning {
	int no_lagrange; /* 1: the cheap bounds only (to test that the strong one only prunes) */
} Cv_solve_tuning;

/* cv_solve_top() with tuning (NULL: none); returns what cv_solve_top() returns. */
int Cv_solve_top_tuned(cv_solution *out, size_t *nout, size_t max, const cv_grid *grid,
		       const cv_solve_options *options, const Cv_solve_tuning *tuning);

#endif
