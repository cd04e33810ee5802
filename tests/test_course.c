/*
 * test_course.c - the course file reader: values, defaults, path
 * resolution, and every kind of mistake reported at its line and column.
 * The expected columns are counted by hand in the fixtures (tests/data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

typedef struct want {
	unsigned line, column;
	const char *needle; /* a part of the message */
} want;

/*
 * Whether `err` is the warning that the machine's tzdata release is older
 * than the term needs.  It depends on the machine (a fresh Debian 12 has an
 * older tzdata than an updated one), so the fixtures' expectations leave it
 * out; test_tzdata_age_warning tests it against the release in use.
 */
static int is_tzdata_age_warning(const cv_error *err)
{
	return err->code == CV_OK && strstr(err->message, "but the system tzdata is") != NULL;
}

/* The diagnostics of `e` other than the tzdata age warning, in order; returns how many. */
static size_t fixture_diagnostics(const cv_error **out, size_t max, const cv_errors *e)
{
	size_t i, n = 0;

	for (i = 0; i < cv_errors_count(e) && i < CV_ERRORS_MAX; i++) {
		const cv_error *err = cv_errors_get(e, i);
		if (is_tzdata_age_warning(err))
			continue;
		if (n < max)
			out[n] = err;
		n++;
	}
	return n;
}

/* Loading `name` fails with `code` and reports exactly the diagnostics in `w`, in order. */
static void expect_errors_at(const char *path, int code, const want *w, size_t n)
{
	const char *name = path;
	const cv_error *got[CV_ERRORS_MAX];
	cv_course *c = (cv_course *)1;
	cv_errors *e;
	size_t i, ngot;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_course_load(&c, path, e), code);
	assert_ptr_equal(c, (cv_course *)1); /* *out untouched on failure */
	ngot = fixture_diagnostics(got, CV_ERRORS_MAX, e);
	if (ngot != n) {
		cv_errors_print(e, stderr);
		fail_msg("%s: %zu diagnostics, want %zu", name, ngot, n);
	}
	for (i = 0; i < n; i++) {
		const cv_error *err = got[i];
		assert_string_equal(err->file, path);
		if (err->line != w[i].line || err->column != w[i].column ||
		    !strstr(err->message, w[i].needle)) {
			cv_errors_print(e, stderr);
			fail_msg("%s #%zu: got %u:%u \"%s\", want %u:%u containing \"%s\"", name, i,
				 err->line, err->column, err->message, w[i].line, w[i].column,
				 w[i].needle);
		}
	}
	cv_errors_free(e);
}

#define EXPECT_AT(path, code, ...)                                                  \
	do {                                                                        \
		const want w_[] = {__VA_ARGS__};                                    \
		expect_errors_at(path, code, w_, sizeof(w_) / sizeof(w_[0]));       \
	} while (0)
#define EXPECT(name, code, ...) EXPECT_AT(TEST_DATA name, code, __VA_ARGS__)

static cv_course *load_ok(const char *name)
{
	char path[256];
	cv_course *c = NULL;
	cv_errors *e;

	snprintf(path, sizeof(path), TEST_DATA "%s", name);
	assert_int_equal(cv_errors_new(&e), CV_OK);
	if (cv_course_load(&c, path, e) != CV_OK) {
		cv_errors_print(e, stderr);
		fail_msg("%s did not load", name);
	}
	assert_int_equal(fixture_diagnostics(NULL, 0, e), 0);
	cv_errors_free(e);
	return c;
}

/* Load a course file that must load without any diagnostic the fixtures care about. */
static cv_course *load_ok_path(const char *path)
{
	cv_course *c = NULL;
	cv_errors *e;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	if (cv_course_load(&c, path, e) != CV_OK) {
		cv_errors_print(e, stderr);
		fail_msg("%s did not load", path);
	}
	if (fixture_diagnostics(NULL, 0, e)) {
		cv_errors_print(e, stderr);
		fail_msg("%s: unexpected diagnostics", path);
	}
	cv_errors_free(e);
	return c;
}

/* A scratch course file with the given text; the caller unlinks it. */
static char *scratch(const char *text)
{
	static char path[64];
	int fd;
	size_t n = strlen(text);
	strcpy(path, "/tmp/convene-test-course-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

#define GOOD_COURSE "[course]\nid = c1\ntimezone = UTC\nstart = 2027-01-04\nend = 2027-02-26\n" \
		    "roster = r.csv\n"
#define GOOD_SESSIONS "[sessions]\ncount = 1\nduration = 60m\nwindow = Mon 09:00-17:00\n"

static void test_warnings_do_not_fail(void **state)
{
	char *path = scratch(GOOD_COURSE "holidays = 2026-12-25, 2027-01-20\n" GOOD_SESSIONS
			     "[recording]\navailable-after = 1d\n[alternative]\ndue = 2h\n");
	const cv_error *got[4];
	cv_course *c = NULL;
	cv_errors *e;
	(void)state;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_course_load(&c, path, e), CV_OK);
	assert_int_equal(fixture_diagnostics(got, 4, e), 2);
	assert_int_equal(cv_errors_code(e), CV_OK);
	assert_int_equal(got[0]->code, CV_OK);
	assert_int_equal(got[0]->line, 7);
	assert_int_equal(got[0]->column, 12);
	assert_non_null(strstr(got[0]->message, "holiday 2026-12-25 is outside the term"));
	assert_int_equal(got[1]->line, 15);
	assert_non_null(strstr(got[1]->message, "due before the recording"));
	assert_int_equal(c->nholidays, 2);
	cv_course_free(c);
	cv_errors_free(e);
	unlink(path);
}

/*
 * A term more than a year past the year of the tzdata release in use gets a
 * warning at its `end`, and still loads; a term within that year does not.
 * The years come from the release this machine has, so the test holds on a
 * fresh Debian 12 and on an updated one alike.
 */
static void test_tzdata_age_warning(void **state)
{
	int release = cv_tz_version_year();
	int years[] = {2024, release + 1, release + 2, release + 30};
	int warns[] = {0, 0, 1, 1};
	size_t i;
	(void)state;

	assert_true(release >= 2024); /* Debian 12 has never shipped older */
	for (i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		char text[512], *path;
		cv_course *c = NULL;
		cv_errors *e;
		size_t j, nwarn = 0;

		snprintf(text, sizeof(text),
			 "[course]\nid = c1\ntimezone = UTC\nstart = %d-01-04\nend = %d-02-26\n"
			 "roster = r.csv\n" GOOD_SESSIONS, years[i], years[i]);
		path = scratch(text);
		assert_int_equal(cv_errors_new(&e), CV_OK);
		assert_int_equal(cv_course_load(&c, path, e), CV_OK);
		for (j = 0; j < cv_errors_count(e); j++) {
			const cv_error *err = cv_errors_get(e, j);
			if (!is_tzdata_age_warning(err))
				continue;
			nwarn++;
			assert_int_equal(err->line, 5);
			assert_int_equal(err->column, 7);
			assert_non_null(strstr(err->message, cv_tz_version()));
		}
		if (nwarn != (size_t)warns[i])
			fail_msg("term in %d with tzdata %s: %zu warnings, want %d", years[i],
				 cv_tz_version(), nwarn, warns[i]);
		assert_int_equal(fixture_diagnostics(NULL, 0, e), 0);
		cv_course_free(c);
		cv_errors_free(e);
		unlink(path);
	}
}

/*
 * ';' after a blank starts a comment, except where it separates the entries
 * of a window or holiday list: there a day word or a date after it is more
 * of the list.
 */
static void test_semicolon_lists_and_comments(void **state)
{
	char *path = scratch("[course]\nid = c1\ntimezone = UTC\nstart = 2027-01-04\nend = 2027-02-26\n"
			     "roster = r.csv\nholidays = 2027-01-18 ; 2027-02-01..2027-02-02 ; break\n"
			     "[sessions]\ncount = 1\nduration = 60m\n"
			     "window = Mon-Fri 09:00-10:00 ; sat 10:00-12:00 ; Daily 20:00-21:00 ; my hours\n");
	cv_course *c = load_ok_path(path);
	(void)state;
	assert_int_equal(c->nwindows, 3);
	assert_int_equal(c->windows[1].days, 1u << 5);
	assert_int_equal(c->windows[1].start, 600);
	assert_int_equal(c->windows[2].days, 0x7F);
	assert_int_equal(c->nholidays, 2);
	cv_course_free(c);
	unlink(path);
}

/* A session longer than every window, or off the grid of every window, is refused at its duration. */
static void test_session_fits_no_window(void **state)
{
	char *path = scratch(GOOD_COURSE "[sessions]\ncount = 1\nduration = 8h1m\n"
			     "window = Mon-Fri 09:00-17:00\n");
	(void)state;
	EXPECT_AT(path, CV_EDATA, {9, 12, "8h1m session fits in no teaching window: the longest is 8h"});
	unlink(path);
	path = scratch(GOOD_COURSE "[sessions]\ncount = 1\nduration = 30m\ngranularity = 1h\n"
		       "window = Mon 09:10-09:50\n");
	EXPECT_AT(path, CV_EDATA, {9, 12, "30m session starting on the 60-minute grid fits in no"});
	unlink(path);
	/* A window across Sunday midnight holds a session across it. */
	path = scratch(GOOD_COURSE "[sessions]\ncount = 1\nduration = 3h\nwindow = Sun 22:00-24:00; Mon 00:00-01:00\n");
	{
		cv_course *c = load_ok_path(path);
		uint16_t starts[CV_CANDIDATES_MAX / 15 + 1];
		assert_int_equal(cv_course_candidates(starts, NULL, c), 1);
		assert_int_equal(starts[0], 6 * 1440 + 22 * 60);
		cv_course_free(c);
	}
	unlink(path);
}

/* A calendars directory not made yet is a warning; a file in its place is an error. */
static void test_calendars_directory(void **state)
{
	char *path = scratch(GOOD_COURSE "calendars = /nonexistent-convene-dir/\n" GOOD_SESSIONS);
	const cv_error *got[2];
	cv_course *c = NULL;
	cv_errors *e;
	(void)state;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_course_load(&c, path, e), CV_OK);
	assert_int_equal(fixture_diagnostics(got, 2, e), 1);
	assert_int_equal(got[0]->code, CV_OK);
	assert_int_equal(got[0]->line, 7);
	assert_non_null(strstr(got[0]->message, "does not exist: no student calendar is read"));
	cv_course_free(c);
	cv_errors_free(e);
	unlink(path);
	path = scratch(GOOD_COURSE "calendars = /etc/passwd\n" GOOD_SESSIONS);
	EXPECT_AT(path, CV_EDATA, {7, 13, "calendars must name a directory"});
	unlink(path);
}

static void test_more_key_mistakes(void **state)
{
	char *path = scratch("[course] x\nID = c1\ntimezone = UTC\nstart = 2027-01-04\n"
			     "end = 2027-02-26\nroster = r.csv\n= 5\nmy key = 1\n"
			     "[sessions]\ncount = 1\nduration = 25h\nwindow = ;\n");
	(void)state;
	EXPECT_AT(path, CV_EDATA,
		  {1, 10, "unexpected text after the section header"},
		  {2, 1, "unknown key \"ID\" in [course]; did you mean id?"},
		  {7, 1, "missing key name before '='"},
		  {8, 1, "a key is one word; \"my key\" has"},
		  {12, 10, "\"window\" has no value"}  /* ";" after a blank starts a comment */,
		  {1, 0, "missing required key \"id\""},
		  {11, 12, "cannot last longer than 24h"});
	unlink(path);
}

static void test_full_course_values(void **state)
{
	cv_course *c = load_ok("course_full.ini");
	(void)state;
	assert_string_equal(c->path, TEST_DATA "course_full.ini");
	assert_string_equal(c->id, "cs101-2027s"); /* inline comment stripped */
	assert_int_equal(strlen(c->title), strlen("Live Seminar ") + 300);
	assert_string_equal(cv_zone_name(c->zone), "America/New_York");
	assert_int_equal(c->start, cv_days_from_civil(2027, 1, 11));
	assert_int_equal(c->end, cv_days_from_civil(2027, 4, 30));
	assert_int_equal(c->nholidays, 2);
	assert_int_equal(c->holidays[0].first, cv_days_from_civil(2027, 3, 15));
	assert_int_equal(c->holidays[0].last, cv_days_from_civil(2027, 3, 19));
	assert_int_equal(c->holidays[1].first, cv_days_from_civil(2027, 4, 2));
	assert_string_equal(c->uid_domain, "example.edu");
	/* A ';' without a blank before it is part of the value; so is '#'. */
	assert_string_equal(c->join_url, "https://meet.example.edu/cs101?a=1;b=2#room");
	assert_int_equal(c->mode, CV_MODE_SERIES);
	assert_int_equal(c->count, 2);
	assert_int_equal(c->duration, 90);
	assert_int_equal(c->granularity, 30);
	assert_int_equal(c->nwindows, 2);
	assert_int_equal(c->windows[0].days, 0x1F);
	assert_int_equal(c->windows[0].start, 8 * 60);
	assert_int_equal(c->windows[0].end, 21 * 60);
	assert_int_equal(c->windows[1].days, 0x20);
	assert_int_equal(c->min_gap, 120);
	assert_int_equal(c->objective, CV_OBJECTIVE_REACH);
	assert_string_equal(c->recording_url, "https://example.edu/cs101/recordings");
	assert_int_equal(c->recording_after, 240);
	assert_string_equal(c->alternative_task, "Post a response; cite the recording");
	assert_int_equal(c->alternative_due, 2 * 1440);
	assert_int_equal(c->roster_line, 9);
	cv_course_free(c);
}

static void test_paths_resolve_against_course_dir(void **state)
{
	cv_course *c = load_ok("course_full.ini");
	(void)state;
	assert_string_equal(c->dir, "tests/data");
	assert_string_equal(c->roster_path, "tests/data/roster_good.csv");
	assert_string_equal(c->calendars_dir, "tests/data/cal/");
	cv_course_free(c);
}

static void test_absolute_path_kept(void **state)
{
	cv_course *c = load_ok("course_minimal.ini");
	(void)state;
	assert_string_equal(c->roster_path, "/abs/students.csv");
	assert_null(c->calendars_dir);
	cv_course_free(c);
}

static void test_defaults_bom_and_crlf(void **state)
{
	/* course_minimal.ini starts with a UTF-8 BOM and uses CRLF line ends. */
	cv_course *c = load_ok("course_minimal.ini");
	(void)state;
	assert_string_equal(c->id, "m1");
	assert_string_equal(c->title, "m1");
	assert_int_equal(c->nholidays, 0);
	assert_string_equal(c->uid_domain, CV_COURSE_UID_DOMAIN_DEFAULT);
	assert_string_equal(c->uid_domain, "convene.invalid");
	assert_null(c->join_url);
	assert_int_equal(c->mode, CV_MODE_SECTIONS);
	assert_int_equal(c->count, 1);
	assert_int_equal(c->duration, 60);
	assert_int_equal(c->granularity, 15);
	assert_int_equal(c->min_gap, 0);
	assert_int_equal(c->objective, CV_OBJECTIVE_ATTENDANCE);
	assert_null(c->recording_url);
	assert_int_equal(c->recording_after, 120);
	assert_string_equal(c->alternative_task,
			    "Watch the recording and post a response in the discussion forum");
	assert_int_equal(c->alternative_due, 3 * 1440);
	cv_course_free(c);
	cv_course_free(NULL);
}

static void test_missing_file_is_enoinput(void **state)
{
	cv_errors *e;
	cv_course *c = NULL;
	(void)state;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_course_load(&c, TEST_DATA "no_such_course.ini", e), CV_ENOINPUT);
	assert_int_equal(cv_errors_code(e), CV_ENOINPUT);
	assert_int_equal(cv_errors_get(e, 0)->line, 0);
	assert_string_equal(cv_errors_get(e, 0)->file, TEST_DATA "no_such_course.ini");
	assert_int_equal(cv_course_load(&c, TEST_DATA, e), CV_ENOINPUT); /* a directory */
	assert_null(c);
	cv_errors_free(e);
}

static void test_unknown_zone_gives_hint(void **state)
{
	char path[] = TEST_DATA "bad_course_zone.ini";
	cv_errors *e;
	cv_course *c = NULL;
	char hint[CV_ZONE_HINT_MAX] = "";
	const cv_zone *z;
	(void)state;
	EXPECT("bad_course_zone.ini", CV_EDATA, {3, 12, "\"EST\""});
	/* The tz module's own hint is part of the message. */
	assert_int_equal(cv_zone_lookup(&z, "EST", hint, sizeof(hint)), CV_EDATA);
	assert_true(hint[0] != '\0');
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_course_load(&c, path, e), CV_EDATA);
	assert_non_null(strstr(cv_errors_get(e, 0)->message, hint));
	cv_errors_free(e);
}

static void test_bad_window_reported_at_token(void **state)
{
	(void)state;
	/* "window = Mon-Fri 09:00-17:00; Tues ..." - the value starts at column 10. */
	EXPECT("bad_course_window.ini", CV_EDATA, {11, 31, "did you mean Tue?"});
}

static void test_bad_dates(void **state)
{
	(void)state;
	EXPECT("bad_course_dates.ini", CV_EDATA,
	       {4, 17, "day 30 does not exist"},
	       {5, 17, "unexpected text after the date"},
	       {6, 36, "range ends before it starts"});
}

static void test_end_before_start(void **state)
{
	(void)state;
	EXPECT("bad_course_end_before_start.ini", CV_EDATA,
	       {5, 7, "ends (2026-12-31) before it starts (2027-01-04, line 4)"});
}

static void test_term_too_long(void **state)
{
	(void)state;
	EXPECT("bad_course_term_long.ini", CV_EDATA, {5, 7, "733 days long; at most 731"});
}

static void test_bad_session_values(void **state)
{
	(void)state;
	EXPECT("bad_course_sessions.ini", CV_EDATA,
	       {9, 8, "unknown mode \"seminar\"; use sections, series or rotation"},
	       {10, 9, "from 1 to 7"},
	       {11, 14, "unknown duration unit 'x'"},
	       {15, 13, "unknown objective \"reachh\"; did you mean reach?"},
	       {12, 15, "granularity must divide a day"},
	       {14, 11, "min-gap cannot be longer than a week"});
}

/* The keys of the course patterns: cadence, min-share, capacity, a length per series session. */
static void test_pattern_keys(void **state)
{
	cv_course *c = load_ok("course_patterns.ini");
	(void)state;
	assert_int_equal(c->mode, CV_MODE_SERIES);
	assert_int_equal(c->ndurations, 3);
	assert_int_equal(c->durations[0], 90);
	assert_int_equal(c->durations[1], 60);
	assert_int_equal(c->durations[2], 90);
	assert_int_equal(c->duration, 90); /* the longest */
	assert_int_equal(c->min_share, 50);
	assert_int_equal(c->capacity, 0);
	assert_int_equal(c->every, 2);
	assert_int_equal(c->first, cv_days_from_civil(2027, 1, 20));
	cv_course_free(c);
	c = load_ok("course_capacity.ini");
	assert_int_equal(c->mode, CV_MODE_SECTIONS);
	assert_int_equal(c->capacity, 150);
	assert_int_equal(c->min_share, 100);
	assert_int_equal(c->ndurations, 0); /* one length, written twice */
	assert_int_equal(c->duration, 60);
	assert_int_equal(c->every, 0);      /* not given: every week */
	cv_course_free(c);
}

/* Every new key's mistakes, each at its value; nothing is loaded. */
static void test_bad_pattern_keys(void **state)
{
	(void)state;
	EXPECT("bad_course_patterns.ini", CV_EDATA,
	       {13, 12, "capacity must be a whole number of students from 1 to 1000000, got \"-1\""},
	       {14, 13, "min-share must be from 1% to 100%"},
	       {15, 9, "every must be at least 1w"},
	       {11, 12, "a length per session is for mode = series"},
	       {16, 9, "first (2027-05-03) must be a day of the term, 2027-01-11 to 2027-04-30"},
	       {10, 9, "rotation needs count from 2 to 7"});
	EXPECT("bad_course_patterns2.ini", CV_EDATA,
	       {14, 13, "min-share must be a whole percentage like 50%, got \"half\""},
	       {15, 11, "every must be a whole number of weeks like 2w"},
	       {13, 12, "capacity limits the students of one section (mode = sections); in series"},
	       {11, 12, "3 session lengths for count = 2 (line 10)"});
	EXPECT("bad_course_patterns3.ini", CV_EDATA,
	       {10, 18, "unknown duration unit 'x'"},
	       {12, 12, "capacity must be a whole number of students from 1 to 1000000"},
	       {13, 13, "min-share must be from 1% to 100%"},
	       {14, 9, "every can be at most 52w (CV_EVERY_MAX"});
}

static void test_zero_count_duration_granularity(void **state)
{
	(void)state;
	EXPECT("bad_course_zero.ini", CV_EDATA,
	       {9, 9, "count must be from 1 to 7"},
	       {10, 12, "cannot last 0 minutes"},
	       {11, 15, "granularity must divide a day"});
}

static void test_bad_keys_and_sections(void **state)
{
	(void)state;
	EXPECT("bad_course_keys.ini", CV_EDATA,
	       {1, 1, "\"id\" is outside any section; put it under [course]"},
	       {3, 1, "unknown key \"timezon\" in [course]; did you mean timezone?"},
	       {7, 1, "\"start\" is already set on line 5"},
	       {9, 1, "\"count\" belongs in [sessions], not [course]"},
	       {10, 1, "expected \"key = value\""},
	       {11, 4, "expected '=' between key and value, not ':'"},
	       {13, 2, "unknown section [session]; did you mean [sessions]?"},
	       {20, 1, "unknown key \"colour\" in [sessions]; its keys are mode, count"},
	       {22, 1, "expected ']'"},
	       {2, 0, "missing required key \"id\" in [course]"});
}

static void test_missing_required_keys(void **state)
{
	(void)state;
	EXPECT("bad_course_missing.ini", CV_EDATA,
	       {2, 0, "missing required key \"id\""},
	       {2, 0, "missing required key \"timezone\""},
	       {2, 0, "missing required key \"start\""},
	       {2, 0, "missing required key \"end\""},
	       {2, 0, "missing required key \"roster\""},
	       {5, 0, "missing required key \"count\" in [sessions]"},
	       {5, 0, "missing required key \"duration\" in [sessions]"},
	       {5, 0, "missing required key \"window\" in [sessions]"});
}

static void test_unsafe_course_id(void **state)
{
	(void)state;
	EXPECT("bad_course_id.ini", CV_EDATA, {2, 8, "only letters, digits, '-' and '_'"});
	EXPECT("bad_course_id_long.ini", CV_EDATA, {2, 6, "longer than 64"});
}

static void test_bad_urls_domain_durations_empty(void **state)
{
	(void)state;
	EXPECT("bad_course_values.ini", CV_EDATA,
	       {7, 21, "uid-domain must be a domain name"},
	       {8, 12, "expected a URL"},
	       {17, 22, "cannot contain blanks"},
	       {18, 19, "expected a duration"},
	       {21, 7, "\"task\" has no value"},
	       {22, 9, "expected a duration"});
}

static void test_bad_bytes(void **state)
{
	(void)state;
	EXPECT("bad_course_utf8.ini", CV_EDATA,
	       {3, 12, "invalid UTF-8"},
	       {9, 11, "control character"},
	       {12, 10, "NUL byte"},
	       {11, 0, "missing required key \"count\""});
	EXPECT("bad_course_utf16.ini", CV_EDATA, {0, 0, "UTF-16"});
}

static void test_line_too_long(void **state)
{
	(void)state;
	EXPECT("bad_course_longline.ini", CV_EDATA, {7, 4097, "longer than 4096 bytes"});
}

static void test_file_too_large(void **state)
{
	char path[] = "/tmp/convene-test-course-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	size_t i;
	cv_errors *e;
	cv_course *c = NULL;
	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (i = 0; i < (CV_COURSE_FILE_MAX / 64) + 1; i++)
		fprintf(f, "; %-62s\n", "padding"); /* 65 bytes a line */
	fclose(f);
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_course_load(&c, path, e), CV_EDATA);
	assert_non_null(strstr(cv_errors_get(e, 0)->message, "larger than"));
	cv_errors_free(e);
	unlink(path);
}

static void test_errors_may_be_null(void **state)
{
	cv_course *c = NULL;
	(void)state;
	assert_int_equal(cv_course_load(&c, TEST_DATA "bad_course_keys.ini", NULL), CV_EDATA);
	assert_int_equal(cv_course_load(&c, TEST_DATA "no_such.ini", NULL), CV_ENOINPUT);
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_course_values),
		cmocka_unit_test(test_paths_resolve_against_course_dir),
		cmocka_unit_test(test_absolute_path_kept),
		cmocka_unit_test(test_defaults_bom_and_crlf),
		cmocka_unit_test(test_missing_file_is_enoinput),
		cmocka_unit_test(test_unknown_zone_gives_hint),
		cmocka_unit_test(test_bad_window_reported_at_token),
		cmocka_unit_test(test_bad_dates),
		cmocka_unit_test(test_end_before_start),
		cmocka_unit_test(test_term_too_long),
		cmocka_unit_test(test_bad_session_values),
		cmocka_unit_test(test_pattern_keys),
		cmocka_unit_test(test_bad_pattern_keys),
		cmocka_unit_test(test_zero_count_duration_granularity),
		cmocka_unit_test(test_bad_keys_and_sections),
		cmocka_unit_test(test_missing_required_keys),
		cmocka_unit_test(test_unsafe_course_id),
		cmocka_unit_test(test_bad_urls_domain_durations_empty),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_line_too_long),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_errors_may_be_null),
		cmocka_unit_test(test_warnings_do_not_fail),
		cmocka_unit_test(test_tzdata_age_warning),
		cmocka_unit_test(test_more_key_mistakes),
		cmocka_unit_test(test_semicolon_lists_and_comments),
		cmocka_unit_test(test_session_fits_no_window),
		cmocka_unit_test(test_calendars_directory),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
