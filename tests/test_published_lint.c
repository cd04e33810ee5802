/*
 * test_published_lint.c - every file `convene publish --itip` writes, read
 * back by libical: no X-LIC-ERROR anywhere (libical's parser marks what it
 * could not read with one) and RFC 5546's restrictions for the METHOD
 * (icalrestriction_check) hold, for the example course, the test fixtures
 * and a course in zones with awkward rules.  The calendar part of every
 * .eml is checked the same way.  The command is the one built beside this
 * test (BUILD/convene for BUILD/tests/test_published_lint), so this is the
 * command line's output, not a library call's.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libical/ical.h>

#include "testutil.h"

static char convene[4096];

typedef struct lint {
	size_t ics, eml; /* files checked */
	char bad[8448];  /* the first problem found, or "" (a path and a message) */
} lint;

static size_t count_errors(icalcomponent *c)
{
	size_t n = icalcomponent_count_properties(c, ICAL_XLICERROR_PROPERTY);
	icalcomponent *k;
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += count_errors(k);
	return n;
}

/* The first X-LIC-ERROR's text, for the failure message. */
static const char *first_error(icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	icalcomponent *k;
	if (p)
		return icalproperty_get_xlicerror(p);
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
		const char *e = first_error(k);
		if (e)
			return e;
	}
	return NULL;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (s = malloc((size_t)n + 1)) && fread(s, 1, (size_t)n, f) == (size_t)n) {
		s[n] = '\0';
		*len = (size_t)n;
	} else {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* Parse one calendar text; note the first problem in l->bad. */
static void check_calendar(lint *l, const char *what, const char *text)
{
	icalcomponent *cal = icalparser_parse_string(text);

	if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		if (!*l->bad)
			snprintf(l->bad, sizeof(l->bad), "%s: not a VCALENDAR", what);
	} else if (count_errors(cal)) {
		if (!*l->bad)
			snprintf(l->bad, sizeof(l->bad), "%s: X-LIC-ERROR %s", what, first_error(cal));
	} else if (icalrestriction_check(cal) != 1 || count_errors(cal)) {
		if (!*l->bad)
			snprintf(l->bad, sizeof(l->bad), "%s: restriction: %s", what,
				 first_error(cal) ? first_error(cal) : "?");
	}
	if (cal)
		icalcomponent_free(cal);
}

static int b64val(char c)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(a, c) : NULL;
	return p ? (int)(p - a) : -1;
}

/* The text/calendar part of a message (base64, as convene writes it); caller frees. */
static char *calendar_part(const char *msg)
{
	const char *p = strstr(msg, "Content-Type: text/calendar"), *body;
	char *out;
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;

	if (!p || !(body = strstr(p, "\r\n\r\n")))
		return NULL;
	out = malloc(strlen(body) + 1);
	if (!out)
		return NULL;
	for (body += 4; *body && *body != '-' && *body != '='; body++) {
		int v = b64val(*body);
		if (v < 0)
			continue; /* CR LF */
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

static void walk(lint *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		snprintf(l->bad, sizeof(l->bad), "%s: cannot open", dir);
		return;
	}
	while ((e = readdir(d))) {
		char path[8192], *text;
		size_t n = strlen(e->d_name), len;
		struct stat sb;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &sb))
			continue;
		if (S_ISDIR(sb.st_mode)) {
			walk(l, path);
			continue;
		}
		if (n > 4 && !strcmp(e->d_name + n - 4, ".ics") && (text = slurp(path, &len))) {
			check_calendar(l, path, text);
			l->ics++;
			free(text);
		} else if (n > 4 && !strcmp(e->d_name + n - 4, ".eml") && (text = slurp(path, &len))) {
			char *cal = calendar_part(text);
			if (!cal && !*l->bad)
				snprintf(l->bad, sizeof(l->bad), "%s: no text/calendar part", path);
			if (cal)
				check_calendar(l, path, cal);
			l->eml++;
			free(cal);
			free(text);
		}
	}
	closedir(d);
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[8192];
		struct stat sb;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!lstat(path, &sb) && S_ISDIR(sb.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Publish `course` with --itip into a fresh directory and lint every file;
 * at least `min_ics` calendars and `min_eml` messages must be there. */
static void lint_course(const char *course, size_t min_ics, size_t min_eml)
{
	char tmp[] = "/tmp/convene-lint-XXXXXX", cmd[12288];
	lint l;

	assert_non_null(mkdtemp(tmp));
	memset(&l, 0, sizeof(l));
	snprintf(cmd, sizeof(cmd),
		 "SOURCE_DATE_EPOCH=1800000000 '%s' publish '%s' --out '%s/out' --itip --quiet "
		 "2>/dev/null", convene, course, tmp);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/out", tmp);
	walk(&l, cmd);
	remove_tree(tmp);
	if (*l.bad)
		fail_msg("%s", l.bad);
	assert_true(l.ics >= min_ics);
	assert_true(l.eml >= min_eml);
}

/* The check itself: a value libical cannot read, and a PUBLISH event
 * without the ORGANIZER RFC 5546 requires, are both caught. */
static void test_lint_catches_parse_errors_and_restrictions(void **state)
{
	static const char head[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
				   "METHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:a@example.org\r\n"
				   "DTSTAMP:20270101T000000Z\r\n";
	char text[1024];
	lint l;
	(void)state;

	memset(&l, 0, sizeof(l));
	snprintf(text, sizeof(text), "%sORGANIZER:mailto:n@example.org\r\nDTSTART:notadate\r\n"
		 "SUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", head);
	check_calendar(&l, "bad value", text);
	assert_non_null(strstr(l.bad, "bad value: X-LIC-ERROR"));
	memset(&l, 0, sizeof(l));
	snprintf(text, sizeof(text), "%sDTSTART:20270112T140000Z\r\nSUMMARY:x\r\n"
		 "END:VEVENT\r\nEND:VCALENDAR\r\n", head);
	check_calendar(&l, "no organizer", text);
	assert_non_null(strstr(l.bad, "no organizer: restriction"));
	memset(&l, 0, sizeof(l));
	snprintf(text, sizeof(text), "%sORGANIZER:mailto:n@example.org\r\n"
		 "DTSTART:20270112T140000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", head);
	check_calendar(&l, "good", text);
	assert_string_equal(l.bad, "");
}

static void test_example_course_files_read_back_without_errors(void **state)
{
	(void)state;
	lint_course("examples/course.ini", 46, 45); /* the instructor and 45 students */
}

static void test_fixture_course_files_read_back_without_errors(void **state)
{
	(void)state;
	/* no e-mail addresses in these rosters */
	lint_course(TEST_DATA "small_course.ini", 2, 0);
	lint_course(TEST_DATA "cal/course.ini", 2, 0); /* availability from students' calendars */
}

/* Zones whose rules libical's own VTIMEZONEs get wrong, and a fall-back
 * overlap and odd offsets in every week (the it_ics.sh "hard" course). */
static void test_hard_zone_course_files_read_back_without_errors(void **state)
{
	static const char *const zones[] = {
		"Pacific/Easter", "America/Nuuk", "Australia/Lord_Howe", "Pacific/Chatham",
		"America/Santiago", "Europe/Dublin", "Africa/Casablanca", "Asia/Gaza",
		"America/St_Johns", "Asia/Kathmandu",
	};
	char dir[] = "/tmp/convene-hard-XXXXXX", path[256];
	FILE *f;
	size_t i;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/course.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[course]\nid = hard\ntitle = Hard zones\ntimezone = America/Nuuk\n"
	      "start = 2027-02-01\nend = 2027-11-30\nroster = students.csv\n"
	      "uid-domain = example.org\n[sessions]\nmode = sections\ncount = 2\n"
	      "duration = 60m\ngranularity = 60m\nwindow = Mon-Fri 00:00-24:00\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/students.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("id,name,email,timezone,available\n", f);
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		fprintf(f, "h%zu,Student %zu,h%zu@example.org,%s,Mon-Fri 09:00-12:00\n", i, i, i,
			zones[i]);
	fclose(f);
	snprintf(path, sizeof(path), "%s/course.ini", dir);
	lint_course(path, 11, 10);
	remove_tree(dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint_catches_parse_errors_and_restrictions),
		cmocka_unit_test(test_example_course_files_read_back_without_errors),
		cmocka_unit_test(test_fixture_course_files_read_back_without_errors),
		cmocka_unit_test(test_hard_zone_course_files_read_back_without_errors),
	};
	const char *slash = strrchr(argv[0], '/');
	size_t n = slash ? (size_t)(slash - argv[0]) : 0;
	int rc;

	(void)argc;
	/* BUILD/tests/test_published_lint -> BUILD/convene */
	if (n >= 6 && !memcmp(argv[0] + n - 6, "/tests", 6))
		snprintf(convene, sizeof(convene), "%.*s/convene", (int)(n - 6), argv[0]);
	else
		snprintf(convene, sizeof(convene), "build/convene");
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	icaltimezone_free_builtin_timezones();
	return rc;
}
