/*
 * convene/roster.h - the roster file (CSV, RFC 4180, UTF-8, header row).
 * Columns: id, name, email, timezone, available, preferred, unavailable,
 * locale, weight (see DESIGN.md "Inputs"); unknown columns are an error.
 */
#ifndef CONVENE_ROSTER_H
#define CONVENE_ROSTER_H

#include <stddef.h>
#include <stdio.h>
#include "avail.h"
#include "error.h"
#include "tz.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CV_ROSTER_FILE_MAX ((size_t)1 << 31) /* bytes */
#define CV_ROSTER_ROWS_MAX 5000000
#define CV_ROSTER_FIELD_MAX 4096              /* bytes per field */
#define CV_STUDENT_ID_MAX 64
#define CV_WEIGHT_MAX 1000

typedef struct cv_student {
	char *id;             /* unique ignoring case; letters, digits, '.', '-', '_', '@' */
	char *name;           /* "" when absent */
	char *email;          /* "" when absent */
	const cv_zone *zone;  /* borrowed from the tz cache */
	char *locale;         /* "" when absent */
	unsigned weight;      /* 1..CV_WEIGHT_MAX, default 1 */
	cv_avail *avail;      /* owned by the roster */
	unsigned line;        /* the row's line in the file; 0 when not read from a file */
} cv_student;

/* What keeps a roster consistent (its id index, its room): private to the roster module. */
typedef struct cv_roster_index cv_roster_index;

/*
 * A roster: a public struct plus a builder, rather than an opaque type with
 * accessors.  Every later stage (grid, plan, report, calendars, e-mails)
 * walks students[] by index, up to CV_ROSTER_ROWS_MAX of them, and a
 * student is plain data that reads best as fields.  What must stay
 * consistent with the students (the case-insensitive id index that
 * cv_roster_find() and the duplicate check use, the array's room) is the
 * incomplete `index`, so a roster is only ever grown through
 * cv_roster_add() (or read by cv_roster_load()).  Every field is read-only
 * for users: the strings belong to the roster.
 */
typedef struct cv_roster {
	char *path;             /* the file read, or the name given to cv_roster_new() */
	cv_student *students;   /* in file order (or the order added); index = roster index */
	size_t count;
	cv_roster_index *index; /* private */
} cv_roster;

/*
 * An empty roster named `path` (copied; it is what diagnostics and reports
 * call the roster), to be filled with cv_roster_add() by a front end that
 * does not read a CSV file (a test, a web form).  Returns 0 with *out set
 * (caller frees with cv_roster_free()), or CV_ENOMEM.
 */
int cv_roster_new(cv_roster **out, const char *path);

/*
 * Add a student at the end (roster index roster->count - 1 afterwards).
 * The id must be valid (1..CV_STUDENT_ID_MAX bytes of letters, digits, '.',
 * '-', '_' and '@', not starting with '.' nor holding "..": ids name files)
 * and must differ from every id already in the roster in more than letter
 * case; the roster must hold fewer than CV_ROSTER_ROWS_MAX students; zone
 * and avail must be set and weight be at least 1 (the file
 * reader's CV_WEIGHT_MAX is a rule of the CSV format: the library computes
 * with any unsigned weight, and cv_lp_scale_compute() says when a model
 * would not fit).
 * The strings are copied (NULL name, email or locale read as ""); `zone` is
 * borrowed; the roster takes ownership of student->avail on success only
 * (on failure the caller still frees it).  `line` is kept as given.
 * Returns 0, CV_EDATA (nothing added) when a rule above is broken, or
 * CV_ENOMEM (nothing added).
 */
int cv_roster_add(cv_roster *roster, const cv_student *student);

/*
 * Read and validate a roster.  Every problem is recorded in `errs` as
 * file:line:column (byte columns of the file, also inside quoted fields
 * with "" escapes or line breaks; a UTF-8 BOM is not counted) and reading
 * goes on to report the rest.  Blanks around a field are ignored and blank
 * lines are skipped; line breaks are allowed only inside quoted available,
 * preferred and unavailable cells.  Ids must differ in more than letter
 * case (they name files).  `available` must not be empty (but see
 * cv_roster_load_calendars()).  `errs` may be NULL.  Returns 0 with
 * *out set (caller frees with cv_roster_free()), CV_ENOINPUT when the file
 * cannot be read, CV_EDATA when it is invalid (an empty roster is invalid),
 * or CV_ENOMEM.
 */
int cv_roster_load(cv_roster **out, const char *path, cv_errors *errs);

/*
 * Like cv_roster_load(), for a course with a calendars directory
 * (`calendars` may be NULL: then exactly cv_roster_load()): `available` may
 * be empty, or the column absent, for a student whose calendar
 * <calendars>/<id>.ics exists; for any other student that is an error at
 * the student's row.  The calendars themselves are read by
 * cv_calin_apply_roster().  Returns as cv_roster_load().
 */
int cv_roster_load_calendars(cv_roster **out, const char *path, const char *calendars,
			     cv_errors *errs);
/* Free the roster, its strings and every student's availability; NULL is a no-op. */
void cv_roster_free(cv_roster *roster);

/*
 * Write the roster as a roster CSV that cv_roster_load() reads back to the
 * same students: the header id,name,email,timezone,available,preferred,
 * unavailable,locale,weight, fields quoted where RFC 4180 needs it, windows
 * and dates as cv_windows_format() and cv_dates_format() write them.  Busy
 * time from calendars is no column: it stays in the calendars.  Returns 0
 * or CV_EIO.
 */
int cv_roster_write_csv(FILE *f, const cv_roster *roster);

/* The student with exactly this id (letter case included), or NULL (borrowed). */
const cv_student *cv_roster_find(const cv_roster *roster, const char *id);

#ifdef __cplusplus
}
#endif
#endif
