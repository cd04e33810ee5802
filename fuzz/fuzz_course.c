/*
 * fuzz_course.c - the course file reader (cv_course_load()), through a
 * file as convene reads it.  Invariants: a refusal always says why; an
 * accepted course is what course.h promises.
 */
#include <convene.h>

#include "fuzz_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(".ini", data, size);
	cv_errors *errs = NULL;
	cv_course *c = NULL;
	int rc;

	if (!path || cv_errors_new(&errs))
		return 0;
	rc = cv_course_load(&c, path, errs);
	/* Never a silent failure, never an error with success. */
	FUZZ_ASSERT(rc == CV_OK || rc == CV_ENOMEM || cv_errors_code(errs) == rc);
	FUZZ_ASSERT(rc != CV_OK || cv_errors_code(errs) == CV_OK);
	if (rc == CV_OK) {
		unsigned longest;
		size_t n = cv_course_candidates(NULL, &longest, c);
		FUZZ_ASSERT(c->id && c->zone && c->roster_path && c->uid_domain);
		FUZZ_ASSERT(c->start <= c->end && c->end - c->start < CV_TERM_DAYS_MAX);
		FUZZ_ASSERT(c->count >= 1 && c->count <= CV_COUNT_MAX);
		FUZZ_ASSERT(c->granularity > 0 && CV_DAY_MINUTES % c->granularity == 0);
		FUZZ_ASSERT(c->duration > 0);
		FUZZ_ASSERT(n <= CV_CANDIDATES_MAX / c->granularity + 1);
		FUZZ_ASSERT(longest <= CV_WEEK_MINUTES);
	}
	cv_course_free(c);
	cv_errors_free(errs);
	return 0;
}
