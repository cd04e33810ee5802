/*
 * convene/civil.h - proleptic Gregorian calendar arithmetic and the small
 * scalar syntaxes every input file shares (dates, clock times, durations).
 *
 * Days are counted from 1970-01-01 (day 0) with no time zone attached; a
 * "wall" time is seconds since 1970-01-01T00:00 on some zone's local clock,
 * and an "instant" is seconds since the Unix epoch in UTC.  Only tz.h turns
 * one into the other.
 */
#ifndef CONVENE_CIVIL_H
#define CONVENE_CIVIL_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Named so that no literal 60, 1440 or 3600 needs a comment. */
#define CV_MINUTE_SECONDS 60
#define CV_HOUR_MINUTES 60
#define CV_HOUR_SECONDS 3600
#define CV_DAY_HOURS 24
#define CV_DAY_MINUTES 1440
#define CV_DAY_SECONDS 86400
#define CV_WEEK_DAYS 7
#define CV_WEEK_MINUTES (CV_WEEK_DAYS * CV_DAY_MINUTES)
#define CV_WEEK_SECONDS (CV_WEEK_DAYS * CV_DAY_SECONDS)

typedef struct cv_daterange {
	int32_t first; /* day number, inclusive */
	int32_t last;  /* day number, inclusive; >= first */
} cv_daterange;

/* Day number of a civil date (month 1-12, day 1-31; not validated). */
int32_t cv_days_from_civil(int year, unsigned month, unsigned day);
/* Civil date of a day number. */
void cv_civil_from_days(int *year, unsigned *month, unsigned *day, int32_t days);
/* Day of the week: 0 = Monday ... 6 = Sunday. */
unsigned cv_weekday(int32_t days);
/* "Mon".."Sun" for 0..6 (static string). */
const char *cv_weekday_name(unsigned weekday);
/* Day number of a wall or UTC time (floor division, correct before 1970). */
int32_t cv_day_of(int64_t seconds);

/*
 * Parse "YYYY-MM-DD" at the start of `text`, validating month and day.
 * On success stores the day number in *out, the number of bytes read in
 * *used (may be NULL) and returns 0; otherwise returns CV_EDATA and
 * records the problem at `where` (errs may be NULL).
 */
int cv_date_parse(int32_t *out, const char *text, size_t *used,
		  const cv_where *where, unsigned col, cv_errors *errs);

/*
 * Parse a list of dates and inclusive ranges "2027-03-01..2027-03-05"
 * separated by ';' or ','.  Empty text is an empty list.  Ranges come out
 * sorted and merged.  Returns 0 with *out malloc'd (caller frees; NULL when
 * *n is 0), or CV_EDATA/CV_ENOMEM with the problem recorded.
 */
int cv_dates_parse(cv_daterange **out, size_t *n, const char *text,
		   const cv_where *where, cv_errors *errs);
/* 1 if `day` lies in one of the sorted, merged ranges, else 0. */
int cv_dates_contain(const cv_daterange *ranges, size_t n, int32_t day);

/*
 * Parse a duration "90m", "2h", "1h30m", "3d", "45" (minutes) into *out,
 * in minutes.  Returns 0, or CV_EDATA with the problem recorded.
 */
int cv_duration_parse(unsigned *out, const char *text,
		      const cv_where *where, cv_errors *errs);

/* Format a day number as "YYYY-MM-DD" into buf (at least 11 bytes). */
void cv_date_format(char *buf, size_t size, int32_t days);
/*
 * Format sorted ranges as cv_dates_parse() reads them ("2027-02-14;
 * 2027-03-01..2027-03-05") into buf, always NUL-terminated; text that does
 * not fit is cut at a whole range.
 */
void cv_dates_format(char *buf, size_t size, const cv_daterange *r, size_t n);
/* Format a UTC instant as RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" (buf >= 21 bytes). */
void cv_instant_format(char *buf, size_t size, int64_t instant);

#ifdef __cplusplus
}
#endif
#endif
