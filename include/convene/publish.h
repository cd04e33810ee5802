/*
 * convene/publish.h - the publishing step: a plan's calendars (and, when
 * asked, its e-mail invitations) written into a directory atomically,
 * each event revised only when it changed since the last publish.
 *
 * cv_publish_plan() is the whole step, for every front end.  Below it, the
 * directory set it fills (cv_publish_open() ... cv_publish_commit()) can
 * publish any files.  Files are staged in a sibling directory and the set is switched into
 * place with one atomic exchange: a reader never sees a half-written set
 * and a crash leaves the old set.  A lock file beside the directory stops
 * two runs colliding.  A file whose content is unchanged keeps its inode
 * and mtime.
 */
#ifndef CONVENE_PUBLISH_H
#define CONVENE_PUBLISH_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "ics.h"
#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cv_publish cv_publish;

/* Longest relative path accepted by cv_publish_add(). */
#define CV_PUBLISH_PATH_MAX 512

/*
 * Start publishing into directory `dir` (created on commit if missing).
 * Takes the lock `dir`.lock: returns CV_ELOCKED when another run holds it,
 * CV_ECANTCREAT when the staging directory cannot be made.  Caller frees
 * with cv_publish_free(), which discards an uncommitted set.
 */
int cv_publish_open(cv_publish **out, const char *dir, cv_errors *errs);

/*
 * Start a dry run against `dir`: cv_publish_add() compares each file with
 * the published one and remembers what it would do, and nothing is written
 * anywhere (no staging directory, no lock file, no clean-up of a crashed
 * run's leftovers); cv_publish_commit() refuses with CV_EUSAGE.  When the
 * lock file exists it is held shared for the run, so a dry run never reads a
 * set that a real run is switching: returns CV_ELOCKED when a real run holds
 * it, CV_ECANTCREAT when it exists but cannot be opened.  Caller frees with
 * cv_publish_free().
 */
int cv_publish_open_dry(cv_publish **out, const char *dir, cv_errors *errs);

/*
 * Stage a file at `relpath` (components separated by '/', each accepted by
 * cv_publish_safe_name()).  The data is copied to disk now (a dry run only
 * compares it).  Returns 0, CV_EDATA for an unsafe path, a path added twice
 * or a path both a file and a directory, CV_EIO, CV_ECANTCREAT or CV_ENOMEM.
 */
int cv_publish_add(cv_publish *pub, const char *relpath, const void *data, size_t len,
		   cv_errors *errs);

/* Switch the staged set into place.  Returns 0, CV_EIO or CV_ECANTCREAT. */
int cv_publish_commit(cv_publish *pub, cv_errors *errs);

/* How many files a set adds, changes, keeps as they are and removes. */
typedef struct cv_publish_files {
	size_t added;     /* new in the set */
	size_t changed;   /* their content differs from the published file's */
	size_t unchanged; /* left as they are */
	size_t removed;   /* published, and not in the set */
} cv_publish_files;

/*
 * What the set changes (the numbers a dry run reports), into *out.  Before
 * the commit it compares with the directory as it is now; after it, it
 * returns the numbers of the committed switch.  Returns 0, CV_EIO or
 * CV_ENOMEM (*out untouched).
 */
int cv_publish_changes(cv_publish_files *out, const cv_publish *pub);

/* What one file of the set does to the published directory. */
typedef enum cv_publish_change {
	CV_PUBLISH_ADDED,     /* not published yet */
	CV_PUBLISH_CHANGED,   /* published with other content */
	CV_PUBLISH_UNCHANGED, /* published with this content: kept as it is */
	CV_PUBLISH_REMOVED    /* published, and not in the set */
} cv_publish_change;

/* Called by cv_publish_list_changes(); a non-zero return stops the listing. */
typedef int (*cv_publish_visit)(void *ctx, cv_publish_change change, const char *relpath);

/*
 * Call fn once for every file cv_publish_changes() counts, with the same
 * before/after-commit rule: the files of the set in the order they were
 * added, then the removed ones sorted by path (relpath is borrowed for the
 * call).  Returns the first non-zero value fn returned, else 0, CV_EIO when
 * the published directory cannot be read, or CV_ENOMEM.
 */
int cv_publish_list_changes(const cv_publish *pub, cv_publish_visit fn, void *ctx);

/* Discard an uncommitted set and release the lock; NULL is a no-op. */
void cv_publish_free(cv_publish *pub);

/* ---- the publishing step ---- */

/* One file of a publish, for a listing. */
typedef struct cv_publish_entry {
	cv_publish_change change;
	const char *relpath;          /* borrowed for the call */
	const cv_ics_changes *events; /* a calendar of this run: what its events do; else NULL */
} cv_publish_entry;

typedef struct cv_publish_options {
	const char *dir;  /* the published directory (borrowed) */
	int64_t now;      /* UTC instant of new DTSTAMPs and LAST-MODIFIEDs and of the
			   * e-mails' Date: (see cv_publish_clock()) */
	int dry_run;      /* compare with `dir` and report; write nothing, make no lock file */
	int itip;         /* also the RFC 5546 messages: itip/<id>-request.eml and
			   * -cancel.eml, itip/recipients.tsv and itip/sequences.tsv */
	int (*listing)(void *ctx, const cv_publish_entry *entry);
			  /* NULL, or called once the run is decided (committed, or in a
			   * dry run compared) for every file it adds, changes or keeps,
			   * in the order they were made, then every file it removes,
			   * sorted by path; a non-zero return stops the listing */
	void *listing_ctx;
} cv_publish_options;

/* What a publish did (or, in a dry run, would do). */
typedef struct cv_publish_summary {
	size_t calendars;   /* the instructor's and one per student */
	size_t files_added, files_changed, files_unchanged, files_removed;
	size_t events_added, events_changed, events_removed; /* summed over the calendars */
	size_t requests, cancels; /* e-mail messages written (itip) */
} cv_publish_summary;

/*
 * Publish `plan` (borrowed) into options->dir: instructor.ics and
 * students/<id>.ics.  Each calendar the previous run published is read once
 * (never through a link, and only a file convene wrote) and every event is
 * decided new, changed, unchanged or removed by one rule (an unchanged event
 * keeps its SEQUENCE and stamps byte for byte; a changed one gets SEQUENCE + 1;
 * see cv_ics_options), and with options->itip the e-mail invitations carry
 * exactly the events so decided.  The set is switched into place atomically
 * under the lock dir.lock (cv_publish_open()).  A previous calendar that
 * cannot be read is reported as a warning in errs and its events count as
 * new; students with no usable e-mail address are warned about.
 * Returns 0 with *out filled, CV_ELOCKED, CV_ECANTCREAT, CV_EIO, CV_EDATA
 * (an unusable file name in the set) or CV_ENOMEM, each recorded in errs
 * with its path; on failure the published directory is as it was.
 */
int cv_publish_plan(cv_publish_summary *out, const cv_plan *plan,
		    const cv_publish_options *options, cv_errors *errs);

/*
 * The instant a run publishes at: SOURCE_DATE_EPOCH when the environment
 * sets it (seconds since the epoch, for reproducible output), else the
 * clock.  Returns 0 with *out set, or CV_EUSAGE with the problem recorded
 * when SOURCE_DATE_EPOCH is set but is not a number of seconds.
 */
int cv_publish_clock(int64_t *out, cv_errors *errs);

/* 1 if `name` is safe as one path component: not empty, not "." or "..", at
 * most 255 bytes, no '/', '\\' or control bytes. */
int cv_publish_safe_name(const char *name);

#ifdef __cplusplus
}
#endif
#endif
