/*
 * convene/store.h - what students answer (on the web page of `convene
 * serve`, or in a form the instructor imports), the students who enrolled
 * themselves (`enrol = open`), and the tokens that name their private pages:
 * one SQLite database beside the course file (the course key `answers`, by
 * default <course dir>/<course id>.answers.sqlite), never under a served
 * directory.
 *
 * One source of truth.  convene check, solve and publish read the roster
 * file and the answers together (cv_store_merge(), which cv_schedule_load()
 * calls when the database exists), by student id, with this precedence:
 *
 *  1. A student's own answer replaces the roster row's timezone, available,
 *     preferred, unavailable and locale (all five: an answer is whole).
 *  2. The roster keeps id, name, email and weight: the instructor's word.
 *  3. Calendars add busy time to either: calendars/<id>.ics of the course
 *     and a calendar the student uploaded with their answer.
 *  4. A roster row without timezone and available (the student is to
 *     answer on the web page) is left out of the plan until they answer.
 *  5. Students who enrolled themselves come after the roster, in the order
 *     they enrolled; an answer that names no student is ignored (warned).
 *
 * The database is opened in WAL mode with synchronous=FULL: an answer the
 * store said it saved survives a crash of the process or the machine.
 * A cv_store is one connection, for one thread at a time.
 */
#ifndef CONVENE_STORE_H
#define CONVENE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "avail.h"
#include "course.h"
#include "error.h"
#include "roster.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A token: 128 random bits, written as 32 lowercase hex digits. */
#define CV_TOKEN_BYTES 16
#define CV_TOKEN_TEXT (2 * CV_TOKEN_BYTES + 1)

/* Largest uploaded calendar an answer may carry (the web server caps a
 * request body at 64 KiB). */
#define CV_ANSWER_CALENDAR_MAX 60000
/* Longest name or e-mail address of a student who enrols themselves. */
#define CV_ENROL_TEXT_MAX 200

typedef struct cv_store cv_store;

/* One student's answer: the roster's availability columns, as text. */
typedef struct cv_answer {
	const char *id;          /* the student's id */
	const char *timezone;    /* a name cv_zone_lookup() accepts */
	const char *available;   /* the availability mini-language, the student's wall time;
				  * may be "" only with a calendar that has a VAVAILABILITY */
	const char *preferred;   /* "" when none */
	const char *unavailable; /* "" when none: dates and ranges, the student's local days */
	const char *locale;      /* "" when none */
	const char *calendar;    /* an uploaded iCalendar text, or NULL */
	size_t calendar_len;
	int64_t updated;         /* UTC seconds of the last change (set by the store) */
	unsigned revision;       /* 1 for the first answer, one more for every change */
} cv_answer;

enum {
	CV_STORE_CREATE = 1 << 0,   /* create the database (mode 0600) when missing */
	CV_STORE_READONLY = 1 << 1  /* never write (convene check, solve, publish) */
};

/*
 * Open the database at `path` for course `course_id` (a database made for
 * another course is refused).  Returns 0 with *out set (caller frees with
 * cv_store_close()), CV_ENOINPUT when it does not exist (without
 * CV_STORE_CREATE) or cannot be opened, CV_ECANTCREAT when it cannot be
 * created, CV_EDATA when it is not a convene database of this course, or
 * CV_ENOMEM; every failure is recorded in errs with the path.
 */
int cv_store_open(cv_store **out, const char *path, const char *course_id, unsigned flags,
		  cv_errors *errs);

/* Close; NULL is a no-op. */
void cv_store_close(cv_store *s);

/* The database path (borrowed). */
const char *cv_store_path(const cv_store *s);

/*
 * Check an answer as the roster checks a row: a known zone, windows and
 * dates in the mini-language, preferred windows inside the available ones'
 * days, a locale name, an uploaded calendar that the calendar reader
 * accepts, and `available` not empty unless that calendar has a
 * VAVAILABILITY.  Problems are recorded with where.file = the field's name
 * ("available:1:5: unknown day ...").  Returns 0, CV_EDATA or CV_ENOMEM.
 */
int cv_answer_check(const cv_answer *a, const cv_course *course, cv_errors *errs);

/*
 * The availability an answer gives (after cv_answer_check()): its zone,
 * windows and away dates, and its calendar's busy time over the course's
 * span.  Returns 0 with *out set (caller frees with cv_avail_free()), or
 * CV_EDATA (recorded) or CV_ENOMEM.
 */
int cv_answer_avail(cv_avail **out, const cv_answer *a, const cv_course *course,
		    cv_errors *errs);

/*
 * Save answers in one transaction, each replacing the student's previous
 * answer (the revision goes up).  The answers must have passed
 * cv_answer_check(); `now` is their updated time.  Returns 0 once they are
 * durable, or CV_EIO (recorded; nothing of them is saved).
 */
int cv_store_put_answers(cv_store *s, const cv_answer *const *answers, size_t n, int64_t now,
			 cv_errors *errs);

/* Called with each answer (borrowed for the call); non-zero stops. */
typedef int (*cv_answer_fn)(void *ctx, const cv_answer *a);

/*
 * Call fn with the answer of student `id`.  Returns fn's value, CV_ENOTFOUND
 * when the student has not answered, or CV_EIO.
 */
int cv_store_get_answer(cv_store *s, const char *id, cv_answer_fn fn, void *ctx);

/* Call fn with every answer, by id.  Returns fn's first non-zero value, 0, or CV_EIO. */
int cv_store_foreach_answer(cv_store *s, cv_answer_fn fn, void *ctx);

/* How many students have answered, into *out.  Returns 0 or CV_EIO. */
int cv_store_count_answers(size_t *out, cv_store *s);

/* Forget a student's answer.  Returns 0, CV_ENOTFOUND or CV_EIO. */
int cv_store_delete_answer(cv_store *s, const char *id);

/*
 * Open enrolment: a new student named `name` with address `email` (both
 * checked: UTF-8 text without control characters, at most
 * CV_ENROL_TEXT_MAX bytes, an address with one '@'), under a new random id
 * ("w" and 12 hex digits; an id given in `id`, for an import, is kept when
 * valid).  The id is written into out (at least CV_STUDENT_ID_MAX + 1
 * bytes).  Returns 0, CV_EDATA (recorded), CV_EIO.
 */
int cv_store_enrol(char *out, size_t size, cv_store *s, const char *id, const char *name,
		   const char *email, int64_t now, cv_errors *errs);

/* A student who enrolled themselves, borrowed for the call. */
typedef struct cv_enrolled {
	const char *id, *name, *email;
	int64_t enrolled;
} cv_enrolled;

/* Call fn for every enrolled student, in the order they enrolled.  Returns
 * fn's first non-zero value, 0, or CV_EIO. */
int cv_store_foreach_enrolled(cv_store *s, int (*fn)(void *ctx, const cv_enrolled *e),
			      void *ctx);

/* What an import did. */
typedef struct cv_import_summary {
	size_t rows;            /* answers read (rows after the header) */
	size_t answers;         /* answers saved: one per student */
	size_t replaced;        /* earlier rows of a student who answered again */
	size_t enrolled;        /* students the course did not know, enrolled (enrol = open) */
	size_t ignored_columns; /* header columns neither mapped nor named like a roster column */
} cv_import_summary;

/*
 * Read a forms export at `path` (CSV with a header row: Google Forms,
 * Microsoft Forms) into the store as answers.  A header cell is a column
 * by a map "Question text=column" in maps[0..nmaps) (column: id, name,
 * email, timezone, available, preferred, unavailable, locale), else by
 * being a column's name (any letter case), else it is ignored (Timestamp).
 * The student is the id column, or the e-mail address without one.  Every
 * row is checked as cv_answer_check() checks an answer, each problem
 * reported at its file:line:column; a student who answered twice keeps
 * the later row.  A student not in the course's roster is enrolled with
 * the row's name and address when the course has open enrolment, else an
 * error.  All or nothing: any problem and nothing is saved.  Returns 0
 * with *out set, CV_EUSAGE (a map that names no column of the file or no
 * known column, or no column for the student, timezone or available),
 * CV_EDATA, CV_ENOINPUT, CV_EIO or CV_ENOMEM, each recorded.
 */
int cv_store_import(cv_import_summary *out, cv_store *s, const cv_course *course,
		    const char *path, const char *const *maps, size_t nmaps, int64_t now,
		    cv_errors *errs);

/* Whose a token is. */
typedef enum cv_token_kind {
	CV_TOKEN_STUDENT = 0,   /* a student's page and calendar feed */
	CV_TOKEN_INSTRUCTOR = 1 /* the instructor's page and calendar (id "") */
} cv_token_kind;

/*
 * The live token of (kind, id) into out (CV_TOKEN_TEXT bytes), issued now
 * (128 bits from getrandom()) when there is none.  Returns 0, CV_EIO, or
 * CV_ENOMEM.
 */
int cv_store_token(char out[CV_TOKEN_TEXT], cv_store *s, cv_token_kind kind, const char *id);

/*
 * Revoke the live token of (kind, id), if any, and issue a new one into out.
 * The old token names nothing from then on.  Returns 0 or CV_EIO.
 */
int cv_store_token_rotate(char out[CV_TOKEN_TEXT], cv_store *s, cv_token_kind kind,
			  const char *id);

/* Call fn for every live token.  Returns fn's first non-zero value, 0, or CV_EIO. */
int cv_store_foreach_token(cv_store *s,
			   int (*fn)(void *ctx, const char *token, cv_token_kind kind,
				     const char *id),
			   void *ctx);

/*
 * A number that changes whenever another connection changed the database
 * (SQLite's data_version), so a server notices a revoked token or an
 * import without reading everything again.  Returns 0 with *out set, or CV_EIO.
 */
int cv_store_version(uint64_t *out, cv_store *s);

/* ---- the roster and the answers together ---- */

/* Where a student of the merged roster got their hours. */
typedef enum cv_source {
	CV_SOURCE_ROSTER = 0,  /* the roster row; the student has not answered */
	CV_SOURCE_ANSWER = 1,  /* a roster student's own answer */
	CV_SOURCE_ENROLLED = 2 /* enrolled themselves and answered */
} cv_source;

/* A student who is yet to answer and is not in the plan. */
typedef struct cv_pending {
	char *id, *name, *email;
	unsigned line;  /* the roster row; 0 for a student who enrolled themselves */
} cv_pending;

/* What the merge found, beside the roster it made. */
typedef struct cv_responses {
	cv_source *source;     /* parallel to the merged roster's students */
	size_t nstudents;
	size_t roster;         /* rows of the roster file (0 without one) */
	size_t answered;       /* students of the merged roster with an answer */
	cv_pending *pending;   /* in roster order, then enrolment order */
	size_t npending;
} cv_responses;

/* Free; NULL is a no-op. */
void cv_responses_free(cv_responses *r);

/*
 * The course's students: its roster file (when it names one) merged with
 * the store's answers and enrolled students by the precedence above.  The
 * roster may then hold rows without timezone and available (the columns
 * may be absent).  Uploaded calendars are applied; calendars/<id>.ics are
 * not (cv_calin_apply_roster() does that, as for any roster).  A roster
 * student with neither hours nor an answer goes into (*resp)->pending with
 * one warning for them all.  Returns 0 with *out and *resp set (caller
 * frees with cv_roster_free() and cv_responses_free()), CV_EDATA (recorded;
 * also when nobody is left to plan for), CV_ENOINPUT, CV_EIO or CV_ENOMEM.
 */
int cv_store_merge(cv_roster **out, cv_responses **resp, const cv_course *course,
		   cv_store *store, cv_errors *errs);

#ifdef __cplusplus
}
#endif
#endif
