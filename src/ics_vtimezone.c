/*
 * ics_vtimezone.c - VTIMEZONEs from the tz module's transitions.
 *
 * libical's own VTIMEZONEs are rebuilt from RRULE guesses that are wrong
 * for some zones (Pacific/Easter in 2020-21; zones whose TZif footer rule
 * applies after 2037, such as America/Nuuk or Australia/Lord_Howe), and a
 * calendar client computes every offset from the VTIMEZONE it is given.
 * So the component is written from the transitions the tz module reads
 * from the TZif files themselves, without any RRULE: a client needs no
 * rule engine to read it, and nothing is guessed.
 *
 * The tz module keeps offsets only (no abbreviation, no DST flag), so an
 * observance is DAYLIGHT when it moves the clocks forward and STANDARD
 * otherwise.  That is what clients show; Europe/Dublin's negative DST in
 * tzdata (winter is its "daylight" time) is, as usual, written the other
 * way round, with the same offsets.
 */
#include <stdlib.h>

#include "convene/civil.h"
#include "ics_int.h"

/* Windows searched, nearest first, for the change in force at `from`. */
static const int64_t lookback[] = {
	400LL * CV_DAY_SECONDS, 10 * 366LL * CV_DAY_SECONDS, 200 * 366LL * CV_DAY_SECONDS,
};

/* A local time (seconds since 1970-01-01T00:00 on the wall clock) as a floating DATE-TIME. */
static icaltimetype local_time(int64_t wall)
{
	icaltimetype t = icaltime_null_time();
	int32_t day = cv_day_of(wall);
	int64_t s = wall - (int64_t)day * CV_DAY_SECONDS;
	unsigned month, mday;
	int year;

	cv_civil_from_days(&year, &month, &mday, day);
	t.year = year;
	t.month = (int)month;
	t.day = (int)mday;
	t.hour = (int)(s / CV_HOUR_SECONDS);
	t.minute = (int)(s / CV_MINUTE_SECONDS % CV_HOUR_MINUTES);
	t.second = (int)(s % CV_MINUTE_SECONDS);
	return t;
}

/* Add p to c; 0, or -1 (p freed or NULL) when an allocation failed. */
static int add(icalcomponent *c, icalproperty *p)
{
	if (!p)
		return -1;
	icalcomponent_add_property(c, p);
	return 0;
}

/* An RDATE holding one local DATE-TIME. */
static icalproperty *rdate(int64_t wall)
{
	struct icaldatetimeperiodtype v;

	v.time = local_time(wall);
	v.period = icalperiodtype_null_period();
	return icalproperty_new_rdate(v);
}

/* The same observance: same offsets, hence the same kind. */
static int same(const cv_transition *a, const cv_transition *b)
{
	return a->offset_before == b->offset_before && a->offset_after == b->offset_after;
}

/*
 * The observance of t[0], with an RDATE for every later t[i] that is the
 * same change and not yet written (done[i]).  NULL when memory runs out.
 */
static icalcomponent *observance(const cv_transition *t, size_t n, unsigned char *done,
				 int standard)
{
	icalcomponent *c = standard || t[0].offset_after <= t[0].offset_before
				   ? icalcomponent_new_xstandard()
				   : icalcomponent_new_xdaylight();
	int bad = 0;
	size_t i;

	if (!c)
		return NULL;
	bad |= add(c, icalproperty_new_dtstart(local_time(t[0].at + t[0].offset_before)));
	bad |= add(c, icalproperty_new_tzoffsetfrom(t[0].offset_before));
	bad |= add(c, icalproperty_new_tzoffsetto(t[0].offset_after));
	for (i = 1; i < n && !bad; i++) {
		if (done[i] || !same(&t[0], &t[i]))
			continue;
		done[i] = 1;
		bad |= add(c, rdate(t[i].at + t[i].offset_before));
	}
	if (bad) {
		icalcomponent_free(c);
		return NULL;
	}
	return c;
}

/* The transitions in [from, to) in *out (malloc'd) with room for one more before them. */
static int transitions(cv_transition **out, size_t *n, const cv_zone *zone, int64_t from,
		       int64_t to)
{
	size_t k = cv_zone_transitions(NULL, 0, zone, from, to);

	if (k > ((size_t)-1) / sizeof(**out) - 1)
		return -1;
	*out = malloc((k + 1) * sizeof(**out));
	if (!*out)
		return -1;
	/* the zone cache makes a second count equal the first */
	*n = cv_zone_transitions(*out + 1, k, zone, from, to);
	if (*n > k)
		*n = k;
	return 0;
}

icalcomponent *Cv_ics_vtimezone_build(const cv_zone *zone, int64_t from, int64_t to)
{
	cv_transition *t = NULL;
	unsigned char *done = NULL;
	icalcomponent *vtz, *obs;
	size_t n = 0, i;
	int bad = 0;

	if (to <= from)
		return NULL;
	vtz = icalcomponent_new_vtimezone();
	if (!vtz)
		return NULL;
	bad |= add(vtz, icalproperty_new_tzid(cv_zone_name(zone)));
	/* RFC 7808: the definition holds up to here, and no further */
	bad |= add(vtz, icalproperty_new_tzuntil(icaltime_from_timet_with_zone(
		(time_t)to, 0, icaltimezone_get_utc_timezone())));
	if (bad || transitions(&t, &n, zone, from, to))
		goto fail;

	if (n == 0) {
		/* No change in the range: one STANDARD at the offset, from the
		 * start of the range (nothing before it is claimed). */
		t[0].offset_before = t[0].offset_after = cv_zone_offset(zone, from);
		t[0].at = from;
		obs = observance(t, 1, NULL, 1);
		if (!obs)
			goto fail;
		icalcomponent_add_component(vtz, obs);
		free(t);
		return vtz;
	}

	/* t[0]: the change in force at `from`, from the nearest window that has one */
	t[0].at = from;
	t[0].offset_before = t[0].offset_after = cv_zone_offset(zone, from);
	for (i = 0; i < sizeof(lookback) / sizeof(lookback[0]); i++) {
		size_t k = cv_zone_transitions(NULL, 0, zone, from - lookback[i], from);
		cv_transition *before;
		if (!k)
			continue;
		before = malloc(k * sizeof(*before));
		if (!before)
			goto fail;
		if (cv_zone_transitions(before, k, zone, from - lookback[i], from) >= k)
			t[0] = before[k - 1];
		free(before);
		break;
	}
	n++;
	done = calloc(n, 1);
	if (!done)
		goto fail;
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		done[i] = 1;
		obs = observance(t + i, n - i, done + i, 0);
		if (!obs)
			goto fail;
		icalcomponent_add_component(vtz, obs);
	}
	free(done);
	free(t);
	return vtz;
fail:
	free(done);
	free(t);
	icalcomponent_free(vtz);
	return NULL;
}
