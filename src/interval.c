/* interval.c - sets of half-open intervals (see interval_int.h). */
#include <stdlib.h>
#include <string.h>

#include "interval_int.h"

static int interval_cmp(const void *x, const void *y)
{
	const cv_interval *a = x, *b = y;
	if (a->start != b->start)
		return (a->start > b->start) - (a->start < b->start);
	return (a->end > b->end) - (a->end < b->end);
}

size_t Cv_intervals_normalize(cv_interval *v, size_t n)
{
	size_t i, k = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), interval_cmp);
	for (i = 0; i < n; i++) {
		if (v[i].end <= v[i].start)
			continue;
		if (k && v[i].start <= v[k - 1].end) {
			if (v[i].end > v[k - 1].end)
				v[k - 1].end = v[i].end;
		} else {
			v[k++] = v[i];
		}
	}
	return k;
}

size_t Cv_intervals_clip(cv_interval *v, size_t n, int64_t lo, int64_t hi)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		int64_t s = v[i].start > lo ? v[i].start : lo;
		int64_t e = v[i].end < hi ? v[i].end : hi;
		if (s < e)
			v[k++] = (cv_interval){s, e};
	}
	return k;
}

size_t Cv_intervals_subtract(cv_interval *out, const cv_interval *a, size_t na,
			     const cv_interval *b, size_t nb)
{
	size_t i, j = 0, k = 0, t;

	for (i = 0; i < na; i++) {
		int64_t s = a[i].start, e = a[i].end;
		while (j < nb && b[j].end <= s)
			j++;
		/* b[j..] may cut this interval; later intervals of a start after it. */
		for (t = j; s < e && t < nb && b[t].start < e; t++) {
			if (b[t].start > s)
				out[k++] = (cv_interval){s, b[t].start};
			if (b[t].end > s)
				s = b[t].end;
		}
		if (s < e)
			out[k++] = (cv_interval){s, e};
	}
	return k;
}

int Cv_intervals_push(Cv_intervals *l, int64_t start, int64_t end)
{
	return Cv_array_push(*l, ((cv_interval){start, end}));
}

int Cv_intervals_append(Cv_intervals *l, const cv_interval *v, size_t n)
{
	if (!n)
		return 0;
	if (n > SIZE_MAX - l->size || Cv_array_reserve(*l, l->size + n))
		return CV_ENOMEM;
	memcpy(l->ptr + l->size, v, n * sizeof(*v));
	l->size += n;
	return 0;
}

int Cv_intervals_append_difference(Cv_intervals *l, const Cv_intervals *a,
				   const Cv_intervals *b)
{
	size_t room = a->size + b->size;

	if (!room)
		return 0;
	if (room > SIZE_MAX - l->size || Cv_array_reserve(*l, l->size + room))
		return CV_ENOMEM;
	l->size += Cv_intervals_subtract(l->ptr + l->size, a->ptr, a->size, b->ptr, b->size);
	return 0;
}

void Cv_intervals_norm(Cv_intervals *l)
{
	l->size = Cv_intervals_normalize(l->ptr, l->size);
}

/* Public (convene/avail.h): the query grid asks for every occurrence. */
int cv_intervals_cover(const cv_interval *iv, size_t n, int64_t start, int64_t end)
{
	size_t lo = 0, hi = n;

	if (end < start)
		return 0;
	/* The last interval that starts at or before `start`. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (iv[mid].start <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && iv[lo - 1].end >= end;
}
