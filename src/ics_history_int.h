/*
 * ics_history_int.h - private: how ics.c stamps each event against the
 * previously published calendar (ics_history.c).  Not API.
 */
#ifndef CONVENE_ICS_HISTORY_INT_H
#define CONVENE_ICS_HISTORY_INT_H

#include <libical/ical.h>
#include "convene/ics.h"

enum { ICS_EVENT_NEW, ICS_EVENT_SAME, ICS_EVENT_CHANGED };

/*
 * Give event `ev` its SEQUENCE, DTSTAMP and LAST-MODIFIED (replacing any it
 * has), after its other properties: those of the previous event with its UID
 * when the content is the same; the previous SEQUENCE + 1 and the later of
 * `now` and one second past the previous DTSTAMP/LAST-MODIFIED when it
 * changed (stamps never stand still or go back); 0 and `now` when it is new
 * (h may be NULL: every event is new).  A new or changed event's SEQUENCE
 * is at least `floor` (cv_ics_options.sequence_floor).
 * Returns ICS_EVENT_NEW, _SAME or _CHANGED, or CV_ENOMEM.
 */
int Cv_ics_history_stamp(const cv_ics_history *h, icalcomponent *ev, icaltimetype now, int floor);

#endif
