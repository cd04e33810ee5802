/* test_calin.c - availability from iCalendar files (src/calin.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define CAL TEST_DATA "cal/"

static const cv_zone *zone(const char *name)
{
	const cv_zone *z = NULL;
	assert_int_equal(cv_zone_lookup(&z, name, NULL, 0), CV_OK);
	return z;
}

/* Load a fixture that must be good; prints the diagnostics when it is not. */
static cv_calin *load_ok(const char *file, const char *zname, int64_t from, int64_t to)
{
	cv_errors *errs = NULL;
	cv_calin *c = NULL;
	int rc;

	assert_int_equal(cv_errors_new(&errs), CV_OK);
	rc = cv_calin_load(&c, file, zone(zname), from, to, errs);
	if (rc)
		cv_errors_print(errs, stderr);
	assert_int_equal(rc, CV_OK);
	assert_int_equal(cv_errors_count(errs), 0);
	cv_errors_free(errs);
	return c;
}

/* 1 if [s, e) lies inside one interval of the list. */
static int covers(const cv_interval *v, size_t n, int64_t s, int64_t e)
{
	return cv_intervals_cover(v, n, s, e);
}

/* 1 if [s, e) overlaps some interval of the list. */
static int touches(const cv_interval *v, size_t n, int64_t s, int64_t e)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (v[i].start < e && v[i].end > s)
			return 1;
	return 0;
}

#define SPAN_2027 test_utc(2027, 1, 9, 0, 0), test_utc(2027, 5, 3, 0, 0)

/* ---------------------------------------------------------------------- */
/* Floating-time expansion                                                   */

/*
 * Mexico abolished DST in 2022; ICU's tzdata 2022e still has it starting on
 * 2026-04-05, which would put 02:30 at 07:30Z.  Expanded in floating time
 * and resolved by the tz module, every instance stays at 08:30Z.
 */
static void test_mexico_city_daily_0230_stays_0830z(void **state)
{
	cv_calin *c;
	const cv_interval *b;
	size_t n, d;

	(void)state;
	c = load_ok(CAL "mexico_daily.ics", "UTC", test_utc(2026, 3, 30, 0, 0),
		    test_utc(2026, 5, 2, 0, 0));
	b = cv_calin_busy(c, &n);
	assert_int_equal(n, 30);
	for (d = 0; d < 30; d++) {
		assert_int_equal(b[d].start, test_utc(2026, 4, (unsigned)d + 1, 8, 30));
		assert_int_equal(b[d].end, test_utc(2026, 4, (unsigned)d + 1, 9, 0));
	}
	cv_calin_free(c);
}

/* 02:30 New York does not exist on 2027-03-14: RFC 5545 reads it with the offset before the gap. */
static void test_new_york_gap_takes_offset_before(void **state)
{
	cv_calin *c;
	const cv_interval *b;
	size_t n;

	(void)state;
	c = load_ok(CAL "ny_gap.ics", "UTC", SPAN_2027);
	b = cv_calin_busy(c, &n);
	assert_int_equal(n, 4);
	assert_int_equal(b[0].start, test_utc(2027, 3, 12, 7, 30));
	assert_int_equal(b[1].start, test_utc(2027, 3, 13, 7, 30));
	assert_int_equal(b[2].start, test_utc(2027, 3, 14, 7, 30)); /* in the gap: EST */
	assert_int_equal(b[2].end, test_utc(2027, 3, 14, 8, 0));    /* 30 minutes, not negative */
	assert_int_equal(b[3].start, test_utc(2027, 3, 15, 6, 30)); /* EDT from now on */
	assert_int_equal(b[3].end, test_utc(2027, 3, 15, 7, 0));
	cv_calin_free(c);
}

/* ---------------------------------------------------------------------- */
/* VEVENT                                                                   */

static void test_events_recurrence_exdate_overrides(void **state)
{
	cv_calin *c;
	const cv_interval *b;
	size_t n;

	(void)state;
	c = load_ok(CAL "events.ics", "Europe/Berlin", SPAN_2027);
	b = cv_calin_busy(c, &n);
	/* weekly New York meeting: EST, then EDT; EXDATEs; UNTIL */
	assert_true(covers(b, n, test_utc(2027, 1, 12, 17, 0), test_utc(2027, 1, 12, 18, 0)));
	assert_false(touches(b, n, test_utc(2027, 1, 19, 17, 0), test_utc(2027, 1, 19, 18, 0)));
	assert_false(touches(b, n, test_utc(2027, 1, 21, 17, 0), test_utc(2027, 1, 21, 18, 0)));
	assert_true(covers(b, n, test_utc(2027, 3, 16, 16, 0), test_utc(2027, 3, 16, 17, 0)));
	assert_false(touches(b, n, test_utc(2027, 3, 16, 17, 0), test_utc(2027, 3, 16, 18, 0)));
	assert_true(covers(b, n, test_utc(2027, 4, 15, 16, 0), test_utc(2027, 4, 15, 17, 0)));
	assert_false(touches(b, n, test_utc(2027, 4, 20, 16, 0), test_utc(2027, 4, 20, 17, 0)));
	/* the override moves 02-02 to 02-03 15:00-16:30; a cancelled override frees 02-04 */
	assert_false(touches(b, n, test_utc(2027, 2, 2, 17, 0), test_utc(2027, 2, 2, 18, 0)));
	assert_true(covers(b, n, test_utc(2027, 2, 3, 20, 0), test_utc(2027, 2, 3, 21, 30)));
	assert_false(touches(b, n, test_utc(2027, 2, 4, 17, 0), test_utc(2027, 2, 4, 18, 0)));
	/* floating stand-up: the student's (Berlin) clock */
	assert_true(covers(b, n, test_utc(2027, 3, 1, 8, 15), test_utc(2027, 3, 1, 8, 30)));
	/* all-day trip: two whole Berlin days */
	assert_true(covers(b, n, test_utc(2027, 2, 21, 23, 0), test_utc(2027, 2, 23, 23, 0)));
	assert_false(touches(b, n, test_utc(2027, 2, 21, 22, 0), test_utc(2027, 2, 21, 23, 0)));
	assert_false(touches(b, n, test_utc(2027, 2, 23, 23, 0), test_utc(2027, 2, 24, 0, 0)));
	/* transparent all-day marker and cancelled event are not busy */
	assert_false(touches(b, n, test_utc(2027, 3, 2, 9, 0), test_utc(2027, 3, 2, 17, 0)));
	assert_false(touches(b, n, test_utc(2027, 3, 10, 10, 0), test_utc(2027, 3, 10, 11, 0)));
	/* RDATE, monthly Tokyo, the Berlin choir across the EU change, Sydney across the southern one */
	assert_true(covers(b, n, test_utc(2027, 1, 29, 20, 0), test_utc(2027, 1, 29, 21, 0)));
	assert_true(covers(b, n, test_utc(2027, 1, 20, 0, 0), test_utc(2027, 1, 20, 2, 0)));
	assert_true(covers(b, n, test_utc(2027, 3, 24, 18, 0), test_utc(2027, 3, 24, 19, 30)));
	assert_false(touches(b, n, test_utc(2027, 3, 31, 17, 0), test_utc(2027, 3, 31, 19, 0)));
	assert_true(covers(b, n, test_utc(2027, 4, 7, 17, 0), test_utc(2027, 4, 7, 18, 30)));
	assert_true(covers(b, n, test_utc(2027, 3, 24, 21, 0), test_utc(2027, 3, 24, 22, 0)));
	assert_true(covers(b, n, test_utc(2027, 4, 7, 22, 0), test_utc(2027, 4, 7, 23, 0)));
	assert_true(covers(b, n, test_utc(2027, 4, 14, 22, 0), test_utc(2027, 4, 14, 23, 0)));
	assert_false(touches(b, n, test_utc(2027, 4, 21, 22, 0), test_utc(2027, 4, 21, 23, 0))); /* COUNT=4 */
	/* a VTODO is not busy */
	assert_false(touches(b, n, test_utc(2027, 3, 1, 10, 0), test_utc(2027, 3, 1, 10, 1)));
	assert_int_equal(cv_calin_has_availability(c), 0);
	cv_calin_free(c);
}

/*
 * python3-recurring-ical-events (Debian) expands the same file
 * independently; the busy intervals must be the same, instant for instant.
 */
static void test_events_match_python_oracle(void **state)
{
	cv_calin *c;
	const cv_interval *b;
	size_t n, k = 0;
	char cmd[512];
	long long s, e;
	FILE *p;
	int rc;

	(void)state;
	if (access("/usr/bin/python3", X_OK) != 0)
		skip();
	c = load_ok(CAL "events.ics", "Europe/Berlin", SPAN_2027);
	b = cv_calin_busy(c, &n);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 " CAL "oracle.py " CAL "events.ics Europe/Berlin %lld %lld",
		 (long long)test_utc(2027, 1, 9, 0, 0), (long long)test_utc(2027, 5, 3, 0, 0));
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fscanf(p, "%lld %lld", &s, &e) == 2) {
		assert_true(k < n);
		assert_int_equal(b[k].start, s);
		assert_int_equal(b[k].end, e);
		k++;
	}
	rc = pclose(p);
	if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
		cv_calin_free(c);
		skip(); /* the Debian modules are not installed */
	}
	assert_int_equal(rc, 0);
	assert_int_equal(k, n);
	assert_true(n > 50);
	cv_calin_free(c);
}

/* ---------------------------------------------------------------------- */
/* VFREEBUSY, Outlook, VAVAILABILITY                                        */

static void test_freebusy_busy_types_not_free(void **state)
{
	cv_calin *c;
	const cv_interval *b;
	size_t n;

	(void)state;
	c = load_ok(CAL "freebusy.ics", "Asia/Tokyo", SPAN_2027);
	b = cv_calin_busy(c, &n);
	assert_int_equal(n, 4);
	assert_int_equal(b[0].start, test_utc(2027, 1, 12, 9, 0));
	assert_int_equal(b[0].end, test_utc(2027, 1, 12, 10, 0));
	assert_int_equal(b[1].start, test_utc(2027, 1, 13, 9, 0)); /* start/PT2H */
	assert_int_equal(b[1].end, test_utc(2027, 1, 13, 11, 0));
	assert_int_equal(b[2].start, test_utc(2027, 1, 14, 9, 0)); /* two periods, one folded line */
	assert_int_equal(b[3].start, test_utc(2027, 1, 14, 12, 0));
	assert_int_equal(b[3].end, test_utc(2027, 1, 14, 13, 0));
	assert_false(touches(b, n, test_utc(2027, 1, 15, 9, 0), test_utc(2027, 1, 15, 17, 0)));
	cv_calin_free(c);
}

/*
 * Outlook writes Windows zone names, and a VTIMEZONE whose offsets are
 * deliberately wrong here (+03:00/+04:00): only the tz module's offsets count.
 */
static void test_outlook_windows_tzids(void **state)
{
	cv_calin *c;
	const cv_interval *b;
	size_t n;

	(void)state;
	c = load_ok(CAL "outlook.ics", "Europe/Berlin", SPAN_2027);
	b = cv_calin_busy(c, &n);
	assert_true(covers(b, n, test_utc(2027, 1, 11, 9, 0), test_utc(2027, 1, 11, 10, 0)));
	assert_true(covers(b, n, test_utc(2027, 4, 5, 8, 0), test_utc(2027, 4, 5, 9, 0)));
	assert_false(touches(b, n, test_utc(2027, 1, 11, 7, 0), test_utc(2027, 1, 11, 8, 0)));
	assert_true(covers(b, n, test_utc(2027, 1, 13, 17, 0), test_utc(2027, 1, 13, 18, 0)));
	assert_true(covers(b, n, test_utc(2027, 1, 14, 13, 0), test_utc(2027, 1, 14, 14, 0)));
	assert_true(covers(b, n, test_utc(2027, 1, 15, 7, 0), test_utc(2027, 1, 15, 7, 30)));
	cv_calin_free(c);
}

static void test_vavailability_windows_and_range(void **state)
{
	cv_calin *c;
	const cv_interval *v;
	size_t n;

	(void)state;
	c = load_ok(CAL "vavail.ics", "Europe/Berlin", SPAN_2027);
	assert_int_equal(cv_calin_has_availability(c), 1);
	v = cv_calin_covered(c, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].start, test_utc(2027, 1, 10, 23, 0));
	assert_int_equal(v[0].end, test_utc(2027, 3, 31, 22, 0)); /* 00:00 CEST */
	v = cv_calin_available(c, &n);
	assert_true(covers(v, n, test_utc(2027, 1, 11, 17, 0), test_utc(2027, 1, 11, 21, 0)));
	assert_false(touches(v, n, test_utc(2027, 1, 11, 21, 0), test_utc(2027, 1, 12, 17, 0)));
	assert_false(touches(v, n, test_utc(2027, 1, 20, 17, 0), test_utc(2027, 1, 20, 21, 0)));
	assert_true(covers(v, n, test_utc(2027, 1, 16, 8, 0), test_utc(2027, 1, 16, 11, 0)));
	assert_true(covers(v, n, test_utc(2027, 3, 29, 16, 0), test_utc(2027, 3, 29, 20, 0)));
	assert_false(touches(v, n, test_utc(2027, 3, 31, 22, 0), test_utc(2027, 5, 3, 0, 0)));
	assert_int_equal(cv_calin_busy(c, &n) != NULL || n == 0, 1);
	assert_int_equal(n, 0);
	cv_calin_free(c);
}

/* Without `available`, the VAVAILABILITY is all the availability there is. */
static void test_apply_vavailability_without_windows(void **state)
{
	cv_calin *c;
	cv_avail *a;
	cv_interval *iv;
	const cv_interval *v;
	size_t n, m, i;

	(void)state;
	c = load_ok(CAL "vavail.ics", "Europe/Berlin", SPAN_2027);
	assert_int_equal(cv_avail_new(&a, zone("Europe/Berlin")), CV_OK);
	assert_int_equal(cv_calin_apply(a, c), CV_OK);
	assert_int_equal(cv_avail_intervals(&iv, &n, a, test_utc(2026, 12, 1, 0, 0),
					     test_utc(2027, 7, 1, 0, 0), 0),
			 CV_OK);
	v = cv_calin_available(c, &m);
	assert_int_equal(n, m);
	for (i = 0; i < n; i++) {
		assert_int_equal(iv[i].start, v[i].start);
		assert_int_equal(iv[i].end, v[i].end);
	}
	free(iv);
	cv_avail_free(a);
	cv_calin_free(c);
}

/* With `available`, both must agree inside the VAVAILABILITY range; outside it, `available` rules. */
static void test_apply_vavailability_with_windows_intersects(void **state)
{
	cv_calin *c;
	cv_avail *a;
	cv_window *w;
	cv_interval *iv;
	size_t nw, n;

	(void)state;
	c = load_ok(CAL "vavail.ics", "Europe/Berlin", SPAN_2027);
	assert_int_equal(cv_windows_parse(&w, &nw, "Mon-Fri 19:00-23:00", NULL, NULL), CV_OK);
	assert_int_equal(cv_avail_new(&a, zone("Europe/Berlin")), CV_OK);
	assert_int_equal(cv_avail_add_windows(a, w, nw, 0), CV_OK);
	assert_int_equal(cv_calin_apply(a, c), CV_OK);
	assert_int_equal(cv_avail_intervals(&iv, &n, a, SPAN_2027, 0), CV_OK);
	/* Mon 2027-01-11: roster 19-23, calendar 18-22 -> 19-22 Berlin */
	assert_true(covers(iv, n, test_utc(2027, 1, 11, 18, 0), test_utc(2027, 1, 11, 21, 0)));
	assert_false(touches(iv, n, test_utc(2027, 1, 11, 17, 0), test_utc(2027, 1, 11, 18, 0)));
	assert_false(touches(iv, n, test_utc(2027, 1, 11, 21, 0), test_utc(2027, 1, 11, 22, 0)));
	/* Tue: the calendar has nothing */
	assert_false(touches(iv, n, test_utc(2027, 1, 12, 0, 0), test_utc(2027, 1, 13, 0, 0)));
	/* April: past the VAVAILABILITY, the roster's windows alone (CEST) */
	assert_true(covers(iv, n, test_utc(2027, 4, 6, 17, 0), test_utc(2027, 4, 6, 21, 0)));
	free(iv);
	free(w);
	cv_avail_free(a);
	cv_calin_free(c);
}

static void test_vavailability_priority(void **state)
{
	cv_calin *c;
	const cv_interval *v;
	size_t n;

	(void)state;
	c = load_ok(CAL "vavail_priority.ics", "UTC", SPAN_2027);
	v = cv_calin_available(c, &n);
	/* January: the two undefined-priority components combine */
	assert_true(covers(v, n, test_utc(2027, 1, 12, 18, 0), test_utc(2027, 1, 12, 20, 0)));
	assert_true(covers(v, n, test_utc(2027, 1, 16, 9, 0), test_utc(2027, 1, 16, 10, 0)));
	/* February: PRIORITY 1 decides alone */
	assert_false(touches(v, n, test_utc(2027, 2, 3, 18, 0), test_utc(2027, 2, 3, 20, 0)));
	assert_false(touches(v, n, test_utc(2027, 2, 6, 9, 0), test_utc(2027, 2, 6, 10, 0)));
	assert_true(covers(v, n, test_utc(2027, 2, 2, 10, 0), test_utc(2027, 2, 2, 12, 0)));
	/* March: back to the defaults */
	assert_true(covers(v, n, test_utc(2027, 3, 1, 18, 0), test_utc(2027, 3, 1, 20, 0)));
	assert_false(touches(v, n, test_utc(2027, 3, 2, 10, 0), test_utc(2027, 3, 2, 12, 0)));
	cv_calin_free(c);
}

/* A calendar without VAVAILABILITY cannot stand in for missing `available`. */
static void test_apply_needs_windows_or_vavailability(void **state)
{
	cv_calin *c;
	cv_avail *a;
	size_t n;

	(void)state;
	c = load_ok(CAL "freebusy.ics", "UTC", SPAN_2027);
	assert_int_equal(cv_avail_new(&a, zone("UTC")), CV_OK);
	assert_int_equal(cv_calin_apply(a, c), CV_EDATA);
	cv_avail_windows(a, &n, 0);
	assert_int_equal(n, 0);
	cv_avail_busy(a, &n);
	assert_int_equal(n, 0);
	cv_avail_free(a);
	cv_calin_free(c);
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                   */

/* Load a bad fixture; the diagnostic `i` must be at line:col and contain `what`. */
static void expect_error(const char *file, size_t i, unsigned line, unsigned col, const char *what)
{
	cv_errors *errs = NULL;
	cv_calin *c = NULL;
	const cv_error *e;

	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_calin_load(&c, file, zone("Europe/Berlin"), SPAN_2027, errs), CV_EDATA);
	assert_null(c);
	e = cv_errors_get(errs, i);
	if (!e || e->line != line || e->column != col || !strstr(e->message, what))
		cv_errors_print(errs, stderr);
	assert_non_null(e);
	assert_string_equal(e->file, file);
	assert_int_equal(e->line, line);
	assert_int_equal(e->column, col);
	assert_non_null(strstr(e->message, what));
	assert_int_equal(e->code, CV_EDATA);
	cv_errors_free(errs);
}

static void test_error_unknown_tzid_at_its_line(void **state)
{
	(void)state;
	expect_error(CAL "err_tzid.ics", 0, 6, 14, "Mars/Olympus_Mons");
	/* reading goes on; a TZID on a continuation line is found there */
	expect_error(CAL "err_tzid.ics", 1, 12, 2, "Eastern");
}

static void test_error_bad_rrule(void **state)
{
	(void)state;
	expect_error(CAL "err_rrule.ics", 0, 8, 7, "RRULE cannot be parsed");
}

static void test_error_missing_dtstart(void **state)
{
	(void)state;
	expect_error(CAL "err_nodtstart.ics", 0, 8, 1, "without DTSTART");
}

static void test_error_no_components(void **state)
{
	(void)state;
	expect_error(CAL "err_none.ics", 0, 1, 1, "no VAVAILABILITY, VFREEBUSY or VEVENT");
}

static void test_error_malformed_line(void **state)
{
	(void)state;
	expect_error(CAL "err_syntax.ics", 0, 5, 8, "NAME:VALUE");
}

static void test_error_unbalanced(void **state)
{
	(void)state;
	expect_error(CAL "err_unbalanced.ics", 0, 7, 5, "does not close BEGIN:VEVENT of line 4");
}

static void test_error_dtend_before_dtstart(void **state)
{
	(void)state;
	expect_error(CAL "err_dtend.ics", 0, 7, 7, "DTEND is before DTSTART");
}

static void test_error_too_large_and_missing(void **state)
{
	cv_errors *errs = NULL;
	cv_calin *c = NULL;
	char *big = malloc(CV_CALIN_FILE_MAX + 1);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', CV_CALIN_FILE_MAX + 1);
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_calin_parse(&c, big, CV_CALIN_FILE_MAX + 1, "big.ics", zone("UTC"),
					SPAN_2027, errs),
			 CV_EDATA);
	assert_non_null(strstr(cv_errors_get(errs, 0)->message, "larger than"));
	assert_int_equal(cv_calin_load(&c, CAL "nonexistent.ics", zone("UTC"), SPAN_2027, errs),
			 CV_ENOINPUT);
	assert_null(c);
	free(big);
	cv_errors_free(errs);
}

static void test_error_not_icalendar(void **state)
{
	static const char text[] = "id,name\ns1,Ann\n";
	cv_errors *errs = NULL;
	cv_calin *c = NULL;
	const cv_error *e;

	(void)state;
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_calin_parse(&c, text, sizeof(text) - 1, "x.ics", zone("UTC"), SPAN_2027,
					errs),
			 CV_EDATA);
	e = cv_errors_get(errs, 0);
	assert_int_equal(e->line, 1);
	cv_errors_free(errs);
}

/* ---------------------------------------------------------------------- */
/* The roster and the course                                                */

static void test_roster_with_calendars(void **state)
{
	cv_errors *errs = NULL;
	cv_course *course = NULL;
	cv_roster *roster = NULL;
	const cv_student *st;
	cv_interval *iv;
	size_t n;
	int rc;

	(void)state;
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	rc = cv_course_load(&course, CAL "course.ini", errs);
	if (rc == CV_OK)
		rc = cv_roster_load_calendars(&roster, course->roster_path, course->calendars_dir,
					      errs);
	if (rc == CV_OK)
		rc = cv_calin_apply_roster(roster, course, errs);
	if (rc)
		cv_errors_print(errs, stderr);
	assert_int_equal(rc, CV_OK);

	/* c1: `available` Mon-Fri 11:00-14:00 New York, minus the weekly meeting 12:00-13:00 */
	st = cv_roster_find(roster, "c1");
	assert_int_equal(cv_avail_intervals(&iv, &n, st->avail, SPAN_2027, 0), CV_OK);
	assert_true(covers(iv, n, test_utc(2027, 1, 12, 16, 0), test_utc(2027, 1, 12, 17, 0)));
	assert_false(touches(iv, n, test_utc(2027, 1, 12, 17, 0), test_utc(2027, 1, 12, 18, 0)));
	assert_true(covers(iv, n, test_utc(2027, 1, 19, 17, 0), test_utc(2027, 1, 19, 18, 0))); /* EXDATE */
	assert_true(cv_avail_is_busy(st->avail, test_utc(2027, 1, 14, 17, 0),
				     test_utc(2027, 1, 14, 18, 0)));
	free(iv);

	/* c2: no `available`; the VAVAILABILITY is the availability */
	st = cv_roster_find(roster, "c2");
	assert_int_equal(cv_avail_intervals(&iv, &n, st->avail, SPAN_2027, 0), CV_OK);
	assert_true(covers(iv, n, test_utc(2027, 1, 11, 17, 0), test_utc(2027, 1, 11, 21, 0)));
	assert_false(touches(iv, n, test_utc(2027, 1, 12, 0, 0), test_utc(2027, 1, 13, 0, 0)));
	free(iv);

	/* c3: no calendar, unchanged */
	st = cv_roster_find(roster, "c3");
	cv_avail_busy(st->avail, &n);
	assert_int_equal(n, 0);

	/* a stray calendar file is a warning, not an error */
	assert_int_equal(cv_errors_code(errs), CV_OK);
	assert_true(cv_errors_count(errs) >= 1);

	cv_roster_free(roster);
	cv_course_free(course);
	cv_errors_free(errs);
}

static unsigned attend(const cv_grid *g, size_t student, unsigned weekday, unsigned h, unsigned m)
{
	cv_slot slot = {(uint8_t)weekday, (uint16_t)(h * 60 + m)};
	return cv_grid_attend(g, cv_grid_student_group(g, student), test_candidate(g, slot));
}

/* The grid counts what the calendars leave: busy time removes occurrences week by week. */
static void test_grid_counts_calendar_availability(void **state)
{
	cv_errors *errs = NULL;
	cv_course *course = NULL;
	cv_roster *roster = NULL;
	cv_grid *g = NULL;

	(void)state;
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_course_load(&course, CAL "course.ini", errs), CV_OK);
	assert_int_equal(cv_roster_load_calendars(&roster, course->roster_path,
						  course->calendars_dir, errs),
			 CV_OK);
	assert_int_equal(cv_calin_apply_roster(roster, course, errs), CV_OK);
	assert_int_equal(cv_grid_build(&g, course, roster), CV_OK);
	/* c1: Tue/Thu 12:00-13:00 meeting until 04-15, not on 01-19 and 01-21 */
	assert_int_equal(attend(g, 0, 0, 12, 0), 16);
	assert_int_equal(attend(g, 0, 1, 11, 0), 16); /* ends as the meeting starts */
	assert_int_equal(attend(g, 0, 1, 12, 0), 3);  /* 01-19, 04-20, 04-27 */
	assert_int_equal(attend(g, 0, 3, 12, 30), 3); /* 01-21, 04-22, 04-29 */
	/*
	 * c2 (Berlin, VAVAILABILITY Mon/Wed 18:00-22:00 until 04-01, no
	 * `available`): Mon 12:00 New York is 18:00 Berlin except in the two
	 * weeks when only the US has changed (17:00), and nothing after March.
	 */
	assert_int_equal(attend(g, 1, 0, 12, 0), 10);
	assert_int_equal(attend(g, 1, 2, 12, 0), 9); /* Wednesdays: 12 to 03-31, less the 01-20 EXDATE and two US-only weeks */
	assert_int_equal(attend(g, 1, 1, 12, 0), 0);
	cv_grid_free(g);
	cv_roster_free(roster);
	cv_course_free(course);
	cv_errors_free(errs);
}

/* Without a calendar, empty `available` is an error at the student's row. */
static void test_roster_missing_calendar_names_the_row(void **state)
{
	cv_errors *errs = NULL;
	cv_roster *roster = NULL;
	const cv_error *e;

	(void)state;
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_roster_load_calendars(&roster, CAL "roster_missing.csv",
						  CAL "students", errs),
			 CV_EDATA);
	e = cv_errors_get(errs, 0);
	assert_non_null(e);
	assert_int_equal(e->line, 3);
	assert_non_null(strstr(e->message, "c9.ics"));
	cv_errors_free(errs);
	/* and without calendars the same roster is refused as before */
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_roster_load(&roster, CAL "roster_missing.csv", errs), CV_EDATA);
	cv_errors_free(errs);
}

/* No `available` and a calendar without VAVAILABILITY: an error at the roster row. */
static void test_roster_calendar_without_vavailability(void **state)
{
	cv_errors *errs = NULL;
	cv_course *course = NULL;
	cv_roster *roster = NULL;
	const cv_error *e = NULL;
	size_t i;

	(void)state;
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_course_load(&course, CAL "course_novav.ini", errs), CV_OK);
	assert_int_equal(cv_roster_load_calendars(&roster, course->roster_path,
						  course->calendars_dir, errs),
			 CV_OK);
	assert_int_equal(cv_calin_apply_roster(roster, course, errs), CV_EDATA);
	for (i = 0; i < cv_errors_count(errs); i++) {
		e = cv_errors_get(errs, i);
		if (e->code == CV_EDATA)
			break;
	}
	assert_non_null(e);
	assert_non_null(strstr(e->message, "no VAVAILABILITY"));
	assert_int_equal(e->line, 2);
	cv_roster_free(roster);
	cv_course_free(course);
	cv_errors_free(errs);
}

/*
 * Only a calendar that does not exist means "no calendar".  A dangling link
 * or a FIFO at students/c3.ics is an error naming the file (before, a
 * failed stat() silently dropped the student's busy time; a FIFO hung).
 */
static void test_roster_calendar_that_cannot_be_read_is_an_error(void **state)
{
	const char *planted[2] = {"ln -s nowhere.ics", "mkfifo"};
	char dir[] = "/tmp/convene-test-calin-XXXXXX", cmd[256], c3[128];
	size_t i, j;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(c3, sizeof(c3), "%s/students/c3.ics", dir);
	for (i = 0; i < 2; i++) {
		cv_errors *errs = NULL;
		cv_course *course = NULL;
		cv_roster *roster = NULL;
		const cv_error *e;

		snprintf(cmd, sizeof(cmd), "rm -rf %s/* && cp -r " CAL "* %s/ && %s %s", dir, dir,
			 planted[i], c3);
		assert_int_equal(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "%s/course.ini", dir);
		assert_int_equal(cv_errors_new(&errs), CV_OK);
		assert_int_equal(cv_course_load(&course, cmd, errs), CV_OK);
		assert_int_equal(cv_roster_load_calendars(&roster, course->roster_path,
							  course->calendars_dir, errs),
				 CV_OK);
		alarm(10);
		assert_int_equal(cv_calin_apply_roster(roster, course, errs), CV_EDATA);
		alarm(0);
		assert_int_equal(cv_errors_code(errs), CV_ENOINPUT);
		for (e = NULL, j = 0; j < cv_errors_count(errs) && (!e || e->code == CV_OK); j++)
			e = cv_errors_get(errs, j);
		assert_int_equal(e->code, CV_ENOINPUT);
		assert_string_equal(e->file, c3);
		assert_non_null(strstr(e->message, i ? "FIFO" : "symbolic link to a file that does not exist"));
		cv_roster_free(roster);
		cv_course_free(course);
		cv_errors_free(errs);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---------------------------------------------------------------------- */
/* Costs bounded by the term (issue 16)                                      */

/* One VEVENT (DTSTART line, extra lines) in a calendar, parsed over the 2027 span. */
static int parse_event(cv_calin **out, cv_errors *errs, const char *dtstart, const char *rest)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
		 "UID:x@t\r\nDTSTAMP:20270101T000000Z\r\n%s\r\n%sEND:VEVENT\r\nEND:VCALENDAR\r\n",
		 dtstart, rest);
	return cv_calin_parse(out, text, strlen(text), "t.ics", zone("UTC"), SPAN_2027, errs);
}

static cv_calin *event_ok(const char *dtstart, const char *rest)
{
	cv_errors *errs = NULL;
	cv_calin *c = NULL;
	int rc;

	assert_int_equal(cv_errors_new(&errs), CV_OK);
	rc = parse_event(&c, errs, dtstart, rest);
	if (rc)
		cv_errors_print(errs, stderr);
	assert_int_equal(rc, CV_OK);
	cv_errors_free(errs);
	return c;
}

/*
 * A rule without BY parts is computed, not stepped (FREQ=SECONDLY;COUNT=10^9
 * costs nothing): the same instances as libical steps.
 */
static void test_plain_count_rule_is_computed_into_the_term(void **state)
{
	/* Every 10080 minutes (7 days) from Monday 2026-06-01 09:00Z, a 30-minute event. */
	cv_calin *a = event_ok("DTSTART:20260601T090000Z",
			       "DURATION:PT30M\r\nRRULE:FREQ=MINUTELY;INTERVAL=10080;COUNT=1000000000\r\n");
	/* The same instances, stepped by libical as a weekly rule. */
	cv_calin *b = event_ok("DTSTART:20260601T090000Z",
			       "DURATION:PT30M\r\nRRULE:FREQ=WEEKLY;COUNT=1000000000;BYDAY=MO\r\n");
	const cv_interval *va, *vb;
	size_t na, nb, i;

	(void)state;
	va = cv_calin_busy(a, &na);
	vb = cv_calin_busy(b, &nb);
	assert_int_equal(na, 16); /* the Mondays from 2027-01-11 to 2027-04-26 */
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(va[i].start, vb[i].start);
		assert_int_equal(va[i].end, vb[i].end);
	}
	assert_int_equal(va[0].start, test_utc(2027, 1, 11, 9, 0));
	cv_calin_free(a);
	cv_calin_free(b);
}

/* A COUNT rule whose last instance comes before the term adds nothing. */
static void test_count_rule_ending_before_term_adds_nothing(void **state)
{
	cv_calin *c = event_ok("DTSTART:20200101T000000Z",
			       "DURATION:PT1S\r\nRRULE:FREQ=SECONDLY;COUNT=100000000\r\n");
	size_t n;

	(void)state;
	(void)cv_calin_busy(c, &n);
	assert_int_equal(n, 0);
	cv_calin_free(c);
}

/* A rule that must step every second of the term is refused at its RRULE, not run for minutes. */
static void test_rule_stepping_past_the_cap_is_refused(void **state)
{
	cv_errors *errs = NULL;
	cv_calin *c = NULL;
	const cv_error *e;

	(void)state;
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(parse_event(&c, errs, "DTSTART:20270101T000000Z",
				     "DURATION:PT1S\r\nRRULE:FREQ=SECONDLY;BYHOUR=9\r\n"),
			 CV_EDATA);
	assert_null(c);
	e = cv_errors_get(errs, 0);
	assert_non_null(e);
	assert_int_equal(e->line, 9);
	assert_non_null(strstr(e->message, "300000 steps"));
	cv_errors_free(errs);
}

/* The same rule, ended by UNTIL two days into the span, is expanded: 09:00-10:00 each day. */
static void test_sub_daily_rule_with_by_parts_within_the_cap(void **state)
{
	cv_calin *c = event_ok("DTSTART:20270109T090000Z",
			       "DURATION:PT1S\r\nRRULE:FREQ=SECONDLY;BYHOUR=9;UNTIL=20270110T235959Z\r\n");
	const cv_interval *v;
	size_t n;

	(void)state;
	v = cv_calin_busy(c, &n);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].start, test_utc(2027, 1, 9, 9, 0));
	assert_int_equal(v[0].end, test_utc(2027, 1, 9, 10, 0));
	assert_int_equal(v[1].start, test_utc(2027, 1, 10, 9, 0));
	cv_calin_free(c);
}

/* COUNT with BY parts no date satisfies: libical would search for ever; it ends at the span. */
static void test_count_rule_no_date_satisfies_ends(void **state)
{
	cv_calin *c = event_ok("DTSTART:20270401T000000Z",
			       "DURATION:PT1M\r\nRRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;COUNT=5\r\n");
	const cv_interval *v;
	size_t n;

	(void)state;
	v = cv_calin_busy(c, &n); /* DTSTART itself only */
	assert_int_equal(n, 1);
	assert_int_equal(v[0].start, test_utc(2027, 4, 1, 0, 0));
	cv_calin_free(c);
}

/* A sub-daily rule on a DATE makes busy the days its instances fall in (as libical read it). */
static void test_sub_daily_rule_on_date_busies_days(void **state)
{
	cv_calin *c = event_ok("DTSTART;VALUE=DATE:20270301", "RRULE:FREQ=HOURLY;INTERVAL=25;COUNT=3\r\n");
	const cv_interval *v;
	size_t n;

	(void)state;
	v = cv_calin_busy(c, &n); /* hours 0, 25 and 50: 1, 2 and 3 March */
	assert_int_equal(n, 1);
	assert_int_equal(v[0].start, test_utc(2027, 3, 1, 0, 0));
	assert_int_equal(v[0].end, test_utc(2027, 3, 4, 0, 0));
	cv_calin_free(c);
}

/* 500 events naming one unknown zone: one diagnostic, at the first, with the count. */
static void test_unknown_tzid_reported_once_with_count(void **state)
{
	size_t cap = 500 * 160 + 200, len = 0, i;
	char *text = malloc(cap);
	cv_errors *errs = NULL;
	cv_calin *c = NULL;
	const cv_error *e;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
				"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n");
	for (i = 0; i < 500; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"BEGIN:VEVENT\r\nUID:e%zu@t\r\nDTSTART;TZID=Europe/Berln:"
					"20270201T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n", i);
	len += (size_t)snprintf(text + len, cap - len, "END:VCALENDAR\r\n");
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_calin_parse(&c, text, len, "t.ics", zone("UTC"), SPAN_2027, errs),
			 CV_EDATA);
	assert_int_equal(cv_errors_count(errs), 1);
	e = cv_errors_get(errs, 0);
	assert_int_equal(e->line, 6);
	assert_int_equal(e->column, 14);
	assert_non_null(strstr(e->message, "did you mean Europe/Berlin?"));
	assert_non_null(strstr(e->message, "used 500 times"));
	cv_errors_free(errs);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mexico_city_daily_0230_stays_0830z),
		cmocka_unit_test(test_new_york_gap_takes_offset_before),
		cmocka_unit_test(test_events_recurrence_exdate_overrides),
		cmocka_unit_test(test_events_match_python_oracle),
		cmocka_unit_test(test_freebusy_busy_types_not_free),
		cmocka_unit_test(test_outlook_windows_tzids),
		cmocka_unit_test(test_vavailability_windows_and_range),
		cmocka_unit_test(test_apply_vavailability_without_windows),
		cmocka_unit_test(test_apply_vavailability_with_windows_intersects),
		cmocka_unit_test(test_vavailability_priority),
		cmocka_unit_test(test_apply_needs_windows_or_vavailability),
		cmocka_unit_test(test_roster_calendar_that_cannot_be_read_is_an_error),
		cmocka_unit_test(test_error_unknown_tzid_at_its_line),
		cmocka_unit_test(test_error_bad_rrule),
		cmocka_unit_test(test_error_missing_dtstart),
		cmocka_unit_test(test_error_no_components),
		cmocka_unit_test(test_error_malformed_line),
		cmocka_unit_test(test_error_unbalanced),
		cmocka_unit_test(test_error_dtend_before_dtstart),
		cmocka_unit_test(test_error_too_large_and_missing),
		cmocka_unit_test(test_error_not_icalendar),
		cmocka_unit_test(test_roster_with_calendars),
		cmocka_unit_test(test_roster_missing_calendar_names_the_row),
		cmocka_unit_test(test_grid_counts_calendar_availability),
		cmocka_unit_test(test_roster_calendar_without_vavailability),
		cmocka_unit_test(test_plain_count_rule_is_computed_into_the_term),
		cmocka_unit_test(test_count_rule_ending_before_term_adds_nothing),
		cmocka_unit_test(test_rule_stepping_past_the_cap_is_refused),
		cmocka_unit_test(test_sub_daily_rule_with_by_parts_within_the_cap),
		cmocka_unit_test(test_count_rule_no_date_satisfies_ends),
		cmocka_unit_test(test_sub_daily_rule_on_date_busies_days),
		cmocka_unit_test(test_unknown_tzid_reported_once_with_count),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
