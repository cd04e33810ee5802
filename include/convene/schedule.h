/*
 * convene/schedule.h - a course from its file to its plan: what every front
 * end (the command line, the web server) starts from, so that none of them
 * repeats the steps.
 *
 *     cv_schedule_load()     course file, roster, students' calendars
 *     cv_schedule_prepare()  the grid, and the instructor's pins and exclusions
 *     cv_schedule_solve()    the proven optimum and its plan
 *
 * Problems are recorded in a cv_errors list as file:line:column (or, for a
 * pin or an exclusion, with no file); warnings are recorded there too.
 */
#ifndef CONVENE_SCHEDULE_H
#define CONVENE_SCHEDULE_H

#include <stddef.h>
#include <stdio.h>
#include "course.h"
#include "error.h"
#include "grid.h"
#include "plan.h"
#include "roster.h"
#include "solve.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most exclusions one solve takes. */
#define CV_EXCLUDES_MAX 16

typedef struct cv_schedule_options {
	double time_limit;          /* seconds; 0: prove the optimum whatever it takes */
	const char *const *pins;    /* "Tue 14:00" (home zone): slots that must be chosen;
				     * at most CV_COUNT_MAX (borrowed) */
	size_t npins;
	const char *const *excludes; /* "Fri", "Sat-Sun" (whole days) or "Mon 08:00-10:00"
				      * (home zone): no session may overlap them;
				      * at most CV_EXCLUDES_MAX (borrowed) */
	size_t nexcludes;
	size_t top;                 /* rank the `top` best plans (0: just the best) */
	unsigned threads;           /* grid and search threads; 0: one per online CPU
				     * (the plan is the same whatever the count) */
} cv_schedule_options;

typedef struct cv_schedule cv_schedule;

/*
 * Read the course file at `path`, its roster and its students' calendars
 * (everything `convene check` validates); when the course's answers
 * database exists, the roster merged with the answers (cv_store_merge()).  Returns 0 with *out set (caller
 * frees with cv_schedule_free()), or CV_EDATA / CV_ENOINPUT / CV_ENOMEM with
 * every problem recorded in errs; warnings are recorded either way.
 */
int cv_schedule_load(cv_schedule **out, const char *path, cv_errors *errs);

/*
 * Build the grid and resolve the options (copied: they need not outlive
 * the call).  Returns 0, CV_EUSAGE with the problem recorded (a pin that is
 * not a candidate or not a slot, an exclusion that is not days or a window,
 * too many of either), or CV_ENOMEM.
 */
int cv_schedule_prepare(cv_schedule *s, const cv_schedule_options *options, cv_errors *errs);

/*
 * Write the prepared model as a CPLEX-LP program (cv_lp_write()).  Returns
 * as cv_lp_write(), or CV_EUSAGE before cv_schedule_prepare().
 */
int cv_schedule_write_lp(FILE *f, const cv_schedule *s);

/*
 * Solve the prepared course and build its plan.  When fewer sessions than
 * the course asks for fit (min-gap), a warning says so.  Returns 0,
 * CV_ENOSLOT with the reason recorded (no candidate, pins that conflict,
 * a series that cannot fit), CV_EUSAGE before cv_schedule_prepare(), or
 * CV_ENOMEM.  A plan that reaches nobody is still a plan (check
 * plan->solution.score.reach).
 */
int cv_schedule_solve(cv_schedule *s, cv_errors *errs);

/* Seconds each step took (monotonic clock), for --stats and the benchmarks. */
typedef struct cv_schedule_times {
	double read;   /* cv_schedule_load() */
	double grid;   /* cv_schedule_prepare() */
	double solve;  /* cv_schedule_solve(): the search */
	double plan;   /* cv_schedule_solve(): the plan */
} cv_schedule_times;

/* The times so far (a step not taken yet counts 0). */
cv_schedule_times cv_schedule_timing(const cv_schedule *s);

/* Borrowed views, valid until cv_schedule_free(); NULL before the step that makes them. */
const cv_course *cv_schedule_course(const cv_schedule *s);
const cv_roster *cv_schedule_roster(const cv_schedule *s);
const cv_grid *cv_schedule_grid(const cv_schedule *s);
const cv_plan *cv_schedule_plan(const cv_schedule *s);
/* Who answered and who is yet to (cv_store_merge()); NULL without an answers database. */
const cv_responses *cv_schedule_responses(const cv_schedule *s);

/* Free everything the schedule made; NULL is a no-op. */
void cv_schedule_free(cv_schedule *s);

#ifdef __cplusplus
}
#endif
#endif
