/* testutil.h - what every cmocka test includes. Tests run from the repository root. */
#ifndef CONVENE_TESTUTIL_H
#define CONVENE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "convene.h"

#define TEST_DATA "tests/data/"

/* The UTC instant of a civil UTC date-time, for readable expectations. */
static inline int64_t test_utc(int y, unsigned mo, unsigned d, unsigned h, unsigned mi)
{
	return (int64_t)cv_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
}

/* A wall time (local civil date-time as seconds), same arithmetic. */
#define test_wall test_utc

/* The candidate index of a slot the test knows is a candidate. */
static inline size_t test_candidate(const cv_grid *g, cv_slot slot)
{
	size_t c = (size_t)-1;
	assert_int_equal(cv_grid_find(&c, g, slot), CV_OK);
	return c;
}

#endif
