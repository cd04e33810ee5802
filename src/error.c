/* error.c - result codes and the diagnostics list. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_int.h"
#include "error_int.h"

/*
 * The kept diagnostics, each in a block of its own, so that a pointer from
 * cv_errors_get() stays valid while the list grows.  Nothing is allocated
 * until the first diagnostic: the publish step makes a list per student
 * and most stay empty.
 */
struct cv_errors {
	Cv_array_t(cv_error *) kept;
	size_t total;
	int first_code;
};

int cv_errors_new(cv_errors **out)
{
	cv_errors *e = calloc(1, sizeof(*e));
	if (!e)
		return CV_ENOMEM;
	*out = e;
	return CV_OK;
}

void cv_errors_free(cv_errors *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->kept.size; i++)
		free(errs->kept.ptr[i]);
	Cv_array_clear(errs->kept);
	free(errs);
}

size_t Cv_errors_room(const cv_errors *errs)
{
	return errs ? errs->kept.asize : 0;
}

/* A new diagnostic at the end of the kept ones, or NULL when the list is
 * full or memory ran out (the diagnostic is then only counted). */
static cv_error *keep(cv_errors *errs)
{
	cv_error *e;

	if (errs->kept.size == CV_ERRORS_MAX || Cv_array_reserve(errs->kept, errs->kept.size + 1))
		return NULL;
	e = malloc(sizeof(*e));
	if (e)
		errs->kept.ptr[errs->kept.size++] = e;
	return e;
}

static void record(cv_errors *errs, int code, const cv_where *where, unsigned col_offset,
		   const char *fmt, va_list ap)
{
	cv_error *e;

	if (code != CV_OK && errs->first_code == CV_OK)
		errs->first_code = code;
	errs->total++;
	e = keep(errs);
	if (!e)
		return;
	e->code = code;
	e->file[0] = '\0';
	e->line = 0;
	e->column = 0;
	if (where) {
		if (where->file)
			snprintf(e->file, sizeof(e->file), "%s", where->file);
		e->line = where->line;
		if (where->column)
			e->column = where->column + col_offset;
	}
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
}

int cv_errors_addv(cv_errors *errs, int code, const cv_where *where, unsigned col_offset,
		   const char *fmt, va_list ap)
{
	if (errs)
		record(errs, code, where, col_offset, fmt, ap);
	return code;
}

int cv_errors_add(cv_errors *errs, int code, const cv_where *where, unsigned col_offset,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cv_errors_addv(errs, code, where, col_offset, fmt, ap);
	va_end(ap);
	return code;
}

void cv_errors_warn(cv_errors *errs, const cv_where *where, unsigned col_offset,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cv_errors_addv(errs, CV_OK, where, col_offset, fmt, ap);
	va_end(ap);
}

void Cv_errors_append(cv_errors *errs, size_t i, const char *fmt, ...)
{
	cv_error *e;
	size_t used;
	va_list ap;

	if (!errs || i >= errs->kept.size)
		return;
	e = errs->kept.ptr[i];
	used = strlen(e->message);
	va_start(ap, fmt);
	vsnprintf(e->message + used, sizeof(e->message) - used, fmt, ap);
	va_end(ap);
}

size_t cv_errors_count(const cv_errors *errs)
{
	return errs ? errs->total : 0;
}

const cv_error *cv_errors_get(const cv_errors *errs, size_t i)
{
	return errs && i < errs->kept.size ? errs->kept.ptr[i] : NULL;
}

int cv_errors_code(const cv_errors *errs)
{
	return errs ? errs->first_code : CV_OK;
}

void cv_errors_print(const cv_errors *errs, FILE *f)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->kept.size; i++) {
		const cv_error *e = errs->kept.ptr[i];
		const char *kind = e->code == CV_OK ? "warning: " : "";
		if (e->file[0] && e->line && e->column)
			fprintf(f, "%s:%u:%u: %s%s\n", e->file, e->line, e->column, kind, e->message);
		else if (e->file[0] && e->line)
			fprintf(f, "%s:%u: %s%s\n", e->file, e->line, kind, e->message);
		else if (e->file[0])
			fprintf(f, "%s: %s%s\n", e->file, kind, e->message);
		else
			fprintf(f, "convene: %s%s\n", kind, e->message);
	}
	if (errs->total > errs->kept.size)
		fprintf(f, "convene: %zu more problems not shown\n", errs->total - errs->kept.size);
}

const char *cv_strerror(int code)
{
	switch (code) {
	case CV_OK: return "success";
	case CV_ENOMEM: return "out of memory";
	case CV_EDATA: return "bad input data";
	case CV_ENOINPUT: return "input missing";
	case CV_ECANTCREAT: return "cannot create output";
	case CV_EIO: return "I/O error";
	case CV_ELOCKED: return "another run holds the lock";
	case CV_ENOSLOT: return "no slot fits anyone";
	case CV_EUSAGE: return "usage error";
	case CV_ENOTFOUND: return "not found";
	default: return "unknown error";
	}
}

int cv_exit_code(int code)
{
	switch (code) {
	case CV_OK: return 0;
	case CV_ENOSLOT: return 1;
	case CV_EUSAGE: return 2;
	case CV_EDATA: return 65;
	case CV_ENOINPUT: return 66;
	case CV_ENOMEM: return 71; /* EX_OSERR */
	case CV_ECANTCREAT: return 73;
	case CV_EIO: return 74;
	case CV_ELOCKED: return 75;
	default: return 70; /* EX_SOFTWARE */
	}
}
