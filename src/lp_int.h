/*
 * lp_int.h - private: writing CPLEX-LP rows, shared by lp.c and the model
 * of the course patterns (lp_ext.c).  Not API.
 */
#ifndef CONVENE_LP_INT_H
#define CONVENE_LP_INT_H

#include <stdint.h>
#include <stdio.h>

#include "convene/lp.h"

/* Lines stay under the CPLEX-LP limit of 255 bytes: a term is at most
 * " + " (3), 20 digits, a space and a name of at most 2 * 20 + 2 bytes. */
#define LINE_BREAK 180
#define NAME_LEN 48

/* A row or the objective being written: terms wrap before LINE_BREAK. */
typedef struct row {
	FILE *f;
	size_t col;
	int terms;
} row;

/* Start a row labelled prefix, prefix<a> or prefix<a>_<b> (`indices` 0, 1, 2). */
static inline void row_start(row *w, FILE *f, const char *prefix, size_t a, size_t b, int indices)
{
	w->f = f;
	w->terms = 0;
	if (indices == 2)
		w->col = (size_t)fprintf(f, " %s%zu_%zu:", prefix, a, b);
	else if (indices == 1)
		w->col = (size_t)fprintf(f, " %s%zu:", prefix, a);
	else
		w->col = (size_t)fprintf(f, " %s:", prefix);
}

/* Add "+ coef var" (a coefficient of 1 is not written), or "- var" when minus. */
static inline void row_term(row *w, int minus, uint64_t coef, const char *var)
{
	int len;

	if (w->col > LINE_BREAK) {
		fputs("\n  ", w->f);
		w->col = 2;
	}
	if (minus && coef != 1)
		len = fprintf(w->f, " - %llu %s", (unsigned long long)coef, var);
	else if (minus)
		len = fprintf(w->f, " - %s", var);
	else if (coef == 1)
		len = fprintf(w->f, " %s%s", w->terms ? "+ " : "", var);
	else
		len = fprintf(w->f, " %s%llu %s", w->terms ? "+ " : "", (unsigned long long)coef, var);
	w->col += len > 0 ? (size_t)len : 0;
	w->terms++;
}

static inline void row_end(row *w, const char *rel, unsigned long long rhs)
{
	fprintf(w->f, " %s %llu\n", rel, rhs);
}

/* The same with a negative right-hand side ("R >= -M"). */
static inline void row_end_neg(row *w, const char *rel, unsigned long long rhs)
{
	fprintf(w->f, " %s -%llu\n", rel, rhs);
}

/*
 * The model of a course with capacity, min-share, rotation or series of
 * several lengths (lp_ext.c), after lp.c's header: objective, rows,
 * bounds and the integer variables.  Returns 0 or CV_EIO.
 */
int Cv_lp_write_ext(FILE *f, const cv_grid *grid, const cv_solve_options *options,
		    const cv_lp_scale *scale);

#endif
