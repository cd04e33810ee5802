/* utf8.c - private text checks shared by the input readers. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "utf8_int.h"

size_t Cv_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0; /* continuation byte, overlong lead C0/C1, or F5..FF */
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong three- and four-byte forms, UTF-16 surrogates, past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

size_t Cv_text_check(const char *s, size_t n, int allow_space_ctl, const char **what)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = u[i];
		size_t len;
		if (c == 0) {
			*what = "NUL byte (is the file UTF-16? save it as UTF-8)";
			return i;
		}
		if (c < 0x20 || c == 0x7F) {
			if (allow_space_ctl && (c == '\t' || c == '\n' || c == '\r')) {
				i++;
				continue;
			}
			*what = c == '\t'   ? "tab character"
				: c == '\r' ? "carriage return without a line feed (old Mac "
					      "line ends? save the file with LF or CRLF line ends)"
				: c == '\n' ? "line break"
					    : "control character";
			return i;
		}
		len = Cv_utf8_seq(u + i, n - i);
		if (!len) {
			*what = "invalid UTF-8 (save the file as UTF-8)";
			return i;
		}
		/* C1 controls U+0080..U+009F are C2 80..C2 9F. */
		if (len == 2 && c == 0xC2 && u[i + 1] < 0xA0) {
			*what = "control character";
			return i;
		}
		/* U+2028 and U+2029 break lines in calendar clients as LF does;
		 * the bidirectional embeddings, overrides and isolates (U+202A..E,
		 * U+2066..9) can make a name display as another. */
		if (len == 3 && c == 0xE2 && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
			*what = "line break (Unicode line or paragraph separator)";
			return i;
		}
		if (len == 3 && c == 0xE2 &&
		    ((u[i + 1] == 0x80 && u[i + 2] >= 0xAA && u[i + 2] <= 0xAE) ||
		     (u[i + 1] == 0x81 && u[i + 2] >= 0xA6 && u[i + 2] <= 0xA9))) {
			*what = "bidirectional control character (it can make text display out of order)";
			return i;
		}
		i += len;
	}
	return n;
}

/* Optimal-string-alignment distance, case-insensitive, for short words only. */
static size_t distance(const char *a, const char *b)
{
	enum { W = 48 };
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[W + 1][W + 1];

	if (la > W || lb > W)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb, v = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *Cv_closest_word(const char *word, const char *const *words)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, wl = strlen(word);

	for (; *words; words++) {
		size_t d = distance(word, *words), cl = strlen(*words);
		/* A short word tolerates one typo, a longer one two. */
		size_t limit = (wl < cl ? wl : cl) <= 4 ? 1 : 2;
		size_t common = 0;
		while (common < wl && common < cl &&
		       tolower((unsigned char)word[common]) == tolower((unsigned char)(*words)[common]))
			common++;
		/* "avail" for "available": a clear abbreviation counts as close. */
		if (d > limit && wl >= 3 && wl < cl && common == wl)
			d = limit;
		/* "availability" for "available": a long shared stem does too. */
		if (d > limit && common >= 5 && common + 3 >= (wl < cl ? wl : cl))
			d = limit;
		if (d <= limit && d < best_d) {
			best = *words;
			best_d = d;
		}
	}
	return best;
}

const char *Cv_zone_problem(char *buf, size_t size, const char *name, const char *hint)
{
	if (hint && hint[0] && strstr(hint, name))
		snprintf(buf, size, "%s", hint);
	else if (hint && hint[0])
		snprintf(buf, size, "unknown time zone \"%s\": %s", name, hint);
	else
		snprintf(buf, size, "unknown time zone \"%s\"; use an IANA name like Europe/Berlin",
			 name);
	return buf;
}
