/* commands.c - check, solve and publish: load, solve, write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>

#include "cli.h"

double cli_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct loaded {
	cv_errors *errs;
	cv_course *course;
	cv_roster *roster;
	cv_grid *grid;
	cv_plan *plan;
	double t_start, t_read, t_grid, t_solve, t_plan; /* --stats */
} loaded;

static void unload(loaded *l)
{
	cv_plan_free(l->plan);
	cv_grid_free(l->grid);
	cv_roster_free(l->roster);
	cv_course_free(l->course);
	cv_errors_free(l->errs);
}

/* The exit code for a failed step: the first recorded error decides. */
static int fail(loaded *l, int rc)
{
	int code = cv_errors_code(l->errs);
	cv_errors_print(l->errs, stderr);
	if (code == CV_OK && rc != CV_OK)
		fprintf(stderr, "convene: %s\n", cv_strerror(rc));
	unload(l);
	return cv_exit_code(code != CV_OK ? code : rc);
}

static int load_inputs(loaded *l, const char *course_path)
{
	int rc;

	memset(l, 0, sizeof(*l));
	if (cv_errors_new(&l->errs))
		return CV_ENOMEM;
	rc = cv_course_load(&l->course, course_path, l->errs);
	if (rc)
		return rc;
	rc = cv_roster_load_calendars(&l->roster, l->course->roster_path,
				      l->course->calendars_dir, l->errs);
	if (rc)
		return rc;
	/* calendars/<id>.ics: busy time and VAVAILABILITY windows (a no-op without the key). */
	return cv_calin_apply_roster(l->roster, l->course, l->errs);
}

int cli_check(const cli_options *o)
{
	loaded l;
	int rc = load_inputs(&l, o->course);
	size_t n;

	if (rc)
		return fail(&l, rc);
	n = l.roster->count;
	cv_errors_print(l.errs, stderr); /* warnings */
	if (!o->quiet)
		printf("%s: ok (%zu students, home zone %s, tzdata %s)\n", o->course, n,
		       cv_zone_name(l.course->zone), cv_tz_version());
	unload(&l);
	return 0;
}

/* "Tue 14:00" -> candidate index; returns 0 or CV_EUSAGE with a message. */
static int parse_pin(size_t *out, const cv_grid *g, const char *text)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	char day[4];
	unsigned h, m, d;
	int used = 0;
	cv_slot slot;

	if (sscanf(text, "%3s %u:%u%n", day, &h, &m, &used) != 3 || text[used] || h > 23 || m > 59)
		goto bad;
	for (d = 0; d < 7 && strcasecmp(day, days[d]); d++)
		;
	if (d == 7)
		goto bad;
	slot.weekday = (uint8_t)d;
	slot.start = (uint16_t)(h * 60 + m);
	if (cv_grid_find(out, g, slot)) {
		fprintf(stderr, "convene: --pin \"%s\" is not a candidate (outside the teaching window "
				"or off the granularity grid)\n", text);
		return CV_EUSAGE;
	}
	return CV_OK;
bad:
	fprintf(stderr, "convene: --pin \"%s\": expected a weekday and a time like \"Tue 14:00\"\n",
		text);
	return CV_EUSAGE;
}

/* 1 if the session starting at week minute t overlaps window w on the week's cycle. */
static int overlaps(unsigned t, unsigned duration, const cv_window *w)
{
	long cycle = CV_WEEK_MINUTES;
	unsigned d;
	int k;

	for (d = 0; d < 7; d++) {
		long a, b;
		if (!(w->days & (1u << d)))
			continue;
		a = (long)d * 1440 + w->start;
		b = (long)d * 1440 + (w->end > w->start ? w->end : w->end + 1440L);
		for (k = -1; k <= 1; k++)
			if (a + k * cycle < (long)(t + duration) && (long)t < b + k * cycle)
				return 1;
	}
	return 0;
}

/* --exclude: mark the candidates whose session overlaps an excluded window
 * (home zone; a bare day list excludes whole days).  Returns 0 or CV_EUSAGE. */
static int parse_excludes(uint8_t *excluded, const cv_grid *g, const cli_options *o)
{
	size_t i, j, c, n;

	for (i = 0; i < o->nexcludes; i++) {
		char spec[256];
		cv_window *w = NULL;
		cv_errors *errs = NULL;
		cv_where where = {"--exclude", 0, 0};
		snprintf(spec, sizeof(spec), "%s%s", o->excludes[i],
			 strchr(o->excludes[i], ':') ? "" : " 00:00-24:00");
		if (cv_errors_new(&errs) || cv_windows_parse(&w, &n, spec, &where, errs)) {
			fprintf(stderr, "convene: --exclude \"%s\": expected days (\"Fri\", \"Sat-Sun\") "
					"or a window (\"Mon 08:00-10:00\")\n", o->excludes[i]);
			cv_errors_print(errs, stderr);
			cv_errors_free(errs);
			free(w);
			return CV_EUSAGE;
		}
		cv_errors_free(errs);
		for (c = 0; c < cv_grid_candidates(g); c++)
			for (j = 0; j < n; j++)
				if (overlaps(cv_grid_week_minute(g, c), cv_grid_course(g)->duration, &w[j]))
					excluded[c] = 1;
		free(w);
	}
	return CV_OK;
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

struct lp_job {
	const cv_grid *grid;
	const cv_solve_options *so;
};

static int write_lp(FILE *f, const void *ctx)
{
	const struct lp_job *j = ctx;
	return cv_lp_write(f, j->grid, j->so);
}

/* --export-lp FILE: the model as a CPLEX-LP program for a MIP solver to check
 * or race convene (src/lp.c).  Returns 0 or an exit code (already reported). */
static int export_lp(const char *path, const cv_grid *g, const cv_solve_options *so)
{
	struct lp_job j = {g, so};
	return write_output("--export-lp", path, write_lp, &j);
}

static int write_heatmap(FILE *f, const void *ctx)
{
	const loaded *l = ctx;
	return cv_report_heatmap(f, l->plan, l->grid);
}

/* Load, build the grid, solve and plan. Returns 0 or an exit code (already reported). */
static int plan_course(loaded *l, const cli_options *o, int *exit_code)
{
	cv_solve_options so;
	cv_solution sol;
	size_t pins[CV_COUNT_MAX], i;
	uint8_t *excluded = NULL;
	cv_solution *ranked = NULL;
	size_t nranked = 0;
	double t0 = cli_now();
	int rc = load_inputs(l, o->course);

	l->t_start = t0;
	l->t_read = cli_now();
	if (rc) {
		*exit_code = fail(l, rc);
		return -1;
	}
	cv_errors_print(l->errs, stderr); /* warnings */
	rc = cv_grid_build_threads(&l->grid, l->course, l->roster, o->threads);
	if (rc) {
		*exit_code = fail(l, rc);
		return -1;
	}
	l->t_grid = cli_now();
	for (i = 0; i < o->npins; i++) {
		rc = parse_pin(&pins[i], l->grid, o->pins[i]);
		if (rc) {
			unload(l);
			*exit_code = cv_exit_code(rc);
			return -1;
		}
	}
	memset(&so, 0, sizeof(so));
	if (o->nexcludes) {
		excluded = calloc(cv_grid_candidates(l->grid) + 1, 1);
		if (!excluded || parse_excludes(excluded, l->grid, o)) {
			free(excluded);
			unload(l);
			*exit_code = cv_exit_code(excluded ? CV_EUSAGE : CV_ENOMEM);
			return -1;
		}
		so.excluded = excluded;
	}
	so.time_limit = o->time_limit;
	so.threads = o->threads;
	so.pins = pins;
	so.npins = o->npins;
	if (o->export_lp) {
		double t = cli_now();
		*exit_code = export_lp(o->export_lp, l->grid, &so);
		if (*exit_code) {
			free(excluded);
			unload(l);
			return -1;
		}
		l->t_grid += cli_now() - t; /* --stats counts the export in the grid phase */
	}
	if (o->top) {
		ranked = calloc(o->top, sizeof(*ranked));
		rc = ranked ? cv_solve_top(ranked, &nranked, o->top, l->grid, &so) : CV_ENOMEM;
		if (!rc)
			sol = ranked[0];
	} else {
		rc = cv_solve(&sol, l->grid, &so);
	}
	free(excluded);
	if (rc == CV_ENOSLOT) {
		fprintf(stderr, "%s: no set of %u sessions fits the teaching window%s\n", o->course,
			l->course->count,
			o->npins || o->nexcludes ? " with the pinned and excluded slots" : "");
		free(ranked);
		unload(l);
		*exit_code = cv_exit_code(rc);
		return -1;
	}
	l->t_solve = cli_now();
	if (!rc)
		rc = cv_plan_build(&l->plan, l->grid, &sol);
	if (!rc && ranked)
		rc = cv_plan_set_ranked(l->plan, l->grid, ranked, nranked);
	free(ranked);
	l->t_plan = cli_now();
	if (rc) {
		*exit_code = fail(l, rc);
		return -1;
	}
	if (sol.count < l->course->count)
		fprintf(stderr, "%s: warning: only %zu of %u sessions fit the teaching window with "
				"min-gap\n", o->course, sol.count, l->course->count);
	return 0;
}

static void print_stats(const loaded *l, double t_end)
{
	fprintf(stderr,
		"stats: students %zu, groups %zu, candidates %zu, weeks %zu, nodes %llu\n"
		"stats: read %.3f s, grid %.3f s, solve %.3f s, plan %.3f s, write %.3f s, "
		"total %.3f s\n",
		l->roster->count, cv_grid_groups(l->grid), cv_grid_candidates(l->grid),
		cv_grid_weeks(l->grid), (unsigned long long)l->plan->solution.nodes,
		l->t_read - l->t_start, l->t_grid - l->t_read, l->t_solve - l->t_grid,
		l->t_plan - l->t_solve, t_end - l->t_plan, t_end - l->t_start);
}

static int nobody(const loaded *l, const char *course)
{
	if (l->plan->solution.score.reach > 0)
		return 0;
	fprintf(stderr, "%s: no slot fits anyone: no student can attend any candidate session\n",
		course);
	return 1;
}

int cli_solve(const cli_options *o)
{
	loaded l;
	int code = 0, rc;

	if (plan_course(&l, o, &code))
		return code;
	if (o->heatmap && (code = write_output("--heatmap", o->heatmap, write_heatmap, &l))) {
		unload(&l);
		return code;
	}
	rc = o->json ? cv_report_json(stdout, l.plan) : cv_report_text(stdout, l.plan);
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
