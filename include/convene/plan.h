/*
 * convene/plan.h - the result: sessions, their occurrences, and for every
 * student and every occurrence they are expected at, whether they attend
 * live or follow the recording, and why.
 */
#ifndef CONVENE_PLAN_H
#define CONVENE_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include "grid.h"
#include "solve.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why a student cannot attend an occurrence live. */
typedef enum cv_miss {
	CV_MISS_NONE = 0,  /* attends live */
	CV_MISS_AWAY,      /* the student's local date is an unavailable date */
	CV_MISS_BUSY,      /* a busy interval from the student's calendar */
	CV_MISS_CLOCKS,    /* attends this slot in other weeks; a clock change moved it */
	CV_MISS_HOURS,     /* outside the student's hours */
	CV_MISS_FULL       /* could attend, but the section is full (capacity): by recording */
} cv_miss;

/* How many cv_miss values there are (CV_MISS_NONE included), to size tables. */
#define CV_MISS_REASONS (CV_MISS_FULL + 1)

/* A student who follows the recording of an occurrence instead, and why.
 * Eight bytes: a MOOC's plan holds millions of them. */
typedef struct cv_absence {
	uint32_t student; /* roster index (a roster holds at most CV_ROSTER_ROWS_MAX) */
	cv_miss miss;     /* never CV_MISS_NONE */
} cv_absence;

typedef struct cv_occurrence {
	int64_t start;  /* UTC */
	int64_t end;    /* UTC, start + duration */
	int32_t date;   /* home-zone date (day number) */
	unsigned week;  /* term week (see cv_grid_weeks) */
	/* Who follows the recording instead (set by cv_plan_tally()): */
	const cv_absence *absent; /* nabsent entries, in the order of plan->students; owned
				     by the plan (plan->absences) */
	size_t nabsent;
	size_t nabsent_for[CV_MISS_REASONS]; /* of them, how many for each reason */
} cv_occurrence;

/* One week of the term, as the recording track sees it (set by cv_plan_tally()). */
typedef struct cv_plan_week {
	size_t missed;   /* missed attendances: the nabsent of the week's occurrences, summed */
	size_t students; /* students who miss at least one occurrence that week */
} cv_plan_week;

typedef struct cv_session {
	unsigned index;          /* 1-based, home-week order (rotation: the order of the turns) */
	size_t candidate;        /* grid candidate */
	cv_slot slot;            /* home-zone weekday and start */
	unsigned duration;       /* minutes */
	cv_occurrence *occurrences;
	size_t noccurrences;
	size_t *students;        /* roster indices of students assigned (sections) or all (series,
				    rotation) */
	size_t nstudents;
} cv_session;

/* One occurrence a student is expected at. */
typedef struct cv_expect {
	unsigned session;   /* index into plan->sessions (0-based) */
	unsigned occurrence;/* index into that session's occurrences */
	cv_miss miss;       /* CV_MISS_NONE when attended live */
	int64_t clock_change; /* for CV_MISS_CLOCKS: the UTC instant of the change that
				 moved it (the student's or the home zone's), else 0 */
	const cv_zone *clock_zone; /* whose clocks changed then: the student's zone or the
				      course's home zone (borrowed), else NULL */
	int preferred;      /* attended inside a preferred window */
} cv_expect;

typedef struct cv_student_plan {
	size_t student;     /* roster index */
	int section;        /* 0-based session index (sections mode), -1 in series and rotation;
			       with capacity a student who cannot be live follows its recording */
	const cv_expect *expects; /* in chronological order; owned by the plan and shared
				     by students whose availability is identical */
	size_t nexpects;
	size_t nlive;
} cv_student_plan;

/* One of the ranked plans of `solve --top N`. */
typedef struct cv_ranked {
	cv_score score;
	size_t count;
	cv_slot slots[CV_COUNT_MAX]; /* home-week order */
} cv_ranked;

typedef struct cv_plan {
	const cv_course *course;  /* borrowed */
	const cv_roster *roster;  /* borrowed */
	cv_session *sessions;
	size_t nsessions;
	cv_student_plan *students; /* parallel to roster->students */
	size_t nstudents;
	cv_solution solution;
	cv_expect **expect_arrays; /* the distinct expects arrays (owned) */
	size_t nexpect_arrays;
	cv_ranked *ranked;         /* the N best plans when asked for (owned), else NULL */
	size_t nranked;
	cv_absence *absences;      /* every occurrence's absent students, one block (owned) */
	size_t nabsences;
	cv_plan_week *weeks;       /* indexed by term week: 0 up to the last occurrence's (owned) */
	size_t nweeks;
} cv_plan;

/*
 * Turn a solution into a plan.  The course, roster and grid are borrowed;
 * the course and roster must outlive the plan (the grid need not).
 * Returns 0 with *out set (caller frees with cv_plan_free()) or CV_ENOMEM.
 */
int cv_plan_build(cv_plan **out, const cv_grid *grid, const cv_solution *solution);
void cv_plan_free(cv_plan *plan);

/*
 * Who misses what, for the instructor: from the students' expects, every
 * occurrence's absent students (cv_occurrence.absent, .nabsent and
 * .nabsent_for) and every term week's missed attendances and students
 * (plan->weeks).  Expects that name no session or occurrence of the plan,
 * and students outside the roster, are left out.  cv_plan_build() calls
 * it; a plan assembled by hand (a test, a front end restoring a committed
 * plan) calls it once its sessions and expects are final, and again after
 * changing them.  Returns 0, or CV_ENOMEM with no occurrence counting an
 * absence (plan->absences and plan->weeks NULL).
 */
int cv_plan_tally(cv_plan *plan);

/*
 * Attach the ranked plans of cv_solve_top() (best first) for the reports.
 * Returns 0 or CV_ENOMEM; the plan owns its copy.
 */
int cv_plan_set_ranked(cv_plan *plan, const cv_grid *grid, const cv_solution *ranked, size_t n);

/*
 * What one student's availability would mean under a plan's sessions, the
 * plan's decision rules unchanged (a section as cv_plan_build() assigns
 * one; why each occurrence is missed), without solving again: what the web
 * page tells a student while they paint their hours.  An opaque pair of a
 * one-student roster and its plan.
 */
typedef struct cv_preview cv_preview;

/*
 * Preview `student` (its strings are copied; zone and avail must be set;
 * the preview takes student->avail on success only) under the sessions of
 * `plan` (borrowed: its course must outlive the preview).  Like
 * cv_grid_build(), it asks the tz module about the student's zone: no other
 * thread may use the tz module meanwhile.  Returns 0 with *out set (caller
 * frees with cv_preview_free()), CV_EDATA (an id the roster refuses), or
 * CV_ENOMEM.
 */
int cv_plan_preview(cv_preview **out, const cv_plan *plan, const cv_student *student);

/* The one-student plan (borrowed until cv_preview_free()): student 0. */
const cv_plan *cv_preview_plan(const cv_preview *preview);

/* Free; NULL is a no-op. */
void cv_preview_free(cv_preview *preview);

/* English phrase for a miss reason ("you are away"), static. */
const char *cv_miss_text(cv_miss miss);

#ifdef __cplusplus
}
#endif
#endif
