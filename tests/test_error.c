/* test_error.c - the diagnostics list, its printed form, and the exit codes. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../src/error_int.h"

/* What cv_errors_print() writes, as a malloc'd string. */
static char *printed(const cv_errors *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	cv_errors_print(e, f);
	fclose(f);
	return buf;
}

static void test_print_forms_file_line_column(void **state)
{
	cv_where full = {"course.ini", 12, 9}, line_only = {"roster.csv", 4, 0},
		 file_only = {"cal/s1.ics", 0, 0};
	cv_errors *e;
	char *out;
	(void)state;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	/* the column is where->column plus the offset into the text */
	assert_int_equal(cv_errors_add(e, CV_EDATA, &full, 3, "unknown day \"%s\"", "Tues"), CV_EDATA);
	cv_errors_warn(e, &line_only, 0, "holiday %d is outside the term", 2026);
	cv_errors_add(e, CV_ENOINPUT, &file_only, 0, "cannot read");
	cv_errors_add(e, CV_EUSAGE, NULL, 0, "no course given");
	out = printed(e);
	assert_string_equal(out, "course.ini:12:12: unknown day \"Tues\"\n"
				 "roster.csv:4: warning: holiday 2026 is outside the term\n"
				 "cal/s1.ics: cannot read\n"
				 "convene: no course given\n");
	free(out);
	assert_int_equal(cv_errors_count(e), 4);
	/* the first error decides, warnings never do */
	assert_int_equal(cv_errors_code(e), CV_EDATA);
	assert_int_equal(cv_errors_get(e, 1)->code, CV_OK);
	assert_null(cv_errors_get(e, 4));
	cv_errors_free(e);
}

static void test_warnings_alone_leave_the_code_ok(void **state)
{
	cv_where w = {"c.ini", 1, 1};
	cv_errors *e;
	(void)state;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	cv_errors_warn(e, &w, 0, "just so you know");
	assert_int_equal(cv_errors_count(e), 1);
	assert_int_equal(cv_errors_code(e), CV_OK);
	cv_errors_free(e);
}

/* A new list with n errors "bad row N" at r.csv:N:1, N = 1..n. */
static cv_errors *bad_rows(size_t n)
{
	cv_where w = {"r.csv", 1, 1};
	cv_errors *e;
	size_t i;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	for (i = 1; i <= n; i++) {
		w.line = (unsigned)i;
		cv_errors_add(e, CV_EDATA, &w, 0, "bad row %zu", i);
	}
	return e;
}

/* The print of e ends by saying that `hidden` problems were not shown. */
static void assert_print_hides(const cv_errors *e, size_t hidden)
{
	char *out = printed(e), want[64];

	snprintf(want, sizeof(want), "\nconvene: %zu more problems not shown\n", hidden);
	assert_non_null(strstr(out, want));
	free(out);
}

/* Past CV_ERRORS_MAX diagnostics are counted, not kept, and the print says how many. */
static void test_overflow_is_counted(void **state)
{
	cv_errors *e = bad_rows(CV_ERRORS_MAX + 5);
	(void)state;

	assert_int_equal(cv_errors_count(e), CV_ERRORS_MAX + 5);
	assert_non_null(cv_errors_get(e, CV_ERRORS_MAX - 1));
	assert_null(cv_errors_get(e, CV_ERRORS_MAX));
	assert_print_hides(e, 5);
	cv_errors_free(e);
}

/* A list that has nothing to say costs a few words: no diagnostic storage
 * until the first one, then room for a few, not for CV_ERRORS_MAX. */
static void test_an_empty_list_holds_no_diagnostic_storage(void **state)
{
	cv_where w = {"r.csv", 1, 1};
	cv_errors *e;
	char *out;
	(void)state;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(Cv_errors_room(e), 0);
	assert_true(malloc_usable_size(e) < sizeof(cv_error));
	out = printed(e);
	assert_string_equal(out, "");
	free(out);
	cv_errors_add(e, CV_EDATA, &w, 0, "the first");
	assert_in_range(Cv_errors_room(e), 1, 8);
	assert_string_equal(cv_errors_get(e, 0)->message, "the first");
	cv_errors_free(e);
}

/* 10,000 diagnostics: the first CV_ERRORS_MAX kept in order, every one
 * counted, and the room stops growing at the cap. */
static void test_ten_thousand_diagnostics_keep_the_cap(void **state)
{
	cv_errors *e = bad_rows(10000);
	char want[64];
	size_t i;
	(void)state;

	assert_int_equal(cv_errors_count(e), 10000);
	for (i = 0; i < CV_ERRORS_MAX; i++) {
		snprintf(want, sizeof(want), "bad row %zu", i + 1);
		assert_int_equal(cv_errors_get(e, i)->line, i + 1);
		assert_string_equal(cv_errors_get(e, i)->message, want);
	}
	assert_null(cv_errors_get(e, CV_ERRORS_MAX));
	assert_true(Cv_errors_room(e) >= CV_ERRORS_MAX);
	assert_true(Cv_errors_room(e) < 2 * CV_ERRORS_MAX);
	assert_print_hides(e, 10000 - CV_ERRORS_MAX);
	cv_errors_free(e);
}

/* A diagnostic got from the list stays put while the list grows (the
 * pointer is valid until the list is freed, as error.h says). */
static void test_a_kept_diagnostic_does_not_move(void **state)
{
	cv_where w = {"c.ini", 3, 4};
	const cv_error *first;
	cv_errors *e;
	size_t i;
	(void)state;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	cv_errors_add(e, CV_EDATA, &w, 0, "the first");
	first = cv_errors_get(e, 0);
	for (i = 1; i < CV_ERRORS_MAX; i++)
		cv_errors_warn(e, &w, 0, "more");
	assert_ptr_equal(cv_errors_get(e, 0), first);
	assert_string_equal(first->message, "the first");
	assert_int_equal(first->column, 4);
	cv_errors_free(e);
}

/* Long file names and messages are cut to their buffers, never overflowed. */
static void test_long_text_truncated(void **state)
{
	char *file = malloc(CV_ERROR_FILE_MAX * 2), *msg = malloc(CV_ERROR_MESSAGE_MAX * 2);
	cv_where w = {NULL, 1, 1};
	cv_errors *e;
	(void)state;

	memset(file, 'f', CV_ERROR_FILE_MAX * 2 - 1);
	file[CV_ERROR_FILE_MAX * 2 - 1] = '\0';
	memset(msg, 'm', CV_ERROR_MESSAGE_MAX * 2 - 1);
	msg[CV_ERROR_MESSAGE_MAX * 2 - 1] = '\0';
	w.file = file;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	cv_errors_add(e, CV_EDATA, &w, 0, "%s", msg);
	assert_int_equal(strlen(cv_errors_get(e, 0)->file), CV_ERROR_FILE_MAX - 1);
	assert_int_equal(strlen(cv_errors_get(e, 0)->message), CV_ERROR_MESSAGE_MAX - 1);
	cv_errors_free(e);
	free(file);
	free(msg);
}

/* A NULL list drops everything, so callers need not check. */
static void test_null_list_is_harmless(void **state)
{
	cv_where w = {"x", 1, 1};
	(void)state;

	assert_int_equal(cv_errors_add(NULL, CV_EDATA, &w, 0, "dropped"), CV_EDATA);
	cv_errors_warn(NULL, &w, 0, "dropped");
	assert_int_equal(cv_errors_count(NULL), 0);
	assert_int_equal(cv_errors_code(NULL), CV_OK);
	assert_null(cv_errors_get(NULL, 0));
	cv_errors_print(NULL, stderr);
	cv_errors_free(NULL);
}

/* The exit codes of README "Exit codes" (sysexits.h values). */
static void test_exit_codes_are_the_documented_ones(void **state)
{
	static const struct {
		int code, exit;
	} t[] = {
		{CV_OK, 0},	   {CV_ENOSLOT, 1},	{CV_EUSAGE, 2}, {CV_EDATA, 65},
		{CV_ENOINPUT, 66}, {CV_ENOMEM, 71},	{CV_ECANTCREAT, 73}, {CV_EIO, 74},
		{CV_ELOCKED, 75},  {CV_ENOTFOUND, 70}, {-99, 70},
	};
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(cv_exit_code(t[i].code), t[i].exit);
		assert_non_null(cv_strerror(t[i].code));
	}
	assert_string_equal(cv_strerror(CV_ELOCKED), "another run holds the lock");
	assert_string_equal(cv_strerror(-99), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print_forms_file_line_column),
		cmocka_unit_test(test_warnings_alone_leave_the_code_ok),
		cmocka_unit_test(test_overflow_is_counted),
		cmocka_unit_test(test_an_empty_list_holds_no_diagnostic_storage),
		cmocka_unit_test(test_ten_thousand_diagnostics_keep_the_cap),
		cmocka_unit_test(test_a_kept_diagnostic_does_not_move),
		cmocka_unit_test(test_long_text_truncated),
		cmocka_unit_test(test_null_list_is_harmless),
		cmocka_unit_test(test_exit_codes_are_the_documented_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
