/*
 * fuzz_calendar.c - the calendar reader (cv_calin_parse(), as for
 * calendars/<id>.ics), over a spring term in New York, then applied to a
 * student's availability.  Invariants: a refusal says why; the views are
 * sorted, disjoint and inside the span; applying them never fails but for
 * memory or a file without VAVAILABILITY for a student without windows.
 */
#include <convene.h>

#include "fuzz_int.h"

static const cv_zone *zone;
static int64_t from, to;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (cv_zone_lookup(&zone, "America/New_York", NULL, 0))
		abort();
	from = (int64_t)cv_days_from_civil(2027, 1, 9) * CV_DAY_SECONDS;
	to = (int64_t)cv_days_from_civil(2027, 5, 3) * CV_DAY_SECONDS;
	return 0;
}

static void check_view(const cv_interval *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(v[i].start < v[i].end);
		FUZZ_ASSERT(v[i].start >= from && v[i].end <= to);
		FUZZ_ASSERT(i == 0 || v[i - 1].end < v[i].start);
	}
}

static void apply(const cv_calin *cal, int with_windows)
{
	static const cv_window evenings = {0x1f, 18 * 60, 22 * 60};
	cv_avail *a = NULL;
	cv_interval *iv = NULL;
	size_t n = 0;
	int rc;

	if (cv_avail_new(&a, zone))
		return;
	if (with_windows && cv_avail_add_windows(a, &evenings, 1, 0))
		goto out;
	rc = cv_calin_apply(a, cal);
	FUZZ_ASSERT(rc == CV_OK || rc == CV_ENOMEM ||
		    (rc == CV_EDATA && !with_windows && !cv_calin_has_availability(cal)));
	if (rc == CV_OK && cv_avail_intervals(&iv, &n, a, from, to, 0) == CV_OK)
		check_view(iv, n);
out:
	free(iv);
	cv_avail_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cv_errors *errs = NULL;
	cv_calin *cal = NULL;
	const cv_interval *v;
	size_t n;
	int rc;

	if (cv_errors_new(&errs))
		return 0;
	rc = cv_calin_parse(&cal, (const char *)data, size, "fuzz.ics", zone, from, to, errs);
	FUZZ_ASSERT(rc == CV_OK || rc == CV_ENOMEM || cv_errors_code(errs) == rc);
	FUZZ_ASSERT(rc != CV_OK || cv_errors_code(errs) == CV_OK);
	if (rc == CV_OK) {
		v = cv_calin_busy(cal, &n);
		check_view(v, n);
		v = cv_calin_covered(cal, &n);
		check_view(v, n);
		v = cv_calin_available(cal, &n);
		check_view(v, n);
		apply(cal, 1);
		apply(cal, 0);
	}
	cv_calin_free(cal);
	cv_errors_free(errs);
	return 0;
}
