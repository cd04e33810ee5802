/*
 * fuzz_avail.c - the availability language and the other scalar syntaxes
 * of the inputs: weekly windows (cv_windows_parse(), as in the roster's
 * available/preferred cells and the course's window key), date lists
 * (cv_dates_parse(), the unavailable and holidays cells) and durations
 * (cv_duration_parse()).  The first byte picks the reader; the rest is
 * the text.  Invariants: a refusal says why; windows written back by
 * cv_windows_format() read as the same minutes of the week; date ranges
 * come out sorted, merged and valid.
 */
#include <convene.h>

#include "fuzz_int.h"

/* Mark the minutes of the week (cyclic) the windows cover. */
static void week_of(uint8_t *week, const cv_window *w, size_t n)
{
	size_t i;
	unsigned d, m;

	memset(week, 0, CV_WEEK_MINUTES);
	for (i = 0; i < n; i++) {
		unsigned len = w[i].end > w[i].start ? w[i].end - w[i].start
						     : w[i].end + CV_DAY_MINUTES - w[i].start;
		for (d = 0; d < 7; d++)
			if (w[i].days & (1u << d))
				for (m = 0; m < len; m++)
					week[(d * CV_DAY_MINUTES + w[i].start + m) % CV_WEEK_MINUTES] = 1;
	}
}

static void windows(const char *text, cv_errors *errs)
{
	static uint8_t a[CV_WEEK_MINUTES], b[CV_WEEK_MINUTES];
	static char buf[65536];
	cv_where where = {"fuzz", 1, 1};
	cv_window *w = NULL, *w2 = NULL;
	size_t n = 0, n2 = 0, i;
	int rc = cv_windows_parse(&w, &n, text, &where, errs);

	FUZZ_ASSERT(rc == CV_OK || rc == CV_ENOMEM || cv_errors_code(errs) == rc);
	(void)cv_windows_entry_follows(text, strlen(text));
	if (rc == CV_OK) {
		FUZZ_ASSERT(n <= CV_WINDOWS_MAX);
		for (i = 0; i < n; i++)
			FUZZ_ASSERT(w[i].days && w[i].days < 128 && w[i].start < CV_DAY_MINUTES &&
				    w[i].end >= 1 && w[i].end <= CV_DAY_MINUTES);
		cv_windows_format(buf, sizeof(buf), w, n);
		if (strlen(buf) + 1 < sizeof(buf) && n) {
			cv_errors *e2 = NULL;
			if (cv_errors_new(&e2) == CV_OK) {
				rc = cv_windows_parse(&w2, &n2, buf, &where, e2);
				if (rc != CV_ENOMEM) {
					if (rc != CV_OK)
						fprintf(stderr, "written back as \"%s\"\n", buf);
					FUZZ_ASSERT(rc == CV_OK);
					week_of(a, w, n);
					week_of(b, w2, n2);
					FUZZ_ASSERT(memcmp(a, b, sizeof(a)) == 0);
				}
				cv_errors_free(e2);
			}
		}
	}
	free(w);
	free(w2);
}

static void dates(const char *text, cv_errors *errs)
{
	cv_where where = {"fuzz", 1, 1};
	cv_daterange *r = NULL;
	size_t n = 0, i;
	int rc = cv_dates_parse(&r, &n, text, &where, errs);

	FUZZ_ASSERT(rc == CV_OK || rc == CV_ENOMEM || cv_errors_code(errs) == rc);
	for (i = 0; rc == CV_OK && i < n; i++) {
		FUZZ_ASSERT(r[i].first <= r[i].last);
		FUZZ_ASSERT(i == 0 || r[i - 1].last + 1 < r[i].first);
		FUZZ_ASSERT(cv_dates_contain(r, n, r[i].first) && cv_dates_contain(r, n, r[i].last));
	}
	free(r);
}

static void duration(const char *text, cv_errors *errs)
{
	cv_where where = {"fuzz", 1, 1};
	unsigned m = 0;
	int rc = cv_duration_parse(&m, text, &where, errs);
	FUZZ_ASSERT(rc == CV_OK || rc == CV_ENOMEM || cv_errors_code(errs) == rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cv_errors *errs = NULL;
	char *text;

	if (size < 1 || size > 4096 || cv_errors_new(&errs))
		return 0;
	text = fuzz_string(data + 1, size - 1);
	if (text) {
		switch (data[0] % 3) {
		case 0: windows(text, errs); break;
		case 1: dates(text, errs); break;
		default: duration(text, errs); break;
		}
	}
	free(text);
	cv_errors_free(errs);
	return 0;
}
