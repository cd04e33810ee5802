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

#endif
