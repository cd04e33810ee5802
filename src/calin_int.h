/*
 * calin_int.h - private to the calin module (src/calin*.c): the state of
 * reading one calendar file, shared by its steps.  Not API.
 *
 *   calin_scan.c    the text: unfolded, checked line by line (NAME[;params]:
 *                   value, balanced BEGIN/END) and indexed, then matched to
 *                   libical's component tree, so that a problem libical finds
 *                   later can still be reported at the line of its property
 *   calin_expand.c  time values, and the instances of one component within
 *                   the span (DTSTART, RRULE, RDATE, EXDATE, RECURRENCE-ID)
 *   calin_parse.c   VEVENT, VFREEBUSY and VAVAILABILITY into busy, covered
 *                   and available time: cv_calin_parse()
 *   calin.c         files and the roster: loading, applying, the accessors
 */
#ifndef CONVENE_CALIN_INT_H
#define CONVENE_CALIN_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "convene/calin.h"
#include "interval_int.h"

/* What one calendar file says (see cv_calin_busy() and the others). */
struct cv_calin {
	Cv_intervals busy, covered, available;
	int has_availability;
};

/* One unfolded content line. */
typedef struct sline {
	size_t raw;     /* offset of the line's first byte in the text */
	unsigned line;  /* its physical line */
	size_t text;    /* offset of the unfolded line in ctx.buf (NUL-terminated) */
	size_t len;
	size_t value;   /* offset of the value within the unfolded line */
	int comp;       /* the component it belongs to (scan order) */
} sline;

/* One component as the scan found it. */
typedef struct scomp {
	char name[32];  /* upper case, truncated */
	unsigned line;  /* of its BEGIN */
	size_t begin;   /* its BEGIN sline */
} scomp;

/*
 * An unknown TZID is reported once, at its first use, with how often the
 * file uses it: a calendar that names one bad zone 20,000 times gets one
 * line and one zone lookup, not 20,000 (issue 16).  At most
 * CV_CALIN_BADZONES_MAX distinct names are tracked; beyond that each use
 * is reported as met.
 */
#define CV_CALIN_BADZONES_MAX 1024

struct badzone {
	char *tzid;
	size_t uses;
	size_t diag; /* the index of its diagnostic in x->errs */
};

/* Reading one calendar file. */
typedef struct ctx {
	const char *path;
	const char *raw;
	size_t rawlen;
	cv_errors *errs;
	int failed;
	const cv_zone *zone;    /* the student's zone */
	const cv_zone *utc;
	int64_t from, to;       /* the span */

	char *buf;              /* unfolded lines */
	size_t nbuf;
	sline *lines;
	size_t nlines, caplines;
	scomp *comps;
	size_t ncomps, capcomps;
	int mapped;             /* libical's tree matched the scan */
	size_t ninstances;
	size_t steps;           /* recurrence steps taken, all rules */
	struct badzone *bad;    /* unknown TZIDs met, sorted by name */
	size_t nbad, capbad;
} ctx;

/* A component of libical's tree, and its index in the scan. */
typedef struct node {
	icalcomponent *c;
	int comp;
} node;

/* Every component, in pre-order. */
typedef struct nodes {
	node *v;
	size_t n, cap;
} nodes;

/* A time value of a property. */
typedef struct tval {
	int64_t wall;          /* wall time in `zone` */
	int64_t at;            /* the UTC instant */
	const cv_zone *zone;
	int is_date;
} tval;

/* calin_scan.c */

/* Unfold, check and index x->raw.  Returns 0, CV_EDATA (reported) or CV_ENOMEM. */
int Cv_calin_scan(ctx *x);
/*
 * Every component of libical's tree under root into *out (pre-order),
 * matched to the scan, and libical's own complaints reported.  Returns 0,
 * CV_EDATA (reported) or CV_ENOMEM; the caller frees out->v.
 */
int Cv_calin_map(ctx *x, icalcomponent *root, nodes *out);
/* Report an error at a line and column (0: the whole file). */
void Cv_calin_err_at(ctx *x, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * Report an error at a property of component `comp`: the first line named
 * `name` whose text contains `needle` (NULL: any), at the needle (or at the
 * value); at the component's BEGIN line when there is no such line.
 */
void Cv_calin_err_prop(ctx *x, int comp, const char *name, const char *needle,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* calin_expand.c */

/* The time value t of property p of component comp.  Returns 0, CV_EDATA (reported), CV_ENOMEM. */
int Cv_calin_get_time(tval *out, ctx *x, int comp, icalproperty *p, struct icaltimetype t);
/* Add a DURATION: days and weeks on the wall clock of `zone`, the rest exact. */
int64_t Cv_calin_add_duration(const cv_zone *zone, int64_t wall, struct icaldurationtype d);
/* Say how often each unknown TZID was used, in its one diagnostic; free the list. */
void Cv_calin_finish_badzones(ctx *x);
/*
 * The union of the counting instances (counts[i] != 0) of group[0..n) (the
 * VEVENTs of a file, the AVAILABLEs of a VAVAILABILITY) within the span,
 * overrides replacing the instances they name, appended to *out, which is
 * then made normal and clipped to the span.  Every bad component is
 * reported.  Returns 0, CV_EDATA or CV_ENOMEM.
 */
int Cv_calin_collect(ctx *x, const node *const *group, size_t n, const int *counts,
		     Cv_intervals *out);

#endif
