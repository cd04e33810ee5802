/*
 * interval_int.h - private: sets of half-open UTC intervals [start, end),
 * the one implementation avail (windows minus busy time) and calin
 * (VAVAILABILITY, VFREEBUSY and VEVENT time) share.  Not API.
 *
 * A list is *normal* when it is sorted, has no empty interval, and no two
 * of its intervals overlap or touch (a.end < b.start): the form every
 * function below returns and the form subtract() and cv_intervals_cover()
 * expect.
 */
#ifndef CONVENE_INTERVAL_INT_H
#define CONVENE_INTERVAL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "array_int.h"
#include "convene/avail.h"

/* A growable list of intervals (array_int.h): ptr[0..size). */
typedef Cv_array_t(cv_interval) Cv_intervals;

/* Make v[0..n) normal in place: sort, drop empty intervals, join overlapping
 * and adjacent ones.  Returns the new count. */
size_t Cv_intervals_normalize(cv_interval *v, size_t n);

/* Keep only what of v[0..n) lies in [lo, hi), in place (a normal list stays
 * normal).  Returns the new count. */
size_t Cv_intervals_clip(cv_interval *v, size_t n, int64_t lo, int64_t hi);

/*
 * a - b into out (a and b normal; out does not overlap them and has room
 * for na + nb intervals: each interval of b splits at most one of a).
 * Returns the count written; the result is normal.
 */
size_t Cv_intervals_subtract(cv_interval *out, const cv_interval *a, size_t na,
			     const cv_interval *b, size_t nb);

/* Append [start, end) to l: 0 or CV_ENOMEM (l unchanged). */
int Cv_intervals_push(Cv_intervals *l, int64_t start, int64_t end);

/* Append v[0..n) to l: 0 or CV_ENOMEM (l unchanged). */
int Cv_intervals_append(Cv_intervals *l, const cv_interval *v, size_t n);

/* Append a - b to l (a and b normal, neither of them l): 0 or CV_ENOMEM (l unchanged). */
int Cv_intervals_append_difference(Cv_intervals *l, const Cv_intervals *a,
				   const Cv_intervals *b);

/* Make l normal. */
void Cv_intervals_norm(Cv_intervals *l);

#endif
