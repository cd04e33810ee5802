/*
 * convene/course.h - the course file (INI), see DESIGN.md "Inputs".
 */
#ifndef CONVENE_COURSE_H
#define CONVENE_COURSE_H

#include <stddef.h>
#include "avail.h"
#include "civil.h"
#include "error.h"
#include "tz.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cv_mode {
	CV_MODE_SECTIONS = 0, /* the same session offered `count` times; each student attends one */
	CV_MODE_SERIES = 1,   /* `count` different sessions a week; everyone is expected at all */
	CV_MODE_ROTATION = 2  /* one session a week, its time rotating through `count` slots */
} cv_mode;

typedef enum cv_objective {
	CV_OBJECTIVE_ATTENDANCE = 0, /* maximise (attendance, reach, preferred) */
	CV_OBJECTIVE_REACH = 1       /* maximise (reach, attendance, preferred) */
} cv_objective;

/* Who the students are. */
typedef enum cv_enrol {
	CV_ENROL_ROSTER = 0, /* the roster file's rows (and the answers they give) */
	CV_ENROL_OPEN = 1    /* also anyone who enrols on the join page of `convene serve`;
			      * the roster key is then optional */
} cv_enrol;

/* The answers database beside the course file: <course id> and this. */
#define CV_COURSE_ANSWERS_SUFFIX ".answers.sqlite"

/* Limits on what a course file may say. */
#define CV_COURSE_FILE_MAX (1 << 20)  /* bytes */
#define CV_COURSE_LINE_MAX 4096       /* bytes per line */
#define CV_COURSE_ID_MAX 64
#define CV_COUNT_MAX 7                /* sessions or sections a week */
#define CV_TERM_DAYS_MAX 731          /* two years */
#define CV_CAPACITY_MAX 1000000       /* students live in one section */
#define CV_EVERY_MAX 52               /* weeks between sessions (every = 52w: once a year) */

/*
 * The uid-domain when the course file gives none.  ".invalid" is reserved
 * (RFC 2606), so such UIDs can never collide with a real domain's.
 */
#define CV_COURSE_UID_DOMAIN_DEFAULT "convene.invalid"

/* A loaded course.  Read-only for users; every string is owned by the course. */
typedef struct cv_course {
	char *path;             /* the course file as given */
	char *dir;              /* its directory: relative paths are resolved against it */

	char *id;               /* [course] id */
	char *title;
	const cv_zone *zone;    /* home zone (borrowed from the tz cache) */
	int32_t start, end;     /* first and last day of the term (home zone), inclusive */
	cv_daterange *holidays; /* sorted, merged */
	size_t nholidays;
	char *roster_path;      /* resolved against dir; NULL with enrol = open and no roster */
	char *calendars_dir;    /* resolved against dir; NULL when absent */
	char *uid_domain;       /* CV_COURSE_UID_DOMAIN_DEFAULT when absent */
	char *join_url;         /* NULL when absent */

	cv_mode mode;
	unsigned count;          /* 1..CV_COUNT_MAX */
	unsigned duration;       /* minutes, > 0; with `durations`, the longest of them */
	unsigned durations[CV_COUNT_MAX]; /* series with sessions of different lengths: one
				  * per session ("duration = 90m, 60m"), else unused */
	unsigned ndurations;     /* 0 (every session lasts `duration`) or count */
	unsigned granularity;    /* minutes, > 0, divides 1440 */
	cv_window *windows;      /* when the instructor can teach, home zone */
	size_t nwindows;
	unsigned min_gap;        /* minutes */
	cv_objective objective;
	unsigned min_share;      /* percent, 1..100: reach counts a student who attends at least
				  * this share of the occurrences they are expected at; 0: at
				  * least one (the default) */
	unsigned capacity;       /* sections: at most this many students attend one section
				  * live; 0: no limit (the default) */
	unsigned every;          /* weeks: sessions only every N-th week from `first`;
				  * 0 or 1: every week */
	int32_t first;           /* a day of the first week with sessions (home zone); a day
				  * outside the term (0 included) means the term's first week */

	char *recording_url;     /* NULL when absent */
	unsigned recording_after; /* minutes after the session ends */
	char *alternative_task;
	unsigned alternative_due; /* minutes after the session ends */

	unsigned roster_line;    /* where "roster =" was written, for diagnostics */

	cv_enrol enrol;          /* [course] enrol = roster | open (default roster) */
	char *answers_path;      /* [course] answers, resolved against dir; default
				  * <dir>/<id>.answers.sqlite (read when it exists) */
} cv_course;

/*
 * Read and validate a course file.  Every problem is recorded in `errs` as
 * file:line:column (byte columns; a UTF-8 BOM is not counted).  Lines are
 * "key = value"; ';' and '#' start a comment line, and ';' after a blank
 * starts an inline comment.  Defaults: title = id, mode = sections,
 * granularity = 15m, min-gap = 0, objective = attendance, available-after =
 * 2h, due = 3d, task = "Watch the recording and post a response in the
 * discussion forum", uid-domain = CV_COURSE_UID_DOMAIN_DEFAULT.  The roster
 * itself is not read here (see cv_roster_load()).
 * `errs` may be NULL.  Returns 0 with *out set (caller frees with
 * cv_course_free()), CV_ENOINPUT when the file cannot be read, CV_EDATA when
 * it is invalid, or CV_ENOMEM.
 */
int cv_course_load(cv_course **out, const char *path, cv_errors *errs);
void cv_course_free(cv_course *course);

/* The most candidate starts a course can have: one per minute of the week. */
#define CV_CANDIDATES_MAX CV_WEEK_MINUTES

/*
 * The candidate starts of a course (DESIGN.md "Objective"): the starts on
 * the granularity grid, as minutes from Monday 00:00 of the home week,
 * ascending, whose whole session lies inside the instructor's windows (the
 * week taken as a cycle, so a Sunday-night window runs into Monday).  Writes
 * them to out[] (room for CV_CANDIDATES_MAX / granularity + 1 entries; NULL to
 * only count), sets *longest to the longest stretch of open minutes (may be
 * NULL).  Returns how many there are; it cannot fail (no allocation).
 */
size_t cv_course_candidates(uint16_t *out, unsigned *longest, const cv_course *course);
/* The same for sessions of `duration` minutes (a series with several lengths). */
size_t cv_course_candidates_for(uint16_t *out, unsigned *longest, const cv_course *course,
				unsigned duration);

#ifdef __cplusplus
}
#endif
#endif
