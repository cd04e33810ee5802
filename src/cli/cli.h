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
	const char *pins[CV_COUNT_MAX]; /* --pin "Tue 14:00" */
	size_t npins;
	int stats;              /* --stats: phase timings, groups and nodes on stderr */
	const char *excludes[16]; /* --exclude "Fri" or "Mon 08:00-10:00" (home zone) */
	size_t nexcludes;
	size_t top;             /* --top N: rank the N best plans (0: just the best) */
	const char *export_lp;  /* --export-lp FILE: the model as a CPLEX-LP program */
	const char *heatmap;    /* --heatmap FILE: the home week as an SVG heatmap */
	int itip;               /* --itip: publish also DIR/itip/<id>-request|cancel.eml */
} cli_options;

/* Seconds on a monotonic clock, for --stats. */
double cli_now(void);

/* publish --itip (itip.c): the e-mail invitations staged beside the calendars. */
typedef struct cli_itip {
	const char *dir;          /* the published directory: the previous calendars */
	const char *roster_path;  /* for warnings */
	cv_itip_options options;
	cv_errors *warnings;      /* students left without a message, and why */
	cv_itip_ledger *ledger;   /* DIR/itip/sequences.tsv: the highest SEQUENCE sent per UID */
	size_t requests, cancels, no_address;
} cli_itip;

/* Reads DIR/itip/sequences.tsv (a missing or unreadable one is an empty
 * ledger, with a warning when unreadable).  Returns 0 or CV_ENOMEM; free
 * with cli_itip_free(). */
int cli_itip_init(cli_itip *t, const char *dir, const cv_course *course, int64_t date);
/* Stage the messages of one student from the calendar `cal` being published;
 * reads the previous DIR/students/<id>.ics first.  Returns 0 or a CV_E* code. */
int cli_itip_student(cli_itip *t, cv_publish *pub, const cv_student *st, const char *cal,
		     size_t len, cv_errors *errs);
/* Cancellations for students gone from the roster, itip/recipients.tsv and itip/sequences.tsv. */
int cli_itip_finish(cli_itip *t, cv_publish *pub, const cv_roster *roster, cv_errors *errs);
void cli_itip_free(cli_itip *t);

/*
 * Read DIR/rel (a previously published file) into *out, NUL-terminated,
 * malloc'd (caller frees).  Returns 0, CV_ENOINPUT when the file does not
 * exist, CV_EIO when it cannot be read or is longer than max bytes, CV_ENOMEM.
 */
int cli_read_published(char **out, size_t *len, const char *dir, const char *rel, size_t max);

/* Each returns a process exit code. */
int cli_check(const cli_options *o);
int cli_solve(const cli_options *o);
int cli_publish(const cli_options *o);
int cli_zones(const char *pattern);

#endif
