/*
 * ics_vtimezone_int.h - private: VTIMEZONE components built from convene's
 * own reading of tzdata (ics_vtimezone.c).  Not API.
 */
#ifndef CONVENE_ICS_VTIMEZONE_INT_H
#define CONVENE_ICS_VTIMEZONE_INT_H

#include <stdint.h>
#include <libical/ical.h>
#include "convene/tz.h"

/*
 * A VTIMEZONE with TZID the zone's bare IANA name that gives tzdata's
 * offset at every instant in [from, to).  Returns a new component (caller
 * frees with icalcomponent_free()), or NULL when out of memory.
 */
icalcomponent *ics_vtimezone_build(const cv_zone *zone, int64_t from, int64_t to);

#endif
