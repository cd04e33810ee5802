/*
 * test_schedule.c - a course from its file to its plan through the library
 * (convene/schedule.h), as the command line and the web server use it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define COURSE TEST_DATA "small_course.ini"

static cv_schedule *load(cv_errors *errs)
{
	cv_schedule *s = NULL;
	assert_int_equal(cv_schedule_load(&s, COURSE, errs), CV_OK);
	return s;
}

static cv_errors *fresh(void)
{
	cv_errors *e = NULL;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	return e;
}

static void test_schedule_load_solve_gives_the_plan_of_the_steps(void **state)
{
	cv_errors *errs = fresh();
	cv_schedule *s = load(errs);
	cv_schedule_options o;
	cv_solution sol;
	const cv_plan *p;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_null(cv_schedule_plan(s));
	assert_int_equal(cv_schedule_prepare(s, &o, errs), CV_OK);
	assert_int_equal(cv_schedule_solve(s, errs), CV_OK);
	p = cv_schedule_plan(s);
	assert_non_null(p);
	/* the same as the steps taken one by one */
	assert_int_equal(cv_solve(&sol, cv_schedule_grid(s), NULL), CV_OK);
	assert_int_equal(p->solution.score.attendance, sol.score.attendance);
	assert_int_equal(p->solution.count, sol.count);
	assert_int_equal(p->solution.slots[0], sol.slots[0]);
	assert_int_equal(p->nstudents, cv_schedule_roster(s)->count);
	assert_true(cv_schedule_timing(s).read >= 0 && cv_schedule_timing(s).solve >= 0);
	cv_schedule_free(s);
	cv_errors_free(errs);
}

static void test_schedule_pin_is_chosen_and_bad_pins_are_usage_errors(void **state)
{
	const char *good[] = {"Mon 09:00"}, *offgrid[] = {"Mon 11:30"}, *junk[] = {"Someday 9"};
	cv_errors *errs = fresh();
	cv_schedule *s = load(errs);
	cv_schedule_options o;
	cv_slot slot;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.pins = good;
	o.npins = 1;
	assert_int_equal(cv_schedule_prepare(s, &o, errs), CV_OK);
	assert_int_equal(cv_schedule_solve(s, errs), CV_OK);
	slot = cv_grid_slot(cv_schedule_grid(s), cv_schedule_plan(s)->solution.slots[0]);
	/* not the unpinned optimum (Mon 11:00) */
	assert_int_equal(slot.weekday, 0);
	assert_int_equal(slot.start, 9 * 60);
	cv_schedule_free(s);

	s = load(errs);
	o.pins = offgrid;
	assert_int_equal(cv_schedule_prepare(s, &o, errs), CV_EUSAGE);
	assert_non_null(strstr(cv_errors_get(errs, cv_errors_count(errs) - 1)->message,
			       "\"Mon 11:30\" is not a candidate"));
	assert_int_equal(cv_schedule_solve(s, errs), CV_EUSAGE); /* not prepared */
	cv_schedule_free(s);

	s = load(errs);
	o.pins = junk;
	assert_int_equal(cv_schedule_prepare(s, &o, errs), CV_EUSAGE);
	assert_non_null(strstr(cv_errors_get(errs, cv_errors_count(errs) - 1)->message,
			       "expected a weekday and a time"));
	cv_schedule_free(s);
	cv_errors_free(errs);
}

static void test_schedule_exclusion_removes_the_slots_it_overlaps(void **state)
{
	const char *ex[] = {"Mon 10:30-12:00"}, *bad[] = {"Funday"};
	cv_errors *errs = fresh();
	cv_schedule *s = load(errs);
	cv_schedule_options o;
	cv_slot slot;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.excludes = ex;
	o.nexcludes = 1;
	assert_int_equal(cv_schedule_prepare(s, &o, errs), CV_OK);
	assert_int_equal(cv_schedule_solve(s, errs), CV_OK);
	/* the window is Mon 09:00-12:00 in 60-minute steps and the optimum Mon 11:00:
	 * only 09:00 does not overlap the exclusion */
	slot = cv_grid_slot(cv_schedule_grid(s), cv_schedule_plan(s)->solution.slots[0]);
	assert_int_equal(slot.start, 9 * 60);
	cv_schedule_free(s);

	s = load(errs);
	o.excludes = bad;
	assert_int_equal(cv_schedule_prepare(s, &o, errs), CV_EUSAGE);
	cv_schedule_free(s);
	cv_errors_free(errs);
}

static void test_schedule_missing_course_is_missing_input(void **state)
{
	cv_errors *errs = fresh();
	cv_schedule *s = NULL;

	(void)state;
	assert_int_equal(cv_schedule_load(&s, TEST_DATA "no_such_course.ini", errs), CV_ENOINPUT);
	assert_null(s);
	assert_int_equal(cv_errors_code(errs), CV_ENOINPUT);
	cv_schedule_free(NULL);
	cv_errors_free(errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule_load_solve_gives_the_plan_of_the_steps),
		cmocka_unit_test(test_schedule_pin_is_chosen_and_bad_pins_are_usage_errors),
		cmocka_unit_test(test_schedule_exclusion_removes_the_slots_it_overlaps),
		cmocka_unit_test(test_schedule_missing_course_is_missing_input),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
