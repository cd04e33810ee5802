/*
 * test_report.c - the plan as text and as JSON (DESIGN.md "Outputs"): the
 * keys, the values a small course must give, escaping, and the head count
 * beside a weighted reach.
 */
#include <stdio.h>

#include "fixture.h"

static cv_plan *plan_of(cv_course *c, cv_roster *r, cv_grid **grid)
{
	cv_solution sol;
	cv_plan *p;
	assert_int_equal(cv_grid_build(grid, c, r), CV_OK);
	assert_int_equal(cv_solve(&sol, *grid, NULL), CV_OK);
	assert_int_equal(cv_plan_build(&p, *grid, &sol), CV_OK);
	return p;
}

/* The report written by `write` as a malloc'd string. */
static char *report(int (*write)(FILE *, const cv_plan *), const cv_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(write(f, p), CV_OK);
	fclose(f);
	return buf;
}

static void expect_has(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("missing %s in:\n%s", needle, text);
}

/*
 * Two Mondays at 09:00 UTC.  "ana" can come to both, "ben" (weight 3) only
 * to the first (away the second Monday), "chi" in Tokyo never (09:00 UTC is
 * 18:00 there, outside 08:00-09:00).
 */
static void make_course(cv_course **c, cv_roster **r)
{
	*c = fx_course("UTC", "2027-03-01", "2027-03-14", "Mon 09:00-10:00", 60, 60);
	*r = fx_roster();
	fx_student(*r, "ana", "UTC", "Mon 08:00-12:00", NULL, NULL, 1);
	fx_student(*r, "ben", "Europe/London", "Mon 08:00-12:00", NULL, "2027-03-08", 3);
	fx_student(*r, "chi", "Asia/Tokyo", "Mon 08:00-09:00", NULL, NULL, 1);
}

/* A course, its roster, and the grid and plan solved from them. */
typedef struct solved {
	cv_course *course;
	cv_roster *roster;
	cv_grid *grid;
	cv_plan *plan;
} solved;

/* Solve the course of make_course(), after `adjust` (may be NULL) changed it. */
static solved solve_course(void (*adjust)(cv_course *))
{
	solved x;
	make_course(&x.course, &x.roster);
	if (adjust)
		adjust(x.course);
	x.plan = plan_of(x.course, x.roster, &x.grid);
	return x;
}

static void solved_free(solved *x)
{
	cv_plan_free(x->plan);
	cv_grid_free(x->grid);
	cv_roster_free(x->roster);
	cv_course_free(x->course);
}

static void test_json_has_the_design_keys_and_values(void **state)
{
	solved x = solve_course(NULL);
	char *json = report(cv_report_json, x.plan);
	(void)state;

	expect_has(json, "\"tzdata\": \"");
	expect_has(json, "\"objective\": {\"mode\": \"sections\", \"attendance\": 5, \"reach\": 4, ");
	expect_has(json, "\"students\": 3, \"weight\": 5, \"optimal\": true, \"upper_bound\": 5");
	expect_has(json, "{\"index\": 1, \"weekday\": \"Mon\", \"start\": \"09:00\", \"duration\": 60");
	expect_has(json, "\"occurrences\": [\"2027-03-01T09:00:00Z\", \"2027-03-08T09:00:00Z\"]");
	expect_has(json, "{\"id\": \"ana\", \"timezone\": \"UTC\", \"section\": 1, "
			 "\"live\": [\"2027-03-01T09:00:00Z\", \"2027-03-08T09:00:00Z\"], "
			 "\"alternative\": []");
	expect_has(json, "{\"id\": \"ben\", \"timezone\": \"Europe/London\", \"section\": 1, "
			 "\"live\": [\"2027-03-01T09:00:00Z\"], "
			 "\"alternative\": [\"2027-03-08T09:00:00Z\"], \"reasons\": [\"away\"]");
	expect_has(json, "{\"id\": \"chi\", \"timezone\": \"Asia/Tokyo\", \"section\": 1, \"live\": [], "
			 "\"alternative\": [\"2027-03-01T09:00:00Z\", \"2027-03-08T09:00:00Z\"], "
			 "\"reasons\": [\"hours\", \"hours\"]");
	free(json);
	solved_free(&x);
}

/* Series mode: "section" is null and everyone is expected at every session. */
static void as_series(cv_course *c)
{
	c->mode = CV_MODE_SERIES;
}

static void test_json_series_section_is_null(void **state)
{
	solved x = solve_course(as_series);
	char *json = report(cv_report_json, x.plan);
	(void)state;

	expect_has(json, "\"mode\": \"series\"");
	expect_has(json, "{\"id\": \"ana\", \"timezone\": \"UTC\", \"section\": null, ");
	free(json);
	solved_free(&x);
}

/* Quotes, backslashes and control characters in a title are escaped. */
static void awkward_title(cv_course *c)
{
	free(c->title);
	c->title = strdup("A \"quoted\" \\ title\twith\x01 bytes");
}

static void test_json_escapes_strings(void **state)
{
	solved x = solve_course(awkward_title);
	char *json = report(cv_report_json, x.plan);
	(void)state;

	expect_has(json, "\"title\": \"A \\\"quoted\\\" \\\\ title\\twith\\u0001 bytes\"");
	free(json);
	solved_free(&x);
}

/* The text report: the proven plan, a weighted reach with the head count beside it,
 * the local time of each student's section and why occurrences are missed. */
static void test_text_report(void **state)
{
	cv_course *c;
	cv_roster *r;
	cv_grid *g;
	cv_plan *p;
	char *text;
	(void)state;

	make_course(&c, &r);
	p = plan_of(c, r, &g);
	text = report(cv_report_text, p);
	expect_has(text, "Fixture Course (fx101)\nhome zone UTC, term 2027-03-01..2027-03-14, sections, "
			 "1 x 60 min, tzdata ");
	expect_has(text, "Optimal (proven) plan: attendance 5, reach 4 of weight 5 "
			 "(2 of 3 students attend live), preferred 0\n");
	expect_has(text, "Section 1: Mon 09:00-10:00 UTC, 2 occurrences, 3 students\n");
	expect_has(text, "  ben          Europe/London                section 1 (Mon 09:00 local) "
			 "live 1/2 - missed: 1 away\n");
	expect_has(text, "  chi          Asia/Tokyo                   section 1 (Mon 18:00 local) "
			 "live 0/2 - missed: 2 outside hours\n");
	free(text);
	cv_plan_free(p);
	cv_grid_free(g);
	cv_roster_free(r);

	/* weights all 1: a plain head count */
	r = fx_roster();
	fx_student(r, "ana", "UTC", "Mon 08:00-12:00", NULL, NULL, 1);
	fx_student(r, "chi", "Asia/Tokyo", "Mon 08:00-09:00", NULL, NULL, 1);
	p = plan_of(c, r, &g);
	text = report(cv_report_text, p);
	expect_has(text, "attendance 2, reach 1 of 2 students, preferred 0\n");
	free(text);
	cv_plan_free(p);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

/* Occurrences of `needle` in `text`. */
static size_t count_of(const char *text, const char *needle)
{
	size_t n = 0;
	for (; (text = strstr(text, needle)); text++)
		n++;
	return n;
}

/* The heatmap: one cell per candidate whose title gives the average live
 * students a week, the chosen session outlined, markup in the title escaped. */
static void test_heatmap_cells_values_and_plan(void **state)
{
	cv_course *c;
	cv_roster *r;
	cv_grid *g;
	cv_plan *p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	(void)state;

	/* Mon 09:00-11:00, hour-long sessions on a 30-minute grid: 09:00, 09:30, 10:00 */
	c = fx_course("UTC", "2027-03-01", "2027-03-14", "Mon 09:00-11:00", 60, 30);
	free(c->title);
	c->title = strdup("R&D <seminar>");
	r = fx_roster();
	fx_student(r, "ana", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(r, "ben", "UTC", "Mon 09:00-11:00", NULL, "2027-03-08", 3);
	p = plan_of(c, r, &g);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(cv_report_heatmap(f, p, g), CV_OK);
	fclose(f);
	expect_has(buf, "<title>R&amp;D &lt;seminar&gt;: live students a week by session start (UTC)");
	assert_int_equal(count_of(buf, "class=\"candidate\""), 3);
	assert_int_equal(count_of(buf, "class=\"chosen\""), 1);
	/* 09:00: ana both weeks, ben (weight 3) the first: (2 + 3) / 2 = 2.5 a week */
	expect_has(buf, "<title>Mon 09:00: 2.5 students a week live, 4 at least once</title>");
	/* 09:30 and 10:00: only ben's first week: 1.5 */
	expect_has(buf, "<title>Mon 09:30: 1.5 students a week live, 3 at least once</title>");
	expect_has(buf, "<title>Mon 10:00: 1.5 students a week live, 3 at least once</title>");
	expect_has(buf, "<title>Section 1: Mon 09:00, 2 students</title>");
	expect_has(buf, "0 to 2.5 students a week live");
	assert_non_null(strstr(buf, "</svg>\n"));
	free(buf);
	cv_plan_free(p);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_has_the_design_keys_and_values),
		cmocka_unit_test(test_json_series_section_is_null),
		cmocka_unit_test(test_json_escapes_strings),
		cmocka_unit_test(test_text_report),
		cmocka_unit_test(test_heatmap_cells_values_and_plan),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
