/*
 * store_answer.c - one answer checked as the roster checks a row, and
 * turned into an availability (convene/store.h).  The web page, a form
 * import and the merge all go through here, so an answer means the same
 * wherever it came from.
 */
#include <stdlib.h>
#include <string.h>

#include "convene/calin.h"
#include "convene/store.h"
#include "roster_int.h"
#include "utf8_int.h"

/* An answer's fields, parsed. */
typedef struct parsed {
	const cv_zone *zone;
	cv_window *w, *pw;
	size_t nw, npw;
	cv_daterange *away;
	size_t naway;
	cv_calin *cal;
} parsed;

static void parsed_free(parsed *p)
{
	free(p->w);
	free(p->pw);
	free(p->away);
	cv_calin_free(p->cal);
}

/* UTF-8 text without control characters (line breaks allowed where the roster
 * allows them), at most CV_ROSTER_FIELD_MAX bytes.  0 or CV_EDATA (recorded). */
static int text_ok(const char *field, const char *v, int spaces, cv_errors *errs)
{
	size_t n = strlen(v), bad;
	const char *what;
	cv_where w = {field, 1, 1};

	if (n > CV_ROSTER_FIELD_MAX)
		return cv_errors_add(errs, CV_EDATA, &w, 0, "longer than %d bytes",
				     CV_ROSTER_FIELD_MAX);
	bad = Cv_text_check(v, n, spaces, &what);
	if (bad < n)
		return cv_errors_add(errs, CV_EDATA, &w, (unsigned)bad, "%s", what);
	return CV_OK;
}

static int zone_of(parsed *p, const char *name, cv_errors *errs)
{
	char hint[CV_ZONE_HINT_MAX], msg[CV_ZONE_HINT_MAX + 128];
	cv_where w = {"timezone", 1, 1};
	int rc;

	if (!*name)
		return cv_errors_add(errs, CV_EDATA, &w, 0,
				     "choose your time zone, e.g. Europe/Berlin");
	hint[0] = '\0';
	rc = cv_zone_lookup(&p->zone, name, hint, sizeof(hint));
	if (rc == CV_ENOMEM)
		return rc;
	if (rc)
		return cv_errors_add(errs, CV_EDATA, &w, 0, "%s",
				     Cv_zone_problem(msg, sizeof(msg), name, hint));
	return CV_OK;
}

/* The uploaded calendar, read over the course's span in the student's zone. */
static int calendar_of(parsed *p, const cv_answer *a, const cv_course *course, cv_errors *errs)
{
	cv_where w = {"calendar", 0, 0};
	int64_t from, to;

	if (!a->calendar)
		return CV_OK;
	if (a->calendar_len > CV_ANSWER_CALENDAR_MAX)
		return cv_errors_add(errs, CV_EDATA, &w, 0, "the calendar is larger than %d bytes",
				     CV_ANSWER_CALENDAR_MAX);
	cv_calin_span(&from, &to, course);
	return cv_calin_parse(&p->cal, a->calendar, a->calendar_len, "calendar", p->zone, from, to,
			      errs);
}

/* Every field; each problem is recorded, and the first failure returned. */
static int parse(parsed *p, const cv_answer *a, const cv_course *course, cv_errors *errs)
{
	cv_where wa = {"available", 1, 1}, wp = {"preferred", 1, 1}, wu = {"unavailable", 1, 1};
	cv_where wl = {"locale", 1, 1};
	size_t at;
	int rc = CV_OK, r;

	memset(p, 0, sizeof(*p));
#define KEEP(x) do { r = (x); if (r == CV_ENOMEM) return r; if (r && !rc) rc = r; } while (0)
	KEEP(text_ok("timezone", a->timezone, 0, errs));
	KEEP(text_ok("available", a->available, 1, errs));
	KEEP(text_ok("preferred", a->preferred, 1, errs));
	KEEP(text_ok("unavailable", a->unavailable, 1, errs));
	KEEP(text_ok("locale", a->locale, 0, errs));
	if (rc)
		return rc;
	KEEP(zone_of(p, a->timezone, errs));
	KEEP(cv_windows_parse(&p->w, &p->nw, a->available, &wa, errs));
	KEEP(cv_windows_parse(&p->pw, &p->npw, a->preferred, &wp, errs));
	KEEP(cv_dates_parse(&p->away, &p->naway, a->unavailable, &wu, errs));
	if (*a->locale && !Cv_locale_check(a->locale, strlen(a->locale), &at))
		KEEP(cv_errors_add(errs, CV_EDATA, &wl, (unsigned)at,
				   "\"%s\" is not a locale name like ja_JP, de or pt-BR", a->locale));
	if (p->zone)
		KEEP(calendar_of(p, a, course, errs));
	if (!rc && !p->nw && !(p->cal && cv_calin_has_availability(p->cal)))
		KEEP(cv_errors_add(errs, CV_EDATA, &wa, 0, "no hours: mark when you are available "
				   "(or upload a calendar with your availability)"));
#undef KEEP
	return rc;
}

int cv_answer_check(const cv_answer *a, const cv_course *course, cv_errors *errs)
{
	parsed p;
	int rc = parse(&p, a, course, errs);

	parsed_free(&p);
	return rc;
}

int cv_answer_avail(cv_avail **out, const cv_answer *a, const cv_course *course,
		    cv_errors *errs)
{
	cv_avail *av = NULL;
	parsed p;
	int rc = parse(&p, a, course, errs);

	if (!rc)
		rc = cv_avail_new(&av, p.zone);
	if (!rc)
		rc = cv_avail_add_windows(av, p.w, p.nw, 0);
	if (!rc)
		rc = cv_avail_add_windows(av, p.pw, p.npw, 1);
	if (!rc)
		rc = cv_avail_add_away(av, p.away, p.naway);
	if (!rc && p.cal)
		rc = cv_calin_apply(av, p.cal);
	parsed_free(&p);
	if (rc) {
		cv_avail_free(av);
		return rc;
	}
	*out = av;
	return CV_OK;
}
