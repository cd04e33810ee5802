/*
 * transport.c - students into sections of limited capacity, exactly.
 *
 * The assignment is a maximum-weight flow: classes of students supply
 * heads, each section takes at most `capacity`, a head is worth its
 * entry's value in the section it joins.  Successive shortest (here:
 * longest) augmenting paths keep the flow optimal for its size at every
 * step, so the first time no path gains, the flow is optimal (Ahuja,
 * Magnanti and Orlin, ch. 9).  Values are lexicographic triples, which
 * form an ordered group: the algorithm only adds, subtracts and compares.
 *
 * With few sections the residual graph collapses: a path takes a head
 * from the unassigned pool U into a section Y1, moves a head of some class
 * from Y1 to Y2, and so on, ending in a section with a free seat.  The best
 * move from X to Y is the class at X with the largest value(Y) - value(X),
 * kept in a heap per (X, Y); the best head from U into Y is the next class
 * of Y's list (the pool only shrinks).  The path itself is Bellman-Ford
 * over at most CV_COUNT_MAX + 1 nodes.  Classes with the same values in
 * every section are merged first: they are interchangeable, and there are
 * far fewer distinct value vectors than classes.  A search asks for many
 * problems that share all sections but one, so the shared sections are
 * merged once (the base) and each problem only splits the base's merged
 * classes by their value in its extra section.
 *
 * Dual values come from longest paths in the final residual graph with
 * every section a start at 0: a section's seat price u(X) = D(X), a
 * class's share pi = value(X) - u(X) where it is placed, 0 in the pool.
 * Feasibility (pi + u(Y) >= value(Y)) is the path inequality of a move,
 * pi >= 0 and complementary slackness hold because no path improves the
 * final flow, so (u, pi) is optimal for the dual LP.
 */
#include <stdlib.h>
#include <string.h>

#include "array_int.h"
#include "transport_int.h"

#define NS CV_COUNT_MAX
#define NONE UINT32_MAX

typedef struct merged {
	Cv_lex v[NS];      /* value per head in each section (0 where absent) */
	uint8_t has;       /* bit s: the class can attend section s */
	uint32_t base;     /* the base class it was split from, or NONE */
	uint32_t next;     /* the next class split from the same base, or NONE */
	uint64_t heads;
	uint64_t u;        /* heads not placed */
	uint64_t x[NS];    /* heads placed in each section */
} merged;

struct Cv_transport {
	size_t ncls;
	const uint32_t *heads;
	const uint64_t *weight;
	uint64_t capacity;
	int reach_first;

	/* the base */
	size_t ns;
	Cv_tcolumn cols[NS];
	uint32_t *bid;                  /* per class: its base class, NONE when not touched */
	Cv_array_t(uint32_t) btouched;
	Cv_array_t(merged) base;
	Cv_array_t(uint32_t) first_split; /* per base class: its first split, NONE */
	Cv_array_t(uint32_t) border;    /* per base section: base classes by value, best first */
	size_t border_start[NS + 1];
	Cv_array_t(uint64_t) keys;      /* scratch: value keys per touched class and section */
	Cv_array_t(uint32_t) table;     /* scratch: hash table (index + 1) */

	/* one solve */
	Cv_array_t(merged) m;
	uint32_t *xid;                  /* per class of the extra column: its class, NONE */
	Cv_array_t(uint32_t) xtouched;
	Cv_array_t(uint32_t) order;     /* per section: classes by value, best first */
	size_t order_start[NS + 1];
	Cv_array_t(uint32_t) heap;      /* NS * NS heaps of m.size + 1 entries */
	size_t heap_n[NS][NS];
	Cv_array_t(uint8_t) in_heap;    /* per class and (X, Y) */
	Cv_array_t(uint32_t) sorted;    /* scratch for flows */
	Cv_array_t(uint64_t) left;      /* scratch for flows */

	/* duals of the last solve that asked */
	Cv_lex *pi;
	Cv_array_t(uint32_t) pi_set;
};

int Cv_transport_new(Cv_transport **out, size_t nclasses, const uint32_t *heads,
		     const uint64_t *weight, uint64_t capacity, int reach_first)
{
	Cv_transport *t = calloc(1, sizeof(*t));
	size_t i;

	if (!t)
		return CV_ENOMEM;
	t->ncls = nclasses;
	t->heads = heads;
	t->weight = weight;
	t->capacity = capacity;
	t->reach_first = reach_first;
	t->bid = malloc(sizeof(*t->bid) * (nclasses + 1));
	t->xid = malloc(sizeof(*t->xid) * (nclasses + 1));
	t->pi = calloc(nclasses + 1, sizeof(*t->pi));
	if (!t->bid || !t->xid || !t->pi) {
		Cv_transport_free(t);
		return CV_ENOMEM;
	}
	for (i = 0; i < nclasses; i++)
		t->bid[i] = t->xid[i] = NONE;
	*out = t;
	return CV_OK;
}

void Cv_transport_free(Cv_transport *t)
{
	if (!t)
		return;
	free(t->bid);
	free(t->xid);
	free(t->pi);
	free(t->btouched.ptr);
	free(t->base.ptr);
	free(t->first_split.ptr);
	free(t->border.ptr);
	free(t->keys.ptr);
	free(t->table.ptr);
	free(t->m.ptr);
	free(t->xtouched.ptr);
	free(t->order.ptr);
	free(t->heap.ptr);
	free(t->in_heap.ptr);
	free(t->sorted.ptr);
	free(t->left.ptr);
	free(t->pi_set.ptr);
	free(t);
}

static Cv_lex unpack(uint64_t key)
{
	Cv_lex v;
	v.v[0] = (int64_t)(key >> 40);
	v.v[1] = (int64_t)(key >> 20 & 0xFFFFF);
	v.v[2] = (int64_t)(key & 0xFFFFF);
	return v;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
	return h * 0xBF58476D1CE4E5B9ULL;
}

/* A power-of-two table for n entries, emptied; returns its mask. */
static int table_reset(Cv_transport *t, size_t n, size_t *mask)
{
	size_t cap;
	for (cap = 16; cap < 2 * n + 2; cap <<= 1)
		;
	if (Cv_array_reserve(t->table, cap))
		return CV_ENOMEM;
	memset(t->table.ptr, 0, sizeof(uint32_t) * cap);
	*mask = cap - 1;
	return CV_OK;
}

/* ---- the base ---- */

/* Sort ids[0..n) of classes `set` by their value in section s, best first,
 * ties by id (a merge sort: the order must not depend on the C library). */
static void sort_by_value(uint32_t *ids, uint32_t *tmp, size_t n, const merged *set, size_t s)
{
	size_t width, i;

	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t a = i, am = i + width < n ? i + width : n, b = am,
			       bm = i + 2 * width < n ? i + 2 * width : n, k = i;
			while (a < am || b < bm) {
				int take_a;
				if (a == am)
					take_a = 0;
				else if (b == bm)
					take_a = 1;
				else {
					int c = Cv_lex_cmp(&set[ids[a]].v[s], &set[ids[b]].v[s]);
					take_a = c > 0 || (c == 0 && ids[a] < ids[b]);
				}
				tmp[k++] = take_a ? ids[a++] : ids[b++];
			}
		}
		memcpy(ids, tmp, sizeof(uint32_t) * n);
	}
}

int Cv_transport_base(Cv_transport *t, const Cv_tcolumn *cols, size_t ns)
{
	size_t s, i, mask;
	uint64_t *keys;

	for (i = 0; i < t->btouched.size; i++)
		t->bid[t->btouched.ptr[i]] = NONE;
	t->btouched.size = 0;
	t->ns = ns;
	memcpy(t->cols, cols, sizeof(*cols) * ns);
	/* the classes of the columns, each with its key in every section */
	for (s = 0; s < ns; s++)
		for (i = 0; i < cols[s].n; i++) {
			uint32_t c = cols[s].e[i].cls;
			if (t->bid[c] != NONE)
				continue;
			if (Cv_array_push(t->btouched, c))
				return CV_ENOMEM;
			t->bid[c] = (uint32_t)(t->btouched.size - 1);
		}
	if (Cv_array_reserve(t->keys, t->btouched.size * (ns ? ns : 1) + 1))
		return CV_ENOMEM;
	keys = t->keys.ptr;
	memset(keys, 0, sizeof(uint64_t) * t->btouched.size * ns);
	for (s = 0; s < ns; s++)
		for (i = 0; i < cols[s].n; i++) {
			const Cv_tentry *x = &cols[s].e[i];
			keys[(size_t)t->bid[x->cls] * ns + s] =
				Cv_tentry_key(x, t->weight[x->cls], t->reach_first);
		}
	/* merged by key vector */
	if (table_reset(t, t->btouched.size, &mask) || Cv_array_reserve(t->base, t->btouched.size + 1))
		return CV_ENOMEM;
	t->base.size = 0;
	for (i = 0; i < t->btouched.size; i++) {
		const uint64_t *k = keys + i * ns;
		uint32_t c = t->btouched.ptr[i];
		uint64_t h = 0x9E37;
		size_t slot;
		for (s = 0; s < ns; s++)
			h = mix(h, k[s]);
		for (slot = h & mask;; slot = (slot + 1) & mask) {
			uint32_t at = t->table.ptr[slot];
			if (!at) {
				merged *d = &t->base.ptr[t->base.size];
				memset(d, 0, sizeof(*d));
				for (s = 0; s < ns; s++)
					if (k[s]) {
						d->v[s] = unpack(k[s]);
						d->has |= (uint8_t)(1u << s);
					}
				d->base = NONE;
				/* remember a representative's keys: its first class's row */
				d->next = (uint32_t)i;
				t->table.ptr[slot] = (uint32_t)++t->base.size;
				at = (uint32_t)t->base.size;
			} else if (memcmp(keys + (size_t)t->base.ptr[at - 1].next * ns, k,
					  sizeof(uint64_t) * ns)) {
				continue;
			}
			t->base.ptr[at - 1].heads += t->heads[c];
			t->bid[c] = at - 1;
			break;
		}
	}
	/* per section the base classes by value */
	if (Cv_array_reserve(t->border, t->base.size * ns + 1) ||
	    Cv_array_reserve(t->sorted, t->base.size + 1))
		return CV_ENOMEM;
	t->border.size = 0;
	for (s = 0; s < ns; s++) {
		t->border_start[s] = t->border.size;
		for (i = 0; i < t->base.size; i++)
			if (t->base.ptr[i].has & (1u << s))
				t->border.ptr[t->border.size++] = (uint32_t)i;
		sort_by_value(t->border.ptr + t->border_start[s], t->sorted.ptr,
			      t->border.size - t->border_start[s], t->base.ptr, s);
	}
	t->border_start[ns] = t->border.size;
	return CV_OK;
}

/* ---- one solve: the base split by an extra column ---- */

static int split_base(Cv_transport *t, const Cv_tcolumn *extra)
{
	size_t i, mask, ns = t->ns;

	if (Cv_array_reserve(t->m, t->base.size + (extra ? extra->n : 0) + 1) ||
	    Cv_array_reserve(t->first_split, t->base.size + 1))
		return CV_ENOMEM;
	memcpy(t->m.ptr, t->base.ptr, sizeof(merged) * t->base.size);
	t->m.size = t->base.size;
	for (i = 0; i < t->m.size; i++) {
		t->m.ptr[i].next = NONE;
		t->first_split.ptr[i] = NONE;
	}
	t->xtouched.size = 0;
	if (!extra)
		return CV_OK;
	if (table_reset(t, extra->n, &mask))
		return CV_ENOMEM;
	/* a class of the extra column joins the split (its base class, its key):
	 * the column is sorted, so splits are made best first */
	for (i = 0; i < extra->n; i++) {
		const Cv_tentry *x = &extra->e[i];
		uint32_t c = x->cls, b = t->bid[c];
		uint64_t key = Cv_tentry_key(x, t->weight[c], t->reach_first);
		size_t slot = mix(mix(0x51, b), key) & mask;
		for (;; slot = (slot + 1) & mask) {
			uint32_t at = t->table.ptr[slot];
			merged *d;
			if (at) {
				Cv_lex v = unpack(key);
				if (t->m.ptr[at - 1].base != b || Cv_lex_cmp(&t->m.ptr[at - 1].v[ns], &v))
					continue;
			} else {
				d = &t->m.ptr[t->m.size];
				if (b != NONE) {
					*d = t->base.ptr[b];
					d->next = t->first_split.ptr[b];
					t->first_split.ptr[b] = (uint32_t)t->m.size;
				} else {
					memset(d, 0, sizeof(*d));
					d->next = NONE;
				}
				d->base = b;
				d->heads = 0;
				d->v[ns] = unpack(key);
				d->has |= (uint8_t)(1u << ns);
				t->table.ptr[slot] = (uint32_t)++t->m.size;
				at = (uint32_t)t->m.size;
			}
			t->m.ptr[at - 1].heads += t->heads[c];
			if (b != NONE)
				t->m.ptr[b].heads -= t->heads[c];
			t->xid[c] = at - 1;
			if (Cv_array_push(t->xtouched, c))
				return CV_ENOMEM;
			break;
		}
	}
	return CV_OK;
}

/* Per section the classes by value: a base section walks the base order,
 * each base class followed by its splits (the same value there); the extra
 * section takes the splits in the order the column made them. */
static int order_sections(Cv_transport *t, const Cv_tcolumn *extra)
{
	size_t ns = t->ns, s, i;

	t->order.size = 0;
	if (Cv_array_reserve(t->order, t->m.size * (ns + 1) + 1))
		return CV_ENOMEM;
	for (s = 0; s < ns; s++) {
		t->order_start[s] = t->order.size;
		for (i = t->border_start[s]; i < t->border_start[s + 1]; i++) {
			uint32_t b = t->border.ptr[i], x;
			if (t->m.ptr[b].heads)
				t->order.ptr[t->order.size++] = b;
			for (x = t->first_split.ptr[b]; x != NONE; x = t->m.ptr[x].next)
				t->order.ptr[t->order.size++] = x;
		}
	}
	t->order_start[ns] = t->order.size;
	if (extra) {
		for (i = t->base.size; i < t->m.size; i++)
			t->order.ptr[t->order.size++] = (uint32_t)i;
		t->order_start[ns + 1] = t->order.size;
	}
	for (i = 0; i < t->m.size; i++)
		t->m.ptr[i].u = t->m.ptr[i].heads;
	if (Cv_array_reserve(t->in_heap, t->m.size * NS * NS + 1) ||
	    Cv_array_reserve(t->heap, (t->m.size + 1) * NS * NS))
		return CV_ENOMEM;
	memset(t->in_heap.ptr, 0, t->m.size * NS * NS);
	memset(t->heap_n, 0, sizeof(t->heap_n));
	return CV_OK;
}

/* ---- the heaps of moves X -> Y ---- */

static Cv_lex move_gain(const merged *m, size_t x, size_t y)
{
	Cv_lex d = m->v[y];
	Cv_lex_sub(&d, &m->v[x]);
	return d;
}

static int move_before(const Cv_transport *t, size_t x, size_t y, uint32_t a, uint32_t b)
{
	Cv_lex ga = move_gain(&t->m.ptr[a], x, y), gb = move_gain(&t->m.ptr[b], x, y);
	int cmp = Cv_lex_cmp(&ga, &gb);
	return cmp > 0 || (cmp == 0 && a < b);
}

static uint32_t *heap_of(Cv_transport *t, size_t x, size_t y)
{
	return t->heap.ptr + (x * NS + y) * (t->m.size + 1);
}

static void heap_push(Cv_transport *t, size_t x, size_t y, uint32_t mi)
{
	uint32_t *h = heap_of(t, x, y);
	size_t i = t->heap_n[x][y]++;
	h[i] = mi;
	while (i > 0 && move_before(t, x, y, h[i], h[(i - 1) / 2])) {
		uint32_t tmp = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
}

static void heap_pop(Cv_transport *t, size_t x, size_t y)
{
	uint32_t *h = heap_of(t, x, y);
	size_t n = --t->heap_n[x][y], i = 0;
	h[0] = h[n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, top = i;
		uint32_t tmp;
		if (l < n && move_before(t, x, y, h[l], h[top]))
			top = l;
		if (r < n && move_before(t, x, y, h[r], h[top]))
			top = r;
		if (top == i)
			return;
		tmp = h[i];
		h[i] = h[top];
		h[top] = tmp;
		i = top;
	}
}

static uint8_t *in_heap(Cv_transport *t, uint32_t mi, size_t x, size_t y)
{
	return &t->in_heap.ptr[((size_t)mi * NS + x) * NS + y];
}

/* The best class to move from x to y (one with heads at x), or NONE. */
static uint32_t best_move(Cv_transport *t, size_t x, size_t y)
{
	while (t->heap_n[x][y]) {
		uint32_t mi = heap_of(t, x, y)[0];
		if (t->m.ptr[mi].x[x])
			return mi;
		*in_heap(t, mi, x, y) = 0;
		heap_pop(t, x, y);
	}
	return NONE;
}

/* Class mi now has heads in x: it may move on to every section it can attend. */
static void arrived(Cv_transport *t, uint32_t mi, size_t x, size_t ns)
{
	size_t y;
	for (y = 0; y < ns; y++) {
		if (y == x || !(t->m.ptr[mi].has & (1u << y)) || *in_heap(t, mi, x, y))
			continue;
		*in_heap(t, mi, x, y) = 1;
		heap_push(t, x, y, mi);
	}
}

/* The best class with heads in the pool for section y, or NONE. */
static uint32_t best_entry(Cv_transport *t, size_t *ptr, size_t y)
{
	while (t->order_start[y] + ptr[y] < t->order_start[y + 1]) {
		uint32_t mi = t->order.ptr[t->order_start[y] + ptr[y]];
		if (t->m.ptr[mi].u)
			return mi;
		ptr[y]++;
	}
	return NONE;
}

/* Longest paths over the sections: from the pool (and with `anywhere`,
 * from every section too, at 0).  Fills dist/reached/pred/via. */
static void longest_paths(Cv_transport *t, size_t ns, size_t *ptr, int anywhere, Cv_lex *dist,
			  int *reached, size_t *pred, uint32_t *via)
{
	uint32_t move[NS][NS];
	size_t round, x, y;

	for (y = 0; y < ns; y++) {
		uint32_t mi = best_entry(t, ptr, y);
		via[y] = mi;
		pred[y] = NS; /* from the pool */
		reached[y] = 0;
		if (mi != NONE) {
			dist[y] = t->m.ptr[mi].v[y];
			reached[y] = 1;
		}
		if (anywhere && !reached[y]) {
			memset(&dist[y], 0, sizeof(dist[y]));
			reached[y] = 1;
			via[y] = NONE;
		}
		for (x = 0; x < ns; x++)
			move[x][y] = x == y ? NONE : best_move(t, x, y);
	}
	for (round = 1; round < ns; round++) {
		int changed = 0;
		for (x = 0; x < ns; x++) {
			if (!reached[x])
				continue;
			for (y = 0; y < ns; y++) {
				Cv_lex d, g;
				if (move[x][y] == NONE)
					continue;
				d = dist[x];
				g = move_gain(&t->m.ptr[move[x][y]], x, y);
				Cv_lex_add(&d, &g);
				if (!reached[y] || Cv_lex_cmp(&d, &dist[y]) > 0) {
					dist[y] = d;
					reached[y] = 1;
					pred[y] = x;
					via[y] = move[x][y];
					changed = 1;
				}
			}
		}
		if (!changed)
			break;
	}
}

/* Augment along the longest path until none gains. */
static void augment_all(Cv_transport *t, size_t ns, size_t *ptr)
{
	static const Cv_lex zero = {{0, 0, 0}};
	uint64_t load[NS] = {0};

	for (;;) {
		Cv_lex dist[NS];
		int reached[NS];
		uint32_t via[NS];
		size_t pred[NS], y, term = NS, at, steps;
		uint64_t amount;

		longest_paths(t, ns, ptr, 0, dist, reached, pred, via);
		for (y = 0; y < ns; y++) {
			if (!reached[y] || load[y] >= t->capacity || Cv_lex_cmp(&dist[y], &zero) <= 0)
				continue;
			if (term == NS || Cv_lex_cmp(&dist[y], &dist[term]) > 0)
				term = y;
		}
		if (term == NS)
			return;
		/* the amount: the free seats at the end, the heads each step moves */
		amount = t->capacity - load[term];
		for (at = term, steps = 0; steps <= ns; steps++) {
			merged *m = &t->m.ptr[via[at]];
			uint64_t have = pred[at] == NS ? m->u : m->x[pred[at]];
			if (have < amount)
				amount = have;
			if (pred[at] == NS)
				break;
			at = pred[at];
		}
		for (at = term, steps = 0; steps <= ns; steps++) {
			uint32_t mi = via[at];
			merged *m = &t->m.ptr[mi];
			int was_empty = m->x[at] == 0;
			if (pred[at] == NS)
				m->u -= amount;
			else
				m->x[pred[at]] -= amount;
			m->x[at] += amount;
			if (was_empty)
				arrived(t, mi, at, ns);
			if (pred[at] == NS)
				break;
			at = pred[at];
		}
		load[term] += amount;
	}
}

/* The optimal duals of the final flow, per class of the columns. */
static int keep_duals(Cv_transport *t, size_t ns, size_t *ptr)
{
	Cv_lex dist[NS], *pim;
	int reached[NS];
	uint32_t via[NS];
	size_t pred[NS], i, s;

	for (i = 0; i < t->pi_set.size; i++)
		memset(&t->pi[t->pi_set.ptr[i]], 0, sizeof(Cv_lex));
	t->pi_set.size = 0;
	longest_paths(t, ns, ptr, 1, dist, reached, pred, via);
	pim = malloc(sizeof(*pim) * (t->m.size + 1));
	if (!pim)
		return CV_ENOMEM;
	for (i = 0; i < t->m.size; i++) {
		const merged *m = &t->m.ptr[i];
		memset(&pim[i], 0, sizeof(pim[i]));
		if (m->u)
			continue; /* heads left in the pool: worth nothing beyond 0 */
		for (s = 0; s < ns; s++)
			if (m->x[s]) {
				pim[i] = m->v[s];
				Cv_lex_sub(&pim[i], &dist[s]);
				break;
			}
	}
	for (i = 0; i < t->btouched.size; i++) {
		uint32_t c = t->btouched.ptr[i];
		if (t->xid[c] != NONE)
			continue;
		t->pi[c] = pim[t->bid[c]];
		if (Cv_array_push(t->pi_set, c))
			goto oom;
	}
	for (i = 0; i < t->xtouched.size; i++) {
		uint32_t c = t->xtouched.ptr[i];
		t->pi[c] = pim[t->xid[c]];
		if (Cv_array_push(t->pi_set, c))
			goto oom;
	}
	free(pim);
	return CV_OK;
oom:
	free(pim);
	return CV_ENOMEM;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The merged flows back to classes: each merged class's heads handed out
 * section by section to its classes in index order. */
static int spread_flows(Cv_transport *t, size_t ns, uint32_t *flows)
{
	size_t i, s, n = 0;
	uint64_t *left;

	if (Cv_array_reserve(t->sorted, t->btouched.size + t->xtouched.size + 1) ||
	    Cv_array_reserve(t->left, t->m.size * NS + 1))
		return CV_ENOMEM;
	left = t->left.ptr;
	for (i = 0; i < t->m.size; i++)
		for (s = 0; s < ns; s++)
			left[i * NS + s] = t->m.ptr[i].x[s];
	for (i = 0; i < t->btouched.size; i++)
		t->sorted.ptr[n++] = t->btouched.ptr[i];
	for (i = 0; i < t->xtouched.size; i++)
		if (t->bid[t->xtouched.ptr[i]] == NONE)
			t->sorted.ptr[n++] = t->xtouched.ptr[i];
	qsort(t->sorted.ptr, n, sizeof(uint32_t), u32_cmp);
	for (i = 0; i < n; i++) {
		uint32_t c = t->sorted.ptr[i], mi = t->xid[c] != NONE ? t->xid[c] : t->bid[c];
		uint64_t h = t->heads[c];
		for (s = 0; s < ns; s++) {
			uint64_t take = left[mi * NS + s] < h ? left[mi * NS + s] : h;
			flows[(size_t)c * ns + s] = (uint32_t)take;
			left[mi * NS + s] -= take;
			h -= take;
		}
	}
	return CV_OK;
}

int Cv_transport_solve(Cv_lex *out, Cv_transport *t, const Cv_tcolumn *extra, int duals,
		       uint32_t *flows)
{
	Cv_lex total = {{0, 0, 0}};
	size_t ns = t->ns + (extra ? 1 : 0), ptr[NS] = {0}, i, s;
	int rc;

	if ((rc = split_base(t, extra)) || (rc = order_sections(t, extra)))
		goto out;
	augment_all(t, ns, ptr);
	for (i = 0; i < t->m.size; i++)
		for (s = 0; s < ns; s++) {
			const merged *m = &t->m.ptr[i];
			int k;
			for (k = 0; k < 3; k++)
				total.v[k] += m->v[s].v[k] * (int64_t)m->x[s];
		}
	if (duals && (rc = keep_duals(t, ns, ptr)))
		goto out;
	if (flows && (rc = spread_flows(t, ns, flows)))
		goto out;
	*out = total;
out:
	for (i = 0; i < t->xtouched.size; i++)
		t->xid[t->xtouched.ptr[i]] = NONE;
	t->xtouched.size = 0;
	return rc;
}

const Cv_lex *Cv_transport_dual(const Cv_transport *t, uint32_t cls)
{
	return &t->pi[cls];
}
