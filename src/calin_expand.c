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
#include "error_int.h"
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

static int badzone_cmp(const void *a, const void *b)
{
	return strcmp(((const struct badzone *)a)->tzid, ((const struct badzone *)b)->tzid);
}

/* 1 (and one more use counted) when `tzid` is an unknown TZID already reported. */
static int seen_bad(ctx *x, const char *tzid)
{
	struct badzone key = {(char *)tzid, 0, 0}, *b;

	b = x->nbad ? bsearch(&key, x->bad, x->nbad, sizeof(*x->bad), badzone_cmp) : NULL;
	if (!b)
		return 0;
	b->uses++;
	x->failed = 1;
	return 1;
}

/* Track a newly reported unknown TZID; without room or memory it is only not tracked. */
static void note_bad(ctx *x, const char *tzid, size_t diag)
{
	size_t i;
	char *copy;

	if (x->nbad == CV_CALIN_BADZONES_MAX || Cv_array_ensure(x->bad, x->capbad, x->nbad + 1) ||
	    !(copy = strdup(tzid)))
		return;
	for (i = x->nbad; i > 0 && strcmp(x->bad[i - 1].tzid, tzid) > 0; i--)
		x->bad[i] = x->bad[i - 1];
	x->bad[i] = (struct badzone){copy, 1, diag};
	x->nbad++;
}

void Cv_calin_finish_badzones(ctx *x)
{
	size_t i;

	for (i = 0; i < x->nbad; i++) {
		if (x->bad[i].uses > 1)
			Cv_errors_append(x->errs, x->bad[i].diag,
					 " (used %zu times in this calendar, reported once)",
					 x->bad[i].uses);
		free(x->bad[i].tzid);
	}
	free(x->bad);
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
	if (seen_bad(x, tzid))
		return CV_EDATA;
	hint[0] = '\0';
	rc = lookup_tzid(z, tzid, hint, sizeof(hint));
	if (rc == CV_ENOMEM)
		return rc;
	if (rc) {
		size_t diag = cv_errors_count(x->errs);
		Cv_calin_err_prop(x, comp, icalproperty_get_property_name(p), tzid,
				  "unknown TZID: %s", Cv_zone_problem(msg, sizeof(msg), tzid, hint));
		note_bad(x, tzid, diag);
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

/* 1 for a rule with no BY parts. */
static int no_by_parts(const struct icalrecurrencetype *r)
{
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
 * The length of one period of the rule's FREQ times its INTERVAL, in
 * floating seconds, for the frequencies whose period has one length
 * (SECONDLY to WEEKLY); 0 for MONTHLY and YEARLY.
 */
static int64_t fixed_period(const struct icalrecurrencetype *r)
{
	int64_t unit;

	switch (r->freq) {
	case ICAL_SECONDLY_RECURRENCE: unit = 1; break;
	case ICAL_MINUTELY_RECURRENCE: unit = CV_MINUTE_SECONDS; break;
	case ICAL_HOURLY_RECURRENCE: unit = CV_HOUR_SECONDS; break;
	case ICAL_DAILY_RECURRENCE: unit = CV_DAY_SECONDS; break;
	case ICAL_WEEKLY_RECURRENCE: unit = 7 * (int64_t)CV_DAY_SECONDS; break;
	default: return 0;
	}
	return unit * (r->interval > 0 ? r->interval : 1);
}

/*
 * How many periods of the rule lie in the floating range [a, b]: what
 * libical's iterator steps through between them, whether or not a step
 * yields an instance.
 */
static int64_t periods_between(const struct icalrecurrencetype *r, int64_t a, int64_t b)
{
	int64_t period = fixed_period(r), months;
	int ya, yb;
	unsigned ma, mb, d;

	if (b < a)
		return 0;
	if (period)
		return (b - a) / period + 1;
	cv_civil_from_days(&ya, &ma, &d, cv_day_of(a));
	cv_civil_from_days(&yb, &mb, &d, cv_day_of(b));
	months = ((int64_t)yb - ya) * 12 + ((int64_t)mb - ma);
	if (r->freq == ICAL_YEARLY_RECURRENCE)
		months /= 12;
	return months / (r->interval > 0 ? r->interval : 1) + 1;
}

static int too_many_steps(ctx *x, int comp)
{
	Cv_calin_err_prop(x, comp, "RRULE", NULL,
		 "expanding the RRULEs of this calendar up to the end of the term takes more than "
		 "%d steps", CV_CALIN_STEPS_MAX);
	return CV_EDATA;
}

/* Push the wall time of one instance; a DATE-valued one is the day it falls in, once. */
static int push_instance(cands *out, int64_t w, int is_date)
{
	if (is_date) {
		w = (int64_t)cv_day_of(w) * CV_DAY_SECONDS;
		if (out->n && out->v[out->n - 1].wall == w)
			return CV_OK;
	}
	return cand_push(out, w, INT64_MIN);
}

/*
 * A rule with no BY parts and a fixed period: its instances are exactly
 * start + k * period (floating time), k < COUNT, up to `limit`, so they are
 * computed, from the last one before `first` on, without libical.  A COUNT
 * rule that ends before the term costs nothing.
 */
static int expand_plain(ctx *x, int comp, const struct icalrecurrencetype *r, int64_t start,
			int64_t first, int64_t limit, int is_date, cands *out)
{
	int64_t period = fixed_period(r), k = 0, w;
	int rc;

	if (start < first)
		k = (first - start) / period;
	for (; r->count <= 0 || k < r->count; k++) {
		w = start + k * period;
		if (w > limit)
			break;
		if (++x->steps > CV_CALIN_STEPS_MAX)
			return too_many_steps(x, comp);
		if ((rc = push_instance(out, w, is_date)))
			return rc;
	}
	return CV_OK;
}

/*
 * Run libical's iterator over rule r (without COUNT: `count` instances at
 * most when it is positive) from floating `start` up to `limit`, which it
 * is given as UNTIL, so that a rule that yields nothing for a long time
 * (FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;COUNT=5) still ends there.  The
 * periods it may step through are counted before it starts, the steps it
 * took when it ends.  `is_date`: the rule steps DATE values; `days`: each
 * instance is the day it falls in (push_instance()).
 */
static int expand_iter(ctx *x, int comp, struct icalrecurrencetype r, int64_t start,
		       int64_t limit, int count, int is_date, int days, cands *out)
{
	int64_t prev = INT64_MIN, taken = 0, stop = limit;
	icalrecur_iterator *it;
	struct icaltimetype t;
	int rc = CV_OK;

	if (periods_between(&r, start, limit) > CV_CALIN_STEPS_MAX - (int64_t)x->steps)
		return too_many_steps(x, comp);
	r.count = 0;
	r.until = float_of(limit, is_date);
	it = icalrecur_iterator_new(r, float_of(start, is_date));
	if (!it) {
		Cv_calin_err_prop(x, comp, "RRULE", NULL, "RRULE cannot be expanded from this DTSTART");
		return CV_EDATA;
	}
	for (t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
	     t = icalrecur_iterator_next(it)) {
		int64_t w = wall_of(t);
		if (w > limit)
			break;
		if (w <= prev)
			continue; /* a DATE repeated by a sub-daily rule */
		if (count > 0 && taken == count) {
			stop = w;
			break;
		}
		taken++;
		prev = w;
		if (periods_between(&r, start, w) + taken > CV_CALIN_STEPS_MAX - (int64_t)x->steps) {
			rc = too_many_steps(x, comp);
			break;
		}
		if ((rc = push_instance(out, w, days)))
			break;
	}
	icalrecur_iterator_free(it);
	x->steps += (size_t)(periods_between(&r, start, stop) + taken);
	return rc;
}

/*
 * Expand the RRULE p of a component starting at ds into `out` (walls in
 * ds's zone): every instance up to the end of the span (plus `margin`),
 * from the last period before the span on where the rule allows.
 *
 * The cost is bounded by the term, not by the rule (issue 16): libical's
 * iterator costs about 2 us per period it steps through, whether or not
 * the period yields an instance, and a rule such as FREQ=SECONDLY;BYHOUR=9
 * or one no date satisfies would otherwise run for minutes.  So the
 * iterator never runs past the end of the span (a COUNT rule is run
 * without its COUNT, which yields the same instances in the same order,
 * and stopped after COUNT of them); a rule without COUNT whose period has
 * one length starts at its last period before the span; a rule with no BY
 * parts is computed without libical (expand_plain()); and the periods the
 * iterator steps through and the instances it yields are counted against
 * CV_CALIN_STEPS_MAX for the whole file before they are taken.
 */
static int expand_rrule(ctx *x, int comp, icalproperty *p, const tval *ds, int64_t margin,
			cands *out)
{
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	int64_t last = cv_zone_to_wall(ds->zone, x->to) + margin, limit = last, first, start;
	int64_t period = fixed_period(&r);

	if (r.freq == ICAL_NO_RECURRENCE) {
		Cv_calin_err_prop(x, comp, "RRULE", NULL, "RRULE cannot be parsed (no FREQ)");
		return CV_EDATA;
	}
	/* RFC 5545 forbids COUNT with UNTIL; libical's iterator yields nothing for it. */
	if (r.count > 0 && !icaltime_is_null_time(r.until))
		return CV_OK;
	/*
	 * The iterator runs in floating time: it must never see a zone (with
	 * one, libical asks ICU, whose tzdata is stale).  So UNTIL moves to
	 * the wall clock of the DTSTART zone, and to the DTSTART's value type.
	 */
	if (!icaltime_is_null_time(r.until)) {
		int64_t uw;
		if (icaltime_is_utc(r.until))
			uw = cv_zone_to_wall(ds->zone, wall_of(r.until));
		else
			uw = wall_of(r.until);
		if (r.until.is_date && !ds->is_date)
			uw += CV_DAY_SECONDS - 1; /* through the end of that day */
		if (uw < limit)
			limit = uw;
	}
	start = ds->wall;
	first = cv_zone_to_wall(ds->zone, x->from) - margin;
	if (period && no_by_parts(&r))
		return expand_plain(x, comp, &r, start, first, limit, ds->is_date, out);
	/*
	 * A DAILY or WEEKLY rule without COUNT depends only on the phase of its
	 * periods: it starts at its last period before the span, a whole number
	 * of periods on (in floating time, so exact; the time of day and the
	 * weekday stay DTSTART's).  icalrecur_iterator_set_start() is not used,
	 * it loses the INTERVAL phase.  A sub-daily rule with BY parts is not
	 * moved: from a start its BY parts do not select, libical's iterator
	 * keeps the start's minutes and seconds for its first instances
	 * (FREQ=SECONDLY;BYHOUR=20 from 19:55:30 begins at 20:55:30), which
	 * is harmless only at DTSTART itself.
	 */
	if (r.count <= 0 && period && period % CV_DAY_SECONDS == 0 && start < first)
		start += (first - start) / period * period;
	if (limit < start)
		return CV_OK;
	/*
	 * A sub-daily rule on a DATE: libical steps its own clock through the
	 * day and repeats the date; step a DATE-TIME from midnight instead, and
	 * keep the days its instances fall in.
	 */
	if (ds->is_date && period % CV_DAY_SECONDS)
		return expand_iter(x, comp, r, start, limit, r.count, 0, 1, out);
	return expand_iter(x, comp, r, start, limit, r.count, ds->is_date, ds->is_date, out);
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
