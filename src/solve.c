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
#include "grid_int.h"
#include "solve_ext_int.h"
#include "solve_int.h"

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

typedef struct undo {
	uint32_t group;
	gstate old;
} undo;

/*
 * The search works on sparse rows: a group appears only under the
 * candidates it can attend, so choosing a slot touches only the groups
 * that slot serves.  Gains of every candidate are kept per level and
 * updated incrementally when a slot is chosen, instead of recomputed.
 */
typedef struct search {
	const cv_grid *g;
	size_t n, ng;
	int series, reach_first;
	size_t want;               /* free slots to choose (K minus pins) */
	uint8_t *allowed;          /* per candidate: not pinned, compatible with every pin */
	int32_t *wmin;             /* per candidate: minutes from Monday 00:00 (for apart()) */
	int32_t dur, gap;          /* session length and min-gap, minutes */
	size_t pins[CV_COUNT_MAX], npins;

	uint64_t *weight;          /* per group */
	size_t *row_start;         /* per group, into row_*: ng + 1 entries */
	uint16_t *row_cand;
	uint8_t *row_att, *row_pref;
	size_t *col_start;         /* per candidate, into col_*: n + 1 entries */
	uint32_t *col_group;
	uint8_t *col_att, *col_pref;
	uint32_t *col_key;         /* col_att << 16 | col_pref, for exact_gain() */

	gstate *state;             /* per group, current node */
	undo *undo;                /* want * ng entries: what each level changed */
	size_t undo_len[CV_COUNT_MAX + 1];
	val *gain;                 /* (want + 1) levels of n gains */
	uint8_t *ok;               /* (want + 1) levels of n flags: usable at this node */
	uint8_t *exact;            /* (want + 1) levels of n flags: gain is exact, not a bound */
	size_t *order;             /* (want + 1) levels of n candidates, by gain */
	val *suffix;               /* (want + 1) levels of n: best (r - 1) gains after each candidate */
	double *lambda;            /* per group: Lagrange multipliers (sections), or NULL */
	unsigned *hits;            /* per group: scratch for lagrange_prunes() */
	double *colsum;            /* per candidate: the sum of its multipliers */
	uint8_t *intop;            /* per candidate: among the r largest colsum */
	int lagrange_nodes;        /* small enough to bound every node this way */
	size_t *pred;              /* per candidate: the latest earlier one apart from it, or SIZE_MAX */
	size_t *succ;              /* per candidate: the earliest later one apart from it, or n */
	double *pre, *post;        /* (n + 1) * (CV_COUNT_MAX + 1): slots_part() tables */
	uint8_t *take;             /* (n + 1) * (CV_COUNT_MAX + 1) */
	size_t path[CV_COUNT_MAX];

	size_t top[CV_TOP_MAX][CV_COUNT_MAX]; /* the best sets so far, best first */
	val top_val[CV_TOP_MAX];
	size_t ntop, max_top;

	struct timespec deadline;
	int limited, timed_out;
	uint64_t nodes;
	val bound;                 /* upper bound on what was not explored (time limit) */
} search;

/* The value a group contributes with best key (a, p) (sections) or total a. */
static void contribution(val *out, const search *s, uint64_t w, unsigned a, unsigned p)
{
	int64_t att = (int64_t)(w * a), reach = a ? (int64_t)w : 0, pre = (int64_t)(w * p);
	out->v[0] = s->reach_first ? reach : att;
	out->v[1] = s->reach_first ? att : reach;
	out->v[2] = pre;
}

static int key_greater(unsigned a, unsigned p, const gstate *st)
{
	return a > st->attend || (a == st->attend && p > st->preferred);
}

/* Marginal gain of a row entry (a, p) for a group of weight w in state st. */
static void entry_gain(val *out, const search *s, uint64_t w, unsigned a, unsigned p,
		       const gstate *st)
{
	val before, after;

	if (s->series) {
		contribution(&after, s, w, st->attend + a, 0);
		contribution(&before, s, w, st->attend, 0);
		out->v[0] = after.v[0] - before.v[0];
		out->v[1] = after.v[1] - before.v[1];
		out->v[2] = (int64_t)(w * p);
		return;
	}
	if (!key_greater(a, p, st)) {
		memset(out, 0, sizeof(*out));
		return;
	}
	contribution(&after, s, w, a, p);
	contribution(&before, s, w, st->attend, st->preferred);
	out->v[0] = after.v[0] - before.v[0];
	out->v[1] = after.v[1] - before.v[1];
	out->v[2] = after.v[2] - before.v[2];
}


static void top_insert(val *top, size_t *have, size_t r, const val *v);

/* Gains of every candidate from scratch, into level `depth`, all exact. */
static void full_gains(search *s, size_t depth)
{
	val *gain = s->gain + depth * s->n;
	size_t k, e;

	memset(gain, 0, sizeof(val) * s->n);
	memset(s->exact + depth * s->n, 1, s->n);
	for (k = 0; k < s->ng; k++)
		for (e = s->row_start[k]; e < s->row_start[k + 1]; e++) {
			val v;
			entry_gain(&v, s, s->weight[k], s->row_att[e], s->row_pref[e], &s->state[k]);
			val_add(&gain[s->row_cand[e]], &v);
		}
}

/* The exact gain of candidate c in the current state: only the groups it serves. */
static void exact_gain(val *out, const search *s, size_t c)
{
	size_t e, end = s->col_start[c + 1];
	int64_t att = 0, reach = 0, pre = 0;

	/* The hot loop: plain sums, arranged into objective order at the end.
	 * Sections compare (attend, preferred) keys packed into one word and
	 * add under a mask: whether an entry beats its group's best is close to
	 * a coin toss, and a branch on it costs more than the arithmetic. */
	if (s->series) {
		for (e = s->col_start[c]; e < end; e++) {
			uint32_t k = s->col_group[e];
			int64_t w = (int64_t)s->weight[k];
			att += w * s->col_att[e];
			pre += w * s->col_pref[e];
			reach += s->state[k].attend == 0 ? w : 0; /* a > 0 for every column entry */
		}
	} else {
		const uint32_t *grp = s->col_group, *key = s->col_key;
		const gstate *state = s->state;
		const uint64_t *weight = s->weight;
		for (e = s->col_start[c]; e < end; e++) {
			uint32_t k = grp[e], ek = key[e];
			gstate st = state[k];
			int64_t w = (int64_t)weight[k];
			int64_t take = -(int64_t)(ek > ((uint32_t)st.attend << 16 | st.preferred));
			att += take & (w * ((int64_t)(ek >> 16) - st.attend));
			pre += take & (w * ((int64_t)(ek & 0xFFFF) - st.preferred));
			reach += take & w & -(int64_t)(st.attend == 0);
		}
	}
	out->v[0] = s->reach_first ? reach : att;
	out->v[1] = s->reach_first ? att : reach;
	out->v[2] = pre;
}

/* Make gain[c] of level `depth` exact (it was an upper bound). */
static const val *exact_at(search *s, size_t depth, size_t c)
{
	val *g = s->gain + depth * s->n + c;
	uint8_t *x = s->exact + depth * s->n + c;
	if (!*x) {
		exact_gain(g, s, c);
		*x = 1;
	}
	return g;
}

/* Choose candidate c at level `depth`: the groups it serves change state.
 * Level depth + 1 starts with this level's gains as upper bounds: by
 * submodularity a gain can only shrink when a slot is added. */
static void choose(search *s, size_t depth, size_t c)
{
	undo *u = s->undo + depth * s->ng;
	size_t e, nu = 0;

	memcpy(s->gain + (depth + 1) * s->n, s->gain + depth * s->n, sizeof(val) * s->n);
	memset(s->exact + (depth + 1) * s->n, 0, s->n);
	for (e = s->col_start[c]; e < s->col_start[c + 1]; e++) {
		uint32_t k = s->col_group[e];
		gstate old = s->state[k], now = old;
		if (s->series) {
			now.attend = (uint16_t)(old.attend + s->col_att[e]);
		} else {
			if (!key_greater(s->col_att[e], s->col_pref[e], &old))
				continue;
			now.attend = s->col_att[e];
			now.preferred = s->col_pref[e];
		}
		u[nu].group = k;
		u[nu].old = old;
		nu++;
		s->state[k] = now;
	}
	s->undo_len[depth] = nu;
}

static void unchoose(search *s, size_t depth)
{
	undo *u = s->undo + depth * s->ng;
	size_t i = s->undo_len[depth];
	while (i-- > 0)
		s->state[u[i].group] = u[i].old;
}

/*
 * The usable candidates of a node in order of their gain (exact or bound),
 * largest first, the earlier of equals first.  The callers stop after a
 * few, so the order is a binary heap popped as they go, not a full sort.
 */
typedef struct by_gain {
	size_t *heap;   /* this level's order[] */
	size_t n;
	const val *gain;
} by_gain;

static int gain_before(const by_gain *h, size_t x, size_t y)
{
	int cmp = val_cmp(&h->gain[x], &h->gain[y]);
	return cmp > 0 || (cmp == 0 && x < y);
}

static void sift_down(by_gain *h, size_t i)
{
	size_t *a = h->heap;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, top = i, t;
		if (l < h->n && gain_before(h, a[l], a[top]))
			top = l;
		if (r < h->n && gain_before(h, a[r], a[top]))
			top = r;
		if (top == i)
			return;
		t = a[i];
		a[i] = a[top];
		a[top] = t;
		i = top;
	}
}

/* Start the walk over the usable candidates >= from. */
static void usable_by_gain(by_gain *h, search *s, size_t depth, size_t from)
{
	const uint8_t *ok = s->ok + depth * s->n;
	size_t i;

	h->heap = s->order + depth * s->n;
	h->gain = s->gain + depth * s->n;
	h->n = 0;
	for (i = from; i < s->n; i++)
		if (ok[i])
			h->heap[h->n++] = i;
	for (i = h->n / 2; i-- > 0;)
		sift_down(h, i);
}

/* The next candidate of the walk, or (size_t)-1 when none is left.  Its
 * gain may be made exact after it is taken: the rest are not reordered. */
static size_t next_by_gain(by_gain *h)
{
	size_t c;
	if (!h->n)
		return (size_t)-1;
	c = h->heap[0];
	h->heap[0] = h->heap[--h->n];
	sift_down(h, 0);
	return c;
}

/*
 * Make the r largest gains among usable candidates >= from exact and return
 * their sum: candidates are taken in order of their bound, and the search
 * stops once the r-th largest exact gain is at least the next bound.
 */
static void top_exact(val *out, search *s, size_t depth, size_t from, size_t r)
{
	by_gain h;
	size_t i, have = 0, c;
	val top[CV_COUNT_MAX];

	usable_by_gain(&h, s, depth, from);
	while ((c = next_by_gain(&h)) != (size_t)-1) {
		const val *g = s->gain + depth * s->n + c;
		if (have == r && val_cmp(g, &top[r - 1]) <= 0)
			break;
		top_insert(top, &have, r, exact_at(s, depth, c));
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < have; i++)
		val_add(out, &top[i]);
}

/* cv_grid_compatible() on the search's own copy of the week minutes: it is
 * asked n times per level of every node, and a call into the grid costs
 * more than the arithmetic. */
static inline int apart(const search *s, size_t a, size_t b)
{
	return Cv_week_apart(s->wmin[a], s->wmin[b], s->dur, s->gap);
}

/* Mark the usable candidates of a node; returns how many there are. */
static size_t mark_usable(search *s, size_t depth, size_t from)
{
	uint8_t *ok = s->ok + depth * s->n;
	size_t c, d, usable = 0;

	memset(ok, 0, from < s->n ? from : s->n);
	for (c = from; c < s->n; c++)
		ok[c] = s->allowed[c];
	for (d = 0; d < depth; d++)
		for (c = from; c < s->n; c++)
			ok[c] &= (uint8_t)apart(s, s->path[d], c);
	for (c = from; c < s->n; c++)
		usable += ok[c];
	return usable;
}

/* Insert v into the descending list top[0..*have) of at most r entries. */
static void top_insert(val *top, size_t *have, size_t r, const val *v)
{
	size_t i;
	if (*have < r)
		i = (*have)++;
	else if (r && val_cmp(v, &top[r - 1]) > 0)
		i = r - 1;
	else
		return;
	while (i > 0 && val_cmp(v, &top[i - 1]) > 0) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = *v;
}

/* The sum of the r largest gains among usable candidates >= from. */
static void top_sum(val *out, const search *s, size_t depth, size_t from, size_t r)
{
	const val *gain = s->gain + depth * s->n;
	const uint8_t *ok = s->ok + depth * s->n;
	val top[CV_COUNT_MAX];
	size_t have = 0, c, i;

	for (c = from; c < s->n; c++)
		if (ok[c])
			top_insert(top, &have, r, &gain[c]);
	memset(out, 0, sizeof(*out));
	for (i = 0; i < have; i++)
		val_add(out, &top[i]);
}

/* suffix[c] = the sum of the r largest usable gains after c, for every c. */
static void suffix_sums(search *s, size_t depth, size_t r)
{
	const val *gain = s->gain + depth * s->n;
	const uint8_t *ok = s->ok + depth * s->n;
	val top[CV_COUNT_MAX], sum;
	size_t have = 0, c = s->n, i;

	while (c-- > 0) {
		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < have; i++)
			val_add(&sum, &top[i]);
		s->suffix[depth * s->n + c] = sum;
		if (ok[c])
			top_insert(top, &have, r, &gain[c]);
	}
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* <0 if set a comes before set b in the home week (both sorted, want long). */
static int set_cmp(const size_t *a, const size_t *b, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* 1 if a subtree with this bound, whose sets all start with path[0..len), cannot
 * enter the list of the best sets (worse than its last, or equal to it but
 * later in the home week).  With one set kept this is "cannot beat the incumbent". */
static int dominated(const search *s, const val *bound, size_t len)
{
	const size_t *worst;
	int cmp;
	size_t i;

	if (s->ntop < s->max_top)
		return 0;
	worst = s->top[s->ntop - 1];
	cmp = val_cmp(bound, &s->top_val[s->ntop - 1]);
	if (cmp != 0)
		return cmp < 0;
	for (i = 0; i < len; i++)
		if (worst[i] != s->path[i])
			return worst[i] < s->path[i];
	return 0;
}

/* Offer the set in path[0..want) with value v to the list of best sets. */
static void offer(search *s, const val *v)
{
	size_t i, at;

	for (at = 0; at < s->ntop; at++) {
		int cmp = val_cmp(v, &s->top_val[at]);
		if (cmp == 0) {
			int order = set_cmp(s->path, s->top[at], s->want);
			if (order == 0)
				return; /* found again (the greedy start is searched too) */
			cmp = -order;
		}
		if (cmp > 0)
			break;
	}
	for (i = at + 1; i < s->ntop; i++) /* the same set further down cannot be */
		if (!set_cmp(s->path, s->top[i], s->want))
			return;
	if (at == s->max_top)
		return;
	if (s->ntop < s->max_top)
		s->ntop++;
	for (i = s->ntop - 1; i > at; i--) {
		memcpy(s->top[i], s->top[i - 1], sizeof(s->top[i]));
		s->top_val[i] = s->top_val[i - 1];
	}
	memcpy(s->top[at], s->path, sizeof(size_t) * s->want);
	s->top_val[at] = *v;
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

/* The usable candidate >= from with the largest exact gain, the earliest of
 * equals, or s->n when there is none or when none can reach the incumbent
 * from the node's value cur.  Bounds are refined only as needed. */
static size_t best_exact(search *s, size_t depth, size_t from, const val *cur)
{
	by_gain h;
	size_t pick = s->n, c;
	const val *best = NULL;
	const val *worst = s->ntop == s->max_top ? &s->top_val[s->ntop - 1] : NULL;

	usable_by_gain(&h, s, depth, from);
	while ((c = next_by_gain(&h)) != (size_t)-1) {
		const val *g = s->gain + depth * s->n + c;
		val leaf = *cur;
		int cmp;
		if (best && val_cmp(g, best) < 0)
			break; /* every bound from here on is below the best exact gain */
		val_add(&leaf, g);
		if (worst && val_cmp(&leaf, worst) < 0)
			break; /* and from here on no leaf reaches the incumbent */
		g = exact_at(s, depth, c);
		cmp = best ? val_cmp(g, best) : 1;
		if (cmp > 0 || (cmp == 0 && c < pick)) {
			pick = c;
			best = g;
		}
	}
	return pick;
}

/*
 * Polish the greedy start by swaps: take one slot out of the best set, put
 * in the best candidate compatible with the rest, and keep the change when
 * the value rises; repeat until no swap helps.  The search proves the
 * optimum either way; a better incumbent only lets its bounds prune from
 * the first node.
 */
static void improve_by_swaps(search *s, const val *base)
{
	size_t round;

	if (!s->ntop || s->want < 2)
		return;
	for (round = 0; round < 16 * s->want; round++) {
		size_t set[CV_COUNT_MAX], i, improved = 0;
		memcpy(set, s->top[0], sizeof(size_t) * s->want);
		for (i = 0; i < s->want && !improved; i++) {
			size_t d = 0, j, pick;
			val cur = *base, v;
			for (j = 0; j < s->want; j++) {
				if (j == i)
					continue;
				s->path[d] = set[j];
				val_add(&cur, exact_at(s, d, set[j]));
				choose(s, d, set[j]);
				d++;
			}
			mark_usable(s, d, 0);
			pick = best_exact(s, d, 0, &cur);
			if (pick != s->n && pick != set[i]) {
				v = cur;
				val_add(&v, &s->gain[d * s->n + pick]);
				if (val_cmp(&v, &s->top_val[0]) > 0) {
					s->path[d] = pick;
					qsort(s->path, s->want, sizeof(size_t), size_cmp);
					offer(s, &v);
					improved = 1;
				}
			}
			while (d-- > 0)
				unchoose(s, d);
		}
		if (!improved)
			break;
	}
}

/*
 * A stronger bound for sections, on the first component of the objective
 * (attendance, or reach).  What r more slots can add to it is at most the
 * optimum of the LP relaxation of this facility-location problem:
 *
 *     max sum d[g][c] y[g][c]   s.t.  sum_c y[g][c] <= 1  (one section a group),
 *                                     y[g][c] <= x[c],  sum_c x[c] <= r,
 *                                     x[a] + x[b] <= 1 when a, b are not min-gap apart
 *
 * where d[g][c] is what candidate c would add for group g now.  Relaxing the
 * one-section rows with multipliers lambda[g] >= 0 gives, for every lambda,
 *
 *     L(lambda) = sum_g lambda[g] + max over apart sets X of at most r slots
 *                 of sum_{c in X} sum_g max(0, d[g][c] - lambda[g])
 *
 * and the inner maximum is a dynamic program over the home week.  lambda = 0
 * is "the r largest gains", which counts a student once per slot and with
 * many sections is far too high; subgradient steps lower it towards the
 * LP's bound, which on these problems is close to the optimum.  It prunes
 * only when strictly below the incumbent's first component, so ties are
 * left to the exact search and its earliest-slot rule.  At the root the same
 * multipliers bound every plan that contains a given candidate, and a
 * candidate whose bound is below the incumbent leaves the search.
 */
#define LAGRANGE_MAX_ENTRIES ((size_t)64 << 20) /* column entries; larger: cheap bounds only */
#define LAGRANGE_NODE_ENTRIES ((size_t)1 << 18) /* larger: at the root only */
#define LAGRANGE_ROOT_WORK 300000000.0          /* entry visits the root may spend */
#define LAGRANGE_ROOT_STEPS 300
#define LAGRANGE_NODE_STEPS 12

/* pred[] and succ[]: the nearest candidates on either side that are
 * min-gap apart; sessions have one length, so all farther ones are too. */
static void apart_neighbours(search *s)
{
	size_t c, d;

	for (d = 0; d < s->n; d++) {
		s->pred[d] = SIZE_MAX;
		for (c = d; c-- > 0;)
			if (cv_grid_compatible(s->g, c, d)) {
				s->pred[d] = c;
				break;
			}
		s->succ[d] = s->n;
		for (c = d + 1; c < s->n; c++)
			if (cv_grid_compatible(s->g, d, c)) {
				s->succ[d] = c;
				break;
			}
	}
}

/* What column entry e (group k) adds to the first component now. */
static double entry_first(const search *s, size_t e, uint32_t k)
{
	const gstate *st = &s->state[k];
	unsigned a = s->col_att[e];
	if (s->reach_first)
		return st->attend == 0 ? (double)s->weight[k] : 0.0;
	return a > st->attend ? (double)s->weight[k] * (double)(a - st->attend) : 0.0;
}

/*
 * The slots part of L: the largest sum of at most r column sums over usable
 * candidates that are pairwise apart, by dynamic programming over the home
 * week (a line: that the week is a cycle is ignored, which can only raise
 * the bound).  pre[i][t] is the best with t slots among candidates < i;
 * take[] marks the choices so the best set can be read back into intop[].
 */
static double slots_part(search *s, const uint8_t *ok, size_t r)
{
	size_t n = s->n, w = CV_COUNT_MAX + 1, i, t;
	double *pre = s->pre;

	for (t = 0; t <= r; t++)
		pre[t] = 0;
	for (i = 0; i < n; i++) {
		const double *before = pre + (s->pred[i] + 1) * w; /* pred is SIZE_MAX when none */
		for (t = 0; t <= r; t++) {
			double skip = pre[i * w + t], with = -1;
			if (ok[i] && t > 0)
				with = before[t - 1] + s->colsum[i];
			s->take[(i + 1) * w + t] = with > skip;
			pre[(i + 1) * w + t] = with > skip ? with : skip;
		}
	}
	memset(s->intop, 0, n);
	for (i = n, t = r; i > 0 && t > 0;) {
		if (s->take[i * w + t]) {
			s->intop[i - 1] = 1;
			i = s->pred[i - 1] + 1;
			t--;
		} else {
			i--;
		}
	}
	return pre[n * w + r];
}

/* The same from the other end: post[i][t] is the best with t slots among candidates >= i. */
static void slots_suffix(search *s, const uint8_t *ok, size_t r)
{
	size_t n = s->n, w = CV_COUNT_MAX + 1, i, t;
	double *post = s->post;

	for (t = 0; t <= r; t++)
		post[n * w + t] = 0;
	for (i = n; i-- > 0;) {
		const double *after = post + s->succ[i] * w;
		for (t = 0; t <= r; t++) {
			double skip = post[(i + 1) * w + t], with = -1;
			if (ok[i] && t > 0)
				with = after[t - 1] + s->colsum[i];
			post[i * w + t] = with > skip ? with : skip;
		}
	}
}

static int lagrange_prunes(search *s, size_t depth, size_t from, size_t r, const val *cur)
{
	uint8_t *ok = s->ok + depth * s->n;
	double target = (double)(s->top_val[s->ntop - 1].v[0] - cur->v[0]) - 0.5;
	double best = 1e300, theta = 1.0, checkpoint = 1e300;
	int steps = LAGRANGE_NODE_STEPS, it, stale = 0;
	int drop = depth == 0 && s->max_top == 1;
	size_t c, e, k, w = CV_COUNT_MAX + 1;

	if (depth == 0) { /* a step visits every entry about twice */
		double afford = LAGRANGE_ROOT_WORK / (2.0 * (double)s->col_start[s->n] + 1.0);
		steps = afford > LAGRANGE_ROOT_STEPS ? LAGRANGE_ROOT_STEPS
			: afford < LAGRANGE_NODE_STEPS ? LAGRANGE_NODE_STEPS : (int)afford;
	}
	for (it = 0; it < steps; it++) {
		double groups = 0, L, norm = 0, t;

		for (c = 0; c < s->n; c++) {
			double m = 0;
			s->colsum[c] = 0;
			if (c < from || !ok[c])
				continue;
			for (e = s->col_start[c]; e < s->col_start[c + 1]; e++) {
				uint32_t g = s->col_group[e];
				double v = entry_first(s, e, g) - s->lambda[g];
				if (v > 0)
					m += v;
			}
			s->colsum[c] = m;
		}
		for (k = 0; k < s->ng; k++) {
			groups += s->lambda[k];
			s->hits[k] = 0;
		}
		L = groups + slots_part(s, ok, r);
		if (L < best) {
			best = L;
			stale = 0;
		} else if (++stale >= 5) {
			theta /= 2;
			stale = 0;
		}
		if (best < target)
			return 1;
		if (depth == 0 && it % 5 == 0) {
			/* a bound that closes less than a sixth of its gap in five steps will
			 * not prune or drop enough to pay for more steps */
			if (best - target > 0.85 * checkpoint)
				break;
			checkpoint = best - target;
		}
		if (drop) {
			/* every plan with c: the best slots before it, c, the best after it */
			slots_suffix(s, ok, r);
			for (c = from; c < s->n; c++) {
				double most = -1;
				size_t a;
				if (!ok[c] || s->intop[c])
					continue;
				for (a = 0; a < r; a++) {
					double v = s->pre[(s->pred[c] + 1) * w + a] +
						   s->post[s->succ[c] * w + (r - 1 - a)];
					if (v > most)
						most = v;
				}
				if (groups + s->colsum[c] + most < target) {
					ok[c] = 0;
					s->allowed[c] = 0;
				}
			}
		}
		/* subgradient: 1 - (the chosen slots that serve the group above its multiplier) */
		for (c = from; c < s->n; c++) {
			if (!ok[c] || !s->intop[c])
				continue;
			for (e = s->col_start[c]; e < s->col_start[c + 1]; e++) {
				uint32_t g = s->col_group[e];
				if (entry_first(s, e, g) > s->lambda[g])
					s->hits[g]++;
			}
		}
		for (k = 0; k < s->ng; k++) {
			double sg = 1.0 - s->hits[k];
			if (sg > 0 && s->lambda[k] <= 0)
				continue; /* projected: cannot go below 0 */
			norm += sg * sg;
		}
		if (norm == 0 || theta < 1e-4)
			break;
		t = theta * (L - target > 1 ? L - target : 1) / norm;
		for (k = 0; k < s->ng; k++) {
			double v = s->lambda[k] - t * (1.0 - s->hits[k]);
			s->lambda[k] = v > 0 ? v : 0;
		}
	}
	return 0;
}

static void dfs(search *s, size_t depth, size_t from, const val *cur)
{
	size_t r = s->want - depth, c;
	const val *gain = s->gain + depth * s->n;
	const uint8_t *ok = s->ok + depth * s->n;
	val bound;

	s->nodes++;
	if (r == 0) {
		offer(s, cur);
		return;
	}
	if (mark_usable(s, depth, from) < r)
		return;
	if (r == 1 && s->max_top == 1) {
		size_t pick = best_exact(s, depth, from, cur);
		if (pick == s->n)
			return;
		s->path[depth] = pick;
		bound = *cur;
		val_add(&bound, &gain[pick]);
		offer(s, &bound);
		return;
	}
	if (r == 1) {
		/* several plans are kept: every leaf that may enter the list */
		for (c = from; c < s->n; c++) {
			if (!ok[c])
				continue;
			s->path[depth] = c;
			bound = *cur;
			val_add(&bound, &gain[c]);
			if (dominated(s, &bound, depth + 1))
				continue;
			bound = *cur;
			val_add(&bound, exact_at(s, depth, c));
			offer(s, &bound);
		}
		return;
	}
	top_exact(&bound, s, depth, from, r);
	val_add(&bound, cur);
	if (dominated(s, &bound, depth))
		return;
	if (s->lambda && (depth == 0 || s->lagrange_nodes) && s->ntop == s->max_top &&
	    lagrange_prunes(s, depth, from, r, cur))
		return;
	suffix_sums(s, depth, r - 1);
	for (c = from; c < s->n; c++) {
		val child, later;
		size_t next;
		if (!ok[c])
			continue;
		if (out_of_time(s)) {
			/* everything from c on is unexplored: bound it and stop */
			top_sum(&bound, s, depth, c, r);
			val_add(&bound, cur);
			raise_bound(s, &bound);
			return;
		}
		/* submodularity: this level's gains over-estimate the child's; and
		 * the child's later slots are compatible with c, so those that
		 * overlap it (its neighbours, usually the next best) drop out */
		s->path[depth] = c;
		for (next = c + 1; next < s->n && !apart(s, c, next); next++)
			;
		if (next < s->n)
			later = s->suffix[depth * s->n + next - 1];
		else
			memset(&later, 0, sizeof(later));
		child = later;
		val_add(&child, &gain[c]);
		val_add(&child, cur);
		if (dominated(s, &child, depth + 1))
			continue;
		child = later;
		val_add(&child, exact_at(s, depth, c));
		val_add(&child, cur);
		if (dominated(s, &child, depth + 1))
			continue;
		child = *cur;
		val_add(&child, &gain[c]);
		choose(s, depth, c);
		dfs(s, depth + 1, c + 1, &child);
		unchoose(s, depth);
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

/* Add candidate c to per-group states (sections: best key; series: total). */
static void add_slot(gstate *st, const search *s, size_t c)
{
	size_t k;
	for (k = 0; k < s->ng; k++) {
		unsigned a = cv_grid_attend(s->g, k, c), p = cv_grid_preferred(s->g, k, c);
		if (s->series)
			st[k].attend = (uint16_t)(st[k].attend + a);
		else if (key_greater(a, p, &st[k])) {
			st[k].attend = (uint16_t)a;
			st[k].preferred = (uint16_t)p;
		}
	}
}

/* The value of a set, from scratch; leaves the groups' states in st. */
static void evaluate(val *out, const search *s, const size_t *slots, size_t n, gstate *st)
{
	size_t k, i;
	memset(out, 0, sizeof(*out));
	memset(st, 0, sizeof(gstate) * (s->ng + 1));
	for (i = 0; i < n; i++)
		add_slot(st, s, slots[i]);
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

/* Sparse rows (per group) and columns (per candidate) of the grid's counts. */
static int build_sparse(search *s)
{
	size_t k, c, nnz = 0, e;
	size_t *fill;

	s->weight = malloc(sizeof(*s->weight) * (s->ng + 1));
	s->row_start = calloc(s->ng + 1, sizeof(size_t));
	s->col_start = calloc(s->n + 1, sizeof(size_t));
	if (!s->weight || !s->row_start || !s->col_start)
		return CV_ENOMEM;
	for (k = 0; k < s->ng; k++) {
		const uint8_t *att = cv_grid_attend_row(s->g, k);
		s->weight[k] = cv_grid_group_weight(s->g, k);
		for (c = 0; c < s->n; c++)
			if (att[c]) {
				nnz++;
				s->col_start[c + 1]++;
			}
		s->row_start[k + 1] = nnz;
	}
	for (c = 0; c < s->n; c++)
		s->col_start[c + 1] += s->col_start[c];
	s->row_cand = malloc(sizeof(uint16_t) * (nnz + 1));
	s->row_att = malloc(nnz + 1);
	s->row_pref = malloc(nnz + 1);
	s->col_group = malloc(sizeof(uint32_t) * (nnz + 1));
	s->col_att = malloc(nnz + 1);
	s->col_pref = malloc(nnz + 1);
	s->col_key = malloc(sizeof(uint32_t) * (nnz + 1));
	fill = malloc(sizeof(size_t) * (s->n + 1));
	if (!s->row_cand || !s->row_att || !s->row_pref || !s->col_group || !s->col_att ||
	    !s->col_pref || !s->col_key || !fill) {
		free(fill);
		return CV_ENOMEM;
	}
	memcpy(fill, s->col_start, sizeof(size_t) * s->n);
	for (k = 0, e = 0; k < s->ng; k++) {
		const uint8_t *att = cv_grid_attend_row(s->g, k);
		const uint8_t *pref = cv_grid_preferred_row(s->g, k);
		for (c = 0; c < s->n; c++) {
			unsigned a = att[c];
			size_t f;
			if (!a)
				continue;
			s->row_cand[e] = (uint16_t)c;
			s->row_att[e] = (uint8_t)a;
			s->row_pref[e] = pref[c];
			f = fill[c]++;
			s->col_group[f] = (uint32_t)k;
			s->col_att[f] = s->row_att[e];
			s->col_pref[f] = s->row_pref[e];
			s->col_key[f] = (uint32_t)s->row_att[e] << 16 | s->row_pref[e];
			e++;
		}
	}
	free(fill);
	return CV_OK;
}

static void free_search(search *s)
{
	free(s->allowed);
	free(s->wmin);
	free(s->weight);
	free(s->row_start);
	free(s->row_cand);
	free(s->row_att);
	free(s->row_pref);
	free(s->col_start);
	free(s->col_group);
	free(s->col_att);
	free(s->col_pref);
	free(s->col_key);
	free(s->state);
	free(s->undo);
	free(s->gain);
	free(s->ok);
	free(s->suffix);
	free(s->exact);
	free(s->order);
	free(s->lambda);
	free(s->hits);
	free(s->colsum);
	free(s->intop);
	free(s->pred);
	free(s->succ);
	free(s->pre);
	free(s->post);
	free(s->take);
}

void cv_evaluate(cv_score *out, const cv_grid *g, const size_t *slots, size_t n)
{
	search s;
	gstate *st;
	val v;

	if (Cv_ext_applies(g)) {
		Cv_ext_evaluate(out, g, slots, n);
		return;
	}
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
	size_t n;
	return cv_solve_top(out, &n, 1, g, options);
}

int cv_solve_top(cv_solution *out, size_t *nout, size_t max, const cv_grid *g,
		 const cv_solve_options *options)
{
	return Cv_solve_top_tuned(out, nout, max, g, options, NULL);
}

/* Which candidates the search may choose: not excluded, not pinned, and
 * min-gap apart from every pin.  Returns 0, CV_ENOSLOT when the pins are
 * out of range, repeated, in conflict or excluded, or CV_ENOMEM. */
static int setup_candidates(search *s, const cv_solve_options *options)
{
	const uint8_t *excluded = options ? options->excluded : NULL;
	size_t i, j;

	s->allowed = malloc(s->n);
	s->wmin = malloc(sizeof(*s->wmin) * s->n);
	if (!s->allowed || !s->wmin)
		return CV_ENOMEM;
	for (i = 0; i < s->n; i++) {
		s->allowed[i] = !excluded || !excluded[i];
		s->wmin[i] = (int32_t)cv_grid_week_minute(s->g, i);
	}
	s->dur = (int32_t)cv_grid_course(s->g)->duration;
	s->gap = (int32_t)cv_grid_course(s->g)->min_gap;
	for (i = 0; options && i < options->npins; i++) {
		size_t p = options->pins[i];
		if (p >= s->n || (excluded && excluded[p]))
			return CV_ENOSLOT;
		for (j = 0; j < s->npins; j++)
			if (s->pins[j] == p || !cv_grid_compatible(s->g, s->pins[j], p))
				return CV_ENOSLOT;
		s->pins[s->npins++] = p;
	}
	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->npins && s->allowed[i]; j++)
			s->allowed[i] = s->pins[j] != i && cv_grid_compatible(s->g, s->pins[j], i);
	return CV_OK;
}

/* How many free slots to choose (s->want): sections and series both take
 * `count` slots when that many fit the week.  Series are k different
 * sessions everyone attends: all k or nothing; sections may be fewer when
 * min-gap leaves no room (DESIGN.md "Objective").  Returns 0 or CV_ENOSLOT. */
static int choose_count(search *s, unsigned count)
{
	if (count < s->npins)
		return CV_ENOSLOT;
	s->want = max_compatible(s, count - s->npins);
	if (s->series && s->want < count - s->npins)
		return CV_ENOSLOT;
	return s->npins + s->want ? CV_OK : CV_ENOSLOT;
}

/* The search's tables; the Lagrangian ones for sections unless tuned off
 * or too large.  Returns 0 or CV_ENOMEM. */
static int alloc_search(search *s, const Cv_solve_tuning *tuning)
{
	size_t levels = s->want + 1;

	if (build_sparse(s))
		return CV_ENOMEM;
	s->state = calloc(s->ng + 1, sizeof(*s->state));
	s->undo = malloc(sizeof(*s->undo) * (s->want * s->ng + 1));
	s->gain = malloc(levels * s->n * sizeof(*s->gain));
	s->ok = malloc(levels * s->n);
	s->suffix = malloc(levels * s->n * sizeof(*s->suffix));
	s->exact = malloc(levels * s->n);
	s->order = malloc(levels * s->n * sizeof(*s->order));
	if (!s->state || !s->undo || !s->gain || !s->ok || !s->suffix || !s->exact || !s->order)
		return CV_ENOMEM;
	if (s->series || (tuning && tuning->no_lagrange) || s->col_start[s->n] > LAGRANGE_MAX_ENTRIES)
		return CV_OK;
	s->lambda = calloc(s->ng + 1, sizeof(*s->lambda));
	s->hits = malloc(sizeof(*s->hits) * (s->ng + 1));
	s->colsum = malloc(sizeof(*s->colsum) * (s->n + 1));
	s->intop = malloc(s->n + 1);
	s->pred = malloc(sizeof(*s->pred) * (s->n + 1));
	s->succ = malloc(sizeof(*s->succ) * (s->n + 1));
	s->pre = malloc(sizeof(*s->pre) * (s->n + 1) * (CV_COUNT_MAX + 1));
	s->post = malloc(sizeof(*s->post) * (s->n + 1) * (CV_COUNT_MAX + 1));
	s->take = malloc((s->n + 1) * (CV_COUNT_MAX + 1));
	if (!s->lambda || !s->hits || !s->colsum || !s->intop || !s->pred || !s->succ || !s->pre ||
	    !s->post || !s->take)
		return CV_ENOMEM;
	apart_neighbours(s);
	s->lagrange_nodes = s->col_start[s->n] <= LAGRANGE_NODE_ENTRIES;
	return CV_OK;
}

/* With a time limit, the instant the search stops. */
static void start_clock(search *s, double time_limit)
{
	double whole;

	if (time_limit <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &s->deadline);
	whole = (double)s->deadline.tv_nsec / 1e9 + time_limit;
	s->deadline.tv_sec += (time_t)whole;
	s->deadline.tv_nsec = (long)((whole - (double)(time_t)whole) * 1e9);
	s->limited = 1;
}

/* Greedy start: the best exact gain level by level; a good incumbent makes
 * the bounds bite early. */
static void greedy_start(search *s, const val *base)
{
	size_t d, reached;
	val cur = *base;

	for (d = 0; d < s->want; d++) {
		size_t pick;
		mark_usable(s, d, 0);
		pick = best_exact(s, d, 0, &cur);
		if (pick == s->n)
			break;
		s->path[d] = pick;
		val_add(&cur, &s->gain[d * s->n + pick]);
		choose(s, d, pick);
	}
	reached = d;
	while (d-- > 0)
		unchoose(s, d);
	if (reached == s->want) {
		qsort(s->path, reached, sizeof(size_t), size_cmp);
		offer(s, &cur);
	}
}

/* The best sets found, pins added back, into out[0..*nout). */
static void write_solutions(cv_solution *out, size_t *nout, const search *s)
{
	size_t t;

	for (t = 0; t < s->ntop; t++) {
		cv_solution *o = &out[t];
		memset(o, 0, sizeof(*o));
		o->count = s->npins + s->want;
		memcpy(o->slots, s->top[t], sizeof(size_t) * s->want);
		memcpy(o->slots + s->want, s->pins, sizeof(size_t) * s->npins);
		qsort(o->slots, o->count, sizeof(size_t), size_cmp);
		to_score(&o->score, s, &s->top_val[t]);
		o->optimal = !s->timed_out;
		if (s->timed_out && val_cmp(&s->bound, &s->top_val[0]) > 0)
			to_score(&o->bound, s, &s->bound);
		else
			to_score(&o->bound, s, &s->top_val[0]);
		o->nodes = s->nodes;
	}
	*nout = s->ntop;
}

int Cv_solve_top_tuned(cv_solution *out, size_t *nout, size_t max, const cv_grid *g,
		       const cv_solve_options *options, const Cv_solve_tuning *tuning)
{
	search s;
	val base;
	int rc;

	/* capacity, min-share, rotation and series of several lengths: solve_ext_int.h */
	if (Cv_ext_applies(g))
		return Cv_ext_solve_top(out, nout, max, g, options);
	init_search(&s, g);
	if (s.n == 0)
		return CV_ENOSLOT;
	if (max == 0 || max > CV_TOP_MAX)
		return CV_EUSAGE;
	if (options && options->npins > CV_COUNT_MAX)
		return CV_ENOSLOT;
	s.max_top = max;
	if ((rc = setup_candidates(&s, options)) || (rc = choose_count(&s, cv_grid_course(g)->count)) ||
	    (rc = alloc_search(&s, tuning)))
		goto out;
	evaluate(&base, &s, s.pins, s.npins, s.state);
	full_gains(&s, 0);
	start_clock(&s, options ? options->time_limit : 0);
	greedy_start(&s, &base);
	improve_by_swaps(&s, &base);
	memset(&s.bound, 0, sizeof(s.bound));
	dfs(&s, 0, 0, &base);
	if (!s.ntop) {
		rc = CV_ENOSLOT;
		goto out;
	}
	write_solutions(out, nout, &s);
out:
	free_search(&s);
	return rc;
}
