/*
 * ics_history.c - what the previously published calendar said about each
 * event, so that a regeneration changes SEQUENCE, DTSTAMP and LAST-MODIFIED
 * only for events whose content changed (RFC 5545 §3.8.7.4: SEQUENCE goes
 * up with each significant revision).  An event's content is the event as
 * libical serialises it without those three properties; the same function
 * fingerprints the old and the new events, so a rerun on unchanged input
 * reproduces the old file byte for byte and publish leaves it untouched.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libical/ical.h>

#include "convene/ics.h"
#include "ics_history_int.h"

typedef struct entry {
	char *uid;
	uint64_t fingerprint;
	int sequence;
	icaltimetype dtstamp;
	icaltimetype last_modified; /* null time when the old event had none */
} entry;

struct cv_ics_history {
	entry *e;
	size_t n;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void remove_all(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p;
	while ((p = icalcomponent_get_first_property(c, kind))) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/*
 * The event's content: everything but the revision stamps, which are
 * removed from `ev` (the caller's to put back).  0 on failure.  Both
 * sides strip in place rather than fingerprint a copy: cloning every
 * event of a MOOC's calendars twice cost more than the parse.
 */
static uint64_t fingerprint(icalcomponent *ev)
{
	char *text;
	uint64_t h;

	remove_all(ev, ICAL_DTSTAMP_PROPERTY);
	remove_all(ev, ICAL_SEQUENCE_PROPERTY);
	remove_all(ev, ICAL_LASTMODIFIED_PROPERTY);
	text = icalcomponent_as_ical_string_r(ev);
	if (!text)
		return 0;
	h = fnv1a(text);
	icalmemory_free_buffer(text);
	return h ? h : 1;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->uid, ((const entry *)b)->uid);
}

int cv_ics_history_new(cv_ics_history **out, const char *text, size_t len)
{
	cv_ics_history *h;
	icalcomponent *cal, *ev;
	char *copy;
	size_t cap = 0;

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
	cal = icalparser_parse_string(copy);
	free(copy);
	if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		if (cal)
			icalcomponent_free(cal);
		free(h);
		return CV_EDATA;
	}
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(ev);
		icalproperty *p;
		entry *x;
		if (!uid || !*uid)
			continue;
		if (h->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			entry *ne = realloc(h->e, ncap * sizeof(*ne));
			if (!ne)
				goto oom;
			h->e = ne;
			cap = ncap;
		}
		x = &h->e[h->n];
		memset(x, 0, sizeof(*x));
		x->uid = strdup(uid);
		if (!x->uid)
			goto oom;
		h->n++;
		x->sequence = icalcomponent_get_sequence(ev);
		if (x->sequence < 0)
			x->sequence = 0;
		p = icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY);
		x->dtstamp = p ? icalproperty_get_dtstamp(p) : icaltime_null_time();
		p = icalcomponent_get_first_property(ev, ICAL_LASTMODIFIED_PROPERTY);
		x->last_modified = p ? icalproperty_get_lastmodified(p) : icaltime_null_time();
		x->fingerprint = fingerprint(ev); /* last: it strips the stamps just read */
	}
	icalcomponent_free(cal);
	if (h->n)
		qsort(h->e, h->n, sizeof(*h->e), entry_cmp);
	*out = h;
	return CV_OK;
oom:
	icalcomponent_free(cal);
	cv_ics_history_free(h);
	return CV_ENOMEM;
}

void cv_ics_history_free(cv_ics_history *h)
{
	size_t i;
	if (!h)
		return;
	for (i = 0; i < h->n; i++)
		free(h->e[i].uid);
	free(h->e);
	free(h);
}

size_t cv_ics_history_events(const cv_ics_history *h)
{
	return h ? h->n : 0;
}

static const entry *find(const cv_ics_history *h, const char *uid)
{
	entry key;
	if (!h || !h->n || !uid)
		return NULL;
	key.uid = (char *)uid;
	return bsearch(&key, h->e, h->n, sizeof(*h->e), entry_cmp);
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

/* Put the three revision stamps on ev (which has none).  0 or -1 (memory). */
static int put_stamps(icalcomponent *ev, int sequence, icaltimetype dtstamp,
		      icaltimetype last_modified)
{
	icalproperty *p = icalproperty_new_sequence(sequence);

	if (!p)
		return -1;
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
static icaltimetype revision_time(const entry *old, icaltimetype now)
{
	time_t t = utc_seconds(now), prev = utc_seconds(old->dtstamp);

	if (utc_seconds(old->last_modified) > prev)
		prev = utc_seconds(old->last_modified);
	if (prev && t <= prev)
		return icaltime_from_timet_with_zone(prev + 1, 0, icaltimezone_get_utc_timezone());
	return now;
}

int Cv_ics_history_stamp(const cv_ics_history *h, icalcomponent *ev, icaltimetype now, int floor)
{
	const entry *old = find(h, icalcomponent_get_uid(ev));
	uint64_t fp;
	int seq;

	/* strips the stamps, so they are added fresh, after the content, in every case */
	fp = fingerprint(ev);
	if (!fp)
		return CV_ENOMEM;
	if (floor < 0)
		floor = 0;
	if (!old)
		return put_stamps(ev, floor, now, now) < 0 ? CV_ENOMEM : ICS_EVENT_NEW;
	if (fp == old->fingerprint)
		return put_stamps(ev, old->sequence,
				  icaltime_is_null_time(old->dtstamp) ? now : old->dtstamp,
				  old->last_modified) < 0 ? CV_ENOMEM : ICS_EVENT_SAME;
	now = revision_time(old, now);
	/* a foreign file's SEQUENCE can be anything: never overflow */
	seq = old->sequence < INT_MAX ? old->sequence + 1 : INT_MAX;
	if (seq < floor)
		seq = floor;
	return put_stamps(ev, seq, now, now) < 0 ? CV_ENOMEM : ICS_EVENT_CHANGED;
}
