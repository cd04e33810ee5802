/*
 * fixture.h - small courses and rosters built in memory, so grid, solve and
 * plan tests do not depend on the file readers.  Every string and array is
 * malloc'd: cv_course_free() releases a course.  Rosters are built with the
 * library's builder (cv_roster_new(), cv_roster_add()), as any front end
 * would, and released with cv_roster_free().
 */
#ifndef CONVENE_FIXTURE_H
#define CONVENE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static inline const cv_zone *fx_zone(const char *name)
{
	const cv_zone *z = NULL;
	assert_int_equal(cv_zone_lookup(&z, name, NULL, 0), CV_OK);
	return z;
}

static inline cv_window *fx_windows(const char *text, size_t *n)
{
	cv_window *w = NULL;
	assert_int_equal(cv_windows_parse(&w, n, text, NULL, NULL), CV_OK);
	return w;
}

/* A course: home zone, term (YYYY-MM-DD), teaching window, duration, granularity. */
static inline cv_course *fx_course(const char *zone, const char *start, const char *end,
				   const char *window, unsigned duration, unsigned granularity)
{
	cv_course *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->path = strdup("fixture.ini");
	c->dir = strdup(".");
	c->id = strdup("fx101");
	c->title = strdup("Fixture Course");
	c->zone = fx_zone(zone);
	assert_int_equal(cv_date_parse(&c->start, start, NULL, NULL, 0, NULL), CV_OK);
	assert_int_equal(cv_date_parse(&c->end, end, NULL, NULL, 0, NULL), CV_OK);
	c->roster_path = strdup("fixture.csv");
	c->uid_domain = strdup("example.org");
	c->join_url = strdup("https://meet.example.org/fx");
	c->mode = CV_MODE_SECTIONS;
	c->count = 1;
	c->duration = duration;
	c->granularity = granularity;
	c->windows = fx_windows(window, &c->nwindows);
	c->recording_url = strdup("https://example.org/recordings");
	c->recording_after = 120;
	c->alternative_task = strdup("Post a response in the forum");
	c->alternative_due = 3 * 1440;
	return c;
}

static inline void fx_holidays(cv_course *c, const char *text)
{
	free(c->holidays);
	assert_int_equal(cv_dates_parse(&c->holidays, &c->nholidays, text, NULL, NULL), CV_OK);
}

/* An empty roster, filled through the library's builder (cv_roster_add()). */
static inline cv_roster *fx_roster(void)
{
	cv_roster *r = NULL;
	assert_int_equal(cv_roster_new(&r, "fixture.csv"), CV_OK);
	return r;
}

/* Who a student is, beyond the id: NULL name means the id, NULL email or locale "". */
typedef struct fx_who {
	const char *name, *email, *locale;
} fx_who;

/* Add a student; `preferred`, `away` and `who` may be NULL. Returns its index. */
static inline size_t fx_student_who(cv_roster *r, const char *id, const char *zone,
				    const char *avail, const char *preferred, const char *away,
				    unsigned weight, const fx_who *who)
{
	cv_student s;
	cv_window *w;
	size_t n;

	memset(&s, 0, sizeof(s));
	s.id = (char *)id;
	s.name = (char *)(who && who->name ? who->name : id);
	s.email = (char *)(who ? who->email : NULL);
	s.locale = (char *)(who ? who->locale : NULL);
	s.zone = fx_zone(zone);
	s.weight = weight;
	s.line = (unsigned)r->count + 2;
	assert_int_equal(cv_avail_new(&s.avail, s.zone), CV_OK);
	w = fx_windows(avail, &n);
	assert_int_equal(cv_avail_add_windows(s.avail, w, n, 0), CV_OK);
	free(w);
	if (preferred) {
		w = fx_windows(preferred, &n);
		assert_int_equal(cv_avail_add_windows(s.avail, w, n, 1), CV_OK);
		free(w);
	}
	if (away) {
		cv_daterange *d;
		assert_int_equal(cv_dates_parse(&d, &n, away, NULL, NULL), CV_OK);
		assert_int_equal(cv_avail_add_away(s.avail, d, n), CV_OK);
		free(d);
	}
	assert_int_equal(cv_roster_add(r, &s), CV_OK); /* the roster owns s.avail now */
	return r->count - 1;
}

/* Add a student named by its id; `preferred` and `away` may be NULL. Returns its index. */
static inline size_t fx_student(cv_roster *r, const char *id, const char *zone, const char *avail,
				const char *preferred, const char *away, unsigned weight)
{
	return fx_student_who(r, id, zone, avail, preferred, away, weight, NULL);
}

#endif
