/*
 * lp.c - the model as a CPLEX-LP integer program (see convene/lp.h).
 *
 * Written for solvers to check convene, so it states the objective of
 * DESIGN.md directly rather than anything convene's search relies on:
 * a free assignment of each group to one chosen section, which a maximiser
 * makes exactly as convene's rule does (the largest attendance, then the
 * most preferred occurrences), and for series a linear sum with a reach
 * indicator.  Everything is streamed with fprintf; only per-group bounds
 * are kept in memory.
 */
#include <stdlib.h>
#include <string.h>

#include "convene.h"
#include "lp_int.h"
#include "solve_ext_int.h"

/* a * b and a + b, or 0 (with *ok cleared) when they do not fit in 64 bits. */
static uint64_t mul(uint64_t a, uint64_t b, int *ok)
{
	if (a && b > UINT64_MAX / a) {
		*ok = 0;
		return 0;
	}
	return a * b;
}

static uint64_t add(uint64_t a, uint64_t b, int *ok)
{
	if (b > UINT64_MAX - a) {
		*ok = 0;
		return 0;
	}
	return a + b;
}

static int usable(const cv_solve_options *o, size_t c)
{
	return !o || !o->excluded || !o->excluded[c];
}

/* Insert v into the descending top[0..*have) of at most r values. */
static void top_insert(unsigned *top, size_t *have, size_t r, unsigned v)
{
	size_t i;

	if (*have < r)
		i = (*have)++;
	else if (r && v > top[r - 1])
		i = r - 1;
	else
		return;
	while (i > 0 && v > top[i - 1]) {
		top[i] = top[i - 1];
		i--;
	}
	top[i] = v;
}

int cv_lp_scale_compute(cv_lp_scale *out, const cv_grid *g, const cv_solve_options *o)
{
	const cv_course *course = cv_grid_course(g);
	size_t n = cv_grid_candidates(g), ng = cv_grid_groups(g), k, c, i;
	/* a plan has at most `count` slots; a series group collects all of them,
	 * in rotation at most all of them (each phase's count is at most the total) */
	size_t r = course->mode != CV_MODE_SECTIONS ? course->count : 1;
	uint64_t att = 0, reach = 0, pref = 0, v;
	cv_lp_scale s;
	int ok = 1;

	for (k = 0; k < ng; k++) {
		unsigned ta[CV_COUNT_MAX], tp[CV_COUNT_MAX];
		size_t na = 0, np = 0;
		uint64_t w = cv_grid_group_weight(g, k), sa = 0, sp = 0;
		for (c = 0; c < n; c++) {
			if (!usable(o, c))
				continue;
			top_insert(ta, &na, r, cv_grid_attend(g, k, c));
			top_insert(tp, &np, r, cv_grid_preferred(g, k, c));
		}
		for (i = 0; i < na; i++)
			sa += ta[i];
		for (i = 0; i < np; i++)
			sp += tp[i];
		att = add(att, mul(w, sa, &ok), &ok);
		pref = add(pref, mul(w, sp, &ok), &ok);
		if (sa)
			reach = add(reach, w, &ok);
	}
	memset(&s, 0, sizeof(s));
	s.objective = course->objective;
	s.max_first = course->objective == CV_OBJECTIVE_REACH ? reach : att;
	s.max_second = course->objective == CV_OBJECTIVE_REACH ? att : reach;
	s.max_preferred = pref;
	s.second = add(pref, 1, &ok);
	s.first = mul(add(s.max_second, 1, &ok), s.second, &ok);
	v = mul(add(s.max_first, 1, &ok), s.first, &ok);
	if (!ok || v == 0)
		return CV_EDATA;
	s.max_value = v - 1;
	*out = s;
	return CV_OK;
}

uint64_t cv_lp_value(const cv_lp_scale *s, const cv_score *score)
{
	int reach_first = s->objective == CV_OBJECTIVE_REACH;
	uint64_t f = (uint64_t)(reach_first ? score->reach : score->attendance);
	uint64_t t = (uint64_t)(reach_first ? score->attendance : score->reach);

	return s->first * f + s->second * t + (uint64_t)score->preferred;
}

static void name_x(char *buf, size_t c)
{
	snprintf(buf, NAME_LEN, "x%zu", c);
}

static void name_y(char *buf, size_t k, size_t c)
{
	snprintf(buf, NAME_LEN, "y%zu_%zu", k, c);
}

static void name_z(char *buf, size_t k)
{
	snprintf(buf, NAME_LEN, "z%zu", k);
}

static void header(FILE *f, const cv_grid *g, const cv_lp_scale *s)
{
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	const cv_course *course = cv_grid_course(g);
	int reach_first = s->objective == CV_OBJECTIVE_REACH;
	size_t c;

	static const char *const modes[] = {"sections", "series", "rotation"};
	fprintf(f, "\\ convene %s: course %s, %s mode, count %u, objective %s\n", CONVENE_VERSION,
		course->id, modes[course->mode], course->count, reach_first ? "reach" : "attendance");
	if (course->capacity)
		fprintf(f, "\\ capacity %u students live in a section\n", course->capacity);
	if (course->min_share)
		fprintf(f, "\\ min-share %u%%: reached when attending at least that share\n",
			course->min_share);
	fprintf(f, "\\ %zu candidates, %zu groups of students, %zu weeks\n",
		cv_grid_candidates(g), cv_grid_groups(g), cv_grid_weeks(g));
	fprintf(f, "\\ value = %llu * %s + %llu * %s + 1 * preferred\n",
		(unsigned long long)s->first, reach_first ? "reach" : "attendance",
		(unsigned long long)s->second, reach_first ? "attendance" : "reach");
	fprintf(f, "\\ exact: %s <= %llu, %s <= %llu, preferred <= %llu, value <= %llu\n",
		reach_first ? "reach" : "attendance", (unsigned long long)s->max_first,
		reach_first ? "attendance" : "reach", (unsigned long long)s->max_second,
		(unsigned long long)s->max_preferred, (unsigned long long)s->max_value);
	if (s->max_value > CV_LP_DOUBLE_EXACT)
		fprintf(f, "\\ warning: values above 2^53 = %llu are not exact in solvers that "
			   "compute in doubles (CBC, HiGHS)\n", (unsigned long long)CV_LP_DOUBLE_EXACT);
	for (c = 0; c < cv_grid_candidates(g); c++) {
		cv_slot slot = cv_grid_slot(g, c);
		fprintf(f, "\\ x%zu = %s %02u:%02u\n", c, days[slot.weekday % CV_WEEK_DAYS],
			(unsigned)slot.start / CV_HOUR_MINUTES,
			(unsigned)slot.start % CV_HOUR_MINUTES);
	}
}

/* The objective: sections weight each assignment, series each slot and each reached group. */
static void objective(FILE *f, const cv_grid *g, const cv_solve_options *o, const cv_lp_scale *s)
{
	int series = cv_grid_course(g)->mode == CV_MODE_SERIES;
	int reach_first = s->objective == CV_OBJECTIVE_REACH;
	uint64_t ca = reach_first ? s->second : s->first, cr = reach_first ? s->first : s->second;
	size_t n = cv_grid_candidates(g), ng = cv_grid_groups(g), k, c;
	char var[NAME_LEN];
	row w;

	/* No coefficient overflows: each is at most ca * Amax + cr * Rmax + Pmax,
	 * which is at most s->max_value (cv_lp_scale_compute() checked it). */
	fputs("Maximize\n", f);
	row_start(&w, f, "obj", 0, 0, 0);
	if (series) {
		for (c = 0; c < n; c++) {
			uint64_t coef = 0;
			if (!usable(o, c))
				continue;
			for (k = 0; k < ng; k++)
				coef += cv_grid_group_weight(g, k) *
					(ca * cv_grid_attend(g, k, c) + cv_grid_preferred(g, k, c));
			if (coef) {
				name_x(var, c);
				row_term(&w, 0, coef, var);
			}
		}
	}
	for (k = 0; k < ng; k++) {
		uint64_t wk = cv_grid_group_weight(g, k);
		int any = 0;
		for (c = 0; c < n; c++) {
			unsigned a = cv_grid_attend(g, k, c);
			if (!a || !usable(o, c))
				continue;
			any = 1;
			if (series)
				break;
			name_y(var, k, c);
			row_term(&w, 0, wk * (ca * a + cr + cv_grid_preferred(g, k, c)), var);
		}
		if (series && any) {
			name_z(var, k);
			row_term(&w, 0, wk * cr, var);
		}
	}
	if (!w.terms) { /* nobody can attend anything: every plan is worth 0 */
		name_x(var, 0);
		row_term(&w, 0, 0, var);
	}
	fputc('\n', f);
}

static void constraints(FILE *f, const cv_grid *g, const cv_solve_options *o)
{
	const cv_course *course = cv_grid_course(g);
	int series = course->mode == CV_MODE_SERIES;
	size_t n = cv_grid_candidates(g), ng = cv_grid_groups(g), k, c, d, i;
	char var[NAME_LEN];
	row w;

	fputs("Subject To\n", f);
	row_start(&w, f, "k", 0, 0, 0);
	for (c = 0; c < n; c++) {
		name_x(var, c);
		row_term(&w, 0, 1, var);
	}
	row_end(&w, series ? "=" : "<=", course->count);

	for (i = 0; o && i < o->npins; i++) {
		row_start(&w, f, "pin", o->pins[i], 0, 1);
		name_x(var, o->pins[i]);
		row_term(&w, 0, 1, var);
		row_end(&w, "=", 1);
	}
	for (c = 0; c < n; c++) {
		if (usable(o, c))
			continue;
		row_start(&w, f, "out", c, 0, 1);
		name_x(var, c);
		row_term(&w, 0, 1, var);
		row_end(&w, "=", 0);
	}
	/* an excluded candidate is 0 already: its conflicts need no row */
	for (c = 0; c < n; c++)
		for (d = c + 1; usable(o, c) && d < n; d++) {
			if (!usable(o, d) || cv_grid_compatible(g, c, d))
				continue;
			row_start(&w, f, "c", c, d, 2);
			name_x(var, c);
			row_term(&w, 0, 1, var);
			name_x(var, d);
			row_term(&w, 0, 1, var);
			row_end(&w, "<=", 1);
		}

	for (k = 0; k < ng; k++) {
		size_t m = 0;
		for (c = 0; c < n; c++)
			m += cv_grid_attend(g, k, c) && usable(o, c);
		if (!m)
			continue;
		if (series) {
			/* z <= the number of chosen slots the group can attend */
			row_start(&w, f, "r", k, 0, 1);
			name_z(var, k);
			row_term(&w, 0, 1, var);
			for (c = 0; c < n; c++)
				if (cv_grid_attend(g, k, c) && usable(o, c)) {
					name_x(var, c);
					row_term(&w, 1, 1, var);
				}
			row_end(&w, "<=", 0);
			continue;
		}
		if (m > 1) { /* one y alone is bounded by its l row */
			row_start(&w, f, "g", k, 0, 1);
			for (c = 0; c < n; c++)
				if (cv_grid_attend(g, k, c) && usable(o, c)) {
					name_y(var, k, c);
					row_term(&w, 0, 1, var);
				}
			row_end(&w, "<=", 1);
		}
		for (c = 0; c < n; c++) {
			if (!cv_grid_attend(g, k, c) || !usable(o, c))
				continue;
			row_start(&w, f, "l", k, c, 2);
			name_y(var, k, c);
			row_term(&w, 0, 1, var);
			name_x(var, c);
			row_term(&w, 1, 1, var);
			row_end(&w, "<=", 0);
		}
	}
}

/* Series: z in [0, 1] (sections' y are bounded by x through the l rows). */
static void bounds(FILE *f, const cv_grid *g, const cv_solve_options *o)
{
	size_t n = cv_grid_candidates(g), ng = cv_grid_groups(g), k, c;

	if (cv_grid_course(g)->mode != CV_MODE_SERIES)
		return;
	fputs("Bounds\n", f);
	for (k = 0; k < ng; k++)
		for (c = 0; c < n; c++)
			if (cv_grid_attend(g, k, c) && usable(o, c)) {
				fprintf(f, " 0 <= z%zu <= 1\n", k);
				break;
			}
}

static void binaries(FILE *f, const cv_grid *g)
{
	size_t n = cv_grid_candidates(g), c;
	row w;

	fputs("Binaries\n", f);
	w.f = f;
	w.col = 0;
	w.terms = 0;
	for (c = 0; c < n; c++) {
		char var[NAME_LEN];
		name_x(var, c);
		if (w.col > LINE_BREAK) {
			fputc('\n', f);
			w.col = 0;
		}
		w.col += (size_t)fprintf(f, " %s", var);
	}
	fputs("\nEnd\n", f);
}

int cv_lp_write(FILE *f, const cv_grid *g, const cv_solve_options *o)
{
	size_t n = cv_grid_candidates(g), i;
	cv_lp_scale s;
	int rc;

	if (n == 0)
		return CV_ENOSLOT;
	if (o && o->npins > CV_COUNT_MAX)
		return CV_ENOSLOT;
	for (i = 0; o && i < o->npins; i++) {
		size_t j;
		if (o->pins[i] >= n)
			return CV_ENOSLOT;
		for (j = 0; j < i; j++)
			if (o->pins[j] == o->pins[i])
				return CV_ENOSLOT; /* a row name may not repeat */
	}
	rc = cv_lp_scale_compute(&s, g, o);
	if (rc)
		return rc;
	header(f, g, &s);
	if (Cv_ext_applies(g)) {
		if ((rc = Cv_lp_write_ext(f, g, o, &s)))
			return rc;
	} else {
		objective(f, g, o, &s);
		constraints(f, g, o);
		bounds(f, g, o);
		binaries(f, g);
	}
	if (fflush(f) || ferror(f))
		return CV_EIO;
	return CV_OK;
}
