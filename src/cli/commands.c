/* commands.c - check, solve and publish: the library does the work; this prints it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "cli.h"

double cli_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One command's course: the schedule and its diagnostics. */
typedef struct loaded {
	cv_errors *errs;
	cv_schedule *s;
	const cv_plan *plan;   /* borrowed from s once solved */
	double t_lp;           /* --export-lp, counted in the grid phase by --stats */
	double t_end_plan;     /* when the plan was made: --stats counts writing from there */
} loaded;

static void unload(loaded *l)
{
	cv_schedule_free(l->s);
	cv_errors_free(l->errs);
}

/* Print what was recorded and give the exit code of a failed step: the first error decides. */
static int fail(loaded *l, int rc)
{
	int code = cv_errors_code(l->errs);
	cv_errors_print(l->errs, stderr);
	if (code == CV_OK && rc != CV_OK)
		fprintf(stderr, "convene: %s\n", cv_strerror(rc));
	unload(l);
	return cv_exit_code(code != CV_OK ? code : rc);
}

static int load(loaded *l, const char *course)
{
	memset(l, 0, sizeof(*l));
	if (cv_errors_new(&l->errs))
		return CV_ENOMEM;
	return cv_schedule_load(&l->s, course, l->errs);
}

/* Print the warnings recorded so far and start a fresh list. */
static int flush_warnings(loaded *l)
{
	cv_errors_print(l->errs, stderr);
	cv_errors_free(l->errs);
	l->errs = NULL;
	return cv_errors_new(&l->errs);
}

int cli_check(const cli_options *o)
{
	loaded l;
	int rc = load(&l, o->course);

	if (rc)
		return fail(&l, rc);
	cv_errors_print(l.errs, stderr); /* warnings */
	if (!o->quiet)
		printf("%s: ok (%zu students, home zone %s, tzdata %s)\n", o->course,
		       cv_schedule_roster(l.s)->count, cv_zone_name(cv_schedule_course(l.s)->zone),
		       cv_tz_version());
	unload(&l);
	return 0;
}

/*
 * Write an output file the user named (--export-lp, --heatmap) with
 * write(f, ctx).  A failed write leaves nothing half-written behind, but only
 * a regular file is ours to remove: the path may name /dev/stdout or a pipe.
 * Returns 0 or an exit code (already reported, as "convene: OPTION PATH: ...").
 */
static int write_output(const char *option, const char *path, int (*write)(FILE *, const void *),
			const void *ctx)
{
	struct stat st;
	int removable = stat(path, &st) != 0 || S_ISREG(st.st_mode);
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		fprintf(stderr, "convene: %s %s: cannot create the file\n", option, path);
		return cv_exit_code(CV_ECANTCREAT);
	}
	rc = write(f, ctx);
	if (fclose(f) && !rc)
		rc = CV_EIO;
	if (!rc)
		return 0;
	fprintf(stderr, "convene: %s %s: %s\n", option, path,
		rc == CV_EDATA ? "the weights make the objective too large for 64 bits"
			       : cv_strerror(rc));
	if (removable)
		remove(path);
	return cv_exit_code(rc);
}

static int write_lp(FILE *f, const void *ctx)
{
	return cv_schedule_write_lp(f, ctx);
}

static int write_heatmap(FILE *f, const void *ctx)
{
	const loaded *l = ctx;
	return cv_report_heatmap(f, l->plan, cv_schedule_grid(l->s));
}

/* Load, build the grid, solve and plan.  Returns 0, or -1 with *exit_code set (reported). */
static int plan_course(loaded *l, const cli_options *o, int *exit_code)
{
	cv_schedule_options so;
	int rc = load(l, o->course);

	memset(&so, 0, sizeof(so));
	so.time_limit = o->time_limit;
	so.pins = o->pins;
	so.npins = o->npins;
	so.excludes = o->excludes;
	so.nexcludes = o->nexcludes;
	so.top = o->top;
	so.threads = o->threads;
	if (!rc)
		rc = flush_warnings(l);
	if (!rc)
		rc = cv_schedule_prepare(l->s, &so, l->errs);
	if (!rc && o->export_lp) {
		double t = cli_now();
		*exit_code = write_output("--export-lp", o->export_lp, write_lp, l->s);
		l->t_lp = cli_now() - t;
		if (*exit_code) {
			unload(l);
			return -1;
		}
	}
	if (!rc)
		rc = cv_schedule_solve(l->s, l->errs);
	if (rc) {
		*exit_code = fail(l, rc);
		return -1;
	}
	cv_errors_print(l->errs, stderr); /* warnings */
	l->plan = cv_schedule_plan(l->s);
	return 0;
}

static void print_stats(const loaded *l, double t_end)
{
	const cv_grid *g = cv_schedule_grid(l->s);
	cv_schedule_times t = cv_schedule_timing(l->s);
	double write = t_end, total;

	t.grid += l->t_lp;
	total = t.read + t.grid + t.solve + t.plan;
	write -= l->t_end_plan;
	fprintf(stderr,
		"stats: students %zu, groups %zu, candidates %zu, weeks %zu, nodes %llu, "
		"root-bound %.1f\n"
		"stats: read %.3f s, grid %.3f s, solve %.3f s, plan %.3f s, write %.3f s, "
		"total %.3f s\n",
		cv_schedule_roster(l->s)->count, cv_grid_groups(g), cv_grid_candidates(g),
		cv_grid_weeks(g), (unsigned long long)l->plan->solution.nodes,
		l->plan->solution.root_bound, t.read, t.grid, t.solve, t.plan, write, total + write);
}

static int nobody(const loaded *l, const char *course)
{
	if (l->plan->solution.score.reach > 0)
		return 0;
	fprintf(stderr, "%s: no slot fits anyone: no student can attend any candidate session\n",
		course);
	return 1;
}

/* solve --student ID: that student's line (or object), CV_ENOTFOUND for an unknown id. */
static int student_report(const loaded *l, const cli_options *o)
{
	const cv_roster *r = cv_schedule_roster(l->s);
	const cv_student *st = cv_roster_find(r, o->student);

	if (!st)
		return CV_ENOTFOUND;
	return o->json ? cv_report_student_json(stdout, l->plan, (size_t)(st - r->students))
		       : cv_report_student_text(stdout, l->plan, (size_t)(st - r->students));
}

int cli_solve(const cli_options *o)
{
	loaded l;
	int code = 0, rc;

	if (plan_course(&l, o, &code))
		return code;
	l.t_end_plan = cli_now();
	if (o->heatmap && (code = write_output("--heatmap", o->heatmap, write_heatmap, &l))) {
		unload(&l);
		return code;
	}
	if (o->student)
		rc = student_report(&l, o);
	else
		rc = o->json ? cv_report_json(stdout, l.plan) : cv_report_text(stdout, l.plan);
	if (rc == CV_ENOTFOUND) {
		fprintf(stderr, "convene: --student %s: no such student in %s\n", o->student,
			o->course);
		unload(&l);
		return cv_exit_code(CV_EUSAGE);
	}
	if (!rc && fflush(stdout))
		rc = CV_EIO;
	if (o->stats)
		print_stats(&l, cli_now());
	code = rc ? cv_exit_code(rc) : nobody(&l, o->course) ? cv_exit_code(CV_ENOSLOT) : 0;
	if (rc)
		fprintf(stderr, "convene: writing the plan: %s\n", cv_strerror(rc));
	unload(&l);
	return code;
}

/*
 * --dry-run: one line per file of the set and per published file it drops,
 * what the real run would do to it; a changed or new calendar also says
 * what happens to its events.
 */
static int print_change(void *ctx, const cv_publish_entry *e)
{
	static const char *const word[] = {"new", "changed", "unchanged", "removed"};
	const cv_ics_changes *ch = e->events;

	(void)ctx;
	if (ch && e->change != CV_PUBLISH_UNCHANGED)
		printf("%-9s %s: %zu events new, %zu changed, %zu removed, %zu unchanged\n",
		       word[e->change], e->relpath, ch->added, ch->changed, ch->removed,
		       ch->unchanged);
	else
		printf("%-9s %s\n", word[e->change], e->relpath);
	return CV_OK;
}

static void print_published(const cli_options *o, const cv_publish_summary *s)
{
	if (o->dry_run) {
		printf("dry run: %zu files new, %zu changed, %zu unchanged, %zu removed; "
		       "events: %zu new, %zu changed, %zu removed; nothing written to %s; tzdata %s\n",
		       s->files_added, s->files_changed, s->files_unchanged, s->files_removed,
		       s->events_added, s->events_changed, s->events_removed, o->out,
		       cv_tz_version());
		if (o->itip)
			printf("dry run: %zu invitations and %zu cancellations would be written\n",
			       s->requests, s->cancels);
		return;
	}
	if (o->quiet)
		return;
	if (o->itip)
		fprintf(stderr, "%s: %zu invitations and %zu cancellations to e-mail in %s/itip\n",
			o->course, s->requests, s->cancels, o->out);
	fprintf(stderr, "%s: published %zu calendars to %s (files: %zu new, %zu changed, "
		"%zu unchanged, %zu removed; events: %zu new, %zu changed, %zu removed; "
		"tzdata %s)\n",
		o->course, s->calendars, o->out, s->files_added, s->files_changed,
		s->files_unchanged, s->files_removed, s->events_added, s->events_changed,
		s->events_removed, cv_tz_version());
}

int cli_publish(const cli_options *o)
{
	cv_publish_options po;
	cv_publish_summary sum;
	cv_errors *errs = NULL;
	loaded l;
	int code = 0, rc;

	if (plan_course(&l, o, &code))
		return code;
	l.t_end_plan = cli_now();
	if (nobody(&l, o->course)) {
		unload(&l);
		return cv_exit_code(CV_ENOSLOT);
	}
	memset(&po, 0, sizeof(po));
	po.dir = o->out;
	po.dry_run = o->dry_run;
	po.itip = o->itip;
	po.listing = o->dry_run ? print_change : NULL;
	rc = cv_errors_new(&errs);
	if (!rc)
		rc = cv_publish_clock(&po.now, errs);
	if (!rc)
		rc = cv_publish_plan(&sum, l.plan, &po, errs);
	if (o->stats)
		print_stats(&l, cli_now());
	cv_errors_print(errs, stderr);
	code = cv_errors_code(errs);
	cv_errors_free(errs);
	if (rc && code == CV_OK)
		fprintf(stderr, "convene: %s\n", cv_strerror(rc));
	if (!rc)
		print_published(o, &sum);
	unload(&l);
	if (rc)
		return cv_exit_code(code != CV_OK ? code : rc);
	return o->dry_run && fflush(stdout) ? cv_exit_code(CV_EIO) : 0;
}
