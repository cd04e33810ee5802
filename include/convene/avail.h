/*
 * convene/avail.h - one person's availability and the availability
 * mini-language.
 *
 * Weekly windows are wall-clock times in the person's own zone on each
 * local date (DESIGN.md, time rule 4): "Mon-Fri 18:00-22:00; Sun 22:00-01:00"
 * (a window whose end is not after its start ends the next day; 24:00 is
 * the next midnight).  Unavailable dates remove whole local days.  Busy
 * intervals (from calendars) are subtracted.  The result is a sorted list
 * of disjoint UTC intervals, adjacent ones joined.
 */
#ifndef CONVENE_AVAIL_H
#define CONVENE_AVAIL_H

#include <stddef.h>
#include <stdint.h>
#include "civil.h"
#include "error.h"
#include "tz.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One weekly window. */
typedef struct cv_window {
	uint8_t days;   /* bit d set: the window starts on weekday d (0 = Monday) */
	uint16_t start; /* minutes after local midnight, 0..1439 */
	uint16_t end;   /* 1..1440; end <= start means it ends the next day */
} cv_window;

/* A half-open UTC interval [start, end). */
typedef struct cv_interval {
	int64_t start;
	int64_t end;
} cv_interval;

/* Most windows one list may hold (a guard against absurd input). */
#define CV_WINDOWS_MAX 256

/*
 * Parse the availability mini-language:
 *   list    := entry (';' entry)*            (empty entries are ignored)
 *   entry   := days ' '+ times
 *   days    := item (',' item)*   item := Day | Day '-' Day   (wraps: Sun-Thu)
 *              or one of Daily, Weekdays, Weekends
 *   Day     := Mon Tue Wed Thu Fri Sat Sun (case-insensitive; full names too)
 *   times   := range (',' range)*   range := HH:MM '-' HH:MM  (24:00 allowed as end)
 * Blanks (spaces, tabs, line breaks) may surround '-' and ','; an hour may
 * have one digit ("9:00").  Each bad entry is reported, at the byte column
 * of its bad token (where->column + offset), with a suggestion where one
 * exists ("unknown day "Tues"; did you mean Tue?").
 * Returns 0 with *out malloc'd (caller frees; NULL when *n == 0), or
 * CV_EDATA with each problem recorded at its column, or CV_ENOMEM.
 */
int cv_windows_parse(cv_window **out, size_t *n, const char *text,
		     const cv_where *where, cv_errors *errs);

/*
 * 1 if text[0..len) starts, after blanks, with a day word of the language
 * (Mon, tuesday, Daily, ...) followed by a blank, '-' or ',': the start of
 * another window entry.  The course reader uses it to tell "; Sat 10:00-12:00"
 * (more windows) from "; when I can teach" (a comment).
 */
int cv_windows_entry_follows(const char *text, size_t len);

/* Format windows back into the mini-language (for reports); buf is always NUL-terminated. */
void cv_windows_format(char *buf, size_t size, const cv_window *w, size_t n);

/* A person's availability; build it, then ask for intervals. */
typedef struct cv_avail cv_avail;

/* Create availability in `zone` (borrowed).  Caller frees with cv_avail_free(). */
int cv_avail_new(cv_avail **out, const cv_zone *zone);
void cv_avail_free(cv_avail *a);

/*
 * Add weekly windows (copied).  `preferred` selects the preferred list.
 * Returns 0, CV_ENOMEM, or CV_EDATA for a window outside the ranges above.
 */
int cv_avail_add_windows(cv_avail *a, const cv_window *w, size_t n, int preferred);
/* Add away dates (local days of the person's zone; copied). */
int cv_avail_add_away(cv_avail *a, const cv_daterange *r, size_t n);
/* Add busy UTC intervals (copied); they are subtracted from the windows. */
int cv_avail_add_busy(cv_avail *a, const cv_interval *iv, size_t n);

const cv_zone *cv_avail_zone(const cv_avail *a);
/* Borrowed views, valid until the next add or free; away dates and busy
 * intervals come back sorted and merged (adjacent busy intervals joined). */
const cv_window *cv_avail_windows(const cv_avail *a, size_t *n, int preferred);
const cv_daterange *cv_avail_away(const cv_avail *a, size_t *n);
const cv_interval *cv_avail_busy(const cv_avail *a, size_t *n);

/*
 * The person's availability (or preferred availability) within the UTC
 * range [from, to) as sorted, disjoint, non-adjacent intervals.  Returns 0
 * with *out malloc'd (caller frees; NULL when *n == 0) or CV_ENOMEM.
 */
int cv_avail_intervals(cv_interval **out, size_t *n, const cv_avail *a,
		       int64_t from, int64_t to, int preferred);

/* 1 if [start, end) lies wholly inside one of the sorted intervals. */
int cv_intervals_cover(const cv_interval *iv, size_t n, int64_t start, int64_t end);

/* 1 if the person's local date at UTC instant `instant` is an away date. */
int cv_avail_is_away(const cv_avail *a, int64_t instant);
/* 1 if [start, end) overlaps a busy interval. */
int cv_avail_is_busy(const cv_avail *a, int64_t start, int64_t end);

#ifdef __cplusplus
}
#endif
#endif
