/*
 * itip_int.h - private: the e-mail messages of the publishing step, built
 * from decisions already made (publish.c).  Not API.
 */
#ifndef CONVENE_ITIP_INT_H
#define CONVENE_ITIP_INT_H

#include "convene/itip.h"
#include "ics_history_int.h"

/*
 * cv_itip_build() for a calendar being published: `current` is the
 * student's new calendar text (NULL when the student has left), `prev` the
 * previous calendar as read once by the publishing step (NULL: none), and
 * `decided` what the calendar writer decided for each current event
 * (Cv_ics_student_write()): the REQUEST carries the events decided new or
 * changed, the CANCEL the previous events the current calendar lacks.  No
 * event is compared again.  Returns as cv_itip_build().
 */
int Cv_itip_build_decided(cv_itip_mail *out, const cv_itip_recipient *to, const char *current,
			  size_t current_len, const cv_ics_history *prev,
			  const Cv_ics_outcomes *decided, const cv_itip_options *options,
			  cv_errors *errs);

/*
 * The highest SEQUENCE the ledger records for `uid`: 0 with *out set, or
 * CV_ENOTFOUND when it records none (or ledger is NULL).  For tests: the
 * API's view is cv_itip_ledger_next().
 */
int Cv_itip_ledger_get(int *out, const cv_itip_ledger *ledger, const char *uid);

/* Record that `sequence` was sent for `uid` (a lower one than recorded is
 * ignored): what cv_itip_build() does with a ledger.  Returns 0 or CV_ENOMEM. */
int Cv_itip_ledger_note(cv_itip_ledger *ledger, const char *uid, int sequence);

#endif
