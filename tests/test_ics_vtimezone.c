/*
 * test_ics_vtimezone.c - the VTIMEZONEs built from the tz module's
 * transitions (src/ics_vtimezone.c), component by component.
 *
 * The expected onsets are the published rules (the US changes on the second
 * Sunday of March and the first of November at 02:00; Lord Howe on the
 * first Sundays of April and October, by half an hour), checked against
 * `zdump -v` when the tests were written; the offsets are read back both by
 * this file's own evaluation of the observances and by libical's.
 */
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "testutil.h"
#include "../src/ics_int.h"

#define MAX_ONSETS 64

static const cv_zone *zone(const char *name)
{
	const cv_zone *z = NULL;
	assert_int_equal(cv_zone_lookup(&z, name, NULL, 0), CV_OK);
	return z;
}

/* The seconds of a floating DATE-TIME, as on a wall clock. */
static int64_t wall_of(icaltimetype t)
{
	assert_false(t.is_date);
	assert_null(t.zone);
	return (int64_t)cv_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day) * 86400 +
	       t.hour * 3600 + t.minute * 60 + t.second;
}

typedef struct onset {
	int64_t at;          /* UTC: local DTSTART/RDATE minus TZOFFSETFROM */
	int32_t before, after;
	int daylight;
} onset;

static int by_time(const void *a, const void *b)
{
	const onset *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

/* Every onset the observances state, in time order.  Returns how many. */
static size_t onsets(onset *out, const icalcomponent *vtz)
{
	icalcomponent *v = (icalcomponent *)vtz, *c;
	size_t n = 0;

	for (c = icalcomponent_get_first_component(v, ICAL_ANY_COMPONENT); c;
	     c = icalcomponent_get_next_component(v, ICAL_ANY_COMPONENT)) {
		icalcomponent_kind k = icalcomponent_isa(c);
		icalproperty *p;
		int32_t before, after;
		assert_true(k == ICAL_XSTANDARD_COMPONENT || k == ICAL_XDAYLIGHT_COMPONENT);
		assert_null(icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY));
		before = icalproperty_get_tzoffsetfrom(
			icalcomponent_get_first_property(c, ICAL_TZOFFSETFROM_PROPERTY));
		after = icalproperty_get_tzoffsetto(
			icalcomponent_get_first_property(c, ICAL_TZOFFSETTO_PROPERTY));
		p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
		assert_non_null(p);
		assert_true(n < MAX_ONSETS);
		out[n++] = (onset){wall_of(icalproperty_get_dtstart(p)) - before, before, after,
				   k == ICAL_XDAYLIGHT_COMPONENT};
		for (p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
		     p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
			assert_true(n < MAX_ONSETS);
			out[n++] = (onset){wall_of(icalproperty_get_rdate(p).time) - before, before,
					   after, k == ICAL_XDAYLIGHT_COMPONENT};
		}
	}
	qsort(out, n, sizeof(*out), by_time);
	return n;
}

/* The offset the observances give at UTC instant t (after their first onset). */
static int32_t offset_at(const onset *o, size_t n, int64_t t)
{
	int32_t off = o[0].before;
	size_t i;

	for (i = 0; i < n && o[i].at <= t; i++)
		off = o[i].after;
	return off;
}

/* The observance (STANDARD or DAYLIGHT) whose DTSTART is `dtstart`, or NULL. */
static icalcomponent *observance(icalcomponent *vtz, const char *dtstart)
{
	icalcomponent *c;

	for (c = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); c;
	     c = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		icaltimetype t = icalcomponent_get_dtstart(c);
		if (!strcmp(icaltime_as_ical_string(t), dtstart))
			return c;
	}
	return NULL;
}

static void assert_observance(icalcomponent *vtz, const char *dtstart, icalcomponent_kind kind,
			      int32_t before, int32_t after, const char *const *rdates)
{
	icalcomponent *c = observance(vtz, dtstart);
	icalproperty *p;
	size_t i = 0;

	assert_non_null(c);
	assert_int_equal(icalcomponent_isa(c), kind);
	assert_int_equal(icalproperty_get_tzoffsetfrom(
				 icalcomponent_get_first_property(c, ICAL_TZOFFSETFROM_PROPERTY)), before);
	assert_int_equal(icalproperty_get_tzoffsetto(
				 icalcomponent_get_first_property(c, ICAL_TZOFFSETTO_PROPERTY)), after);
	for (p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY), i++) {
		assert_non_null(rdates[i]);
		assert_string_equal(icaltime_as_ical_string(icalproperty_get_rdate(p).time), rdates[i]);
	}
	assert_null(rdates[i]);
}

static const char *tzid(icalcomponent *vtz)
{
	return icalproperty_get_tzid(icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY));
}

/*
 * Each DTSTART is the onset in the local time of the offset before it:
 * New York springs forward at 02:00 EST (07:00Z) and falls back at 02:00
 * EDT (06:00Z).  The change in force when the range starts (November 2026)
 * opens the list; the same change a year later is its RDATE.
 */
static void test_dtstart_is_local_time_before_the_onset(void **state)
{
	static const char *const none[] = {NULL};
	static const char *const nov27[] = {"20271107T020000", NULL};
	icalcomponent *v;
	(void)state;

	v = Cv_ics_vtimezone_build(zone("America/New_York"), test_utc(2027, 1, 1, 0, 0),
				test_utc(2028, 1, 1, 0, 0));
	assert_non_null(v);
	assert_string_equal(tzid(v), "America/New_York");
	assert_int_equal(icalcomponent_count_components(v, ICAL_ANY_COMPONENT), 2);
	assert_observance(v, "20261101T020000", ICAL_XSTANDARD_COMPONENT, -4 * 3600, -5 * 3600, nov27);
	assert_observance(v, "20270314T020000", ICAL_XDAYLIGHT_COMPONENT, -5 * 3600, -4 * 3600, none);
	icalcomponent_free(v);
}

/* After 2037 only the TZif footer rule speaks: Lord Howe's half-hour changes. */
static void test_footer_zone_after_2037(void **state)
{
	static const char *const none[] = {NULL};
	static const char *const oct39[] = {"20391002T020000", NULL};
	icalcomponent *v;
	(void)state;

	v = Cv_ics_vtimezone_build(zone("Australia/Lord_Howe"), test_utc(2039, 1, 1, 0, 0),
				test_utc(2040, 1, 1, 0, 0));
	assert_non_null(v);
	assert_int_equal(icalcomponent_count_components(v, ICAL_ANY_COMPONENT), 2);
	/* 2038-10-02T15:30Z and 2039-10-01T15:30Z: 02:00 at +10:30 */
	assert_observance(v, "20381003T020000", ICAL_XDAYLIGHT_COMPONENT, 37800, 39600, oct39);
	/* 2039-04-02T15:00Z: 02:00 at +11 */
	assert_observance(v, "20390403T020000", ICAL_XSTANDARD_COMPONENT, 39600, 37800, none);
	icalcomponent_free(v);
}

/*
 * Truncation: the onsets are the change in force at `from` and those in
 * [from, to), nothing after; TZUNTIL is `to`.  Three years of New York give
 * two observances with their further onsets as RDATEs.
 */
static void test_truncated_to_the_range(void **state)
{
	static const char *const std[] = {"20251102T020000", "20261101T020000", "20271107T020000", NULL};
	static const char *const dst[] = {"20260308T020000", "20270314T020000", NULL};
	int64_t from = test_utc(2025, 1, 10, 0, 0), to = test_utc(2028, 1, 1, 0, 0);
	icalcomponent *v;
	onset o[MAX_ONSETS];
	size_t n, i;
	(void)state;

	v = Cv_ics_vtimezone_build(zone("America/New_York"), from, to);
	assert_non_null(v);
	assert_int_equal(icalcomponent_count_components(v, ICAL_ANY_COMPONENT), 2);
	assert_observance(v, "20241103T020000", ICAL_XSTANDARD_COMPONENT, -4 * 3600, -5 * 3600, std);
	assert_observance(v, "20250309T020000", ICAL_XDAYLIGHT_COMPONENT, -5 * 3600, -4 * 3600, dst);
	n = onsets(o, v);
	assert_int_equal(n, 7);
	assert_true(o[0].at < from);
	for (i = 1; i < n; i++)
		assert_true(o[i].at >= from && o[i].at < to);
	assert_int_equal((int64_t)icaltime_as_timet(icalproperty_get_tzuntil(
				 icalcomponent_get_first_property(v, ICAL_TZUNTIL_PROPERTY))), to);
	icalcomponent_free(v);

	/* A summer without a change: one STANDARD at the summer offset, from `from` on. */
	from = test_utc(2027, 4, 1, 0, 0);
	v = Cv_ics_vtimezone_build(zone("America/New_York"), from, test_utc(2027, 10, 1, 0, 0));
	assert_non_null(v);
	assert_int_equal(icalcomponent_count_components(v, ICAL_ANY_COMPONENT), 1);
	assert_observance(v, "20270331T200000", ICAL_XSTANDARD_COMPONENT, -4 * 3600, -4 * 3600,
			  (const char *const[]){NULL});
	icalcomponent_free(v);

	/* An empty range has no definition. */
	assert_null(Cv_ics_vtimezone_build(zone("America/New_York"), from, from));
}

/* A zone that never changes in the range: one STANDARD, TZOFFSETFROM = TZOFFSETTO. */
static void test_zone_without_transitions(void **state)
{
	static const struct {
		const char *name, *tzid;
		int32_t offset;
	} z[] = {
		{"Asia/Kolkata", "Asia/Kolkata", 19800},
		{"Asia/Calcutta", "Asia/Kolkata", 19800}, /* a link: the TZID is the canonical name */
		{"Asia/Kathmandu", "Asia/Kathmandu", 20700},
		{"Etc/GMT-14", "Etc/GMT-14", 14 * 3600},
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		icalcomponent *v = Cv_ics_vtimezone_build(zone(z[i].name), test_utc(2027, 1, 4, 0, 0),
						       test_utc(2027, 7, 1, 0, 0));
		icalcomponent *c;
		assert_non_null(v);
		assert_string_equal(tzid(v), z[i].tzid);
		assert_int_equal(icalcomponent_count_components(v, ICAL_ANY_COMPONENT), 1);
		c = icalcomponent_get_first_component(v, ICAL_XSTANDARD_COMPONENT);
		assert_non_null(c);
		assert_int_equal(wall_of(icalcomponent_get_dtstart(c)),
				 test_utc(2027, 1, 4, 0, 0) + z[i].offset);
		assert_int_equal(icalproperty_get_tzoffsetfrom(icalcomponent_get_first_property(
					 c, ICAL_TZOFFSETFROM_PROPERTY)), z[i].offset);
		assert_int_equal(icalproperty_get_tzoffsetto(icalcomponent_get_first_property(
					 c, ICAL_TZOFFSETTO_PROPERTY)), z[i].offset);
		assert_null(icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY));
		icalcomponent_free(v);
	}
}

/*
 * Casablanca's Ramadan changes: to +00 on 23 Feb 2025 and 15 Feb 2026, back
 * to +01 on 6 Apr 2025 and 22 Mar 2026, all at 02:00 UT.  Repeated changes
 * between the same two offsets are one observance with RDATEs; clocks going
 * back make it a STANDARD.  (The range stops before September 2026, where
 * tzdata releases from 2026 on have Morocco keep +00 for good, so the
 * expectation holds for every tzdata a Debian 12 machine may have.)  Dublin's
 * negative DST (tzdata's winter "daylight" time) is written as clients show
 * it: summer DAYLIGHT.
 */
static void test_kinds_and_repeated_changes(void **state)
{
	static const char *const back[] = {"20250406T020000", "20260322T020000", NULL};
	static const char *const ramadan[] = {"20260215T030000", NULL};
	static const char *const none[] = {NULL};
	icalcomponent *v;
	(void)state;

	v = Cv_ics_vtimezone_build(zone("Africa/Casablanca"), test_utc(2025, 1, 1, 0, 0),
				test_utc(2026, 9, 1, 0, 0));
	assert_non_null(v);
	assert_int_equal(icalcomponent_count_components(v, ICAL_ANY_COMPONENT), 2);
	assert_observance(v, "20240414T020000", ICAL_XDAYLIGHT_COMPONENT, 0, 3600, back);
	assert_observance(v, "20250223T030000", ICAL_XSTANDARD_COMPONENT, 3600, 0, ramadan);
	icalcomponent_free(v);

	v = Cv_ics_vtimezone_build(zone("Europe/Dublin"), test_utc(2027, 1, 1, 0, 0),
				test_utc(2027, 12, 31, 0, 0));
	assert_non_null(v);
	assert_observance(v, "20261025T020000", ICAL_XSTANDARD_COMPONENT, 3600, 0,
			  (const char *const[]){"20271031T020000", NULL});
	assert_observance(v, "20270328T010000", ICAL_XDAYLIGHT_COMPONENT, 0, 3600, none);
	icalcomponent_free(v);
}

/*
 * For the zones calendar software gets wrong, over ranges that cross their
 * changes, the observances give the tz module's offset at every hour of the
 * range: read by this file and by libical's own VTIMEZONE code.
 */
static void test_observances_give_the_zone_offsets(void **state)
{
	static const struct {
		const char *name;
		int year;
	} z[] = {
		{"Pacific/Easter", 2021},  {"America/Nuuk", 2040},     {"America/Santiago", 2041},
		{"America/St_Johns", 2050}, {"Atlantic/Azores", 2044},  {"Australia/Lord_Howe", 2039},
		{"Pacific/Chatham", 2045}, {"Europe/Dublin", 2027},    {"Africa/Casablanca", 2026},
		{"Asia/Gaza", 2027},       {"Asia/Kathmandu", 2027},   {"America/New_York", 2027},
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		const cv_zone *zz = zone(z[i].name);
		int64_t from = test_utc(z[i].year, 1, 3, 5, 0), to = test_utc(z[i].year + 1, 1, 2, 0, 0);
		icalcomponent *v = Cv_ics_vtimezone_build(zz, from, to);
		icaltimezone *lib = icaltimezone_new();
		onset o[MAX_ONSETS];
		size_t n, changes;
		int64_t t;

		assert_non_null(v);
		assert_non_null(lib);
		n = onsets(o, v);
		changes = cv_zone_transitions(NULL, 0, zz, from, to);
		/* one onset per change, and the one in force at `from` */
		assert_int_equal(n, changes ? changes + 1 : 1);
		for (t = from; t < to; t += 3600) {
			int32_t want = cv_zone_offset(zz, t);
			icaltimetype tt = icaltime_from_timet_with_zone((time_t)t, 0, NULL);
			int dst = 0;
			if (offset_at(o, n, t) != want)
				fail_msg("%s at %lld: VTIMEZONE %d, tz %d", z[i].name, (long long)t,
					 offset_at(o, n, t), want);
			if (t == from || t % (6 * 3600) == 0) { /* libical is slower */
				if (t == from)
					assert_int_equal(icaltimezone_set_component(
								 lib, icalcomponent_new_clone(v)), 1);
				assert_int_equal(icaltimezone_get_utc_offset_of_utc_time(lib, &tt, &dst),
						 want);
			}
		}
		icaltimezone_free(lib, 1);
		icalcomponent_free(v);
	}
}

static int teardown(void **state)
{
	(void)state;
	cv_tz_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dtstart_is_local_time_before_the_onset),
		cmocka_unit_test(test_footer_zone_after_2037),
		cmocka_unit_test(test_truncated_to_the_range),
		cmocka_unit_test(test_zone_without_transitions),
		cmocka_unit_test(test_kinds_and_repeated_changes),
		cmocka_unit_test(test_observances_give_the_zone_offsets),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
