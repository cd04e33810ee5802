/*
 * transport_int.h - private: the best assignment of students to a set of
 * sections of limited capacity (a transportation problem), exactly, for
 * solve_capacity.c.  Not API.
 */
#ifndef CONVENE_TRANSPORT_INT_H
#define CONVENE_TRANSPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "solve_ext_int.h"

/* A class of students (one group, one weight) who can attend a section:
 * `a` occurrences live, `p` of them preferred, `r` 1 when that reaches them. */
typedef struct Cv_tentry {
	uint32_t cls;
	uint8_t a, p, r, pad;
} Cv_tentry;

/* A section's classes, best value per student first (ties: lower cls first). */
typedef struct Cv_tcolumn {
	const Cv_tentry *e;
	size_t n;
} Cv_tcolumn;

/* The value one student of `weight` gets from entry x, in objective order. */
static inline Cv_lex Cv_tentry_value(const Cv_tentry *x, uint64_t weight, int reach_first)
{
	Cv_lex v;
	int64_t w = (int64_t)weight;
	v.v[0] = w * (reach_first ? x->r : x->a);
	v.v[1] = w * (reach_first ? x->a : x->r);
	v.v[2] = w * x->p;
	return v;
}

/* The same packed in one word, ordered as the value: each part is below
 * 2^20 (weights at most CV_WEIGHT_MAX, counts below 256); 0 = cannot attend. */
static inline uint64_t Cv_tentry_key(const Cv_tentry *x, uint64_t weight, int reach_first)
{
	Cv_lex v = Cv_tentry_value(x, weight, reach_first);
	return (uint64_t)v.v[0] << 40 | (uint64_t)v.v[1] << 20 | (uint64_t)v.v[2];
}

typedef struct Cv_transport Cv_transport;

/*
 * A workspace for problems over classes 0..nclasses-1: class c has heads[c]
 * students of weight weight[c] (both borrowed, they must outlive it); each
 * section holds at most `capacity` students.  Returns 0 or CV_ENOMEM.
 */
int Cv_transport_new(Cv_transport **out, size_t nclasses, const uint32_t *heads,
		     const uint64_t *weight, uint64_t capacity, int reach_first);
void Cv_transport_free(Cv_transport *t);

/*
 * Fix the sections cols[0..ns) (ns < CV_COUNT_MAX) that the next solves
 * build on: their classes are merged by their values (borrowed columns).
 * Returns 0 or CV_ENOMEM.
 */
int Cv_transport_base(Cv_transport *t, const Cv_tcolumn *cols, size_t ns);

/*
 * The largest total value of students live in the base's sections and, when
 * `extra` is not NULL, one more section: each student live in at most one
 * section, only where an entry says they can attend, each section with at
 * most `capacity` students.  Solved by successive longest augmenting paths,
 * so the optimum is exact and the same on every run.  With `duals`, the
 * optimal dual values of the classes are kept for Cv_transport_dual() (a
 * student's share of the optimum beyond the seat's price).  With `flows`,
 * flows[c * n + s] gets the students of class c live in section s (s = ns
 * for `extra`; n = ns, or ns + 1 with extra) for every class of the
 * columns (others untouched).  Returns 0 with *out set, or CV_ENOMEM.
 */
int Cv_transport_solve(Cv_lex *out, Cv_transport *t, const Cv_tcolumn *extra, int duals,
		       uint32_t *flows);

/* A class's dual value from the last solve asked for duals (0 for a class
 * in none of its columns). */
const Cv_lex *Cv_transport_dual(const Cv_transport *t, uint32_t cls);

#endif
