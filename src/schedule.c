/*
 * schedule.c - a course from its file to its plan (convene/schedule.h):
 * the steps every front end takes, in one place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "convene/calin.h"
#include "convene/lp.h"
#include "convene/schedule.h"
#include "convene/store.h"
#include <sys/stat.h>

struct cv_schedule {
	cv_course *course;
	cv_roster *roster;
	cv_grid *grid;
	cv_plan *plan;
	cv_responses *responses; /* with an answers database, else NULL */
	int prepared;
	size_t pins[CV_COUNT_MAX], npins;
	uint8_t *excluded;       /* one flag per candidate, or NULL */
	double time_limit;
	size_t top;
	unsigned threads;
	cv_schedule_times times;
};

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * The students: the roster merged with the answers when the course has an
 * answers database (convene/store.h), else the roster file alone.
 */
static int load_students(cv_schedule *s, cv_errors *errs)
{
	const cv_course *c = s->course;
	cv_store *store = NULL;
	struct stat sb;
	int rc;

	if (c->answers_path && stat(c->answers_path, &sb) == 0) {
		rc = cv_store_open(&store, c->answers_path, c->id, CV_STORE_READONLY, errs);
		if (!rc)
			rc = cv_store_merge(&s->roster, &s->responses, c, store, errs);
		cv_store_close(store);
		return rc;
	}
	if (!c->roster_path) {
		cv_where w = {c->path, 0, 0};
		return cv_errors_add(errs, CV_EDATA, &w, 0, "nobody to plan for yet: the course has "
				     "open enrolment and no answers database (%s); start convene "
				     "serve and let students join", c->answers_path);
	}
	return cv_roster_load_calendars(&s->roster, c->roster_path, c->calendars_dir, errs);
}

int cv_schedule_load(cv_schedule **out, const char *path, cv_errors *errs)
{
	cv_schedule *s = calloc(1, sizeof(*s));
	double t0 = now();
	int rc;

	if (!s)
		return CV_ENOMEM;
	rc = cv_course_load(&s->course, path, errs);
	if (!rc)
		rc = load_students(s, errs);
	/* calendars/<id>.ics: busy time and VAVAILABILITY windows (a no-op without the key) */
	if (!rc)
		rc = cv_calin_apply_roster(s->roster, s->course, errs);
	if (rc) {
		cv_schedule_free(s);
		return rc;
	}
	s->times.read = now() - t0;
	*out = s;
	return CV_OK;
}

/* "Tue 14:00" -> candidate index.  Returns 0 or CV_EUSAGE with the problem recorded. */
static int resolve_pin(size_t *out, const cv_grid *g, const char *text, cv_errors *errs)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	cv_where where = {NULL, 0, 0};
	char day[4];
	unsigned h, m, d;
	int used = 0;
	cv_slot slot;

	if (sscanf(text, "%3s %u:%u%n", day, &h, &m, &used) != 3 || text[used] || h > 23 || m > 59)
		goto bad;
	for (d = 0; d < CV_WEEK_DAYS && strcasecmp(day, days[d]); d++)
		;
	if (d == CV_WEEK_DAYS)
		goto bad;
	slot.weekday = (uint8_t)d;
	slot.start = (uint16_t)(h * CV_HOUR_MINUTES + m);
	if (cv_grid_find(out, g, slot))
		return cv_errors_add(errs, CV_EUSAGE, &where, 0, "--pin \"%s\" is not a candidate "
				     "(outside the teaching window or off the granularity grid)",
				     text);
	return CV_OK;
bad:
	return cv_errors_add(errs, CV_EUSAGE, &where, 0, "--pin \"%s\": expected a weekday and a "
			     "time like \"Tue 14:00\"", text);
}

/* 1 if the session starting at week minute t overlaps window w on the week's cycle. */
static int overlaps(unsigned t, unsigned duration, const cv_window *w)
{
	long cycle = CV_WEEK_MINUTES;
	unsigned d;
	int k;

	for (d = 0; d < CV_WEEK_DAYS; d++) {
		long a, b;
		if (!(w->days & (1u << d)))
			continue;
		a = (long)d * CV_DAY_MINUTES + w->start;
		b = (long)d * CV_DAY_MINUTES + (w->end > w->start ? w->end : w->end + CV_DAY_MINUTES);
		for (k = -1; k <= 1; k++)
			if (a + k * cycle < (long)(t + duration) && (long)t < b + k * cycle)
				return 1;
	}
	return 0;
}

/*
 * Mark the candidates whose session overlaps the exclusion `text` (home
 * zone; a bare day list excludes whole days).  Returns 0, CV_EUSAGE with
 * the problem recorded, or CV_ENOMEM.
 */
static int resolve_exclude(uint8_t *excluded, const cv_grid *g, const char *text,
			   cv_errors *errs)
{
	cv_where where = {NULL, 0, 0}, arg = {"--exclude", 0, 0};
	char spec[256];
	cv_window *w = NULL;
	size_t n = 0, c, j;
	int rc;

	snprintf(spec, sizeof(spec), "%s%s", text, strchr(text, ':') ? "" : " 00:00-24:00");
	rc = cv_windows_parse(&w, &n, spec, &arg, NULL);
	if (rc == CV_ENOMEM)
		return rc;
	if (rc) {
		cv_errors_add(errs, CV_EUSAGE, &where, 0, "--exclude \"%s\": expected days (\"Fri\", "
			      "\"Sat-Sun\") or a window (\"Mon 08:00-10:00\")", text);
		cv_windows_parse(&w, &n, spec, &arg, errs); /* again, to say what is wrong */
		free(w);
		return CV_EUSAGE;
	}
	for (c = 0; c < cv_grid_candidates(g); c++)
		for (j = 0; j < n; j++)
			if (overlaps(cv_grid_week_minute(g, c), cv_grid_course(g)->duration, &w[j]))
				excluded[c] = 1;
	free(w);
	return CV_OK;
}

int cv_schedule_prepare(cv_schedule *s, const cv_schedule_options *o, cv_errors *errs)
{
	cv_where where = {NULL, 0, 0};
	double t0 = now();
	size_t i;
	int rc = CV_OK;

	if (!s->roster || s->grid)
		return CV_EUSAGE;
	if (o->npins > CV_COUNT_MAX || o->nexcludes > CV_EXCLUDES_MAX)
		return cv_errors_add(errs, CV_EUSAGE, &where, 0, "too many --%s options",
				     o->npins > CV_COUNT_MAX ? "pin" : "exclude");
	rc = cv_grid_build_threads(&s->grid, s->course, s->roster, o->threads);
	for (i = 0; !rc && i < o->npins; i++)
		rc = resolve_pin(&s->pins[i], s->grid, o->pins[i], errs);
	s->npins = o->npins;
	if (!rc && o->nexcludes) {
		s->excluded = calloc(cv_grid_candidates(s->grid) + 1, 1);
		rc = s->excluded ? CV_OK : CV_ENOMEM;
	}
	for (i = 0; !rc && i < o->nexcludes; i++)
		rc = resolve_exclude(s->excluded, s->grid, o->excludes[i], errs);
	s->time_limit = o->time_limit;
	s->top = o->top;
	s->threads = o->threads;
	s->prepared = !rc;
	s->times.grid = now() - t0;
	return rc;
}

static void solve_options(cv_solve_options *so, const cv_schedule *s)
{
	memset(so, 0, sizeof(*so));
	so->time_limit = s->time_limit;
	so->threads = s->threads;
	so->pins = s->pins;
	so->npins = s->npins;
	so->excluded = s->excluded;
}

int cv_schedule_write_lp(FILE *f, const cv_schedule *s)
{
	cv_solve_options so;

	if (!s->prepared)
		return CV_EUSAGE;
	solve_options(&so, s);
	return cv_lp_write(f, s->grid, &so);
}

int cv_schedule_solve(cv_schedule *s, cv_errors *errs)
{
	cv_where where = {s->course ? s->course->path : NULL, 0, 0};
	cv_solution sol, *ranked = NULL;
	cv_solve_options so;
	size_t nranked = 0;
	double t0 = now(), t1;
	int rc;

	if (!s->prepared || s->plan)
		return CV_EUSAGE;
	solve_options(&so, s);
	if (s->top) {
		ranked = calloc(s->top, sizeof(*ranked));
		rc = ranked ? cv_solve_top(ranked, &nranked, s->top, s->grid, &so) : CV_ENOMEM;
		if (!rc)
			sol = ranked[0];
	} else {
		rc = cv_solve(&sol, s->grid, &so);
	}
	if (rc == CV_ENOSLOT)
		cv_errors_add(errs, CV_ENOSLOT, &where, 0, "no set of %u sessions fits the teaching "
			      "window%s", s->course->count,
			      s->npins || s->excluded ? " with the pinned and excluded slots" : "");
	t1 = now();
	if (!rc)
		rc = cv_plan_build(&s->plan, s->grid, &sol);
	if (!rc && ranked)
		rc = cv_plan_set_ranked(s->plan, s->grid, ranked, nranked);
	free(ranked);
	s->times.solve = t1 - t0;
	s->times.plan = now() - t1;
	if (!rc && sol.count < s->course->count)
		cv_errors_warn(errs, &where, 0, "only %zu of %u sessions fit the teaching window "
			       "with min-gap", sol.count, s->course->count);
	return rc;
}

cv_schedule_times cv_schedule_timing(const cv_schedule *s)
{
	return s->times;
}

const cv_course *cv_schedule_course(const cv_schedule *s)
{
	return s->course;
}

const cv_roster *cv_schedule_roster(const cv_schedule *s)
{
	return s->roster;
}

const cv_grid *cv_schedule_grid(const cv_schedule *s)
{
	return s->grid;
}

const cv_plan *cv_schedule_plan(const cv_schedule *s)
{
	return s->plan;
}

const cv_responses *cv_schedule_responses(const cv_schedule *s)
{
	return s->responses;
}

void cv_schedule_free(cv_schedule *s)
{
	if (!s)
		return;
	cv_plan_free(s->plan);
	cv_grid_free(s->grid);
	cv_roster_free(s->roster);
	cv_responses_free(s->responses);
	cv_course_free(s->course);
	free(s->excluded);
	free(s);
}
