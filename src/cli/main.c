/*
 * main.c - the convene command: argument parsing and dispatch.
 * Exit codes are the library's (cv_exit_code): 0 ok, 1 no slot fits
 * anyone, 2 usage, 65 bad input, 66 input missing, 73 cannot create
 * output, 74 I/O error, 75 locked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static char stdout_buffer[1 << 20];

static const char usage_text[] =
	"usage: convene check COURSE [--quiet]\n"
	"       convene solve COURSE [--json] [--time-limit SECONDS] [--pin \"Tue 14:00\"]...\n"
	"                      [--exclude \"Fri\" | \"Mon 08:00-10:00\"]... [--top N] [--stats]\n"
	"                      [--export-lp FILE] [--heatmap FILE.svg] [--quiet]\n"
	"       convene publish COURSE --out DIR [--dry-run] [--itip] [--time-limit SECONDS]\n"
	"                      [--pin ...]... [--exclude ...]... [--export-lp FILE] [--stats]\n"
	"                      [--quiet]\n"
	"       convene zones [PATTERN]\n"
	"       convene --version | --help\n"
	"\n"
	"  check    validate the course file and roster; every problem as file:line:column\n"
	"  solve    choose the session times with proven optimal attendance and print the plan;\n"
	"           --heatmap: also the home week as an SVG heatmap of live students a week\n"
	"  publish  write DIR/instructor.ics and DIR/students/<id>.ics atomically;\n"
	"           --dry-run: list what would change and write nothing;\n"
	"           --itip: also DIR/itip/<id>-request.eml and -cancel.eml (RFC 5546 invitations)\n"
	"  zones    list time-zone names matching PATTERN, or resolve one name\n"
	"\n"
	"  -o DIR is --out DIR, -n is --dry-run, -q is --quiet (no summary line, for cron;\n"
	"  warnings and errors are still printed)\n"
	"\n"
	"exit codes: 0 ok, 1 no slot fits anyone, 2 usage, 65 bad input, 66 input missing,\n"
	"            70 internal error, 71 out of memory, 73 cannot create output,\n"
	"            74 I/O error, 75 another run holds the lock\n";

/* The options, as bits, and which command takes which: an option a command
 * would ignore is refused as it is read, so a typo'd command line never
 * half-works. */
enum {
	OPT_JSON = 1 << 0, OPT_EXCLUDE = 1 << 1, OPT_EXPORT_LP = 1 << 2, OPT_TOP = 1 << 3,
	OPT_STATS = 1 << 4, OPT_ITIP = 1 << 5, OPT_DRY_RUN = 1 << 6, OPT_QUIET = 1 << 7,
	OPT_OUT = 1 << 8, OPT_TIME_LIMIT = 1 << 9, OPT_PIN = 1 << 10, OPT_HEATMAP = 1 << 11
};
#define OPT_SOLVING (OPT_EXCLUDE | OPT_EXPORT_LP | OPT_STATS | OPT_TIME_LIMIT | OPT_PIN)

static const struct {
	const char *command;
	unsigned takes;
} commands[] = {
	{"check", OPT_QUIET},
	{"solve", OPT_SOLVING | OPT_JSON | OPT_TOP | OPT_HEATMAP | OPT_QUIET},
	{"publish", OPT_SOLVING | OPT_OUT | OPT_DRY_RUN | OPT_ITIP | OPT_QUIET},
};


static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "convene: %s\n", why);
	fputs(usage_text, stderr);
	return cv_exit_code(CV_EUSAGE);
}

/* An option the command does not take, named as the user wrote it. */
static int refused(const char *cmd, const char *option)
{
	fprintf(stderr, "convene: %s does not take %s\n", cmd, option);
	return usage(NULL);
}

static int parse_seconds(double *out, const char *text)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || *end || !(v > 0) || v > 1e6)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	cli_options o;
	const char *cmd;
	unsigned takes;
	size_t c;
	int i, rc;

	memset(&o, 0, sizeof(o));
	/* A plan for a million students is hundreds of megabytes of JSON: into a
	 * file or a pipe, write it in large blocks rather than stdio's 4 KiB. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buffer, _IOFBF, sizeof(stdout_buffer));
	if (argc < 2)
		return usage(NULL);
	cmd = argv[1];
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("convene %s (tzdata %s)\n", CONVENE_VERSION, cv_tz_version());
		cv_tz_cleanup();
		return 0;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "zones")) {
		if (argc > 3)
			return usage("zones takes at most one PATTERN");
		rc = cli_zones(argc == 3 ? argv[2] : NULL);
		cv_tz_cleanup();
		return rc;
	}
	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(cmd, commands[c].command))
			break;
	if (c == sizeof(commands) / sizeof(commands[0])) {
		fprintf(stderr, "convene: unknown command '%s'\n", cmd);
		return usage(NULL);
	}
	takes = commands[c].takes;
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json")) {
			if (!(takes & OPT_JSON))
				return refused(cmd, a);
			o.json = 1;
		} else if (!strcmp(a, "--exclude")) {
			if (!(takes & OPT_EXCLUDE))
				return refused(cmd, a);
			if (++i == argc)
				return usage("--exclude needs days or a window like \"Mon 08:00-10:00\"");
			if (o.nexcludes == sizeof(o.excludes) / sizeof(o.excludes[0]))
				return usage("too many --exclude options");
			o.excludes[o.nexcludes++] = argv[i];
		} else if (!strcmp(a, "--export-lp")) {
			if (!(takes & OPT_EXPORT_LP))
				return refused(cmd, a);
			if (++i == argc)
				return usage("--export-lp needs a file name");
			o.export_lp = argv[i];
		} else if (!strcmp(a, "--heatmap")) {
			if (!(takes & OPT_HEATMAP))
				return refused(cmd, a);
			if (++i == argc)
				return usage("--heatmap needs a file name");
			o.heatmap = argv[i];
		} else if (!strcmp(a, "--top")) {
			char *end;
			unsigned long v;
			if (!(takes & OPT_TOP))
				return refused(cmd, a);
			if (++i == argc)
				return usage("--top needs a number of plans");
			v = strtoul(argv[i], &end, 10);
			if (*end || !v || v > CV_TOP_MAX)
				return usage("--top needs a number from 1 to 20");
			o.top = v;
		} else if (!strcmp(a, "--stats")) {
			if (!(takes & OPT_STATS))
				return refused(cmd, a);
			o.stats = 1;
		} else if (!strcmp(a, "--itip")) {
			if (!(takes & OPT_ITIP))
				return refused(cmd, a);
			o.itip = 1;
		} else if (!strcmp(a, "--dry-run") || !strcmp(a, "-n")) {
			if (!(takes & OPT_DRY_RUN))
				return refused(cmd, a);
			o.dry_run = 1;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			if (!(takes & OPT_QUIET))
				return refused(cmd, a);
			o.quiet = 1;
		} else if (!strcmp(a, "--out") || !strcmp(a, "-o")) {
			if (!(takes & OPT_OUT))
				return refused(cmd, a);
			if (++i == argc)
				return usage("--out needs a directory");
			o.out = argv[i];
		} else if (!strcmp(a, "--time-limit")) {
			if (!(takes & OPT_TIME_LIMIT))
				return refused(cmd, a);
			if (++i == argc || parse_seconds(&o.time_limit, argv[i]))
				return usage("--time-limit needs a positive number of seconds");
		} else if (!strcmp(a, "--pin")) {
			if (!(takes & OPT_PIN))
				return refused(cmd, a);
			if (++i == argc)
				return usage("--pin needs a slot like \"Tue 14:00\"");
			if (o.npins == CV_COUNT_MAX)
				return usage("too many --pin options");
			o.pins[o.npins++] = argv[i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "convene: unknown option %s\n", a);
			return usage(NULL);
		} else if (!o.course) {
			o.course = a;
		} else {
			return usage("only one COURSE file may be given");
		}
	}
	if (!o.course)
		return usage("missing COURSE file");
	if (!strcmp(cmd, "check"))
		rc = cli_check(&o);
	else if (!strcmp(cmd, "solve"))
		rc = cli_solve(&o);
	else
		rc = o.out ? cli_publish(&o) : usage("publish needs --out DIR");
	cv_tz_cleanup();
	return rc;
}
