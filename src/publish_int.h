/*
 * publish_int.h - private to the publish module: reading what the previous
 * run published (publish_dir.c) for the publishing step (publish.c) and its
 * e-mail part (publish_mail.c).  Not API.
 */
#ifndef CONVENE_PUBLISH_INT_H
#define CONVENE_PUBLISH_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "convene/publish.h"
#include "convene/plan.h"
#include "convene/itip.h"
#include "ics_history_int.h"

/* A published file as the previous run left it, read once. */
typedef struct Cv_published {
	enum { CV_PUBLISHED_ABSENT, CV_PUBLISHED_READ, CV_PUBLISHED_UNREADABLE } state;
	char *text;     /* READ: the content, NUL-terminated (owned) */
	size_t len;
	dev_t dev;      /* READ: which file it was */
	ino_t ino;
} Cv_published;

/*
 * Read the published file pub->dir/relpath into *out.  The published
 * directory is treated as hostile: no symbolic link is followed at any
 * component, nothing waits on a FIFO, and only a regular file of the
 * effective user (one convene wrote) is read, at most `max` bytes.  Returns
 * 0 (state READ), CV_ENOINPUT when it does not exist (state ABSENT, nothing
 * recorded), CV_EIO with the path and the reason recorded in errs for
 * anything else (state UNREADABLE), or CV_ENOMEM.  Free with
 * Cv_published_clear() in every case.
 */
int Cv_publish_read(Cv_published *out, const cv_publish *pub, const char *relpath, size_t max,
		    cv_errors *errs);
void Cv_published_clear(Cv_published *p);

/*
 * cv_publish_add() for a file whose published version the caller has read
 * (`prev`): it is compared with that and, when unchanged, hard-linked only
 * if it is still the same file, so the published file is read once in all.
 */
int Cv_publish_add_read(cv_publish *pub, const char *relpath, const void *data, size_t len,
			const Cv_published *prev, cv_errors *errs);

/* The published directory as given to cv_publish_open() (borrowed), for messages. */
const char *Cv_publish_path(const cv_publish *pub);

/*
 * The names directly in pub->dir/reldir that are not directories (links
 * included, not followed), sorted.
 * Returns 0 with *out and *n (none when the directory does not exist;
 * caller frees with Cv_publish_names_free()), or CV_ENOMEM.
 */
int Cv_publish_names(char ***out, size_t *n, const cv_publish *pub, const char *reldir);
void Cv_publish_names_free(char **v, size_t n);

/* The e-mail part of one publishing run (publish_mail.c). */
typedef struct Cv_publish_mail {
	cv_itip_options options;
	cv_itip_ledger *ledger;  /* itip/sequences.tsv: the highest SEQUENCE sent per UID */
	const char *roster_path; /* for warnings */
	size_t requests, cancels, no_address;
} Cv_publish_mail;

/* Read the ledger (an unreadable one is empty, with a warning).  0 or CV_ENOMEM. */
int Cv_publish_mail_init(Cv_publish_mail *m, cv_publish *pub, const cv_course *course,
			 int64_t now, cv_errors *errs);
/*
 * Stage the messages of one student: `cal` is the calendar being published,
 * `prev` the previous one (NULL: none) and `decided` what the calendar writer
 * decided for its events.  A student without a usable address is warned about
 * and skipped.  Returns 0 or the error of staging.
 */
int Cv_publish_mail_student(Cv_publish_mail *m, cv_publish *pub, const cv_student *st,
			    const char *cal, size_t len, const cv_ics_history *prev,
			    const Cv_ics_outcomes *decided, cv_errors *errs);
/* Cancellations for students gone from the roster, then the recipients list and the ledger. */
int Cv_publish_mail_finish(Cv_publish_mail *m, cv_publish *pub, const cv_roster *roster,
			   cv_errors *errs);
void Cv_publish_mail_free(Cv_publish_mail *m);

/* How many files cv_publish_add() found new, changed or unchanged so far:
 * cv_publish_changes() without the walk for removed files (removed is 0). */
void Cv_publish_counts(cv_publish_files *out, const cv_publish *pub);

#endif
