/*
 * csv_int.h - private: a small RFC 4180 reader over text in memory, for
 * files whose columns convene does not know in advance (a forms export,
 * convene responses import).  The roster has its own streaming reader
 * (src/roster.c), which knows its columns.  Not API.
 */
#ifndef CONVENE_CSV_INT_H
#define CONVENE_CSV_INT_H

#include <stddef.h>

#include "convene/error.h"

/* Most fields a row may have. */
#define CV_CSV_FIELDS_MAX 256

typedef struct Cv_csv_field {
	const char *text;    /* the value, "" escapes undone, NUL-terminated (borrowed until
				the next row) */
	size_t len;
	unsigned line, col;  /* where its first byte is (after an opening quote) */
	int simple;          /* 1 when the value lies on one line without "" escapes, so
				an offset into it is a column offset */
} Cv_csv_field;

typedef struct Cv_csv Cv_csv;

/*
 * A reader over data[0..len) (copied; a UTF-8 BOM is skipped), named
 * `path` in diagnostics.  Returns 0 with *out set (free with
 * Cv_csv_free()) or CV_ENOMEM.
 */
int Cv_csv_new(Cv_csv **out, const char *data, size_t len, const char *path);

/*
 * The next row that is not blank: returns 1 with *fields and *n set
 * (borrowed until the next call), 0 at the end, or CV_EDATA with the
 * problem recorded (a quote left open, text after a closing quote, more
 * than CV_CSV_FIELDS_MAX fields), after which reading stops.
 */
int Cv_csv_next(Cv_csv *c, const Cv_csv_field **fields, size_t *n, cv_errors *errs);

/* The line of the row Cv_csv_next() returned last. */
unsigned Cv_csv_line(const Cv_csv *c);

void Cv_csv_free(Cv_csv *c);

#endif
