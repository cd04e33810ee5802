/*
 * sbuf_int.h - private: a growing text buffer for the writers (ics, itip).
 * An allocation failure is remembered in `oom`, not returned, so a writer
 * composes freely and checks once.  Not API.
 */
#ifndef CONVENE_SBUF_INT_H
#define CONVENE_SBUF_INT_H

#include <stddef.h>

typedef struct sbuf {
	char *p;          /* NUL-terminated text, malloc'd (the user frees), or NULL */
	size_t len, cap;
	int oom;
} sbuf;

/* Append s[0..n). */
void cv_sb_add(sbuf *b, const char *s, size_t n);
/* Append a NUL-terminated string. */
void cv_sb_str(sbuf *b, const char *s);
/* Append printf output; one call writes at most CV_SB_PRINTF_MAX - 1 bytes. */
#define CV_SB_PRINTF_MAX 512
void cv_sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
