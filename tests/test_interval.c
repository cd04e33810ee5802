/*
 * test_interval.c - the interval sets of src/interval_int.h against a brute
 * force: random small sets on a minute grid, each turned into a bitmap of
 * the minutes it holds, so union, difference and clipping are plain bit
 * operations that share no code with the functions under test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "../src/interval_int.h"

/* Minutes [LO, HI) hold every interval the generator makes. */
#define LO (-40)
#define HI 280
#define SPAN (HI - LO)
#define ROUNDS 20000
#define MAXN 12

typedef struct bits {
	unsigned char m[SPAN];
} bits;

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

/* xorshift64*: reproducible without libc's rand(). */
static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 2685821657736338717u) >> 33) % n;
}

/* Up to MAXN intervals in [-20, 250), some empty or reversed, overlapping and touching at will. */
static size_t random_set(cv_interval *v)
{
	size_t n = rnd(MAXN + 1), i;
	for (i = 0; i < n; i++) {
		int64_t s = (int64_t)rnd(230) - 20;
		v[i] = (cv_interval){s, s + (int64_t)rnd(45) - 4};
	}
	return n;
}

static void to_bits(bits *b, const cv_interval *v, size_t n)
{
	size_t i;
	int64_t m;
	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++)
		for (m = v[i].start; m < v[i].end; m++)
			b->m[m - LO] = 1;
}

/* Sorted, no empty interval, no two overlapping or touching. */
static void assert_normal(const cv_interval *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		assert_true(v[i].start < v[i].end);
		if (i)
			assert_true(v[i - 1].end < v[i].start);
	}
}

static void assert_same_bits(const bits *a, const bits *b)
{
	assert_memory_equal(a->m, b->m, SPAN);
}

/* A normal set and its bitmap. */
static size_t random_normal(cv_interval *v, bits *b)
{
	size_t n = Cv_intervals_normalize(v, random_set(v));
	to_bits(b, v, n);
	return n;
}

static void test_normalize_keeps_the_minutes_and_makes_the_list_normal(void **state)
{
	cv_interval v[MAXN];
	bits want, got;
	int r;

	(void)state;
	for (r = 0; r < ROUNDS; r++) {
		size_t n = random_set(v), k;
		to_bits(&want, v, n);
		k = Cv_intervals_normalize(v, n);
		assert_true(k <= n);
		assert_normal(v, k);
		to_bits(&got, v, k);
		assert_same_bits(&got, &want);
		/* Already normal: unchanged. */
		assert_int_equal(Cv_intervals_normalize(v, k), k);
	}
}

static void test_touching_intervals_join(void **state)
{
	cv_interval v[] = {{20, 30}, {10, 20}, {30, 30}, {31, 40}};
	(void)state;
	assert_int_equal(Cv_intervals_normalize(v, 4), 2);
	assert_int_equal(v[0].start, 10);
	assert_int_equal(v[0].end, 30);
	assert_int_equal(v[1].start, 31);
	assert_int_equal(v[1].end, 40);
}

static void test_subtract_is_the_set_difference(void **state)
{
	cv_interval a[MAXN], b[MAXN], out[2 * MAXN];
	bits ba, bb, want, got;
	int r, m;

	(void)state;
	for (r = 0; r < ROUNDS; r++) {
		size_t na = random_normal(a, &ba), nb = random_normal(b, &bb), k;
		k = Cv_intervals_subtract(out, a, na, b, nb);
		assert_true(k <= na + nb);
		assert_normal(out, k);
		for (m = 0; m < SPAN; m++)
			want.m[m] = ba.m[m] && !bb.m[m];
		to_bits(&got, out, k);
		assert_same_bits(&got, &want);
	}
}

static void test_clip_keeps_what_lies_inside(void **state)
{
	cv_interval v[MAXN];
	bits all, want, got;
	int r, m;

	(void)state;
	for (r = 0; r < ROUNDS; r++) {
		size_t n = random_set(v), k;
		int64_t lo = (int64_t)rnd(260) - 30, hi = lo + (int64_t)rnd(150) - 10;
		int normal = rnd(2);
		if (normal)
			n = Cv_intervals_normalize(v, n);
		to_bits(&all, v, n);
		k = Cv_intervals_clip(v, n, lo, hi);
		if (normal)
			assert_normal(v, k);
		for (m = 0; m < SPAN; m++)
			want.m[m] = all.m[m] && m + LO >= lo && m + LO < hi;
		to_bits(&got, v, k);
		assert_same_bits(&got, &want);
	}
}

/* The growable form: append a - b after what the list holds, then normalise. */
static void test_append_difference_and_norm_on_a_growable_list(void **state)
{
	cv_interval a[MAXN], b[MAXN], c[MAXN];
	bits ba, bb, bc, want, got;
	int r, m;

	(void)state;
	for (r = 0; r < ROUNDS / 4; r++) {
		Cv_intervals la = CV_ARRAY_INIT, lb = CV_ARRAY_INIT, l = CV_ARRAY_INIT;
		size_t na = random_normal(a, &ba), nb = random_normal(b, &bb), nc = random_set(c), i;
		to_bits(&bc, c, nc);
		for (i = 0; i < nc; i++)
			assert_int_equal(Cv_intervals_push(&l, c[i].start, c[i].end), 0);
		assert_int_equal(Cv_intervals_append(&la, a, na), 0);
		assert_int_equal(Cv_intervals_append(&lb, b, nb), 0);
		assert_int_equal(Cv_intervals_append_difference(&l, &la, &lb), 0);
		if (nc) /* what it held stays */
			assert_memory_equal(l.ptr, c, nc * sizeof(*c));
		Cv_intervals_norm(&l);
		assert_normal(l.ptr, l.size);
		for (m = 0; m < SPAN; m++)
			want.m[m] = bc.m[m] || (ba.m[m] && !bb.m[m]);
		to_bits(&got, l.ptr, l.size);
		assert_same_bits(&got, &want);
		Cv_array_clear(la);
		Cv_array_clear(lb);
		Cv_array_clear(l);
	}
}

/* On a normal list, [s, e) lies in one interval iff every minute of it is held. */
static void test_cover_matches_the_bitmap(void **state)
{
	cv_interval v[MAXN];
	bits b;
	int r;

	(void)state;
	for (r = 0; r < ROUNDS; r++) {
		size_t n = random_normal(v, &b), i;
		int64_t s = (int64_t)rnd(260) - 30, e = s + (int64_t)rnd(60), m;
		int want = 1;
		if (e == s) {
			/* An empty span: inside or at the edge of some interval. */
			for (want = 0, i = 0; i < n; i++)
				want |= v[i].start <= s && s <= v[i].end;
		}
		for (m = s; m < e; m++)
			want &= m >= LO && m < HI && b.m[m - LO];
		assert_int_equal(cv_intervals_cover(v, n, s, e), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_keeps_the_minutes_and_makes_the_list_normal),
		cmocka_unit_test(test_touching_intervals_join),
		cmocka_unit_test(test_subtract_is_the_set_difference),
		cmocka_unit_test(test_clip_keeps_what_lies_inside),
		cmocka_unit_test(test_append_difference_and_norm_on_a_growable_list),
		cmocka_unit_test(test_cover_matches_the_bitmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
