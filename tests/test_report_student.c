/*
 * test_report_student.c - what a plan means for one student
 * (cv_report_student_text/json) and a student's hours previewed under a
 * plan's sessions (cv_plan_preview).  The course is tests/data/small_course.ini
 * with its one session pinned to Monday 09:00 New York: Mondays 1, 8, 15, 29
 * March and 5 April 2027 (22 March is a holiday); the US clocks change on
 * 14 March, the EU's on 28 March.  Every expectation is worked by hand from
 * those dates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct world {
	cv_schedule *s;
	const cv_plan *plan;
} world;

static int setup(void **state)
{
	static const char *pins[] = {"Mon 09:00"};
	world *w = calloc(1, sizeof(*w));
	cv_schedule_options o;

	memset(&o, 0, sizeof(o));
	o.pins = pins;
	o.npins = 1;
	assert_int_equal(cv_schedule_load(&w->s, TEST_DATA "small_course.ini", NULL), 0);
	assert_int_equal(cv_schedule_prepare(w->s, &o, NULL), 0);
	assert_int_equal(cv_schedule_solve(w->s, NULL), 0);
	w->plan = cv_schedule_plan(w->s);
	assert_int_equal(w->plan->nsessions, 1);
	assert_int_equal(w->plan->sessions[0].slot.start, 9 * 60);
	assert_int_equal(w->plan->sessions[0].noccurrences, 5);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;
	cv_schedule_free(w->s);
	free(w);
	return 0;
}

/* The one-line text for a student previewed with these hours. */
static void preview_text(char *out, size_t size, const cv_plan *plan, const char *zone,
			 const char *hours, const char *away, size_t *live)
{
	cv_preview *p = NULL;
	cv_student st;
	cv_window *w = NULL;
	size_t n = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(&st, 0, sizeof(st));
	st.id = "x1";
	st.name = "X";
	st.email = "";
	st.locale = "";
	st.weight = 1;
	assert_int_equal(cv_zone_lookup(&st.zone, zone, NULL, 0), 0);
	assert_int_equal(cv_avail_new(&st.avail, st.zone), 0);
	assert_int_equal(cv_windows_parse(&w, &n, hours, NULL, NULL), 0);
	assert_int_equal(cv_avail_add_windows(st.avail, w, n, 0), 0);
	free(w);
	if (away) {
		cv_daterange *d = NULL;
		assert_int_equal(cv_dates_parse(&d, &n, away, NULL, NULL), 0);
		assert_int_equal(cv_avail_add_away(st.avail, d, n), 0);
		free(d);
	}
	assert_int_equal(cv_plan_preview(&p, plan, &st), 0);
	assert_int_equal(cv_preview_plan(p)->nstudents, 1);
	*live = cv_preview_plan(p)->students[0].nlive;
	f = open_memstream(&text, &len);
	assert_int_equal(cv_report_student_text(f, cv_preview_plan(p), 0), 0);
	fclose(f);
	snprintf(out, size, "%s", text);
	free(text);
	cv_preview_free(p);
}

static void test_preview_london_misses_the_week_between_the_two_changes(void **state)
{
	world *w = *state;
	char text[1024];
	size_t live;

	/* 09:00 New York is 14:00 London, except on 15 March (13:00): the US moved first. */
	preview_text(text, sizeof(text), w->plan, "Europe/London", "Mon 14:00-15:00", NULL, &live);
	assert_int_equal(live, 4);
	assert_non_null(strstr(text, "You can attend 4 of 5 sessions live; the one you miss is after "
				     "the clocks of America/New_York change on 14 March."));
	assert_non_null(strstr(text, "Your section: Mon 09:00-10:00 America/New_York, for you Mon "
				     "14:00-15:00 (Europe/London) until 8 March, then Mon 13:00-14:00 "
				     "until 15 March, then Mon 14:00-15:00."));
}

static void test_preview_tokyo_loses_every_week_after_the_us_change(void **state)
{
	world *w = *state;
	char text[1024];
	size_t live;

	/* 09:00 New York is 23:00 Tokyo in EST, 22:00 in EDT; Tokyo never changes. */
	preview_text(text, sizeof(text), w->plan, "Asia/Tokyo", "Mon 23:00-24:00", NULL, &live);
	assert_int_equal(live, 2);
	assert_non_null(strstr(text, "You can attend 2 of 5 sessions live; the 3 you miss are after "
				     "the clocks of America/New_York change on 14 March."));
}

static void test_preview_names_each_reason_with_its_count(void **state)
{
	world *w = *state;
	char text[1024];
	size_t live;

	/* London again, away on 1 March: one away, one clock change, three live. */
	preview_text(text, sizeof(text), w->plan, "Europe/London", "Mon 14:00-15:00",
		     "2027-03-01", &live);
	assert_int_equal(live, 3);
	assert_non_null(strstr(text, "You can attend 3 of 5 sessions live; you miss 2: 1 on days you "
				     "are away, 1 after the clocks of America/New_York change on 14 "
				     "March."));
	/* hours that never meet the session */
	preview_text(text, sizeof(text), w->plan, "Europe/London", "Tue 14:00-15:00", NULL, &live);
	assert_int_equal(live, 0);
	assert_non_null(strstr(text, "You cannot attend any of the 5 sessions live: they are outside "
				     "your hours."));
	/* the home zone itself: no "for you" */
	preview_text(text, sizeof(text), w->plan, "America/New_York", "Mon 08:00-12:00", NULL,
		     &live);
	assert_int_equal(live, 5);
	assert_non_null(strstr(text, "You can attend all 5 sessions live. Your section: Mon "
				     "09:00-10:00 America/New_York."));
}

static void test_student_text_of_the_solved_plan_and_bad_index(void **state)
{
	world *w = *state;
	const cv_roster *r = cv_schedule_roster(w->s);
	size_t i;
	FILE *f = fopen("/dev/null", "w");

	for (i = 0; i < r->count; i++)
		assert_int_equal(cv_report_student_text(f, w->plan, i), 0);
	assert_int_equal(cv_report_student_text(f, w->plan, r->count), CV_EDATA);
	assert_int_equal(cv_report_student_json(f, w->plan, r->count), CV_EDATA);
	fclose(f);
}

static void test_student_json_lists_every_occurrence_on_the_student_clock(void **state)
{
	world *w = *state;
	const cv_roster *r = cv_schedule_roster(w->s);
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	/* s01 is Zoë in London, Mon 14:00-17:00: live but on 15 March (13:00). */
	for (i = 0; i < r->count && strcmp(r->students[i].id, "s01"); i++)
		;
	assert_true(i < r->count);
	f = open_memstream(&text, &len);
	assert_int_equal(cv_report_student_json(f, w->plan, i), 0);
	fclose(f);
	assert_non_null(strstr(text, "\"id\": \"s01\", \"timezone\": \"Europe/London\", "
				     "\"expected\": 5, \"live\": 4, \"missed\": {\"away\": 0, "
				     "\"busy\": 0, \"clocks\": 1, \"hours\": 0}, \"section\": 1"));
	assert_non_null(strstr(text, "{\"start\": \"2027-03-15T13:00:00Z\", \"session\": 1, \"date\": "
				     "\"2027-03-15\", \"weekday\": \"Mon\", \"time\": \"13:00\", "
				     "\"live\": false, \"reason\": \"clocks\"}"));
	assert_non_null(strstr(text, "\"text\": \"You can attend 4 of 5"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preview_london_misses_the_week_between_the_two_changes),
		cmocka_unit_test(test_preview_tokyo_loses_every_week_after_the_us_change),
		cmocka_unit_test(test_preview_names_each_reason_with_its_count),
		cmocka_unit_test(test_student_text_of_the_solved_plan_and_bad_index),
		cmocka_unit_test(test_student_json_lists_every_occurrence_on_the_student_clock),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	cv_tz_cleanup();
	return rc;
}
