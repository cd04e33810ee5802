/*
 * solve_ext.c - the frame the searches of solve_capacity.c and
 * solve_rotation.c share: which courses they take, allowed candidates and
 * pins, the list of the best plans with its earliest-first rule, the clock,
 * and the answer as cv_solution.
 */
#include <stdlib.h>
#include <string.h>

#include "solve_ext_int.h"

int Cv_ext_applies(const cv_grid *g)
{
	const cv_course *c = cv_grid_course(g);
	return c->capacity > 0 || c->min_share > 0 || c->mode == CV_MODE_ROTATION ||
	       c->ndurations > 0;
}

void Cv_ext_score(cv_score *out, int reach_first, const Cv_lex *v)
{
	out->attendance = reach_first ? v->v[1] : v->v[0];
	out->reach = reach_first ? v->v[0] : v->v[1];
	out->preferred = v->v[2];
}

int Cv_ext_init(Cv_ext *e, const cv_grid *g, const cv_solve_options *o, size_t max)
{
	const cv_course *c = cv_grid_course(g);
	const uint8_t *excluded = o ? o->excluded : NULL;
	size_t i, j;

	memset(e, 0, sizeof(*e));
	e->g = g;
	e->n = cv_grid_candidates(g);
	e->ng = cv_grid_groups(g);
	e->reach_first = c->objective == CV_OBJECTIVE_REACH;
	e->share = c->min_share;
	e->max_top = max;
	e->allowed = malloc(e->n + 1);
	if (!e->allowed)
		return CV_ENOMEM;
	for (i = 0; i < e->n; i++)
		e->allowed[i] = !excluded || !excluded[i];
	if (o && o->npins > CV_COUNT_MAX)
		return CV_ENOSLOT;
	for (i = 0; o && i < o->npins; i++) {
		size_t p = o->pins[i];
		if (p >= e->n || !e->allowed[p])
			return CV_ENOSLOT;
		for (j = 0; j < e->npins; j++)
			if (e->pins[j] == p)
				return CV_ENOSLOT;
		e->pins[e->npins++] = p;
	}
	return CV_OK;
}

void Cv_ext_free(Cv_ext *e)
{
	free(e->allowed);
	e->allowed = NULL;
}

static int tuple_cmp(const size_t *a, const size_t *b, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

int Cv_ext_dominated(const Cv_ext *e, const Cv_lex *bound, const size_t *path, size_t len)
{
	const size_t *worst;
	size_t i;
	int cmp;

	if (e->ntop < e->max_top)
		return 0;
	worst = e->top[e->ntop - 1];
	cmp = Cv_lex_cmp(bound, &e->top_val[e->ntop - 1]);
	if (cmp != 0)
		return cmp < 0;
	for (i = 0; i < len; i++)
		if (worst[i] != path[i])
			return worst[i] < path[i];
	return 0;
}

void Cv_ext_offer(Cv_ext *e, const Cv_lex *v, const size_t *path)
{
	size_t i, at;

	for (at = 0; at < e->ntop; at++) {
		int cmp = Cv_lex_cmp(v, &e->top_val[at]);
		if (cmp == 0) {
			int order = tuple_cmp(path, e->top[at], e->len);
			if (order == 0)
				return; /* found again */
			cmp = -order;
		}
		if (cmp > 0)
			break;
	}
	for (i = at + 1; i < e->ntop; i++) /* the same tuple further down cannot be */
		if (!tuple_cmp(path, e->top[i], e->len))
			return;
	if (at == e->max_top)
		return;
	if (e->ntop < e->max_top)
		e->ntop++;
	for (i = e->ntop - 1; i > at; i--) {
		memcpy(e->top[i], e->top[i - 1], sizeof(e->top[i]));
		e->top_val[i] = e->top_val[i - 1];
	}
	memcpy(e->top[at], path, sizeof(size_t) * e->len);
	e->top_val[at] = *v;
}

int Cv_ext_out_of_time(Cv_ext *e)
{
	struct timespec now;

	if (!e->limited || (e->nodes & 255) != 1)
		return e->timed_out;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > e->deadline.tv_sec ||
	    (now.tv_sec == e->deadline.tv_sec && now.tv_nsec >= e->deadline.tv_nsec))
		e->timed_out = 1;
	return e->timed_out;
}

void Cv_ext_raise_bound(Cv_ext *e, const Cv_lex *b)
{
	if (Cv_lex_cmp(b, &e->bound) > 0)
		e->bound = *b;
}

size_t Cv_ext_max_compatible(const Cv_ext *e, const uint8_t *ok, size_t cap)
{
	size_t best = 0, f, i, j, d;

	/* Arcs of one length on the week's cycle: fixing the first chosen arc
	 * turns the rest into an interval problem the earliest-first greedy
	 * solves exactly.  With arcs of several lengths it may fall short,
	 * which only makes a series report that its sessions do not fit when
	 * they barely do; the searches never rely on it for a bound. */
	for (f = 0; f < e->n && best < cap; f++) {
		size_t pick[CV_COUNT_MAX], np = 1;
		if (!e->allowed[f] || (ok && !ok[f]))
			continue;
		pick[0] = f;
		for (i = 1; i < e->n && np < cap; i++) {
			j = (f + i) % e->n;
			if (!e->allowed[j] || (ok && !ok[j]))
				continue;
			for (d = 0; d < np && cv_grid_compatible(e->g, pick[d], j); d++)
				;
			if (d == np)
				pick[np++] = j;
		}
		if (np > best)
			best = np;
	}
	return best;
}

static void start_clock(Cv_ext *e, double time_limit)
{
	double whole;

	if (time_limit <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &e->deadline);
	whole = (double)e->deadline.tv_nsec / 1e9 + time_limit;
	e->deadline.tv_sec += (time_t)whole;
	e->deadline.tv_nsec = (long)((whole - (double)(time_t)whole) * 1e9);
	e->limited = 1;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* The best plans as cv_solution: rotation keeps its slots in phase order
 * (slots[j] serves phase j), every other mode lists them ascending. */
static void write_solutions(cv_solution *out, size_t *nout, const Cv_ext *e, int keep_order)
{
	size_t t;

	for (t = 0; t < e->ntop; t++) {
		cv_solution *o = &out[t];
		memset(o, 0, sizeof(*o));
		o->count = e->len;
		memcpy(o->slots, e->top[t], sizeof(size_t) * e->len);
		if (!keep_order)
			qsort(o->slots, o->count, sizeof(size_t), size_cmp);
		Cv_ext_score(&o->score, e->reach_first, &e->top_val[t]);
		o->optimal = !e->timed_out;
		if (e->timed_out && Cv_lex_cmp(&e->bound, &e->top_val[0]) > 0)
			Cv_ext_score(&o->bound, e->reach_first, &e->bound);
		else
			Cv_ext_score(&o->bound, e->reach_first, &e->top_val[0]);
		o->nodes = e->nodes;
	}
	*nout = e->ntop;
}

int Cv_ext_solve_top(cv_solution *out, size_t *nout, size_t max, const cv_grid *g,
		     const cv_solve_options *o)
{
	const cv_course *c = cv_grid_course(g);
	Cv_ext e;
	int rc;

	if (cv_grid_candidates(g) == 0)
		return CV_ENOSLOT;
	if (max == 0 || max > CV_TOP_MAX)
		return CV_EUSAGE;
	rc = Cv_ext_init(&e, g, o, max);
	if (!rc) {
		start_clock(&e, o ? o->time_limit : 0);
		rc = c->mode == CV_MODE_SECTIONS ? Cv_capacity_solve(&e, o) : Cv_rotation_solve(&e, o);
	}
	if (!rc && !e.ntop)
		rc = CV_ENOSLOT;
	if (!rc)
		write_solutions(out, nout, &e, c->mode == CV_MODE_ROTATION);
	Cv_ext_free(&e);
	return rc;
}

void Cv_ext_evaluate(cv_score *out, const cv_grid *g, const size_t *slots, size_t n)
{
	int rc = cv_grid_course(g)->mode == CV_MODE_SECTIONS ? Cv_capacity_evaluate(out, g, slots, n)
							      : Cv_rotation_evaluate(out, g, slots, n);
	if (rc)
		memset(out, 0, sizeof(*out));
}
