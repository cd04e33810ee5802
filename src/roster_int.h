/*
 * roster_int.h - private to the library: the roster reader as the answers
 * store uses it (src/store_merge.c).  Not API.
 */
#ifndef CONVENE_ROSTER_INT_H
#define CONVENE_ROSTER_INT_H

#include "convene/roster.h"

/*
 * cv_roster_load_calendars() for a course whose students answer on the web
 * page: the header may lack the timezone and available columns, and a row
 * that gives no timezone, available, preferred nor unavailable is no error:
 * its student (id, name, email, locale and weight checked as any row's) is
 * stored with zone and avail NULL, to be given hours by their answer.  Such
 * a roster must not reach anything but the merge (everything else expects
 * every student to have an availability).
 */
int Cv_roster_load_pending(cv_roster **out, const char *path, const char *calendars,
			   cv_errors *errs);

/*
 * 1 if s[0..len) is a locale name as the roster's locale column takes it
 * (ja_JP, de, pt-BR, sr_RS@latin); else 0 with *bad_at the offset to point at.
 */
int Cv_locale_check(const char *s, size_t len, size_t *bad_at);

#endif
