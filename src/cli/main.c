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

/* The options, as bits, and which command takes which: an option a command
 * would ignore is refused as it is read, so a typo'd command line never
 * half-works. */
enum {
	OPT_JSON = 1 << 0, OPT_EXCLUDE = 1 << 1, OPT_EXPORT_LP = 1 << 2, OPT_TOP = 1 << 3,
	OPT_STATS = 1 << 4, OPT_ITIP = 1 << 5, OPT_DRY_RUN = 1 << 6, OPT_QUIET = 1 << 7,
	OPT_OUT = 1 << 8, OPT_TIME_LIMIT = 1 << 9, OPT_PIN = 1 << 10, OPT_HEATMAP = 1 << 11,
	OPT_THREADS = 1 << 12, OPT_STUDENT = 1 << 13
};
#define OPT_SOLVING (OPT_EXCLUDE | OPT_EXPORT_LP | OPT_STATS | OPT_TIME_LIMIT | OPT_PIN | OPT_THREADS)

/* An option: its spellings, its bit, and for one that takes a value, what
 * to say when the value is missing (NULL for a flag). */
static const struct option {
	const char *name, *alias;
	unsigned bit;
	const char *needs;
} options[] = {
	{"--json", NULL, OPT_JSON, NULL},
	{"--exclude", NULL, OPT_EXCLUDE, "--exclude needs days or a window like \"Mon 08:00-10:00\""},
	{"--export-lp", NULL, OPT_EXPORT_LP, "--export-lp needs a file name"},
	{"--heatmap", NULL, OPT_HEATMAP, "--heatmap needs a file name"},
	{"--top", NULL, OPT_TOP, "--top needs a number of plans"},
	{"--stats", NULL, OPT_STATS, NULL},
	{"--itip", NULL, OPT_ITIP, NULL},
	{"--dry-run", "-n", OPT_DRY_RUN, NULL},
	{"--quiet", "-q", OPT_QUIET, NULL},
	{"--out", "-o", OPT_OUT, "--out needs a directory"},
	{"--time-limit", NULL, OPT_TIME_LIMIT, "--time-limit needs a positive number of seconds"},
	{"--pin", NULL, OPT_PIN, "--pin needs a slot like \"Tue 14:00\""},
	{"--threads", NULL, OPT_THREADS, "--threads needs a number from 1 to 64"},
	{"--student", NULL, OPT_STUDENT, "--student needs a student id"},
};

static int cli_publish_out(const cli_options *o);

/* A command: its options, its lines of the usage, and what runs it. */
typedef struct command {
	const char *name;
	unsigned takes;
	const char *synopsis; /* its usage lines, after "usage: " or its indent */
	const char *about;    /* what it does */
	const char *notes;    /* the short options it takes, or "" */
	int (*run)(const cli_options *o);
} command;

static const char quiet_note[] =
	"  -q is --quiet (no summary line, for cron; warnings and errors are still\n"
	"  printed)\n";
static const char shorthands[] =
	"  -o DIR is --out DIR, -n is --dry-run, -q is --quiet (no summary line, for cron;\n"
	"  warnings and errors are still printed)\n";

static const command commands[] = {
	{"check", OPT_QUIET,
	 "convene check COURSE [--quiet]\n",
	 "  check    validate the course file and roster; every problem as file:line:column\n",
	 quiet_note, cli_check},
	{"solve", OPT_SOLVING | OPT_JSON | OPT_TOP | OPT_HEATMAP | OPT_QUIET | OPT_STUDENT,
	 "convene solve COURSE [--json] [--time-limit SECONDS] [--pin \"Tue 14:00\"]...\n"
	 "                      [--exclude \"Fri\" | \"Mon 08:00-10:00\"]... [--top N] [--stats]\n"
	 "                      [--export-lp FILE] [--heatmap FILE.svg] [--threads N] [--quiet]\n"
	 "                      [--student ID]\n",
	 "  solve    choose the session times with proven optimal attendance and print the plan;\n"
	 "           --heatmap: also the home week as an SVG heatmap of live students a week;\n"
	 "           --student: only what the plan means for that student, in their own time\n",
	 quiet_note, cli_solve},
	{"publish", OPT_SOLVING | OPT_OUT | OPT_DRY_RUN | OPT_ITIP | OPT_QUIET,
	 "convene publish COURSE --out DIR [--dry-run] [--itip] [--time-limit SECONDS]\n"
	 "                      [--pin ...]... [--exclude ...]... [--export-lp FILE] [--stats]\n"
	 "                      [--threads N] [--quiet]\n",
	 "  publish  write DIR/instructor.ics and DIR/students/<id>.ics atomically;\n"
	 "           --dry-run: list what would change and write nothing;\n"
	 "           --itip: also DIR/itip/<id>-request.eml and -cancel.eml (RFC 5546 invitations)\n",
	 shorthands, cli_publish_out},
	{"zones", 0,
	 "convene zones [PATTERN]\n",
	 "  zones    list time-zone names matching PATTERN, or resolve one name\n",
	 "", NULL},
	{"responses", 0,
	 "convene responses COURSE\n"
	 "       convene responses export COURSE [--out FILE]\n"
	 "       convene responses import COURSE FILE [--map \"Question text=column\"]...\n",
	 "  responses who answered on the web page and who is yet to; export: the roster and\n"
	 "           the answers as one roster CSV; import: a forms export into the answers\n",
	 "", NULL},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char exit_codes[] =
	"exit codes: 0 ok, 1 no slot fits anyone, 2 usage, 65 bad input, 66 input missing,\n"
	"            70 internal error, 71 out of memory, 73 cannot create output,\n"
	"            74 I/O error, 75 another run holds the lock\n";

/* The whole usage: every command's lines, what each does, the shorthands, the exit codes. */
static void put_usage(FILE *f)
{
	size_t c;

	for (c = 0; c < NCOMMANDS; c++)
		fprintf(f, "%s%s", c ? "       " : "usage: ", commands[c].synopsis);
	fputs("       convene --version | --help\n\n", f);
	for (c = 0; c < NCOMMANDS; c++)
		fputs(commands[c].about, f);
	fprintf(f, "\n%s\n%s", shorthands, exit_codes);
}

/* `convene CMD --help`: that command's usage lines, what it does and its short options. */
static int command_help(const command *cmd)
{
	printf("usage: %s\n%s%s%s", cmd->synopsis, cmd->about, *cmd->notes ? "\n" : "", cmd->notes);
	return 0;
}

static int is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "convene: %s\n", why);
	put_usage(stderr);
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

/* Store option `bit` with its value (NULL for a flag): NULL, or why the value is refused. */
static const char *set_option(cli_options *o, unsigned bit, const char *value)
{
	char *end;
	unsigned long v;

	switch (bit) {
	case OPT_JSON: o->json = 1; break;
	case OPT_STATS: o->stats = 1; break;
	case OPT_ITIP: o->itip = 1; break;
	case OPT_DRY_RUN: o->dry_run = 1; break;
	case OPT_QUIET: o->quiet = 1; break;
	case OPT_EXPORT_LP: o->export_lp = value; break;
	case OPT_HEATMAP: o->heatmap = value; break;
	case OPT_OUT: o->out = value; break;
	case OPT_STUDENT: o->student = value; break;
	case OPT_EXCLUDE:
		if (o->nexcludes == sizeof(o->excludes) / sizeof(o->excludes[0]))
			return "too many --exclude options";
		o->excludes[o->nexcludes++] = value;
		break;
	case OPT_PIN:
		if (o->npins == CV_COUNT_MAX)
			return "too many --pin options";
		o->pins[o->npins++] = value;
		break;
	case OPT_TOP:
		v = strtoul(value, &end, 10);
		if (*end || !v || v > CV_TOP_MAX)
			return "--top needs a number from 1 to 20";
		o->top = v;
		break;
	case OPT_TIME_LIMIT:
		if (parse_seconds(&o->time_limit, value))
			return "--time-limit needs a positive number of seconds";
		break;
	case OPT_THREADS:
		v = strtoul(value, &end, 10);
		if (end == value || *end || !v || v > 64)
			return "--threads needs a number from 1 to 64";
		o->threads = (unsigned)v;
		break;
	}
	return NULL;
}

/* The option spelled `a`, or NULL. */
static const struct option *find_option(const char *a)
{
	size_t k;

	for (k = 0; k < sizeof(options) / sizeof(options[0]); k++)
		if (!strcmp(a, options[k].name) || (options[k].alias && !strcmp(a, options[k].alias)))
			return &options[k];
	return NULL;
}

/* Read the command's arguments into *o.  Returns -1 to go on, or the exit code. */
static int parse_args(cli_options *o, const command *cmd, int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *why;
		const struct option *opt = find_option(a);
		if (is_help(a)) {
			return command_help(cmd);
		} else if (opt) {
			if (!(cmd->takes & opt->bit))
				return refused(cmd->name, a);
			if (opt->needs && ++i == argc)
				return usage(opt->needs);
			if ((why = set_option(o, opt->bit, opt->needs ? argv[i] : NULL)))
				return usage(why);
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "convene: unknown option %s\n", a);
			return usage(NULL);
		} else if (!o->course) {
			o->course = a;
		} else {
			return usage("only one COURSE file may be given");
		}
	}
	return o->course ? -1 : usage("missing COURSE file");
}

static int cli_publish_out(const cli_options *o)
{
	return o->out ? cli_publish(o) : usage("publish needs --out DIR");
}

/* The commands that read their own arguments: --help first, then theirs. */
static int own_arguments(const command *cmd, int argc, char **argv)
{
	int i, rc;

	for (i = 2; i < argc; i++)
		if (is_help(argv[i]))
			return command_help(cmd);
	rc = cli_responses(argc, argv, usage);
	cv_tz_cleanup();
	return rc;
}

/* convene zones [PATTERN] */
static int zones(const command *cmd, int argc, char **argv)
{
	int i, rc;

	for (i = 2; i < argc; i++)
		if (is_help(argv[i]))
			return command_help(cmd);
	if (argc > 3)
		return usage("zones takes at most one PATTERN");
	rc = cli_zones(argc == 3 ? argv[2] : NULL);
	cv_tz_cleanup();
	return rc;
}

int main(int argc, char **argv)
{
	const char *name;
	cli_options o;
	size_t c;
	int rc;

	/* A plan for a million students is hundreds of megabytes of JSON: into a
	 * file or a pipe, write it in large blocks rather than stdio's 4 KiB. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buffer, _IOFBF, sizeof(stdout_buffer));
	if (argc < 2)
		return usage(NULL);
	name = argv[1];
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("convene %s (tzdata %s)\n", CONVENE_VERSION, cv_tz_version());
		cv_tz_cleanup();
		return 0;
	}
	if (is_help(name) || !strcmp(name, "help")) {
		put_usage(stdout);
		return 0;
	}
	for (c = 0; c < NCOMMANDS && strcmp(name, commands[c].name); c++)
		;
	if (c == NCOMMANDS) {
		fprintf(stderr, "convene: unknown command '%s'\n", name);
		return usage(NULL);
	}
	if (!commands[c].run)
		return !strcmp(name, "zones") ? zones(&commands[c], argc, argv)
					       : own_arguments(&commands[c], argc, argv);
	memset(&o, 0, sizeof(o));
	if ((rc = parse_args(&o, &commands[c], argc, argv)) >= 0)
		return rc;
	rc = commands[c].run(&o);
	cv_tz_cleanup();
	return rc;
}
