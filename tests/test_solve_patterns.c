/*
 * test_solve_patterns.c - brute force against every option of DESIGN.md
 * "Objective" that came with the course patterns: cadence (every, first),
 * rotation, capacity, min-share, series sessions of different lengths,
 * with pins, min-gap, holidays and both objectives.
 *
 * Many small random instances (seeded) are solved by the library and by
 * this file, which computes the candidates, every occurrence, who can
 * attend it, and every plan's value straight from DESIGN.md: with capacity
 * by trying every assignment of students to sections.  It uses only tz
 * (wall -> UTC) and avail (a student's UTC intervals) from the library.
 * Checked: the grid's candidates, occurrences and phases; cv_solve()'s
 * plan, score and proof; cv_solve_top()'s ranking; cv_evaluate(); and that
 * the plan built from the answer adds up to the score (live occurrences,
 * reach under min-share, seats per section).  On a disagreement the
 * instance is printed as a course file and a roster.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define N_INSTANCES 2000
#define MAX_CAND 20        /* rotation of 3: 20 * 19 * 18 tuples */
#define MAX_CAND_CAPACITY 12
#define MAX_STUD 7
#define MAX_STUD_CAPACITY 6 /* capacity tries (k + 1)^students assignments per set */
#define MAX_WEEKS 12
#define MAX_FAIL_PRINTS 4
#define TOP 3

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned below(rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

static int chance(rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

static const char *const home_zones[] = {"America/New_York", "Europe/Berlin", "Australia/Sydney",
					 "Asia/Kolkata", "UTC"};
static const char *const student_zones[] = {
	"America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "Europe/London",
	"Europe/Berlin", "Africa/Lagos", "Asia/Kolkata", "Asia/Tokyo", "Asia/Shanghai",
	"Australia/Sydney", "Australia/Lord_Howe", "Pacific/Auckland", "UTC",
};

typedef struct student_def {
	const cv_zone *zone;
	cv_window win[3];
	size_t nwin;
	cv_window pref[1];
	size_t npref;
	cv_daterange away[1];
	size_t naway;
	unsigned weight;
} student_def;

typedef struct instance {
	unsigned number;
	cv_course course;
	cv_window iwin[2];
	cv_daterange hol[1];
	student_def sd[MAX_STUD];
	size_t nstud;
	cv_roster *roster;
	char names[MAX_STUD][8];
	size_t pin;      /* an oracle candidate every plan must start at (its start), or none */
	int has_pin;
} instance;

static const cv_zone *zone(const char *name)
{
	const cv_zone *z = NULL;
	if (cv_zone_lookup(&z, name, NULL, 0) != 0)
		fail_msg("zone %s", name);
	return z;
}

static unsigned win_len(const cv_window *w)
{
	return w->end > w->start ? (unsigned)(w->end - w->start) : (unsigned)(w->end + 1440 - w->start);
}

static int cyclic_inside(unsigned m, unsigned len, unsigned ws, unsigned wl)
{
	unsigned off = (m + CV_WEEK_MINUTES - ws) % CV_WEEK_MINUTES;
	return off + len <= wl;
}

/* ---- the oracle's view of an instance ---- */

typedef struct oracle {
	size_t ncand;
	cv_slot slot[MAX_CAND];
	unsigned wmin[MAX_CAND], dur[MAX_CAND];
	size_t nweeks;
	int phase[MAX_WEEKS];           /* -1: no sessions that week */
	int has[MAX_CAND][MAX_WEEKS];
	int64_t occ[MAX_CAND][MAX_WEEKS];
	uint8_t att[MAX_STUD][MAX_CAND][MAX_WEEKS];
	uint8_t pref[MAX_STUD][MAX_CAND][MAX_WEEKS];
	int compat[MAX_CAND][MAX_CAND];
} oracle;

/* The distinct lengths of the sessions, in the order the course lists them. */
static size_t lengths(unsigned *out, const cv_course *c)
{
	size_t n = 0;
	if (!c->ndurations) {
		out[0] = c->duration;
		return 1;
	}
	for (size_t i = 0; i < c->ndurations; i++) {
		size_t j;
		for (j = 0; j < n && out[j] != c->durations[i]; j++)
			;
		if (j == n)
			out[n++] = c->durations[i];
	}
	return n;
}

/* Candidates: starts on the grid whose whole session lies in one window,
 * for every length, ordered by start, then length.  Returns how many (the
 * count even when it exceeds max). */
static size_t enumerate_candidates(oracle *o, const cv_course *c, size_t max)
{
	unsigned len[CV_COUNT_MAX];
	size_t nlen = lengths(len, c), n = 0;

	/* shortest first among a start's lengths */
	for (size_t i = 1; i < nlen; i++)
		for (size_t j = i; j > 0 && len[j - 1] > len[j]; j--) {
			unsigned x = len[j];
			len[j] = len[j - 1];
			len[j - 1] = x;
		}
	for (unsigned m = 0; m < CV_WEEK_MINUTES; m += c->granularity)
		for (size_t l = 0; l < nlen; l++) {
			unsigned d = len[l];
			int in = 0;
			for (size_t i = 0; i < c->nwindows && !in; i++)
				for (unsigned day = 0; day < 7 && !in; day++)
					if (c->windows[i].days & (1u << day))
						in = cyclic_inside(m, d, day * 1440 + c->windows[i].start,
								   win_len(&c->windows[i]));
			if (!in)
				continue;
			if (n < max) {
				o->slot[n].weekday = (uint8_t)(m / 1440);
				o->slot[n].start = (uint16_t)(m % 1440);
				o->wmin[n] = m;
				o->dur[n] = d;
			}
			n++;
		}
	if (n <= max)
		o->ncand = n;
	return n;
}

static int holiday(const cv_course *c, int32_t day)
{
	for (size_t i = 0; i < c->nholidays; i++)
		if (day >= c->holidays[i].first && day <= c->holidays[i].last)
			return 1;
	return 0;
}

static void build_oracle(oracle *o, const instance *in)
{
	const cv_course *c = &in->course;
	int32_t monday0 = c->start - (int32_t)cv_weekday(c->start);
	unsigned every = c->every > 1 ? c->every : 1;
	int32_t first = c->first >= c->start && c->first <= c->end ? c->first : c->start;
	size_t fw = (size_t)((first - monday0) / 7);
	unsigned nphase = c->mode == CV_MODE_ROTATION ? c->count : 1;

	memset(o, 0, sizeof(*o));
	enumerate_candidates(o, c, MAX_CAND);
	o->nweeks = (size_t)((c->end - monday0) / 7 + 1);
	assert_true(o->nweeks <= MAX_WEEKS);
	for (size_t w = 0; w < o->nweeks; w++)
		o->phase[w] = w < fw || (w - fw) % every ? -1 : (int)(((w - fw) / every) % nphase);
	for (size_t k = 0; k < o->ncand; k++)
		for (size_t w = 0; w < o->nweeks; w++) {
			int32_t day = monday0 + (int32_t)(7 * w) + o->slot[k].weekday;
			if (o->phase[w] < 0 || day < c->start || day > c->end || holiday(c, day))
				continue;
			o->has[k][w] = 1;
			o->occ[k][w] = cv_zone_to_utc(c->zone, (int64_t)day * CV_DAY_SECONDS +
								  o->slot[k].start * 60);
		}
	int64_t from = ((int64_t)monday0 - 3) * CV_DAY_SECONDS;
	int64_t to = ((int64_t)c->end + 4) * CV_DAY_SECONDS;
	for (size_t i = 0; i < in->nstud; i++) {
		cv_interval *av = NULL, *pv = NULL;
		size_t nav = 0, npv = 0;
		const cv_avail *a = in->roster->students[i].avail;
		assert_int_equal(cv_avail_intervals(&av, &nav, a, from, to, 0), 0);
		assert_int_equal(cv_avail_intervals(&pv, &npv, a, from, to, 1), 0);
		for (size_t k = 0; k < o->ncand; k++)
			for (size_t w = 0; w < o->nweeks; w++) {
				int64_t s = o->occ[k][w], e = s + (int64_t)o->dur[k] * 60;
				if (!o->has[k][w] || !cv_intervals_cover(av, nav, s, e))
					continue;
				o->att[i][k][w] = 1;
				o->pref[i][k][w] = (uint8_t)cv_intervals_cover(pv, npv, s, e);
			}
		free(av);
		free(pv);
	}
	for (size_t a = 0; a < o->ncand; a++)
		for (size_t b = 0; b < o->ncand; b++) {
			long x = ((long)o->wmin[b] - (long)o->wmin[a] + CV_WEEK_MINUTES) % CV_WEEK_MINUTES;
			long g = (long)c->min_gap;
			o->compat[a][b] = a != b && x - (long)o->dur[a] >= g &&
					  (CV_WEEK_MINUTES - x) - (long)o->dur[b] >= g;
		}
}

/* Occurrences of candidate k in the weeks of `phase` (-1: every week). */
static unsigned occurrences(const oracle *o, size_t k, int phase)
{
	unsigned n = 0;
	for (size_t w = 0; w < o->nweeks; w++)
		n += o->has[k][w] && (phase < 0 || o->phase[w] == phase);
	return n;
}

static unsigned attended(const oracle *o, size_t i, size_t k, int phase, int pref)
{
	unsigned n = 0;
	for (size_t w = 0; w < o->nweeks; w++)
		if (phase < 0 || o->phase[w] == phase)
			n += pref ? o->pref[i][k][w] : o->att[i][k][w];
	return n;
}

/* DESIGN.md: reached when attending at least min-share of the expected, and at least once. */
static int reached(unsigned share, unsigned live, unsigned expected)
{
	return live >= 1 && 100u * live >= share * expected;
}

typedef struct val {
	int64_t v[3]; /* objective order */
} val;

static int val_cmp(const val *a, const val *b)
{
	for (int i = 0; i < 3; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return 0;
}

static val make_val(const cv_course *c, int64_t att, int64_t reach, int64_t pref)
{
	val v;
	int rf = c->objective == CV_OBJECTIVE_REACH;
	v.v[0] = rf ? reach : att;
	v.v[1] = rf ? att : reach;
	v.v[2] = pref;
	return v;
}

static cv_score to_score(const cv_course *c, const val *v)
{
	int rf = c->objective == CV_OBJECTIVE_REACH;
	cv_score s = {rf ? v->v[1] : v->v[0], rf ? v->v[0] : v->v[1], v->v[2]};
	return s;
}

/* Student i live in section k: its value (weight applied). */
static val section_value(const oracle *o, const instance *in, size_t i, size_t k)
{
	unsigned a = attended(o, i, k, -1, 0), p = attended(o, i, k, -1, 1);
	int64_t w = in->roster->students[i].weight;
	return make_val(&in->course, w * a, w * reached(in->course.min_share, a, occurrences(o, k, -1)),
			w * p);
}

/* With capacity: the best assignment of students to sections or none,
 * every one tried. */
static void best_assignment(const oracle *o, const instance *in, const size_t *sel, size_t m,
			    size_t i, unsigned *seats, val cur, val *best)
{
	if (i == in->nstud) {
		if (val_cmp(&cur, best) > 0)
			*best = cur;
		return;
	}
	best_assignment(o, in, sel, m, i + 1, seats, cur, best);
	for (size_t j = 0; j < m; j++) {
		val v = section_value(o, in, i, sel[j]), next = cur;
		if (seats[j] >= in->course.capacity || !attended(o, i, sel[j], -1, 0))
			continue;
		for (int x = 0; x < 3; x++)
			next.v[x] += v.v[x];
		seats[j]++;
		best_assignment(o, in, sel, m, i + 1, seats, next, best);
		seats[j]--;
	}
}

/* DESIGN.md "Objective" for a plan: sections a set, series a set, rotation
 * a tuple (slot j serves phase j). */
static val plan_value(const oracle *o, const instance *in, const size_t *sel, size_t m)
{
	const cv_course *c = &in->course;
	val total = {{0, 0, 0}};

	if (c->mode == CV_MODE_SECTIONS && c->capacity) {
		unsigned seats[CV_COUNT_MAX] = {0};
		best_assignment(o, in, sel, m, 0, seats, total, &total);
		return total;
	}
	for (size_t i = 0; i < in->nstud; i++) {
		val v;
		if (c->mode == CV_MODE_SECTIONS) {
			/* the section best for the objective, the earliest of equals */
			v = section_value(o, in, i, sel[0]);
			for (size_t j = 1; j < m; j++) {
				val x = section_value(o, in, i, sel[j]);
				if (val_cmp(&x, &v) > 0)
					v = x;
			}
		} else {
			unsigned live = 0, expected = 0, p = 0;
			int64_t w = in->roster->students[i].weight;
			for (size_t j = 0; j < m; j++) {
				int phase = c->mode == CV_MODE_ROTATION ? (int)j : -1;
				live += attended(o, i, sel[j], phase, 0);
				p += attended(o, i, sel[j], phase, 1);
				expected += occurrences(o, sel[j], phase);
			}
			v = make_val(c, w * live, w * reached(c->min_share, live, expected), w * p);
		}
		for (int x = 0; x < 3; x++)
			total.v[x] += v.v[x];
	}
	return total;
}

/* ---- every plan ---- */

typedef struct plan_entry {
	val v;
	size_t m;
	size_t t[CV_COUNT_MAX]; /* the tuple in the order ties are broken */
	size_t sorted[CV_COUNT_MAX];
} plan_entry;

#define MAX_PLANS 8000
static plan_entry plans[MAX_PLANS];
static size_t nplans;

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

static int plan_cmp(const void *a, const void *b)
{
	const plan_entry *x = a, *y = b;
	int c = val_cmp(&y->v, &x->v);
	if (c)
		return c;
	for (size_t i = 0; i < x->m; i++)
		if (x->t[i] != y->t[i])
			return x->t[i] < y->t[i] ? -1 : 1;
	return 0;
}

static int pairwise(const oracle *o, const size_t *sel, size_t m)
{
	for (size_t a = 0; a < m; a++)
		for (size_t b = a + 1; b < m; b++)
			if (!o->compat[sel[a]][sel[b]])
				return 0;
	return 1;
}

static int has_pin(const oracle *o, const instance *in, const size_t *sel, size_t m)
{
	if (!in->has_pin)
		return 1;
	for (size_t j = 0; j < m; j++)
		if (o->wmin[sel[j]] == o->wmin[in->pin])
			return 1;
	return 0;
}

/* A series with several lengths: the set has the course's lengths, and its
 * tie-break tuple lists each length's slots, the lengths in course order. */
static int series_tuple(size_t *t, const oracle *o, const cv_course *c, const size_t *sel, size_t m)
{
	unsigned len[CV_COUNT_MAX];
	size_t nlen = lengths(len, c), at = 0;

	if (!c->ndurations) {
		memcpy(t, sel, sizeof(size_t) * m);
		return 1;
	}
	for (size_t l = 0; l < nlen; l++) {
		size_t want = 0, have = 0;
		for (size_t j = 0; j < c->ndurations; j++)
			want += c->durations[j] == len[l];
		for (size_t j = 0; j < m; j++)
			if (o->dur[sel[j]] == len[l]) {
				t[at++] = sel[j];
				have++;
			}
		if (have != want)
			return 0;
	}
	return at == m;
}

static void add_plan(const oracle *o, const instance *in, const size_t *sel, const size_t *t,
		     size_t m)
{
	plan_entry *p;
	assert_true(nplans < MAX_PLANS);
	p = &plans[nplans++];
	p->m = m;
	memcpy(p->t, t, sizeof(size_t) * m);
	memcpy(p->sorted, sel, sizeof(size_t) * m);
	qsort(p->sorted, m, sizeof(size_t), size_cmp);
	p->v = plan_value(o, in, sel, m);
}

/* Every m-subset (sections, series), or every ordered m-tuple (rotation). */
static void every_plan(const oracle *o, const instance *in, size_t m, size_t at, size_t *sel,
		       int ordered)
{
	if (at == m) {
		size_t t[CV_COUNT_MAX];
		if (!pairwise(o, sel, m) || !has_pin(o, in, sel, m))
			return;
		if (in->course.mode == CV_MODE_SERIES && !series_tuple(t, o, &in->course, sel, m))
			return;
		if (in->course.mode != CV_MODE_SERIES)
			memcpy(t, sel, sizeof(size_t) * m);
		add_plan(o, in, sel, t, m);
		return;
	}
	for (size_t k = ordered ? 0 : (at ? sel[at - 1] + 1 : 0); k < o->ncand; k++) {
		int dup = 0;
		for (size_t j = 0; j < at; j++)
			dup |= sel[j] == k;
		if (dup)
			continue;
		sel[at] = k;
		every_plan(o, in, m, at + 1, sel, ordered);
	}
}

/* The plans the course allows, best first; sections take as many as fit. */
static void rank_plans(const oracle *o, const instance *in)
{
	const cv_course *c = &in->course;
	size_t sel[CV_COUNT_MAX];

	nplans = 0;
	if (c->mode == CV_MODE_SECTIONS) {
		for (size_t m = c->count; m >= 1 && !nplans; m--)
			every_plan(o, in, m, 0, sel, 0);
	} else {
		every_plan(o, in, c->count, 0, sel, c->mode == CV_MODE_ROTATION);
	}
	qsort(plans, nplans, sizeof(plans[0]), plan_cmp);
}

/* ---- random instances ---- */

static uint8_t random_days(rng *r)
{
	uint8_t days = 0;
	unsigned n = 1 + below(r, 3);
	if (chance(r, 30)) {
		unsigned a = below(r, 7), len = 1 + below(r, 5);
		for (unsigned i = 0; i < len; i++)
			days |= (uint8_t)(1u << ((a + i) % 7));
		return days;
	}
	while (n--)
		days |= (uint8_t)(1u << below(r, 7));
	return days;
}

static int windows_apart(const cv_window *w, size_t n)
{
	unsigned lo[14], len[14];
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (unsigned d = 0; d < 7; d++)
			if (w[i].days & (1u << d)) {
				lo[k] = d * 1440 + w[i].start;
				len[k++] = win_len(&w[i]);
			}
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			if (i != j && (lo[j] + CV_WEEK_MINUTES - lo[i]) % CV_WEEK_MINUTES <= len[i])
				return 0;
	return 1;
}

static void generate(instance *in, rng *r, unsigned number)
{
	cv_course *c = &in->course;
	oracle *probe = calloc(1, sizeof(*probe));
	static const unsigned shares[] = {0, 0, 25, 50, 67, 100};
	size_t max_cand;

	assert_non_null(probe);
	memset(in, 0, sizeof(*in));
	in->number = number;
	c->path = "random.ini";
	c->dir = ".";
	c->id = "patterns";
	c->title = "Patterns";
	c->roster_path = "random.csv";
	c->uid_domain = "example.edu";
	c->zone = zone(home_zones[below(r, sizeof(home_zones) / sizeof(home_zones[0]))]);
	c->start = cv_days_from_civil(2027, 3, 1) + (int32_t)below(r, 240) - 40;
	c->end = c->start + 13 + (int32_t)below(r, 60); /* 2 to 10 weeks */
	if (chance(r, 35)) {
		in->hol[0].first = c->start + (int32_t)below(r, (unsigned)(c->end - c->start + 1));
		in->hol[0].last = in->hol[0].first + (int32_t)below(r, 8);
		if (in->hol[0].last > c->end)
			in->hol[0].last = c->end;
		c->holidays = in->hol;
		c->nholidays = 1;
	}
	{
		unsigned m = below(r, 100);
		c->mode = m < 45 ? CV_MODE_SECTIONS : m < 70 ? CV_MODE_SERIES : CV_MODE_ROTATION;
	}
	c->count = c->mode == CV_MODE_ROTATION ? 2 + below(r, 2) : 1 + below(r, 3);
	c->granularity = chance(r, 50) ? 60 : 30;
	{
		static const unsigned durations[] = {30, 60, 60, 90};
		c->duration = durations[below(r, 4)];
	}
	if (c->mode == CV_MODE_SERIES && c->count > 1 && chance(r, 45)) {
		unsigned longest = 0;
		for (;;) {
			int mixed = 0;
			for (unsigned j = 0; j < c->count; j++) {
				c->durations[j] = 30u * (1 + below(r, 3));
				mixed |= c->durations[j] != c->durations[0];
			}
			if (mixed)
				break;
		}
		c->ndurations = c->count;
		for (unsigned j = 0; j < c->count; j++)
			if (c->durations[j] > longest)
				longest = c->durations[j];
		c->duration = longest;
	}
	{
		static const unsigned gaps[] = {0, 0, 30, 60, 120};
		c->min_gap = gaps[below(r, 5)];
	}
	c->objective = chance(r, 50) ? CV_OBJECTIVE_ATTENDANCE : CV_OBJECTIVE_REACH;
	c->min_share = shares[below(r, 6)];
	if (c->mode == CV_MODE_SECTIONS && chance(r, 55))
		c->capacity = 1 + below(r, 3);
	if (chance(r, 50)) {
		c->every = 1 + below(r, 3);
		if (chance(r, 50))
			c->first = c->start + (int32_t)below(r, 16);
	}
	max_cand = c->capacity ? MAX_CAND_CAPACITY : MAX_CAND;
	for (;;) {
		size_t n = 1 + chance(r, 30);
		for (size_t i = 0; i < n; i++) {
			cv_window *w = &in->iwin[i];
			unsigned len = 60 + 30 * below(r, 8);
			w->days = random_days(r);
			w->start = (uint16_t)(30 * below(r, 48));
			w->end = (uint16_t)((w->start + len) % 1440);
			if (w->end == 0)
				w->end = 1440;
		}
		c->windows = in->iwin;
		c->nwindows = n;
		if (!windows_apart(in->iwin, n))
			continue;
		size_t nc = enumerate_candidates(probe, c, max_cand);
		if (nc <= max_cand && (nc > 0 || chance(r, 5)))
			break;
	}
	if (probe->ncand && chance(r, 20)) {
		in->has_pin = 1;
		in->pin = below(r, (unsigned)probe->ncand);
	}

	in->nstud = 2 + below(r, (c->capacity ? MAX_STUD_CAPACITY : MAX_STUD) - 1);
	for (size_t i = 0; i < in->nstud; i++) {
		student_def *s = &in->sd[i];
		if (i > 0 && chance(r, 20)) {
			*s = in->sd[below(r, (unsigned)i)]; /* the grid merges them */
			s->weight = 1 + below(r, 3);
			continue;
		}
		s->zone = zone(student_zones[below(r, sizeof(student_zones) / sizeof(student_zones[0]))]);
		s->weight = chance(r, 60) ? 1 : 1 + below(r, 3);
		s->nwin = 1 + below(r, 3);
		for (size_t k = 0; k < s->nwin; k++) {
			cv_window *w = &s->win[k];
			unsigned len = 60 + 15 * below(r, 29);
			if (probe->ncand > 0 && chance(r, 75)) {
				/* around a candidate's local time in some week of the term */
				size_t ci = below(r, (unsigned)probe->ncand);
				int32_t day = c->start + (int32_t)below(r, (unsigned)(c->end - c->start + 1));
				int32_t mon = day - (int32_t)cv_weekday(day);
				int64_t wall = ((int64_t)mon + probe->slot[ci].weekday) * CV_DAY_SECONDS +
					       probe->slot[ci].start * 60;
				int64_t local = cv_zone_to_wall(s->zone, cv_zone_to_utc(c->zone, wall));
				int64_t lm = ((local % CV_DAY_SECONDS) + CV_DAY_SECONDS) % CV_DAY_SECONDS / 60;
				unsigned back = 15 * below(r, 5), lday = cv_weekday(cv_day_of(local));
				int64_t st = lm - back;
				if (st < 0) {
					st += 1440;
					lday = (lday + 6) % 7;
				}
				st -= st % 15;
				w->start = (uint16_t)st;
				len = back + probe->dur[ci] + 15 * below(r, 12);
				w->days = (uint8_t)(1u << lday);
				if (chance(r, 50))
					w->days |= random_days(r);
			} else {
				w->days = random_days(r);
				w->start = (uint16_t)(15 * below(r, 96));
			}
			if (len > 1380)
				len = 1380;
			w->end = (uint16_t)((w->start + len) % 1440);
			if (w->end == 0)
				w->end = 1440;
		}
		if (chance(r, 35)) {
			s->pref[0] = s->win[0];
			s->pref[0].end = (uint16_t)((s->win[0].start + win_len(&s->win[0]) / 2) % 1440);
			if (s->pref[0].end == s->pref[0].start)
				s->pref[0].end = (uint16_t)((s->pref[0].start + 15) % 1440);
			if (s->pref[0].end == 0)
				s->pref[0].end = 1440;
			s->npref = 1;
		}
		if (chance(r, 25)) {
			s->away[0].first = c->start + (int32_t)below(r, (unsigned)(c->end - c->start + 1));
			s->away[0].last = s->away[0].first + (int32_t)below(r, 4);
			s->naway = 1;
		}
	}
	assert_int_equal(cv_roster_new(&in->roster, "random.csv"), 0);
	for (size_t i = 0; i < in->nstud; i++) {
		cv_student st = {0};
		student_def *s = &in->sd[i];
		snprintf(in->names[i], sizeof(in->names[i]), "s%02u", (unsigned)(i + 1));
		st.id = in->names[i];
		st.zone = s->zone;
		st.weight = s->weight;
		st.line = (unsigned)i + 2;
		assert_int_equal(cv_avail_new(&st.avail, s->zone), 0);
		assert_int_equal(cv_avail_add_windows(st.avail, s->win, s->nwin, 0), 0);
		if (s->npref)
			assert_int_equal(cv_avail_add_windows(st.avail, s->pref, s->npref, 1), 0);
		if (s->naway)
			assert_int_equal(cv_avail_add_away(st.avail, s->away, s->naway), 0);
		assert_int_equal(cv_roster_add(in->roster, &st), 0);
	}
	free(probe);
}

/* ---- printing a failing instance ---- */

static void put_windows(FILE *f, const cv_window *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int first = 1;
		fprintf(f, "%s", i ? "; " : "");
		for (unsigned d = 0; d < 7; d++)
			if (w[i].days & (1u << d)) {
				fprintf(f, "%s%s", first ? "" : ",", cv_weekday_name(d));
				first = 0;
			}
		fprintf(f, " %02u:%02u-%02u:%02u", w[i].start / 60u, w[i].start % 60u, w[i].end / 60u,
			w[i].end % 60u);
	}
}

static void put_date(FILE *f, int32_t day)
{
	char buf[16];
	cv_date_format(buf, sizeof(buf), day);
	fputs(buf, f);
}

static void print_instance(const instance *in, const oracle *o)
{
	const cv_course *c = &in->course;
	static const char *const modes[] = {"sections", "series", "rotation"};
	fprintf(stderr, "---- course.ini (instance %u) ----\n[course]\nid = patterns\n", in->number);
	fprintf(stderr, "timezone = %s\nstart = ", cv_zone_name(c->zone));
	put_date(stderr, c->start);
	fputs("\nend = ", stderr);
	put_date(stderr, c->end);
	if (c->nholidays) {
		fputs("\nholidays = ", stderr);
		put_date(stderr, c->holidays[0].first);
		fputs("..", stderr);
		put_date(stderr, c->holidays[0].last);
	}
	fprintf(stderr, "\nroster = roster.csv\n\n[sessions]\nmode = %s\ncount = %u\nduration = ",
		modes[c->mode], c->count);
	if (c->ndurations)
		for (size_t j = 0; j < c->ndurations; j++)
			fprintf(stderr, "%s%um", j ? ", " : "", c->durations[j]);
	else
		fprintf(stderr, "%um", c->duration);
	fprintf(stderr, "\ngranularity = %um\nwindow = ", c->granularity);
	put_windows(stderr, c->windows, c->nwindows);
	fprintf(stderr, "\nmin-gap = %um\nobjective = %s\n", c->min_gap,
		c->objective == CV_OBJECTIVE_REACH ? "reach" : "attendance");
	if (c->min_share)
		fprintf(stderr, "min-share = %u%%\n", c->min_share);
	if (c->capacity)
		fprintf(stderr, "capacity = %u\n", c->capacity);
	if (c->every) {
		fprintf(stderr, "every = %uw\n", c->every);
		if (c->first) {
			fputs("first = ", stderr);
			put_date(stderr, c->first);
			fputc('\n', stderr);
		}
	}
	if (in->has_pin)
		fprintf(stderr, "; --pin \"%s %02u:%02u\"\n", cv_weekday_name(o->slot[in->pin].weekday),
			o->slot[in->pin].start / 60u, o->slot[in->pin].start % 60u);
	fputs("---- roster.csv ----\nid,timezone,available,preferred,unavailable,weight\n", stderr);
	for (size_t i = 0; i < in->nstud; i++) {
		const student_def *s = &in->sd[i];
		fprintf(stderr, "%s,%s,\"", in->names[i], cv_zone_name(s->zone));
		put_windows(stderr, s->win, s->nwin);
		fputs("\",\"", stderr);
		put_windows(stderr, s->pref, s->npref);
		fputs("\",\"", stderr);
		if (s->naway) {
			put_date(stderr, s->away[0].first);
			fputs("..", stderr);
			put_date(stderr, s->away[0].last);
		}
		fprintf(stderr, "\",%u\n", s->weight);
	}
}

/* ---- checks ---- */

static unsigned failures;

static void report(const instance *in, const oracle *o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void report(const instance *in, const oracle *o, const char *fmt, ...)
{
	va_list ap;
	failures++;
	fprintf(stderr, "instance %u: ", in->number);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (failures <= MAX_FAIL_PRINTS)
		print_instance(in, o);
}

static void put_plan(char *buf, size_t size, const oracle *o, const size_t *t, size_t m)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m && len < size; i++) {
		int w = snprintf(buf + len, size - len, "%s%s %02u:%02u/%u", i ? ", " : "",
				 cv_weekday_name(o->slot[t[i]].weekday), o->slot[t[i]].start / 60u,
				 o->slot[t[i]].start % 60u, o->dur[t[i]]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static int check_grid(const instance *in, const oracle *o, const cv_grid *g)
{
	if (cv_grid_candidates(g) != o->ncand) {
		report(in, o, "grid has %zu candidates, expected %zu", cv_grid_candidates(g), o->ncand);
		return 0;
	}
	for (size_t k = 0; k < o->ncand; k++) {
		if (cv_grid_week_minute(g, k) != o->wmin[k] || cv_grid_duration(g, k) != o->dur[k]) {
			report(in, o, "candidate %zu is minute %u for %u, expected %u for %u", k,
			       cv_grid_week_minute(g, k), cv_grid_duration(g, k), o->wmin[k], o->dur[k]);
			return 0;
		}
		for (size_t w = 0; w < o->nweeks; w++) {
			int64_t at;
			int has = cv_grid_occurrence(&at, g, k, w) == CV_OK;
			if (has != o->has[k][w] || (has && at != o->occ[k][w])) {
				report(in, o, "candidate %zu week %zu: occurrence %d, expected %d", k, w, has,
				       o->has[k][w]);
				return 0;
			}
		}
	}
	for (size_t w = 0; w < o->nweeks; w++) {
		unsigned ph = 99;
		int rc = cv_grid_week_phase(&ph, g, w);
		if ((o->phase[w] < 0) != (rc == CV_ENOTFOUND) || (!rc && (int)ph != o->phase[w])) {
			report(in, o, "week %zu: phase %d (rc %d), expected %d", w, (int)ph, rc, o->phase[w]);
			return 0;
		}
	}
	for (size_t i = 0; i < in->nstud; i++) {
		size_t grp = cv_grid_student_group(g, i);
		for (size_t k = 0; k < o->ncand; k++) {
			for (size_t ph = 0; ph < cv_grid_phases(g); ph++) {
				int phase = cv_grid_phases(g) > 1 ? (int)ph : -1;
				unsigned ga = cv_grid_attend_phase_row(g, grp, ph)[k];
				unsigned gp = cv_grid_preferred_phase_row(g, grp, ph)[k];
				if (ga != attended(o, i, k, phase, 0) || gp != attended(o, i, k, phase, 1)) {
					report(in, o, "student %zu candidate %zu phase %zu: grid %u/%u, expected "
					       "%u/%u", i, k, ph, ga, gp, attended(o, i, k, phase, 0),
					       attended(o, i, k, phase, 1));
					return 0;
				}
			}
			if (cv_grid_attend(g, grp, k) != attended(o, i, k, -1, 0)) {
				report(in, o, "student %zu candidate %zu: grid attends %u, expected %u", i, k,
				       cv_grid_attend(g, grp, k), attended(o, i, k, -1, 0));
				return 0;
			}
		}
	}
	return 1;
}

/* The plan built from a solution adds up to its score. */
static void check_plan(const instance *in, const oracle *o, const cv_grid *g,
		       const cv_solution *sol)
{
	const cv_course *c = &in->course;
	cv_plan *p = NULL;
	int64_t att = 0, reach = 0, pref = 0;
	size_t live_in[CV_COUNT_MAX] = {0};

	if (cv_plan_build(&p, g, sol) != 0) {
		report(in, o, "cv_plan_build failed");
		return;
	}
	for (size_t i = 0; i < p->nstudents; i++) {
		const cv_student_plan *sp = &p->students[i];
		int64_t w = in->roster->students[i].weight;
		size_t np = 0;
		for (size_t j = 0; j < sp->nexpects; j++)
			np += sp->expects[j].miss == CV_MISS_NONE && sp->expects[j].preferred;
		att += w * (int64_t)sp->nlive;
		pref += w * (int64_t)np;
		reach += w * reached(c->min_share, (unsigned)sp->nlive, (unsigned)sp->nexpects);
		if (sp->section >= 0 && sp->nlive)
			live_in[sp->section]++;
	}
	cv_score got = {att, reach, pref};
	if (memcmp(&got, &sol->score, sizeof(got)) != 0)
		report(in, o, "the plan adds up to attendance %lld reach %lld preferred %lld, the "
		       "score is %lld %lld %lld", (long long)att, (long long)reach, (long long)pref,
		       (long long)sol->score.attendance, (long long)sol->score.reach,
		       (long long)sol->score.preferred);
	for (size_t s = 0; c->capacity && s < p->nsessions; s++)
		if (live_in[s] > c->capacity)
			report(in, o, "section %zu has %zu students live, capacity %u", s + 1, live_in[s],
			       c->capacity);
	/* rotation: every occurrence of session j falls in a week of phase j */
	for (size_t s = 0; c->mode == CV_MODE_ROTATION && s < p->nsessions; s++)
		for (size_t k = 0; k < p->sessions[s].noccurrences; k++)
			if (o->phase[p->sessions[s].occurrences[k].week] != (int)s)
				report(in, o, "rotation session %zu meets in week %u of phase %d", s + 1,
				       p->sessions[s].occurrences[k].week,
				       o->phase[p->sessions[s].occurrences[k].week]);
	cv_plan_free(p);
}

typedef struct tally {
	unsigned instances, solved, enoslot, sections, series, rotation, capacity, share, lengths,
		cadence, pins, reach, capacity_binds, share_matters, top_checked;
} tally;

static void check_solve(const instance *in, const oracle *o, const cv_grid *g, tally *t)
{
	const cv_course *c = &in->course;
	cv_solution top[TOP];
	size_t ntop = 0, pin_cand;
	cv_solve_options opt = {0};
	char a[200], b[200];
	int rc;

	rank_plans(o, in);
	if (in->has_pin) {
		pin_cand = in->pin;
		opt.pins = &pin_cand;
		opt.npins = 1;
	}
	memset(top, 0, sizeof(top));
	rc = cv_solve_top(top, &ntop, TOP, g, &opt);
	if (!nplans) {
		if (rc != CV_ENOSLOT)
			report(in, o, "cv_solve_top returned %d, expected CV_ENOSLOT", rc);
		else
			t->enoslot++;
		return;
	}
	if (rc != 0) {
		put_plan(b, sizeof(b), o, plans[0].t, plans[0].m);
		report(in, o, "cv_solve_top returned %d, expected a plan [%s]", rc, b);
		return;
	}
	t->solved++;
	if (ntop != (nplans < TOP ? nplans : TOP)) {
		report(in, o, "cv_solve_top ranked %zu plans, expected %zu", ntop,
		       nplans < TOP ? nplans : (size_t)TOP);
		return;
	}
	for (size_t r = 0; r < ntop; r++) {
		const plan_entry *want = &plans[r];
		const size_t *expect = c->mode == CV_MODE_ROTATION ? want->t : want->sorted;
		cv_score ws = to_score(c, &want->v);
		int same = top[r].count == want->m;
		for (size_t j = 0; same && j < want->m; j++)
			same = top[r].slots[j] == expect[j];
		if (!same || memcmp(&ws, &top[r].score, sizeof(ws)) != 0) {
			put_plan(a, sizeof(a), o, top[r].slots, top[r].count);
			put_plan(b, sizeof(b), o, expect, want->m);
			report(in, o, "rank %zu: [%s] (%lld, %lld, %lld), expected [%s] (%lld, %lld, %lld)",
			       r + 1, a, (long long)top[r].score.attendance, (long long)top[r].score.reach,
			       (long long)top[r].score.preferred, b, (long long)ws.attendance,
			       (long long)ws.reach, (long long)ws.preferred);
			return;
		}
		if (!top[r].optimal || memcmp(&top[r].bound, &top[0].score, sizeof(ws)) != 0) {
			report(in, o, "rank %zu: optimal %d, bound not the best score", r + 1,
			       top[r].optimal);
			return;
		}
	}
	t->top_checked++;
	{
		/* cv_solve() is the first of the ranking, node for node the same twice */
		cv_solution one, again;
		if (cv_solve(&one, g, &opt) != 0 || cv_solve(&again, g, &opt) != 0 ||
		    one.count != top[0].count || memcmp(one.slots, top[0].slots, sizeof(size_t) * one.count) ||
		    memcmp(&one.score, &top[0].score, sizeof(one.score)) || one.nodes != again.nodes ||
		    memcmp(one.slots, again.slots, sizeof(size_t) * one.count)) {
			report(in, o, "cv_solve differs from the first of cv_solve_top or from itself: "
			       "%zu slots (%zu) score %lld/%lld, nodes %llu and %llu; top %zu slots (%zu) "
			       "score %lld/%lld", one.count, one.count ? one.slots[0] : 99,
			       (long long)one.score.attendance, (long long)one.score.reach,
			       (unsigned long long)one.nodes, (unsigned long long)again.nodes,
			       top[0].count, top[0].count ? top[0].slots[0] : 99,
			       (long long)top[0].score.attendance, (long long)top[0].score.reach);
			return;
		}
		check_plan(in, o, g, &one);
	}
	/* were the new options deciding anything? */
	if (c->capacity) {
		instance loose = *in;
		loose.course.capacity = CV_CAPACITY_MAX;
		val v = plan_value(o, &loose, plans[0].sorted, plans[0].m);
		t->capacity_binds += val_cmp(&v, &plans[0].v) != 0;
	}
	if (c->min_share) {
		instance any = *in;
		any.course.min_share = 0;
		val v = plan_value(o, &any, plans[0].t, plans[0].m);
		t->share_matters += val_cmp(&v, &plans[0].v) != 0;
	}
}

static void check_evaluate(const instance *in, const oracle *o, const cv_grid *g, rng *r)
{
	const cv_course *c = &in->course;
	for (unsigned trial = 0; trial < 6 && o->ncand; trial++) {
		size_t sel[CV_COUNT_MAX], m = c->mode == CV_MODE_SECTIONS ? 1 + below(r, c->count) : c->count;
		if (m > o->ncand)
			return;
		for (size_t i = 0; i < m; i++) {
			int dup;
			do {
				sel[i] = below(r, (unsigned)o->ncand);
				dup = 0;
				for (size_t j = 0; j < i; j++)
					dup |= sel[j] == sel[i];
			} while (dup);
		}
		cv_score got, want;
		val v = plan_value(o, in, sel, m);
		want = to_score(c, &v);
		memset(&got, 0xff, sizeof(got));
		cv_evaluate(&got, g, sel, m);
		if (memcmp(&got, &want, sizeof(got)) != 0) {
			char x[200];
			put_plan(x, sizeof(x), o, sel, m);
			report(in, o, "cv_evaluate([%s]) = (%lld, %lld, %lld), expected (%lld, %lld, %lld)", x,
			       (long long)got.attendance, (long long)got.reach, (long long)got.preferred,
			       (long long)want.attendance, (long long)want.reach, (long long)want.preferred);
			return;
		}
	}
}

static oracle the_oracle;

static void run(unsigned seed, unsigned count, tally *t)
{
	rng r = {seed};
	failures = 0;
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < count; i++) {
		instance in;
		cv_grid *g = NULL;
		const cv_course *c = &in.course;
		generate(&in, &r, i);
		build_oracle(&the_oracle, &in);
		assert_int_equal(cv_grid_build(&g, &in.course, in.roster), 0);
		t->instances++;
		t->sections += c->mode == CV_MODE_SECTIONS;
		t->series += c->mode == CV_MODE_SERIES;
		t->rotation += c->mode == CV_MODE_ROTATION;
		t->capacity += c->capacity > 0;
		t->share += c->min_share > 0;
		t->lengths += c->ndurations > 0;
		t->cadence += c->every > 1;
		t->pins += in.has_pin;
		t->reach += c->objective == CV_OBJECTIVE_REACH;
		if (check_grid(&in, &the_oracle, g)) {
			check_solve(&in, &the_oracle, g, t);
			check_evaluate(&in, &the_oracle, g, &r);
		}
		cv_grid_free(g);
		cv_roster_free(in.roster);
	}
}

static void test_new_options_match_brute_force(void **state)
{
	tally t;
	(void)state;
	run(20270118, N_INSTANCES, &t);
	print_message("%u instances: %u solved, %u CV_ENOSLOT; %u sections, %u series, %u rotation; "
		      "%u with capacity (binding in %u), %u with min-share (deciding in %u), %u with "
		      "several lengths, %u with cadence, %u with a pin, %u reach first; %u rankings "
		      "checked\n",
		      t.instances, t.solved, t.enoslot, t.sections, t.series, t.rotation, t.capacity,
		      t.capacity_binds, t.share, t.share_matters, t.lengths, t.cadence, t.pins, t.reach,
		      t.top_checked);
	assert_int_equal(failures, 0);
	/* the generator produced every kind */
	assert_true(t.solved > N_INSTANCES / 2 && t.enoslot > 0);
	assert_true(t.sections > 0 && t.series > 0 && t.rotation > 0);
	assert_true(t.capacity_binds > 10 && t.share_matters > 10);
	assert_true(t.lengths > 10 && t.cadence > 10 && t.pins > 10 && t.reach > 10);
}

static void test_new_options_match_brute_force_on_another_seed(void **state)
{
	tally t;
	(void)state;
	run(7032027, N_INSTANCES / 2, &t);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_options_match_brute_force),
		cmocka_unit_test(test_new_options_match_brute_force_on_another_seed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
