/*
 * utf8_int.h - private text checks shared by the input readers (course,
 * roster, avail).  Not API.
 */
#ifndef CONVENE_UTF8_INT_H
#define CONVENE_UTF8_INT_H

#include <stddef.h>

/*
 * Length of the well-formed UTF-8 sequence at s[0..n) (1-4), or 0 when the
 * bytes there are not valid UTF-8 (overlong forms, surrogates, code points
 * past U+10FFFF and truncated sequences are all invalid).  n must be > 0.
 */
size_t Cv_utf8_seq(const unsigned char *s, size_t n);

/*
 * Check that s[0..n) is valid UTF-8 without control characters (C0, DEL and
 * C1 code points, U+2028/U+2029 and the bidirectional controls); when
 * `allow_space_ctl` is non-zero, tab, LF and CR are allowed.  Returns n when the text is clean, otherwise the offset of the
 * first bad byte, and sets *what to a static description of the problem.
 */
size_t Cv_text_check(const char *s, size_t n, int allow_space_ctl, const char **what);

/*
 * The word in `words` (NULL-terminated) closest to `word` by edit distance
 * (case-insensitive), or NULL when none is close enough to be a plausible
 * typo.  Used for "did you mean ...?" suggestions.
 */
const char *Cv_closest_word(const char *word, const char *const *words);

/*
 * The message for a zone name cv_zone_lookup() refused: its hint alone when
 * the hint already names the zone, else "unknown time zone "NAME": hint".
 * Writes into buf (always NUL-terminated) and returns it.
 */
const char *Cv_zone_problem(char *buf, size_t size, const char *name, const char *hint);

#endif
