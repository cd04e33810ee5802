/*
 * convene/report.h - the plan for people (text) and programs (JSON, the
 * schema of DESIGN.md "Outputs": keys may be added, never renamed).
 */
#ifndef CONVENE_REPORT_H
#define CONVENE_REPORT_H

#include <stdio.h>
#include "grid.h"
#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Write the report to f.  Returns 0 or CV_EIO when writing fails. */
int cv_report_text(FILE *f, const cv_plan *plan);
int cv_report_json(FILE *f, const cv_plan *plan);

/*
 * Write the home week as an SVG heatmap: for every candidate start, the
 * weighted number of students a session starting there would have live in
 * an average week (its occurrences' attendance / occurrences), with the
 * plan's sessions outlined.  `grid` is the one the plan was built from
 * (borrowed).  Returns 0, CV_ENOMEM, or CV_EIO when writing fails.
 */
int cv_report_heatmap(FILE *f, const cv_plan *plan, const cv_grid *grid);

/*
 * What the plan means for one student (roster index `student`), in English
 * and in the student's own time: how many of their sessions they can attend
 * live, why they miss the others ("the 4 you miss are after your clocks
 * change on 28 March"), and when their sessions are on their clock.  One
 * line.  Returns 0, CV_EDATA for a student the plan does not have,
 * CV_ENOMEM, or CV_EIO when writing fails.
 */
int cv_report_student_text(FILE *f, const cv_plan *plan, size_t student);

/*
 * The same as one JSON object: {"id", "timezone", "expected", "live",
 * "missed": {"away", "busy", "clocks", "hours"}, "section" (null in series
 * mode), "text" (cv_report_student_text()'s line), "occurrences": [{"start"
 * (UTC, RFC 3339), "session", "date", "weekday", "time" (the student's wall
 * clock), "live", "reason"}]}.  Returns as cv_report_student_text().
 */
int cv_report_student_json(FILE *f, const cv_plan *plan, size_t student);

#ifdef __cplusplus
}
#endif
#endif
