/*
 * test_itip.c - RFC 5546 REQUEST/CANCEL e-mail built from published calendars.
 *
 * The calendars here are written by hand (not by src/ics.c), so every
 * expectation follows from the test's own text; messages are read back by
 * splitting the MIME by hand, decoding base64 with the test's own decoder
 * and parsing the calendar part with libical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "fixture.h"
#include "../src/itip_int.h"

#define DATE 1800000000 /* 2027-01-15T08:00:00Z, a Friday */

static const char vtz_ny[] =
	"BEGIN:VTIMEZONE\r\n"
	"TZID:America/New_York\r\n"
	"TZUNTIL:%s\r\n"
	"BEGIN:STANDARD\r\n"
	"TZNAME:EST\r\n"
	"TZOFFSETFROM:-0400\r\n"
	"TZOFFSETTO:%s\r\n"
	"DTSTART:20261101T020000\r\n"
	"END:STANDARD\r\n"
	"END:VTIMEZONE\r\n";

/* One VEVENT: UID "<name>@example.org", DTSTART in New York, with a VALARM. */
typedef struct ev {
	const char *name;
	const char *start; /* "20270112T140000" */
	int seq;
	const char *summary;
} ev;

/* A published calendar holding `n` events, stamped `stamp`; the VTIMEZONE's
 * standard offset and TZUNTIL are parameters.  Caller frees. */
static char *calendar(const ev *e, size_t n, const char *stamp, const char *offset,
		      const char *until)
{
	size_t cap = 4096 + n * 1024, len;
	char *s = malloc(cap), *p;
	size_t i;

	assert_non_null(s);
	len = (size_t)snprintf(s, cap, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n"
					"METHOD:PUBLISH\r\nX-WR-CALNAME:Test\r\n");
	len += (size_t)snprintf(s + len, cap - len, vtz_ny, until, offset);
	for (i = 0; i < n; i++) {
		p = s + len;
		len += (size_t)snprintf(p, cap - len,
			"BEGIN:VEVENT\r\nUID:%s@example.org\r\nDTSTAMP:%s\r\nSEQUENCE:%d\r\n"
			"STATUS:CONFIRMED\r\n"
			"ORGANIZER;CN=Test Course:mailto:noreply@example.org\r\n"
			"DTSTART;TZID=America/New_York:%s\r\nDURATION:PT1H\r\nSUMMARY:%s\r\n"
			"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nDESCRIPTION:soon\r\n"
			"END:VALARM\r\nEND:VEVENT\r\n",
			e[i].name, stamp, e[i].seq, e[i].start, e[i].summary);
	}
	len += (size_t)snprintf(s + len, cap - len, "END:VCALENDAR\r\n");
	assert_true(len < cap);
	return s;
}

static char *cal_std(const ev *e, size_t n, const char *stamp)
{
	return calendar(e, n, stamp, "-0500", "20270601T000000Z");
}

static const cv_itip_options options = {DATE, "Test Course", "example.org", NULL};
static const cv_itip_recipient zoe = {"Zoë Williams", "zoe@example.org"};

/* Build with strings (NULL for no calendar); returns the code. */
static int build(cv_itip_mail *m, const cv_itip_recipient *to, const char *cur, const char *prev)
{
	return cv_itip_build(m, to, cur, cur ? strlen(cur) : 0, prev, prev ? strlen(prev) : 0,
			     &options, NULL);
}

/* ---- reading a message back ------------------------------------------ */

static int b64val(char c)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(a, c) : NULL;
	return p ? (int)(p - a) : -1;
}

/* Decode base64 from s[0..n), skipping CR/LF; caller frees. */
static char *unbase64(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0;

	assert_non_null(out);
	for (i = 0; i < n; i++) {
		int v;
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (s[i] == '=')
			break;
		v = b64val(s[i]);
		assert_true(v >= 0);
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

/* The unfolded value of header `name` (caller frees), or NULL. */
static char *header(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg;
	size_t n = strlen(name);

	assert_non_null(end);
	while (p < end) {
		const char *eol = strstr(p, "\r\n");
		if (!strncmp(p, name, n) && p[n] == ':') {
			char *v = malloc((size_t)(end - p) + 1);
			size_t o = 0;
			const char *q = p + n + 1;
			while (*q == ' ')
				q++;
			for (;;) {
				eol = strstr(q, "\r\n");
				memcpy(v + o, q, (size_t)(eol - q));
				o += (size_t)(eol - q);
				if (eol[2] != ' ' && eol[2] != '\t')
					break;
				q = eol + 2; /* unfold: CRLF goes, the blank stays */
			}
			v[o] = '\0';
			return v;
		}
		p = eol + 2;
	}
	return NULL;
}

/* Decode every RFC 2047 "=?UTF-8?B?...?=" word of `v`, dropping the blanks between words. */
static char *decode_words(const char *v)
{
	char *out = calloc(1, strlen(v) + 1);
	const char *p = v;

	assert_non_null(out);
	while (*p) {
		if (!strncmp(p, "=?UTF-8?B?", 10)) {
			const char *e = strstr(p + 10, "?=");
			char *d;
			assert_non_null(e);
			assert_true(e + 2 - p <= 75); /* RFC 2047's limit on one word */
			d = unbase64(p + 10, (size_t)(e - p - 10));
			strcat(out, d);
			free(d);
			p = e + 2;
			while (*p == ' ' && !strncmp(p + 1, "=?", 2))
				p++;
		} else {
			strncat(out, p, 1);
			p++;
		}
	}
	return out;
}

/* The decoded body of the part whose Content-Type starts with `type`; caller frees. */
static char *part(const char *msg, const char *type, char *ctype, size_t ctype_size)
{
	char needle[64];
	const char *p, *body, *end;

	snprintf(needle, sizeof(needle), "Content-Type: %s", type);
	p = strstr(msg, needle);
	assert_non_null(p);
	if (ctype) {
		const char *eol = strstr(p, "\r\n");
		snprintf(ctype, ctype_size, "%.*s", (int)(eol - p), p);
	}
	assert_non_null(strstr(p, "Content-Transfer-Encoding: base64\r\n"));
	body = strstr(p, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	end = strstr(body, "\r\n--=_convene_");
	assert_non_null(end);
	return unbase64(body, (size_t)(end - body));
}

/* The calendar part, parsed; checks the MIME shape of the whole message on the way. */
static icalcomponent *cal_part(const char *msg, const char *method)
{
	char ctype[256], want[128], *text;
	icalcomponent *c;
	size_t i, col = 0;

	/* Every line ends with CRLF and is at most 998 octets (RFC 5322). */
	for (i = 0; msg[i]; i++) {
		if (msg[i] == '\n') {
			assert_true(i > 0 && msg[i - 1] == '\r');
			col = 0;
		} else if (++col > 998) {
			fail_msg("line longer than 998 octets");
		}
	}
	assert_non_null(strstr(msg, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(msg, "Content-Type: multipart/alternative; boundary=\"=_convene_"));
	text = part(msg, "text/calendar", ctype, sizeof(ctype));
	snprintf(want, sizeof(want), "Content-Type: text/calendar; charset=UTF-8; method=%s", method);
	assert_string_equal(ctype, want);
	c = icalparser_parse_string(text);
	free(text);
	assert_non_null(c);
	assert_int_equal(icalcomponent_isa(c), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(icalcomponent_get_method(c),
			 !strcmp(method, "CANCEL") ? ICAL_METHOD_CANCEL : ICAL_METHOD_REQUEST);
	return c;
}

static icalcomponent *event_by_uid(icalcomponent *cal, const char *uid)
{
	icalcomponent *e;
	for (e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
	     e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		if (!strcmp(icalcomponent_get_uid(e), uid))
			return e;
	return NULL;
}

/* What every VEVENT of a message must have: the organizer, exactly one attendee (the
 * recipient, a required participant not asked to reply), and a VTIMEZONE for its TZID. */
static void check_events(icalcomponent *cal, const cv_itip_recipient *to, size_t want)
{
	icalcomponent *e, *all[64];
	size_t n = 0, i;
	char mailto[300];

	snprintf(mailto, sizeof(mailto), "mailto:%s", to->email);
	/* Collected first: libical has one component iterator per calendar, and
	 * the VTIMEZONE search below uses it. */
	for (e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e && n < 64;
	     e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		all[n++] = e;
	for (i = 0; i < n; i++) {
		icalproperty *a = icalcomponent_get_first_property(all[i], ICAL_ATTENDEE_PROPERTY);
		icalproperty *o = icalcomponent_get_first_property(all[i], ICAL_ORGANIZER_PROPERTY);
		icalproperty *d = icalcomponent_get_first_property(all[i], ICAL_DTSTART_PROPERTY);
		icalparameter *tz = icalproperty_get_first_parameter(d, ICAL_TZID_PARAMETER);
		icalcomponent *z;
		int found = 0;

		e = all[i];
		assert_non_null(o);
		assert_string_equal(icalproperty_get_organizer(o), "mailto:noreply@example.org");
		assert_int_equal(icalcomponent_count_properties(e, ICAL_ATTENDEE_PROPERTY), 1);
		assert_string_equal(icalproperty_get_attendee(a), mailto);
		if (to->name && *to->name)
			assert_string_equal(icalparameter_get_cn(icalproperty_get_first_parameter(
						    a, ICAL_CN_PARAMETER)), to->name);
		assert_int_equal(icalparameter_get_role(icalproperty_get_first_parameter(
						 a, ICAL_ROLE_PARAMETER)), ICAL_ROLE_REQPARTICIPANT);
		assert_int_equal(icalparameter_get_partstat(icalproperty_get_first_parameter(
						 a, ICAL_PARTSTAT_PARAMETER)), ICAL_PARTSTAT_NEEDSACTION);
		assert_int_equal(icalparameter_get_rsvp(icalproperty_get_first_parameter(
						 a, ICAL_RSVP_PARAMETER)), ICAL_RSVP_FALSE);
		assert_non_null(tz);
		for (z = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT); z;
		     z = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT))
			if (!strcmp(icalproperty_get_tzid(icalcomponent_get_first_property(
					    z, ICAL_TZID_PROPERTY)), icalparameter_get_tzid(tz)))
				found = 1;
		assert_true(found);
	}
	assert_int_equal(n, want);
}

/* libical's RFC 5546 restriction table accepts the message. */
static void check_restrictions(icalcomponent *cal)
{
	icalcomponent *copy = icalcomponent_new_clone(cal);
	icalproperty *p;
	int ok = icalrestriction_check(copy);

	if (!ok)
		for (p = icalcomponent_get_first_property(copy, ICAL_XLICERROR_PROPERTY); p;
		     p = icalcomponent_get_next_property(copy, ICAL_XLICERROR_PROPERTY))
			print_message("%s\n", icalproperty_get_xlicerror(p));
	icalcomponent_free(copy);
	assert_true(ok);
}

static const ev two[] = {
	{"a", "20270112T140000", 0, "Session A"},
	{"b", "20270114T140000", 2, "Session B"},
};

/* ---- tests ------------------------------------------------------------- */

static void test_request_on_first_publish(void **state)
{
	char *cur = cal_std(two, 2, "20270115T080000Z");
	cv_itip_mail m;
	icalcomponent *cal;
	(void)state;

	assert_int_equal(build(&m, &zoe, cur, NULL), CV_OK);
	assert_non_null(m.request);
	assert_null(m.cancel);
	assert_int_equal(m.request_events, 2);
	assert_int_equal(m.request_changed, 0);
	assert_int_equal(strlen(m.request), m.request_len);
	cal = cal_part(m.request, "REQUEST");
	check_events(cal, &zoe, 2);
	/* The published SEQUENCEs, and the alarm stays in a REQUEST. */
	assert_int_equal(icalcomponent_get_sequence(event_by_uid(cal, "a@example.org")), 0);
	assert_int_equal(icalcomponent_get_sequence(event_by_uid(cal, "b@example.org")), 2);
	assert_non_null(icalcomponent_get_first_component(event_by_uid(cal, "a@example.org"),
							  ICAL_VALARM_COMPONENT));
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
	check_restrictions(cal);
	icalcomponent_free(cal);
	cv_itip_mail_clear(&m);
	assert_null(m.request);
	cv_itip_mail_clear(NULL);
	free(cur);
}

static void test_nothing_when_unchanged(void **state)
{
	/* Only DTSTAMP differs between the runs. */
	char *prev = cal_std(two, 2, "20270101T000000Z"), *cur = cal_std(two, 2, "20270115T080000Z");
	cv_itip_mail m;
	(void)state;

	assert_int_equal(build(&m, &zoe, cur, prev), CV_OK);
	assert_null(m.request);
	assert_null(m.cancel);
	assert_int_equal(m.request_events + m.cancel_events, 0);
	free(prev);
	free(cur);
}

static void test_changed_event_gets_higher_sequence(void **state)
{
	ev moved[] = {{"a", "20270112T140000", 0, "Session A"}, {"b", "20270115T140000", 2, "Session B"}};
	ev raised[] = {{"a", "20270112T140000", 0, "Session A"}, {"b", "20270115T140000", 5, "Session B"}};
	char *prev = cal_std(two, 2, "20270101T000000Z"), *cur = cal_std(moved, 2, "20270115T080000Z");
	char *cur5 = cal_std(raised, 2, "20270115T080000Z"), *subject;
	cv_itip_mail m;
	icalcomponent *cal, *b;
	(void)state;

	assert_int_equal(build(&m, &zoe, cur, prev), CV_OK);
	assert_null(m.cancel);
	assert_int_equal(m.request_events, 1);
	assert_int_equal(m.request_changed, 1);
	cal = cal_part(m.request, "REQUEST");
	check_events(cal, &zoe, 1);
	b = event_by_uid(cal, "b@example.org");
	assert_non_null(b);
	/* The published file kept SEQUENCE 2: the update must be above it. */
	assert_int_equal(icalcomponent_get_sequence(b), 3);
	assert_int_equal(icalcomponent_get_dtstart(b).day, 15);
	check_restrictions(cal);
	icalcomponent_free(cal);
	subject = header(m.request, "Subject");
	assert_string_equal(subject, "Updated invitation: Test Course");
	free(subject);
	cv_itip_mail_clear(&m);

	/* A published file that raised it already is followed. */
	assert_int_equal(build(&m, &zoe, cur5, prev), CV_OK);
	cal = cal_part(m.request, "REQUEST");
	assert_int_equal(icalcomponent_get_sequence(event_by_uid(cal, "b@example.org")), 5);
	icalcomponent_free(cal);
	cv_itip_mail_clear(&m);
	free(prev);
	free(cur);
	free(cur5);
}

static void test_new_tzdata_is_a_change_but_tzuntil_is_not(void **state)
{
	char *prev = cal_std(two, 2, "20270101T000000Z");
	char *until = calendar(two, 2, "20270115T080000Z", "-0500", "20270701T000000Z");
	char *offset = calendar(two, 2, "20270115T080000Z", "-0600", "20270601T000000Z");
	cv_itip_mail m;
	(void)state;

	assert_int_equal(build(&m, &zoe, until, prev), CV_OK);
	assert_null(m.request);
	assert_int_equal(build(&m, &zoe, offset, prev), CV_OK);
	assert_int_equal(m.request_events, 2);
	assert_int_equal(m.request_changed, 2);
	cv_itip_mail_clear(&m);
	free(prev);
	free(until);
	free(offset);
}

static void test_cancel_for_removed_event(void **state)
{
	char *prev = cal_std(two, 2, "20270101T000000Z"), *cur = cal_std(two, 1, "20270115T080000Z");
	cv_itip_mail m;
	icalcomponent *cal, *b;
	char *subject;
	(void)state;

	assert_int_equal(build(&m, &zoe, cur, prev), CV_OK);
	assert_null(m.request);
	assert_non_null(m.cancel);
	assert_int_equal(m.cancel_events, 1);
	cal = cal_part(m.cancel, "CANCEL");
	check_events(cal, &zoe, 1);
	b = event_by_uid(cal, "b@example.org");
	assert_non_null(b);
	assert_int_equal(icalcomponent_get_sequence(b), 3);
	assert_int_equal(icalcomponent_get_status(b), ICAL_STATUS_CANCELLED);
	assert_null(icalcomponent_get_first_component(b, ICAL_VALARM_COMPONENT));
	assert_string_equal(icaltime_as_ical_string(icalcomponent_get_dtstamp(b)), "20270115T080000Z");
	check_restrictions(cal);
	icalcomponent_free(cal);
	subject = header(m.cancel, "Subject");
	assert_string_equal(subject, "Cancelled: Test Course");
	free(subject);
	cv_itip_mail_clear(&m);
	free(prev);
	free(cur);
}

/* The ledger remembers a CANCEL the next previous calendar no longer shows:
 * b (SEQUENCE 2) is cancelled with 3, and when it comes back with the
 * published SEQUENCE 0 the REQUEST still goes above the CANCEL.  The text
 * form reads back, sorted by UID; bad lines are skipped. */
static void test_ledger_sends_a_returning_event_above_its_cancel(void **state)
{
	char *both = cal_std(two, 2, "20270101T000000Z"), *one = cal_std(two, 1, "20270115T080000Z");
	ev again[2];
	char *back, *text;
	size_t len;
	cv_itip_ledger *l, *r;
	int seq = -1;
	cv_itip_options o = options;
	cv_itip_mail m;
	icalcomponent *cal;
	(void)state;

	assert_int_equal(cv_itip_ledger_new(&l, NULL, 0), CV_OK);
	assert_int_equal(Cv_itip_ledger_get(&seq, l, "b@example.org"), CV_ENOTFOUND);
	assert_int_equal(cv_itip_ledger_next(l, "b@example.org"), 0);
	o.ledger = l;
	assert_int_equal(cv_itip_build(&m, &zoe, one, strlen(one), both, strlen(both), &o, NULL),
			 CV_OK);
	cal = cal_part(m.cancel, "CANCEL");
	assert_int_equal(icalcomponent_get_sequence(event_by_uid(cal, "b@example.org")), 3);
	icalcomponent_free(cal);
	cv_itip_mail_clear(&m);
	assert_int_equal(Cv_itip_ledger_get(&seq, l, "b@example.org"), CV_OK);
	assert_int_equal(seq, 3);
	assert_int_equal(cv_itip_ledger_next(l, "b@example.org"), 4);

	/* b is back, published (by a writer without the ledger) at SEQUENCE 0 */
	memcpy(again, two, sizeof(again));
	again[1].seq = 0;
	back = cal_std(again, 2, "20270122T080000Z");
	assert_int_equal(cv_itip_build(&m, &zoe, back, strlen(back), one, strlen(one), &o, NULL),
			 CV_OK);
	assert_int_equal(m.request_events, 1);
	cal = cal_part(m.request, "REQUEST");
	assert_int_equal(icalcomponent_get_sequence(event_by_uid(cal, "b@example.org")), 4);
	icalcomponent_free(cal);
	cv_itip_mail_clear(&m);
	assert_int_equal(Cv_itip_ledger_get(&seq, l, "b@example.org"), CV_OK);
	assert_int_equal(seq, 4);

	/* the text form: sorted, lower notes ignored, 0 not kept, bad lines skipped */
	assert_int_equal(Cv_itip_ledger_note(l, "a@example.org", 1), CV_OK);
	assert_int_equal(Cv_itip_ledger_note(l, "b@example.org", 2), CV_OK);
	assert_int_equal(Cv_itip_ledger_note(l, "c@example.org", 0), CV_OK);
	assert_int_equal(cv_itip_ledger_format(&text, &len, l), CV_OK);
	assert_string_equal(strchr(text, '\n') + 1, "a@example.org\t1\nb@example.org\t4\n");
	assert_int_equal(strlen(text), len);
	free(text);
	text = "# comment\nx@example.org\t7\r\nbad line\ny@example.org\t-1\nz@example.org\t2x\n"
	       "w@example.org\t12";
	assert_int_equal(cv_itip_ledger_new(&r, text, strlen(text)), CV_OK);
	assert_int_equal(Cv_itip_ledger_get(&seq, r, "x@example.org"), CV_OK);
	assert_int_equal(seq, 7);
	assert_int_equal(Cv_itip_ledger_get(&seq, r, "y@example.org"), CV_ENOTFOUND);
	assert_int_equal(Cv_itip_ledger_get(&seq, r, "z@example.org"), CV_ENOTFOUND);
	assert_int_equal(Cv_itip_ledger_get(&seq, r, "w@example.org"), CV_OK);
	assert_int_equal(seq, 12);
	cv_itip_ledger_free(r);
	cv_itip_ledger_free(l);
	cv_itip_ledger_free(NULL);
	free(both);
	free(one);
	free(back);
}

static void test_cancel_for_removed_student(void **state)
{
	char *prev = cal_std(two, 2, "20270101T000000Z");
	cv_itip_mail m;
	icalcomponent *cal;
	(void)state;

	assert_int_equal(build(&m, &zoe, NULL, prev), CV_OK);
	assert_null(m.request);
	assert_int_equal(m.cancel_events, 2);
	cal = cal_part(m.cancel, "CANCEL");
	check_events(cal, &zoe, 2);
	assert_int_equal(icalcomponent_get_sequence(event_by_uid(cal, "a@example.org")), 1);
	assert_int_equal(icalcomponent_get_sequence(event_by_uid(cal, "b@example.org")), 3);
	icalcomponent_free(cal);
	cv_itip_mail_clear(&m);
	/* Nothing before, nothing now: nothing to send. */
	assert_int_equal(build(&m, &zoe, NULL, NULL), CV_OK);
	assert_null(m.request);
	assert_null(m.cancel);
	free(prev);
}

static void test_header_injection_refused(void **state)
{
	static const char *const bad[] = {
		"zoe@example.org\r\nBcc: all@example.org", "zoe@example.org\n", "zoe @example.org",
		"zoe@@example.org", "zoe@a@example.org", "example.org", "@example.org", "zoe@",
		"", "Zoe <zoe@example.org>", "zoe@example.org,eve@example.org", "zoe\"@example.org",
		"zoé@example.org", "zoe@example.org\t", "zoe;x@example.org",
	};
	static const char *const good[] = {"zoe@example.org", "z.o+e_1@sub.example.org", "a@b"};
	char *cur = cal_std(two, 1, "20270115T080000Z");
	cv_itip_mail m, before;
	cv_errors *errs;
	size_t i;
	(void)state;

	memset(&before, 0x5a, sizeof(before));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cv_itip_recipient to = {"Zoe", bad[i]};
		assert_int_equal(cv_itip_email_valid(bad[i]), 0);
		m = before;
		assert_int_equal(build(&m, &to, cur, NULL), CV_EDATA);
		assert_memory_equal(&m, &before, sizeof(m)); /* untouched */
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(cv_itip_email_valid(good[i]), 1);
	assert_int_equal(cv_itip_email_valid(NULL), 0);
	{
		cv_itip_recipient to = {"Eve\r\nBcc: all@example.org", "eve@example.org"};
		cv_itip_recipient c1 = {"Eve\xc2\x85", "eve@example.org"}; /* C1 NEL */
		cv_itip_recipient utf = {"Eve \xff", "eve@example.org"};
		cv_itip_options title = {DATE, "Course\r\nBcc: all@example.org", "example.org", NULL};
		cv_itip_options domain = {DATE, "Course", "example.org>\r\nBcc: x@y", NULL};
		assert_int_equal(cv_errors_new(&errs), CV_OK);
		assert_int_equal(cv_itip_build(&m, &to, cur, strlen(cur), NULL, 0, &options, errs),
				 CV_EDATA);
		assert_non_null(strstr(cv_errors_get(errs, 0)->message, "control characters"));
		cv_errors_free(errs);
		assert_int_equal(build(&m, &c1, cur, NULL), CV_EDATA);
		assert_int_equal(build(&m, &utf, cur, NULL), CV_EDATA);
		assert_int_equal(cv_itip_build(&m, &zoe, cur, strlen(cur), NULL, 0, &title, NULL),
				 CV_EDATA);
		assert_int_equal(cv_itip_build(&m, &zoe, cur, strlen(cur), NULL, 0, &domain, NULL),
				 CV_EDATA);
	}
	assert_int_equal(build(&m, NULL, cur, NULL), CV_EDATA);
	free(cur);
}

/* Whatever the names hold, every header line is a header or a folded continuation. */
static void check_header_lines(const char *msg)
{
	const char *p = msg, *end = strstr(msg, "\r\n\r\n");

	while (p < end) {
		const char *eol = strstr(p, "\r\n"), *colon = memchr(p, ':', (size_t)(eol - p));
		assert_true(*p == ' ' || (colon && colon > p));
		assert_true(eol - p <= 78);
		p = eol + 2;
	}
}

static void test_rfc2047_names(void **state)
{
	static const char long_name[] =
		"\xe6\xb8\xa1\xe8\xbe\xba \xe7\xb5\x90\xe8\xa1\xa3\xe6\xb8\xa1\xe8\xbe\xba\xe7\xb5"
		"\x90\xe8\xa1\xa3\xe6\xb8\xa1\xe8\xbe\xba\xe7\xb5\x90\xe8\xa1\xa3\xe6\xb8\xa1\xe8\xbe"
		"\xba\xe7\xb5\x90\xe8\xa1\xa3\xe6\xb8\xa1\xe8\xbe\xba\xe7\xb5\x90\xe8\xa1\xa3\xe6\xb8"
		"\xa1\xe8\xbe\xba\xe7\xb5\x90\xe8\xa1\xa3 (\xe6\xb8\xa1\xe8\xbe\xba)";
	cv_itip_recipient ascii = {"Jo \"JJ\" O'Neil, Jr.", "jo@example.org"};
	cv_itip_recipient cjk = {long_name, "yui@example.org"};
	cv_itip_recipient trick = {"=?UTF-8?B?RXZl?=", "t@example.org"};
	cv_itip_recipient none = {NULL, "n@example.org"};
	cv_itip_options utitle = {DATE, "S\xc3\xa9minaire d'\xc3\xa9t\xc3\xa9", "example.org", NULL};
	char *cur = cal_std(two, 2, "20270115T080000Z"), *to, *name, *text;
	cv_itip_mail m;
	icalcomponent *cal;
	(void)state;

	/* Non-ASCII: encoded-words that decode to the name. */
	assert_int_equal(build(&m, &zoe, cur, NULL), CV_OK);
	to = header(m.request, "To");
	assert_non_null(strstr(to, "=?UTF-8?B?"));
	name = decode_words(to);
	assert_string_equal(name, "Zo\xc3\xab Williams <zoe@example.org>");
	free(name);
	free(to);
	/* The text part greets the student by name, in UTF-8. */
	text = part(m.request, "text/plain; charset=UTF-8", NULL, 0);
	assert_non_null(strstr(text, "Zo\xc3\xab Williams,"));
	assert_non_null(strstr(text, "Session A"));
	free(text);
	check_header_lines(m.request);
	cv_itip_mail_clear(&m);

	/* ASCII: a quoted string with '"' escaped; the CN survives libical's round trip. */
	assert_int_equal(build(&m, &ascii, cur, NULL), CV_OK);
	to = header(m.request, "To");
	assert_string_equal(to, "\"Jo \\\"JJ\\\" O'Neil, Jr.\" <jo@example.org>");
	free(to);
	cal = cal_part(m.request, "REQUEST");
	check_events(cal, &ascii, 2);
	icalcomponent_free(cal);
	cv_itip_mail_clear(&m);

	/* Long: several encoded-words on folded lines, never a character split. */
	assert_int_equal(build(&m, &cjk, cur, NULL), CV_OK);
	check_header_lines(m.request);
	to = header(m.request, "To");
	name = decode_words(to);
	assert_true(strlen(name) > strlen(long_name));
	assert_int_equal(strncmp(name, long_name, strlen(long_name)), 0);
	assert_string_equal(name + strlen(long_name), " <yui@example.org>");
	free(name);
	free(to);
	cv_itip_mail_clear(&m);

	/* Text that looks like an encoded-word is encoded, so it reads back as itself. */
	assert_int_equal(build(&m, &trick, cur, NULL), CV_OK);
	to = header(m.request, "To");
	name = decode_words(to);
	assert_string_equal(name, "=?UTF-8?B?RXZl?= <t@example.org>");
	free(name);
	free(to);
	cv_itip_mail_clear(&m);

	/* A name of CV_ITIP_NAME_MAX ASCII bytes still folds into short lines. */
	{
		char *big = malloc(CV_ITIP_NAME_MAX + 2);
		cv_itip_recipient longer = {big, "l@example.org"};
		assert_non_null(big);
		memset(big, 'x', CV_ITIP_NAME_MAX);
		big[CV_ITIP_NAME_MAX] = '\0';
		assert_int_equal(build(&m, &longer, cur, NULL), CV_OK);
		check_header_lines(m.request);
		to = header(m.request, "To");
		name = decode_words(to);
		assert_int_equal(strncmp(name, big, CV_ITIP_NAME_MAX), 0);
		free(name);
		free(to);
		cv_itip_mail_clear(&m);
		big[CV_ITIP_NAME_MAX] = 'x'; /* one byte too many */
		big[CV_ITIP_NAME_MAX + 1] = '\0';
		assert_int_equal(build(&m, &longer, cur, NULL), CV_EDATA);
		free(big);
	}

	/* No name: the bare address. */
	assert_int_equal(build(&m, &none, cur, NULL), CV_OK);
	to = header(m.request, "To");
	assert_string_equal(to, "<n@example.org>");
	free(to);
	cv_itip_mail_clear(&m);

	/* A non-ASCII course title in Subject and From. */
	assert_int_equal(cv_itip_build(&m, &zoe, cur, strlen(cur), NULL, 0, &utitle, NULL), CV_OK);
	to = header(m.request, "Subject");
	name = decode_words(to);
	assert_string_equal(name, "Invitation: S\xc3\xa9minaire d'\xc3\xa9t\xc3\xa9");
	free(name);
	free(to);
	to = header(m.request, "From");
	name = decode_words(to);
	assert_string_equal(name, "S\xc3\xa9minaire d'\xc3\xa9t\xc3\xa9 <noreply@example.org>");
	free(name);
	free(to);
	cv_itip_mail_clear(&m);
	free(cur);
}

static void test_headers_and_determinism(void **state)
{
	cv_itip_recipient other = {"Zoë Williams", "zoe2@example.org"};
	cv_itip_options later = {DATE + 86400, "Test Course", "example.org", NULL};
	cv_itip_options nodomain = {DATE, "Test Course", NULL, NULL};
	char *cur = cal_std(two, 2, "20270115T080000Z"), *v, *id1, *id2;
	cv_itip_mail a, b;
	(void)state;

	assert_int_equal(build(&a, &zoe, cur, NULL), CV_OK);
	assert_int_equal(build(&b, &zoe, cur, NULL), CV_OK);
	assert_int_equal(a.request_len, b.request_len);
	assert_memory_equal(a.request, b.request, a.request_len);
	v = header(a.request, "Date");
	assert_string_equal(v, "Fri, 15 Jan 2027 08:00:00 +0000");
	free(v);
	v = header(a.request, "From");
	assert_string_equal(v, "\"Test Course\" <noreply@example.org>");
	free(v);
	v = header(a.request, "Subject");
	assert_string_equal(v, "Invitation: Test Course");
	free(v);
	id1 = header(a.request, "Message-ID");
	assert_int_equal(id1[0], '<');
	assert_non_null(strstr(id1, ".request@example.org>"));
	cv_itip_mail_clear(&b);

	/* Another recipient, or another day: another Message-ID. */
	assert_int_equal(build(&b, &other, cur, NULL), CV_OK);
	id2 = header(b.request, "Message-ID");
	assert_string_not_equal(id1, id2);
	free(id2);
	cv_itip_mail_clear(&b);
	assert_int_equal(cv_itip_build(&b, &zoe, cur, strlen(cur), NULL, 0, &later, NULL), CV_OK);
	id2 = header(b.request, "Message-ID");
	assert_string_not_equal(id1, id2);
	free(id2);
	v = header(b.request, "Date");
	assert_string_equal(v, "Sat, 16 Jan 2027 08:00:00 +0000");
	free(v);
	cv_itip_mail_clear(&b);

	/* No uid-domain: the default one, as in the published ORGANIZER. */
	assert_int_equal(cv_itip_build(&b, &zoe, cur, strlen(cur), NULL, 0, &nodomain, NULL), CV_OK);
	v = header(b.request, "From");
	assert_string_equal(v, "\"Test Course\" <noreply@" CV_COURSE_UID_DOMAIN_DEFAULT ">");
	free(v);
	cv_itip_mail_clear(&b);
	free(id1);
	cv_itip_mail_clear(&a);
	free(cur);
}

static void test_organizer_added_when_missing(void **state)
{
	static const char cur[] =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\n"
		"BEGIN:VEVENT\r\nUID:u1@example.org\r\nDTSTAMP:20270101T000000Z\r\n"
		"DTSTART:20270112T190000Z\r\nDURATION:PT1H\r\nSUMMARY:UTC event\r\n"
		"END:VEVENT\r\nEND:VCALENDAR\r\n";
	cv_itip_mail m;
	icalcomponent *cal, *e;
	(void)state;

	assert_int_equal(build(&m, &zoe, cur, NULL), CV_OK);
	cal = cal_part(m.request, "REQUEST");
	e = event_by_uid(cal, "u1@example.org");
	assert_string_equal(icalproperty_get_organizer(icalcomponent_get_first_property(
				    e, ICAL_ORGANIZER_PROPERTY)), "mailto:noreply@example.org");
	assert_int_equal(icalcomponent_get_sequence(e), 0);
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 0);
	check_restrictions(cal);
	icalcomponent_free(cal);
	cv_itip_mail_clear(&m);
}

static void test_bad_calendars_refused(void **state)
{
	static const char nul[] = "BEGIN:VCALENDAR\r\n\0END:VCALENDAR\r\n";
	char *ok = cal_std(two, 1, "20270115T080000Z");
	cv_itip_mail m;
	cv_errors *errs;
	(void)state;

	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_itip_build(&m, &zoe, ok, strlen(ok), "hello", 5, &options, errs),
			 CV_EDATA);
	assert_non_null(strstr(cv_errors_get(errs, 0)->message, "the previous calendar"));
	cv_errors_free(errs);
	assert_int_equal(build(&m, &zoe, "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", NULL), CV_EDATA);
	assert_int_equal(cv_itip_build(&m, &zoe, nul, sizeof(nul) - 1, NULL, 0, &options, NULL),
			 CV_EDATA);
	assert_int_equal(cv_itip_build(&m, &zoe, ok, CV_ITIP_CALENDAR_MAX + 1, NULL, 0, &options,
				       NULL), CV_EDATA);
	free(ok);
}

static void test_recipients_list(void **state)
{
	cv_roster *r = fx_roster();
	char *text, *name, *email;
	size_t len;
	(void)state;

	fx_student_who(r, "s01", "UTC", "Mon 09:00-10:00", NULL, NULL, 1,
		       &(fx_who){"Zoë\tWilliams", "zoe@example.org", NULL});
	fx_student_who(r, "s02", "UTC", "Mon 09:00-10:00", NULL, NULL, 1,
		       &(fx_who){"No Address", "", NULL});
	fx_student_who(r, "s03", "UTC", "Mon 09:00-10:00", NULL, NULL, 1,
		       &(fx_who){"Broken", "b@@example.org", NULL});
	fx_student_who(r, "s0", "UTC", "Mon 09:00-10:00", NULL, NULL, 1,
		       &(fx_who){"", "s0@example.org", NULL});
	assert_int_equal(cv_itip_recipients_format(&text, &len, r), CV_OK);
	cv_roster_free(r);
	assert_int_equal(strlen(text), len);
	assert_string_equal(text, "# convene itip recipients: id, name and e-mail address separated by tabs\n"
				  "s01\tZo\xc3\xab Williams\tzoe@example.org\n"
				  "s0\t\ts0@example.org\n");
	assert_int_equal(cv_itip_recipients_find(&name, &email, text, len, "s01"), CV_OK);
	assert_string_equal(name, "Zo\xc3\xab Williams");
	assert_string_equal(email, "zoe@example.org");
	free(name);
	free(email);
	assert_int_equal(cv_itip_recipients_find(&name, &email, text, len, "s0"), CV_OK);
	assert_string_equal(name, "");
	assert_string_equal(email, "s0@example.org");
	free(name);
	free(email);
	assert_int_equal(cv_itip_recipients_find(&name, &email, text, len, "s02"), CV_ENOINPUT);
	assert_int_equal(cv_itip_recipients_find(&name, &email, text, len, "s03"), CV_ENOINPUT);
	assert_int_equal(cv_itip_recipients_find(&name, &email, text, len, "s"), CV_ENOINPUT);
	free(text);
	/* A hand-edited list: CRLF, a broken address, a short line. */
	{
		static const char edited[] = "s05\tAna\tana@example.org\r\ns06\tNoah\tnoah @x\ns07\tx\n";
		assert_int_equal(cv_itip_recipients_find(&name, &email, edited, strlen(edited), "s05"),
				 CV_OK);
		assert_string_equal(email, "ana@example.org");
		free(name);
		free(email);
		assert_int_equal(cv_itip_recipients_find(&name, &email, edited, strlen(edited), "s06"),
				 CV_ENOINPUT);
		assert_int_equal(cv_itip_recipients_find(&name, &email, edited, strlen(edited), "s07"),
				 CV_ENOINPUT);
	}
}

static int teardown(void **state)
{
	(void)state;
	icalmemory_free_ring();
	return 0;
}

/*
 * A UID longer than the formatter's stack buffer keeps its SEQUENCE in the
 * text form: the line was once cut at 511 bytes, tab and number lost, and
 * the next run read the ledger without it (fuzz/fuzz_published.c found it).
 */
static void test_ledger_keeps_a_long_uid(void **state)
{
	char uid[700], line[800], *text = NULL, *again = NULL;
	cv_itip_ledger *l = NULL, *r = NULL;
	size_t len = 0, len2 = 0;
	int seq = 0;

	(void)state;
	memset(uid, 'u', sizeof(uid) - 1);
	uid[sizeof(uid) - 1] = '\0';
	snprintf(line, sizeof(line), "%s\t5\n", uid);
	assert_int_equal(cv_itip_ledger_new(&l, line, strlen(line)), CV_OK);
	assert_int_equal(cv_itip_ledger_format(&text, &len, l), CV_OK);
	assert_non_null(strstr(text, line));
	assert_int_equal(cv_itip_ledger_new(&r, text, len), CV_OK);
	assert_int_equal(Cv_itip_ledger_get(&seq, r, uid), CV_OK);
	assert_int_equal(seq, 5);
	assert_int_equal(cv_itip_ledger_format(&again, &len2, r), CV_OK);
	assert_int_equal(len, len2);
	assert_memory_equal(text, again, len);
	free(text);
	free(again);
	cv_itip_ledger_free(l);
	cv_itip_ledger_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_on_first_publish),
		cmocka_unit_test(test_nothing_when_unchanged),
		cmocka_unit_test(test_changed_event_gets_higher_sequence),
		cmocka_unit_test(test_new_tzdata_is_a_change_but_tzuntil_is_not),
		cmocka_unit_test(test_cancel_for_removed_event),
		cmocka_unit_test(test_cancel_for_removed_student),
		cmocka_unit_test(test_ledger_sends_a_returning_event_above_its_cancel),
		cmocka_unit_test(test_header_injection_refused),
		cmocka_unit_test(test_rfc2047_names),
		cmocka_unit_test(test_headers_and_determinism),
		cmocka_unit_test(test_organizer_added_when_missing),
		cmocka_unit_test(test_bad_calendars_refused),
		cmocka_unit_test(test_recipients_list),
		cmocka_unit_test(test_ledger_keeps_a_long_uid),
	};
	int rc = cmocka_run_group_tests(tests, NULL, teardown);
	icaltimezone_free_builtin_timezones();
	return rc;
}
