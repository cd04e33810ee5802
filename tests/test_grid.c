/* test_grid.c - candidates, occurrences, attendance across clock changes, groups. */
#include "fixture.h"
#include "../src/grid_int.h"

static void test_candidates_lie_inside_one_window(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-01-11", "2027-01-31",
				 "Mon 09:00-11:00; Wed 13:00-13:45", 60, 30);
	cv_roster *r = fx_roster();
	cv_grid *g;
	(void)state;
	fx_student(r, "a", "UTC", "Daily 00:00-24:00", NULL, NULL, 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	/* Mon 09:00, 09:30, 10:00; Wed 13:00-13:45 is shorter than a session */
	assert_int_equal(cv_grid_candidates(g), 3);
	assert_int_equal(cv_grid_slot(g, 0).weekday, 0);
	assert_int_equal(cv_grid_slot(g, 0).start, 9 * 60);
	assert_int_equal(cv_grid_slot(g, 2).start, 10 * 60);
	cv_slot s = {0, 9 * 60 + 30};
	size_t found = 7;
	assert_int_equal(cv_grid_find(&found, g, s), CV_OK);
	assert_int_equal(found, 1);
	s.start = 9 * 60 + 15;
	assert_int_equal(cv_grid_find(&found, g, s), CV_ENOTFOUND);
	assert_int_equal(found, 1); /* untouched */
	s.weekday = 6; /* past the last candidate */
	assert_int_equal(cv_grid_find(&found, g, s), CV_ENOTFOUND);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_overnight_window_wraps_the_week(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-01-31", "Sun 23:00-01:00", 60, 30);
	cv_roster *r = fx_roster();
	cv_grid *g;
	(void)state;
	fx_student(r, "a", "UTC", "Daily 00:00-24:00", NULL, NULL, 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	/* Mon 00:00 (the window's tail, home-week order first), Sun 23:00, Sun 23:30 */
	assert_int_equal(cv_grid_candidates(g), 3);
	assert_int_equal(cv_grid_week_minute(g, 0), 0);
	assert_int_equal(cv_grid_week_minute(g, 1), 6 * 1440 + 23 * 60);
	assert_int_equal(cv_grid_week_minute(g, 2), 6 * 1440 + 23 * 60 + 30);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_min_gap_is_measured_on_the_week_cycle(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-01-31", "Daily 00:00-24:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_grid *g;
	cv_slot mon0 = {0, 0}, mon1 = {0, 60}, mon3 = {0, 180}, sun22 = {6, 22 * 60},
		sun23 = {6, 23 * 60}, sun21 = {6, 21 * 60};
	(void)state;
	c->min_gap = 120;
	fx_student(r, "a", "UTC", "Daily 00:00-24:00", NULL, NULL, 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_grid_candidates(g), 7 * 24);
#define IDX(s) test_candidate(g, s)
	assert_false(cv_grid_compatible(g, IDX(mon0), IDX(mon0)));
	assert_false(cv_grid_compatible(g, IDX(mon0), IDX(mon1)));  /* overlap-free but gap 0 */
	assert_true(cv_grid_compatible(g, IDX(mon0), IDX(mon3)));   /* 01:00 -> 03:00 is 2 h */
	assert_true(cv_grid_compatible(g, IDX(mon3), IDX(mon0)));   /* symmetric */
	/* across the week's end: Sun 23:00-24:00 then Mon 00:00 has no gap */
	assert_false(cv_grid_compatible(g, IDX(sun23), IDX(mon0)));
	assert_false(cv_grid_compatible(g, IDX(sun22), IDX(mon0)));  /* ends 23:00, 1 h gap */
	assert_true(cv_grid_compatible(g, IDX(sun21), IDX(mon0)));   /* ends 22:00, 2 h gap */
#undef IDX
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_occurrences_keep_home_wall_time_and_skip_holidays(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-03-31", "Mon 14:00-15:00",
				 60, 60);
	cv_roster *r = fx_roster();
	cv_grid *g;
	int64_t t;
	(void)state;
	fx_holidays(c, "2027-03-22");
	fx_student(r, "a", "UTC", "Daily 00:00-24:00", NULL, NULL, 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_grid_candidates(g), 1);
	assert_int_equal(cv_grid_weeks(g), 5);  /* Mondays 1, 8, 15, 22, 29 */
	assert_int_equal(cv_grid_occurrence_count(g, 0), 4);
	assert_int_equal(cv_grid_occurrence(&t, g, 0, 0), CV_OK);
	assert_int_equal(t, test_utc(2027, 3, 1, 19, 0));  /* EST */
	assert_int_equal(cv_grid_occurrence(&t, g, 0, 2), CV_OK);
	assert_int_equal(t, test_utc(2027, 3, 15, 18, 0)); /* EDT from 2027-03-14 */
	assert_int_equal(cv_grid_occurrence(&t, g, 0, 3), CV_ENOTFOUND); /* holiday */
	assert_int_equal(cv_grid_occurrence(&t, g, 0, 5), CV_ENOTFOUND); /* past the term */
	assert_int_equal(t, test_utc(2027, 3, 15, 18, 0)); /* untouched when there is none */
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

/* Mon 14:00 New York is 20:00 Berlin except in the two weeks between the US
 * change (14 March) and the EU change (28 March), when it is 19:00. */
static void test_attendance_follows_each_weeks_offsets(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-04-11", "Mon 14:00-15:00",
				 60, 60);
	cv_roster *r = fx_roster();
	cv_grid *g;
	uint64_t weeks[CV_WEEK_WORDS];
	(void)state;
	fx_student(r, "berlin", "Europe/Berlin", "Mon 19:30-21:00", NULL, NULL, 1);
	fx_student(r, "early", "Europe/Berlin", "Mon 18:45-20:15", NULL, NULL, 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_grid_occurrence_count(g, 0), 6);
	assert_int_equal(cv_grid_attend(g, cv_grid_student_group(g, 0), 0), 4);
	assert_int_equal(Cv_grid_attend_weeks(weeks, g, cv_grid_student_group(g, 0), 0), CV_OK);
	assert_int_equal(weeks[0], 0x3 | 0x30); /* weeks 0,1 and 4,5; not 15 and 22 March */
	/* 18:45-20:15 holds 19:00-20:00 only in the two offset weeks */
	assert_int_equal(cv_grid_attend(g, cv_grid_student_group(g, 1), 0), 2);
	{
		/* the plan's view, per definition, says the same week by week */
		size_t cand = 0, d0 = cv_grid_student_definition(g, 0);
		size_t d1 = cv_grid_student_definition(g, 1);
		uint64_t *byweek = NULL;
		assert_int_equal(cv_grid_definition_weeks(&byweek, g, &cand, 1), CV_OK);
		assert_int_equal(byweek[(d0 * 1 + 0) * 2 * CV_WEEK_WORDS], 0x3 | 0x30);
		assert_int_equal(byweek[(d1 * 1 + 0) * 2 * CV_WEEK_WORDS], 0x4 | 0x8);
		/* no preferred windows: no preferred weeks */
		assert_int_equal(byweek[((d0 * 1 + 0) * 2 + 1) * CV_WEEK_WORDS], 0);
		free(byweek);
	}
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

/* On 2027-03-14 New York's 02:00-02:59 does not exist: per RFC 5545 02:30 is
 * read with the offset before the gap (07:30Z), after 03:00 (07:00Z), so
 * occurrences in home-week order step back in time; attendance must not care. */
static void test_spring_forward_gap_times_resolve_after_the_gap(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-08", "2027-03-20", "Sun 01:00-04:00",
				 15, 15);
	cv_roster *r = fx_roster();
	cv_grid *g;
	size_t i;
	int64_t t;
	(void)state;
	fx_student(r, "utc", "UTC", "Sun 07:00-07:45", NULL, NULL, 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_grid_candidates(g), 12);
	for (i = 0; i < 12; i++) {
		unsigned m = cv_grid_slot(g, i).start;
		int inside = m == 120 || m == 135 || m == 150 || m == 180 || m == 195 || m == 210;
		assert_int_equal(cv_grid_occurrence(&t, g, i, 0), CV_OK);
		assert_int_equal(cv_grid_attend(g, 0, i), inside);
	}
	assert_int_equal(cv_grid_occurrence(&t, g, 6, 0), CV_OK); /* 02:30 */
	assert_int_equal(t, test_utc(2027, 3, 14, 7, 30));
	assert_int_equal(cv_grid_occurrence(&t, g, 8, 0), CV_OK); /* 03:00 */
	assert_int_equal(t, test_utc(2027, 3, 14, 7, 0));
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_identical_students_merge_into_weighted_groups(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-02-07", "Mon-Fri 09:00-17:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_grid *g;
	const size_t *m;
	size_t n;
	(void)state;
	fx_student(r, "a", "Europe/Paris", "Mon 10:00-12:00", NULL, NULL, 1);
	fx_student(r, "b", "Asia/Tokyo", "Tue 18:00-20:00", NULL, NULL, 2);
	fx_student(r, "c", "Europe/Paris", "Mon 10:00-12:00", NULL, NULL, 3);
	/* different definition, same row: Berlin has Paris's offsets all term */
	fx_student(r, "d", "Europe/Berlin", "Mon 10:00-12:00", NULL, NULL, 1);
	fx_student(r, "e", "Europe/Paris", "Mon 10:00-12:00", NULL, "2027-01-18", 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_grid_groups(g), 3);
	assert_int_equal(cv_grid_student_group(g, 0), cv_grid_student_group(g, 2));
	assert_int_equal(cv_grid_student_group(g, 0), cv_grid_student_group(g, 3));
	assert_int_not_equal(cv_grid_student_group(g, 0), cv_grid_student_group(g, 4));
	assert_int_equal(cv_grid_group_weight(g, cv_grid_student_group(g, 0)), 5);
	m = cv_grid_group_members(g, cv_grid_student_group(g, 0), &n);
	assert_int_equal(n, 3);
	assert_int_equal(m[0], 0);
	assert_int_equal(m[1], 2);
	assert_int_equal(m[2], 3);
	cv_grid_free(g);
	cv_roster_free(r);
	cv_course_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_candidates_lie_inside_one_window),
		cmocka_unit_test(test_overnight_window_wraps_the_week),
		cmocka_unit_test(test_min_gap_is_measured_on_the_week_cycle),
		cmocka_unit_test(test_occurrences_keep_home_wall_time_and_skip_holidays),
		cmocka_unit_test(test_attendance_follows_each_weeks_offsets),
		cmocka_unit_test(test_spring_forward_gap_times_resolve_after_the_gap),
		cmocka_unit_test(test_identical_students_merge_into_weighted_groups),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
