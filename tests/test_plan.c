/* test_plan.c - sessions, assignment, live or alternative, and the reasons. */
#include "fixture.h"

static cv_plan *plan_of(cv_course *c, cv_roster *r)
{
	cv_grid *g;
	cv_solution sol;
	cv_plan *p;
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_solve(&sol, g, NULL), CV_OK);
	assert_int_equal(cv_plan_build(&p, g, &sol), CV_OK);
	cv_grid_free(g);
	return p;
}

static int64_t occ_start(const cv_plan *p, const cv_expect *e)
{
	return p->sessions[e->session].occurrences[e->occurrence].start;
}

/* Mon 18:00 UTC is 19:00 in Berlin until Berlin's own change on 28 March
 * (01:00Z), then 20:00: a 19:00-20:00 student misses the weeks after, and
 * the reason names the student's zone. */
static void test_missed_weeks_name_the_students_own_clock_change(void **state)
{
	cv_course *c = fx_course("UTC", "2027-03-15", "2027-04-11", "Mon 18:00-19:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	const cv_student_plan *sp;
	size_t i, missed = 0;
	(void)state;
	fx_student(r, "berlin", "Europe/Berlin", "Mon 19:00-20:00", NULL, NULL, 1);
	p = plan_of(c, r);
	sp = &p->students[0];
	for (i = 0; i < sp->nexpects; i++) {
		const cv_expect *e = &sp->expects[i];
		int64_t t = occ_start(p, e);
		if (t < test_utc(2027, 3, 28, 1, 0)) {
			assert_int_equal(e->miss, CV_MISS_NONE);
		} else {
			assert_int_equal(e->miss, CV_MISS_CLOCKS);
			assert_int_equal(e->clock_change, test_utc(2027, 3, 28, 1, 0));
			assert_ptr_equal(e->clock_zone, cv_avail_zone(r->students[0].avail));
			missed++;
		}
	}
	assert_int_equal(missed, 2); /* 29 March and 5 April */
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* Mon 14:00 New York; Berlin 19:30-21:00 misses the two weeks between the
 * US and EU changes, and the reason names the US change (07:00Z, 14 March). */
static void test_missed_weeks_name_the_clock_change(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-04-11", "Mon 14:00-15:00",
				 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	const cv_student_plan *sp;
	size_t i;
	(void)state;
	fx_student(r, "berlin", "Europe/Berlin", "Mon 19:30-21:00", NULL, NULL, 1);
	p = plan_of(c, r);
	sp = &p->students[0];
	assert_int_equal(sp->section, 0);
	assert_int_equal(sp->nexpects, 6);
	assert_int_equal(sp->nlive, 4);
	for (i = 0; i < sp->nexpects; i++) {
		const cv_expect *e = &sp->expects[i];
		int64_t t = occ_start(p, e);
		if (t == test_utc(2027, 3, 15, 18, 0) || t == test_utc(2027, 3, 22, 18, 0)) {
			assert_int_equal(e->miss, CV_MISS_CLOCKS);
			assert_int_equal(e->clock_change, test_utc(2027, 3, 14, 7, 0));
			assert_ptr_equal(e->clock_zone, c->zone); /* New York's, not Berlin's */
		} else {
			assert_int_equal(e->miss, CV_MISS_NONE);
		}
	}
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* Tue 14:00 New York is 09:00 in Honolulu until New York's change on
 * 14 March, then 08:00: a 06:00-09:00 student attends only after it.  The
 * weeks before were never in their hours, so they are missed for "hours",
 * not lost to a clock change (a later change brings the session in; none
 * moved it out). */
static void test_a_miss_before_the_first_attended_week_is_outside_hours(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-03-28", "Tue 14:00-15:00",
				 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	const cv_student_plan *sp;
	size_t i, before = 0, after = 0;
	(void)state;
	fx_student(r, "hnl", "Pacific/Honolulu", "Mon-Fri 06:00-09:00", NULL, NULL, 1);
	p = plan_of(c, r);
	sp = &p->students[0];
	assert_int_equal(sp->nexpects, 4);
	for (i = 0; i < sp->nexpects; i++) {
		const cv_expect *e = &sp->expects[i];
		if (occ_start(p, e) < test_utc(2027, 3, 14, 7, 0)) {
			assert_int_equal(e->miss, CV_MISS_HOURS);
			assert_int_equal(e->clock_change, 0);
			assert_null(e->clock_zone);
			before++;
		} else {
			assert_int_equal(e->miss, CV_MISS_NONE);
			after++;
		}
	}
	assert_int_equal(before, 2);
	assert_int_equal(after, 2);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* A student whose hours the session never fits, before or after a clock
 * change, misses every week for "hours". */
static void test_a_student_who_never_attends_misses_for_hours(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-03-28", "Tue 14:00-15:00",
				 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	size_t i;
	(void)state;
	fx_student(r, "tyo", "Asia/Tokyo", "Mon-Fri 18:00-22:00", NULL, NULL, 1);
	p = plan_of(c, r);
	assert_int_equal(p->students[0].nlive, 0);
	assert_int_equal(p->students[0].nexpects, 4);
	for (i = 0; i < p->students[0].nexpects; i++) {
		assert_int_equal(p->students[0].expects[i].miss, CV_MISS_HOURS);
		assert_int_equal(p->students[0].expects[i].clock_change, 0);
	}
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* Attended in January, missed in April after both the US and the EU
 * changes: the change named is the first one after the last attended week
 * that altered the difference (New York's, 14 March), and a later attended
 * week does not turn the weeks before it into "clocks". */
static void test_a_miss_after_an_attended_week_names_the_first_moving_change(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-04-11", "Mon 13:00-14:00",
				 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	const cv_student_plan *sp;
	size_t i;
	(void)state;
	/* 18:00Z is 19:00 Berlin before 14 March, 17:00Z is 18:00 between, 19:00 after 28 March */
	fx_student(r, "berlin", "Europe/Berlin", "Mon 19:00-20:00", NULL, NULL, 1);
	p = plan_of(c, r);
	sp = &p->students[0];
	assert_int_equal(sp->nexpects, 6);
	for (i = 0; i < sp->nexpects; i++) {
		const cv_expect *e = &sp->expects[i];
		int64_t t = occ_start(p, e);
		if (t == test_utc(2027, 3, 15, 17, 0) || t == test_utc(2027, 3, 22, 17, 0)) {
			assert_int_equal(e->miss, CV_MISS_CLOCKS);
			assert_int_equal(e->clock_change, test_utc(2027, 3, 14, 7, 0));
			assert_ptr_equal(e->clock_zone, c->zone);
		} else {
			assert_int_equal(e->miss, CV_MISS_NONE);
		}
	}
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_away_dates_and_hours_are_reasons(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-02-07", "Mon 09:00-10:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	(void)state;
	fx_student(r, "away", "Asia/Tokyo", "Mon 18:00-19:00", NULL, "2027-01-25", 1);
	fx_student(r, "never", "Asia/Tokyo", "Mon 08:00-09:00", NULL, NULL, 1);
	p = plan_of(c, r);
	assert_int_equal(p->students[0].nlive, 3);
	assert_int_equal(p->students[0].expects[2].miss, CV_MISS_AWAY);
	assert_int_equal(occ_start(p, &p->students[0].expects[2]), test_utc(2027, 1, 25, 9, 0));
	assert_int_equal(p->students[1].nlive, 0);
	assert_int_equal(p->students[1].nexpects, 4);
	assert_int_equal(p->students[1].expects[0].miss, CV_MISS_HOURS);
	assert_string_equal(cv_miss_text(CV_MISS_AWAY), "you are away that day");
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_students_take_their_best_section(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-02-07", "Mon 09:00-12:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	(void)state;
	c->count = 2;
	c->min_gap = 60;
	fx_student(r, "late", "UTC", "Mon 11:00-12:00", NULL, NULL, 1);
	fx_student(r, "early", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	fx_student(r, "both", "UTC", "Mon 09:00-12:00", "Mon 11:00-12:00", NULL, 1);
	fx_student(r, "none", "UTC", "Tue 09:00-10:00", NULL, NULL, 1);
	p = plan_of(c, r);
	assert_int_equal(p->nsessions, 2);
	assert_int_equal(p->sessions[0].index, 1);
	assert_int_equal(p->sessions[0].slot.start, 9 * 60);
	assert_int_equal(p->sessions[1].slot.start, 11 * 60);
	assert_int_equal(p->students[0].section, 1);
	assert_int_equal(p->students[1].section, 0);
	assert_int_equal(p->students[2].section, 1); /* tie broken by the preferred window */
	assert_int_equal(p->students[3].section, 0); /* nothing fits: the earliest section */
	assert_int_equal(p->sessions[0].nstudents, 2);
	assert_int_equal(p->sessions[1].nstudents, 2);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_series_expects_every_session_in_time_order(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-02-07", "Mon,Thu 09:00-10:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	size_t i;
	(void)state;
	c->mode = CV_MODE_SERIES;
	c->count = 2;
	fx_student(r, "mon", "UTC", "Mon 09:00-10:00", NULL, NULL, 1);
	p = plan_of(c, r);
	assert_int_equal(p->students[0].section, -1);
	assert_int_equal(p->students[0].nexpects, 8);
	assert_int_equal(p->students[0].nlive, 4);
	for (i = 1; i < 8; i++)
		assert_true(occ_start(p, &p->students[0].expects[i - 1]) <
			    occ_start(p, &p->students[0].expects[i]));
	assert_int_equal(p->sessions[0].nstudents, 1);
	assert_int_equal(p->sessions[1].nstudents, 1);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* ---- who misses what: cv_plan_tally() ---- */

/* Mondays 09:00Z from 11 January: "away" misses 25 January (away), "never" every week (hours). */
static void test_each_occurrence_lists_who_misses_it_and_why(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-02-07", "Mon 09:00-10:00", 60, 60);
	cv_roster *r = fx_roster();
	const cv_occurrence *o;
	cv_plan *p;
	size_t w;
	(void)state;
	fx_student(r, "away", "Asia/Tokyo", "Mon 18:00-19:00", NULL, "2027-01-25", 1);
	fx_student(r, "never", "Asia/Tokyo", "Mon 08:00-09:00", NULL, NULL, 1);
	p = plan_of(c, r);
	assert_int_equal(p->sessions[0].noccurrences, 4);
	o = &p->sessions[0].occurrences[2];
	assert_int_equal(o->start, test_utc(2027, 1, 25, 9, 0));
	assert_int_equal(o->nabsent, 2);
	assert_int_equal(o->absent[0].student, 0);
	assert_int_equal(o->absent[0].miss, CV_MISS_AWAY);
	assert_int_equal(o->absent[1].student, 1);
	assert_int_equal(o->absent[1].miss, CV_MISS_HOURS);
	assert_int_equal(o->nabsent_for[CV_MISS_AWAY], 1);
	assert_int_equal(o->nabsent_for[CV_MISS_HOURS], 1);
	assert_int_equal(o->nabsent_for[CV_MISS_NONE], 0);
	o = &p->sessions[0].occurrences[0];
	assert_int_equal(o->nabsent, 1);
	assert_int_equal(o->absent[0].student, 1);
	assert_int_equal(p->nabsences, 5);
	assert_int_equal(p->nweeks, 4);
	for (w = 0; w < 4; w++) {
		assert_int_equal(p->weeks[w].missed, w == 2 ? 2 : 1);
		assert_int_equal(p->weeks[w].students, w == 2 ? 2 : 1);
	}
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/*
 * A series of two sessions a week over a spring clock change, students in
 * four zones, some away: for every occurrence, the tally is exactly the
 * students whose expect for it is not live, in student order; a week
 * counts each student once however many of its sessions they miss.
 */
static void test_the_tally_is_every_missed_expect(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-02-22", "2027-04-25",
				 "Tue,Thu 08:00-18:00", 60, 60);
	cv_roster *r = fx_roster();
	size_t si, oi, i, j, w, total = 0;
	cv_plan *p;
	(void)state;
	c->mode = CV_MODE_SERIES;
	c->count = 2;
	fx_student(r, "lon", "Europe/London", "Tue,Thu 13:00-16:00", NULL, "2027-03-09", 1);
	fx_student(r, "chi", "America/Chicago", "Tue 09:00-12:00", NULL, NULL, 2);
	fx_student(r, "tok", "Asia/Tokyo", "Wed,Fri 00:00-03:00", NULL, "2027-03-25..2027-04-02", 1);
	fx_student(r, "ny", "America/New_York", "Thu 09:00-11:00", NULL, NULL, 1);
	fx_student(r, "lon2", "Europe/London", "Tue,Thu 13:00-16:00", NULL, "2027-03-09", 1);
	p = plan_of(c, r);
	assert_int_equal(p->nsessions, 2);
	for (si = 0; si < p->nsessions; si++) {
		for (oi = 0; oi < p->sessions[si].noccurrences; oi++) {
			const cv_occurrence *o = &p->sessions[si].occurrences[oi];
			size_t n = 0, by[CV_MISS_REASONS] = {0};
			for (i = 0; i < p->nstudents; i++)
				for (j = 0; j < p->students[i].nexpects; j++) {
					const cv_expect *e = &p->students[i].expects[j];
					if (e->session != si || e->occurrence != oi || e->miss == CV_MISS_NONE)
						continue;
					assert_true(n < o->nabsent);
					assert_int_equal(o->absent[n].student, i);
					assert_int_equal(o->absent[n].miss, e->miss);
					by[e->miss]++;
					n++;
				}
			assert_int_equal(o->nabsent, n);
			assert_memory_equal(o->nabsent_for, by, sizeof(by));
			total += n;
		}
	}
	assert_int_equal(p->nabsences, total);
	assert_true(total > 0);
	for (w = 0; w < p->nweeks; w++) {
		size_t missed = 0, students = 0;
		for (i = 0; i < p->nstudents; i++) {
			size_t mine = 0;
			for (j = 0; j < p->students[i].nexpects; j++) {
				const cv_expect *e = &p->students[i].expects[j];
				mine += e->miss != CV_MISS_NONE &&
					p->sessions[e->session].occurrences[e->occurrence].week == w;
			}
			missed += mine;
			students += mine > 0;
		}
		assert_int_equal(p->weeks[w].missed, missed);
		assert_int_equal(p->weeks[w].students, students);
	}
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* A plan changed by hand is tallied again; expects naming nothing of the plan are left out. */
static void test_tally_again_after_a_change(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-11", "2027-02-07", "Mon 09:00-10:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_expect *e;
	cv_plan *p;
	(void)state;
	fx_student(r, "never", "Asia/Tokyo", "Mon 08:00-09:00", NULL, NULL, 1);
	p = plan_of(c, r);
	assert_int_equal(p->nabsences, 4);
	e = (cv_expect *)p->students[0].expects; /* the plan's own array */
	e[0].miss = CV_MISS_NONE;
	e[1].occurrence = 99;
	e[2].session = 7;
	assert_int_equal(cv_plan_tally(p), CV_OK);
	assert_int_equal(p->nabsences, 1);
	assert_int_equal(p->sessions[0].occurrences[0].nabsent, 0);
	assert_int_equal(p->sessions[0].occurrences[3].nabsent, 1);
	assert_int_equal(p->weeks[3].students, 1);
	assert_int_equal(p->weeks[0].missed, 0);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missed_weeks_name_the_clock_change),
		cmocka_unit_test(test_missed_weeks_name_the_students_own_clock_change),
		cmocka_unit_test(test_a_miss_before_the_first_attended_week_is_outside_hours),
		cmocka_unit_test(test_a_student_who_never_attends_misses_for_hours),
		cmocka_unit_test(test_a_miss_after_an_attended_week_names_the_first_moving_change),
		cmocka_unit_test(test_away_dates_and_hours_are_reasons),
		cmocka_unit_test(test_students_take_their_best_section),
		cmocka_unit_test(test_series_expects_every_session_in_time_order),
		cmocka_unit_test(test_each_occurrence_lists_who_misses_it_and_why),
		cmocka_unit_test(test_the_tally_is_every_missed_expect),
		cmocka_unit_test(test_tally_again_after_a_change),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
