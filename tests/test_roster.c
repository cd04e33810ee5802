/*
 * test_roster.c - the roster reader: RFC 4180 details (quotes, "" escapes,
 * line breaks in fields, CRLF, BOM, blank lines), the values of each
 * column, and every kind of mistake reported at its line and column.  The
 * expected columns are counted by hand in the fixtures (tests/data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

typedef struct want {
	unsigned line, column;
	const char *needle;
} want;

/* Loading `path` fails with `code` and reports exactly the diagnostics in `w`, in order. */
static void expect_errors_at(const char *path, int code, const want *w, size_t n)
{
	cv_roster *r = (cv_roster *)1;
	cv_errors *e;
	size_t i;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_roster_load(&r, path, e), code);
	assert_ptr_equal(r, (cv_roster *)1);
	if (cv_errors_count(e) != n) {
		cv_errors_print(e, stderr);
		fail_msg("%s: %zu diagnostics, want %zu", path, cv_errors_count(e), n);
	}
	for (i = 0; i < n; i++) {
		const cv_error *err = cv_errors_get(e, i);
		assert_string_equal(err->file, path);
		if (err->line != w[i].line || err->column != w[i].column ||
		    !strstr(err->message, w[i].needle)) {
			cv_errors_print(e, stderr);
			fail_msg("%s #%zu: got %u:%u \"%s\", want %u:%u containing \"%s\"", path, i,
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

/* A scratch roster with the given bytes; the caller unlinks it. */
static char *scratch(const char *bytes, size_t n)
{
	static char path[64];
	int fd;
	strcpy(path, "/tmp/convene-test-roster-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	close(fd);
	return path;
}

static cv_roster *load_ok(const char *path)
{
	cv_roster *r = NULL;
	cv_errors *e;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	if (cv_roster_load(&r, path, e) != CV_OK) {
		cv_errors_print(e, stderr);
		fail_msg("%s did not load", path);
	}
	assert_int_equal(cv_errors_count(e), 0);
	cv_errors_free(e);
	return r;
}

static void test_good_roster_values(void **state)
{
	cv_roster *r = load_ok(TEST_DATA "roster_good.csv");
	const cv_student *s;
	const cv_window *w;
	const cv_daterange *d;
	size_t n;
	(void)state;
	assert_string_equal(r->path, TEST_DATA "roster_good.csv");
	assert_int_equal(r->count, 4);

	s = &r->students[0];
	assert_string_equal(s->id, "s01"); /* the BOM is not part of the first column */
	assert_string_equal(s->name, "Williams, Zoë");
	assert_string_equal(s->email, "zoe@example.edu");
	assert_string_equal(cv_zone_name(s->zone), "Europe/London");
	assert_string_equal(s->locale, "en_GB");
	assert_int_equal(s->weight, 2);
	assert_int_equal(s->line, 2);
	assert_ptr_equal(cv_avail_zone(s->avail), s->zone);
	w = cv_avail_windows(s->avail, &n, 0);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].days, 0x1F);
	assert_int_equal(w[1].days, 0x20);
	w = cv_avail_windows(s->avail, &n, 1);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].start, 19 * 60);
	d = cv_avail_away(s->avail, &n);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].first, cv_days_from_civil(2027, 2, 14));
	assert_int_equal(d[1].last, cv_days_from_civil(2027, 3, 5));

	s = &r->students[1];
	assert_string_equal(s->name, "渡辺 \"Yui\" 結衣"); /* "" is one quote */
	assert_string_equal(s->email, "");
	assert_int_equal(s->weight, 1);                  /* empty weight: 1 */
	assert_int_equal(s->line, 3);
	w = cv_avail_windows(s->avail, &n, 0);
	assert_int_equal(n, 2); /* a line break inside the quoted cell separates nothing */
	assert_int_equal(w[0].start, 23 * 60 + 30);
	assert_int_equal(w[0].end, 2 * 60);
	assert_int_equal(w[1].days, 0x04);

	s = &r->students[2];
	assert_string_equal(s->id, "s03");
	assert_string_equal(s->name, "Aarav Sharma"); /* blanks around a field trimmed */
	assert_string_equal(s->locale, "");
	assert_int_equal(s->weight, CV_WEIGHT_MAX);
	assert_int_equal(s->line, 6);                 /* after a two-line row and a blank line */

	s = &r->students[3];
	assert_string_equal(s->id, "s.04-x_y@z");
	assert_int_equal(s->line, 7);
	cv_roster_free(r);
	cv_roster_free(NULL);
}

static void test_find(void **state)
{
	cv_roster *r = load_ok(TEST_DATA "roster_good.csv");
	(void)state;
	assert_ptr_equal(cv_roster_find(r, "s02"), &r->students[1]);
	assert_ptr_equal(cv_roster_find(r, "s.04-x_y@z"), &r->students[3]);
	assert_null(cv_roster_find(r, "S02"));
	assert_null(cv_roster_find(r, "s05"));
	cv_roster_free(r);
}

static void test_student_availability_is_usable(void **state)
{
	/* s02 in Tokyo: Mon 23:30-02:00 local is Mon 14:30Z-17:00Z. */
	cv_roster *r = load_ok(TEST_DATA "roster_good.csv");
	cv_interval *iv;
	size_t n;
	(void)state;
	assert_int_equal(cv_avail_intervals(&iv, &n, r->students[1].avail, test_utc(2027, 3, 1, 0, 0),
					    test_utc(2027, 3, 2, 0, 0), 0), CV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(iv[0].start, test_utc(2027, 3, 1, 14, 30));
	assert_int_equal(iv[0].end, test_utc(2027, 3, 1, 17, 0));
	free(iv);
	cv_roster_free(r);
}

/* A window ending at 00:00 (all day, or to midnight) loads in both columns. */
static void test_window_ending_at_00_00(void **state)
{
	static const char text[] = "id,timezone,available,preferred\n"
				   "s1,Europe/Berlin,Mon 00:00-00:00; Tue 22:00-00:00,Mon 00:00-00:00\n";
	char *path = scratch(text, sizeof(text) - 1);
	cv_roster *r = load_ok(path);
	cv_interval *iv;
	size_t n;
	(void)state;
	/* Berlin in March before the change is UTC+1: Monday is Sun 23:00Z to Mon 23:00Z. */
	assert_int_equal(cv_avail_intervals(&iv, &n, r->students[0].avail, test_utc(2027, 2, 28, 0, 0),
					    test_utc(2027, 3, 4, 0, 0), 1), CV_OK);
	assert_int_equal(n, 1);
	assert_int_equal(iv[0].start, test_utc(2027, 2, 28, 23, 0));
	assert_int_equal(iv[0].end, test_utc(2027, 3, 1, 23, 0));
	free(iv);
	cv_roster_free(r);
	unlink(path);
}

static void test_many_rows_without_trailing_newline(void **state)
{
	size_t cap = 2000 * 48 + 64, pos = 0, i;
	char *buf = malloc(cap), *path;
	cv_roster *r;
	(void)state;
	pos += (size_t)sprintf(buf, "id,timezone,available");
	for (i = 0; i < 2000; i++)
		pos += (size_t)sprintf(buf + pos, "\nstudent%zu,America/Chicago,Tue 10:00-11:00", i);
	path = scratch(buf, pos);
	r = load_ok(path);
	assert_int_equal(r->count, 2000);
	assert_string_equal(cv_roster_find(r, "student1999")->id, "student1999");
	assert_int_equal(cv_roster_find(r, "student1999")->line, 2001);
	cv_roster_free(r);
	unlink(path);
	free(buf);
}

static void test_missing_file_is_enoinput(void **state)
{
	cv_roster *r = NULL;
	cv_errors *e;
	(void)state;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_roster_load(&r, TEST_DATA "no_such_roster.csv", e), CV_ENOINPUT);
	assert_int_equal(cv_errors_code(e), CV_ENOINPUT);
	assert_int_equal(cv_roster_load(&r, TEST_DATA, e), CV_ENOINPUT);
	assert_null(r);
	cv_errors_free(e);
}

static void test_every_bad_row_reported(void **state)
{
	(void)state;
	EXPECT("bad_roster_rows.csv", CV_EDATA,
	       {3, 1, "duplicate id \"ok1\" (first on line 2)"},
	       {4, 1, "only in case"},
	       {5, 2, "no path separators"},
	       {6, 2, "cannot contain \"..\""},
	       {7, 1, "empty id"},
	       {8, 1, "longer than 64"},
	       {9, 9, "\"EST\""},
	       {10, 9, "\"Europe/Berln\""},
	       {11, 22, "hour 25 does not exist"},
	       {12, 12, "available is empty"},
	       {13, 37, "day 30 does not exist"},
	       {14, 32, "weight must be from 1 to 1000, got 0"},
	       {15, 32, "weight must be from 1 to 1000, got 1001"},
	       {16, 33, "whole number"},
	       {17, 8, "control character"},
	       {18, 7, "invalid UTF-8"},
	       {19, 11, "this row has 3 fields but the header has 8 (missing: available"},
	       {20, 33, "this row has 9 fields but the header has 8"},
	       {21, 38, "not a locale name"},
	       {22, 32, "not an email address"},
	       /* inside a quoted field, after a line break: the second line's column */
	       {24, 5, "hour 25"},
	       /* after "" escapes: columns of the file, not of the unescaped value */
	       {25, 17, "expected a time"},
	       {25, 34, "hour 25"});
}

static void test_zone_hint_included(void **state)
{
	char hint[CV_ZONE_HINT_MAX] = "";
	const cv_zone *z;
	cv_roster *r = NULL;
	cv_errors *e;
	(void)state;
	assert_int_equal(cv_zone_lookup(&z, "Europe/Berln", hint, sizeof(hint)), CV_EDATA);
	assert_true(hint[0] != '\0');
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(cv_roster_load(&r, TEST_DATA "bad_roster_rows.csv", e), CV_EDATA);
	assert_non_null(strstr(cv_errors_get(e, 7)->message, hint));
	cv_errors_free(e);
}

static void test_broken_quoting(void **state)
{
	(void)state;
	EXPECT("bad_roster_quotes.csv", CV_EDATA,
	       {2, 8, "quote inside an unquoted field"},
	       {3, 5, "remove the blank before the opening quote"},
	       {4, 8, "unexpected text after the closing quote"},
	       {6, 4, "unterminated quoted field"});
}

static void test_bad_header(void **state)
{
	(void)state;
	EXPECT("bad_roster_header.csv", CV_EDATA,
	       {1, 4, "unknown column \"Name\"; did you mean name?"},
	       {1, 9, "unknown column \"timezon\"; did you mean timezone?"},
	       {1, 17, "unknown column \"availability\"; did you mean available?"},
	       {1, 51, "column \"name\" appears twice"},
	       {1, 0, "missing required column \"available\""});
}

static void test_missing_required_columns(void **state)
{
	static const char csv[] = "name,email\nAnn,ann@example.org\n";
	char *path = scratch(csv, sizeof(csv) - 1);
	(void)state;
	EXPECT_AT(path, CV_EDATA,
		  {1, 0, "missing required column \"id\""},
		  {1, 0, "missing required column \"timezone\""},
		  {1, 0, "missing required column \"available\""});
	unlink(path);
}

static void test_empty_rosters(void **state)
{
	(void)state;
	EXPECT("bad_roster_empty.csv", CV_EDATA, {0, 0, "the roster is empty"});
	EXPECT("bad_roster_header_only.csv", CV_EDATA, {0, 0, "header but no students"});
}

static void test_nul_and_utf16(void **state)
{
	(void)state;
	EXPECT("bad_roster_nul.csv", CV_EDATA, {2, 5, "NUL byte"});
	EXPECT("bad_roster_utf16.csv", CV_EDATA, {0, 0, "UTF-16"});
}

static void test_unsafe_ids(void **state)
{
	static const char csv[] = "id,timezone,available\n"
				  ".hidden,UTC,Mon 09:00-10:00\n"
				  "a\\b,UTC,Mon 09:00-10:00\n"
				  "a b,UTC,Mon 09:00-10:00\n"
				  "\xc3\xbc,UTC,Mon 09:00-10:00\n"
				  "a;b,UTC,Mon 09:00-10:00\n"
				  "ok@x.edu,UTC,Mon 09:00-10:00\n";
	char *path = scratch(csv, sizeof(csv) - 1);
	(void)state;
	EXPECT_AT(path, CV_EDATA,
		  {2, 1, "cannot start with '.'"},
		  {3, 2, "no path separators"},
		  {4, 2, "may hold only letters"},
		  {5, 1, "may hold only letters"},
		  {6, 2, "may hold only letters"});
	unlink(path);
}

static void test_control_characters_and_line_breaks(void **state)
{
	/* A line break is fine inside a quoted availability cell, not inside a name. */
	static const char csv[] = "id,name,timezone,available\n"
				  "s1,\"Ann\nLee\",UTC,Mon 09:00-10:00\n"
				  "s2,Bob\tB,UTC,Mon 09:00-10:00\n"
				  "s3,Cy,UTC\r,Mon 09:00-10:00\n"
				  "s4,\xc2\x85,UTC,Mon 09:00-10:00\n"
				  "s5,Di\xe2\x80\xa8Ng,UTC,Mon 09:00-10:00\n"
				  "s6,\xe2\x80\xae" "evE,UTC,Mon 09:00-10:00\n"
				  "s7,Al\xe2\x81\xa6i,UTC,Mon 09:00-10:00\n"
				  "s8,Zo\xc3\xab \xe2\x80\x94 ok,UTC,Mon 09:00-10:00\n";
	char *path = scratch(csv, sizeof(csv) - 1);
	(void)state;
	EXPECT_AT(path, CV_EDATA,
		  {2, 8, "line break"},
		  {4, 7, "tab character"},
		  {5, 10, "carriage return without a line feed"},
		  {6, 4, "control character"},
		  {7, 6, "Unicode line or paragraph separator"},
		  {8, 4, "bidirectional control character"},
		  {9, 6, "bidirectional control character"});
	unlink(path);
}

static void test_field_too_long(void **state)
{
	size_t n = CV_ROSTER_FIELD_MAX + 200, pos;
	char *buf = malloc(n + 128), *path;
	(void)state;
	pos = (size_t)sprintf(buf, "id,name,timezone,available\ns1,");
	memset(buf + pos, 'a', CV_ROSTER_FIELD_MAX + 1);
	pos += CV_ROSTER_FIELD_MAX + 1;
	pos += (size_t)sprintf(buf + pos, ",UTC,Mon 09:00-10:00\ns2,\"x,y\",UTC,Tue 25:00-26:00\n");
	path = scratch(buf, pos);
	/* Reading goes on after the long field: the next row's problem is found too. */
	EXPECT_AT(path, CV_EDATA,
		  {2, 4, "longer than 4096 bytes"},
		  {3, 18, "hour 25"});
	unlink(path);
	free(buf);
}

static void test_too_many_fields(void **state)
{
	char buf[1024], *path;
	size_t pos, i;
	(void)state;
	pos = (size_t)sprintf(buf, "id,timezone,available\ns1,UTC,Mon 09:00-10:00");
	for (i = 0; i < 70; i++)
		buf[pos++] = ',';
	buf[pos++] = '\n';
	path = scratch(buf, pos);
	/* Three fields fill columns 1-22; the 65th starts after the 62nd comma, at 22 + 62 + 1 = 85. */
	EXPECT_AT(path, CV_EDATA, {2, 85, "more than 64 fields"});
	unlink(path);
}

static void test_quoted_field_before_crlf_and_bare_cr(void **state)
{
	static const char good[] = "id,timezone,available\r\ns1,\"UTC\",\"Mon 09:00-10:00\"\r\n";
	static const char bad[] = "id,timezone,available\ns1,\"UTC\"\r,Mon 09:00-10:00\n";
	char *path = scratch(good, sizeof(good) - 1);
	cv_roster *r = load_ok(path);
	(void)state;
	assert_int_equal(r->count, 1);
	assert_string_equal(r->students[0].id, "s1");
	cv_roster_free(r);
	unlink(path);
	path = scratch(bad, sizeof(bad) - 1);
	EXPECT_AT(path, CV_EDATA, {2, 9, "carriage return without a line feed"});
	unlink(path);
}

static void test_errors_may_be_null(void **state)
{
	cv_roster *r = NULL;
	(void)state;
	assert_int_equal(cv_roster_load(&r, TEST_DATA "bad_roster_rows.csv", NULL), CV_EDATA);
	assert_int_equal(cv_roster_load(&r, TEST_DATA "bad_roster_empty.csv", NULL), CV_EDATA);
	assert_int_equal(cv_roster_load(&r, TEST_DATA "nope.csv", NULL), CV_ENOINPUT);
	assert_null(r);
}

/* ---- the builder: cv_roster_new() and cv_roster_add() ------------------ */

/* A student in UTC, Mondays 09:00-10:00, with its own availability. */
static cv_student utc_student(const char *id)
{
	static const cv_window mon = {1, 9 * 60, 10 * 60};
	cv_student st;
	const cv_zone *z = NULL;

	memset(&st, 0, sizeof(st));
	st.id = (char *)id;
	st.weight = 1;
	assert_int_equal(cv_zone_lookup(&z, "UTC", NULL, 0), CV_OK);
	st.zone = z;
	assert_int_equal(cv_avail_new(&st.avail, z), CV_OK);
	assert_int_equal(cv_avail_add_windows(st.avail, &mon, 1, 0), CV_OK);
	return st;
}

/* The builder copies the strings, takes the availability, and keeps the order added. */
static void test_builder_copies_strings_and_takes_availability(void **state)
{
	cv_roster *r = NULL;
	cv_student st = utc_student("s01");
	char name[] = "Ann Lee", email[] = "ann@example.org";
	cv_avail *a = st.avail;
	(void)state;

	assert_int_equal(cv_roster_new(&r, "web form"), CV_OK);
	assert_string_equal(r->path, "web form");
	assert_int_equal(r->count, 0);
	st.name = name;
	st.email = email;
	st.line = 7;
	assert_int_equal(cv_roster_add(r, &st), CV_OK);
	name[0] = email[0] = 'X'; /* the roster has its own copies */
	st = utc_student("s02");
	st.weight = 3;
	assert_int_equal(cv_roster_add(r, &st), CV_OK);
	assert_int_equal(r->count, 2);
	assert_string_equal(r->students[0].id, "s01");
	assert_string_equal(r->students[0].name, "Ann Lee");
	assert_string_equal(r->students[0].email, "ann@example.org");
	assert_string_equal(r->students[0].locale, "");
	assert_int_equal(r->students[0].line, 7);
	assert_ptr_equal(r->students[0].avail, a);
	assert_string_equal(r->students[1].name, "");
	assert_int_equal(r->students[1].weight, 3);
	assert_ptr_equal(cv_roster_find(r, "s02"), &r->students[1]);
	cv_roster_free(r); /* frees both availabilities: ASan/valgrind would see a leak */
	cv_roster_free(NULL);
}

/*
 * What the reader refuses, the builder refuses too, and a refused student
 * changes nothing: its availability stays the caller's.
 */
static void test_builder_refuses_bad_students(void **state)
{
	static const char *const bad_ids[] = {"", "../etc", "a/b", ".hidden", "a..b", "tab\there",
					      "ünï"};
	cv_roster *r = NULL;
	cv_student st = utc_student("Ann");
	const cv_zone *z = st.zone;
	char long_id[CV_STUDENT_ID_MAX + 2];
	size_t i;
	(void)state;

	assert_int_equal(cv_roster_new(&r, "fixture.csv"), CV_OK);
	assert_int_equal(cv_roster_add(r, &st), CV_OK);
	st = utc_student("ANN"); /* ids name files: case alone does not tell them apart */
	assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
	st.id = "Ann";
	assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
	for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		st.id = (char *)bad_ids[i];
		assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
	}
	memset(long_id, 'x', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	st.id = long_id;
	assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
	st.id = NULL;
	assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
	st.id = "bo";
	st.weight = 0;
	assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
	st.weight = 1;
	st.zone = NULL;
	assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
	st.zone = z;
	cv_avail_free(st.avail); /* still ours after every refusal */
	st.avail = NULL;
	assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
	assert_int_equal(r->count, 1);
	assert_null(cv_roster_find(r, "bo"));
	long_id[CV_STUDENT_ID_MAX] = '\0'; /* the longest id allowed */
	st = utc_student(long_id);
	assert_int_equal(cv_roster_add(r, &st), CV_OK);
	cv_roster_free(r);
}

/* Thousands of students: the index grows and every id is still found, ignoring case for duplicates. */
static void test_builder_index_grows(void **state)
{
	cv_roster *r = NULL;
	char id[16];
	size_t i;
	(void)state;

	assert_int_equal(cv_roster_new(&r, "big.csv"), CV_OK);
	for (i = 0; i < 3000; i++) {
		cv_student st;
		snprintf(id, sizeof(id), "L%07zu", i);
		st = utc_student(id);
		assert_int_equal(cv_roster_add(r, &st), CV_OK);
	}
	for (i = 0; i < 3000; i++) {
		cv_student st;
		snprintf(id, sizeof(id), "L%07zu", i);
		assert_ptr_equal(cv_roster_find(r, id), &r->students[i]);
		id[0] = 'l';
		assert_null(cv_roster_find(r, id));
		st = utc_student(id);
		assert_int_equal(cv_roster_add(r, &st), CV_EDATA);
		cv_avail_free(st.avail);
	}
	assert_int_equal(r->count, 3000);
	cv_roster_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_roster_values),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_student_availability_is_usable),
		cmocka_unit_test(test_window_ending_at_00_00),
		cmocka_unit_test(test_many_rows_without_trailing_newline),
		cmocka_unit_test(test_missing_file_is_enoinput),
		cmocka_unit_test(test_every_bad_row_reported),
		cmocka_unit_test(test_zone_hint_included),
		cmocka_unit_test(test_broken_quoting),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_missing_required_columns),
		cmocka_unit_test(test_empty_rosters),
		cmocka_unit_test(test_nul_and_utf16),
		cmocka_unit_test(test_unsafe_ids),
		cmocka_unit_test(test_control_characters_and_line_breaks),
		cmocka_unit_test(test_field_too_long),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_quoted_field_before_crlf_and_bare_cr),
		cmocka_unit_test(test_errors_may_be_null),
		cmocka_unit_test(test_builder_copies_strings_and_takes_availability),
		cmocka_unit_test(test_builder_refuses_bad_students),
		cmocka_unit_test(test_builder_index_grows),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
