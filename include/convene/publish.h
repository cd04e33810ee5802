/*
 * convene/publish.h - writing a directory of files atomically.
 *
 * Files are staged in a sibling directory and the set is switched into
 * place with one atomic exchange: a reader never sees a half-written set
 * and a crash leaves the old set.  A lock file beside the directory stops
 * two runs colliding.  A file whose content is unchanged keeps its inode
 * and mtime.
 */
#ifndef CONVENE_PUBLISH_H
#define CONVENE_PUBLISH_H

#include <stddef.h>
#include "error.h"

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

/*
 * What the set changes (the numbers a dry run reports): files new in the
 * set, files whose content differs from the published one, files left as
 * they are, and published files the set no longer has.  Any pointer may be
 * NULL.  Before the commit it compares with the directory as it is now;
 * after it, it returns the numbers of the committed switch.  Returns 0, CV_EIO or
 * CV_ENOMEM.
 */
int cv_publish_changes(const cv_publish *pub, size_t *added, size_t *changed,
		       size_t *unchanged, size_t *removed);

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

/* How many files cv_publish_add() found new, changed or unchanged so far
 * (cv_publish_changes() without the walk for removed files); any pointer may
 * be NULL. */
void cv_publish_counts(const cv_publish *pub, size_t *added, size_t *changed, size_t *unchanged);

/* 1 if `name` is safe as one path component: not empty, not "." or "..", at
 * most 255 bytes, no '/', '\\' or control bytes. */
int cv_publish_safe_name(const char *name);

#ifdef __cplusplus
}
#endif
#endif
