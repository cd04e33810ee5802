/*
 * tzdump - print convene's time-zone answers, one line per query, for the
 * oracle sweep (sweep.py) to compare with zdump and Python's zoneinfo.
 *
 * Queries on stdin, one per line (instants and wall times in seconds):
 *   names                  every name cv_tz_foreach_name lists, one per line, then "."
 *   version                cv_tz_version() and cv_tz_version_year()
 *   libical                the libical version tzdump was built with
 *   l NAME                 "ok CANONICAL" or "refused HINT"
 *   o NAME T...            the offsets at instants T...
 *   u NAME W...            the UTC instants of wall times W... (RFC 5545)
 *   w NAME T...            the wall times of instants T...
 *   t NAME FROM TO         "COUNT AT:BEFORE:AFTER ..." for FROM <= at < TO
 *   a NAME FROM TO WINDOWS the availability of a person in NAME with weekly
 *                          WINDOWS (the rest of the line, availability
 *                          language) within [FROM, TO): cv_avail_intervals()
 *                          as "COUNT START:END ..."
 *   i NAME T...            libical's offsets at instants T... for NAME's canonical
 *                          zone (icaltimezone_get_builtin_timezone and
 *                          icaltimezone_get_utc_offset_of_utc_time), or "none"
 *                          when libical has no such zone: measured, not used
 *                          by convene (see src/tz_tzif.c)
 * NAME must not contain blanks (Windows names are tested in tests/test_tz.c).
 * An unknown NAME answers "error HINT".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "convene.h"

#define LINE_MAX_LEN 65536

static int print_name(const char *name, void *ctx)
{
	(void)ctx;
	printf("%s\n", name);
	return 0;
}

static int64_t next_int(char **p, int *ok)
{
	char *end;
	long long v;

	while (**p == ' ')
		(*p)++;
	if (!**p || **p == '\n') {
		*ok = 0;
		return 0;
	}
	v = strtoll(*p, &end, 10);
	if (end == *p) {
		*ok = 0;
		return 0;
	}
	*p = end;
	*ok = 1;
	return v;
}

int main(void)
{
	static char line[LINE_MAX_LEN];
	char hint[CV_ZONE_HINT_MAX];

	while (fgets(line, sizeof(line), stdin)) {
		char cmd[16], name[256], *p;
		const cv_zone *z;
		int used = 0, ok;

		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "names")) {
			cv_tz_foreach_name(print_name, NULL);
			printf(".\n");
			continue;
		}
		if (!strcmp(line, "version")) {
			printf("%s %d\n", cv_tz_version(), cv_tz_version_year());
			continue;
		}
		if (!strcmp(line, "libical")) {
			printf("%d.%d.%d\n", ICAL_MAJOR_VERSION, ICAL_MINOR_VERSION, ICAL_PATCH_VERSION);
			continue;
		}
		if (sscanf(line, "%15s %255s%n", cmd, name, &used) != 2) {
			printf("error bad query\n");
			continue;
		}
		p = line + used;
		if (cv_zone_lookup(&z, name, hint, sizeof(hint))) {
			printf("%s %s\n", cmd[0] == 'l' ? "refused" : "error", hint);
			continue;
		}
		switch (cmd[0]) {
		case 'l':
			printf("ok %s", cv_zone_name(z));
			break;
		case 'o':
		case 'u':
		case 'w': {
			const char *sep = "";
			for (;;) {
				int64_t v = next_int(&p, &ok), r;
				if (!ok)
					break;
				if (cmd[0] == 'o')
					r = cv_zone_offset(z, v);
				else if (cmd[0] == 'u')
					r = cv_zone_to_utc(z, v);
				else
					r = cv_zone_to_wall(z, v);
				printf("%s%" PRId64, sep, r);
				sep = " ";
			}
			break;
		}
		case 'i': {
			icaltimezone *iz = icaltimezone_get_builtin_timezone(cv_zone_name(z));
			const char *sep = "";
			if (!iz) {
				printf("none");
				break;
			}
			for (;;) {
				int64_t v = next_int(&p, &ok);
				struct icaltimetype tt;
				int dst = 0;
				if (!ok)
					break;
				tt = icaltime_from_timet_with_zone((time_t)v, 0, icaltimezone_get_utc_timezone());
				printf("%s%d", sep, icaltimezone_get_utc_offset_of_utc_time(iz, &tt, &dst));
				sep = " ";
			}
			break;
		}
		case 'a': {
			int64_t from = next_int(&p, &ok), to = ok ? next_int(&p, &ok) : 0;
			cv_window *w = NULL;
			cv_avail *av = NULL;
			cv_interval *iv = NULL;
			size_t nw = 0, n = 0, i;
			int rc;
			if (!ok) {
				printf("error bad query");
				break;
			}
			while (*p == ' ')
				p++;
			rc = cv_windows_parse(&w, &nw, p, NULL, NULL);
			if (!rc)
				rc = cv_avail_new(&av, z);
			if (!rc)
				rc = cv_avail_add_windows(av, w, nw, 0);
			if (!rc)
				rc = cv_avail_intervals(&iv, &n, av, from, to, 0);
			if (rc) {
				printf("error %s", cv_strerror(rc));
			} else {
				printf("%zu", n);
				for (i = 0; i < n; i++)
					printf(" %" PRId64 ":%" PRId64, iv[i].start, iv[i].end);
			}
			free(iv);
			cv_avail_free(av);
			free(w);
			break;
		}
		case 't': {
			int64_t from = next_int(&p, &ok), to = ok ? next_int(&p, &ok) : 0;
			size_t n, i;
			cv_transition *tr;
			if (!ok) {
				printf("error bad query");
				break;
			}
			n = cv_zone_transitions(NULL, 0, z, from, to);
			tr = calloc(n ? n : 1, sizeof(*tr));
			if (!tr) {
				printf("error out of memory");
				break;
			}
			if (cv_zone_transitions(tr, n, z, from, to) != n)
				printf("error count changed between calls");
			else
				printf("%zu", n);
			for (i = 0; i < n; i++)
				printf(" %" PRId64 ":%d:%d", tr[i].at, (int)tr[i].offset_before,
				       (int)tr[i].offset_after);
			free(tr);
			break;
		}
		default:
			printf("error bad query");
		}
		printf("\n");
	}
	cv_tz_cleanup();
	return 0;
}
