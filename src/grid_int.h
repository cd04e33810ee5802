/*
 * grid_int.h - private: the min-gap rule, shared by the grid and the
 * solver, and a test's window into the grid.  Not API.
 */
#ifndef CONVENE_GRID_INT_H
#define CONVENE_GRID_INT_H

#include <stdint.h>

#include "convene/civil.h"
#include "convene/grid.h"

/*
 * 1 if sessions of `duration` minutes starting at week minutes a and b are
 * `gap` minutes apart on the home week taken as a cycle: from the end of
 * either to the start of the other (DESIGN.md "Objective").  Inline: the
 * solver asks it for every candidate at every level of every node.
 */
static inline int Cv_week_apart(int32_t a, int32_t b, int32_t duration, int32_t gap)
{
	int32_t delta = b - a;
	if (delta < 0)
		delta += CV_WEEK_MINUTES;
	return (delta - duration >= gap) & (CV_WEEK_MINUTES - delta - duration >= gap);
}

/* The same for sessions of two lengths: a of `da` minutes, b of `db`. */
static inline int Cv_week_apart2(int32_t a, int32_t da, int32_t b, int32_t db, int32_t gap)
{
	int32_t delta = b - a;
	if (delta < 0)
		delta += CV_WEEK_MINUTES;
	return (delta - da >= gap) & (CV_WEEK_MINUTES - delta - db >= gap);
}

/*
 * Which weeks the group can attend the candidate: CV_WEEK_WORDS words, bit
 * w = week w, recomputed from a member's availability over the term (not
 * from the grid's bitsets), so that a test can check the grid's counts
 * against it.  Returns 0 or CV_ENOMEM.
 */
int Cv_grid_attend_weeks(uint64_t out[CV_WEEK_WORDS], const cv_grid *grid, size_t group,
			 size_t candidate);

#endif
