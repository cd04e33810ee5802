/*
 * tz_int.h - private to the tz module: the reader of the system's compiled
 * tzdata (TZif files, RFC 8536) and of the POSIX TZ rule in their footer.
 * Nothing outside src/tz*.c includes this (tests/test_tz.c does, to test
 * the rule parser on inputs tzdata does not contain).
 */
#ifndef CONVENE_TZ_INT_H
#define CONVENE_TZ_INT_H

#include <stddef.h>
#include <stdint.h>

#include "convene/tz.h"

/* Largest TZif file we read; the largest system file has about 4 KiB. */
#define TZ_TZIF_MAX_BYTES (1024 * 1024)
/* Most transitions we accept from one file. */
#define TZ_TZIF_MAX_TRANSITIONS 100000

/* When a POSIX rule switches: day kind, its numbers, local time of day. */
typedef struct tz_rule_date {
	char kind;    /* 'J': Julian day 1-365 without Feb 29; 'n': day 0-365; 'M': month.week.day */
	int month;    /* 'M': 1-12 */
	int week;     /* 'M': 1-5, 5 = the last such weekday */
	int day;      /* 'J'/'n': the day; 'M': weekday, 0 = Sunday */
	int32_t time; /* seconds after local midnight, -167h..167h (RFC 8536) */
} tz_rule_date;

/* A POSIX TZ rule such as "EST5EDT,M3.2.0,M11.1.0" (offsets east of UTC). */
typedef struct tz_rule {
	int32_t std;        /* standard time offset, seconds east of UTC */
	int32_t dst;        /* daylight time offset */
	int has_dst;
	tz_rule_date start; /* std -> dst, read on the standard-time clock */
	tz_rule_date end;   /* dst -> std, read on the daylight-time clock */
} tz_rule;

/* One zone's TZif data, reduced to what offsets need. */
typedef struct tz_tzif {
	int64_t *at;  /* transition instants, ascending */
	int32_t *off; /* off[i]: offset from at[i] until the next transition */
	size_t n;
	int32_t off0; /* offset before at[0] (time type 0) */
	int has_rule; /* the footer rule governs instants from at[n-1] on */
	tz_rule rule;
} tz_tzif;

typedef int (*tz_emit_fn)(void *ctx, const cv_transition *t);

/* Parse a POSIX TZ string.  Returns 0, or CV_EDATA when it is malformed. */
int Cv_tz_rule_parse(tz_rule *out, const char *text);
/* The rule's offset at UTC instant t. */
int32_t Cv_tz_rule_offset(const tz_rule *r, int64_t t);
/* The UTC year of instant t (tz.c and tz_tzif.c both work year by year). */
int Cv_tz_year_of(int64_t t);

/*
 * Parse a TZif file's bytes (version 1 to 4; the 64-bit block when there
 * is one).  Returns 0 with *out malloc'd (free with Cv_tzif_free()),
 * CV_EDATA when the data is malformed or uses leap seconds, or CV_ENOMEM.
 */
int Cv_tzif_parse(tz_tzif **out, const unsigned char *data, size_t len);
/* Read and parse a TZif file: as Cv_tzif_parse(), or CV_ENOINPUT. */
int Cv_tzif_load(tz_tzif **out, const char *path);
void Cv_tzif_free(tz_tzif *z);

/* The offset in force at UTC instant t. */
int32_t Cv_tzif_offset(const tz_tzif *z, int64_t t);
/*
 * Call emit for every change of offset at an instant in (a, b], in order;
 * stops at and returns emit's first non-zero value, else 0.
 */
int Cv_tzif_transitions(const tz_tzif *z, int64_t a, int64_t b, tz_emit_fn emit, void *ctx);

#endif
