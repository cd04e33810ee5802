/*
 * itip.c - invitations by e-mail (RFC 5546 iTIP in RFC 6047 iMIP messages).
 *
 * The events are never derived again from the plan: both calendars are
 * parsed back from the text that was (or is being) published, so what a
 * student receives by e-mail is exactly what a subscriber sees, with the
 * same UIDs, SEQUENCEs and VTIMEZONEs.  What changes for iTIP:
 *
 * - METHOD is REQUEST or CANCEL, and every VEVENT names the organizer (the
 *   course's no-reply address, as the published calendars do) and the one
 *   attendee the message goes to.  RSVP=FALSE: nobody reads the replies.
 * - Clients apply an update only when its SEQUENCE is higher than the one
 *   they hold, so a changed event is sent with a SEQUENCE above the previous
 *   one even when the published calendar kept it, and a cancellation with
 *   the previous SEQUENCE plus one.
 *
 * The e-mail is built by hand rather than by a MIME library: it is small,
 * its shape is fixed, and every byte of user text that reaches a header is
 * checked here (no control characters, so no header injection) and written
 * either as a quoted string or as RFC 2047 encoded-words.  Both parts are
 * base64, so no line is longer than 76 octets and no relay needs 8BITMIME.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "convene/civil.h"
#include "convene/course.h"
#include "convene/itip.h"
#include "ics_history_int.h"
#include "ics_int.h"
#include "itip_int.h"
#include "sbuf_int.h"
#include "utf8_int.h"

static int recorded(const cv_itip_ledger *l, const char *uid);

#define ITIP_PRODID "-//convene//convene 0.1//EN"
#define ITIP_WORD_BYTES 39   /* UTF-8 bytes per encoded-word: 52 base64 chars, 64 in all,
			      * so "Subject: " and a word fit RFC 5322's 78 */
#define ITIP_LINE_SHOULD 78  /* RFC 5322 2.1.1: lines SHOULD be no longer (998 MUST) */
#define ITIP_RAW_MAX 60      /* longer header text is sent as encoded-words, which fold */
#define ITIP_B64_LINE 76     /* RFC 2045's limit */
#define ITIP_LISTED_MAX 30   /* events listed in the text part */

/* Base64 of p[0..n), in lines of at most `line` characters ended by CRLF (0: one line, no CRLF). */
static void sb_base64(sbuf *b, const unsigned char *p, size_t n, size_t line)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;

	for (i = 0; i < n; i += 3) {
		char q[4];
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = a[v >> 18 & 63];
		q[1] = a[v >> 12 & 63];
		q[2] = i + 1 < n ? a[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? a[v & 63] : '=';
		Cv_sb_add(b, q, 4);
		col += 4;
		if (line && col >= line) {
			Cv_sb_add(b, "\r\n", 2);
			col = 0;
		}
	}
	if (line && col)
		Cv_sb_add(b, "\r\n", 2);
}

/* FNV-1a, 64 bits: a stable fingerprint for Message-IDs and boundaries (not security). */
static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* ---- addresses, names and header text ---- */

int cv_itip_email_valid(const char *email)
{
	size_t n, i, at = 0, ats = 0;

	if (!email)
		return 0;
	n = strlen(email);
	if (!n || n > CV_ITIP_EMAIL_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)email[i];
		/* Space and controls end or fold a header; the specials would make the
		 * address a display name, a group or a list, or break the mailto: URI. */
		if (c <= 0x20 || c >= 0x7f || strchr("\"(),:;<>[\\]", c))
			return 0;
		if (c == '@') {
			ats++;
			at = i;
		}
	}
	return ats == 1 && at > 0 && at + 1 < n;
}

/* 1 if `s` may reach a header: UTF-8 without control characters (no CR, no LF). */
static int text_ok(const char *s, size_t max)
{
	const char *what;
	size_t n = strlen(s);

	return n <= max && Cv_text_check(s, n, 0, &what) == n;
}

/* 1 if `s` can go into a header as it is: short printable ASCII that no reader
 * could take for an encoded-word. */
static int header_raw(const char *s)
{
	size_t i, n = strlen(s);

	if (n > ITIP_RAW_MAX || strstr(s, "=?"))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * RFC 2047 encoded-words ("=?UTF-8?B?...?="), each at most 75 characters and
 * holding whole UTF-8 characters, separated by folding white space (which a
 * reader drops between encoded-words).  Valid as a phrase and as
 * unstructured text.
 */
static void sb_words(sbuf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n || i == 0) {
		size_t j = i;
		while (j < n) {
			size_t k = Cv_utf8_seq(u + j, n - j);
			if (!k)
				k = 1; /* checked before; never split a byte anyway */
			if (j + k - i > ITIP_WORD_BYTES)
				break;
			j += k;
		}
		if (i)
			Cv_sb_str(b, "\r\n ");
		Cv_sb_str(b, "=?UTF-8?B?");
		sb_base64(b, u + i, j - i, 0);
		Cv_sb_str(b, "?=");
		if (j == i)
			break; /* empty text */
		i = j;
	}
}

/* A display name: a quoted string when it can be, else encoded-words. */
static void sb_phrase(sbuf *b, const char *s)
{
	size_t i;

	if (!header_raw(s)) {
		sb_words(b, s);
		return;
	}
	Cv_sb_str(b, "\"");
	for (i = 0; s[i]; i++) {
		if (s[i] == '"' || s[i] == '\\')
			Cv_sb_str(b, "\\");
		Cv_sb_add(b, &s[i], 1);
	}
	Cv_sb_str(b, "\"");
}

/* An address header: `Name <addr>` or the bare address; the address goes on a
 * folded line of its own when it would make the line longer than 78. */
static void sb_mailbox(sbuf *b, const char *header, const char *name, const char *addr)
{
	size_t start;

	Cv_sb_printf(b, "%s: ", header);
	if (name && *name) {
		sb_phrase(b, name);
		for (start = b->oom ? 0 : b->len; start > 0 && b->p[start - 1] != '\n'; start--)
			;
		Cv_sb_str(b, !b->oom && b->len - start + strlen(addr) + 3 > ITIP_LINE_SHOULD ? "\r\n "
											    : " ");
	}
	Cv_sb_printf(b, "<%s>\r\n", addr);
}

/* RFC 5322 date-time in UTC: "Fri, 15 Jan 2027 08:00:00 +0000". */
static void sb_date(sbuf *b, int64_t t)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int32_t day = cv_day_of(t);
	int64_t s = t - (int64_t)day * CV_DAY_SECONDS;
	unsigned m, d;
	int y;

	cv_civil_from_days(&y, &m, &d, day);
	Cv_sb_printf(b, "%s, %u %s %04d %02d:%02d:%02d +0000", cv_weekday_name(cv_weekday(day)), d,
		  months[(m - 1) % 12], y, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

/* ---- calendars ---- */

/* One VEVENT of the calendar being published. */
typedef struct event {
	const char *uid;      /* borrowed from the component */
	icalcomponent *ev;    /* borrowed from the calendar */
	int seq;
} event;

typedef struct calendar {
	icalcomponent *cal;   /* owned */
	event *v;             /* in file order */
	event **byuid;        /* sorted by UID, for lookups */
	size_t n;
} calendar;

static void calendar_free(calendar *c)
{
	free(c->v);
	free(c->byuid);
	if (c->cal)
		icalcomponent_free(c->cal);
	memset(c, 0, sizeof(*c));
}

static int by_uid(const void *a, const void *b)
{
	const event *x = *(event *const *)a, *y = *(event *const *)b;
	int c = strcmp(x->uid, y->uid);
	return c ? c : (x < y ? -1 : x > y); /* the first in the file first */
}

/* The first event with this UID, or NULL. */
static event *calendar_find(const calendar *c, const char *uid)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(c->byuid[mid]->uid, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n && !strcmp(c->byuid[lo]->uid, uid) ? c->byuid[lo] : NULL;
}

/*
 * 0 when `text` may be a calendar; else CV_EDATA with the reason recorded
 * against `what`.  Both calendars get the same checks.
 */
static int calendar_check(const char *text, size_t len, const char *what, cv_errors *errs)
{
	cv_where where = {NULL, 0, 0};

	if (len > CV_ITIP_CALENDAR_MAX)
		return cv_errors_add(errs, CV_EDATA, &where, 0, "%s: longer than %zu bytes", what,
				     (size_t)CV_ITIP_CALENDAR_MAX);
	if (memchr(text, '\0', len))
		return cv_errors_add(errs, CV_EDATA, &where, 0, "%s: holds a NUL byte", what);
	return CV_OK;
}

/* Index the events of c->cal.  Returns 0 or CV_ENOMEM. */
static int calendar_index(calendar *c)
{
	size_t n = (size_t)icalcomponent_count_components(c->cal, ICAL_VEVENT_COMPONENT), i = 0;
	icalcomponent *ev;

	c->v = calloc(n + 1, sizeof(*c->v));
	c->byuid = calloc(n + 1, sizeof(*c->byuid));
	if (!c->v || !c->byuid)
		return CV_ENOMEM;
	for (ev = icalcomponent_get_first_component(c->cal, ICAL_VEVENT_COMPONENT); ev && i < n;
	     ev = icalcomponent_get_next_component(c->cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(ev);
		if (!uid || !*uid)
			continue; /* no identity: nothing to update or cancel */
		c->v[i].uid = uid;
		c->v[i].ev = ev;
		c->v[i].seq = icalcomponent_get_sequence(ev);
		if (c->v[i].seq < 0)
			c->v[i].seq = 0;
		c->byuid[i] = &c->v[i];
		c->n = ++i; /* counted as filled, so calendar_free() never meets a hole */
	}
	qsort(c->byuid, c->n, sizeof(*c->byuid), by_uid);
	return CV_OK;
}

/* Parse `what` (for messages) into *out.  Returns 0, CV_EDATA or CV_ENOMEM. */
static int calendar_parse(calendar *out, const char *text, size_t len, const char *what,
			  cv_errors *errs)
{
	cv_where where = {NULL, 0, 0};
	calendar c;
	char *copy;
	int rc = calendar_check(text, len, what, errs);

	memset(&c, 0, sizeof(c));
	if (rc)
		return rc;
	copy = malloc(len + 1);
	if (!copy)
		return CV_ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	c.cal = icalparser_parse_string(copy);
	free(copy);
	if (!c.cal || icalcomponent_isa(c.cal) != ICAL_VCALENDAR_COMPONENT) {
		calendar_free(&c);
		return cv_errors_add(errs, CV_EDATA, &where, 0, "%s: not one iCalendar VCALENDAR",
				     what);
	}
	rc = calendar_index(&c);
	if (rc) {
		calendar_free(&c);
		return rc;
	}
	*out = c;
	return CV_OK;
}

/* Remove every property of `kind` from `c`. */
static void remove_props(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p;

	while ((p = icalcomponent_get_first_property(c, kind))) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/* ---- messages ---- */

/* What one message is being built from. */
typedef struct message {
	const char *method;      /* "REQUEST" or "CANCEL" */
	const cv_itip_recipient *to;
	const cv_itip_options *opt;
	const char *organizer;   /* "mailto:noreply@<domain>" */
	const char *from;        /* "noreply@<domain>" */
	const char *domain;
	const char *title;
	icalcomponent *src;      /* the calendar the events come from (its VTIMEZONEs) */
	icalcomponent *cal;      /* the message's VCALENDAR */
	icalcomponent *events;   /* its VEVENTs until the VTIMEZONEs are in place */
	Cv_tzids zones;
	sbuf list;               /* the events, for the text part */
	size_t count;
	int oom;
} message;

static void put(message *m, icalcomponent *c, icalproperty *p)
{
	if (!p) {
		m->oom = 1;
		return;
	}
	icalcomponent_add_property(c, p);
}

static void put_param(message *m, icalproperty *p, icalparameter *a)
{
	if (!a) {
		m->oom = 1;
		return;
	}
	icalproperty_add_parameter(p, a);
}

/* A message of `method` to `to` about the events of calendar `src` (borrowed). */
static void message_init(message *m, const char *method, const cv_itip_recipient *to,
			 const cv_itip_options *o, const char *organizer, const char *from,
			 const char *domain, icalcomponent *src)
{
	memset(m, 0, sizeof(*m));
	m->method = method;
	m->to = to;
	m->opt = o;
	m->organizer = organizer;
	m->from = from;
	m->domain = domain;
	m->title = o->title && *o->title ? o->title : "Course";
	m->src = src;
}

static int message_open(message *m, icalproperty_method method)
{
	icalproperty *prodid = icalcomponent_get_first_property(m->src, ICAL_PRODID_PROPERTY);

	m->cal = icalcomponent_new_vcalendar();
	m->events = icalcomponent_new_vcalendar();
	if (!m->cal || !m->events)
		return CV_ENOMEM;
	put(m, m->cal, icalproperty_new_prodid(prodid && icalproperty_get_prodid(prodid)
					       ? icalproperty_get_prodid(prodid) : ITIP_PRODID));
	put(m, m->cal, icalproperty_new_version("2.0"));
	put(m, m->cal, icalproperty_new_calscale("GREGORIAN"));
	put(m, m->cal, icalproperty_new_method(method));
	return m->oom ? CV_ENOMEM : CV_OK;
}

static void message_close(message *m)
{
	if (m->cal)
		icalcomponent_free(m->cal);
	if (m->events)
		icalcomponent_free(m->events);
	Cv_array_clear(m->zones.ids);
	free(m->list.p);
}

/* A line of the text part: the summary and the start as written in the calendar. */
static void list_event(message *m, icalcomponent *ev)
{
	icalproperty *p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	const char *summary = icalcomponent_get_summary(ev);

	if (m->count > ITIP_LISTED_MAX)
		return;
	if (m->count == ITIP_LISTED_MAX) {
		Cv_sb_str(&m->list, "- ...\r\n");
		return;
	}
	Cv_sb_str(&m->list, summary && *summary ? "- " : "- (no title)");
	if (summary)
		Cv_sb_str(&m->list, summary);
	if (p) {
		icaltimetype t = icalproperty_get_dtstart(p);
		icalparameter *a = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
		Cv_sb_printf(&m->list, ", %04d-%02d-%02d", t.year, t.month, t.day);
		if (!t.is_date)
			Cv_sb_printf(&m->list, " %02d:%02d", t.hour, t.minute);
		if (a && icalparameter_get_tzid(a)) {
			Cv_sb_str(&m->list, " (");
			Cv_sb_str(&m->list, icalparameter_get_tzid(a));
			Cv_sb_str(&m->list, ")");
		} else if (!t.is_date && icaltime_is_utc(t)) {
			Cv_sb_str(&m->list, " (UTC)");
		}
	}
	Cv_sb_str(&m->list, "\r\n");
}

/*
 * Add a copy of `src` with the recipient as its only ATTENDEE, the organizer
 * when it has none, SEQUENCE `seq` and DTSTAMP the message's date; a
 * cancellation also gets STATUS:CANCELLED and loses its alarms.
 */
static void message_add(message *m, icalcomponent *src, int seq, int cancel)
{
	icalcomponent *ev = icalcomponent_new_clone(src), *a;
	icalproperty *p;
	sbuf uri = {0};

	if (!ev) {
		m->oom = 1;
		return;
	}
	remove_props(ev, ICAL_ATTENDEE_PROPERTY);
	remove_props(ev, ICAL_DTSTAMP_PROPERTY);
	put(m, ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(
			   (time_t)m->opt->date, 0, icaltimezone_get_utc_timezone())));
	p = icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY);
	if (p)
		icalproperty_set_sequence(p, seq);
	else
		put(m, ev, icalproperty_new_sequence(seq));
	if (cancel) {
		while ((a = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT))) {
			icalcomponent_remove_component(ev, a);
			icalcomponent_free(a);
		}
		p = icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);
		if (p)
			icalproperty_set_status(p, ICAL_STATUS_CANCELLED);
		else
			put(m, ev, icalproperty_new_status(ICAL_STATUS_CANCELLED));
	}
	if (!icalcomponent_get_first_property(ev, ICAL_ORGANIZER_PROPERTY)) {
		p = icalproperty_new_organizer(m->organizer);
		if (p && m->title && *m->title)
			put_param(m, p, icalparameter_new_cn(m->title));
		put(m, ev, p);
	}
	Cv_sb_printf(&uri, "mailto:%s", m->to->email);
	p = uri.oom ? NULL : icalproperty_new_attendee(uri.p);
	free(uri.p);
	if (p) {
		/* libical quotes the CN and writes a '"' in it as RFC 6868's ^'. */
		if (m->to->name && *m->to->name)
			put_param(m, p, icalparameter_new_cn(m->to->name));
		put_param(m, p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		put_param(m, p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		put_param(m, p, icalparameter_new_rsvp(ICAL_RSVP_FALSE));
	}
	put(m, ev, p);
	Cv_tzids_collect(&m->zones, ev);
	m->oom |= m->zones.oom;
	list_event(m, ev);
	icalcomponent_add_component(m->events, ev);
	m->count++;
}

/* The whole .eml: headers, a text part and the calendar part. */
static int message_finish(message *m, char **out, size_t *len, size_t changed)
{
	const char *subject = !strcmp(m->method, "CANCEL") ? "Cancelled: "
			      : changed ? "Updated invitation: " : "Invitation: ";
	icalcomponent *c;
	char *ics = NULL, id[40], boundary[48];
	sbuf text = {0}, b = {0}, subj = {0};
	uint64_t h1, h2;
	size_t i, col;

	for (c = icalcomponent_get_first_component(m->src, ICAL_VTIMEZONE_COMPONENT); c;
	     c = icalcomponent_get_next_component(m->src, ICAL_VTIMEZONE_COMPONENT)) {
		icalproperty *p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
		const char *tzid = p ? icalproperty_get_tzid(p) : NULL;
		icalcomponent *z;
		if (!tzid || !Cv_tzids_has(&m->zones, tzid))
			continue;
		z = icalcomponent_new_clone(c);
		if (!z)
			return CV_ENOMEM;
		icalcomponent_add_component(m->cal, z);
	}
	while ((c = icalcomponent_get_first_component(m->events, ICAL_ANY_COMPONENT))) {
		icalcomponent_remove_component(m->events, c);
		icalcomponent_add_component(m->cal, c);
	}
	if (m->oom)
		return CV_ENOMEM;
	/* folded again like the published calendars: no line ends in a space */
	ics = Cv_ics_component_text(m->cal);
	if (!ics)
		return CV_ENOMEM;

	/* The same calendar to the same address gives the same Message-ID. */
	h1 = fnv(0xcbf29ce484222325ULL, ics, strlen(ics));
	h2 = fnv(fnv(0x84222325cbf29ce4ULL, m->to->email, strlen(m->to->email)), ics, strlen(ics));
	snprintf(id, sizeof(id), "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
	snprintf(boundary, sizeof(boundary), "=_convene_%016llx", (unsigned long long)(h1 ^ h2));

	/* Names and titles through Cv_sb_str(): Cv_sb_printf() would cut them at 511 bytes. */
	if (m->to->name && *m->to->name) {
		Cv_sb_str(&text, m->to->name);
		Cv_sb_str(&text, ",\r\n\r\n");
	}
	Cv_sb_str(&text, m->title);
	if (!strcmp(m->method, "CANCEL")) {
		Cv_sb_printf(&text, ": the %zu event%s below %s cancelled and will be removed from "
				 "your calendar.\r\n\r\n", m->count, m->count == 1 ? "" : "s",
			  m->count == 1 ? "is" : "are");
	} else {
		Cv_sb_printf(&text, ": the attached invitation puts the %zu event%s below in your "
				 "calendar", m->count, m->count == 1 ? "" : "s");
		if (changed)
			Cv_sb_printf(&text, " (%zu of them changed since the last message)", changed);
		Cv_sb_str(&text, ".\r\n\r\n");
	}
	Cv_sb_add(&text, m->list.p ? m->list.p : "", m->list.len);
	Cv_sb_str(&text, "\r\nThis message was sent automatically; replies are not read.\r\n");

	sb_mailbox(&b, "From", m->title, m->from);
	sb_mailbox(&b, "To", m->to->name, m->to->email);
	Cv_sb_str(&subj, subject);
	Cv_sb_str(&subj, m->title);
	Cv_sb_str(&b, "Subject: ");
	if (!subj.oom && header_raw(subj.p))
		Cv_sb_str(&b, subj.p);
	else if (!subj.oom)
		sb_words(&b, subj.p);
	Cv_sb_str(&b, "\r\nDate: ");
	sb_date(&b, m->opt->date);
	Cv_sb_printf(&b, "\r\nMessage-ID: <%s.%s@%s>\r\n", id,
		  !strcmp(m->method, "CANCEL") ? "cancel" : "request", m->domain);
	Cv_sb_str(&b, "MIME-Version: 1.0\r\n");
	/* RFC 3834: no vacation auto-replies to a no-reply address. */
	Cv_sb_str(&b, "Auto-Submitted: auto-generated\r\n");
	Cv_sb_printf(&b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
	Cv_sb_printf(&b, "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	sb_base64(&b, (const unsigned char *)(text.p ? text.p : ""), text.len, ITIP_B64_LINE);
	Cv_sb_printf(&b, "--%s\r\nContent-Type: text/calendar; charset=UTF-8; method=%s\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n", boundary, m->method);
	sb_base64(&b, (const unsigned char *)ics, strlen(ics), ITIP_B64_LINE);
	Cv_sb_printf(&b, "--%s--\r\n", boundary);
	free(ics);
	free(subj.p);
	free(text.p);
	if (b.oom || text.oom || subj.oom) {
		free(b.p);
		return CV_ENOMEM;
	}
	/* Nothing but CRLF ends a line, and none is longer than RFC 5322's 998:
	 * the checks above make this so; a message that broke it must not go out. */
	for (i = 0, col = 0; i < b.len; i++) {
		if (b.p[i] == '\n' && (i == 0 || b.p[i - 1] != '\r'))
			break;
		col = b.p[i] == '\n' ? 0 : col + 1;
		if (col > 999) /* 998 and the CR */
			break;
	}
	if (i < b.len) {
		free(b.p);
		return CV_EDATA;
	}
	*out = b.p;
	*len = b.len;
	return CV_OK;
}

static int recipient_check(const cv_itip_recipient *to, const cv_itip_options *o,
			   const char *domain, cv_errors *errs)
{
	cv_where where = {NULL, 0, 0};
	char from[CV_ITIP_EMAIL_MAX + 16];

	if (!to || !cv_itip_email_valid(to->email))
		return cv_errors_add(errs, CV_EDATA, &where, 0,
				     "\"%s\" is not a usable e-mail address (one '@', no spaces, "
				     "no control characters or <>\"(),:;[\\])",
				     to && to->email ? to->email : "");
	if (to->name && !text_ok(to->name, CV_ITIP_NAME_MAX))
		return cv_errors_add(errs, CV_EDATA, &where, 0,
				     "the name of <%s> is not UTF-8 text without control characters",
				     to->email);
	if (o->title && !text_ok(o->title, CV_ITIP_NAME_MAX))
		return cv_errors_add(errs, CV_EDATA, &where, 0,
				     "the course title is not UTF-8 text without control characters");
	snprintf(from, sizeof(from), "noreply@%s", domain);
	if (strlen(domain) > CV_ITIP_EMAIL_MAX - 8 || !cv_itip_email_valid(from))
		return cv_errors_add(errs, CV_EDATA, &where, 0,
				     "uid-domain \"%s\" cannot make an e-mail address", domain);
	return CV_OK;
}

/* The addresses every message of `o` comes from, for `domain`. */
typedef struct sender {
	const char *domain;
	char from[CV_ITIP_EMAIL_MAX + 16];      /* noreply@<domain> */
	char organizer[CV_ITIP_EMAIL_MAX + 24]; /* mailto:noreply@<domain> */
} sender;

static void sender_init(sender *s, const cv_itip_options *o)
{
	s->domain = o->uid_domain && *o->uid_domain ? o->uid_domain : CV_COURSE_UID_DOMAIN_DEFAULT;
	snprintf(s->from, sizeof(s->from), "noreply@%s", s->domain);
	snprintf(s->organizer, sizeof(s->organizer), "mailto:%s", s->from);
}

/*
 * The REQUEST: the events of `cur` decided new or changed (an event missing
 * from `decided` is sent), each above the SEQUENCE the recipient holds.
 * Returns 0 or CV_ENOMEM / CV_EDATA from message_finish().
 */
static int build_request(cv_itip_mail *mail, const cv_itip_recipient *to, const calendar *cur,
			 const cv_ics_history *prev, const Cv_ics_outcomes *decided,
			 const cv_itip_options *o, const sender *s)
{
	size_t i, changed = 0;
	message m;
	int rc;

	message_init(&m, "REQUEST", to, o, s->organizer, s->from, s->domain, cur->cal);
	rc = message_open(&m, ICAL_METHOD_REQUEST);
	for (i = 0; !rc && i < cur->n; i++) {
		const event *e = &cur->v[i];
		const Cv_ics_past *p = Cv_ics_history_find(prev, e->uid);
		const Cv_ics_outcome *d = Cv_ics_outcomes_find(decided, e->uid);
		int seq = e->seq;
		if (calendar_find(cur, e->uid) != e)
			continue; /* a second event with the same UID: the first speaks */
		if (p && d && d->how == CV_ICS_EVENT_SAME)
			continue;
		if (p) {
			if (seq <= p->sequence)
				seq = p->sequence + 1;
			changed++;
		} else if (seq <= recorded(o->ledger, e->uid)) {
			/* back after a CANCEL the previous calendar no longer shows */
			seq = recorded(o->ledger, e->uid) + 1;
		}
		message_add(&m, e->ev, seq, 0);
		if (!m.oom && Cv_itip_ledger_note(o->ledger, e->uid, seq))
			m.oom = 1;
		if (m.oom)
			rc = CV_ENOMEM;
	}
	if (!rc && m.count) {
		rc = message_finish(&m, &mail->request, &mail->request_len, changed);
		mail->request_events = m.count;
		mail->request_changed = changed;
	}
	message_close(&m);
	return rc;
}

/* The CANCEL: the events of `prev` that `cur` (NULL: the student left) no longer has. */
static int build_cancel(cv_itip_mail *mail, const cv_itip_recipient *to, const calendar *cur,
			const cv_ics_history *prev, const cv_itip_options *o, const sender *s)
{
	size_t i, n;
	const Cv_ics_past *v = Cv_ics_history_events(prev, &n);
	message m;
	int rc;

	message_init(&m, "CANCEL", to, o, s->organizer, s->from, s->domain,
		     Cv_ics_history_calendar(prev));
	rc = message_open(&m, ICAL_METHOD_CANCEL);
	for (i = 0; !rc && i < n; i++) {
		const Cv_ics_past *e = &v[i];
		int seq;
		if (Cv_ics_history_find(prev, e->uid) != e)
			continue;
		if (cur && calendar_find(cur, e->uid))
			continue;
		seq = e->sequence + 1;
		if (seq <= recorded(o->ledger, e->uid))
			seq = recorded(o->ledger, e->uid) + 1;
		message_add(&m, e->ev, seq, 1);
		if (!m.oom && Cv_itip_ledger_note(o->ledger, e->uid, seq))
			m.oom = 1;
		if (m.oom)
			rc = CV_ENOMEM;
	}
	if (!rc && m.count) {
		rc = message_finish(&m, &mail->cancel, &mail->cancel_len, 0);
		mail->cancel_events = m.count;
	}
	message_close(&m);
	return rc;
}

/* Both messages from the parsed current calendar (cur->cal NULL: none). */
static int build(cv_itip_mail *out, const cv_itip_recipient *to, const calendar *cur,
		 const cv_ics_history *prev, const Cv_ics_outcomes *decided,
		 const cv_itip_options *o, const sender *s)
{
	cv_itip_mail mail;
	int rc = CV_OK;

	memset(&mail, 0, sizeof(mail));
	if (cur->cal)
		rc = build_request(&mail, to, cur, prev, decided, o, s);
	if (!rc && prev)
		rc = build_cancel(&mail, to, cur->cal ? cur : NULL, prev, o, s);
	if (rc) {
		cv_itip_mail_clear(&mail);
		return rc;
	}
	*out = mail;
	return CV_OK;
}

int Cv_itip_build_decided(cv_itip_mail *out, const cv_itip_recipient *to, const char *current,
			  size_t current_len, const cv_ics_history *prev,
			  const Cv_ics_outcomes *decided, const cv_itip_options *options,
			  cv_errors *errs)
{
	cv_itip_options none = {0, NULL, NULL, NULL};
	const cv_itip_options *o = options ? options : &none;
	calendar cur;
	sender s;
	int rc;

	memset(&cur, 0, sizeof(cur));
	sender_init(&s, o);
	rc = recipient_check(to, o, s.domain, errs);
	if (!rc && current)
		rc = calendar_parse(&cur, current, current_len, "the current calendar", errs);
	if (!rc)
		rc = build(out, to, &cur, prev, decided, o, &s);
	calendar_free(&cur);
	return rc;
}

/* The decisions for every event of `cur` against `prev`, as publishing makes them. */
static int decide_all(Cv_ics_outcomes *out, const calendar *cur, const cv_ics_history *prev)
{
	Cv_ics_printer printer;
	size_t i;

	memset(&printer, 0, sizeof(printer));
	printer.cal = cur->cal;
	for (i = 0; i < cur->n; i++) {
		const Cv_ics_past *old;
		Cv_ics_event_how how;
		if (Cv_ics_history_decide(&how, &old, prev, &printer, cur->v[i].ev) ||
		    Cv_ics_outcomes_add(out, cur->v[i].uid, how, cur->v[i].seq))
			return CV_ENOMEM;
	}
	Cv_ics_outcomes_sort(out);
	return CV_OK;
}

/* The previous calendar text as a history, with the reason when it is not one. */
static int previous_parse(cv_ics_history **out, const char *text, size_t len, cv_errors *errs)
{
	cv_where where = {NULL, 0, 0};
	int rc = calendar_check(text, len, "the previous calendar", errs);

	if (rc)
		return rc;
	rc = cv_ics_history_new(out, text, len);
	if (rc == CV_EDATA)
		cv_errors_add(errs, CV_EDATA, &where, 0,
			      "the previous calendar: not one iCalendar VCALENDAR");
	return rc;
}

int cv_itip_build(cv_itip_mail *out, const cv_itip_recipient *to, const char *current,
		  size_t current_len, const char *previous, size_t previous_len,
		  const cv_itip_options *options, cv_errors *errs)
{
	cv_itip_options none = {0, NULL, NULL, NULL};
	const cv_itip_options *o = options ? options : &none;
	Cv_ics_outcomes decided = {CV_ARRAY_INIT, 0};
	cv_ics_history *prev = NULL;
	calendar cur;
	sender s;
	int rc;

	memset(&cur, 0, sizeof(cur));
	sender_init(&s, o);
	rc = recipient_check(to, o, s.domain, errs);
	if (!rc && current)
		rc = calendar_parse(&cur, current, current_len, "the current calendar", errs);
	if (!rc && previous)
		rc = previous_parse(&prev, previous, previous_len, errs);
	if (!rc && cur.cal)
		rc = decide_all(&decided, &cur, prev);
	if (!rc)
		rc = build(out, to, &cur, prev, &decided, o, &s);
	Cv_ics_outcomes_clear(&decided);
	cv_ics_history_free(prev);
	calendar_free(&cur);
	return rc;
}

void cv_itip_mail_clear(cv_itip_mail *mail)
{
	if (!mail)
		return;
	free(mail->request);
	free(mail->cancel);
	memset(mail, 0, sizeof(*mail));
}

/* ---- the recipients list ---- */

int cv_itip_recipients_format(char **out, size_t *len, const cv_roster *roster)
{
	sbuf b = {0};
	size_t i, j;

	Cv_sb_str(&b, "# convene itip recipients: id, name and e-mail address separated by tabs\n");
	for (i = 0; roster && i < roster->count; i++) {
		const cv_student *st = &roster->students[i];
		const char *name = st->name ? st->name : "";
		if (!cv_itip_email_valid(st->email))
			continue;
		Cv_sb_printf(&b, "%s\t", st->id);
		for (j = 0; name[j]; j++) {
			unsigned char c = (unsigned char)name[j];
			Cv_sb_add(&b, c < 0x20 || c == 0x7f ? " " : &name[j], 1);
		}
		Cv_sb_printf(&b, "\t%s\n", st->email);
	}
	if (b.oom) {
		free(b.p);
		return CV_ENOMEM;
	}
	*out = b.p;
	*len = b.len;
	return CV_OK;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

int cv_itip_recipients_find(char **name, char **email, const char *text, size_t len,
			    const char *id)
{
	size_t pos = 0, idlen = strlen(id);

	if (len > CV_ITIP_CALENDAR_MAX)
		len = CV_ITIP_CALENDAR_MAX;
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *t1 = memchr(line, '\t', n), *t2;
		pos += n + 1;
		if (!t1 || *line == '#' || (size_t)(t1 - line) != idlen || memcmp(line, id, idlen))
			continue;
		t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - line));
		if (!t2 || memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - line)))
			continue;
		{
			char *nm = dup_n(t1 + 1, (size_t)(t2 - t1 - 1));
			char *em = dup_n(t2 + 1, n - (size_t)(t2 + 1 - line));
			if (!nm || !em) {
				free(nm);
				free(em);
				return CV_ENOMEM;
			}
			/* A CR left by an editor is not part of the address. */
			if (*em && em[strlen(em) - 1] == '\r')
				em[strlen(em) - 1] = '\0';
			if (!cv_itip_email_valid(em)) {
				free(nm);
				free(em);
				continue;
			}
			*name = nm;
			*email = em;
			return CV_OK;
		}
	}
	return CV_ENOINPUT;
}

/* ---- the SEQUENCE ledger ---- */

typedef struct ledger_entry {
	char *uid; /* NULL: an empty slot */
	int seq;
} ledger_entry;

/* An open-addressing hash table of UIDs: publish looks up every event of
 * every student's calendar. */
struct cv_itip_ledger {
	ledger_entry *e;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

static ledger_entry *ledger_slot(const cv_itip_ledger *l, const char *uid)
{
	size_t i = (size_t)fnv(1469598103934665603ULL, uid, strlen(uid)) & (l->cap - 1);

	while (l->e[i].uid && strcmp(l->e[i].uid, uid))
		i = (i + 1) & (l->cap - 1);
	return &l->e[i];
}

static int ledger_grow(cv_itip_ledger *l)
{
	cv_itip_ledger bigger;
	size_t i;

	bigger.cap = l->cap ? l->cap * 2 : 256;
	bigger.n = l->n;
	bigger.e = calloc(bigger.cap, sizeof(*bigger.e));
	if (!bigger.e)
		return CV_ENOMEM;
	for (i = 0; i < l->cap; i++)
		if (l->e[i].uid)
			*ledger_slot(&bigger, l->e[i].uid) = l->e[i];
	free(l->e);
	*l = bigger;
	return CV_OK;
}

int Cv_itip_ledger_note(cv_itip_ledger *l, const char *uid, int sequence)
{
	ledger_entry *x;

	/* a UID that would break the line format is not ours, and is not kept */
	if (!l || !uid || !*uid || sequence <= 0 || strpbrk(uid, "\t\r\n"))
		return CV_OK;
	if ((l->n + 1) * 2 > l->cap && ledger_grow(l))
		return CV_ENOMEM;
	x = ledger_slot(l, uid);
	if (!x->uid) {
		x->uid = strdup(uid);
		if (!x->uid)
			return CV_ENOMEM;
		x->seq = sequence;
		l->n++;
	} else if (sequence > x->seq) {
		x->seq = sequence;
	}
	return CV_OK;
}

/* The highest SEQUENCE recorded for `uid`, or -1 when none is (or l is NULL). */
static int recorded(const cv_itip_ledger *l, const char *uid)
{
	const ledger_entry *x;

	if (!l || !l->cap || !uid)
		return -1;
	x = ledger_slot(l, uid);
	return x->uid ? x->seq : -1;
}

int Cv_itip_ledger_get(int *out, const cv_itip_ledger *l, const char *uid)
{
	int seq = recorded(l, uid);

	if (seq < 0)
		return CV_ENOTFOUND;
	*out = seq;
	return CV_OK;
}

int cv_itip_ledger_next(void *ledger, const char *uid)
{
	int seq = recorded(ledger, uid);

	return seq < 0 ? 0 : seq < INT_MAX ? seq + 1 : INT_MAX;
}

void cv_itip_ledger_free(cv_itip_ledger *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->cap; i++)
		free(l->e[i].uid);
	free(l->e);
	free(l);
}

int cv_itip_ledger_new(cv_itip_ledger **out, const char *text, size_t len)
{
	cv_itip_ledger *l;
	size_t pos = 0;

	if (text && len > CV_ITIP_CALENDAR_MAX)
		return CV_EDATA;
	l = calloc(1, sizeof(*l));
	if (!l)
		return CV_ENOMEM;
	while (text && pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		const char *tab = memchr(line, '\t', n);
		char uid[1024], num[16];
		size_t ulen, dlen, k;
		long seq;

		pos += n + 1;
		if (n && line[n - 1] == '\r')
			n--;
		if (!tab || *line == '#')
			continue;
		ulen = (size_t)(tab - line);
		dlen = n - ulen - 1;
		if (!ulen || ulen >= sizeof(uid) || !dlen || dlen >= sizeof(num) - 1 ||
		    memchr(line, '\0', n))
			continue;
		for (k = 0; k < dlen && tab[1 + k] >= '0' && tab[1 + k] <= '9'; k++)
			;
		if (k != dlen || dlen > 9)
			continue;
		memcpy(uid, line, ulen);
		uid[ulen] = '\0';
		memcpy(num, tab + 1, dlen);
		num[dlen] = '\0';
		seq = strtol(num, NULL, 10);
		if (Cv_itip_ledger_note(l, uid, (int)seq)) {
			cv_itip_ledger_free(l);
			return CV_ENOMEM;
		}
	}
	*out = l;
	return CV_OK;
}

static int entry_by_uid(const void *a, const void *b)
{
	return strcmp((*(ledger_entry *const *)a)->uid, (*(ledger_entry *const *)b)->uid);
}

int cv_itip_ledger_format(char **out, size_t *len, const cv_itip_ledger *l)
{
	ledger_entry **v = NULL;
	sbuf b = {0};
	size_t i, n = 0;

	if (l && l->n) {
		v = malloc(l->n * sizeof(*v));
		if (!v)
			return CV_ENOMEM;
		for (i = 0; i < l->cap; i++)
			if (l->e[i].uid)
				v[n++] = &l->e[i];
		qsort(v, n, sizeof(*v), entry_by_uid);
	}
	Cv_sb_str(&b, "# convene itip ledger: UID and the highest SEQUENCE sent, separated by a tab\n");
	for (i = 0; i < n; i++)
		Cv_sb_printf(&b, "%s\t%d\n", v[i]->uid, v[i]->seq);
	free(v);
	if (b.oom) {
		free(b.p);
		return CV_ENOMEM;
	}
	*out = b.p;
	*len = b.len;
	return CV_OK;
}
