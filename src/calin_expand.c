/*
 * calin_expand.c - time values of a calendar, and the instances of one
 * component (VEVENT or AVAILABLE) within the span: DTSTART, RRULEs and
 * RDATEs, less EXDATEs; a RECURRENCE-ID override replaces the instance it
 * names.
 *
 * libical's recurrence iterator runs in floating time only: given a zone
 * it asks ICU, whose tzdata is stale (DESIGN.md, time rule 1).  Instances
 * are expanded on the wall clock of the DTSTART zone and converted with tz.
 */
#include <stdlib.h>
#include <string.h>

#include "array_int.h"
#include "calin_int.h"
#include "utf8_int.h"

/* ---------------------------------------------------------------------- */
/* Times                                                                    */

static int64_t wall_of(struct icaltimetype t)
{
	int64_t w = (int64_t)cv_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day) *
		    CV_DAY_SECONDS;
	if (!t.is_date)
		w += (int64_t)t.hour * CV_HOUR_SECONDS + t.minute * CV_MINUTE_SECONDS + t.second;
	return w;
}

static struct icaltimetype float_of(int64_t wall, int is_date)
{
	struct icaltimetype t = icaltime_null_time();
	int32_t d = cv_day_of(wall);
	int64_t s = wall - (int64_t)d * CV_DAY_SECONDS;
	int y;
	unsigned mo, dd;

	cv_civil_from_days(&y, &mo, &dd, d);
	t.year = y;
	t.month = (int)mo;
	t.day = (int)dd;
	if (is_date) {
		t.is_date = 1;
	} else {
		t.hour = (int)(s / CV_HOUR_SECONDS);
		t.minute = (int)(s / CV_MINUTE_SECONDS % CV_HOUR_MINUTES);
		t.second = (int)(s % CV_MINUTE_SECONDS);
	}
	return t;
}

/*
 * A TZID: whatever cv_zone_lookup() takes, or a vendor prefix before an
 * IANA name ("/mozilla.org/20050126_1/Europe/Berlin", libical's own
 * "/freeassociation.sourceforge.net/Tzfile/Europe/Berlin").
 */
static int lookup_tzid(const cv_zone **z, const char *tzid, char *hint, size_t size)
{
	int rc = cv_zone_lookup(z, tzid, hint, size);
	const char *p;

	if (rc != CV_EDATA || tzid[0] != '/')
		return rc;
	for (p = strchr(tzid + 1, '/'); p; p = strchr(p + 1, '/')) {
		if (cv_zone_lookup(z, p + 1, NULL, 0) == CV_OK)
			return CV_OK;
	}
	return rc;
}

/*
 * The zone of a time value of property p: UTC for 'Z', its TZID, else the
 * student's zone (floating and DATE values).  Reports an unknown TZID.
 */
static int zone_of(const cv_zone **z, ctx *x, int comp, icalproperty *p, struct icaltimetype t)
{
	icalparameter *par;
	const char *tzid;
	char hint[CV_ZONE_HINT_MAX], msg[CV_ZONE_HINT_MAX + 128];
	int rc;

	if (icaltime_is_utc(t)) {
		*z = x->utc;
		return CV_OK;
	}
	par = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	tzid = par ? icalparameter_get_tzid(par) : NULL;
	if (!tzid) {
		*z = x->zone;
		return CV_OK;
	}
	hint[0] = '\0';
	rc = lookup_tzid(z, tzid, hint, sizeof(hint));
	if (rc == CV_ENOMEM)
		return rc;
	if (rc) {
		Cv_calin_err_prop(x, comp, icalproperty_get_property_name(p), tzid,
				  "unknown TZID: %s", Cv_zone_problem(msg, sizeof(msg), tzid, hint));
		return CV_EDATA;
	}
	return CV_OK;
}

int Cv_calin_get_time(tval *out, ctx *x, int comp, icalproperty *p, struct icaltimetype t)
{
	int rc;

	if (icaltime_is_null_time(t)) {
		Cv_calin_err_prop(x, comp, icalproperty_get_property_name(p), NULL, "%s has no date",
				  icalproperty_get_property_name(p));
		return CV_EDATA;
	}
	if ((rc = zone_of(&out->zone, x, comp, p, t)))
		return rc;
	out->is_date = t.is_date;
	out->wall = wall_of(t);
	out->at = cv_zone_to_utc(out->zone, out->wall);
	return CV_OK;
}

int64_t Cv_calin_add_duration(const cv_zone *zone, int64_t wall, struct icaldurationtype d)
{
	int64_t nominal = ((int64_t)d.weeks * CV_WEEK_DAYS + d.days) * CV_DAY_SECONDS;
	int64_t exact = (int64_t)d.hours * CV_HOUR_SECONDS + (int64_t)d.minutes * CV_MINUTE_SECONDS +
			d.seconds;
	return cv_zone_to_utc(zone, wall + nominal) + exact;
}

/* ---------------------------------------------------------------------- */
/* One component's instances                                                */

typedef struct inst {
	const char *uid;  /* borrowed from libical's tree */
	int64_t start, end;
	int override;     /* comes from a component with RECURRENCE-ID */
	int counts;       /* busy (events) / available (AVAILABLE) */
} inst;

typedef struct ilist {
	inst *v;
	size_t n, cap;
} ilist;

typedef struct cand {
	int64_t wall;     /* start, wall clock of the DTSTART zone */
	int64_t end;      /* an RDATE period's own end, else INT64_MIN */
} cand;

typedef struct cands {
	cand *v;
	size_t n, cap;
} cands;

/* How long an instance lasts. */
typedef struct ends {
	enum { END_NONE, END_WALL, END_EXACT, END_DURATION } kind;
	int64_t len;                  /* END_WALL / END_EXACT */
	int64_t exact;                /* END_WALL: the first instance's exact length */
	struct icaldurationtype dur;  /* END_DURATION */
} ends;

typedef struct exset {
	Cv_array_t(int64_t) at;   /* excluded instants */
	Cv_array_t(int32_t) days; /* excluded local dates (DATE-valued EXDATE) */
} exset;

/* One component's recurrence set as it is read. */
typedef struct recur {
	const char *uid;
	tval ds;          /* DTSTART */
	ends en;
	cands cs;         /* candidate starts */
	exset ex;
	int is_override;
} recur;

static int cand_push(cands *c, int64_t wall, int64_t end)
{
	if (Cv_array_ensure(c->v, c->cap, c->n + 1))
		return CV_ENOMEM;
	c->v[c->n++] = (cand){wall, end};
	return CV_OK;
}

static int cand_cmp(const void *x, const void *y)
{
	const cand *a = x, *b = y;
	return (a->wall > b->wall) - (a->wall < b->wall);
}

static int64_t end_of(const ends *e, const cv_zone *zone, int64_t wall, int64_t start, int is_date)
{
	switch (e->kind) {
	case END_WALL: {
		/*
		 * The same wall-clock length, or the same exact length when that is
		 * longer: they differ only across a clock change, and the longer
		 * never understates busy time (an 02:30-03:00 instance on a
		 * spring-forward day would otherwise end before it starts).
		 */
		int64_t e1 = cv_zone_to_utc(zone, wall + e->len), e2 = start + e->exact;
		return e1 > e2 ? e1 : e2;
	}
	case END_EXACT:
		return start + e->len;
	case END_DURATION:
		return Cv_calin_add_duration(zone, wall, e->dur);
	default:
		/* No end: a DATE lasts the day, a DATE-TIME takes no time. */
		return is_date ? cv_zone_to_utc(zone, wall + CV_DAY_SECONDS) : start;
	}
}

/* 1 for a SECONDLY, MINUTELY or HOURLY rule with no BY parts. */
static int plain_rule(const struct icalrecurrencetype *r)
{
	if (r->freq != ICAL_SECONDLY_RECURRENCE && r->freq != ICAL_MINUTELY_RECURRENCE &&
	    r->freq != ICAL_HOURLY_RECURRENCE)
		return 0;
	return r->by_second[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_minute[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_hour[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_year_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_week_no[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_month[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

/*
 * The iterator runs in floating time: it must never see a zone.  So UNTIL
 * moves to the wall clock of the DTSTART zone, and to DTSTART's value type.
 */
static void float_until(struct icalrecurrencetype *r, const tval *ds)
{
	int64_t uw;

	if (icaltime_is_null_time(r->until))
		return;
	if (icaltime_is_utc(r->until))
		uw = cv_zone_to_wall(ds->zone, wall_of(r->until));
	else
		uw = wall_of(r->until);
	if (r->until.is_date && !ds->is_date)
		uw += CV_DAY_SECONDS - 1; /* through the end of that day */
	r->until = float_of(uw, ds->is_date);
}

/*
 * Where to start iterating rule r from DTSTART wall time `start`, to reach
 * wall time `first`.  A sub-daily rule that began long ago would take
 * millions of steps to reach the term: start it at its last instance before
 * `first` instead, a whole number of periods on (in floating time, so
 * exact).  Only for plain rules (no COUNT, no BY parts), whose instances are
 * exactly DTSTART + k * period; icalrecur_iterator_set_start() is not used,
 * it loses the INTERVAL phase.
 */
static int64_t rule_start(const struct icalrecurrencetype *r, int64_t start, int64_t first)
{
	int64_t period;

	if (r->count != 0 || start >= first || !plain_rule(r))
		return start;
	period = (int64_t)(r->interval > 0 ? r->interval : 1) *
		 (r->freq == ICAL_SECONDLY_RECURRENCE   ? 1
		  : r->freq == ICAL_MINUTELY_RECURRENCE ? CV_MINUTE_SECONDS
							: CV_HOUR_SECONDS);
	return start + (first - start) / period * period;
}

/* Expand the RRULE p of a component starting at ds into `out` (walls in ds's zone). */
static int expand_rrule(ctx *x, int comp, icalproperty *p, const tval *ds, int64_t margin,
			cands *out)
{
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	icalrecur_iterator *it;
	struct icaltimetype t;
	int64_t last = cv_zone_to_wall(ds->zone, x->to) + margin, start;
	int rc = CV_OK;

	if (r.freq == ICAL_NO_RECURRENCE) {
		Cv_calin_err_prop(x, comp, "RRULE", NULL, "RRULE cannot be parsed (no FREQ)");
		return CV_EDATA;
	}
	float_until(&r, ds);
	start = rule_start(&r, ds->wall, cv_zone_to_wall(ds->zone, x->from) - margin);
	it = icalrecur_iterator_new(r, float_of(start, ds->is_date));
	if (!it) {
		Cv_calin_err_prop(x, comp, "RRULE", NULL, "RRULE cannot be expanded from this DTSTART");
		return CV_EDATA;
	}
	for (t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
	     t = icalrecur_iterator_next(it)) {
		int64_t w = wall_of(t);
		if (w > last)
			break;
		if (++x->steps > CV_CALIN_STEPS_MAX) {
			Cv_calin_err_prop(x, comp, "RRULE", NULL,
					  "the RRULEs of this calendar have more than %d instances "
					  "before the end of the term", CV_CALIN_STEPS_MAX);
			rc = CV_EDATA;
			break;
		}
		if ((rc = cand_push(out, w, INT64_MIN)))
			break;
	}
	icalrecur_iterator_free(it);
	return rc;
}

static int excluded(const exset *ex, int64_t at, int64_t wall)
{
	size_t i;
	for (i = 0; i < ex->at.size; i++)
		if (ex->at.ptr[i] == at)
			return 1;
	for (i = 0; i < ex->days.size; i++)
		if (ex->days.ptr[i] == cv_day_of(wall))
			return 1;
	return 0;
}

static int ilist_push(ctx *x, ilist *l, int comp, inst v)
{
	if (++x->ninstances > CV_CALIN_INSTANCES_MAX) {
		Cv_calin_err_prop(x, comp, NULL, NULL, "more than %d instances within the term",
				  CV_CALIN_INSTANCES_MAX);
		return CV_EDATA;
	}
	if (Cv_array_ensure(l->v, l->cap, l->n + 1))
		return CV_ENOMEM;
	l->v[l->n++] = v;
	return CV_OK;
}

/* How long each instance lasts: DTEND (in DTSTART's zone: the same wall-clock length), DURATION, or neither. */
static int read_end(ctx *x, const node *nd, recur *r)
{
	icalproperty *pe;
	tval de;
	int rc;

	if ((pe = icalcomponent_get_first_property(nd->c, ICAL_DTEND_PROPERTY))) {
		if ((rc = Cv_calin_get_time(&de, x, nd->comp, pe, icalproperty_get_dtend(pe))))
			return rc;
		if (de.at < r->ds.at) {
			Cv_calin_err_prop(x, nd->comp, "DTEND", NULL, "DTEND is before DTSTART");
			return CV_EDATA;
		}
		if (de.zone == r->ds.zone) {
			r->en.kind = END_WALL;
			r->en.len = de.wall - r->ds.wall;
			r->en.exact = de.at - r->ds.at;
		} else {
			r->en.kind = END_EXACT;
			r->en.len = de.at - r->ds.at;
		}
	} else if ((pe = icalcomponent_get_first_property(nd->c, ICAL_DURATION_PROPERTY))) {
		r->en.kind = END_DURATION;
		r->en.dur = icalproperty_get_duration(pe);
		if (r->en.dur.is_neg) {
			Cv_calin_err_prop(x, nd->comp, "DURATION", NULL, "negative DURATION");
			return CV_EDATA;
		}
	}
	return CV_OK;
}

/* The RDATEs: a date or date-time, or a period with its own end. */
static int add_rdates(ctx *x, const node *nd, recur *r)
{
	icalproperty *p;
	int rc;

	for (p = icalcomponent_get_first_property(nd->c, ICAL_RDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(nd->c, ICAL_RDATE_PROPERTY)) {
		struct icaldatetimeperiodtype rd = icalproperty_get_rdate(p);
		tval a, b;
		if (!icalperiodtype_is_null_period(rd.period)) {
			if ((rc = Cv_calin_get_time(&a, x, nd->comp, p, rd.period.start)))
				return rc;
			if (!icaltime_is_null_time(rd.period.end)) {
				if ((rc = Cv_calin_get_time(&b, x, nd->comp, p, rd.period.end)))
					return rc;
			} else {
				b.at = Cv_calin_add_duration(a.zone, a.wall, rd.period.duration);
			}
			rc = cand_push(&r->cs, cv_zone_to_wall(r->ds.zone, a.at), b.at);
		} else {
			if ((rc = Cv_calin_get_time(&a, x, nd->comp, p, rd.time)))
				return rc;
			rc = cand_push(&r->cs, a.is_date ? a.wall : cv_zone_to_wall(r->ds.zone, a.at),
				       INT64_MIN);
		}
		if (rc)
			return rc;
	}
	return CV_OK;
}

/* Every candidate start: DTSTART, the RRULEs' instances, the RDATEs. */
static int candidates(ctx *x, const node *nd, recur *r)
{
	const tval *ds = &r->ds;
	int64_t margin = 2 * CV_DAY_SECONDS;
	/* Long instances that start before the span still reach into it. */
	int64_t len = end_of(&r->en, ds->zone, ds->wall, ds->at, ds->is_date) - ds->at;
	icalproperty *p;
	int rc;

	if (len + 2 * CV_DAY_SECONDS > margin)
		margin = len + 2 * CV_DAY_SECONDS;
	if ((rc = cand_push(&r->cs, ds->wall, INT64_MIN)))
		return rc;
	for (p = icalcomponent_get_first_property(nd->c, ICAL_RRULE_PROPERTY); p;
	     p = icalcomponent_get_next_property(nd->c, ICAL_RRULE_PROPERTY)) {
		if ((rc = expand_rrule(x, nd->comp, p, ds, margin, &r->cs)))
			return rc;
	}
	return add_rdates(x, nd, r);
}

/* EXDATEs: instants, or whole local dates when a DATE excludes from a DATE-TIME rule. */
static int read_exdates(ctx *x, const node *nd, recur *r)
{
	icalproperty *p;
	int rc;

	for (p = icalcomponent_get_first_property(nd->c, ICAL_EXDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(nd->c, ICAL_EXDATE_PROPERTY)) {
		tval a;
		if ((rc = Cv_calin_get_time(&a, x, nd->comp, p, icalproperty_get_exdate(p))))
			return rc;
		rc = a.is_date && !r->ds.is_date ? Cv_array_push(r->ex.days, cv_day_of(a.wall))
						 : Cv_array_push(r->ex.at, a.at);
		if (rc)
			return rc;
	}
	return CV_OK;
}

/* A RECURRENCE-ID: the instant of the instance this component replaces goes to rids. */
static int read_override(ctx *x, const node *nd, recur *r, ilist *rids)
{
	icalproperty *p = icalcomponent_get_first_property(nd->c, ICAL_RECURRENCEID_PROPERTY);
	tval a;
	int rc;

	if (!p)
		return CV_OK;
	if ((rc = Cv_calin_get_time(&a, x, nd->comp, p, icalproperty_get_recurrenceid(p))))
		return rc;
	if ((rc = ilist_push(x, rids, nd->comp, (inst){r->uid, a.at, a.at, 1, 0})))
		return rc;
	r->is_override = 1;
	return CV_OK;
}

/* The instances that reach into the span, each start once, less the EXDATEs. */
static int emit(ctx *x, const node *nd, recur *r, int counts, ilist *out)
{
	const tval *ds = &r->ds;
	size_t i;
	int rc;

	qsort(r->cs.v, r->cs.n, sizeof(*r->cs.v), cand_cmp);
	for (i = 0; i < r->cs.n; i++) {
		int64_t w = r->cs.v[i].wall, s, e;
		if (i && r->cs.v[i - 1].wall == w)
			continue; /* DTSTART is also the rule's first instance */
		s = cv_zone_to_utc(ds->zone, w);
		e = r->cs.v[i].end != INT64_MIN ? r->cs.v[i].end
						: end_of(&r->en, ds->zone, w, s, ds->is_date);
		if (e < s)
			e = s;
		if (e < x->from || s >= x->to || excluded(&r->ex, s, w))
			continue;
		if ((rc = ilist_push(x, out, nd->comp, (inst){r->uid, s, e, r->is_override, counts})))
			return rc;
	}
	return CV_OK;
}

/*
 * The instances of a VEVENT or AVAILABLE component within the span, into
 * out; for an override (RECURRENCE-ID) the instant it replaces into rids.
 */
static int expand(ctx *x, const node *nd, int counts, ilist *out, ilist *rids)
{
	icalproperty *p = icalcomponent_get_first_property(nd->c, ICAL_DTSTART_PROPERTY);
	recur r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.uid = icalcomponent_get_uid(nd->c);
	if (!r.uid)
		r.uid = "";
	if (!p) {
		Cv_calin_err_prop(x, nd->comp, NULL, NULL, "%s without DTSTART",
				  icalcomponent_kind_to_string(icalcomponent_isa(nd->c)));
		return CV_EDATA;
	}
	if ((rc = Cv_calin_get_time(&r.ds, x, nd->comp, p, icalproperty_get_dtstart(p))) ||
	    (rc = read_end(x, nd, &r)))
		return rc;
	if (!(rc = candidates(x, nd, &r)) && !(rc = read_exdates(x, nd, &r)) &&
	    !(rc = read_override(x, nd, &r, rids)))
		rc = emit(x, nd, &r, counts, out);
	free(r.cs.v);
	Cv_array_clear(r.ex.at);
	Cv_array_clear(r.ex.days);
	return rc;
}

static int rid_cmp(const void *x, const void *y)
{
	const inst *a = x, *b = y;
	int c = strcmp(a->uid, b->uid);
	if (c)
		return c;
	return (a->start > b->start) - (a->start < b->start);
}

int Cv_calin_collect(ctx *x, const node *const *group, size_t n, const int *counts,
		     Cv_intervals *out)
{
	ilist all = {NULL, 0, 0}, rids = {NULL, 0, 0};
	size_t i;
	int rc = CV_OK, bad = 0;

	for (i = 0; i < n; i++) {
		rc = expand(x, group[i], counts[i], &all, &rids);
		if (rc == CV_ENOMEM)
			goto out;
		if (rc)
			bad = 1; /* go on: report every bad component */
	}
	if (bad) {
		rc = CV_EDATA;
		goto out;
	}
	if (rids.n)
		qsort(rids.v, rids.n, sizeof(*rids.v), rid_cmp);
	for (i = 0; i < all.n; i++) {
		const inst *v = &all.v[i];
		if (!v->override && rids.n &&
		    bsearch(v, rids.v, rids.n, sizeof(*rids.v), rid_cmp))
			continue; /* replaced by an override */
		if (v->counts && (rc = Cv_intervals_push(out, v->start, v->end)))
			goto out;
	}
	Cv_intervals_norm(out);
	out->size = Cv_intervals_clip(out->ptr, out->size, x->from, x->to);
out:
	free(all.v);
	free(rids.v);
	return rc;
}
