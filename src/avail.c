/*
 * avail.c - one person's availability: the weekly-window mini-language and
 * the UTC intervals it means over a term (DESIGN.md, time rule 4).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convene/avail.h"
#include "interval_int.h"
#include "utf8_int.h"

/* ---------------------------------------------------------------------- */
/* The mini-language                                                        */

/* Whitespace inside availability text: a spreadsheet cell may hold line breaks. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_blank(const char *s, size_t i, size_t end)
{
	while (i < end && is_blank(s[i]))
		i++;
	return i;
}

/*
 * The length of a range dash at s[i]: 1 for '-', 3 for the en dash (U+2013)
 * and the em dash (U+2014) that word processors and phones put between
 * "Mon" and "Fri" or two times; 0 when there is none.
 */
static size_t dash_len(const char *s, size_t i, size_t end)
{
	const unsigned char *u = (const unsigned char *)s + i;

	if (i < end && s[i] == '-')
		return 1;
	if (i + 2 < end && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x93 || u[2] == 0x94))
		return 3;
	return 0;
}

/*
 * Length of the token at s[i..end) to quote in a message: up to a separator,
 * at most 24 bytes, never cutting a UTF-8 sequence in half.
 */
static int token_len(const char *s, size_t i, size_t end)
{
	size_t j = i;
	while (j < end && j - i < 24 && !is_blank(s[j]) && s[j] != ';' && s[j] != ',')
		j++;
	if (j == i && j < end)
		j++;
	while (j > i + 1 && j < end && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	return (int)(j - i);
}

static const char *const day_full[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
};

/* Every spelling the grammar accepts, for "did you mean" suggestions. */
static const char *const day_words[] = {
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
	"Daily", "Weekdays", "Weekends", NULL
};

#define DAYS_ALL 0x7F
#define DAYS_WEEKDAYS 0x1F
#define DAYS_WEEKENDS 0x60

/*
 * Look up a day word of length len: returns 0..6 for one weekday, 7 + mask
 * for a group (Daily, Weekdays, Weekends), or -1 when unknown.
 */
static int day_lookup(const char *w, size_t len)
{
	static const struct { const char *name; int mask; } groups[] = {
		{"Daily", DAYS_ALL}, {"Weekdays", DAYS_WEEKDAYS}, {"Weekends", DAYS_WEEKENDS}
	};
	unsigned d;
	size_t g;

	for (d = 0; d < 7; d++) {
		if ((len == 3 && strncasecmp(w, day_full[d], 3) == 0) ||
		    (len == strlen(day_full[d]) && strncasecmp(w, day_full[d], len) == 0))
			return (int)d;
	}
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (len == strlen(groups[g].name) && strncasecmp(w, groups[g].name, len) == 0)
			return 7 + groups[g].mask;
	}
	return -1;
}

static int bad_day(const char *s, size_t i, size_t len, const cv_where *where, cv_errors *errs)
{
	char word[32];
	const char *near;

	if (len >= sizeof(word))
		len = sizeof(word) - 1;
	memcpy(word, s + i, len);
	word[len] = '\0';
	near = Cv_closest_word(word, day_words);
	if (near)
		return cv_errors_add(errs, CV_EDATA, where, (unsigned)i,
				     "unknown day \"%s\"; did you mean %s?", word, near);
	return cv_errors_add(errs, CV_EDATA, where, (unsigned)i,
			     "unknown day \"%s\"; use Mon..Sun, Daily, Weekdays or Weekends", word);
}

/*
 * The length of an "am"/"pm" marker at s[i] ("am", "PM", "a.m.", also after
 * blanks: "6:30 PM"), 0 when there is none; *pm says which.
 */
static size_t meridiem_len(const char *s, size_t i, size_t end, int *pm)
{
	size_t p = skip_blank(s, i, end);
	int c = p < end ? tolower((unsigned char)s[p]) : 0;

	if (c != 'a' && c != 'p')
		return 0;
	*pm = c == 'p';
	p++;
	if (p < end && s[p] == '.')
		p++;
	if (p >= end || tolower((unsigned char)s[p]) != 'm')
		return 0;
	p++;
	if (p < end && s[p] == '.')
		p++;
	if (p < end && isalnum((unsigned char)s[p]))
		return 0;
	return p - i;
}

/*
 * Parse a clock time at s[*i]: "HH:MM" or "H:MM" (24-hour clock), or a
 * 12-hour time "6pm", "6:30 PM", "12am" (midnight), "12pm" (noon).  24:00
 * (and 12am as an end: the next midnight) only when allow_24.  Stores
 * minutes after midnight and advances *i.
 */
static int parse_time(unsigned *out, const char *s, size_t *i, size_t end, int allow_24,
		      const cv_where *where, cv_errors *errs)
{
	size_t p = *i, nd = 0, mer;
	unsigned h = 0, m = 0;
	int colon, pm = 0;

	while (p < end && isdigit((unsigned char)s[p]) && nd < 3) {
		h = h * 10 + (unsigned)(s[p] - '0');
		p++;
		nd++;
	}
	colon = p + 2 < end && s[p] == ':' && isdigit((unsigned char)s[p + 1]) &&
		isdigit((unsigned char)s[p + 2]);
	if (colon) {
		m = (unsigned)(s[p + 1] - '0') * 10 + (unsigned)(s[p + 2] - '0');
		p += 3;
	}
	mer = nd && nd <= 2 ? meridiem_len(s, p, end, &pm) : 0;
	if (nd == 0 || nd > 2 || (!colon && !mer) ||
	    (!mer && p < end && (isalnum((unsigned char)s[p]) || s[p] == ':'))) {
		if (nd && nd <= 2 && !colon && h <= 24 &&
		    (p >= end || (!isalnum((unsigned char)s[p]) && s[p] != ':')))
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)*i,
					     "\"%.*s\" needs minutes or am/pm: write %02u:00, or %upm "
					     "or %uam", (int)(p - *i), s + *i, h, h % 12 ? h % 12 : 12,
					     h % 12 ? h % 12 : 12);
		return cv_errors_add(errs, CV_EDATA, where, (unsigned)*i,
				     "expected a time HH:MM (24-hour clock) or with am/pm (6pm, "
				     "6:30 PM), got \"%.*s\"", token_len(s, *i, end), s + *i);
	}
	if (m > 59)
		return cv_errors_add(errs, CV_EDATA, where, (unsigned)(p - 2),
				     "minute %02u does not exist (00-59)", m);
	if (mer) {
		if (h < 1 || h > 12)
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)*i,
					     "hour %u does not exist on a 12-hour clock (1-12 with "
					     "am/pm); write %02u:%02u for the 24-hour clock", h,
					     h > 24 ? 0 : h, m);
		h = h % 12 + (pm ? 12 : 0); /* 12am is midnight, 12pm noon */
		if (h == 0 && m == 0 && allow_24)
			h = 24; /* "6pm-12am": the next midnight */
		p += mer;
	} else if (h == 24 && m == 0) {
		if (!allow_24)
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)*i,
					     "24:00 can only end a window; a window starting at midnight starts at 00:00");
	} else if (h > 23) {
		return cv_errors_add(errs, CV_EDATA, where, (unsigned)*i,
				     "hour %u does not exist (00-23, or 24:00 as an end)", h);
	}
	*out = h * CV_HOUR_MINUTES + m;
	*i = p;
	return CV_OK;
}

/* Parse the day list at s[*i..end) into a weekday mask; advances *i to the times. */
static int parse_days(unsigned *mask, const char *s, size_t *i, size_t end,
		      const cv_where *where, cv_errors *errs)
{
	size_t p = *i;
	unsigned days = 0;

	for (;;) {
		size_t w0 = p, w1;
		int a, b;

		if (p < end && isdigit((unsigned char)s[p]))
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)p,
					     days ? "expected a day after ','"
						  : "expected days before the time (e.g. \"Daily 18:00-22:00\" or \"Mon-Fri 18:00-22:00\")");
		while (p < end && isalpha((unsigned char)s[p]))
			p++;
		if (p == w0)
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)p,
					     "expected a day (Mon..Sun, Daily, Weekdays, Weekends), got \"%.*s\"",
					     token_len(s, p, end), s + p);
		a = day_lookup(s + w0, p - w0);
		if (a < 0)
			return bad_day(s, w0, p - w0, where, errs);
		p = skip_blank(s, p, end);
		if (dash_len(s, p, end)) {
			p = skip_blank(s, p + dash_len(s, p, end), end);
			w1 = p;
			while (p < end && isalpha((unsigned char)s[p]))
				p++;
			if (p == w1)
				return cv_errors_add(errs, CV_EDATA, where, (unsigned)w1,
						     "expected a day after '-', got \"%.*s\"",
						     token_len(s, w1, end), s + w1);
			b = day_lookup(s + w1, p - w1);
			if (b < 0)
				return bad_day(s, w1, p - w1, where, errs);
			if (a > 6 || b > 6)
				return cv_errors_add(errs, CV_EDATA, where, (unsigned)(a > 6 ? w0 : w1),
						     "a day range runs between two single days, like Mon-Fri");
			/* Ranges wrap around the week: Sun-Thu is Sun, Mon, ..., Thu. */
			for (;;) {
				days |= 1u << a;
				if (a == b)
					break;
				a = (a + 1) % 7;
			}
			p = skip_blank(s, p, end);
		} else {
			days |= a > 6 ? (unsigned)(a - 7) : 1u << a;
		}
		if (p < end && s[p] == ',') {
			p = skip_blank(s, p + 1, end);
			continue;
		}
		break;
	}
	*mask = days;
	*i = p;
	return CV_OK;
}

/* The windows parsed so far (at most CV_WINDOWS_MAX). */
typedef Cv_array_t(cv_window) wlist;

/* Parse one entry s[b..end) ("days times"); an empty entry is ignored. */
static int parse_entry(wlist *l, const char *s, size_t b, size_t end, const cv_where *where,
		       cv_errors *errs)
{
	size_t first = skip_blank(s, b, end), i = first;
	unsigned days = 0;
	int rc;

	if (i == end)
		return CV_OK;
	rc = parse_days(&days, s, &i, end, where, errs);
	if (rc)
		return rc;
	if (i == end)
		return cv_errors_add(errs, CV_EDATA, where, (unsigned)i,
				     "missing time range after the days (e.g. \"%.*s 18:00-22:00\")",
				     (int)(i - first > 40 ? 40 : i - first), s + first);
	for (;;) {
		unsigned start, stop;
		cv_window w;
		size_t t0 = i;

		rc = parse_time(&start, s, &i, end, 0, where, errs);
		if (rc)
			return rc;
		i = skip_blank(s, i, end);
		if (!dash_len(s, i, end))
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)(i < end ? i : t0),
					     "expected '-' and an end time after %.*s (e.g. 18:00-22:00)",
					     (int)(i - t0 > 8 ? 8 : i - t0), s + t0);
		i = skip_blank(s, i + dash_len(s, i, end), end);
		if (i >= end)
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)t0,
					     "missing end time in \"%.*s\"", (int)(i - t0), s + t0);
		rc = parse_time(&stop, s, &i, end, 1, where, errs);
		if (rc)
			return rc;
		if (l->size == CV_WINDOWS_MAX)
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)t0,
					     "more than %d windows", CV_WINDOWS_MAX);
		/* An end of 00:00 is never after the start, so it is the next
		 * midnight: the same instant as 24:00, which is how it is kept. */
		if (stop == 0)
			stop = CV_DAY_MINUTES;
		w.days = (uint8_t)days;
		w.start = (uint16_t)start;
		w.end = (uint16_t)stop;
		if (Cv_array_push(*l, w))
			return CV_ENOMEM;
		i = skip_blank(s, i, end);
		if (i == end)
			return CV_OK;
		if (s[i] == ',') {
			i = skip_blank(s, i + 1, end);
			continue;
		}
		return cv_errors_add(errs, CV_EDATA, where, (unsigned)i,
				     "unexpected \"%.*s\" after a time range; separate entries with ';' "
				     "and times with ','", token_len(s, i, end), s + i);
	}
}

int cv_windows_entry_follows(const char *text, size_t len)
{
	size_t i = skip_blank(text, 0, len), j = i;

	while (j < len && isalpha((unsigned char)text[j]))
		j++;
	if (j == i || day_lookup(text + i, j - i) < 0)
		return 0;
	return j == len || is_blank(text[j]) || dash_len(text, j, len) || text[j] == ',';
}

int cv_windows_parse(cv_window **out, size_t *n, const char *text, const cv_where *where,
		     cv_errors *errs)
{
	wlist l = CV_ARRAY_INIT;
	size_t len = strlen(text), b = 0;
	int rc = CV_OK;

	/* Each entry is parsed on its own so that every bad entry is reported. */
	while (b <= len) {
		const char *semi = memchr(text + b, ';', len - b);
		size_t e = semi ? (size_t)(semi - text) : len;
		int r = parse_entry(&l, text, b, e, where, errs);
		if (r == CV_ENOMEM) {
			rc = r;
			break;
		}
		if (r)
			rc = r;
		b = e + 1;
	}
	if (rc) {
		Cv_array_clear(l);
		return rc;
	}
	*out = l.ptr;
	*n = l.size;
	return CV_OK;
}

/* Append formatted text to buf at *pos, never overflowing. */
static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*pos + 1 >= size)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	*pos += (size_t)k;
	if (*pos >= size)
		*pos = size - 1;
}

static void format_days(char *buf, size_t size, size_t *pos, unsigned mask)
{
	unsigned d;
	int first = 1;

	mask &= DAYS_ALL;
	if (mask == DAYS_ALL) {
		append(buf, size, pos, "Daily");
		return;
	}
	/* Runs of consecutive days, wrapping, each written from where it starts. */
	for (d = 0; d < 7; d++) {
		unsigned e = d, len = 1;
		if (!(mask & (1u << d)) || (mask & (1u << ((d + 6) % 7))))
			continue;
		while (mask & (1u << ((e + 1) % 7))) {
			e = (e + 1) % 7;
			len++;
		}
		append(buf, size, pos, "%s%s", first ? "" : ",", cv_weekday_name(d));
		if (len > 1)
			append(buf, size, pos, "-%s", cv_weekday_name(e));
		first = 0;
	}
}

void cv_windows_format(char *buf, size_t size, const cv_window *w, size_t n)
{
	size_t pos = 0, i;

	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int same = i > 0 && w[i].days == w[i - 1].days;
		if (!same) {
			if (i > 0)
				append(buf, size, &pos, "; ");
			format_days(buf, size, &pos, w[i].days);
			append(buf, size, &pos, " ");
		} else {
			append(buf, size, &pos, ", ");
		}
		append(buf, size, &pos, "%02u:%02u-%02u:%02u", w[i].start / 60u, w[i].start % 60u,
		       w[i].end / 60u, w[i].end % 60u);
	}
}

/* ---------------------------------------------------------------------- */
/* Availability                                                             */

struct cv_avail {
	const cv_zone *zone;
	cv_window *win[2]; /* [0] available, [1] preferred */
	size_t nwin[2];
	cv_daterange *away; /* sorted, merged */
	size_t naway;
	cv_interval *busy;  /* sorted, merged (adjacent joined) */
	size_t nbusy;
};

int cv_avail_new(cv_avail **out, const cv_zone *zone)
{
	cv_avail *a;

	if (!zone)
		return CV_EDATA;
	a = calloc(1, sizeof(*a));
	if (!a)
		return CV_ENOMEM;
	a->zone = zone;
	*out = a;
	return CV_OK;
}

void cv_avail_free(cv_avail *a)
{
	if (!a)
		return;
	free(a->win[0]);
	free(a->win[1]);
	free(a->away);
	free(a->busy);
	free(a);
}

int cv_avail_add_windows(cv_avail *a, const cv_window *w, size_t n, int preferred)
{
	int k = preferred ? 1 : 0;
	cv_window *p;
	size_t i;

	if (!n)
		return CV_OK;
	for (i = 0; i < n; i++) {
		if (!(w[i].days & DAYS_ALL) || w[i].start >= CV_DAY_MINUTES || w[i].end < 1 ||
		    w[i].end > CV_DAY_MINUTES)
			return CV_EDATA;
	}
	p = realloc(a->win[k], (a->nwin[k] + n) * sizeof(*p));
	if (!p)
		return CV_ENOMEM;
	memcpy(p + a->nwin[k], w, n * sizeof(*p));
	a->win[k] = p;
	a->nwin[k] += n;
	return CV_OK;
}

static int range_cmp(const void *x, const void *y)
{
	const cv_daterange *a = x, *b = y;
	return (a->first > b->first) - (a->first < b->first);
}

int cv_avail_add_away(cv_avail *a, const cv_daterange *r, size_t n)
{
	cv_daterange *p;
	size_t i, k, total;

	if (!n)
		return CV_OK;
	total = a->naway + n;
	p = realloc(a->away, total * sizeof(*p));
	if (!p)
		return CV_ENOMEM;
	memcpy(p + a->naway, r, n * sizeof(*p));
	qsort(p, total, sizeof(*p), range_cmp);
	for (i = 1, k = 0; i < total; i++) {
		if (p[i].first <= p[k].last + 1) {
			if (p[i].last > p[k].last)
				p[k].last = p[i].last;
		} else {
			p[++k] = p[i];
		}
	}
	a->away = p;
	a->naway = k + 1;
	return CV_OK;
}

int cv_avail_add_busy(cv_avail *a, const cv_interval *iv, size_t n)
{
	cv_interval *p;

	if (!n)
		return CV_OK;
	p = realloc(a->busy, (a->nbusy + n) * sizeof(*p));
	if (!p)
		return CV_ENOMEM;
	a->busy = p;
	memcpy(p + a->nbusy, iv, n * sizeof(*p));
	a->nbusy = Cv_intervals_normalize(p, a->nbusy + n);
	return CV_OK;
}

const cv_zone *cv_avail_zone(const cv_avail *a)
{
	return a->zone;
}

const cv_window *cv_avail_windows(const cv_avail *a, size_t *n, int preferred)
{
	int k = preferred ? 1 : 0;
	*n = a->nwin[k];
	return a->win[k];
}

const cv_daterange *cv_avail_away(const cv_avail *a, size_t *n)
{
	*n = a->naway;
	return a->away;
}

const cv_interval *cv_avail_busy(const cv_avail *a, size_t *n)
{
	*n = a->nbusy;
	return a->busy;
}

/*
 * The windows win[0..nwin) on local date d as UTC intervals into v (room
 * for nwin); returns how many.  Away dates take out whole local days
 * (DESIGN.md time rule 4): a window on an away date is gone, an overnight
 * window keeps only the part on the date that is not away.
 */
static size_t day_windows(cv_interval *v, const cv_avail *a, const cv_window *win, size_t nwin,
			  int32_t d)
{
	unsigned wd = cv_weekday(d);
	int64_t midnight = (int64_t)d * CV_DAY_SECONDS;
	int away_today = cv_dates_contain(a->away, a->naway, d);
	size_t i, m = 0;

	for (i = 0; i < nwin; i++) {
		const cv_window *w = &win[i];
		int64_t ws, we, s, e;
		if (!(w->days & (1u << wd)))
			continue;
		ws = midnight + (int64_t)w->start * CV_MINUTE_SECONDS;
		if (w->end > w->start) {
			/* Ends on the same date, or at the next midnight (24:00). */
			if (away_today)
				continue;
			we = midnight + (int64_t)w->end * CV_MINUTE_SECONDS;
		} else if (cv_dates_contain(a->away, a->naway, d + 1)) {
			/* Overnight into an away date: cut at the local midnight. */
			if (away_today)
				continue;
			we = midnight + CV_DAY_SECONDS;
		} else {
			/* Overnight out of an away date: from the next midnight on. */
			if (away_today)
				ws = midnight + CV_DAY_SECONDS;
			we = midnight + CV_DAY_SECONDS + (int64_t)w->end * CV_MINUTE_SECONDS;
		}
		s = cv_zone_to_utc(a->zone, ws);
		e = cv_zone_to_utc(a->zone, we);
		if (e > s)
			v[m++] = (cv_interval){s, e};
	}
	return m;
}

int cv_avail_intervals(cv_interval **out, size_t *n, const cv_avail *a, int64_t from, int64_t to,
		       int preferred)
{
	int k = preferred ? 1 : 0;
	const cv_window *win = a->win[k];
	size_t nwin = a->nwin[k], cap, m = 0, nb;
	int32_t d0, d1, d;
	cv_interval *v, *res;

	if (from >= to || !nwin) {
		*out = NULL;
		*n = 0;
		return CV_OK;
	}
	/*
	 * Local dates whose windows can touch [from, to): a window lasts at most
	 * a day and offsets move by at most a day, so one day wider on each side
	 * is enough; two on the left also covers a window that starts the day
	 * before and runs 24 hours.
	 */
	d0 = cv_day_of(cv_zone_to_wall(a->zone, from)) - 2;
	d1 = cv_day_of(cv_zone_to_wall(a->zone, to)) + 1;
	cap = (size_t)(d1 - d0 + 1) * nwin;
	v = malloc(cap * sizeof(*v));
	if (!v)
		return CV_ENOMEM;
	for (d = d0; d <= d1; d++)
		m += day_windows(v + m, a, win, nwin, d);
	m = Cv_intervals_normalize(v, m);

	/* A subtraction adds at most one piece per busy interval. */
	nb = a->nbusy;
	res = malloc((m + nb + 1) * sizeof(*res));
	if (!res) {
		free(v);
		return CV_ENOMEM;
	}
	m = Cv_intervals_subtract(res, v, m, a->busy, nb);
	free(v);

	m = Cv_intervals_clip(res, m, from, to);
	if (!m) {
		free(res);
		res = NULL;
	}
	*out = res;
	*n = m;
	return CV_OK;
}

int cv_avail_is_away(const cv_avail *a, int64_t instant)
{
	return cv_dates_contain(a->away, a->naway, cv_day_of(cv_zone_to_wall(a->zone, instant)));
}

int cv_avail_is_busy(const cv_avail *a, int64_t start, int64_t end)
{
	size_t lo = 0, hi = a->nbusy;

	if (end <= start)
		return 0;
	/* The first busy interval that ends after `start`. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->busy[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < a->nbusy && a->busy[lo].start < end;
}
