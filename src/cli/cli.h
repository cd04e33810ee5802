/* cli.h - what the convene command's files share.  Only public headers are used. */
#ifndef CONVENE_CLI_H
#define CONVENE_CLI_H

#include "convene.h"

typedef struct cli_options {
	const char *course;     /* COURSE argument */
	const char *out;        /* --out DIR */
	int json;               /* --json */
	int quiet;              /* --quiet: no progress on stderr */
	int dry_run;            /* publish --dry-run: say what would change, write nothing */
	double time_limit;      /* --time-limit SECONDS */
	unsigned threads;       /* --threads N (0: one per online CPU) */
	const char *pins[CV_COUNT_MAX]; /* --pin "Tue 14:00" */
	size_t npins;
	int stats;              /* --stats: phase timings, groups and nodes on stderr */
	const char *excludes[CV_EXCLUDES_MAX]; /* --exclude "Fri" or "Mon 08:00-10:00" (home zone) */
	size_t nexcludes;
	size_t top;             /* --top N: rank the N best plans (0: just the best) */
	const char *export_lp;  /* --export-lp FILE: the model as a CPLEX-LP program */
	const char *heatmap;    /* --heatmap FILE: the home week as an SVG heatmap */
	int itip;               /* --itip: publish also DIR/itip/<id>-request|cancel.eml */
	const char *student;    /* solve --student ID: what the plan means for that student */
} cli_options;

/* Seconds on a monotonic clock, for --stats. */
double cli_now(void);

/* Each returns a process exit code. */
int cli_check(const cli_options *o);
int cli_solve(const cli_options *o);
int cli_publish(const cli_options *o);
int cli_zones(const char *pattern);
/* The commands that read their own arguments (argv[1] is the command);
 * usage(why) reports a usage error and returns its exit code. */
int cli_responses(int argc, char **argv, int (*usage)(const char *why));

#endif
