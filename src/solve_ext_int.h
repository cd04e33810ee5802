/*
 * solve_ext_int.h - private: the exact searches for the course shapes that
 * solve.c's branch and bound does not model (DESIGN.md "Objective"):
 *
 *   - sections with `capacity` or `min-share`: the value of a set of slots
 *     is an assignment of students to sections (solve_capacity.c, with the
 *     transportation problem of transport.c);
 *   - series with `min-share` or sessions of different lengths, and
 *     rotation: one slot for each session or phase, the values adding up
 *     and reach a threshold on the sum (solve_rotation.c).
 *
 * solve.c hands such courses over through Cv_ext_applies() and the two
 * entry points below; everything else stays in solve.c.  Both searches
 * return the proven optimum (an upper bound and `optimal` as cv_solve()),
 * and both are deterministic: ties go to the earliest slots, compared slot
 * by slot in the order of their sessions (phases in rotation).  Not API.
 */
#ifndef CONVENE_SOLVE_EXT_INT_H
#define CONVENE_SOLVE_EXT_INT_H

#include <stdint.h>
#include <time.h>

#include "convene/solve.h"

/* An objective value in the order it is compared: (attendance, reach,
 * preferred), or (reach, attendance, preferred) with objective = reach. */
typedef struct Cv_lex {
	int64_t v[3];
} Cv_lex;

static inline int Cv_lex_cmp(const Cv_lex *a, const Cv_lex *b)
{
	int i;
	for (i = 0; i < 3; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return 0;
}

static inline void Cv_lex_add(Cv_lex *a, const Cv_lex *b)
{
	a->v[0] += b->v[0];
	a->v[1] += b->v[1];
	a->v[2] += b->v[2];
}

static inline void Cv_lex_sub(Cv_lex *a, const Cv_lex *b)
{
	a->v[0] -= b->v[0];
	a->v[1] -= b->v[1];
	a->v[2] -= b->v[2];
}

/* What both searches share: candidates, pins, the best plans so far, the clock. */
typedef struct Cv_ext {
	const cv_grid *g;
	size_t n, ng;              /* candidates, groups */
	int reach_first;
	unsigned share;            /* min-share in percent; 0: one occurrence is enough */
	uint8_t *allowed;          /* per candidate: not excluded (pins are allowed) */
	size_t pins[CV_COUNT_MAX], npins;

	size_t len;                /* slots in a plan's tuple (what offer() compares) */
	size_t top[CV_TOP_MAX][CV_COUNT_MAX]; /* the best tuples so far, best first */
	Cv_lex top_val[CV_TOP_MAX];
	size_t ntop, max_top;

	struct timespec deadline;
	int limited, timed_out;
	uint64_t nodes;
	Cv_lex bound;              /* upper bound on what was not explored (time limit) */
} Cv_ext;

/* 1 when the course needs these searches: capacity, min-share, rotation, or
 * series sessions of different lengths. */
int Cv_ext_applies(const cv_grid *grid);

/* cv_solve_top() and cv_evaluate() for such courses (the same contracts). */
int Cv_ext_solve_top(cv_solution *out, size_t *nout, size_t max, const cv_grid *grid,
		     const cv_solve_options *options);
void Cv_ext_evaluate(cv_score *out, const cv_grid *grid, const size_t *slots, size_t n);

/* The two families; each fills e's top list (see Cv_ext_write()). */
int Cv_capacity_solve(Cv_ext *e, const cv_solve_options *options);
int Cv_capacity_evaluate(cv_score *out, const cv_grid *grid, const size_t *slots, size_t n);
int Cv_rotation_solve(Cv_ext *e, const cv_solve_options *options);
int Cv_rotation_evaluate(cv_score *out, const cv_grid *grid, const size_t *slots, size_t n);

/*
 * Who attends which section live, for a set of sections `slots` (any
 * order, distinct) of a sections course: out_section[i] gets the index into
 * slots[] of roster student i's section, out_live[i] 1 when i attends it
 * live (with capacity, only as many as fit; without, whoever can attend
 * once).  A student not live is in the section they could attend best (the
 * earliest of equals), or the first one when they can attend none.  The
 * same assignment the search valued.  Returns 0 or CV_ENOMEM.
 */
int Cv_capacity_assign(size_t *out_section, uint8_t *out_live, const cv_grid *grid,
		       const size_t *slots, size_t n);

/* The least number of occurrences, out of `expected`, that counts a student
 * as reached under min-share `share` (percent; 0: any one). */
static inline unsigned Cv_reach_threshold(unsigned share, unsigned expected)
{
	unsigned t = (share * expected + 99) / 100;
	return t ? t : 1;
}

/* The shared frame: allowed candidates and pins (0, CV_ENOSLOT for pins
 * that are out of range, repeated or excluded, or CV_ENOMEM). */
int Cv_ext_init(Cv_ext *e, const cv_grid *grid, const cv_solve_options *options, size_t max);
void Cv_ext_free(Cv_ext *e);
/* The value v of the tuple path[0..e->len) offered to the list of best plans. */
void Cv_ext_offer(Cv_ext *e, const Cv_lex *v, const size_t *path);
/* 1 when a subtree with this bound, whose tuples all start with
 * path[0..len), cannot enter the list of best plans. */
int Cv_ext_dominated(const Cv_ext *e, const Cv_lex *bound, const size_t *path, size_t len);
/* With a time limit: 1 once it has passed (read every 256 nodes). */
int Cv_ext_out_of_time(Cv_ext *e);
void Cv_ext_raise_bound(Cv_ext *e, const Cv_lex *b);
/* A value in objective order as a score, and back. */
void Cv_ext_score(cv_score *out, int reach_first, const Cv_lex *v);
/* The largest number of pairwise compatible allowed candidates, up to cap,
 * among those flagged in ok[] (NULL: all allowed). */
size_t Cv_ext_max_compatible(const Cv_ext *e, const uint8_t *ok, size_t cap);

#endif
