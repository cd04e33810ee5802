/*
 * solve.c - exact branch and bound over sets of candidates.
 *
 * The objective is a lexicographic tuple (DESIGN.md "Objective").  Both
 * modes are monotone submodular in the chosen set when tuples are added
 * componentwise and compared lexicographically (an ordered group), so
 * "current value + the r largest marginal gains" bounds every completion
 * of a node with r slots left.  Nodes are explored in ascending candidate
 * order; a node is pruned only when its bound is worse than the incumbent,
 * or equal to it while the incumbent is earlier in the home week than any
 * completion of the node, so the answer is the earliest optimal set.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convene/solve.h"

/* An objective value in the order it is compared (attendance or reach first). */
typedef struct val {
	int64_t v[3];
} val;

static int val_cmp(const val *a, const val *b)
{
	int i;
	for (i = 0; i < 3; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return 0;
}

static void val_add(val *a, const val *b)
{
	a->v[0] += b->v[0];
	a->v[1] += b->v[1];
	a->v[2] += b->v[2];
}

/* Per-group state: sections keep the best (attend, preferred) among the
 * chosen slots; series keep the total attended. */
typedef struct gstate {
	uint16_t attend;
	uint16_t preferred;
} gstate;

typedef struct search {
	const cv_grid *g;
	size_t n, ng;
	int series, reach_first;
	size_t want;               /* free slots to choose (K minus pins) */
	uint8_t *allowed;          /* per candidate: not pinned, compatible with every pin */
	size_t pins[CV_COUNT_MAX], npins;

	gstate *state;             /* (want + 1) levels of ng states */
	val *gain;                 /* (want + 1) levels of n gains */
	uint8_t *ok;               /* (want + 1) levels of n flags: usable at this node */
	size_t path[CV_COUNT_MAX];

	size_t best[CV_COUNT_MAX];
	val best_val;
	int have_best;

	struct timespec deadline;
	int limited, timed_out;
	uint64_t nodes;
	val bound;                 /* upper bound on what was not explored (time limit) */
} search;

/* The value a group contributes with best key (a, p) or total a. */
static void contribution(val *out, const search *s, uint64_t w, unsigned a, unsigned p)
{
	int64_t att = (int64_t)(w * a), reach = a ? (int64_t)w : 0, pre = (int64_t)(w * p);
	out->v[0] = s->reach_first ? reach : att;
	out->v[1] = s->reach_first ? att : reach;
	out->v[2] = pre;
}

/* Marginal gain of candidate c for group k in state st. */
static void group_gain(val *out, const search *s, size_t k, size_t c, const gstate *st)
{
	unsigned a = cv_grid_attend(s->g, k, c), p = cv_grid_preferred(s->g, k, c);
	uint64_t w = cv_grid_group_weight(s->g, k);
	val before, after;

	if (s->series) {
		unsigned t = st->attend;
		out->v[0] = out->v[1] = 0;
		contribution(&after, s, w, t + a, 0);
		contribution(&before, s, w, t, 0);
		/* attendance and preferred add up; only reach depends on the total */
		out->v[0] = after.v[0] - before.v[0];
		out->v[1] = after.v[1] - before.v[1];
		out->v[2] = (int64_t)(w * p);
		return;
	}
	if (a < st->attend || (a == st->attend && p <= st->preferred)) {
		memset(out, 0, sizeof(*out));
		return;
	}
	contribution(&after, s, w, a, p);
	contribution(&before, s, w, st->attend, st->preferred);
	out->v[0] = after.v[0] - before.v[0];
	out->v[1] = after.v[1] - before.v[1];
	out->v[2] = after.v[2] - before.v[2];
}

static void apply(gstate *dst, const gstate *src, const search *s, size_t c)
{
	size_t k;
	for (k = 0; k < s->ng; k++) {
		unsigned a = cv_grid_attend(s->g, k, c), p = cv_grid_preferred(s->g, k, c);
		dst[k] = src[k];
		if (s->series) {
			dst[k].attend = (uint16_t)(src[k].attend + a);
		} else if (a > src[k].attend || (a == src[k].attend && p > src[k].preferred)) {
			dst[k].attend = (uint16_t)a;
			dst[k].preferred = (uint16_t)p;
		}
	}
}

/* Gains of every usable candidate at a node; returns how many are usable. */
static size_t node_gains(search *s, size_t depth, size_t from)
{
	const gstate *st = s->state + depth * s->ng;
	val *gain = s->gain + depth * s->n;
	uint8_t *ok = s->ok + depth * s->n;
	size_t c, k, d, usable = 0;

	for (c = 0; c < s->n; c++) {
		ok[c] = c >= from && s->allowed[c];
		for (d = 0; ok[c] && d < depth; d++)
			ok[c] = (uint8_t)cv_grid_compatible(s->g, s->path[d], c);
		if (!ok[c])
			continue;
		usable++;
		memset(&gain[c], 0, sizeof(val));
		for (k = 0; k < s->ng; k++) {
			val gk;
			group_gain(&gk, s, k, c, st + k);
			val_add(&gain[c], &gk);
		}
	}
	return usable;
}

/* The sum of the r largest gains among usable candidates >= from (r <= CV_COUNT_MAX). */
static void top_sum(val *out, const search *s, size_t depth, size_t from, size_t r)
{
	const val *gain = s->gain + depth * s->n;
	const uint8_t *ok = s->ok + depth * s->n;
	val top[CV_COUNT_MAX];
	size_t have = 0, c, i;

	for (c = from; c < s->n && r; c++) {
		if (!ok[c])
			continue;
		if (have < r) {
			i = have++;
		} else if (val_cmp(&gain[c], &top[r - 1]) > 0) {
			i = r - 1;
		} else {
			continue;
		}
		while (i > 0 && val_cmp(&gain[c], &top[i - 1]) > 0) {
			top[i] = top[i - 1];
			i--;
		}
		top[i] = gain[c];
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < have; i++)
		val_add(out, &top[i]);
}

/* 1 if a subtree with this bound, whose sets all start with path[0..len), cannot
 * beat the incumbent (worse, or equal but later in the home week). */
static int dominated(const search *s, const val *bound, size_t len)
{
	int cmp;
	size_t i;

	if (!s->have_best)
		return 0;
	cmp = val_cmp(bound, &s->best_val);
	if (cmp != 0)
		return cmp < 0;
	for (i = 0; i < len; i++)
		if (s->best[i] != s->path[i])
			return s->best[i] < s->path[i];
	return 0;
}

static void offer(search *s, const val *v)
{
	int cmp = s->have_best ? val_cmp(v, &s->best_val) : 1;
	size_t i;

	if (cmp < 0)
		return;
	if (cmp == 0) {
		for (i = 0; i < s->want && s->path[i] == s->best[i]; i++)
			;
		if (i == s->want || s->path[i] > s->best[i])
			return;
	}
	memcpy(s->best, s->path, sizeof(size_t) * s->want);
	s->best_val = *v;
	s->have_best = 1;
}

static int out_of_time(search *s)
{
	struct timespec now;
	/* the clock is read at the root and then every 256 nodes */
	if (!s->limited || (s->nodes & 255) != 1)
		return s->timed_out;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > s->deadline.tv_sec ||
	    (now.tv_sec == s->deadline.tv_sec && now.tv_nsec >= s->deadline.tv_nsec))
		s->timed_out = 1;
	return s->timed_out;
}

static void raise_bound(search *s, const val *b)
{
	if (val_cmp(b, &s->bound) > 0)
		s->bound = *b;
}

static void dfs(search *s, size_t depth, size_t from, const val *cur)
{
	size_t r = s->want - depth, c;
	val bound;

	s->nodes++;
	if (r == 0) {
		offer(s, cur);
		return;
	}
	if (node_gains(s, depth, from) < r)
		return;
	top_sum(&bound, s, depth, from, r);
	val_add(&bound, cur);
	if (dominated(s, &bound, depth))
		return;
	for (c = from; c < s->n; c++) {
		const val *gain = s->gain + depth * s->n;
		val child;
		if (!s->ok[depth * s->n + c])
			continue;
		if (out_of_time(s)) {
			/* everything from c on is unexplored: bound it and stop */
			top_sum(&bound, s, depth, c, r);
			val_add(&bound, cur);
			raise_bound(s, &bound);
			return;
		}
		/* cheap child bound: submodularity makes the parent's gains an over-estimate */
		top_sum(&child, s, depth, c + 1, r - 1);
		val_add(&child, &gain[c]);
		val_add(&child, cur);
		s->path[depth] = c;
		if (dominated(s, &child, depth + 1))
			continue;
		apply(s->state + (depth + 1) * s->ng, s->state + depth * s->ng, s, c);
		child = *cur;
		val_add(&child, &gain[c]);
		dfs(s, depth + 1, c + 1, &child);
	}
}

/* The largest number of pairwise compatible usable candidates, up to `cap`.
 * Candidates are arcs of one length on the week's cycle: fixing the first
 * chosen arc turns the rest into an interval problem that the earliest-first
 * greedy solves exactly. */
static size_t max_compatible(const search *s, size_t cap)
{
	size_t best = 0, f, i, j, d;

	for (f = 0; f < s->n && best < cap; f++) {
		size_t pick[CV_COUNT_MAX], np = 1;
		if (!s->allowed[f])
			continue;
		pick[0] = f;
		for (i = 1; i < s->n && np < cap; i++) {
			j = (f + i) % s->n;
			if (!s->allowed[j])
				continue;
			for (d = 0; d < np && cv_grid_compatible(s->g, pick[d], j); d++)
				;
			if (d == np)
				pick[np++] = j;
		}
		if (np > best)
			best = np;
	}
	return best;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

static void to_score(cv_score *out, const search *s, const val *v)
{
	out->attendance = s->reach_first ? v->v[1] : v->v[0];
	out->reach = s->reach_first ? v->v[0] : v->v[1];
	out->preferred = v->v[2];
}

static void init_search(search *s, const cv_grid *g)
{
	const cv_course *course = cv_grid_course(g);
	memset(s, 0, sizeof(*s));
	s->g = g;
	s->n = cv_grid_candidates(g);
	s->ng = cv_grid_groups(g);
	s->series = course->mode == CV_MODE_SERIES;
	s->reach_first = course->objective == CV_OBJECTIVE_REACH;
}

/* The value of a set, from scratch. */
static void evaluate(val *out, search *s, const size_t *slots, size_t n, gstate *st)
{
	size_t k, i;
	memset(out, 0, sizeof(*out));
	memset(st, 0, sizeof(gstate) * s->ng);
	for (i = 0; i < n; i++)
		apply(st, st, s, slots[i]);
	for (k = 0; k < s->ng; k++) {
		val v;
		contribution(&v, s, cv_grid_group_weight(s->g, k), st[k].attend,
			     s->series ? 0 : st[k].preferred);
		val_add(out, &v);
	}
	if (s->series) /* preferred adds up over the chosen slots */
		for (i = 0; i < n; i++)
			for (k = 0; k < s->ng; k++)
				out->v[2] += (int64_t)(cv_grid_group_weight(s->g, k) *
						       cv_grid_preferred(s->g, k, slots[i]));
}

void cv_evaluate(cv_score *out, const cv_grid *g, const size_t *slots, size_t n)
{
	search s;
	gstate *st;
	val v;

	init_search(&s, g);
	st = calloc(s.ng + 1, sizeof(*st));
	if (!st) {
		memset(out, 0, sizeof(*out));
		return;
	}
	evaluate(&v, &s, slots, n, st);
	to_score(out, &s, &v);
	free(st);
}

int cv_score_compare(const cv_score *a, const cv_score *b, cv_objective objective)
{
	val x = {{a->attendance, a->reach, a->preferred}}, y = {{b->attendance, b->reach, b->preferred}};
	if (objective == CV_OBJECTIVE_REACH) {
		x.v[0] = a->reach, x.v[1] = a->attendance;
		y.v[0] = b->reach, y.v[1] = b->attendance;
	}
	return val_cmp(&x, &y);
}

int cv_solve(cv_solution *out, const cv_grid *g, const cv_solve_options *options)
{
	const cv_course *course = cv_grid_course(g);
	search s;
	size_t i, j, k_total, levels;
	gstate *pinned_state = NULL;
	val base;
	int rc = CV_ENOMEM;

	init_search(&s, g);
	if (s.n == 0)
		return CV_ENOSLOT;
	if (options && options->npins > CV_COUNT_MAX)
		return CV_ENOSLOT;
	s.allowed = malloc(s.n);
	if (!s.allowed)
		return CV_ENOMEM;
	memset(s.allowed, 1, s.n);
	if (options) {
		for (i = 0; i < options->npins; i++) {
			size_t p = options->pins[i];
			if (p >= s.n)
				goto noslot;
			for (j = 0; j < s.npins; j++)
				if (s.pins[j] == p || !cv_grid_compatible(g, s.pins[j], p))
					goto noslot;
			s.pins[s.npins++] = p;
		}
	}
	for (i = 0; i < s.n; i++)
		for (j = 0; j < s.npins && s.allowed[i]; j++)
			s.allowed[i] = s.pins[j] != i && cv_grid_compatible(g, s.pins[j], i);
	if (course->count < s.npins)
		goto noslot;
	/* Sections and series both take `count` slots when that many fit the week. */
	s.want = max_compatible(&s, course->count - s.npins);
	/* Series are k different sessions everyone attends: all k or nothing.
	 * Sections may be fewer when min-gap leaves no room (DESIGN.md "Objective"). */
	if (s.series && s.want < course->count - s.npins)
		goto noslot;
	k_total = s.npins + s.want;
	if (k_total == 0)
		goto noslot;

	levels = s.want + 1;
	s.state = calloc(levels * s.ng + 1, sizeof(*s.state));
	s.gain = malloc(levels * s.n * sizeof(*s.gain));
	s.ok = malloc(levels * s.n);
	pinned_state = calloc(s.ng + 1, sizeof(*pinned_state));
	if (!s.state || !s.gain || !s.ok || !pinned_state)
		goto out;
	evaluate(&base, &s, s.pins, s.npins, pinned_state);
	memcpy(s.state, pinned_state, sizeof(gstate) * s.ng);

	if (options && options->time_limit > 0) {
		double whole;
		clock_gettime(CLOCK_MONOTONIC, &s.deadline);
		whole = (double)s.deadline.tv_nsec / 1e9 + options->time_limit;
		s.deadline.tv_sec += (time_t)whole;
		s.deadline.tv_nsec = (long)((whole - (double)(time_t)whole) * 1e9);
		s.limited = 1;
	}

	/* Greedy start: a good incumbent makes the bounds bite early. */
	{
		size_t d;
		val cur = base;
		for (d = 0; d < s.want; d++) {
			size_t c, pick = s.n;
			const val *gain = s.gain + d * s.n;
			node_gains(&s, d, 0);
			for (c = 0; c < s.n; c++)
				if (s.ok[d * s.n + c] && (pick == s.n || val_cmp(&gain[c], &gain[pick]) > 0))
					pick = c;
			if (pick == s.n)
				break;
			s.path[d] = pick;
			val_add(&cur, &gain[pick]);
			apply(s.state + (d + 1) * s.ng, s.state + d * s.ng, &s, pick);
		}
		if (d == s.want) {
			qsort(s.path, s.want, sizeof(size_t), size_cmp);
			offer(&s, &cur);
		}
	}
	memset(&s.bound, 0, sizeof(s.bound));
	dfs(&s, 0, 0, &base);
	if (!s.have_best)
		goto noslot;

	memset(out, 0, sizeof(*out));
	out->count = k_total;
	memcpy(out->slots, s.best, sizeof(size_t) * s.want);
	memcpy(out->slots + s.want, s.pins, sizeof(size_t) * s.npins);
	qsort(out->slots, out->count, sizeof(size_t), size_cmp);
	to_score(&out->score, &s, &s.best_val);
	out->optimal = !s.timed_out;
	if (s.timed_out && val_cmp(&s.bound, &s.best_val) > 0)
		to_score(&out->bound, &s, &s.bound);
	else
		out->bound = out->score;
	out->nodes = s.nodes;
	rc = CV_OK;
	goto out;
noslot:
	rc = CV_ENOSLOT;
out:
	free(s.allowed);
	free(s.state);
	free(s.gain);
	free(s.ok);
	free(pinned_state);
	return rc;
}
