/*
 * course.c - the course file (INI), see DESIGN.md "Inputs".
 *
 * libinih drives the parse, but Debian's build of it reads at most 200
 * bytes per line (longer lines are cut), treats an indented line as the
 * continuation of the previous value, accepts ':' as well as '=' and strips
 * inline ';' comments only in some builds.  None of that may change what a
 * course file means, and every diagnostic needs an exact column.  So our
 * reader callback lexes each raw line itself (recording the section, key,
 * value and their columns) and hands inih a short normalized stand-in; the
 * handler then takes the real text from the reader's state.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ini.h>

#include "convene/course.h"
#include "file_int.h"
#include "utf8_int.h"

enum section {
	SEC_NONE = -1,    /* before the first section header */
	SEC_UNKNOWN = -2, /* inside a section we do not know (already reported) */
	SEC_COURSE = 0,
	SEC_SESSIONS,
	SEC_RECORDING,
	SEC_ALTERNATIVE,
	SEC_COUNT
};

static const char *const section_names[] = {"course", "sessions", "recording", "alternative", NULL};

enum key {
	K_ID, K_TITLE, K_TIMEZONE, K_START, K_END, K_HOLIDAYS, K_ROSTER, K_CALENDARS,
	K_UID_DOMAIN, K_JOIN_URL, K_ENROL, K_ANSWERS,
	K_MODE, K_COUNT, K_DURATION, K_GRANULARITY, K_WINDOW, K_MIN_GAP, K_OBJECTIVE,
	K_MIN_SHARE, K_CAPACITY, K_EVERY, K_FIRST,
	K_URL, K_AVAILABLE_AFTER,
	K_TASK, K_DUE,
	K_NKEYS
};

static const struct keydef {
	const char *name;
	int section;
	int required;
} keys[K_NKEYS] = {
	[K_ID] = {"id", SEC_COURSE, 1},
	[K_TITLE] = {"title", SEC_COURSE, 0},
	[K_TIMEZONE] = {"timezone", SEC_COURSE, 1},
	[K_START] = {"start", SEC_COURSE, 1},
	[K_END] = {"end", SEC_COURSE, 1},
	[K_HOLIDAYS] = {"holidays", SEC_COURSE, 0},
	[K_ROSTER] = {"roster", SEC_COURSE, 1},
	[K_CALENDARS] = {"calendars", SEC_COURSE, 0},
	[K_UID_DOMAIN] = {"uid-domain", SEC_COURSE, 0},
	[K_JOIN_URL] = {"join-url", SEC_COURSE, 0},
	[K_ENROL] = {"enrol", SEC_COURSE, 0},
	[K_ANSWERS] = {"answers", SEC_COURSE, 0},
	[K_MODE] = {"mode", SEC_SESSIONS, 0},
	[K_COUNT] = {"count", SEC_SESSIONS, 1},
	[K_DURATION] = {"duration", SEC_SESSIONS, 1},
	[K_GRANULARITY] = {"granularity", SEC_SESSIONS, 0},
	[K_WINDOW] = {"window", SEC_SESSIONS, 1},
	[K_MIN_GAP] = {"min-gap", SEC_SESSIONS, 0},
	[K_OBJECTIVE] = {"objective", SEC_SESSIONS, 0},
	[K_MIN_SHARE] = {"min-share", SEC_SESSIONS, 0},
	[K_CAPACITY] = {"capacity", SEC_SESSIONS, 0},
	[K_EVERY] = {"every", SEC_SESSIONS, 0},
	[K_FIRST] = {"first", SEC_SESSIONS, 0},
	[K_URL] = {"url", SEC_RECORDING, 0},
	[K_AVAILABLE_AFTER] = {"available-after", SEC_RECORDING, 0},
	[K_TASK] = {"task", SEC_ALTERNATIVE, 0},
	[K_DUE] = {"due", SEC_ALTERNATIVE, 0},
};

#define DEFAULT_TASK "Watch the recording and post a response in the discussion forum"

enum line_kind { LINE_OTHER, LINE_SECTION, LINE_KEY };

typedef struct state {
	const char *path;
	const char *buf;      /* the whole file */
	size_t len, pos;
	unsigned lineno;

	/* The line the reader handed inih last. */
	const char *line;     /* raw text after any BOM, without the line ending */
	size_t line_len;
	int kind;
	size_t name_off, name_len, value_off, value_len;
	char value[CV_COURSE_LINE_MAX + 1]; /* the value, NUL-terminated */

	int section;
	unsigned section_line[SEC_COUNT];
	unsigned key_line[K_NKEYS];  /* 0: not given */
	unsigned key_col[K_NKEYS];
	unsigned char key_ok[K_NKEYS]; /* given and valid */

	cv_course *c;
	cv_errors *errs;
	int failed;           /* CV_EDATA or CV_ENOMEM once anything went wrong */
	unsigned nlengths;    /* session lengths the duration key listed (0: one) */
} state;

static void fail(state *st, int code)
{
	if (code == CV_ENOMEM || !st->failed)
		st->failed = code;
}

/* Record an error at byte offset `off` of the current line. */
static void line_error(state *st, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void line_error(state *st, size_t off, const char *fmt, ...)
{
	cv_where w = {st->path, st->lineno, (unsigned)off + 1};
	va_list ap;

	va_start(ap, fmt);
	cv_errors_addv(st->errs, CV_EDATA, &w, 0, fmt, ap);
	va_end(ap);
	fail(st, CV_EDATA);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int lookup(const char *const *names, const char *s, size_t n)
{
	int i;
	for (i = 0; names[i]; i++) {
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	}
	return -1;
}

/* Copy s[0..n), cut to fit, into a NUL-terminated buffer for messages. */
static const char *quote(char *buf, size_t size, const char *s, size_t n)
{
	if (n >= size) {
		n = size - 1;
		/* Do not cut a UTF-8 sequence in half: s[n] is the first byte left out. */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* Lex a "[section]" line starting at offset i. */
static void lex_section(state *st, size_t i)
{
	const char *l = st->line;
	size_t n = st->line_len, close, a, b, k;
	char word[64];
	int sec;

	for (close = i + 1; close < n && l[close] != ']'; close++)
		;
	if (close == n) {
		line_error(st, i, "expected ']' to close the section name");
		st->section = SEC_UNKNOWN;
		return;
	}
	for (k = close + 1; k < n && is_space(l[k]); k++)
		;
	if (k < n && l[k] != ';' && l[k] != '#')
		line_error(st, k, "unexpected text after the section header");
	for (a = i + 1; a < close && is_space(l[a]); a++)
		;
	for (b = close; b > a && is_space(l[b - 1]); b--)
		;
	sec = lookup(section_names, l + a, b - a);
	if (sec < 0) {
		const char *near;
		quote(word, sizeof(word), l + a, b - a);
		near = Cv_closest_word(word, section_names);
		if (near)
			line_error(st, a, "unknown section [%s]; did you mean [%s]?", word, near);
		else
			line_error(st, a, "unknown section [%s]; the sections are [course], "
				   "[sessions], [recording] and [alternative]", word);
		st->section = SEC_UNKNOWN;
		return;
	}
	st->section = sec;
	if (!st->section_line[sec])
		st->section_line[sec] = st->lineno;
	st->kind = LINE_SECTION;
}

/* Whether the text after a ';' in the value of key[0..klen) is another entry of its list. */
static int list_continues(const char *key, size_t klen, const char *rest, size_t len)
{
	size_t i = 0;

	if (klen == 6 && !memcmp(key, "window", 6))
		return cv_windows_entry_follows(rest, len);
	if (klen == 8 && !memcmp(key, "holidays", 8)) {
		while (i < len && is_space(rest[i]))
			i++;
		return i < len && rest[i] >= '0' && rest[i] <= '9';
	}
	return 0;
}

/* Lex a "key = value ; comment" line whose first non-blank byte is at i. */
static void lex_key(state *st, size_t i)
{
	const char *l = st->line;
	size_t n = st->line_len, eq, e, v, name_end;

	for (eq = i; eq < n && l[eq] != '='; eq++)
		;
	if (eq == n) {
		const char *colon = memchr(l + i, ':', n - i);
		if (colon)
			line_error(st, (size_t)(colon - l), "expected '=' between key and value, not ':'");
		else
			line_error(st, i, "expected \"key = value\", a [section] or a ';' comment");
		return;
	}
	for (e = eq; e > i && is_space(l[e - 1]); e--)
		;
	if (e == i) {
		line_error(st, i, "missing key name before '='");
		return;
	}
	name_end = e;
	for (v = eq + 1; v < n && is_space(l[v]); v++)
		;
	/*
	 * An inline comment starts at a ';' that follows a blank (so a URL may
	 * hold ';'), as inih does when built with INI_ALLOW_INLINE_COMMENTS.
	 * But ';' also separates the entries of a window or holiday list, so
	 * there a ';' followed by another entry (a day word, a date) is part of
	 * the value: "Mon-Fri 09:00-10:00 ; Sat 10:00-12:00" keeps Saturday.
	 */
	st->value_off = v;
	for (e = v; e < n; e++) {
		if (l[e] == ';' && (e == v || is_space(l[e - 1])) &&
		    !list_continues(l + i, name_end - i, l + e + 1, n - e - 1))
			break;
	}
	while (e > v && is_space(l[e - 1]))
		e--;
	st->name_off = i;
	st->name_len = 0;
	for (; i + st->name_len < eq && !is_space(l[i + st->name_len]); st->name_len++)
		;
	{
		size_t k = i + st->name_len;
		while (k < eq && is_space(l[k]))
			k++;
		if (k != eq) {
			line_error(st, i, "a key is one word; \"%.*s\" has a blank in it",
				   (int)(name_end - i > 40 ? 40 : name_end - i), l + i);
			return;
		}
	}
	st->value_len = e - v;
	memcpy(st->value, l + v, st->value_len);
	st->value[st->value_len] = '\0';
	st->kind = LINE_KEY;
}

/*
 * The reader callback: consume one raw line, lex it, and give inih a
 * stand-in it cannot misread.  Returns NULL at the end of the file.
 */
static char *reader(char *str, int num, void *stream)
{
	state *st = stream;
	const char *p, *nl;
	size_t i, bad;
	const char *what;

	if (st->pos >= st->len || num < 8)
		return NULL;
	p = st->buf + st->pos;
	nl = memchr(p, '\n', st->len - st->pos);
	st->line = p;
	st->line_len = nl ? (size_t)(nl - p) : st->len - st->pos;
	st->pos += st->line_len + (nl ? 1 : 0);
	if (st->line_len && st->line[st->line_len - 1] == '\r')
		st->line_len--;
	st->lineno++;
	st->kind = LINE_OTHER;
	strcpy(str, "\n");

	/* Columns count from after a UTF-8 byte order mark, as editors show them. */
	if (st->lineno == 1 && st->line_len >= 3 && memcmp(st->line, "\xEF\xBB\xBF", 3) == 0) {
		st->line += 3;
		st->line_len -= 3;
	}
	if (st->line_len > CV_COURSE_LINE_MAX) {
		cv_where w = {st->path, st->lineno, CV_COURSE_LINE_MAX + 1}; /* the first byte too many */
		cv_errors_add(st->errs, CV_EDATA, &w, 0, "line is longer than %d bytes",
			      CV_COURSE_LINE_MAX);
		fail(st, CV_EDATA);
		return str;
	}
	bad = Cv_text_check(st->line, st->line_len, 0, &what);
	/* Tabs are blanks in an INI file. */
	while (bad < st->line_len && st->line[bad] == '\t') {
		size_t more = Cv_text_check(st->line + bad + 1, st->line_len - bad - 1, 0, &what);
		bad = bad + 1 + more;
	}
	if (bad < st->line_len) {
		line_error(st, bad, "%s", what);
		return str;
	}
	for (i = 0; i < st->line_len && is_space(st->line[i]); i++)
		;
	if (i == st->line_len || st->line[i] == ';' || st->line[i] == '#')
		return str;
	if (st->line[i] == '[')
		lex_section(st, i);
	else
		lex_key(st, i);
	if (st->kind == LINE_SECTION)
		strcpy(str, "[s]\n");
	else if (st->kind == LINE_KEY)
		strcpy(str, "k=v\n");
	return str;
}

static char *dup_str(state *st, const char *s)
{
	char *d = strdup(s);
	if (!d)
		fail(st, CV_ENOMEM);
	return d;
}

/* A path from the file, resolved against the course file's directory. */
static char *resolve(state *st, const char *v)
{
	const char *dir = st->c->dir;
	size_t n;
	char *r;

	if (v[0] == '/' || strcmp(dir, ".") == 0)
		return dup_str(st, v);
	n = strlen(dir) + strlen(v) + 2;
	r = malloc(n);
	if (!r) {
		fail(st, CV_ENOMEM);
		return NULL;
	}
	snprintf(r, n, "%s/%s", dir, v);
	return r;
}

static int parse_uint(unsigned *out, const char *v)
{
	unsigned long x = 0;
	const char *p = v;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		x = x * 10 + (unsigned long)(*p - '0');
		if (x > 1000000)
			return -1;
	}
	if (*p)
		return -1;
	*out = (unsigned)x;
	return 0;
}

/* The key's value as a course id: letters, digits, '-' and '_'. */
static void set_id(state *st, const cv_where *w, const char *v)
{
	size_t i, n = strlen(v);

	if (n > CV_COURSE_ID_MAX) {
		cv_errors_add(st->errs, CV_EDATA, w, 0, "course id is longer than %d characters",
			      CV_COURSE_ID_MAX);
		fail(st, CV_EDATA);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (!isalnum(ch) && ch != '-' && ch != '_') {
			cv_errors_add(st->errs, CV_EDATA, w, (unsigned)i,
				      "a course id may hold only letters, digits, '-' and '_' "
				      "(it names files and calendar UIDs)");
			fail(st, CV_EDATA);
			return;
		}
	}
	st->c->id = dup_str(st, v);
}

/* "https://...": a scheme, ':' and no blanks. */
static int check_url(state *st, const cv_where *w, const char *v)
{
	size_t i = 0;

	if (!isalpha((unsigned char)v[0]))
		goto bad;
	while (isalnum((unsigned char)v[i]) || v[i] == '+' || v[i] == '-' || v[i] == '.')
		i++;
	if (v[i] != ':' || !v[i + 1])
		goto bad;
	for (; v[i]; i++) {
		if (v[i] == ' ' || v[i] == '\t') {
			cv_errors_add(st->errs, CV_EDATA, w, (unsigned)i,
				      "a URL cannot contain blanks (write %%20)");
			fail(st, CV_EDATA);
			return -1;
		}
	}
	return 0;
bad:
	cv_errors_add(st->errs, CV_EDATA, w, 0, "expected a URL like https://example.edu/..., got \"%s\"",
		      v);
	fail(st, CV_EDATA);
	return -1;
}

static void check_domain(state *st, const cv_where *w, const char *v)
{
	size_t i;

	for (i = 0; v[i]; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (!(isalnum(ch) && ch < 0x80) && ch != '-' && ch != '.')
			break;
	}
	if (v[i] || v[0] == '.' || v[0] == '-' || strstr(v, "..")) {
		cv_errors_add(st->errs, CV_EDATA, w, (unsigned)(v[i] ? i : 0),
			      "uid-domain must be a domain name like example.edu");
		fail(st, CV_EDATA);
		return;
	}
	st->c->uid_domain = dup_str(st, v);
}

static void set_duration(state *st, const cv_where *w, const char *v, unsigned *out)
{
	unsigned m;
	if (cv_duration_parse(&m, v, w, st->errs)) {
		fail(st, CV_EDATA);
		return;
	}
	*out = m;
}

/* "60m", or a series' lengths one per session: "90m, 60m". */
static void set_durations(state *st, const cv_where *w, const char *v)
{
	cv_course *c = st->c;
	const char *p = v;
	unsigned n = 0, i, longest = 0, same = 1;

	if (!strchr(v, ',')) {
		set_duration(st, w, v, &c->duration);
		return;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char one[64];
		cv_where at = *w;
		unsigned m;
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		at.column = w->column + (unsigned)(p - v);
		if (n == CV_COUNT_MAX) {
			cv_errors_add(st->errs, CV_EDATA, &at, 0,
				      "at most %d session lengths (one per session of the series)",
				      CV_COUNT_MAX);
			fail(st, CV_EDATA);
			return;
		}
		if (len >= sizeof(one))
			len = sizeof(one) - 1;
		memcpy(one, p, len);
		one[len] = '\0';
		if (cv_duration_parse(&m, one, &at, st->errs)) {
			fail(st, CV_EDATA);
			return;
		}
		c->durations[n++] = m;
		if (!comma)
			break;
		p = comma + 1;
	}
	for (i = 0; i < n; i++) {
		if (c->durations[i] > longest)
			longest = c->durations[i];
		same &= c->durations[i] == c->durations[0];
	}
	c->duration = longest;
	c->ndurations = same ? 0 : n; /* one length written n times is just that length */
	st->nlengths = n;
}

/* One of a fixed set of words; returns its index or -1 after reporting. */
static int set_word(state *st, const cv_where *w, const char *v, const char *key,
		    const char *const *words)
{
	const char *near;
	int k = lookup(words, v, strlen(v));

	if (k >= 0)
		return k;
	near = Cv_closest_word(v, words);
	if (near)
		cv_errors_add(st->errs, CV_EDATA, w, 0, "unknown %s \"%s\"; did you mean %s?", key, v,
			      near);
	else if (!words[2])
		cv_errors_add(st->errs, CV_EDATA, w, 0, "unknown %s \"%s\"; use %s or %s", key, v,
			      words[0], words[1]);
	else
		cv_errors_add(st->errs, CV_EDATA, w, 0, "unknown %s \"%s\"; use %s, %s or %s", key,
			      v, words[0], words[1], words[2]);
	fail(st, CV_EDATA);
	return -1;
}

static void set_date(state *st, const cv_where *w, const char *v, int32_t *out)
{
	size_t used;
	int32_t d;

	if (cv_date_parse(&d, v, &used, w, 0, st->errs)) {
		fail(st, CV_EDATA);
		return;
	}
	if (v[used]) {
		cv_errors_add(st->errs, CV_EDATA, w, (unsigned)used,
			      "unexpected text after the date; write one date YYYY-MM-DD");
		fail(st, CV_EDATA);
		return;
	}
	*out = d;
}

/* "2w": sessions every N-th week, 1 <= N <= CV_EVERY_MAX. */
static void set_every(state *st, const cv_where *w, const char *v)
{
	unsigned long n = 0;
	size_t i = 0;

	while (v[i] >= '0' && v[i] <= '9' && n <= CV_EVERY_MAX)
		n = n * 10 + (unsigned long)(v[i++] - '0');
	while (v[i] >= '0' && v[i] <= '9')
		i++;
	if (!i || v[i] != 'w' || v[i + 1]) {
		cv_errors_add(st->errs, CV_EDATA, w, (unsigned)(i && v[i] != 'w' ? i : 0),
			      "every must be a whole number of weeks like 2w (a week of live session, "
			      "a week of work on one's own), got \"%s\"", v);
		fail(st, CV_EDATA);
	} else if (n < 1) {
		cv_errors_add(st->errs, CV_EDATA, w, 0,
			      "every must be at least 1w (sessions every week), got %s", v);
		fail(st, CV_EDATA);
	} else if (n > CV_EVERY_MAX) {
		cv_errors_add(st->errs, CV_EDATA, w, 0,
			      "every can be at most %uw (CV_EVERY_MAX: a session a year), got %s",
			      CV_EVERY_MAX, v);
		fail(st, CV_EDATA);
	} else {
		st->c->every = (unsigned)n;
	}
}

/* "50%": a whole percentage from 1 to 100. */
static void set_share(state *st, const cv_where *w, const char *v, unsigned *out)
{
	char digits[16];
	size_t n = 0, i = 0;
	unsigned pct;

	while (v[i] >= '0' && v[i] <= '9' && n + 1 < sizeof(digits))
		digits[n++] = v[i++];
	digits[n] = '\0';
	while (v[i] == ' ' || v[i] == '\t')
		i++;
	if (!n || v[i] != '%' || v[i + 1] || parse_uint(&pct, digits)) {
		cv_errors_add(st->errs, CV_EDATA, w, (unsigned)(n && v[i] != '%' ? i : 0),
			      "min-share must be a whole percentage like 50%%, got \"%s\"", v);
		fail(st, CV_EDATA);
		return;
	}
	if (pct < 1 || pct > 100) {
		cv_errors_add(st->errs, CV_EDATA, w, 0,
			      "min-share must be from 1%% to 100%% of the occurrences a student is "
			      "expected at, got %u%%", pct);
		fail(st, CV_EDATA);
		return;
	}
	*out = pct;
}

static void set_value(state *st, int k, const cv_where *w, const char *v)
{
	static const char *const modes[] = {"sections", "series", "rotation", NULL};
	static const char *const objectives[] = {"attendance", "reach", NULL};
	static const char *const enrols[] = {"roster", "open", NULL};
	cv_course *c = st->c;
	char hint[CV_ZONE_HINT_MAX];
	int r;

	switch (k) {
	case K_ID:
		set_id(st, w, v);
		break;
	case K_TITLE:
		c->title = dup_str(st, v);
		break;
	case K_TIMEZONE:
		hint[0] = '\0';
		r = cv_zone_lookup(&c->zone, v, hint, sizeof(hint));
		if (r == CV_ENOMEM) {
			fail(st, r);
		} else if (r) {
			char msg[CV_ZONE_HINT_MAX + 128];
			cv_errors_add(st->errs, CV_EDATA, w, 0, "%s",
				      Cv_zone_problem(msg, sizeof(msg), v, hint));
			fail(st, CV_EDATA);
		}
		break;
	case K_START:
		set_date(st, w, v, &c->start);
		break;
	case K_END:
		set_date(st, w, v, &c->end);
		break;
	case K_HOLIDAYS:
		r = cv_dates_parse(&c->holidays, &c->nholidays, v, w, st->errs);
		if (r)
			fail(st, r);
		break;
	case K_ROSTER:
		c->roster_path = resolve(st, v);
		c->roster_line = st->lineno;
		break;
	case K_CALENDARS: {
		struct stat sb;
		c->calendars_dir = resolve(st, v);
		if (!c->calendars_dir)
			break;
		/* A directory not made yet is fine (git keeps no empty one, and a
		 * course may name it before anyone hands in a calendar), but a typo
		 * would silently drop every calendar, so it is said. */
		if (stat(c->calendars_dir, &sb) != 0) {
			cv_errors_warn(st->errs, w, 0,
				       "calendars directory %s does not exist: no student calendar is read",
				       c->calendars_dir);
		} else if (!S_ISDIR(sb.st_mode)) {
			cv_errors_add(st->errs, CV_EDATA, w, 0,
				      "calendars must name a directory of <student-id>.ics files; %s is not one",
				      c->calendars_dir);
			fail(st, CV_EDATA);
		}
		break;
	}
	case K_UID_DOMAIN:
		check_domain(st, w, v);
		break;
	case K_JOIN_URL:
		if (!check_url(st, w, v))
			c->join_url = dup_str(st, v);
		break;
	case K_ENROL:
		r = set_word(st, w, v, "enrol", enrols);
		if (r >= 0)
			c->enrol = r ? CV_ENROL_OPEN : CV_ENROL_ROSTER;
		break;
	case K_ANSWERS:
		c->answers_path = resolve(st, v);
		break;
	case K_MODE:
		r = set_word(st, w, v, "mode", modes);
		if (r >= 0)
			c->mode = r == 2 ? CV_MODE_ROTATION : r ? CV_MODE_SERIES : CV_MODE_SECTIONS;
		break;
	case K_COUNT: {
		unsigned n;
		if (parse_uint(&n, v)) {
			cv_errors_add(st->errs, CV_EDATA, w, 0,
				      "count must be a whole number from 1 to %d, got \"%s\"",
				      CV_COUNT_MAX, v);
			fail(st, CV_EDATA);
		} else if (n < 1 || n > CV_COUNT_MAX) {
			cv_errors_add(st->errs, CV_EDATA, w, 0,
				      "count must be from 1 to %d sessions a week (CV_COUNT_MAX: proving a "
				      "plan optimal grows steeply with the count; for more students "
				      "per time raise capacity), got %u", CV_COUNT_MAX, n);
			fail(st, CV_EDATA);
		} else {
			c->count = n;
		}
		break;
	}
	case K_DURATION:
		set_durations(st, w, v);
		break;
	case K_GRANULARITY:
		set_duration(st, w, v, &c->granularity);
		break;
	case K_WINDOW:
		r = cv_windows_parse(&c->windows, &c->nwindows, v, w, st->errs);
		if (r)
			fail(st, r);
		else if (!c->nwindows) {
			cv_errors_add(st->errs, CV_EDATA, w, 0,
				      "window holds no time range; write e.g. Mon-Fri 08:00-21:00");
			fail(st, CV_EDATA);
		}
		break;
	case K_MIN_GAP:
		set_duration(st, w, v, &c->min_gap);
		break;
	case K_OBJECTIVE:
		r = set_word(st, w, v, "objective", objectives);
		if (r >= 0)
			c->objective = r ? CV_OBJECTIVE_REACH : CV_OBJECTIVE_ATTENDANCE;
		break;
	case K_MIN_SHARE:
		set_share(st, w, v, &c->min_share);
		break;
	case K_CAPACITY:
		if (parse_uint(&c->capacity, v) || c->capacity < 1 || c->capacity > CV_CAPACITY_MAX) {
			cv_errors_add(st->errs, CV_EDATA, w, 0,
				      "capacity must be a whole number of students from 1 to %d, got \"%s\"",
				      CV_CAPACITY_MAX, v);
			fail(st, CV_EDATA);
			c->capacity = 0;
		}
		break;
	case K_EVERY:
		set_every(st, w, v);
		break;
	case K_FIRST:
		set_date(st, w, v, &c->first);
		break;
	case K_URL:
		if (!check_url(st, w, v))
			c->recording_url = dup_str(st, v);
		break;
	case K_AVAILABLE_AFTER:
		set_duration(st, w, v, &c->recording_after);
		break;
	case K_TASK:
		c->alternative_task = dup_str(st, v);
		break;
	case K_DUE:
		set_duration(st, w, v, &c->alternative_due);
		break;
	}
}

/* Every key name, for suggestions. */
static const char *const *all_key_names(void)
{
	static const char *names[K_NKEYS + 1];
	int k;
	if (!names[0]) {
		for (k = 0; k < K_NKEYS; k++)
			names[k] = keys[k].name;
		names[K_NKEYS] = NULL;
	}
	return names;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	state *st = user;
	const char *l = st->line;
	char word[64];
	int k, failed;
	size_t before;
	cv_where w;

	(void)section;
	(void)name;
	(void)value;
	if (st->kind != LINE_KEY || st->section == SEC_UNKNOWN)
		return 1;
	quote(word, sizeof(word), l + st->name_off, st->name_len);
	for (k = 0; k < K_NKEYS; k++) {
		if (strlen(keys[k].name) == st->name_len &&
		    memcmp(keys[k].name, l + st->name_off, st->name_len) == 0)
			break;
	}
	if (k == K_NKEYS || keys[k].section != st->section) {
		if (k < K_NKEYS && st->section == SEC_NONE)
			line_error(st, st->name_off, "\"%s\" is outside any section; put it under [%s]",
				   word, section_names[keys[k].section]);
		else if (k < K_NKEYS)
			line_error(st, st->name_off, "\"%s\" belongs in [%s], not [%s]", word,
				   section_names[keys[k].section], section_names[st->section]);
		else {
			const char *in[K_NKEYS + 1], *near;
			int j, m = 0;
			for (j = 0; j < K_NKEYS; j++) {
				if (st->section == SEC_NONE || keys[j].section == st->section)
					in[m++] = keys[j].name;
			}
			in[m] = NULL;
			near = Cv_closest_word(word, in);
			if (!near)
				near = Cv_closest_word(word, all_key_names());
			if (st->section == SEC_NONE)
				line_error(st, st->name_off, "unknown key \"%s\" outside any section%s%s%s",
					   word, near ? "; did you mean " : "", near ? near : "",
					   near ? "?" : "");
			else if (near)
				line_error(st, st->name_off, "unknown key \"%s\" in [%s]; did you mean %s?",
					   word, section_names[st->section], near);
			else {
				char list[256];
				size_t pos = 0;
				list[0] = '\0';
				for (j = 0; j < m && pos < sizeof(list); j++)
					pos += (size_t)snprintf(list + pos, sizeof(list) - pos, "%s%s",
								j ? ", " : "", in[j]);
				line_error(st, st->name_off, "unknown key \"%s\" in [%s]; its keys are %s",
					   word, section_names[st->section], list);
			}
		}
		return 1;
	}
	if (st->key_line[k]) {
		line_error(st, st->name_off, "\"%s\" is already set on line %u", word, st->key_line[k]);
		return 1;
	}
	st->key_line[k] = st->lineno;
	st->key_col[k] = (unsigned)st->value_off + 1;
	if (!st->value_len && k != K_HOLIDAYS) {
		line_error(st, st->value_off, "\"%s\" has no value", word);
		return 1;
	}
	w.file = st->path;
	w.line = st->lineno;
	w.column = (unsigned)st->value_off + 1;
	before = cv_errors_count(st->errs);
	failed = st->failed;
	set_value(st, k, &w, st->value);
	st->key_ok[k] = st->failed == failed && cv_errors_count(st->errs) == before;
	return 1;
}

static const Cv_file_kind course_file = {
	"the course file", "give the course file (e.g. course.ini)", CV_COURSE_FILE_MAX, 0
};

/* Read the whole file, at most CV_COURSE_FILE_MAX bytes, refusing UTF-16. */
static int read_file(char **out, size_t *len, const char *path, cv_errors *errs)
{
	cv_where w = {path, 0, 0};
	char *buf;
	size_t n;
	int rc = Cv_file_read(&buf, &n, path, &course_file, errs);

	if (rc)
		return rc;
	if (n >= 2 && (((unsigned char)buf[0] == 0xFF && (unsigned char)buf[1] == 0xFE) ||
		       ((unsigned char)buf[0] == 0xFE && (unsigned char)buf[1] == 0xFF))) {
		free(buf);
		return cv_errors_add(errs, CV_EDATA, &w, 0,
				     "the course file is UTF-16; save it as UTF-8");
	}
	*out = buf;
	*len = n;
	return CV_OK;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *d;

	if (!slash)
		return strdup(".");
	n = slash == path ? 1 : (size_t)(slash - path);
	d = malloc(n + 1);
	if (d) {
		memcpy(d, path, n);
		d[n] = '\0';
	}
	return d;
}

/* Minutes as the course file writes durations: 90 -> "1h30m", 60 -> "1h", 45 -> "45m". */
static void format_minutes(char *buf, size_t size, unsigned m)
{
	if (m >= CV_HOUR_MINUTES && m % CV_HOUR_MINUTES)
		snprintf(buf, size, "%uh%um", m / CV_HOUR_MINUTES, m % CV_HOUR_MINUTES);
	else if (m >= CV_HOUR_MINUTES)
		snprintf(buf, size, "%uh", m / CV_HOUR_MINUTES);
	else
		snprintf(buf, size, "%um", m);
}

/* Mark the instructor's windows on a minute map of the home week (a cycle). */
static void mark_windows(uint8_t *open, const cv_window *w, size_t n)
{
	size_t i;
	unsigned d, m;

	for (i = 0; i < n; i++) {
		for (d = 0; d < CV_WEEK_DAYS; d++) {
			unsigned from, to;
			if (!(w[i].days & (1u << d)))
				continue;
			from = d * CV_DAY_MINUTES + w[i].start;
			to = d * CV_DAY_MINUTES +
			     (w[i].end > w[i].start ? w[i].end : w[i].end + CV_DAY_MINUTES);
			for (m = from; m < to; m++)
				open[m % CV_WEEK_MINUTES] = 1;
		}
	}
}

size_t cv_course_candidates(uint16_t *out, unsigned *longest, const cv_course *c)
{
	return cv_course_candidates_for(out, longest, c, c->duration);
}

size_t cv_course_candidates_for(uint16_t *out, unsigned *longest, const cv_course *c,
				unsigned duration)
{
	uint8_t open[CV_WEEK_MINUTES]; /* 10 KB: on the stack, so counting cannot fail */
	unsigned t, m, run = 0, best = 0, first_run = 0;
	size_t n = 0;

	memset(open, 0, sizeof(open));
	mark_windows(open, c->windows, c->nwindows);
	/* Runs of open minutes, the one across Sunday midnight joined. */
	for (m = 0; m < CV_WEEK_MINUTES && open[m]; m++)
		first_run++;
	for (m = 0; m < CV_WEEK_MINUTES; m++) {
		run = open[m] ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	if (first_run < CV_WEEK_MINUTES && run + first_run > best)
		best = run + first_run;
	if (longest)
		*longest = best;
	for (t = 0; c->granularity && t < CV_WEEK_MINUTES; t += c->granularity) {
		for (m = 0; m < duration && m < CV_WEEK_MINUTES; m++)
			if (!open[(t + m) % CV_WEEK_MINUTES])
				break;
		if (m == duration && duration <= CV_WEEK_MINUTES) {
			if (out)
				out[n] = (uint16_t)t;
			n++;
		}
	}
	return n;
}

/* Checks that need several keys, and the defaults. */
static void finish(state *st)
{
	cv_course *c = st->c;
	cv_where w = {st->path, 0, 0};
	int k;

	for (k = 0; k < K_NKEYS; k++) {
		if (!keys[k].required || st->key_line[k])
			continue;
		/* Open enrolment: the students come from the answers alone. */
		if (k == K_ROSTER && c->enrol == CV_ENROL_OPEN)
			continue;
		w.line = st->section_line[keys[k].section];
		cv_errors_add(st->errs, CV_EDATA, &w, 0, "missing required key \"%s\" in [%s]",
			      keys[k].name, section_names[keys[k].section]);
		fail(st, CV_EDATA);
	}
	if (st->key_ok[K_START] && st->key_ok[K_END]) {
		w.line = st->key_line[K_END];
		w.column = st->key_col[K_END];
		if (c->end < c->start) {
			char a[16], b[16];
			cv_date_format(a, sizeof(a), c->end);
			cv_date_format(b, sizeof(b), c->start);
			cv_errors_add(st->errs, CV_EDATA, &w, 0,
				      "the term ends (%s) before it starts (%s, line %u)", a, b,
				      st->key_line[K_START]);
			fail(st, CV_EDATA);
		} else if (c->end - c->start + 1 > CV_TERM_DAYS_MAX) {
			cv_errors_add(st->errs, CV_EDATA, &w, 0,
				      "the term is %ld days long; at most %d are allowed",
				      (long)(c->end - c->start + 1), CV_TERM_DAYS_MAX);
			fail(st, CV_EDATA);
		} else {
			size_t i;
			if (cv_tz_stale_for(c->end)) {
				char a[16];
				w.line = st->key_line[K_END];
				w.column = st->key_col[K_END];
				cv_date_format(a, sizeof(a), c->end);
				cv_errors_warn(st->errs, &w, 0,
					       "the term ends %s but the system tzdata is %s: time-zone "
					       "rules may change before then; keep the tzdata package "
					       "current and regenerate", a, cv_tz_version());
			}
			w.line = st->key_line[K_HOLIDAYS];
			w.column = st->key_col[K_HOLIDAYS];
			for (i = 0; i < c->nholidays; i++) {
				if (c->holidays[i].last < c->start || c->holidays[i].first > c->end) {
					char a[16];
					cv_date_format(a, sizeof(a), c->holidays[i].first);
					cv_errors_warn(st->errs, &w, 0, "holiday %s is outside the term", a);
				}
			}
		}
	}
	if (st->key_ok[K_DURATION]) {
		w.line = st->key_line[K_DURATION];
		w.column = st->key_col[K_DURATION];
		if (c->duration == 0) {
			cv_errors_add(st->errs, CV_EDATA, &w, 0, "a session cannot last 0 minutes");
			fail(st, CV_EDATA);
		} else if (c->duration > CV_DAY_MINUTES) {
			cv_errors_add(st->errs, CV_EDATA, &w, 0,
				      "a session cannot last longer than 24h");
			fail(st, CV_EDATA);
		}
	}
	if (st->key_ok[K_GRANULARITY]) {
		w.line = st->key_line[K_GRANULARITY];
		w.column = st->key_col[K_GRANULARITY];
		if (c->granularity == 0 || CV_DAY_MINUTES % c->granularity) {
			cv_errors_add(st->errs, CV_EDATA, &w, 0,
				      "granularity must divide a day evenly (e.g. 5m, 10m, 15m, 30m, 1h), got %u minutes",
				      c->granularity);
			fail(st, CV_EDATA);
		}
	}
	if (st->key_ok[K_MIN_GAP] && c->min_gap > CV_WEEK_MINUTES) {
		w.line = st->key_line[K_MIN_GAP];
		w.column = st->key_col[K_MIN_GAP];
		cv_errors_add(st->errs, CV_EDATA, &w, 0, "min-gap cannot be longer than a week");
		fail(st, CV_EDATA);
	}
	if (st->key_ok[K_CAPACITY] && st->key_ok[K_MODE] && c->mode != CV_MODE_SECTIONS) {
		w.line = st->key_line[K_CAPACITY];
		w.column = st->key_col[K_CAPACITY];
		cv_errors_add(st->errs, CV_EDATA, &w, 0,
			      "capacity limits the students of one section (mode = sections); in %s "
			      "mode every student is expected at every session (mode, line %u)",
			      c->mode == CV_MODE_SERIES ? "series" : "rotation", st->key_line[K_MODE]);
		fail(st, CV_EDATA);
	}
	if (st->key_ok[K_DURATION] && st->nlengths &&
	    ((c->mode != CV_MODE_SERIES && c->ndurations) ||
	     (c->mode == CV_MODE_SERIES && st->key_ok[K_COUNT] && st->nlengths != c->count))) {
		w.line = st->key_line[K_DURATION];
		w.column = st->key_col[K_DURATION];
		if (c->mode != CV_MODE_SERIES)
			cv_errors_add(st->errs, CV_EDATA, &w, 0,
				      "a length per session is for mode = series (a lecture and a "
				      "discussion); %s sessions all last the same: give one duration",
				      c->mode == CV_MODE_ROTATION ? "rotating" : "sections'");
		else
			cv_errors_add(st->errs, CV_EDATA, &w, 0,
				      "%u session lengths for count = %u (line %u): give one length per "
				      "session", st->nlengths, c->count, st->key_line[K_COUNT]);
		fail(st, CV_EDATA);
	}
	if (st->key_ok[K_FIRST] && st->key_ok[K_START] && st->key_ok[K_END] &&
	    (c->first < c->start || c->first > c->end)) {
		char a[16], b[16], x[16];
		w.line = st->key_line[K_FIRST];
		w.column = st->key_col[K_FIRST];
		cv_date_format(x, sizeof(x), c->first);
		cv_date_format(a, sizeof(a), c->start);
		cv_date_format(b, sizeof(b), c->end);
		cv_errors_add(st->errs, CV_EDATA, &w, 0,
			      "first (%s) must be a day of the term, %s to %s", x, a, b);
		fail(st, CV_EDATA);
	}
	if (st->key_ok[K_MODE] && st->key_ok[K_COUNT] && c->mode == CV_MODE_ROTATION &&
	    c->count < 2) {
		w.line = st->key_line[K_COUNT];
		w.column = st->key_col[K_COUNT];
		cv_errors_add(st->errs, CV_EDATA, &w, 0,
			      "rotation needs count from 2 to %d: the slots the weekly session "
			      "rotates through (mode, line %u); for one fixed time use mode = sections",
			      CV_COUNT_MAX, st->key_line[K_MODE]);
		fail(st, CV_EDATA);
	}
	if (st->key_ok[K_DUE] && c->alternative_due < c->recording_after) {
		w.line = st->key_line[K_DUE];
		w.column = st->key_col[K_DUE];
		cv_errors_warn(st->errs, &w, 0,
			       "the alternative task is due before the recording is available");
	}
	if (st->failed)
		return;
	if (st->key_ok[K_DURATION] && st->key_ok[K_WINDOW]) {
		unsigned longest = 0;
		if (cv_course_candidates(NULL, &longest, c) == 0) {
			char d[32], l[32];
			w.line = st->key_line[K_DURATION];
			w.column = st->key_col[K_DURATION];
			format_minutes(d, sizeof(d), c->duration);
			format_minutes(l, sizeof(l), longest);
			if (longest >= c->duration)
				cv_errors_add(st->errs, CV_EDATA, &w, 0,
					      "a %s session starting on the %u-minute grid fits in no "
					      "teaching window (line %u)", d, c->granularity,
					      st->key_line[K_WINDOW]);
			else
				cv_errors_add(st->errs, CV_EDATA, &w, 0,
					      "a %s session fits in no teaching window: the longest "
					      "is %s (window, line %u)", d, l, st->key_line[K_WINDOW]);
			fail(st, CV_EDATA);
			return;
		}
	}
	if (!c->title)
		c->title = dup_str(st, c->id);
	if (!c->uid_domain)
		c->uid_domain = dup_str(st, CV_COURSE_UID_DOMAIN_DEFAULT);
	if (!c->alternative_task)
		c->alternative_task = dup_str(st, DEFAULT_TASK);
	if (!c->answers_path && c->id) {
		char name[CV_COURSE_ID_MAX + sizeof(CV_COURSE_ANSWERS_SUFFIX)];
		snprintf(name, sizeof(name), "%s%s", c->id, CV_COURSE_ANSWERS_SUFFIX);
		c->answers_path = resolve(st, name);
	}
}

int cv_course_load(cv_course **out, const char *path, cv_errors *errs)
{
	state *st;
	cv_course *c;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = read_file(&buf, &len, path, errs);
	if (rc)
		return rc;
	st = calloc(1, sizeof(*st));
	c = calloc(1, sizeof(*c));
	if (!st || !c) {
		free(st);
		free(c);
		free(buf);
		return CV_ENOMEM;
	}
	c->path = strdup(path);
	c->dir = dir_of(path);
	c->mode = CV_MODE_SECTIONS;
	c->granularity = 15;
	c->objective = CV_OBJECTIVE_ATTENDANCE;
	c->recording_after = 2 * CV_HOUR_MINUTES;
	c->alternative_due = 3 * CV_DAY_MINUTES;
	st->path = path;
	st->buf = buf;
	st->len = len;
	st->section = SEC_NONE;
	st->c = c;
	st->errs = errs;
	if (!c->path || !c->dir)
		st->failed = CV_ENOMEM;
	else if (ini_parse_stream(reader, st, handler, st) < 0)
		st->failed = CV_ENOMEM;
	/* Even after errors: report missing keys and cross-key problems too. */
	if (st->failed != CV_ENOMEM)
		finish(st);
	rc = st->failed;
	free(st);
	free(buf);
	if (rc) {
		cv_course_free(c);
		return rc;
	}
	*out = c;
	return CV_OK;
}

void cv_course_free(cv_course *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->dir);
	free(c->id);
	free(c->title);
	free(c->holidays);
	free(c->roster_path);
	free(c->calendars_dir);
	free(c->uid_domain);
	free(c->join_url);
	free(c->answers_path);
	free(c->windows);
	free(c->recording_url);
	free(c->alternative_task);
	free(c);
}
