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
 * Stage a file at `relpath` (components separated by '/', each accepted by
 * cv_publish_safe_name()).  The data is copied to disk now.  Returns 0,
 * CV_EDATA for an unsafe path, CV_EIO or CV_ECANTCREAT.
 */
int cv_publish_add(cv_publish *pub, const char *relpath, const void *data, size_t len,
		   cv_errors *errs);

/* Switch the staged set into place.  Returns 0, CV_EIO or CV_ECANTCREAT. */
int cv_publish_commit(cv_publish *pub, cv_errors *errs);

/* Discard an uncommitted set and release the lock; NULL is a no-op. */
/*
 * What the staged set changes, for a dry run: files new in the set, files
 * whose content differs from the published one, files left as they are, and
 * published files the set no longer has.  Any pointer may be NULL.  Before
 * the commit it compares with the directory as it is now; after it, it
 * returns the numbers of the committed switch.  Returns 0 or CV_EIO.
 */
int cv_publish_changes(const cv_publish *pub, size_t *added, size_t *changed,
		       size_t *unchanged, size_t *removed);

/* Discard an uncommitted set and release the lock; NULL is a no-op. */
void cv_publish_free(cv_publish *pub);

/* How many files cv_publish_add() found new, changed or unchanged so far. */
void cv_publish_counts(const cv_publish *pub, size_t *added, size_t *changed, size_t *unchanged);

/* 1 if `name` is safe as one path component: not empty, at most 255 bytes, no
 * leading '.', no '/', '\\' or control bytes. */
int cv_publish_safe_name(const char *name);

#ifdef __cplusplus
}
#endif
#endif
