/*
 * ics_int.h - private to the ics module: the VTIMEZONE builder
 * (ics_vtimezone.c) that src/ics.c uses for every zone a calendar names.
 * Not API; tests/test_ics_vtimezone.c includes it to test the builder alone.
 */
#ifndef CONVENE_ICS_INT_H
#define CONVENE_ICS_INT_H

#include <stdint.h>
#include <libical/ical.h>

#include "convene/ics.h"
#include "convene/tz.h"
#include "ics_history_int.h"

/*
 * A VTIMEZONE, TZID the zone's bare IANA name (cv_zone_name()), that gives
 * the tz module's offset at every instant in [from, to) and says nothing
 * beyond: the first observance is the change in force at `from` (the last
 * transition before it), then one STANDARD or DAYLIGHT per distinct change
 * in the range, its first onset as DTSTART and the others as RDATEs, all in
 * the local time of the offset before the onset (RFC 5545 section 3.6.5).
 * A zone with no change in the range gets one STANDARD at its offset.
 * TZUNTIL (RFC 7808) is `to`.  TZNAME is not written: the tz module does
 * not keep abbreviations.
 * Returns a new component (caller frees with icalcomponent_free()), or
 * NULL when memory runs out or to <= from.
 */
icalcomponent *Cv_ics_vtimezone_build(const cv_zone *zone, int64_t from, int64_t to);

/*
 * The text of a calendar component as published: libical's serialisation
 * folded again by Cv_sb_ical() (no line ends in white space).  Returns a
 * malloc'd string (caller frees with free(), not libical's allocator), or
 * NULL when out of memory.
 */
char *Cv_ics_component_text(icalcomponent *c);

/*
 * cv_ics_instructor() and cv_ics_student() for the publishing step: the
 * same, and every event's decision (new, same, changed; its SEQUENCE) is
 * added to `outcomes` (NULL: not recorded), sorted by UID at the end.
 */
int Cv_ics_instructor_write(char **out, size_t *len, const cv_plan *plan,
			    const cv_ics_options *options, Cv_ics_outcomes *outcomes);
int Cv_ics_student_write(char **out, size_t *len, const cv_plan *plan, size_t student,
			 const cv_ics_options *options, Cv_ics_outcomes *outcomes);

#endif
