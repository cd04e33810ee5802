/*
 * publish_mail.c - the e-mail part of the publishing step (itip): for every
 * student with an address, the REQUEST and CANCEL messages of what the
 * calendar writer decided, staged into the same atomic set as
 * itip/<id>-request.eml and itip/<id>-cancel.eml.
 *
 * A student who has left the roster has no row to take the address from,
 * so each run also publishes itip/recipients.tsv and the next run looks the
 * address up there.  itip/sequences.tsv keeps the highest SEQUENCE e-mailed
 * per UID: an event cancelled by e-mail and back later must be sent (and
 * published) above its CANCEL, and the previous calendar, which no longer
 * has it, cannot say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itip_int.h"
#include "publish_int.h"

#define RECIPIENTS "itip/recipients.tsv"
#define SEQUENCES "itip/sequences.tsv"

int Cv_publish_mail_init(Cv_publish_mail *m, cv_publish *pub, const cv_course *course,
			 int64_t now, cv_errors *errs)
{
	Cv_published file;
	cv_errors *why = NULL;
	int rc;

	memset(m, 0, sizeof(*m));
	m->options.date = now;
	m->options.title = course->title && *course->title ? course->title : course->id;
	m->options.uid_domain = course->uid_domain;
	m->roster_path = course->roster_path;
	if (cv_errors_new(&why))
		return CV_ENOMEM;
	rc = Cv_publish_read(&file, pub, SEQUENCES, CV_ITIP_CALENDAR_MAX, why);
	if (rc == CV_EIO) {
		const cv_error *e = cv_errors_get(why, 0);
		cv_where where = {e ? e->file : NULL, 0, 0};
		cv_errors_warn(errs, &where, 0, "%s; an event cancelled before and back now may be "
			       "ignored by mail clients", e ? e->message : "unreadable");
	}
	cv_errors_free(why);
	if (rc != CV_ENOMEM)
		rc = cv_itip_ledger_new(&m->ledger, file.text, file.len);
	Cv_published_clear(&file);
	m->options.ledger = m->ledger;
	return rc;
}

/*
 * Build and stage the messages for one recipient.  A student whose messages
 * cannot be built is warned about (at `where`) rather than blocking every
 * later publish.  Returns 0 or the error of staging.
 */
static int stage(Cv_publish_mail *m, cv_publish *pub, const char *id, const cv_itip_recipient *to,
		 const char *cur, size_t cur_len, const cv_ics_history *prev,
		 const Cv_ics_outcomes *decided, const cv_where *where, cv_errors *errs)
{
	cv_itip_mail mail;
	cv_errors *why = NULL;
	char path[CV_PUBLISH_PATH_MAX];
	int rc;

	if (cv_errors_new(&why))
		return CV_ENOMEM;
	rc = Cv_itip_build_decided(&mail, to, cur, cur_len, prev, decided, &m->options, why);
	if (rc == CV_EDATA)
		cv_errors_warn(errs, where, 0, "student %s: no invitation by e-mail: %s", id,
			       cv_errors_get(why, 0) ? cv_errors_get(why, 0)->message : "");
	cv_errors_free(why);
	if (rc)
		return rc == CV_EDATA ? CV_OK : rc;
	if (mail.request) {
		snprintf(path, sizeof(path), "itip/%s-request.eml", id);
		rc = cv_publish_add(pub, path, mail.request, mail.request_len, errs);
		m->requests++;
	}
	if (!rc && mail.cancel) {
		snprintf(path, sizeof(path), "itip/%s-cancel.eml", id);
		rc = cv_publish_add(pub, path, mail.cancel, mail.cancel_len, errs);
		m->cancels++;
	}
	cv_itip_mail_clear(&mail);
	return rc;
}

int Cv_publish_mail_student(Cv_publish_mail *m, cv_publish *pub, const cv_student *st,
			    const char *cal, size_t len, const cv_ics_history *prev,
			    const Cv_ics_outcomes *decided, cv_errors *errs)
{
	cv_where where = {m->roster_path, st->line, 0};
	cv_itip_recipient to;

	if (!st->email || !*st->email) {
		m->no_address++;
		return CV_OK;
	}
	if (!cv_itip_email_valid(st->email)) {
		cv_errors_warn(errs, &where, 0, "student %s: \"%s\" is not a usable e-mail "
			       "address; no invitation by e-mail", st->id, st->email);
		return CV_OK;
	}
	to.name = st->name;
	to.email = st->email;
	return stage(m, pub, st->id, &to, cal, len, prev, decided, &where, errs);
}

/* The published calendar of a student who left, read once, or NULL (warned about). */
static int departed_calendar(cv_ics_history **out, cv_publish *pub, const char *rel,
			     const cv_where *where, cv_errors *errs)
{
	Cv_published file;
	cv_errors *why = NULL;
	int rc = cv_errors_new(&why);

	*out = NULL;
	memset(&file, 0, sizeof(file));
	if (!rc)
		rc = Cv_publish_read(&file, pub, rel, CV_ITIP_CALENDAR_MAX, why);
	if (!rc)
		rc = cv_ics_history_new(out, file.text, file.len);
	if (rc == CV_EIO || rc == CV_EDATA)
		cv_errors_warn(errs, where, 0, "%s; no cancellation by e-mail",
			       rc == CV_EDATA ? "not a calendar convene can read"
					      : cv_errors_get(why, 0)->message);
	Cv_published_clear(&file);
	cv_errors_free(why);
	return rc == CV_ENOMEM ? rc : CV_OK;
}

/* Cancel the calendar of `id`, published before and not in the roster now. */
static int cancel_one(Cv_publish_mail *m, cv_publish *pub, const char *id, const char *list,
		      size_t list_len, const char *dir, cv_errors *errs)
{
	char rel[300], shown[CV_ERROR_FILE_MAX + 320], *name = NULL, *email = NULL;
	cv_where where = {shown, 0, 0};
	cv_ics_history *prev = NULL;
	cv_itip_recipient to;
	int rc = CV_OK;

	snprintf(rel, sizeof(rel), "students/%s.ics", id);
	snprintf(shown, sizeof(shown), "%s/%s", dir, rel);
	if (!list || cv_itip_recipients_find(&name, &email, list, list_len, id)) {
		cv_errors_warn(errs, &where, 0, "student %s has left the roster, but no e-mail "
			       "address is on record for them (%s/%s); no cancellation by e-mail",
			       id, dir, RECIPIENTS);
		return CV_OK;
	}
	rc = departed_calendar(&prev, pub, rel, &where, errs);
	if (!rc && prev) {
		to.name = name;
		to.email = email;
		rc = stage(m, pub, id, &to, NULL, 0, prev, NULL, &where, errs);
	}
	cv_ics_history_free(prev);
	free(name);
	free(email);
	return rc;
}

/* Cancel the calendars of students who were published before and are not in the roster now. */
static int cancel_departed(Cv_publish_mail *m, cv_publish *pub, const cv_roster *roster,
			   const char *dir, cv_errors *errs)
{
	char **files = NULL, id[256]; /* a file name is at most 255 bytes */
	Cv_published list = {CV_PUBLISHED_ABSENT, NULL, 0, 0, 0};
	size_t nfiles = 0, i;
	int have_list = -1, rc = Cv_publish_names(&files, &nfiles, pub, "students");

	for (i = 0; !rc && i < nfiles; i++) {
		size_t n = strlen(files[i]);
		if (n <= 4 || n - 4 >= sizeof(id) || strcmp(files[i] + n - 4, ".ics") ||
		    files[i][0] == '.')
			continue;
		memcpy(id, files[i], n - 4);
		id[n - 4] = '\0';
		if (cv_roster_find(roster, id))
			continue;
		if (have_list < 0) {
			/* the list is read once, and only when someone has left */
			rc = Cv_publish_read(&list, pub, RECIPIENTS, CV_ITIP_CALENDAR_MAX, NULL);
			have_list = rc == CV_OK;
			if (rc == CV_ENOMEM)
				break;
			rc = CV_OK;
		}
		rc = cancel_one(m, pub, id, have_list ? list.text : NULL, list.len, dir, errs);
	}
	Cv_publish_names_free(files, nfiles);
	Cv_published_clear(&list);
	return rc;
}

int Cv_publish_mail_finish(Cv_publish_mail *m, cv_publish *pub, const cv_roster *roster,
			   cv_errors *errs)
{
	char *text = NULL;
	size_t len = 0;
	int rc = cancel_departed(m, pub, roster, Cv_publish_path(pub), errs);

	if (!rc)
		rc = cv_itip_recipients_format(&text, &len, roster);
	if (!rc)
		rc = cv_publish_add(pub, RECIPIENTS, text, len, errs);
	free(text);
	text = NULL;
	if (!rc)
		rc = cv_itip_ledger_format(&text, &len, m->ledger);
	if (!rc)
		rc = cv_publish_add(pub, SEQUENCES, text, len, errs);
	free(text);
	if (m->no_address) {
		cv_where where = {m->roster_path, 0, 0};
		cv_errors_warn(errs, &where, 0, "%zu student%s no e-mail address: no invitation by "
			       "e-mail for %s", m->no_address, m->no_address == 1 ? " has" : "s have",
			       m->no_address == 1 ? "it" : "them");
	}
	return rc;
}

void Cv_publish_mail_free(Cv_publish_mail *m)
{
	cv_itip_ledger_free(m->ledger);
	m->ledger = NULL;
	m->options.ledger = NULL;
}
