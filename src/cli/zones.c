/* zones.c - `convene zones [PATTERN]`: list matching names or resolve one. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

typedef struct match {
	const char *pattern;
	size_t found;
} match;

static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i, j;
	for (i = 0; hay[i]; i++) {
		for (j = 0; j < n && hay[i + j] &&
			    tolower((unsigned char)hay[i + j]) == tolower((unsigned char)needle[j]);
		     j++)
			;
		if (j == n)
			return 1;
	}
	return n == 0;
}

static int print_match(const char *name, void *ctx)
{
	match *m = ctx;
	if (!m->pattern || contains_nocase(name, m->pattern)) {
		puts(name);
		m->found++;
	}
	return 0;
}

static void format_offset(char *buf, size_t size, int32_t off)
{
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, size, "%c%02d:%02d", sign, off / 3600, off / 60 % 60);
}

int cli_zones(const char *pattern)
{
	const cv_zone *z;
	char hint[CV_ZONE_HINT_MAX] = "";
	match m = {pattern, 0};

	if (pattern && cv_zone_lookup(&z, pattern, hint, sizeof(hint)) == CV_OK) {
		int64_t now = (int64_t)time(NULL);
		cv_transition t;
		char off[16], when[32];
		format_offset(off, sizeof(off), cv_zone_offset(z, now));
		printf("%s\t%s", cv_zone_name(z), off);
		if (cv_zone_transitions(&t, 1, z, now, now + 50LL * 366 * CV_DAY_SECONDS)) {
			char after[16];
			cv_instant_format(when, sizeof(when), t.at);
			format_offset(after, sizeof(after), t.offset_after);
			printf("\tnext change %s to %s", when, after);
		} else {
			printf("\tno change ahead");
		}
		printf("\t(tzdata %s)\n", cv_tz_version());
		return 0;
	}
	cv_tz_foreach_name(print_match, &m);
	if (m.found)
		return 0;
	fprintf(stderr, "convene: no zone matches \"%s\"%s%s\n", pattern ? pattern : "",
		hint[0] ? ": " : "", hint);
	return cv_exit_code(CV_EDATA);
}
