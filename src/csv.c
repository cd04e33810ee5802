/*
 * csv.c - RFC 4180 over text in memory (csv_int.h).  Values are unescaped
 * in place in a private copy; each field remembers where it started, so a
 * problem found in a value is reported at its file:line:column.
 */
#include <stdlib.h>
#include <string.h>

#include "csv_int.h"

struct Cv_csv {
	char *buf;
	size_t len, pos;
	const char *path;
	unsigned line, col;   /* of buf[pos] */
	unsigned row_line;
	Cv_csv_field fields[CV_CSV_FIELDS_MAX];
	int done;
};

int Cv_csv_new(Cv_csv **out, const char *data, size_t len, const char *path)
{
	Cv_csv *c = calloc(1, sizeof(*c));

	if (!c || !(c->buf = malloc(len + 1))) {
		free(c);
		return CV_ENOMEM;
	}
	memcpy(c->buf, data, len);
	c->buf[len] = '\0';
	c->len = len;
	c->path = path;
	c->line = c->col = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
	*out = c;
	return CV_OK;
}

void Cv_csv_free(Cv_csv *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c);
}

unsigned Cv_csv_line(const Cv_csv *c)
{
	return c->row_line;
}

/* Step over one byte, counting lines (CRLF, LF or CR end a line). */
static void step(Cv_csv *c)
{
	char ch = c->buf[c->pos++];
	if (ch == '\n' || (ch == '\r' && (c->pos >= c->len || c->buf[c->pos] != '\n'))) {
		c->line++;
		c->col = 1;
	} else {
		c->col++;
	}
}

static int at_row_end(const Cv_csv *c)
{
	return c->pos >= c->len || c->buf[c->pos] == '\n' || c->buf[c->pos] == '\r';
}

static int error(Cv_csv *c, cv_errors *errs, unsigned line, unsigned col, const char *msg)
{
	cv_where w = {c->path, line, col};
	c->done = 1;
	return cv_errors_add(errs, CV_EDATA, &w, 0, "%s", msg);
}

/* A quoted field from the opening quote on; the value is written at `w`. */
static int quoted(Cv_csv *c, Cv_csv_field *f, cv_errors *errs)
{
	unsigned qline = c->line, qcol = c->col;
	char *w;

	step(c);
	f->line = c->line;
	f->col = c->col;
	f->simple = 1;
	w = c->buf + c->pos;
	f->text = w;
	for (;;) {
		char ch;
		if (c->pos >= c->len)
			return error(c, errs, qline, qcol, "this quote is never closed");
		ch = c->buf[c->pos];
		if (ch == '"') {
			step(c);
			if (c->pos < c->len && c->buf[c->pos] == '"') {
				f->simple = 0;
				step(c);
				*w++ = '"';
				continue;
			}
			break;
		}
		if (ch == '\n' || ch == '\r')
			f->simple = 0;
		step(c);
		*w++ = ch;
	}
	f->len = (size_t)(w - f->text);
	if (c->pos < c->len && c->buf[c->pos] != ',' && !at_row_end(c))
		return error(c, errs, c->line, c->col, "text after the closing quote; a quote "
			     "inside a quoted value is written twice (\"\")");
	*w = '\0';
	return CV_OK;
}

static void plain(Cv_csv *c, Cv_csv_field *f)
{
	f->line = c->line;
	f->col = c->col;
	f->simple = 1;
	f->text = c->buf + c->pos;
	while (c->pos < c->len && c->buf[c->pos] != ',' && !at_row_end(c))
		step(c);
	f->len = (size_t)(c->buf + c->pos - f->text);
}

int Cv_csv_next(Cv_csv *c, const Cv_csv_field **fields, size_t *n, cv_errors *errs)
{
	size_t k = 0;

	if (c->done)
		return 0;
	/* Blank lines are skipped. */
	while (c->pos < c->len && (c->buf[c->pos] == '\n' || c->buf[c->pos] == '\r'))
		step(c);
	if (c->pos >= c->len)
		return 0;
	c->row_line = c->line;
	for (;;) {
		Cv_csv_field *f = &c->fields[k];
		int rc;
		if (k == CV_CSV_FIELDS_MAX)
			return error(c, errs, c->line, c->col, "more than 256 fields in a row");
		if (c->buf[c->pos] == '"') {
			if ((rc = quoted(c, f, errs)))
				return rc;
		} else {
			plain(c, f);
		}
		k++;
		if (c->pos < c->len && c->buf[c->pos] == ',') {
			/* The separator ends the value before it. */
			size_t at = c->pos;
			step(c);
			c->buf[at] = '\0';
			continue;
		}
		break;
	}
	/* The row's end: terminate the last value and step over the line break. */
	if (c->pos < c->len) {
		size_t at = c->pos;
		step(c);
		if (c->buf[at] == '\r' && c->pos < c->len && c->buf[c->pos] == '\n')
			step(c);
		c->buf[at] = '\0';
	}
	*fields = c->fields;
	*n = k;
	return 1;
}
