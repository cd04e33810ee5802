/*
 * roster_write.c - a roster back into the CSV format the roster reader
 * reads (convene responses export): nothing convene collects is locked in.
 */
#include <stdio.h>
#include <string.h>

#include "convene/roster.h"

/* RFC 4180: quoted when it holds a comma, a quote or a line break, or when
 * the reader would trim blanks off its ends. */
static void put_field(FILE *f, const char *s, int last)
{
	size_t n = strlen(s);
	int quote = strpbrk(s, ",\"\r\n") != NULL ||
		    (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'));

	if (quote) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static void put_windows(FILE *f, const cv_avail *a, int preferred)
{
	char buf[CV_ROSTER_FIELD_MAX];
	size_t n = 0;
	const cv_window *w = cv_avail_windows(a, &n, preferred);

	cv_windows_format(buf, sizeof(buf), w, n);
	put_field(f, buf, 0);
}

int cv_roster_write_csv(FILE *f, const cv_roster *roster)
{
	size_t i;

	fputs("id,name,email,timezone,available,preferred,unavailable,locale,weight\r\n", f);
	for (i = 0; i < roster->count; i++) {
		const cv_student *st = &roster->students[i];
		char buf[CV_ROSTER_FIELD_MAX];
		const cv_daterange *away;
		size_t naway = 0;

		put_field(f, st->id, 0);
		put_field(f, st->name, 0);
		put_field(f, st->email, 0);
		put_field(f, cv_zone_name(st->zone), 0);
		put_windows(f, st->avail, 0);
		put_windows(f, st->avail, 1);
		away = cv_avail_away(st->avail, &naway);
		cv_dates_format(buf, sizeof(buf), away, naway);
		put_field(f, buf, 0);
		put_field(f, st->locale, 0);
		snprintf(buf, sizeof(buf), "%u", st->weight);
		put_field(f, buf, 1);
	}
	return ferror(f) ? CV_EIO : CV_OK;
}
