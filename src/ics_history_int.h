/*
 * ics_history_int.h - private: the one rule that decides whether a
 * published event changed, and the previously published calendar read once
 * (ics_history.c).  The calendar writer (ics.c) stamps every event with it,
 * the e-mail builder (itip.c) sends what it decided, and the publishing step
 * (publish.c) reads each previous calendar once for both.  Not API.
 */
#ifndef CONVENE_ICS_HISTORY_INT_H
#define CONVENE_ICS_HISTORY_INT_H

#include <stdint.h>
#include <libical/ical.h>

#include "array_int.h"
#include "convene/ics.h"

/* What an event of a new calendar is against the previous one. */
typedef enum { CV_ICS_EVENT_NEW, CV_ICS_EVENT_SAME, CV_ICS_EVENT_CHANGED } Cv_ics_event_how;

/*
 * The TZIDs a component (and its sub-components) names, in order of first
 * use; the strings are borrowed from the component.  `oom` is set when
 * memory ran out (the list is then incomplete).
 */
typedef struct Cv_tzids {
	Cv_array_t(const char *) ids;
	int oom;
} Cv_tzids;

void Cv_tzids_collect(Cv_tzids *t, icalcomponent *c);
int Cv_tzids_has(const Cv_tzids *t, const char *id);
/* The VTIMEZONE of calendar `cal` whose TZID is `tzid`, or NULL (borrowed). */
icalcomponent *Cv_ics_find_vtimezone(icalcomponent *cal, const char *tzid);

/*
 * Fingerprints the events of one calendar.  The VTIMEZONEs' share is
 * computed once per TZID, not once per event.
 */
typedef struct Cv_ics_printer {
	icalcomponent *cal; /* the calendar whose VTIMEZONEs the events name (borrowed) */
	struct { const char *tzid; uint64_t print; } zones[8];
	size_t nzones;
} Cv_ics_printer;

/*
 * The fingerprint of event `ev` of p->cal: what decides whether it changed
 * between two runs.  It is the event's serialisation without the properties
 * every run moves (DTSTAMP, LAST-MODIFIED, CREATED) or that record the
 * change itself (SEQUENCE), combined with the rules of the VTIMEZONEs it
 * names without TZUNTIL and LAST-MODIFIED (a new tzdata moves an event
 * without touching its text, while TZUNTIL only follows the last session).
 * `ev` is not modified.  Returns 0 with *out set, or CV_ENOMEM.
 */
int Cv_ics_fingerprint(uint64_t *out, Cv_ics_printer *p, icalcomponent *ev);

/* One event of a previously published calendar. */
typedef struct Cv_ics_past {
	const char *uid;          /* borrowed from the calendar */
	icalcomponent *ev;        /* borrowed from the calendar, as published */
	uint64_t print;           /* Cv_ics_fingerprint() */
	int sequence;             /* >= 0 */
	icaltimetype dtstamp;     /* null time when absent */
	icaltimetype last_modified;
} Cv_ics_past;

/* The events of the previous calendar in file order (events without a UID are left out). */
const Cv_ics_past *Cv_ics_history_events(const cv_ics_history *h, size_t *n);
/* The first event with this UID, or NULL. */
const Cv_ics_past *Cv_ics_history_find(const cv_ics_history *h, const char *uid);
/* The previous calendar itself (its VTIMEZONEs, its PRODID), borrowed. */
icalcomponent *Cv_ics_history_calendar(const cv_ics_history *h);

/* What one event of a new calendar was decided to be. */
typedef struct Cv_ics_outcome {
	char *uid;                /* owned */
	Cv_ics_event_how how;
	int sequence;             /* as written in the new calendar */
} Cv_ics_outcome;

/* The decisions for one new calendar, sorted by UID once complete. */
typedef struct Cv_ics_outcomes {
	Cv_array_t(Cv_ics_outcome) v;
	int sorted;
} Cv_ics_outcomes;

/* Record a decision.  Returns 0 or CV_ENOMEM. */
int Cv_ics_outcomes_add(Cv_ics_outcomes *o, const char *uid, Cv_ics_event_how how, int sequence);
/* Sort by UID for lookups (call once every decision is in). */
void Cv_ics_outcomes_sort(Cv_ics_outcomes *o);
/* The decision for `uid` (the first, when a UID repeats), or NULL; needs Cv_ics_outcomes_sort(). */
const Cv_ics_outcome *Cv_ics_outcomes_find(const Cv_ics_outcomes *o, const char *uid);
void Cv_ics_outcomes_clear(Cv_ics_outcomes *o);

/*
 * The decision itself: what event `ev` (of the calendar `printer`
 * fingerprints) is against the previous calendar `h` (NULL: new), by UID and
 * Cv_ics_fingerprint().  *old gets the previous event with its UID, or NULL.
 * Returns 0 or CV_ENOMEM.
 */
int Cv_ics_history_decide(Cv_ics_event_how *out, const Cv_ics_past **old,
			  const cv_ics_history *h, Cv_ics_printer *printer, icalcomponent *ev);

/*
 * Decide what event `ev` (of the calendar `printer` fingerprints) is against
 * the previous calendar `h` (NULL: every event is new), and give it its
 * SEQUENCE, DTSTAMP and LAST-MODIFIED after its other properties: the
 * previous event's when the content is the same; the previous SEQUENCE + 1
 * and the later of `now` and one second past the previous DTSTAMP /
 * LAST-MODIFIED when it changed (stamps never stand still or go back); 0 and
 * `now` when it is new.  A new or changed event's SEQUENCE is at least
 * `floor` (cv_ics_options.sequence_floor).  The decision is added to
 * `outcomes` when that is not NULL.  Returns CV_ICS_EVENT_NEW, _SAME or
 * _CHANGED, or CV_ENOMEM.
 */
int Cv_ics_history_stamp(const cv_ics_history *h, Cv_ics_printer *printer, icalcomponent *ev,
			 icaltimetype now, int floor, Cv_ics_outcomes *outcomes);

#endif
