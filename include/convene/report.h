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

#ifdef __cplusplus
}
#endif
#endif
