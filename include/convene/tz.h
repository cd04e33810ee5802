/*
 * convene/tz.h - the only code that knows time-zone rules.
 *
 * Offsets come from the system's IANA tzdata: the compiled TZif file of
 * each zone (and the POSIX rule at its end, for the years after its last
 * listed change) in the zoneinfo directory libical uses, read directly
 * because libical 3.0.16's own reading of those files gets some zones wrong
 * (see src/tz_tzif.c).  ICU's built-in time-zone data is never consulted for
 * an offset (Debian 12's ICU carries tzdata 2022e).  ICU is used only to map
 * Windows zone names (Outlook exports) to IANA names.
 *
 * Zones are cached for the life of the process: cv_zone pointers are
 * borrowed and stay valid until cv_tz_cleanup().  Not thread-safe.
 */
#ifndef CONVENE_TZ_H
#define CONVENE_TZ_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cv_zone cv_zone;

typedef struct cv_transition {
	int64_t at;            /* UTC instant of the change */
	int32_t offset_before; /* seconds east of UTC just before `at` */
	int32_t offset_after;  /* seconds east of UTC from `at` on */
} cv_transition;

/* Longest hint cv_zone_lookup() writes, including the NUL. */
#define CV_ZONE_HINT_MAX 256

/*
 * Resolve a zone name: an IANA name or backward link ("Asia/Calcutta",
 * "US/Eastern"; links are resolved with the L lines of tzdata.zi), a Windows
 * name ("Pacific Standard Time", via ICU's mapping), or "UTC"/"Etc/UTC".
 * Surrounding blanks are ignored; a name that matches a tzdata name except
 * for case ("america/new_york") is accepted under its proper spelling.
 * Refused, returning CV_EDATA with a human hint written into `hint` (which
 * may be NULL):
 *  - abbreviations and vague names ("EST", "IST", "CET", "BST", "GMT",
 *    "Eastern", "Pacific Time"), even those tzdata has as fixed-offset zones
 *    (EST, MST, HST, CET, EET, WET, MET, GMT): they are ambiguous or lack the
 *    daylight-saving rule; the hint names the likely IANA zones;
 *  - offsets written as names ("GMT+5", "UTC+05:30", "+05:00"): they ignore
 *    daylight saving, and POSIX reads "GMT+5" as UTC-05:00; the hint names a
 *    zone with that offset and, for whole hours, the Etc/GMT-5 spelling.  The
 *    real tzdata zones Etc/GMT+12 ... Etc/GMT-14 are accepted (Etc/GMT+5 is
 *    UTC-05:00, as POSIX says);
 *  - "Factory" (tzdata's "local time unknown" placeholder);
 *  - anything else: "did you mean X?" (edit distance over the names
 *    cv_tz_foreach_name() lists, their last component, and the Windows
 *    names) when one is close, else a generic hint.
 * An unknown name is always an error, never a silent UTC.
 * On success *out is a borrowed zone, valid until cv_tz_cleanup().
 * Returns CV_ENOMEM on allocation failure.
 */
int cv_zone_lookup(const cv_zone **out, const char *name, char *hint, size_t hint_size);

/*
 * 1 if cv_zone_lookup() refuses `name` by design rather than for being
 * unknown: an abbreviation or vague name ("EST", "Eastern"), an offset
 * written as a name ("GMT+5"), or "Factory".  A name that resolves
 * (Etc/GMT+5, a Windows name) is not refused.  The refusal, with its
 * suggestions, is written into `hint` (may be NULL).  `convene zones` uses
 * this so that "EST" gets the refusal instead of a substring listing
 * (America/Creston) that would look like an answer.
 */
int cv_zone_refused(const char *name, char *hint, size_t hint_size);

/*
 * The zone's canonical IANA name ("Asia/Kolkata" for "Asia/Calcutta");
 * "UTC" for UTC and its aliases (Etc/UTC, Etc/UCT, Zulu, ...).  Borrowed.
 */
const char *cv_zone_name(const cv_zone *zone);

/* Offset from UTC (seconds east) in force at UTC instant `instant`. */
int32_t cv_zone_offset(const cv_zone *zone, int64_t instant);

/* The wall-clock time (seconds since 1970-01-01T00:00 local) at `instant`. */
int64_t cv_zone_to_wall(const cv_zone *zone, int64_t instant);

/*
 * The UTC instant of wall-clock time `wall`, per RFC 5545 section 3.3.5:
 * a wall time in a spring-forward gap is read with the offset before the
 * gap; a wall time in a fall-back overlap is the first of its two instants.
 */
int64_t cv_zone_to_utc(const cv_zone *zone, int64_t wall);

/*
 * The transitions (changes of the UTC offset; a change of abbreviation or
 * of the DST flag alone is none) with from <= at < to, in order.  Writes at most `max`
 * into `out` (may be NULL when max is 0) and returns how many there are in
 * total, so a caller can size its buffer with a first call.
 */
size_t cv_zone_transitions(cv_transition *out, size_t max, const cv_zone *zone,
			   int64_t from, int64_t to);

/* The tzdata version in use ("2025b"), from tzdata.zi's first line; "unknown" if absent. Static. */
const char *cv_tz_version(void);

/*
 * The last year for which the system tzdata states explicit rules rather
 * than "the current rule forever" is not knowable; this returns the year of
 * the tzdata release, so callers can warn when a term lies years past it.
 * Returns 0 when the version is unknown.
 */
int cv_tz_version_year(void);

/*
 * 1 if the tzdata in use is too old to be trusted on day `day` (a day
 * number): the day's year is more than one year past the release year.
 * Callers warn; the offsets are still the best the system has.
 */
int cv_tz_stale_for(int32_t day);

/*
 * Call `fn` for every zone name the system tzdata knows (canonical zones and
 * links, sorted by strcmp) that cv_zone_lookup() accepts: the abbreviations
 * it refuses (EST, CET, GMT, ...) are left out.  Without tzdata.zi: the
 * zones of zone.tab, and UTC.  Stops and returns fn's value when it is
 * non-zero; returns 0, or CV_ENOMEM when the names cannot be loaded.
 */
int cv_tz_foreach_name(int (*fn)(const char *name, void *ctx), void *ctx);

/* Free the zone cache, libical's built-in zones and ICU's caches. */
void cv_tz_cleanup(void);

#ifdef __cplusplus
}
#endif
#endif
