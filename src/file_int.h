/*
 * file_int.h - private: the library's one way to open an input file and to
 * read one whole.  Not API.
 *
 * convene runs unattended (cron) over paths other people can plant things
 * in, so every input is opened the same careful way: non-blocking, so that
 * a FIFO cannot hang the run; checked with fstat() on the open descriptor
 * (not on the name, which may change meanwhile) to be a regular file no
 * larger than its limit before a byte is read; optionally without following
 * a symbolic link; and read only up to its limit, so that a file that grows
 * while it is read is refused at the first byte beyond the limit rather
 * than read into memory.
 *
 * Every failure is recorded in `errs` (may be NULL) as "path: message",
 * with the errno text where there is one.  A file that does not exist is
 * told apart from every other failure (a dangling link, a link where none
 * is expected, no permission, a directory, a FIFO or device, a read error),
 * so a caller may treat absence as "no such input" and anything else as an
 * error.
 */
#ifndef CONVENE_FILE_INT_H
#define CONVENE_FILE_INT_H

#include <stddef.h>

#include "convene/error.h"

/* The file itself must not be a symbolic link (open with O_NOFOLLOW). */
#define CV_FILE_NOFOLLOW 1u
/*
 * A file that does not exist is not an error: success, nothing recorded,
 * and nothing opened or read (see each function).  A dangling symbolic link
 * is still an error: someone meant a file to be there.
 */
#define CV_FILE_ABSENT_OK 2u

/* One kind of input file: how messages name it, its limit, how it is opened. */
typedef struct Cv_file_kind {
	const char *what;     /* "the course file": "cannot open the course file: ..." */
	const char *dir_hint; /* said after "is a directory; ", or NULL for a plain message */
	size_t max;           /* the most bytes the file may hold */
	unsigned flags;       /* CV_FILE_* */
} Cv_file_kind;

/*
 * Open `path` for reading after the checks above (regular file, at most
 * kind->max bytes by its size now).  Returns 0 with *out the descriptor
 * (blocking again; O_CLOEXEC; the caller closes it), or 0 with *out = -1
 * when the file does not exist and kind->flags has CV_FILE_ABSENT_OK.
 * Fails with CV_ENOINPUT (does not exist, unreadable, not a regular file),
 * CV_EDATA (larger than kind->max); *out is then unchanged.  A caller that
 * reads the descriptor itself must still stop at kind->max: the file may
 * grow after the check.
 */
int Cv_file_open(int *out, const char *path, const Cv_file_kind *kind, cv_errors *errs);

/*
 * Read the whole of `path` (opened as Cv_file_open does), at most kind->max
 * bytes.  Returns 0 with *out the contents followed by a NUL byte (caller
 * frees) and *len their length (the NUL not counted; the contents may hold
 * NUL bytes of their own), or 0 with *out = NULL and *len = 0 when the file
 * does not exist and kind->flags has CV_FILE_ABSENT_OK.  Fails with
 * CV_ENOINPUT (as Cv_file_open, or a read error), CV_EDATA (more than
 * kind->max bytes: at most one byte beyond the limit is read, into no
 * buffer that is kept) or CV_ENOMEM; *out and *len are then unchanged.
 */
int Cv_file_read(char **out, size_t *len, const char *path, const Cv_file_kind *kind,
		 cv_errors *errs);

#endif
