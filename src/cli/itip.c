/*
 * itip.c - `convene publish --itip`: invitations by e-mail beside the feeds.
 *
 * For every student with an e-mail address, the calendar being published is
 * compared with the one published before (DIR/students/<id>.ics, read
 * before the new set replaces it) and the REQUEST and CANCEL messages go
 * into the same atomic set as DIR/itip/<id>-request.eml and -cancel.eml.
 * A student who has left the roster has no row to take the address from,
 * so each run also publishes DIR/itip/recipients.tsv and the next run looks
 * the address up there.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define RECIPIENTS "itip/recipients.tsv"
/* The highest SEQUENCE e-mailed per UID: an event cancelled by e-mail and
 * back later must be sent (and published) above its CANCEL, and the
 * previous calendar, which no longer has it, cannot say so. */
#define SEQUENCES "itip/sequences.tsv"

/*
 * Build and stage the messages for one recipient.  A previous calendar that
 * does not parse is reported and treated as absent (every event is sent
 * again) rather than blocking every later publish.  Returns 0 or the error
 * of staging (a student whose messages cannot be built is warned about).
 */
static int stage(cli_itip *t, cv_publish *pub, const char *id, const cv_itip_recipient *to,
		 const char *cur, size_t cur_len, const char *prev, size_t prev_len,
		 const cv_where *where, cv_errors *errs)
{
	cv_itip_mail m;
	cv_errors *why = NULL;
	char path[CV_PUBLISH_PATH_MAX];
	int rc;

	if (cv_errors_new(&why))
		return CV_ENOMEM;
	rc = cv_itip_build(&m, to, cur, cur_len, prev, prev_len, &t->options, why);
	if (rc == CV_EDATA && prev && cur) {
		cv_errors_warn(t->warnings, where, 0, "student %s: the published students/%s.ics "
				"is not a calendar (%s); every event is sent as new", id, id,
				cv_errors_get(why, 0) ? cv_errors_get(why, 0)->message : "");
		cv_errors_free(why);
		if (cv_errors_new(&why))
			return CV_ENOMEM;
		rc = cv_itip_build(&m, to, cur, cur_len, NULL, 0, &t->options, why);
	}
	if (rc == CV_EDATA) {
		cv_errors_warn(t->warnings, where, 0, "student %s: no invitation by e-mail: %s", id,
			       cv_errors_get(why, 0) ? cv_errors_get(why, 0)->message : "");
		cv_errors_free(why);
		return CV_OK;
	}
	cv_errors_free(why);
	if (rc)
		return rc;
	if (m.request) {
		snprintf(path, sizeof(path), "itip/%s-request.eml", id);
		rc = cv_publish_add(pub, path, m.request, m.request_len, errs);
		t->requests++;
	}
	if (!rc && m.cancel) {
		snprintf(path, sizeof(path), "itip/%s-cancel.eml", id);
		rc = cv_publish_add(pub, path, m.cancel, m.cancel_len, errs);
		t->cancels++;
	}
	cv_itip_mail_clear(&m);
	return rc;
}

int cli_itip_init(cli_itip *t, const char *dir, const cv_course *course, int64_t date)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	t->dir = dir;
	t->options.date = date;
	t->options.title = course->title && *course->title ? course->title : course->id;
	t->options.uid_domain = course->uid_domain;
	t->roster_path = course->roster_path;
	rc = cv_errors_new(&t->warnings);
	if (rc)
		return rc;
	rc = cli_read_published(&text, &len, dir, SEQUENCES, CV_ITIP_CALENDAR_MAX);
	if (rc == CV_ENOMEM)
		return rc;
	if (rc == CV_EIO) {
		cv_where where = {NULL, 0, 0};
		cv_errors_warn(t->warnings, &where, 0, "cannot read %s/%s: an event cancelled "
			       "before and back now may be ignored by mail clients", dir, SEQUENCES);
	}
	rc = cv_itip_ledger_new(&t->ledger, rc == CV_OK ? text : NULL, rc == CV_OK ? len : 0);
	free(text);
	t->options.ledger = t->ledger;
	return rc;
}

int cli_itip_student(cli_itip *t, cv_publish *pub, const cv_student *st, const char *cal,
		     size_t len, cv_errors *errs)
{
	cv_where where = {t->roster_path, st->line, 0};
	cv_itip_recipient to;
	char rel[CV_PUBLISH_PATH_MAX], *prev = NULL;
	size_t prev_len = 0;
	int rc;

	if (!st->email || !*st->email) {
		t->no_address++;
		return CV_OK;
	}
	if (!cv_itip_email_valid(st->email)) {
		cv_errors_warn(t->warnings, &where, 0, "student %s: \"%s\" is not a usable e-mail "
			       "address; no invitation by e-mail", st->id, st->email);
		return CV_OK;
	}
	snprintf(rel, sizeof(rel), "students/%s.ics", st->id);
	rc = cli_read_published(&prev, &prev_len, t->dir, rel, CV_ITIP_CALENDAR_MAX);
	if (rc == CV_ENOMEM)
		return rc;
	if (rc == CV_EIO)
		cv_errors_warn(t->warnings, &where, 0, "student %s: cannot read the published %s/%s; "
			       "every event is sent as new", st->id, t->dir, rel);
	to.name = st->name;
	to.email = st->email;
	rc = stage(t, pub, st->id, &to, cal, len, prev, prev_len, &where, errs);
	free(prev);
	return rc;
}

/* Cancel the calendars of students who were published before and are not in the roster now. */
static int cancel_departed(cli_itip *t, cv_publish *pub, const cv_roster *roster, cv_errors *errs)
{
	char dirpath[4096 + 16], *list = NULL;
	size_t list_len = 0;
	int have_list = -1, rc = CV_OK;
	struct dirent *d;
	DIR *dp;

	snprintf(dirpath, sizeof(dirpath), "%s/students", t->dir);
	dp = opendir(dirpath);
	if (!dp)
		return CV_OK; /* the first publish */
	while (!rc && (d = readdir(dp))) {
		char id[256], rel[CV_PUBLISH_PATH_MAX], shown[4096 + CV_PUBLISH_PATH_MAX];
		char *prev = NULL, *name = NULL, *email = NULL;
		size_t n = strlen(d->d_name), prev_len = 0;
		cv_where where = {NULL, 0, 0};
		cv_itip_recipient to;

		if (n <= 4 || n - 4 >= sizeof(id) || strcmp(d->d_name + n - 4, ".ics") ||
		    d->d_name[0] == '.')
			continue;
		memcpy(id, d->d_name, n - 4);
		id[n - 4] = '\0';
		if (cv_roster_find(roster, id))
			continue;
		if (have_list < 0) {
			rc = cli_read_published(&list, &list_len, t->dir, RECIPIENTS, CV_ITIP_CALENDAR_MAX);
			have_list = rc == CV_OK;
			if (rc == CV_ENOMEM)
				break;
			rc = CV_OK;
		}
		snprintf(rel, sizeof(rel), "students/%s", d->d_name);
		snprintf(shown, sizeof(shown), "%s/%s", t->dir, rel);
		where.file = shown;
		if (!have_list || cv_itip_recipients_find(&name, &email, list, list_len, id)) {
			cv_errors_warn(t->warnings, &where, 0, "student %s has left the roster, but no "
				       "e-mail address is on record for them (%s/%s); no cancellation "
				       "by e-mail", id, t->dir, RECIPIENTS);
			continue;
		}
		rc = cli_read_published(&prev, &prev_len, t->dir, rel, CV_ITIP_CALENDAR_MAX);
		if (rc == CV_OK) {
			to.name = name;
			to.email = email;
			rc = stage(t, pub, id, &to, NULL, 0, prev, prev_len, &where, errs);
		} else if (rc != CV_ENOMEM) {
			cv_errors_warn(t->warnings, &where, 0, "cannot read it; no cancellation by e-mail");
			rc = CV_OK;
		}
		free(prev);
		free(name);
		free(email);
	}
	closedir(dp);
	free(list);
	return rc;
}

int cli_itip_finish(cli_itip *t, cv_publish *pub, const cv_roster *roster, cv_errors *errs)
{
	char *text = NULL;
	size_t len = 0;
	int rc = cancel_departed(t, pub, roster, errs);

	if (!rc)
		rc = cv_itip_recipients_format(&text, &len, roster);
	if (!rc)
		rc = cv_publish_add(pub, RECIPIENTS, text, len, errs);
	free(text);
	text = NULL;
	if (!rc)
		rc = cv_itip_ledger_format(&text, &len, t->ledger);
	if (!rc)
		rc = cv_publish_add(pub, SEQUENCES, text, len, errs);
	free(text);
	if (t->no_address) {
		cv_where where = {t->roster_path, 0, 0};
		cv_errors_warn(t->warnings, &where, 0, "%zu student%s no e-mail address: no "
			       "invitation by e-mail for %s", t->no_address,
			       t->no_address == 1 ? " has" : "s have", t->no_address == 1 ? "it" : "them");
	}
	return rc;
}

void cli_itip_free(cli_itip *t)
{
	cv_errors_free(t->warnings);
	t->warnings = NULL;
	cv_itip_ledger_free(t->ledger);
	t->ledger = NULL;
	t->options.ledger = NULL;
}
