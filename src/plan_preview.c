/*
 * plan_preview.c - one student's availability under a plan's sessions
 * (cv_plan_preview()): the same grid computation and the same plan rules as
 * cv_plan_build(), over a roster of that one student, so a preview and the
 * next solve never disagree about the student.
 */
#include <stdlib.h>
#include <string.h>

#include "convene/plan.h"

struct cv_preview {
	cv_roster *roster;
	cv_plan *plan;
};

void cv_preview_free(cv_preview *p)
{
	if (!p)
		return;
	cv_plan_free(p->plan);
	cv_roster_free(p->roster);
	free(p);
}

const cv_plan *cv_preview_plan(const cv_preview *p)
{
	return p->plan;
}

int cv_plan_preview(cv_preview **out, const cv_plan *plan, const cv_student *student)
{
	cv_preview *p = calloc(1, sizeof(*p));
	cv_grid *g = NULL;
	cv_solution sol;
	size_t i;
	int rc;

	if (!p)
		return CV_ENOMEM;
	rc = cv_roster_new(&p->roster, "preview");
	if (!rc)
		rc = cv_roster_add(p->roster, student);
	if (rc) {
		cv_preview_free(p);
		return rc;
	}
	/* The course is the plan's, so its candidates are the plan's grid's. */
	rc = cv_grid_build_threads(&g, plan->course, p->roster, 1);
	if (!rc) {
		sol = plan->solution;
		sol.count = plan->nsessions;
		for (i = 0; i < plan->nsessions; i++)
			sol.slots[i] = plan->sessions[i].candidate;
		rc = cv_plan_build(&p->plan, g, &sol);
	}
	cv_grid_free(g);
	if (rc) {
		p->roster->students[0].avail = NULL; /* the caller's again */
		cv_preview_free(p);
		return rc;
	}
	*out = p;
	return CV_OK;
}
