/*
 * solve_capacity.c - sections with `capacity` or `min-share`, exactly.
 *
 * A set S of sections is worth the best assignment of students to them
 * (DESIGN.md "Objective"): each student is live in at most one section;
 * a student live in section s is worth their weight times (occurrences
 * attended, 1 if that reaches them, preferred occurrences), ordered by the
 * objective; with min-share a student is reached only when they attend at
 * least that share of their section's occurrences.  Without capacity
 * every student takes the section best for them; with capacity the
 * assignment is a transportation problem (transport.c) over classes of
 * students (one group, one weight), and capacity counts students.
 *
 * Either way the value T(S) is monotone and submodular in S: it is the
 * value of an optimal assignment of students to the seats of S, which
 * Shapley (1962) showed submodular in the set of seats offered, and
 * adding a section adds a block of seats.  So the search is solve.c's:
 * sets in ascending order, a node bounded by its value plus the r largest
 * marginal gains, gains inherited from the parent as upper bounds and made
 * exact only where they decide, ties to the earliest set.
 */
#include <stdlib.h>
#include <string.h>

#include "array_int.h"
#include "solve_ext_int.h"
#include "transport_int.h"

typedef struct undo {
	uint32_t cls;
	Cv_lex old;
} undo;

/* A column entry's value less its class's dual value, and its students. */
typedef struct reduced {
	Cv_lex r;
	uint64_t heads;
} reduced;

typedef struct cap {
	Cv_ext *e;
	const cv_grid *g;
	size_t n;
	uint64_t capacity;        /* students live in one section; 0: no limit */

	size_t ncls;              /* classes: a group, or with capacity a group and a weight */
	uint32_t *cls_group;
	uint64_t *cls_weight;     /* per student of the class */
	uint32_t *cls_heads;      /* students (1 without capacity: the class is the group) */
	size_t *col_start;        /* per candidate, into col[]: n + 1 entries */
	Cv_tentry *col;           /* with capacity sorted by value, best first */
	Cv_transport *tp[CV_COUNT_MAX + 2]; /* with capacity: one per level of the search,
					     * and one for set_value() */
	struct reduced *scratch;  /* with capacity: reduced values of a column */

	Cv_lex *best;             /* without capacity: per class, its value in the chosen set */
	undo *undo;               /* want levels of ncls entries */
	size_t undo_len[CV_COUNT_MAX + 1];

	size_t want;              /* free slots to choose */
	size_t path[CV_COUNT_MAX];
	Cv_lex *gain;             /* (want + 1) levels of n marginal gains */
	uint8_t *exact;           /* (want + 1) levels of n: how good the gain is: */
#define INHERITED 0               /* a bound from the parent (submodularity) */
#define DUAL 1                    /* the bound of the node's optimal duals */
#define EXACT 2
	uint8_t *ok;              /* (want + 1) levels of n: usable at this node */
	Cv_lex *suffix;           /* (want + 1) levels of n */
} cap;

/* ---- the model: classes and their columns ---- */

typedef struct keyed {
	uint64_t key; /* the value per student packed so that larger is better */
	Cv_tentry x;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return (x->x.cls > y->x.cls) - (x->x.cls < y->x.cls);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Classes: without capacity one per group (its whole weight, one "head");
 * with capacity one per group and member weight, heads = its students. */
static int build_classes(cap *m)
{
	const cv_grid *g = m->g;
	size_t ng = cv_grid_groups(g), k, i, total = 0, nm;
	uint32_t *w = NULL;

	for (k = 0; k < ng; k++) {
		cv_grid_group_members(g, k, &nm);
		total += m->capacity ? nm : 1;
	}
	m->cls_group = malloc(sizeof(*m->cls_group) * (total + 1));
	m->cls_weight = malloc(sizeof(*m->cls_weight) * (total + 1));
	m->cls_heads = malloc(sizeof(*m->cls_heads) * (total + 1));
	if (!m->cls_group || !m->cls_weight || !m->cls_heads)
		return CV_ENOMEM;
	m->ncls = 0;
	for (k = 0; k < ng; k++) {
		const size_t *mem = cv_grid_group_members(g, k, &nm);
		const cv_roster *r = cv_grid_roster(g);
		if (!m->capacity) {
			m->cls_group[m->ncls] = (uint32_t)k;
			m->cls_weight[m->ncls] = cv_grid_group_weight(g, k);
			m->cls_heads[m->ncls++] = 1;
			continue;
		}
		free(w);
		w = malloc(sizeof(*w) * (nm + 1));
		if (!w)
			return CV_ENOMEM;
		for (i = 0; i < nm; i++)
			w[i] = r->students[mem[i]].weight;
		qsort(w, nm, sizeof(*w), u32_cmp);
		for (i = 0; i < nm; i++) {
			if (i && w[i] == w[i - 1]) {
				m->cls_heads[m->ncls - 1]++;
				continue;
			}
			m->cls_group[m->ncls] = (uint32_t)k;
			m->cls_weight[m->ncls] = w[i];
			m->cls_heads[m->ncls++] = 1;
		}
	}
	free(w);
	return CV_OK;
}

/* The entry of class cl at candidate c, or 0 when it cannot attend. */
static int make_entry(Cv_tentry *out, const cap *m, size_t cl, size_t c, const unsigned *occ)
{
	unsigned a = cv_grid_attend(m->g, m->cls_group[cl], c);
	if (!a)
		return 0;
	out->cls = (uint32_t)cl;
	out->a = (uint8_t)a;
	out->p = (uint8_t)cv_grid_preferred(m->g, m->cls_group[cl], c);
	out->r = a >= Cv_reach_threshold(m->e->share, occ[c]);
	out->pad = 0;
	return 1;
}

/* Columns: per candidate the classes that can attend it; sorted by value
 * with capacity (the transportation problem walks them best first). */
static int build_columns(cap *m)
{
	size_t n = m->n, cl, c, e, nnz = 0;
	unsigned *occ = malloc(sizeof(*occ) * (n + 1));
	size_t *fill = malloc(sizeof(*fill) * (n + 1));
	int rc = CV_ENOMEM;

	m->col_start = calloc(n + 1, sizeof(*m->col_start));
	if (!occ || !fill || !m->col_start)
		goto out;
	for (c = 0; c < n; c++)
		occ[c] = cv_grid_occurrence_count(m->g, c);
	for (cl = 0; cl < m->ncls; cl++) {
		const uint8_t *row = cv_grid_attend_row(m->g, m->cls_group[cl]);
		for (c = 0; c < n; c++)
			if (row[c]) {
				m->col_start[c + 1]++;
				nnz++;
			}
	}
	for (c = 0; c < n; c++)
		m->col_start[c + 1] += m->col_start[c];
	m->col = malloc(sizeof(*m->col) * (nnz + 1));
	if (!m->col)
		goto out;
	memcpy(fill, m->col_start, sizeof(*fill) * n);
	for (cl = 0; cl < m->ncls; cl++) {
		const uint8_t *row = cv_grid_attend_row(m->g, m->cls_group[cl]);
		for (c = 0; c < n; c++)
			if (row[c])
				make_entry(&m->col[fill[c]++], m, cl, c, occ);
	}
	if (m->capacity) {
		for (c = 0; c < n; c++) {
			size_t len = m->col_start[c + 1] - m->col_start[c];
			keyed *kx = malloc(sizeof(*kx) * (len + 1));
			if (!kx)
				goto out;
			for (e = 0; e < len; e++) {
				Cv_tentry *x = &m->col[m->col_start[c] + e];
				Cv_lex v = Cv_tentry_value(x, m->cls_weight[x->cls], m->e->reach_first);
				/* each part is below 2^20: weights <= CV_WEIGHT_MAX, counts < 256 */
				kx[e].key = (uint64_t)v.v[0] << 40 | (uint64_t)v.v[1] << 20 | (uint64_t)v.v[2];
				kx[e].x = *x;
			}
			qsort(kx, len, sizeof(*kx), keyed_cmp);
			for (e = 0; e < len; e++)
				m->col[m->col_start[c] + e] = kx[e].x;
			free(kx);
		}
	}
	rc = CV_OK;
out:
	free(occ);
	free(fill);
	return rc;
}

static int build_model(cap *m, Cv_ext *e, const cv_grid *g)
{
	const cv_course *course = cv_grid_course(g);
	int rc;

	memset(m, 0, sizeof(*m));
	m->e = e;
	m->g = g;
	m->n = cv_grid_candidates(g);
	m->capacity = course->capacity;
	if ((rc = build_classes(m)) || (rc = build_columns(m)))
		return rc;
	if (m->capacity) {
		size_t i, longest = 0;
		for (i = 0; i < CV_COUNT_MAX + 2; i++)
			if ((rc = Cv_transport_new(&m->tp[i], m->ncls, m->cls_heads, m->cls_weight,
						   m->capacity, m->e->reach_first)))
				return rc;
		for (i = 0; i < m->n; i++)
			if (m->col_start[i + 1] - m->col_start[i] > longest)
				longest = m->col_start[i + 1] - m->col_start[i];
		m->scratch = malloc(sizeof(*m->scratch) * (longest + 1));
		if (!m->scratch)
			return CV_ENOMEM;
	}
	if (!m->capacity) {
		m->best = calloc(m->ncls + 1, sizeof(*m->best));
		if (!m->best)
			return CV_ENOMEM;
	}
	return CV_OK;
}

static void free_model(cap *m)
{
	free(m->cls_group);
	free(m->cls_weight);
	free(m->cls_heads);
	free(m->col_start);
	free(m->col);
	{
		size_t i;
		for (i = 0; i < CV_COUNT_MAX + 2; i++)
			Cv_transport_free(m->tp[i]);
	}
	free(m->scratch);
	free(m->best);
	free(m->undo);
	free(m->gain);
	free(m->exact);
	free(m->ok);
	free(m->suffix);
}

/* ---- values ---- */

#define SET_LEVEL (CV_COUNT_MAX + 1) /* the transport of set_value(), apart from the search's */

static Cv_lex entry_value(const cap *m, const Cv_tentry *x)
{
	return Cv_tentry_value(x, m->cls_weight[x->cls], m->e->reach_first);
}

static void columns_of(Cv_tcolumn *cols, const cap *m, const size_t *slots, size_t ns)
{
	size_t s;
	for (s = 0; s < ns; s++) {
		cols[s].e = m->col + m->col_start[slots[s]];
		cols[s].n = m->col_start[slots[s] + 1] - m->col_start[slots[s]];
	}
}

/* The value of a set of sections slots[0..ns), with the flows when asked for. */
static int set_value(Cv_lex *out, cap *m, const size_t *slots, size_t ns, uint32_t *flows)
{
	Cv_tcolumn cols[CV_COUNT_MAX];
	Cv_lex *best, total = {{0, 0, 0}};
	size_t s, i, cl;
	int rc;

	columns_of(cols, m, slots, ns);
	if (m->capacity) {
		if ((rc = Cv_transport_base(m->tp[SET_LEVEL], cols, ns)))
			return rc;
		return Cv_transport_solve(out, m->tp[SET_LEVEL], NULL, 0, flows);
	}
	/* without capacity each class takes its best section */
	best = calloc(m->ncls + 1, sizeof(*best));
	if (!best)
		return CV_ENOMEM;
	for (s = 0; s < ns; s++)
		for (i = 0; i < cols[s].n; i++) {
			Cv_lex v = entry_value(m, &cols[s].e[i]);
			if (Cv_lex_cmp(&v, &best[cols[s].e[i].cls]) > 0)
				best[cols[s].e[i].cls] = v;
		}
	for (cl = 0; cl < m->ncls; cl++)
		Cv_lex_add(&total, &best[cl]);
	free(best);
	*out = total;
	return CV_OK;
}

/*
 * A node of the search with capacity: its sections (pins, then the path)
 * become the base of its level's transport, and its optimal duals bound
 * every candidate's gain.
 */
static int node_base(cap *m, size_t depth)
{
	Cv_tcolumn cols[CV_COUNT_MAX];
	size_t set[CV_COUNT_MAX], ns = m->e->npins + depth;
	Cv_lex v;
	int rc;

	memcpy(set, m->e->pins, sizeof(size_t) * m->e->npins);
	memcpy(set + m->e->npins, m->path, sizeof(size_t) * depth);
	columns_of(cols, m, set, ns);
	if ((rc = Cv_transport_base(m->tp[depth], cols, ns)))
		return rc;
	return Cv_transport_solve(&v, m->tp[depth], NULL, 1, NULL);
}

/*
 * The sum of the `left` best students of x[0..n) (values r, each for
 * `heads` students), by weighted quickselect: partition around a value,
 * keep the part that holds the boundary, add the rest.  Linear on average;
 * the pivot is the median of three so sorted columns are no worst case.
 */
static void best_students(Cv_lex *out, reduced *x, size_t n, uint64_t left)
{
	memset(out, 0, sizeof(*out));
	while (n && left) {
		Cv_lex pivot;
		size_t i, hi = 0, eq = 0;
		uint64_t above = 0, at = 0;
		int k;
		{
			const Cv_lex *a = &x[0].r, *b = &x[n / 2].r, *c = &x[n - 1].r, *mid;
			if (Cv_lex_cmp(a, b) < 0)
				mid = Cv_lex_cmp(b, c) < 0 ? b : Cv_lex_cmp(a, c) < 0 ? c : a;
			else
				mid = Cv_lex_cmp(a, c) < 0 ? a : Cv_lex_cmp(b, c) < 0 ? c : b;
			pivot = *mid;
		}
		/* three ways: x[0..hi) above the pivot, then equal, then below */
		for (i = 0; i < n; i++) {
			int cmp = Cv_lex_cmp(&x[i].r, &pivot);
			if (cmp > 0) {
				reduced t = x[i];
				x[i] = x[hi + eq];
				x[hi + eq] = x[hi];
				x[hi] = t;
				hi++;
				above += t.heads;
			} else if (cmp == 0) {
				reduced t = x[i];
				x[i] = x[hi + eq];
				x[hi + eq] = t;
				eq++;
				at += t.heads;
			}
		}
		if (above >= left) {
			n = hi; /* the boundary is above the pivot */
			continue;
		}
		for (i = 0; i < hi; i++)
			for (k = 0; k < 3; k++)
				out->v[k] += x[i].r.v[k] * (int64_t)x[i].heads;
		left -= above;
		{
			uint64_t take = at < left ? at : left;
			for (k = 0; k < 3; k++)
				out->v[k] += pivot.v[k] * (int64_t)take;
			left -= take;
		}
		/* below the pivot: what is left of the seats */
		memmove(x, x + hi + eq, sizeof(*x) * (n - hi - eq));
		n -= hi + eq;
	}
}

/*
 * The duals' bound on c's gain (see transport.c): keeping the node's duals
 * and pricing c's seats, the best `capacity` students of c by their value
 * there less their dual value.  It is the linear program's bound for c
 * added alone, valid by weak duality.
 */
static void dual_gain(Cv_lex *out, cap *m, size_t depth, size_t c)
{
	const Cv_transport *t = m->tp[depth];
	size_t e, n = 0;
	uint64_t heads = 0, free_heads = 0, left = m->capacity;
	static const Cv_lex zero = {{0, 0, 0}};

	/* The column is sorted by value, and a dual value only lowers it: once
	 * `capacity` students with no dual value are in, nobody later can do
	 * better than they do, so the walk stops there. */
	for (e = m->col_start[c]; e < m->col_start[c + 1] && free_heads < left; e++) {
		const Cv_tentry *x = &m->col[e];
		const Cv_lex *pi = Cv_transport_dual(t, x->cls);
		reduced *d = &m->scratch[n];
		d->r = entry_value(m, x);
		if (Cv_lex_cmp(pi, &zero) == 0) {
			free_heads += m->cls_heads[x->cls];
		} else {
			Cv_lex_sub(&d->r, pi);
			if (Cv_lex_cmp(&d->r, &zero) <= 0)
				continue;
		}
		d->heads = m->cls_heads[x->cls];
		heads += d->heads;
		n++;
	}
	best_students(out, m->scratch, n, heads < left ? heads : left);
}

/* The exact gain of candidate c at a node of `depth` worth cur. */
static int exact_gain(Cv_lex *out, cap *m, size_t depth, size_t c, const Cv_lex *cur)
{
	size_t e, end = m->col_start[c + 1];

	if (m->capacity) {
		Cv_tcolumn col = {m->col + m->col_start[c], m->col_start[c + 1] - m->col_start[c]};
		Cv_lex v;
		int rc;
		if ((rc = Cv_transport_solve(&v, m->tp[depth], &col, 0, NULL)))
			return rc;
		Cv_lex_sub(&v, cur);
		*out = v;
		return CV_OK;
	}
	memset(out, 0, sizeof(*out));
	for (e = m->col_start[c]; e < end; e++) {
		Cv_lex v = entry_value(m, &m->col[e]);
		const Cv_lex *b = &m->best[m->col[e].cls];
		if (Cv_lex_cmp(&v, b) > 0) {
			Cv_lex_sub(&v, b);
			Cv_lex_add(out, &v);
		}
	}
	return CV_OK;
}

/* Make c's gain at `depth` at least as good as `level`; the bounds only fall. */
static int refine(cap *m, size_t depth, size_t c, const Cv_lex *cur, int level)
{
	Cv_lex *g = m->gain + depth * m->n + c, x;
	uint8_t *st = m->exact + depth * m->n + c;
	int rc;

	if (*st >= level)
		return CV_OK;
	if (level == DUAL && m->capacity) {
		dual_gain(&x, m, depth, c);
		if (Cv_lex_cmp(&x, g) < 0)
			*g = x;
		*st = DUAL;
		return CV_OK;
	}
	if ((rc = exact_gain(g, m, depth, c, cur)))
		return rc;
	*st = EXACT;
	return CV_OK;
}

/* Choose c at `depth` (without capacity the classes it serves improve). */
static void choose(cap *m, size_t depth, size_t c)
{
	size_t e, nu = 0;
	undo *u = m->undo + depth * m->ncls;

	m->path[depth] = c;
	if (m->capacity)
		return;
	for (e = m->col_start[c]; e < m->col_start[c + 1]; e++) {
		Cv_lex v = entry_value(m, &m->col[e]);
		uint32_t cl = m->col[e].cls;
		if (Cv_lex_cmp(&v, &m->best[cl]) <= 0)
			continue;
		u[nu].cls = cl;
		u[nu].old = m->best[cl];
		nu++;
		m->best[cl] = v;
	}
	m->undo_len[depth] = nu;
}

static void unchoose(cap *m, size_t depth)
{
	undo *u = m->undo + depth * m->ncls;
	size_t i = m->undo_len[depth];

	if (m->capacity)
		return;
	while (i-- > 0)
		m->best[u[i].cls] = u[i].old;
}

/* ---- the search ---- */

static int apart(const cap *m, size_t a, size_t b)
{
	return cv_grid_compatible(m->g, a, b);
}

/* Usable candidates of a node: allowed, >= from, apart from the pins and
 * the path; returns how many. */
static size_t mark_usable(cap *m, size_t depth, size_t from)
{
	uint8_t *ok = m->ok + depth * m->n;
	size_t c, d, usable = 0;

	for (c = 0; c < m->n; c++) {
		ok[c] = c >= from && m->e->allowed[c];
		for (d = 0; d < m->e->npins && ok[c]; d++)
			ok[c] = m->e->pins[d] != c && apart(m, m->e->pins[d], c);
		for (d = 0; d < depth && ok[c]; d++)
			ok[c] = apart(m, m->path[d], c);
		usable += ok[c];
	}
	return usable;
}

/* Insert v into the descending top[0..*have) of at most r entries. */
static void top_insert(Cv_lex *top, size_t *have, size_t r, const Cv_lex *v)
{
	size_t i;
	if (*have < r)
		i = (*have)++;
	else if (r && Cv_lex_cmp(v, &top[r - 1]) > 0)
		i = r - 1;
	else
		return;
	while (i > 0 && Cv_lex_cmp(v, &top[i - 1]) > 0) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = *v;
}

/*
 * The sum of the r largest gains of usable candidates, the largest refined
 * (duals, then exact) until the r largest are exact and every other bound
 * is below them.
 */
static int top_exact(Cv_lex *out, cap *m, size_t depth, const Cv_lex *cur, size_t r)
{
	const uint8_t *ok = m->ok + depth * m->n;
	Cv_lex *gain = m->gain + depth * m->n, top[CV_COUNT_MAX];
	uint8_t *state = m->exact + depth * m->n;
	size_t have, c, i;
	int rc;

	for (;;) {
		size_t worst = m->n; /* the largest gain not yet exact among the r largest */
		have = 0;
		for (c = 0; c < m->n; c++)
			if (ok[c])
				top_insert(top, &have, r, &gain[c]);
		for (c = 0; c < m->n; c++) {
			if (!ok[c] || state[c] == EXACT ||
			    (have == r && Cv_lex_cmp(&gain[c], &top[r - 1]) < 0))
				continue;
			if (worst == m->n || Cv_lex_cmp(&gain[c], &gain[worst]) > 0)
				worst = c;
		}
		if (worst == m->n)
			break;
		if ((rc = refine(m, depth, worst, cur, state[worst] + 1)))
			return rc;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < have; i++)
		Cv_lex_add(out, &top[i]);
	return CV_OK;
}

/* suffix[c] = the sum of the r largest usable gains after c. */
static void suffix_sums(cap *m, size_t depth, size_t r)
{
	const Cv_lex *gain = m->gain + depth * m->n;
	const uint8_t *ok = m->ok + depth * m->n;
	Cv_lex top[CV_COUNT_MAX], sum;
	size_t have = 0, c = m->n, i;

	while (c-- > 0) {
		memset(&sum, 0, sizeof(sum));
		for (i = 0; i < have; i++)
			Cv_lex_add(&sum, &top[i]);
		m->suffix[depth * m->n + c] = sum;
		if (ok[c])
			top_insert(top, &have, r, &gain[c]);
	}
}

static void inherit_gains(cap *m, size_t depth)
{
	memcpy(m->gain + (depth + 1) * m->n, m->gain + depth * m->n, sizeof(Cv_lex) * m->n);
	memset(m->exact + (depth + 1) * m->n, INHERITED, m->n);
}

/* 1 when a child of this node through c, bounded by its gain and the
 * best `later` ones, cannot enter the list of the best plans. */
static int child_dominated(cap *m, size_t depth, size_t c, const Cv_lex *cur, const Cv_lex *later)
{
	Cv_lex child = *later;
	Cv_lex_add(&child, &m->gain[depth * m->n + c]);
	Cv_lex_add(&child, cur);
	return Cv_ext_dominated(m->e, &child, m->path, depth + 1);
}

static int dfs(cap *m, size_t depth, size_t from, const Cv_lex *cur)
{
	Cv_ext *e = m->e;
	size_t r = m->want - depth, c;
	Cv_lex bound;
	int rc, level;

	e->nodes++;
	if (r == 0) {
		Cv_ext_offer(e, cur, m->path);
		return CV_OK;
	}
	if (mark_usable(m, depth, from) < r)
		return CV_OK;
	if (m->capacity && depth > 0 && (rc = node_base(m, depth)))
		return rc;
	if ((rc = top_exact(&bound, m, depth, cur, r)))
		return rc;
	Cv_lex_add(&bound, cur);
	if (Cv_ext_dominated(e, &bound, m->path, depth))
		return CV_OK;
	suffix_sums(m, depth, r - 1);
	for (c = from; c < m->n; c++) {
		const uint8_t *ok = m->ok + depth * m->n;
		Cv_lex later, child;
		size_t next;
		if (!ok[c])
			continue;
		if (Cv_ext_out_of_time(e)) {
			Cv_ext_raise_bound(e, &bound);
			return CV_OK;
		}
		m->path[depth] = c;
		for (next = c + 1; next < m->n && !apart(m, c, next); next++)
			;
		if (next < m->n)
			later = m->suffix[depth * m->n + next - 1];
		else
			memset(&later, 0, sizeof(later));
		/* refine the gain only as far as it takes to rule the child out */
		for (level = DUAL; level <= EXACT; level++) {
			if (child_dominated(m, depth, c, cur, &later))
				break;
			if ((rc = refine(m, depth, c, cur, level)))
				return rc;
		}
		if (level <= EXACT || child_dominated(m, depth, c, cur, &later))
			continue;
		child = *cur;
		Cv_lex_add(&child, &m->gain[depth * m->n + c]);
		inherit_gains(m, depth);
		choose(m, depth, c);
		rc = dfs(m, depth + 1, c + 1, &child);
		unchoose(m, depth);
		if (rc)
			return rc;
	}
	return CV_OK;
}

/* The best exact gain among usable candidates at `depth` (earliest of equals), or n. */
static int best_exact(size_t *pick, cap *m, size_t depth, const Cv_lex *cur)
{
	const uint8_t *ok = m->ok + depth * m->n;
	const uint8_t *state = m->exact + depth * m->n;
	const Cv_lex *gain = m->gain + depth * m->n;
	const Cv_lex *best = NULL;
	size_t c;
	int rc;

	*pick = m->n;
	for (;;) {
		/* the largest bound not yet exact, unless the best exact beats it */
		size_t top = m->n;
		for (c = 0; c < m->n; c++) {
			if (!ok[c] || state[c] == EXACT)
				continue;
			if (top == m->n || Cv_lex_cmp(&gain[c], &gain[top]) > 0)
				top = c;
		}
		if (top == m->n || (best && Cv_lex_cmp(&gain[top], best) < 0))
			break;
		if ((rc = refine(m, depth, top, cur, state[top] + 1)))
			return rc;
		best = NULL;
		for (c = 0; c < m->n; c++)
			if (ok[c] && state[c] == EXACT && (!best || Cv_lex_cmp(&gain[c], best) > 0)) {
				best = &gain[c];
				*pick = c;
			}
	}
	return CV_OK;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* A first plan: the best exact gain level by level. */
static int greedy_start(cap *m, const Cv_lex *base)
{
	size_t d, pick;
	Cv_lex cur = *base;
	int rc = CV_OK;

	for (d = 0; d < m->want; d++) {
		if (mark_usable(m, d, 0) == 0)
			break;
		if (m->capacity && d > 0 && (rc = node_base(m, d)))
			break;
		if ((rc = best_exact(&pick, m, d, &cur)))
			break;
		if (pick == m->n)
			break;
		Cv_lex_add(&cur, &m->gain[d * m->n + pick]);
		inherit_gains(m, d);
		choose(m, d, pick);
	}
	if (!rc && d == m->want) {
		size_t path[CV_COUNT_MAX];
		memcpy(path, m->path, sizeof(size_t) * d);
		qsort(path, d, sizeof(size_t), size_cmp);
		Cv_ext_offer(m->e, &cur, path);
	}
	while (d-- > 0)
		unchoose(m, d);
	return rc;
}

/*
 * With capacity, polish the greedy plan by swaps: take one section out,
 * put in the candidate that gains most given the rest (bounded by the
 * rest's duals, then exact), keep the change when the value rises; repeat
 * until no swap helps.  The search proves the optimum either way; a better
 * first plan only lets its bounds prune from the first node.
 */
static int improve_by_swaps(cap *m)
{
	Cv_transport *t = m->tp[CV_COUNT_MAX]; /* the search's last level never needs one */
	size_t round, i, j, c;
	int rc;

	if (!m->capacity || !m->e->ntop || m->want < 2)
		return CV_OK;
	for (round = 0; round < 16 * m->want; round++) {
		size_t set[CV_COUNT_MAX], rest[CV_COUNT_MAX], nrest, best_c = m->n;
		Cv_tcolumn cols[CV_COUNT_MAX];
		Cv_lex base, best = {{0, 0, 0}}, now = m->e->top_val[0];
		int improved = 0;
		memcpy(set, m->e->top[0], sizeof(size_t) * m->want);
		for (i = 0; i < m->want && !improved; i++) {
			nrest = 0;
			memcpy(rest, m->e->pins, sizeof(size_t) * m->e->npins);
			nrest = m->e->npins;
			for (j = 0; j < m->want; j++)
				if (j != i)
					rest[nrest++] = set[j];
			columns_of(cols, m, rest, nrest);
			if ((rc = Cv_transport_base(t, cols, nrest)) ||
			    (rc = Cv_transport_solve(&base, t, NULL, 1, NULL)))
				return rc;
			best_c = m->n;
			for (c = 0; c < m->n; c++) {
				Cv_lex g, v;
				Cv_tcolumn col = {m->col + m->col_start[c], m->col_start[c + 1] - m->col_start[c]};
				int ok = m->e->allowed[c] && c != set[i];
				for (j = 0; j < nrest && ok; j++)
					ok = rest[j] != c && apart(m, rest[j], c);
				if (!ok)
					continue;
				/* the duals' bound first: most candidates stop there */
				{
					Cv_transport *keep = m->tp[0];
					m->tp[0] = t;
					dual_gain(&g, m, 0, c);
					m->tp[0] = keep;
				}
				v = base;
				Cv_lex_add(&v, &g);
				if (Cv_lex_cmp(&v, &now) <= 0 || (best_c < m->n && Cv_lex_cmp(&v, &best) <= 0))
					continue;
				if ((rc = Cv_transport_solve(&v, t, &col, 0, NULL)))
					return rc;
				if (Cv_lex_cmp(&v, &now) > 0 && (best_c == m->n || Cv_lex_cmp(&v, &best) > 0)) {
					best = v;
					best_c = c;
				}
			}
			if (best_c < m->n) {
				size_t path[CV_COUNT_MAX];
				memcpy(path, set, sizeof(size_t) * m->want);
				path[i] = best_c;
				qsort(path, m->want, sizeof(size_t), size_cmp);
				Cv_ext_offer(m->e, &best, path);
				improved = 1;
			}
		}
		if (!improved)
			break;
	}
	return CV_OK;
}

static int alloc_search(cap *m)
{
	size_t levels = m->want + 1;

	m->gain = malloc(sizeof(*m->gain) * levels * m->n + 1);
	m->exact = malloc(levels * m->n + 1);
	m->ok = malloc(levels * m->n + 1);
	m->suffix = malloc(sizeof(*m->suffix) * levels * m->n + 1);
	if (!m->capacity)
		m->undo = malloc(sizeof(*m->undo) * (levels * m->ncls + 1));
	if (!m->gain || !m->exact || !m->ok || !m->suffix || (!m->capacity && !m->undo))
		return CV_ENOMEM;
	return CV_OK;
}

int Cv_capacity_solve(Cv_ext *e, const cv_solve_options *o)
{
	const cv_course *course = cv_grid_course(e->g);
	cap m;
	Cv_lex base;
	size_t i, j, c;
	int rc;

	(void)o;
	if ((rc = build_model(&m, e, e->g)))
		goto out;
	rc = CV_ENOSLOT;
	for (i = 0; i < e->npins; i++)
		for (j = 0; j < i; j++)
			if (!apart(&m, e->pins[i], e->pins[j]))
				goto out;
	if (course->count < e->npins)
		goto out;
	/* sections: `count` of them when they fit, as many as fit otherwise */
	{
		uint8_t *fit = malloc(m.n + 1);
		if (!fit) {
			rc = CV_ENOMEM;
			goto out;
		}
		for (c = 0; c < m.n; c++) {
			fit[c] = 1;
			for (j = 0; j < e->npins && fit[c]; j++)
				fit[c] = e->pins[j] != c && apart(&m, e->pins[j], c);
		}
		m.want = Cv_ext_max_compatible(e, fit, course->count - e->npins);
		free(fit);
	}
	if (e->npins + m.want == 0)
		goto out;
	e->len = m.want;
	if ((rc = alloc_search(&m)))
		goto out;
	/* the root: the pins' value, and every candidate's gain bounded */
	if ((rc = set_value(&base, &m, e->pins, e->npins, NULL)))
		goto out;
	if (m.capacity) {
		if ((rc = node_base(&m, 0)))
			goto out;
	} else {
		for (i = 0; i < e->npins; i++) {
			size_t x;
			for (x = m.col_start[e->pins[i]]; x < m.col_start[e->pins[i] + 1]; x++) {
				Cv_lex v = entry_value(&m, &m.col[x]);
				if (Cv_lex_cmp(&v, &m.best[m.col[x].cls]) > 0)
					m.best[m.col[x].cls] = v;
			}
		}
	}
	for (c = 0; c < m.n; c++) {
		if (m.capacity) {
			dual_gain(&m.gain[c], &m, 0, c);
			m.exact[c] = DUAL;
		} else {
			if ((rc = exact_gain(&m.gain[c], &m, 0, c, &base)))
				goto out;
			m.exact[c] = EXACT;
		}
	}
	if ((rc = greedy_start(&m, &base)) || (rc = improve_by_swaps(&m)) ||
	    (rc = dfs(&m, 0, 0, &base)))
		goto out;
	/* the pins join every plan */
	for (i = 0; i < e->ntop; i++)
		memcpy(e->top[i] + m.want, e->pins, sizeof(size_t) * e->npins);
	e->len = m.want + e->npins;
	rc = CV_OK;
out:
	free_model(&m);
	return rc;
}

int Cv_capacity_evaluate(cv_score *out, const cv_grid *g, const size_t *slots, size_t n)
{
	Cv_ext e;
	cap m;
	Cv_lex v;
	int rc;

	memset(&m, 0, sizeof(m));
	if ((rc = Cv_ext_init(&e, g, NULL, 1)) == CV_OK && (rc = build_model(&m, &e, g)) == CV_OK)
		rc = set_value(&v, &m, slots, n, NULL);
	if (!rc)
		Cv_ext_score(out, e.reach_first, &v);
	free_model(&m);
	Cv_ext_free(&e);
	return rc;
}

int Cv_capacity_assign(size_t *out_section, uint8_t *out_live, const cv_grid *g,
		       const size_t *slots, size_t n)
{
	const cv_roster *r = cv_grid_roster(g);
	Cv_ext e;
	cap m;
	Cv_lex v;
	uint32_t *flows = NULL;
	size_t cl, i, s;
	int rc;

	memset(&m, 0, sizeof(m));
	if ((rc = Cv_ext_init(&e, g, NULL, 1)) || (rc = build_model(&m, &e, g)))
		goto out;
	/* first every student's best section: the section they are in when not live */
	for (i = 0; i < r->count; i++) {
		size_t k = cv_grid_student_group(g, i);
		Cv_lex best = {{-1, 0, 0}};
		out_section[i] = 0;
		out_live[i] = 0;
		for (s = 0; s < n; s++) {
			Cv_tentry x;
			Cv_lex val = {{0, 0, 0}};
			unsigned a = cv_grid_attend(g, k, slots[s]);
			if (a) {
				x.cls = 0;
				x.a = (uint8_t)a;
				x.p = (uint8_t)cv_grid_preferred(g, k, slots[s]);
				x.r = a >= Cv_reach_threshold(e.share, cv_grid_occurrence_count(g, slots[s]));
				val = Cv_tentry_value(&x, 1, e.reach_first);
			}
			if (Cv_lex_cmp(&val, &best) > 0) {
				best = val;
				out_section[i] = s;
			}
		}
		out_live[i] = cv_grid_attend(g, k, slots[out_section[i]]) > 0;
	}
	if (!m.capacity)
		goto out;
	/* with capacity: the optimal flows, handed to the members in roster order */
	flows = calloc(m.ncls * n + 1, sizeof(*flows));
	if (!flows) {
		rc = CV_ENOMEM;
		goto out;
	}
	if ((rc = set_value(&v, &m, slots, n, flows)))
		goto out;
	for (i = 0; i < r->count; i++)
		out_live[i] = 0;
	for (cl = 0; cl < m.ncls; cl++) {
		size_t nm;
		const size_t *mem = cv_grid_group_members(g, m.cls_group[cl], &nm);
		size_t at = 0;
		for (s = 0; s < n; s++) {
			uint32_t left = flows[cl * n + s];
			for (; left && at < nm; at++) {
				if (r->students[mem[at]].weight != m.cls_weight[cl])
					continue;
				out_section[mem[at]] = s;
				out_live[mem[at]] = 1;
				left--;
			}
		}
	}
out:
	free(flows);
	free_model(&m);
	Cv_ext_free(&e);
	return rc;
}
