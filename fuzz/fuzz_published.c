/*
 * fuzz_published.c - what publish reads back from the published directory,
 * which it treats as hostile: a previously published calendar
 * (cv_ics_history_new()), the SEQUENCE ledger (cv_itip_ledger_new()) and
 * the recipients list (cv_itip_recipients_find()).  The first byte picks
 * the reader.  Invariants: the ledger written back reads as the same
 * ledger; a recipient found has a valid address.
 */
#include <convene.h>

#include "fuzz_int.h"

static void history(const char *text, size_t len)
{
	cv_ics_history *h = NULL;
	int rc = cv_ics_history_new(&h, text, len);
	FUZZ_ASSERT(rc == CV_OK || rc == CV_EDATA || rc == CV_ENOMEM);
	(void)cv_ics_history_events(h);
	cv_ics_history_free(h);
}

static void ledger(const char *text, size_t len)
{
	cv_itip_ledger *l = NULL, *l2 = NULL;
	char *out = NULL, *out2 = NULL;
	size_t n = 0, n2 = 0;
	int rc = cv_itip_ledger_new(&l, text, len);

	FUZZ_ASSERT(rc == CV_OK || rc == CV_EDATA || rc == CV_ENOMEM);
	if (rc == CV_OK && cv_itip_ledger_format(&out, &n, l) == CV_OK &&
	    cv_itip_ledger_new(&l2, out, n) == CV_OK &&
	    cv_itip_ledger_format(&out2, &n2, l2) == CV_OK)
		FUZZ_ASSERT(n == n2 && memcmp(out, out2, n) == 0);
	free(out);
	free(out2);
	cv_itip_ledger_free(l);
	cv_itip_ledger_free(l2);
}

static void recipients(const char *text, size_t len)
{
	static const char *const ids[] = {"s01", "a", "", "s01\t"};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char *name = NULL, *email = NULL;
		int rc = cv_itip_recipients_find(&name, &email, text, len, ids[i]);
		FUZZ_ASSERT(rc == CV_OK || rc == CV_ENOINPUT || rc == CV_ENOMEM || rc == CV_EDATA);
		if (rc == CV_OK)
			FUZZ_ASSERT(name && email && cv_itip_email_valid(email));
		free(name);
		free(email);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1 || !(text = fuzz_string(data + 1, size - 1)))
		return 0;
	switch (data[0] % 3) {
	case 0: history(text, size - 1); break;
	case 1: ledger(text, size - 1); break;
	default: recipients(text, size - 1); break;
	}
	free(text);
	return 0;
}
