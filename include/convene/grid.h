/*
 * convene/grid.h - candidate slots and who can attend them, week by week.
 *
 * A candidate is a start time on the course's granularity grid, in the home
 * zone's wall-clock week, whose whole session lies inside one of the
 * instructor's windows.  For every candidate and every week of the term
 * the grid knows the occurrence's UTC instant (none in holiday weeks) and
 * which students can attend it: the whole UTC interval lies inside their
 * availability (DESIGN.md, time rule 5).  Students whose rows are identical
 * are merged into weighted groups; the solver sees only groups.
 */
#ifndef CONVENE_GRID_H
#define CONVENE_GRID_H

#include <stddef.h>
#include <stdint.h>
#include "course.h"
#include "roster.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A start time in the home zone's week. */
typedef struct cv_slot {
	uint8_t weekday; /* 0 = Monday */
	uint16_t start;  /* minutes after midnight */
} cv_slot;

/* The longest term in weeks the grid handles (CV_TERM_DAYS_MAX / 7 + 2). */
#define CV_WEEKS_MAX 108
#define CV_WEEK_WORDS ((CV_WEEKS_MAX + 63) / 64)

typedef struct cv_grid cv_grid;

/*
 * Build the grid for a course and its roster (both borrowed: they must
 * outlive the grid).  Returns 0 with *out set (caller frees with
 * cv_grid_free()), or CV_ENOMEM.  Works on one thread per online CPU.
 */
int cv_grid_build(cv_grid **out, const cv_course *course, const cv_roster *roster);

/*
 * cv_grid_build() on `threads` threads (0: one per online CPU), which
 * cv_grid_definition_weeks() uses too.  The grid is the same, byte for
 * byte, whatever the number.  While it builds, no other thread may ask the
 * tz module about the students' zones (its tables fill on first use).
 */
int cv_grid_build_threads(cv_grid **out, const cv_course *course, const cv_roster *roster,
			  unsigned threads);
void cv_grid_free(cv_grid *grid);

const cv_course *cv_grid_course(const cv_grid *grid);
const cv_roster *cv_grid_roster(const cv_grid *grid);

/* Candidates, in home-week order (Monday 00:00 first). */
size_t cv_grid_candidates(const cv_grid *grid);
cv_slot cv_grid_slot(const cv_grid *grid, size_t candidate);
/* The candidate index of a slot: 0 with *out set, or CV_ENOTFOUND when the
 * slot is not a candidate. */
int cv_grid_find(size_t *out, const cv_grid *grid, cv_slot slot);
/* Minutes a session at the candidate lasts.  A series whose sessions have
 * different lengths ("duration = 90m, 60m") has a candidate for every start
 * and length that fits a window, in home-week order, the shorter first. */
unsigned cv_grid_duration(const cv_grid *grid, size_t candidate);
/* Minutes from Monday 00:00 of the home week to the candidate's start. */
unsigned cv_grid_week_minute(const cv_grid *grid, size_t candidate);
/* 1 if two candidates are min-gap apart on the home week taken as a cycle. */
int cv_grid_compatible(const cv_grid *grid, size_t a, size_t b);

/* Weeks of the term: week 0 holds the term's first day (weeks start on Monday). */
size_t cv_grid_weeks(const cv_grid *grid);
/* The candidate's occurrence in `week`: 0 with its UTC start in *out, or
 * CV_ENOTFOUND when there is none (before or after the term, or a holiday). */
int cv_grid_occurrence(int64_t *out, const cv_grid *grid, size_t candidate, size_t week);
/* Number of occurrences of the candidate in the term. */
unsigned cv_grid_occurrence_count(const cv_grid *grid, size_t candidate);

/*
 * Cadence and rotation (DESIGN.md "Objective").  With `every = N` only every
 * N-th week from `first` has sessions: the others have no occurrence.  In
 * rotation the weeks with sessions take the `count` slots in turn; such a
 * week's phase is its slot's number.  cv_grid_phases() is `count` in
 * rotation and 1 otherwise; cv_grid_week_phase() gives 0 with *out set, or
 * CV_ENOTFOUND for a week without sessions or outside the term.
 */
size_t cv_grid_phases(const cv_grid *grid);
int cv_grid_week_phase(unsigned *out, const cv_grid *grid, size_t week);

/* Groups of students with identical rows (in rotation, identical in every phase). */
size_t cv_grid_groups(const cv_grid *grid);
/* Sum of the members' weights. */
uint64_t cv_grid_group_weight(const cv_grid *grid, size_t group);
/* Members as roster indices, ascending (borrowed). */
const size_t *cv_grid_group_members(const cv_grid *grid, size_t group, size_t *n);
/* Distinct availability definitions (zone, windows, preferred windows, away
 * dates, busy intervals): students with the same definition attend exactly
 * the same occurrences.  Definitions are numbered 0..cv_grid_definitions()-1. */
size_t cv_grid_definitions(const cv_grid *grid);
size_t cv_grid_student_definition(const cv_grid *grid, size_t student);

/*
 * Which weeks every definition can attend each candidate cands[0..ncands):
 * *out gets ndefinitions * ncands * 2 blocks of CV_WEEK_WORDS words, block
 * (d * ncands + j) * 2 + pref holding bit w when definition d attends week
 * w's occurrence of cands[j] (pref = 1: inside a preferred window too).
 * The same computation as the counts, so the two always agree.  Returns 0
 * with *out malloc'd (caller frees with free()), or CV_ENOMEM.
 */
int cv_grid_definition_weeks(uint64_t **out, const cv_grid *grid, const size_t *cands,
			     size_t ncands);

/* The group of roster student `student`. */
size_t cv_grid_student_group(const cv_grid *grid, size_t student);

/* How many of the candidate's occurrences the group can attend / attend in preferred windows. */
unsigned cv_grid_attend(const cv_grid *grid, size_t group, size_t candidate);
unsigned cv_grid_preferred(const cv_grid *grid, size_t group, size_t candidate);
/* The same as rows: cv_grid_candidates() entries, entry c being
 * cv_grid_attend(grid, group, c) (borrowed: valid until the grid is freed).
 * For loops over every candidate of every group. */
const uint8_t *cv_grid_attend_row(const cv_grid *grid, size_t group);
const uint8_t *cv_grid_preferred_row(const cv_grid *grid, size_t group);
/* The same counted over the weeks of one phase only (with one phase, the
 * rows above); borrowed. */
const uint8_t *cv_grid_attend_phase_row(const cv_grid *grid, size_t group, size_t phase);
const uint8_t *cv_grid_preferred_phase_row(const cv_grid *grid, size_t group, size_t phase);
#ifdef __cplusplus
}
#endif
#endif
