/* test_array.c - the growable array of src/array_int.h. */
#include <stdint.h>
#include <stdlib.h>

#include "testutil.h"
#include "../src/array_int.h"

typedef struct pair {
	int a;
	long b;
} pair;

static void test_array_push_keeps_every_value_in_order(void **state)
{
	Cv_array_t(int) v = CV_ARRAY_INIT;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++)
		assert_int_equal(Cv_array_push(v, i * 3), 0);
	assert_int_equal(v.size, 100000);
	assert_true(v.asize >= v.size);
	for (i = 0; i < 100000; i++)
		assert_int_equal(v.ptr[i], i * 3);
	Cv_array_clear(v);
	assert_null(v.ptr);
	assert_int_equal(v.size, 0);
	assert_int_equal(v.asize, 0);
}

static void test_array_alloc_gives_a_zeroed_element(void **state)
{
	Cv_array_t(pair) v = CV_ARRAY_INIT;
	pair *p;
	size_t i;

	(void)state;
	for (i = 0; i < 50; i++) {
		p = Cv_array_alloc(v);
		assert_non_null(p);
		assert_int_equal(p->a, 0);
		assert_int_equal(p->b, 0);
		p->a = (int)i;
		p->b = -1;
	}
	/* a reused block is zeroed again: shrink, then alloc over old values */
	v.size = 10;
	p = Cv_array_alloc(v);
	assert_int_equal(p->a, 0);
	assert_int_equal(p->b, 0);
	assert_int_equal(v.ptr[9].a, 9);
	Cv_array_clear(v);
}

static void test_array_reserve_refuses_an_overflowing_size_and_keeps_the_block(void **state)
{
	Cv_array_t(pair) v = CV_ARRAY_INIT;
	size_t huge = SIZE_MAX / sizeof(pair) + 2;

	(void)state;
	assert_int_equal(Cv_array_push(v, ((pair){7, 8})), 0);
	assert_int_equal(Cv_array_reserve(v, huge), CV_ENOMEM);
	assert_int_equal(Cv_array_reserve(v, SIZE_MAX), CV_ENOMEM);
	assert_int_equal(v.size, 1);
	assert_int_equal(v.ptr[0].a, 7);
	assert_int_equal(v.ptr[0].b, 8);
	assert_int_equal(Cv_array_reserve(v, 1000), 0);
	assert_true(v.asize >= 1000);
	Cv_array_clear(v);
}

static void test_array_grow_doubles_at_least(void **state)
{
	size_t asize = 0;
	int *p = NULL;

	(void)state;
	p = Cv_array_grow(p, &asize, 1, sizeof(*p));
	assert_int_equal(asize, 8);
	p = Cv_array_grow(p, &asize, 9, sizeof(*p));
	assert_int_equal(asize, 16);
	p = Cv_array_grow(p, &asize, 100, sizeof(*p));
	assert_int_equal(asize, 128);
	free(p);
}

static void test_array_ensure_grows_a_pointer_and_capacity_pair(void **state)
{
	long *v = NULL;
	size_t n = 0, cap = 0, i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		assert_int_equal(Cv_array_ensure(v, cap, n + 1), 0);
		assert_true(cap > n);
		v[n++] = (long)i * 7;
	}
	for (i = 0; i < n; i++)
		assert_int_equal(v[i], (long)i * 7);
	/* Enough room already: nothing moves. */
	{
		long *before = v;
		size_t cap_before = cap;
		assert_int_equal(Cv_array_ensure(v, cap, cap), 0);
		assert_ptr_equal(v, before);
		assert_int_equal(cap, cap_before);
	}
	/* An impossible size: CV_ENOMEM, the block and its contents kept. */
	{
		size_t cap_before = cap;
		assert_int_equal(Cv_array_ensure(v, cap, SIZE_MAX / sizeof(*v) + 1), CV_ENOMEM);
		assert_int_equal(cap, cap_before);
		assert_int_equal(v[999], 999 * 7);
	}
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_push_keeps_every_value_in_order),
		cmocka_unit_test(test_array_alloc_gives_a_zeroed_element),
		cmocka_unit_test(test_array_reserve_refuses_an_overflowing_size_and_keeps_the_block),
		cmocka_unit_test(test_array_grow_doubles_at_least),
		cmocka_unit_test(test_array_ensure_grows_a_pointer_and_capacity_pair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
