/* zones.c - `convene zones [PATTERN]`: list matching names or resolve one. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* Far enough ahead to find the next change of any zone that still has one. */
#define LOOK_AHEAD (50LL * 366 * CV_DAY_SECONDS)

typedef struct match {
	const char *pattern;
	int64_t now;
	size_t found;
	int rc;
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

static void format_offset(char *buf, size_t size, int32_t off)
{
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, size, "%c%02d:%02d", sign, off / 3600, off / 60 % 60);
}

/* "Asia/Calcutta -> Asia/Kolkata", or the name alone when it is canonical. */
static void print_name(const char *name, const cv_zone *z)
{
	if (strcmp(name, cv_zone_name(z)))
		printf("%s -> %s", name, cv_zone_name(z));
	else
		printf("%s", name);
}

/* One listing line: the name, its canonical name if it is a link, the current offset. */
static int print_match(const char *name, void *ctx)
{
	match *m = ctx;
	const cv_zone *z;
	char off[16], hint[CV_ZONE_HINT_MAX];
	int rc;

	if (m->pattern && !contains_nocase(name, m->pattern))
		return 0;
	/* Every listed name resolves unless memory runs out or its TZif file is broken. */
	if ((rc = cv_zone_lookup(&z, name, hint, sizeof(hint)))) {
		if (rc != CV_EDATA) {
			m->rc = rc;
			return rc;
		}
		printf("%s	?	(%s)\n", name, hint);
		m->found++;
		return 0;
	}
	format_offset(off, sizeof(off), cv_zone_offset(z, m->now));
	print_name(name, z);
	printf("\t%s\n", off);
	m->found++;
	return 0;
}

/* An exact name: canonical name, current offset, next change (instant and new offset). */
static void resolve(const char *pattern, const cv_zone *z, int64_t now)
{
	cv_transition t;
	char off[16], when[32], name[CV_ZONE_HINT_MAX];
	size_t len;

	/* Show the name as the user wrote it, without surrounding blanks. */
	while (isspace((unsigned char)*pattern))
		pattern++;
	len = strlen(pattern);
	while (len && isspace((unsigned char)pattern[len - 1]))
		len--;
	snprintf(name, sizeof(name), "%.*s", (int)len, pattern);
	format_offset(off, sizeof(off), cv_zone_offset(z, now));
	print_name(name, z);
	printf("\t%s", off);
	if (cv_zone_transitions(&t, 1, z, now + 1, now + LOOK_AHEAD)) {
		char after[16];
		cv_instant_format(when, sizeof(when), t.at);
		format_offset(after, sizeof(after), t.offset_after);
		printf("\tnext change %s to %s", when, after);
	} else {
		printf("\tno change ahead");
	}
	printf("\t(tzdata %s)\n", cv_tz_version());
}

int cli_zones(const char *pattern)
{
	const cv_zone *z;
	char hint[CV_ZONE_HINT_MAX] = "";
	match m = {pattern, (int64_t)time(NULL), 0, 0};
	int rc;

	if (pattern) {
		rc = cv_zone_lookup(&z, pattern, hint, sizeof(hint));
		if (rc == CV_OK) {
			resolve(pattern, z, m.now);
			return 0;
		}
		if (rc != CV_EDATA) {
			fprintf(stderr, "convene: %s\n", cv_strerror(rc));
			return cv_exit_code(rc);
		}
		/*
		 * A name refused by design is answered with the refusal, not a
		 * substring listing: "EST" would list America/Creston and
		 * "GMT+5" Etc/GMT+5 (UTC-05:00), which look like answers and
		 * are not what the writer meant.
		 */
		if (cv_zone_refused(pattern, hint, sizeof(hint))) {
			fprintf(stderr, "convene: %s\n", hint);
			return cv_exit_code(CV_EDATA);
		}
	}
	rc = cv_tz_foreach_name(print_match, &m);
	if (rc || m.rc) {
		fprintf(stderr, "convene: %s\n", cv_strerror(rc ? rc : m.rc));
		return cv_exit_code(rc ? rc : m.rc);
	}
	if (m.found)
		return 0;
	fprintf(stderr, "convene: no zone matches \"%s\"%s%s\n", pattern ? pattern : "",
		hint[0] ? ": " : "", hint);
	return cv_exit_code(CV_EDATA);
}
