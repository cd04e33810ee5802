/*
 * ics_history.c - what the previously published calendar said about each
 * event, and the one rule that decides whether an event changed, so that a
 * regeneration moves SEQUENCE, DTSTAMP and LAST-MODIFIED only for events
 * whose content changed (RFC 5545 section 3.8.7.4) and e-mails only those.
 *
 * The previous calendar is parsed once and kept: its events' stamps decide
 * the new stamps, and the events themselves are what a cancellation sends.
 * An event's fingerprint is taken from its serialisation without the
 * revision stamps, so neither calendar is modified or copied to take it; the
 * same function fingerprints the old and the new events, so a rerun on
 * unchanged input reproduces the old file byte for byte and publish leaves
 * it untouched.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convene/ics.h"
#include "ics_history_int.h"

struct cv_ics_history {
	icalcomponent *cal;             /* the previous calendar (owned) */
	Cv_array_t(Cv_ics_past) events; /* file order */
	Cv_ics_past **byuid;            /* sorted by UID, first of a repeated UID first */
};

#define FNV_OFFSET 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* ---- TZIDs ---- */

int Cv_tzids_has(const Cv_tzids *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->ids.size; i++)
		if (!strcmp(t->ids.ptr[i], id))
			return 1;
	return 0;
}

void Cv_tzids_collect(Cv_tzids *t, icalcomponent *c)
{
	icalproperty *p;
	icalcomponent *sub;

	for (p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		icalparameter *a = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
		const char *id = a ? icalparameter_get_tzid(a) : NULL;
		if (id && !Cv_tzids_has(t, id) && Cv_array_push(t->ids, id))
			t->oom = 1;
	}
	for (sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub;
	     sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		Cv_tzids_collect(t, sub);
}

icalcomponent *Cv_ics_find_vtimezone(icalcomponent *cal, const char *tzid)
{
	icalcomponent *z;

	for (z = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT); z;
	     z = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT)) {
		icalproperty *p = icalcomponent_get_first_property(z, ICAL_TZID_PROPERTY);
		const char *id = p ? icalproperty_get_tzid(p) : NULL;
		if (id && !strcmp(id, tzid))
			return z;
	}
	return NULL;
}

/* ---- fingerprints ---- */

/* 1 if the content line at s names one of the properties in `names` (NULL-terminated). */
static int names_one_of(const char *s, const char *const *names)
{
	size_t k;

	for (k = 0; names[k]; k++) {
		size_t n = strlen(names[k]);
		if (!strncasecmp(s, names[k], n) && (s[n] == ':' || s[n] == ';'))
			return 1;
	}
	return 0;
}

/*
 * Hash the serialisation `text` of one component, leaving out the content
 * lines (with their folded continuations) of the component's own
 * properties named in `skip`; properties of sub-components (VALARM,
 * STANDARD) are kept, as they would be by removing the properties.
 */
static uint64_t hash_without(uint64_t h, const char *text, const char *const *skip)
{
	const char *s = text;
	int depth = 0, skipping = 0;

	while (*s) {
		const char *e = strstr(s, "\r\n");
		size_t len = e ? (size_t)(e - s) + 2 : strlen(s);
		if (*s == ' ' || *s == '\t') {
			/* a folded continuation belongs to the line before it */
		} else if (!strncmp(s, "BEGIN:", 6)) {
			depth++;
			skipping = 0;
		} else if (!strncmp(s, "END:", 4)) {
			depth--;
			skipping = 0;
		} else {
			skipping = depth == 1 && names_one_of(s, skip);
		}
		if (!skipping)
			h = fnv(h, s, len);
		s += len;
	}
	return h;
}

/* The fingerprint share of the VTIMEZONE `tzid` names, cached per printer. */
static int zone_print(uint64_t *out, Cv_ics_printer *p, const char *tzid)
{
	static const char *const skip[] = {"TZUNTIL", "LAST-MODIFIED", NULL};
	icalcomponent *z = p->cal ? Cv_ics_find_vtimezone(p->cal, tzid) : NULL;
	char *text;
	size_t i;

	for (i = 0; i < p->nzones; i++) {
		if (!strcmp(p->zones[i].tzid, tzid)) {
			*out = p->zones[i].print;
			return CV_OK;
		}
	}
	if (!z) {
		*out = 0; /* a TZID without a VTIMEZONE adds nothing */
		return CV_OK;
	}
	text = icalcomponent_as_ical_string_r(z);
	if (!text)
		return CV_ENOMEM;
	*out = hash_without(FNV_OFFSET, text, skip);
	icalmemory_free_buffer(text);
	if (p->nzones < sizeof(p->zones) / sizeof(p->zones[0])) {
		p->zones[p->nzones].tzid = tzid; /* borrowed, like the calendar */
		p->zones[p->nzones++].print = *out;
	}
	return CV_OK;
}

int Cv_ics_fingerprint(uint64_t *out, Cv_ics_printer *p, icalcomponent *ev)
{
	static const char *const skip[] = {"DTSTAMP", "SEQUENCE", "LAST-MODIFIED", "CREATED", NULL};
	Cv_tzids t = {CV_ARRAY_INIT, 0};
	char *text = icalcomponent_as_ical_string_r(ev);
	uint64_t h, z;
	size_t i;
	int rc = CV_OK;

	if (!text)
		return CV_ENOMEM;
	h = hash_without(FNV_OFFSET, text, skip);
	icalmemory_free_buffer(text);
	Cv_tzids_collect(&t, ev);
	for (i = 0; !rc && i < t.ids.size; i++) {
		rc = zone_print(&z, p, t.ids.ptr[i]);
		h = (h ^ z) * FNV_PRIME;
	}
	if (t.oom)
		rc = CV_ENOMEM;
	Cv_array_clear(t.ids);
	if (!rc)
		*out = h;
	return rc;
}

/* ---- the previous calendar ---- */

static int past_cmp(const void *a, const void *b)
{
	const Cv_ics_past *x = *(Cv_ics_past *const *)a, *y = *(Cv_ics_past *const *)b;
	int c = strcmp(x->uid, y->uid);
	return c ? c : (x < y ? -1 : x > y); /* the first in the file first */
}

/* Read one event's identity and stamps; its fingerprint comes later. */
static void past_read(Cv_ics_past *x, icalcomponent *ev, const char *uid)
{
	icalproperty *p;

	x->uid = uid;
	x->ev = ev;
	x->sequence = icalcomponent_get_sequence(ev);
	if (x->sequence < 0)
		x->sequence = 0;
	p = icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY);
	x->dtstamp = p ? icalproperty_get_dtstamp(p) : icaltime_null_time();
	p = icalcomponent_get_first_property(ev, ICAL_LASTMODIFIED_PROPERTY);
	x->last_modified = p ? icalproperty_get_lastmodified(p) : icaltime_null_time();
}

/* Index and fingerprint the events of h->cal.  Returns 0 or CV_ENOMEM. */
static int history_index(cv_ics_history *h)
{
	Cv_ics_printer printer;
	icalcomponent *ev;
	size_t i;

	for (ev = icalcomponent_get_first_component(h->cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(h->cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(ev);
		Cv_ics_past *x;
		if (!uid || !*uid)
			continue; /* no identity: nothing to update or cancel */
		if (!(x = Cv_array_alloc(h->events)))
			return CV_ENOMEM;
		past_read(x, ev, uid);
	}
	/* A second pass: fingerprints walk the VTIMEZONEs, and libical keeps one
	 * component iterator per calendar. */
	memset(&printer, 0, sizeof(printer));
	printer.cal = h->cal;
	h->byuid = malloc((h->events.size + 1) * sizeof(*h->byuid));
	if (!h->byuid)
		return CV_ENOMEM;
	for (i = 0; i < h->events.size; i++) {
		if (Cv_ics_fingerprint(&h->events.ptr[i].print, &printer, h->events.ptr[i].ev))
			return CV_ENOMEM;
		h->byuid[i] = &h->events.ptr[i];
	}
	qsort(h->byuid, h->events.size, sizeof(*h->byuid), past_cmp);
	return CV_OK;
}

int cv_ics_history_new(cv_ics_history **out, const char *text, size_t len)
{
	cv_ics_history *h;
	char *copy;
	int rc;

	if (!text || len > CV_ICS_HISTORY_MAX || memchr(text, '\0', len))
		return CV_EDATA;
	copy = malloc(len + 1);
	h = calloc(1, sizeof(*h));
	if (!copy || !h) {
		free(copy);
		free(h);
		return CV_ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	h->cal = icalparser_parse_string(copy);
	free(copy);
	if (!h->cal || icalcomponent_isa(h->cal) != ICAL_VCALENDAR_COMPONENT) {
		cv_ics_history_free(h);
		return CV_EDATA;
	}
	rc = history_index(h);
	if (rc) {
		cv_ics_history_free(h);
		return rc;
	}
	*out = h;
	return CV_OK;
}

void cv_ics_history_free(cv_ics_history *h)
{
	if (!h)
		return;
	if (h->cal)
		icalcomponent_free(h->cal);
	Cv_array_clear(h->events);
	free(h->byuid);
	free(h);
}

size_t cv_ics_history_events(const cv_ics_history *h)
{
	return h ? h->events.size : 0;
}

const Cv_ics_past *Cv_ics_history_events(const cv_ics_history *h, size_t *n)
{
	*n = h ? h->events.size : 0;
	return h ? h->events.ptr : NULL;
}

icalcomponent *Cv_ics_history_calendar(const cv_ics_history *h)
{
	return h ? h->cal : NULL;
}

const Cv_ics_past *Cv_ics_history_find(const cv_ics_history *h, const char *uid)
{
	size_t lo = 0, hi = h ? h->events.size : 0;

	if (!uid)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(h->byuid[mid]->uid, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return h && lo < h->events.size && !strcmp(h->byuid[lo]->uid, uid) ? h->byuid[lo] : NULL;
}

/* ---- decisions ---- */

int Cv_ics_outcomes_add(Cv_ics_outcomes *o, const char *uid, Cv_ics_event_how how, int sequence)
{
	Cv_ics_outcome *x;
	char *copy = strdup(uid ? uid : "");

	if (!copy || !(x = Cv_array_alloc(o->v))) {
		free(copy);
		return CV_ENOMEM;
	}
	x->uid = copy;
	x->how = how;
	x->sequence = sequence;
	o->sorted = 0;
	return CV_OK;
}

static int outcome_cmp(const void *a, const void *b)
{
	const Cv_ics_outcome *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);
	return c ? c : (x < y ? -1 : x > y);
}

void Cv_ics_outcomes_sort(Cv_ics_outcomes *o)
{
	if (o->v.size)
		qsort(o->v.ptr, o->v.size, sizeof(*o->v.ptr), outcome_cmp);
	o->sorted = 1;
}

const Cv_ics_outcome *Cv_ics_outcomes_find(const Cv_ics_outcomes *o, const char *uid)
{
	size_t lo = 0, hi = o ? o->v.size : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(o->v.ptr[mid].uid, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return o && lo < o->v.size && !strcmp(o->v.ptr[lo].uid, uid) ? &o->v.ptr[lo] : NULL;
}

void Cv_ics_outcomes_clear(Cv_ics_outcomes *o)
{
	size_t i;

	for (i = 0; i < o->v.size; i++)
		free(o->v.ptr[i].uid);
	Cv_array_clear(o->v);
	o->sorted = 0;
}

/* ---- stamps ---- */

static void remove_all(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p;
	while ((p = icalcomponent_get_first_property(c, kind))) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/* Replace `kind` (DTSTAMP or LAST-MODIFIED) of ev by t; a null t removes it.  0 or -1 (memory). */
static int set_time(icalcomponent *ev, icalproperty_kind kind, icaltimetype t)
{
	icalproperty *p;

	remove_all(ev, kind);
	if (icaltime_is_null_time(t))
		return 0;
	p = kind == ICAL_DTSTAMP_PROPERTY ? icalproperty_new_dtstamp(t)
					  : icalproperty_new_lastmodified(t);
	if (!p)
		return -1;
	icalcomponent_add_property(ev, p);
	return 0;
}

/* Put the three revision stamps on ev, after its other properties.  0 or -1 (memory). */
static int put_stamps(icalcomponent *ev, int sequence, icaltimetype dtstamp,
		      icaltimetype last_modified)
{
	icalproperty *p = icalproperty_new_sequence(sequence);

	if (!p)
		return -1;
	remove_all(ev, ICAL_SEQUENCE_PROPERTY);
	icalcomponent_add_property(ev, p);
	if (set_time(ev, ICAL_DTSTAMP_PROPERTY, dtstamp) < 0 ||
	    set_time(ev, ICAL_LASTMODIFIED_PROPERTY, last_modified) < 0)
		return -1;
	return 0;
}

static time_t utc_seconds(icaltimetype t)
{
	return icaltime_is_null_time(t) ? 0 : icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
}

/*
 * The DTSTAMP and LAST-MODIFIED of a changed event: `now`, but at least one
 * second after the previous event's later stamp.  Clients (and RFC 5545
 * section 3.8.7.3) take a LAST-MODIFIED that does not move forward as "no
 * newer revision": a SOURCE_DATE_EPOCH older than the last publish, or the
 * same SOURCE_DATE_EPOCH across two changing runs, must still move it.
 */
static icaltimetype revision_time(const Cv_ics_past *old, icaltimetype now)
{
	time_t t = utc_seconds(now), prev = utc_seconds(old->dtstamp);

	if (utc_seconds(old->last_modified) > prev)
		prev = utc_seconds(old->last_modified);
	if (prev && t <= prev)
		return icaltime_from_timet_with_zone(prev + 1, 0, icaltimezone_get_utc_timezone());
	return now;
}

/* Stamp `ev` as `how`, against `old` (NULL when new); returns its SEQUENCE or -1 (memory). */
static int stamp(icalcomponent *ev, Cv_ics_event_how how, const Cv_ics_past *old,
		 icaltimetype now, int floor)
{
	int seq = floor;

	if (how == CV_ICS_EVENT_SAME) {
		if (put_stamps(ev, old->sequence,
			       icaltime_is_null_time(old->dtstamp) ? now : old->dtstamp,
			       old->last_modified) < 0)
			return -1;
		return old->sequence;
	}
	if (how == CV_ICS_EVENT_CHANGED) {
		now = revision_time(old, now);
		/* a foreign file's SEQUENCE can be anything: never overflow */
		seq = old->sequence < INT_MAX ? old->sequence + 1 : INT_MAX;
		if (seq < floor)
			seq = floor;
	}
	return put_stamps(ev, seq, now, now) < 0 ? -1 : seq;
}

int Cv_ics_history_decide(Cv_ics_event_how *out, const Cv_ics_past **old,
			  const cv_ics_history *h, Cv_ics_printer *printer, icalcomponent *ev)
{
	const Cv_ics_past *x = Cv_ics_history_find(h, icalcomponent_get_uid(ev));
	uint64_t print;

	if (Cv_ics_fingerprint(&print, printer, ev))
		return CV_ENOMEM;
	*out = !x ? CV_ICS_EVENT_NEW : print == x->print ? CV_ICS_EVENT_SAME : CV_ICS_EVENT_CHANGED;
	*old = x;
	return CV_OK;
}

int Cv_ics_history_stamp(const cv_ics_history *h, Cv_ics_printer *printer, icalcomponent *ev,
			 icaltimetype now, int floor, Cv_ics_outcomes *outcomes)
{
	const Cv_ics_past *old;
	Cv_ics_event_how how;
	int seq;

	if (Cv_ics_history_decide(&how, &old, h, printer, ev))
		return CV_ENOMEM;
	seq = stamp(ev, how, old, now, floor < 0 ? 0 : floor);
	if (seq < 0)
		return CV_ENOMEM;
	if (outcomes && Cv_ics_outcomes_add(outcomes, icalcomponent_get_uid(ev), how, seq))
		return CV_ENOMEM;
	return (int)how;
}
