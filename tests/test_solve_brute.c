/*
 * test_solve_brute.c - an independent brute-force cross-check of the grid
 * and the solver.
 *
 * Many small random instances (seeded, so every run sees the same ones) are
 * solved twice: by cv_grid_build() + cv_solve(), and by this file, which
 * enumerates the candidates, the occurrences of every term week, who can
 * attend them and every pairwise-compatible set of slots itself, straight
 * from DESIGN.md "Objective".  It uses only tz (wall -> UTC) and avail (a
 * student's UTC intervals) from the library, never grid.c or solve.c, so a
 * mistake in either shows up as a disagreement.  On a disagreement the
 * instance is printed as a course file and a roster, ready to reproduce.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "../src/solve_int.h"

#define N_INSTANCES 500
#define MAX_CAND 40        /* brute force stays cheap: C(40,3) = 9880 sets */
#define MAX_STUD 12
#define MAX_WEEKS 16
#define MAX_IWIN 2
#define MAX_SWIN 3
#define MAX_FAIL_PRINTS 5

/* ---- a small deterministic generator (splitmix64) ---- */

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

static unsigned rng_below(rng *r, unsigned n)
{
	return (unsigned)(rng_next(r) % n);
}

static int rng_chance(rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

/* ---- instances ---- */

static const char *const home_zones[] = {
	"America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "UTC",
};

/* Student zones: both hemispheres' DST, no DST, half- and quarter-hour offsets,
 * Lord Howe's half-hour DST. */
static const char *const student_zones[] = {
	"America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "America/Santiago",
	"America/St_Johns", "Europe/London", "Europe/Berlin", "Africa/Cairo",
	"Africa/Lagos", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Asia/Tehran",
	"Australia/Sydney", "Australia/Adelaide", "Australia/Lord_Howe", "Pacific/Auckland",
	"Pacific/Chatham", "UTC",
};

typedef struct student_def {
	const cv_zone *zone;
	cv_window win[MAX_SWIN];
	size_t nwin;
	cv_window pref[1];
	size_t npref;
	cv_daterange away[2];
	size_t naway;
	unsigned weight;
} student_def;

typedef struct instance {
	unsigned number;
	cv_course course;
	cv_window iwin[MAX_IWIN];
	cv_daterange hol[1];
	student_def sd[MAX_STUD];
	cv_roster *roster; /* built with cv_roster_add(), as any front end would */
	char names[MAX_STUD][8];
} instance;

static const cv_zone *zone(const char *name)
{
	const cv_zone *z = NULL;
	char hint[CV_ZONE_HINT_MAX];
	if (cv_zone_lookup(&z, name, hint, sizeof(hint)) != 0)
		fail_msg("zone %s: %s", name, hint);
	return z;
}

/* Days (0 = Monday) around which clocks change somewhere in 2026-2027. */
static int32_t anchor_day(rng *r)
{
	static const unsigned char md[][2] = {
		{3, 14}, {3, 28}, {4, 4}, {10, 3}, {10, 31}, {11, 7}, {9, 5}, {9, 26}, {6, 15},
	};
	unsigned i = rng_below(r, sizeof(md) / sizeof(md[0]));
	return cv_days_from_civil(2027, md[i][0], md[i][1]);
}

/* Week minutes [lo, lo + len) of window w on weekday d. */
static unsigned win_len(const cv_window *w)
{
	return w->end > w->start ? (unsigned)(w->end - w->start) : (unsigned)(w->end + 1440 - w->start);
}

/* 1 if week minute m plus `len` lies inside [ws, ws + wl) on the cyclic week. */
static int cyclic_inside(unsigned m, unsigned len, unsigned ws, unsigned wl)
{
	unsigned off = (m + CV_WEEK_MINUTES - ws) % CV_WEEK_MINUTES;
	return off + len <= wl;
}

/*
 * The instructor's window intervals must neither overlap nor touch: "inside
 * one window interval" is then unambiguous whether or not an implementation
 * joins adjacent windows.
 */
static int iwin_separate(const cv_window *w, size_t n)
{
	unsigned lo[14], len[14];
	size_t k = 0, i, j;
	for (i = 0; i < n; i++)
		for (unsigned d = 0; d < 7; d++)
			if (w[i].days & (1u << d)) {
				lo[k] = d * 1440 + w[i].start;
				len[k++] = win_len(&w[i]);
			}
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			if (i == j)
				continue;
			/* j starts inside or right at the end of i */
			unsigned off = (lo[j] + CV_WEEK_MINUTES - lo[i]) % CV_WEEK_MINUTES;
			if (off <= len[i])
				return 0;
		}
	return 1;
}

static uint8_t random_days(rng *r)
{
	uint8_t days = 0;
	unsigned n = 1 + rng_below(r, 3);
	if (rng_chance(r, 30)) {
		/* a range like Mon-Fri or Sat-Mon (wrapping) */
		unsigned a = rng_below(r, 7), len = 1 + rng_below(r, 5);
		for (unsigned i = 0; i < len; i++)
			days |= (uint8_t)(1u << ((a + i) % 7));
		return days;
	}
	while (n--)
		days |= (uint8_t)(1u << rng_below(r, 7));
	return days;
}

/* The candidates as this file sees them (DESIGN.md "Objective"). */
typedef struct oracle {
	size_t ncand;
	cv_slot slot[MAX_CAND];
	unsigned wmin[MAX_CAND];
	size_t nweeks;
	int has[MAX_CAND][MAX_WEEKS];
	int64_t occ[MAX_CAND][MAX_WEEKS];
	unsigned nocc[MAX_CAND];
	unsigned att[MAX_STUD][MAX_CAND];
	unsigned pref[MAX_STUD][MAX_CAND];
	int compat[MAX_CAND][MAX_CAND];
} oracle;

/* Enumerate candidates; returns their number, or MAX_CAND + 1 when there are too many. */
static size_t enumerate_candidates(oracle *o, const cv_course *c)
{
	size_t n = 0;
	for (unsigned m = 0; m < CV_WEEK_MINUTES; m += c->granularity) {
		int in = 0;
		for (size_t i = 0; i < c->nwindows && !in; i++)
			for (unsigned d = 0; d < 7 && !in; d++)
				if (c->windows[i].days & (1u << d))
					in = cyclic_inside(m, c->duration, d * 1440 + c->windows[i].start,
							   win_len(&c->windows[i]));
		if (!in)
			continue;
		if (n == MAX_CAND)
			return MAX_CAND + 1;
		o->slot[n].weekday = (uint8_t)(m / 1440);
		o->slot[n].start = (uint16_t)(m % 1440);
		o->wmin[n] = m;
		n++;
	}
	o->ncand = n;
	return n;
}

static void generate(instance *in, rng *r, unsigned number)
{
	cv_course *c = &in->course;
	oracle probe;

	memset(in, 0, sizeof(*in));
	in->number = number;
	c->path = "random.ini";
	c->dir = ".";
	c->id = "brute";
	c->title = "Brute force";
	c->roster_path = "random.csv";
	c->uid_domain = "example.edu";
	c->zone = zone(home_zones[rng_below(r, sizeof(home_zones) / sizeof(home_zones[0]))]);
	c->start = anchor_day(r) - (int32_t)rng_below(r, 36);
	c->end = c->start + 13 + (int32_t)rng_below(r, 57); /* 2 to 10 weeks */
	if (rng_chance(r, 40)) {
		in->hol[0].first = c->start + (int32_t)rng_below(r, (unsigned)(c->end - c->start + 1));
		in->hol[0].last = in->hol[0].first + (int32_t)rng_below(r, 8);
		if (in->hol[0].last > c->end)
			in->hol[0].last = c->end;
		c->holidays = in->hol;
		c->nholidays = 1;
	}
	c->mode = rng_chance(r, 50) ? CV_MODE_SECTIONS : CV_MODE_SERIES;
	c->count = 1 + rng_below(r, 3);
	c->granularity = rng_chance(r, 50) ? 60 : 30;
	{
		static const unsigned durations[] = {30, 45, 60, 60, 90, 120};
		c->duration = durations[rng_below(r, 6)];
	}
	{
		static const unsigned gaps[] = {0, 0, 30, 60, 120, 180};
		c->min_gap = gaps[rng_below(r, 6)];
	}
	c->objective = rng_chance(r, 50) ? CV_OBJECTIVE_ATTENDANCE : CV_OBJECTIVE_REACH;

	/* A few hours on a few days; sometimes overnight, sometimes across the
	 * home zone's spring-forward or fall-back hour (02:00 on a Sunday). */
	for (;;) {
		size_t n = 1 + rng_chance(r, 35);
		for (size_t i = 0; i < n; i++) {
			cv_window *w = &in->iwin[i];
			unsigned len = 60 + 30 * rng_below(r, 10);
			w->days = random_days(r);
			w->start = (uint16_t)(30 * rng_below(r, 48));
			if (rng_chance(r, 15))
				w->start = 60; /* 01:00: covers 02:00-03:00 on Sunday */
			w->end = (uint16_t)((w->start + len) % 1440);
			if (w->end == 0 && rng_chance(r, 50))
				w->end = 1440; /* "24:00" */
		}
		c->windows = in->iwin;
		c->nwindows = n;
		if (!iwin_separate(in->iwin, n))
			continue;
		size_t nc = enumerate_candidates(&probe, c);
		/* a few instances with no candidate at all */
		if (nc <= MAX_CAND && (nc > 0 || rng_chance(r, 10)))
			break;
	}

	size_t ns = 2 + rng_below(r, 11);
	for (size_t i = 0; i < ns; i++) {
		student_def *s = &in->sd[i];
		if (i > 0 && rng_chance(r, 15)) {
			/* the same availability as someone else: grid merges them */
			*s = in->sd[rng_below(r, (unsigned)i)];
			s->weight = 1 + rng_below(r, 3);
			continue;
		}
		s->zone = zone(student_zones[rng_below(r, sizeof(student_zones) / sizeof(student_zones[0]))]);
		s->weight = rng_chance(r, 60) ? 1 : 1 + rng_below(r, 3);
		s->nwin = 1 + rng_below(r, MAX_SWIN);
		for (size_t k = 0; k < s->nwin; k++) {
			cv_window *w = &s->win[k];
			unsigned len = 60 + 15 * rng_below(r, 29);
			if (probe.ncand > 0 && rng_chance(r, 70)) {
				/* Around a candidate's local time in some term week, so the
				 * instance is not all zeros and clock changes matter. */
				size_t ci = rng_below(r, (unsigned)probe.ncand);
				int32_t day = c->start + (int32_t)rng_below(r, (unsigned)(c->end - c->start + 1));
				int32_t mon = day - (int32_t)cv_weekday(day);
				int64_t wall = ((int64_t)mon + probe.slot[ci].weekday) * CV_DAY_SECONDS +
					       probe.slot[ci].start * 60;
				int64_t local = cv_zone_to_wall(s->zone, cv_zone_to_utc(c->zone, wall));
				int64_t lm = ((local % CV_DAY_SECONDS) + CV_DAY_SECONDS) % CV_DAY_SECONDS / 60;
				unsigned back = 15 * rng_below(r, 9);
				int64_t st = lm - back;
				unsigned lday = cv_weekday(cv_day_of(local));
				if (st < 0) {
					st += 1440;
					lday = (lday + 6) % 7;
				}
				st -= st % 15;
				w->start = (uint16_t)st;
				len = (unsigned)(back + c->duration + 15 * rng_below(r, 12));
				w->days = (uint8_t)(1u << lday);
				if (rng_chance(r, 40))
					w->days |= random_days(r);
			} else {
				w->days = random_days(r);
				w->start = (uint16_t)(15 * rng_below(r, 96));
			}
			if (len > 1380)
				len = 1380;
			w->end = (uint16_t)((w->start + len) % 1440);
			if (w->end == 0)
				w->end = 1440;
		}
		if (rng_chance(r, 40)) {
			/* preferred: part of one available window (or, rarely, anywhere) */
			const cv_window *src = &s->win[rng_below(r, (unsigned)s->nwin)];
			cv_window *p = &s->pref[0];
			unsigned len = win_len(src), cut = 15 * rng_below(r, len / 30 + 1);
			*p = *src;
			p->start = (uint16_t)((src->start + cut) % 1440);
			if (win_len(src) - cut < 15 || rng_chance(r, 10)) {
				p->start = (uint16_t)(15 * rng_below(r, 96));
				p->end = (uint16_t)((p->start + 120) % 1440);
			}
			if (p->end == p->start)
				p->end = (uint16_t)((p->start + 15) % 1440);
			if (p->end == 0)
				p->end = 1440; /* cv_window: end is 1..1440 */
			s->npref = 1;
		}
		if (rng_chance(r, 30)) {
			s->naway = 1 + rng_chance(r, 30);
			for (size_t k = 0; k < s->naway; k++) {
				int32_t span = c->end - c->start + 1;
				s->away[k].first = c->start - 1 + (int32_t)rng_below(r, (unsigned)span + 2);
				s->away[k].last = s->away[k].first + (int32_t)rng_below(r, 4);
			}
			/* sorted and disjoint, like cv_dates_parse() gives */
			if (s->naway == 2) {
				if (s->away[1].first < s->away[0].first) {
					cv_daterange t = s->away[0];
					s->away[0] = s->away[1];
					s->away[1] = t;
				}
				if (s->away[1].first <= s->away[0].last + 1) {
					if (s->away[1].last > s->away[0].last)
						s->away[0].last = s->away[1].last;
					s->naway = 1;
				}
			}
		}
	}

	assert_int_equal(cv_roster_new(&in->roster, "random.csv"), 0);
	for (size_t i = 0; i < ns; i++) {
		cv_student st = {0};
		student_def *s = &in->sd[i];
		snprintf(in->names[i], sizeof(in->names[i]), "s%02u", (unsigned)(i + 1) % 100u);
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
}

static void instance_free(instance *in)
{
	cv_roster_free(in->roster);
	in->roster = NULL;
}

/* ---- printing an instance (for failures and for the file-loader test) ---- */

static void put_days(FILE *f, uint8_t days)
{
	int first = 1;
	for (unsigned d = 0; d < 7; d++)
		if (days & (1u << d)) {
			fprintf(f, "%s%s", first ? "" : ",", cv_weekday_name(d));
			first = 0;
		}
}

static void put_windows(FILE *f, const cv_window *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s", i ? "; " : "");
		put_days(f, w[i].days);
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

static void put_ranges(FILE *f, const cv_daterange *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s", i ? "; " : "");
		put_date(f, r[i].first);
		if (r[i].last != r[i].first) {
			fputs("..", f);
			put_date(f, r[i].last);
		}
	}
}

static void put_course(FILE *f, const instance *in, const char *roster)
{
	const cv_course *c = &in->course;
	fprintf(f, "; random instance %u\n[course]\nid = brute\ntitle = Brute force\n", in->number);
	fprintf(f, "timezone = %s\nstart = ", cv_zone_name(c->zone));
	put_date(f, c->start);
	fputs("\nend = ", f);
	put_date(f, c->end);
	if (c->nholidays) {
		fputs("\nholidays = ", f);
		put_ranges(f, c->holidays, c->nholidays);
	}
	fprintf(f, "\nroster = %s\nuid-domain = example.edu\n\n[sessions]\n", roster);
	fprintf(f, "mode = %s\ncount = %u\nduration = %um\ngranularity = %um\nwindow = ",
		c->mode == CV_MODE_SECTIONS ? "sections" : "series", c->count, c->duration,
		c->granularity);
	put_windows(f, c->windows, c->nwindows);
	fprintf(f, "\nmin-gap = %um\nobjective = %s\n", c->min_gap,
		c->objective == CV_OBJECTIVE_REACH ? "reach" : "attendance");
}

static void put_roster(FILE *f, const instance *in)
{
	fputs("id,timezone,available,preferred,unavailable,weight\n", f);
	for (size_t i = 0; i < in->roster->count; i++) {
		const student_def *s = &in->sd[i];
		fprintf(f, "%s,%s,\"", in->names[i], cv_zone_name(s->zone));
		put_windows(f, s->win, s->nwin);
		fputs("\",\"", f);
		put_windows(f, s->pref, s->npref);
		fputs("\",\"", f);
		put_ranges(f, s->away, s->naway);
		fprintf(f, "\",%u\n", s->weight);
	}
}

static void print_instance(const instance *in)
{
	fprintf(stderr, "---- course.ini ----\n");
	put_course(stderr, in, "roster.csv");
	fprintf(stderr, "---- roster.csv ----\n");
	put_roster(stderr, in);
	fprintf(stderr, "--------------------\n");
}

/* ---- the oracle ---- */

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
	int64_t span = (int64_t)c->duration * 60;

	memset(o, 0, sizeof(*o));
	enumerate_candidates(o, c);
	o->nweeks = (size_t)((c->end - monday0) / 7 + 1);
	assert_true(o->nweeks <= MAX_WEEKS);
	for (size_t k = 0; k < o->ncand; k++)
		for (size_t w = 0; w < o->nweeks; w++) {
			int32_t day = monday0 + (int32_t)(7 * w) + o->slot[k].weekday;
			if (day < c->start || day > c->end || holiday(c, day))
				continue;
			o->has[k][w] = 1;
			o->occ[k][w] = cv_zone_to_utc(c->zone, (int64_t)day * CV_DAY_SECONDS +
								  o->slot[k].start * 60);
			o->nocc[k]++;
		}

	/* Every occurrence lies in [from, to): the term's weeks with two days to spare. */
	int64_t from = ((int64_t)monday0 - 3) * CV_DAY_SECONDS;
	int64_t to = ((int64_t)c->end + 4) * CV_DAY_SECONDS;
	for (size_t i = 0; i < in->roster->count; i++) {
		cv_interval *av = NULL, *pv = NULL;
		size_t nav = 0, npv = 0;
		const cv_avail *a = in->roster->students[i].avail;
		assert_int_equal(cv_avail_intervals(&av, &nav, a, from, to, 0), 0);
		assert_int_equal(cv_avail_intervals(&pv, &npv, a, from, to, 1), 0);
		for (size_t k = 0; k < o->ncand; k++)
			for (size_t w = 0; w < o->nweeks; w++) {
				if (!o->has[k][w])
					continue;
				int64_t s = o->occ[k][w];
				if (!cv_intervals_cover(av, nav, s, s + span))
					continue;
				o->att[i][k]++;
				/* solve.h: "attended occurrences inside preferred windows" */
				if (cv_intervals_cover(pv, npv, s, s + span))
					o->pref[i][k]++;
			}
		free(av);
		free(pv);
	}

	/* On the cyclic home week, from the end of either to the start of the other. */
	for (size_t a = 0; a < o->ncand; a++)
		for (size_t b = 0; b < o->ncand; b++) {
			long x = ((long)o->wmin[b] - (long)o->wmin[a] + CV_WEEK_MINUTES) % CV_WEEK_MINUTES;
			long y = ((long)o->wmin[a] - (long)o->wmin[b] + CV_WEEK_MINUTES) % CV_WEEK_MINUTES;
			long d = (long)c->duration, g = (long)c->min_gap;
			o->compat[a][b] = a != b && x - d >= g && y - d >= g;
		}
}

/* DESIGN.md "Objective", for the candidate set sel[0..n). */
static cv_score oracle_eval(const oracle *o, const instance *in, const size_t *sel, size_t n)
{
	cv_score sc = {0, 0, 0};
	for (size_t i = 0; i < in->roster->count; i++) {
		int64_t w = in->roster->students[i].weight;
		if (in->course.mode == CV_MODE_SECTIONS) {
			/* the section with most attended occurrences, then most preferred */
			size_t best = sel[0];
			for (size_t j = 1; j < n; j++) {
				size_t k = sel[j];
				if (o->att[i][k] > o->att[i][best] ||
				    (o->att[i][k] == o->att[i][best] && o->pref[i][k] > o->pref[i][best]))
					best = k;
			}
			sc.attendance += w * o->att[i][best];
			sc.reach += w * (o->att[i][best] > 0);
			sc.preferred += w * o->pref[i][best];
		} else {
			int64_t total = 0;
			for (size_t j = 0; j < n; j++) {
				total += o->att[i][sel[j]];
				sc.preferred += w * o->pref[i][sel[j]];
			}
			sc.attendance += w * total;
			sc.reach += w * (total > 0);
		}
	}
	return sc;
}

static int oracle_compare(const cv_score *a, const cv_score *b, cv_objective obj)
{
	int64_t ka[3] = {a->attendance, a->reach, a->preferred};
	int64_t kb[3] = {b->attendance, b->reach, b->preferred};
	if (obj == CV_OBJECTIVE_REACH) {
		ka[0] = a->reach;
		ka[1] = a->attendance;
		kb[0] = b->reach;
		kb[1] = b->attendance;
	}
	for (int i = 0; i < 3; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

typedef struct answer {
	int rc;              /* 0 or CV_ENOSLOT */
	size_t count;
	size_t sel[CV_COUNT_MAX];
	cv_score score;
} answer;

/* All pairwise-compatible m-sets in lexicographic order; the first best wins. */
static int search(const oracle *o, const instance *in, size_t m, answer *ans)
{
	size_t idx[CV_COUNT_MAX];
	int found = 0;
	size_t n = o->ncand;
	if (m == 0 || m > n)
		return 0;
	for (size_t i = 0; i < m; i++)
		idx[i] = i;
	for (;;) {
		int ok = 1;
		for (size_t a = 0; a < m && ok; a++)
			for (size_t b = a + 1; b < m && ok; b++)
				ok = o->compat[idx[a]][idx[b]];
		if (ok) {
			cv_score sc = oracle_eval(o, in, idx, m);
			if (!found || oracle_compare(&sc, &ans->score, in->course.objective) > 0) {
				ans->score = sc;
				ans->count = m;
				memcpy(ans->sel, idx, m * sizeof(idx[0]));
				found = 1;
			}
		}
		/* next combination */
		size_t i = m;
		while (i > 0 && idx[i - 1] == n - m + i - 1)
			i--;
		if (i == 0)
			break;
		idx[i - 1]++;
		for (size_t j = i; j < m; j++)
			idx[j] = idx[j - 1] + 1;
	}
	return found;
}

static answer brute_force(const oracle *o, const instance *in)
{
	answer ans;
	memset(&ans, 0, sizeof(ans));
	ans.rc = CV_ENOSLOT;
	if (in->course.mode == CV_MODE_SERIES) {
		if (search(o, in, in->course.count, &ans))
			ans.rc = 0;
		return ans;
	}
	/* sections: min(k, the most pairwise-compatible candidates) slots */
	for (size_t m = in->course.count; m >= 1; m--)
		if (search(o, in, m, &ans)) {
			ans.rc = 0;
			break;
		}
	return ans;
}

/* ---- comparing ---- */

static unsigned failures;

static void report(const instance *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(const instance *in, const char *fmt, ...)
{
	va_list ap;
	failures++;
	fprintf(stderr, "instance %u: ", in->number);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* every disagreement in one line, the first few reproducible in full */
	if (failures <= MAX_FAIL_PRINTS)
		print_instance(in);
}

static void put_score(char *buf, size_t size, const cv_score *s)
{
	snprintf(buf, size, "(attendance %lld, reach %lld, preferred %lld)", (long long)s->attendance,
		 (long long)s->reach, (long long)s->preferred);
}

static void put_slots(char *buf, size_t size, const cv_slot *s, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		int w = snprintf(buf + len, size - len, "%s%s %02u:%02u", i ? ", " : "",
				 cv_weekday_name(s[i].weekday), s[i].start / 60u, s[i].start % 60u);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* The grid's view agrees with ours: this localises a disagreement to grid.c. */
static int check_grid(const instance *in, const oracle *o, const cv_grid *g)
{
	size_t n = cv_grid_candidates(g);
	if (n != o->ncand) {
		report(in, "grid has %zu candidates, expected %zu", n, o->ncand);
		return 0;
	}
	for (size_t k = 0; k < n; k++) {
		cv_slot s = cv_grid_slot(g, k);
		if (s.weekday != o->slot[k].weekday || s.start != o->slot[k].start) {
			report(in, "candidate %zu is %s %u, expected %s %u", k, cv_weekday_name(s.weekday),
			       s.start, cv_weekday_name(o->slot[k].weekday), o->slot[k].start);
			return 0;
		}
		if (cv_grid_week_minute(g, k) != o->wmin[k]) {
			report(in, "candidate %zu week minute %u, expected %u", k, cv_grid_week_minute(g, k),
			       o->wmin[k]);
			return 0;
		}
		if (cv_grid_occurrence_count(g, k) != o->nocc[k]) {
			report(in, "candidate %zu has %u occurrences, expected %u", k,
			       cv_grid_occurrence_count(g, k), o->nocc[k]);
			return 0;
		}
	}
	if (cv_grid_weeks(g) != o->nweeks) {
		report(in, "grid has %zu weeks, expected %zu", cv_grid_weeks(g), o->nweeks);
		return 0;
	}
	for (size_t k = 0; k < n; k++)
		for (size_t w = 0; w < o->nweeks; w++) {
			int64_t at = 0;
			int has = cv_grid_occurrence(&at, g, k, w) == CV_OK;
			if (has != o->has[k][w] || (has && at != o->occ[k][w])) {
				char a[24] = "-", b[24] = "-";
				if (has)
					cv_instant_format(a, sizeof(a), at);
				if (o->has[k][w])
					cv_instant_format(b, sizeof(b), o->occ[k][w]);
				report(in, "candidate %s %u week %zu: occurrence %s, expected %s",
				       cv_weekday_name(o->slot[k].weekday), o->slot[k].start, w, a, b);
				return 0;
			}
		}
	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++)
			if (a != b && !cv_grid_compatible(g, a, b) != !o->compat[a][b]) {
				report(in, "compatible(%zu, %zu) = %d, expected %d", a, b,
				       cv_grid_compatible(g, a, b), o->compat[a][b]);
				return 0;
			}
	for (size_t i = 0; i < in->roster->count; i++) {
		size_t grp = cv_grid_student_group(g, i);
		if (grp >= cv_grid_groups(g)) {
			report(in, "student %zu in group %zu of %zu", i, grp, cv_grid_groups(g));
			return 0;
		}
		for (size_t k = 0; k < n; k++) {
			unsigned ga = cv_grid_attend(g, grp, k), gp = cv_grid_preferred(g, grp, k);
			if (ga != o->att[i][k] || gp != o->pref[i][k]) {
				report(in, "student s%02zu at %s %02u:%02u: grid attend %u preferred %u, "
				       "expected %u and %u", i + 1, cv_weekday_name(o->slot[k].weekday),
				       o->slot[k].start / 60u, o->slot[k].start % 60u, ga, gp,
				       o->att[i][k], o->pref[i][k]);
				return 0;
			}
		}
	}
	/* group weights add up to the students' weights */
	uint64_t total = 0, want = 0;
	for (size_t k = 0; k < cv_grid_groups(g); k++)
		total += cv_grid_group_weight(g, k);
	for (size_t i = 0; i < in->roster->count; i++)
		want += in->roster->students[i].weight;
	if (total != want) {
		report(in, "group weights sum to %llu, expected %llu", (unsigned long long)total,
		       (unsigned long long)want);
		return 0;
	}
	return 1;
}

/* How many instances of each kind the run saw, to know the fuzz covers them. */
typedef struct tally {
	unsigned instances, solved, enoslot, fewer_sections, series, sections, reach, holidays;
	unsigned partial, merged, grid_ok, evaluated;
	unsigned fewer_nodes; /* the Lagrangian bound saved search nodes */
} tally;

static void check_solve(const instance *in, const oracle *o, const cv_grid *g, tally *t)
{
	answer want = brute_force(o, in);
	cv_solution sol;
	memset(&sol, 0, sizeof(sol));
	int rc = cv_solve(&sol, g, NULL);
	char a[128], b[128], x[160], y[160];

	if (rc != want.rc) {
		if (rc == 0) {
			cv_slot gs[CV_COUNT_MAX];
			size_t ng = sol.count <= CV_COUNT_MAX ? sol.count : CV_COUNT_MAX;
			for (size_t i = 0; i < ng; i++)
				gs[i] = cv_grid_slot(g, sol.slots[i]);
			put_slots(x, sizeof(x), gs, ng);
			report(in, "cv_solve returned 0 with %zu of %u slots [%s], expected %d (%s)",
			       sol.count, in->course.count, x, want.rc, cv_strerror(want.rc));
		} else {
			report(in, "cv_solve returned %d, expected %d", rc, want.rc);
		}
		return;
	}
	if (rc != 0) {
		t->enoslot++;
		return;
	}
	t->solved++;
	if (want.count < in->course.count)
		t->fewer_sections++;

	cv_slot gs[CV_COUNT_MAX], ws[CV_COUNT_MAX];
	size_t ng = sol.count <= CV_COUNT_MAX ? sol.count : CV_COUNT_MAX;
	for (size_t i = 0; i < ng; i++)
		gs[i] = sol.slots[i] < cv_grid_candidates(g) ? cv_grid_slot(g, sol.slots[i]) : (cv_slot){9, 0};
	for (size_t i = 0; i < want.count; i++)
		ws[i] = o->slot[want.sel[i]];
	put_score(a, sizeof(a), &sol.score);
	put_score(b, sizeof(b), &want.score);
	put_slots(x, sizeof(x), gs, ng);
	put_slots(y, sizeof(y), ws, want.count);

	int same = sol.count == want.count;
	for (size_t i = 0; same && i < ng; i++)
		same = gs[i].weekday == ws[i].weekday && gs[i].start == ws[i].start;
	if (oracle_compare(&sol.score, &want.score, in->course.objective) != 0 ||
	    sol.score.preferred != want.score.preferred || sol.score.reach != want.score.reach ||
	    sol.score.attendance != want.score.attendance || !same) {
		report(in, "cv_solve chose [%s] scoring %s; expected [%s] scoring %s", x, a, y, b);
		return;
	}
	if (!sol.optimal || memcmp(&sol.bound, &sol.score, sizeof(sol.score)) != 0) {
		put_score(b, sizeof(b), &sol.bound);
		report(in, "optimal = %d, bound %s, score %s", sol.optimal, b, a);
		return;
	}

	/* the cheap bounds alone reach the same answer: the strong bound only prunes */
	cv_solution plain;
	Cv_solve_tuning cheap = {.no_lagrange = 1};
	size_t nplain;
	memset(&plain, 0, sizeof(plain));
	if (Cv_solve_top_tuned(&plain, &nplain, 1, g, NULL, &cheap) != 0 || plain.count != sol.count ||
	    memcmp(plain.slots, sol.slots, sol.count * sizeof(sol.slots[0])) != 0 ||
	    memcmp(&plain.score, &sol.score, sizeof(sol.score)) != 0) {
		report(in, "without the Lagrangian bound cv_solve gave a different answer");
		return;
	}
	if (sol.nodes < plain.nodes)
		t->fewer_nodes++;

	/* the same answer again, node for node */
	cv_solution again;
	memset(&again, 0, sizeof(again));
	if (cv_solve(&again, g, NULL) != 0 || again.count != sol.count ||
	    memcmp(again.slots, sol.slots, sol.count * sizeof(sol.slots[0])) != 0 ||
	    memcmp(&again.score, &sol.score, sizeof(sol.score)) != 0 ||
	    memcmp(&again.bound, &sol.bound, sizeof(sol.bound)) != 0 || again.nodes != sol.nodes)
		report(in, "a second cv_solve gave a different answer");
}

static void check_evaluate(const instance *in, const oracle *o, const cv_grid *g, rng *r, tally *t)
{
	size_t n = o->ncand;
	cv_score prev = {0, 0, 0};
	if (n == 0)
		return;
	for (unsigned trial = 0; trial < 10; trial++) {
		size_t sel[CV_COUNT_MAX], m = 1 + rng_below(r, in->course.count);
		if (m > n)
			m = n;
		/* distinct, in random order, compatible or not */
		for (size_t i = 0; i < m; i++) {
			size_t k;
			int dup;
			do {
				k = rng_below(r, (unsigned)n);
				dup = 0;
				for (size_t j = 0; j < i; j++)
					dup |= sel[j] == k;
			} while (dup);
			sel[i] = k;
		}
		cv_score got, want = oracle_eval(o, in, sel, m);
		memset(&got, 0xff, sizeof(got));
		cv_evaluate(&got, g, sel, m);
		if (memcmp(&got, &want, sizeof(got)) != 0) {
			char a[128], b[128], x[160];
			cv_slot s[CV_COUNT_MAX];
			for (size_t i = 0; i < m; i++)
				s[i] = o->slot[sel[i]];
			put_score(a, sizeof(a), &got);
			put_score(b, sizeof(b), &want);
			put_slots(x, sizeof(x), s, m);
			report(in, "cv_evaluate([%s]) = %s, expected %s", x, a, b);
			return;
		}
		t->evaluated++;
		/* cv_score_compare() orders scores as DESIGN.md says, both ways round */
		if (trial > 0) {
			for (int obj = 0; obj < 2; obj++) {
				int a = cv_score_compare(&got, &prev, (cv_objective)obj);
				int b = oracle_compare(&got, &prev, (cv_objective)obj);
				if ((a > 0) != (b > 0) || (a < 0) != (b < 0)) {
					report(in, "cv_score_compare = %d, expected sign of %d", a, b);
					return;
				}
			}
		}
		prev = got;
	}
}

static void count_kinds(const instance *in, const oracle *o, const cv_grid *g, tally *t)
{
	t->instances++;
	t->series += in->course.mode == CV_MODE_SERIES;
	t->sections += in->course.mode == CV_MODE_SECTIONS;
	t->reach += in->course.objective == CV_OBJECTIVE_REACH;
	t->holidays += in->course.nholidays > 0;
	t->merged += cv_grid_groups(g) < in->roster->count;
	/* someone attends some but not all of a slot's occurrences */
	for (size_t i = 0; i < in->roster->count; i++)
		for (size_t k = 0; k < o->ncand; k++)
			if (o->att[i][k] > 0 && o->att[i][k] < o->nocc[k]) {
				t->partial++;
				return;
			}
}

static oracle the_oracle; /* large: keep it off the stack */

static void run_random(unsigned seed, tally *t)
{
	rng r = {seed};
	failures = 0;
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < N_INSTANCES; i++) {
		instance in;
		cv_grid *g = NULL;
		generate(&in, &r, i);
		build_oracle(&the_oracle, &in);
		assert_int_equal(cv_grid_build(&g, &in.course, in.roster), 0);
		count_kinds(&in, &the_oracle, g, t);
		if (check_grid(&in, &the_oracle, g))
			t->grid_ok++;
		check_solve(&in, &the_oracle, g, t);
		check_evaluate(&in, &the_oracle, g, &r, t);
		cv_grid_free(g);
		instance_free(&in);
	}
}

/* ---- tests ---- */

static void test_solver_matches_brute_force_on_random_instances(void **state)
{
	tally t;
	(void)state;
	run_random(20270314, &t);
	print_message("%u instances: %u solved, %u CV_ENOSLOT, %u with fewer sections than asked, "
		      "%u series, %u reach, %u with holidays, %u with partly attendable slots, "
		      "%u with merged groups, %u subsets evaluated, %u searched fewer nodes with the "
		      "Lagrangian bound\n",
		      t.instances, t.solved, t.enoslot, t.fewer_sections, t.series, t.reach, t.holidays,
		      t.partial, t.merged, t.evaluated, t.fewer_nodes);
	assert_int_equal(failures, 0);
	assert_true(t.fewer_nodes > 0);
	/* the generator really produced each kind of instance */
	assert_int_equal(t.instances, N_INSTANCES);
	assert_true(t.solved > N_INSTANCES / 2);
	assert_true(t.enoslot > 0);
	assert_true(t.fewer_sections > 0);
	assert_true(t.series > 0 && t.sections > 0);
	assert_true(t.reach > 0 && t.holidays > 0);
	assert_true(t.partial > N_INSTANCES / 10);
	assert_true(t.merged > 0);
	assert_int_equal(t.grid_ok, N_INSTANCES);
}

/* A second seed: different instances, the same agreement. */
static void test_solver_matches_brute_force_on_another_seed(void **state)
{
	tally t;
	(void)state;
	run_random(4042027, &t);
	assert_int_equal(failures, 0);
	assert_int_equal(t.grid_ok, N_INSTANCES);
}

/* Builds one small hand-written instance: home New York, one Monday window. */
static void small_instance(instance *in, cv_mode mode, unsigned count, unsigned gap)
{
	cv_course *c = &in->course;
	memset(in, 0, sizeof(*in));
	c->path = "small.ini";
	c->dir = ".";
	c->id = "small";
	c->title = "Small";
	c->roster_path = "small.csv";
	c->uid_domain = "example.edu";
	c->zone = zone("America/New_York");
	c->start = cv_days_from_civil(2027, 3, 1);
	c->end = cv_days_from_civil(2027, 3, 26);
	c->mode = mode;
	c->count = count;
	c->duration = 60;
	c->granularity = 60;
	c->min_gap = gap;
	in->iwin[0] = (cv_window){.days = 1, .start = 9 * 60, .end = 12 * 60};
	c->windows = in->iwin;
	c->nwindows = 1;
	in->sd[0].zone = zone("Europe/London");
	in->sd[0].win[0] = (cv_window){.days = 1, .start = 14 * 60, .end = 17 * 60};
	in->sd[0].nwin = 1;
	in->sd[0].weight = 1;
	cv_student st = {0};
	st.id = "s01";
	st.zone = in->sd[0].zone;
	st.weight = 1;
	assert_int_equal(cv_avail_new(&st.avail, in->sd[0].zone), 0);
	assert_int_equal(cv_avail_add_windows(st.avail, in->sd[0].win, 1, 0), 0);
	assert_int_equal(cv_roster_new(&in->roster, "small.csv"), 0);
	assert_int_equal(cv_roster_add(in->roster, &st), 0);
}

/*
 * Mon 09:00-12:00 holds three 60-minute candidates.  With min-gap 1h only
 * 09:00 and 11:00 fit together: series of 3 cannot be scheduled, sections
 * of 3 get the 2 that fit.
 */
static void test_series_that_cannot_fit_is_enoslot(void **state)
{
	instance in;
	cv_grid *g = NULL;
	cv_solution sol;
	(void)state;
	small_instance(&in, CV_MODE_SERIES, 3, 60);
	assert_int_equal(cv_grid_build(&g, &in.course, in.roster), 0);
	size_t n = cv_grid_candidates(g);
	int rc = cv_solve(&sol, g, NULL);
	cv_grid_free(g);
	instance_free(&in);
	assert_int_equal(n, 3);
	assert_int_equal(rc, CV_ENOSLOT);
}

static void test_sections_that_cannot_all_fit_take_the_most_that_do(void **state)
{
	instance in;
	cv_grid *g = NULL;
	cv_solution sol;
	(void)state;
	small_instance(&in, CV_MODE_SECTIONS, 3, 60);
	assert_int_equal(cv_grid_build(&g, &in.course, in.roster), 0);
	assert_int_equal(cv_solve(&sol, g, NULL), 0);
	assert_int_equal(sol.count, 2);
	assert_int_equal(cv_grid_slot(g, sol.slots[0]).start, 9 * 60);
	assert_int_equal(cv_grid_slot(g, sol.slots[1]).start, 11 * 60);
	cv_grid_free(g);
	instance_free(&in);
}

/*
 * The London student (14:00-17:00) sees New York 09:00-12:00 as 14:00-17:00
 * until the US changes clocks on 2027-03-14, then as 13:00-16:00 until
 * London changes on 2027-03-28.  Of the four Mondays, 10:00 and 11:00 New
 * York are attended every week, 09:00 only in the first two; the tie goes
 * to the earlier slot.
 */
static void test_clock_change_weeks_decide_the_single_section(void **state)
{
	instance in;
	cv_grid *g = NULL;
	cv_solution sol;
	(void)state;
	small_instance(&in, CV_MODE_SECTIONS, 1, 0);
	assert_int_equal(cv_grid_build(&g, &in.course, in.roster), 0);
	assert_int_equal(cv_solve(&sol, g, NULL), 0);
	assert_int_equal(sol.count, 1);
	assert_int_equal(cv_grid_slot(g, sol.slots[0]).start, 10 * 60);
	assert_int_equal(sol.score.attendance, 4);
	assert_int_equal(sol.score.reach, 1);
	size_t nine = test_candidate(g, (cv_slot){0, 9 * 60});
	assert_int_equal(cv_grid_attend(g, cv_grid_student_group(g, 0), nine), 2);
	cv_grid_free(g);
	instance_free(&in);
}

/*
 * tests/data/small_course.ini, worked by hand.  Five Mondays (03-22 is a
 * holiday).  New York is UTC-5 until 03-14, then UTC-4; London is UTC+0
 * until 03-28, then UTC+1; Tokyo +9, Kolkata +5:30 all term.
 *   09:00 NY: London 14:00 / 13:00 / 14:00 -> 4 (not 03-15); Tokyo 23:00
 *             or 22:00 -> 0; Kolkata 19:30 or 18:30 -> 0.          total 4
 *   10:00 NY: London 5; Tokyo 00:00 on 03-01, 03-08, then 23:00 -> 2;
 *             Kolkata 20:30 then 19:30 -> 2, weight 2 -> 4.         total 11
 *   11:00 NY: London 5; Tokyo 01:00 then 00:00 -> 5; Kolkata 21:30 then
 *             20:30 -> 5 minus the away date 03-29 -> 4, weight 2 -> 8. total 18
 * At 11:00 London's preferred 15:30-17:00 holds 16:00 on 03-01, 03-08,
 * 03-29, 04-05 but not 15:00 on 03-15: preferred 4.
 */
static void test_loaded_fixture_gives_the_hand_worked_optimum(void **state)
{
	cv_errors *errs = NULL;
	cv_course *course = NULL;
	cv_roster *roster = NULL;
	cv_grid *g = NULL;
	cv_solution sol;
	(void)state;
	assert_int_equal(cv_errors_new(&errs), 0);
	if (cv_course_load(&course, TEST_DATA "small_course.ini", errs) != 0 ||
	    cv_roster_load(&roster, course->roster_path, errs) != 0) {
		cv_errors_print(errs, stderr);
		fail();
	}
	assert_int_equal(cv_grid_build(&g, course, roster), 0);
	assert_int_equal(cv_grid_candidates(g), 3);
	assert_int_equal(cv_solve(&sol, g, NULL), 0);
	assert_int_equal(sol.count, 1);
	assert_int_equal(cv_grid_slot(g, sol.slots[0]).weekday, 0);
	assert_int_equal(cv_grid_slot(g, sol.slots[0]).start, 11 * 60);
	assert_int_equal(sol.score.attendance, 18);
	assert_int_equal(sol.score.reach, 4);
	assert_int_equal(sol.score.preferred, 4);
	assert_true(sol.optimal);
	size_t ten = test_candidate(g, (cv_slot){0, 10 * 60});
	size_t nine = test_candidate(g, (cv_slot){0, 9 * 60});
	size_t tens[] = {ten}, nines[] = {nine};
	cv_score sc;
	cv_evaluate(&sc, g, tens, 1);
	assert_int_equal(sc.attendance, 11);
	cv_evaluate(&sc, g, nines, 1);
	assert_int_equal(sc.attendance, 4);
	assert_int_equal(sc.reach, 1);
	cv_grid_free(g);
	cv_roster_free(roster);
	cv_course_free(course);
	cv_errors_free(errs);
}

/*
 * The real input path: random instances written as a course file and a
 * roster, loaded with cv_course_load()/cv_roster_load(), give the answer
 * the oracle computes from the instance as generated.
 */
static void test_random_instances_through_the_file_loaders(void **state)
{
	rng r = {777};
	char dir[] = "/tmp/convene-brute-XXXXXX", cpath[64], rpath[64];
	unsigned loaded = 0;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cpath, sizeof(cpath), "%s/course.ini", dir);
	snprintf(rpath, sizeof(rpath), "%s/roster.csv", dir);
	failures = 0;
	for (unsigned i = 0; i < 40; i++) {
		instance in;
		tally t;
		cv_errors *errs = NULL;
		cv_course *course = NULL;
		cv_roster *roster = NULL;
		cv_grid *g = NULL;
		FILE *f;

		memset(&t, 0, sizeof(t));
		generate(&in, &r, 1000 + i);
		f = fopen(cpath, "w");
		assert_non_null(f);
		put_course(f, &in, "roster.csv");
		assert_int_equal(fclose(f), 0);
		f = fopen(rpath, "w");
		assert_non_null(f);
		put_roster(f, &in);
		assert_int_equal(fclose(f), 0);

		assert_int_equal(cv_errors_new(&errs), 0);
		if (cv_course_load(&course, cpath, errs) != 0 ||
		    cv_roster_load(&roster, course->roster_path, errs) != 0) {
			cv_errors_print(errs, stderr);
			report(&in, "the loaders refused the instance");
		} else {
			build_oracle(&the_oracle, &in);
			assert_int_equal(cv_grid_build(&g, course, roster), 0);
			check_grid(&in, &the_oracle, g);
			check_solve(&in, &the_oracle, g, &t);
			loaded++;
		}
		cv_grid_free(g);
		cv_roster_free(roster);
		cv_course_free(course);
		cv_errors_free(errs);
		instance_free(&in);
	}
	unlink(cpath);
	unlink(rpath);
	rmdir(dir);
	assert_int_equal(failures, 0);
	assert_int_equal(loaded, 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_solver_matches_brute_force_on_random_instances),
		cmocka_unit_test(test_solver_matches_brute_force_on_another_seed),
		cmocka_unit_test(test_series_that_cannot_fit_is_enoslot),
		cmocka_unit_test(test_sections_that_cannot_all_fit_take_the_most_that_do),
		cmocka_unit_test(test_clock_change_weeks_decide_the_single_section),
		cmocka_unit_test(test_loaded_fixture_gives_the_hand_worked_optimum),
		cmocka_unit_test(test_random_instances_through_the_file_loaders),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
