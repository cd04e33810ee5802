/*
 * store_merge.c - the roster file and the collected answers as one roster,
 * by the precedence convene/store.h states.  check, solve, publish and the
 * web server all plan from this one merge.
 */
#include <stdlib.h>
#include <string.h>

#include "convene/store.h"
#include "array_int.h"
#include "roster_int.h"

/* Warnings name at most this many students; the rest are counted. */
#define NAMED_MAX 8

typedef struct merge {
	const cv_course *course;
	cv_store *store;
	cv_errors *errs;
	cv_roster *out;
	cv_responses *resp;
	size_t source_cap, pending_cap;
	/* the student being added */
	const char *id, *name, *email;
	unsigned weight, line;
	cv_source source;
	int answered; /* the store has the student's answer (usable or not) */
	int failed;   /* CV_EDATA or CV_ENOMEM once anything went wrong */
} merge;

void cv_responses_free(cv_responses *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->npending; i++) {
		free(r->pending[i].id);
		free(r->pending[i].name);
		free(r->pending[i].email);
	}
	free(r->pending);
	free(r->source);
	free(r);
}

static void fail(merge *m, int code)
{
	if (code == CV_ENOMEM || !m->failed)
		m->failed = code;
}

/* Add the current student to the merged roster, taking `avail`. */
static void add(merge *m, const char *locale, const cv_zone *zone, cv_avail *avail)
{
	cv_student st;
	int rc;

	memset(&st, 0, sizeof(st));
	st.id = (char *)m->id;
	st.name = (char *)m->name;
	st.email = (char *)m->email;
	st.locale = (char *)locale;
	st.zone = zone;
	st.avail = avail;
	st.weight = m->weight;
	st.line = m->line;
	rc = Cv_array_ensure(m->resp->source, m->source_cap, m->out->count + 1);
	if (!rc)
		rc = cv_roster_add(m->out, &st);
	if (rc == CV_EDATA) {
		cv_where w = {cv_store_path(m->store), 0, 0};
		cv_errors_add(m->errs, rc, &w, 0, "student %s differs from another student's id "
			      "only in letter case", m->id);
	}
	if (rc) {
		cv_avail_free(avail);
		fail(m, rc);
		return;
	}
	m->resp->source[m->out->count - 1] = m->source;
	m->resp->nstudents = m->out->count;
}

/* The current student has neither hours nor an answer. */
static void pend(merge *m)
{
	cv_pending *p;

	if (Cv_array_ensure(m->resp->pending, m->pending_cap, m->resp->npending + 1)) {
		fail(m, CV_ENOMEM);
		return;
	}
	p = &m->resp->pending[m->resp->npending];
	p->id = strdup(m->id);
	p->name = strdup(m->name);
	p->email = strdup(m->email);
	p->line = m->line;
	m->resp->npending++;
	if (!p->id || !p->name || !p->email)
		fail(m, CV_ENOMEM);
}

/* cv_store_get_answer()'s callback: the answer gives the current student's hours. */
static int take_answer(void *ctx, const cv_answer *a)
{
	merge *m = ctx;
	cv_where w = {cv_store_path(m->store), 0, 0};
	cv_errors *tmp = NULL;
	cv_avail *av = NULL;
	size_t i;
	int rc;

	m->answered = 1;
	if (cv_errors_new(&tmp))
		return CV_ENOMEM;
	rc = cv_answer_avail(&av, a, m->course, tmp);
	/* The answer was checked when it was given; a zone tzdata has since
	 * dropped, say, is reported at the database with the student's id. */
	for (i = 0; rc && i < cv_errors_count(tmp); i++) {
		const cv_error *e = cv_errors_get(tmp, i);
		if (e)
			cv_errors_add(m->errs, e->code ? e->code : CV_EDATA, &w, 0,
				      "the answer of %s: %s:%u: %s", a->id, e->file, e->column,
				      e->message);
	}
	cv_errors_free(tmp);
	if (rc) {
		fail(m, rc);
		return CV_OK;
	}
	m->resp->answered++;
	add(m, a->locale, cv_avail_zone(av), av);
	return CV_OK;
}

/* The current student, from their answer when there is one: 1 if there is. */
static int from_answer(merge *m)
{
	int rc;

	m->answered = 0;
	rc = cv_store_get_answer(m->store, m->id, take_answer, m);
	if (rc == CV_ENOTFOUND)
		return 0;
	if (rc) {
		cv_where w = {cv_store_path(m->store), 0, 0};
		fail(m, cv_errors_add(m->errs, rc == CV_ENOMEM ? CV_ENOMEM : CV_EIO, &w, 0,
				      "cannot read the answer of %s", m->id));
	}
	return 1;
}

static void merge_roster(merge *m, cv_roster *file)
{
	size_t i;

	for (i = 0; i < file->count && m->failed != CV_ENOMEM; i++) {
		cv_student *st = &file->students[i];
		m->id = st->id;
		m->name = st->name;
		m->email = st->email;
		m->weight = st->weight;
		m->line = st->line;
		m->source = CV_SOURCE_ANSWER;
		if (from_answer(m))
			continue;
		m->source = CV_SOURCE_ROSTER;
		if (!st->avail) {
			pend(m);
			continue;
		}
		/* The merged roster takes the row's availability over. */
		add(m, st->locale, st->zone, st->avail);
		st->avail = NULL;
	}
}

static int merge_enrolled(void *ctx, const cv_enrolled *e)
{
	merge *m = ctx;

	if (cv_roster_find(m->out, e->id)) {
		cv_where w = {cv_store_path(m->store), 0, 0};
		cv_errors_warn(m->errs, &w, 0, "enrolled student %s is also in the roster; the "
			       "roster row is used", e->id);
		return CV_OK;
	}
	m->id = e->id;
	m->name = e->name;
	m->email = e->email;
	m->weight = 1;
	m->line = 0;
	m->source = CV_SOURCE_ENROLLED;
	if (!from_answer(m))
		pend(m);
	return m->failed == CV_ENOMEM ? CV_ENOMEM : CV_OK;
}

/* Answers that name nobody: a student taken off the roster keeps no place. */
typedef struct orphans {
	merge *m;
	size_t n;
	char named[NAMED_MAX * (CV_STUDENT_ID_MAX + 2) + 1];
} orphans;

static int find_orphan(void *ctx, const cv_answer *a)
{
	orphans *o = ctx;
	size_t i;

	if (cv_roster_find(o->m->out, a->id))
		return CV_OK;
	for (i = 0; i < o->m->resp->npending; i++)
		if (!strcmp(o->m->resp->pending[i].id, a->id))
			return CV_OK;
	if (o->n++ < NAMED_MAX) {
		size_t len = strlen(o->named);
		snprintf(o->named + len, sizeof(o->named) - len, "%s%s", len ? ", " : "", a->id);
	}
	return CV_OK;
}

static void warn_orphans(merge *m)
{
	cv_where w = {cv_store_path(m->store), 0, 0};
	orphans o;

	memset(&o, 0, sizeof(o));
	o.m = m;
	if (cv_store_foreach_answer(m->store, find_orphan, &o))
		fail(m, cv_errors_add(m->errs, CV_EIO, &w, 0, "cannot read the answers"));
	else if (o.n)
		cv_errors_warn(m->errs, &w, 0, "%zu answer%s name%s no student of the course (%s%s): "
			       "left out", o.n, o.n == 1 ? "" : "s", o.n == 1 ? "s" : "", o.named,
			       o.n > NAMED_MAX ? ", ..." : "");
}

static void warn_pending(merge *m)
{
	const cv_responses *r = m->resp;
	cv_where w = {m->course->roster_path ? m->course->roster_path : cv_store_path(m->store),
		      0, 0};
	char named[NAMED_MAX * (CV_STUDENT_ID_MAX + 2) + 1] = "";
	size_t i;

	if (!r->npending)
		return;
	for (i = 0; i < r->npending && i < NAMED_MAX; i++) {
		size_t len = strlen(named);
		snprintf(named + len, sizeof(named) - len, "%s%s", i ? ", " : "", r->pending[i].id);
	}
	cv_errors_warn(m->errs, &w, 0, "%zu student%s %s not answered yet and %s no hours in the "
		       "roster: left out of the plan (%s%s)", r->npending,
		       r->npending == 1 ? "" : "s", r->npending == 1 ? "has" : "have",
		       r->npending == 1 ? "has" : "have", named, r->npending > NAMED_MAX ? ", ..." : "");
}

int cv_store_merge(cv_roster **out, cv_responses **resp, const cv_course *course,
		   cv_store *store, cv_errors *errs)
{
	cv_roster *file = NULL;
	merge m;
	int rc = CV_OK;

	memset(&m, 0, sizeof(m));
	m.course = course;
	m.store = store;
	m.errs = errs;
	if (course->roster_path)
		rc = Cv_roster_load_pending(&file, course->roster_path, course->calendars_dir, errs);
	if (rc)
		return rc;
	m.resp = calloc(1, sizeof(*m.resp));
	if (!m.resp ||
	    cv_roster_new(&m.out, course->roster_path ? course->roster_path : cv_store_path(store))) {
		cv_roster_free(file);
		free(m.resp);
		return CV_ENOMEM;
	}
	if (file) {
		m.resp->roster = file->count;
		merge_roster(&m, file);
		cv_roster_free(file);
	}
	if (m.failed != CV_ENOMEM) {
		int r = cv_store_foreach_enrolled(store, merge_enrolled, &m);
		if (r && r != CV_ENOMEM) {
			cv_where w = {cv_store_path(store), 0, 0};
			fail(&m, cv_errors_add(errs, CV_EIO, &w, 0, "cannot read the enrolled students"));
		} else if (r) {
			fail(&m, r);
		}
	}
	if (m.failed != CV_ENOMEM)
		warn_orphans(&m);
	if (m.failed != CV_ENOMEM)
		warn_pending(&m);
	if (!m.failed && m.out->count == 0) {
		cv_where w = {cv_store_path(store), 0, 0};
		fail(&m, cv_errors_add(errs, CV_EDATA, &w, 0, "nobody to plan for yet: no student "
				       "has answered%s", m.resp->npending ? "" : " or enrolled"));
	}
	if (m.failed) {
		cv_roster_free(m.out);
		cv_responses_free(m.resp);
		return m.failed;
	}
	*out = m.out;
	*resp = m.resp;
	return CV_OK;
}
