/*
 * publish.c - the publishing step: a plan's calendars, and with itip its
 * e-mail invitations, staged into one directory set and switched into place.
 *
 * Every previous calendar is read once.  The calendar writer stamps each
 * new event against it and records what it decided (new, same, changed);
 * the e-mail part sends exactly those decisions and cancels what the new
 * calendar lacks, from the same parsed previous calendar.  Nothing decides
 * "changed" a second time (ics_history.c holds the one rule).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convene/publish.h"
#include "array_int.h"
#include "ics_int.h"
#include "publish_int.h"

#define INSTRUCTOR_FILE "instructor.ics"

/* What a calendar's events did, for the listing: the calendars in the order they were added. */
typedef struct calendar_note {
	char *rel;
	cv_ics_changes events;
} calendar_note;

/* One run. */
typedef struct run {
	const cv_plan *plan;
	const cv_publish_options *o;
	cv_publish *pub;
	cv_errors *errs;
	cv_publish_summary sum;
	Cv_publish_mail mail;   /* with o->itip */
	Cv_array_t(calendar_note) notes;
	size_t next_note;       /* the listing's position in notes */
} run;

int cv_publish_clock(int64_t *out, cv_errors *errs)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	cv_where where = {NULL, 0, 0};
	char *end;
	long long v;

	if (!e || !*e) {
		*out = (int64_t)time(NULL);
		return CV_OK;
	}
	errno = 0;
	v = strtoll(e, &end, 10);
	if (*end || v < 0 || errno)
		return cv_errors_add(errs, CV_EUSAGE, &where, 0, "SOURCE_DATE_EPOCH=\"%s\" is not a "
				     "number of seconds since 1970-01-01T00:00:00Z", e);
	*out = v;
	return CV_OK;
}

/*
 * The calendar that DIR/rel replaces, read once into *file and parsed into
 * *out (NULL when there is none).  One convene cannot read does not stop
 * the publish: its events count as new, and the user is told.  Returns 0 or
 * CV_ENOMEM.
 */
static int previous(cv_ics_history **out, Cv_published *file, run *r, const char *rel)
{
	cv_where where = {NULL, 0, 0};
	char shown[CV_ERROR_FILE_MAX];
	cv_errors *why = NULL;
	int rc = cv_errors_new(&why);

	*out = NULL;
	memset(file, 0, sizeof(*file));
	if (!rc)
		rc = Cv_publish_read(file, r->pub, rel, CV_ICS_HISTORY_MAX, why);
	if (rc == CV_OK)
		rc = cv_ics_history_new(out, file->text, file->len);
	snprintf(shown, sizeof(shown), "%s/%s", r->o->dir, rel);
	where.file = shown;
	if (rc == CV_EDATA)
		cv_errors_warn(r->errs, &where, 0, "not a calendar convene can read; its events "
			       "count as new");
	else if (rc == CV_EIO)
		cv_errors_warn(r->errs, &where, 0, "%s; its events count as new",
			       cv_errors_get(why, 0) ? cv_errors_get(why, 0)->message : "unreadable");
	cv_errors_free(why);
	return rc == CV_ENOMEM ? rc : CV_OK;
}

/* Remember what a calendar's events do, for the listing.  Returns 0 or CV_ENOMEM. */
static int note(run *r, const char *rel, const cv_ics_changes *ch)
{
	calendar_note *n;

	r->sum.events_added += ch->added;
	r->sum.events_changed += ch->changed;
	r->sum.events_removed += ch->removed;
	if (!r->o->listing)
		return CV_OK;
	if (!(n = Cv_array_alloc(r->notes)))
		return CV_ENOMEM;
	n->events = *ch;
	n->rel = strdup(rel);
	return n->rel ? CV_OK : CV_ENOMEM;
}

/*
 * Make one calendar (the instructor's: student SIZE_MAX) against the one it
 * replaces, add it to the set, and for a student with itip stage the
 * e-mails from the same decisions.  Returns 0 or a CV_E* code.
 */
static int publish_calendar(run *r, const char *rel, size_t student)
{
	const cv_student *st = NULL;
	Cv_ics_outcomes decided = {CV_ARRAY_INIT, 0};
	cv_ics_history *prev = NULL;
	Cv_published file;
	cv_ics_options io;
	cv_ics_changes ch;
	char *text = NULL;
	size_t len = 0;
	int rc = previous(&prev, &file, r, rel);

	memset(&io, 0, sizeof(io));
	io.dtstamp = r->o->now;
	io.prior = prev;
	io.changes = &ch;
	if (student != SIZE_MAX) {
		st = &r->plan->roster->students[r->plan->students[student].student];
		if (r->o->itip) {
			io.sequence_floor = cv_itip_ledger_next;
			io.sequence_ctx = r->mail.ledger;
		}
	}
	if (!rc)
		rc = st ? Cv_ics_student_write(&text, &len, r->plan, student, &io, &decided)
			: Cv_ics_instructor_write(&text, &len, r->plan, &io, &decided);
	if (!rc)
		rc = note(r, rel, &ch);
	if (!rc)
		rc = Cv_publish_add_read(r->pub, rel, text, len, &file, r->errs);
	/* before the commit replaces the previous calendar the messages are made from */
	if (!rc && st && r->o->itip)
		rc = Cv_publish_mail_student(&r->mail, r->pub, st, text, len, prev, &decided,
					     r->errs);
	free(text);
	Cv_published_clear(&file);
	cv_ics_history_free(prev);
	Cv_ics_outcomes_clear(&decided);
	return rc;
}

static int publish_calendars(run *r)
{
	const cv_plan *p = r->plan;
	char rel[CV_PUBLISH_PATH_MAX];
	size_t i;
	int rc = publish_calendar(r, INSTRUCTOR_FILE, SIZE_MAX);

	for (i = 0; !rc && i < p->nstudents; i++) {
		const cv_student *st = &p->roster->students[p->students[i].student];
		if ((size_t)snprintf(rel, sizeof(rel), "students/%s.ics", st->id) >= sizeof(rel))
			return CV_EDATA; /* ids are at most CV_STUDENT_ID_MAX bytes */
		rc = publish_calendar(r, rel, i);
	}
	r->sum.calendars = p->nstudents + 1;
	return rc;
}

/* cv_publish_visit for cv_publish_list_changes(): the caller's listing, with event counts. */
static int list_one(void *ctx, cv_publish_change change, const char *rel)
{
	run *r = ctx;
	cv_publish_entry e;

	e.change = change;
	e.relpath = rel;
	e.events = NULL;
	/* the calendars come in the order they were added, other files between them */
	if (change != CV_PUBLISH_REMOVED && r->next_note < r->notes.size &&
	    !strcmp(r->notes.ptr[r->next_note].rel, rel))
		e.events = &r->notes.ptr[r->next_note++].events;
	return r->o->listing(r->o->listing_ctx, &e);
}

static void run_free(run *r)
{
	size_t i;

	cv_publish_free(r->pub);
	if (r->o->itip)
		Cv_publish_mail_free(&r->mail);
	for (i = 0; i < r->notes.size; i++)
		free(r->notes.ptr[i].rel);
	Cv_array_clear(r->notes);
}

int cv_publish_plan(cv_publish_summary *out, const cv_plan *plan,
		    const cv_publish_options *options, cv_errors *errs)
{
	cv_publish_files files;
	run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.plan = plan;
	r.o = options;
	r.errs = errs;
	/* A dry run stages nothing and leaves no lock file behind: DIR stays as it is. */
	rc = options->dry_run ? cv_publish_open_dry(&r.pub, options->dir, errs)
			      : cv_publish_open(&r.pub, options->dir, errs);
	if (!rc && options->itip)
		rc = Cv_publish_mail_init(&r.mail, r.pub, plan->course, options->now, errs);
	if (!rc)
		rc = publish_calendars(&r);
	if (!rc && options->itip)
		rc = Cv_publish_mail_finish(&r.mail, r.pub, plan->roster, errs);
	if (!rc && !options->dry_run)
		rc = cv_publish_commit(r.pub, errs);
	if (!rc && !(rc = cv_publish_changes(&files, r.pub))) {
		r.sum.files_added = files.added;
		r.sum.files_changed = files.changed;
		r.sum.files_unchanged = files.unchanged;
		r.sum.files_removed = files.removed;
	}
	if (!rc && options->listing)
		rc = cv_publish_list_changes(r.pub, list_one, &r);
	if (rc == CV_EIO && !cv_errors_code(errs)) {
		cv_where where = {options->dir, 0, 0};
		cv_errors_add(errs, CV_EIO, &where, 0, "cannot list the published files: %s",
			      strerror(errno));
	}
	if (!rc) {
		r.sum.requests = r.mail.requests;
		r.sum.cancels = r.mail.cancels;
		*out = r.sum;
	}
	run_free(&r);
	return rc;
}
