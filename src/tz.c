/*
 * tz.c - zone lookup, UTC offsets, transitions and the RFC 5545 wall-time
 * resolver: the only code in convene that knows time-zone rules.
 *
 * Names come from the system tzdata's tzdata.zi (Z lines are zones, L lines
 * links).  Offsets come from the same system tzdata, the compiled TZif file
 * of each zone in the directory libical uses (tz_tzif.c; libical's own
 * icaltimezone misreads several zones, see there).  Each zone keeps a table
 * of its offset changes over whole UTC years, filled in as queries need it,
 * and the RFC 5545 resolver works on that table.  ICU is used only to map
 * Windows zone names to IANA names.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>
#include <unicode/uchar.h>
#include <unicode/ucal.h>
#include <unicode/uclean.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>

#include "convene/civil.h"
#include "convene/tz.h"
#include "array_int.h"
#include "tz_int.h"

/* Longest zone name we accept (the longest IANA name has 32 bytes). */
#define NAME_MAX_LEN 128
/* Most names we read from tzdata.zi; it has about 600. */
#define NAMES_MAX 4096
/* Longest tzdata.zi line we look at; Z and L lines are short. */
#define ZI_LINE_MAX 512
/* Instants and wall times are clamped to about +-10000 years. */
#define TIME_LIMIT ((int64_t)10000 * 366 * CV_DAY_SECONDS)
/* Offsets stay within this bound (LMT in Asia/Manila was -15:56). */
#define MAX_ABS_OFFSET (18 * CV_HOUR_SECONDS)
/* Tables cover at most these UTC years; outside, the TZif data is asked directly. */
#define TABLE_YEAR_MIN 1800
#define TABLE_YEAR_MAX 2500
/* The resolver's window holds at most this many transitions. */
#define WINDOW_MAX 32

struct cv_zone {
	char *name;          /* canonical name, owned */
	tz_tzif *tzif;       /* the zone's TZif data; NULL for UTC */
	int built;           /* the table below is valid */
	int64_t a, b;        /* the table covers instants [a, b] */
	int32_t first;       /* offset at a */
	cv_transition *tr;   /* offset changes with a < at <= b, sorted */
	size_t ntr, cap;
};

struct zname {
	char *name;          /* owned */
	char *link;          /* owned link target as written, NULL for a zone */
	const char *canon;   /* the zone this name resolves to (another entry's name) */
	int refused;         /* an abbreviation: cv_zone_lookup refuses it */
};

static struct {
	int loaded;
	struct zname *v;
	size_t n;
	char version[32];
	int year;
	char **win;          /* Windows names, for suggestions; built lazily */
	size_t nwin;
	int win_loaded;
	cv_zone **zones;     /* the zone cache */
	size_t nzones, zcap;
} tz;

/* ------------------------------------------------------------------ */
/* Names that are refused, with the hint that explains why.           */

struct refusal {
	const char *name;
	const char *use;
};

/*
 * Abbreviations and vague names.  They are ambiguous (IST is India, Ireland
 * and Israel) or name only half of a rule (EST is winter time: a student in
 * New York who writes EST would be an hour off all summer).  Several exist in
 * tzdata as fixed-offset zones (EST, MST, HST, CET, EET, WET, MET, GMT) and
 * are refused all the same, for that second reason.  No name here has a
 * '/', which find_refusal() relies on.
 */
static const struct refusal refusals[] = {
	{"ACDT", "Australia/Adelaide or Australia/Broken_Hill"},
	{"ACST", "Australia/Adelaide or Australia/Darwin"},
	{"ADT", "America/Halifax"},
	{"AEDT", "Australia/Sydney or Australia/Melbourne"},
	{"AEST", "Australia/Sydney, Australia/Melbourne or Australia/Brisbane"},
	{"AKDT", "America/Anchorage"},
	{"AKST", "America/Anchorage"},
	{"Alaska", "America/Anchorage"},
	{"ART", "America/Argentina/Buenos_Aires"},
	{"AST", "America/Halifax, America/Puerto_Rico or Asia/Riyadh"},
	{"Atlantic", "America/Halifax or America/Puerto_Rico"},
	{"AWST", "Australia/Perth"},
	{"BRT", "America/Sao_Paulo"},
	{"BST", "Europe/London or Asia/Dhaka"},
	{"CAT", "Africa/Maputo or Africa/Harare"},
	{"CDT", "America/Chicago, America/Winnipeg or America/Havana"},
	{"CEST", "Europe/Paris, Europe/Berlin or Europe/Madrid"},
	{"Central", "America/Chicago, America/Winnipeg or America/Mexico_City"},
	{"Central Time", "America/Chicago or America/Winnipeg"},
	{"CET", "Europe/Paris, Europe/Berlin or Europe/Madrid"},
	{"CLST", "America/Santiago"},
	{"CLT", "America/Santiago"},
	{"CST", "America/Chicago, America/Mexico_City, Asia/Shanghai or America/Havana"},
	{"CT", "America/Chicago or America/Winnipeg"},
	{"EAT", "Africa/Nairobi or Africa/Addis_Ababa"},
	{"Eastern", "America/New_York or America/Toronto"},
	{"Eastern Time", "America/New_York or America/Toronto"},
	{"EDT", "America/New_York or America/Toronto"},
	{"EEST", "Europe/Athens, Europe/Helsinki or Europe/Bucharest"},
	{"EET", "Europe/Athens, Europe/Helsinki or Africa/Cairo"},
	{"EST", "America/New_York or America/Toronto (or America/Panama, EST all year)"},
	{"ET", "America/New_York or America/Toronto"},
	{"Factory", "the IANA zone of the place (e.g. Europe/London)"},
	{"GMT", "Europe/London for UK time (GMT in winter, BST in summer), or UTC"},
	{"Hawaii", "Pacific/Honolulu"},
	{"HKT", "Asia/Hong_Kong"},
	{"HST", "Pacific/Honolulu"},
	{"ICT", "Asia/Bangkok or Asia/Ho_Chi_Minh"},
	{"IDT", "Asia/Jerusalem"},
	{"IST", "Asia/Kolkata, Europe/Dublin or Asia/Jerusalem"},
	{"JST", "Asia/Tokyo"},
	{"KST", "Asia/Seoul"},
	{"MDT", "America/Denver or America/Edmonton"},
	{"MEST", "Europe/Paris, Europe/Berlin or Europe/Madrid"},
	{"MET", "Europe/Paris, Europe/Berlin or Europe/Madrid"},
	{"MSK", "Europe/Moscow"},
	{"MST", "America/Denver, America/Edmonton or America/Phoenix"},
	{"MT", "America/Denver or America/Edmonton"},
	{"Mountain", "America/Denver, America/Edmonton or America/Phoenix"},
	{"Mountain Time", "America/Denver, America/Edmonton or America/Phoenix"},
	{"NDT", "America/St_Johns"},
	{"NPT", "Asia/Kathmandu"},
	{"NST", "America/St_Johns"},
	{"NZDT", "Pacific/Auckland"},
	{"NZST", "Pacific/Auckland"},
	{"Pacific", "America/Los_Angeles or America/Vancouver"},
	{"Pacific Time", "America/Los_Angeles or America/Vancouver"},
	{"PDT", "America/Los_Angeles or America/Vancouver"},
	{"PHT", "Asia/Manila"},
	{"PKT", "Asia/Karachi"},
	{"PST", "America/Los_Angeles, America/Vancouver or Asia/Manila"},
	{"PT", "America/Los_Angeles or America/Vancouver"},
	{"SAST", "Africa/Johannesburg"},
	{"SGT", "Asia/Singapore"},
	{"WAT", "Africa/Lagos"},
	{"WEST", "Europe/Lisbon or Atlantic/Canary"},
	{"WET", "Europe/Lisbon or Atlantic/Canary"},
	{"WIB", "Asia/Jakarta"},
};

static const struct refusal *find_refusal(const char *name)
{
	size_t i;
	/* Nearly every name a roster gives has a '/' and no refused one does:
	 * a million rows need not each walk the list. */
	if (strchr(name, '/'))
		return NULL;
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (!strcasecmp(name, refusals[i].name))
			return &refusals[i];
	return NULL;
}

/* "EST", "AEDT": all capitals, as abbreviations are written. */
static int is_abbreviation(const char *s)
{
	size_t n = 0;
	for (; *s; s++, n++)
		if (*s < 'A' || *s > 'Z')
			return 0;
	return n >= 2 && n <= 5;
}

/* An offset of h hours and m minutes east of UTC (both negative for west). */
#define OFFSET(h, m) ((h) * CV_HOUR_SECONDS + (m) * CV_MINUTE_SECONDS)

/* One zone for each common standard offset, to name in "UTC+5"-style hints. */
static const struct {
	int32_t offset;
	const char *zone;
} offset_examples[] = {
	{OFFSET(-11, 0), "Pacific/Pago_Pago"}, {OFFSET(-10, 0), "Pacific/Honolulu"},
	{OFFSET(-9, -30), "Pacific/Marquesas"}, {OFFSET(-9, 0), "America/Anchorage"},
	{OFFSET(-8, 0), "America/Los_Angeles"}, {OFFSET(-7, 0), "America/Denver"},
	{OFFSET(-6, 0), "America/Chicago"}, {OFFSET(-5, 0), "America/New_York"},
	{OFFSET(-4, 0), "America/Halifax"}, {OFFSET(-3, -30), "America/St_Johns"},
	{OFFSET(-3, 0), "America/Sao_Paulo"}, {OFFSET(-2, 0), "America/Noronha"},
	{OFFSET(-1, 0), "Atlantic/Azores"}, {OFFSET(0, 0), "Europe/London"},
	{OFFSET(1, 0), "Europe/Paris"}, {OFFSET(2, 0), "Europe/Athens"},
	{OFFSET(3, 0), "Europe/Moscow"}, {OFFSET(3, 30), "Asia/Tehran"},
	{OFFSET(4, 0), "Asia/Dubai"}, {OFFSET(4, 30), "Asia/Kabul"},
	{OFFSET(5, 0), "Asia/Karachi"}, {OFFSET(5, 30), "Asia/Kolkata"},
	{OFFSET(5, 45), "Asia/Kathmandu"}, {OFFSET(6, 0), "Asia/Dhaka"},
	{OFFSET(6, 30), "Asia/Yangon"}, {OFFSET(7, 0), "Asia/Bangkok"},
	{OFFSET(8, 0), "Asia/Shanghai"}, {OFFSET(8, 45), "Australia/Eucla"},
	{OFFSET(9, 0), "Asia/Tokyo"}, {OFFSET(9, 30), "Australia/Adelaide"},
	{OFFSET(10, 0), "Australia/Brisbane"}, {OFFSET(10, 30), "Australia/Lord_Howe"},
	{OFFSET(11, 0), "Pacific/Noumea"}, {OFFSET(12, 0), "Pacific/Auckland"},
	{OFFSET(12, 45), "Pacific/Chatham"}, {OFFSET(13, 0), "Pacific/Tongatapu"},
	{OFFSET(14, 0), "Pacific/Kiritimati"},
};

/*
 * Recognise "UTC+5", "GMT-03:00", "UT+0530", "+05:00" (case-insensitive,
 * blanks allowed around the sign).  Stores the offset the writer meant
 * (ISO 8601 sign: east positive) and returns 1, else returns 0.
 */
static int parse_offset_name(const char *s, int32_t *out)
{
	const char *digits;
	int sign, h, m = 0;
	size_t nd;

	if (!strncasecmp(s, "UTC", 3) || !strncasecmp(s, "GMT", 3))
		s += 3;
	else if (!strncasecmp(s, "UT", 2))
		s += 2;
	while (*s == ' ')
		s++;
	if (*s != '+' && *s != '-')
		return 0;
	sign = *s++ == '-' ? -1 : 1;
	while (*s == ' ')
		s++;
	for (digits = s; isdigit((unsigned char)*s); s++)
		;
	nd = (size_t)(s - digits);
	if (nd == 1 || nd == 2) {
		h = atoi(digits);
		if (*s == ':' && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2])) {
			m = (s[1] - '0') * 10 + (s[2] - '0');
			s += 3;
		}
	} else if (nd == 3 || nd == 4) {
		h = atoi(digits) / 100;
		m = atoi(digits) % 100;
	} else {
		return 0;
	}
	if (*s || h > 15 || m > 59)
		return 0;
	*out = sign * (h * CV_HOUR_SECONDS + m * CV_MINUTE_SECONDS);
	return 1;
}

static void offset_text(char *buf, size_t size, int32_t off)
{
	int32_t a = off < 0 ? -off : off;
	snprintf(buf, size, "UTC%c%02d:%02d", off < 0 ? '-' : '+', (int)(a / CV_HOUR_SECONDS),
		 (int)(a / CV_MINUTE_SECONDS % CV_HOUR_MINUTES));
}

static void offset_hint(char *hint, size_t size, const char *name, int32_t off)
{
	char iso[16], ex[80] = "";
	size_t i;

	offset_text(iso, sizeof(iso), off);
	for (i = 0; i < sizeof(offset_examples) / sizeof(offset_examples[0]); i++)
		if (offset_examples[i].offset == off)
			snprintf(ex, sizeof(ex), " (e.g. %s)", offset_examples[i].zone);
	if (off % CV_HOUR_SECONDS == 0 && off != 0 && off >= -12 * CV_HOUR_SECONDS &&
	    off <= 14 * CV_HOUR_SECONDS) {
		snprintf(hint, size,
			 "\"%s\" is a fixed offset that ignores daylight saving, and POSIX reads "
			 "its sign backwards (Etc/GMT+5 is UTC-05:00); use the zone of a place%s, "
			 "or Etc/GMT%+d for a fixed %s",
			 name, ex, (int)(-off / CV_HOUR_SECONDS), iso);
		return;
	}
	if (off == 0) {
		snprintf(hint, size, "\"%s\" is a fixed offset; use UTC, or the zone of a place "
			 "(e.g. Europe/London)", name);
		return;
	}
	snprintf(hint, size, "\"%s\" is a fixed offset without daylight saving; use the zone "
		 "of a place%s", name, ex);
}

/* ------------------------------------------------------------------ */
/* The name table, from tzdata.zi.                                    */

static int zname_cmp(const void *a, const void *b)
{
	return strcmp(((const struct zname *)a)->name, ((const struct zname *)b)->name);
}

static struct zname *find_exact(const char *name)
{
	struct zname key;
	key.name = (char *)name;
	return bsearch(&key, tz.v, tz.n, sizeof(*tz.v), zname_cmp);
}

static int add_name(size_t *cap, const char *name, const char *link)
{
	struct zname *e;

	if (strlen(name) > NAME_MAX_LEN || (link && strlen(link) > NAME_MAX_LEN))
		return 0; /* not a name anyone can type; skip it */
	if (tz.n == NAMES_MAX)
		return 0;
	if (Cv_array_ensure(tz.v, *cap, tz.n + 1))
		return CV_ENOMEM;
	e = &tz.v[tz.n];
	memset(e, 0, sizeof(*e));
	e->name = strdup(name);
	e->link = link ? strdup(link) : NULL;
	if (!e->name || (link && !e->link)) {
		free(e->name);
		free(e->link);
		return CV_ENOMEM;
	}
	tz.n++;
	return 0;
}

static void free_names(void)
{
	size_t i;
	for (i = 0; i < tz.n; i++) {
		free(tz.v[i].name);
		free(tz.v[i].link);
	}
	free(tz.v);
	tz.v = NULL;
	tz.n = 0;
	for (i = 0; i < tz.nwin; i++)
		free(tz.win[i]);
	free(tz.win);
	tz.win = NULL;
	tz.nwin = 0;
	tz.win_loaded = 0;
	tz.loaded = 0;
}

/* Read the Z and L lines and the version line of tzdata.zi. */
static int read_zi(size_t *cap)
{
	char path[1024], line[ZI_LINE_MAX];
	const char *dir = icaltzutil_get_zone_directory();
	FILE *f;
	int rc = 0, first = 1;

	snprintf(path, sizeof(path), "%s/tzdata.zi", dir ? dir : "/usr/share/zoneinfo");
	f = fopen(path, "r");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		char a[NAME_MAX_LEN + 2], b[NAME_MAX_LEN + 2];
		size_t len = strlen(line);
		int whole = len && line[len - 1] == '\n';

		if (first && !strncmp(line, "# version ", 10)) {
			snprintf(tz.version, sizeof(tz.version), "%.*s", (int)strcspn(line + 10, " \r\n"),
				 line + 10);
			tz.year = atoi(tz.version);
		}
		first = 0;
		if (line[0] == 'Z' && line[1] == ' ') {
			if (sscanf(line + 2, "%129s", a) == 1)
				rc = add_name(cap, a, NULL);
		} else if (line[0] == 'L' && line[1] == ' ') {
			if (sscanf(line + 2, "%129s %129s", a, b) == 2)
				rc = add_name(cap, b, a);
		}
		if (rc)
			break;
		/* Skip the rest of an over-long line: it is a rule, not a name. */
		while (!whole && fgets(line, sizeof(line), f)) {
			len = strlen(line);
			whole = len && line[len - 1] == '\n';
		}
	}
	fclose(f);
	return rc;
}

/* Without tzdata.zi: the zones libical knows from zone.tab, and UTC. */
static int read_libical_names(size_t *cap)
{
	icalarray *arr = icaltimezone_get_builtin_timezones();
	size_t i;
	int rc = add_name(cap, "UTC", NULL);

	for (i = 0; !rc && arr && i < arr->num_elements; i++) {
		icaltimezone *z = icalarray_element_at(arr, i);
		const char *loc = icaltimezone_get_location(z);
		if (loc)
			rc = add_name(cap, loc, NULL);
	}
	return rc;
}

static int load_names(void)
{
	size_t cap = 0, i, j;
	int rc;

	if (tz.loaded)
		return 0;
	snprintf(tz.version, sizeof(tz.version), "unknown");
	tz.year = 0;
	rc = read_zi(&cap);
	if (rc == 1 || (rc == 0 && tz.n == 0))
		rc = read_libical_names(&cap);
	if (rc) {
		free_names();
		return rc;
	}
	qsort(tz.v, tz.n, sizeof(*tz.v), zname_cmp);
	/* Drop duplicates (a name both a zone and a link keeps its first entry). */
	for (i = 0, j = 0; i < tz.n; i++) {
		if (j && !strcmp(tz.v[j - 1].name, tz.v[i].name)) {
			free(tz.v[i].name);
			free(tz.v[i].link);
			continue;
		}
		tz.v[j++] = tz.v[i];
	}
	tz.n = j;
	/* Resolve links, following chains of links a few steps deep. */
	for (i = 0; i < tz.n; i++) {
		struct zname *e = &tz.v[i];
		int depth;
		for (depth = 0; e && e->link && depth < 8; depth++)
			e = find_exact(e->link);
		tz.v[i].canon = e && !e->link ? e->name : NULL;
		tz.v[i].refused = find_refusal(tz.v[i].name) != NULL;
	}
	tz.loaded = 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Windows names through ICU.                                         */

/* ICU's IANA name for a Windows name, or 0 when it has none. */
static int windows_to_iana(char *out, size_t size, const char *name)
{
	UChar win[NAME_MAX_LEN + 1], id[NAME_MAX_LEN + 1];
	UErrorCode st = U_ZERO_ERROR;
	size_t i, len = strlen(name);
	int32_t n;

	if (len > NAME_MAX_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] >= 0x80 || !isprint((unsigned char)name[i]))
			return 0; /* Windows names are plain ASCII */
	u_uastrncpy(win, name, (int32_t)len);
	n = ucal_getTimeZoneIDForWindowsID(win, (int32_t)len, NULL, id, NAME_MAX_LEN, &st);
	if (U_FAILURE(st) || n <= 0 || n >= NAME_MAX_LEN || (size_t)n >= size)
		return 0;
	u_austrncpy(out, id, n);
	out[n] = '\0';
	return 1;
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every Windows name ICU maps, found by asking for the Windows name of
 * each IANA name (ICU has no list of Windows names in its C API).
 * Used for case-insensitive matches and suggestions; failures leave it empty.
 */
static void load_windows_names(void)
{
	size_t i, cap = 0;

	if (tz.win_loaded)
		return;
	tz.win_loaded = 1;
	for (i = 0; i < tz.n; i++) {
		UChar id[NAME_MAX_LEN + 1], win[NAME_MAX_LEN + 1];
		UErrorCode st = U_ZERO_ERROR;
		size_t len = strlen(tz.v[i].name), k;
		int32_t n;
		char *s;

		u_uastrncpy(id, tz.v[i].name, (int32_t)len);
		n = ucal_getWindowsTimeZoneID(id, (int32_t)len, win, NAME_MAX_LEN, &st);
		if (U_FAILURE(st) || n <= 0 || n >= NAME_MAX_LEN)
			continue;
		s = malloc((size_t)n + 1);
		if (!s)
			return;
		u_austrncpy(s, win, n);
		s[n] = '\0';
		for (k = 0; k < tz.nwin && strcmp(tz.win[k], s); k++)
			;
		if (k < tz.nwin) {
			free(s);
			continue;
		}
		if (Cv_array_ensure(tz.win, cap, tz.nwin + 1)) {
			free(s);
			return;
		}
		tz.win[tz.nwin++] = s;
	}
	qsort(tz.win, tz.nwin, sizeof(*tz.win), str_ptr_cmp);
}

/* ------------------------------------------------------------------ */
/* Suggestions for unknown names.                                      */

static int fold(int c)
{
	c = tolower((unsigned char)c);
	return c == ' ' ? '_' : c;
}

/* Levenshtein distance, case-insensitive, ' ' equal to '_'; capped at 99. */
static int distance(const char *a, const char *b)
{
	int row[NAME_MAX_LEN + 2];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (fold(a[i - 1]) != fold(b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

struct suggest {
	const char *best[3];
	int n, d;
};

static void consider(struct suggest *s, const char *cand, int d)
{
	int i;
	if (d > s->d)
		return;
	if (d < s->d) {
		s->n = 0;
		s->d = d;
	}
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->best[i], cand))
			return;
	if (s->n < 3)
		s->best[s->n++] = cand;
}

/*
 * Cities people write for their zone that are not the place a zone is named
 * after, nor ICU's exemplar location of one (Beijing keeps China's time, but
 * tzdata and ICU name China's zone after Shanghai).  Only cities that lie in
 * one zone and share their name with no other city of note.
 */
static const struct {
	const char *city, *zone;
} cities[] = {
	{"Beijing", "Asia/Shanghai"},        {"Peking", "Asia/Shanghai"},
	{"Guangzhou", "Asia/Shanghai"},      {"Shenzhen", "Asia/Shanghai"},
	{"Chengdu", "Asia/Shanghai"},        {"Wuhan", "Asia/Shanghai"},
	{"Delhi", "Asia/Kolkata"},           {"New Delhi", "Asia/Kolkata"},
	{"Mumbai", "Asia/Kolkata"},          {"Bombay", "Asia/Kolkata"},
	{"Bangalore", "Asia/Kolkata"},       {"Bengaluru", "Asia/Kolkata"},
	{"Chennai", "Asia/Kolkata"},         {"Madras", "Asia/Kolkata"},
	{"Osaka", "Asia/Tokyo"},             {"Kyoto", "Asia/Tokyo"},
	{"Busan", "Asia/Seoul"},             {"Islamabad", "Asia/Karachi"},
	{"Lahore", "Asia/Karachi"},          {"Abu Dhabi", "Asia/Dubai"},
	{"Ankara", "Europe/Istanbul"},       {"Munich", "Europe/Berlin"},
	{"Frankfurt", "Europe/Berlin"},      {"Hamburg", "Europe/Berlin"},
	{"Barcelona", "Europe/Madrid"},      {"Milan", "Europe/Rome"},
	{"Geneva", "Europe/Zurich"},         {"Saint Petersburg", "Europe/Moscow"},
	{"St Petersburg", "Europe/Moscow"},  {"Cape Town", "Africa/Johannesburg"},
	{"San Francisco", "America/Los_Angeles"}, {"Seattle", "America/Los_Angeles"},
	{"San Diego", "America/Los_Angeles"}, {"Houston", "America/Chicago"},
	{"Dallas", "America/Chicago"},       {"Boston", "America/New_York"},
	{"Miami", "America/New_York"},       {"Atlanta", "America/New_York"},
	{"Philadelphia", "America/New_York"}, {"Montreal", "America/Toronto"},
	{"Ottawa", "America/Toronto"},       {"Rio de Janeiro", "America/Sao_Paulo"},
	{"Brasilia", "America/Sao_Paulo"},   {"Canberra", "Australia/Sydney"},
	{"Wellington", "Pacific/Auckland"},
};

/* Locales whose exemplar city names are looked at ("Tokio", "Pékin" is not one). */
static const char *const exemplar_locales[] = {
	"en", "de", "es", "fr", "pt", "it", "nl", "pl", "ru", "ja", "zh", "ko", "hi", "ar", "tr",
};

#define EXEMPLAR_MAX_LEN 48

/* Every exemplar location ICU names in exemplar_locales, made on first need. */
static struct {
	UChar (*name)[EXEMPLAR_MAX_LEN];
	const char **zone; /* borrowed from tz.v */
	size_t n;
	int loaded;
} ex;

static void free_exemplars(void)
{
	free(ex.name);
	free(ex.zone);
	memset(&ex, 0, sizeof(ex));
}

/*
 * Fill ex: each canonical zone's exemplar location (ICU's "VVV": "New York",
 * "Tokio", "東京") in each of exemplar_locales.  ICU only names places here;
 * the zone is the system tzdata's.  Without memory the table stays empty.
 */
static void load_exemplars(void)
{
	static const UChar pattern[] = {'V', 'V', 'V', 0};
	size_t l, i, cap = tz.n * (sizeof(exemplar_locales) / sizeof(exemplar_locales[0]));

	if (ex.loaded)
		return;
	ex.loaded = 1;
	ex.name = malloc((cap + 1) * sizeof(*ex.name));
	ex.zone = malloc((cap + 1) * sizeof(*ex.zone));
	if (!ex.name || !ex.zone) {
		free_exemplars();
		ex.loaded = 1;
		return;
	}
	for (l = 0; l < sizeof(exemplar_locales) / sizeof(exemplar_locales[0]); l++) {
		UErrorCode st = U_ZERO_ERROR;
		UDateFormat *f = udat_open(UDAT_PATTERN, UDAT_PATTERN, exemplar_locales[l], NULL, 0,
					   pattern, -1, &st);
		if (U_FAILURE(st))
			continue;
		for (i = 0; i < tz.n && ex.n < cap; i++) {
			UChar id[NAME_MAX_LEN + 1];
			UCalendar *cal;
			int32_t n;
			if (tz.v[i].refused || !tz.v[i].canon || strcmp(tz.v[i].name, tz.v[i].canon) ||
			    !strchr(tz.v[i].name, '/') || strlen(tz.v[i].name) > NAME_MAX_LEN)
				continue;
			u_uastrcpy(id, tz.v[i].name);
			st = U_ZERO_ERROR;
			cal = ucal_open(id, -1, exemplar_locales[l], UCAL_GREGORIAN, &st);
			if (U_FAILURE(st))
				continue;
			udat_setCalendar(f, cal);
			ucal_close(cal);
			n = udat_format(f, 0, ex.name[ex.n], EXEMPLAR_MAX_LEN, NULL, &st);
			if (U_SUCCESS(st) && n > 0 && n < EXEMPLAR_MAX_LEN)
				ex.zone[ex.n++] = tz.v[i].name;
		}
		udat_close(f);
	}
}

/* The zone whose exemplar location is `name` (case-insensitive), or NULL. */
static const char *exemplar_zone(const char *name)
{
	UChar want[EXEMPLAR_MAX_LEN];
	UErrorCode st = U_ZERO_ERROR;
	size_t i;

	u_strFromUTF8(want, EXEMPLAR_MAX_LEN, NULL, name, -1, &st);
	if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
		return NULL;
	load_exemplars();
	for (i = 0; i < ex.n; i++)
		if (!u_strcasecmp(ex.name[i], want, U_FOLD_CASE_DEFAULT))
			return ex.zone[i];
	return NULL;
}

/*
 * A city written for a zone: "Beijing" (cities[]) or an exemplar location
 * ICU knows, in several languages.  Refused all the same, never guessed:
 * the hint names the zone.  1 when it wrote a hint.
 */
static int city_hint(char *hint, size_t size, const char *name)
{
	const char *zone = NULL;
	size_t i;

	const char *city = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;

	for (i = 0; i < sizeof(cities) / sizeof(cities[0]) && !zone; i++)
		if (!distance(city, cities[i].city))
			zone = cities[i].zone;
	if (!zone && !strchr(name, '/'))
		zone = exemplar_zone(name);
	if (!zone)
		return 0;
	snprintf(hint, size, "unknown time zone \"%s\": that is a city; write its zone, %s", name,
		 zone);
	return 1;
}

/* The hint for an unknown name with no suggestion. */
static void generic_hint(char *hint, size_t size, const char *name)
{
	snprintf(hint, size, "unknown time zone \"%s\"; use an IANA name such as "
		 "America/New_York or Europe/London (`convene zones` lists them)", name);
}

static void suggest_hint(char *hint, size_t size, const char *name)
{
	struct suggest s = {{NULL, NULL, NULL}, 0, 99};
	size_t i, len = strlen(name);
	int limit = len < 8 ? 1 : len < 16 ? 2 : 3;
	int has_slash = strchr(name, '/') != NULL;

	for (i = 0; i < tz.n; i++) {
		const char *cand = tz.v[i].name;
		const char *city = strrchr(cand, '/');
		if (tz.v[i].refused || !tz.v[i].canon)
			continue;
		consider(&s, cand, distance(name, cand));
		/* "Londn" or "new york" against the city part of "Europe/London". */
		if (!has_slash && city)
			consider(&s, cand, distance(name, city + 1));
	}
	load_windows_names();
	for (i = 0; i < tz.nwin; i++)
		consider(&s, tz.win[i], distance(name, tz.win[i]));
	if (s.n && s.d <= limit) {
		if (s.n == 1)
			snprintf(hint, size, "unknown time zone \"%s\"; did you mean %s?", name,
				 s.best[0]);
		else if (s.n == 2)
			snprintf(hint, size, "unknown time zone \"%s\"; did you mean %s or %s?", name,
				 s.best[0], s.best[1]);
		else
			snprintf(hint, size, "unknown time zone \"%s\"; did you mean %s, %s or %s?",
				 name, s.best[0], s.best[1], s.best[2]);
		return;
	}
	generic_hint(hint, size, name);
}

/* ------------------------------------------------------------------ */
/* The zone cache and the transition tables.                         */

static int32_t src_offset(const cv_zone *z, int64_t t)
{
	return z->tzif ? Cv_tzif_offset(z->tzif, t) : 0;
}

/* Report every offset change in (a, b] to `emit`, in order. */
static int src_changes(const cv_zone *z, int64_t a, int64_t b, tz_emit_fn emit, void *ctx)
{
	return z->tzif ? Cv_tzif_transitions(z->tzif, a, b, emit, ctx) : 0;
}

struct vec {
	cv_transition *v;
	size_t n, cap;
};

static int vec_push(void *ctx, const cv_transition *t)
{
	struct vec *v = ctx;
	if (Cv_array_ensure(v->v, v->cap, v->n + 1))
		return CV_ENOMEM;
	v->v[v->n++] = *t;
	return 0;
}

static int64_t year_start(int y)
{
	return (int64_t)cv_days_from_civil(y, 1, 1) * CV_DAY_SECONDS;
}

/*
 * Make the table cover lo and hi with z->a < lo and hi <= z->b, in whole
 * UTC years.  Returns 0, -1 when the range lies outside the years tables
 * cover, or CV_ENOMEM; on failure the table is unchanged.
 */
static int ensure(cv_zone *z, int64_t lo, int64_t hi)
{
	int64_t a, b;
	struct vec v = {NULL, 0, 0};
	int rc;

	if (z->built && z->a < lo && hi <= z->b)
		return 0;
	if (lo <= year_start(TABLE_YEAR_MIN) || hi >= year_start(TABLE_YEAR_MAX))
		return -1;
	a = year_start(Cv_tz_year_of(lo - 1));
	b = year_start(Cv_tz_year_of(hi) + 1);
	if (!z->built) {
		int32_t first = src_offset(z, a);
		if ((rc = src_changes(z, a, b, vec_push, &v))) {
			free(v.v);
			return rc;
		}
		free(z->tr);
		z->tr = v.v;
		z->ntr = v.n;
		z->cap = v.cap;
		z->a = a;
		z->b = b;
		z->first = first;
		z->built = 1;
		return 0;
	}
	if (a < z->a) {
		int32_t first = src_offset(z, a);
		size_t i;
		if ((rc = src_changes(z, a, z->a, vec_push, &v)))
			goto fail;
		for (i = 0; i < z->ntr; i++)
			if ((rc = vec_push(&v, &z->tr[i])))
				goto fail;
		free(z->tr);
		z->tr = v.v;
		z->ntr = v.n;
		z->cap = v.cap;
		z->a = a;
		z->first = first;
		v.v = NULL;
		v.n = v.cap = 0;
	}
	if (b > z->b) {
		v.v = z->tr;
		v.n = z->ntr;
		v.cap = z->cap;
		rc = src_changes(z, z->b, b, vec_push, &v);
		/* vec_push only grows the array, so what it holds stays valid. */
		z->tr = v.v;
		z->cap = v.cap;
		if (rc)
			return rc; /* z->ntr and z->b still describe a consistent table */
		z->ntr = v.n;
		z->b = b;
	}
	return 0;
fail:
	free(v.v);
	return rc;
}

/* Index of the first transition with at > t (0..ntr). */
static size_t upper(const cv_zone *z, int64_t t)
{
	size_t lo = 0, hi = z->ntr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->tr[mid].at <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the first transition with at >= t (0..ntr). */
static size_t lower(const cv_zone *z, int64_t t)
{
	size_t lo = 0, hi = z->ntr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->tr[mid].at < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t clamp(int64_t t)
{
	return t < -TIME_LIMIT ? -TIME_LIMIT : t > TIME_LIMIT ? TIME_LIMIT : t;
}

/*
 * The table is a cache that queries fill in, so the public functions, which
 * take a const zone, write to it.  Every zone is malloc'd here and never
 * const in fact, so casting the const away is well defined.
 */
static cv_zone *mut(const cv_zone *z)
{
	return (cv_zone *)(uintptr_t)z;
}

struct buf {
	cv_transition *v;
	size_t n, max;
};

static int buf_push(void *ctx, const cv_transition *t)
{
	struct buf *b = ctx;
	if (b->n < b->max)
		b->v[b->n] = *t;
	b->n++;
	return 0;
}

/*
 * The offset in force at lo and the transitions in (lo, hi], at most max of
 * them in out; returns how many there are.
 */
static size_t window(int32_t *first, cv_transition *out, size_t max, const cv_zone *zone,
		     int64_t lo, int64_t hi)
{
	cv_zone *z = mut(zone);
	struct buf b = {out, 0, max};
	size_t i, j;

	if (!z->tzif) {
		*first = 0;
		return 0;
	}
	if (ensure(z, lo, hi) == 0) {
		i = upper(z, lo);
		*first = i ? z->tr[i - 1].offset_after : z->first;
		for (j = i; j < z->ntr && z->tr[j].at <= hi; j++)
			buf_push(&b, &z->tr[j]);
		return b.n;
	}
	*first = src_offset(z, lo);
	src_changes(z, lo, hi, buf_push, &b);
	return b.n;
}

static void zone_free(cv_zone *z)
{
	if (!z)
		return;
	free(z->name);
	free(z->tr);
	Cv_tzif_free(z->tzif);
	free(z);
}

/* The cached zone for a canonical name, created on first use. */
static int zone_get(const cv_zone **out, const char *canon, char *hint, size_t hint_size)
{
	cv_zone *z;
	size_t i;
	int utc = !strcmp(canon, "Etc/UTC") || !strcmp(canon, "UTC");
	const char *name = utc ? "UTC" : canon;

	for (i = 0; i < tz.nzones; i++) {
		if (!strcmp(tz.zones[i]->name, name)) {
			*out = tz.zones[i];
			return 0;
		}
	}
	z = calloc(1, sizeof(*z));
	if (!z)
		return CV_ENOMEM;
	z->name = strdup(name);
	if (!z->name) {
		free(z);
		return CV_ENOMEM;
	}
	if (!utc) {
		const char *dir = icaltzutil_get_zone_directory();
		char path[1024];
		int rc;
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : "/usr/share/zoneinfo", canon);
		rc = Cv_tzif_load(&z->tzif, path);
		if (rc) {
			zone_free(z);
			if (rc == CV_ENOMEM)
				return rc;
			if (hint && hint_size)
				snprintf(hint, hint_size, "time zone \"%s\" is listed in tzdata.zi "
					 "but %s %s", canon, path, rc == CV_ENOINPUT ?
					 "cannot be read" : "is not a valid TZif file");
			return CV_EDATA;
		}
	}
	if (Cv_array_ensure(tz.zones, tz.zcap, tz.nzones + 1)) {
		zone_free(z);
		return CV_ENOMEM;
	}
	tz.zones[tz.nzones++] = z;
	*out = z;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The API.                                                            */

static int refuse(char *hint, size_t hint_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(char *hint, size_t hint_size, const char *fmt, ...)
{
	va_list ap;
	if (hint && hint_size) {
		va_start(ap, fmt);
		vsnprintf(hint, hint_size, fmt, ap);
		va_end(ap);
	}
	return CV_EDATA;
}

/* Unknown names, remembered. */

/*
 * Looking up an unknown name is slow: a case-insensitive pass over the
 * names, the Windows names and ICU's exemplar cities, then an edit-distance
 * search over all of them (about 0.7 ms).  A roster of 10^5 rows that all
 * misspell one zone, or a calendar with 20,000 TZIDs that name no zone,
 * would pay that per row, so each distinct unknown name is looked up once
 * and its hint remembered (at most UNKNOWN_MEMO_MAX names, in a sorted
 * array), and only the first SUGGEST_MAX distinct names of a run get the
 * did-you-mean search at all: a file with more distinct misspellings than
 * that is no longer typing mistakes, and later ones get the generic hint.
 */
#define UNKNOWN_MEMO_MAX 4096
#define SUGGEST_MAX 256

struct unknown {
	char *name;
	char *hint; /* what cv_zone_lookup() writes for it; NULL until a caller asks */
};

static struct {
	struct unknown *v;
	size_t n, cap;
	size_t searched; /* did-you-mean searches made */
} memo;

static int unknown_cmp(const void *a, const void *b)
{
	return strcmp(((const struct unknown *)a)->name, ((const struct unknown *)b)->name);
}

static struct unknown *memo_find(const char *name)
{
	struct unknown key = {(char *)name, NULL};
	return memo.n ? bsearch(&key, memo.v, memo.n, sizeof(*memo.v), unknown_cmp) : NULL;
}

/* Remember a name; without room or memory it is only not remembered (NULL). */
static struct unknown *memo_add(const char *name)
{
	size_t i;
	char *copy;

	if (memo.n == UNKNOWN_MEMO_MAX || Cv_array_ensure(memo.v, memo.cap, memo.n + 1) ||
	    !(copy = strdup(name)))
		return NULL;
	for (i = memo.n; i > 0 && strcmp(memo.v[i - 1].name, name) > 0; i--)
		memo.v[i] = memo.v[i - 1];
	memo.v[i].name = copy;
	memo.v[i].hint = NULL;
	memo.n++;
	return &memo.v[i];
}

static void memo_free(void)
{
	size_t i;
	for (i = 0; i < memo.n; i++) {
		free(memo.v[i].name);
		free(memo.v[i].hint);
	}
	free(memo.v);
	memset(&memo, 0, sizeof(memo));
}

/*
 * The end of cv_zone_lookup() for a name nothing resolves (u: its memo
 * entry, or NULL): the hint, searched for once per name and only when a
 * caller wants one.
 */
static int unknown_name(struct unknown *u, const char *name, char *hint, size_t hint_size)
{
	char h[CV_ZONE_HINT_MAX];

	if (!u)
		u = memo_add(name);
	if (!hint || !hint_size)
		return CV_EDATA;
	if (u && u->hint)
		return refuse(hint, hint_size, "%s", u->hint);
	if (memo.searched < SUGGEST_MAX) {
		memo.searched++;
		if (!city_hint(h, sizeof(h), name))
			suggest_hint(h, sizeof(h), name);
	} else {
		generic_hint(h, sizeof(h), name);
	}
	if (u)
		u->hint = strdup(h); /* without memory: searched again next time */
	return refuse(hint, hint_size, "%s", h);
}

/* Skip the blanks around a name: moves *name past the leading ones and
 * returns the length without the trailing ones. */
static size_t trim_name(const char **name)
{
	size_t len;

	while (isspace((unsigned char)**name))
		(*name)++;
	len = strlen(*name);
	while (len && isspace((unsigned char)(*name)[len - 1]))
		len--;
	return len;
}

int cv_zone_lookup(const cv_zone **out, const char *name, char *hint, size_t hint_size)
{
	char buf[NAME_MAX_LEN + 1], iana[NAME_MAX_LEN + 1];
	const struct refusal *r;
	struct unknown *u;
	struct zname *e;
	size_t len, i;
	int32_t off;
	int rc;

	if (hint && hint_size)
		hint[0] = '\0';
	if (!name)
		return refuse(hint, hint_size, "missing time zone name");
	len = trim_name(&name);
	if (!len)
		return refuse(hint, hint_size, "empty time zone name; use an IANA name such as "
			      "America/New_York");
	if (len > NAME_MAX_LEN)
		return refuse(hint, hint_size, "time zone name is too long (%zu bytes)", len);
	memcpy(buf, name, len);
	buf[len] = '\0';
	if ((rc = load_names()))
		return rc;

	r = find_refusal(buf);
	if (r && is_abbreviation(buf))
		return refuse(hint, hint_size, "\"%s\" is an abbreviation, not a time zone: it "
			      "is ambiguous or ignores daylight saving; use %s", buf, r->use);
	if (r)
		return refuse(hint, hint_size, "\"%s\" does not name one time zone; use %s",
			      buf, r->use);

	e = find_exact(buf);
	if (!e && (u = memo_find(buf)))
		return unknown_name(u, buf, hint, hint_size);
	if (!e) {
		/* Accept a case-insensitive match, under its proper spelling. */
		for (i = 0; i < tz.n && !e; i++)
			if (!strcasecmp(tz.v[i].name, buf))
				e = &tz.v[i];
	}
	if (e && e->canon && !e->refused)
		return zone_get(out, e->canon, hint, hint_size);
	if (e)
		return refuse(hint, hint_size, "\"%s\" is a broken link in tzdata.zi", buf);

	if (parse_offset_name(buf, &off)) {
		offset_hint(hint, hint_size, buf, off);
		return CV_EDATA;
	}

	if (windows_to_iana(iana, sizeof(iana), buf)) {
		e = find_exact(iana);
		if (e && e->canon && !e->refused)
			return zone_get(out, e->canon, hint, hint_size);
		return refuse(hint, hint_size, "Windows time zone \"%s\" maps to \"%s\", which "
			      "the system tzdata does not know", buf, iana);
	}
	load_windows_names();
	for (i = 0; i < tz.nwin; i++) {
		if (!strcasecmp(tz.win[i], buf) && windows_to_iana(iana, sizeof(iana), tz.win[i])) {
			e = find_exact(iana);
			if (e && e->canon && !e->refused)
				return zone_get(out, e->canon, hint, hint_size);
		}
	}
	return unknown_name(NULL, buf, hint, hint_size);
}

int cv_zone_refused(const char *name, char *hint, size_t hint_size)
{
	const cv_zone *z;
	char buf[NAME_MAX_LEN + 1];
	size_t len;
	int32_t off;

	if (cv_zone_lookup(&z, name, hint, hint_size) != CV_EDATA || !name)
		return 0;
	len = trim_name(&name); /* as cv_zone_lookup(), which has refused the name */
	if (!len || len > NAME_MAX_LEN)
		return 0;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return find_refusal(buf) != NULL || parse_offset_name(buf, &off);
}

const char *cv_zone_name(const cv_zone *zone)
{
	return zone->name;
}

int32_t cv_zone_offset(const cv_zone *zone, int64_t instant)
{
	cv_zone *z = mut(zone);
	size_t i;

	if (!z->tzif)
		return 0;
	instant = clamp(instant);
	if (ensure(z, instant, instant))
		return src_offset(z, instant);
	i = upper(z, instant);
	return i ? z->tr[i - 1].offset_after : z->first;
}

int64_t cv_zone_to_wall(const cv_zone *zone, int64_t instant)
{
	return instant + cv_zone_offset(zone, instant);
}

int64_t cv_zone_to_utc(const cv_zone *zone, int64_t wall)
{
	cv_transition tr[WINDOW_MAX];
	int64_t lo, hi, best = INT64_MAX, gap = INT64_MIN;
	int32_t first, before;
	size_t n, i;

	wall = clamp(wall);
	lo = wall - MAX_ABS_OFFSET;
	hi = wall + MAX_ABS_OFFSET;
	n = window(&first, tr, WINDOW_MAX, zone, lo, hi);
	if (n > WINDOW_MAX)
		n = WINDOW_MAX;
	/*
	 * Period i runs from tr[i-1].at (or lo) to tr[i].at (or past hi) with
	 * one offset o; the wall time is in it iff wall - o falls inside it.
	 * Every instant whose wall time can be `wall` lies in [lo, hi].
	 */
	for (i = 0; i <= n; i++) {
		int32_t o = i ? tr[i - 1].offset_after : first;
		int64_t s = i ? tr[i - 1].at : lo;
		int64_t t = wall - o;
		if (t >= s && (i == n || t < tr[i].at) && t < best)
			best = t;
	}
	if (best != INT64_MAX)
		return best;
	/*
	 * A gap: the clock jumped over `wall`.  RFC 5545 reads it with the
	 * offset before the gap, i.e. before the last transition whose wall
	 * time (on the old clock) is not after `wall`.
	 */
	before = first;
	for (i = 0; i < n; i++) {
		if (tr[i].at + tr[i].offset_before <= wall && tr[i].at > gap) {
			gap = tr[i].at;
			before = tr[i].offset_before;
		}
	}
	return wall - before;
}

size_t cv_zone_transitions(cv_transition *out, size_t max, const cv_zone *zone, int64_t from,
			   int64_t to)
{
	cv_zone *z = mut(zone);
	struct buf b = {out, 0, max};
	size_t i;

	from = clamp(from);
	to = clamp(to);
	if (!z->tzif || to <= from)
		return 0;
	if (ensure(z, from, to - 1) == 0) {
		for (i = lower(z, from); i < z->ntr && z->tr[i].at < to; i++)
			buf_push(&b, &z->tr[i]);
		return b.n;
	}
	src_changes(z, from - 1, to - 1, buf_push, &b);
	return b.n;
}

const char *cv_tz_version(void)
{
	if (!tz.loaded && load_names())
		return "unknown";
	return tz.version;
}

int cv_tz_version_year(void)
{
	if (!tz.loaded && load_names())
		return 0;
	return tz.year;
}

int cv_tz_foreach_name(int (*fn)(const char *name, void *ctx), void *ctx)
{
	size_t i;
	int rc;

	if ((rc = load_names()))
		return rc;
	for (i = 0; i < tz.n; i++) {
		if (tz.v[i].refused || !tz.v[i].canon)
			continue;
		if ((rc = fn(tz.v[i].name, ctx)))
			return rc;
	}
	return 0;
}

void cv_tz_cleanup(void)
{
	size_t i;

	for (i = 0; i < tz.nzones; i++)
		zone_free(tz.zones[i]);
	free(tz.zones);
	tz.zones = NULL;
	tz.nzones = tz.zcap = 0;
	free_exemplars(); /* before the names it borrows */
	memo_free();
	free_names();
	icaltimezone_free_builtin_timezones();
	u_cleanup();
}

int cv_tz_stale_for(int32_t day)
{
	int y, release = cv_tz_version_year();
	unsigned m, d;

	cv_civil_from_days(&y, &m, &d, day);
	/* A release states the law as known in its year; governments change
	 * rules with months of notice, so a term more than a year past the
	 * release may be scheduled on rules that no longer hold. */
	return release > 0 && y > release + 1;
}
