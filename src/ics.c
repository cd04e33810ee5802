/*
 * ics.c - the instructor's and the students' calendars (DESIGN.md "Outputs").
 *
 * Calendars are built as libical components and serialised by libical,
 * which escapes TEXT values; the lines are folded again at 75 octets so
 * that none ends in a space (Cv_sb_ical()).  What clients do
 * decides the shapes:
 *
 * - The instructor gets one recurring VEVENT per session: DTSTART in the
 *   home zone at the session's wall time, a weekly RRULE whose UNTIL (in
 *   UTC) closes the last occurrence's day, and an EXDATE for every week
 *   without an occurrence (holidays), so expanding the event gives exactly
 *   the session's occurrences.
 * - A student gets explicit one-off VEVENTs: a live event per attended
 *   occurrence (home-zone wall time, like the instructor's), and for every
 *   missed one a "Watch the recording" and a "Due" event in the student's
 *   own zone.  One-off events cannot be misread by a client whose
 *   recurrence engine mishandles EXDATE, and each carries its own reason.
 *
 * Every time is written with a TZID naming a bare IANA zone whose VTIMEZONE
 * (the tz module's transitions, truncated to the term: ics_vtimezone.c) is
 * in the file, or in UTC: a local time is used only when it reads back as
 * the same instant under RFC 5545 section 3.3.5, which rules out the second
 * half of a fall-back overlap.  Nothing is floating.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>
#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

#include "convene/ics.h"
#include "ics_history_int.h"
#include "ics_int.h"
#include "sbuf_int.h"
#include "utf8_int.h"

#define ICS_PRODID "-//convene//convene 0.1//EN"
#define ICS_ZONES_MAX 4       /* a calendar names the home zone and the student's */
#define ICS_TEXT_MAX 65536    /* bytes of one DESCRIPTION before lists are cut short */
#define ICS_UID_MAX 512
#define ICS_DATE_MAX 160      /* a localised date and time */
#define ICS_ALARM_MINUTES 10  /* reminders before a live session */
#define ICS_DUE_MINUTES 15    /* length of a "Due" event */
#define ICS_DUE_ALARM_MAX CV_DAY_MINUTES /* remind of a deadline at most a day early */
#define ICS_UNTIL_SLACK (3 * CV_HOUR_SECONDS) /* seconds past the last instance, > any DST shift */

/*
 * Append user text (titles, names, URLs).  The readers already refuse bad
 * UTF-8 and control characters, but a plan can be built by hand: anything
 * that would make the file invalid becomes U+FFFD.  Line breaks are kept
 * only when `lines` is set (DESCRIPTION); libical escapes them.
 */
static void sb_text(sbuf *b, const char *s, int lines)
{
	static const char bad[] = "\xef\xbf\xbd";
	const unsigned char *u = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0, run = 0;

	while (i < n) {
		size_t k = Cv_utf8_seq(u + i, n - i);
		unsigned c = u[i];
		int ok = k > 1 || (k == 1 && c >= 0x20 && c != 0x7f) || (k == 1 && lines && c == '\n');
		if (k == 2 && c == 0xc2 && u[i + 1] < 0xa0)
			ok = 0; /* C1 controls */
		if (ok) {
			i += k;
			continue;
		}
		Cv_sb_add(b, s + run, i - run);
		Cv_sb_add(b, bad, 3);
		i += k ? k : 1;
		run = i;
	}
	Cv_sb_add(b, s + run, n - run);
}

/* One zone a calendar refers to. */
typedef struct zone_use {
	const cv_zone *zone;
	icalcomponent *vtz; /* truncated VTIMEZONE; NULL when there is none (UTC) */
	int used;           /* some property names it in a TZID */
} zone_use;

typedef struct ics {
	const cv_plan *plan;
	icalcomponent *cal;
	icalcomponent *events; /* VEVENTs, moved after the VTIMEZONEs at the end */
	zone_use zones[ICS_ZONES_MAX];
	size_t nzones;
	icaltimetype from, to; /* VTIMEZONE truncation range, UTC */
	icaltimetype dtstamp;
	UDateFormat *fmt;      /* date and time in the student's locale, or NULL for ISO */
	UDateFormat *dfmt;     /* a date alone in that locale, or NULL for ISO */
	UDateFormat *zfmt;     /* the zone's generic name in that locale ("vvvv"), or NULL */
	const cv_ics_history *prior; /* the calendar this one replaces, or NULL (borrowed) */
	int (*floor)(void *ctx, const char *uid); /* the options' sequence_floor, or NULL */
	void *floor_ctx;
	cv_ics_changes *changes;     /* the caller's, or NULL */
	Cv_ics_outcomes *outcomes;   /* the publishing step's, or NULL: every decision */
	int oom;
} ics;

/* An icaltimetype holding the civil fields of `secs` (a wall time or a UTC instant). */
static icaltimetype civil_time(int64_t secs)
{
	icaltimetype t = icaltime_null_time();
	int32_t day = cv_day_of(secs);
	int64_t s = secs - (int64_t)day * CV_DAY_SECONDS;
	unsigned month, mday;
	int year;

	cv_civil_from_days(&year, &month, &mday, day);
	t.year = year;
	t.month = (int)month;
	t.day = (int)mday;
	t.hour = (int)(s / CV_HOUR_SECONDS);
	t.minute = (int)(s / CV_MINUTE_SECONDS % CV_HOUR_MINUTES);
	t.second = (int)(s % CV_MINUTE_SECONDS);
	t.is_date = 0;
	return t;
}

static icaltimetype utc_time(int64_t instant)
{
	icaltimetype t = civil_time(instant);
	t.zone = icaltimezone_get_utc_timezone();
	return t;
}

static void add_prop(ics *w, icalcomponent *c, icalproperty *p)
{
	if (!p) {
		w->oom = 1;
		return;
	}
	icalcomponent_add_property(c, p);
}

/* Add property p with parameter a; either may be NULL after a failed allocation. */
static void add_prop_param(ics *w, icalcomponent *c, icalproperty *p, icalparameter *a)
{
	if (!p || !a) {
		if (p)
			icalproperty_free(p);
		if (a)
			icalparameter_free(a);
		w->oom = 1;
		return;
	}
	icalproperty_add_parameter(p, a);
	icalcomponent_add_property(c, p);
}

/* Add an X- property (X-WR-CALNAME and friends). */
static void add_x(ics *w, icalcomponent *c, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);
	if (p)
		icalproperty_set_x_name(p, name);
	add_prop(w, c, p);
}

/* Add a TEXT property of `kind` holding sanitised `text`. */
static void add_text(ics *w, icalcomponent *c, icalproperty_kind kind, const char *text)
{
	sbuf b = {0};
	icalproperty *p = NULL;

	sb_text(&b, text, kind == ICAL_DESCRIPTION_PROPERTY);
	if (!b.oom) {
		p = icalproperty_new(kind);
		if (p)
			icalproperty_set_value(p, icalvalue_new_text(b.p ? b.p : ""));
	}
	free(b.p);
	add_prop(w, c, p);
}

/*
 * The VTIMEZONE of `zone`, written from the tz module's own transitions
 * (ics_vtimezone.c: libical's would carry its RRULE guesses) and truncated
 * to the calendar's range, with a bare IANA TZID.  NULL for UTC, whose
 * times are written with Z, or when memory ran out (w->oom is then set).
 */
static icalcomponent *vtimezone_for(ics *w, const cv_zone *zone)
{
	icalcomponent *vtz;

	if (!strcmp(cv_zone_name(zone), "UTC"))
		return NULL;
	vtz = Cv_ics_vtimezone_build(zone, (int64_t)icaltime_as_timet(w->from),
				  (int64_t)icaltime_as_timet(w->to));
	if (!vtz)
		w->oom = 1;
	return vtz;
}

/* The calendar's entry for `zone`, made on first use; NULL when the table is full. */
static zone_use *zone_get(ics *w, const cv_zone *zone)
{
	size_t i;

	for (i = 0; i < w->nzones; i++)
		if (w->zones[i].zone == zone)
			return &w->zones[i];
	if (w->nzones == ICS_ZONES_MAX)
		return NULL;
	w->zones[w->nzones].zone = zone;
	w->zones[w->nzones].vtz = vtimezone_for(w, zone);
	w->zones[w->nzones].used = 0;
	return &w->zones[w->nzones++];
}

/* A DATE-TIME property of `kind` (DTSTART, EXDATE, RDATE) with value t. */
static icalproperty *time_prop(icalproperty_kind kind, icaltimetype t)
{
	icalproperty *p = icalproperty_new(kind);
	icalvalue *v;

	if (!p)
		return NULL;
	v = icalvalue_new_datetime(t);
	if (!v) {
		icalproperty_free(p);
		return NULL;
	}
	icalproperty_set_value(p, v);
	return p;
}

/* Add a property at the instant t in UTC. */
static void put_utc(ics *w, icalcomponent *c, icalproperty_kind kind, int64_t t)
{
	add_prop(w, c, time_prop(kind, utc_time(t)));
}

/* Add a property at wall time `wall` with the TZID of zu, whose VTIMEZONE the file gets. */
static void put_tzid(ics *w, icalcomponent *c, icalproperty_kind kind, zone_use *zu, int64_t wall)
{
	add_prop_param(w, c, time_prop(kind, civil_time(wall)),
		       icalparameter_new_tzid(cv_zone_name(zu->zone)));
	zu->used = 1;
}

/*
 * Add a property at wall time `wall` of `zone`, with a TZID; when the zone
 * has no VTIMEZONE, at the same instant in UTC instead.
 */
static void put_wall(ics *w, icalcomponent *c, icalproperty_kind kind, const cv_zone *zone,
		     int64_t wall)
{
	zone_use *zu = zone_get(w, zone);

	if (!zu || !zu->vtz)
		put_utc(w, c, kind, cv_zone_to_utc(zone, wall));
	else
		put_tzid(w, c, kind, zu, wall);
}

/* An instant and its wall time in one zone: asked of tz once, then only formatted. */
typedef struct local {
	int64_t utc;
	int64_t wall;
	int exact;  /* the wall time reads back as utc (RFC 5545 3.3.5), which rules
		     * out the second half of a fall-back overlap */
} local;

static local local_time(const cv_zone *zone, int64_t t)
{
	local l;

	l.utc = t;
	l.wall = cv_zone_to_wall(zone, t);
	l.exact = cv_zone_to_utc(zone, l.wall) == t;
	return l;
}

/* Add a property at l's instant, as wall time in `zone` when that is exact, else in UTC. */
static void put_local(ics *w, icalcomponent *c, icalproperty_kind kind, const cv_zone *zone,
		      const local *l)
{
	zone_use *zu = l->exact ? zone_get(w, zone) : NULL;

	if (zu && zu->vtz)
		put_tzid(w, c, kind, zu, l->wall);
	else
		put_utc(w, c, kind, l->utc);
}

static void put_duration(ics *w, icalcomponent *c, unsigned minutes)
{
	add_prop(w, c, icalproperty_new_duration(icaldurationtype_from_int((int)minutes *
										     CV_MINUTE_SECONDS)));
}

/*
 * A display VALARM `minutes` before (negative: after) the event starts.
 * Clients that drop VALARMs still show the event itself.
 */
static void add_alarm(ics *w, icalcomponent *ev, int minutes, const char *text)
{
	icalcomponent *a = icalcomponent_new_valarm();
	struct icaltriggertype tr;

	if (!a) {
		w->oom = 1;
		return;
	}
	memset(&tr, 0, sizeof(tr));
	tr.time = icaltime_null_time();
	tr.duration = icaldurationtype_from_int(-minutes * CV_MINUTE_SECONDS);
	add_prop(w, a, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	add_prop(w, a, icalproperty_new_trigger(tr));
	add_text(w, a, ICAL_DESCRIPTION_PROPERTY, text);
	icalcomponent_add_component(ev, a);
}

static const char *course_domain(const cv_course *c)
{
	return c->uid_domain && *c->uid_domain ? c->uid_domain : CV_COURSE_UID_DOMAIN_DEFAULT;
}

static const char *course_title(const cv_course *c)
{
	return c->title && *c->title ? c->title : c->id;
}

/*
 * A new VEVENT with the properties every event shares.  ORGANIZER is
 * required by RFC 5546 for METHOD:PUBLISH (libical's restriction check
 * enforces it); the course file names no person, so the course is the
 * organizer at a no-reply address of its UID domain.
 */
static icalcomponent *event_new(ics *w, const char *uid, int transparent)
{
	const cv_course *c = w->plan->course;
	icalcomponent *ev = icalcomponent_new_vevent();
	icalproperty *p;
	sbuf b = {0};

	if (!ev) {
		w->oom = 1;
		return NULL;
	}
	add_text(w, ev, ICAL_UID_PROPERTY, uid);
	/* SEQUENCE, DTSTAMP and LAST-MODIFIED come in ics_finish(), against the previous calendar */
	add_prop(w, ev, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
	add_prop(w, ev, icalproperty_new_transp(transparent ? ICAL_TRANSP_TRANSPARENT
							    : ICAL_TRANSP_OPAQUE));
	Cv_sb_printf(&b, "mailto:noreply@%s", course_domain(c));
	p = b.oom ? NULL : icalproperty_new_organizer(b.p);
	b.len = 0;
	sb_text(&b, course_title(c), 0);
	add_prop_param(w, ev, p, b.oom ? NULL : icalparameter_new_cn(b.p));
	free(b.p);
	icalcomponent_add_component(w->events, ev);
	return ev;
}

/* A link as LOCATION (text: every client shows it) and as URL. */
static void add_link(ics *w, icalcomponent *ev, const char *url)
{
	sbuf b = {0};

	if (!url || !*url)
		return;
	add_text(w, ev, ICAL_LOCATION_PROPERTY, url);
	sb_text(&b, url, 0);
	add_prop(w, ev, b.oom ? NULL : icalproperty_new_url(b.p));
	free(b.p);
}

/* The join link also as an RFC 7986 CONFERENCE property, for clients that show a "join" button. */
static void add_conference(ics *w, icalcomponent *ev, const char *url)
{
	icalproperty *p;
	icalparameter *f;
	sbuf b = {0};

	if (!url || !*url)
		return;
	sb_text(&b, url, 0);
	p = b.oom ? NULL : icalproperty_new_conference(b.p);
	free(b.p);
	f = icalparameter_new_feature(ICAL_FEATURE_VIDEO);
	if (p && f)
		icalproperty_add_parameter(p, f);
	else if (f)
		icalparameter_free(f);
	add_prop_param(w, ev, p, icalparameter_new_value(ICAL_VALUE_URI));
}

/* "YYYYMMDD" of a day number, for UIDs. */
static void uid_date(char *buf, size_t size, int32_t day)
{
	int y;
	unsigned m, d;

	cv_civil_from_days(&y, &m, &d, day);
	snprintf(buf, size, "%04d%02u%02u", y, m, d);
}

/* Format `wall` with f into buf as UTF-8.  1 on success, 0 when f is NULL or ICU fails. */
static int icu_format(UDateFormat *f, char *buf, size_t size, int64_t wall)
{
	UChar u[ICS_DATE_MAX];
	UErrorCode st = U_ZERO_ERROR;
	int32_t n;

	if (!f)
		return 0;
	n = udat_format(f, (UDate)wall * 1000.0, u, ICS_DATE_MAX, NULL, &st);
	if (U_FAILURE(st) || n >= ICS_DATE_MAX)
		return 0;
	u_strToUTF8(buf, (int32_t)size, NULL, u, n, &st);
	return U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING;
}

/*
 * A wall time for people, through ICU in the student's locale (English
 * when the roster gives none): "Tuesday, March 16, 2027 at 7:00 PM".  ICU
 * only formats: it is given the wall time as if it were UTC with the zone
 * UTC, so ICU's own time-zone data never decides an offset (DESIGN.md,
 * time rule 1).  Only when ICU cannot, "Tue 2027-01-12 14:00".
 */
static void human_time(const ics *w, char *buf, size_t size, int64_t wall)
{
	if (icu_format(w->fmt, buf, size, wall))
		return;
	{
		int32_t day = cv_day_of(wall);
		int64_t s = wall - (int64_t)day * CV_DAY_SECONDS;
		char date[16];
		cv_date_format(date, sizeof(date), day);
		snprintf(buf, size, "%s %s %02d:%02d", cv_weekday_name(cv_weekday(day)), date,
			 (int)(s / CV_HOUR_SECONDS), (int)(s / CV_MINUTE_SECONDS % CV_HOUR_MINUTES));
	}
}

/* A date (day number) for people, like human_time(): "March 14, 2027"; ISO when ICU cannot. */
static void human_date(const ics *w, char *buf, size_t size, int32_t day)
{
	if (!icu_format(w->dfmt, buf, size, (int64_t)day * CV_DAY_SECONDS))
		cv_date_format(buf, size, day);
}

/*
 * The zone as people say it in the student's language, then its IANA name:
 * "Mitteleuropäische Zeit, Europe/Berlin".  ICU only names the zone here (its
 * generic, offset-free name); the time beside it came from tzdata.  A zone
 * ICU does not know (its data is older than the system's) or names only by
 * an offset keeps the IANA name alone.
 */
static void zone_label(const ics *w, char *buf, size_t size, const cv_zone *zone, int64_t at)
{
	if (w->zfmt) {
		UChar u[ICS_DATE_MAX];
		char name[ICS_DATE_MAX];
		UErrorCode st = U_ZERO_ERROR;
		int32_t n = udat_format(w->zfmt, (UDate)at * 1000.0, u, ICS_DATE_MAX, NULL, &st);
		if (U_SUCCESS(st) && n > 0 && n < ICS_DATE_MAX) {
			u_strToUTF8(name, (int32_t)sizeof(name), NULL, u, n, &st);
			if (U_SUCCESS(st) && st != U_STRING_NOT_TERMINATED_WARNING &&
			    !strstr(name, "GMT") && !strstr(name, "UTC") && !strstr(name, "Unknown")) {
				snprintf(buf, size, "%s, %s", name, cv_zone_name(zone));
				return;
			}
		}
	}
	snprintf(buf, size, "%s", cv_zone_name(zone));
}

/* A "vvvv" formatter for the zone's generic name in `locale`, or NULL. */
static UDateFormat *zone_formatter(const char *locale, const cv_zone *zone)
{
	static const UChar pattern[] = {'v', 'v', 'v', 'v', 0};
	UChar id[128];
	UErrorCode st = U_ZERO_ERROR;
	UDateFormat *f;
	const char *name = cv_zone_name(zone);

	if (!locale || !*locale || strlen(name) >= sizeof(id) / sizeof(id[0]))
		return NULL;
	u_uastrcpy(id, name);
	f = udat_open(UDAT_PATTERN, UDAT_PATTERN, locale, id, -1, pattern, -1, &st);
	if (U_FAILURE(st)) {
		if (f)
			udat_close(f);
		return NULL;
	}
	return f;
}

/*
 * The locale a student's text is formatted in: the roster's, else English.
 * Every student gets ICU's formatting, so a student without a locale reads
 * the same kind of text as one with, in the language of the rest of it.
 */
static const char *text_locale(const cv_student *st)
{
	return st->locale && *st->locale ? st->locale : "en";
}

/* A formatter for `locale` (time style `time`, date style `date`), Gregorian
 * whatever the locale's default calendar, in UTC (see human_time()); or NULL. */
static UDateFormat *formatter(const char *locale, UDateFormatStyle time, UDateFormatStyle date)
{
	static const UChar utc[] = {'U', 'T', 'C', 0};
	char id[ULOC_FULLNAME_CAPACITY + 32];
	UErrorCode st = U_ZERO_ERROR;
	UDateFormat *f;

	if (!locale || !*locale || strlen(locale) >= ULOC_FULLNAME_CAPACITY)
		return NULL;
	snprintf(id, sizeof(id), "%s%s", locale, strchr(locale, '@') ? "" : "@calendar=gregorian");
	f = udat_open(time, date, id, utc, -1, NULL, 0, &st);
	if (U_FAILURE(st)) {
		if (f)
			udat_close(f);
		return NULL;
	}
	return f;
}

/* The range every VTIMEZONE covers: a week before the first occurrence or the
 * term, to past the last reminder (plus two days for any zone's offset). */
static void set_range(ics *w)
{
	const cv_plan *p = w->plan;
	const cv_course *c = p->course;
	int64_t from = (int64_t)c->start * CV_DAY_SECONDS, to = ((int64_t)c->end + 1) * CV_DAY_SECONDS;
	unsigned after = c->recording_after > c->alternative_due ? c->recording_after
								  : c->alternative_due;
	size_t i, j;

	for (i = 0; i < p->nsessions; i++) {
		for (j = 0; j < p->sessions[i].noccurrences; j++) {
			const cv_occurrence *o = &p->sessions[i].occurrences[j];
			if (o->start < from)
				from = o->start;
			if (o->end > to)
				to = o->end;
		}
	}
	from -= 8 * (int64_t)CV_DAY_SECONDS;
	to += ((int64_t)after + c->duration + ICS_DUE_MINUTES) * CV_MINUTE_SECONDS +
	      2 * (int64_t)CV_DAY_SECONDS;
	w->from = utc_time(from);
	w->to = utc_time(to);
}

/* Start a VCALENDAR called `name` whose display zone is `xwr`.  Returns 0 or CV_ENOMEM. */
static int ics_open(ics *w, const cv_plan *plan, const cv_ics_options *options,
		    const char *name, const cv_zone *xwr)
{
	sbuf b = {0};

	memset(w, 0, sizeof(*w));
	w->plan = plan;
	w->dtstamp = utc_time(options ? options->dtstamp : 0);
	w->prior = options ? options->prior : NULL;
	w->changes = options ? options->changes : NULL;
	w->floor = options ? options->sequence_floor : NULL;
	w->floor_ctx = options ? options->sequence_ctx : NULL;
	set_range(w);
	w->cal = icalcomponent_new_vcalendar();
	w->events = icalcomponent_new_vcalendar();
	if (!w->cal || !w->events)
		return CV_ENOMEM;
	add_prop(w, w->cal, icalproperty_new_version("2.0"));
	add_prop(w, w->cal, icalproperty_new_prodid(ICS_PRODID));
	add_prop(w, w->cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
	add_prop(w, w->cal, icalproperty_new_calscale("GREGORIAN"));
	add_text(w, w->cal, ICAL_NAME_PROPERTY, name);
	sb_text(&b, name, 0);
	if (!b.oom)
		add_x(w, w->cal, "X-WR-CALNAME", b.p);
	w->oom |= b.oom;
	free(b.p);
	add_x(w, w->cal, "X-WR-TIMEZONE", cv_zone_name(xwr));
	/* RFC 7986 wants the value type spelled out. */
	add_prop_param(w, w->cal, icalproperty_new_refreshinterval(icaldurationtype_from_int(CV_DAY_SECONDS)),
		       icalparameter_new_value(ICAL_VALUE_DURATION));
	add_x(w, w->cal, "X-PUBLISHED-TTL", "P1D");
	return w->oom ? CV_ENOMEM : CV_OK;
}

static void ics_close(ics *w)
{
	size_t i;

	for (i = 0; i < w->nzones; i++)
		if (w->zones[i].vtz)
			icalcomponent_free(w->zones[i].vtz);
	if (w->events)
		icalcomponent_free(w->events);
	if (w->cal)
		icalcomponent_free(w->cal);
	if (w->fmt)
		udat_close(w->fmt);
	if (w->dfmt)
		udat_close(w->dfmt);
	if (w->zfmt)
		udat_close(w->zfmt);
	memset(w, 0, sizeof(*w));
}

/* VTIMEZONEs first (some clients want them before use), then the events; serialise. */
static int ics_finish(ics *w, char **out, size_t *len)
{
	Cv_ics_printer printer;
	icalcomponent *e;
	char *text;
	size_t i;

	if (w->oom)
		return CV_ENOMEM;
	for (i = 0; i < w->nzones; i++) {
		if (w->zones[i].vtz && w->zones[i].used) {
			icalcomponent_add_component(w->cal, w->zones[i].vtz);
			w->zones[i].vtz = NULL;
		}
	}
	if (w->changes)
		memset(w->changes, 0, sizeof(*w->changes));
	memset(&printer, 0, sizeof(printer));
	printer.cal = w->cal;
	while ((e = icalcomponent_get_first_component(w->events, ICAL_ANY_COMPONENT))) {
		int how;
		icalcomponent_remove_component(w->events, e);
		icalcomponent_add_component(w->cal, e); /* freed with the calendar */
		/* revision stamps last: they depend on the content before them */
		how = Cv_ics_history_stamp(w->prior, &printer, e, w->dtstamp,
					   w->floor ? w->floor(w->floor_ctx, icalcomponent_get_uid(e)) : 0,
					   w->outcomes);
		if (how < 0)
			return how;
		if (w->changes && how == CV_ICS_EVENT_NEW)
			w->changes->added++;
		else if (w->changes && how == CV_ICS_EVENT_SAME)
			w->changes->unchanged++;
		else if (w->changes)
			w->changes->changed++;
	}
	if (w->changes) {
		size_t had = cv_ics_history_events(w->prior);
		size_t kept = w->changes->unchanged + w->changes->changed;
		w->changes->removed = had > kept ? had - kept : 0;
	}
	if (w->outcomes)
		Cv_ics_outcomes_sort(w->outcomes);
	text = Cv_ics_component_text(w->cal);
	if (!text)
		return CV_ENOMEM;
	*out = text;
	*len = strlen(text);
	return CV_OK;
}

static const char *student_label(const cv_student *st)
{
	return st->name && *st->name ? st->name : st->id;
}

/* What a session is called: a section, a session of a series, or one of
 * the times a rotating session takes ("time 2 of 3"). */
static const char *session_word(const cv_course *c)
{
	return c->mode == CV_MODE_SERIES ? "session" : c->mode == CV_MODE_ROTATION ? "time" : "section";
}

/* "<title>: section N", "<title>: session N" or "<title>: session, time N of K". */
static void session_summary(sbuf *b, const cv_plan *p, const cv_session *s)
{
	sb_text(b, course_title(p->course), 0);
	if (p->course->mode == CV_MODE_ROTATION)
		Cv_sb_printf(b, ": session, time %u of %zu", s->index, p->nsessions);
	else
		Cv_sb_printf(b, ": %s %u", session_word(p->course), s->index);
}

/*
 * Weeks between a session's occurrences: 1, `every` with a cadence, and in
 * rotation times the slots it rotates through (each takes every k-th week
 * with sessions).
 */
static unsigned session_interval(const cv_plan *p)
{
	const cv_course *c = p->course;
	unsigned every = c->every > 1 ? c->every : 1;
	return c->mode == CV_MODE_ROTATION ? every * (unsigned)p->nsessions : every;
}

/* The home-zone wall time of a session on home date `day`. */
static int64_t session_wall(const cv_session *s, int32_t day)
{
	return (int64_t)day * CV_DAY_SECONDS + (int64_t)s->slot.start * CV_MINUTE_SECONDS;
}

/*
 * UNTIL of a weekly rule whose last instance starts at `last` on home date
 * `day`: in UTC, as RFC 5545 requires when DTSTART has a TZID.  It is the
 * end of that home day, and at least ICS_UNTIL_SLACK after the start.  Any
 * instant before the next week's instance means the same set, and this one
 * keeps the last week in clients whose arithmetic slips by a clock change
 * (dateutil with pytz steps a winter DTSTART into summer with the winter
 * offset, an hour late), while clients that show "until <date>" show the
 * last session's date.
 */
static int64_t rrule_until(const cv_zone *zone, int32_t day, int64_t last)
{
	int64_t end = cv_zone_to_utc(zone, ((int64_t)day + 1) * CV_DAY_SECONDS - 1);
	return end > last + ICS_UNTIL_SLACK ? end : last + ICS_UNTIL_SLACK;
}

/*
 * How a session's occurrences sit on its lattice: the first occurrence's
 * home date plus multiples of 7 days (of 7 N days when it meets every N-th
 * week: cadence, rotation), at the session's wall time.  Occurrences off it
 * (a plan built by hand, or a zone without a VTIMEZONE) become RDATEs,
 * lattice steps without one EXDATEs, so the expansion is always exact; the
 * weeks between steps get nothing.
 */
typedef struct lattice {
	int32_t step;        /* days between lattice dates */
	int on;              /* the first occurrence is on it, in a zone with a VTIMEZONE */
	unsigned char *hit;  /* per lattice week: an occurrence sits on it */
	size_t weeks;        /* room in hit */
	size_t last;         /* the last week hit */
	int64_t last_start;  /* the UTC start of that week's occurrence */
	size_t holes;        /* weeks before `last` without an occurrence */
} lattice;

/* Whether the session's first occurrence is on its lattice, and room for
 * every week the others may hit.  Returns 0 or CV_ENOMEM. */
static int lattice_init(lattice *l, ics *w, const cv_session *s)
{
	const cv_zone *zone = w->plan->course->zone;
	const cv_occurrence *o = s->occurrences;
	zone_use *zu = zone_get(w, zone);
	size_t i;

	memset(l, 0, sizeof(*l));
	l->step = CV_WEEK_DAYS * (int32_t)session_interval(w->plan);
	l->weeks = 1;
	l->on = zu && zu->vtz && cv_zone_to_utc(zone, session_wall(s, o[0].date)) == o[0].start;
	if (!l->on)
		return CV_OK;
	for (i = 0; i < s->noccurrences; i++) {
		int32_t d = o[i].date - o[0].date;
		if (d >= 0 && d % l->step == 0 && (size_t)(d / l->step) + 1 > l->weeks)
			l->weeks = (size_t)(d / l->step) + 1;
	}
	l->hit = calloc(l->weeks, 1);
	return l->hit ? CV_OK : CV_ENOMEM;
}

/* DTSTART, DURATION and an RDATE per occurrence off the lattice; the lattice's
 * weeks are marked as their occurrences are met.  One tz question per occurrence. */
static void session_dates(ics *w, icalcomponent *ev, const cv_session *s, lattice *l)
{
	const cv_zone *zone = w->plan->course->zone;
	const cv_occurrence *o = s->occurrences;
	size_t i;

	if (l->on)
		put_wall(w, ev, ICAL_DTSTART_PROPERTY, zone, session_wall(s, o[0].date));
	else
		put_utc(w, ev, ICAL_DTSTART_PROPERTY, o[0].start);
	put_duration(w, ev, s->duration);
	for (i = 0; i < s->noccurrences; i++) {
		int32_t d = o[i].date - o[0].date;
		size_t k = d >= 0 ? (size_t)(d / l->step) : 0;
		if (l->on && d >= 0 && d % l->step == 0 && !l->hit[k] &&
		    (i == 0 || cv_zone_to_utc(zone, session_wall(s, o[i].date)) == o[i].start)) {
			l->hit[k] = 1;
			if (k > l->last) {
				l->last = k;
				l->last_start = o[i].start;
			}
		} else if (i > 0) {
			local t = local_time(zone, o[i].start);
			put_local(w, ev, ICAL_RDATE_PROPERTY, zone, &t);
		}
	}
}

/* The weekly RRULE (INTERVAL=N every N-th week) up to the last step hit, and
 * an EXDATE for every step before it without an occurrence. */
static void session_rule(ics *w, icalcomponent *ev, const cv_session *s, lattice *l)
{
	const cv_zone *zone = w->plan->course->zone;
	int32_t first = s->occurrences[0].date;
	struct icalrecurrencetype r;
	size_t i;

	if (!l->on || l->last == 0)
		return;
	icalrecurrencetype_clear(&r);
	r.freq = ICAL_WEEKLY_RECURRENCE;
	r.interval = (short)(l->step / CV_WEEK_DAYS);
	r.until = utc_time(rrule_until(zone, first + l->step * (int32_t)l->last, l->last_start));
	add_prop(w, ev, icalproperty_new_rrule(r));
	for (i = 1; i < l->last; i++) {
		if (!l->hit[i]) {
			put_wall(w, ev, ICAL_EXDATE_PROPERTY, zone,
				 session_wall(s, first + l->step * (int32_t)i));
			l->holes++;
		}
	}
}

/* The description's first lines: when the session meets, from and to, and the weeks off. */
static void session_when(sbuf *b, const cv_plan *p, const cv_session *s, const lattice *l)
{
	const cv_occurrence *o = s->occurrences;
	char date[16];
	size_t i, shown = 0;

	sb_text(b, course_title(p->course), 0);
	Cv_sb_printf(b, ", %s %u of %zu: every ", session_word(p->course), s->index, p->nsessions);
	if (l->step > CV_WEEK_DAYS)
		Cv_sb_printf(b, "%d weeks on ", (int)(l->step / CV_WEEK_DAYS));
	Cv_sb_printf(b, "%s at %02u:%02u (%s), %u minutes, %zu times", cv_weekday_name(s->slot.weekday),
		     (unsigned)(s->slot.start / CV_HOUR_MINUTES),
		     (unsigned)(s->slot.start % CV_HOUR_MINUTES), cv_zone_name(p->course->zone), s->duration, s->noccurrences);
	cv_date_format(date, sizeof(date), o[0].date);
	Cv_sb_printf(b, " from %s", date);
	cv_date_format(date, sizeof(date), o[s->noccurrences - 1].date);
	Cv_sb_printf(b, " to %s.\n", date);
	if (!l->holes)
		return;
	Cv_sb_printf(b, "No session on");
	for (i = 1; i < l->last; i++) {
		if (l->hit[i])
			continue;
		cv_date_format(date, sizeof(date), o[0].date + l->step * (int32_t)i);
		Cv_sb_printf(b, "%s %s", shown++ ? "," : "", date);
	}
	Cv_sb_printf(b, ".\n");
}

/* The rest of the description: the links, the recording, who is expected
 * (names or ids only: the roster's e-mail addresses stay out of calendars). */
static void session_who(sbuf *b, const cv_plan *p, const cv_session *s)
{
	const cv_course *c = p->course;
	size_t i;

	if (c->join_url && *c->join_url) {
		Cv_sb_printf(b, "Join: ");
		sb_text(b, c->join_url, 0);
		Cv_sb_printf(b, "\n");
	}
	Cv_sb_printf(b, "Start the recording when the session begins");
	if (c->recording_url && *c->recording_url) {
		Cv_sb_printf(b, "; recordings go to ");
		sb_text(b, c->recording_url, 0);
	}
	Cv_sb_printf(b, ".\n");
	Cv_sb_printf(b, "Students (%zu): ", s->nstudents);
	for (i = 0; i < s->nstudents; i++) {
		if (s->students[i] >= p->roster->count)
			continue;
		if (b->len > ICS_TEXT_MAX) {
			Cv_sb_printf(b, " and %zu more", s->nstudents - i);
			break;
		}
		if (i)
			Cv_sb_printf(b, ", ");
		sb_text(b, student_label(&p->roster->students[s->students[i]]), 0);
	}
	if (!s->nstudents)
		Cv_sb_printf(b, "none");
	Cv_sb_printf(b, ".");
}

/* One recurring VEVENT for a session, with a "Start the recording" alarm. */
static void session_event(ics *w, const cv_session *s)
{
	const cv_course *c = w->plan->course;
	char uid[ICS_UID_MAX];
	icalcomponent *ev;
	lattice l;
	sbuf b = {0};

	if (lattice_init(&l, w, s)) {
		w->oom = 1;
		return;
	}
	snprintf(uid, sizeof(uid), "%s-s%u@%s", c->id, s->index, course_domain(c));
	ev = event_new(w, uid, 0);
	if (ev) {
		session_dates(w, ev, s, &l);
		session_rule(w, ev, s, &l);
		session_summary(&b, w->plan, s);
		if (!b.oom)
			add_text(w, ev, ICAL_SUMMARY_PROPERTY, b.p);
		b.len = 0;
		add_link(w, ev, c->join_url);
		add_conference(w, ev, c->join_url);
		session_when(&b, w->plan, s, &l);
		session_who(&b, w->plan, s);
		if (!b.oom)
			add_text(w, ev, ICAL_DESCRIPTION_PROPERTY, b.p);
		add_alarm(w, ev, ICS_ALARM_MINUTES, "Start the recording");
	}
	w->oom |= b.oom;
	free(b.p);
	free(l.hit);
}

#define ICS_NAMES_PER_OCCURRENCE 200 /* listed by name; the rest are counted */
/* bytes of names listed per occurrence: a week's note stays near ICS_TEXT_MAX */
#define ICS_NAMES_TEXT_MAX (ICS_TEXT_MAX / CV_COUNT_MAX)

/*
 * A short word for why a student follows the recording, for the instructor
 * (cv_miss_text() speaks to the student: "you are away that day").
 */
static const char *miss_word(cv_miss m)
{
	switch (m) {
	case CV_MISS_AWAY: return "away";
	case CV_MISS_BUSY: return "busy";
	case CV_MISS_CLOCKS: return "clock change";
	case CV_MISS_HOURS: return "outside their hours";
	case CV_MISS_FULL: return "section full";
	case CV_MISS_NONE: break;
	}
	return "?";
}

/*
 * The students absent from one occurrence, as the plan lists them, and
 * why: names or ids, never e-mail addresses, at most
 * ICS_NAMES_PER_OCCURRENCE names or ICS_NAMES_TEXT_MAX bytes of them, then
 * "and K more".
 */
static void absent_names(sbuf *b, const cv_plan *p, const cv_occurrence *o)
{
	size_t start = b->len, i;

	for (i = 0; i < o->nabsent && i < ICS_NAMES_PER_OCCURRENCE &&
		    b->len - start < ICS_NAMES_TEXT_MAX; i++) {
		Cv_sb_printf(b, "%s", i ? ", " : "");
		sb_text(b, student_label(&p->roster->students[o->absent[i].student]), 0);
		Cv_sb_printf(b, " (%s)", miss_word(o->absent[i].miss));
	}
	if (o->nabsent > i)
		Cv_sb_printf(b, " and %zu more", o->nabsent - i);
}

/* The lines of term week `week`'s note, one per occurrence someone misses;
 * the home date of the week's Monday into *monday. */
static void week_text(sbuf *b, int32_t *monday, const cv_plan *p, unsigned week)
{
	char date[16];
	size_t si, oi;

	for (si = 0; si < p->nsessions; si++) {
		const cv_session *s = &p->sessions[si];
		for (oi = 0; oi < s->noccurrences; oi++) {
			const cv_occurrence *o = &s->occurrences[oi];
			if (!o->nabsent || o->week != week)
				continue;
			*monday = o->date - (int32_t)cv_weekday(o->date);
			cv_date_format(date, sizeof(date), o->date);
			Cv_sb_printf(b, "%s %s %02u:%02u (%s %u), %zu: ",
				     cv_weekday_name(s->slot.weekday), date,
				     (unsigned)(s->slot.start / CV_HOUR_MINUTES),
				     (unsigned)(s->slot.start % CV_HOUR_MINUTES),
				     session_word(p->course), s->index, o->nabsent);
			absent_names(b, p, o);
			Cv_sb_printf(b, ".\n");
		}
	}
}

/* DTSTART and DTEND of an all-day event on home date `day`. */
static void put_all_day(ics *w, icalcomponent *ev, int32_t day)
{
	icaltimetype t = icaltime_null_date();
	int y;
	unsigned m, d;

	cv_civil_from_days(&y, &m, &d, day);
	t.year = y;
	t.month = (int)m;
	t.day = (int)d;
	add_prop(w, ev, icalproperty_new_dtstart(t));
	cv_civil_from_days(&y, &m, &d, day + 1);
	t.year = y;
	t.month = (int)m;
	t.day = (int)d;
	add_prop(w, ev, icalproperty_new_dtend(t));
}

/*
 * One week's note: a transparent all-day event on its Monday (UID
 * "<course>-rec-<YYYYMMDD>@<domain>", SUMMARY "Recording track this week:
 * M missed attendances by N students") that lists, per session
 * occurrence, the students who miss it and why.
 */
static void week_note(ics *w, unsigned week)
{
	const cv_plan *p = w->plan;
	const cv_plan_week *pw = &p->weeks[week];
	char uid[ICS_UID_MAX], date[16], summary[160];
	icalcomponent *ev;
	int32_t monday = 0;
	sbuf b = {0};

	week_text(&b, &monday, p, week);
	uid_date(date, sizeof(date), monday);
	snprintf(uid, sizeof(uid), "%s-rec-%s@%s", p->course->id, date, course_domain(p->course));
	ev = event_new(w, uid, 1);
	if (ev) {
		put_all_day(w, ev, monday);
		snprintf(summary, sizeof(summary),
			 "Recording track this week: %zu missed attendance%s by %zu student%s",
			 pw->missed, pw->missed == 1 ? "" : "s", pw->students,
			 pw->students == 1 ? "" : "s");
		add_text(w, ev, ICAL_SUMMARY_PROPERTY, summary);
		if (!b.oom && b.len)
			b.p[--b.len] = '\0'; /* the last line's newline */
		if (!b.oom)
			add_text(w, ev, ICAL_DESCRIPTION_PROPERTY, b.p);
	}
	w->oom |= b.oom;
	free(b.p);
}

/*
 * Who follows the recording, week by week, as the plan tallied it
 * (cv_plan_tally()): a note for every term week in which some student
 * misses a session, in term order; a week without a missed occurrence has
 * none.
 */
static void recording_weeks(ics *w)
{
	size_t week;

	for (week = 0; week < w->plan->nweeks; week++)
		if (w->plan->weeks[week].missed)
			week_note(w, (unsigned)week);
}

int cv_ics_instructor(char **out, size_t *len, const cv_plan *plan, const cv_ics_options *options)
{
	return Cv_ics_instructor_write(out, len, plan, options, NULL);
}

int Cv_ics_instructor_write(char **out, size_t *len, const cv_plan *plan,
			    const cv_ics_options *options, Cv_ics_outcomes *outcomes)
{
	ics w;
	size_t i;
	int rc;

	rc = ics_open(&w, plan, options, course_title(plan->course), plan->course->zone);
	w.outcomes = outcomes;
	for (i = 0; !rc && i < plan->nsessions; i++) {
		if (plan->sessions[i].noccurrences)
			session_event(&w, &plan->sessions[i]);
		if (w.oom)
			rc = CV_ENOMEM;
	}
	if (!rc)
		recording_weeks(&w);
	if (!rc && w.oom)
		rc = CV_ENOMEM;
	if (!rc)
		rc = ics_finish(&w, out, len);
	ics_close(&w);
	return rc;
}

/* "<course>-s<N>-<student>-<YYYYMMDD>-<kind>@<domain>": unique per student, session, date, kind. */
static void student_uid(char *buf, size_t size, const cv_plan *p, const cv_session *s,
			const cv_student *st, const cv_occurrence *o, const char *kind)
{
	char date[16];

	uid_date(date, sizeof(date), o->date);
	snprintf(buf, size, "%s-s%u-%s-%s-%s@%s", p->course->id, s->index, st->id, date, kind,
		 course_domain(p->course));
}

static void live_event(ics *w, const cv_student *st, const cv_session *s, const cv_occurrence *o)
{
	const cv_course *c = w->plan->course;
	char uid[ICS_UID_MAX], when[ICS_DATE_MAX], zone[2 * ICS_DATE_MAX];
	icalcomponent *ev;
	local home;
	sbuf b = {0};

	student_uid(uid, sizeof(uid), w->plan, s, st, o, "live");
	ev = event_new(w, uid, 0);
	if (!ev)
		return;
	/* The home zone, like the instructor's calendar: both read the same rules. */
	home = local_time(c->zone, o->start);
	put_local(w, ev, ICAL_DTSTART_PROPERTY, c->zone, &home);
	put_duration(w, ev, s->duration);
	session_summary(&b, w->plan, s);
	if (!b.oom)
		add_text(w, ev, ICAL_SUMMARY_PROPERTY, b.p);
	b.len = 0;
	add_link(w, ev, c->join_url);
	add_conference(w, ev, c->join_url);

	human_time(w, when, sizeof(when),
		   st->zone == c->zone ? home.wall : cv_zone_to_wall(st->zone, o->start));
	zone_label(w, zone, sizeof(zone), st->zone, o->start);
	sb_text(&b, course_title(c), 0);
	Cv_sb_printf(&b, ", live: %s (%s), %u minutes.\n", when, zone, s->duration);
	if (c->join_url && *c->join_url) {
		Cv_sb_printf(&b, "Join: ");
		sb_text(&b, c->join_url, 0);
		Cv_sb_printf(&b, "\n");
	}
	if (c->recording_url && *c->recording_url) {
		Cv_sb_printf(&b, "Recordings: ");
		sb_text(&b, c->recording_url, 0);
		Cv_sb_printf(&b, "\n");
	}
	if (!b.oom && b.len)
		b.p[--b.len] = '\0';
	if (!b.oom)
		add_text(w, ev, ICAL_DESCRIPTION_PROPERTY, b.p);
	b.len = 0;
	sb_text(&b, course_title(c), 0);
	Cv_sb_printf(&b, " starts in %d minutes", ICS_ALARM_MINUTES);
	if (!b.oom)
		add_alarm(w, ev, ICS_ALARM_MINUTES, b.p);
	w->oom |= b.oom;
	free(b.p);
}

/* A missed occurrence in the student's zone, asked of tz once for both reminder events. */
typedef struct missed_times {
	int64_t start;   /* the wall time of the session's start */
	local recording; /* when the recording is available */
	local due;       /* when the alternative task is due */
} missed_times;

/* Why the occurrence is missed, the recording and the task: shared by both reminder events. */
static void missed_text(sbuf *b, const ics *w, const cv_student *st, const cv_expect *e,
			const cv_occurrence *o, const missed_times *t)
{
	const cv_course *c = w->plan->course;
	char when[ICS_DATE_MAX], date[ICS_DATE_MAX], zone[2 * ICS_DATE_MAX];

	human_time(w, when, sizeof(when), t->start);
	zone_label(w, zone, sizeof(zone), st->zone, o->start);
	Cv_sb_printf(b, "You cannot attend the live session of %s (%s) because %s", when, zone,
		  cv_miss_text(e->miss));
	if (e->miss == CV_MISS_CLOCKS && e->clock_change && e->clock_zone) {
		/* Name whose clocks change, on that zone's own date: a New York change
		 * at 07:00Z falls on the Saturday in Honolulu. */
		human_date(w, date, sizeof(date),
			   cv_day_of(cv_zone_to_wall(e->clock_zone, e->clock_change)));
		if (e->clock_zone == st->zone)
			Cv_sb_printf(b, " (your clocks change on %s)", date);
		else
			Cv_sb_printf(b, " (the course's clocks, %s, change on %s)",
				  cv_zone_name(e->clock_zone), date);
	}
	Cv_sb_printf(b, ".\n");
	if (c->recording_url && *c->recording_url) {
		Cv_sb_printf(b, "Recording: ");
		sb_text(b, c->recording_url, 0);
		Cv_sb_printf(b, "\n");
	}
	human_time(w, when, sizeof(when), t->due.wall);
	sb_text(b, c->alternative_task && *c->alternative_task ? c->alternative_task
			: "Watch the recording and post a response in the discussion forum", 1);
	Cv_sb_printf(b, "; due %s.", when);
}

/*
 * The recording track of one missed occurrence: "Watch the recording" when
 * it is available, "Due" at the deadline.  Both sit in the student's zone
 * and are transparent, so they do not block the student's free time.
 */
static void missed_events(ics *w, const cv_student *st, const cv_session *s, const cv_expect *e,
			  const cv_occurrence *o)
{
	const cv_course *c = w->plan->course;
	char uid[ICS_UID_MAX], date[16];
	icalcomponent *ev;
	sbuf sum = {0}, desc = {0};
	unsigned early = c->alternative_due < ICS_DUE_ALARM_MAX ? c->alternative_due
							       : ICS_DUE_ALARM_MAX;
	missed_times t;

	t.start = cv_zone_to_wall(st->zone, o->start);
	t.recording = local_time(st->zone, o->end + (int64_t)c->recording_after * CV_MINUTE_SECONDS);
	t.due = local_time(st->zone, o->end + (int64_t)c->alternative_due * CV_MINUTE_SECONDS);
	/* The student's own date of the session: the one they would look for. */
	cv_date_format(date, sizeof(date), cv_day_of(t.start));
	missed_text(&desc, w, st, e, o, &t);

	student_uid(uid, sizeof(uid), w->plan, s, st, o, "rec");
	ev = event_new(w, uid, 1);
	if (ev) {
		put_local(w, ev, ICAL_DTSTART_PROPERTY, st->zone, &t.recording);
		put_duration(w, ev, s->duration);
		Cv_sb_printf(&sum, "Watch the recording: ");
		sb_text(&sum, course_title(c), 0);
		Cv_sb_printf(&sum, " (%s)", date);
		if (!sum.oom) {
			add_text(w, ev, ICAL_SUMMARY_PROPERTY, sum.p);
			add_alarm(w, ev, 0, sum.p);
		}
		if (!desc.oom)
			add_text(w, ev, ICAL_DESCRIPTION_PROPERTY, desc.p);
		add_link(w, ev, c->recording_url);
	}

	student_uid(uid, sizeof(uid), w->plan, s, st, o, "due");
	ev = event_new(w, uid, 1);
	if (ev) {
		put_local(w, ev, ICAL_DTSTART_PROPERTY, st->zone, &t.due);
		put_duration(w, ev, ICS_DUE_MINUTES);
		sum.len = 0;
		Cv_sb_printf(&sum, "Due: discussion response - ");
		sb_text(&sum, course_title(c), 0);
		Cv_sb_printf(&sum, " (%s)", date);
		if (!sum.oom) {
			add_text(w, ev, ICAL_SUMMARY_PROPERTY, sum.p);
			add_alarm(w, ev, (int)early, sum.p);
		}
		if (!desc.oom)
			add_text(w, ev, ICAL_DESCRIPTION_PROPERTY, desc.p);
		add_link(w, ev, c->recording_url);
	}
	w->oom |= sum.oom | desc.oom;
	free(sum.p);
	free(desc.p);
}

int cv_ics_student(char **out, size_t *len, const cv_plan *plan, size_t student,
		   const cv_ics_options *options)
{
	return Cv_ics_student_write(out, len, plan, student, options, NULL);
}

int Cv_ics_student_write(char **out, size_t *len, const cv_plan *plan, size_t student,
			 const cv_ics_options *options, Cv_ics_outcomes *outcomes)
{
	const cv_student_plan *sp;
	const cv_student *st;
	ics w;
	sbuf name = {0};
	size_t i;
	int rc;

	if (student >= plan->nstudents || plan->students[student].student >= plan->roster->count)
		return CV_EDATA;
	sp = &plan->students[student];
	st = &plan->roster->students[sp->student];
	sb_text(&name, course_title(plan->course), 0);
	Cv_sb_printf(&name, " - ");
	sb_text(&name, student_label(st), 0);
	if (name.oom)
		return CV_ENOMEM;
	rc = ics_open(&w, plan, options, name.p, st->zone);
	w.outcomes = outcomes;
	free(name.p);
	if (!rc) {
		w.fmt = formatter(text_locale(st), UDAT_SHORT, UDAT_FULL);
		w.dfmt = formatter(text_locale(st), UDAT_NONE, UDAT_LONG);
	}
	if (!rc && w.fmt)
		w.zfmt = zone_formatter(text_locale(st), st->zone);
	for (i = 0; !rc && i < sp->nexpects; i++) {
		const cv_expect *e = &sp->expects[i];
		const cv_session *s;
		if (e->session >= plan->nsessions ||
		    e->occurrence >= plan->sessions[e->session].noccurrences)
			continue;
		s = &plan->sessions[e->session];
		if (e->miss == CV_MISS_NONE)
			live_event(&w, st, s, &s->occurrences[e->occurrence]);
		else
			missed_events(&w, st, s, e, &s->occurrences[e->occurrence]);
		if (w.oom)
			rc = CV_ENOMEM;
	}
	if (!rc)
		rc = ics_finish(&w, out, len);
	ics_close(&w);
	return rc;
}

char *Cv_ics_component_text(icalcomponent *c)
{
	char *raw = icalcomponent_as_ical_string_r(c);
	sbuf folded = {0};

	if (!raw)
		return NULL;
	/* Folded again so that no line ends in a space; and our contract says
	 * free(), while libical's buffers are its own to free. */
	Cv_sb_ical(&folded, raw);
	icalmemory_free_buffer(raw);
	if (folded.oom || !folded.p) {
		free(folded.p);
		return NULL;
	}
	return folded.p;
}
