/*
 * fuzz_zone.c - zone names (cv_zone_lookup(), cv_zone_refused(), as in the
 * course's timezone key, the roster's timezone column and a calendar's
 * TZIDs), then the zone found.  Invariants: a refusal always has a hint;
 * offsets stay within +-18h; cv_zone_to_utc() inverts cv_zone_to_wall().
 */
#include <convene.h>

#include "fuzz_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hint[CV_ZONE_HINT_MAX];
	const cv_zone *z = NULL;
	char *name;
	int rc;

	if (size > 512 || !(name = fuzz_string(data, size)))
		return 0;
	hint[0] = '\0';
	rc = cv_zone_lookup(&z, name, hint, sizeof(hint));
	FUZZ_ASSERT(rc == CV_OK || rc == CV_EDATA || rc == CV_ENOMEM);
	FUZZ_ASSERT(rc != CV_EDATA || hint[0]);
	FUZZ_ASSERT(!cv_zone_refused(name, NULL, 0) || rc == CV_EDATA);
	if (rc == CV_OK) {
		static const int64_t at[] = {-4000000000LL, 0, 1799625600LL, 1815000000LL,
					     4102444800LL, 253402300799LL};
		size_t i;
		FUZZ_ASSERT(z && cv_zone_name(z)[0]);
		for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			int32_t off = cv_zone_offset(z, at[i]);
			int64_t wall = cv_zone_to_wall(z, at[i]);
			FUZZ_ASSERT(off > -18 * CV_HOUR_SECONDS && off < 18 * CV_HOUR_SECONDS);
			FUZZ_ASSERT(wall == at[i] + off);
			/* The first instant with that wall time (RFC 5545: overlaps read first). */
			FUZZ_ASSERT(cv_zone_to_utc(z, wall) <= at[i]);
		}
	}
	free(name);
	return 0;
}
