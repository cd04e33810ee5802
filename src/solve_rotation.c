/*
 * solve_rotation.c - series with `min-share` or sessions of different
 * lengths, and rotation, exactly.
 *
 * A plan gives each of its `count` sessions (in rotation: each phase, the
 * weeks that take the j-th slot) a candidate.  Session j's candidate c is
 * worth, for each group, a_j(c) occurrences attended and p_j(c) preferred,
 * from a table: the phase's weeks in rotation, the whole term in a series
 * (whose candidates carry their length).  Attendance and preferred add up
 * over the sessions; a group is reached when its total L reaches the
 * threshold of min-share on the occurrences E every student is expected at
 * (the sum over the sessions): L >= max(1, ceil(share * E / 100)).
 *
 * Reach with a threshold is not submodular, so solve.c's bound does not
 * apply.  The search fixes session after session (sessions that share a
 * table, the same series length, take ascending candidates) and bounds a
 * node with d sessions fixed and the rest R by three sums, one per part of
 * the objective:
 *
 *   attendance <= now + the largest a_j over the usable candidates, j in R
 *   preferred  <= the same with p
 *   reach      <= base + the largest g_j over the usable candidates, j in R
 *
 * where with tau = the threshold at E + the fewest occurrences R can add,
 * base counts the groups already attending with L + (the most they can
 * still add) >= tau, and g_j(c) the groups not attending yet that c would
 * bring in and that could still reach tau: a + (the most the other
 * sessions of R can add) >= tau.  A group reached at the end either
 * attends now (so it is in base) or joins at a first session of R (so it
 * is in that session's g).  As the search goes down L, E and tau only
 * grow and R only shrinks, so every g only falls: a parent's g bounds its
 * children's, and g is made exact only where it decides, as in solve.c.
 * The last session is chosen by exact values: reach then is the weight of
 * groups with L + a >= tau(E + occ(c)), from a histogram of L.
 */
#include <stdlib.h>
#include <string.h>

#include "solve_ext_int.h"

typedef struct entry {
	uint32_t group;
	uint8_t a, p;
} entry;

typedef struct rot {
	Cv_ext *e;
	const cv_grid *g;
	size_t n, ng, k;           /* candidates, groups, sessions */
	size_t ntab;               /* tables */
	size_t tab_of[CV_COUNT_MAX]; /* per session: its table; sessions sorted by table */
	unsigned tab_len[CV_COUNT_MAX]; /* per table: the length of its candidates, 0: any */
	/* virtual candidates: (table, candidate), table by table */
	size_t nv;
	size_t tab_start[CV_COUNT_MAX + 1];
	size_t *v_cand;
	unsigned *v_occ;           /* occurrences of the candidate in the table's weeks */
	int64_t *v_att, *v_pref;   /* weighted sums over the groups */
	size_t *col_start;         /* per virtual candidate, into col[] */
	entry *col;
	uint64_t *weight;          /* per group */
	uint16_t *maxa;            /* ntab * ng: the most a group attends one usable candidate */
	uint16_t *msuf;            /* (k + 1) * ng: the most sessions d.. can still add */
	unsigned minocc[CV_COUNT_MAX]; /* per table: the fewest occurrences of a usable candidate */
	unsigned minsuf[CV_COUNT_MAX + 1];
	unsigned pin_minute[CV_COUNT_MAX];

	/* node state */
	uint16_t *L;               /* per group: occurrences attended so far */
	int64_t *hist;             /* weight by L, 0..maxL */
	int64_t *hsuf;             /* scratch: weight with L >= t */
	size_t maxL;
	int64_t att, pref;
	unsigned E;
	size_t path[CV_COUNT_MAX];
	size_t pathv[CV_COUNT_MAX];

	int64_t *gain;             /* (k + 1) levels of nv: reach gains g, bounds or exact */
	double *frac;              /* (k + 1) levels of nv: fractional gains f, the same */
	uint8_t *exact;            /* (k + 1) levels of nv */
	uint8_t *ok;               /* (k + 1) levels of nv: usable at this node */
} rot;

/* ---- the model ---- */

/* Sessions' tables: rotation has one per phase; a series one per length
 * (sessions of a length take ascending candidates), or one. */
static void plan_tables(rot *m)
{
	const cv_course *c = cv_grid_course(m->g);
	size_t j, t;

	m->k = c->count;
	if (c->mode == CV_MODE_ROTATION) {
		m->ntab = m->k;
		for (j = 0; j < m->k; j++)
			m->tab_of[j] = j;
		return;
	}
	m->ntab = 0;
	if (!c->ndurations) {
		m->ntab = 1;
		for (j = 0; j < m->k; j++)
			m->tab_of[j] = 0;
		return;
	}
	{
		unsigned *len = m->tab_len;
		size_t at = 0;
		for (j = 0; j < c->ndurations; j++) {
			for (t = 0; t < m->ntab && len[t] != c->durations[j]; t++)
				;
			if (t == m->ntab)
				len[m->ntab++] = c->durations[j];
		}
		for (t = 0; t < m->ntab; t++)
			for (j = 0; j < c->ndurations; j++)
				if (c->durations[j] == len[t])
					m->tab_of[at++] = t;
	}
}

/* The table's length (series with several lengths), or 0 for any. */
static unsigned table_length(const rot *m, size_t t)
{
	return m->tab_len[t];
}

static const uint8_t *table_row(const rot *m, size_t group, size_t t, int pref)
{
	const cv_course *c = cv_grid_course(m->g);
	if (c->mode == CV_MODE_ROTATION)
		return pref ? cv_grid_preferred_phase_row(m->g, group, t)
			    : cv_grid_attend_phase_row(m->g, group, t);
	return pref ? cv_grid_preferred_row(m->g, group) : cv_grid_attend_row(m->g, group);
}

/* Occurrences of candidate c in the weeks of table t. */
static unsigned table_occurrences(const rot *m, size_t t, size_t c)
{
	size_t w, weeks = cv_grid_weeks(m->g);
	unsigned n = 0, phase;
	int64_t at;

	if (cv_grid_course(m->g)->mode != CV_MODE_ROTATION)
		return cv_grid_occurrence_count(m->g, c);
	for (w = 0; w < weeks; w++)
		if (!cv_grid_week_phase(&phase, m->g, w) && phase == t &&
		    !cv_grid_occurrence(&at, m->g, c, w))
			n++;
	return n;
}

static int build_virtual(rot *m)
{
	size_t t, c, v, k, nnz = 0, *fill = NULL;
	int rc = CV_ENOMEM;

	m->v_cand = malloc(sizeof(*m->v_cand) * (m->ntab * m->n + 1));
	m->v_occ = malloc(sizeof(*m->v_occ) * (m->ntab * m->n + 1));
	if (!m->v_cand || !m->v_occ)
		return CV_ENOMEM;
	m->nv = 0;
	for (t = 0; t < m->ntab; t++) {
		unsigned len = table_length(m, t);
		m->tab_start[t] = m->nv;
		for (c = 0; c < m->n; c++) {
			if (len && cv_grid_duration(m->g, c) != len)
				continue;
			m->v_cand[m->nv] = c;
			m->v_occ[m->nv] = table_occurrences(m, t, c);
			m->nv++;
		}
	}
	m->tab_start[m->ntab] = m->nv;
	m->col_start = calloc(m->nv + 2, sizeof(*m->col_start));
	m->v_att = calloc(m->nv + 1, sizeof(*m->v_att));
	m->v_pref = calloc(m->nv + 1, sizeof(*m->v_pref));
	fill = malloc(sizeof(*fill) * (m->nv + 1));
	if (!m->col_start || !m->v_att || !m->v_pref || !fill)
		goto out;
	for (t = 0; t < m->ntab; t++)
		for (k = 0; k < m->ng; k++) {
			const uint8_t *row = table_row(m, k, t, 0);
			for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++)
				if (row[m->v_cand[v]]) {
					m->col_start[v + 1]++;
					nnz++;
				}
		}
	for (v = 0; v < m->nv; v++)
		m->col_start[v + 1] += m->col_start[v];
	m->col = malloc(sizeof(*m->col) * (nnz + 1));
	if (!m->col)
		goto out;
	memcpy(fill, m->col_start, sizeof(*fill) * m->nv);
	for (t = 0; t < m->ntab; t++)
		for (k = 0; k < m->ng; k++) {
			const uint8_t *row = table_row(m, k, t, 0), *prow = table_row(m, k, t, 1);
			for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++) {
				size_t cand = m->v_cand[v];
				entry *x;
				if (!row[cand])
					continue;
				x = &m->col[fill[v]++];
				x->group = (uint32_t)k;
				x->a = row[cand];
				x->p = prow[cand];
				m->v_att[v] += (int64_t)m->weight[k] * row[cand];
				m->v_pref[v] += (int64_t)m->weight[k] * prow[cand];
			}
		}
	rc = CV_OK;
out:
	free(fill);
	return rc;
}

/* What the bounds need: per table and group the most it attends a usable
 * candidate, the suffix sums over the sessions, the fewest occurrences. */
static int build_bounds(rot *m)
{
	size_t t, v, x, j, k;

	m->maxa = calloc(m->ntab * m->ng + 1, sizeof(*m->maxa));
	m->msuf = calloc((m->k + 1) * m->ng + 1, sizeof(*m->msuf));
	if (!m->maxa || !m->msuf)
		return CV_ENOMEM;
	for (t = 0; t < m->ntab; t++) {
		m->minocc[t] = (unsigned)-1;
		for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++) {
			if (!m->e->allowed[m->v_cand[v]])
				continue;
			if (m->v_occ[v] < m->minocc[t])
				m->minocc[t] = m->v_occ[v];
			for (x = m->col_start[v]; x < m->col_start[v + 1]; x++) {
				uint16_t *mx = &m->maxa[t * m->ng + m->col[x].group];
				if (m->col[x].a > *mx)
					*mx = m->col[x].a;
			}
		}
		if (m->minocc[t] == (unsigned)-1)
			m->minocc[t] = 0;
	}
	m->minsuf[m->k] = 0;
	for (j = m->k; j-- > 0;) {
		m->minsuf[j] = m->minsuf[j + 1] + m->minocc[m->tab_of[j]];
		for (k = 0; k < m->ng; k++)
			m->msuf[j * m->ng + k] = (uint16_t)(m->msuf[(j + 1) * m->ng + k] +
							    m->maxa[m->tab_of[j] * m->ng + k]);
	}
	return CV_OK;
}

static int build_model(rot *m, Cv_ext *e)
{
	size_t k, i;
	unsigned most = 0;

	memset(m, 0, sizeof(*m));
	m->e = e;
	m->g = e->g;
	m->n = e->n;
	m->ng = e->ng;
	plan_tables(m);
	m->weight = malloc(sizeof(*m->weight) * (m->ng + 1));
	m->L = calloc(m->ng + 1, sizeof(*m->L));
	if (!m->weight || !m->L)
		return CV_ENOMEM;
	for (k = 0; k < m->ng; k++)
		m->weight[k] = cv_grid_group_weight(m->g, k);
	if (build_virtual(m) || build_bounds(m))
		return CV_ENOMEM;
	for (i = 0; i < m->nv; i++)
		if (m->v_occ[i] > most)
			most = m->v_occ[i];
	m->maxL = (size_t)most * m->k + 1;
	m->hist = calloc(m->maxL + 2, sizeof(*m->hist));
	m->hsuf = calloc(m->maxL + 2, sizeof(*m->hsuf));
	if (!m->hist || !m->hsuf)
		return CV_ENOMEM;
	for (k = 0; k < m->ng; k++)
		m->hist[0] += (int64_t)m->weight[k];
	for (i = 0; i < e->npins; i++)
		m->pin_minute[i] = cv_grid_week_minute(m->g, e->pins[i]);
	return CV_OK;
}

static void free_model(rot *m)
{
	free(m->v_cand);
	free(m->v_occ);
	free(m->v_att);
	free(m->v_pref);
	free(m->col_start);
	free(m->col);
	free(m->weight);
	free(m->maxa);
	free(m->msuf);
	free(m->L);
	free(m->hist);
	free(m->hsuf);
	free(m->gain);
	free(m->frac);
	free(m->exact);
	free(m->ok);
}

/* ---- values ---- */

static Cv_lex arrange(const rot *m, int64_t att, int64_t reach, int64_t pref)
{
	Cv_lex v;
	v.v[0] = m->e->reach_first ? reach : att;
	v.v[1] = m->e->reach_first ? att : reach;
	v.v[2] = pref;
	return v;
}

static void choose(rot *m, size_t depth, size_t v)
{
	size_t x;

	m->path[depth] = m->v_cand[v];
	m->pathv[depth] = v;
	for (x = m->col_start[v]; x < m->col_start[v + 1]; x++) {
		uint32_t k = m->col[x].group;
		m->hist[m->L[k]] -= (int64_t)m->weight[k];
		m->L[k] = (uint16_t)(m->L[k] + m->col[x].a);
		m->hist[m->L[k]] += (int64_t)m->weight[k];
	}
	m->att += m->v_att[v];
	m->pref += m->v_pref[v];
	m->E += m->v_occ[v];
}

static void unchoose(rot *m, size_t depth)
{
	size_t v = m->pathv[depth], x;

	for (x = m->col_start[v]; x < m->col_start[v + 1]; x++) {
		uint32_t k = m->col[x].group;
		m->hist[m->L[k]] -= (int64_t)m->weight[k];
		m->L[k] = (uint16_t)(m->L[k] - m->col[x].a);
		m->hist[m->L[k]] += (int64_t)m->weight[k];
	}
	m->att -= m->v_att[v];
	m->pref -= m->v_pref[v];
	m->E -= m->v_occ[v];
}

/* hsuf[t] = the weight of groups with L >= t. */
static void suffix_histogram(rot *m)
{
	size_t t = m->maxL + 1;
	m->hsuf[t] = 0;
	while (t-- > 0)
		m->hsuf[t] = m->hsuf[t + 1] + m->hist[t];
}

/* The exact value of the plan when v is the last session (hsuf current). */
static Cv_lex leaf_value(const rot *m, size_t v)
{
	unsigned tau = Cv_reach_threshold(m->e->share, m->E + m->v_occ[v]);
	int64_t reach = tau <= m->maxL ? m->hsuf[tau] : 0;
	size_t x;

	for (x = m->col_start[v]; x < m->col_start[v + 1]; x++) {
		uint32_t k = m->col[x].group;
		unsigned l = m->L[k], a = m->col[x].a;
		if (l < tau && l + a >= tau)
			reach += (int64_t)m->weight[k];
	}
	return arrange(m, m->att + m->v_att[v], reach, m->pref + m->v_pref[v]);
}

static size_t table_of_v(const rot *m, size_t v)
{
	size_t t = 0;
	while (v >= m->tab_start[t + 1])
		t++;
	return t;
}

/* The threshold a node at depth d can no longer fall short of. */
static unsigned tau_low(const rot *m, size_t depth)
{
	return Cv_reach_threshold(m->e->share, m->E + m->minsuf[depth]);
}

/*
 * The reach bound has two forms, and the search takes the smaller.  The
 * coverage form: base counts groups already attending that can still reach
 * the threshold, g_j(c) the groups c brings in that can.  The fractional
 * form: a group reached at the end has L + sum a_j >= tau, so it counts
 * at most min(L, tau) / tau + sum_j min(a_j, tau) / tau, whatever it
 * attends; f_j(c) sums min(a, tau) / tau over the groups of c that can
 * still reach tau, and fbase min(L, tau) / tau over the rest.  It is much
 * the smaller when min-share asks several sessions of everyone.  Both
 * kinds of gain only fall as the search goes down (tau grows, fewer groups
 * can still reach it, fewer groups have L = 0).
 */
typedef struct reach_part {
	int64_t cov;   /* coverage form */
	double frac;   /* fractional form */
} reach_part;

/* Whether group k, attending L now, can still reach tau at depth d. */
static int can_reach(const rot *m, size_t depth, size_t k, unsigned tau)
{
	return (unsigned)m->L[k] + m->msuf[depth * m->ng + k] >= tau;
}

static reach_part reach_base(const rot *m, size_t depth)
{
	unsigned tau = tau_low(m, depth);
	reach_part b = {0, 0};
	size_t k;

	for (k = 0; k < m->ng; k++) {
		if (!m->L[k] || !can_reach(m, depth, k, tau))
			continue;
		b.cov += (int64_t)m->weight[k];
		b.frac += (double)m->weight[k] * (m->L[k] < tau ? m->L[k] : tau) / tau;
	}
	return b;
}

/* The exact gains g and f of virtual candidate v (table t) at depth d. */
static reach_part reach_gain(const rot *m, size_t depth, size_t v, size_t t)
{
	const uint16_t *ms = m->msuf + depth * m->ng, *mx = m->maxa + t * m->ng;
	unsigned tau = tau_low(m, depth);
	reach_part g = {0, 0};
	int64_t num = 0;
	size_t x;

	for (x = m->col_start[v]; x < m->col_start[v + 1]; x++) {
		uint32_t k = m->col[x].group;
		unsigned a = m->col[x].a;
		if (!can_reach(m, depth, k, tau))
			continue;
		num += (int64_t)m->weight[k] * (a < tau ? a : tau);
		if (!m->L[k] && a + ms[k] - mx[k] >= tau)
			g.cov += (int64_t)m->weight[k];
	}
	g.frac = (double)num / tau;
	return g;
}

/* The reach bound of the two forms' totals: the fractional one rounded
 * down, after allowing for rounding errors far larger than a double's. */
static int64_t reach_bound(int64_t cov, double frac)
{
	double f = frac * (1 + 1e-9) + 1e-6;
	int64_t fl = f < (double)INT64_MAX / 2 ? (int64_t)f : INT64_MAX / 2;
	return cov < fl ? cov : fl;
}

/* Store the exact gains of v at depth d. */
static void make_exact(rot *m, size_t depth, size_t v)
{
	reach_part g = reach_gain(m, depth, v, table_of_v(m, v));
	m->gain[depth * m->nv + v] = g.cov;
	m->frac[depth * m->nv + v] = g.frac;
	m->exact[depth * m->nv + v] = 1;
}

/* ---- the search ---- */

/* Pins whose start no chosen session has yet; their minutes in out[]. */
static size_t unmet_pins(const rot *m, size_t depth, unsigned *out)
{
	size_t i, d, n = 0;

	for (i = 0; i < m->e->npins; i++) {
		for (d = 0; d < depth; d++)
			if (cv_grid_week_minute(m->g, m->path[d]) == m->pin_minute[i])
				break;
		if (d == depth)
			out[n++] = m->pin_minute[i];
	}
	return n;
}

/* Mark the usable virtual candidates of every table at depth d: allowed,
 * apart from the chosen, not chosen; the current session's table also
 * ascending after the previous session of the same table, and when every
 * remaining session must take a pin, only pins.  Returns how many the
 * current session has. */
static size_t mark_usable(rot *m, size_t depth)
{
	uint8_t *ok = m->ok + depth * m->nv;
	size_t t = m->tab_of[depth], v, d, here = 0, r = m->k - depth;
	size_t from = depth > 0 && m->tab_of[depth - 1] == t ? m->pathv[depth - 1] + 1 : 0;
	unsigned pins[CV_COUNT_MAX];
	size_t npins = unmet_pins(m, depth, pins), i;

	for (v = 0; v < m->nv; v++) {
		size_t c = m->v_cand[v];
		int u = m->e->allowed[c];
		for (d = 0; d < depth && u; d++)
			u = m->path[d] != c && cv_grid_compatible(m->g, m->path[d], c);
		ok[v] = (uint8_t)u;
	}
	for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++) {
		if (v < from)
			ok[v] = 0;
		if (ok[v] && npins >= r) {
			unsigned minute = cv_grid_week_minute(m->g, m->v_cand[v]);
			for (i = 0; i < npins && pins[i] != minute; i++)
				;
			ok[v] = i < npins;
		}
		here += ok[v];
	}
	if (npins > r)
		return 0;
	return here;
}

/* Insert x into the descending top[0..*have) of at most r values. */
static void top_insert(int64_t *top, size_t *have, size_t r, int64_t x)
{
	size_t i;
	if (*have < r)
		i = (*have)++;
	else if (r && x > top[r - 1])
		i = r - 1;
	else
		return;
	while (i > 0 && x > top[i - 1]) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = x;
}

/* Per table, how many of the sessions from depth d on (skipping `skip`
 * of the current table) still use it. */
static void remaining(size_t *rem, const rot *m, size_t depth, size_t skip)
{
	size_t j;
	memset(rem, 0, sizeof(size_t) * m->ntab);
	for (j = depth; j < m->k; j++)
		rem[m->tab_of[j]]++;
	rem[m->tab_of[depth]] -= skip;
}

/* The bound's parts: sums of the largest values over usable candidates. */
typedef struct sums {
	int64_t att, cov, pref;
	double frac;
} sums;

/* Insert x into the descending top[0..*have) of at most r values (doubles). */
static void top_insert_d(double *top, size_t *have, size_t r, double x)
{
	size_t i;
	if (*have < r)
		i = (*have)++;
	else if (r && x > top[r - 1])
		i = r - 1;
	else
		return;
	while (i > 0 && x > top[i - 1]) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = x;
}

/* Of each table t, the sums of the rem[t] largest values over the usable
 * candidates; with `refine`, the reach gains are made exact until the
 * largest ones are. */
static sums top_sums(rot *m, size_t depth, const size_t *rem, int refine)
{
	const uint8_t *ok = m->ok + depth * m->nv;
	const int64_t *gain = m->gain + depth * m->nv;
	const double *frac = m->frac + depth * m->nv;
	const uint8_t *exact = m->exact + depth * m->nv;
	sums out = {0, 0, 0, 0};
	size_t t, v, i;

	for (t = 0; t < m->ntab; t++) {
		int64_t ta[CV_COUNT_MAX], tr[CV_COUNT_MAX], tp[CV_COUNT_MAX];
		double tf[CV_COUNT_MAX];
		size_t ha, hr, hp, hf, r = rem[t];
		if (!r)
			continue;
		for (;;) {
			size_t worst = m->nv;
			hr = hf = 0;
			for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++)
				if (ok[v]) {
					top_insert(tr, &hr, r, gain[v]);
					top_insert_d(tf, &hf, r, frac[v]);
				}
			if (!refine)
				break;
			/* the candidate whose bounds might be among the largest of either form */
			for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++) {
				if (!ok[v] || exact[v] ||
				    ((hr == r && gain[v] < tr[r - 1]) && (hf == r && frac[v] < tf[r - 1])))
					continue;
				if (worst == m->nv || gain[v] > gain[worst] ||
				    (gain[v] == gain[worst] && frac[v] > frac[worst]))
					worst = v;
			}
			if (worst == m->nv)
				break;
			make_exact(m, depth, worst);
		}
		ha = hp = 0;
		for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++) {
			if (!ok[v])
				continue;
			top_insert(ta, &ha, r, m->v_att[v]);
			top_insert(tp, &hp, r, m->v_pref[v]);
		}
		for (i = 0; i < ha; i++)
			out.att += ta[i];
		for (i = 0; i < hr; i++)
			out.cov += tr[i];
		for (i = 0; i < hf; i++)
			out.frac += tf[i];
		for (i = 0; i < hp; i++)
			out.pref += tp[i];
	}
	return out;
}

static void inherit_gains(rot *m, size_t depth)
{
	memcpy(m->gain + (depth + 1) * m->nv, m->gain + depth * m->nv, sizeof(int64_t) * m->nv);
	memcpy(m->frac + (depth + 1) * m->nv, m->frac + depth * m->nv, sizeof(double) * m->nv);
	memset(m->exact + (depth + 1) * m->nv, 0, m->nv);
}

/* The bound of a plan whose session at `depth` takes v, the rest bounded by `rest`. */
static Cv_lex child_bound(const rot *m, size_t depth, size_t v, const reach_part *base,
			  const sums *rest)
{
	int64_t cov = base->cov + m->gain[depth * m->nv + v] + rest->cov;
	double frac = base->frac + m->frac[depth * m->nv + v] + rest->frac;
	return arrange(m, m->att + m->v_att[v] + rest->att, reach_bound(cov, frac),
		       m->pref + m->v_pref[v] + rest->pref);
}

/* The last session: every usable candidate by its exact value. */
static void last_session(rot *m, size_t depth, const reach_part *base)
{
	const uint8_t *ok = m->ok + depth * m->nv;
	static const sums none = {0, 0, 0, 0};
	size_t t = m->tab_of[depth], v;

	suffix_histogram(m);
	for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++) {
		Cv_lex b;
		if (!ok[v])
			continue;
		m->path[depth] = m->v_cand[v];
		b = child_bound(m, depth, v, base, &none);
		if (Cv_ext_dominated(m->e, &b, m->path, depth + 1))
			continue;
		b = leaf_value(m, v);
		Cv_ext_offer(m->e, &b, m->path);
	}
}

static void dfs(rot *m, size_t depth)
{
	Cv_ext *e = m->e;
	size_t t = m->tab_of[depth], r = m->k - depth, v;
	size_t rem[CV_COUNT_MAX];
	reach_part base;
	sums all, rest;
	Cv_lex bound;
	const uint8_t *ok;

	e->nodes++;
	if (mark_usable(m, depth) == 0)
		return;
	base = reach_base(m, depth);
	if (r == 1) {
		last_session(m, depth, &base);
		return;
	}
	remaining(rem, m, depth, 0);
	all = top_sums(m, depth, rem, 1);
	bound = arrange(m, m->att + all.att, reach_bound(base.cov + all.cov, base.frac + all.frac),
			m->pref + all.pref);
	if (Cv_ext_dominated(e, &bound, m->path, depth))
		return;
	remaining(rem, m, depth, 1);
	rest = top_sums(m, depth, rem, 0);
	ok = m->ok + depth * m->nv;
	for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++) {
		Cv_lex child;
		if (!ok[v])
			continue;
		if (Cv_ext_out_of_time(e)) {
			Cv_ext_raise_bound(e, &bound);
			return;
		}
		m->path[depth] = m->v_cand[v];
		child = child_bound(m, depth, v, &base, &rest);
		if (Cv_ext_dominated(e, &child, m->path, depth + 1))
			continue;
		if (!m->exact[depth * m->nv + v]) {
			make_exact(m, depth, v);
			child = child_bound(m, depth, v, &base, &rest);
			if (Cv_ext_dominated(e, &child, m->path, depth + 1))
				continue;
		}
		inherit_gains(m, depth);
		choose(m, depth, v);
		dfs(m, depth + 1);
		unchoose(m, depth);
	}
}

/* A first plan: session by session the candidate with the best (bounded)
 * value, the last one by its exact value. */
static void greedy_start(rot *m)
{
	size_t d, v, chosen = 0;

	for (d = 0; d < m->k; d++) {
		const uint8_t *ok;
		size_t t = m->tab_of[d], pick = m->nv;
		Cv_lex best = {{0, 0, 0}};
		int last = d + 1 == m->k;
		if (mark_usable(m, d) == 0)
			break;
		ok = m->ok + d * m->nv;
		if (last)
			suffix_histogram(m);
		for (v = m->tab_start[t]; v < m->tab_start[t + 1]; v++) {
			Cv_lex x;
			if (!ok[v])
				continue;
			if (last) {
				x = leaf_value(m, v);
			} else {
				reach_part g = reach_gain(m, d, v, t);
				x = arrange(m, m->v_att[v], reach_bound(g.cov, g.frac), m->v_pref[v]);
			}
			if (pick == m->nv || Cv_lex_cmp(&x, &best) > 0) {
				pick = v;
				best = x;
			}
		}
		if (last) {
			m->path[d] = m->v_cand[pick];
			Cv_ext_offer(m->e, &best, m->path);
			break;
		}
		choose(m, d, pick);
		chosen++;
	}
	while (chosen-- > 0)
		unchoose(m, chosen);
}

int Cv_rotation_solve(Cv_ext *e, const cv_solve_options *o)
{
	rot m;
	size_t v;
	int rc;

	(void)o;
	if ((rc = build_model(&m, e)))
		goto out;
	rc = CV_ENOSLOT;
	if (e->npins > m.k)
		goto out;
	e->len = m.k;
	rc = CV_ENOMEM;
	m.gain = malloc(sizeof(*m.gain) * (m.k + 1) * m.nv + 1);
	m.frac = malloc(sizeof(*m.frac) * (m.k + 1) * m.nv + 1);
	m.exact = calloc((m.k + 1) * m.nv + 1, 1);
	m.ok = malloc((m.k + 1) * m.nv + 1);
	if (!m.gain || !m.frac || !m.exact || !m.ok)
		goto out;
	for (v = 0; v < m.nv; v++)
		make_exact(&m, 0, v);
	greedy_start(&m);
	dfs(&m, 0);
	rc = CV_OK;
out:
	free_model(&m);
	return rc;
}

int Cv_rotation_evaluate(cv_score *out, const cv_grid *g, const size_t *slots, size_t n)
{
	const cv_course *c = cv_grid_course(g);
	size_t ng = cv_grid_groups(g), k, j;
	uint16_t *L = calloc(ng + 1, sizeof(*L));
	int64_t att = 0, reach = 0, pref = 0;
	unsigned E = 0, tau;
	Cv_ext e;
	rot m;
	int rc;

	memset(&m, 0, sizeof(m));
	if (!L)
		return CV_ENOMEM;
	if ((rc = Cv_ext_init(&e, g, NULL, 1))) {
		free(L);
		return rc;
	}
	m.g = g;
	m.e = &e;
	plan_tables(&m);
	for (j = 0; j < n; j++) {
		size_t t = c->mode == CV_MODE_ROTATION ? j : 0;
		E += table_occurrences(&m, t, slots[j]);
		for (k = 0; k < ng; k++) {
			unsigned a = table_row(&m, k, t, 0)[slots[j]];
			unsigned p = table_row(&m, k, t, 1)[slots[j]];
			L[k] = (uint16_t)(L[k] + a);
			att += (int64_t)cv_grid_group_weight(g, k) * a;
			pref += (int64_t)cv_grid_group_weight(g, k) * p;
		}
	}
	tau = Cv_reach_threshold(e.share, E);
	for (k = 0; k < ng; k++)
		if (L[k] >= tau)
			reach += (int64_t)cv_grid_group_weight(g, k);
	out->attendance = att;
	out->reach = reach;
	out->preferred = pref;
	free(L);
	Cv_ext_free(&e);
	return CV_OK;
}
