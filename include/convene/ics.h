/*
 * convene/ics.h - writing iCalendar (RFC 5545) files for a plan.
 *
 * Shapes follow what calendar clients do (DESIGN.md "Outputs"): every
 * reminder that matters is its own VEVENT, with a VALARM as well; TZIDs are
 * bare IANA names with a VTIMEZONE truncated to the term; UIDs are
 * deterministic.
 */
#ifndef CONVENE_ICS_H
#define CONVENE_ICS_H

#include <stddef.h>
#include <stdint.h>
#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The events of a previously published calendar (UID, SEQUENCE, DTSTAMP,
 * LAST-MODIFIED and a fingerprint of the content), so that a regeneration
 * revises only the events that changed.
 */
typedef struct cv_ics_history cv_ics_history;

/* Largest previous calendar cv_ics_history_new() reads. */
#define CV_ICS_HISTORY_MAX ((size_t)64 << 20)

/*
 * Read the previously published calendar text[0..len).  Returns 0 with *out
 * set (caller frees with cv_ics_history_free()), CV_EDATA when the text is
 * not an iCalendar object or longer than CV_ICS_HISTORY_MAX (publish then
 * treats every event as new), or CV_ENOMEM.
 */
int cv_ics_history_new(cv_ics_history **out, const char *text, size_t len);
void cv_ics_history_free(cv_ics_history *history);
/* How many events with a UID the previous calendar had (0 for NULL). */
size_t cv_ics_history_events(const cv_ics_history *history);

/* What cv_ics_instructor()/cv_ics_student() found against the history. */
typedef struct cv_ics_changes {
	size_t added, changed, unchanged; /* events of the new calendar */
	size_t removed;                   /* events of the history the new calendar lacks */
} cv_ics_changes;

typedef struct cv_ics_options {
	int64_t dtstamp;  /* UTC instant written as DTSTAMP (SOURCE_DATE_EPOCH or now) */
	const cv_ics_history *prior; /* NULL, or the calendar this one replaces (borrowed):
				      * an event whose content is unchanged keeps its
				      * SEQUENCE, DTSTAMP and LAST-MODIFIED; a changed one
				      * gets SEQUENCE + 1 and dtstamp, or one second past
				      * its previous stamp when dtstamp is not later (stamps
				      * never go back); a new one 0 */
	cv_ics_changes *changes; /* NULL, or filled with what changed (owned by the caller) */
	int (*sequence_floor)(void *ctx, const char *uid);
				 /* NULL, or the lowest SEQUENCE a new or changed event
				  * with this UID may have: for one that was published,
				  * cancelled and is back, one above what was sent
				  * (cv_itip_ledger_next()) */
	void *sequence_ctx;      /* passed to sequence_floor (borrowed) */
} cv_ics_options;

/*
 * The instructor's calendar: one weekly VEVENT per session (UID
 * "<course>-s<N>@<domain>") whose RRULE and EXDATEs expand to exactly the
 * session's occurrences.  Returns 0 with *out a malloc'd NUL-terminated
 * text of *len bytes (caller frees with free()), or CV_ENOMEM.
 */
int cv_ics_instructor(char **out, size_t *len, const cv_plan *plan, const cv_ics_options *options);

/*
 * The calendar of plan->students[student]: a VEVENT per live occurrence,
 * and a "Watch the recording" and a "Due" VEVENT per missed one (UIDs
 * "<course>-s<N>-<student>-<YYYYMMDD>-live|rec|due@<domain>", the date
 * being the occurrence's home date).  Same contract as cv_ics_instructor(),
 * and CV_EDATA when `student` is out of range.
 */
int cv_ics_student(char **out, size_t *len, const cv_plan *plan, size_t student,
		   const cv_ics_options *options);

#ifdef __cplusplus
}
#endif
#endif
