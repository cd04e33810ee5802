/*
 * error_int.h - private: what the tests may ask of a cv_errors list, and
 * what the readers may do to one beyond the API.  Not API.
 */
#ifndef CONVENE_ERROR_INT_H
#define CONVENE_ERROR_INT_H

#include <stddef.h>

#include "convene/error.h"

/* How many diagnostics the list has room for before it grows again: 0 until
 * the first one is added (an empty list holds no diagnostic storage). */
size_t Cv_errors_room(const cv_errors *errs);

/*
 * Append text to the message of the i-th diagnostic (the index it had as
 * cv_errors_count() before it was added), truncated at
 * CV_ERROR_MESSAGE_MAX; nothing when it was not kept or errs is NULL.  For
 * a reader that reports a repeated problem once, at its first place, and
 * learns only later how often it recurs.
 */
void Cv_errors_append(cv_errors *errs, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
