/* test_solve.c - the solver on small cases whose optimum is known by hand.
 * (test_solve_brute.c checks it against exhaustive enumeration.) */
#include "fixture.h"

/* A UTC course with candidates Mon 09:00, 10:00, 11:00 over four weeks. */
static cv_course *three_slots(void)
{
	return fx_course("UTC", "2027-01-11", "2027-02-07", "Mon 09:00-12:00", 60, 60);
}

static void solve_ok(cv_solution *sol, cv_course *c, cv_roster *r, const cv_solve_options *o)
{
	cv_grid *g;
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_solve(sol, g, o), CV_OK);
	cv_grid_free(g);
}

static void test_sections_choose_the_earliest_of_equal_optima(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solution sol;
	(void)state;
	c->count = 2;
	fx_student(r, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(r, "b", "UTC", "Mon 10:00-11:00", NULL, NULL, 1);
	fx_student(r, "c", "UTC", "Mon 10:00-11:00", NULL, NULL, 1);
	fx_student(r, "d", "UTC", "Mon 11:00-12:00", NULL, NULL, 1);
	solve_ok(&sol, c, r, NULL);
	/* {09,10} and {10,11} both reach 3 students x 4 weeks: the earlier wins */
	assert_int_equal(sol.count, 2);
	assert_int_equal(sol.slots[0], 0);
	assert_int_equal(sol.slots[1], 1);
	assert_int_equal(sol.score.attendance, 12);
	assert_int_equal(sol.score.reach, 3);
	assert_true(sol.optimal);
	assert_int_equal(sol.bound.attendance, 12);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_weights_change_the_choice(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solution sol;
	(void)state;
	c->count = 2;
	fx_student(r, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(r, "b", "UTC", "Mon 10:00-11:00", NULL, NULL, 1);
	fx_student(r, "c", "UTC", "Mon 10:00-11:00", NULL, NULL, 1);
	fx_student(r, "d", "UTC", "Mon 11:00-12:00", NULL, NULL, 2);
	solve_ok(&sol, c, r, NULL);
	assert_int_equal(sol.slots[0], 1);
	assert_int_equal(sol.slots[1], 2);
	assert_int_equal(sol.score.attendance, 16);
	assert_int_equal(sol.score.reach, 4);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_min_gap_excludes_back_to_back_slots(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solution sol;
	(void)state;
	c->count = 2;
	c->min_gap = 60;
	fx_student(r, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(r, "b", "UTC", "Mon 10:00-11:00", NULL, NULL, 5);
	fx_student(r, "d", "UTC", "Mon 11:00-12:00", NULL, NULL, 1);
	solve_ok(&sol, c, r, NULL);
	/* 10:00 is within an hour of both others: the only pair is {09, 11} */
	assert_int_equal(sol.count, 2);
	assert_int_equal(sol.slots[0], 0);
	assert_int_equal(sol.slots[1], 2);
	assert_int_equal(sol.score.attendance, 8);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_reach_objective_prefers_more_students(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solution sol;
	(void)state;
	/* x attends 09:00 all four weeks; y and z attend 10:00 once each */
	fx_student(r, "x", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(r, "y", "UTC", "Mon 10:00-11:00", NULL, "2027-01-11..2027-01-31", 1);
	fx_student(r, "z", "UTC", "Mon 10:00-11:00", NULL, "2027-01-18..2027-02-07", 1);
	solve_ok(&sol, c, r, NULL);
	assert_int_equal(sol.slots[0], 0);
	assert_int_equal(sol.score.attendance, 4);
	c->objective = CV_OBJECTIVE_REACH;
	solve_ok(&sol, c, r, NULL);
	assert_int_equal(sol.slots[0], 1);
	assert_int_equal(sol.score.reach, 2);
	assert_int_equal(sol.score.attendance, 2);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_preferred_windows_break_attendance_ties(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solution sol;
	(void)state;
	fx_student(r, "p", "UTC", "Mon 09:00-12:00", "Mon 11:00-12:00", NULL, 1);
	solve_ok(&sol, c, r, NULL);
	assert_int_equal(sol.slots[0], 2);
	assert_int_equal(sol.score.preferred, 4);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_series_count_every_session(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solution sol;
	(void)state;
	c->mode = CV_MODE_SERIES;
	c->count = 2;
	fx_student(r, "a", "UTC", "Mon 09:00-11:00", NULL, NULL, 1);
	fx_student(r, "b", "UTC", "Mon 10:00-12:00", NULL, NULL, 1);
	solve_ok(&sol, c, r, NULL);
	/* {09,10}: 4+8 = 12, {10,11}: 8+4 = 12, {09,11}: 4+4 = 8; earliest of the best */
	assert_int_equal(sol.slots[0], 0);
	assert_int_equal(sol.slots[1], 1);
	assert_int_equal(sol.score.attendance, 12);
	assert_int_equal(sol.score.reach, 2);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_pins_are_always_chosen(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solve_options o = {0};
	cv_solution sol;
	size_t pin = 2;
	(void)state;
	c->count = 2;
	fx_student(r, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(r, "b", "UTC", "Mon 10:00-11:00", NULL, NULL, 1);
	fx_student(r, "c", "UTC", "Mon 10:00-11:00", NULL, NULL, 1);
	o.pins = &pin;
	o.npins = 1;
	solve_ok(&sol, c, r, &o);
	assert_int_equal(sol.count, 2);
	assert_int_equal(sol.slots[0], 1);
	assert_int_equal(sol.slots[1], 2);
	assert_int_equal(sol.score.attendance, 8);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_excluded_candidates_are_never_chosen(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solve_options o = {0};
	cv_solution sol;
	uint8_t excluded[3] = {0, 1, 0};
	size_t pin = 1;
	cv_grid *g;
	(void)state;
	fx_student(r, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(r, "b", "UTC", "Mon 10:00-11:00", NULL, NULL, 3);
	o.excluded = excluded;
	solve_ok(&sol, c, r, &o);
	assert_int_equal(sol.count, 1);
	assert_int_equal(sol.slots[0], 0); /* 10:00 would serve b, but it is excluded */
	assert_int_equal(sol.score.attendance, 4);
	o.pins = &pin; /* pinning an excluded slot cannot be satisfied */
	o.npins = 1;
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_solve(&sol, g, &o), CV_ENOSLOT);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_no_candidate_is_no_slot(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-02-07", "Mon 09:00-09:30", 60, 30);
	cv_roster *r = fx_roster();
	cv_grid *g;
	cv_solution sol;
	(void)state;
	fx_student(r, "a", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_solve(&sol, g, NULL), CV_ENOSLOT);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

/* A larger instance: many zones, whole working week, three sections. */
static cv_roster *many_students(void)
{
	static const char *const zones[] = {"America/Los_Angeles", "Europe/London", "Asia/Tokyo",
					    "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo",
					    "Africa/Lagos", "Europe/Moscow"};
	static const char *const windows[] = {"Mon-Fri 18:00-22:00", "Mon-Fri 07:00-09:00",
					      "Weekends 10:00-16:00; Wed 12:00-13:30",
					      "Tue,Thu 20:00-23:30", "Mon-Fri 12:00-14:00"};
	cv_roster *r = fx_roster();
	char id[16];
	size_t i;
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "s%02zu", i);
		fx_student(r, id, zones[i % 8], windows[(i * 3 + i / 8) % 5], NULL, NULL,
			   1 + (unsigned)(i % 3));
	}
	return r;
}

static void test_time_limit_reports_a_bound_not_optimality(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-01-11", "2027-04-30",
				 "Mon-Fri 08:00-21:00", 60, 15);
	cv_roster *r = many_students();
	cv_solve_options o = {0};
	cv_solution limited, full;
	(void)state;
	c->count = 3;
	o.time_limit = 1e-9;
	solve_ok(&limited, c, r, &o);
	assert_false(limited.optimal);
	assert_true(cv_score_compare(&limited.bound, &limited.score, c->objective) >= 0);
	solve_ok(&full, c, r, NULL);
	assert_true(full.optimal);
	assert_true(cv_score_compare(&full.score, &limited.score, c->objective) >= 0);
	assert_true(cv_score_compare(&limited.bound, &full.score, c->objective) >= 0);
	cv_roster_free(r);
	cv_course_free(c);
}

/* The middle slot serves most students, so greedy takes it first; but the
 * two outer slots together serve more.  With no time to search, the answer
 * is the start the swaps polished, and already the optimum. */
static void test_a_swap_fixes_the_greedy_start_before_any_search(void **state)
{
	cv_course *c = three_slots();
	cv_roster *r = fx_roster();
	cv_solve_options o = {0};
	cv_solution sol;
	(void)state;
	c->count = 2;
	fx_student(r, "a", "UTC", "Mon 09:00-11:00", NULL, NULL, 2);
	fx_student(r, "b", "UTC", "Mon 10:00-12:00", NULL, NULL, 2);
	fx_student(r, "c", "UTC", "Mon 09:00-10:00", NULL, NULL, 2);
	fx_student(r, "d", "UTC", "Mon 11:00-12:00", NULL, NULL, 2);
	fx_student(r, "e", "UTC", "Mon 10:00-11:00", NULL, NULL, 1);
	o.time_limit = 1e-9;
	solve_ok(&sol, c, r, &o);
	assert_false(sol.optimal);
	assert_int_equal(sol.count, 2);
	assert_int_equal(sol.slots[0], 0); /* 09:00 */
	assert_int_equal(sol.slots[1], 2); /* 11:00 */
	assert_int_equal(sol.score.attendance, 8 * 4); /* greedy's 09:00 + 10:00 has 7 * 4 */
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_same_input_same_plan(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-01-11", "2027-04-30",
				 "Mon-Fri 08:00-21:00", 60, 30);
	cv_roster *r = many_students();
	cv_solution a, b;
	cv_grid *g;
	cv_score e;
	(void)state;
	c->count = 2;
	c->min_gap = 120;
	solve_ok(&a, c, r, NULL);
	solve_ok(&b, c, r, NULL);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	cv_evaluate(&e, g, a.slots, a.count);
	assert_memory_equal(&e, &a.score, sizeof(e));
	assert_true(cv_grid_compatible(g, a.slots[0], a.slots[1]));
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

/* --top: the N best plans are the first N of every compatible pair ranked by
 * value (then home-week order), as an exhaustive ranking with cv_evaluate says. */
static void test_top_plans_match_an_exhaustive_ranking(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-01-11", "2027-03-31",
				 "Mon,Wed 09:00-14:00", 60, 60);
	cv_roster *r = many_students();
	cv_solution top[12];
	struct ranked { cv_score v; size_t a, b; } all[400], x;
	size_t n = 0, got, i, j, k;
	cv_grid *g;
	(void)state;
	c->count = 2;
	c->min_gap = 60;
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	for (i = 0; i < cv_grid_candidates(g); i++)
		for (j = i + 1; j < cv_grid_candidates(g); j++) {
			size_t set[2] = {i, j};
			if (!cv_grid_compatible(g, i, j))
				continue;
			cv_evaluate(&all[n].v, g, set, 2);
			all[n].a = i;
			all[n].b = j;
			n++;
		}
	/* insertion sort: value descending, then the earlier pair */
	for (i = 1; i < n; i++) {
		x = all[i];
		for (k = i; k > 0; k--) {
			int cmp = cv_score_compare(&x.v, &all[k - 1].v, c->objective);
			if (cmp < 0 || (cmp == 0 && (all[k - 1].a < x.a ||
						     (all[k - 1].a == x.a && all[k - 1].b < x.b))))
				break;
			all[k] = all[k - 1];
		}
		all[k] = x;
	}
	assert_int_equal(cv_solve_top(top, &got, 12, g, NULL), CV_OK);
	assert_int_equal(got, 12);
	for (i = 0; i < got; i++) {
		assert_true(top[i].optimal);
		assert_int_equal(top[i].slots[0], all[i].a);
		assert_int_equal(top[i].slots[1], all[i].b);
		assert_memory_equal(&top[i].score, &all[i].v, sizeof(cv_score));
	}
	assert_int_equal(cv_solve_top(top, &got, 0, g, NULL), CV_EUSAGE);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_choose_the_earliest_of_equal_optima),
		cmocka_unit_test(test_weights_change_the_choice),
		cmocka_unit_test(test_min_gap_excludes_back_to_back_slots),
		cmocka_unit_test(test_reach_objective_prefers_more_students),
		cmocka_unit_test(test_preferred_windows_break_attendance_ties),
		cmocka_unit_test(test_series_count_every_session),
		cmocka_unit_test(test_pins_are_always_chosen),
		cmocka_unit_test(test_excluded_candidates_are_never_chosen),
		cmocka_unit_test(test_top_plans_match_an_exhaustive_ranking),
		cmocka_unit_test(test_no_candidate_is_no_slot),
		cmocka_unit_test(test_time_limit_reports_a_bound_not_optimality),
		cmocka_unit_test(test_a_swap_fixes_the_greedy_start_before_any_search),
		cmocka_unit_test(test_same_input_same_plan),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
