/*
 * store_import.c - answers from a forms export (Google Forms, Microsoft
 * Forms: a CSV with a Timestamp and one column per question) into the
 * store, each checked as the web page checks an answer and reported at its
 * file:line:column.  All or nothing: one bad row and nothing is saved.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convene/store.h"
#include "array_int.h"
#include "csv_int.h"
#include "file_int.h"
#include "roster_int.h"
#include "utf8_int.h"

enum col { C_ID, C_NAME, C_EMAIL, C_TIMEZONE, C_AVAILABLE, C_PREFERRED, C_UNAVAILABLE,
	   C_LOCALE, C_COUNT };

static const char *const col_names[C_COUNT + 1] = {
	"id", "name", "email", "timezone", "available", "preferred", "unavailable", "locale", NULL
};

/* A forms export of a MOOC: 10^5 rows of a few hundred bytes. */
static const Cv_file_kind forms_file = {"the forms export", "give the CSV file", (size_t)256 << 20,
					0};

typedef struct import {
	const char *path;
	cv_errors *errs;
	int col_of[C_COUNT];  /* field index, or -1 */
	int failed;
	/* rows kept: the last row of each id */
	char **rows;          /* per kept row: its 8 values, NUL-separated, owned */
	size_t nrows, rows_cap;
} import;

/* "Header text=column": the column, or -1 after reporting. */
static int map_column(const char *map, size_t *header_len, cv_errors *errs)
{
	const char *eq = strrchr(map, '=');
	cv_where w = {"--map", 0, 0};
	const char *near;
	int c;

	if (!eq || eq == map)
		return cv_errors_add(errs, CV_EUSAGE, &w, 0, "\"%s\": write \"Question text=column\"",
				     map), -1;
	for (c = 0; c < C_COUNT; c++)
		if (!strcmp(eq + 1, col_names[c]))
			break;
	if (c == C_COUNT) {
		near = Cv_closest_word(eq + 1, col_names);
		cv_errors_add(errs, CV_EUSAGE, &w, 0, "\"%s\": unknown column \"%s\"%s%s; the columns "
			      "are id, name, email, timezone, available, preferred, unavailable, "
			      "locale", map, eq + 1, near ? "; did you mean " : "", near ? near : "");
		return -1;
	}
	*header_len = (size_t)(eq - map);
	return c;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* The header: mapped questions, roster column names, the rest ignored. */
static int read_header(import *im, const Cv_csv_field *f, size_t n, const char *const *maps,
		       size_t nmaps, cv_import_summary *sum)
{
	cv_where w = {im->path, 1, 0};
	size_t i, k;
	int c;

	for (c = 0; c < C_COUNT; c++)
		im->col_of[c] = -1;
	for (k = 0; k < nmaps; k++) {
		size_t hlen;
		int found = 0;
		if ((c = map_column(maps[k], &hlen, im->errs)) < 0)
			return CV_EUSAGE;
		for (i = 0; i < n; i++) {
			const char *h = f[i].text;
			size_t len = f[i].len;
			trim(&h, &len);
			if (len == hlen && !memcmp(h, maps[k], hlen)) {
				im->col_of[c] = (int)i;
				found = 1;
			}
		}
		if (!found)
			return cv_errors_add(im->errs, CV_EUSAGE, &w, 0, "--map \"%s\": the header has no "
					     "column \"%.*s\"", maps[k], (int)hlen, maps[k]);
	}
	for (i = 0; i < n; i++) {
		const char *h = f[i].text;
		size_t len = f[i].len;
		int mapped = 0;
		trim(&h, &len);
		for (c = 0; c < C_COUNT; c++)
			mapped |= im->col_of[c] == (int)i;
		for (c = 0; !mapped && c < C_COUNT; c++)
			if (im->col_of[c] < 0 && len == strlen(col_names[c]) &&
			    !strncasecmp(h, col_names[c], len)) {
				im->col_of[c] = (int)i;
				mapped = 1;
			}
		if (!mapped)
			sum->ignored_columns++;
	}
	if (im->col_of[C_ID] < 0 && im->col_of[C_EMAIL] < 0)
		return cv_errors_add(im->errs, CV_EUSAGE, &w, 0, "no column gives the student: map "
				     "one to id or email (--map \"Email Address=email\")");
	if (im->col_of[C_TIMEZONE] < 0 || im->col_of[C_AVAILABLE] < 0)
		return cv_errors_add(im->errs, CV_EUSAGE, &w, 0, "no column gives the %s: map the "
				     "question to it (--map \"What is your time zone?=timezone\")",
				     im->col_of[C_TIMEZONE] < 0 ? "time zone (timezone)"
								 : "hours (available)");
	return CV_OK;
}

/* Report the checker's problems (where.file = the column's name, column =
 * 1 + offset) at the field's place in the file. */
static void relay(import *im, const cv_errors *tmp, const Cv_csv_field *f, size_t n,
		  const size_t *lead)
{
	size_t i;
	int c;

	for (i = 0; i < cv_errors_count(tmp); i++) {
		const cv_error *e = cv_errors_get(tmp, i);
		const Cv_csv_field *at = NULL;
		cv_where w = {im->path, 0, 0};
		if (!e)
			break;
		for (c = 0; c < C_COUNT; c++)
			if (!strcmp(e->file, col_names[c]) && im->col_of[c] >= 0 &&
			    (size_t)im->col_of[c] < n)
				at = &f[im->col_of[c]];
		if (at) {
			unsigned off = e->column ? e->column - 1 : 0;
			w.line = at->line;
			w.column = at->col + (at->simple ? off + (unsigned)lead[at - f] : 0);
		}
		cv_errors_add(im->errs, e->code ? e->code : CV_EDATA, &w, 0, "%s: %s", e->file,
			      e->message);
	}
}

/* One row kept for saving: its values, owned, in one block. */
typedef struct record {
	char *v[C_COUNT];
	char *block;      /* the values (owned) */
	char *roster_id;  /* the roster's id for the row's e-mail address, or NULL */
	unsigned line;
} record;

static void record_free(record *r)
{
	free(r->block);
	free(r->roster_id);
}

/* Copy the row's trimmed values (absent columns ""); the id falls back on the e-mail. */
static int record_of(record *r, const import *im, const Cv_csv_field *f, size_t n,
		     size_t *lead)
{
	const char *val[C_COUNT];
	size_t len[C_COUNT], total = 0, c;
	char *block, *p;

	for (c = 0; c < n; c++)
		lead[c] = 0;
	for (c = 0; c < C_COUNT; c++) {
		int i = im->col_of[c];
		val[c] = "";
		len[c] = 0;
		if (i >= 0 && (size_t)i < n) {
			const char *s = f[i].text;
			val[c] = s;
			len[c] = f[i].len;
			trim(&val[c], &len[c]);
			lead[i] = (size_t)(val[c] - s);
		}
	}
	if (!len[C_ID]) {
		val[C_ID] = val[C_EMAIL];
		len[C_ID] = len[C_EMAIL];
	}
	for (c = 0; c < C_COUNT; c++)
		total += len[c] + 1;
	if (!(block = malloc(total)))
		return CV_ENOMEM;
	r->block = block;
	for (p = block, c = 0; c < C_COUNT; c++) {
		memcpy(p, val[c], len[c]);
		p[len[c]] = '\0';
		r->v[c] = p;
		p += len[c] + 1;
	}
	return CV_OK;
}

static cv_answer answer_of(const record *r)
{
	cv_answer a;

	memset(&a, 0, sizeof(a));
	a.id = r->v[C_ID];
	a.timezone = r->v[C_TIMEZONE];
	a.available = r->v[C_AVAILABLE];
	a.preferred = r->v[C_PREFERRED];
	a.unavailable = r->v[C_UNAVAILABLE];
	a.locale = r->v[C_LOCALE];
	return a;
}

typedef Cv_array_t(record) records;

/* Check a row as an answer; keep it when it is good.  0, CV_EDATA or CV_ENOMEM. */
static int take_row(import *im, records *rs, const cv_course *course, const Cv_csv_field *f,
		    size_t n, unsigned line)
{
	size_t lead[CV_CSV_FIELDS_MAX];
	cv_errors *tmp = NULL;
	cv_where w = {im->path, line, 0};
	record r;
	cv_answer a;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = record_of(&r, im, f, n, lead)))
		return rc;
	r.line = line;
	if (!*r.v[C_ID]) {
		record_free(&r);
		return cv_errors_add(im->errs, CV_EDATA, &w, 0, "no %s in this row",
				     im->col_of[C_ID] >= 0 ? "id" : "e-mail address");
	}
	a = answer_of(&r);
	if (cv_errors_new(&tmp)) {
		record_free(&r);
		return CV_ENOMEM;
	}
	rc = cv_answer_check(&a, course, tmp);
	relay(im, tmp, f, n, lead);
	cv_errors_free(tmp);
	if (!rc) {
		record *slot = Cv_array_alloc(*rs);
		if (!slot)
			rc = CV_ENOMEM;
		else
			*slot = r;
	}
	if (rc)
		record_free(&r);
	return rc;
}

static int by_id_then_line(const void *x, const void *y)
{
	const record *a = x, *b = y;
	int c = strcmp(a->v[C_ID], b->v[C_ID]);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

typedef Cv_array_t(char *) names;

static int collect_enrolled(void *ctx, const cv_enrolled *e)
{
	names *ids = ctx;
	char *id = strdup(e->id);
	if (!id || Cv_array_push(*ids, id)) {
		free(id);
		return CV_ENOMEM;
	}
	return CV_OK;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(names *ids)
{
	size_t i;
	for (i = 0; i < ids->size; i++)
		free(ids->ptr[i]);
	Cv_array_clear(*ids);
}

/*
 * Students the course does not know: enrolled when the course has open
 * enrolment, else an error at the row.  0, CV_EDATA, CV_EIO or CV_ENOMEM.
 */
static int place_students(import *im, cv_store *s, const cv_course *course,
			  const cv_roster *roster, record *r, size_t n, int64_t now,
			  cv_import_summary *sum)
{
	names enrolled = CV_ARRAY_INIT;
	size_t i;
	int rc = CV_OK;

	if ((rc = cv_store_foreach_enrolled(s, collect_enrolled, &enrolled))) {
		names_free(&enrolled);
		return rc;
	}
	if (enrolled.size)
		qsort(enrolled.ptr, enrolled.size, sizeof(char *), str_cmp);
	for (i = 0; i < n && rc != CV_ENOMEM && rc != CV_EIO; i++) {
		cv_where w = {im->path, r[i].line, 0};
		char id[CV_STUDENT_ID_MAX + 1];
		int r2;
		const char *key = r[i].v[C_ID];
		if ((roster && cv_roster_find(roster, key)) ||
		    (enrolled.size && bsearch(&key, enrolled.ptr, enrolled.size, sizeof(char *), str_cmp)))
			continue;
		if (course->enrol != CV_ENROL_OPEN) {
			rc = cv_errors_add(im->errs, CV_EDATA, &w, 0, "%s is not in the roster %s (the "
					   "course has no open enrolment)", r[i].v[C_ID],
					   course->roster_path ? course->roster_path : "");
			continue;
		}
		r2 = cv_store_enrol(id, sizeof(id), s, r[i].v[C_ID],
				    *r[i].v[C_NAME] ? r[i].v[C_NAME] : r[i].v[C_ID],
				    *r[i].v[C_EMAIL] ? r[i].v[C_EMAIL] : r[i].v[C_ID], now, im->errs);
		if (r2 == CV_OK)
			sum->enrolled++;
		else if (!rc || r2 == CV_ENOMEM || r2 == CV_EIO)
			rc = r2;
	}
	names_free(&enrolled);
	return rc;
}

/* A roster student by e-mail address, for an export without an id column. */
typedef struct by_email {
	const char *email;
	const char *id;
} by_email;

static int email_cmp(const void *a, const void *b)
{
	return strcasecmp(((const by_email *)a)->email, ((const by_email *)b)->email);
}

/*
 * Without an id column the student is found by e-mail address: the roster
 * row with that address (any letter case), else the address itself is the
 * id.  Returns 0 or CV_ENOMEM.
 */
static int ids_by_email(record *r, size_t n, const cv_roster *roster)
{
	by_email *index = malloc(sizeof(*index) * (roster->count + 1));
	size_t i, k = 0;

	if (!index)
		return CV_ENOMEM;
	for (i = 0; i < roster->count; i++)
		if (*roster->students[i].email)
			index[k++] = (by_email){roster->students[i].email, roster->students[i].id};
	qsort(index, k, sizeof(*index), email_cmp);
	for (i = 0; i < n; i++) {
		by_email key = {r[i].v[C_EMAIL], NULL}, *hit;
		if (!*key.email || !(hit = bsearch(&key, index, k, sizeof(*index), email_cmp)))
			continue;
		if (!(r[i].roster_id = strdup(hit->id))) {
			free(index);
			return CV_ENOMEM;
		}
		r[i].v[C_ID] = r[i].roster_id;
	}
	free(index);
	return CV_OK;
}

int cv_store_import(cv_import_summary *out, cv_store *s, const cv_course *course,
		    const char *path, const char *const *maps, size_t nmaps, int64_t now,
		    cv_errors *errs)
{
	import im;
	records rs = CV_ARRAY_INIT;
	cv_import_summary sum;
	const Cv_csv_field *f;
	const cv_answer **list = NULL;
	cv_answer *answers = NULL;
	Cv_csv *csv = NULL;
	cv_roster *roster = NULL;
	char *text = NULL;
	size_t len = 0, n, i, kept = 0;
	int rc, r;

	memset(&im, 0, sizeof(im));
	memset(&sum, 0, sizeof(sum));
	im.path = path;
	im.errs = errs;
	if ((rc = Cv_file_read(&text, &len, path, &forms_file, errs)))
		return rc;
	rc = Cv_csv_new(&csv, text, len, path);
	free(text);
	if (rc)
		return rc;
	r = Cv_csv_next(csv, &f, &n, errs);
	if (r == 1)
		rc = read_header(&im, f, n, maps, nmaps, &sum);
	else
		rc = r ? r : cv_errors_add(errs, CV_EDATA, &(cv_where){path, 0, 0}, 0,
					  "the file is empty; its first line must be the header");
	while (rc != CV_EUSAGE && rc != CV_ENOMEM && (r = Cv_csv_next(csv, &f, &n, errs)) == 1) {
		int r2 = take_row(&im, &rs, course, f, n, Cv_csv_line(csv));
		sum.rows++;
		if (r2 && (!rc || r2 == CV_ENOMEM))
			rc = r2;
	}
	if (r < 0 && !rc)
		rc = r;
	Cv_csv_free(csv);
	if (!rc && !sum.rows)
		rc = cv_errors_add(errs, CV_EDATA, &(cv_where){path, 0, 0}, 0,
				   "the file has a header but no answers");
	if (!rc && course->roster_path)
		rc = Cv_roster_load_pending(&roster, course->roster_path, course->calendars_dir, errs);
	if (!rc && roster && im.col_of[C_ID] < 0)
		rc = ids_by_email(rs.ptr, rs.size, roster);
	/* A student who answered twice: the later row (forms list them in time order). */
	if (!rc) {
		if (rs.size)
			qsort(rs.ptr, rs.size, sizeof(*rs.ptr), by_id_then_line);
		for (i = 0; i < rs.size; i++) {
			if (i + 1 < rs.size && !strcmp(rs.ptr[i].v[C_ID], rs.ptr[i + 1].v[C_ID])) {
				record_free(&rs.ptr[i]);
				sum.replaced++;
				continue;
			}
			rs.ptr[kept++] = rs.ptr[i];
		}
		rs.size = kept;
		rc = place_students(&im, s, course, roster, rs.ptr, rs.size, now, &sum);
	}
	if (!rc) {
		answers = calloc(rs.size + 1, sizeof(*answers));
		list = calloc(rs.size + 1, sizeof(*list));
		rc = answers && list ? CV_OK : CV_ENOMEM;
	}
	for (i = 0; !rc && i < rs.size; i++) {
		answers[i] = answer_of(&rs.ptr[i]);
		list[i] = &answers[i];
	}
	if (!rc)
		rc = cv_store_put_answers(s, list, rs.size, now, errs);
	if (!rc) {
		sum.answers = rs.size;
		*out = sum;
	}
	free(answers);
	free(list);
	cv_roster_free(roster);
	for (i = 0; i < rs.size; i++)
		record_free(&rs.ptr[i]);
	Cv_array_clear(rs);
	return rc;
}
