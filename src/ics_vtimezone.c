/*
 * ics_vtimezone.c - VTIMEZONEs from the tz module's transitions.
 *
 * libical's own VTIMEZONEs are rebuilt from RRULE guesses that are wrong
 * for some zones (Pacific/Easter in 2020-21; zones whose TZif footer rule
 * applies after 2037, such as America/Nuuk or Australia/Lord_Howe), and a
 * calendar client computes every offset from the VTIMEZONE it is given.
 * So the component is written from the transitions the tz module reads
 * from the TZif files themselves: one observance per change of offset in
 * the range, each starting (RFC 5545 §3.6.5) at the local time of the
 * offset in force before it, and before them the observance in force when
 * the range starts.  A year of term holds two or four of them.  TZUNTIL
 * (RFC 7808) says where the truncated definition ends.
 */
#include <stdlib.h>

#include "ics_vtimezone_int.h"

#define VTZ_TRANSITIONS_MAX 512   /* far more than any term needs */
#define VTZ_LOOKBACK (200LL * 365 * 86400) /* to find the change before the range */

/* A local time (seconds since 1970 on the wall clock) as a floating DATE-TIME. */
static icaltimetype local_time(int64_t wall)
{
	icaltimetype t = icaltime_from_timet_with_zone((time_t)wall, 0, NULL);
	t.zone = NULL;
	return t;
}

/* One observance: from `before` to `after` at local onset `at + before`. */
static icalcomponent *observance(int64_t at, int32_t before, int32_t after)
{
	icalcomponent *c = after > before ? icalcomponent_new_xdaylight()
					  : icalcomponent_new_xstandard();
	if (!c)
		return NULL;
	icalcomponent_add_property(c, icalproperty_new_dtstart(local_time(at + before)));
	icalcomponent_add_property(c, icalproperty_new_tzoffsetfrom(before));
	icalcomponent_add_property(c, icalproperty_new_tzoffsetto(after));
	return c;
}

icalcomponent *ics_vtimezone_build(const cv_zone *zone, int64_t from, int64_t to)
{
	cv_transition *tr, first;
	icalcomponent *vtz, *obs;
	size_t n, i, before;
	int32_t now = cv_zone_offset(zone, from);

	vtz = icalcomponent_new_vtimezone();
	if (!vtz)
		return NULL;
	icalcomponent_add_property(vtz, icalproperty_new_tzid(cv_zone_name(zone)));
	/* RFC 7808: the definition is only complete up to here */
	icalcomponent_add_property(vtz, icalproperty_new_tzuntil(
		icaltime_from_timet_with_zone((time_t)to, 0, icaltimezone_get_utc_timezone())));
	/* the observance in force at `from`: from the last change before it */
	before = cv_zone_transitions(NULL, 0, zone, from - VTZ_LOOKBACK, from);
	if (before) {
		tr = malloc(sizeof(*tr) * before);
		if (!tr) {
			icalcomponent_free(vtz);
			return NULL;
		}
		cv_zone_transitions(tr, before, zone, from - VTZ_LOOKBACK, from);
		first = tr[before - 1];
		free(tr);
	} else { /* no change ever: one observance since 1970 */
		first.at = 0;
		first.offset_before = now;
		first.offset_after = now;
	}
	obs = observance(first.at, first.offset_before, first.offset_after);
	if (!obs) {
		icalcomponent_free(vtz);
		return NULL;
	}
	icalcomponent_add_component(vtz, obs);

	n = cv_zone_transitions(NULL, 0, zone, from, to);
	if (n > VTZ_TRANSITIONS_MAX)
		n = VTZ_TRANSITIONS_MAX;
	tr = malloc(sizeof(*tr) * (n + 1));
	if (!tr) {
		icalcomponent_free(vtz);
		return NULL;
	}
	n = cv_zone_transitions(tr, n, zone, from, to) < n ? 0 : n;
	for (i = 0; i < n; i++) {
		obs = observance(tr[i].at, tr[i].offset_before, tr[i].offset_after);
		if (!obs) {
			free(tr);
			icalcomponent_free(vtz);
			return NULL;
		}
		icalcomponent_add_component(vtz, obs);
	}
	free(tr);
	return vtz;
}
