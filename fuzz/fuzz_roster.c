/*
 * fuzz_roster.c - the roster reader (cv_roster_load()), through a file as
 * convene reads it.  Invariants: a refusal always says why and where; an
 * accepted roster has valid, distinct ids that cv_roster_find() finds.
 */
#include <convene.h>
#include <strings.h>

#include "fuzz_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(".csv", data, size);
	cv_errors *errs = NULL;
	cv_roster *r = NULL;
	size_t i;
	int rc;

	if (!path || cv_errors_new(&errs))
		return 0;
	rc = cv_roster_load(&r, path, errs);
	FUZZ_ASSERT(rc == CV_OK || rc == CV_ENOMEM || cv_errors_code(errs) == rc);
	FUZZ_ASSERT(rc != CV_OK || cv_errors_code(errs) == CV_OK);
	for (i = 0; rc == CV_OK && i < cv_errors_count(errs) && i < CV_ERRORS_MAX; i++) {
		const cv_error *e = cv_errors_get(errs, i);
		FUZZ_ASSERT(e && e->file[0]);
	}
	if (rc == CV_OK) {
		FUZZ_ASSERT(r->count > 0);
		for (i = 0; i < r->count; i++) {
			const cv_student *s = &r->students[i];
			size_t n = strlen(s->id);
			FUZZ_ASSERT(n > 0 && n <= CV_STUDENT_ID_MAX);
			FUZZ_ASSERT(!strstr(s->id, "..") && s->id[0] != '.' && !strchr(s->id, '/'));
			FUZZ_ASSERT(s->zone && s->avail && s->weight >= 1 && s->weight <= CV_WEIGHT_MAX);
			FUZZ_ASSERT(cv_roster_find(r, s->id) == s);
			FUZZ_ASSERT(s->line >= 2);
		}
	}
	cv_roster_free(r);
	cv_errors_free(errs);
	return 0;
}
