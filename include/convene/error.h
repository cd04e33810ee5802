/*
 * convene/error.h - result codes and diagnostics.
 *
 * Every library function that can fail returns 0 (CV_OK) or a negative
 * cv_code, its output parameter first (named `out`), and sets *out only on
 * success.  Functions that cannot fail return their answer directly:
 * accessors, counters (size_t), predicates (1 or 0), comparators, and the
 * free functions.  Functions that read user files also record what went
 * wrong, where, in a cv_errors list, so that `convene check` can report
 * every problem at once as "file:line:column: message".
 */
#ifndef CONVENE_ERROR_H
#define CONVENE_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cv_code {
	CV_OK = 0,
	CV_ENOMEM = -1,     /* out of memory */
	CV_EDATA = -2,      /* bad input data (exit 65) */
	CV_ENOINPUT = -3,   /* an input file is missing or unreadable (exit 66) */
	CV_ECANTCREAT = -4, /* an output cannot be created (exit 73) */
	CV_EIO = -5,        /* I/O error while writing (exit 74) */
	CV_ELOCKED = -6,    /* another run holds the lock (exit 75) */
	CV_ENOSLOT = -7,    /* no slot fits anyone (exit 1) */
	CV_EUSAGE = -8,     /* bad command-line usage (exit 2) */
	CV_ENOTFOUND = -9   /* a lookup found nothing (cv_grid_find(), cv_grid_occurrence()):
			       an answer, not a failure of the run */
} cv_code;

/* Size limits of one diagnostic; longer text is truncated, never overflowed. */
#define CV_ERROR_FILE_MAX 512
#define CV_ERROR_MESSAGE_MAX 768
/*
 * At most this many diagnostics are kept; later ones are only counted.  The
 * list grows as they are added (an empty list holds none); one that finds no
 * memory is only counted too.
 */
#define CV_ERRORS_MAX 200

/* Where a piece of text came from: used to report errors inside it. */
typedef struct cv_where {
	const char *file; /* borrowed; NULL for "no file" (command line) */
	unsigned line;    /* 1-based; 0 when unknown */
	unsigned column;  /* 1-based column of the text's first byte; 0 when unknown */
} cv_where;

typedef struct cv_error {
	int code;         /* a cv_code; CV_OK marks a warning */
	char file[CV_ERROR_FILE_MAX];
	unsigned line;    /* 0 when the problem is about the whole file */
	unsigned column;  /* 0 when the problem is about the whole line */
	char message[CV_ERROR_MESSAGE_MAX];
} cv_error;

/* A list of diagnostics (errors and warnings), in the order they were found. */
typedef struct cv_errors cv_errors;

/* Create an empty list.  Returns 0 or CV_ENOMEM; caller frees with cv_errors_free(). */
int cv_errors_new(cv_errors **out);
/* Free the list; NULL is a no-op. */
void cv_errors_free(cv_errors *errs);

/*
 * Record an error at `where` (column offset `col_offset` bytes into the text
 * that starts at where->column).  `errs` may be NULL (the error is dropped).
 * Returns `code`, so parsers can write `return cv_errors_add(...)`.
 */
int cv_errors_add(cv_errors *errs, int code, const cv_where *where, unsigned col_offset,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int cv_errors_addv(cv_errors *errs, int code, const cv_where *where, unsigned col_offset,
		   const char *fmt, va_list ap);
/* Record a warning (does not make the input invalid). */
void cv_errors_warn(cv_errors *errs, const cv_where *where, unsigned col_offset,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Number of diagnostics recorded, including those beyond CV_ERRORS_MAX. */
size_t cv_errors_count(const cv_errors *errs);
/* The i-th kept diagnostic (borrowed, valid until the list is freed), or NULL. */
const cv_error *cv_errors_get(const cv_errors *errs, size_t i);
/* The code of the first error (not warning), or CV_OK when there is none. */
int cv_errors_code(const cv_errors *errs);
/* Print every diagnostic as "file:line:column: message" (warnings say "warning:"). */
void cv_errors_print(const cv_errors *errs, FILE *f);

/* A static English description of a cv_code. */
const char *cv_strerror(int code);
/* The process exit code for a cv_code (sysexits.h values, see README). */
int cv_exit_code(int code);

#ifdef __cplusplus
}
#endif
#endif
