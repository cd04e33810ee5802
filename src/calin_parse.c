/*
 * calin_parse.c - what a calendar file says about one student (see
 * include/convene/calin.h): VEVENTs and VFREEBUSY periods are busy time,
 * VAVAILABILITY components (by priority) say which time is covered and
 * which of it is available.
 */
#include <stdlib.h>
#include <string.h>

#include "array_int.h"
#include "calin_int.h"

/* One VAVAILABILITY. */
typedef struct vav {
	int level;        /* 1 = highest priority ... 10 = PRIORITY 0 (undefined) */
	int64_t lo, hi;
	Cv_intervals avail;
} vav;

/* The top-level components of a file, by kind. */
typedef struct parts {
	const node **events;
	int *counts;      /* per event: 1 busy, 0 transparent or cancelled */
	size_t nev;
	vav *vs;
	size_t nvav, nfb;
} parts;

static int vav_cmp(const void *a, const void *b)
{
	return ((const vav *)a)->level - ((const vav *)b)->level;
}

/* A VAVAILABILITY's priority and range: DTSTART to DTEND or DURATION, within the span. */
static int read_range(ctx *x, const node *nd, vav *out)
{
	icalcomponent *c = nd->c;
	icalproperty *p;
	tval ds, de;
	int have_ds = 0, rc;

	if ((p = icalcomponent_get_first_property(c, ICAL_PRIORITY_PROPERTY))) {
		int pr = icalproperty_get_priority(p);
		if (pr < 0 || pr > 9) {
			Cv_calin_err_prop(x, nd->comp, "PRIORITY", NULL, "PRIORITY must be 0..9");
			return CV_EDATA;
		}
		out->level = pr ? pr : 10;
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY))) {
		if ((rc = Cv_calin_get_time(&ds, x, nd->comp, p, icalproperty_get_dtstart(p))))
			return rc;
		have_ds = 1;
		if (ds.at > out->lo)
			out->lo = ds.at;
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY))) {
		if ((rc = Cv_calin_get_time(&de, x, nd->comp, p, icalproperty_get_dtend(p))))
			return rc;
		if (have_ds && de.at < ds.at) {
			Cv_calin_err_prop(x, nd->comp, "DTEND", NULL, "DTEND is before DTSTART");
			return CV_EDATA;
		}
		if (de.at < out->hi)
			out->hi = de.at;
	} else if ((p = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY))) {
		int64_t e;
		if (!have_ds) {
			Cv_calin_err_prop(x, nd->comp, "DURATION", NULL, "DURATION without DTSTART");
			return CV_EDATA;
		}
		e = Cv_calin_add_duration(ds.zone, ds.wall, icalproperty_get_duration(p));
		if (e < out->hi)
			out->hi = e;
	}
	if (out->hi < out->lo)
		out->hi = out->lo;
	return CV_OK;
}

/* The available time of VAVAILABILITY all->v[k]: its AVAILABLE children, within its range. */
static int read_available(ctx *x, const nodes *all, size_t k, vav *out)
{
	icalcomponent *c = all->v[k].c;
	const node **group = malloc(all->n * sizeof(*group));
	int *counts = malloc(all->n * sizeof(*counts));
	size_t i, n = 0;
	int rc = CV_ENOMEM;

	if (group && counts) {
		/* Its children follow it directly in pre-order. */
		for (i = k + 1; i < all->n; i++) {
			if (icalcomponent_get_parent(all->v[i].c) != c)
				continue;
			if (icalcomponent_isa(all->v[i].c) == ICAL_XAVAILABLE_COMPONENT) {
				group[n] = &all->v[i];
				counts[n++] = 1;
			}
		}
		rc = Cv_calin_collect(x, group, n, counts, &out->avail);
	}
	if (rc == CV_OK)
		out->avail.size = Cv_intervals_clip(out->avail.ptr, out->avail.size, out->lo,
						    out->hi);
	free(group);
	free(counts);
	return rc;
}

/* One VAVAILABILITY (all->v[k]): its range, priority and available time. */
static int read_vavailability(ctx *x, const nodes *all, size_t k, vav *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->lo = x->from;
	out->hi = x->to;
	out->level = 10;
	if ((rc = read_range(x, &all->v[k], out)))
		return rc;
	return read_available(x, all, k, out);
}

/* Combine VAVAILABILITY components by priority (see calin.h). */
static int combine(cv_calin *cal, vav *v, size_t n)
{
	size_t i = 0, j;
	int rc;

	if (n)
		qsort(v, n, sizeof(*v), vav_cmp);
	while (i < n) {
		Cv_intervals range = CV_ARRAY_INIT, av = CV_ARRAY_INIT;
		for (j = i; j < n && v[j].level == v[i].level; j++) {
			if ((rc = Cv_intervals_push(&range, v[j].lo, v[j].hi)) ||
			    (rc = Cv_intervals_append(&av, v[j].avail.ptr, v[j].avail.size)))
				goto fail;
		}
		Cv_intervals_norm(&range);
		Cv_intervals_norm(&av);
		/* What a higher priority already covers is not this level's to say. */
		if ((rc = Cv_intervals_append_difference(&cal->available, &av, &cal->covered)) ||
		    (rc = Cv_intervals_append(&cal->covered, range.ptr, range.size)))
			goto fail;
		Cv_intervals_norm(&cal->available);
		Cv_intervals_norm(&cal->covered);
		Cv_array_clear(range);
		Cv_array_clear(av);
		i = j;
		continue;
fail:
		Cv_array_clear(range);
		Cv_array_clear(av);
		return rc;
	}
	return CV_OK;
}

static int read_freebusy(ctx *x, const node *nd, Cv_intervals *busy)
{
	icalproperty *p;
	int rc = CV_OK;

	for (p = icalcomponent_get_first_property(nd->c, ICAL_FREEBUSY_PROPERTY); p;
	     p = icalcomponent_get_next_property(nd->c, ICAL_FREEBUSY_PROPERTY)) {
		icalparameter *par = icalproperty_get_first_parameter(p, ICAL_FBTYPE_PARAMETER);
		struct icalperiodtype pd = icalproperty_get_freebusy(p);
		tval a, b;
		int64_t end;

		/* RFC 5545: FBTYPE defaults to BUSY, and unknown types count as BUSY. */
		if (par && icalparameter_get_fbtype(par) == ICAL_FBTYPE_FREE)
			continue;
		if ((rc = Cv_calin_get_time(&a, x, nd->comp, p, pd.start)))
			return rc;
		if (!icaltime_is_null_time(pd.end)) {
			if ((rc = Cv_calin_get_time(&b, x, nd->comp, p, pd.end)))
				return rc;
			end = b.at;
		} else {
			end = Cv_calin_add_duration(a.zone, a.wall, pd.duration);
		}
		if (end < a.at) {
			Cv_calin_err_prop(x, nd->comp, "FREEBUSY", NULL,
					  "a FREEBUSY period ends before it starts");
			return CV_EDATA;
		}
		if ((rc = Cv_intervals_push(busy, a.at, end)))
			return rc;
	}
	return rc;
}

/* 1 when a VEVENT takes the student's time: not TRANSPARENT, not CANCELLED. */
static int event_is_busy(icalcomponent *c)
{
	icalproperty *p;

	if ((p = icalcomponent_get_first_property(c, ICAL_TRANSP_PROPERTY))) {
		icalproperty_transp t = icalproperty_get_transp(p);
		if (t == ICAL_TRANSP_TRANSPARENT || t == ICAL_TRANSP_TRANSPARENTNOCONFLICT)
			return 0;
	}
	return !((p = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY)) &&
		 icalproperty_get_status(p) == ICAL_STATUS_CANCELLED);
}

/*
 * The top-level components: VFREEBUSY and VAVAILABILITY are read as they
 * come (every problem reported), VEVENTs listed for Cv_calin_collect().
 * Returns 0 or CV_ENOMEM; problems are in x->failed.
 */
static int sort_parts(ctx *x, cv_calin *cal, const nodes *all, parts *pt)
{
	size_t i;

	for (i = 0; i < all->n; i++) {
		icalcomponent *c = all->v[i].c, *parent = icalcomponent_get_parent(c);
		if (!parent || icalcomponent_isa(parent) != ICAL_VCALENDAR_COMPONENT)
			continue;
		switch (icalcomponent_isa(c)) {
		case ICAL_VEVENT_COMPONENT:
			pt->events[pt->nev] = &all->v[i];
			pt->counts[pt->nev++] = event_is_busy(c);
			break;
		case ICAL_VFREEBUSY_COMPONENT:
			pt->nfb++;
			if (read_freebusy(x, &all->v[i], &cal->busy) == CV_ENOMEM)
				return CV_ENOMEM;
			break;
		case ICAL_VAVAILABILITY_COMPONENT:
			if (read_vavailability(x, all, i, &pt->vs[pt->nvav++]) == CV_ENOMEM)
				return CV_ENOMEM;
			break;
		default:
			break;
		}
	}
	return CV_OK;
}

static int read_all(ctx *x, cv_calin *cal, icalcomponent *root)
{
	nodes all = {NULL, 0, 0};
	parts pt;
	size_t i;
	int rc;

	memset(&pt, 0, sizeof(pt));
	if ((rc = Cv_calin_map(x, root, &all)))
		goto out;
	pt.events = malloc((all.n + 1) * sizeof(*pt.events));
	pt.counts = malloc((all.n + 1) * sizeof(*pt.counts));
	pt.vs = calloc(all.n + 1, sizeof(*pt.vs));
	if (!pt.events || !pt.counts || !pt.vs) {
		rc = CV_ENOMEM;
		goto out;
	}
	if ((rc = sort_parts(x, cal, &all, &pt)))
		goto out;
	if (!pt.nev && !pt.nfb && !pt.nvav) {
		Cv_calin_err_at(x, 1, 1, "the calendar has no VAVAILABILITY, VFREEBUSY or VEVENT");
		rc = CV_EDATA;
		goto out;
	}
	rc = Cv_calin_collect(x, pt.events, pt.nev, pt.counts, &cal->busy);
	if (rc == CV_ENOMEM)
		goto out;
	if (x->failed) {
		rc = CV_EDATA;
		goto out;
	}
	Cv_intervals_norm(&cal->busy);
	cal->busy.size = Cv_intervals_clip(cal->busy.ptr, cal->busy.size, x->from, x->to);
	cal->has_availability = pt.nvav > 0;
	rc = combine(cal, pt.vs, pt.nvav);
out:
	for (i = 0; pt.vs && i < pt.nvav; i++)
		Cv_array_clear(pt.vs[i].avail);
	free(pt.vs);
	free(pt.events);
	free(pt.counts);
	free(all.v);
	return rc;
}

int cv_calin_parse(cv_calin **out, const char *text, size_t len, const char *path,
		   const cv_zone *zone, int64_t from, int64_t to, cv_errors *errs)
{
	ctx x;
	cv_calin *cal = NULL;
	icalcomponent *root = NULL;
	char *copy = NULL;
	int rc;

	memset(&x, 0, sizeof(x));
	x.path = path;
	x.raw = text;
	x.rawlen = len;
	x.errs = errs;
	x.zone = zone;
	x.from = from;
	x.to = to;
	if ((rc = cv_zone_lookup(&x.utc, "UTC", NULL, 0)))
		return rc;
	if (len > CV_CALIN_FILE_MAX) {
		Cv_calin_err_at(&x, 0, 0, "the calendar is larger than %zu bytes", CV_CALIN_FILE_MAX);
		return CV_EDATA;
	}
	if ((rc = Cv_calin_scan(&x)))
		goto out;
	cal = calloc(1, sizeof(*cal));
	copy = malloc(len + 1);
	if (!cal || !copy) {
		rc = CV_ENOMEM;
		goto out;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	root = icalparser_parse_string(copy);
	if (!root) {
		Cv_calin_err_at(&x, 1, 1, "libical could not read this calendar");
		rc = CV_EDATA;
		goto out;
	}
	rc = read_all(&x, cal, root);
	if (rc == CV_OK && x.failed)
		rc = CV_EDATA;
out:
	if (root)
		icalcomponent_free(root);
	free(copy);
	Cv_calin_finish_badzones(&x);
	free(x.buf);
	free(x.lines);
	free(x.comps);
	if (rc) {
		cv_calin_free(cal);
		return rc;
	}
	*out = cal;
	return CV_OK;
}
