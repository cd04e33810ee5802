/*
 * test_ics_recording.c - the instructor's weekly "Recording track" notes,
 * checked against the plan they come from: the courses are solved for real,
 * and for every home week the students named are exactly those whose
 * expectation for an occurrence of that week is not live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "fixture.h"

#define DTSTAMP 1800000000 /* 2027-01-15T08:00:00Z */
#define MAX_WEEKS 64

static cv_plan *solve(const cv_course *c, const cv_roster *r)
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

static char *instructor(const cv_plan *p)
{
	cv_ics_options o = {DTSTAMP, NULL, NULL, NULL, NULL};
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(cv_ics_instructor(&text, &len, p, &o), CV_OK);
	assert_non_null(text);
	return text;
}

static const char *text_prop(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(c, kind);
	return p ? icalvalue_get_text(icalproperty_get_value(p)) : "";
}

static const char *label(const cv_student *st)
{
	return st->name && *st->name ? st->name : st->id;
}

/* The weekly note whose all-day DTSTART is home date `monday`, or NULL. */
static icalcomponent *note_of(icalcomponent *cal, int32_t monday)
{
	icalcomponent *ev;

	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		icaltimetype t = icalcomponent_get_dtstart(ev);
		if (strstr(icalcomponent_get_uid(ev), "-rec-") && t.is_date &&
		    cv_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day) == monday)
			return ev;
	}
	return NULL;
}

static size_t count_notes(icalcomponent *cal)
{
	icalcomponent *ev;
	size_t n = 0;

	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		n += strstr(icalcomponent_get_uid(ev), "-rec-") != NULL;
	return n;
}

/* How many times `needle` occurs in `s`. */
static size_t occurrences(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/*
 * Check the notes of plan p against its expectations.  Returns the number
 * of weeks that have a note.
 */
static size_t check_notes(const cv_plan *p, const char *text)
{
	icalcomponent *cal = icalparser_parse_string(text);
	int32_t mondays[MAX_WEEKS];
	size_t nweeks = 0, w, i, j, notes = 0;

	assert_non_null(cal);
	/* the home weeks of the term, from the occurrences' home dates */
	for (i = 0; i < p->nsessions; i++)
		for (j = 0; j < p->sessions[i].noccurrences; j++) {
			int32_t d = p->sessions[i].occurrences[j].date, m = d - (int32_t)cv_weekday(d);
			size_t k;
			for (k = 0; k < nweeks && mondays[k] != m; k++)
				;
			if (k == nweeks) {
				assert_true(nweeks < MAX_WEEKS);
				mondays[nweeks++] = m;
			}
		}
	for (w = 0; w < nweeks; w++) {
		icalcomponent *ev = note_of(cal, mondays[w]);
		size_t students = 0, missed = 0;
		char want[128];
		for (i = 0; i < p->nstudents; i++) {
			const cv_student_plan *sp = &p->students[i];
			const cv_student *st = &p->roster->students[sp->student];
			char named[256];
			size_t n = 0;
			for (j = 0; j < sp->nexpects; j++) {
				const cv_expect *e = &sp->expects[j];
				int32_t d = p->sessions[e->session].occurrences[e->occurrence].date;
				if (e->miss != CV_MISS_NONE && d - (int32_t)cv_weekday(d) == mondays[w])
					n++;
			}
			students += n > 0;
			missed += n;
			/* named once per occurrence missed, not at all when attending;
			 * a list cut short ("and K more") names fewer */
			snprintf(named, sizeof(named), "%s (", label(st));
			if (ev) {
				const char *desc = text_prop(ev, ICAL_DESCRIPTION_PROPERTY);
				size_t got = occurrences(desc, named);
				if (strstr(desc, " more."))
					assert_true(got <= n);
				else
					assert_int_equal(got, n);
			}
		}
		if (!students) {
			assert_null(ev); /* nobody misses anything that week: no note */
			continue;
		}
		assert_non_null(ev);
		notes++;
		snprintf(want, sizeof(want),
			 "Recording track this week: %zu missed attendance%s by %zu student%s", missed,
			 missed == 1 ? "" : "s", students, students == 1 ? "" : "s");
		assert_string_equal(text_prop(ev, ICAL_SUMMARY_PROPERTY), want);
		assert_int_equal(icalproperty_get_transp(
					 icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY)),
				 ICAL_TRANSP_TRANSPARENT);
	}
	assert_int_equal(count_notes(cal), notes);
	icalcomponent_free(cal);
	return notes;
}

/*
 * A New York series on Tuesdays and Thursdays at 12:00, spring 2027.  Ann
 * (London) attends except in the fortnight between the US and EU clock
 * changes; Bo (Chicago) is away on 18 March; Di (Chicago) on 6 April; cy
 * (Denver, no name: listed by id) on 13 April.  So the weeks of 15 and 22
 * March and of 5 and 12 April have notes, the others none.
 */
static void test_notes_name_exactly_each_weeks_students_off_live(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-04-16", "Tue,Thu 12:00-13:00",
				 60, 60);
	cv_roster *r = fx_roster();
	cv_plan *p;
	char *text;
	size_t i;
	icalcomponent *cal, *ev;
	(void)state;

	c->mode = CV_MODE_SERIES;
	c->count = 2;
	fx_student_who(r, "ann", "Europe/London", "Tue,Thu 17:00-18:00", NULL, NULL, 1,
		       &(fx_who){"Ann Lee", "ann.lee@uni.example", NULL});
	fx_student_who(r, "bo", "America/Chicago", "Tue,Thu 11:00-12:00", NULL, "2027-03-18", 1,
		       &(fx_who){"Bo Chen", "bo.chen@uni.example", NULL});
	fx_student_who(r, "di", "America/Chicago", "Tue,Thu 11:00-12:00", NULL, "2027-04-06", 1,
		       &(fx_who){"Di Park", "di.park@uni.example", NULL});
	fx_student_who(r, "cy", "America/Denver", "Tue,Thu 10:00-11:00", NULL, "2027-04-13", 1,
		       &(fx_who){"", "cy@uni.example", NULL});
	fx_student_who(r, "ed", "America/New_York", "Mon-Fri 09:00-17:00", NULL, NULL, 1,
		       &(fx_who){"Ed Moss", "ed.moss@uni.example", NULL});
	p = solve(c, r);
	assert_int_equal(p->nsessions, 2);
	text = instructor(p);
	assert_int_equal(check_notes(p, text), 4);

	/* The reasons, as the instructor reads them. */
	cal = icalparser_parse_string(text);
	ev = note_of(cal, cv_days_from_civil(2027, 3, 15));
	assert_non_null(ev);
	assert_non_null(strstr(text_prop(ev, ICAL_DESCRIPTION_PROPERTY),
			       "Thu 2027-03-18 12:00 (session 2), 2: Ann Lee (clock change), Bo Chen (away)."));
	ev = note_of(cal, cv_days_from_civil(2027, 4, 12));
	assert_non_null(ev);
	assert_non_null(strstr(text_prop(ev, ICAL_DESCRIPTION_PROPERTY),
			       "Tue 2027-04-13 12:00 (session 1), 1: cy (away)"));
	assert_null(note_of(cal, cv_days_from_civil(2027, 3, 8)));
	icalcomponent_free(cal);

	/* No e-mail address anywhere in the instructor's file. */
	for (i = 0; i < r->count; i++)
		assert_null(strstr(text, r->students[i].email));
	assert_null(strstr(text, "uni.example"));
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/*
 * A week's note stays bounded: 250 students who never attend are named up
 * to ICS_NAMES_PER_OCCURRENCE (200) per occurrence, "and 50 more"; 30
 * students with names of 3000 bytes are cut by size.  The counts stay exact.
 */
static void test_long_lists_are_cut_short(void **state)
{
	static const struct {
		size_t students, name_len;
	} cases[] = {{250, 0}, {30, 3000}};
	size_t k;
	(void)state;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		cv_course *c = fx_course("Europe/Paris", "2027-01-04", "2027-01-08", "Tue 10:00-11:00", 60, 60);
		cv_roster *r = fx_roster();
		cv_plan *p;
		char *text, *name = NULL, id[32], more[32];
		icalcomponent *cal, *ev;
		const char *desc;
		size_t i, shown;

		/* one who attends, so that the slot is chosen for someone */
		fx_student(r, "live", "Europe/Paris", "Mon-Fri 09:00-17:00", NULL, NULL, 1);
		for (i = 0; i < cases[k].students; i++) {
			snprintf(id, sizeof(id), "s%03zu", i);
			if (cases[k].name_len) {
				name = malloc(cases[k].name_len + 1);
				assert_non_null(name);
				memset(name, 'n', cases[k].name_len);
				memcpy(name, id, strlen(id));
				name[cases[k].name_len] = '\0';
			}
			fx_student_who(r, id, "Asia/Tokyo", "Tue 01:00-02:00", NULL, NULL, 1,
				       &(fx_who){name, name ? "x@uni.example" : NULL, NULL});
			free(name);
			name = NULL;
		}
		p = solve(c, r);
		text = instructor(p);
		assert_int_equal(check_notes(p, text), 1);
		cal = icalparser_parse_string(text);
		ev = note_of(cal, cv_days_from_civil(2027, 1, 4));
		assert_non_null(ev);
		desc = text_prop(ev, ICAL_DESCRIPTION_PROPERTY);
		shown = occurrences(desc, " (outside their hours)");
		assert_true(shown < cases[k].students);
		snprintf(more, sizeof(more), " and %zu more.", cases[k].students - shown);
		assert_non_null(strstr(desc, more));
		assert_true(strlen(desc) < 65536);
		icalcomponent_free(cal);
		free(text);
		cv_plan_free(p);
		cv_roster_free(r);
		cv_course_free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notes_name_exactly_each_weeks_students_off_live),
		cmocka_unit_test(test_long_lists_are_cut_short),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
