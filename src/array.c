/* array.c - the growth step of array_int.h. */
#include <stdint.h>

#include "array_int.h"

void *Cv_array_grow(void *ptr, size_t *asize, size_t need, size_t elem)
{
	size_t n = *asize > SIZE_MAX / 2 ? SIZE_MAX : *asize * 2;
	void *p;

	if (n < 8)
		n = 8;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	if (elem && n > SIZE_MAX / elem)
		return ptr;
	p = realloc(ptr, n * elem);
	if (!p)
		return ptr;
	*asize = n;
	return p;
}
