/*
 * convene/report.h - the plan for people (text) and programs (JSON, the
 * schema of DESIGN.md "Outputs": keys may be added, never renamed).
 */
#ifndef CONVENE_REPORT_H
#define CONVENE_REPORT_H

#include <stdio.h>
#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Write the report to f.  Returns 0 or CV_EIO when writing fails. */
int cv_report_text(FILE *f, const cv_plan *plan);
int cv_report_json(FILE *f, const cv_plan *plan);

#ifdef __cplusplus
}
#endif
#endif
