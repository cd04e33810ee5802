/*
 * test_tz.c - zone names, offsets, transitions and the RFC 5545 resolver.
 *
 * Expected values are facts of tzdata that hold from 2025b on (US and EU
 * rules, fixed offsets of India, Nepal, ...), written out from the rules, not
 * copied from convene's output.  The exhaustive comparison with zdump and
 * Python's zoneinfo is tzdata-tests/sweep.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../src/tz_int.h"

#define H 3600

static const cv_zone *zone(const char *name)
{
	const cv_zone *z = NULL;
	char hint[CV_ZONE_HINT_MAX];
	int rc = cv_zone_lookup(&z, name, hint, sizeof(hint));
	if (rc)
		fail_msg("cv_zone_lookup(\"%s\") = %d: %s", name, rc, hint);
	return z;
}

static void assert_canonical(const char *name, const char *canonical)
{
	assert_string_equal(cv_zone_name(zone(name)), canonical);
}

/* Refused with CV_EDATA, *out untouched, and a hint that mentions `want`. */
static void assert_refused(const char *name, const char *want)
{
	const cv_zone *sentinel = (const cv_zone *)&sentinel, *z = sentinel;
	char hint[CV_ZONE_HINT_MAX];
	int rc;

	memset(hint, 'x', sizeof(hint));
	rc = cv_zone_lookup(&z, name, hint, sizeof(hint));
	if (rc != CV_EDATA)
		fail_msg("\"%s\" was not refused (rc %d)", name, rc);
	assert_ptr_equal(z, sentinel);
	assert_non_null(memchr(hint, '\0', sizeof(hint)));
	if (want && !strstr(hint, want))
		fail_msg("hint for \"%s\" lacks \"%s\": %s", name, want, hint);
	if (!want)
		assert_true(strlen(hint) > 10);
}

/*
 * City names are refused, never taken as a guess, and the hint names the
 * zone: exemplar locations as ICU names them in several languages ("New
 * York", "Tokio" in German, "東京" in Japanese, "Londres" in French and
 * Spanish), and cities that are none ("Beijing" keeps China's time, whose
 * zone is named after Shanghai; "Munich"; also after a region).
 */
static void test_city_names_are_refused_with_their_zone(void **state)
{
	(void)state;
	assert_refused("Beijing", "that is a city; write its zone, Asia/Shanghai");
	assert_refused("Asia/Beijing", "Asia/Shanghai");
	assert_refused("Munich", "Europe/Berlin");
	assert_refused("New York", "that is a city; write its zone, America/New_York");
	assert_refused("new york", "America/New_York");
	assert_refused("Tokio", "Asia/Tokyo");
	assert_refused("\xE6\x9D\xB1\xE4\xBA\xAC", "Asia/Tokyo"); /* 東京 */
	assert_refused("Londres", "Europe/London");
	assert_refused("Sao Paulo", "America/Sao_Paulo");
	/* not a city: the edit-distance suggestion as before */
	assert_refused("Europe/Londn", "did you mean Europe/London");
}

static void test_iana_names_resolve_to_themselves(void **state)
{
	(void)state;
	assert_canonical("America/New_York", "America/New_York");
	assert_canonical("Europe/London", "Europe/London");
	assert_canonical("Asia/Tokyo", "Asia/Tokyo");
	assert_canonical("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires");
}

static void test_backward_links_resolve_to_canonical_zones(void **state)
{
	(void)state;
	assert_canonical("Asia/Calcutta", "Asia/Kolkata");
	assert_canonical("US/Eastern", "America/New_York");
	assert_canonical("Europe/Kiev", "Europe/Kyiv");
	assert_canonical("US/Pacific", "America/Los_Angeles");
	assert_canonical("Japan", "Asia/Tokyo");
	/* A link and its target share one cached zone. */
	assert_ptr_equal(zone("US/Eastern"), zone("America/New_York"));
}

static void test_windows_names_map_to_iana_zones(void **state)
{
	(void)state;
	assert_canonical("Pacific Standard Time", "America/Los_Angeles");
	assert_canonical("W. Europe Standard Time", "Europe/Berlin");
	/* ICU says Asia/Calcutta; the tzdata link makes it Asia/Kolkata. */
	assert_canonical("India Standard Time", "Asia/Kolkata");
	assert_canonical("Eastern Standard Time", "America/New_York");
	assert_canonical("AUS Eastern Standard Time", "Australia/Sydney");
	assert_canonical("Tokyo Standard Time", "Asia/Tokyo");
	assert_canonical("pacific standard time", "America/Los_Angeles");
}

static void test_utc_and_its_aliases(void **state)
{
	const cv_zone *utc;
	(void)state;
	utc = zone("UTC");
	assert_string_equal(cv_zone_name(utc), "UTC");
	assert_ptr_equal(zone("Etc/UTC"), utc);
	assert_ptr_equal(zone("Zulu"), utc);
	assert_ptr_equal(zone("utc"), utc);
	assert_int_equal(cv_zone_offset(utc, test_utc(2027, 7, 1, 12, 0)), 0);
	assert_int_equal(cv_zone_to_utc(utc, test_wall(2027, 3, 14, 2, 30)),
			 test_utc(2027, 3, 14, 2, 30));
	assert_int_equal(cv_zone_transitions(NULL, 0, utc, 0, test_utc(2100, 1, 1, 0, 0)), 0);
}

static void test_case_and_blanks_are_forgiven(void **state)
{
	(void)state;
	assert_canonical("america/new_york", "America/New_York");
	assert_canonical("  Europe/Paris\t", "Europe/Paris");
	assert_canonical("ASIA/CALCUTTA", "Asia/Kolkata");
}

static void test_abbreviations_are_refused_with_likely_zones(void **state)
{
	(void)state;
	assert_refused("EST", "America/New_York");
	assert_refused("EDT", "America/New_York");
	assert_refused("PST", "America/Los_Angeles");
	assert_refused("CST", "America/Chicago");
	assert_refused("IST", "Asia/Kolkata");
	assert_refused("IST", "Europe/Dublin");
	assert_refused("BST", "Europe/London");
	assert_refused("CET", "Europe/Paris");
	assert_refused("cet", "Europe/Paris");
	assert_refused("MST", "America/Phoenix");
	assert_refused("HST", "Pacific/Honolulu");
	assert_refused("GMT", "Europe/London");
	assert_refused("JST", "Asia/Tokyo");
	assert_refused("AEST", "Australia/Sydney");
}

static void test_vague_region_names_are_refused(void **state)
{
	(void)state;
	assert_refused("Eastern", "America/New_York");
	assert_refused("Pacific", "America/Los_Angeles");
	assert_refused("Central Time", "America/Chicago");
	assert_refused("Factory", NULL);
}

static void test_offset_names_are_refused_with_the_sign_explained(void **state)
{
	(void)state;
	/* "GMT+5" means UTC+05:00 to its writer but UTC-05:00 to POSIX. */
	assert_refused("GMT+5", "Etc/GMT-5");
	assert_refused("GMT+5", "UTC-05:00");
	assert_refused("UTC+05:00", "Etc/GMT-5");
	assert_refused("UTC-3", "Etc/GMT+3");
	assert_refused("UTC+05:30", "Asia/Kolkata");
	assert_refused("+0545", "Asia/Kathmandu");
	assert_refused("UTC+0", "use UTC");
}

static void test_real_etc_gmt_zones_follow_posix_signs(void **state)
{
	int64_t t = test_utc(2027, 7, 1, 0, 0);
	(void)state;
	assert_int_equal(cv_zone_offset(zone("Etc/GMT+5"), t), -5 * H);
	assert_int_equal(cv_zone_offset(zone("Etc/GMT-14"), t), 14 * H);
	assert_int_equal(cv_zone_transitions(NULL, 0, zone("Etc/GMT+5"), 0, t), 0);
}

static void test_typos_get_did_you_mean(void **state)
{
	(void)state;
	assert_refused("Europe/Londn", "did you mean Europe/London?");
	assert_refused("America/New_Yrok", "America/New_York");
	assert_refused("Asia/Tokio", "Asia/Tokyo");
	assert_refused("Londn", "Europe/London");
	assert_refused("new york", "America/New_York");
	assert_refused("Pacific Standard Tme", "Pacific Standard Time");
}

static void test_unknown_names_are_errors_never_utc(void **state)
{
	const cv_zone *z = NULL;
	(void)state;
	assert_refused("Mars/Olympus_Mons", NULL);
	assert_refused("", NULL);
	assert_refused("   ", NULL);
	assert_refused("../../../etc/passwd", NULL);
	assert_refused("right/America/New_York", NULL);
	assert_int_equal(cv_zone_lookup(&z, "Nowhere/Special", NULL, 0), CV_EDATA);
	assert_null(z);
	assert_int_equal(cv_zone_lookup(&z, NULL, NULL, 0), CV_EDATA);
}

static void test_hints_are_truncated_to_the_buffer(void **state)
{
	const cv_zone *z;
	char hint[8];
	(void)state;
	memset(hint, 'x', sizeof(hint));
	assert_int_equal(cv_zone_lookup(&z, "EST", hint, sizeof(hint)), CV_EDATA);
	assert_int_equal(strlen(hint), sizeof(hint) - 1);
}

/* `convene zones` answers refused names with the refusal, unknown ones with a listing. */
static void test_refused_is_by_design_not_unknown(void **state)
{
	char hint[CV_ZONE_HINT_MAX];
	(void)state;
	assert_true(cv_zone_refused("EST", hint, sizeof(hint)));
	assert_non_null(strstr(hint, "America/New_York"));
	assert_true(cv_zone_refused(" Eastern ", hint, sizeof(hint)));
	assert_true(cv_zone_refused("ist", hint, sizeof(hint)));
	assert_true(cv_zone_refused("GMT+5", hint, sizeof(hint)));
	assert_non_null(strstr(hint, "Etc/GMT-5"));
	assert_true(cv_zone_refused("UTC+05:30", NULL, 0));
	assert_true(cv_zone_refused("Factory", NULL, 0));
	/* Accepted names, unknown names and substrings are not refused. */
	assert_false(cv_zone_refused("Etc/GMT+5", hint, sizeof(hint)));
	assert_false(cv_zone_refused("UTC", hint, sizeof(hint)));
	assert_false(cv_zone_refused("Asia/Calcutta", hint, sizeof(hint)));
	assert_false(cv_zone_refused("Pacific Standard Time", hint, sizeof(hint)));
	assert_false(cv_zone_refused("Europe/Londn", hint, sizeof(hint)));
	assert_non_null(strstr(hint, "Europe/London"));
	assert_false(cv_zone_refused("Kolkata", hint, sizeof(hint)));
	assert_false(cv_zone_refused(NULL, hint, sizeof(hint)));
	assert_false(cv_zone_refused("", hint, sizeof(hint)));
}

static void test_offsets_in_winter_and_summer(void **state)
{
	int64_t jan = test_utc(2027, 1, 15, 12, 0), jul = test_utc(2027, 7, 15, 12, 0);
	(void)state;
	assert_int_equal(cv_zone_offset(zone("America/New_York"), jan), -5 * H);
	assert_int_equal(cv_zone_offset(zone("America/New_York"), jul), -4 * H);
	assert_int_equal(cv_zone_offset(zone("Europe/Berlin"), jan), 1 * H);
	assert_int_equal(cv_zone_offset(zone("Europe/Berlin"), jul), 2 * H);
	assert_int_equal(cv_zone_offset(zone("Australia/Sydney"), jan), 11 * H);
	assert_int_equal(cv_zone_offset(zone("Australia/Sydney"), jul), 10 * H);
	assert_int_equal(cv_zone_offset(zone("Asia/Kolkata"), jul), 5 * H + 1800);
	assert_int_equal(cv_zone_offset(zone("Asia/Kathmandu"), jul), 5 * H + 2700);
	assert_int_equal(cv_zone_offset(zone("Pacific/Chatham"), jul), 12 * H + 2700);
	assert_int_equal(cv_zone_offset(zone("Pacific/Chatham"), jan), 13 * H + 2700);
	/* Ireland's standard time is summer time: winter is "negative DST". */
	assert_int_equal(cv_zone_offset(zone("Europe/Dublin"), jan), 0);
	assert_int_equal(cv_zone_offset(zone("Europe/Dublin"), jul), 1 * H);
}

static void test_offset_changes_at_the_exact_second(void **state)
{
	const cv_zone *ny = zone("America/New_York");
	int64_t spring = test_utc(2027, 3, 14, 7, 0), fall = test_utc(2027, 11, 7, 6, 0);
	(void)state;
	assert_int_equal(cv_zone_offset(ny, spring - 1), -5 * H);
	assert_int_equal(cv_zone_offset(ny, spring), -4 * H);
	assert_int_equal(cv_zone_offset(ny, fall - 1), -4 * H);
	assert_int_equal(cv_zone_offset(ny, fall), -5 * H);
}

/*
 * ICU 72 carries tzdata 2022e, which still has Mexico's DST (abolished in
 * October 2022): it would say -05:00 in July 2027.  convene must not.
 */
static void test_stale_icu_data_is_not_used(void **state)
{
	(void)state;
	assert_int_equal(cv_zone_offset(zone("America/Mexico_City"), test_utc(2027, 7, 15, 12, 0)),
			 -6 * H);
	assert_int_equal(cv_zone_transitions(NULL, 0, zone("America/Mexico_City"),
					     test_utc(2023, 1, 1, 0, 0), test_utc(2030, 1, 1, 0, 0)),
			 0);
	/* Windows names go through ICU for the name only. */
	assert_int_equal(cv_zone_offset(zone("Central Standard Time (Mexico)"),
					test_utc(2027, 7, 15, 12, 0)), -6 * H);
}

static void test_to_wall_adds_the_offset(void **state)
{
	(void)state;
	assert_int_equal(cv_zone_to_wall(zone("America/New_York"), test_utc(2027, 7, 1, 16, 0)),
			 test_wall(2027, 7, 1, 12, 0));
	assert_int_equal(cv_zone_to_wall(zone("Asia/Kolkata"), test_utc(2027, 1, 1, 0, 0)),
			 test_wall(2027, 1, 1, 5, 30));
}

static void test_spring_gap_uses_the_offset_before_the_gap(void **state)
{
	const cv_zone *ny = zone("America/New_York");
	(void)state;
	/* 02:00-03:00 does not exist on 2027-03-14; EST (-5) is read. */
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 3, 14, 2, 30)),
			 test_utc(2027, 3, 14, 7, 30));
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 3, 14, 2, 0)),
			 test_utc(2027, 3, 14, 7, 0));
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 3, 14, 2, 0) - 1),
			 test_utc(2027, 3, 14, 7, 0) - 1);
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 3, 14, 3, 0)),
			 test_utc(2027, 3, 14, 7, 0));
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 3, 14, 12, 0)),
			 test_utc(2027, 3, 14, 16, 0));
}

static void test_fall_overlap_takes_the_first_instant(void **state)
{
	const cv_zone *ny = zone("America/New_York");
	(void)state;
	/* 01:00-02:00 happens twice on 2027-11-07; the EDT (-4) one comes first. */
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 11, 7, 1, 30)),
			 test_utc(2027, 11, 7, 5, 30));
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 11, 7, 1, 0)),
			 test_utc(2027, 11, 7, 5, 0));
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 11, 7, 2, 0) - 1),
			 test_utc(2027, 11, 7, 6, 0) - 1);
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2027, 11, 7, 2, 0)),
			 test_utc(2027, 11, 7, 7, 0));
}

static void test_southern_and_half_hour_changes(void **state)
{
	const cv_zone *syd = zone("Australia/Sydney"), *lhi = zone("Australia/Lord_Howe");
	(void)state;
	/* Sydney: 03:00 AEDT -> 02:00 AEST on 2027-04-04 (first Sunday of April). */
	assert_int_equal(cv_zone_to_utc(syd, test_wall(2027, 4, 4, 2, 30)),
			 test_utc(2027, 4, 3, 15, 30));
	/* 02:00 AEST -> 03:00 AEDT on 2027-10-03 (first Sunday of October). */
	assert_int_equal(cv_zone_to_utc(syd, test_wall(2027, 10, 3, 2, 30)),
			 test_utc(2027, 10, 2, 16, 30));
	/* Lord Howe moves by 30 minutes: 02:00 -> 02:30 (+10:30 -> +11). */
	assert_int_equal(cv_zone_to_utc(lhi, test_wall(2027, 10, 3, 2, 15)),
			 test_utc(2027, 10, 2, 15, 45));
	assert_int_equal(cv_zone_to_utc(lhi, test_wall(2027, 4, 4, 1, 45)),
			 test_utc(2027, 4, 3, 14, 45));
}

static void test_transitions_in_a_year(void **state)
{
	const cv_zone *ny = zone("America/New_York");
	int64_t from = test_utc(2027, 1, 1, 0, 0), to = test_utc(2028, 1, 1, 0, 0);
	cv_transition tr[4];
	(void)state;
	assert_int_equal(cv_zone_transitions(NULL, 0, ny, from, to), 2);
	assert_int_equal(cv_zone_transitions(tr, 4, ny, from, to), 2);
	assert_int_equal(tr[0].at, test_utc(2027, 3, 14, 7, 0));
	assert_int_equal(tr[0].offset_before, -5 * H);
	assert_int_equal(tr[0].offset_after, -4 * H);
	assert_int_equal(tr[1].at, test_utc(2027, 11, 7, 6, 0));
	assert_int_equal(tr[1].offset_before, -4 * H);
	assert_int_equal(tr[1].offset_after, -5 * H);
	/* A short buffer gets the first ones and the true count. */
	memset(tr, 0, sizeof(tr));
	assert_int_equal(cv_zone_transitions(tr, 1, ny, from, to), 2);
	assert_int_equal(tr[0].at, test_utc(2027, 3, 14, 7, 0));
	assert_int_equal(tr[1].at, 0);
	/* from is inclusive, to exclusive. */
	assert_int_equal(cv_zone_transitions(tr, 4, ny, tr[0].at, tr[0].at + 1), 1);
	assert_int_equal(cv_zone_transitions(tr, 4, ny, from, test_utc(2027, 3, 14, 7, 0)), 0);
	assert_int_equal(cv_zone_transitions(tr, 4, ny, to, from), 0);
	assert_int_equal(cv_zone_transitions(NULL, 0, zone("Asia/Tokyo"), from, to), 0);
}

static void test_transitions_across_many_years(void **state)
{
	const cv_zone *berlin = zone("Europe/Berlin");
	cv_transition *tr;
	size_t n, i;
	(void)state;
	/* EU rule: two changes a year, 1996 through 2099 at least. */
	n = cv_zone_transitions(NULL, 0, berlin, test_utc(2000, 1, 1, 0, 0),
				test_utc(2100, 1, 1, 0, 0));
	assert_int_equal(n, 200);
	tr = calloc(n, sizeof(*tr));
	assert_non_null(tr);
	assert_int_equal(cv_zone_transitions(tr, n, berlin, test_utc(2000, 1, 1, 0, 0),
					     test_utc(2100, 1, 1, 0, 0)), n);
	for (i = 0; i < n; i++) {
		/* Always 01:00 UTC, alternately +1 -> +2 and +2 -> +1. */
		assert_int_equal(tr[i].at % 86400, 3600);
		assert_int_equal(tr[i].offset_before, i % 2 ? 2 * H : 1 * H);
		assert_int_equal(tr[i].offset_after, i % 2 ? 1 * H : 2 * H);
		if (i)
			assert_true(tr[i].at > tr[i - 1].at);
	}
	free(tr);
}

static void test_far_past_and_future(void **state)
{
	const cv_zone *ny = zone("America/New_York");
	(void)state;
	/* The footer rule of the TZif file carries the US rule past 2037. */
	assert_int_equal(cv_zone_offset(ny, test_utc(2100, 7, 1, 0, 0)), -4 * H);
	assert_int_equal(cv_zone_to_utc(ny, test_wall(2100, 3, 14, 2, 30)),
			 test_utc(2100, 3, 14, 7, 30));
	/* Before standard time, local mean time: -4:56:02. */
	assert_int_equal(cv_zone_offset(ny, test_utc(1850, 1, 1, 0, 0)), -(4 * H + 56 * 60 + 2));
	/* Extreme inputs are clamped, not overflowed. */
	(void)cv_zone_offset(ny, INT64_MAX);
	(void)cv_zone_offset(ny, INT64_MIN);
	(void)cv_zone_to_utc(ny, INT64_MIN);
	(void)cv_zone_transitions(NULL, 0, ny, INT64_MIN, INT64_MAX);
}

static int read_version(char *buf, size_t size)
{
	FILE *f = fopen("/usr/share/zoneinfo/tzdata.zi", "r");
	char line[128];
	int ok = f && fgets(line, sizeof(line), f) && sscanf(line, "# version %31s", buf) == 1;
	(void)size;
	if (f)
		fclose(f);
	return ok;
}

static void test_version_comes_from_tzdata_zi(void **state)
{
	char v[32];
	(void)state;
	if (!read_version(v, sizeof(v)))
		skip();
	assert_string_equal(cv_tz_version(), v);
	assert_int_equal(cv_tz_version_year(), atoi(v));
	/* Debian 12 has had 2024a and later; nothing newer is assumed. */
	assert_true(cv_tz_version_year() >= 2024);
}

/*
 * The tzdata-age warning: a day more than one year past the release year
 * warns.  Computed from the release in use, so it holds for any of them.
 */
static void test_stale_for_boundary_years(void **state)
{
	int y = cv_tz_version_year();
	(void)state;
	if (y == 0)
		skip();
	assert_false(cv_tz_stale_for(cv_days_from_civil(y, 1, 1)));
	assert_false(cv_tz_stale_for(cv_days_from_civil(y, 12, 31)));
	assert_false(cv_tz_stale_for(cv_days_from_civil(y + 1, 1, 1)));
	assert_false(cv_tz_stale_for(cv_days_from_civil(y + 1, 12, 31)));
	assert_true(cv_tz_stale_for(cv_days_from_civil(y + 2, 1, 1)));
	assert_true(cv_tz_stale_for(cv_days_from_civil(y + 2, 12, 31)));
	assert_true(cv_tz_stale_for(cv_days_from_civil(y + 10, 6, 1)));
	/* The past is never stale. */
	assert_false(cv_tz_stale_for(cv_days_from_civil(y - 5, 6, 1)));
}

struct names {
	int n, ny, calcutta, est;
	char prev[64];
	int sorted;
};

static int collect(const char *name, void *ctx)
{
	struct names *s = ctx;
	s->n++;
	s->ny |= !strcmp(name, "America/New_York");
	s->calcutta |= !strcmp(name, "Asia/Calcutta");
	s->est |= !strcmp(name, "EST");
	if (strcmp(s->prev, name) >= 0)
		s->sorted = 0;
	snprintf(s->prev, sizeof(s->prev), "%s", name);
	return 0;
}

static int stop_at_third(const char *name, void *ctx)
{
	(void)name;
	return ++*(int *)ctx == 3 ? 42 : 0;
}

static void test_foreach_lists_accepted_names_sorted(void **state)
{
	struct names s = {0, 0, 0, 0, "", 1};
	int count = 0;
	(void)state;
	assert_int_equal(cv_tz_foreach_name(collect, &s), 0);
	assert_true(s.n > 400);
	assert_true(s.ny);
	assert_true(s.calcutta);
	assert_false(s.est);
	assert_true(s.sorted);
	assert_int_equal(cv_tz_foreach_name(stop_at_third, &count), 42);
	assert_int_equal(count, 3);
}

static void test_cleanup_then_lookup_again(void **state)
{
	(void)state;
	assert_int_equal(cv_zone_offset(zone("Europe/Paris"), test_utc(2027, 7, 1, 0, 0)), 2 * H);
	cv_tz_cleanup();
	cv_tz_cleanup();
	assert_int_equal(cv_zone_offset(zone("Europe/Paris"), test_utc(2027, 7, 1, 0, 0)), 2 * H);
	assert_canonical("Pacific Standard Time", "America/Los_Angeles");
}

/* ---- the POSIX TZ rules of TZif footers, including forms tzdata rarely uses ---- */

static void test_posix_rule_us(void **state)
{
	tz_rule r;
	(void)state;
	assert_int_equal(Cv_tz_rule_parse(&r, "EST5EDT,M3.2.0,M11.1.0"), 0);
	assert_int_equal(r.std, -5 * H);
	assert_int_equal(r.dst, -4 * H);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 3, 9, 7, 0) - 1), -5 * H);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 3, 9, 7, 0)), -4 * H);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 11, 2, 6, 0) - 1), -4 * H);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 11, 2, 6, 0)), -5 * H);
}

static void test_posix_rule_forms(void **state)
{
	tz_rule r;
	(void)state;
	/* Quoted names, minutes, no DST. */
	assert_int_equal(Cv_tz_rule_parse(&r, "<+0330>-3:30"), 0);
	assert_false(r.has_dst);
	assert_int_equal(Cv_tz_rule_offset(&r, 0), 3 * H + 1800);
	/* Negative DST (Ireland): winter is the "daylight" part. */
	assert_int_equal(Cv_tz_rule_parse(&r, "IST-1GMT0,M10.5.0,M3.5.0/1"), 0);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 1, 15, 0, 0)), 0);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 7, 15, 0, 0)), 1 * H);
	/* Negative and >24h times (Greenland, Chile). */
	assert_int_equal(Cv_tz_rule_parse(&r, "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"), 0);
	assert_int_equal(r.start.time, -1 * H);
	assert_int_equal(Cv_tz_rule_parse(&r, "<-04>4<-03>,M9.1.6/24,M4.1.6/24"), 0);
	assert_int_equal(r.start.time, 24 * H);
	/* DST all year, written as a change at each New Year. */
	assert_int_equal(Cv_tz_rule_parse(&r, "EST5EDT4,0/0,J365/25"), 0);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 1, 1, 2, 0)), -4 * H);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 6, 1, 0, 0)), -4 * H);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2031, 12, 31, 23, 0)), -4 * H);
	/* Julian days skip Feb 29: J60 is March 1 in a leap year. */
	assert_int_equal(Cv_tz_rule_parse(&r, "AAA0BBB,J60/0,J300/0"), 0);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2032, 3, 1, 0, 0) - 1), 0);
	assert_int_equal(Cv_tz_rule_offset(&r, test_utc(2032, 3, 1, 0, 0)), 1 * H);
}

static void test_posix_rule_rejects_garbage(void **state)
{
	tz_rule r;
	(void)state;
	assert_int_equal(Cv_tz_rule_parse(&r, ""), CV_EDATA);
	assert_int_equal(Cv_tz_rule_parse(&r, "5"), CV_EDATA);
	assert_int_equal(Cv_tz_rule_parse(&r, "EST"), CV_EDATA);
	assert_int_equal(Cv_tz_rule_parse(&r, "EST5EDT,M13.1.0,M11.1.0"), CV_EDATA);
	assert_int_equal(Cv_tz_rule_parse(&r, "EST5EDT,M3.2.0"), CV_EDATA);
	assert_int_equal(Cv_tz_rule_parse(&r, "EST5EDT,M3.2.0,M11.1.0x"), CV_EDATA);
	assert_int_equal(Cv_tz_rule_parse(&r, "<EST5"), CV_EDATA);
}

static void test_tzif_rejects_malformed_files(void **state)
{
	tz_tzif *z = NULL;
	unsigned char buf[64];
	(void)state;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(Cv_tzif_parse(&z, buf, sizeof(buf)), CV_EDATA);
	memcpy(buf, "TZif2", 5);
	assert_int_equal(Cv_tzif_parse(&z, buf, 20), CV_EDATA);
	/* typecnt 0 */
	assert_int_equal(Cv_tzif_parse(&z, buf, sizeof(buf)), CV_EDATA);
	assert_null(z);
	assert_int_equal(Cv_tzif_load(&z, "/nonexistent/zone"), CV_ENOINPUT);
	assert_int_equal(Cv_tzif_load(&z, "/usr/share/zoneinfo/tzdata.zi"), CV_EDATA);
	assert_null(z);
}

static int teardown(void **state)
{
	(void)state;
	cv_tz_cleanup();
	return 0;
}

/*
 * An unknown name is searched for once: asked again (with or without a
 * hint buffer) it gets the same hint.  Only the first 256 distinct unknown
 * names of a process get a did-you-mean search; later ones the generic
 * hint, and a name remembered before keeps its suggestion.  (Runs last:
 * it uses up the process's searches.)
 */
static void test_unknown_names_searched_once_and_capped(void **state)
{
	char h1[CV_ZONE_HINT_MAX], h2[CV_ZONE_HINT_MAX], name[64];
	const cv_zone *z;
	int i;

	(void)state;
	assert_int_equal(cv_zone_lookup(&z, "America/New_Yrok", NULL, 0), CV_EDATA);
	assert_int_equal(cv_zone_lookup(&z, "America/New_Yrok", h1, sizeof(h1)), CV_EDATA);
	assert_non_null(strstr(h1, "did you mean America/New_York?"));
	assert_int_equal(cv_zone_lookup(&z, "America/New_Yrok", h2, sizeof(h2)), CV_EDATA);
	assert_string_equal(h1, h2);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "Qq/Zz%d", i);
		assert_int_equal(cv_zone_lookup(&z, name, h2, sizeof(h2)), CV_EDATA);
	}
	assert_int_equal(cv_zone_lookup(&z, "Europe/Lodnon", h2, sizeof(h2)), CV_EDATA);
	assert_null(strstr(h2, "did you mean"));
	assert_non_null(strstr(h2, "use an IANA name"));
	assert_int_equal(cv_zone_lookup(&z, "America/New_Yrok", h2, sizeof(h2)), CV_EDATA);
	assert_string_equal(h1, h2);
	/* Good names still resolve. */
	assert_int_equal(cv_zone_lookup(&z, "Europe/London", NULL, 0), CV_OK);
	assert_int_equal(cv_zone_lookup(&z, "europe/london", NULL, 0), CV_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iana_names_resolve_to_themselves),
		cmocka_unit_test(test_city_names_are_refused_with_their_zone),
		cmocka_unit_test(test_backward_links_resolve_to_canonical_zones),
		cmocka_unit_test(test_windows_names_map_to_iana_zones),
		cmocka_unit_test(test_utc_and_its_aliases),
		cmocka_unit_test(test_case_and_blanks_are_forgiven),
		cmocka_unit_test(test_abbreviations_are_refused_with_likely_zones),
		cmocka_unit_test(test_vague_region_names_are_refused),
		cmocka_unit_test(test_offset_names_are_refused_with_the_sign_explained),
		cmocka_unit_test(test_real_etc_gmt_zones_follow_posix_signs),
		cmocka_unit_test(test_typos_get_did_you_mean),
		cmocka_unit_test(test_unknown_names_are_errors_never_utc),
		cmocka_unit_test(test_hints_are_truncated_to_the_buffer),
		cmocka_unit_test(test_refused_is_by_design_not_unknown),
		cmocka_unit_test(test_offsets_in_winter_and_summer),
		cmocka_unit_test(test_offset_changes_at_the_exact_second),
		cmocka_unit_test(test_stale_icu_data_is_not_used),
		cmocka_unit_test(test_to_wall_adds_the_offset),
		cmocka_unit_test(test_spring_gap_uses_the_offset_before_the_gap),
		cmocka_unit_test(test_fall_overlap_takes_the_first_instant),
		cmocka_unit_test(test_southern_and_half_hour_changes),
		cmocka_unit_test(test_transitions_in_a_year),
		cmocka_unit_test(test_transitions_across_many_years),
		cmocka_unit_test(test_far_past_and_future),
		cmocka_unit_test(test_version_comes_from_tzdata_zi),
		cmocka_unit_test(test_stale_for_boundary_years),
		cmocka_unit_test(test_foreach_lists_accepted_names_sorted),
		cmocka_unit_test(test_cleanup_then_lookup_again),
		cmocka_unit_test(test_posix_rule_us),
		cmocka_unit_test(test_posix_rule_forms),
		cmocka_unit_test(test_posix_rule_rejects_garbage),
		cmocka_unit_test(test_tzif_rejects_malformed_files),
		cmocka_unit_test(test_unknown_names_searched_once_and_capped),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
