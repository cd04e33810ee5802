/*
 * test_lp.c - the CPLEX-LP export (src/lp.c).
 *
 * The written program is read back by a small LP reader in this file and
 * solved by enumerating every 0/1 assignment of its variables, with no
 * knowledge of what the variables mean; its optimum must equal the value
 * (under the file's own scale) of what cv_solve() proves optimal, and an
 * instance cv_solve() refuses must be infeasible.  Enumerating 0/1 is
 * enough for the continuous y and z too: once x is 0/1 their polytope has
 * integral vertices, so some optimum is 0/1 (and the reader checks the
 * bounds it is given).  tests/it_lp.sh does the same with CBC on larger
 * instances.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fixture.h"

/* ---- a reader for the LP subset the exporter writes ---- */

#define LP_VARS 256
#define LP_ROWS 1024
#define LP_TERMS 16

typedef struct lp_term {
	int var;
	long long coef;
} lp_term;

typedef struct lp_row {
	char name[32];
	lp_term t[LP_TERMS];
	int nt;
	int rel; /* -1 <=, 0 =, 1 >= */
	long long rhs;
} lp_row;

typedef struct lp_model {
	char names[LP_VARS][32];
	unsigned long long obj[LP_VARS];
	int binary[LP_VARS];
	long long lo[LP_VARS], hi[LP_VARS];
	int nv;
	lp_row *rows;
	int nr;
	int maximize, ended;
	size_t longest_line;
	unsigned long long scale_first, scale_second;
	char scale_first_name[16], scale_second_name[16];
	int warned_double;
} lp_model;

static int lp_var(lp_model *m, const char *name)
{
	int i;
	for (i = 0; i < m->nv; i++)
		if (!strcmp(m->names[i], name))
			return i;
	assert_true(m->nv < LP_VARS);
	assert_true(strlen(name) < sizeof(m->names[0]));
	snprintf(m->names[m->nv], sizeof(m->names[0]), "%s", name);
	m->lo[m->nv] = 0;
	m->hi[m->nv] = LLONG_MAX;
	return m->nv++;
}

static int is_number(const char *t)
{
	return *t >= '0' && *t <= '9';
}

/* A plain name: a letter, then letters, digits and '_' (what the exporter promises). */
static int is_name(const char *t)
{
	if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z')))
		return 0;
	for (t++; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '_'))
			return 0;
	return 1;
}

static int rel_of(const char *t)
{
	if (!strcmp(t, "<=") || !strcmp(t, "=<") || !strcmp(t, "<"))
		return -1;
	if (!strcmp(t, ">=") || !strcmp(t, "=>") || !strcmp(t, ">"))
		return 1;
	if (!strcmp(t, "="))
		return 0;
	return 2;
}

static void lp_comment(lp_model *m, const char *line)
{
	char a[16], b[16];
	unsigned long long f, s;
	if (sscanf(line, "\\ value = %llu * %15s + %llu * %15s + 1 * preferred", &f, a, &s, b) == 4) {
		m->scale_first = f;
		m->scale_second = s;
		snprintf(m->scale_first_name, sizeof(m->scale_first_name), "%s", a);
		snprintf(m->scale_second_name, sizeof(m->scale_second_name), "%s", b);
	}
	if (strstr(line, "\\ warning: values above 2^53"))
		m->warned_double = 1;
}

/* Parse the text into m (rows allocated; free with lp_free()). */
static void lp_parse(lp_model *m, char *text)
{
	enum { NONE, OBJ, ROWS, BOUNDS, BIN } sec = NONE;
	char *save = NULL, *line, *tok[512];
	lp_row *r = NULL;
	int sign = 1, after_rel = 0;
	long long coef = 1;
	int have_coef = 0;

	memset(m, 0, sizeof(*m));
	m->rows = calloc(LP_ROWS, sizeof(lp_row));
	assert_non_null(m->rows);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *t;
		int nt = 0, i;
		size_t len = strlen(line);
		if (len > m->longest_line)
			m->longest_line = len;
		if (line[0] == '\\') {
			lp_comment(m, line);
			continue;
		}
		for (t = strtok_r(line, " \t", &s2); t; t = strtok_r(NULL, " \t", &s2)) {
			assert_true(nt < 512);
			tok[nt++] = t;
		}
		if (nt == 0)
			continue;
		if (!strcasecmp(tok[0], "Maximize")) {
			m->maximize = 1;
			sec = OBJ;
			continue;
		}
		if (nt == 2 && !strcasecmp(tok[0], "Subject") && !strcasecmp(tok[1], "To")) {
			sec = ROWS;
			continue;
		}
		if (!strcasecmp(tok[0], "Bounds")) {
			sec = BOUNDS;
			continue;
		}
		if (!strcasecmp(tok[0], "Binaries")) {
			sec = BIN;
			continue;
		}
		if (!strcasecmp(tok[0], "End")) {
			m->ended = 1;
			continue;
		}
		assert_false(m->ended);
		if (sec == BIN) {
			for (i = 0; i < nt; i++) {
				assert_true(is_name(tok[i]));
				m->binary[lp_var(m, tok[i])] = 1;
			}
			continue;
		}
		if (sec == BOUNDS) {
			/* "lo <= v <= hi" or "v <= hi" */
			if (nt == 5) {
				int v = lp_var(m, tok[2]);
				assert_int_equal(rel_of(tok[1]), -1);
				assert_int_equal(rel_of(tok[3]), -1);
				m->lo[v] = atoll(tok[0]);
				m->hi[v] = atoll(tok[4]);
			} else {
				assert_int_equal(nt, 3);
				assert_int_equal(rel_of(tok[1]), -1);
				m->hi[lp_var(m, tok[0])] = atoll(tok[2]);
			}
			continue;
		}
		assert_true(sec == OBJ || sec == ROWS);
		for (i = 0; i < nt; i++) {
			const char *t2 = tok[i];
			size_t tl = strlen(t2);
			if (tl > 1 && t2[tl - 1] == ':') { /* a new row */
				if (sec == ROWS) {
					assert_true(m->nr < LP_ROWS);
					r = &m->rows[m->nr++];
					snprintf(r->name, sizeof(r->name), "%.*s", (int)(tl - 1), t2);
					after_rel = 0;
				}
				sign = 1;
				coef = 1;
				have_coef = 0;
				continue;
			}
			if (after_rel) {
				assert_true(is_number(t2) || (t2[0] == '-' && is_number(t2 + 1)));
				r->rhs = atoll(t2);
				after_rel = 0;
				continue;
			}
			if (!strcmp(t2, "+") || !strcmp(t2, "-")) {
				sign = t2[0] == '-' ? -1 : 1;
				continue;
			}
			if (rel_of(t2) != 2) {
				assert_int_equal(sec, ROWS);
				r->rel = rel_of(t2);
				after_rel = 1;
				continue;
			}
			if (is_number(t2)) {
				coef = atoll(t2);
				have_coef = 1;
				continue;
			}
			assert_true(is_name(t2));
			if (sec == OBJ) {
				assert_int_equal(sign, 1); /* a maximised value: no negative part */
				m->obj[lp_var(m, t2)] +=
					have_coef ? strtoull(tok[i - 1], NULL, 10) : 1;
			} else {
				assert_true(r->nt < LP_TERMS);
				r->t[r->nt].var = lp_var(m, t2);
				r->t[r->nt].coef = sign * coef;
				r->nt++;
			}
			sign = 1;
			coef = 1;
			have_coef = 0;
		}
	}
	assert_true(m->maximize);
	assert_true(m->ended);
}

static void lp_free(lp_model *m)
{
	free(m->rows);
}

/* The maximum over every 0/1 assignment that satisfies the rows and bounds,
 * or -1 when none does.  Rows are checked once all their variables are set. */
static long long lp_brute(const lp_model *m)
{
	unsigned long long mask, best = 0;
	int feasible = 0, i, j, v;

	assert_true(m->nv <= 20);
	for (mask = 0; mask < (1ULL << m->nv); mask++) {
		unsigned long long value = 0;
		for (v = 0; v < m->nv; v++) {
			long long x = (long long)((mask >> v) & 1);
			if (x < m->lo[v] || x > m->hi[v])
				break;
			if (x)
				value += m->obj[v];
		}
		if (v < m->nv)
			continue;
		for (i = 0; i < m->nr; i++) {
			long long lhs = 0;
			const lp_row *r = &m->rows[i];
			for (j = 0; j < r->nt; j++)
				lhs += r->t[j].coef * (long long)((mask >> r->t[j].var) & 1);
			if ((r->rel < 0 && lhs > r->rhs) || (r->rel == 0 && lhs != r->rhs) ||
			    (r->rel > 0 && lhs < r->rhs))
				break;
		}
		if (i < m->nr)
			continue;
		if (!feasible || value > best)
			best = value;
		feasible = 1;
	}
	return feasible ? (long long)best : -1;
}

static char *lp_text(const cv_grid *g, const cv_solve_options *o, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	*rc = cv_lp_write(f, g, o);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static const lp_row *lp_row_named(const lp_model *m, const char *name)
{
	int i;
	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->rows[i].name, name))
			return &m->rows[i];
	return NULL;
}

static int lp_has_var(const lp_model *m, const char *name)
{
	int i;
	for (i = 0; i < m->nv; i++)
		if (!strcmp(m->names[i], name))
			return 1;
	return 0;
}

static unsigned long long lp_obj(const lp_model *m, const char *name)
{
	int i;
	for (i = 0; i < m->nv; i++)
		if (!strcmp(m->names[i], name))
			return m->obj[i];
	fail_msg("no variable %s", name);
	return 0;
}

/* Row `name` is exactly: the given variables with coefficients, rel, rhs. */
static void expect_row(const lp_model *m, const char *name, int rel, long long rhs, int nt, ...)
{
	const lp_row *r = lp_row_named(m, name);
	va_list ap;
	int i, j;

	if (!r)
		fail_msg("no row %s", name);
	assert_int_equal(r->rel, rel);
	assert_int_equal(r->rhs, rhs);
	assert_int_equal(r->nt, nt);
	va_start(ap, nt);
	for (i = 0; i < nt; i++) {
		const char *var = va_arg(ap, const char *);
		long long coef = va_arg(ap, int);
		for (j = 0; j < r->nt && strcmp(m->names[r->t[j].var], var); j++)
			;
		if (j == r->nt)
			fail_msg("row %s lacks %s", name, var);
		assert_int_equal(r->t[j].coef, coef);
	}
	va_end(ap);
}

/* ---- a hand-worked instance ---- */

/*
 * UTC everywhere, two Mondays (2027-03-01 and 03-08), candidates Mon 09:00
 * (x0) and 10:00 (x1), 60 minutes, min-gap 30m (so they conflict).
 * A (weight 1) is free 09-10: attends x0 twice.  B (weight 2) is free 09-11
 * and prefers 10-11: attends both twice, x1 twice in preferred time.
 */
typedef struct hand {
	cv_course *course;
	cv_roster *roster;
	cv_grid *grid;
	size_t ga, gb; /* the groups of A and B */
} hand;

static void hand_build(hand *h, cv_mode mode, cv_objective objective)
{
	h->course = fx_course("UTC", "2027-03-01", "2027-03-14", "Mon 09:00-11:00", 60, 60);
	h->course->mode = mode;
	h->course->objective = objective;
	h->course->min_gap = 30;
	h->roster = fx_roster();
	fx_student(h->roster, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(h->roster, "b", "UTC", "Mon 09:00-11:00", "Mon 10:00-11:00", NULL, 2);
	assert_int_equal(cv_grid_build(&h->grid, h->course, h->roster), CV_OK);
	assert_int_equal(cv_grid_candidates(h->grid), 2);
	h->ga = cv_grid_student_group(h->grid, 0);
	h->gb = cv_grid_student_group(h->grid, 1);
	/* the hand-worked counts this test relies on */
	assert_int_equal(cv_grid_attend(h->grid, h->ga, 0), 2);
	assert_int_equal(cv_grid_attend(h->grid, h->ga, 1), 0);
	assert_int_equal(cv_grid_attend(h->grid, h->gb, 0), 2);
	assert_int_equal(cv_grid_attend(h->grid, h->gb, 1), 2);
	assert_int_equal(cv_grid_preferred(h->grid, h->gb, 0), 0);
	assert_int_equal(cv_grid_preferred(h->grid, h->gb, 1), 2);
}

static void hand_free(hand *h)
{
	cv_grid_free(h->grid);
	cv_roster_free(h->roster);
	cv_course_free(h->course);
}

static void test_scale_is_the_smallest_exact_mixed_radix(void **state)
{
	hand h;
	cv_lp_scale s;
	cv_score best = {6, 3, 0}, other = {4, 2, 4};
	(void)state;

	hand_build(&h, CV_MODE_SECTIONS, CV_OBJECTIVE_ATTENDANCE);
	assert_int_equal(cv_lp_scale_compute(&s, h.grid, NULL), CV_OK);
	/* attendance <= 1*2 + 2*2, reach <= 3, preferred <= 2*2 */
	assert_int_equal(s.max_first, 6);
	assert_int_equal(s.max_second, 3);
	assert_int_equal(s.max_preferred, 4);
	assert_int_equal(s.second, 5);                /* preferred + 1 */
	assert_int_equal(s.first, 4 * 5);             /* (reach + 1) * (preferred + 1) */
	assert_int_equal(s.max_value, 7 * 4 * 5 - 1); /* every value is below the next digit */
	assert_int_equal(cv_lp_value(&s, &best), 6 * 20 + 3 * 5);
	assert_int_equal(cv_lp_value(&s, &other), 4 * 20 + 2 * 5 + 4);
	hand_free(&h);

	hand_build(&h, CV_MODE_SECTIONS, CV_OBJECTIVE_REACH);
	assert_int_equal(cv_lp_scale_compute(&s, h.grid, NULL), CV_OK);
	assert_int_equal(s.objective, CV_OBJECTIVE_REACH);
	assert_int_equal(s.max_first, 3); /* reach first */
	assert_int_equal(s.max_second, 6);
	assert_int_equal(s.first, 7 * 5);
	assert_int_equal(cv_lp_value(&s, &best), 3 * 35 + 6 * 5);
	hand_free(&h);
}

static void test_sections_program_matches_the_hand_worked_model(void **state)
{
	hand h;
	lp_model m;
	char *text, ya0[32], ya1[32], yb0[32], yb1[32], gb[32], row[32];
	int rc;
	(void)state;

	hand_build(&h, CV_MODE_SECTIONS, CV_OBJECTIVE_ATTENDANCE);
	text = lp_text(h.grid, NULL, &rc);
	assert_int_equal(rc, CV_OK);
	assert_non_null(strstr(text, "\\ x0 = Mon 09:00\n"));
	assert_non_null(strstr(text, "\\ x1 = Mon 10:00\n"));
	lp_parse(&m, text);
	assert_int_equal(m.scale_first, 20);
	assert_int_equal(m.scale_second, 5);
	assert_string_equal(m.scale_first_name, "attendance");
	assert_string_equal(m.scale_second_name, "reach");
	snprintf(ya0, sizeof(ya0), "y%zu_0", h.ga);
	snprintf(yb0, sizeof(yb0), "y%zu_0", h.gb);
	snprintf(yb1, sizeof(yb1), "y%zu_1", h.gb);
	/* w * (20 * attend + 5 * reached + preferred) per assignment */
	assert_int_equal(lp_obj(&m, ya0), 1 * (20 * 2 + 5 + 0));
	assert_int_equal(lp_obj(&m, yb0), 2 * (20 * 2 + 5 + 0));
	assert_int_equal(lp_obj(&m, yb1), 2 * (20 * 2 + 5 + 2));
	snprintf(ya1, sizeof(ya1), "y%zu_1", h.ga);
	assert_false(lp_has_var(&m, ya1)); /* A cannot attend x1 */
	assert_int_equal(m.nv, 5);
	assert_true(m.binary[0] + m.binary[1] + m.binary[2] + m.binary[3] + m.binary[4] == 2);
	expect_row(&m, "k", -1, 1, 2, "x0", 1, "x1", 1);
	expect_row(&m, "c0_1", -1, 1, 2, "x0", 1, "x1", 1);
	snprintf(gb, sizeof(gb), "g%zu", h.gb);
	expect_row(&m, gb, -1, 1, 2, yb0, 1, yb1, 1);
	snprintf(row, sizeof(row), "l%zu_1", h.gb);
	expect_row(&m, row, -1, 0, 2, yb1, 1, "x1", -1);
	snprintf(row, sizeof(row), "l%zu_0", h.ga);
	expect_row(&m, row, -1, 0, 2, ya0, 1, "x0", -1);
	snprintf(row, sizeof(row), "g%zu", h.ga);
	assert_null(lp_row_named(&m, row)); /* one y alone needs no row */
	/* x0 serves both: 6 * 20 + 3 * 5 = 135 beats x1's 4 * 20 + 2 * 5 + 4 = 94 */
	assert_int_equal(lp_brute(&m), 135);
	lp_free(&m);
	free(text);
	hand_free(&h);
}

static void test_series_program_matches_the_hand_worked_model(void **state)
{
	hand h;
	lp_model m;
	char *text, za[32], zb[32], row[32];
	int rc, i;
	(void)state;

	hand_build(&h, CV_MODE_SERIES, CV_OBJECTIVE_REACH);
	text = lp_text(h.grid, NULL, &rc);
	assert_int_equal(rc, CV_OK);
	lp_parse(&m, text);
	/* reach first: second = 4 + 1, first = (6 + 1) * 5 */
	assert_int_equal(m.scale_first, 35);
	assert_int_equal(m.scale_second, 5);
	assert_string_equal(m.scale_first_name, "reach");
	snprintf(za, sizeof(za), "z%zu", h.ga);
	snprintf(zb, sizeof(zb), "z%zu", h.gb);
	/* slots carry 5 * attendance + preferred; each reached group its weight * 35 */
	assert_int_equal(lp_obj(&m, "x0"), 1 * 5 * 2 + 2 * 5 * 2);
	assert_int_equal(lp_obj(&m, "x1"), 2 * (5 * 2 + 2));
	assert_int_equal(lp_obj(&m, za), 35);
	assert_int_equal(lp_obj(&m, zb), 2 * 35);
	expect_row(&m, "k", 0, 1, 2, "x0", 1, "x1", 1);
	snprintf(row, sizeof(row), "r%zu", h.ga);
	expect_row(&m, row, -1, 0, 2, za, 1, "x0", -1);
	snprintf(row, sizeof(row), "r%zu", h.gb);
	expect_row(&m, row, -1, 0, 3, zb, 1, "x0", -1, "x1", -1);
	for (i = 0; i < m.nv; i++) {
		if (m.names[i][0] == 'z') {
			assert_false(m.binary[i]);
			assert_int_equal(m.lo[i], 0);
			assert_int_equal(m.hi[i], 1);
		} else {
			assert_true(m.binary[i]);
		}
	}
	/* x0: reach 3, attendance 6 -> 3 * 35 + 6 * 5 */
	assert_int_equal(lp_brute(&m), 135);
	lp_free(&m);
	free(text);
	hand_free(&h);
}

static void test_pins_and_exclusions_fix_x(void **state)
{
	hand h;
	lp_model m;
	cv_solve_options o;
	size_t pin = 1;
	uint8_t excluded[2] = {1, 0};
	char *text;
	int rc;
	(void)state;

	hand_build(&h, CV_MODE_SECTIONS, CV_OBJECTIVE_ATTENDANCE);
	memset(&o, 0, sizeof(o));
	o.pins = &pin;
	o.npins = 1;
	text = lp_text(h.grid, &o, &rc);
	assert_int_equal(rc, CV_OK);
	lp_parse(&m, text);
	expect_row(&m, "pin1", 0, 1, 1, "x1", 1);
	assert_int_equal(lp_brute(&m), 4 * 20 + 2 * 5 + 4); /* the pin wins over the better x0 */
	lp_free(&m);
	free(text);

	o.npins = 0;
	o.excluded = excluded;
	text = lp_text(h.grid, &o, &rc);
	assert_int_equal(rc, CV_OK);
	lp_parse(&m, text);
	expect_row(&m, "out0", 0, 0, 1, "x0", 1);
	assert_null(lp_row_named(&m, "c0_1")); /* x0 is 0 already */
	assert_false(lp_has_var(&m, "y0_0") || lp_has_var(&m, "y1_0"));
	/* without x0 the bounds shrink: attendance <= 4, reach <= 2, preferred <= 4,
	 * so first = 3 * 5 and x1 is worth 4 * 15 + 2 * 5 + 4 */
	assert_int_equal(m.scale_first, 15);
	assert_int_equal(lp_brute(&m), 74);
	lp_free(&m);
	free(text);

	/* pinned and excluded: no plan, as cv_solve() says */
	o.pins = &pin;
	o.npins = 1;
	excluded[0] = 0;
	excluded[1] = 1;
	text = lp_text(h.grid, &o, &rc);
	assert_int_equal(rc, CV_OK);
	lp_parse(&m, text);
	assert_int_equal(lp_brute(&m), -1);
	lp_free(&m);
	free(text);
	hand_free(&h);
}

static int is_char_device(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

static void test_bad_pins_and_write_errors_are_reported(void **state)
{
	hand h;
	cv_solve_options o;
	size_t pin = 2;
	FILE *full;
	(void)state;

	hand_build(&h, CV_MODE_SECTIONS, CV_OBJECTIVE_ATTENDANCE);
	memset(&o, 0, sizeof(o));
	o.pins = &pin;
	o.npins = 1;
	assert_int_equal(cv_lp_write(stdout, h.grid, &o), CV_ENOSLOT); /* not a candidate */
	{
		size_t twice[2] = {1, 1};
		o.pins = twice;
		o.npins = 2;
		assert_int_equal(cv_lp_write(stdout, h.grid, &o), CV_ENOSLOT);
		assert_int_equal(cv_solve(&(cv_solution){0}, h.grid, &o), CV_ENOSLOT);
	}
	/* Linux's /dev/full fails every write with ENOSPC.  Open it only when it
	 * is that device: as root, fopen() would create a plain file instead. */
	full = is_char_device("/dev/full") ? fopen("/dev/full", "w") : NULL;
	if (full) {
		assert_int_equal(cv_lp_write(full, h.grid, NULL), CV_EIO);
		fclose(full);
	}
	hand_free(&h);
}

static void test_huge_weights_are_refused_or_warned(void **state)
{
	cv_course *c = fx_course("UTC", "2027-03-01", "2027-03-14", "Mon 09:00-10:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_grid *g;
	cv_lp_scale s;
	lp_model m;
	char *text;
	int rc;
	(void)state;

	/* weight 10^8, 2 occurrences: value <= (2e8 + 1) * (1e8 + 1) - 1 > 2^53 */
	fx_student(r, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 100000000u);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_lp_scale_compute(&s, g, NULL), CV_OK);
	assert_true(s.max_value > CV_LP_DOUBLE_EXACT);
	text = lp_text(g, NULL, &rc);
	assert_int_equal(rc, CV_OK);
	lp_parse(&m, text);
	assert_true(m.warned_double);
	lp_free(&m);
	free(text);
	cv_grid_free(g);
	cv_roster_free(r);

	/* 4e9 * 2 attendance times 4e9 reach does not fit in 64 bits */
	r = fx_roster();
	fx_student(r, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 4000000000u);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_lp_scale_compute(&s, g, NULL), CV_EDATA);
	assert_int_equal(cv_lp_write(stdout, g, NULL), CV_EDATA);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_lines_stay_under_255_bytes(void **state)
{
	cv_course *c = fx_course("UTC", "2027-03-01", "2027-03-14", "Daily 00:00-24:00", 60, 15);
	cv_roster *r = fx_roster();
	cv_grid *g;
	char *text, *line, *save = NULL;
	size_t lines = 0;
	int rc, mode;
	(void)state;

	fx_student(r, "a", "UTC", "Daily 00:00-24:00", "Mon-Wed 08:00-20:00", NULL, 3000);
	fx_student(r, "b", "Asia/Kathmandu", "Daily 00:00-24:00", NULL, "2027-03-02", 7);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_grid_candidates(g), 672);
	for (mode = 0; mode < 2; mode++) {
		c->mode = mode ? CV_MODE_SERIES : CV_MODE_SECTIONS;
		c->count = 3;
		text = lp_text(g, NULL, &rc);
		assert_int_equal(rc, CV_OK);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			assert_true(strlen(line) < 255);
			lines++;
		}
		free(text);
	}
	/* the k row alone holds 672 terms: it had to wrap */
	assert_true(lines > 2 * 672);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

/* ---- random instances against cv_solve() ---- */

typedef struct rng {
	uint64_t s;
} rng;

static unsigned rnd(rng *r, unsigned n)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (unsigned)((z ^ (z >> 31)) % n);
}

static const char *const zones[] = {
	"America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "UTC",
	"America/Sao_Paulo", "Asia/Kathmandu",
};

/* A course with 2 to 4 candidates around the two clock changes of March
 * 2027, and 3 students with weekday windows: half of them in the home zone
 * near the teaching hours (so that most plans reach someone), the others
 * anywhere in the day in another zone. */
static void random_instance(rng *r, cv_course **course, cv_roster **roster)
{
	/* (window, granularity, first hour): 2 to 4 candidates of 60 minutes */
	static const struct { const char *window; unsigned granularity, hour; } shapes[] = {
		{"Mon 09:00-11:30", 30, 9}, {"Mon 09:00-12:00", 60, 9},
		{"Mon 09:00-11:00; Thu 14:00-16:00", 60, 9}, {"Tue 09:00-11:00", 30, 9},
		{"Mon,Fri 13:00-15:00", 60, 13},
	};
	static const unsigned gaps[] = {0, 0, 30, 120, 60 * 24 * 3};
	unsigned shape = rnd(r, 5);
	const char *home = zones[rnd(r, 5)];
	cv_course *c = fx_course(home, "2027-03-01", "2027-04-18", shapes[shape].window, 60,
				 shapes[shape].granularity);
	size_t i;

	c->mode = rnd(r, 2) ? CV_MODE_SERIES : CV_MODE_SECTIONS;
	c->objective = rnd(r, 2) ? CV_OBJECTIVE_REACH : CV_OBJECTIVE_ATTENDANCE;
	c->count = 1 + rnd(r, c->mode == CV_MODE_SERIES ? 2 : 3);
	c->min_gap = gaps[rnd(r, 5)];
	if (rnd(r, 3) == 0)
		fx_holidays(c, "2027-03-22..2027-03-26");
	*roster = fx_roster();
	for (i = 0; i < 3; i++) {
		char id[8], avail[64], pref[64], away[32];
		int local = rnd(r, 2);
		unsigned h = local ? shapes[shape].hour + 24 - rnd(r, 3) : rnd(r, 24);
		unsigned len = local ? 1 + rnd(r, 6) : 2 + rnd(r, 10);
		unsigned e1 = (h + len) % 24, e2 = (h + 1 + rnd(r, len)) % 24;
		h %= 24;
		/* an end of 00:00 is written 24:00 */
		snprintf(id, sizeof(id), "s%zu", i);
		snprintf(avail, sizeof(avail), "Mon-Fri %02u:00-%02u:00", h, e1 ? e1 : 24);
		snprintf(pref, sizeof(pref), "Mon-Fri %02u:00-%02u:00", h, e2 ? e2 : 24);
		snprintf(away, sizeof(away), "2027-03-%02u", 1 + rnd(r, 28));
		fx_student(*roster, id, local ? home : zones[rnd(r, 7)], avail, rnd(r, 2) ? pref : NULL,
			   rnd(r, 3) ? NULL : away, 1 + rnd(r, 3));
	}
	*course = c;
}

static void test_program_optimum_equals_solve_on_random_instances(void **state)
{
	rng r = {20270301};
	int i, solved = 0, refused = 0;
	(void)state;

	for (i = 0; i < 600; i++) {
		cv_course *c;
		cv_roster *ro;
		cv_grid *g;
		cv_solve_options o;
		cv_solution sol;
		cv_lp_scale s;
		lp_model m;
		size_t n, pin;
		uint8_t excluded[8] = {0};
		char *text;
		int rc, src;
		long long best;

		random_instance(&r, &c, &ro);
		assert_int_equal(cv_grid_build(&g, c, ro), CV_OK);
		n = cv_grid_candidates(g);
		assert_true(n >= 2 && n <= 4);
		memset(&o, 0, sizeof(o));
		if (rnd(&r, 4) == 0) {
			pin = rnd(&r, (unsigned)n);
			o.pins = &pin;
			o.npins = 1;
		}
		if (rnd(&r, 4) == 0) {
			excluded[rnd(&r, (unsigned)n)] = 1;
			o.excluded = excluded;
		}
		text = lp_text(g, &o, &rc);
		assert_int_equal(rc, CV_OK);
		lp_parse(&m, text);
		assert_true(m.longest_line < 255);
		best = lp_brute(&m);
		src = cv_solve(&sol, g, &o);
		if (src == CV_OK) {
			assert_int_equal(cv_lp_scale_compute(&s, g, &o), CV_OK);
			assert_int_equal(m.scale_first, s.first);
			assert_int_equal(m.scale_second, s.second);
			if (best != (long long)cv_lp_value(&s, &sol.score))
				fail_msg("instance %d: program optimum %lld, convene %lld "
					 "(attendance %lld reach %lld preferred %lld)", i, best,
					 (long long)cv_lp_value(&s, &sol.score),
					 (long long)sol.score.attendance, (long long)sol.score.reach,
					 (long long)sol.score.preferred);
			solved++;
		} else {
			assert_int_equal(src, CV_ENOSLOT);
			assert_int_equal(best, -1);
			refused++;
		}
		lp_free(&m);
		free(text);
		cv_grid_free(g);
		cv_roster_free(ro);
		cv_course_free(c);
	}
	/* the seed exercises both outcomes */
	assert_true(solved > 400);
	assert_true(refused > 0);
}

/* Every pair of plans compares the same way by value as by cv_score_compare(). */
static void test_value_orders_plans_like_score_compare(void **state)
{
	rng r = {77};
	int i;
	(void)state;

	for (i = 0; i < 100; i++) {
		cv_course *c;
		cv_roster *ro;
		cv_grid *g;
		cv_lp_scale s;
		cv_score sc[16];
		uint64_t v[16];
		size_t n, nplans = 0, a, b, k;
		unsigned mask;

		random_instance(&r, &c, &ro);
		assert_int_equal(cv_grid_build(&g, c, ro), CV_OK);
		assert_int_equal(cv_lp_scale_compute(&s, g, NULL), CV_OK);
		n = cv_grid_candidates(g);
		assert_true(n <= 4);
		for (mask = 1; mask < (1u << n); mask++) {
			size_t slots[4], ns = 0;
			for (k = 0; k < n; k++)
				if (mask & (1u << k))
					slots[ns++] = k;
			if (ns > c->count || (c->mode == CV_MODE_SERIES && ns != c->count))
				continue;
			cv_evaluate(&sc[nplans], g, slots, ns);
			v[nplans] = cv_lp_value(&s, &sc[nplans]);
			assert_true(v[nplans] <= s.max_value);
			/* the digits come back */
			assert_int_equal(v[nplans] % s.second, sc[nplans].preferred);
			nplans++;
		}
		for (a = 0; a < nplans; a++)
			for (b = 0; b < nplans; b++) {
				int cmp = cv_score_compare(&sc[a], &sc[b], c->objective);
				int vcmp = (v[a] > v[b]) - (v[a] < v[b]);
				assert_int_equal(cmp < 0 ? -1 : cmp > 0, vcmp);
			}
		cv_grid_free(g);
		cv_roster_free(ro);
		cv_course_free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_is_the_smallest_exact_mixed_radix),
		cmocka_unit_test(test_sections_program_matches_the_hand_worked_model),
		cmocka_unit_test(test_series_program_matches_the_hand_worked_model),
		cmocka_unit_test(test_pins_and_exclusions_fix_x),
		cmocka_unit_test(test_bad_pins_and_write_errors_are_reported),
		cmocka_unit_test(test_huge_weights_are_refused_or_warned),
		cmocka_unit_test(test_lines_stay_under_255_bytes),
		cmocka_unit_test(test_program_optimum_equals_solve_on_random_instances),
		cmocka_unit_test(test_value_orders_plans_like_score_compare),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
