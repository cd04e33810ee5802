/*
 * roster.c - the roster file (CSV, RFC 4180, UTF-8, header row).
 *
 * The CSV reader is our own, not libcsv: every problem must be reported at
 * its exact line and column, including problems inside a quoted field that
 * holds "" escapes or line breaks, and reading must go on to report every
 * bad row.  Rosters can be large (CV_ROSTER_ROWS_MAX rows), so the file is
 * streamed and each student costs three small allocations.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convene/roster.h"
#include "array_int.h"
#include "roster_int.h"
#include "file_int.h"
#include "utf8_int.h"

/* Most fields a row may have; no valid header is near this. */
#define FIELDS_MAX 64

enum column {
	COL_ID, COL_NAME, COL_EMAIL, COL_TIMEZONE, COL_AVAILABLE, COL_PREFERRED,
	COL_UNAVAILABLE, COL_LOCALE, COL_WEIGHT, COL_COUNT
};

static const char *const column_names[COL_COUNT + 1] = {
	"id", "name", "email", "timezone", "available", "preferred", "unavailable", "locale",
	"weight", NULL
};

/* Where one stretch of a field's value came from: escapes and line breaks start a new one. */
typedef struct seg {
	size_t voff;   /* offset in the row's data */
	unsigned line, col;
} seg;

typedef struct field {
	size_t off, len;   /* in the row's data */
	size_t seg0;       /* its first segment */
	unsigned line, col; /* where the field starts (its opening quote, if quoted) */
	int too_long;
} field;

typedef struct reader {
	FILE *f;
	const char *path;
	const char *calendars; /* the calendars directory, or NULL */
	int pending_ok;        /* Cv_roster_load_pending(): rows without hours are allowed */
	cv_errors *errs;
	unsigned char buf[1 << 16];
	size_t n, i;
	int eof;
	uint64_t total;      /* bytes read */
	unsigned line, col;  /* position of the next byte */
	unsigned pline, pcol; /* position of the byte next() returned last */

	/* The current row. */
	char *data;
	size_t dlen, dcap;
	field fields[FIELDS_MAX];
	size_t nfields;
	seg *segs;
	size_t nsegs, scap;
	unsigned row_line, end_line, end_col;
	int row_bad;         /* a syntax error was reported in this row */
	int fatal;           /* stop reading: the rest of the file cannot be trusted */
	int nomem;
	int failed;          /* some problem was reported in this file */
} reader;

static int fill(reader *r)
{
	if (r->i < r->n)
		return 1;
	if (r->eof)
		return 0;
	/* A pipe or a growing file can pass the fstat() check: stop at the limit. */
	if (r->total > (uint64_t)CV_ROSTER_FILE_MAX) {
		r->eof = 1;
		r->fatal = 1;
		return 0;
	}
	r->n = fread(r->buf, 1, sizeof(r->buf), r->f);
	r->i = 0;
	if (r->n == 0) {
		r->eof = 1;
		return 0;
	}
	r->total += r->n;
	return 1;
}

static int peek(reader *r)
{
	return fill(r) ? r->buf[r->i] : EOF;
}

static int next(reader *r)
{
	int c;
	if (!fill(r))
		return EOF;
	c = r->buf[r->i++];
	r->pline = r->line;
	r->pcol = r->col;
	if (c == '\n') {
		r->line++;
		r->col = 1;
	} else {
		r->col++;
	}
	return c;
}

static void rd_error(reader *r, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void rd_error(reader *r, unsigned line, unsigned col, const char *fmt, ...)
{
	cv_where w = {r->path, line, col};
	va_list ap;
	va_start(ap, fmt);
	cv_errors_addv(r->errs, CV_EDATA, &w, 0, fmt, ap);
	va_end(ap);
	r->failed = 1;
}

static int push_seg(reader *r, unsigned line, unsigned col)
{
	if (Cv_array_ensure(r->segs, r->scap, r->nsegs + 1)) {
		r->nomem = 1;
		return -1;
	}
	r->segs[r->nsegs++] = (seg){r->dlen, line, col};
	return 0;
}

/* Append one byte to the current field, enforcing CV_ROSTER_FIELD_MAX. */
static void put(reader *r, field *f, int c)
{
	if (f->too_long)
		return;
	if (r->dlen - f->off >= CV_ROSTER_FIELD_MAX) {
		rd_error(r, f->line, f->col, "field is longer than %d bytes", CV_ROSTER_FIELD_MAX);
		f->too_long = 1;
		r->row_bad = 1;
		return;
	}
	if (Cv_array_ensure(r->data, r->dcap, r->dlen + 2)) {
		r->nomem = 1;
		f->too_long = 1;
		return;
	}
	r->data[r->dlen++] = (char)c;
}

/* End the field: NUL-terminate it in data. */
static void end_field(reader *r, field *f)
{
	f->len = r->dlen - f->off;
	if (Cv_array_ensure(r->data, r->dcap, r->dlen + 1)) {
		r->nomem = 1;
		return;
	}
	r->data[r->dlen++] = '\0';
}

/*
 * Lex a quoted field; the opening quote is next.  Returns the byte that
 * ended it (',' '\n' or EOF), already consumed.
 */
static int lex_quoted(reader *r, field *f)
{
	unsigned qline = r->line, qcol = r->col;
	int c;

	next(r);
	push_seg(r, r->line, r->col);
	f->seg0 = r->nsegs - 1;
	for (;;) {
		c = next(r);
		if (c == EOF) {
			rd_error(r, qline, qcol,
				 "unterminated quoted field: this quote is never closed");
			r->row_bad = 1;
			r->fatal = 1;
			return EOF;
		}
		if (c == '"') {
			if (peek(r) != '"')
				break;
			next(r);
			put(r, f, '"');
			push_seg(r, r->line, r->col);
			continue;
		}
		if (c == '\n') {
			/* CRLF inside a field is one line break. */
			if (r->dlen > f->off && r->data[r->dlen - 1] == '\r')
				r->dlen--;
			put(r, f, '\n');
			push_seg(r, r->line, r->col);
			continue;
		}
		put(r, f, c);
	}
	/* After the closing quote: a separator, the end of the line, or nothing. */
	c = peek(r);
	if (c == '\r') {
		next(r);
		if (peek(r) == '\n')
			return next(r);
		rd_error(r, r->line, r->col - 1, "carriage return without a line feed after a field");
		r->row_bad = 1;
	} else if (c == ',' || c == '\n' || c == EOF) {
		return next(r);
	} else {
		rd_error(r, r->line, r->col,
			 "unexpected text after the closing quote; inside a quoted field write a quote as \"\"");
		r->row_bad = 1;
	}
	/* Skip the garbage up to the next separator. */
	for (;;) {
		c = next(r);
		if (c == ',' || c == '\n' || c == EOF)
			return c;
	}
}

/* Lex an unquoted field.  Returns the byte that ended it, consumed. */
static int lex_plain(reader *r, field *f)
{
	int c, stray = 0;

	push_seg(r, r->line, r->col);
	f->seg0 = r->nsegs - 1;
	for (;;) {
		c = peek(r);
		if (c == ',' || c == '\n' || c == EOF)
			return next(r);
		if (c == '\r') {
			next(r);
			if (peek(r) == '\n')
				return next(r);
			put(r, f, '\r'); /* a bare CR: reported as a control character */
			continue;
		}
		if (c == '"' && !stray) {
			size_t k;
			int blank = 1;
			for (k = f->off; k < r->dlen; k++)
				blank &= r->data[k] == ' ' || r->data[k] == '\t';
			if (blank && r->dlen > f->off)
				rd_error(r, r->line, r->col,
					 "quote after a blank; remove the blank before the opening quote");
			else
				rd_error(r, r->line, r->col,
					 "quote inside an unquoted field; quote the whole field and write the quote as \"\"");
			r->row_bad = 1;
			stray = 1; /* one report per field is enough */
		}
		next(r);
		put(r, f, c);
	}
}

/*
 * Read one row into r->fields.  Returns 1 when a row was read, 0 at the end
 * of the file.  Blank lines are skipped.
 */
static int read_row(reader *r)
{
	for (;;) {
		int c;

		r->dlen = 0;
		r->nsegs = 0;
		r->nfields = 0;
		r->row_bad = 0;
		if (r->fatal || r->nomem || peek(r) == EOF)
			return 0;
		r->row_line = r->line;
		do {
			field tmp, *f = r->nfields < FIELDS_MAX ? &r->fields[r->nfields] : &tmp;
			if (r->nfields == FIELDS_MAX && !r->row_bad) {
				rd_error(r, r->line, r->col, "more than %d fields in a row", FIELDS_MAX);
				r->row_bad = 1;
			}
			memset(f, 0, sizeof(*f));
			f->off = r->dlen;
			f->line = r->line;
			f->col = r->col;
			if (r->nfields >= FIELDS_MAX)
				f->too_long = 1; /* drop its bytes */
			r->end_line = r->line;
			c = peek(r) == '"' ? lex_quoted(r, f) : lex_plain(r, f);
			end_field(r, f);
			if (f != &tmp)
				r->nfields++;
			if (c != ',') {
				/* Where the row ends, for "too few fields". */
				r->end_line = c == EOF ? r->line : r->pline;
				r->end_col = c == EOF ? r->col : r->pcol;
			}
		} while (c == ',' && !r->nomem);
		if (r->nomem)
			return 0;
		/* A blank line: skip it. */
		if (r->nfields == 1 && r->fields[0].len == 0 && !r->row_bad)
			continue;
		return 1;
	}
}

/* Line and column of byte `off` of field f's value. */
static void pos_of(const reader *r, const field *f, size_t off, unsigned *line, unsigned *col)
{
	size_t voff = f->off + off, s = f->seg0;
	while (s + 1 < r->nsegs && r->segs[s + 1].voff <= voff &&
	       r->segs[s + 1].voff <= f->off + f->len)
		s++;
	*line = r->segs[s].line;
	*col = r->segs[s].col + (unsigned)(voff - r->segs[s].voff);
}

/* 1 if bytes [a, b) of the field's value map onto one stretch of one line. */
static int simple_span(const reader *r, const field *f, size_t a, size_t b)
{
	unsigned la, ca, lb, cb;
	if (b == a)
		return 1;
	pos_of(r, f, a, &la, &ca);
	pos_of(r, f, b - 1, &lb, &cb);
	return la == lb && cb - ca == b - 1 - a;
}

/* ---------------------------------------------------------------------- */
/* Students                                                                 */

/* The roster's private part: the room of students[] and the id index. */
struct cv_roster_index {
	size_t cap;         /* room in roster->students */
	uint32_t *slots;    /* open addressing over lower-cased ids: pairs of (student
			     * index + 1, the id's hash's high half), so a probe that
			     * meets another id rarely has to read it */
	size_t nslots;      /* a power of two */
};

static uint64_t hash_id(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)tolower((unsigned char)*s);
		h *= 1099511628211ULL;
	}
	/* FNV's low bits, which pick the slot, hardly move between ids that
	 * differ in one digit ("L0000001", "L0000002"): mix the high bits in,
	 * or linear probing walks long runs (murmur3's finaliser). */
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 33;
	return h;
}

/* Put student i (hash h) into an index of cap pairs. */
static void index_put(uint32_t *index, size_t cap, size_t i, uint64_t h)
{
	size_t at = (size_t)h & (cap - 1);
	while (index[2 * at])
		at = (at + 1) & (cap - 1);
	index[2 * at] = (uint32_t)(i + 1);
	index[2 * at + 1] = (uint32_t)(h >> 32);
}

static int index_grow(cv_roster *r)
{
	cv_roster_index *ix = r->index;
	size_t ncap = ix->nslots ? ix->nslots * 2 : 1024, i;
	uint32_t *p = calloc(2 * ncap, sizeof(*p));
	if (!p)
		return CV_ENOMEM;
	for (i = 0; i < r->count; i++)
		index_put(p, ncap, i, hash_id(r->students[i].id));
	free(ix->slots);
	ix->slots = p;
	ix->nslots = ncap;
	return CV_OK;
}

/* The student whose id equals `id` ignoring case, or NULL. */
static cv_student *find_ci(const cv_roster *r, const char *id)
{
	const cv_roster_index *ix = r->index;
	uint64_t h;
	size_t at;
	if (!ix->nslots)
		return NULL;
	h = hash_id(id);
	for (at = (size_t)h & (ix->nslots - 1); ix->slots[2 * at];
	     at = (at + 1) & (ix->nslots - 1)) {
		cv_student *s = &r->students[ix->slots[2 * at] - 1];
		if (ix->slots[2 * at + 1] == (uint32_t)(h >> 32) && strcasecmp(s->id, id) == 0)
			return s;
	}
	return NULL;
}

/*
 * Store a student whose id is unique (checked by the caller); the roster
 * adopts st->id's block (id, name, email and locale, see pack_strings())
 * and st->avail.  The index is updated.
 */
static int store(cv_roster *r, const cv_student *st)
{
	cv_roster_index *ix = r->index;
	if (r->count == ix->cap) {
		r->students = Cv_array_grow(r->students, &ix->cap, r->count + 1, sizeof(*r->students));
		if (r->count == ix->cap)
			return CV_ENOMEM;
	}
	/* at most half full, so probes stay short */
	if ((r->count + 1) * 2 > ix->nslots && index_grow(r))
		return CV_ENOMEM;
	r->students[r->count] = *st;
	index_put(ix->slots, ix->nslots, r->count++, hash_id(st->id));
	return CV_OK;
}

/* Copy id, name, email and locale into one block owned by st->id (NULL reads as ""). */
static int pack_strings(cv_student *st, const char *id, const char *name, const char *email,
			const char *locale)
{
	const char *src[4];
	char **dst[4];
	size_t len[4], n = 0, i;
	char *p;

	src[0] = id, src[1] = name, src[2] = email, src[3] = locale;
	dst[0] = &st->id, dst[1] = &st->name, dst[2] = &st->email, dst[3] = &st->locale;
	for (i = 0; i < 4; i++) {
		len[i] = src[i] ? strlen(src[i]) : 0;
		n += len[i] + 1;
	}
	if (!(p = malloc(n)))
		return CV_ENOMEM;
	for (i = 0; i < 4; i++) {
		*dst[i] = p;
		memcpy(p, src[i] ? src[i] : "", len[i]);
		p[len[i]] = '\0';
		p += len[i] + 1;
	}
	return CV_OK;
}

static int id_char(unsigned char c)
{
	return (c < 0x80 && isalnum(c)) || c == '.' || c == '-' || c == '_' || c == '@';
}

/*
 * Why s[0..len) cannot be a student id (ids name files), with the offset of
 * the offending byte in *at; NULL when it can.  The message is written into
 * msg[0..size) when it needs a number.
 */
static const char *id_problem(char *msg, size_t size, const char *s, size_t len, size_t *at)
{
	const char *dd;
	size_t i;

	*at = 0;
	if (!len)
		return "empty id; every student needs a unique id";
	if (len > CV_STUDENT_ID_MAX) {
		snprintf(msg, size, "id is longer than %d characters", CV_STUDENT_ID_MAX);
		return msg;
	}
	for (i = 0; i < len; i++) {
		if (!id_char((unsigned char)s[i])) {
			*at = i;
			return s[i] == '/' || s[i] == '\\'
				? "an id may hold only letters, digits, '.', '-', '_' and '@' "
				  "(ids name files, so no path separators)"
				: "an id may hold only letters, digits, '.', '-', '_' and '@'";
		}
	}
	if (s[0] == '.')
		return "an id cannot start with '.' (ids name files)";
	if ((dd = strstr(s, ".."))) {
		*at = (size_t)(dd - s);
		return "an id cannot contain \"..\" (ids name files)";
	}
	return NULL;
}

int cv_roster_new(cv_roster **out, const char *path)
{
	cv_roster *r = calloc(1, sizeof(*r));

	if (!r || !(r->index = calloc(1, sizeof(*r->index))) || !(r->path = strdup(path ? path : ""))) {
		cv_roster_free(r);
		return CV_ENOMEM;
	}
	*out = r;
	return CV_OK;
}

int cv_roster_add(cv_roster *roster, const cv_student *student)
{
	cv_student st = *student;
	char msg[64];
	size_t at;

	if (roster->count >= CV_ROSTER_ROWS_MAX || !st.id ||
	    id_problem(msg, sizeof(msg), st.id, strlen(st.id), &at) ||
	    find_ci(roster, st.id) || !st.zone || !st.avail || st.weight < 1)
		return CV_EDATA;
	if (pack_strings(&st, student->id, student->name, student->email, student->locale))
		return CV_ENOMEM;
	if (store(roster, &st)) {
		free(st.id);
		return CV_ENOMEM;
	}
	return CV_OK;
}

/* ---------------------------------------------------------------------- */
/* Validating a row                                                         */

typedef struct rowctx {
	reader *r;
	cv_roster *roster;
	int col_of[COL_COUNT];    /* field index of each known column, or -1 */
	int bad;                  /* this row has a problem */
	int nomem;
} rowctx;

static void field_error(rowctx *x, const field *f, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void field_error(rowctx *x, const field *f, size_t off, const char *fmt, ...)
{
	unsigned line, col;
	cv_where w;
	va_list ap;

	pos_of(x->r, f, off, &line, &col);
	w = (cv_where){x->r->path, line, col};
	va_start(ap, fmt);
	cv_errors_addv(x->r->errs, CV_EDATA, &w, 0, fmt, ap);
	va_end(ap);
	x->bad = 1;
	x->r->failed = 1;
}

/* A field's value with surrounding blanks trimmed: text, length, offset in the value. */
typedef struct val {
	const field *f;
	char *s;      /* NUL-terminated (trimmed in place) */
	size_t len;
	size_t off;   /* offset of s within the field's value */
	int present;
} val;

static val trimmed(reader *r, const field *f)
{
	val v;
	char *s = r->data + f->off;
	size_t a, b;

	a = 0;
	b = f->len;
	while (a < b && (s[a] == ' ' || s[a] == '\t'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
		b--;
	s[b] = '\0';
	v.f = f;
	v.s = s + a;
	v.len = b - a;
	v.off = a;
	v.present = 1;
	return v;
}

/* The value of a known column in the current row; .present is 0 when the header lacks it. */
static val get(rowctx *x, int column)
{
	val v = {NULL, "", 0, 0, 0};
	if (x->col_of[column] < 0)
		return v;
	return trimmed(x->r, &x->r->fields[x->col_of[column]]);
}

/*
 * Run one of the list parsers on a value and report its problems at the
 * right place.  When the value maps straight onto one line, the parser
 * reports directly; otherwise ("" escapes, line breaks) it reports into a
 * scratch list whose columns are offsets, which are then mapped back.
 */
enum { P_WINDOWS, P_DATES };

static int run_parser(rowctx *x, const val *v, int kind, void *out, size_t *n)
{
	reader *r = x->r;
	cv_errors *tmp = NULL;
	unsigned line, col;
	cv_where w;
	int rc, direct = simple_span(r, v->f, v->off, v->off + v->len);

	if (direct) {
		pos_of(r, v->f, v->off, &line, &col);
		w = (cv_where){r->path, line, col};
	} else {
		/* Try quietly first: the scratch list is only needed for errors. */
		rc = kind == P_WINDOWS ? cv_windows_parse(out, n, v->s, NULL, NULL)
				       : cv_dates_parse(out, n, v->s, NULL, NULL);
		if (rc != CV_EDATA)
			return rc;
		if (cv_errors_new(&tmp))
			return CV_ENOMEM;
		w = (cv_where){NULL, 1, 1};
	}
	rc = kind == P_WINDOWS ? cv_windows_parse(out, n, v->s, &w, direct ? r->errs : tmp)
			       : cv_dates_parse(out, n, v->s, &w, direct ? r->errs : tmp);
	if (tmp) {
		size_t i;
		for (i = 0; i < cv_errors_count(tmp); i++) {
			const cv_error *e = cv_errors_get(tmp, i);
			size_t off;
			if (!e)
				break;
			off = e->column ? e->column - 1 : 0;
			if (off > v->len)
				off = v->len;
			pos_of(r, v->f, v->off + off, &line, &col);
			w = (cv_where){r->path, line, col};
			cv_errors_add(r->errs, e->code, &w, 0, "%s", e->message);
		}
		cv_errors_free(tmp);
	}
	if (rc == CV_EDATA) {
		x->bad = 1;
		r->failed = 1;
	}
	return rc;
}

/* Check the text of every field: UTF-8, no control characters. */
static void check_text(rowctx *x, const int *column_of_field)
{
	reader *r = x->r;
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		field *f = &r->fields[i];
		int c = column_of_field ? column_of_field[i] : -1;
		/* Availability may span lines inside a quoted cell. */
		int spaces = c == COL_AVAILABLE || c == COL_PREFERRED || c == COL_UNAVAILABLE;
		const char *what;
		size_t bad;

		if (f->too_long)
			continue;
		bad = Cv_text_check(r->data + f->off, f->len, spaces, &what);
		if (bad < f->len) {
			field_error(x, f, bad, "%s", what);
			/* The field is unusable: blank it so later checks skip it quietly. */
			r->data[f->off] = '\0';
			f->len = 0;
			f->too_long = 1;
		}
	}
}

static int check_id(rowctx *x, const val *v)
{
	char msg[64];
	const char *why;
	size_t at;

	if (v->f->too_long)
		return -1;
	if ((why = id_problem(msg, sizeof(msg), v->s, v->len, &at))) {
		field_error(x, v->f, v->off + at, "%s", why);
		return -1;
	}
	return 0;
}

int Cv_locale_check(const char *s, size_t len, size_t *bad_at)
{
	size_t i, letters = 0;

	while (letters < len && isalpha((unsigned char)s[letters]))
		letters++;
	for (i = letters; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c < 0x80 && isalnum(c)) || c == '_' || c == '-' || c == '.' || c == '@'))
			break;
	}
	*bad_at = i < len ? i : 0;
	return !(letters < 2 || letters > 3 || i < len || len > 32 ||
		 (letters < len && s[letters] != '_' && s[letters] != '-' && s[letters] != '.' &&
		  s[letters] != '@'));
}

static void check_locale(rowctx *x, const val *v)
{
	size_t at;

	if (!Cv_locale_check(v->s, v->len, &at))
		field_error(x, v->f, v->off + at,
			    "\"%s\" is not a locale name like ja_JP, de or pt-BR", v->s);
}

static int check_weight(rowctx *x, const val *v, unsigned *out)
{
	unsigned long w = 0;
	size_t i;

	if (!v->len) {
		*out = 1;
		return 0;
	}
	for (i = 0; i < v->len; i++) {
		if (!isdigit((unsigned char)v->s[i]) || w > CV_WEIGHT_MAX) {
			if (isdigit((unsigned char)v->s[i]))
				break;
			field_error(x, v->f, v->off + i,
				    "weight must be a whole number from 1 to %d, got \"%s\"",
				    CV_WEIGHT_MAX, v->s);
			return -1;
		}
		w = w * 10 + (unsigned long)(v->s[i] - '0');
	}
	if (w < 1 || w > CV_WEIGHT_MAX) {
		field_error(x, v->f, v->off, "weight must be from 1 to %d, got %s", CV_WEIGHT_MAX,
			    v->s);
		return -1;
	}
	*out = (unsigned)w;
	return 0;
}

/*
 * 1 if dir/<id>.ics is a file (the calendar that can stand in for
 * `available`); its path goes into buf for messages.
 */
static int has_calendar(char *buf, size_t size, const char *dir, const char *id)
{
	size_t nd = strlen(dir);
	struct stat sb;

	snprintf(buf, size, "%s%s%s.ics", dir, nd && dir[nd - 1] == '/' ? "" : "/", id);
	return stat(buf, &sb) == 0 && S_ISREG(sb.st_mode);
}

/*
 * 1 if the row has as many fields as the header; else the difference is
 * reported, at the first extra field or at the end of the short row.
 */
static int row_has_columns(rowctx *x, const int *column_of_field, size_t ncols)
{
	reader *r = x->r;

	if (r->nfields > ncols) {
		const field *f = &r->fields[ncols];
		cv_where wh = {r->path, f->line, f->col};
		cv_errors_add(r->errs, CV_EDATA, &wh, 0,
			      "this row has %zu fields but the header has %zu", r->nfields, ncols);
	} else if (r->nfields < ncols) {
		cv_where wh = {r->path, r->end_line, r->end_col};
		cv_errors_add(r->errs, CV_EDATA, &wh, 0,
			      "this row has %zu field%s but the header has %zu (missing: %s%s)",
			      r->nfields, r->nfields == 1 ? "" : "s", ncols,
			      column_of_field[r->nfields] >= 0
				      ? column_names[column_of_field[r->nfields]]
				      : "an unknown column",
			      ncols - r->nfields > 1 ? ", ..." : "");
	} else {
		return 1;
	}
	r->failed = 1;
	return 0;
}

/* One row: its values, and what they parse to (owned: row_clear()). */
typedef struct row {
	val id, name, email, tz, avail, pref, unavail, locale, weight;
	int id_ok;              /* the id is valid and new */
	const cv_zone *zone;    /* NULL when missing or bad */
	cv_window *w, *pw;      /* available and preferred windows */
	size_t nw, npw, nun;
	cv_daterange *un;       /* unavailable dates */
	int avail_rc;           /* what parsing `available` returned */
	unsigned weight_value;
} row;

static void row_values(rowctx *x, row *rw)
{
	memset(rw, 0, sizeof(*rw));
	rw->id = get(x, COL_ID);
	rw->name = get(x, COL_NAME);
	rw->email = get(x, COL_EMAIL);
	rw->tz = get(x, COL_TIMEZONE);
	rw->avail = get(x, COL_AVAILABLE);
	rw->pref = get(x, COL_PREFERRED);
	rw->unavail = get(x, COL_UNAVAILABLE);
	rw->locale = get(x, COL_LOCALE);
	rw->weight = get(x, COL_WEIGHT);
	rw->weight_value = 1;
}

static void row_clear(row *rw)
{
	free(rw->w);
	free(rw->pw);
	free(rw->un);
}

/* 1 if the id is valid and no earlier row has it, even in another letter case. */
static int check_new_id(rowctx *x, const val *id)
{
	const cv_student *other;

	if (!id->present || check_id(x, id))
		return 0;
	other = find_ci(x->roster, id->s);
	if (other && strcmp(other->id, id->s) == 0) {
		field_error(x, id->f, id->off, "duplicate id \"%s\" (first on line %u)", id->s,
			    other->line);
	} else if (other) {
		field_error(x, id->f, id->off,
			    "id \"%s\" differs from \"%s\" on line %u only in case; ids name "
			    "files, which may not differ in case alone", id->s, other->id,
			    other->line);
	}
	return !other;
}

/* The row's zone into rw->zone (NULL when missing or refused).  Returns 0 or CV_ENOMEM. */
static int check_zone(rowctx *x, row *rw)
{
	const val *tz = &rw->tz;
	char hint[CV_ZONE_HINT_MAX], msg[CV_ZONE_HINT_MAX + 128];
	int rc;

	if (!tz->present || tz->f->too_long)
		return CV_OK;
	if (!tz->len) {
		field_error(x, tz->f, tz->off, "missing time zone; write an IANA name like Europe/Berlin");
		return CV_OK;
	}
	hint[0] = '\0';
	rc = cv_zone_lookup(&rw->zone, tz->s, hint, sizeof(hint));
	if (rc == CV_ENOMEM)
		return rc;
	if (rc) {
		field_error(x, tz->f, tz->off, "%s", Cv_zone_problem(msg, sizeof(msg), tz->s, hint));
		rw->zone = NULL;
	}
	return CV_OK;
}

/*
 * `available`, which must not be empty, unless the course has calendars
 * and the student's calendar file exists to stand in for it.  Returns 0 or
 * CV_ENOMEM.
 */
static int check_available(rowctx *x, row *rw)
{
	reader *r = x->r;
	const val *av = &rw->avail;
	char cal[CV_ERROR_FILE_MAX];

	rw->avail_rc = CV_OK;
	if (av->present && !av->f->too_long) {
		rw->avail_rc = run_parser(x, av, P_WINDOWS, &rw->w, &rw->nw);
		if (rw->avail_rc == CV_ENOMEM)
			return CV_ENOMEM;
		if (rw->avail_rc == CV_OK && rw->nw == 0 && !r->calendars)
			field_error(x, av->f, av->off,
				    "available is empty; write the weekly windows, e.g. "
				    "\"Mon-Fri 18:00-22:00; Sat 09:00-13:00\"");
	}
	if (!r->calendars || !rw->id_ok || rw->nw != 0 || rw->avail_rc != CV_OK ||
	    (av->present && av->f->too_long) || has_calendar(cal, sizeof(cal), r->calendars, rw->id.s))
		return CV_OK;
	if (av->present)
		field_error(x, av->f, av->off,
			    "available is empty and there is no calendar %s; write the weekly "
			    "windows, e.g. \"Mon-Fri 18:00-22:00\", or add the calendar", cal);
	else
		field_error(x, rw->id.f, rw->id.off, "%s has no available column and no calendar %s",
			    rw->id.s, cal);
	return CV_OK;
}

/* Every column of the row, in the order of the columns.  Returns 0 or CV_ENOMEM. */
static int check_row(rowctx *x, row *rw)
{
	rw->id_ok = check_new_id(x, &rw->id);
	if (rw->email.present && rw->email.len && !rw->email.f->too_long &&
	    !strchr(rw->email.s, '@'))
		field_error(x, rw->email.f, rw->email.off, "\"%s\" is not an email address (no '@')",
			    rw->email.s);
	if (check_zone(x, rw) || check_available(x, rw))
		return CV_ENOMEM;
	if (rw->pref.present && !rw->pref.f->too_long && rw->pref.len &&
	    run_parser(x, &rw->pref, P_WINDOWS, &rw->pw, &rw->npw) == CV_ENOMEM)
		return CV_ENOMEM;
	if (rw->unavail.present && !rw->unavail.f->too_long && rw->unavail.len &&
	    run_parser(x, &rw->unavail, P_DATES, &rw->un, &rw->nun) == CV_ENOMEM)
		return CV_ENOMEM;
	if (rw->locale.present && rw->locale.len && !rw->locale.f->too_long)
		check_locale(x, &rw->locale);
	if (rw->weight.present && !rw->weight.f->too_long)
		check_weight(x, &rw->weight, &rw->weight_value);
	return CV_OK;
}

/*
 * Store the row's student.  A student is stored when its id is good, even
 * if the row has other problems, so that a later duplicate is still
 * caught (without an availability then); a roster with any problem is
 * freed in the end anyway.  Returns 0 or CV_ENOMEM.
 */
static int store_row(rowctx *x, const row *rw)
{
	cv_student st;

	if (!rw->id_ok)
		return CV_OK;
	memset(&st, 0, sizeof(st));
	st.weight = rw->weight_value;
	st.line = x->r->row_line;
	st.zone = rw->zone;
	if (pack_strings(&st, rw->id.s, rw->name.s, rw->email.s, rw->locale.s))
		return CV_ENOMEM;
	if (!x->bad && rw->zone &&
	    (cv_avail_new(&st.avail, rw->zone) || cv_avail_add_windows(st.avail, rw->w, rw->nw, 0) ||
	     cv_avail_add_windows(st.avail, rw->pw, rw->npw, 1) ||
	     cv_avail_add_away(st.avail, rw->un, rw->nun)))
		goto nomem;
	if (store(x->roster, &st))
		goto nomem;
	return CV_OK;
nomem:
	cv_avail_free(st.avail);
	free(st.id);
	return CV_ENOMEM;
}

/* A row that gives no hours at all: its student is to answer on the web page. */
static int row_pending(const rowctx *x, const row *rw)
{
	return x->r->pending_ok && !rw->tz.len && !rw->avail.len && !rw->pref.len &&
	       !rw->unavail.len;
}

/* Such a row's id, e-mail address, locale and weight are checked as any row's;
 * its student is stored without zone or availability. */
static int check_pending_row(rowctx *x, row *rw)
{
	rw->id_ok = check_new_id(x, &rw->id);
	if (rw->email.present && rw->email.len && !rw->email.f->too_long &&
	    !strchr(rw->email.s, '@'))
		field_error(x, rw->email.f, rw->email.off, "\"%s\" is not an email address (no '@')",
			    rw->email.s);
	if (rw->locale.present && rw->locale.len && !rw->locale.f->too_long)
		check_locale(x, &rw->locale);
	if (rw->weight.present && !rw->weight.f->too_long)
		check_weight(x, &rw->weight, &rw->weight_value);
	return CV_OK;
}

static void validate_row(rowctx *x, const int *column_of_field, size_t ncols)
{
	row rw;

	x->bad = x->r->row_bad;
	if (x->r->row_bad)
		return; /* its syntax error was reported; its fields cannot be trusted */
	if (!row_has_columns(x, column_of_field, ncols)) {
		x->bad = 1;
		return;
	}
	check_text(x, column_of_field);
	row_values(x, &rw);
	if ((row_pending(x, &rw) ? check_pending_row(x, &rw) : check_row(x, &rw)) ||
	    store_row(x, &rw))
		x->nomem = 1;
	row_clear(&rw);
}

/* Read the header row; fills column_of_field and x->col_of.  Returns the column count. */
static size_t read_header(rowctx *x, int *column_of_field)
{
	reader *r = x->r;
	cv_where wh = {r->path, 1, 0};
	size_t i, n;
	int c;

	for (c = 0; c < COL_COUNT; c++)
		x->col_of[c] = -1;
	n = r->nfields;
	check_text(x, NULL);
	for (i = 0; i < n; i++) {
		val v;
		field *f = &r->fields[i];
		column_of_field[i] = -1;
		if (f->too_long)
			continue;
		v = trimmed(r, f);
		for (c = 0; c < COL_COUNT; c++) {
			if (strcmp(v.s, column_names[c]) == 0)
				break;
		}
		if (c == COL_COUNT) {
			const char *near = v.len ? Cv_closest_word(v.s, column_names) : NULL;
			if (!v.len)
				field_error(x, f, v.off, "empty column name in the header");
			else if (near)
				field_error(x, f, v.off, "unknown column \"%s\"; did you mean %s?", v.s,
					    near);
			else
				field_error(x, f, v.off,
					    "unknown column \"%s\"; the columns are id, name, email, "
					    "timezone, available, preferred, unavailable, locale, weight",
					    v.s);
			continue;
		}
		column_of_field[i] = c;
	}
	/* Duplicates: the second occurrence is the error. */
	for (i = 0; i < n; i++) {
		size_t j;
		if (column_of_field[i] < 0)
			continue;
		for (j = 0; j < i; j++) {
			if (column_of_field[j] == column_of_field[i])
				break;
		}
		if (j < i) {
			field_error(x, &r->fields[i], 0, "column \"%s\" appears twice",
				    column_names[column_of_field[i]]);
			column_of_field[i] = -1;
			continue;
		}
		x->col_of[column_of_field[i]] = (int)i;
	}
	for (c = 0; c < COL_COUNT; c++) {
		int needed = c == COL_ID || (!r->pending_ok && (c == COL_TIMEZONE ||
				 (c == COL_AVAILABLE && !r->calendars)));
		if (needed && x->col_of[c] < 0) {
			cv_errors_add(r->errs, CV_EDATA, &wh, 0,
				      "missing required column \"%s\" in the header", column_names[c]);
			r->failed = 1;
		}
	}
	return n;
}

/* A FIFO or a device is refused before a byte is read; fill() keeps to the limit. */
static const Cv_file_kind roster_file = {
	"the roster", "the roster is a CSV file", CV_ROSTER_FILE_MAX, 0
};

int cv_roster_load(cv_roster **out, const char *path, cv_errors *errs)
{
	return cv_roster_load_calendars(out, path, NULL, errs);
}

/* A byte order mark: UTF-8 is skipped (columns count after it); UTF-16 is refused. */
static int skip_bom(reader *r)
{
	cv_where wf = {r->path, 0, 0};

	if (fill(r) && r->n >= 2 &&
	    ((r->buf[0] == 0xFF && r->buf[1] == 0xFE) || (r->buf[0] == 0xFE && r->buf[1] == 0xFF)))
		return cv_errors_add(r->errs, CV_EDATA, &wf, 0, "the roster is UTF-16; save it as UTF-8");
	if (r->n >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
		r->i = 3;
	return CV_OK;
}

/* The header, then every row into x->roster.  Returns 0, CV_EDATA, CV_ENOINPUT or CV_ENOMEM. */
static int read_rows(rowctx *x)
{
	reader *r = x->r;
	cv_where wf = {r->path, 0, 0};
	int column_of_field[FIELDS_MAX];
	size_t ncols, rows = 0;

	if (!read_row(r)) {
		if (r->nomem)
			return CV_ENOMEM;
		return cv_errors_add(r->errs, CV_EDATA, &wf, 0,
				     "the roster is empty; its first line must be the header, "
				     "e.g. id,name,timezone,available");
	}
	ncols = read_header(x, column_of_field);
	while (read_row(r)) {
		if (++rows > CV_ROSTER_ROWS_MAX) {
			cv_where w = {r->path, r->row_line, 0};
			cv_errors_add(r->errs, CV_EDATA, &w, 0, "more than %d students",
				      CV_ROSTER_ROWS_MAX);
			r->failed = 1;
			break;
		}
		validate_row(x, column_of_field, ncols);
		if (x->nomem)
			break;
	}
	if (r->nomem || x->nomem)
		return CV_ENOMEM;
	if (ferror(r->f))
		return cv_errors_add(r->errs, CV_ENOINPUT, &wf, 0, "cannot read the roster: %s",
				     strerror(errno));
	if (r->total > (uint64_t)CV_ROSTER_FILE_MAX) {
		cv_errors_add(r->errs, CV_EDATA, &wf, 0, "the roster is larger than %zu bytes",
			      CV_ROSTER_FILE_MAX);
		r->failed = 1;
	}
	if (rows == 0 && !r->fatal) {
		cv_errors_add(r->errs, CV_EDATA, &wf, 0, "the roster has a header but no students");
		r->failed = 1;
	}
	return r->failed ? CV_EDATA : CV_OK;
}

static int load(cv_roster **out, const char *path, const char *calendars, int pending_ok,
		cv_errors *errs)
{
	cv_roster *ro = NULL;
	reader *r = NULL;
	rowctx x;
	FILE *f;
	int fd, rc;

	if ((rc = Cv_file_open(&fd, path, &roster_file, errs)))
		return rc;
	if (!(f = fdopen(fd, "rb"))) {
		close(fd);
		return CV_ENOMEM;
	}
	r = calloc(1, sizeof(*r));
	if (!r || cv_roster_new(&ro, path)) {
		rc = CV_ENOMEM;
	} else {
		r->f = f;
		r->path = path;
		r->calendars = calendars;
		r->pending_ok = pending_ok;
		r->errs = errs;
		r->line = 1;
		r->col = 1;
		memset(&x, 0, sizeof(x));
		x.r = r;
		x.roster = ro;
		if (!(rc = skip_bom(r)))
			rc = read_rows(&x);
	}
	fclose(f);
	if (r) {
		free(r->data);
		free(r->segs);
		free(r);
	}
	if (rc) {
		cv_roster_free(ro);
		return rc;
	}
	*out = ro;
	return CV_OK;
}

int cv_roster_load_calendars(cv_roster **out, const char *path, const char *calendars,
			     cv_errors *errs)
{
	return load(out, path, calendars, 0, errs);
}

int Cv_roster_load_pending(cv_roster **out, const char *path, const char *calendars,
			   cv_errors *errs)
{
	return load(out, path, calendars, 1, errs);
}

void cv_roster_free(cv_roster *roster)
{
	size_t i;

	if (!roster)
		return;
	for (i = 0; i < roster->count; i++) {
		cv_avail_free(roster->students[i].avail);
		free(roster->students[i].id);
	}
	free(roster->students);
	free(roster->path);
	if (roster->index)
		free(roster->index->slots);
	free(roster->index);
	free(roster);
}

const cv_student *cv_roster_find(const cv_roster *roster, const char *id)
{
	const cv_student *s = find_ci(roster, id);
	return s && strcmp(s->id, id) == 0 ? s : NULL;
}
