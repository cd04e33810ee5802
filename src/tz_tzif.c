/*
 * tz_tzif.c - read the system's compiled tzdata: TZif files (RFC 8536) and
 * the POSIX TZ rule in their footer, which governs the years after the
 * file's last explicit transition (2037 in Debian's "fat" files).
 *
 * Why not libical's icaltimezone: libical 3.0.16 turns a TZif file into a
 * VTIMEZONE by guessing RRULEs from the transitions, and guesses wrong.
 * Pacific/Easter gets BYMONTHDAY=7,10 for its September change (off by a
 * week in 2020 and 2021), and every zone whose changes after 2037 come
 * from the footer gets a rule anchored at 2038-01-19T03:14:07Z, so its
 * changes land at odd seconds of the wrong hour or with the wrong offset
 * (America/Nuuk, America/Santiago, America/St_Johns, Atlantic/Azores,
 * Australia/Lord_Howe, Pacific/Chatham, ...).  Reading the file exactly as
 * zdump and Python's zoneinfo do removes the guess.
 *
 * Measured, not assumed: the tzdata sweep (tzdata-tests/sweep.py) asks
 * libical's icaltimezone_get_utc_offset_of_utc_time for every zone at the
 * sweep's instants of 2020-2040 and prints where it differs from zdump
 * ("# summary: libical ... differs from zdump in N zones").  With libical
 * 3.0.16 and tzdata 2025b: 11 of 438 zones, 86 of 128400 instants --
 * Pacific/Easter throughout 2020-2040, and from 2038 on America/Miquelon,
 * America/Nuuk, America/Santiago, America/Scoresbysund, America/St_Johns,
 * Antarctica/Troll, Atlantic/Azores, Australia/Lord_Howe, Pacific/Chatham
 * and Pacific/Norfolk -- while convene's offsets agree with zdump at every
 * one of those instants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convene/civil.h"
#include "file_int.h"
#include "tz_int.h"

/* ------------------------------------------------------------------ */
/* POSIX TZ rules.                                                     */

static const char *parse_name(const char *s)
{
	const char *p = s;
	if (*p == '<') {
		while (*p && *p != '>')
			p++;
		return *p == '>' && p - s > 1 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] with hh <= max_hours; stores seconds, sign applied. */
static const char *parse_hms(const char *s, int max_hours, int32_t *out)
{
	int sign = 1, part[3] = {0, 0, 0}, i;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		int v = 0, nd = 0;
		if (i && *s != ':')
			break;
		if (i)
			s++;
		while (*s >= '0' && *s <= '9' && nd < 3) {
			v = v * 10 + (*s++ - '0');
			nd++;
		}
		if (!nd || (i && (nd != 2 || v > 59)))
			return NULL;
		part[i] = v;
	}
	if (part[0] > max_hours)
		return NULL;
	*out = sign * (part[0] * CV_HOUR_SECONDS + part[1] * CV_MINUTE_SECONDS + part[2]);
	return s;
}

static const char *parse_num(const char *s, int lo, int hi, int *out)
{
	int v = 0, nd = 0;
	while (*s >= '0' && *s <= '9' && nd < 4) {
		v = v * 10 + (*s++ - '0');
		nd++;
	}
	if (!nd || v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

static const char *parse_date(const char *s, tz_rule_date *d)
{
	memset(d, 0, sizeof(*d));
	if (*s == 'J') {
		d->kind = 'J';
		s = parse_num(s + 1, 1, 365, &d->day);
	} else if (*s == 'M') {
		d->kind = 'M';
		s = parse_num(s + 1, 1, 12, &d->month);
		if (s && *s == '.')
			s = parse_num(s + 1, 1, 5, &d->week);
		else
			s = NULL;
		if (s && *s == '.')
			s = parse_num(s + 1, 0, 6, &d->day);
		else
			s = NULL;
	} else {
		d->kind = 'n';
		s = parse_num(s, 0, 365, &d->day);
	}
	if (!s)
		return NULL;
	d->time = 2 * CV_HOUR_SECONDS; /* POSIX's default */
	if (*s == '/')
		s = parse_hms(s + 1, 167, &d->time);
	return s;
}

int Cv_tz_rule_parse(tz_rule *out, const char *text)
{
	tz_rule r;
	const char *s = text;
	int32_t v;

	memset(&r, 0, sizeof(r));
	if (!(s = parse_name(s)) || !(s = parse_hms(s, 24, &v)))
		return CV_EDATA;
	r.std = -v; /* POSIX counts hours west of UTC */
	if (*s) {
		if (!(s = parse_name(s)))
			return CV_EDATA;
		r.has_dst = 1;
		r.dst = r.std + CV_HOUR_SECONDS;
		if (*s && *s != ',') {
			if (!(s = parse_hms(s, 24, &v)))
				return CV_EDATA;
			r.dst = -v;
		}
		if (*s == ',') {
			if (!(s = parse_date(s + 1, &r.start)) || *s != ',' ||
			    !(s = parse_date(s + 1, &r.end)))
				return CV_EDATA;
		} else {
			/* No rule: POSIX leaves it to the implementation; glibc uses the US one. */
			tz_rule_date us_start = {'M', 3, 2, 0, 2 * CV_HOUR_SECONDS};
			tz_rule_date us_end = {'M', 11, 1, 0, 2 * CV_HOUR_SECONDS};
			r.start = us_start;
			r.end = us_end;
		}
	}
	if (*s)
		return CV_EDATA;
	*out = r;
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int y, int m)
{
	static const unsigned len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* The day number of a rule date in year y. */
static int32_t rule_day(const tz_rule_date *d, int y)
{
	int32_t jan1 = cv_days_from_civil(y, 1, 1);
	int32_t first, day;
	int wd;

	switch (d->kind) {
	case 'J':
		return jan1 + d->day - 1 + (is_leap(y) && d->day >= 60);
	case 'n':
		return jan1 + d->day;
	default:
		first = cv_days_from_civil(y, (unsigned)d->month, 1);
		wd = (int)((cv_weekday(first) + 1) % 7); /* 0 = Sunday, as POSIX */
		day = 1 + (d->day - wd + 7) % 7 + (d->week - 1) * 7;
		while (day > (int32_t)month_days(y, d->month))
			day -= 7;
		return first + day - 1;
	}
}

struct event {
	int64_t at;
	int year;
	int to_dst;
};

/* The rule's two changes in year y, as UTC instants. */
static void year_events(const tz_rule *r, int y, struct event ev[2])
{
	ev[0].at = (int64_t)rule_day(&r->start, y) * CV_DAY_SECONDS + r->start.time - r->std;
	ev[0].year = y;
	ev[0].to_dst = 1;
	ev[1].at = (int64_t)rule_day(&r->end, y) * CV_DAY_SECONDS + r->end.time - r->dst;
	ev[1].year = y;
	ev[1].to_dst = 0;
}

/* Order by instant; at one instant a later year's change wins. */
static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return 0;
}

int Cv_tz_year_of(int64_t t)
{
	int y;
	unsigned m, d;
	cv_civil_from_days(&y, &m, &d, cv_day_of(t));
	return y;
}

int32_t Cv_tz_rule_offset(const tz_rule *r, int64_t t)
{
	struct event ev[6];
	int y = Cv_tz_year_of(t), i, k;
	int32_t off = r->std;

	if (!r->has_dst)
		return r->std;
	/*
	 * The changes of the years around t, in order: the last one at or
	 * before t decides.  Three years cover rules whose dates or times
	 * spill over New Year (southern summers, permanent DST as
	 * "J365/25"), whatever the year t falls in.
	 */
	for (i = 0; i < 3; i++)
		year_events(r, y - 1 + i, &ev[2 * i]);
	qsort(ev, 6, sizeof(ev[0]), event_cmp);
	for (k = 0; k < 6 && ev[k].at <= t; k++)
		off = ev[k].to_dst ? r->dst : r->std;
	return off;
}

/* ------------------------------------------------------------------ */
/* TZif files.                                                         */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static int read_header(struct counts *c, const unsigned char *p, size_t len)
{
	if (len < 44 || memcmp(p, "TZif", 4))
		return CV_EDATA;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	if (c->type < 1 || c->type > 256 || c->chars > 65536 || c->leap > 10000 ||
	    c->time > TZ_TZIF_MAX_TRANSITIONS || (c->isut && c->isut != c->type) ||
	    (c->isstd && c->isstd != c->type))
		return CV_EDATA;
	return 0;
}

static size_t block_len(const struct counts *c, size_t tsize)
{
	return c->time * tsize + c->time + c->type * 6 + c->chars + c->leap * (tsize + 4) +
	       c->isstd + c->isut;
}

void Cv_tzif_free(tz_tzif *z)
{
	if (!z)
		return;
	free(z->at);
	free(z->off);
	free(z);
}

int Cv_tzif_parse(tz_tzif **out, const unsigned char *data, size_t len)
{
	struct counts c;
	const unsigned char *p = data, *times, *idx, *types;
	size_t tsize = 4, blen, i;
	tz_tzif *z;
	int rc;

	if ((rc = read_header(&c, p, len)))
		return rc;
	blen = block_len(&c, 4);
	if (44 + blen > len)
		return CV_EDATA;
	if (p[4] >= '2') {
		/* Skip the 32-bit block: the 64-bit one after it is complete. */
		p += 44 + blen;
		len -= 44 + blen;
		if ((rc = read_header(&c, p, len)))
			return rc;
		tsize = 8;
		blen = block_len(&c, 8);
		if (44 + blen > len)
			return CV_EDATA;
	}
	if (c.leap)
		return CV_EDATA; /* "right/" files count leap seconds; tzdata.zi names none */
	times = p + 44;
	idx = times + c.time * tsize;
	types = idx + c.time;

	z = calloc(1, sizeof(*z));
	if (!z)
		return CV_ENOMEM;
	if (c.time) {
		z->at = malloc(c.time * sizeof(*z->at));
		z->off = malloc(c.time * sizeof(*z->off));
		if (!z->at || !z->off) {
			Cv_tzif_free(z);
			return CV_ENOMEM;
		}
	}
	z->off0 = (int32_t)be32(types);
	for (i = 0; i < c.time; i++) {
		int64_t at = tsize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
		if (idx[i] >= c.type || (i && at <= z->at[i - 1])) {
			Cv_tzif_free(z);
			return CV_EDATA;
		}
		z->at[i] = at;
		z->off[i] = (int32_t)be32(types + 6 * idx[i]);
	}
	z->n = c.time;
	for (i = 0; i < c.type; i++) {
		int32_t o = (int32_t)be32(types + 6 * i);
		if (o < -25 * CV_HOUR_SECONDS || o > 26 * CV_HOUR_SECONDS) {
			Cv_tzif_free(z);
			return CV_EDATA;
		}
	}
	if (tsize == 8) {
		/* The footer: "\n" POSIX-TZ "\n"; empty means "no rule". */
		const unsigned char *f = p + 44 + blen, *end = p + len;
		const unsigned char *nl;
		char tzs[128];
		if (f >= end || *f != '\n' || !(nl = memchr(f + 1, '\n', (size_t)(end - f - 1))) ||
		    (size_t)(nl - f - 1) >= sizeof(tzs)) {
			Cv_tzif_free(z);
			return CV_EDATA;
		}
		memcpy(tzs, f + 1, (size_t)(nl - f - 1));
		tzs[nl - f - 1] = '\0';
		if (tzs[0]) {
			if (Cv_tz_rule_parse(&z->rule, tzs)) {
				Cv_tzif_free(z);
				return CV_EDATA;
			}
			z->has_rule = 1;
		}
	}
	*out = z;
	return 0;
}

/* Zone files are read through links: tzdata installs many names as links. */
static const Cv_file_kind tzif_file = {"the zone file", NULL, TZ_TZIF_MAX_BYTES, 0};

int Cv_tzif_load(tz_tzif **out, const char *path)
{
	char *buf;
	size_t len;
	int rc = Cv_file_read(&buf, &len, path, &tzif_file, NULL);

	if (rc)
		return rc;
	rc = Cv_tzif_parse(out, (const unsigned char *)buf, len);
	free(buf);
	return rc;
}

int32_t Cv_tzif_offset(const tz_tzif *z, int64_t t)
{
	size_t lo = 0, hi = z->n;

	if (z->n == 0)
		return z->has_rule ? Cv_tz_rule_offset(&z->rule, t) : z->off0;
	if (t < z->at[0])
		return z->off0;
	if (t >= z->at[z->n - 1])
		return z->has_rule ? Cv_tz_rule_offset(&z->rule, t) : z->off[z->n - 1];
	/* The last transition at or before t. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off[lo];
}

static int emit_if_change(const tz_tzif *z, int64_t at, tz_emit_fn emit, void *ctx)
{
	cv_transition tr;
	tr.at = at;
	tr.offset_before = Cv_tzif_offset(z, at - 1);
	tr.offset_after = Cv_tzif_offset(z, at);
	return tr.offset_before != tr.offset_after ? emit(ctx, &tr) : 0;
}

int Cv_tzif_transitions(const tz_tzif *z, int64_t a, int64_t b, tz_emit_fn emit, void *ctx)
{
	size_t lo = 0, hi = z->n, i;
	int64_t last = z->n ? z->at[z->n - 1] : INT64_MIN;
	int rc, y;

	if (b <= a)
		return 0;
	/* The explicit transitions: the first one after a, then on. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < z->n && z->at[i] <= b; i++)
		if ((rc = emit_if_change(z, z->at[i], emit, ctx)))
			return rc;
	if (!z->has_rule || !z->rule.has_dst || b <= last)
		return 0;
	/*
	 * The rule's changes after the last explicit transition, UTC year by
	 * UTC year.  A change can fall in the UTC year before or after the
	 * year whose rule made it, so each UTC year looks at three years of
	 * changes and keeps those inside it: every change comes out once, in
	 * order.
	 */
	if (a < last)
		a = last;
	for (y = Cv_tz_year_of(a); y <= Cv_tz_year_of(b); y++) {
		int64_t from = (int64_t)cv_days_from_civil(y, 1, 1) * CV_DAY_SECONDS;
		int64_t to = (int64_t)cv_days_from_civil(y + 1, 1, 1) * CV_DAY_SECONDS;
		struct event ev[6];
		int k;
		for (k = 0; k < 3; k++)
			year_events(&z->rule, y - 1 + k, &ev[2 * k]);
		qsort(ev, 6, sizeof(ev[0]), event_cmp);
		for (k = 0; k < 6; k++) {
			if (ev[k].at < from || ev[k].at >= to || ev[k].at <= a || ev[k].at > b ||
			    (k && ev[k].at == ev[k - 1].at))
				continue;
			if ((rc = emit_if_change(z, ev[k].at, emit, ctx)))
				return rc;
		}
	}
	return 0;
}
