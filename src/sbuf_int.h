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
void Cv_sb_add(sbuf *b, const char *s, size_t n);
/* Append a NUL-terminated string. */
void Cv_sb_str(sbuf *b, const char *s);
/*
 * Append printf output, of any length: up to CV_SB_PRINTF_MAX - 1 bytes it
 * is formatted on the stack, longer output is formatted again into the
 * buffer (it was cut there once, and a SEQUENCE ledger line with a long
 * UID lost its number; found by fuzz/fuzz_published.c).
 */
#define CV_SB_PRINTF_MAX 512
void Cv_sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Octets of a folded iCalendar line, CRLF excluded (RFC 5545 section 3.1). */
#define CV_ICAL_LINE_MAX 75

/*
 * Append iCalendar text (libical's serialisation: CRLF line ends, folded
 * lines) folded again: each content line in physical lines of at most
 * CV_ICAL_LINE_MAX octets, never inside a UTF-8 sequence, and never right
 * after a space or tab, so that no physical line ends in white space (libical
 * folds after a space where it can, and mail gateways and some editors
 * strip trailing white space, which joins words on unfolding).  A line
 * break is moved earlier, before the run of white space, to achieve this;
 * only a run of white space longer than a line still ends one.
 */
void Cv_sb_ical(sbuf *b, const char *text);

#endif
