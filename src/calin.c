/*
 * calin.c - a student's availability from an iCalendar file (see
 * include/convene/calin.h for what each component means).
 *
 * libical parses the values (dates, periods, durations, RRULEs) but knows
 * no line numbers, so the text is first scanned here: unfolded, checked
 * line by line (NAME[;params]:value, balanced BEGIN/END) and indexed, so
 * that a problem libical finds later can still be reported at the line of
 * its property.  Components are matched to libical's tree by their order
 * in the file (both are pre-order).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libical/ical.h>

#include "convene/calin.h"
#include "array_int.h"
#include "file_int.h"
#include "interval_int.h"
#include "utf8_int.h"

/* Outside every span: "busy for ever" on either side, far from int64 overflow. */
#define FOREVER ((int64_t)1 << 50)

/* ---------------------------------------------------------------------- */
/* The scanner: content lines, their positions, the component tree          */

typedef struct sline {
	size_t raw;     /* offset of the line's first byte in the text */
	unsigned line;  /* its physical line */
	size_t text;    /* offset of the unfolded line in scan.buf (NUL-terminated) */
	size_t len;
	size_t value;   /* offset of the value within the unfolded line */
	int comp;       /* the component it belongs to (scan order) */
} sline;

typedef struct scomp {
	char name[32];  /* upper case, truncated */
	unsigned line;  /* of its BEGIN */
	size_t begin;   /* its BEGIN sline */
} scomp;

typedef struct ctx {
	const char *path;
	const char *raw;
	size_t rawlen;
	cv_errors *errs;
	int failed;
	const cv_zone *zone;    /* the student's zone */
	const cv_zone *utc;
	int64_t from, to;       /* the span */

	char *buf;              /* unfolded lines */
	size_t nbuf;
	sline *lines;
	size_t nlines, caplines;
	scomp *comps;
	size_t ncomps, capcomps;
	int mapped;             /* libical's tree matched the scan */
	size_t ninstances;
	size_t steps;           /* recurrence steps taken, all rules */
} ctx;

static int is_fold(const char *s, size_t i, size_t n)
{
	return i < n && (s[i] == ' ' || s[i] == '\t');
}

/* Physical line and byte column of offset k in unfolded line l. */
static void pos_in(const ctx *x, const sline *l, size_t k, unsigned *line, unsigned *col)
{
	size_t i = l->raw;
	unsigned ln = l->line, c = 1;

	while (i < x->rawlen) {
		if (x->raw[i] == '\r' && i + 1 < x->rawlen && x->raw[i + 1] == '\n') {
			/* Inside a logical line every line break is a fold. */
			i += 3;
			ln++;
			c = 2;
			continue;
		}
		if (x->raw[i] == '\n') {
			i += 2;
			ln++;
			c = 2;
			continue;
		}
		if (!k)
			break;
		i++;
		c++;
		k--;
	}
	*line = ln;
	*col = c;
}

static void verr(ctx *x, unsigned line, unsigned col, const char *fmt, va_list ap)
{
	cv_where w = {x->path, line, col};
	cv_errors_addv(x->errs, CV_EDATA, &w, 0, fmt, ap);
	x->failed = 1;
}

static void err_at(ctx *x, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void err_at(ctx *x, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verr(x, line, col, fmt, ap);
	va_end(ap);
}

static const char *ltext(const ctx *x, const sline *l)
{
	return x->buf + l->text;
}

/* 1 if unfolded line l's name (before ';' or ':') is `name` (case-insensitive). */
static int name_is(const ctx *x, const sline *l, const char *name)
{
	const char *t = ltext(x, l);
	size_t n = strlen(name);
	return strncasecmp(t, name, n) == 0 && (t[n] == ';' || t[n] == ':');
}

/*
 * Report an error at a property of component `comp`: the first line named
 * `name` whose text contains `needle` (NULL: any), at the needle (or at the
 * value); at the component's BEGIN line when there is no such line.
 */
static void err_prop(ctx *x, int comp, const char *name, const char *needle, const char *fmt,
		     ...) __attribute__((format(printf, 5, 6)));
static void err_prop(ctx *x, int comp, const char *name, const char *needle, const char *fmt,
		     ...)
{
	unsigned line = 0, col = 0;
	size_t i;
	va_list ap;

	if (x->mapped && comp >= 0 && (size_t)comp < x->ncomps) {
		line = x->comps[comp].line;
		col = 1;
		for (i = x->comps[comp].begin; name && i < x->nlines; i++) {
			const sline *l = &x->lines[i];
			const char *t = ltext(x, l), *at;
			if (l->comp != comp || !name_is(x, l, name))
				continue;
			at = needle ? strstr(t, needle) : t + l->value;
			if (!at)
				continue;
			pos_in(x, l, (size_t)(at - t), &line, &col);
			break;
		}
	}
	va_start(ap, fmt);
	verr(x, line, col, fmt, ap);
	va_end(ap);
}

static int push_line(ctx *x, const sline *l)
{
	if (Cv_array_ensure(x->lines, x->caplines, x->nlines + 1))
		return CV_ENOMEM;
	x->lines[x->nlines++] = *l;
	return CV_OK;
}

/* Check one unfolded line and track BEGIN/END; `stack` holds open components. */
static int scan_line(ctx *x, sline *l, int *stack, size_t *depth, int *seen_calendar)
{
	const char *t = ltext(x, l);
	size_t i = 0, n = l->len;
	int quoted = 0;
	unsigned line, col;

	while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '-'))
		i++;
	if (i == 0 || i == n || (t[i] != ';' && t[i] != ':')) {
		pos_in(x, l, i, &line, &col);
		err_at(x, line, col, "expected a content line NAME:VALUE or NAME;PARAM=...:VALUE");
		return CV_OK;
	}
	for (; i < n; i++) {
		if (t[i] == '"')
			quoted = !quoted;
		else if (t[i] == ':' && !quoted)
			break;
	}
	if (i == n) {
		pos_in(x, l, n, &line, &col);
		err_at(x, line, col, "missing ':' before the value");
		return CV_OK;
	}
	l->value = i + 1;
	if (name_is(x, l, "BEGIN")) {
		scomp c;
		size_t k;
		if (x->ncomps >= CV_CALIN_COMPONENTS_MAX) {
			err_at(x, l->line, 1, "more than %d components", CV_CALIN_COMPONENTS_MAX);
			return CV_EDATA;
		}
		memset(&c, 0, sizeof(c));
		for (k = 0; k + 1 < sizeof(c.name) && t[l->value + k]; k++)
			c.name[k] = (char)toupper((unsigned char)t[l->value + k]);
		c.line = l->line;
		c.begin = x->nlines;
		if (!*depth && strcmp(c.name, "VCALENDAR") != 0) {
			err_at(x, l->line, 1, "expected BEGIN:VCALENDAR, got BEGIN:%s", c.name);
			return CV_EDATA;
		}
		if (*depth >= 64) {
			err_at(x, l->line, 1, "components nested more than 64 deep");
			return CV_EDATA;
		}
		if (Cv_array_ensure(x->comps, x->capcomps, x->ncomps + 1))
			return CV_ENOMEM;
		x->comps[x->ncomps] = c;
		stack[(*depth)++] = (int)x->ncomps;
		l->comp = (int)x->ncomps++;
		*seen_calendar = 1;
		return push_line(x, l);
	}
	if (!*depth) {
		err_at(x, l->line, 1, "content outside BEGIN:VCALENDAR ... END:VCALENDAR");
		return CV_EDATA;
	}
	l->comp = stack[*depth - 1];
	if (name_is(x, l, "END")) {
		const scomp *open = &x->comps[stack[*depth - 1]];
		if (strncasecmp(t + l->value, open->name, sizeof(open->name) - 1) != 0 ||
		    (strlen(t + l->value) < sizeof(open->name) - 1 &&
		     strlen(t + l->value) != strlen(open->name))) {
			pos_in(x, l, l->value, &line, &col);
			err_at(x, line, col, "END:%s does not close BEGIN:%s of line %u", t + l->value,
			       open->name, open->line);
			return CV_EDATA;
		}
		(*depth)--;
	}
	return push_line(x, l);
}

/* Unfold, check and index the text. */
static int scan(ctx *x)
{
	const char *s = x->raw;
	size_t n = x->rawlen, i = 0, depth = 0;
	unsigned lineno = 0;
	int stack[64], seen = 0, rc = CV_OK, open = 0;
	sline cur;
	const char *what;
	size_t bad = Cv_text_check(s, n, 1, &what);

	if (bad < n) {
		/* The line and column of the bad byte, counted by hand. */
		unsigned line = 1, col = 1;
		size_t k;
		for (k = 0; k < bad; k++) {
			if (s[k] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		err_at(x, line, col, "%s", what);
		return CV_EDATA;
	}
	x->buf = malloc(n + 1);
	if (!x->buf)
		return CV_ENOMEM;
	memset(&cur, 0, sizeof(cur));
	while (i < n && rc == CV_OK) {
		size_t b = i, e;
		while (i < n && s[i] != '\n')
			i++;
		e = i;
		if (e > b && s[e - 1] == '\r')
			e--;
		if (i < n)
			i++;
		lineno++;
		if (open && is_fold(s, b, e)) {
			/* A continuation: its first blank is the fold and goes. */
			if (cur.len + (e - b - 1) > CV_CALIN_LINE_MAX) {
				err_at(x, cur.line, 1, "content line longer than %d bytes",
				       CV_CALIN_LINE_MAX);
				return CV_EDATA;
			}
			memcpy(x->buf + x->nbuf, s + b + 1, e - b - 1);
			x->nbuf += e - b - 1;
			cur.len += e - b - 1;
			continue;
		}
		if (open) {
			x->buf[x->nbuf++] = '\0';
			rc = scan_line(x, &cur, stack, &depth, &seen);
			open = 0;
		}
		if (rc || e == b)
			continue; /* blank lines are tolerated */
		if (is_fold(s, b, e)) {
			err_at(x, lineno, 1, "a continuation line with no line before it");
			return CV_EDATA;
		}
		if (e - b > CV_CALIN_LINE_MAX) {
			err_at(x, lineno, 1, "content line longer than %d bytes", CV_CALIN_LINE_MAX);
			return CV_EDATA;
		}
		memset(&cur, 0, sizeof(cur));
		cur.raw = b;
		cur.line = lineno;
		cur.text = x->nbuf;
		cur.len = e - b;
		memcpy(x->buf + x->nbuf, s + b, e - b);
		x->nbuf += e - b;
		open = 1;
	}
	if (open && rc == CV_OK) {
		x->buf[x->nbuf++] = '\0';
		rc = scan_line(x, &cur, stack, &depth, &seen);
	}
	if (rc)
		return rc;
	if (x->failed)
		return CV_EDATA;
	if (!seen) {
		err_at(x, 1, 1, "not an iCalendar file: no BEGIN:VCALENDAR");
		return CV_EDATA;
	}
	if (depth) {
		const scomp *c = &x->comps[stack[depth - 1]];
		err_at(x, c->line, 1, "BEGIN:%s is never closed by END:%s", c->name, c->name);
		return CV_EDATA;
	}
	return CV_OK;
}

/* ---------------------------------------------------------------------- */
/* libical's tree, matched to the scan                                      */

typedef struct node {
	icalcomponent *c;
	int comp;  /* scan index */
} node;

typedef struct nodes {
	node *v;
	size_t n, cap;
} nodes;

static int walk(ctx *x, nodes *out, icalcomponent *c, size_t *ord)
{
	icalcomponent *k;
	const char *kn = icalcomponent_kind_to_string(icalcomponent_isa(c));

	if (Cv_array_ensure(out->v, out->cap, out->n + 1))
		return CV_ENOMEM;
	if (*ord >= x->ncomps || (kn && strcasecmp(kn, x->comps[*ord].name) != 0 &&
				  strlen(kn) < sizeof(x->comps[0].name) - 1))
		x->mapped = 0;
	out->v[out->n++] = (node){c, (int)*ord};
	(*ord)++;
	for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
		if (walk(x, out, k, ord))
			return CV_ENOMEM;
	}
	return CV_OK;
}

/* Report libical's X-LIC-ERROR properties ("Can't parse as RECUR value in RRULE property. ..."). */
static void report_lic_errors(ctx *x, const node *nd)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(nd->c, ICAL_XLICERROR_PROPERTY); p;
	     p = icalcomponent_get_next_property(nd->c, ICAL_XLICERROR_PROPERTY)) {
		const char *msg = icalproperty_get_xlicerror(p);
		const char *in = msg ? strstr(msg, " in ") : NULL, *val;
		char name[64] = "";
		size_t k = 0;

		if (!msg)
			msg = "unreadable property";
		/* RFC 5545 3.8.8.1: properties an application does not know are ignored. */
		if (strncmp(msg, "Parse error in property name", 28) == 0)
			continue;
		if (in) {
			const char *q = in + 4;
			while (q[k] && q[k] != ' ' && k + 1 < sizeof(name)) {
				name[k] = q[k];
				k++;
			}
			name[k] = '\0';
		}
		val = strstr(msg, "property: ");
		val = val ? val + 10 : NULL;
		if (name[0] && strcasecmp(name, "RRULE") == 0)
			err_prop(x, nd->comp, "RRULE", val, "RRULE cannot be parsed: \"%s\"",
				 val ? val : "");
		else if (name[0] && val)
			err_prop(x, nd->comp, name, val, "bad %s value \"%s\"", name, val);
		else
			err_prop(x, nd->comp, name[0] ? name : NULL, NULL, "%s", msg);
	}
}

/* ---------------------------------------------------------------------- */
/* Times                                                                    */

typedef struct tval {
	int64_t wall;          /* wall time in `zone` */
	int64_t at;            /* the UTC instant */
	const cv_zone *zone;
	int is_date;
} tval;

static int64_t wall_of(struct icaltimetype t)
{
	int64_t w = (int64_t)cv_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day) *
		    CV_DAY_SECONDS;
	if (!t.is_date)
		w += (int64_t)t.hour * CV_HOUR_SECONDS + t.minute * CV_MINUTE_SECONDS + t.second;
	return w;
}

static struct icaltimetype float_of(int64_t wall, int is_date)
{
	struct icaltimetype t = icaltime_null_time();
	int32_t d = cv_day_of(wall);
	int64_t s = wall - (int64_t)d * CV_DAY_SECONDS;
	int y;
	unsigned mo, dd;

	cv_civil_from_days(&y, &mo, &dd, d);
	t.year = y;
	t.month = (int)mo;
	t.day = (int)dd;
	if (is_date) {
		t.is_date = 1;
	} else {
		t.hour = (int)(s / CV_HOUR_SECONDS);
		t.minute = (int)(s / CV_MINUTE_SECONDS % CV_HOUR_MINUTES);
		t.second = (int)(s % CV_MINUTE_SECONDS);
	}
	return t;
}

/*
 * A TZID: whatever cv_zone_lookup() takes, or a vendor prefix before an
 * IANA name ("/mozilla.org/20050126_1/Europe/Berlin", libical's own
 * "/freeassociation.sourceforge.net/Tzfile/Europe/Berlin").
 */
static int lookup_tzid(const cv_zone **z, const char *tzid, char *hint, size_t size)
{
	int rc = cv_zone_lookup(z, tzid, hint, size);
	const char *p;

	if (rc != CV_EDATA || tzid[0] != '/')
		return rc;
	for (p = strchr(tzid + 1, '/'); p; p = strchr(p + 1, '/')) {
		if (cv_zone_lookup(z, p + 1, NULL, 0) == CV_OK)
			return CV_OK;
	}
	return rc;
}

/*
 * The zone of a time value of property p: UTC for 'Z', its TZID, else the
 * student's zone (floating and DATE values).  Reports an unknown TZID.
 */
static int zone_of(const cv_zone **z, ctx *x, int comp, icalproperty *p, struct icaltimetype t)
{
	icalparameter *par;
	const char *tzid;
	char hint[CV_ZONE_HINT_MAX], msg[CV_ZONE_HINT_MAX + 128];
	int rc;

	if (icaltime_is_utc(t)) {
		*z = x->utc;
		return CV_OK;
	}
	par = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	tzid = par ? icalparameter_get_tzid(par) : NULL;
	if (!tzid) {
		*z = x->zone;
		return CV_OK;
	}
	hint[0] = '\0';
	rc = lookup_tzid(z, tzid, hint, sizeof(hint));
	if (rc == CV_ENOMEM)
		return rc;
	if (rc) {
		err_prop(x, comp, icalproperty_get_property_name(p), tzid, "unknown TZID: %s",
			 Cv_zone_problem(msg, sizeof(msg), tzid, hint));
		return CV_EDATA;
	}
	return CV_OK;
}

static int get_time(tval *out, ctx *x, int comp, icalproperty *p, struct icaltimetype t)
{
	int rc;

	if (icaltime_is_null_time(t)) {
		err_prop(x, comp, icalproperty_get_property_name(p), NULL, "%s has no date",
			 icalproperty_get_property_name(p));
		return CV_EDATA;
	}
	if ((rc = zone_of(&out->zone, x, comp, p, t)))
		return rc;
	out->is_date = t.is_date;
	out->wall = wall_of(t);
	out->at = cv_zone_to_utc(out->zone, out->wall);
	return CV_OK;
}

/* Add a DURATION: days and weeks on the wall clock of `zone`, the rest exact. */
static int64_t add_duration(const cv_zone *zone, int64_t wall, struct icaldurationtype d)
{
	int64_t nominal = ((int64_t)d.weeks * CV_WEEK_DAYS + d.days) * CV_DAY_SECONDS;
	int64_t exact = (int64_t)d.hours * CV_HOUR_SECONDS + (int64_t)d.minutes * CV_MINUTE_SECONDS +
			d.seconds;
	return cv_zone_to_utc(zone, wall + nominal) + exact;
}

/* ---------------------------------------------------------------------- */
/* Expanding one component into instances                                   */

typedef struct inst {
	const char *uid;  /* borrowed from libical's tree */
	int64_t start, end;
	int override;     /* comes from a component with RECURRENCE-ID */
	int counts;       /* busy (events) / available (AVAILABLE) */
} inst;

typedef struct ilist {
	inst *v;
	size_t n, cap;
} ilist;

typedef struct cand {
	int64_t wall;     /* start, wall clock of the DTSTART zone */
	int64_t end;      /* an RDATE period's own end, else INT64_MIN */
} cand;

typedef struct cands {
	cand *v;
	size_t n, cap;
} cands;

static int cand_push(cands *c, int64_t wall, int64_t end)
{
	if (Cv_array_ensure(c->v, c->cap, c->n + 1))
		return CV_ENOMEM;
	c->v[c->n++] = (cand){wall, end};
	return CV_OK;
}

static int cand_cmp(const void *x, const void *y)
{
	const cand *a = x, *b = y;
	return (a->wall > b->wall) - (a->wall < b->wall);
}

typedef struct ends {
	enum { END_NONE, END_WALL, END_EXACT, END_DURATION } kind;
	int64_t len;                  /* END_WALL / END_EXACT */
	int64_t exact;                /* END_WALL: the first instance's exact length */
	struct icaldurationtype dur;  /* END_DURATION */
} ends;

static int64_t end_of(const ends *e, const cv_zone *zone, int64_t wall, int64_t start, int is_date)
{
	switch (e->kind) {
	case END_WALL: {
		/*
		 * The same wall-clock length, or the same exact length when that is
		 * longer: they differ only across a clock change, and the longer
		 * never understates busy time (an 02:30-03:00 instance on a
		 * spring-forward day would otherwise end before it starts).
		 */
		int64_t e1 = cv_zone_to_utc(zone, wall + e->len), e2 = start + e->exact;
		return e1 > e2 ? e1 : e2;
	}
	case END_EXACT:
		return start + e->len;
	case END_DURATION:
		return add_duration(zone, wall, e->dur);
	default:
		/* No end: a DATE lasts the day, a DATE-TIME takes no time. */
		return is_date ? cv_zone_to_utc(zone, wall + CV_DAY_SECONDS) : start;
	}
}

/* 1 for a SECONDLY, MINUTELY or HOURLY rule with no BY parts. */
static int plain_rule(const struct icalrecurrencetype *r)
{
	if (r->freq != ICAL_SECONDLY_RECURRENCE && r->freq != ICAL_MINUTELY_RECURRENCE &&
	    r->freq != ICAL_HOURLY_RECURRENCE)
		return 0;
	return r->by_second[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_minute[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_hour[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_year_day[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_week_no[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_month[0] == ICAL_RECURRENCE_ARRAY_MAX &&
	       r->by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

/* Expand the RRULE p of a component starting at ds into `out` (walls in ds's zone). */
static int expand_rrule(ctx *x, int comp, icalproperty *p, const tval *ds, int64_t margin,
			cands *out)
{
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	icalrecur_iterator *it;
	struct icaltimetype t;
	int64_t last = cv_zone_to_wall(ds->zone, x->to) + margin, first, start;
	int rc = CV_OK;

	if (r.freq == ICAL_NO_RECURRENCE) {
		err_prop(x, comp, "RRULE", NULL, "RRULE cannot be parsed (no FREQ)");
		return CV_EDATA;
	}
	/*
	 * The iterator runs in floating time: it must never see a zone (with
	 * one, libical asks ICU, whose tzdata is stale).  So UNTIL moves to
	 * the wall clock of the DTSTART zone, and to the DTSTART's value type.
	 */
	if (!icaltime_is_null_time(r.until)) {
		int64_t uw;
		if (icaltime_is_utc(r.until))
			uw = cv_zone_to_wall(ds->zone, wall_of(r.until));
		else
			uw = wall_of(r.until);
		if (r.until.is_date && !ds->is_date)
			uw += CV_DAY_SECONDS - 1; /* through the end of that day */
		r.until = float_of(uw, ds->is_date);
	}
	/*
	 * A sub-daily rule that began long ago would take millions of steps
	 * to reach the term: start it at its last instance before the span
	 * instead, a whole number of periods on (in floating time, so exact).
	 * Only for plain rules (no COUNT, no BY parts), whose instances are
	 * exactly DTSTART + k * period; icalrecur_iterator_set_start() is not
	 * used, it loses the INTERVAL phase.
	 */
	start = ds->wall;
	first = cv_zone_to_wall(ds->zone, x->from) - margin;
	if (r.count == 0 && start < first && plain_rule(&r)) {
		int64_t period = (int64_t)(r.interval > 0 ? r.interval : 1) *
				 (r.freq == ICAL_SECONDLY_RECURRENCE   ? 1
				  : r.freq == ICAL_MINUTELY_RECURRENCE ? CV_MINUTE_SECONDS
								       : CV_HOUR_SECONDS);
		start += (first - start) / period * period;
	}
	it = icalrecur_iterator_new(r, float_of(start, ds->is_date));
	if (!it) {
		err_prop(x, comp, "RRULE", NULL, "RRULE cannot be expanded from this DTSTART");
		return CV_EDATA;
	}
	for (t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
	     t = icalrecur_iterator_next(it)) {
		int64_t w = wall_of(t);
		if (w > last)
			break;
		if (++x->steps > CV_CALIN_STEPS_MAX) {
			err_prop(x, comp, "RRULE", NULL,
				 "the RRULEs of this calendar have more than %d instances before the "
				 "end of the term", CV_CALIN_STEPS_MAX);
			rc = CV_EDATA;
			break;
		}
		if ((rc = cand_push(out, w, INT64_MIN)))
			break;
	}
	icalrecur_iterator_free(it);
	return rc;
}

typedef struct exset {
	Cv_array_t(int64_t) at;   /* excluded instants */
	Cv_array_t(int32_t) days; /* excluded local dates (DATE-valued EXDATE) */
} exset;

static int excluded(const exset *ex, int64_t at, int64_t wall)
{
	size_t i;
	for (i = 0; i < ex->at.size; i++)
		if (ex->at.ptr[i] == at)
			return 1;
	for (i = 0; i < ex->days.size; i++)
		if (ex->days.ptr[i] == cv_day_of(wall))
			return 1;
	return 0;
}

static int ilist_push(ctx *x, ilist *l, int comp, inst v)
{
	if (++x->ninstances > CV_CALIN_INSTANCES_MAX) {
		err_prop(x, comp, NULL, NULL, "more than %d instances within the term",
			 CV_CALIN_INSTANCES_MAX);
		return CV_EDATA;
	}
	if (Cv_array_ensure(l->v, l->cap, l->n + 1))
		return CV_ENOMEM;
	l->v[l->n++] = v;
	return CV_OK;
}

/*
 * The instances of a VEVENT or AVAILABLE component within the span:
 * DTSTART, RRULEs and RDATEs, less EXDATEs.  For an override (RECURRENCE-ID)
 * *rid is the original instant it replaces.
 */
static int expand(ctx *x, const node *nd, int counts, ilist *out, ilist *rids)
{
	icalcomponent *c = nd->c;
	icalproperty *p, *pe;
	const char *uid = icalcomponent_get_uid(c);
	tval ds, de;
	ends en;
	cands cs = {NULL, 0, 0};
	exset ex = {CV_ARRAY_INIT, CV_ARRAY_INIT};
	int64_t margin = 2 * CV_DAY_SECONDS;
	size_t i;
	int rc = CV_OK, is_override = 0;

	if (!uid)
		uid = "";
	memset(&en, 0, sizeof(en));
	p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
	if (!p) {
		err_prop(x, nd->comp, NULL, NULL, "%s without DTSTART",
			 icalcomponent_kind_to_string(icalcomponent_isa(c)));
		return CV_EDATA;
	}
	if ((rc = get_time(&ds, x, nd->comp, p, icalproperty_get_dtstart(p))))
		return rc;

	if ((pe = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY))) {
		if ((rc = get_time(&de, x, nd->comp, pe, icalproperty_get_dtend(pe))))
			return rc;
		if (de.at < ds.at) {
			err_prop(x, nd->comp, "DTEND", NULL, "DTEND is before DTSTART");
			return CV_EDATA;
		}
		if (de.zone == ds.zone) {
			en.kind = END_WALL;
			en.len = de.wall - ds.wall;
			en.exact = de.at - ds.at;
		} else {
			en.kind = END_EXACT;
			en.len = de.at - ds.at;
		}
	} else if ((pe = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY))) {
		en.kind = END_DURATION;
		en.dur = icalproperty_get_duration(pe);
		if (en.dur.is_neg) {
			err_prop(x, nd->comp, "DURATION", NULL, "negative DURATION");
			return CV_EDATA;
		}
	}
	{
		/* Long instances that start before the span still reach into it. */
		int64_t len = end_of(&en, ds.zone, ds.wall, ds.at, ds.is_date) - ds.at;
		if (len + 2 * CV_DAY_SECONDS > margin)
			margin = len + 2 * CV_DAY_SECONDS;
	}

	if ((rc = cand_push(&cs, ds.wall, INT64_MIN)))
		goto out;
	for (p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
		if ((rc = expand_rrule(x, nd->comp, p, &ds, margin, &cs)))
			goto out;
	}
	for (p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
		struct icaldatetimeperiodtype rd = icalproperty_get_rdate(p);
		tval a, b;
		if (!icalperiodtype_is_null_period(rd.period)) {
			if ((rc = get_time(&a, x, nd->comp, p, rd.period.start)))
				goto out;
			if (!icaltime_is_null_time(rd.period.end)) {
				if ((rc = get_time(&b, x, nd->comp, p, rd.period.end)))
					goto out;
			} else {
				b.at = add_duration(a.zone, a.wall, rd.period.duration);
			}
			rc = cand_push(&cs, cv_zone_to_wall(ds.zone, a.at), b.at);
		} else {
			if ((rc = get_time(&a, x, nd->comp, p, rd.time)))
				goto out;
			rc = cand_push(&cs, a.is_date ? a.wall : cv_zone_to_wall(ds.zone, a.at),
				       INT64_MIN);
		}
		if (rc)
			goto out;
	}
	for (p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
		tval a;
		if ((rc = get_time(&a, x, nd->comp, p, icalproperty_get_exdate(p))))
			goto out;
		rc = a.is_date && !ds.is_date ? Cv_array_push(ex.days, cv_day_of(a.wall))
					      : Cv_array_push(ex.at, a.at);
		if (rc)
			goto out;
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY))) {
		tval a;
		if ((rc = get_time(&a, x, nd->comp, p, icalproperty_get_recurrenceid(p))))
			goto out;
		if ((rc = ilist_push(x, rids, nd->comp, (inst){uid, a.at, a.at, 1, 0})))
			goto out;
		is_override = 1;
	}

	qsort(cs.v, cs.n, sizeof(*cs.v), cand_cmp);
	for (i = 0; i < cs.n; i++) {
		int64_t w = cs.v[i].wall, s, e;
		if (i && cs.v[i - 1].wall == w)
			continue; /* DTSTART is also the rule's first instance */
		s = cv_zone_to_utc(ds.zone, w);
		e = cs.v[i].end != INT64_MIN ? cs.v[i].end : end_of(&en, ds.zone, w, s, ds.is_date);
		if (e < s)
			e = s;
		if (e < x->from || s >= x->to || excluded(&ex, s, w))
			continue;
		if ((rc = ilist_push(x, out, nd->comp, (inst){uid, s, e, is_override, counts})))
			goto out;
	}
out:
	free(cs.v);
	Cv_array_clear(ex.at);
	Cv_array_clear(ex.days);
	return rc;
}

static int rid_cmp(const void *x, const void *y)
{
	const inst *a = x, *b = y;
	int c = strcmp(a->uid, b->uid);
	if (c)
		return c;
	return (a->start > b->start) - (a->start < b->start);
}

/*
 * The union of the counting instances of a group of components (the
 * VEVENTs of a file, the AVAILABLEs of a VAVAILABILITY), with overrides
 * replacing the instances they name.
 */
static int collect(ctx *x, const node *const *group, size_t n, const int *counts,
		   Cv_intervals *out)
{
	ilist all = {NULL, 0, 0}, rids = {NULL, 0, 0};
	size_t i;
	int rc = CV_OK, bad = 0;

	for (i = 0; i < n; i++) {
		rc = expand(x, group[i], counts[i], &all, &rids);
		if (rc == CV_ENOMEM)
			goto out;
		if (rc)
			bad = 1; /* go on: report every bad component */
	}
	if (bad) {
		rc = CV_EDATA;
		goto out;
	}
	if (rids.n)
		qsort(rids.v, rids.n, sizeof(*rids.v), rid_cmp);
	for (i = 0; i < all.n; i++) {
		const inst *v = &all.v[i];
		if (!v->override && rids.n &&
		    bsearch(v, rids.v, rids.n, sizeof(*rids.v), rid_cmp))
			continue; /* replaced by an override */
		if (v->counts && (rc = Cv_intervals_push(out, v->start, v->end)))
			goto out;
	}
	Cv_intervals_norm(out);
	out->size = Cv_intervals_clip(out->ptr, out->size, x->from, x->to);
out:
	free(all.v);
	free(rids.v);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* The three components                                                     */

struct cv_calin {
	Cv_intervals busy, covered, available;
	int has_availability;
};

typedef struct vav {
	int level;        /* 1 = highest priority ... 10 = PRIORITY 0 (undefined) */
	int64_t lo, hi;
	Cv_intervals avail;
} vav;

static int vav_cmp(const void *a, const void *b)
{
	return ((const vav *)a)->level - ((const vav *)b)->level;
}

/* One VAVAILABILITY (nodes[k]): its range, priority and available time. */
static int read_vavailability(ctx *x, const nodes *all, size_t k, vav *out)
{
	const node *nd = &all->v[k];
	icalcomponent *c = nd->c;
	icalproperty *p;
	const node **group = NULL;
	int *counts = NULL;
	size_t i, n = 0;
	tval ds;
	int have_ds = 0, rc;

	memset(out, 0, sizeof(*out));
	out->lo = x->from;
	out->hi = x->to;
	out->level = 10;
	if ((p = icalcomponent_get_first_property(c, ICAL_PRIORITY_PROPERTY))) {
		int pr = icalproperty_get_priority(p);
		if (pr < 0 || pr > 9) {
			err_prop(x, nd->comp, "PRIORITY", NULL, "PRIORITY must be 0..9");
			return CV_EDATA;
		}
		out->level = pr ? pr : 10;
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY))) {
		if ((rc = get_time(&ds, x, nd->comp, p, icalproperty_get_dtstart(p))))
			return rc;
		have_ds = 1;
		if (ds.at > out->lo)
			out->lo = ds.at;
	}
	if ((p = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY))) {
		tval de;
		if ((rc = get_time(&de, x, nd->comp, p, icalproperty_get_dtend(p))))
			return rc;
		if (have_ds && de.at < ds.at) {
			err_prop(x, nd->comp, "DTEND", NULL, "DTEND is before DTSTART");
			return CV_EDATA;
		}
		if (de.at < out->hi)
			out->hi = de.at;
	} else if ((p = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY))) {
		int64_t e;
		if (!have_ds) {
			err_prop(x, nd->comp, "DURATION", NULL, "DURATION without DTSTART");
			return CV_EDATA;
		}
		e = add_duration(ds.zone, ds.wall, icalproperty_get_duration(p));
		if (e < out->hi)
			out->hi = e;
	}
	if (out->hi < out->lo)
		out->hi = out->lo;

	/* Its AVAILABLE children follow it directly in pre-order. */
	group = malloc(all->n * sizeof(*group));
	counts = malloc(all->n * sizeof(*counts));
	if (!group || !counts) {
		rc = CV_ENOMEM;
		goto out;
	}
	for (i = k + 1; i < all->n; i++) {
		if (icalcomponent_get_parent(all->v[i].c) != c)
			continue;
		if (icalcomponent_isa(all->v[i].c) == ICAL_XAVAILABLE_COMPONENT) {
			group[n] = &all->v[i];
			counts[n++] = 1;
		}
	}
	rc = collect(x, group, n, counts, &out->avail);
	if (rc == CV_OK)
		out->avail.size = Cv_intervals_clip(out->avail.ptr, out->avail.size, out->lo,
						    out->hi);
out:
	free(group);
	free(counts);
	return rc;
}

/* Combine VAVAILABILITY components by priority (see calin.h). */
static int combine(cv_calin *cal, vav *v, size_t n)
{
	size_t i = 0, j;
	int rc;

	if (n)
		qsort(v, n, sizeof(*v), vav_cmp);
	while (i < n) {
		Cv_intervals range = CV_ARRAY_INIT, av = CV_ARRAY_INIT;
		for (j = i; j < n && v[j].level == v[i].level; j++) {
			if ((rc = Cv_intervals_push(&range, v[j].lo, v[j].hi)) ||
			    (rc = Cv_intervals_append(&av, v[j].avail.ptr, v[j].avail.size)))
				goto fail;
		}
		Cv_intervals_norm(&range);
		Cv_intervals_norm(&av);
		/* What a higher priority already covers is not this level's to say. */
		if ((rc = Cv_intervals_append_difference(&cal->available, &av, &cal->covered)) ||
		    (rc = Cv_intervals_append(&cal->covered, range.ptr, range.size)))
			goto fail;
		Cv_intervals_norm(&cal->available);
		Cv_intervals_norm(&cal->covered);
		Cv_array_clear(range);
		Cv_array_clear(av);
		i = j;
		continue;
fail:
		Cv_array_clear(range);
		Cv_array_clear(av);
		return rc;
	}
	return CV_OK;
}

static int read_freebusy(ctx *x, const node *nd, Cv_intervals *busy)
{
	icalproperty *p;
	int rc = CV_OK;

	for (p = icalcomponent_get_first_property(nd->c, ICAL_FREEBUSY_PROPERTY); p;
	     p = icalcomponent_get_next_property(nd->c, ICAL_FREEBUSY_PROPERTY)) {
		icalparameter *par = icalproperty_get_first_parameter(p, ICAL_FBTYPE_PARAMETER);
		struct icalperiodtype pd = icalproperty_get_freebusy(p);
		tval a, b;
		int64_t end;

		/* RFC 5545: FBTYPE defaults to BUSY, and unknown types count as BUSY. */
		if (par && icalparameter_get_fbtype(par) == ICAL_FBTYPE_FREE)
			continue;
		if ((rc = get_time(&a, x, nd->comp, p, pd.start)))
			return rc;
		if (!icaltime_is_null_time(pd.end)) {
			if ((rc = get_time(&b, x, nd->comp, p, pd.end)))
				return rc;
			end = b.at;
		} else {
			end = add_duration(a.zone, a.wall, pd.duration);
		}
		if (end < a.at) {
			err_prop(x, nd->comp, "FREEBUSY", NULL, "a FREEBUSY period ends before it starts");
			return CV_EDATA;
		}
		if ((rc = Cv_intervals_push(busy, a.at, end)))
			return rc;
	}
	return rc;
}

static int read_all(ctx *x, cv_calin *cal, icalcomponent *root)
{
	nodes all = {NULL, 0, 0};
	const node **events = NULL;
	int *counts = NULL;
	vav *vs = NULL;
	size_t i, nev = 0, nvav = 0, nfb = 0, ord = 0;
	int rc;

	x->mapped = 1;
	if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
		/* Several VCALENDARs: libical wraps them in a root the scan does not have. */
		icalcomponent *k;
		for (k = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); k;
		     k = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT))
			if ((rc = walk(x, &all, k, &ord)))
				goto out;
	} else if ((rc = walk(x, &all, root, &ord))) {
		goto out;
	}
	if (ord != x->ncomps)
		x->mapped = 0;
	for (i = 0; i < all.n; i++)
		report_lic_errors(x, &all.v[i]);
	if (x->failed) {
		rc = CV_EDATA;
		goto out;
	}

	events = malloc((all.n + 1) * sizeof(*events));
	counts = malloc((all.n + 1) * sizeof(*counts));
	vs = calloc(all.n + 1, sizeof(*vs));
	if (!events || !counts || !vs) {
		rc = CV_ENOMEM;
		goto out;
	}
	for (i = 0; i < all.n; i++) {
		icalcomponent *c = all.v[i].c, *parent = icalcomponent_get_parent(c);
		icalproperty *p;
		int busy = 1;
		if (!parent || icalcomponent_isa(parent) != ICAL_VCALENDAR_COMPONENT)
			continue;
		switch (icalcomponent_isa(c)) {
		case ICAL_VEVENT_COMPONENT:
			if ((p = icalcomponent_get_first_property(c, ICAL_TRANSP_PROPERTY))) {
				icalproperty_transp t = icalproperty_get_transp(p);
				if (t == ICAL_TRANSP_TRANSPARENT || t == ICAL_TRANSP_TRANSPARENTNOCONFLICT)
					busy = 0;
			}
			if ((p = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY)) &&
			    icalproperty_get_status(p) == ICAL_STATUS_CANCELLED)
				busy = 0;
			events[nev] = &all.v[i];
			counts[nev++] = busy;
			break;
		case ICAL_VFREEBUSY_COMPONENT:
			nfb++;
			rc = read_freebusy(x, &all.v[i], &cal->busy);
			if (rc == CV_ENOMEM)
				goto out;
			break;
		case ICAL_VAVAILABILITY_COMPONENT:
			rc = read_vavailability(x, &all, i, &vs[nvav++]);
			if (rc == CV_ENOMEM)
				goto out;
			break;
		default:
			break;
		}
	}
	if (!nev && !nfb && !nvav) {
		err_at(x, 1, 1, "the calendar has no VAVAILABILITY, VFREEBUSY or VEVENT");
		rc = CV_EDATA;
		goto out;
	}
	rc = collect(x, events, nev, counts, &cal->busy);
	if (rc == CV_ENOMEM)
		goto out;
	if (x->failed) {
		rc = CV_EDATA;
		goto out;
	}
	Cv_intervals_norm(&cal->busy);
	cal->busy.size = Cv_intervals_clip(cal->busy.ptr, cal->busy.size, x->from, x->to);
	cal->has_availability = nvav > 0;
	rc = combine(cal, vs, nvav);
out:
	if (vs)
		for (i = 0; i < nvav; i++)
			Cv_array_clear(vs[i].avail);
	free(vs);
	free(events);
	free(counts);
	free(all.v);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* API                                                                      */

void cv_calin_free(cv_calin *c)
{
	if (!c)
		return;
	Cv_array_clear(c->busy);
	Cv_array_clear(c->covered);
	Cv_array_clear(c->available);
	free(c);
}

int cv_calin_parse(cv_calin **out, const char *text, size_t len, const char *path,
		   const cv_zone *zone, int64_t from, int64_t to, cv_errors *errs)
{
	ctx x;
	cv_calin *cal = NULL;
	icalcomponent *root = NULL;
	char *copy = NULL;
	int rc;

	memset(&x, 0, sizeof(x));
	x.path = path;
	x.raw = text;
	x.rawlen = len;
	x.errs = errs;
	x.zone = zone;
	x.from = from;
	x.to = to;
	if ((rc = cv_zone_lookup(&x.utc, "UTC", NULL, 0)))
		return rc;
	if (len > CV_CALIN_FILE_MAX) {
		err_at(&x, 0, 0, "the calendar is larger than %zu bytes", CV_CALIN_FILE_MAX);
		return CV_EDATA;
	}
	if ((rc = scan(&x)))
		goto out;
	cal = calloc(1, sizeof(*cal));
	copy = malloc(len + 1);
	if (!cal || !copy) {
		rc = CV_ENOMEM;
		goto out;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	root = icalparser_parse_string(copy);
	if (!root) {
		err_at(&x, 1, 1, "libical could not read this calendar");
		rc = CV_EDATA;
		goto out;
	}
	rc = read_all(&x, cal, root);
	if (rc == CV_OK && x.failed)
		rc = CV_EDATA;
out:
	if (root)
		icalcomponent_free(root);
	free(copy);
	free(x.buf);
	free(x.lines);
	free(x.comps);
	if (rc) {
		cv_calin_free(cal);
		return rc;
	}
	*out = cal;
	return CV_OK;
}

static const Cv_file_kind calendar_file = {"the calendar", NULL, CV_CALIN_FILE_MAX, 0};
/* A student's calendar in the calendars directory: only "does not exist" means none. */
static const Cv_file_kind student_calendar = {
	"the calendar", NULL, CV_CALIN_FILE_MAX, CV_FILE_ABSENT_OK
};

/* cv_calin_load() for a kind of file: 0 with *out NULL when absent and that is allowed. */
static int load(cv_calin **out, const char *path, const Cv_file_kind *kind,
		const cv_zone *zone, int64_t from, int64_t to, cv_errors *errs)
{
	char *buf;
	size_t n;
	int rc = Cv_file_read(&buf, &n, path, kind, errs);

	if (rc)
		return rc;
	if (!buf) {
		*out = NULL;
		return CV_OK;
	}
	rc = cv_calin_parse(out, buf, n, path, zone, from, to, errs);
	free(buf);
	return rc;
}

int cv_calin_load(cv_calin **out, const char *path, const cv_zone *zone, int64_t from,
		  int64_t to, cv_errors *errs)
{
	return load(out, path, &calendar_file, zone, from, to, errs);
}

const cv_interval *cv_calin_busy(const cv_calin *c, size_t *n)
{
	*n = c->busy.size;
	return c->busy.ptr;
}

const cv_interval *cv_calin_covered(const cv_calin *c, size_t *n)
{
	*n = c->covered.size;
	return c->covered.ptr;
}

const cv_interval *cv_calin_available(const cv_calin *c, size_t *n)
{
	*n = c->available.size;
	return c->available.ptr;
}

int cv_calin_has_availability(const cv_calin *c)
{
	return c->has_availability;
}

int cv_calin_apply(cv_avail *a, const cv_calin *c)
{
	Cv_intervals busy = CV_ARRAY_INIT, base = CV_ARRAY_INIT;
	size_t nw;
	int rc;

	cv_avail_windows(a, &nw, 0);
	if (!nw && !c->has_availability)
		return CV_EDATA;
	if (nw) {
		/* The roster's windows stay; the VAVAILABILITY's busy time is cut from them. */
		rc = Cv_intervals_append_difference(&busy, &c->covered, &c->available);
	} else {
		/* No windows of its own: the available time is all there is. */
		static const cv_window all_day = {0x7F, 0, CV_DAY_MINUTES};
		rc = Cv_intervals_push(&base, -FOREVER, FOREVER);
		if (!rc)
			rc = Cv_intervals_append_difference(&busy, &base, &c->available);
		if (!rc)
			rc = cv_avail_add_windows(a, &all_day, 1, 0);
	}
	if (!rc)
		rc = Cv_intervals_append(&busy, c->busy.ptr, c->busy.size);
	if (!rc) {
		Cv_intervals_norm(&busy);
		rc = cv_avail_add_busy(a, busy.ptr, busy.size);
	}
	Cv_array_clear(busy);
	Cv_array_clear(base);
	return rc;
}

void cv_calin_span(int64_t *from, int64_t *to, const cv_course *course)
{
	*from = cv_zone_to_utc(course->zone, (int64_t)course->start * CV_DAY_SECONDS) -
		2 * CV_DAY_SECONDS;
	*to = cv_zone_to_utc(course->zone, ((int64_t)course->end + 1) * CV_DAY_SECONDS) +
	      2 * CV_DAY_SECONDS;
}

/* dir/name (dir may end in '/'); malloc'd. */
static char *join_path(const char *dir, const char *name, const char *ext)
{
	size_t nd = strlen(dir), nn = strlen(name), ne = strlen(ext);
	int slash = nd && dir[nd - 1] != '/';
	char *p = malloc(nd + (size_t)slash + nn + ne + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, nd);
	if (slash)
		p[nd++] = '/';
	memcpy(p + nd, name, nn);
	memcpy(p + nd + nn, ext, ne + 1);
	return p;
}

/* Warn about calendar files that name no student (a typo in a file name). */
static int warn_strays(const cv_roster *roster, const char *dir, cv_errors *errs)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return CV_OK;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char id[CV_STUDENT_ID_MAX + 1];
		if (n <= 4 || strcasecmp(e->d_name + n - 4, ".ics") != 0 || e->d_name[0] == '.')
			continue;
		if (n - 4 > CV_STUDENT_ID_MAX || strcmp(e->d_name + n - 4, ".ics") != 0 ||
		    (memcpy(id, e->d_name, n - 4), id[n - 4] = '\0', !cv_roster_find(roster, id))) {
			char *p = join_path(dir, e->d_name, "");
			cv_where w = {p ? p : dir, 0, 0};
			cv_errors_warn(errs, &w, 0,
				       "no student in %s has this id; the calendar is not used "
				       "(calendars are named <student-id>.ics)", roster->path);
			free(p);
		}
	}
	closedir(d);
	return CV_OK;
}

int cv_calin_apply_roster(cv_roster *roster, const cv_course *course, cv_errors *errs)
{
	struct stat sb;
	int64_t from, to;
	size_t i;
	int failed = 0, rc;

	if (!course->calendars_dir)
		return CV_OK;
	if (stat(course->calendars_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		/*
		 * No calendars yet: not even a warning, since git keeps no empty
		 * directory and a course may name the directory before anyone
		 * hands in a calendar.  A student who relies on a calendar was
		 * already refused by the roster, naming the missing file.
		 */
		return CV_OK;
	}
	cv_calin_span(&from, &to, course);
	for (i = 0; i < roster->count; i++) {
		cv_student *st = &roster->students[i];
		cv_where wr = {roster->path, st->line, 0};
		cv_calin *cal = NULL;
		char *path;
		size_t nw;

		if (!st->avail)
			continue;
		path = join_path(course->calendars_dir, st->id, ".ics");
		if (!path)
			return CV_ENOMEM;
		cv_avail_windows(st->avail, &nw, 0);
		/* Only a file that does not exist means "no calendar": a dangling link,
		 * no permission or a FIFO is an error, never silently no busy time. */
		rc = load(&cal, path, &student_calendar, st->zone, from, to, errs);
		if (rc == CV_OK && !cal) {
			if (!nw) {
				cv_errors_add(errs, CV_EDATA, &wr, 0,
					      "%s has no available windows and there is no calendar "
					      "file %s", st->id, path);
				failed = 1;
			}
			free(path);
			continue;
		}
		if (rc == CV_OK) {
			rc = cv_calin_apply(st->avail, cal);
			if (rc == CV_EDATA)
				cv_errors_add(errs, CV_EDATA, &wr, 0,
					      "%s has no available windows and %s has no "
					      "VAVAILABILITY: nothing says when the student can attend",
					      st->id, path);
		}
		cv_calin_free(cal);
		free(path);
		if (rc == CV_ENOMEM)
			return rc;
		if (rc)
			failed = 1;
	}
	if ((rc = warn_strays(roster, course->calendars_dir, errs)))
		return rc;
	return failed ? CV_EDATA : CV_OK;
}
