/* test_error.c - the diagnostics list, its printed form, and the exit codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

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

/* Past CV_ERRORS_MAX diagnostics are counted, not kept, and the print says how many. */
static void test_overflow_is_counted(void **state)
{
	cv_where w = {"r.csv", 1, 1};
	cv_errors *e;
	char *out, want[64];
	size_t i;
	(void)state;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	for (i = 0; i < CV_ERRORS_MAX + 5; i++) {
		w.line = (unsigned)i + 1;
		cv_errors_add(e, CV_EDATA, &w, 0, "bad row");
	}
	assert_int_equal(cv_errors_count(e), CV_ERRORS_MAX + 5);
	assert_non_null(cv_errors_get(e, CV_ERRORS_MAX - 1));
	assert_null(cv_errors_get(e, CV_ERRORS_MAX));
	out = printed(e);
	snprintf(want, sizeof(want), "\nconvene: 5 more problems not shown\n");
	assert_non_null(strstr(out, want));
	free(out);
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
		{CV_ELOCKED, 75},  {-99, 70},
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
		cmocka_unit_test(test_long_text_truncated),
		cmocka_unit_test(test_null_list_is_harmless),
		cmocka_unit_test(test_exit_codes_are_the_documented_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
