/*
 * array_int.h - private: the library's one growable array, after libgit2's
 * git_array_t.  Growth doubles, is checked for overflow, and never loses
 * the block on failure.  Not API.
 *
 *     Cv_array_t(cv_interval) v = CV_ARRAY_INIT;
 *     cv_interval *iv = Cv_array_alloc(v);   // NULL when memory ran out
 *     ...
 *     Cv_array_clear(v);
 *
 * The macros evaluate their arguments more than once: pass plain lvalues.
 */
#ifndef CONVENE_ARRAY_INT_H
#define CONVENE_ARRAY_INT_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "convene/error.h"

/* A growable array of `type`: ptr[0..size) in use, room for asize. */
#define Cv_array_t(type) struct { type *ptr; size_t size, asize; }
#define CV_ARRAY_INIT {NULL, 0, 0}

/*
 * The block `ptr` (room for *asize elements of `elem` bytes) grown to hold
 * at least `need` elements: at least twice the old room, and at least 8.
 * Returns the new block and updates *asize, or returns `ptr` unchanged
 * (still owned by the caller, *asize unchanged) when the size would
 * overflow or memory ran out: compare *asize with need to tell.
 */
void *Cv_array_grow(void *ptr, size_t *asize, size_t need, size_t elem);

/* Room for at least n elements: 0, or CV_ENOMEM (the array is unchanged). */
#define Cv_array_reserve(a, n) \
	((n) <= (a).asize ? 0 \
	 : ((a).ptr = Cv_array_grow((a).ptr, &(a).asize, (n), sizeof(*(a).ptr)), \
	    (n) <= (a).asize ? 0 : CV_ENOMEM))

/*
 * The same for an existing pointer and capacity pair (`cap` a size_t
 * lvalue): room for at least `need` elements in `ptr`.  0, or CV_ENOMEM
 * with both unchanged.
 *
 *     if (Cv_array_ensure(x->lines, x->caplines, x->nlines + 1))
 *             return CV_ENOMEM;
 *     x->lines[x->nlines++] = line;
 */
#define Cv_array_ensure(ptr, cap, need) \
	((need) <= (cap) ? 0 \
	 : ((ptr) = Cv_array_grow((ptr), &(cap), (need), sizeof(*(ptr))), \
	    (need) <= (cap) ? 0 : CV_ENOMEM))

/* A new zeroed element at the end, or NULL when memory ran out. */
#define Cv_array_alloc(a) \
	(Cv_array_reserve((a), (a).size + 1) ? NULL \
	 : (void *)memset(&(a).ptr[(a).size++], 0, sizeof(*(a).ptr)))

/* Append the value x: 0 or CV_ENOMEM. */
#define Cv_array_push(a, x) \
	(Cv_array_reserve((a), (a).size + 1) ? CV_ENOMEM : ((a).ptr[(a).size++] = (x), 0))

/* Free the block and empty the array (elements own nothing, or were freed). */
#define Cv_array_clear(a) do { free((a).ptr); (a).ptr = NULL; (a).size = (a).asize = 0; } while (0)

#endif
