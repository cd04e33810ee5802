/*
 * convene/calin.h - a student's availability from an iCalendar file
 * (calendars/<student-id>.ics, see DESIGN.md "Inputs").
 *
 * What the file says, over the course term only (a span the caller gives,
 * usually the term plus two days each side):
 *
 *  - VAVAILABILITY (RFC 7953) gives the windows.  Its AVAILABLE blocks
 *    (DTSTART with DTEND or DURATION, RRULE, RDATE, EXDATE, RECURRENCE-ID
 *    overrides with the same UID) are the available time; the
 *    VAVAILABILITY's own DTSTART/DTEND (or DURATION) bound its range (none:
 *    the whole span).  Inside the range, time outside the AVAILABLE blocks
 *    is busy (its BUSYTYPE; every BUSYTYPE counts as busy here).  PRIORITY
 *    is honoured as RFC 7953 says: where ranges overlap, the component with
 *    the highest priority (1 highest ... 9, then 0 = undefined, lowest)
 *    decides; components of the same priority combine, their available
 *    time is the union.
 *  - VFREEBUSY: FREEBUSY periods with FBTYPE BUSY (the default),
 *    BUSY-UNAVAILABLE or BUSY-TENTATIVE are busy; FREE periods are not.
 *  - VEVENT: every instance is busy unless the event is TRANSP:TRANSPARENT
 *    or STATUS:CANCELLED.  RRULE, RDATE, EXDATE and RECURRENCE-ID overrides
 *    (an override replaces the instance of the same UID whose original start
 *    it names; a cancelled or transparent override frees it; RANGE=
 *    THISANDFUTURE is read as that one instance).  An all-day (DATE) event
 *    makes whole local days of the student's zone busy.
 *
 * Combining with the roster (cv_calin_apply()): when the roster gives
 * `available`, those weekly windows stay the windows and everything busy
 * above is subtracted from them, including the busy time inside a
 * VAVAILABILITY range; so a student who gives both is available only where
 * both say so (outside every VAVAILABILITY range, `available` alone).  When
 * the roster gives no `available`, the VAVAILABILITY's available time is the
 * only available time (nothing outside its ranges), minus the busy events;
 * a file without a VAVAILABILITY then gives no windows at all, which is an
 * error.  Unavailable dates still remove whole days.
 *
 * Time (DESIGN.md "Time"): a TZID is resolved by cv_zone_lookup() (IANA
 * names, backward links, Windows names from Outlook, and the
 * "/vendor/.../Area/City" prefixes some clients write); the file's VTIMEZONE
 * components are never used for offsets.  A value without TZID or 'Z' is
 * floating and is read in the student's zone; DATE values are local days of
 * the student's zone.  Recurrences are expanded in floating time (the
 * libical iterator never sees a zone, so it never reaches ICU) and each
 * local result is turned into UTC by cv_zone_to_utc(), which follows RFC 5545:
 * a wall time in a spring-forward gap takes the offset before the gap, one
 * in a fall-back overlap is the first instant.  An UNTIL in UTC is moved to
 * the DTSTART zone's wall clock first.  An instance's end: with DTEND in the
 * same zone as DTSTART, the same wall-clock length (a 09:00-10:00 meeting
 * stays 09:00-10:00 local across a clock change) or the first instance's
 * exact length, whichever ends later (they differ only for an instance that
 * spans a clock change; the later never understates busy time); with DTEND
 * in another zone, the same exact length; DURATION: days and weeks on the
 * wall clock, hours, minutes and seconds exact.
 *
 * Errors are reported as file:line:column through cv_errors: malformed
 * lines, unbalanced BEGIN/END, values libical cannot parse (a bad RRULE
 * among them), an unknown TZID, a missing DTSTART, DTEND before DTSTART, a
 * file with no VAVAILABILITY, VFREEBUSY or VEVENT, and the limits below.
 */
#ifndef CONVENE_CALIN_H
#define CONVENE_CALIN_H

#include <stddef.h>
#include <stdint.h>
#include "avail.h"
#include "course.h"
#include "error.h"
#include "roster.h"
#include "tz.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CV_CALIN_FILE_MAX ((size_t)4 << 20) /* bytes per calendar file */
#define CV_CALIN_LINE_MAX 65536             /* bytes per unfolded content line */
#define CV_CALIN_COMPONENTS_MAX 20000       /* components per file */
#define CV_CALIN_INSTANCES_MAX 200000       /* expanded instances per file, within the span */
#define CV_CALIN_STEPS_MAX 300000           /* recurrence steps per file (see below) */
/*
 * A recurrence step is one period of a rule's FREQ (a second for SECONDLY
 * ... a year for YEARLY, times INTERVAL) stepped through up to the end of
 * the span, or one instance yielded there; the steps of all rules of a
 * file count against CV_CALIN_STEPS_MAX, and a rule that could step past
 * it is refused before a step is taken (libical costs about 2 us a step,
 * so a file costs about a second at most).  Expansion never goes past
 * the span: a rule without COUNT starts at its last period before the
 * span, one without BY parts is computed rather than stepped, and one that
 * ends before the span costs nothing.
 */

/* What one calendar file says about one student, within a UTC span. */
typedef struct cv_calin cv_calin;

/*
 * Read calendar text (`len` bytes; need not be NUL-terminated) named `path`
 * in diagnostics.  `zone` (borrowed) is the student's zone, for floating
 * and DATE values; [from, to) is the UTC span that matters: instances
 * wholly outside it are dropped.  Returns 0 with *out set (caller frees
 * with cv_calin_free()), CV_EDATA with every problem found recorded in
 * `errs` (may be NULL), or CV_ENOMEM.
 */
int cv_calin_parse(cv_calin **out, const char *text, size_t len, const char *path,
		   const cv_zone *zone, int64_t from, int64_t to, cv_errors *errs);

/*
 * Read the calendar file `path` (at most CV_CALIN_FILE_MAX bytes) as
 * cv_calin_parse() does.  Returns CV_ENOINPUT when it cannot be read, else
 * as cv_calin_parse().
 */
int cv_calin_load(cv_calin **out, const char *path, const cv_zone *zone, int64_t from,
		  int64_t to, cv_errors *errs);

/* Free; NULL is a no-op. */
void cv_calin_free(cv_calin *c);

/*
 * Borrowed views (valid until cv_calin_free()), each sorted, disjoint and
 * with adjacent intervals joined, clipped to the span:
 *  - busy: VFREEBUSY and VEVENT busy time;
 *  - covered: the union of the VAVAILABILITY ranges;
 *  - available: the VAVAILABILITY available time (inside `covered`).
 * cv_calin_has_availability() is 1 when the file has a VAVAILABILITY.
 */
const cv_interval *cv_calin_busy(const cv_calin *c, size_t *n);
const cv_interval *cv_calin_covered(const cv_calin *c, size_t *n);
const cv_interval *cv_calin_available(const cv_calin *c, size_t *n);
int cv_calin_has_availability(const cv_calin *c);

/*
 * Apply a calendar to a student's availability `a` (see the top of this
 * file): with weekly windows in `a`, add (covered - available) and busy as
 * busy intervals; without, add the window "Daily 00:00-24:00" and make
 * everything but the available time busy, plus busy.  Returns 0,
 * CV_ENOMEM, or CV_EDATA (nothing changed) when `a` has no windows and the
 * calendar has no VAVAILABILITY.
 */
int cv_calin_apply(cv_avail *a, const cv_calin *c);

/*
 * The UTC span that matters for a course: its term in the home zone, two
 * days wider on each side.
 */
void cv_calin_span(int64_t *from, int64_t *to, const cv_course *course);

/*
 * Read course->calendars_dir/<id>.ics for every student of the roster that
 * has one and apply it (cv_calin_apply()).  Nothing to do when the course
 * has no calendars key.  Problems are recorded in `errs`: bad calendar files
 * (file:line:column), a student with neither `available` nor a
 * VAVAILABILITY (at the student's roster line), and, as warnings, .ics
 * files that name no student.  A calendars directory that does not exist
 * holds no calendars (no diagnostic: git keeps no empty directory).  Reading goes on after a bad file to report the rest.  Returns
 * 0, CV_EDATA (a calendar file that cannot be read counts, CV_ENOINPUT in
 * its diagnostic) or CV_ENOMEM.
 */
int cv_calin_apply_roster(cv_roster *roster, const cv_course *course, cv_errors *errs);

#ifdef __cplusplus
}
#endif
#endif
