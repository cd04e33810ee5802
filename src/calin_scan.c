/*
 * calin_scan.c - the text of a calendar file, before libical reads it:
 * unfolded, checked line by line (NAME[;params]:value, balanced BEGIN/END)
 * and indexed, so that a problem found later can be reported at the line of
 * its property.  Components are matched to libical's tree by their order in
 * the file (both are pre-order).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array_int.h"
#include "calin_int.h"
#include "utf8_int.h"

/* Components nested deeper than this are refused. */
#define NEST_MAX 64

/* The components open at the current line, outermost first. */
typedef struct nest {
	int stack[NEST_MAX];
	size_t depth;
	int seen_calendar;
} nest;

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

void Cv_calin_err_at(ctx *x, unsigned line, unsigned col, const char *fmt, ...)
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

void Cv_calin_err_prop(ctx *x, int comp, const char *name, const char *needle,
		       const char *fmt, ...)
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

/* 1 when l is NAME[;params]:value (and l->value is set); else reports why not. */
static int content_line(ctx *x, sline *l)
{
	const char *t = ltext(x, l);
	size_t i = 0, n = l->len;
	int quoted = 0;
	unsigned line, col;

	while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '-'))
		i++;
	if (i == 0 || i == n || (t[i] != ';' && t[i] != ':')) {
		pos_in(x, l, i, &line, &col);
		Cv_calin_err_at(x, line, col,
				"expected a content line NAME:VALUE or NAME;PARAM=...:VALUE");
		return 0;
	}
	for (; i < n; i++) {
		if (t[i] == '"')
			quoted = !quoted;
		else if (t[i] == ':' && !quoted)
			break;
	}
	if (i == n) {
		pos_in(x, l, n, &line, &col);
		Cv_calin_err_at(x, line, col, "missing ':' before the value");
		return 0;
	}
	l->value = i + 1;
	return 1;
}

/* BEGIN:NAME opens a component (the outermost must be a VCALENDAR). */
static int begin_component(ctx *x, sline *l, nest *ns)
{
	const char *t = ltext(x, l);
	scomp c;
	size_t k;

	if (x->ncomps >= CV_CALIN_COMPONENTS_MAX) {
		Cv_calin_err_at(x, l->line, 1, "more than %d components", CV_CALIN_COMPONENTS_MAX);
		return CV_EDATA;
	}
	memset(&c, 0, sizeof(c));
	for (k = 0; k + 1 < sizeof(c.name) && t[l->value + k]; k++)
		c.name[k] = (char)toupper((unsigned char)t[l->value + k]);
	c.line = l->line;
	c.begin = x->nlines;
	if (!ns->depth && strcmp(c.name, "VCALENDAR") != 0) {
		Cv_calin_err_at(x, l->line, 1, "expected BEGIN:VCALENDAR, got BEGIN:%s", c.name);
		return CV_EDATA;
	}
	if (ns->depth >= NEST_MAX) {
		Cv_calin_err_at(x, l->line, 1, "components nested more than %d deep", NEST_MAX);
		return CV_EDATA;
	}
	if (Cv_array_ensure(x->comps, x->capcomps, x->ncomps + 1))
		return CV_ENOMEM;
	x->comps[x->ncomps] = c;
	ns->stack[ns->depth++] = (int)x->ncomps;
	l->comp = (int)x->ncomps++;
	ns->seen_calendar = 1;
	return push_line(x, l);
}

/* END:NAME must close the innermost open component. */
static int end_component(ctx *x, const sline *l, nest *ns)
{
	const char *name = ltext(x, l) + l->value;
	const scomp *open = &x->comps[ns->stack[ns->depth - 1]];
	unsigned line, col;

	if (strncasecmp(name, open->name, sizeof(open->name) - 1) != 0 ||
	    (strlen(name) < sizeof(open->name) - 1 && strlen(name) != strlen(open->name))) {
		pos_in(x, l, l->value, &line, &col);
		Cv_calin_err_at(x, line, col, "END:%s does not close BEGIN:%s of line %u", name,
				open->name, open->line);
		return CV_EDATA;
	}
	ns->depth--;
	return CV_OK;
}

/* Check one unfolded line and track BEGIN/END. */
static int scan_line(ctx *x, sline *l, nest *ns)
{
	int rc;

	if (!content_line(x, l))
		return CV_OK; /* reported; go on to find more */
	if (name_is(x, l, "BEGIN"))
		return begin_component(x, l, ns);
	if (!ns->depth) {
		Cv_calin_err_at(x, l->line, 1, "content outside BEGIN:VCALENDAR ... END:VCALENDAR");
		return CV_EDATA;
	}
	l->comp = ns->stack[ns->depth - 1];
	if (name_is(x, l, "END") && (rc = end_component(x, l, ns)))
		return rc;
	return push_line(x, l);
}

/* Refuse what is not text (bad UTF-8, NUL, controls) at the bad byte's line and column. */
static int check_text(ctx *x)
{
	const char *what;
	size_t bad = Cv_text_check(x->raw, x->rawlen, 1, &what), k;
	unsigned line = 1, col = 1;

	if (bad >= x->rawlen)
		return CV_OK;
	for (k = 0; k < bad; k++) {
		if (x->raw[k] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	Cv_calin_err_at(x, line, col, "%s", what);
	return CV_EDATA;
}

/* Physical line raw[b..e) starts a logical line: copy it to x->buf as cur. */
static int start_line(ctx *x, sline *cur, size_t b, size_t e, unsigned lineno)
{
	if (is_fold(x->raw, b, e)) {
		Cv_calin_err_at(x, lineno, 1, "a continuation line with no line before it");
		return CV_EDATA;
	}
	if (e - b > CV_CALIN_LINE_MAX) {
		Cv_calin_err_at(x, lineno, 1, "content line longer than %d bytes", CV_CALIN_LINE_MAX);
		return CV_EDATA;
	}
	memset(cur, 0, sizeof(*cur));
	cur->raw = b;
	cur->line = lineno;
	cur->text = x->nbuf;
	cur->len = e - b;
	memcpy(x->buf + x->nbuf, x->raw + b, e - b);
	x->nbuf += e - b;
	return CV_OK;
}

/* A continuation raw[b..e) of cur: its first blank is the fold and goes. */
static int continue_line(ctx *x, sline *cur, size_t b, size_t e)
{
	if (cur->len + (e - b - 1) > CV_CALIN_LINE_MAX) {
		Cv_calin_err_at(x, cur->line, 1, "content line longer than %d bytes",
				CV_CALIN_LINE_MAX);
		return CV_EDATA;
	}
	memcpy(x->buf + x->nbuf, x->raw + b + 1, e - b - 1);
	x->nbuf += e - b - 1;
	cur->len += e - b - 1;
	return CV_OK;
}

/* The logical line cur is complete: terminate and check it. */
static int finish_line(ctx *x, sline *cur, nest *ns)
{
	x->buf[x->nbuf++] = '\0';
	return scan_line(x, cur, ns);
}

/* After the last line: a calendar was there, and everything opened was closed. */
static int check_end(ctx *x, const nest *ns)
{
	if (x->failed)
		return CV_EDATA;
	if (!ns->seen_calendar) {
		Cv_calin_err_at(x, 1, 1, "not an iCalendar file: no BEGIN:VCALENDAR");
		return CV_EDATA;
	}
	if (ns->depth) {
		const scomp *c = &x->comps[ns->stack[ns->depth - 1]];
		Cv_calin_err_at(x, c->line, 1, "BEGIN:%s is never closed by END:%s", c->name,
				c->name);
		return CV_EDATA;
	}
	return CV_OK;
}

int Cv_calin_scan(ctx *x)
{
	const char *s = x->raw;
	size_t n = x->rawlen, i = 0;
	unsigned lineno = 0;
	int rc, open = 0;
	sline cur;
	nest ns;

	if ((rc = check_text(x)))
		return rc;
	x->buf = malloc(n + 1);
	if (!x->buf)
		return CV_ENOMEM;
	memset(&cur, 0, sizeof(cur));
	memset(&ns, 0, sizeof(ns));
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
			if ((rc = continue_line(x, &cur, b, e)))
				return rc;
			continue;
		}
		if (open) {
			rc = finish_line(x, &cur, &ns);
			open = 0;
		}
		if (rc || e == b)
			continue; /* blank lines are tolerated */
		if ((rc = start_line(x, &cur, b, e, lineno)))
			return rc;
		open = 1;
	}
	if (open && rc == CV_OK)
		rc = finish_line(x, &cur, &ns);
	return rc ? rc : check_end(x, &ns);
}

/* ---------------------------------------------------------------------- */
/* libical's tree, matched to the scan                                      */

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
			Cv_calin_err_prop(x, nd->comp, "RRULE", val, "RRULE cannot be parsed: \"%s\"",
					  val ? val : "");
		else if (name[0] && val)
			Cv_calin_err_prop(x, nd->comp, name, val, "bad %s value \"%s\"", name, val);
		else
			Cv_calin_err_prop(x, nd->comp, name[0] ? name : NULL, NULL, "%s", msg);
	}
}

int Cv_calin_map(ctx *x, icalcomponent *root, nodes *out)
{
	size_t i, ord = 0;
	int rc;

	x->mapped = 1;
	if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
		/* Several VCALENDARs: libical wraps them in a root the scan does not have. */
		icalcomponent *k;
		for (k = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); k;
		     k = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT))
			if ((rc = walk(x, out, k, &ord)))
				return rc;
	} else if ((rc = walk(x, out, root, &ord))) {
		return rc;
	}
	if (ord != x->ncomps)
		x->mapped = 0;
	for (i = 0; i < out->n; i++)
		report_lic_errors(x, &out->v[i]);
	return x->failed ? CV_EDATA : CV_OK;
}
