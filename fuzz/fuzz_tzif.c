/*
 * fuzz_tzif.c - convene's own reader of compiled tzdata (TZif files, RFC
 * 8536, src/tz_tzif.c) and of the POSIX TZ rule in their footer.  The
 * files come from the system, but they are parsed by hand, so they are
 * fuzzed as any input.  The first byte picks TZif or rule.  Invariants:
 * offsets within +-25h (RFC 8536 allows -89999..93599 s); transitions in
 * order.
 */
#include <convene.h>

#include "../src/tz_int.h"
#include "fuzz_int.h"

struct walk {
	int64_t last;
	size_t n;
};

static int emit(void *ctx, const cv_transition *t)
{
	struct walk *w = ctx;
	FUZZ_ASSERT(t->at > w->last);
	w->last = t->at;
	return ++w->n > 10000; /* enough */
}

static const int64_t at[] = {INT64_MIN / 4, -4000000000LL, -1, 0, 1799625600LL, 2147483648LL,
			     4102444800LL, INT64_MAX / 4};

static void check_offset(int32_t off)
{
	FUZZ_ASSERT(off >= -25 * CV_HOUR_SECONDS && off <= 26 * CV_HOUR_SECONDS);
}

static void tzif(const uint8_t *data, size_t size)
{
	tz_tzif *z = NULL;
	struct walk w = {INT64_MIN, 0};
	size_t i;
	int rc = Cv_tzif_parse(&z, data, size);

	FUZZ_ASSERT(rc == CV_OK || rc == CV_EDATA || rc == CV_ENOMEM);
	if (rc)
		return;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		check_offset(Cv_tzif_offset(z, at[i]));
	Cv_tzif_transitions(z, 1700000000LL, 1900000000LL, emit, &w);
	Cv_tzif_free(z);
}

static void rule(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	tz_rule r;
	size_t i;

	if (text && Cv_tz_rule_parse(&r, text) == CV_OK)
		for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
			check_offset(Cv_tz_rule_offset(&r, at[i]));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		rule(data + 1, size - 1);
	else
		tzif(data + 1, size - 1);
	return 0;
}
