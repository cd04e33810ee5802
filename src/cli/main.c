/*
 * main.c - the convene command: argument parsing and dispatch.
 * Exit codes are the library's (cv_exit_code): 0 ok, 1 no slot fits
 * anyone, 2 usage, 65 bad input, 66 input missing, 73 cannot create
 * output, 74 I/O error, 75 locked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
	"usage: convene check COURSE\n"
	"       convene solve COURSE [--json] [--time-limit SECONDS] [--pin \"Tue 14:00\"]...\n"
	"                      [--exclude \"Fri\" | \"Mon 08:00-10:00\"]... [--top N] [--stats]\n"
	"                      [--export-lp FILE]\n"
	"       convene publish COURSE --out DIR [--dry-run] [--time-limit SECONDS] [--pin ...]\n"
	"                      [--itip]\n"
	"       convene zones [PATTERN]\n"
	"       convene --version | --help\n"
	"\n"
	"  check    validate the course file and roster; every problem as file:line:column\n"
	"  solve    choose the session times with proven optimal attendance and print the plan\n"
	"  publish  write DIR/instructor.ics and DIR/students/<id>.ics atomically;\n"
	"           --itip: also DIR/itip/<id>-request.eml and -cancel.eml (RFC 5546 invitations)\n"
	"  zones    list time-zone names matching PATTERN, or resolve one name\n"
	"\n"
	"exit codes: 0 ok, 1 no slot fits anyone, 2 usage, 65 bad input, 66 input missing,\n"
	"            73 cannot create output, 74 I/O error, 75 another run holds the lock\n";

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "convene: %s\n", why);
	fputs(usage_text, stderr);
	return cv_exit_code(CV_EUSAGE);
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
	int i, rc;

	memset(&o, 0, sizeof(o));
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
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json")) {
			o.json = 1;
		} else if (!strcmp(a, "--exclude")) {
			if (++i == argc)
				return usage("--exclude needs days or a window like \"Mon 08:00-10:00\"");
			if (o.nexcludes == sizeof(o.excludes) / sizeof(o.excludes[0]))
				return usage("too many --exclude options");
			o.excludes[o.nexcludes++] = argv[i];
		} else if (!strcmp(a, "--export-lp")) {
			if (++i == argc)
				return usage("--export-lp needs a file name");
			o.export_lp = argv[i];
		} else if (!strcmp(a, "--top")) {
			char *end;
			unsigned long v;
			if (++i == argc)
				return usage("--top needs a number of plans");
			v = strtoul(argv[i], &end, 10);
			if (*end || !v || v > CV_TOP_MAX)
				return usage("--top needs a number from 1 to 20");
			o.top = v;
		} else if (!strcmp(a, "--stats")) {
			o.stats = 1;
		} else if (!strcmp(a, "--itip")) {
			o.itip = 1;
		} else if (!strcmp(a, "--dry-run") || !strcmp(a, "-n")) {
			o.dry_run = 1;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o.quiet = 1;
		} else if (!strcmp(a, "--out") || !strcmp(a, "-o")) {
			if (++i == argc)
				return usage("--out needs a directory");
			o.out = argv[i];
		} else if (!strcmp(a, "--time-limit")) {
			if (++i == argc || parse_seconds(&o.time_limit, argv[i]))
				return usage("--time-limit needs a positive number of seconds");
		} else if (!strcmp(a, "--pin")) {
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
	else if (!strcmp(cmd, "publish"))
		rc = o.out ? cli_publish(&o) : usage("publish needs --out DIR");
	else {
		fprintf(stderr, "convene: unknown command '%s'\n", cmd);
		rc = usage(NULL);
	}
	cv_tz_cleanup();
	return rc;
}
