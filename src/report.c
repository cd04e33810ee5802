/*
 * report.c - the plan as text for people and as JSON for programs.
 * The JSON schema is DESIGN.md "Outputs": keys may be added, never renamed.
 */
#include <stdlib.h>
#include <string.h>

#include "convene/report.h"
#include "sbuf_int.h"

/* Append a JSON string literal; invalid bytes never reach here (inputs are validated UTF-8). */
static void sb_json_string(sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	Cv_sb_add(b, "\"", 1);
	for (; *p; p++) {
		switch (*p) {
		case '"': Cv_sb_add(b, "\\\"", 2); break;
		case '\\': Cv_sb_add(b, "\\\\", 2); break;
		case '\n': Cv_sb_add(b, "\\n", 2); break;
		case '\r': Cv_sb_add(b, "\\r", 2); break;
		case '\t': Cv_sb_add(b, "\\t", 2); break;
		default:
			if (*p < 0x20)
				Cv_sb_printf(b, "\\u%04x", *p);
			else
				Cv_sb_add(b, (const char *)p, 1);
		}
	}
	Cv_sb_add(b, "\"", 1);
}

static void json_string(FILE *f, const char *s)
{
	sbuf b = {NULL, 0, 0, 0};
	sb_json_string(&b, s);
	if (b.p)
		fwrite(b.p, 1, b.len, f);
	free(b.p);
}

static const char *mode_name(cv_mode m)
{
	return m == CV_MODE_SERIES ? "series" : m == CV_MODE_ROTATION ? "rotation" : "sections";
}

/* Students of a session who attend it live (at least once). */
static size_t session_live(const cv_plan *p, const cv_session *s)
{
	size_t i, n = 0;
	for (i = 0; i < s->nstudents; i++)
		n += s->students[i] < p->nstudents && p->students[s->students[i]].nlive > 0;
	return n;
}

/* Whether the course uses a key of the course patterns (their lines are
 * only written then, so other courses' output stays as it was). */
static int uses_patterns(const cv_course *c)
{
	return c->mode == CV_MODE_ROTATION || c->every > 1 ||
	       (c->first >= c->start && c->first <= c->end) || c->min_share || c->capacity ||
	       c->ndurations;
}

/* The first day of the first week with sessions, for the reports. */
static int32_t first_week_day(const cv_course *c)
{
	return c->first >= c->start && c->first <= c->end ? c->first : c->start;
}

/* The JSON keys of the course patterns the course uses. */
static void json_patterns(FILE *f, const cv_course *c)
{
	char d[16];
	size_t i;

	if (c->every > 1 || (c->first >= c->start && c->first <= c->end)) {
		cv_date_format(d, sizeof(d), first_week_day(c));
		fprintf(f, ", \"every\": %u, \"first\": \"%s\"", c->every > 1 ? c->every : 1, d);
	}
	if (c->min_share)
		fprintf(f, ", \"min_share\": %u", c->min_share);
	if (c->capacity)
		fprintf(f, ", \"capacity\": %u", c->capacity);
	if (c->ndurations) {
		fputs(", \"durations\": [", f);
		for (i = 0; i < c->ndurations; i++)
			fprintf(f, "%s%u", i ? ", " : "", c->durations[i]);
		fputs("]", f);
	}
}

static void json_score(FILE *f, const char *key, const cv_score *s)
{
	fprintf(f, "\"%s\": {\"attendance\": %lld, \"reach\": %lld, \"preferred\": %lld}", key,
		(long long)s->attendance, (long long)s->reach, (long long)s->preferred);
}

static uint64_t total_weight(const cv_plan *p)
{
	uint64_t w = 0;
	size_t i;
	for (i = 0; i < p->roster->count; i++)
		w += p->roster->students[i].weight;
	return w;
}

/* The bound component that ranks first under the course's objective. */
static int64_t bound_primary(const cv_plan *p)
{
	return p->course->objective == CV_OBJECTIVE_REACH ? p->solution.bound.reach
							 : p->solution.bound.attendance;
}

/* Every occurrence's RFC 3339 text, quoted, formatted once: a roster of a
 * million students repeats the same few dozen instants. */
typedef char instant_text[24];
#define INSTANT_JSON_LEN 22 /* "2027-01-12T19:00:00Z" with its quotes */

static instant_text **instant_table(const cv_plan *p)
{
	instant_text **t = calloc(p->nsessions + 1, sizeof(*t));
	size_t i, j;

	if (!t)
		return NULL;
	for (i = 0; i < p->nsessions; i++) {
		t[i] = malloc(sizeof(instant_text) * (p->sessions[i].noccurrences + 1));
		if (!t[i])
			goto fail;
		for (j = 0; j < p->sessions[i].noccurrences; j++) {
			char buf[21];
			cv_instant_format(buf, sizeof(buf), p->sessions[i].occurrences[j].start);
			snprintf(t[i][j], sizeof(instant_text), "\"%s\"", buf);
		}
	}
	return t;
fail:
	for (i = 0; i < p->nsessions; i++)
		free(t[i]);
	free(t);
	return NULL;
}

static void free_instant_table(instant_text **t, size_t n)
{
	size_t i;
	for (i = 0; t && i < n; i++)
		free(t[i]);
	free(t);
}

int cv_report_json(FILE *f, const cv_plan *p)
{
	const cv_course *c = p->course;
	instant_text **text = instant_table(p);
	sbuf line = {NULL, 0, 0, 0};
	size_t i, j;

	if (!text)
		return CV_ENOMEM;

	fputs("{\"tzdata\": ", f);
	json_string(f, cv_tz_version());
	fprintf(f, ", \"tzdata_current\": %s", cv_tz_stale_for(c->end) ? "false" : "true");
	fputs(",\n \"course\": {\"id\": ", f);
	json_string(f, c->id);
	fputs(", \"title\": ", f);
	json_string(f, c->title);
	fputs(", \"timezone\": ", f);
	json_string(f, cv_zone_name(c->zone));
	fprintf(f, ", \"mode\": \"%s\", \"count\": %u, \"objective\": \"%s\"", mode_name(c->mode),
		c->count, c->objective == CV_OBJECTIVE_REACH ? "reach" : "attendance");
	json_patterns(f, c);
	fputs("},\n", f);
	fprintf(f,
		" \"objective\": {\"mode\": \"%s\", \"attendance\": %lld, \"reach\": %lld, "
		"\"preferred\": %lld, \"students\": %zu, \"weight\": %llu, \"optimal\": %s, "
		"\"upper_bound\": %lld, ",
		mode_name(c->mode), (long long)p->solution.score.attendance,
		(long long)p->solution.score.reach, (long long)p->solution.score.preferred,
		p->roster->count, (unsigned long long)total_weight(p),
		p->solution.optimal ? "true" : "false", (long long)bound_primary(p));
	json_score(f, "bound", &p->solution.bound);
	fprintf(f, ", \"nodes\": %llu},\n \"sessions\": [", (unsigned long long)p->solution.nodes);
	for (i = 0; i < p->nsessions; i++) {
		const cv_session *s = &p->sessions[i];
		fprintf(f, "%s\n  {\"index\": %u, \"weekday\": \"%s\", \"start\": \"%02u:%02u\", "
			   "\"duration\": %u, \"students\": %zu, ",
			i ? "," : "", s->index, cv_weekday_name(s->slot.weekday),
			s->slot.start / CV_HOUR_MINUTES, s->slot.start % CV_HOUR_MINUTES, s->duration,
			s->nstudents);
		if (c->capacity)
			fprintf(f, "\"live\": %zu, ", session_live(p, s));
		fputs("\"occurrences\": [", f);
		for (j = 0; j < s->noccurrences; j++) {
			if (j)
				fputs(", ", f);
			fputs(text[i][j], f);
		}
		fputs("]}", f);
	}
	fputs("],\n", f);
	if (p->nranked) {
		fputs(" \"top\": [", f);
		for (i = 0; i < p->nranked; i++) {
			const cv_ranked *r = &p->ranked[i];
			fprintf(f, "%s\n  {\"rank\": %zu, \"attendance\": %lld, \"reach\": %lld, "
				   "\"preferred\": %lld, \"slots\": [",
				i ? "," : "", i + 1, (long long)r->score.attendance,
				(long long)r->score.reach, (long long)r->score.preferred);
			for (j = 0; j < r->count; j++)
				fprintf(f, "%s\"%s %02u:%02u\"", j ? ", " : "",
					cv_weekday_name(r->slots[j].weekday),
					r->slots[j].start / CV_HOUR_MINUTES,
					r->slots[j].start % CV_HOUR_MINUTES);
			fputs("]}", f);
		}
		fputs("],\n", f);
	}
	/* A million students make tens of millions of small pieces: each
	 * student's entry is composed in memory and written with one call. */
	fputs(" \"students\": [", f);
	for (i = 0; i < p->nstudents && !line.oom; i++) {
		const cv_student_plan *sp = &p->students[i];
		const cv_student *st = &p->roster->students[sp->student];
		int pass;
		line.len = 0;
		Cv_sb_str(&line, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		sb_json_string(&line, st->id);
		Cv_sb_str(&line, ", \"timezone\": ");
		sb_json_string(&line, cv_zone_name(st->zone));
		if (sp->section < 0)
			Cv_sb_str(&line, ", \"section\": null");
		else
			Cv_sb_printf(&line, ", \"section\": %u", p->sessions[sp->section].index);
		if (c->capacity)
			Cv_sb_str(&line, sp->nlive ? ", \"by_recording\": false" : ", \"by_recording\": true");
		for (pass = 0; pass < 2; pass++) {
			int first = 1;
			Cv_sb_str(&line, pass ? ", \"alternative\": [" : ", \"live\": [");
			for (j = 0; j < sp->nexpects; j++) {
				const cv_expect *e = &sp->expects[j];
				if ((e->miss == CV_MISS_NONE) == (pass == 1))
					continue;
				if (!first)
					Cv_sb_add(&line, ", ", 2);
				first = 0;
				Cv_sb_add(&line, text[e->session][e->occurrence], INSTANT_JSON_LEN);
			}
			Cv_sb_add(&line, "]", 1);
		}
		Cv_sb_str(&line, ", \"reasons\": [");
		{
			int first = 1;
			for (j = 0; j < sp->nexpects; j++) {
				const cv_expect *e = &sp->expects[j];
				static const char *const names[] = {"\"live\"", "\"away\"", "\"busy\"",
								    "\"clocks\"", "\"hours\"", "\"full\""};
				if (e->miss == CV_MISS_NONE)
					continue;
				if (!first)
					Cv_sb_add(&line, ", ", 2);
				Cv_sb_str(&line, names[e->miss]);
				first = 0;
			}
		}
		Cv_sb_add(&line, "]}", 2);
		if (!line.oom)
			fwrite(line.p, 1, line.len, f);
	}
	if (line.oom) {
		free(line.p);
		free_instant_table(text, p->nsessions);
		return CV_ENOMEM;
	}
	free(line.p);
	fputs("]}\n", f);
	free_instant_table(text, p->nsessions);
	return ferror(f) ? CV_EIO : CV_OK;
}

static void local_time(char *buf, size_t size, const cv_zone *zone, int64_t t)
{
	int64_t wall = cv_zone_to_wall(zone, t);
	int32_t day = cv_day_of(wall);
	int64_t sec = wall - (int64_t)day * CV_DAY_SECONDS;
	snprintf(buf, size, "%s %02u:%02u", cv_weekday_name(cv_weekday(day)),
		 (unsigned)(sec / CV_HOUR_SECONDS), (unsigned)(sec / CV_MINUTE_SECONDS % CV_HOUR_MINUTES));
}

/* A section with capacity: its students, how many live, how many by
 * recording, and of those how many only for want of a seat. */
static void text_seats(FILE *f, const cv_plan *p, const cv_session *ss)
{
	size_t live = session_live(p, ss), full = 0, i, j;

	for (i = 0; i < ss->nstudents; i++) {
		const cv_student_plan *sp = &p->students[ss->students[i]];
		for (j = 0; !sp->nlive && j < sp->nexpects; j++)
			if (sp->expects[j].miss == CV_MISS_FULL) {
				full++;
				break;
			}
	}
	fprintf(f, ", %zu students: %zu live, %zu by recording", ss->nstudents, live,
		ss->nstudents - live);
	if (full)
		fprintf(f, " (%zu for want of a seat)", full);
	fputc('\n', f);
}

/* The course pattern keys in use, on a line of their own. */
static void text_patterns(FILE *f, const cv_course *c)
{
	const char *sep = "";
	char d[16];

	if (c->every > 1 || (c->first >= c->start && c->first <= c->end)) {
		cv_date_format(d, sizeof(d), first_week_day(c));
		if (c->every > 1)
			fprintf(f, "sessions every %u weeks from the week of %s", c->every, d);
		else
			fprintf(f, "sessions every week from the week of %s", d);
		sep = "; ";
	}
	if (c->min_share) {
		fprintf(f, "%sreach counts students live at %u%% or more of their occurrences", sep,
			c->min_share);
		sep = "; ";
	}
	if (c->capacity) {
		fprintf(f, "%sat most %u students live in a section", sep, c->capacity);
		sep = "; ";
	}
	if (*sep)
		fputc('\n', f);
}

int cv_report_text(FILE *f, const cv_plan *p)
{
	const cv_course *c = p->course;
	const cv_score *s = &p->solution.score;
	char a[16], b[16], when[32];
	size_t i, j;

	cv_date_format(a, sizeof(a), c->start);
	cv_date_format(b, sizeof(b), c->end);
	fprintf(f, "%s (%s)\n", c->title, c->id);
	if (c->mode == CV_MODE_ROTATION) {
		fprintf(f, "home zone %s, term %s..%s, one %u min session a week rotating through %u "
			   "times, tzdata %s\n", cv_zone_name(c->zone), a, b, c->duration, c->count,
			cv_tz_version());
	} else if (c->ndurations) {
		fprintf(f, "home zone %s, term %s..%s, series of %u sessions (", cv_zone_name(c->zone),
			a, b, c->count);
		for (i = 0; i < c->ndurations; i++)
			fprintf(f, "%s%u", i ? " + " : "", c->durations[i]);
		fprintf(f, " min), tzdata %s\n", cv_tz_version());
	} else {
		fprintf(f, "home zone %s, term %s..%s, %s, %u x %u min, tzdata %s\n",
			cv_zone_name(c->zone), a, b, mode_name(c->mode), c->count, c->duration,
			cv_tz_version());
	}
	if (uses_patterns(c))
		text_patterns(f, c);
	fputc('\n', f);
	if (cv_tz_stale_for(c->end))
		fprintf(f, "warning: tzdata %s predates the term's last year by more than a year; "
			   "keep the tzdata package current\n\n", cv_tz_version());
	/* Reach counts weights; with weights other than 1 it is not a head count,
	 * so the head count of students who attend at least once goes beside it. */
	{
		uint64_t weight = total_weight(p);
		size_t reached = 0;
		for (i = 0; i < p->nstudents; i++)
			reached += p->students[i].nlive > 0;
		fprintf(f, "%s plan: attendance %lld, reach %lld", p->solution.optimal
			? "Optimal (proven)" : "Best found (NOT proven optimal)",
			(long long)s->attendance, (long long)s->reach);
		if (weight == p->roster->count)
			fprintf(f, " of %zu students", p->roster->count);
		else
			fprintf(f, " of weight %llu (%zu of %zu students attend live)",
				(unsigned long long)weight, reached, p->roster->count);
		fprintf(f, ", preferred %lld\n", (long long)s->preferred);
	}
	if (!p->solution.optimal)
		fprintf(f, "upper bound: attendance %lld, reach %lld\n",
			(long long)p->solution.bound.attendance, (long long)p->solution.bound.reach);
	fputc('\n', f);
	for (i = 0; i < p->nsessions; i++) {
		const cv_session *ss = &p->sessions[i];
		unsigned end = ss->slot.start + ss->duration;
		fprintf(f, "%s %u: %s %02u:%02u-%02u:%02u %s, %zu occurrences",
			c->mode == CV_MODE_SERIES ? "Session" : c->mode == CV_MODE_ROTATION ? "Time"
											 : "Section",
			ss->index, cv_weekday_name(ss->slot.weekday), ss->slot.start / CV_HOUR_MINUTES,
			ss->slot.start % CV_HOUR_MINUTES, end / CV_HOUR_MINUTES % CV_DAY_HOURS,
			end % CV_HOUR_MINUTES, cv_zone_name(c->zone), ss->noccurrences);
		if (c->mode == CV_MODE_ROTATION && ss->noccurrences) {
			cv_date_format(a, sizeof(a), ss->occurrences[0].date);
			fprintf(f, " (every %u weeks from %s)",
				(c->every > 1 ? c->every : 1) * (unsigned)p->nsessions, a);
		}
		if (c->mode == CV_MODE_ROTATION)
			fputc('\n', f);
		else if (c->capacity)
			text_seats(f, p, ss);
		else
			fprintf(f, ", %zu students\n", ss->nstudents);
	}
	if (p->nranked) {
		fputs("\nRanked plans:\n", f);
		for (i = 0; i < p->nranked; i++) {
			const cv_ranked *r = &p->ranked[i];
			fprintf(f, "  %2zu. attendance %lld, reach %lld, preferred %lld:", i + 1,
				(long long)r->score.attendance, (long long)r->score.reach,
				(long long)r->score.preferred);
			for (j = 0; j < r->count; j++)
				fprintf(f, " %s %02u:%02u", cv_weekday_name(r->slots[j].weekday),
					r->slots[j].start / CV_HOUR_MINUTES,
					r->slots[j].start % CV_HOUR_MINUTES);
			fputc('\n', f);
		}
	}
	fputs("\nStudents:\n", f);
	for (i = 0; i < p->nstudents; i++) {
		const cv_student_plan *sp = &p->students[i];
		const cv_student *st = &p->roster->students[sp->student];
		size_t counts[6] = {0};
		const cv_session *first = &p->sessions[sp->section < 0 ? 0 : sp->section];
		when[0] = '\0';
		if (first->noccurrences)
			local_time(when, sizeof(when), st->zone, first->occurrences[0].start);
		for (j = 0; j < sp->nexpects; j++)
			counts[sp->expects[j].miss]++;
		fprintf(f, "  %-12s %-28s", st->id, cv_zone_name(st->zone));
		if (sp->section >= 0)
			fprintf(f, " section %u (%s local)", first->index, when);
		fprintf(f, " live %zu/%zu", sp->nlive, sp->nexpects);
		if (sp->nlive < sp->nexpects) {
			const char *sep = " - missed:";
			static const char *const why[] = {"", "away", "busy", "clock change", "outside hours",
							  "section full"};
			for (j = 1; j < 6; j++)
				if (counts[j]) {
					fprintf(f, "%s %zu %s", sep, counts[j], why[j]);
					sep = ",";
				}
		}
		fputc('\n', f);
	}
	return ferror(f) ? CV_EIO : CV_OK;
}
