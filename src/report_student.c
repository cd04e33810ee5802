/*
 * report_student.c - what a plan means for one student, in their own time:
 * "You can attend 11 of 15 sessions live; the 4 you miss are after your
 * clocks change on 28 March."  The web page shows it as a student paints
 * their hours (over a cv_plan_preview()); `convene solve --student ID`
 * prints it.  Every fact comes from the plan; this only words it.
 */
#include <stdlib.h>
#include <string.h>

#include "convene/report.h"
#include "sbuf_int.h"

static const char *const months[] = {"January", "February", "March", "April", "May", "June",
				     "July", "August", "September", "October", "November",
				     "December"};

/* "28 March": the local date of `instant` in `zone`. */
static void day_month(sbuf *b, const cv_zone *zone, int64_t instant)
{
	int y;
	unsigned m, d;

	cv_civil_from_days(&y, &m, &d, cv_day_of(cv_zone_to_wall(zone, instant)));
	Cv_sb_printf(b, "%u %s", d, months[m - 1]);
}

/* Local weekday and minute of the day of `instant` in `zone`. */
static void local_slot(unsigned *weekday, unsigned *minute, const cv_zone *zone, int64_t instant)
{
	int64_t wall = cv_zone_to_wall(zone, instant);
	int32_t day = cv_day_of(wall);

	*weekday = cv_weekday(day);
	*minute = (unsigned)((wall - (int64_t)day * CV_DAY_SECONDS) / CV_MINUTE_SECONDS);
}

static void hhmm(sbuf *b, unsigned minute)
{
	minute %= CV_DAY_MINUTES;
	Cv_sb_printf(b, "%02u:%02u", minute / CV_HOUR_MINUTES, minute % CV_HOUR_MINUTES);
}

/* The counts of a student's plan, and the first clock change that moved a session out. */
typedef struct tally {
	size_t expected, live, missed, reasons;
	size_t for_reason[CV_MISS_REASONS];
	int64_t change;          /* earliest CV_MISS_CLOCKS change, or 0 */
	const cv_zone *change_zone;
	int changes;             /* distinct change instants among the misses */
} tally;

static void count(tally *t, const cv_student_plan *sp)
{
	size_t j;

	memset(t, 0, sizeof(*t));
	t->expected = sp->nexpects;
	t->live = sp->nlive;
	for (j = 0; j < sp->nexpects; j++) {
		const cv_expect *e = &sp->expects[j];
		if ((unsigned)e->miss >= CV_MISS_REASONS)
			continue;
		t->for_reason[e->miss]++;
		if (e->miss != CV_MISS_CLOCKS || !e->clock_change)
			continue;
		if (!t->change || e->clock_change != t->change)
			t->changes++;
		if (!t->change || e->clock_change < t->change) {
			t->change = e->clock_change;
			t->change_zone = e->clock_zone;
		}
	}
	t->missed = t->expected - t->live;
	for (j = 1; j < CV_MISS_REASONS; j++)
		t->reasons += t->for_reason[j] != 0;
}

/* Why, for one reason: "after your clocks change on 28 March". */
static void reason_phrase(sbuf *b, cv_miss m, const tally *t, const cv_zone *own)
{
	switch (m) {
	case CV_MISS_AWAY: Cv_sb_str(b, "on days you are away"); break;
	case CV_MISS_BUSY: Cv_sb_str(b, "when your calendar is busy"); break;
	case CV_MISS_HOURS: Cv_sb_str(b, "outside your hours"); break;
	case CV_MISS_FULL: Cv_sb_str(b, "because the section is full"); break;
	case CV_MISS_CLOCKS:
		if (!t->change_zone || t->change_zone == own)
			Cv_sb_str(b, t->changes > 1 ? "after your clocks change (first on "
						    : "after your clocks change on ");
		else
			Cv_sb_printf(b, t->changes > 1 ? "after the clocks of %s change (first on "
						       : "after the clocks of %s change on ",
				     cv_zone_name(t->change_zone));
		day_month(b, t->change_zone ? t->change_zone : own, t->change);
		if (t->changes > 1)
			Cv_sb_str(b, ")");
		break;
	case CV_MISS_NONE: break;
	}
}

/* "You can attend 11 of 15 sessions live; the 4 you miss are after ..." */
static void attendance_sentence(sbuf *b, const tally *t, const cv_zone *own)
{
	size_t m;
	int first = 1;

	if (!t->expected) {
		Cv_sb_str(b, "The plan has no session for you.");
		return;
	}
	if (t->live == t->expected) {
		Cv_sb_printf(b, t->expected == 1 ? "You can attend the one session live."
						 : "You can attend all %zu sessions live.", t->expected);
		return;
	}
	if (t->live == 0)
		Cv_sb_printf(b, "You cannot attend any of the %zu sessions live", t->expected);
	else
		Cv_sb_printf(b, "You can attend %zu of %zu sessions live", t->live, t->expected);
	if (t->reasons == 1) {
		for (m = 1; m < CV_MISS_REASONS && !t->for_reason[m]; m++)
			;
		if (t->live == 0)
			Cv_sb_str(b, ": they are ");
		else if (t->missed == 1)
			Cv_sb_str(b, "; the one you miss is ");
		else
			Cv_sb_printf(b, "; the %zu you miss are ", t->missed);
		reason_phrase(b, (cv_miss)m, t, own);
	} else {
		Cv_sb_printf(b, "; you miss %zu: ", t->missed);
		for (m = 1; m < CV_MISS_REASONS; m++) {
			if (!t->for_reason[m])
				continue;
			if (!first)
				Cv_sb_str(b, ", ");
			Cv_sb_printf(b, "%zu ", t->for_reason[m]);
			reason_phrase(b, (cv_miss)m, t, own);
			first = 0;
		}
	}
	Cv_sb_str(b, ". The recordings and the alternative task are in your calendar.");
}

/* "Tue 14:00-15:00 America/New_York, for you Wed 04:00-05:00 (Asia/Tokyo) until 10
 * March, then Wed 03:00-04:00": the local times of one session's occurrences in runs. */
static void session_times(sbuf *b, const cv_plan *p, const cv_session *s, const cv_zone *own)
{
	unsigned pw = 8, pm = 0, runs = 0;
	size_t j;

	Cv_sb_printf(b, "%s ", cv_weekday_name(s->slot.weekday));
	hhmm(b, s->slot.start);
	Cv_sb_str(b, "-");
	hhmm(b, s->slot.start + s->duration);
	Cv_sb_printf(b, " %s", cv_zone_name(p->course->zone));
	if (own == p->course->zone)
		return;
	for (j = 0; j < s->noccurrences; j++) {
		unsigned w, m;
		local_slot(&w, &m, own, s->occurrences[j].start);
		if (w == pw && m == pm)
			continue;
		if (runs == 3) {
			Cv_sb_str(b, ", ...");
			break;
		}
		if (runs == 0) {
			Cv_sb_str(b, ", for you ");
		} else {
			Cv_sb_str(b, " until ");
			day_month(b, own, s->occurrences[j - 1].start);
			Cv_sb_str(b, ", then ");
		}
		Cv_sb_printf(b, "%s ", cv_weekday_name(w));
		hhmm(b, m);
		Cv_sb_str(b, "-");
		hhmm(b, m + s->duration);
		if (runs == 0)
			Cv_sb_printf(b, " (%s)", cv_zone_name(own));
		pw = w;
		pm = m;
		runs++;
	}
}

static void when_sentence(sbuf *b, const cv_plan *p, const cv_student_plan *sp,
			  const cv_zone *own)
{
	size_t i;

	if (sp->section >= 0) {
		Cv_sb_printf(b, " Your section: ");
		session_times(b, p, &p->sessions[sp->section], own);
		Cv_sb_str(b, ".");
		return;
	}
	Cv_sb_str(b, p->nsessions == 1 ? " Your session: " : " Your sessions: ");
	for (i = 0; i < p->nsessions; i++) {
		if (i)
			Cv_sb_str(b, "; ");
		session_times(b, p, &p->sessions[i], own);
	}
	Cv_sb_str(b, ".");
}

/* The whole text into b; CV_EDATA for a student the plan does not have. */
static int student_text(sbuf *b, const cv_plan *p, size_t student)
{
	const cv_student_plan *sp;
	const cv_zone *own;
	tally t;

	if (student >= p->nstudents)
		return CV_EDATA;
	sp = &p->students[student];
	own = p->roster->students[sp->student].zone;
	count(&t, sp);
	attendance_sentence(b, &t, own);
	if (t.expected)
		when_sentence(b, p, sp, own);
	return b->oom ? CV_ENOMEM : CV_OK;
}

int cv_report_student_text(FILE *f, const cv_plan *p, size_t student)
{
	sbuf b = {NULL, 0, 0, 0};
	int rc = student_text(&b, p, student);

	if (!rc) {
		fwrite(b.p, 1, b.len, f);
		fputc('\n', f);
	}
	free(b.p);
	if (rc)
		return rc;
	return ferror(f) ? CV_EIO : CV_OK;
}

/* A JSON string of text that inputs validated as UTF-8 without controls. */
static void json_str(sbuf *b, const char *s)
{
	Cv_sb_str(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			Cv_sb_add(b, "\\", 1);
		if ((unsigned char)*s < 0x20)
			Cv_sb_printf(b, "\\u%04x", (unsigned char)*s);
		else
			Cv_sb_add(b, s, 1);
	}
	Cv_sb_str(b, "\"");
}

static void occurrences_json(sbuf *b, const cv_plan *p, const cv_student_plan *sp,
			     const cv_zone *own)
{
	static const char *const names[] = {"live", "away", "busy", "clocks", "hours", "full"};
	size_t j;

	for (j = 0; j < sp->nexpects; j++) {
		const cv_expect *e = &sp->expects[j];
		const cv_occurrence *o = &p->sessions[e->session].occurrences[e->occurrence];
		int64_t wall = cv_zone_to_wall(own, o->start);
		char utc[24], day[16];
		unsigned w, m;
		local_slot(&w, &m, own, o->start);
		cv_instant_format(utc, sizeof(utc), o->start);
		cv_date_format(day, sizeof(day), cv_day_of(wall));
		Cv_sb_printf(b, "%s{\"start\": \"%s\", \"session\": %u, \"date\": \"%s\", "
			     "\"weekday\": \"%s\", \"time\": \"", j ? ", " : "", utc,
			     p->sessions[e->session].index, day, cv_weekday_name(w));
		hhmm(b, m);
		Cv_sb_printf(b, "\", \"live\": %s, \"reason\": \"%s\"}",
			     e->miss == CV_MISS_NONE ? "true" : "false",
			     (unsigned)e->miss < CV_MISS_REASONS ? names[e->miss] : "hours");
	}
}

int cv_report_student_json(FILE *f, const cv_plan *p, size_t student)
{
	static const char *const names[] = {"live", "away", "busy", "clocks", "hours", "full"};
	sbuf b = {NULL, 0, 0, 0}, text = {NULL, 0, 0, 0};
	const cv_student_plan *sp;
	const cv_zone *own;
	tally t;
	size_t m;
	int rc = student_text(&text, p, student);

	if (rc) {
		free(text.p);
		return rc;
	}
	Cv_sb_add(&text, "", 1); /* NUL-terminate */
	sp = &p->students[student];
	own = p->roster->students[sp->student].zone;
	count(&t, sp);
	Cv_sb_str(&b, "{\"id\": ");
	json_str(&b, p->roster->students[sp->student].id);
	Cv_sb_str(&b, ", \"timezone\": ");
	json_str(&b, cv_zone_name(own));
	Cv_sb_printf(&b, ", \"expected\": %zu, \"live\": %zu, \"missed\": {", t.expected, t.live);
	/* "full" only with capacity: the other courses' output stays as it was */
	for (m = 1; m < CV_MISS_REASONS; m++)
		if (m != CV_MISS_FULL || p->course->capacity)
			Cv_sb_printf(&b, "%s\"%s\": %zu", m > 1 ? ", " : "", names[m], t.for_reason[m]);
	Cv_sb_str(&b, "}, \"section\": ");
	if (sp->section < 0)
		Cv_sb_str(&b, "null");
	else
		Cv_sb_printf(&b, "%u", p->sessions[sp->section].index);
	Cv_sb_str(&b, ", \"text\": ");
	json_str(&b, text.p ? text.p : "");
	Cv_sb_str(&b, ", \"occurrences\": [");
	occurrences_json(&b, p, sp, own);
	Cv_sb_str(&b, "]}\n");
	rc = b.oom || text.oom ? CV_ENOMEM : CV_OK;
	if (!rc)
		fwrite(b.p, 1, b.len, f);
	free(b.p);
	free(text.p);
	if (rc)
		return rc;
	return ferror(f) ? CV_EIO : CV_OK;
}
