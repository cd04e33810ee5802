/*
 * responses.c - convene responses: what the students answered, from the
 * answers database beside the course file.
 *
 *   convene responses COURSE                 who answered, who is yet to
 *   convene responses export COURSE [--out FILE]
 *                                            the roster and the answers as one
 *                                            roster CSV in today's format
 *   convene responses import COURSE FILE [--map "Question=column"]...
 *                                            a forms export into the answers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "cli.h"

#define MAPS_MAX 16

static int fail_with(cv_errors *errs, int rc)
{
	int code = cv_errors_code(errs);
	cv_errors_print(errs, stderr);
	if (code == CV_OK && rc != CV_OK)
		fprintf(stderr, "convene: %s\n", cv_strerror(rc));
	cv_errors_free(errs);
	return cv_exit_code(code != CV_OK ? code : rc);
}

/* The merged course (cv_schedule_load() reads the answers when they exist). */
static int load(cv_schedule **out, cv_errors **errs, const char *course)
{
	int rc = cv_errors_new(errs);
	if (!rc)
		rc = cv_schedule_load(out, course, *errs);
	return rc;
}

static void print_status(const char *course, const cv_schedule *s)
{
	const cv_responses *r = cv_schedule_responses(s);
	const cv_roster *ro = cv_schedule_roster(s);
	size_t i, from_roster = 0;

	if (!r) {
		printf("%s: no answers yet (%zu students, all from the roster)\n", course, ro->count);
		return;
	}
	for (i = 0; i < r->nstudents; i++)
		from_roster += r->source[i] == CV_SOURCE_ROSTER;
	printf("%s: %zu answered; %zu planned from the roster without an answer; "
	       "%zu not answered (left out of the plan)\n", course, r->answered, from_roster,
	       r->npending);
	for (i = 0; i < r->npending; i++)
		printf("  not answered: %s%s%s\n", r->pending[i].id, *r->pending[i].name ? "  " : "",
		       r->pending[i].name);
}

static int status(const char *course)
{
	cv_schedule *s = NULL;
	cv_errors *errs = NULL;
	int rc = load(&s, &errs, course);

	if (rc) {
		cv_schedule_free(s);
		return fail_with(errs, rc);
	}
	cv_errors_print(errs, stderr);
	cv_errors_free(errs);
	print_status(course, s);
	cv_schedule_free(s);
	return fflush(stdout) ? cv_exit_code(CV_EIO) : 0;
}

static int export(const char *course, const char *out)
{
	cv_schedule *s = NULL;
	cv_errors *errs = NULL;
	FILE *f = stdout;
	int rc = load(&s, &errs, course);

	if (rc) {
		cv_schedule_free(s);
		return fail_with(errs, rc);
	}
	cv_errors_print(errs, stderr); /* warnings: who is left out */
	cv_errors_free(errs);
	if (out && !(f = fopen(out, "w"))) {
		fprintf(stderr, "convene: --out %s: cannot create the file\n", out);
		cv_schedule_free(s);
		return cv_exit_code(CV_ECANTCREAT);
	}
	rc = cv_roster_write_csv(f, cv_schedule_roster(s));
	if ((f != stdout ? fclose(f) : fflush(f)) && !rc)
		rc = CV_EIO;
	if (rc) {
		fprintf(stderr, "convene: writing the roster: %s\n", cv_strerror(rc));
		if (out)
			remove(out);
	} else if (out) {
		fprintf(stderr, "%s: %zu students written to %s\n", course,
			cv_schedule_roster(s)->count, out);
	}
	cv_schedule_free(s);
	return rc ? cv_exit_code(rc) : 0;
}

static void remove_database(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char name[4096];
	size_t i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", path, suffix[i]);
		remove(name);
	}
}

static int import(const char *course_path, const char *file, const char *const *maps,
		  size_t nmaps)
{
	cv_course *course = NULL;
	cv_store *store = NULL;
	cv_import_summary sum;
	cv_errors *errs = NULL;
	struct stat sb;
	int64_t now;
	int rc = cv_errors_new(&errs), existed = 1;

	if (!rc)
		rc = cv_course_load(&course, course_path, errs);
	if (!rc)
		rc = cv_publish_clock(&now, errs);
	if (!rc) {
		existed = stat(course->answers_path, &sb) == 0;
		rc = cv_store_open(&store, course->answers_path, course->id, CV_STORE_CREATE, errs);
	}
	if (!rc)
		rc = cv_store_import(&sum, store, course, file, maps, nmaps, now, errs);
	cv_store_close(store);
	if (rc) {
		/* Nothing written: not even an empty database this run made. */
		if (!existed && course)
			remove_database(course->answers_path);
		cv_course_free(course);
		return fail_with(errs, rc);
	}
	cv_errors_print(errs, stderr);
	printf("%s: %zu answers saved to %s (%zu rows; %zu earlier answers of the same student "
	       "replaced; %zu students enrolled; %zu columns ignored)\n", file, sum.answers,
	       course->answers_path, sum.rows, sum.replaced, sum.enrolled, sum.ignored_columns);
	cv_errors_free(errs);
	cv_course_free(course);
	return fflush(stdout) ? cv_exit_code(CV_EIO) : 0;
}

int cli_responses(int argc, char **argv, int (*usage)(const char *why))
{
	const char *verb = NULL, *course = NULL, *file = NULL, *out = NULL;
	const char *maps[MAPS_MAX];
	size_t nmaps = 0;
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--map") || !strcmp(a, "--out")) {
			if (++i == argc)
				return usage(!strcmp(a, "--map") ? "--map needs \"Question text=column\""
								  : "--out needs a file name");
			if (!strcmp(a, "--out"))
				out = argv[i];
			else if (nmaps == MAPS_MAX)
				return usage("too many --map options");
			else
				maps[nmaps++] = argv[i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "convene: unknown option %s\n", a);
			return usage(NULL);
		} else if (!verb && !course && (!strcmp(a, "export") || !strcmp(a, "import"))) {
			verb = a;
		} else if (!course) {
			course = a;
		} else if (verb && !strcmp(verb, "import") && !file) {
			file = a;
		} else {
			return usage("responses: too many arguments");
		}
	}
	if (!course)
		return usage("missing COURSE file");
	if (nmaps && (!verb || strcmp(verb, "import")))
		return usage("--map is for responses import");
	if (out && (!verb || strcmp(verb, "export")))
		return usage("--out is for responses export");
	if (!verb)
		return status(course);
	if (!strcmp(verb, "export"))
		return export(course, out);
	if (!file)
		return usage("responses import needs the forms export FILE");
	return import(course, file, maps, nmaps);
}
