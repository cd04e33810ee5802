/*
 * test_ics.c - the calendars, read back with libical's parser.
 *
 * Plans are built by hand (sessions at home wall times, occurrences every
 * week of the term but holidays, expects chosen per test), so every
 * expectation here follows from the test's own inputs.  Recurrences are
 * expanded in floating time and turned into instants through the
 * VTIMEZONE found in the file itself, as a client would.
 */
#include <libical/ical.h>

#include "fixture.h"

#define DTSTAMP 1800000000 /* 2027-01-15T08:00:00Z */
#define MAX_INSTANTS 128

/* ---- building plans -------------------------------------------------- */

static cv_plan *plan_new(const cv_course *c, const cv_roster *r)
{
	cv_plan *p = calloc(1, sizeof(*p));
	size_t i;

	assert_non_null(p);
	p->course = c;
	p->roster = r;
	p->sessions = calloc(CV_COUNT_MAX, sizeof(*p->sessions));
	p->students = calloc(r->count + 1, sizeof(*p->students));
	p->expect_arrays = calloc(r->count + 1, sizeof(*p->expect_arrays));
	assert_non_null(p->sessions);
	assert_non_null(p->students);
	assert_non_null(p->expect_arrays);
	p->nstudents = r->count;
	p->nexpect_arrays = r->count; /* one array per student, owned by the plan */
	for (i = 0; i < r->count; i++) {
		p->students[i].student = i;
		p->students[i].section = c->mode == CV_MODE_SERIES ? -1 : 0;
	}
	return p;
}

/* A session on `weekday` at hh:mm home time, every week of the term but holidays. */
static cv_session *add_session(cv_plan *p, unsigned weekday, unsigned hh, unsigned mm)
{
	const cv_course *c = p->course;
	cv_session *s = &p->sessions[p->nsessions++];
	int32_t d, monday = c->start - (int32_t)cv_weekday(c->start);

	s->index = (unsigned)p->nsessions;
	s->slot.weekday = (uint8_t)weekday;
	s->slot.start = (uint16_t)(hh * 60 + mm);
	s->duration = c->duration;
	s->occurrences = calloc((size_t)(c->end - c->start) / 7 + 2, sizeof(*s->occurrences));
	s->students = calloc(p->nstudents + 1, sizeof(*s->students));
	assert_non_null(s->occurrences);
	assert_non_null(s->students);
	for (d = c->start; d <= c->end; d++) {
		cv_occurrence *o;
		if (cv_weekday(d) != weekday || cv_dates_contain(c->holidays, c->nholidays, d))
			continue;
		o = &s->occurrences[s->noccurrences++];
		o->start = cv_zone_to_utc(c->zone, (int64_t)d * 86400 + s->slot.start * 60);
		o->end = o->start + (int64_t)s->duration * 60;
		o->date = d;
		o->week = (unsigned)(d - monday) / 7;
	}
	return s;
}

/* Put student st in session `session` (0-based) and its student list. */
static void assign(cv_plan *p, size_t st, unsigned session)
{
	cv_session *s = &p->sessions[session];
	if (p->course->mode != CV_MODE_SERIES)
		p->students[st].section = (int)session;
	s->students[s->nstudents++] = st;
}

/* Student st is expected at occurrence `occ` of `session`; call in time order. */
static void expect(cv_plan *p, size_t st, unsigned session, unsigned occ, cv_miss miss,
		   int64_t clock_change)
{
	cv_student_plan *sp = &p->students[st];
	cv_expect *e;

	p->expect_arrays[st] = realloc(p->expect_arrays[st], (sp->nexpects + 1) * sizeof(*e));
	assert_non_null(p->expect_arrays[st]);
	sp->expects = p->expect_arrays[st];
	e = &p->expect_arrays[st][sp->nexpects++];
	memset(e, 0, sizeof(*e));
	e->session = session;
	e->occurrence = occ;
	e->miss = miss;
	e->clock_change = clock_change;
	if (miss == CV_MISS_NONE)
		sp->nlive++;
}

static void set_str(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
	assert_non_null(*field);
}

/* ---- reading calendars back ------------------------------------------ */

/* The instructor's calendar of a plan assembled by hand: tallied first, as cv_plan_tally() asks. */
static char *instructor(cv_plan *p)
{
	cv_ics_options o = {DTSTAMP, NULL, NULL, NULL, NULL};
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(cv_plan_tally(p), CV_OK);
	assert_int_equal(cv_ics_instructor(&text, &len, p, &o), CV_OK);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	return text;
}

static char *student(const cv_plan *p, size_t i)
{
	cv_ics_options o = {DTSTAMP, NULL, NULL, NULL, NULL};
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(cv_ics_student(&text, &len, p, i, &o), CV_OK);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	return text;
}

static size_t count_errors(icalcomponent *c)
{
	size_t n = icalcomponent_count_properties(c, ICAL_XLICERROR_PROPERTY);
	icalcomponent *k;
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += count_errors(k);
	return n;
}

/* Well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
static int utf8_valid(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s, n, i, cp;
		if (c < 0x80) {
			s++;
			continue;
		}
		n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;
		if (!n || c > 0xf4)
			return 0;
		cp = c & (0x3f >> n);
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

/*
 * CRLF line ends, lines of at most 75 octets (RFC 5545 3.1), valid UTF-8;
 * every physical line is valid UTF-8 on its own (no fold inside a
 * sequence), and none ends in a space (a fold right after one loses it
 * wherever trailing white space is stripped).
 */
static void assert_octets(const char *text)
{
	const char *line = text, *crlf;
	char one[80];
	assert_true(utf8_valid((const unsigned char *)text));
	while ((crlf = strstr(line, "\r\n"))) {
		size_t n = (size_t)(crlf - line);
		assert_true(n <= 75);
		assert_null(memchr(line, '\n', n));
		memcpy(one, line, n);
		one[n] = '\0';
		assert_true(utf8_valid((const unsigned char *)one));
		if (n && line[n - 1] == ' ')
			fail_msg("line ends in a space: \"%s\"", one);
		line = crlf + 2;
	}
	assert_string_equal(line, "");
}

/* text with its folds undone (RFC 5545 3.1: CRLF then one space or tab); caller frees.
 * A search for an address must not be defeated by a fold in the middle of it. */
static char *unfolded(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;

	assert_non_null(out);
	while (*text) {
		if (text[0] == '\r' && text[1] == '\n' && (text[2] == ' ' || text[2] == '\t')) {
			text += 3;
			continue;
		}
		*o++ = *text++;
	}
	*o = '\0';
	return out;
}

/* Parse, check the octets, no parse errors, and RFC 5546 restrictions (METHOD:PUBLISH). */
static icalcomponent *parse_valid(const char *text)
{
	icalcomponent *cal;

	assert_octets(text);
	cal = icalparser_parse_string(text);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	assert_int_equal(count_errors(cal), 0);
	assert_int_equal(icalrestriction_check(cal), 1);
	assert_int_equal(count_errors(cal), 0);
	return cal;
}

static const char *tzid_of(icalproperty *p)
{
	icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	return tz ? icalparameter_get_tzid(tz) : NULL;
}

/* The VTIMEZONE with this TZID.  An external iterator: callers may be in the
 * middle of walking cal's components with libical's internal one. */
static icalcomponent *vtimezone(icalcomponent *cal, const char *tzid)
{
	icalcompiter i;
	for (i = icalcomponent_begin_component(cal, ICAL_VTIMEZONE_COMPONENT); icalcompiter_deref(&i);
	     icalcompiter_next(&i)) {
		icalcomponent *v = icalcompiter_deref(&i);
		icalproperty *p = icalcomponent_get_first_property(v, ICAL_TZID_PROPERTY);
		if (p && !strcmp(icalproperty_get_tzid(p), tzid))
			return v;
	}
	return NULL;
}

/* The instant of a local time `t` in the file's VTIMEZONE `tzid`, or of a UTC time. */
static int64_t instant_of(icalcomponent *cal, icaltimetype t, const char *tzid)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	int64_t r;

	if (!tzid) {
		assert_true(icaltime_is_utc(t)); /* never floating */
		return (int64_t)icaltime_as_timet_with_zone(t, utc);
	}
	{
		icalcomponent *v = vtimezone(cal, tzid);
		icaltimezone *z = icaltimezone_new();
		assert_non_null(v);
		assert_int_equal(icaltimezone_set_component(z, icalcomponent_new_clone(v)), 1);
		t.zone = NULL;
		icaltimezone_convert_time(&t, z, utc);
		r = (int64_t)icaltime_as_timet_with_zone(t, utc);
		icaltimezone_free(z, 1);
	}
	return r;
}

static int64_t prop_instant(icalcomponent *cal, icalproperty *p)
{
	return instant_of(cal, icalvalue_get_datetime(icalproperty_get_value(p)), tzid_of(p));
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/*
 * The instants of an event's recurrence set: RRULE expanded in floating
 * time from DTSTART's wall time (libical's iterator would call ICU for a
 * TZID, DESIGN.md time rule 1), UNTIL compared in UTC, EXDATE walls
 * removed, RDATEs added; each wall turned into an instant by the file's
 * VTIMEZONE.  Returns how many, sorted.
 */
static size_t expand(int64_t *out, icalcomponent *cal, icalcomponent *ev)
{
	icalproperty *dp = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	icalproperty *rp = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY), *x;
	icaltimetype start = icalproperty_get_dtstart(dp);
	const char *tzid = tzid_of(dp);
	size_t n = 0, guard;

	if (!rp) {
		out[n++] = prop_instant(cal, dp);
	} else {
		struct icalrecurrencetype r = icalproperty_get_rrule(rp);
		icalrecur_iterator *it;
		icaltimetype next, floating = start;
		int64_t until;

		assert_false(icaltime_is_null_time(r.until));
		assert_true(icaltime_is_utc(r.until)); /* RFC 5545: UTC when DTSTART has a TZID */
		until = instant_of(cal, r.until, NULL);
		r.until = icaltime_null_time();
		floating.zone = NULL;
		it = icalrecur_iterator_new(r, floating);
		assert_non_null(it);
		for (guard = 0, next = icalrecur_iterator_next(it); !icaltime_is_null_time(next);
		     next = icalrecur_iterator_next(it)) {
			int64_t t;
			int excluded = 0;
			if (!tzid)
				next.zone = icaltimezone_get_utc_timezone();
			t = instant_of(cal, next, tzid);
			assert_true(++guard < 1000);
			if (t > until)
				break;
			for (x = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); x;
			     x = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
				if (prop_instant(cal, x) == t)
					excluded = 1;
			if (!excluded) {
				assert_true(n < MAX_INSTANTS);
				out[n++] = t;
			}
		}
		icalrecur_iterator_free(it);
	}
	for (x = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); x;
	     x = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
		struct icaldatetimeperiodtype d = icalproperty_get_rdate(x);
		assert_true(n < MAX_INSTANTS);
		out[n++] = instant_of(cal, d.time, tzid_of(x));
	}
	qsort(out, n, sizeof(*out), cmp_i64);
	return n;
}

static icalcomponent *event_by_uid(icalcomponent *cal, const char *uid)
{
	icalcomponent *ev;
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		if (!strcmp(icalcomponent_get_uid(ev), uid))
			return ev;
	return NULL;
}

static const char *text_prop(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(c, kind);
	return p ? icalvalue_get_text(icalproperty_get_value(p)) : NULL;
}

static const char *x_prop(icalcomponent *c, const char *name)
{
	icalproperty *p;
	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
		if (!strcmp(icalproperty_get_x_name(p), name))
			return icalproperty_get_x(p);
	return NULL;
}

/* Every TZID names a VTIMEZONE of the file; every DATE-TIME is UTC or has a TZID. */
static void assert_zones_declared(icalcomponent *cal, icalcomponent *c)
{
	static const icalproperty_kind kinds[] = {ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY,
						  ICAL_EXDATE_PROPERTY, ICAL_RDATE_PROPERTY};
	icalcomponent *k;
	size_t i;

	if (icalcomponent_isa(c) == ICAL_VTIMEZONE_COMPONENT)
		return;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		icalproperty *p;
		for (p = icalcomponent_get_first_property(c, kinds[i]); p;
		     p = icalcomponent_get_next_property(c, kinds[i])) {
			const char *tz = tzid_of(p);
			icaltimetype t = kinds[i] == ICAL_RDATE_PROPERTY ? icalproperty_get_rdate(p).time
				       : icalvalue_get_datetime(icalproperty_get_value(p));
			if (tz) {
				assert_non_null(vtimezone(cal, tz));
				assert_null(strstr(tz, "freeassociation"));
			} else if (!t.is_date) { /* all-day notes are dates, not floating times */
				assert_true(icaltime_is_utc(t));
			}
		}
	}
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		assert_zones_declared(cal, k);
}

static size_t count_events(icalcomponent *cal)
{
	return (size_t)icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT);
}

/* The instructor's session events, without the weekly recording notes. */
static size_t count_sessions(icalcomponent *cal)
{
	icalcomponent *ev;
	size_t n = 0;
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		n += !strstr(icalcomponent_get_uid(ev), "-rec-");
	return n;
}

/* UIDs pairwise distinct, also across calendars: `seen` collects them. */
static void collect_uids(icalcomponent *cal, char **seen, size_t *n, size_t max)
{
	icalcomponent *ev;
	size_t i;
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(ev);
		assert_non_null(uid);
		for (i = 0; i < *n; i++)
			assert_string_not_equal(seen[i], uid);
		assert_true(*n < max);
		seen[(*n)++] = strdup(uid);
	}
}

static void free_uids(char **seen, size_t n)
{
	while (n)
		free(seen[--n]);
}

/* The event's display VALARM: trigger in seconds relative to the start, and its text. */
static void assert_alarm(icalcomponent *ev, int trigger_seconds, const char *text)
{
	icalcomponent *a = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
	struct icaltriggertype tr;
	assert_non_null(a);
	assert_int_equal(icalproperty_get_action(icalcomponent_get_first_property(a, ICAL_ACTION_PROPERTY)),
			 ICAL_ACTION_DISPLAY);
	tr = icalproperty_get_trigger(icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY));
	assert_int_equal(icaldurationtype_as_int(tr.duration), trigger_seconds);
	if (text)
		assert_string_equal(text_prop(a, ICAL_DESCRIPTION_PROPERTY), text);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!hay || !strstr(hay, needle))
		fail_msg("\"%s\" not found in \"%s\"", needle, hay ? hay : "(null)");
}

/* ---- fixtures --------------------------------------------------------- */

/* New York spring term across the US change (2027-03-14), a holiday week. */
static cv_course *ny_course(void)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-04-02", "Mon-Fri 08:00-21:00",
				 60, 15);
	fx_holidays(c, "2027-03-22..2027-03-26");
	return c;
}

/* ---- tests ------------------------------------------------------------ */

static void test_instructor_calendar_header_and_validity(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal;
	icalproperty *rp;
	char *text;
	(void)state;
	fx_student(r, "a", "Europe/Berlin", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	text = instructor(p);
	cal = parse_valid(text);
	assert_string_equal(icalproperty_get_version(icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY)), "2.0");
	assert_string_equal(icalproperty_get_prodid(icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY)),
			    "-//convene//convene 0.1//EN");
	assert_int_equal(icalproperty_get_method(icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY)),
			 ICAL_METHOD_PUBLISH);
	assert_string_equal(icalproperty_get_calscale(icalcomponent_get_first_property(cal, ICAL_CALSCALE_PROPERTY)),
			    "GREGORIAN");
	assert_string_equal(x_prop(cal, "X-WR-CALNAME"), "Fixture Course");
	assert_string_equal(text_prop(cal, ICAL_NAME_PROPERTY), "Fixture Course");
	assert_string_equal(x_prop(cal, "X-WR-TIMEZONE"), "America/New_York");
	assert_string_equal(x_prop(cal, "X-PUBLISHED-TTL"), "P1D");
	rp = icalcomponent_get_first_property(cal, ICAL_REFRESHINTERVAL_PROPERTY);
	assert_non_null(rp);
	assert_int_equal(icaldurationtype_as_int(icalproperty_get_refreshinterval(rp)), 86400);
	assert_non_null(strstr(text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:P1D\r\n"));
	assert_zones_declared(cal, cal);
	/* Only the zone used is declared, once, with its bare name. */
	assert_int_equal(icalcomponent_count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
	assert_non_null(vtimezone(cal, "America/New_York"));
	assert_null(strstr(text, "X-LIC-LOCATION"));
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* One VEVENT per section; its expansion is exactly the occurrences, the
 * holiday week is an EXDATE, and the wall time stays 14:00 across the US
 * change while UTC moves from 19:00Z to 18:00Z. */
static void test_instructor_sessions_expand_to_occurrences(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal, *ev;
	icalproperty *x;
	int64_t got[MAX_INSTANTS];
	size_t n, i, nex = 0;
	char *text;
	(void)state;
	fx_student(r, "a", "Europe/Berlin", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	fx_student(r, "b", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0); /* Tue 14:00 */
	add_session(p, 3, 9, 30); /* Thu 09:30 */
	assign(p, 0, 0);
	assign(p, 1, 1);
	/* Tuesdays 2, 9, 16, 23 (holiday), 30 March: four occurrences. */
	assert_int_equal(p->sessions[0].noccurrences, 4);
	text = instructor(p);
	cal = parse_valid(text);
	assert_int_equal(count_events(cal), 2);

	ev = event_by_uid(cal, "fx101-s1@example.org");
	assert_non_null(ev);
	n = expand(got, cal, ev);
	assert_int_equal(n, 4);
	assert_int_equal(got[0], test_utc(2027, 3, 2, 19, 0));  /* EST */
	assert_int_equal(got[1], test_utc(2027, 3, 9, 19, 0));
	assert_int_equal(got[2], test_utc(2027, 3, 16, 18, 0)); /* EDT: same 14:00 wall */
	assert_int_equal(got[3], test_utc(2027, 3, 30, 18, 0));
	for (i = 0; i < n; i++)
		assert_int_equal(got[i], p->sessions[0].occurrences[i].start);
	/* DTSTART is the home wall time with the home TZID. */
	x = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	assert_string_equal(tzid_of(x), "America/New_York");
	assert_string_equal(icaltime_as_ical_string(icalproperty_get_dtstart(x)), "20270302T140000");
	/* The holiday is the only EXDATE. */
	for (x = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); x;
	     x = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY), nex++)
		assert_int_equal(prop_instant(cal, x), test_utc(2027, 3, 23, 18, 0));
	assert_int_equal(nex, 1);
	assert_int_equal(icaldurationtype_as_int(icalproperty_get_duration(
				 icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY))), 3600);

	ev = event_by_uid(cal, "fx101-s2@example.org");
	assert_non_null(ev);
	n = expand(got, cal, ev);
	assert_int_equal(n, p->sessions[1].noccurrences);
	for (i = 0; i < n; i++)
		assert_int_equal(got[i], p->sessions[1].occurrences[i].start);
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_instructor_event_text_links_and_alarm(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal, *ev;
	const char *desc;
	char *text;
	(void)state;
	fx_student_who(r, "s1", "Europe/Berlin", "Mon-Sun 00:00-24:00", NULL, NULL, 1,
		       &(fx_who){"Zoë Williams", "zoe@example.org", NULL});
	fx_student_who(r, "s2", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1,
		       &(fx_who){NULL, "second.student@example.org", NULL});
	fx_student_who(r, "s3", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1,
		       &(fx_who){"Other Section", NULL, NULL});
	p = plan_new(c, r);
	add_session(p, 0, 10, 0);
	add_session(p, 2, 10, 0);
	assign(p, 0, 0);
	assign(p, 1, 0);
	assign(p, 2, 1);
	text = instructor(p);
	{
		char *flat = unfolded(text); /* no e-mail address anywhere, folds undone */
		assert_null(strstr(flat, "zoe@"));
		assert_null(strstr(flat, "second.student@"));
		free(flat);
	}
	cal = parse_valid(text);
	ev = event_by_uid(cal, "fx101-s1@example.org");
	assert_non_null(ev);
	assert_string_equal(text_prop(ev, ICAL_SUMMARY_PROPERTY), "Fixture Course: section 1");
	assert_string_equal(text_prop(ev, ICAL_LOCATION_PROPERTY), "https://meet.example.org/fx");
	assert_string_equal(icalproperty_get_url(icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY)),
			    "https://meet.example.org/fx");
	desc = text_prop(ev, ICAL_DESCRIPTION_PROPERTY);
	assert_contains(desc, "https://meet.example.org/fx");
	assert_contains(desc, "Zoë Williams");
	assert_contains(desc, "s2"); /* no name: the id */
	assert_null(strstr(desc, "Other Section"));
	assert_int_equal(icalproperty_get_sequence(icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY)), 0);
	assert_int_equal(icaltime_as_timet(icalproperty_get_dtstamp(
				 icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY))), DTSTAMP);
	assert_alarm(ev, -600, "Start the recording");
	ev = event_by_uid(cal, "fx101-s2@example.org");
	assert_non_null(ev);
	assert_contains(text_prop(ev, ICAL_DESCRIPTION_PROPERTY), "Other Section");
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

static void test_series_sessions_are_numbered_sessions(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal;
	char *text;
	(void)state;
	c->mode = CV_MODE_SERIES;
	fx_student(r, "a", "Europe/Berlin", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 0, 10, 0);
	add_session(p, 3, 16, 0);
	assign(p, 0, 0);
	assign(p, 0, 1);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0); /* Mon 1 March */
	expect(p, 0, 1, 0, CV_MISS_NONE, 0); /* Thu 4 March */
	text = instructor(p);
	cal = parse_valid(text);
	assert_string_equal(text_prop(event_by_uid(cal, "fx101-s2@example.org"), ICAL_SUMMARY_PROPERTY),
			    "Fixture Course: session 2");
	icalcomponent_free(cal);
	free(text);
	text = student(p, 0);
	cal = parse_valid(text);
	assert_int_equal(count_events(cal), 2);
	assert_non_null(event_by_uid(cal, "fx101-s1-a-20270301-live@example.org"));
	assert_string_equal(text_prop(event_by_uid(cal, "fx101-s2-a-20270304-live@example.org"),
				      ICAL_SUMMARY_PROPERTY), "Fixture Course: session 2");
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/*
 * Tokyo student in the Tue 14:00 New York section: live in two weeks,
 * away in one, moved out of their hours by the US change in another.
 * Live events carry the join link; each missed occurrence has a recording
 * event (end + 2 h) and a due event (end + 3 days) in Tokyo time.
 */
static void test_student_live_and_recording_track(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	const cv_session *s;
	icalcomponent *cal, *ev;
	icalproperty *dt;
	const char *desc;
	char *text, *seen[32];
	size_t nseen = 0;
	(void)state;
	fx_student_who(r, "tk", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1,
		       &(fx_who){"渡辺 結衣", "yui@example.org", NULL});
	p = plan_new(c, r);
	s = add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0);                              /* 2 March */
	expect(p, 0, 0, 1, CV_MISS_AWAY, 0);                              /* 9 March */
	expect(p, 0, 0, 2, CV_MISS_CLOCKS, test_utc(2027, 3, 14, 7, 0)); /* 16 March */
	expect(p, 0, 0, 3, CV_MISS_NONE, 0);                              /* 30 March */
	p->expect_arrays[0][2].clock_zone = c->zone; /* New York's change, not Tokyo's */
	text = student(p, 0);
	{
		char *flat = unfolded(text);
		assert_null(strstr(flat, "yui@"));
		free(flat);
	}
	cal = parse_valid(text);
	assert_zones_declared(cal, cal);
	assert_int_equal(count_events(cal), 2 + 2 * 2);
	collect_uids(cal, seen, &nseen, 32);
	assert_int_equal(nseen, 6);
	assert_string_equal(text_prop(cal, ICAL_NAME_PROPERTY), "Fixture Course - 渡辺 結衣");
	assert_string_equal(x_prop(cal, "X-WR-TIMEZONE"), "Asia/Tokyo");

	ev = event_by_uid(cal, "fx101-s1-tk-20270330-live@example.org");
	assert_non_null(ev);
	dt = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	assert_int_equal(prop_instant(cal, dt), test_utc(2027, 3, 30, 18, 0));
	assert_string_equal(text_prop(ev, ICAL_LOCATION_PROPERTY), "https://meet.example.org/fx");
	assert_string_equal(icalproperty_get_url(icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY)),
			    "https://meet.example.org/fx");
	assert_contains(text_prop(ev, ICAL_DESCRIPTION_PROPERTY), "https://meet.example.org/fx");
	assert_alarm(ev, -600, NULL);
	assert_int_equal(icalproperty_get_transp(icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY)),
			 ICAL_TRANSP_OPAQUE);

	/* Away on 9 March: recording from 21:00Z (end 20:00Z + 2 h), due 3 days after the end. */
	ev = event_by_uid(cal, "fx101-s1-tk-20270309-rec@example.org");
	assert_non_null(ev);
	dt = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	assert_string_equal(tzid_of(dt), "Asia/Tokyo");
	assert_int_equal(prop_instant(cal, dt), s->occurrences[1].end + 2 * 3600);
	assert_int_equal(prop_instant(cal, dt), test_utc(2027, 3, 9, 22, 0));
	/* The date in the summary is the student's: 10 March in Tokyo. */
	assert_string_equal(text_prop(ev, ICAL_SUMMARY_PROPERTY),
			    "Watch the recording: Fixture Course (2027-03-10)");
	desc = text_prop(ev, ICAL_DESCRIPTION_PROPERTY);
	assert_contains(desc, cv_miss_text(CV_MISS_AWAY));
	assert_contains(desc, "https://example.org/recordings");
	assert_contains(desc, "Post a response in the forum");
	assert_alarm(ev, 0, "Watch the recording: Fixture Course (2027-03-10)");
	assert_int_equal(icalproperty_get_transp(icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY)),
			 ICAL_TRANSP_TRANSPARENT);
	ev = event_by_uid(cal, "fx101-s1-tk-20270309-due@example.org");
	assert_non_null(ev);
	dt = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	assert_int_equal(prop_instant(cal, dt), test_utc(2027, 3, 12, 20, 0));
	assert_string_equal(text_prop(ev, ICAL_SUMMARY_PROPERTY),
			    "Due: discussion response - Fixture Course (2027-03-10)");
	assert_contains(text_prop(ev, ICAL_DESCRIPTION_PROPERTY), "Post a response in the forum");
	assert_alarm(ev, -86400, NULL);

	/* The clock change is named: whose clocks, and the date in that zone. */
	ev = event_by_uid(cal, "fx101-s1-tk-20270316-rec@example.org");
	assert_non_null(ev);
	desc = text_prop(ev, ICAL_DESCRIPTION_PROPERTY);
	assert_contains(desc, cv_miss_text(CV_MISS_CLOCKS));
	assert_contains(desc, "the course's clocks, America/New_York, change on March 14, 2027");
	assert_null(strstr(desc, "your clocks"));
	assert_non_null(event_by_uid(cal, "fx101-s1-tk-20270316-due@example.org"));

	free_uids(seen, nseen);
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* A student who can attend nothing gets the whole recording track, and no
 * UID of any calendar repeats another's. */
static void test_student_without_live_sessions_gets_every_recording(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal, *ev;
	char *text, *seen[64];
	size_t nseen = 0, i, nrec = 0, ndue = 0;
	(void)state;
	fx_student(r, "never", "Pacific/Auckland", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	fx_student(r, "live", "Pacific/Auckland", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 4, 12, 0);
	assign(p, 0, 0);
	assign(p, 1, 0);
	for (i = 0; i < p->sessions[0].noccurrences; i++) {
		expect(p, 0, 0, (unsigned)i, CV_MISS_HOURS, 0);
		expect(p, 1, 0, (unsigned)i, CV_MISS_NONE, 0);
	}
	text = instructor(p);
	cal = parse_valid(text);
	collect_uids(cal, seen, &nseen, 64);
	/* The instructor's weekly notes: one per week (here each week has one
	 * occurrence), on its Monday, naming who follows the recording. */
	{
		size_t notes = 0;
		for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
		     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
			icaltimetype t;
			if (!strstr(icalcomponent_get_uid(ev), "-rec-"))
				continue;
			notes++;
			t = icalcomponent_get_dtstart(ev);
			assert_true(t.is_date);
			assert_int_equal(icaltime_day_of_week(t), 2); /* libical: 1 = Sunday */
			assert_string_equal(text_prop(ev, ICAL_SUMMARY_PROPERTY),
					    "Recording track this week: 1 missed attendance by 1 student");
			assert_contains(text_prop(ev, ICAL_DESCRIPTION_PROPERTY),
					"never (outside their hours)");
			assert_null(strstr(text_prop(ev, ICAL_DESCRIPTION_PROPERTY), "live ("));
			assert_int_equal(icalproperty_get_transp(icalcomponent_get_first_property(
				ev, ICAL_TRANSP_PROPERTY)), ICAL_TRANSP_TRANSPARENT);
		}
		assert_int_equal(notes, p->sessions[0].noccurrences);
	}
	icalcomponent_free(cal);
	free(text);
	for (i = 0; i < 2; i++) {
		text = student(p, i);
		cal = parse_valid(text);
		assert_zones_declared(cal, cal);
		collect_uids(cal, seen, &nseen, 64);
		if (i == 0) {
			for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
			     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
				const char *sum = text_prop(ev, ICAL_SUMMARY_PROPERTY);
				nrec += !strncmp(sum, "Watch the recording: ", 21);
				ndue += !strncmp(sum, "Due: discussion response - ", 27);
				assert_contains(text_prop(ev, ICAL_DESCRIPTION_PROPERTY),
						cv_miss_text(CV_MISS_HOURS));
			}
			assert_int_equal(nrec, p->sessions[0].noccurrences);
			assert_int_equal(ndue, p->sessions[0].noccurrences);
			assert_int_equal(count_events(cal), 2 * p->sessions[0].noccurrences);
		} else {
			assert_int_equal(count_events(cal), p->sessions[0].noccurrences);
		}
		icalcomponent_free(cal);
		free(text);
	}
	assert_int_equal(nseen, 1 + 4 * p->sessions[0].noccurrences); /* + the weekly notes */
	free_uids(seen, nseen);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/*
 * A reminder in the repeated hour of a fall-back: a Berlin session on Sun
 * 2027-11-07 ending 06:30Z; its recording (0 min later) is 01:30 EST in
 * New York, the second 01:30 of that night.  Written as a New York wall
 * time it would read as 05:30Z (RFC 5545: the first instant), so it must
 * be written in UTC.
 */
static void test_reminder_in_repeated_hour_is_written_in_utc(void **state)
{
	cv_course *c = fx_course("Europe/Berlin", "2027-11-01", "2027-11-14", "Mon-Sun 00:00-24:00", 60,
				 15);
	cv_roster *r = fx_roster();
	cv_plan *p;
	const cv_session *s;
	icalcomponent *cal, *ev;
	icalproperty *dt;
	char *text;
	(void)state;
	c->recording_after = 0;
	fx_student(r, "ny", "America/New_York", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	s = add_session(p, 6, 6, 30);
	assert_int_equal(s->occurrences[0].end, test_utc(2027, 11, 7, 6, 30));
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_HOURS, 0);
	text = student(p, 0);
	cal = parse_valid(text);
	assert_zones_declared(cal, cal);
	ev = event_by_uid(cal, "fx101-s1-ny-20271107-rec@example.org");
	assert_non_null(ev);
	dt = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	assert_null(tzid_of(dt));
	assert_int_equal(prop_instant(cal, dt), test_utc(2027, 11, 7, 6, 30));
	/* The due date, three days on, is an ordinary New York wall time. */
	ev = event_by_uid(cal, "fx101-s1-ny-20271107-due@example.org");
	dt = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	assert_string_equal(tzid_of(dt), "America/New_York");
	assert_int_equal(prop_instant(cal, dt), test_utc(2027, 11, 10, 6, 30));
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* A UTC home zone has no VTIMEZONE: times are written in UTC and the weekly rule still holds. */
static void test_utc_home_zone_needs_no_vtimezone(void **state)
{
	cv_course *c = fx_course("UTC", "2027-01-04", "2027-02-05", "Mon-Fri 08:00-21:00", 90, 15);
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal;
	int64_t got[MAX_INSTANTS];
	size_t n, i;
	char *text;
	(void)state;
	fx_holidays(c, "2027-01-18");
	fx_student(r, "a", "UTC", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 0, 9, 0);
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0);
	expect(p, 0, 0, 1, CV_MISS_BUSY, 0);
	text = instructor(p);
	cal = parse_valid(text);
	assert_zones_declared(cal, cal);
	n = expand(got, cal, icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT));
	assert_int_equal(n, 4); /* 4, 11, (18 holiday), 25 January, 1 February */
	for (i = 0; i < n; i++)
		assert_int_equal(got[i], p->sessions[0].occurrences[i].start);
	icalcomponent_free(cal);
	free(text);
	text = student(p, 0);
	cal = parse_valid(text);
	assert_zones_declared(cal, cal);
	assert_int_equal(count_events(cal), 3);
	assert_contains(text_prop(event_by_uid(cal, "fx101-s1-a-20270111-rec@example.org"),
				  ICAL_DESCRIPTION_PROPERTY), cv_miss_text(CV_MISS_BUSY));
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* The VTIMEZONE covers the term and the reminders after it (TZUNTIL), and
 * gives the offsets every event needs: checked through the file alone. */
static void test_vtimezone_is_truncated_to_the_term(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal, *ev, *v;
	icalproperty *u;
	char *text;
	size_t i;
	(void)state;
	fx_student(r, "lon", "Europe/London", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	for (i = 0; i < p->sessions[0].noccurrences; i++)
		expect(p, 0, 0, (unsigned)i, CV_MISS_HOURS, 0);
	text = student(p, 0);
	cal = parse_valid(text);
	v = vtimezone(cal, "Europe/London");
	assert_non_null(v);
	u = icalcomponent_get_first_property(v, ICAL_TZUNTIL_PROPERTY);
	assert_non_null(u);
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		icalproperty *dt = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
		int64_t t = prop_instant(cal, dt);
		assert_true(t < (int64_t)icaltime_as_timet(icalproperty_get_tzuntil(u)));
	}
	/* The last due date, 30 March + 3 days, is after the EU change (28 March): BST. */
	ev = event_by_uid(cal, "fx101-s1-lon-20270330-due@example.org");
	assert_non_null(ev);
	assert_int_equal(prop_instant(cal, icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY)),
			 test_utc(2027, 4, 2, 19, 0));
	assert_string_equal(icaltime_as_ical_string(icalproperty_get_dtstart(
				    icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY))),
			    "20270402T200000");
	/* Truncated: of London's two centuries of rules only the winter onset
	 * before the term and the summer onset in it remain. */
	assert_int_equal(icalcomponent_count_components(v, ICAL_ANY_COMPONENT), 2);
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* Long names in any script fold at 75 octets without splitting a character,
 * and read back unchanged; control characters never reach the file. */
static void test_long_utf8_text_folds_safely(void **state)
{
	static const char *name = "Ōtsuki 渡辺 結衣 Алёна Ковальчук 🎓🎓🎓 Nguyễn Thị Lan "
				  "Σωκράτης Παπαδόπουλος محمد الأحمد";
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal;
	char *text;
	(void)state;
	set_str(&c->title, "Séminaire «Temps» — 時間帯 seminar, with; commas and \\ backslashes");
	fx_student_who(r, "u", "Asia/Kolkata", "Mon-Sun 00:00-24:00", NULL, NULL, 1,
		       &(fx_who){name, NULL, NULL});
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0);
	expect(p, 0, 0, 1, CV_MISS_AWAY, 0);
	text = student(p, 0);
	cal = parse_valid(text);
	assert_non_null(strstr(text_prop(cal, ICAL_NAME_PROPERTY), name));
	assert_string_equal(x_prop(cal, "X-WR-CALNAME"), text_prop(cal, ICAL_NAME_PROPERTY));
	assert_contains(text_prop(icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT),
				  ICAL_SUMMARY_PROPERTY), c->title);
	icalcomponent_free(cal);
	free(text);
	/* A control character in a hand-made title is replaced, not written. */
	set_str(&c->title, "Bell\a and\ttab");
	text = instructor(p);
	assert_null(strchr(text, '\a'));
	assert_null(strchr(text, '\t'));
	cal = parse_valid(text);
	assert_string_equal(x_prop(cal, "X-WR-CALNAME"), "Bell\xef\xbf\xbd and\xef\xbf\xbdtab");
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* The description of the event `uid` of student `st`'s calendar (caller frees). */
static char *description_of(const cv_plan *p, size_t st, const char *uid)
{
	char *text = student(p, st), *d;
	icalcomponent *cal = parse_valid(text), *ev = event_by_uid(cal, uid);

	assert_non_null(ev);
	d = strdup(text_prop(ev, ICAL_DESCRIPTION_PROPERTY));
	assert_non_null(d);
	icalcomponent_free(cal);
	free(text);
	return d;
}

/*
 * Every student's dates and zone names are ICU's, in the student's locale
 * or in English without one: the session time, the generic zone name, and
 * the date of the clock change in a reason.  The offsets are tzdata's (20:00
 * in Berlin is 19:00Z, not what ICU's own 2022 zone data would say for
 * another zone), and the SUMMARY keeps its short ISO date in every locale.
 */
static void test_locale_formats_description_dates(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	char *text, *d;
	icalcomponent *cal;
	size_t i;
	(void)state;
	fx_student_who(r, "de", "Europe/Berlin", "Mon-Sun 00:00-24:00", NULL, NULL, 1,
		       &(fx_who){NULL, NULL, "de_DE"});
	fx_student_who(r, "ja", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1,
		       &(fx_who){NULL, NULL, "ja_JP"});
	fx_student(r, "none", "Europe/Berlin", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0); /* Tue 2 March 14:00 EST = 20:00 Berlin, Wed 04:00 Tokyo */
	for (i = 0; i < 3; i++) {
		assign(p, i, 0);
		expect(p, i, 0, 0, CV_MISS_NONE, 0);
		/* 30 March: Berlin's own change (28 March, 01:00Z); Tokyo: New York's (14 March) */
		expect(p, i, 0, 3, CV_MISS_CLOCKS,
		       i == 1 ? test_utc(2027, 3, 14, 7, 0) : test_utc(2027, 3, 28, 1, 0));
		p->expect_arrays[i][1].clock_zone = i == 1 ? c->zone : r->students[i].zone;
	}

	d = description_of(p, 0, "fx101-s1-de-20270302-live@example.org");
	assert_contains(d, "live: Dienstag, 2. März 2027 um 20:00 (Mitteleuropäische Zeit, Europe/Berlin)");
	free(d);
	d = description_of(p, 0, "fx101-s1-de-20270330-rec@example.org");
	assert_contains(d, "(your clocks change on 28. März 2027)");
	assert_contains(d, "Dienstag, 30. März 2027 um 20:00");
	free(d);

	d = description_of(p, 1, "fx101-s1-ja-20270302-live@example.org");
	assert_contains(d, "live: 2027年3月3日水曜日 4:00 (日本標準時, Asia/Tokyo)");
	free(d);
	d = description_of(p, 1, "fx101-s1-ja-20270330-rec@example.org");
	assert_contains(d, "(the course's clocks, America/New_York, change on 2027年3月14日)");
	free(d);

	/* no locale: English through ICU, not the hand-made ISO form */
	d = description_of(p, 2, "fx101-s1-none-20270302-live@example.org");
	assert_contains(d, "live: Tuesday, March 2, 2027 at 8:00\u202fPM (Central European Time, Europe/Berlin)");
	assert_null(strstr(d, "2027-03-02"));
	free(d);
	d = description_of(p, 2, "fx101-s1-none-20270330-rec@example.org");
	assert_contains(d, "(your clocks change on March 28, 2027)");
	assert_contains(d, "due Friday, April 2, 2027 at 9:00\u202fPM.");
	free(d);

	/* SUMMARY: short and the same in every language */
	for (i = 0; i < 3; i++) {
		char uid[128];
		text = student(p, i);
		cal = parse_valid(text);
		snprintf(uid, sizeof(uid), "fx101-s1-%s-20270330-rec@example.org", r->students[i].id);
		assert_string_equal(text_prop(event_by_uid(cal, uid), ICAL_SUMMARY_PROPERTY),
				    i == 1 ? "Watch the recording: Fixture Course (2027-03-31)"
					   : "Watch the recording: Fixture Course (2027-03-30)");
		icalcomponent_free(cal);
		free(text);
	}
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/*
 * Folding: a title of words, runs of spaces and multi-byte characters,
 * shifted by one octet at a time so that every kind of character meets the
 * 75-octet boundary, comes back whole from libical (the folds are invisible),
 * and no physical line ends in a space or splits a UTF-8 sequence
 * (assert_octets() in parse_valid()).
 */
static void test_folds_never_end_a_line_in_a_space_or_split_a_character(void **state)
{
	static const char words[] = "Séminaire d'été   日本語の講義 a b  c Ελληνικά 🎓 x";
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	icalcomponent *cal;
	char title[512], *text;
	size_t shift;
	(void)state;
	fx_student(r, "a", "UTC", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	for (shift = 0; shift < 24; shift++) {
		snprintf(title, sizeof(title), "%.*s%s %s %s", (int)shift, "xxxxxxxxxxxxxxxxxxxxxxxx",
			 words, words, words);
		set_str(&c->title, title);
		text = instructor(p);
		cal = parse_valid(text);
		snprintf(title + strlen(title), sizeof(title) - strlen(title), ": section 1");
		assert_string_equal(text_prop(event_by_uid(cal, "fx101-s1@example.org"),
					      ICAL_SUMMARY_PROPERTY), title);
		icalcomponent_free(cal);
		free(text);
	}
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* SEQUENCE of the event `uid` in `text`, and its DTSTAMP and LAST-MODIFIED as time_t. */
static int revision_of(const char *text, const char *uid, time_t *dtstamp, time_t *modified)
{
	icalcomponent *cal = parse_valid(text), *ev = event_by_uid(cal, uid);
	icalproperty *p;
	int seq;

	assert_non_null(ev);
	seq = icalcomponent_get_sequence(ev);
	p = icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY);
	assert_non_null(p);
	*dtstamp = icaltime_as_timet(icalproperty_get_dtstamp(p));
	p = icalcomponent_get_first_property(ev, ICAL_LASTMODIFIED_PROPERTY);
	assert_non_null(p);
	*modified = icaltime_as_timet(icalproperty_get_lastmodified(p));
	icalcomponent_free(cal);
	return seq;
}

/* The student calendar of `p` at `stamp` against the calendar `prior` (NULL: none). */
static char *revise(const cv_plan *p, const char *prior, int64_t stamp, cv_ics_changes *ch)
{
	cv_ics_history *h = NULL;
	cv_ics_options o = {stamp, NULL, ch, NULL, NULL};
	char *text = NULL;
	size_t len;

	if (prior)
		assert_int_equal(cv_ics_history_new(&h, prior, strlen(prior)), CV_OK);
	o.prior = h;
	assert_int_equal(cv_ics_student(&text, &len, p, 0, &o), CV_OK);
	cv_ics_history_free(h);
	return text;
}

/* An event whose content changes keeps its UID, and each revision moves
 * SEQUENCE up by one and DTSTAMP and LAST-MODIFIED to the run's time; an
 * unchanged rerun after that keeps the revised stamps byte for byte. */
static void test_history_each_revision_bumps_sequence_once(void **state)
{
	static const char uid[] = "fx101-s1-tk-20270302-live@example.org";
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	cv_ics_changes ch;
	char *v0, *v1, *v2, *v3;
	time_t stamp, modified;
	(void)state;
	fx_student(r, "tk", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0);
	expect(p, 0, 0, 1, CV_MISS_NONE, 0);

	v0 = revise(p, NULL, DTSTAMP, &ch);
	assert_int_equal(ch.added, 2);
	assert_int_equal(revision_of(v0, uid, &stamp, &modified), 0);
	assert_int_equal(stamp, DTSTAMP);

	free(c->join_url); /* the meeting moved: every live event changes */
	c->join_url = strdup("https://meet.example.org/fx-new");
	v1 = revise(p, v0, DTSTAMP + 100, &ch);
	assert_int_equal(ch.changed, 2);
	assert_int_equal(ch.added + ch.unchanged + ch.removed, 0);
	assert_int_equal(revision_of(v1, uid, &stamp, &modified), 1);
	assert_int_equal(stamp, DTSTAMP + 100);
	assert_int_equal(modified, DTSTAMP + 100);

	free(c->join_url);
	c->join_url = strdup("https://meet.example.org/fx-third");
	v2 = revise(p, v1, DTSTAMP + 200, &ch);
	assert_int_equal(ch.changed, 2);
	assert_int_equal(revision_of(v2, uid, &stamp, &modified), 2);
	assert_int_equal(modified, DTSTAMP + 200);

	v3 = revise(p, v2, DTSTAMP + 300, &ch);
	assert_int_equal(ch.unchanged, 2);
	assert_string_equal(v3, v2);

	free(v0);
	free(v1);
	free(v2);
	free(v3);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* A changed event's DTSTAMP and LAST-MODIFIED never go back or stand still:
 * a SOURCE_DATE_EPOCH older than the last publish, or the same one across
 * two changing runs, gives one second past the previous stamp; an
 * unchanged event still keeps its stamps. */
static void test_history_stamps_of_a_changed_event_only_move_forward(void **state)
{
	static const char uid[] = "fx101-s1-tk-20270302-live@example.org";
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	cv_ics_changes ch;
	char *v0, *v1, *v2, *v3;
	time_t stamp, modified;
	(void)state;
	fx_student(r, "tk", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0);

	v0 = revise(p, NULL, DTSTAMP, &ch);
	assert_int_equal(revision_of(v0, uid, &stamp, &modified), 0);
	assert_int_equal(modified, DTSTAMP);

	/* SOURCE_DATE_EPOCH a day earlier than the previous publish */
	free(c->join_url);
	c->join_url = strdup("https://meet.example.org/fx-new");
	v1 = revise(p, v0, DTSTAMP - 86400, &ch);
	assert_int_equal(ch.changed, 1);
	assert_int_equal(revision_of(v1, uid, &stamp, &modified), 1);
	assert_int_equal(stamp, DTSTAMP + 1);
	assert_int_equal(modified, DTSTAMP + 1);

	/* the same SOURCE_DATE_EPOCH again, and the event changes again */
	free(c->join_url);
	c->join_url = strdup("https://meet.example.org/fx-third");
	v2 = revise(p, v1, DTSTAMP - 86400, &ch);
	assert_int_equal(revision_of(v2, uid, &stamp, &modified), 2);
	assert_int_equal(stamp, DTSTAMP + 2);
	assert_int_equal(modified, DTSTAMP + 2);

	/* a later time than every stamp is taken as it is; unchanged keeps its stamps */
	free(c->join_url);
	c->join_url = strdup("https://meet.example.org/fx-fourth");
	v3 = revise(p, v2, DTSTAMP + 500, &ch);
	assert_int_equal(revision_of(v3, uid, &stamp, &modified), 3);
	assert_int_equal(modified, DTSTAMP + 500);
	free(v0);
	v0 = revise(p, v3, DTSTAMP - 86400, &ch);
	assert_int_equal(ch.unchanged, 1);
	assert_string_equal(v0, v3);

	free(v0);
	free(v1);
	free(v2);
	free(v3);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* What is no calendar of ours still lets the calendar be made: an event of
 * another program with our UID is a previous revision (its SEQUENCE + 1),
 * its other events count as removed; garbage, a NUL byte and a file over
 * the limit are refused (publish then treats every event as new). */
static void test_history_from_foreign_or_bad_text(void **state)
{
	static const char foreign[] =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\n"
		"BEGIN:VEVENT\r\nUID:fx101-s1-tk-20270302-live@example.org\r\nSEQUENCE:7\r\n"
		"DTSTAMP:20260101T000000Z\r\nDTSTART:20270302T190000Z\r\nSUMMARY:old\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:someone-else@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
		"DTSTART:20270302T190000Z\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nSUMMARY:no uid\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	cv_ics_changes ch;
	cv_ics_history *h = NULL;
	char *text, *big;
	time_t stamp, modified;
	(void)state;
	fx_student(r, "tk", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0);

	text = revise(p, foreign, DTSTAMP, &ch);
	assert_int_equal(ch.changed, 1);
	assert_int_equal(ch.removed, 1); /* the UID-less event is not counted */
	assert_int_equal(revision_of(text, "fx101-s1-tk-20270302-live@example.org", &stamp,
				     &modified), 8);
	assert_int_equal(stamp, DTSTAMP);
	free(text);

	assert_int_equal(cv_ics_history_new(&h, "BEGIN:VCALENDAR\r\nEND", 20), CV_EDATA);
	assert_int_equal(cv_ics_history_new(&h, "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", 32),
			 CV_EDATA); /* an event is not a calendar */
	assert_int_equal(cv_ics_history_new(&h, "BEGIN:VCALENDAR\0\r\nEND:VCALENDAR\r\n", 32),
			 CV_EDATA);
	big = malloc(CV_ICS_HISTORY_MAX + 1);
	assert_non_null(big);
	memset(big, ' ', CV_ICS_HISTORY_MAX + 1);
	memcpy(big, "BEGIN:VCALENDAR\r\n", 17);
	assert_int_equal(cv_ics_history_new(&h, big, CV_ICS_HISTORY_MAX + 1), CV_EDATA);
	free(big);
	assert_null(h);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* Regenerating against the previous calendar: the same plan at a later
 * DTSTAMP gives the same bytes; a changed occurrence is revised (SEQUENCE 1,
 * the new DTSTAMP), the others keep their stamps; a garbled old file is refused. */
static void test_history_revises_only_changed_events(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	cv_ics_history *h = NULL;
	cv_ics_changes ch;
	cv_ics_options o = {DTSTAMP + 86400, NULL, &ch, NULL, NULL};
	char *first, *again = NULL, *revised = NULL;
	size_t len;
	icalcomponent *cal;
	(void)state;
	fx_student(r, "tk", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0);
	expect(p, 0, 0, 1, CV_MISS_NONE, 0);
	first = student(p, 0);
	assert_int_equal(cv_ics_history_new(&h, first, strlen(first)), CV_OK);
	assert_int_equal(cv_ics_history_events(h), 2);
	o.prior = h;
	assert_int_equal(cv_ics_student(&again, &len, p, 0, &o), CV_OK);
	assert_string_equal(again, first);
	assert_int_equal(ch.unchanged, 2);
	assert_int_equal(ch.added + ch.changed + ch.removed, 0);

	p->expect_arrays[0][1].miss = CV_MISS_AWAY; /* 9 March: now missed */
	p->students[0].nlive--;
	assert_int_equal(cv_ics_student(&revised, &len, p, 0, &o), CV_OK);
	assert_int_equal(ch.unchanged, 1);
	assert_int_equal(ch.added, 2);   /* its recording and due events */
	assert_int_equal(ch.removed, 1); /* its live event */
	cal = parse_valid(revised);
	{
		icalcomponent *kept = event_by_uid(cal, "fx101-s1-tk-20270302-live@example.org");
		icalcomponent *rec = event_by_uid(cal, "fx101-s1-tk-20270309-rec@example.org");
		assert_non_null(kept);
		assert_non_null(rec);
		assert_int_equal(icalcomponent_get_sequence(kept), 0);
		assert_int_equal(icaltime_as_timet(icalproperty_get_dtstamp(
			icalcomponent_get_first_property(kept, ICAL_DTSTAMP_PROPERTY))), DTSTAMP);
		assert_int_equal(icaltime_as_timet(icalproperty_get_dtstamp(
			icalcomponent_get_first_property(rec, ICAL_DTSTAMP_PROPERTY))), DTSTAMP + 86400);
		assert_null(event_by_uid(cal, "fx101-s1-tk-20270309-live@example.org"));
	}
	icalcomponent_free(cal);
	assert_int_equal(cv_ics_history_new(&(cv_ics_history *){NULL}, "not a calendar", 14), CV_EDATA);
	cv_ics_history_free(h);
	cv_ics_history_free(NULL);
	free(first);
	free(again);
	free(revised);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* The same plan and DTSTAMP give byte-identical calendars; a bad index is refused. */
static void test_output_is_deterministic(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	char *a, *b;
	size_t len;
	cv_ics_options o = {DTSTAMP, NULL, NULL, NULL, NULL};
	(void)state;
	fx_student(r, "a", "Asia/Tokyo", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	add_session(p, 1, 14, 0);
	assign(p, 0, 0);
	expect(p, 0, 0, 0, CV_MISS_NONE, 0);
	expect(p, 0, 0, 1, CV_MISS_HOURS, 0);
	a = student(p, 0);
	b = student(p, 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = instructor(p);
	b = instructor(p);
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = NULL;
	assert_int_equal(cv_ics_student(&a, &len, p, 1, &o), CV_EDATA);
	assert_null(a);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/*
 * A solved plan, not a hand-made one: Mon 13:00 New York is 18:00Z, 19:00
 * in Berlin, until New York's change (14 March), then 17:00Z, 18:00 Berlin,
 * until Berlin's own change (28 March), then 19:00 again.  A Berlin student
 * free 18:00-19:00 attends only the two weeks between; the weeks before
 * were never in their hours, and the weeks after are lost to their own
 * clocks, which the text names with Berlin's date in English.
 */
static void test_students_own_clock_change_is_named_in_a_solved_plan(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-04-11", "Mon 13:00-14:00",
				 60, 60);
	cv_roster *r = fx_roster();
	cv_grid *g;
	cv_solution sol;
	cv_plan *p;
	icalcomponent *cal, *ev;
	char *text;
	size_t i, own = 0, hours = 0;
	(void)state;
	fx_student(r, "ber", "Europe/Berlin", "Mon 18:00-19:00", NULL, NULL, 1);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_solve(&sol, g, NULL), CV_OK);
	assert_int_equal(cv_plan_build(&p, g, &sol), CV_OK);
	cv_grid_free(g);
	assert_int_equal(p->students[0].nlive, 2);
	text = student(p, 0);
	cal = parse_valid(text);
	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
	     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(ev), *desc;
		if (!strstr(uid, "-rec@"))
			continue;
		desc = text_prop(ev, ICAL_DESCRIPTION_PROPERTY);
		if (strstr(uid, "-20270329-") || strstr(uid, "-20270405-")) {
			assert_contains(desc, cv_miss_text(CV_MISS_CLOCKS));
			assert_contains(desc, "(your clocks change on March 28, 2027)");
			own++;
		} else {
			assert_contains(desc, cv_miss_text(CV_MISS_HOURS));
			assert_null(strstr(desc, "clocks"));
			hours++;
		}
	}
	assert_int_equal(own, 2);
	assert_int_equal(hours, 2); /* 1 and 8 March */
	for (i = 0; i < p->students[0].nexpects; i++)
		if (p->students[0].expects[i].miss == CV_MISS_CLOCKS)
			assert_ptr_equal(p->students[0].expects[i].clock_zone, r->students[0].zone);
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/*
 * The instructor's "Start the recording" reminder fires ICS_ALARM_MINUTES
 * (10) before every session, on both sides of a clock change: a display
 * alarm whose trigger is relative to the start (no RELATED=END, no absolute
 * time that would be right for one week only), so each expanded occurrence
 * rings at its own start minus ten minutes.
 */
static void test_instructor_start_recording_alarm_fires_before_each_session(void **state)
{
	cv_course *c = ny_course();
	cv_roster *r = fx_roster();
	cv_plan *p;
	const cv_session *s;
	icalcomponent *cal, *ev, *a;
	icalproperty *tp;
	struct icaltriggertype tr;
	int64_t got[MAX_INSTANTS];
	size_t i, n;
	char *text;
	(void)state;
	fx_student(r, "a", "UTC", "Mon-Sun 00:00-24:00", NULL, NULL, 1);
	p = plan_new(c, r);
	s = add_session(p, 1, 14, 0); /* Tue 14:00 New York: 19:00Z, then 18:00Z from 16 March */
	assign(p, 0, 0);
	text = instructor(p);
	cal = parse_valid(text);
	ev = event_by_uid(cal, "fx101-s1@example.org");
	assert_non_null(ev);
	a = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
	assert_non_null(a);
	assert_null(icalcomponent_get_next_component(ev, ICAL_VALARM_COMPONENT));
	assert_string_equal(text_prop(a, ICAL_DESCRIPTION_PROPERTY), "Start the recording");
	tp = icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY);
	assert_non_null(tp);
	assert_null(icalproperty_get_first_parameter(tp, ICAL_RELATED_PARAMETER));
	tr = icalproperty_get_trigger(tp);
	assert_true(icaltime_is_null_time(tr.time));
	assert_int_equal(icaldurationtype_as_int(tr.duration), -600);
	n = expand(got, cal, ev);
	assert_int_equal(n, s->noccurrences);
	for (i = 0; i < n; i++)
		assert_int_equal(got[i] + icaldurationtype_as_int(tr.duration),
				 s->occurrences[i].start - 600);
	assert_int_equal(s->occurrences[0].start - 600, test_utc(2027, 3, 2, 18, 50));
	assert_int_equal(s->occurrences[n - 1].start - 600, test_utc(2027, 3, 30, 17, 50));
	icalcomponent_free(cal);
	free(text);
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

/* A real plan (grid, solver, plan) over the US and EU changes: every
 * calendar is valid and the instructor's event expands to the plan. */
static void test_solved_plan_calendars_match_the_plan(void **state)
{
	cv_course *c = fx_course("America/New_York", "2027-03-01", "2027-04-11", "Mon 09:00-12:00", 60, 60);
	cv_roster *r = fx_roster();
	cv_grid *g;
	cv_solution sol;
	cv_plan *p;
	icalcomponent *cal;
	int64_t got[MAX_INSTANTS];
	size_t i, j, n;
	char *text;
	(void)state;
	fx_holidays(c, "2027-03-22");
	fx_student(r, "lon", "Europe/London", "Mon 14:00-17:00", NULL, NULL, 1);
	fx_student(r, "tyo", "Asia/Tokyo", "Mon 23:30-02:00", NULL, NULL, 1);
	fx_student(r, "del", "Asia/Kolkata", "Mon 20:30-23:00", NULL, "2027-03-29", 2);
	assert_int_equal(cv_grid_build(&g, c, r), CV_OK);
	assert_int_equal(cv_solve(&sol, g, NULL), CV_OK);
	assert_int_equal(cv_plan_build(&p, g, &sol), CV_OK);
	cv_grid_free(g);
	text = instructor(p);
	cal = parse_valid(text);
	assert_zones_declared(cal, cal);
	assert_int_equal(count_sessions(cal), p->nsessions);
	n = expand(got, cal, icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT));
	assert_int_equal(n, p->sessions[0].noccurrences);
	for (i = 0; i < n; i++)
		assert_int_equal(got[i], p->sessions[0].occurrences[i].start);
	icalcomponent_free(cal);
	free(text);
	for (i = 0; i < p->nstudents; i++) {
		const cv_student_plan *sp = &p->students[i];
		size_t live = 0;
		text = student(p, i);
		cal = parse_valid(text);
		assert_zones_declared(cal, cal);
		assert_int_equal(count_events(cal), sp->nlive + 2 * (sp->nexpects - sp->nlive));
		for (j = 0; j < sp->nexpects; j++) {
			const cv_expect *e = &sp->expects[j];
			const cv_occurrence *o = &p->sessions[e->session].occurrences[e->occurrence];
			icalcomponent *ev;
			char uid[256], day[16];
			int y;
			unsigned mo, d;
			cv_civil_from_days(&y, &mo, &d, o->date);
			snprintf(day, sizeof(day), "%04d%02u%02u", y, mo, d);
			snprintf(uid, sizeof(uid), "fx101-s%u-%s-%s-%s@example.org",
				 p->sessions[e->session].index, r->students[i].id, day,
				 e->miss == CV_MISS_NONE ? "live" : "rec");
			ev = event_by_uid(cal, uid);
			assert_non_null(ev);
			if (e->miss == CV_MISS_NONE) {
				live++;
				assert_int_equal(prop_instant(cal, icalcomponent_get_first_property(
									   ev, ICAL_DTSTART_PROPERTY)), o->start);
			}
		}
		assert_int_equal(live, sp->nlive);
		icalcomponent_free(cal);
		free(text);
	}
	cv_plan_free(p);
	cv_roster_free(r);
	cv_course_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instructor_calendar_header_and_validity),
		cmocka_unit_test(test_instructor_sessions_expand_to_occurrences),
		cmocka_unit_test(test_instructor_event_text_links_and_alarm),
		cmocka_unit_test(test_series_sessions_are_numbered_sessions),
		cmocka_unit_test(test_student_live_and_recording_track),
		cmocka_unit_test(test_student_without_live_sessions_gets_every_recording),
		cmocka_unit_test(test_reminder_in_repeated_hour_is_written_in_utc),
		cmocka_unit_test(test_utc_home_zone_needs_no_vtimezone),
		cmocka_unit_test(test_vtimezone_is_truncated_to_the_term),
		cmocka_unit_test(test_long_utf8_text_folds_safely),
		cmocka_unit_test(test_locale_formats_description_dates),
		cmocka_unit_test(test_folds_never_end_a_line_in_a_space_or_split_a_character),
		cmocka_unit_test(test_history_revises_only_changed_events),
		cmocka_unit_test(test_history_each_revision_bumps_sequence_once),
		cmocka_unit_test(test_history_stamps_of_a_changed_event_only_move_forward),
		cmocka_unit_test(test_history_from_foreign_or_bad_text),
		cmocka_unit_test(test_output_is_deterministic),
		cmocka_unit_test(test_solved_plan_calendars_match_the_plan),
		cmocka_unit_test(test_students_own_clock_change_is_named_in_a_solved_plan),
		cmocka_unit_test(test_instructor_start_recording_alarm_fires_before_each_session),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
