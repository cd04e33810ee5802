/*
 * icudump - ICU's own time-zone answers next to convene's, for the ICU guard
 * (icu_guard.py): DESIGN.md says ICU's built-in tzdata (2022e on Debian 12)
 * is never used for an offset, and the guard finds, at run time, the zones
 * where ICU is wrong and checks that convene is right in each of them, also
 * through the two paths that touch ICU: Windows names and calendar files.
 *
 * Queries on stdin, one per line (instants and wall times in seconds):
 *   version            ICU's tzdata version (ucal_getTZDataVersion)
 *   icu NAME T...      ICU's offsets (zone + DST) at instants T..., or
 *                      "unknown" when ICU does not have zone NAME
 *   win NAME T...      "WINDOWS|CANONICAL|OFFSET..." : NAME's Windows name
 *                      (ICU's mapping), resolved by cv_zone_lookup(), and
 *                      convene's offsets for it; "none" without a mapping
 *   cal NAME W...      a calendar with one 1-minute VEVENT at each wall time
 *                      W... with TZID=NAME, read by cv_calin_parse(): the UTC
 *                      starts of its busy intervals, sorted
 * NAME must not contain blanks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "convene.h"

#define LINE_MAX_LEN (1 << 20)
#define NAME_LEN 128

static int64_t next_int(char **p, int *ok)
{
	char *end;
	long long v;

	while (**p == ' ')
		(*p)++;
	v = strtoll(*p, &end, 10);
	*ok = end != *p;
	*p = end;
	return v;
}

static void icu_offsets(const char *name, char *p)
{
	UChar id[NAME_LEN], canon[NAME_LEN];
	UErrorCode st = U_ZERO_ERROR;
	UBool system = 0;
	UCalendar *cal;
	const char *sep = "";
	int ok;

	u_uastrncpy(id, name, NAME_LEN - 1);
	id[NAME_LEN - 1] = 0;
	ucal_getCanonicalTimeZoneID(id, -1, canon, NAME_LEN, &system, &st);
	if (U_FAILURE(st) || !system) {
		printf("unknown");
		return;
	}
	cal = ucal_open(id, -1, "en_US", UCAL_GREGORIAN, &st);
	if (U_FAILURE(st)) {
		printf("unknown");
		return;
	}
	for (;;) {
		int64_t t = next_int(&p, &ok);
		int32_t off;
		if (!ok)
			break;
		st = U_ZERO_ERROR;
		ucal_setMillis(cal, (UDate)t * 1000.0, &st);
		off = ucal_get(cal, UCAL_ZONE_OFFSET, &st) + ucal_get(cal, UCAL_DST_OFFSET, &st);
		printf("%s%d", sep, U_FAILURE(st) ? 99999999 : (int)(off / 1000));
		sep = " ";
	}
	ucal_close(cal);
}

static void windows_offsets(const char *name, char *p)
{
	UChar id[NAME_LEN], win[NAME_LEN];
	UErrorCode st = U_ZERO_ERROR;
	char wname[NAME_LEN], hint[CV_ZONE_HINT_MAX];
	const cv_zone *z;
	int32_t n;
	int ok;

	u_uastrncpy(id, name, NAME_LEN - 1);
	id[NAME_LEN - 1] = 0;
	n = ucal_getWindowsTimeZoneID(id, -1, win, NAME_LEN, &st);
	if (U_FAILURE(st) || n <= 0 || n >= NAME_LEN) {
		printf("none");
		return;
	}
	u_austrncpy(wname, win, n);
	wname[n] = '\0';
	if (cv_zone_lookup(&z, wname, hint, sizeof(hint))) {
		printf("%s|error %s|", wname, hint);
		return;
	}
	printf("%s|%s|", wname, cv_zone_name(z));
	for (const char *sep = "";; sep = " ") {
		int64_t t = next_int(&p, &ok);
		if (!ok)
			break;
		printf("%s%d", sep, (int)cv_zone_offset(z, t));
	}
}

static void calendar_starts(const char *name, char *p)
{
	static char ics[LINE_MAX_LEN];
	size_t len, i, n = 0;
	const cv_zone *utc;
	const cv_interval *busy;
	cv_calin *c = NULL;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	int ok, k = 0, rc;

	len = (size_t)snprintf(ics, sizeof(ics),
			       "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//icudump//EN\r\n");
	for (;;) {
		int64_t w = next_int(&p, &ok);
		int y;
		unsigned mo, d;
		int64_t s;
		if (!ok || len > sizeof(ics) - 512)
			break;
		cv_civil_from_days(&y, &mo, &d, cv_day_of(w));
		s = w - (int64_t)cv_day_of(w) * CV_DAY_SECONDS;
		len += (size_t)snprintf(ics + len, sizeof(ics) - len,
					"BEGIN:VEVENT\r\nUID:e%d@icudump\r\nDTSTAMP:20260101T000000Z\r\n"
					"DTSTART;TZID=%s:%04d%02u%02uT%02d%02d%02d\r\nDURATION:PT1M\r\n"
					"END:VEVENT\r\n", k++, name, y, mo, d, (int)(s / 3600),
					(int)(s / 60 % 60), (int)(s % 60));
		if (w < lo)
			lo = w;
		if (w > hi)
			hi = w;
	}
	len += (size_t)snprintf(ics + len, sizeof(ics) - len, "END:VCALENDAR\r\n");
	if (!k || cv_zone_lookup(&utc, "UTC", NULL, 0)) {
		printf("error no wall times");
		return;
	}
	rc = cv_calin_parse(&c, ics, len, "icudump.ics", utc, lo - 2 * CV_DAY_SECONDS,
			    hi + 2 * CV_DAY_SECONDS, NULL);
	if (rc) {
		printf("error %s", cv_strerror(rc));
		return;
	}
	busy = cv_calin_busy(c, &n);
	for (i = 0; i < n; i++)
		printf("%s%" PRId64, i ? " " : "", busy[i].start);
	cv_calin_free(c);
}

int main(void)
{
	static char line[LINE_MAX_LEN];

	while (fgets(line, sizeof(line), stdin)) {
		char cmd[16], name[NAME_LEN];
		int used = 0;

		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "version")) {
			UErrorCode st = U_ZERO_ERROR;
			const char *v = ucal_getTZDataVersion(&st);
			printf("%s\n", U_SUCCESS(st) && v ? v : "unknown");
			continue;
		}
		if (sscanf(line, "%15s %127s%n", cmd, name, &used) != 2) {
			printf("error bad query\n");
			continue;
		}
		if (!strcmp(cmd, "icu"))
			icu_offsets(name, line + used);
		else if (!strcmp(cmd, "win"))
			windows_offsets(name, line + used);
		else if (!strcmp(cmd, "cal"))
			calendar_starts(name, line + used);
		else
			printf("error bad query");
		printf("\n");
	}
	cv_tz_cleanup();
	return 0;
}
