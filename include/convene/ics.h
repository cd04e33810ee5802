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

typedef struct cv_ics_options {
	int64_t dtstamp;  /* UTC instant written as DTSTAMP (SOURCE_DATE_EPOCH or now) */
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
