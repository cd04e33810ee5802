/*
 * plan.c - from chosen slots to what every student does each week.
 *
 * The grid's groups only carry counts, so the plan recomputes each
 * student's availability over the term and checks every occurrence of the
 * sessions that student is expected at (DESIGN.md, time rule 5).
 */
#include <stdlib.h>
#include <string.h>

#include "convene/plan.h"
#include "solve_ext_int.h"

/* cv_absence keeps roster indices in 32 bits. */
_Static_assert(CV_ROSTER_ROWS_MAX <= UINT32_MAX, "roster indices fit cv_absence.student");

const char *cv_miss_text(cv_miss miss)
{
	switch (miss) {
	case CV_MISS_NONE: return "you attend live";
	case CV_MISS_AWAY: return "you are away that day";
	case CV_MISS_BUSY: return "your calendar is busy then";
	case CV_MISS_CLOCKS: return "a clock change moves the session out of your hours";
	case CV_MISS_HOURS: return "the session is outside your hours";
	case CV_MISS_FULL: return "the section is full: you follow its recording";
	}
	return "unknown";
}

static void free_sessions(cv_session *s, size_t n)
{
	size_t i;
	for (i = 0; s && i < n; i++) {
		free(s[i].occurrences);
		free(s[i].students);
	}
	free(s);
}

void cv_plan_free(cv_plan *plan)
{
	size_t i;
	if (!plan)
		return;
	free_sessions(plan->sessions, plan->nsessions);
	for (i = 0; plan->expect_arrays && i < plan->nexpect_arrays; i++)
		free(plan->expect_arrays[i]);
	free(plan->expect_arrays);
	free(plan->ranked);
	free(plan->students);
	free(plan->absences);
	free(plan->weeks);
	free(plan);
}

static int build_sessions(cv_plan *p, const cv_grid *g)
{
	const cv_solution *sol = &p->solution;
	size_t i, w, nweeks = cv_grid_weeks(g);

	p->sessions = calloc(sol->count + 1, sizeof(*p->sessions));
	if (!p->sessions)
		return CV_ENOMEM;
	p->nsessions = sol->count;
	for (i = 0; i < sol->count; i++) {
		cv_session *s = &p->sessions[i];
		s->index = (unsigned)i + 1;
		s->candidate = sol->slots[i];
		s->slot = cv_grid_slot(g, s->candidate);
		s->duration = cv_grid_duration(g, s->candidate);
		s->occurrences = calloc(nweeks + 1, sizeof(*s->occurrences));
		if (!s->occurrences)
			return CV_ENOMEM;
		for (w = 0; w < nweeks; w++) {
			cv_occurrence *o = &s->occurrences[s->noccurrences];
			unsigned phase;
			if (cv_grid_occurrence(&o->start, g, s->candidate, w))
				continue;
			/* rotation: slot i serves the weeks of phase i */
			if (cv_grid_phases(g) > 1 && (cv_grid_week_phase(&phase, g, w) || phase != i))
				continue;
			o->end = o->start + (int64_t)s->duration * CV_MINUTE_SECONDS;
			o->date = cv_day_of(cv_zone_to_wall(p->course->zone, o->start));
			o->week = (unsigned)w;
			s->noccurrences++;
		}
	}
	return CV_OK;
}

/* Sections: the session with the most attended occurrences, then the most
 * preferred, then the earliest in the home week. */
static int assigned_section(const cv_plan *p, const cv_grid *g, size_t group)
{
	size_t i;
	int best = 0;
	unsigned ba = 0, bp = 0;

	for (i = 0; i < p->nsessions; i++) {
		unsigned a = cv_grid_attend(g, group, p->sessions[i].candidate);
		unsigned pr = cv_grid_preferred(g, group, p->sessions[i].candidate);
		if (i == 0 || a > ba || (a == ba && pr > bp)) {
			best = (int)i;
			ba = a;
			bp = pr;
		}
	}
	return best;
}

/* Sections with capacity or min-share: who is in which section, and with
 * capacity who is live (the search's own assignment); NULL otherwise. */
typedef struct assignment {
	size_t *section;  /* per roster student: index into the plan's sessions */
	uint8_t *live;    /* per roster student, with capacity only */
} assignment;

static int assign_sections(assignment *as, const cv_plan *p, const cv_grid *g, const size_t *cands)
{
	const cv_course *c = p->course;
	uint8_t *live;
	int rc;

	if (c->mode != CV_MODE_SECTIONS || !p->nsessions || (!c->capacity && !c->min_share))
		return CV_OK;
	as->section = malloc(sizeof(*as->section) * (p->nstudents + 1));
	live = malloc(p->nstudents + 1);
	if (!as->section || !live) {
		free(live);
		return CV_ENOMEM;
	}
	rc = Cv_capacity_assign(as->section, live, g, cands, p->nsessions);
	if (c->capacity && !rc)
		as->live = live;
	else
		free(live);
	return rc;
}

/* Which expects array student i (definition d) uses. */
static size_t expect_slot(const cv_plan *p, const assignment *as, size_t i, size_t d)
{
	if (!as->live)
		return d;
	return (d * (p->nsessions ? p->nsessions : 1) + as->section[i]) * 2 + as->live[i];
}

static int32_t relative_offset(const cv_zone *student, const cv_zone *home, int64_t t)
{
	return cv_zone_offset(student, t) - cv_zone_offset(home, t);
}

/*
 * The first transition of either zone in (from, to] after which the
 * student's offset from the home zone is no longer what it is at `from`,
 * or 0; *which is the zone that changes then (the student's when both do
 * at once).  A change of both zones by the same amount (London and Berlin
 * on the same instant) moves nothing and is skipped.
 */
static int64_t moving_change(const cv_zone **which, const cv_zone *student, const cv_zone *home,
			     int64_t from, int64_t to)
{
	int32_t before = relative_offset(student, home, from);
	int64_t lo = from + 1;

	*which = NULL;
	while (lo <= to) {
		cv_transition ts, th;
		int64_t best = 0;
		const cv_zone *z = NULL;
		if (cv_zone_transitions(&ts, 1, student, lo, to + 1)) {
			best = ts.at;
			z = student;
		}
		if (cv_zone_transitions(&th, 1, home, lo, to + 1) && (!z || th.at < best)) {
			best = th.at;
			z = home;
		}
		if (!z)
			return 0;
		if (relative_offset(student, home, best) != before) {
			*which = z;
			return best;
		}
		lo = best + 1;
	}
	return 0;
}

/*
 * Why student st misses occurrence e (whether each occurrence is live is
 * already marked in all[0..n)).  The rule, in this order:
 *
 * - "away" when either end of the occurrence falls on an away date;
 * - "busy" when a busy interval of the student's calendar overlaps it;
 * - "clocks" when the student attends the same session live in an EARLIER
 *   week (the last such week is taken) and the difference between the
 *   student's and the home zone's UTC offsets at that week's occurrence
 *   differs from this one's: the session used to fit, and a change between
 *   the two (the first one that alters the difference, named in
 *   e->clock_change and e->clock_zone) moved it out;
 * - "hours" otherwise.  In particular a miss BEFORE the first week the
 *   student attends is "hours" even when a later change brings the session
 *   into their hours: it was outside them all along, and "a clock change
 *   moves the session out of your hours" would be false.  Likewise when the
 *   difference is the same as in the last attended week, nothing moved.
 */
static void explain(cv_expect *e, const cv_plan *p, const cv_student *st, const cv_expect *all,
		    size_t n)
{
	const cv_session *s = &p->sessions[e->session];
	const cv_occurrence *o = &s->occurrences[e->occurrence];
	const cv_zone *home = p->course->zone, *zone = cv_avail_zone(st->avail);
	const cv_occurrence *last = NULL;
	size_t i;

	if (cv_avail_is_away(st->avail, o->start) || cv_avail_is_away(st->avail, o->end - 1)) {
		e->miss = CV_MISS_AWAY;
		return;
	}
	if (cv_avail_is_busy(st->avail, o->start, o->end)) {
		e->miss = CV_MISS_BUSY;
		return;
	}
	for (i = 0; i < n; i++) {
		const cv_occurrence *x;
		if (all[i].session != e->session || all[i].miss != CV_MISS_NONE)
			continue;
		x = &s->occurrences[all[i].occurrence];
		if (x->start < o->start && (!last || x->start > last->start))
			last = x;
	}
	if (last && relative_offset(zone, home, last->start) != relative_offset(zone, home, o->start)) {
		e->clock_change = moving_change(&e->clock_zone, zone, home, last->start, o->start);
		if (e->clock_change) {
			e->miss = CV_MISS_CLOCKS;
			return;
		}
	}
	e->clock_change = 0;
	e->clock_zone = NULL;
	e->miss = CV_MISS_HOURS;
}

static int expect_cmp_start(const cv_plan *p, const cv_expect *a, const cv_expect *b)
{
	int64_t x = p->sessions[a->session].occurrences[a->occurrence].start;
	int64_t y = p->sessions[b->session].occurrences[b->occurrence].start;
	return (x > y) - (x < y);
}

/* Insertion sort: series have at most CV_COUNT_MAX interleaved, already sorted runs. */
static void sort_expects(const cv_plan *p, cv_expect *e, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		cv_expect x = e[i];
		for (j = i; j > 0 && expect_cmp_start(p, &e[j - 1], &x) > 0; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

/* Bit `week` of the weeks block of definition d, session i, pref (see
 * cv_grid_definition_weeks(); the plan asks for its sessions in order). */
static int attends(const uint64_t *weeks, size_t nsessions, size_t d, size_t i, int pref,
		   unsigned week)
{
	const uint64_t *block = weeks + ((d * nsessions + i) * 2 + (size_t)pref) * CV_WEEK_WORDS;
	return (block[week / 64] >> (week % 64)) & 1;
}

/* Fill the plan of student idx, of availability definition d, whose expects
 * array (owned by the plan) is stored at p->expect_arrays[d]. */
static int build_student(cv_plan *p, const cv_grid *g, const uint64_t *weeks, size_t idx,
			 size_t d, const assignment *as)
{
	const cv_student *st = &p->roster->students[idx];
	cv_student_plan *sp = &p->students[idx];
	cv_expect *ex;
	size_t total = 0, i, j, first, last;
	int full = as->live && !as->live[idx];

	sp->student = idx;
	sp->section = p->course->mode != CV_MODE_SECTIONS ? -1
		      : as->section ? (int)as->section[idx]
				    : assigned_section(p, g, cv_grid_student_group(g, idx));
	first = sp->section < 0 ? 0 : (size_t)sp->section;
	last = sp->section < 0 ? p->nsessions : first + 1;
	for (i = first; i < last; i++)
		total += p->sessions[i].noccurrences;
	ex = calloc(total + 1, sizeof(*ex));
	if (!ex)
		return CV_ENOMEM;
	p->expect_arrays[expect_slot(p, as, idx, d)] = ex;
	sp->expects = ex;
	for (i = first; i < last; i++) {
		const cv_session *s = &p->sessions[i];
		for (j = 0; j < s->noccurrences; j++) {
			cv_expect *e = &ex[sp->nexpects++];
			const cv_occurrence *o = &s->occurrences[j];
			e->session = (unsigned)i;
			e->occurrence = (unsigned)j;
			if (full && attends(weeks, p->nsessions, d, i, 0, o->week)) {
				e->miss = CV_MISS_FULL; /* capacity: could be live, is not */
			} else if (attends(weeks, p->nsessions, d, i, 0, o->week)) {
				e->miss = CV_MISS_NONE;
				e->preferred = attends(weeks, p->nsessions, d, i, 1, o->week);
				sp->nlive++;
			} else {
				e->miss = CV_MISS_HOURS; /* refined below */
			}
		}
	}
	for (i = 0; i < sp->nexpects; i++)
		if (ex[i].miss != CV_MISS_NONE && ex[i].miss != CV_MISS_FULL)
			explain(&ex[i], p, st, ex, sp->nexpects);
	if (sp->section < 0)
		sort_expects(p, ex, sp->nexpects);
	return CV_OK;
}

/*
 * Students with the same availability definition share one expects array:
 * the work and the memory follow the distinct definitions, not the roster.
 * With capacity two of them may differ in section and in being live, so
 * they share one per definition, section and live.  Which weeks each
 * definition attends comes from the grid, computed as its counts were (so
 * the plan never disagrees with what was optimised).
 */
static int build_students(cv_plan *p, const cv_grid *g)
{
	size_t ndef = cv_grid_definitions(g), i, nslot;
	size_t *first = NULL;
	size_t *cands = malloc(sizeof(size_t) * (p->nsessions + 1));
	uint64_t *weeks = NULL;
	assignment as = {NULL, NULL};
	int rc = CV_ENOMEM;

	if (!cands)
		goto out;
	for (i = 0; i < p->nsessions; i++)
		cands[i] = p->sessions[i].candidate;
	if ((rc = assign_sections(&as, p, g, cands)))
		goto out;
	rc = CV_ENOMEM;
	nslot = as.live ? ndef * 2 * (p->nsessions ? p->nsessions : 1) : ndef;
	first = malloc(sizeof(size_t) * (nslot + 1));
	p->expect_arrays = calloc(nslot + 1, sizeof(*p->expect_arrays));
	if (!first || !p->expect_arrays)
		goto out;
	p->nexpect_arrays = nslot;
	if ((rc = cv_grid_definition_weeks(&weeks, g, cands, p->nsessions)))
		goto out;
	for (i = 0; i < nslot; i++)
		first[i] = (size_t)-1;
	for (i = 0; !rc && i < p->nstudents; i++) {
		size_t d = cv_grid_student_definition(g, i), at = expect_slot(p, &as, i, d);
		if (first[at] == (size_t)-1) {
			first[at] = i;
			rc = build_student(p, g, weeks, i, d, &as);
		} else {
			p->students[i] = p->students[first[at]];
			p->students[i].student = i;
		}
	}
out:
	free(as.section);
	free(as.live);
	free(weeks);
	free(cands);
	free(first);
	return rc;
}

static int list_students(cv_plan *p)
{
	size_t i, j;
	for (i = 0; i < p->nsessions; i++) {
		cv_session *s = &p->sessions[i];
		s->students = malloc(sizeof(size_t) * (p->nstudents + 1));
		if (!s->students)
			return CV_ENOMEM;
		for (j = 0; j < p->nstudents; j++)
			if (p->students[j].section < 0 || (size_t)p->students[j].section == i)
				s->students[s->nstudents++] = j;
	}
	return CV_OK;
}

int cv_plan_build(cv_plan **out, const cv_grid *g, const cv_solution *solution)
{
	cv_plan *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return CV_ENOMEM;
	p->course = cv_grid_course(g);
	p->roster = cv_grid_roster(g);
	p->solution = *solution;
	rc = build_sessions(p, g);
	if (!rc) {
		p->nstudents = p->roster->count;
		p->students = calloc(p->nstudents + 1, sizeof(*p->students));
		if (!p->students)
			rc = CV_ENOMEM;
	}
	if (!rc)
		rc = build_students(p, g);
	if (!rc)
		rc = list_students(p);
	if (!rc)
		rc = cv_plan_tally(p);
	if (rc) {
		cv_plan_free(p);
		return rc;
	}
	*out = p;
	return CV_OK;
}

/* ---- who misses what (cv_plan_tally) ---- */

/* The occurrence expect e of student plan sp is absent from, or NULL when it
 * is attended live or names nothing of the plan. */
static cv_occurrence *absent_from(const cv_plan *p, const cv_student_plan *sp,
				  const cv_expect *e)
{
	if (sp->student >= p->roster->count || e->miss == CV_MISS_NONE ||
	    e->session >= p->nsessions || e->occurrence >= p->sessions[e->session].noccurrences)
		return NULL;
	return &p->sessions[e->session].occurrences[e->occurrence];
}

/* Forget a tally; returns the number of term weeks the occurrences span. */
static size_t untally(cv_plan *p)
{
	size_t si, oi, nweeks = 0;

	for (si = 0; si < p->nsessions; si++) {
		for (oi = 0; oi < p->sessions[si].noccurrences; oi++) {
			cv_occurrence *o = &p->sessions[si].occurrences[oi];
			o->absent = NULL;
			o->nabsent = 0;
			memset(o->nabsent_for, 0, sizeof(o->nabsent_for));
			if (o->week >= nweeks)
				nweeks = (size_t)o->week + 1;
		}
	}
	free(p->absences);
	free(p->weeks);
	p->absences = NULL;
	p->weeks = NULL;
	p->nabsences = p->nweeks = 0;
	return nweeks;
}

/* Point every occurrence at its stretch of p->absences, sized by a first count. */
static void place_absences(cv_plan *p)
{
	size_t i, j, at = 0;

	for (i = 0; i < p->nstudents; i++)
		for (j = 0; j < p->students[i].nexpects; j++) {
			cv_occurrence *o = absent_from(p, &p->students[i], &p->students[i].expects[j]);
			if (o)
				o->nabsent++;
		}
	for (i = 0; i < p->nsessions; i++)
		for (j = 0; j < p->sessions[i].noccurrences; j++) {
			cv_occurrence *o = &p->sessions[i].occurrences[j];
			o->absent = p->absences + at;
			at += o->nabsent;
			o->nabsent = 0; /* counted again as they are written */
		}
}

int cv_plan_tally(cv_plan *p)
{
	size_t nweeks = untally(p), total = 0, i, j, *stamp;

	for (i = 0; i < p->nstudents; i++)
		for (j = 0; j < p->students[i].nexpects; j++)
			total += absent_from(p, &p->students[i], &p->students[i].expects[j]) != NULL;
	p->absences = malloc(sizeof(*p->absences) * (total + 1));
	p->weeks = calloc(nweeks + 1, sizeof(*p->weeks));
	stamp = calloc(nweeks + 1, sizeof(*stamp)); /* the last student counted in a week, + 1 */
	if (!p->absences || !p->weeks || !stamp) {
		free(stamp);
		untally(p);
		return CV_ENOMEM;
	}
	p->nabsences = total;
	p->nweeks = nweeks;
	place_absences(p);
	for (i = 0; i < p->nstudents; i++) {
		const cv_student_plan *sp = &p->students[i];
		for (j = 0; j < sp->nexpects; j++) {
			const cv_expect *e = &sp->expects[j];
			cv_occurrence *o = absent_from(p, sp, e);
			cv_absence *a;
			if (!o)
				continue;
			a = p->absences + (o->absent - p->absences) + o->nabsent++;
			a->student = (uint32_t)sp->student;
			a->miss = e->miss;
			if ((unsigned)e->miss < CV_MISS_REASONS)
				o->nabsent_for[e->miss]++;
			p->weeks[o->week].missed++;
			if (stamp[o->week] != i + 1) {
				stamp[o->week] = i + 1;
				p->weeks[o->week].students++;
			}
		}
	}
	free(stamp);
	return CV_OK;
}

int cv_plan_set_ranked(cv_plan *plan, const cv_grid *grid, const cv_solution *ranked, size_t n)
{
	cv_ranked *r = calloc(n + 1, sizeof(*r));
	size_t i, j;

	if (!r)
		return CV_ENOMEM;
	for (i = 0; i < n; i++) {
		r[i].score = ranked[i].score;
		r[i].count = ranked[i].count;
		for (j = 0; j < ranked[i].count; j++)
			r[i].slots[j] = cv_grid_slot(grid, ranked[i].slots[j]);
	}
	free(plan->ranked);
	plan->ranked = r;
	plan->nranked = n;
	return CV_OK;
}
