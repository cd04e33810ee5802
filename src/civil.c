/* civil.c - Gregorian calendar arithmetic and the shared scalar syntaxes. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "convene/civil.h"
#include "array_int.h"

/* The longest duration any input may give. */
#define DURATION_MAX_DAYS 60

/* Howard Hinnant's days_from_civil: exact for the whole proleptic calendar. */
int32_t cv_days_from_civil(int year, unsigned month, unsigned day)
{
	int y = year - (month <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void cv_civil_from_days(int *year, unsigned *month, unsigned *day, int32_t days)
{
	int32_t z = days + 719468;
	int32_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	*year = y + (m <= 2);
	*month = m;
	*day = d;
}

unsigned cv_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int32_t w = (days + 3) % CV_WEEK_DAYS;
	return (unsigned)(w < 0 ? w + CV_WEEK_DAYS : w);
}

const char *cv_weekday_name(unsigned weekday)
{
	static const char *const names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	return weekday < CV_WEEK_DAYS ? names[weekday] : "???";
}

int32_t cv_day_of(int64_t seconds)
{
	int64_t d = seconds / CV_DAY_SECONDS;
	if (seconds % CV_DAY_SECONDS < 0)
		d--;
	return (int32_t)d;
}

static unsigned days_in_month(int year, unsigned month)
{
	static const unsigned len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : len[month - 1];
}

static int digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int cv_date_parse(int32_t *out, const char *text, size_t *used, const cv_where *where,
		  unsigned col, cv_errors *errs)
{
	unsigned y, m, d;

	if (digits(text, 4, &y) || text[4] != '-' || digits(text + 5, 2, &m) || text[7] != '-' ||
	    digits(text + 8, 2, &d) || isdigit((unsigned char)text[10]))
		return cv_errors_add(errs, CV_EDATA, where, col,
				     "expected a date YYYY-MM-DD, got \"%.20s\"", text);
	if (y < 1900 || y > 2199)
		return cv_errors_add(errs, CV_EDATA, where, col,
				     "year %u is out of range (1900-2199)", y);
	if (m < 1 || m > 12)
		return cv_errors_add(errs, CV_EDATA, where, col + 5,
				     "month %02u does not exist in %.10s", m, text);
	if (d < 1 || d > days_in_month((int)y, m))
		return cv_errors_add(errs, CV_EDATA, where, col + 8,
				     "day %02u does not exist in %.7s", d, text);
	*out = cv_days_from_civil((int)y, m, d);
	if (used)
		*used = 10;
	return CV_OK;
}

static int range_cmp(const void *a, const void *b)
{
	const cv_daterange *x = a, *y = b;
	return (x->first > y->first) - (x->first < y->first);
}

int cv_dates_parse(cv_daterange **out, size_t *n, const char *text, const cv_where *where,
		   cv_errors *errs)
{
	cv_daterange *list = NULL;
	size_t count = 0, cap = 0, i = 0, len = strlen(text);
	int rc = CV_OK;

	while (i < len) {
		cv_daterange r;
		size_t used;
		while (i < len && (isspace((unsigned char)text[i]) || text[i] == ';' || text[i] == ','))
			i++;
		if (i >= len)
			break;
		if (cv_date_parse(&r.first, text + i, &used, where, (unsigned)i, errs)) {
			rc = CV_EDATA;
			break;
		}
		i += used;
		r.last = r.first;
		if (text[i] == '.' && text[i + 1] == '.') {
			i += 2;
			if (cv_date_parse(&r.last, text + i, &used, where, (unsigned)i, errs)) {
				rc = CV_EDATA;
				break;
			}
			if (r.last < r.first) {
				rc = cv_errors_add(errs, CV_EDATA, where, (unsigned)i,
						   "range ends before it starts");
				break;
			}
			i += used;
		}
		while (i < len && isspace((unsigned char)text[i]))
			i++;
		if (i < len && text[i] != ';' && text[i] != ',') {
			rc = cv_errors_add(errs, CV_EDATA, where, (unsigned)i,
					   "expected ';' or ',' between dates, got '%c'", text[i]);
			break;
		}
		if (Cv_array_ensure(list, cap, count + 1)) {
			rc = CV_ENOMEM;
			break;
		}
		list[count++] = r;
	}
	if (rc) {
		free(list);
		return rc;
	}
	if (count) {
		size_t j, k = 0;
		qsort(list, count, sizeof(*list), range_cmp);
		for (j = 1; j < count; j++) {
			if (list[j].first <= list[k].last + 1) {
				if (list[j].last > list[k].last)
					list[k].last = list[j].last;
			} else {
				list[++k] = list[j];
			}
		}
		count = k + 1;
	}
	*out = list;
	*n = count;
	return CV_OK;
}

int cv_dates_contain(const cv_daterange *ranges, size_t n, int32_t day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ranges[mid].last < day)
			lo = mid + 1;
		else if (ranges[mid].first > day)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

int cv_duration_parse(unsigned *out, const char *text, const cv_where *where,
		      cv_errors *errs)
{
	const char *p = text;
	unsigned long total = 0;
	int parts = 0;

	while (isspace((unsigned char)*p))
		p++;
	while (*p) {
		unsigned long v = 0, unit;
		const char *num = p;
		if (!isdigit((unsigned char)*p))
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)(p - text),
					     "expected a duration like 90m, 2h, 1h30m or 3d, got \"%s\"",
					     text);
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (unsigned long)(*p - '0');
			if (v > 100000)
				return cv_errors_add(errs, CV_EDATA, where, (unsigned)(num - text),
						     "duration \"%s\" is too long", text);
			p++;
		}
		switch (*p) {
		case 'm': unit = 1; p++; break;
		case 'h': unit = CV_HOUR_MINUTES; p++; break;
		case 'd': unit = CV_DAY_MINUTES; p++; break;
		case 'w': unit = CV_WEEK_MINUTES; p++; break;
		case '\0': case ' ': case '\t':
			if (parts)
				return cv_errors_add(errs, CV_EDATA, where, (unsigned)(p - text),
						     "missing unit after %lu (use m, h or d)", v);
			unit = 1;
			break;
		default:
			return cv_errors_add(errs, CV_EDATA, where, (unsigned)(p - text),
					     "unknown duration unit '%c' (use m, h or d)", *p);
		}
		total += v * unit;
		if (total > (unsigned long)DURATION_MAX_DAYS * CV_DAY_MINUTES)
			return cv_errors_add(errs, CV_EDATA, where, 0,
					     "duration \"%s\" is longer than %d days", text,
					     DURATION_MAX_DAYS);
		parts++;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (!parts)
		return cv_errors_add(errs, CV_EDATA, where, 0, "empty duration");
	*out = (unsigned)total;
	return CV_OK;
}

void cv_date_format(char *buf, size_t size, int32_t days)
{
	int y;
	unsigned m, d;
	cv_civil_from_days(&y, &m, &d, days);
	snprintf(buf, size, "%04d-%02u-%02u", y, m, d);
}

void cv_dates_format(char *buf, size_t size, const cv_daterange *r, size_t n)
{
	size_t pos = 0, i;

	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		char a[16], b[16], item[40];
		size_t len;
		cv_date_format(a, sizeof(a), r[i].first);
		cv_date_format(b, sizeof(b), r[i].last);
		if (r[i].first == r[i].last)
			snprintf(item, sizeof(item), "%s%s", i ? "; " : "", a);
		else
			snprintf(item, sizeof(item), "%s%s..%s", i ? "; " : "", a, b);
		len = strlen(item);
		if (pos + len >= size)
			return;
		memcpy(buf + pos, item, len + 1);
		pos += len;
	}
}

void cv_instant_format(char *buf, size_t size, int64_t instant)
{
	int32_t day = cv_day_of(instant);
	int64_t sec = instant - (int64_t)day * CV_DAY_SECONDS;
	int y;
	unsigned m, d;
	cv_civil_from_days(&y, &m, &d, day);
	snprintf(buf, size, "%04d-%02u-%02uT%02u:%02u:%02uZ", y, m, d, (unsigned)(sec / CV_HOUR_SECONDS),
		 (unsigned)(sec / CV_MINUTE_SECONDS % CV_HOUR_MINUTES),
		 (unsigned)(sec % CV_MINUTE_SECONDS));
}
