/*
 * test_avail.c - the availability mini-language and the UTC intervals it
 * means.  Expected instants are worked out by hand from the zones' known
 * offsets (Europe/Berlin CET +1 / CEST +2 from 2027-03-28 01:00Z;
 * America/New_York EST -5 / EDT -4 from 2027-03-14 07:00Z to 2027-11-07
 * 06:00Z; Asia/Tokyo +9 all year; Australia/Sydney AEDT +11 until
 * 2027-04-03 16:00Z, then AEST +10).  These rules are the same in every
 * tzdata release from 2016 on.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* ---- parsing ---------------------------------------------------------- */

static cv_window *parse_ok(const char *text, size_t *n)
{
	cv_window *w = NULL;
	cv_errors *e;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	if (cv_windows_parse(&w, n, text, NULL, e) != CV_OK) {
		cv_errors_print(e, stderr);
		fail_msg("\"%s\" did not parse", text);
	}
	cv_errors_free(e);
	return w;
}

#define BIT(d) (1u << (d))
enum { MON, TUE, WED, THU, FRI, SAT, SUN };

static void test_parse_single_day(void **state)
{
	size_t n;
	cv_window *w = parse_ok("Mon 18:00-22:00", &n);
	(void)state;
	assert_int_equal(n, 1);
	assert_int_equal(w[0].days, BIT(MON));
	assert_int_equal(w[0].start, 18 * 60);
	assert_int_equal(w[0].end, 22 * 60);
	free(w);
}

static void test_parse_day_range_and_list(void **state)
{
	size_t n;
	cv_window *w = parse_ok("Mon-Fri 09:00-10:00; Sat,Sun 11:30-12:45", &n);
	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(w[0].days, 0x1F);
	assert_int_equal(w[1].days, BIT(SAT) | BIT(SUN));
	assert_int_equal(w[1].start, 11 * 60 + 30);
	assert_int_equal(w[1].end, 12 * 60 + 45);
	free(w);
}

/* One window: its days, start and end in minutes. */
static void assert_window(const char *text, unsigned days, unsigned start, unsigned end)
{
	size_t n;
	cv_window *w = parse_ok(text, &n);
	if (n != 1 || w[0].days != days || w[0].start != start || w[0].end != end)
		fail_msg("\"%s\": %zu windows, days %#x %u-%u; want days %#x %u-%u", text, n,
			 n ? w[0].days : 0, n ? w[0].start : 0, n ? w[0].end : 0, days, start, end);
	free(w);
}

/* The en and em dashes that editors and phones put in ranges ("Mon–Fri 18:00–22:00"). */
static void test_parse_en_and_em_dashes(void **state)
{
	(void)state;
	assert_window("Mon\xE2\x80\x93" "Fri 18:00\xE2\x80\x93" "22:00", 0x1F, 18 * 60, 22 * 60);
	assert_window("Mon \xE2\x80\x94 Fri 18:00 \xE2\x80\x94 22:00", 0x1F, 18 * 60, 22 * 60);
	assert_window("Sun\xE2\x80\x93Tue 22:00\xE2\x80\x94" "01:00", BIT(SUN) | BIT(MON) | BIT(TUE),
		      22 * 60, 60);
}

/*
 * 12-hour times: 12am is midnight (the next midnight as an end), 12pm noon;
 * am/pm in any case, with or without a blank or dots.
 */
static void test_parse_12_hour_times(void **state)
{
	(void)state;
	assert_window("Mon 6pm-9pm", BIT(MON), 18 * 60, 21 * 60);
	assert_window("Mon 6:30 PM-9 PM", BIT(MON), 18 * 60 + 30, 21 * 60);
	assert_window("Tue 9am\xE2\x80\x93" "12pm", BIT(TUE), 9 * 60, 12 * 60);
	assert_window("Wed 12am-6am", BIT(WED), 0, 6 * 60);
	assert_window("Thu 6pm-12am", BIT(THU), 18 * 60, 24 * 60);
	assert_window("Fri 11:45 p.m.-1 a.m.", BIT(FRI), 23 * 60 + 45, 60);
	assert_window("Sat 12:30pm-1:15PM", BIT(SAT), 12 * 60 + 30, 13 * 60 + 15);
	assert_window("Sun 07:00-9pm", BIT(SUN), 7 * 60, 21 * 60);
}

static void test_parse_wrapping_range(void **state)
{
	size_t n;
	cv_window *w = parse_ok("Sun-Thu 20:00-21:00", &n);
	(void)state;
	assert_int_equal(n, 1);
	assert_int_equal(w[0].days, BIT(SUN) | BIT(MON) | BIT(TUE) | BIT(WED) | BIT(THU));
	free(w);
	w = parse_ok("Fri-Mon 08:00-09:00", &n);
	assert_int_equal(w[0].days, BIT(FRI) | BIT(SAT) | BIT(SUN) | BIT(MON));
	free(w);
}

static void test_parse_groups(void **state)
{
	size_t n;
	cv_window *w = parse_ok("Daily 07:00-08:00; Weekdays 12:00-13:00; Weekends 10:00-11:00", &n);
	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(w[0].days, 0x7F);
	assert_int_equal(w[1].days, 0x1F);
	assert_int_equal(w[2].days, BIT(SAT) | BIT(SUN));
	free(w);
}

static void test_parse_case_and_full_names(void **state)
{
	size_t n;
	cv_window *w = parse_ok("monday-WEDNESDAY 09:00-10:00; sunday 09:00-10:00; DAILY 01:00-02:00",
				&n);
	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(w[0].days, BIT(MON) | BIT(TUE) | BIT(WED));
	assert_int_equal(w[1].days, BIT(SUN));
	assert_int_equal(w[2].days, 0x7F);
	free(w);
}

static void test_parse_several_times_per_entry(void **state)
{
	size_t n;
	cv_window *w = parse_ok("Tue 09:00-10:00, 14:00-15:30,18:00-19:00", &n);
	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(w[0].days, BIT(TUE));
	assert_int_equal(w[2].days, BIT(TUE));
	assert_int_equal(w[1].start, 14 * 60);
	assert_int_equal(w[1].end, 15 * 60 + 30);
	assert_int_equal(w[2].start, 18 * 60);
	free(w);
}

static void test_parse_overnight_and_24(void **state)
{
	size_t n;
	cv_window *w = parse_ok("Sun 22:00-01:00; Fri 20:00-24:00; Sat 00:00-00:00", &n);
	(void)state;
	assert_int_equal(n, 3);
	assert_int_equal(w[0].start, 22 * 60);
	assert_int_equal(w[0].end, 60);
	assert_int_equal(w[1].end, 1440);
	assert_int_equal(w[2].start, 0);
	assert_int_equal(w[2].end, 1440); /* 00:00 is never after a start: the next midnight */
	free(w);
}

static void test_parse_blanks_and_empty_entries(void **state)
{
	size_t n;
	cv_window *w = parse_ok("  Mon - Wed   9:00 - 10:00 ;; ;\n Thu 10:00-11:00 ;", &n);
	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(w[0].days, BIT(MON) | BIT(TUE) | BIT(WED));
	assert_int_equal(w[0].start, 9 * 60);
	free(w);
}

static void test_parse_empty_text_is_empty_list(void **state)
{
	size_t n = 99;
	cv_window *w = (cv_window *)1;
	(void)state;
	assert_int_equal(cv_windows_parse(&w, &n, "", NULL, NULL), CV_OK);
	assert_int_equal(n, 0);
	assert_null(w);
}

/* Parse `text` at column 10 of line 3 of "f" and expect exactly one error at `col`. */
static void expect_error(const char *text, unsigned col, const char *needle)
{
	cv_where where = {"f", 3, 10};
	cv_window *w = NULL;
	size_t n = 0;
	cv_errors *e;
	const cv_error *err;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_windows_parse(&w, &n, text, &where, e), CV_EDATA);
	assert_null(w);
	if (cv_errors_count(e) != 1)
		cv_errors_print(e, stderr);
	assert_int_equal(cv_errors_count(e), 1);
	err = cv_errors_get(e, 0);
	assert_int_equal(err->code, CV_EDATA);
	assert_string_equal(err->file, "f");
	assert_int_equal(err->line, 3);
	if (err->column != col || !strstr(err->message, needle))
		fail_msg("\"%s\": got column %u \"%s\", want column %u containing \"%s\"", text,
			 err->column, err->message, col, needle);
	cv_errors_free(e);
}

static void test_error_unknown_day_suggests(void **state)
{
	(void)state;
	expect_error("Mon 09:00-10:00; Tues 09:00-10:00", 10 + 17, "did you mean Tue");
	expect_error("Mnday 09:00-10:00", 10, "did you mean Monday");
	expect_error("Xyz 09:00-10:00", 10, "use Mon..Sun");
	expect_error("Mon-Frx 09:00-10:00", 10 + 4, "did you mean Fri");
}

static void test_error_group_in_range(void **state)
{
	(void)state;
	expect_error("Mon-Weekends 09:00-10:00", 10 + 4, "two single days");
}

static void test_error_missing_days(void **state)
{
	(void)state;
	expect_error("18:00-22:00", 10, "expected days");
	expect_error("Mon, 18:00-22:00", 10 + 5, "expected a day after ','");
}

static void test_error_missing_times(void **state)
{
	(void)state;
	expect_error("Mon-Fri", 10 + 7, "missing time range");
	expect_error("Sat 09:00", 10 + 4, "expected '-'");
	expect_error("Sat 09:00-", 10 + 4, "missing end time");
}

static void test_error_bad_clock_times(void **state)
{
	(void)state;
	expect_error("Mon 25:00-26:00", 10 + 4, "hour 25");
	expect_error("Mon 09:60-10:00", 10 + 7, "minute 60");
	expect_error("Mon 09:00-10:5", 10 + 10, "expected a time HH:MM");
	expect_error("Mon 6-9pm", 10 + 4, "\"6\" needs minutes or am/pm: write 06:00, or 6pm or 6am");
	expect_error("Mon 18-22", 10 + 4, "write 18:00, or 6pm");
	expect_error("Mon 13pm-14pm", 10 + 4, "hour 13 does not exist on a 12-hour clock");
	expect_error("Mon 0am-6am", 10 + 4, "1-12 with am/pm");
	expect_error("Mon 18:00pm-20:00", 10 + 4, "write 18:00 for the 24-hour clock");
	expect_error("Mon 6:75pm-9pm", 10 + 6, "minute 75");
	expect_error("Mon 123:00-13:00", 10 + 4, "expected a time");
	expect_error("Mon 24:00-02:00", 10 + 4, "24:00 can only end");
	expect_error("Mon 09:00-24:30", 10 + 10, "hour 24");
	expect_error("Mon 09:00:00-10:00", 10 + 4, "expected a time");
}

static void test_error_dash_and_garbage(void **state)
{
	(void)state;
	expect_error("Mon 09:00\xE2\x80\x92" "10:00", 10 + 9, "expected '-'");
	expect_error("Mon 09:00-10:00 Tue 09:00-10:00", 10 + 16, "separate entries with ';'");
	expect_error("Mon 09:00-10:00 x", 10 + 16, "unexpected");
}

static void test_every_bad_entry_is_reported(void **state)
{
	cv_where where = {"f", 1, 1};
	cv_window *w = NULL;
	size_t n = 0;
	cv_errors *e;
	(void)state;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_windows_parse(&w, &n, "Mon 25:00-26:00; Tue 09:00-10:00; Wex 09:00-10:00",
					  &where, e), CV_EDATA);
	assert_int_equal(cv_errors_count(e), 2);
	assert_int_equal(cv_errors_get(e, 0)->column, 5);
	assert_int_equal(cv_errors_get(e, 1)->column, 35);
	cv_errors_free(e);
}

static void test_too_many_windows(void **state)
{
	char *text = malloc(CV_WINDOWS_MAX * 20 + 64);
	size_t i, pos = 0, n;
	cv_window *w = NULL;
	cv_errors *e;
	(void)state;
	for (i = 0; i <= CV_WINDOWS_MAX; i++)
		pos += (size_t)sprintf(text + pos, "Mon %02zu:%02zu-%02zu:%02zu;", i / 60 % 24, i % 60,
				       i / 60 % 24, i % 60 + 0);
	/* Entries like "Mon 00:00-00:00" are 24-hour windows: valid, just too many. */
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_windows_parse(&w, &n, text, NULL, e), CV_EDATA);
	assert_true(strstr(cv_errors_get(e, 0)->message, "more than 256 windows") != NULL);
	cv_errors_free(e);
	free(text);
}

static void test_format_round_trips(void **state)
{
	const char *texts[] = {
		"Mon-Fri 18:00-22:00; Sat 09:00-13:00; Sun 22:00-01:00",
		"Daily 00:00-24:00",
		"Sun-Tue 08:00-09:00, 10:00-11:00",
		"Mon,Wed,Fri 12:00-12:30",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char buf[256];
		size_t n, m;
		cv_window *a = parse_ok(texts[i], &n), *b;
		cv_windows_format(buf, sizeof(buf), a, n);
		b = parse_ok(buf, &m);
		size_t k;
		assert_int_equal(n, m);
		for (k = 0; k < n; k++) {
			assert_int_equal(a[k].days, b[k].days);
			assert_int_equal(a[k].start, b[k].start);
			assert_int_equal(a[k].end, b[k].end);
		}
		free(a);
		free(b);
	}
}

static void test_format_text(void **state)
{
	char buf[128];
	size_t n;
	cv_window *w = parse_ok("Mon-Fri 18:00-22:00; Sat 09:00-13:00, 14:00-24:00; Sun-Tue 01:00-02:00", &n);
	(void)state;
	cv_windows_format(buf, sizeof(buf), w, n);
	assert_string_equal(buf,
			    "Mon-Fri 18:00-22:00; Sat 09:00-13:00, 14:00-24:00; Sun-Tue 01:00-02:00");
	cv_windows_format(buf, 12, w, n); /* truncated, still terminated */
	assert_int_equal(strlen(buf), 11);
	free(w);
}

/* ---- intervals --------------------------------------------------------- */

static const cv_zone *zone(const char *name)
{
	const cv_zone *z = NULL;
	assert_int_equal(cv_zone_lookup(&z, name, NULL, 0), CV_OK);
	return z;
}

static cv_avail *avail(const char *zname, const char *windows, const char *away)
{
	cv_avail *a;
	size_t n;
	cv_window *w = parse_ok(windows, &n);
	assert_int_equal(cv_avail_new(&a, zone(zname)), CV_OK);
	assert_int_equal(cv_avail_add_windows(a, w, n, 0), CV_OK);
	free(w);
	if (away) {
		cv_daterange *r;
		assert_int_equal(cv_dates_parse(&r, &n, away, NULL, NULL), CV_OK);
		assert_int_equal(cv_avail_add_away(a, r, n), CV_OK);
		free(r);
	}
	return a;
}

/* Intervals over [from, to) must equal the expected list of (start, end) pairs. */
static void expect_intervals(const cv_avail *a, int64_t from, int64_t to, int preferred,
			     const int64_t *want, size_t nwant)
{
	cv_interval *iv = NULL;
	size_t n = 0, i;
	assert_int_equal(cv_avail_intervals(&iv, &n, a, from, to, preferred), CV_OK);
	if (n != nwant) {
		for (i = 0; i < n; i++) {
			char s[32], e[32];
			cv_instant_format(s, sizeof(s), iv[i].start);
			cv_instant_format(e, sizeof(e), iv[i].end);
			fprintf(stderr, "  got %s .. %s\n", s, e);
		}
		fail_msg("got %zu intervals, want %zu", n, nwant);
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(iv[i].start, want[2 * i]);
		assert_int_equal(iv[i].end, want[2 * i + 1]);
	}
	free(iv);
}

static void test_berlin_evening_across_eu_spring_change(void **state)
{
	/* Mondays 2027-03-22 (CET) and 2027-03-29 (CEST); the change is Sun 03-28. */
	cv_avail *a = avail("Europe/Berlin", "Mon 18:00-22:00", NULL);
	const int64_t want[] = {
		test_utc(2027, 3, 22, 17, 0), test_utc(2027, 3, 22, 21, 0),
		test_utc(2027, 3, 29, 16, 0), test_utc(2027, 3, 29, 20, 0),
	};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 20, 0, 0), test_utc(2027, 4, 3, 0, 0), 0, want, 2);
	cv_avail_free(a);
}

static void test_overnight_window_ends_next_day(void **state)
{
	/* Tokyo Mon 23:30 -> Tue 02:00 local is Mon 14:30Z -> 17:00Z. */
	cv_avail *a = avail("Asia/Tokyo", "Mon 23:30-02:00", NULL);
	const int64_t want[] = {test_utc(2027, 3, 1, 14, 30), test_utc(2027, 3, 1, 17, 0)};
	(void)state;
	expect_intervals(a, test_utc(2027, 2, 28, 0, 0), test_utc(2027, 3, 3, 0, 0), 0, want, 1);
	cv_avail_free(a);
}

static void test_overnight_window_across_us_spring_change(void **state)
{
	/* Sat 2027-03-13 22:00 EST (03:00Z) to Sun 03:00 EDT (07:00Z): four real hours. */
	cv_avail *a = avail("America/New_York", "Sat 22:00-03:00", NULL);
	const int64_t want[] = {test_utc(2027, 3, 14, 3, 0), test_utc(2027, 3, 14, 7, 0)};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 12, 0, 0), test_utc(2027, 3, 16, 0, 0), 0, want, 1);
	cv_avail_free(a);
}

static void test_window_in_spring_gap_uses_offset_before(void **state)
{
	/* 02:00 does not exist on 2027-03-14 in New York: read with EST, 07:00Z; 04:00 EDT is 08:00Z. */
	cv_avail *a = avail("America/New_York", "Sun 02:00-04:00", NULL);
	const int64_t want[] = {test_utc(2027, 3, 14, 7, 0), test_utc(2027, 3, 14, 8, 0)};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 13, 0, 0), test_utc(2027, 3, 15, 0, 0), 0, want, 1);
	cv_avail_free(a);
}

static void test_window_in_fall_overlap_starts_at_first_instant(void **state)
{
	/* 01:00 on 2027-11-07 happens twice; the first is EDT, 05:00Z; 02:00 EST is 07:00Z. */
	cv_avail *a = avail("America/New_York", "Sun 01:00-02:00", NULL);
	const int64_t want[] = {test_utc(2027, 11, 7, 5, 0), test_utc(2027, 11, 7, 7, 0)};
	(void)state;
	expect_intervals(a, test_utc(2027, 11, 6, 0, 0), test_utc(2027, 11, 8, 0, 0), 0, want, 1);
	cv_avail_free(a);
}

static void test_southern_hemisphere_autumn_change(void **state)
{
	/* Sydney Mon 09:00: 2027-03-29 AEDT is Sun 22:00Z; 2027-04-05 AEST is Sun 23:00Z. */
	cv_avail *a = avail("Australia/Sydney", "Mon 09:00-10:00", NULL);
	const int64_t want[] = {
		test_utc(2027, 3, 28, 22, 0), test_utc(2027, 3, 28, 23, 0),
		test_utc(2027, 4, 4, 23, 0), test_utc(2027, 4, 5, 0, 0),
	};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 27, 0, 0), test_utc(2027, 4, 8, 0, 0), 0, want, 2);
	cv_avail_free(a);
}

static void test_24_00_is_next_midnight_and_adjacent_join(void **state)
{
	/* UTC Fri 20:00-24:00 and Sat 00:00-02:00 touch: one interval. */
	cv_avail *a = avail("UTC", "Fri 20:00-24:00; Sat 00:00-02:00", NULL);
	const int64_t want[] = {test_utc(2027, 3, 5, 20, 0), test_utc(2027, 3, 6, 2, 0)};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 1, 0, 0), test_utc(2027, 3, 8, 0, 0), 0, want, 1);
	cv_avail_free(a);
}

static void test_adjacent_and_overlapping_windows_join(void **state)
{
	cv_avail *a = avail("UTC", "Mon 09:00-12:00, 12:00-15:00; Mon 14:00-16:00", NULL);
	const int64_t want[] = {test_utc(2027, 3, 1, 9, 0), test_utc(2027, 3, 1, 16, 0)};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 1, 0, 0), test_utc(2027, 3, 2, 0, 0), 0, want, 1);
	cv_avail_free(a);
}

static void test_away_date_removes_local_day(void **state)
{
	cv_avail *a = avail("Europe/Berlin", "Mon 18:00-22:00", "2027-03-22");
	const int64_t want[] = {test_utc(2027, 3, 29, 16, 0), test_utc(2027, 3, 29, 20, 0)};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 20, 0, 0), test_utc(2027, 4, 3, 0, 0), 0, want, 1);
	assert_true(cv_avail_is_away(a, test_utc(2027, 3, 22, 12, 0)));
	/* 2027-03-21 23:30Z is already 00:30 on the 22nd in Berlin. */
	assert_true(cv_avail_is_away(a, test_utc(2027, 3, 21, 23, 30)));
	assert_false(cv_avail_is_away(a, test_utc(2027, 3, 21, 22, 30)));
	cv_avail_free(a);
}

static void test_away_date_uses_local_dates(void **state)
{
	/*
	 * Tokyo Tue 07:00-08:00 is Mon 22:00Z: away on Tuesday (the local date)
	 * removes it although its UTC date is Monday.
	 */
	cv_avail *a = avail("Asia/Tokyo", "Tue 07:00-08:00", "2027-03-02");
	(void)state;
	expect_intervals(a, test_utc(2027, 2, 28, 0, 0), test_utc(2027, 3, 4, 0, 0), 0, NULL, 0);
	cv_avail_free(a);
}

static void test_overnight_window_cut_at_away_midnight(void **state)
{
	/* Mon 23:30 JST -> cut at Tue 00:00 JST (Mon 15:00Z) because Tuesday is away. */
	cv_avail *a = avail("Asia/Tokyo", "Mon 23:30-02:00", "2027-03-02");
	const int64_t want[] = {test_utc(2027, 3, 1, 14, 30), test_utc(2027, 3, 1, 15, 0)};
	(void)state;
	expect_intervals(a, test_utc(2027, 2, 28, 0, 0), test_utc(2027, 3, 3, 0, 0), 0, want, 1);
	cv_avail_free(a);
}

static void test_overnight_window_out_of_away_date_keeps_next_day(void **state)
{
	/* Sun 22:00-01:00 UTC on an away Sunday: Sunday's two hours are gone,
	 * Monday's hour after midnight is not on the away date and stays. */
	cv_avail *a = avail("UTC", "Sun 22:00-01:00", "2027-03-07");
	const int64_t want[] = {
		test_utc(2027, 3, 8, 0, 0), test_utc(2027, 3, 8, 1, 0),
		test_utc(2027, 3, 14, 22, 0), test_utc(2027, 3, 15, 1, 0),
	};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 1, 2, 0), test_utc(2027, 3, 16, 0, 0), 0, want, 2);
	cv_avail_free(a);
}

static void test_overnight_window_between_two_away_dates_is_gone(void **state)
{
	/* Away Sunday and Monday: nothing of Sunday night is left. */
	cv_avail *a = avail("Asia/Tokyo", "Sun 22:00-01:00", "2027-03-07..2027-03-08");
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 6, 0, 0), test_utc(2027, 3, 9, 0, 0), 0, NULL, 0);
	cv_avail_free(a);
}

static void test_midnight_end_written_00_00(void **state)
{
	/* "00:00" as an end is the next midnight: Mon 00:00-00:00 is all Monday,
	 * Mon 22:00-00:00 its last two hours. */
	cv_avail *a = avail("UTC", "Mon 00:00-00:00; Tue 22:00-00:00", NULL);
	const int64_t want[] = {
		test_utc(2027, 3, 1, 0, 0), test_utc(2027, 3, 2, 0, 0),
		test_utc(2027, 3, 2, 22, 0), test_utc(2027, 3, 3, 0, 0),
	};
	(void)state;
	expect_intervals(a, test_utc(2027, 2, 28, 0, 0), test_utc(2027, 3, 7, 0, 0), 0, want, 2);
	cv_avail_free(a);
}

static void test_busy_is_subtracted(void **state)
{
	cv_avail *a = avail("UTC", "Mon 09:00-17:00", NULL);
	cv_interval busy[] = {
		{test_utc(2027, 3, 1, 12, 0), test_utc(2027, 3, 1, 13, 0)},
		{test_utc(2027, 3, 1, 8, 0), test_utc(2027, 3, 1, 9, 30)},   /* cuts the start */
		{test_utc(2027, 3, 1, 16, 30), test_utc(2027, 3, 1, 18, 0)}, /* cuts the end */
		{test_utc(2027, 3, 8, 0, 0), test_utc(2027, 3, 9, 0, 0)},    /* the whole day */
		{test_utc(2027, 3, 1, 14, 0), test_utc(2027, 3, 1, 14, 0)},  /* empty: ignored */
	};
	const int64_t want[] = {
		test_utc(2027, 3, 1, 9, 30), test_utc(2027, 3, 1, 12, 0),
		test_utc(2027, 3, 1, 13, 0), test_utc(2027, 3, 1, 16, 30),
	};
	size_t n;
	(void)state;
	assert_int_equal(cv_avail_add_busy(a, busy, 5), CV_OK);
	assert_non_null(cv_avail_busy(a, &n));
	assert_int_equal(n, 4); /* sorted, the empty one dropped */
	expect_intervals(a, test_utc(2027, 3, 1, 0, 0), test_utc(2027, 3, 10, 0, 0), 0, want, 2);
	assert_true(cv_avail_is_busy(a, test_utc(2027, 3, 1, 12, 30), test_utc(2027, 3, 1, 12, 45)));
	assert_true(cv_avail_is_busy(a, test_utc(2027, 3, 1, 11, 0), test_utc(2027, 3, 1, 12, 1)));
	assert_false(cv_avail_is_busy(a, test_utc(2027, 3, 1, 11, 0), test_utc(2027, 3, 1, 12, 0)));
	assert_false(cv_avail_is_busy(a, test_utc(2027, 3, 1, 13, 0), test_utc(2027, 3, 1, 14, 0)));
	cv_avail_free(a);
}

static void test_intervals_clipped_to_range(void **state)
{
	cv_avail *a = avail("UTC", "Daily 09:00-17:00", NULL);
	const int64_t want[] = {
		test_utc(2027, 3, 1, 12, 0), test_utc(2027, 3, 1, 17, 0),
		test_utc(2027, 3, 2, 9, 0), test_utc(2027, 3, 2, 10, 0),
	};
	(void)state;
	expect_intervals(a, test_utc(2027, 3, 1, 12, 0), test_utc(2027, 3, 2, 10, 0), 0, want, 2);
	expect_intervals(a, test_utc(2027, 3, 2, 10, 0), test_utc(2027, 3, 2, 10, 0), 0, NULL, 0);
	cv_avail_free(a);
}

static void test_preferred_list_is_separate(void **state)
{
	cv_avail *a = avail("UTC", "Mon 09:00-17:00", NULL);
	size_t n;
	cv_window *w = parse_ok("Mon 10:00-11:00", &n);
	const int64_t want[] = {test_utc(2027, 3, 1, 10, 0), test_utc(2027, 3, 1, 11, 0)};
	(void)state;
	assert_int_equal(cv_avail_add_windows(a, w, n, 1), CV_OK);
	free(w);
	expect_intervals(a, test_utc(2027, 3, 1, 0, 0), test_utc(2027, 3, 2, 0, 0), 1, want, 1);
	assert_non_null(cv_avail_windows(a, &n, 1));
	assert_int_equal(n, 1);
	assert_non_null(cv_avail_windows(a, &n, 0));
	assert_int_equal(n, 1);
	cv_avail_free(a);
}

static void test_away_ranges_merge(void **state)
{
	cv_avail *a = avail("UTC", "Daily 09:00-10:00", "2027-03-05..2027-03-07");
	cv_daterange more[] = {{cv_days_from_civil(2027, 3, 8), cv_days_from_civil(2027, 3, 8)},
			       {cv_days_from_civil(2027, 3, 1), cv_days_from_civil(2027, 3, 1)}};
	size_t n;
	const cv_daterange *r;
	(void)state;
	assert_int_equal(cv_avail_add_away(a, more, 2), CV_OK);
	r = cv_avail_away(a, &n);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].first, cv_days_from_civil(2027, 3, 1));
	assert_int_equal(r[1].first, cv_days_from_civil(2027, 3, 5));
	assert_int_equal(r[1].last, cv_days_from_civil(2027, 3, 8));
	cv_avail_free(a);
}

static void test_no_windows_no_intervals(void **state)
{
	cv_avail *a;
	(void)state;
	assert_int_equal(cv_avail_new(&a, zone("UTC")), CV_OK);
	expect_intervals(a, test_utc(2027, 3, 1, 0, 0), test_utc(2027, 4, 1, 0, 0), 0, NULL, 0);
	assert_ptr_equal(cv_avail_zone(a), zone("UTC"));
	cv_avail_free(a);
	cv_avail_free(NULL);
}

static void test_bad_window_values_refused(void **state)
{
	cv_avail *a;
	cv_window bad[] = {{0x01, 1440, 60}, {0x00, 60, 120}, {0x01, 60, 1441}};
	size_t i;
	(void)state;
	assert_int_equal(cv_avail_new(&a, zone("UTC")), CV_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(cv_avail_add_windows(a, &bad[i], 1, 0), CV_EDATA);
	cv_avail_free(a);
}

static void test_intervals_cover(void **state)
{
	const cv_interval iv[] = {{100, 200}, {300, 400}, {500, 600}};
	(void)state;
	assert_true(cv_intervals_cover(iv, 3, 100, 200));
	assert_true(cv_intervals_cover(iv, 3, 320, 380));
	assert_true(cv_intervals_cover(iv, 3, 500, 600));
	assert_false(cv_intervals_cover(iv, 3, 99, 150));
	assert_false(cv_intervals_cover(iv, 3, 150, 201));
	assert_false(cv_intervals_cover(iv, 3, 150, 350)); /* spans a gap */
	assert_false(cv_intervals_cover(iv, 3, 250, 280));
	assert_false(cv_intervals_cover(iv, 3, 650, 700));
	assert_false(cv_intervals_cover(iv, 0, 1, 2));
	assert_false(cv_intervals_cover(iv, 3, 350, 320)); /* backwards */
}

static void test_term_long_intervals_are_sorted_and_disjoint(void **state)
{
	/* A two-year term with overnight windows in a DST zone: invariants hold throughout. */
	cv_avail *a = avail("America/New_York", "Daily 22:00-02:00; Mon-Fri 01:00-03:00, 12:00-12:30",
			    "2027-07-01..2027-07-14");
	cv_interval *iv;
	size_t n, i;
	int64_t from = test_utc(2027, 1, 1, 0, 0), to = test_utc(2029, 1, 1, 0, 0);
	(void)state;
	assert_int_equal(cv_avail_intervals(&iv, &n, a, from, to, 0), CV_OK);
	assert_true(n > 600);
	for (i = 0; i < n; i++) {
		assert_true(iv[i].start < iv[i].end);
		assert_true(iv[i].start >= from && iv[i].end <= to);
		if (i)
			assert_true(iv[i].start > iv[i - 1].end);
	}
	free(iv);
	cv_avail_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_single_day),
		cmocka_unit_test(test_parse_day_range_and_list),
		cmocka_unit_test(test_parse_wrapping_range),
		cmocka_unit_test(test_parse_groups),
		cmocka_unit_test(test_parse_case_and_full_names),
		cmocka_unit_test(test_parse_several_times_per_entry),
		cmocka_unit_test(test_parse_overnight_and_24),
		cmocka_unit_test(test_parse_blanks_and_empty_entries),
		cmocka_unit_test(test_parse_empty_text_is_empty_list),
		cmocka_unit_test(test_error_unknown_day_suggests),
		cmocka_unit_test(test_error_group_in_range),
		cmocka_unit_test(test_error_missing_days),
		cmocka_unit_test(test_error_missing_times),
		cmocka_unit_test(test_error_bad_clock_times),
		cmocka_unit_test(test_error_dash_and_garbage),
		cmocka_unit_test(test_parse_en_and_em_dashes),
		cmocka_unit_test(test_parse_12_hour_times),
		cmocka_unit_test(test_every_bad_entry_is_reported),
		cmocka_unit_test(test_too_many_windows),
		cmocka_unit_test(test_format_round_trips),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_berlin_evening_across_eu_spring_change),
		cmocka_unit_test(test_overnight_window_ends_next_day),
		cmocka_unit_test(test_overnight_window_across_us_spring_change),
		cmocka_unit_test(test_window_in_spring_gap_uses_offset_before),
		cmocka_unit_test(test_window_in_fall_overlap_starts_at_first_instant),
		cmocka_unit_test(test_southern_hemisphere_autumn_change),
		cmocka_unit_test(test_24_00_is_next_midnight_and_adjacent_join),
		cmocka_unit_test(test_adjacent_and_overlapping_windows_join),
		cmocka_unit_test(test_away_date_removes_local_day),
		cmocka_unit_test(test_away_date_uses_local_dates),
		cmocka_unit_test(test_overnight_window_cut_at_away_midnight),
		cmocka_unit_test(test_overnight_window_out_of_away_date_keeps_next_day),
		cmocka_unit_test(test_overnight_window_between_two_away_dates_is_gone),
		cmocka_unit_test(test_midnight_end_written_00_00),
		cmocka_unit_test(test_busy_is_subtracted),
		cmocka_unit_test(test_intervals_clipped_to_range),
		cmocka_unit_test(test_preferred_list_is_separate),
		cmocka_unit_test(test_away_ranges_merge),
		cmocka_unit_test(test_no_windows_no_intervals),
		cmocka_unit_test(test_bad_window_values_refused),
		cmocka_unit_test(test_intervals_cover),
		cmocka_unit_test(test_term_long_intervals_are_sorted_and_disjoint),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
