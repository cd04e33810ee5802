/*
 * convene/roster.h - the roster file (CSV, RFC 4180, UTF-8, header row).
 * Columns: id, name, email, timezone, available, preferred, unavailable,
 * locale, weight (see DESIGN.md "Inputs"); unknown columns are an error.
 */
#ifndef CONVENE_ROSTER_H
#define CONVENE_ROSTER_H

#include <stddef.h>
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
	char *id;             /* unique; letters, digits, '.', '-', '_', '@' */
	char *name;           /* "" when absent */
	char *email;          /* "" when absent */
	const cv_zone *zone;  /* borrowed from the tz cache */
	char *locale;         /* "" when absent */
	unsigned weight;      /* 1..CV_WEIGHT_MAX, default 1 */
	cv_avail *avail;      /* owned by the roster */
	unsigned line;        /* the row's line in the file */
} cv_student;

typedef struct cv_roster {
	char *path;
	cv_student *students; /* in file order */
	size_t count;
} cv_roster;

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
void cv_roster_free(cv_roster *roster);

/* The student with this id, or NULL (borrowed). */
const cv_student *cv_roster_find(const cv_roster *roster, const char *id);

#ifdef __cplusplus
}
#endif
#endif
