/* sbuf.c - the growing text buffer of sbuf_int.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_int.h"
#include "sbuf_int.h"

void Cv_sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (n > SIZE_MAX - b->len - 1 || Cv_array_ensure(b->p, b->cap, b->len + n + 1)) {
		b->oom = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void Cv_sb_str(sbuf *b, const char *s)
{
	Cv_sb_add(b, s, strlen(s));
}

void Cv_sb_printf(sbuf *b, const char *fmt, ...)
{
	char tmp[CV_SB_PRINTF_MAX];
	va_list ap, again;
	int n;

	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1; /* no output to give: fail loudly rather than drop it */
	} else if ((size_t)n < sizeof(tmp)) {
		Cv_sb_add(b, tmp, (size_t)n);
	} else if (!b->oom) {
		/* Longer than the stack buffer: formatted again, straight into b. */
		if (Cv_array_ensure(b->p, b->cap, b->len + (size_t)n + 1)) {
			b->oom = 1;
		} else {
			vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
			b->len += (size_t)n;
		}
	}
	va_end(again);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Fold one unfolded content line s[0..n) into b, with its CRLF. */
static void fold_line(sbuf *b, const char *s, size_t n)
{
	size_t pos = 0, room = CV_ICAL_LINE_MAX;

	while (n - pos > room) {
		size_t cut = pos + room, k;
		while (cut > pos && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--; /* the break goes before a lead byte, never inside a sequence */
		for (k = cut; k > pos && is_blank(s[k - 1]); k--)
			; /* blanks are ASCII: k stays on a character boundary */
		if (k > pos)
			cut = k;
		Cv_sb_add(b, s + pos, cut - pos);
		Cv_sb_add(b, "\r\n ", 3);
		pos = cut;
		room = CV_ICAL_LINE_MAX - 1; /* the leading space counts */
	}
	Cv_sb_add(b, s + pos, n - pos);
	Cv_sb_add(b, "\r\n", 2);
}

void Cv_sb_ical(sbuf *b, const char *text)
{
	sbuf line = {0};
	const char *p = text;

	while (*p) {
		const char *crlf;
		line.len = 0;
		for (;;) {
			crlf = strstr(p, "\r\n");
			if (!crlf) {
				Cv_sb_add(&line, p, strlen(p));
				p += strlen(p);
				break;
			}
			Cv_sb_add(&line, p, (size_t)(crlf - p));
			p = crlf + 2;
			if (!is_blank(*p))
				break;
			p++; /* a fold: the line goes on */
		}
		fold_line(b, line.p ? line.p : "", line.len);
	}
	b->oom |= line.oom;
	free(line.p);
}
