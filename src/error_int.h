/*
 * error_int.h - private: what the tests may ask of a cv_errors list.  Not API.
 */
#ifndef CONVENE_ERROR_INT_H
#define CONVENE_ERROR_INT_H

#include <stddef.h>

#include "convene/error.h"

/* How many diagnostics the list has room for before it grows again: 0 until
 * the first one is added (an empty list holds no diagnostic storage). */
size_t Cv_errors_room(const cv_errors *errs);

#endif
