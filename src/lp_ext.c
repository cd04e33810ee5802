/*
 * lp_ext.c - the model of the course patterns as a CPLEX-LP program (see
 * convene/lp.h): sections with capacity or min-share, series with
 * min-share or sessions of several lengths, and rotation.  Like lp.c it
 * states DESIGN.md "Objective" directly, for a MIP solver to check convene:
 *
 *   - sections: y<g>_<c> in [0, 1], group g in section c (as lp.c), worth
 *     its attendance, 1 for reach only when that reaches the min-share;
 *     with capacity u<s>_<c> in [0, students of s], how many students of
 *     class s (one group, one weight) are live in c, and per section
 *     cap<c>: sum u - capacity x<c> <= 0;
 *   - series and rotation: x<c> the slots as in lp.c; rotation adds binary
 *     r<j>_<c>, slot c in phase j, with one slot per phase and
 *     x<c> = sum over the phases; several lengths add a k row per length;
 *     z<g> reach; with min-share z<g> is binary and
 *     m<g>: sum (100 a - share occurrences) x - M z >= -M
 *     lets it be 1 only when the group attends that share.
 */
#include <stdlib.h>
#include <string.h>

#include "convene.h"
#include "lp_int.h"
#include "solve_ext_int.h"

static int usable(const cv_solve_options *o, size_t c)
{
	return !o || !o->excluded || !o->excluded[c];
}

/* ---- the slots: count, pins, exclusions, min-gap ---- */

static void put_x(row *w, int minus, uint64_t coef, size_t c)
{
	char var[NAME_LEN];
	snprintf(var, NAME_LEN, "x%zu", c);
	row_term(w, minus, coef, var);
}

/* Rows on the x: how many (per length with several lengths), pins (by
 * start with several lengths: a pin names a start), exclusions, min-gap. */
static void slot_rows(FILE *f, const cv_grid *g, const cv_solve_options *o)
{
	const cv_course *course = cv_grid_course(g);
	size_t n = cv_grid_candidates(g), c, d, i, j;
	row w;

	fputs("Subject To\n", f);
	if (course->mode == CV_MODE_SERIES && course->ndurations) {
		unsigned done[CV_COUNT_MAX];
		size_t ndone = 0;
		for (j = 0; j < course->ndurations; j++) {
			unsigned len = course->durations[j], many = 0;
			for (i = 0; i < ndone && done[i] != len; i++)
				;
			if (i < ndone)
				continue;
			done[ndone++] = len;
			for (i = 0; i < course->ndurations; i++)
				many += course->durations[i] == len;
			row_start(&w, f, "k", len, 0, 1);
			for (c = 0; c < n; c++)
				if (cv_grid_duration(g, c) == len)
					put_x(&w, 0, 1, c);
			row_end(&w, "=", many);
		}
	} else {
		row_start(&w, f, "k", 0, 0, 0);
		for (c = 0; c < n; c++)
			put_x(&w, 0, 1, c);
		row_end(&w, course->mode == CV_MODE_SECTIONS ? "<=" : "=", course->count);
	}
	for (i = 0; o && i < o->npins; i++) {
		unsigned start = cv_grid_week_minute(g, o->pins[i]);
		row_start(&w, f, "pin", o->pins[i], 0, 1);
		for (c = 0; c < n; c++)
			if (c == o->pins[i] || (course->ndurations && cv_grid_week_minute(g, c) == start))
				put_x(&w, 0, 1, c);
		row_end(&w, "=", 1);
	}
	for (c = 0; c < n; c++) {
		if (usable(o, c))
			continue;
		row_start(&w, f, "out", c, 0, 1);
		put_x(&w, 0, 1, c);
		row_end(&w, "=", 0);
	}
	for (c = 0; c < n; c++)
		for (d = c + 1; usable(o, c) && d < n; d++) {
			if (!usable(o, d) || cv_grid_compatible(g, c, d))
				continue;
			row_start(&w, f, "c", c, d, 2);
			put_x(&w, 0, 1, c);
			put_x(&w, 0, 1, d);
			row_end(&w, "<=", 1);
		}
}

/* A list of variables, wrapped: the Binaries and Generals sections. */
static void var_list_add(row *w, const char *var)
{
	if (w->col > LINE_BREAK) {
		fputc('\n', w->f);
		w->col = 0;
	}
	w->col += (size_t)fprintf(w->f, " %s", var);
}

/* ---- sections ---- */

/* Classes as solve_capacity.c makes them: without capacity one per group
 * with its whole weight and one "student"; with capacity one per group and
 * member weight. */
typedef struct lclass {
	size_t group;
	uint64_t weight, heads;
} lclass;

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int sections_classes(lclass **out, size_t *nout, const cv_grid *g)
{
	const cv_course *course = cv_grid_course(g);
	const cv_roster *r = cv_grid_roster(g);
	size_t ng = cv_grid_groups(g), k, i, n = 0, nm;
	lclass *cl = malloc(sizeof(*cl) * (r->count + ng + 1));
	uint64_t *w = malloc(sizeof(*w) * (r->count + 1));

	if (!cl || !w) {
		free(cl);
		free(w);
		return CV_ENOMEM;
	}
	for (k = 0; k < ng; k++) {
		const size_t *mem = cv_grid_group_members(g, k, &nm);
		if (!course->capacity) {
			cl[n++] = (lclass){k, cv_grid_group_weight(g, k), 1};
			continue;
		}
		for (i = 0; i < nm; i++)
			w[i] = r->students[mem[i]].weight;
		qsort(w, nm, sizeof(*w), u64_cmp);
		for (i = 0; i < nm; i++) {
			if (i && w[i] == w[i - 1])
				cl[n - 1].heads++;
			else
				cl[n++] = (lclass){k, w[i], 1};
		}
	}
	free(w);
	*out = cl;
	*nout = n;
	return CV_OK;
}

/* The value of one student of class s in section c (0 when they cannot attend). */
static uint64_t entry_coef(const cv_grid *g, const cv_lp_scale *sc, const lclass *s, size_t c)
{
	const cv_course *course = cv_grid_course(g);
	uint64_t ca = sc->objective == CV_OBJECTIVE_REACH ? sc->second : sc->first;
	uint64_t cr = sc->objective == CV_OBJECTIVE_REACH ? sc->first : sc->second;
	unsigned a = cv_grid_attend(g, s->group, c);
	unsigned reach = a >= Cv_reach_threshold(course->min_share, cv_grid_occurrence_count(g, c));
	if (!a)
		return 0;
	return s->weight * (ca * a + cr * reach + cv_grid_preferred(g, s->group, c));
}

static void name_sv(char *var, const cv_grid *g, size_t s, size_t c)
{
	snprintf(var, NAME_LEN, "%s%zu_%zu", cv_grid_course(g)->capacity ? "u" : "y", s, c);
}

static int write_sections(FILE *f, const cv_grid *g, const cv_solve_options *o,
			  const cv_lp_scale *sc)
{
	const cv_course *course = cv_grid_course(g);
	size_t n = cv_grid_candidates(g), ncl, s, c;
	lclass *cl;
	char var[NAME_LEN];
	row w;
	int rc, any = 0;

	if ((rc = sections_classes(&cl, &ncl, g)))
		return rc;
	fputs("Maximize\n", f);
	row_start(&w, f, "obj", 0, 0, 0);
	for (s = 0; s < ncl; s++)
		for (c = 0; c < n; c++) {
			uint64_t coef = usable(o, c) ? entry_coef(g, sc, &cl[s], c) : 0;
			if (!coef)
				continue;
			name_sv(var, g, s, c);
			row_term(&w, 0, coef, var);
			any = 1;
		}
	if (!any)
		put_x(&w, 0, 0, 0); /* nobody can attend anything: every plan is worth 0 */
	fputc('\n', f);
	slot_rows(f, g, o);
	for (s = 0; s < ncl; s++) {
		size_t m = 0;
		for (c = 0; c < n; c++)
			m += usable(o, c) && cv_grid_attend(g, cl[s].group, c) > 0;
		if (m > 1) { /* one section per student (a group's, or a class's heads) */
			row_start(&w, f, "g", s, 0, 1);
			for (c = 0; c < n; c++)
				if (usable(o, c) && cv_grid_attend(g, cl[s].group, c)) {
					name_sv(var, g, s, c);
					row_term(&w, 0, 1, var);
				}
			row_end(&w, "<=", cl[s].heads);
		}
		for (c = 0; !course->capacity && c < n; c++) {
			if (!usable(o, c) || !cv_grid_attend(g, cl[s].group, c))
				continue;
			row_start(&w, f, "l", s, c, 2);
			name_sv(var, g, s, c);
			row_term(&w, 0, 1, var);
			put_x(&w, 1, 1, c);
			row_end(&w, "<=", 0);
		}
	}
	for (c = 0; course->capacity && c < n; c++) {
		int terms = 0;
		if (!usable(o, c))
			continue;
		for (s = 0; s < ncl; s++) {
			if (!cv_grid_attend(g, cl[s].group, c))
				continue;
			if (!terms++)
				row_start(&w, f, "cap", c, 0, 1);
			name_sv(var, g, s, c);
			row_term(&w, 0, 1, var);
		}
		if (!terms)
			continue;
		put_x(&w, 1, course->capacity, c);
		row_end(&w, "<=", 0);
	}
	fputs("Bounds\n", f);
	for (s = 0; s < ncl; s++)
		for (c = 0; c < n; c++)
			if (usable(o, c) && cv_grid_attend(g, cl[s].group, c)) {
				name_sv(var, g, s, c);
				fprintf(f, " 0 <= %s <= %llu\n", var, (unsigned long long)cl[s].heads);
			}
	fputs("Binaries\n", f);
	w.f = f;
	w.col = 0;
	for (c = 0; c < n; c++) {
		snprintf(var, NAME_LEN, "x%zu", c);
		var_list_add(&w, var);
	}
	fputs("\nEnd\n", f);
	free(cl);
	return CV_OK;
}

/* ---- series and rotation ---- */

/* Sessions' tables: the phase's weeks in rotation, the whole term else. */
static size_t tables(const cv_grid *g)
{
	return cv_grid_course(g)->mode == CV_MODE_ROTATION ? cv_grid_phases(g) : 1;
}

/* Occurrences of candidate c in the weeks of table t. */
static unsigned table_occurrences(const cv_grid *g, size_t t, size_t c)
{
	size_t w;
	unsigned n = 0, phase;
	int64_t at;

	if (tables(g) == 1)
		return cv_grid_occurrence_count(g, c);
	for (w = 0; w < cv_grid_weeks(g); w++)
		n += !cv_grid_week_phase(&phase, g, w) && phase == t && !cv_grid_occurrence(&at, g, c, w);
	return n;
}

/* The variable of candidate c in table t: x<c>, or in rotation r<t>_<c>. */
static void name_tv(char *var, const cv_grid *g, size_t t, size_t c)
{
	if (tables(g) == 1)
		snprintf(var, NAME_LEN, "x%zu", c);
	else
		snprintf(var, NAME_LEN, "r%zu_%zu", t, c);
}

static int write_sum(FILE *f, const cv_grid *g, const cv_solve_options *o, const cv_lp_scale *sc)
{
	const cv_course *course = cv_grid_course(g);
	size_t n = cv_grid_candidates(g), ng = cv_grid_groups(g), nt = tables(g), k, c, t;
	uint64_t ca = sc->objective == CV_OBJECTIVE_REACH ? sc->second : sc->first;
	uint64_t cr = sc->objective == CV_OBJECTIVE_REACH ? sc->first : sc->second;
	unsigned most = 0, share = course->min_share;
	uint64_t big;
	char var[NAME_LEN];
	row w;

	for (t = 0; t < nt; t++)
		for (c = 0; c < n; c++)
			if (table_occurrences(g, t, c) > most)
				most = table_occurrences(g, t, c);
	big = (uint64_t)share * most * course->count; /* M: share * the most occurrences */

	fputs("Maximize\n", f);
	row_start(&w, f, "obj", 0, 0, 0);
	for (t = 0; t < nt; t++)
		for (c = 0; c < n; c++) {
			uint64_t coef = 0;
			if (!usable(o, c))
				continue;
			for (k = 0; k < ng; k++) {
				const uint8_t *a = cv_grid_attend_phase_row(g, k, t);
				const uint8_t *p = cv_grid_preferred_phase_row(g, k, t);
				coef += cv_grid_group_weight(g, k) * (ca * a[c] + p[c]);
			}
			if (coef) {
				name_tv(var, g, t, c);
				row_term(&w, 0, coef, var);
			}
		}
	for (k = 0; k < ng; k++)
		for (c = 0; c < n; c++)
			if (usable(o, c) && cv_grid_attend(g, k, c)) {
				snprintf(var, NAME_LEN, "z%zu", k);
				row_term(&w, 0, cv_grid_group_weight(g, k) * cr, var);
				break;
			}
	if (!w.terms)
		put_x(&w, 0, 0, 0);
	fputc('\n', f);
	slot_rows(f, g, o);
	/* rotation: one slot per phase, x = the phases it serves (at most one) */
	for (t = 0; nt > 1 && t < nt; t++) {
		row_start(&w, f, "phase", t, 0, 1);
		for (c = 0; c < n; c++) {
			name_tv(var, g, t, c);
			row_term(&w, 0, 1, var);
		}
		row_end(&w, "=", 1);
	}
	for (c = 0; nt > 1 && c < n; c++) {
		row_start(&w, f, "turn", c, 0, 1);
		for (t = 0; t < nt; t++) {
			name_tv(var, g, t, c);
			row_term(&w, 0, 1, var);
		}
		put_x(&w, 1, 1, c);
		row_end(&w, "=", 0);
	}
	for (k = 0; k < ng; k++) {
		int any = 0;
		for (c = 0; c < n && !any; c++)
			any = usable(o, c) && cv_grid_attend(g, k, c);
		if (!any)
			continue;
		/* reached only by attending: z <= the slots it can attend */
		row_start(&w, f, "r", k, 0, 1);
		snprintf(var, NAME_LEN, "z%zu", k);
		row_term(&w, 0, 1, var);
		for (t = 0; t < nt; t++)
			for (c = 0; c < n; c++)
				if (usable(o, c) && cv_grid_attend_phase_row(g, k, t)[c]) {
					name_tv(var, g, t, c);
					row_term(&w, 1, 1, var);
				}
		row_end(&w, "<=", 0);
		if (!share)
			continue;
		/* min-share: 100 * attended - share * expected >= -M (1 - z) */
		row_start(&w, f, "m", k, 0, 1);
		for (t = 0; t < nt; t++)
			for (c = 0; c < n; c++) {
				int64_t coef = 100 * (int64_t)cv_grid_attend_phase_row(g, k, t)[c] -
					       (int64_t)share * table_occurrences(g, t, c);
				if (!usable(o, c) || !coef)
					continue;
				name_tv(var, g, t, c);
				row_term(&w, coef < 0, (uint64_t)(coef < 0 ? -coef : coef), var);
			}
		snprintf(var, NAME_LEN, "z%zu", k);
		row_term(&w, 1, big, var);
		row_end_neg(&w, ">=", big);
	}
	fputs("Bounds\n", f);
	for (k = 0; k < ng; k++)
		for (c = 0; c < n; c++)
			if (usable(o, c) && cv_grid_attend(g, k, c)) {
				fprintf(f, " 0 <= z%zu <= 1\n", k);
				break;
			}
	fputs("Binaries\n", f);
	w.f = f;
	w.col = 0;
	for (c = 0; c < n; c++) {
		snprintf(var, NAME_LEN, "x%zu", c);
		var_list_add(&w, var);
	}
	for (t = 0; nt > 1 && t < nt; t++)
		for (c = 0; c < n; c++) {
			name_tv(var, g, t, c);
			var_list_add(&w, var);
		}
	/* with min-share a fraction of z would count a fraction of a reach */
	for (k = 0; share && k < ng; k++)
		for (c = 0; c < n; c++)
			if (usable(o, c) && cv_grid_attend(g, k, c)) {
				snprintf(var, NAME_LEN, "z%zu", k);
				var_list_add(&w, var);
				break;
			}
	fputs("\nEnd\n", f);
	return CV_OK;
}

int Cv_lp_write_ext(FILE *f, const cv_grid *g, const cv_solve_options *o, const cv_lp_scale *sc)
{
	int rc = cv_grid_course(g)->mode == CV_MODE_SECTIONS ? write_sections(f, g, o, sc)
							      : write_sum(f, g, o, sc);
	if (rc)
		return rc;
	return fflush(f) || ferror(f) ? CV_EIO : CV_OK;
}
