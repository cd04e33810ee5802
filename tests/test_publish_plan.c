/*
 * test_publish_plan.c - the publishing step as a library call, the way a
 * second front end uses it: cv_publish_plan() writes the calendars, counts
 * what changed, lists it for a dry run, and cv_publish_clock() reads
 * SOURCE_DATE_EPOCH.
 */
#define _XOPEN_SOURCE 700 /* nftw() to clean up */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define JAN_2027 1798761600 /* 2027-01-01T00:00:00Z */

typedef struct fx {
	char root[64];
	char dir[96];
	cv_course *course;
	cv_roster *roster;
	cv_grid *grid;
	cv_plan *plan;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	cv_solution sol;

	assert_non_null(f);
	strcpy(f->root, "/tmp/cv-pubplan-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->dir, sizeof(f->dir), "%s/out", f->root);
	assert_int_equal(cv_course_load(&f->course, TEST_DATA "small_course.ini", NULL), CV_OK);
	assert_int_equal(cv_roster_load(&f->roster, f->course->roster_path, NULL), CV_OK);
	assert_int_equal(cv_grid_build(&f->grid, f->course, f->roster), CV_OK);
	assert_int_equal(cv_solve(&sol, f->grid, NULL), CV_OK);
	assert_int_equal(cv_plan_build(&f->plan, f->grid, &sol), CV_OK);
	*state = f;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	fx *f = *state;
	nftw(f->root, rm_one, 32, FTW_DEPTH | FTW_PHYS);
	cv_plan_free(f->plan);
	cv_grid_free(f->grid);
	cv_roster_free(f->roster);
	cv_course_free(f->course);
	free(f);
	return 0;
}

static int publish(cv_publish_summary *out, const fx *f, int64_t now, int dry,
		   int (*listing)(void *, const cv_publish_entry *), void *ctx)
{
	cv_publish_options o;
	cv_errors *errs = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	o.dir = f->dir;
	o.now = now;
	o.dry_run = dry;
	o.listing = listing;
	o.listing_ctx = ctx;
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	rc = cv_publish_plan(out, f->plan, &o, errs);
	if (rc)
		cv_errors_print(errs, stderr);
	cv_errors_free(errs);
	return rc;
}

static int exists(const fx *f, const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

static void test_publish_plan_writes_every_calendar_and_counts_them(void **state)
{
	fx *f = *state;
	cv_publish_summary s;
	size_t i;

	assert_int_equal(publish(&s, f, JAN_2027, 0, NULL, NULL), CV_OK);
	assert_int_equal(s.calendars, f->roster->count + 1);
	assert_int_equal(s.files_added, s.calendars);
	assert_int_equal(s.files_changed + s.files_unchanged + s.files_removed, 0);
	assert_true(s.events_added > 0);
	assert_int_equal(s.events_changed + s.events_removed, 0);
	assert_int_equal(s.requests + s.cancels, 0);
	assert_true(exists(f, "instructor.ics"));
	for (i = 0; i < f->roster->count; i++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "students/%s.ics", f->roster->students[i].id);
		assert_true(exists(f, rel));
	}
}

static void test_publish_plan_rerun_keeps_every_file_and_event(void **state)
{
	fx *f = *state;
	cv_publish_summary first, second;
	struct stat a, b;
	char path[256];

	snprintf(path, sizeof(path), "%s/instructor.ics", f->dir);
	assert_int_equal(publish(&first, f, JAN_2027, 0, NULL, NULL), CV_OK);
	assert_int_equal(stat(path, &a), 0);
	/* a day later: nothing changed, so nothing is stamped again */
	assert_int_equal(publish(&second, f, JAN_2027 + 86400, 0, NULL, NULL), CV_OK);
	assert_int_equal(stat(path, &b), 0);
	assert_int_equal(second.files_unchanged, first.calendars);
	assert_int_equal(second.files_added + second.files_changed + second.files_removed, 0);
	assert_int_equal(second.events_added + second.events_changed + second.events_removed, 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_mtime, b.st_mtime);
}

typedef struct listed {
	size_t files, calendars, added;
	char first[128];
} listed;

static int collect(void *ctx, const cv_publish_entry *e)
{
	listed *l = ctx;

	if (!l->files++)
		snprintf(l->first, sizeof(l->first), "%s", e->relpath);
	l->calendars += e->events != NULL;
	l->added += e->events ? e->events->added : 0;
	return CV_OK;
}

static void test_publish_plan_dry_run_lists_and_writes_nothing(void **state)
{
	fx *f = *state;
	cv_publish_summary s;
	listed l;
	struct stat st;
	char lock[128];

	memset(&l, 0, sizeof(l));
	assert_int_equal(publish(&s, f, JAN_2027, 1, collect, &l), CV_OK);
	assert_int_equal(s.files_added, f->roster->count + 1);
	assert_int_equal(l.files, s.files_added);
	assert_int_equal(l.calendars, s.calendars);
	assert_int_equal(l.added, s.events_added);
	assert_string_equal(l.first, "instructor.ics");
	snprintf(lock, sizeof(lock), "%s.lock", f->dir);
	assert_int_not_equal(stat(f->dir, &st), 0);
	assert_int_not_equal(stat(lock, &st), 0);
}

static int stop_at_first(void *ctx, const cv_publish_entry *e)
{
	(void)ctx;
	(void)e;
	return CV_EIO;
}

static void test_publish_plan_listing_that_fails_fails_the_run(void **state)
{
	fx *f = *state;
	cv_publish_summary s;

	assert_int_equal(publish(&s, f, JAN_2027, 1, stop_at_first, NULL), CV_EIO);
}

static void test_publish_clock_reads_source_date_epoch(void **state)
{
	cv_errors *errs = NULL;
	int64_t t = 0;

	(void)state;
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	setenv("SOURCE_DATE_EPOCH", "1798761600", 1);
	assert_int_equal(cv_publish_clock(&t, errs), CV_OK);
	assert_int_equal(t, JAN_2027);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(cv_publish_clock(&t, errs), CV_OK);
	assert_true(t > JAN_2027 - 10 * 365 * 86400LL); /* the clock, not 0 */
	setenv("SOURCE_DATE_EPOCH", "tomorrow", 1);
	t = 42;
	assert_int_equal(cv_publish_clock(&t, errs), CV_EUSAGE);
	assert_int_equal(t, 42);
	assert_non_null(strstr(cv_errors_get(errs, 0)->message, "SOURCE_DATE_EPOCH"));
	unsetenv("SOURCE_DATE_EPOCH");
	cv_errors_free(errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_publish_plan_writes_every_calendar_and_counts_them,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_plan_rerun_keeps_every_file_and_event,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_plan_dry_run_lists_and_writes_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_publish_plan_listing_that_fails_fails_the_run,
						setup, teardown),
		cmocka_unit_test(test_publish_clock_reads_source_date_epoch),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
