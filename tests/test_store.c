/*
 * test_store.c - the answers database (convene/store.h): saving and reading
 * answers, tokens, open enrolment, checking an answer, the merge with the
 * roster by its precedence, forms imports, and the roster CSV written back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* A scratch course directory: course.ini (+ roster.csv when given). */
typedef struct scratch {
	char dir[64];
	char course[96];
	char db[128];
} scratch;

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char course_head[] =
	"[course]\nid = t1\ntimezone = America/New_York\nstart = 2027-03-01\nend = 2027-04-09\n";
static const char course_tail[] =
	"[sessions]\ncount = 1\nduration = 60m\ngranularity = 60m\nwindow = Mon 09:00-12:00\n";

static void make_course(scratch *s, const char *keys, const char *roster)
{
	char path[160], text[1024];

	snprintf(s->dir, sizeof(s->dir), "/tmp/convene-store-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->course, sizeof(s->course), "%s/course.ini", s->dir);
	snprintf(s->db, sizeof(s->db), "%s/t1.answers.sqlite", s->dir);
	snprintf(text, sizeof(text), "%s%s%s", course_head, keys, course_tail);
	put_file(s->course, text);
	if (roster) {
		snprintf(path, sizeof(path), "%s/roster.csv", s->dir);
		put_file(path, roster);
	}
}

static void remove_course(scratch *s)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	assert_int_equal(system(cmd), 0);
}

static cv_errors *fresh(void)
{
	cv_errors *e = NULL;
	assert_int_equal(cv_errors_new(&e), CV_OK);
	return e;
}

static cv_course *course_of(const scratch *s)
{
	cv_course *c = NULL;
	assert_int_equal(cv_course_load(&c, s->course, NULL), CV_OK);
	return c;
}

static cv_store *open_store(const scratch *s)
{
	cv_store *st = NULL;
	assert_int_equal(cv_store_open(&st, s->db, "t1", CV_STORE_CREATE, NULL), CV_OK);
	return st;
}

static cv_answer answer(const char *id, const char *tz, const char *available)
{
	cv_answer a;
	memset(&a, 0, sizeof(a));
	a.id = id;
	a.timezone = tz;
	a.available = available;
	a.preferred = "";
	a.unavailable = "";
	a.locale = "";
	return a;
}

static void put(cv_store *st, const cv_answer *a, int64_t now)
{
	const cv_answer *list[1] = {a};
	assert_int_equal(cv_store_put_answers(st, list, 1, now, NULL), CV_OK);
}

/* A copy of what cv_store_get_answer() hands over. */
typedef struct got {
	char tz[64], available[128], unavailable[64], locale[16];
	unsigned revision;
	int64_t updated;
	int calls;
} got;

static int keep(void *ctx, const cv_answer *a)
{
	got *g = ctx;
	snprintf(g->tz, sizeof(g->tz), "%s", a->timezone);
	snprintf(g->available, sizeof(g->available), "%s", a->available);
	snprintf(g->unavailable, sizeof(g->unavailable), "%s", a->unavailable);
	snprintf(g->locale, sizeof(g->locale), "%s", a->locale);
	g->revision = a->revision;
	g->updated = a->updated;
	g->calls++;
	return 0;
}

static void test_store_is_created_private_and_belongs_to_one_course(void **state)
{
	scratch s;
	cv_store *st = NULL;
	cv_errors *errs = fresh();
	struct stat sb;

	(void)state;
	make_course(&s, "roster = roster.csv\n", NULL);
	assert_int_equal(cv_store_open(&st, s.db, "t1", CV_STORE_READONLY, errs), CV_ENOINPUT);
	st = open_store(&s);
	assert_int_equal(stat(s.db, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	cv_store_close(st);
	assert_int_equal(cv_store_open(&st, s.db, "other-course", 0, errs), CV_EDATA);
	assert_non_null(strstr(cv_errors_get(errs, 1)->message, "answers of course \"t1\""));
	cv_errors_free(errs);
	remove_course(&s);
}

static void test_store_answer_replaces_the_previous_and_counts_revisions(void **state)
{
	scratch s;
	cv_store *st;
	cv_answer a = answer("s1", "Asia/Tokyo", "Mon 09:00-12:00");
	got g;
	size_t n = 0;

	(void)state;
	make_course(&s, "roster = roster.csv\n", NULL);
	st = open_store(&s);
	memset(&g, 0, sizeof(g));
	assert_int_equal(cv_store_get_answer(st, "s1", keep, &g), CV_ENOTFOUND);
	put(st, &a, 1000);
	a.available = "Tue 18:00-20:00";
	a.unavailable = "2027-03-15";
	put(st, &a, 2000);
	assert_int_equal(cv_store_get_answer(st, "s1", keep, &g), 0);
	assert_string_equal(g.available, "Tue 18:00-20:00");
	assert_string_equal(g.unavailable, "2027-03-15");
	assert_int_equal(g.revision, 2);
	assert_int_equal(g.updated, 2000);
	a = answer("s2", "UTC", "Daily 00:00-24:00");
	put(st, &a, 3000);
	assert_int_equal(cv_store_count_answers(&n, st), 0);
	assert_int_equal(n, 2);
	memset(&g, 0, sizeof(g));
	assert_int_equal(cv_store_foreach_answer(st, keep, &g), 0);
	assert_int_equal(g.calls, 2);
	assert_string_equal(g.tz, "UTC"); /* by id: s2 last */
	assert_int_equal(cv_store_delete_answer(st, "s1"), 0);
	assert_int_equal(cv_store_delete_answer(st, "s1"), CV_ENOTFOUND);
	cv_store_close(st);
	/* what was saved survives a new connection */
	st = open_store(&s);
	assert_int_equal(cv_store_count_answers(&n, st), 0);
	assert_int_equal(n, 1);
	cv_store_close(st);
	remove_course(&s);
}

static int count_tokens(void *ctx, const char *token, cv_token_kind kind, const char *id)
{
	(void)token;
	(void)kind;
	(void)id;
	(*(int *)ctx)++;
	return 0;
}

static void test_store_tokens_are_128_random_bits_stable_until_rotated(void **state)
{
	scratch s;
	cv_store *st;
	char a[CV_TOKEN_TEXT], b[CV_TOKEN_TEXT], c[CV_TOKEN_TEXT], i[CV_TOKEN_TEXT];
	size_t k;
	int n = 0;

	(void)state;
	make_course(&s, "roster = roster.csv\n", NULL);
	st = open_store(&s);
	assert_int_equal(cv_store_token(a, st, CV_TOKEN_STUDENT, "s1"), 0);
	assert_int_equal(strlen(a), 32);
	for (k = 0; k < 32; k++)
		assert_non_null(strchr("0123456789abcdef", a[k]));
	assert_int_equal(cv_store_token(b, st, CV_TOKEN_STUDENT, "s1"), 0);
	assert_string_equal(a, b);
	assert_int_equal(cv_store_token(i, st, CV_TOKEN_INSTRUCTOR, ""), 0);
	assert_string_not_equal(i, a);
	assert_int_equal(cv_store_token_rotate(c, st, CV_TOKEN_STUDENT, "s1"), 0);
	assert_string_not_equal(c, a);
	assert_int_equal(cv_store_token(b, st, CV_TOKEN_STUDENT, "s1"), 0);
	assert_string_equal(b, c);
	assert_int_equal(cv_store_foreach_token(st, count_tokens, &n), 0);
	assert_int_equal(n, 2); /* the revoked one is not listed */
	cv_store_close(st);
	remove_course(&s);
}

static void test_store_version_moves_when_another_connection_writes(void **state)
{
	scratch s;
	cv_store *reader, *writer;
	char t[CV_TOKEN_TEXT];
	uint64_t v1 = 0, v2 = 0;

	(void)state;
	make_course(&s, "roster = roster.csv\n", NULL);
	reader = open_store(&s);
	writer = open_store(&s);
	assert_int_equal(cv_store_version(&v1, reader), 0);
	assert_int_equal(cv_store_version(&v2, reader), 0);
	assert_true(v1 == v2);
	assert_int_equal(cv_store_token(t, writer, CV_TOKEN_STUDENT, "s9"), 0);
	assert_int_equal(cv_store_version(&v2, reader), 0);
	assert_true(v1 != v2);
	cv_store_close(reader);
	cv_store_close(writer);
	remove_course(&s);
}

static int list_enrolled(void *ctx, const cv_enrolled *e)
{
	char *out = ctx;
	strcat(out, e->name);
	strcat(out, ";");
	return 0;
}

static void test_store_enrol_checks_name_and_address_and_makes_ids(void **state)
{
	scratch s;
	cv_store *st;
	cv_errors *errs = fresh();
	char id[CV_STUDENT_ID_MAX + 1], id2[CV_STUDENT_ID_MAX + 1], names[128] = "";

	(void)state;
	make_course(&s, "enrol = open\n", NULL);
	st = open_store(&s);
	assert_int_equal(cv_store_enrol(id, sizeof(id), st, NULL, "", "a@b", 1, errs), CV_EDATA);
	assert_int_equal(cv_store_enrol(id, sizeof(id), st, NULL, "Ann", "not-an-address", 1, errs),
			 CV_EDATA);
	assert_int_equal(cv_store_enrol(id, sizeof(id), st, NULL, "Ann\nB", "a@b.org", 1, errs),
			 CV_EDATA);
	assert_int_equal(cv_store_enrol(id, sizeof(id), st, NULL, "Ann", "ann@example.org", 1, errs),
			 0);
	assert_int_equal(strlen(id), 13);
	assert_int_equal(id[0], 'w');
	assert_int_equal(cv_store_enrol(id2, sizeof(id2), st, NULL, "Bo", "bo@example.org", 2, errs),
			 0);
	assert_string_not_equal(id, id2);
	assert_int_equal(cv_store_enrol(id2, sizeof(id2), st, id, "Cy", "cy@example.org", 3, errs),
			 CV_EDATA); /* the id is taken */
	assert_int_equal(cv_store_foreach_enrolled(st, list_enrolled, names), 0);
	assert_string_equal(names, "Ann;Bo;");
	cv_store_close(st);
	cv_errors_free(errs);
	remove_course(&s);
}

/* The first diagnostic as "file:line:column: message". */
static const char *first(const cv_errors *errs, char *buf, size_t size)
{
	const cv_error *e = NULL;
	size_t i;
	for (i = 0; i < cv_errors_count(errs) && !e; i++)
		if (cv_errors_get(errs, i)->code != CV_OK)
			e = cv_errors_get(errs, i);
	assert_non_null(e);
	snprintf(buf, size, "%s:%u:%u: %s", e->file, e->line, e->column, e->message);
	return buf;
}

static void test_answer_check_reports_each_field_where_it_is_wrong(void **state)
{
	scratch s;
	cv_course *c;
	cv_errors *errs;
	cv_answer a;
	char buf[2048];

	(void)state;
	make_course(&s, "roster = roster.csv\n", NULL);
	c = course_of(&s);
	a = answer("s1", "Asia/Tokyo", "Mon 09:00-12:00");
	assert_int_equal(cv_answer_check(&a, c, NULL), 0);

	errs = fresh();
	a = answer("s1", "EST", "Mon 09:00-12:00");
	assert_int_equal(cv_answer_check(&a, c, errs), CV_EDATA);
	assert_non_null(strstr(first(errs, buf, sizeof(buf)), "timezone:1:1: "));
	cv_errors_free(errs);

	errs = fresh();
	a = answer("s1", "UTC", "Mon 09:00-12:00; Mox 10:00-11:00");
	assert_int_equal(cv_answer_check(&a, c, errs), CV_EDATA);
	assert_non_null(strstr(first(errs, buf, sizeof(buf)), "available:1:18: "));
	assert_non_null(strstr(buf, "Mon"));
	cv_errors_free(errs);

	errs = fresh();
	a = answer("s1", "UTC", "");
	assert_int_equal(cv_answer_check(&a, c, errs), CV_EDATA);
	assert_non_null(strstr(first(errs, buf, sizeof(buf)), "no hours"));
	cv_errors_free(errs);

	errs = fresh();
	a = answer("s1", "UTC", "Mon 09:00-12:00");
	a.unavailable = "2027-02-30";
	a.locale = "<script>";
	assert_int_equal(cv_answer_check(&a, c, errs), CV_EDATA);
	assert_int_equal(cv_errors_count(errs), 2);
	assert_string_equal(cv_errors_get(errs, 0)->file, "unavailable");
	assert_string_equal(cv_errors_get(errs, 1)->file, "locale");
	cv_errors_free(errs);

	/* a calendar with a VAVAILABILITY stands in for the hours */
	a = answer("s1", "Europe/Berlin", "");
	a.calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
		     "BEGIN:VAVAILABILITY\r\nUID:a1\r\nDTSTAMP:20270101T000000Z\r\n"
		     "BEGIN:AVAILABLE\r\nUID:a2\r\nDTSTAMP:20270101T000000Z\r\n"
		     "DTSTART:20270301T150000\r\nDTEND:20270301T190000\r\nRRULE:FREQ=WEEKLY\r\n"
		     "END:AVAILABLE\r\nEND:VAVAILABILITY\r\nEND:VCALENDAR\r\n";
	a.calendar_len = strlen(a.calendar);
	assert_int_equal(cv_answer_check(&a, c, NULL), 0);
	errs = fresh();
	a.calendar = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
	a.calendar_len = strlen(a.calendar);
	assert_int_equal(cv_answer_check(&a, c, errs), CV_EDATA);
	assert_string_equal(cv_errors_get(errs, 0)->file, "calendar");
	cv_errors_free(errs);
	cv_course_free(c);
	remove_course(&s);
}

/* The merged course: roster rows with and without hours, answers, enrolment. */
static const char merge_roster[] =
	"id,name,email,timezone,available,weight\n"
	"s1,Ann,ann@example.org,Europe/Berlin,Mon 15:00-18:00,2\n"   /* answers: Tokyo */
	"s2,Bo,bo@example.org,America/Chicago,Mon 08:00-11:00,\n"     /* roster only */
	"s3,Cy,cy@example.org,,,\n"                                   /* answers */
	"s4,Di,di@example.org,,,3\n";                                 /* pending */

static void test_merge_answer_wins_hours_and_roster_keeps_names(void **state)
{
	scratch s;
	cv_store *st;
	cv_schedule *sch = NULL;
	cv_errors *errs = fresh();
	const cv_roster *r;
	const cv_responses *resp;
	cv_answer a;
	char id[CV_STUDENT_ID_MAX + 1], buf[2048];
	size_t i;
	int warned = 0;

	(void)state;
	make_course(&s, "roster = roster.csv\nenrol = open\n", merge_roster);
	st = open_store(&s);
	a = answer("s1", "Asia/Tokyo", "Mon 22:00-24:00");
	a.locale = "ja_JP";
	put(st, &a, 10);
	a = answer("s3", "UTC", "Mon 14:00-15:00");
	put(st, &a, 11);
	a = answer("gone", "UTC", "Mon 14:00-15:00"); /* names nobody */
	put(st, &a, 12);
	assert_int_equal(cv_store_enrol(id, sizeof(id), st, NULL, "Eve", "eve@example.org", 13, NULL), 0);
	a = answer(id, "America/Sao_Paulo", "Mon 10:00-12:00");
	put(st, &a, 14);
	assert_int_equal(cv_store_enrol(buf, sizeof(buf), st, NULL, "Fay", "fay@example.org", 15, NULL),
			 0); /* enrolled, not answered */
	cv_store_close(st);

	assert_int_equal(cv_schedule_load(&sch, s.course, errs), CV_OK);
	r = cv_schedule_roster(sch);
	resp = cv_schedule_responses(sch);
	assert_non_null(resp);
	assert_int_equal(r->count, 4);
	assert_string_equal(r->students[0].id, "s1");
	assert_string_equal(cv_zone_name(r->students[0].zone), "Asia/Tokyo");
	assert_string_equal(r->students[0].name, "Ann");          /* the roster's */
	assert_string_equal(r->students[0].email, "ann@example.org");
	assert_int_equal(r->students[0].weight, 2);               /* the roster's */
	assert_string_equal(r->students[0].locale, "ja_JP");      /* the answer's */
	assert_string_equal(r->students[1].id, "s2");
	assert_string_equal(cv_zone_name(r->students[1].zone), "America/Chicago");
	assert_string_equal(r->students[2].id, "s3");
	assert_string_equal(r->students[3].id, id);
	assert_string_equal(r->students[3].name, "Eve");
	assert_int_equal(resp->source[0], CV_SOURCE_ANSWER);
	assert_int_equal(resp->source[1], CV_SOURCE_ROSTER);
	assert_int_equal(resp->source[2], CV_SOURCE_ANSWER);
	assert_int_equal(resp->source[3], CV_SOURCE_ENROLLED);
	assert_int_equal(resp->roster, 4);
	assert_int_equal(resp->answered, 3);
	assert_int_equal(resp->npending, 2);
	assert_string_equal(resp->pending[0].id, "s4");
	assert_int_equal(resp->pending[0].line, 5);
	assert_string_equal(resp->pending[1].name, "Fay");
	assert_int_equal(resp->pending[1].line, 0);
	for (i = 0; i < cv_errors_count(errs); i++) {
		const cv_error *e = cv_errors_get(errs, i);
		warned |= (strstr(e->message, "1 answer names no student") && strstr(e->message, "gone")) << 0;
		warned |= (strstr(e->message, "2 students have not answered") && strstr(e->message, "s4")) << 1;
	}
	assert_int_equal(warned, 3);
	assert_int_equal(cv_errors_code(errs), CV_OK);
	cv_schedule_free(sch);
	cv_errors_free(errs);
	remove_course(&s);
}

static void test_merge_pending_rows_need_the_store_and_nobody_is_an_error(void **state)
{
	scratch s;
	cv_store *st;
	cv_schedule *sch = NULL;
	cv_errors *errs = fresh();
	char buf[2048];

	(void)state;
	/* without the database, a row without hours is the error it always was */
	make_course(&s, "roster = roster.csv\n", "id,name,timezone,available\ns1,Ann,,\n");
	assert_int_equal(cv_schedule_load(&sch, s.course, errs), CV_EDATA);
	cv_errors_free(errs);
	/* with it, the student waits for their answer; with nobody left, nothing to plan */
	st = open_store(&s);
	cv_store_close(st);
	errs = fresh();
	assert_int_equal(cv_schedule_load(&sch, s.course, errs), CV_EDATA);
	assert_int_equal(cv_errors_code(errs), CV_EDATA);
	(void)first;
	(void)buf;
	cv_errors_free(errs);
	remove_course(&s);

	/* open enrolment without a roster or a database: nobody yet */
	make_course(&s, "enrol = open\n", NULL);
	errs = fresh();
	assert_int_equal(cv_schedule_load(&sch, s.course, errs), CV_EDATA);
	assert_non_null(strstr(cv_errors_get(errs, cv_errors_count(errs) - 1)->message,
			       "open enrolment"));
	cv_errors_free(errs);
	remove_course(&s);
}

static void test_merge_header_without_hours_columns_reads_in_merge_mode(void **state)
{
	scratch s;
	cv_store *st;
	cv_schedule *sch = NULL;
	cv_answer a;

	(void)state;
	make_course(&s, "roster = roster.csv\n", "id,name,email\ns1,Ann,ann@example.org\ns2,Bo,\n");
	st = open_store(&s);
	a = answer("s2", "Asia/Kolkata", "Mon 19:00-23:00");
	put(st, &a, 1);
	cv_store_close(st);
	assert_int_equal(cv_schedule_load(&sch, s.course, NULL), CV_OK);
	assert_int_equal(cv_schedule_roster(sch)->count, 1);
	assert_string_equal(cv_schedule_roster(sch)->students[0].id, "s2");
	assert_int_equal(cv_schedule_responses(sch)->npending, 1);
	cv_schedule_free(sch);
	remove_course(&s);
}

/* The roster CSV written back reads to the same students. */
static void test_roster_write_csv_reads_back_to_the_same_students(void **state)
{
	scratch s;
	cv_store *st;
	cv_schedule *sch = NULL;
	cv_roster *back = NULL;
	const cv_roster *r;
	cv_answer a;
	char path[160];
	FILE *f;
	size_t i;

	(void)state;
	make_course(&s, "roster = roster.csv\n",
		    "id,name,email,timezone,available,preferred,unavailable,locale,weight\n"
		    "s1,\"Lee, Ann \"\"A\"\"\",ann@example.org,Asia/Calcutta,\"Mon,Wed 18:00-22:00\","
		    "Mon 19:00-20:00,2027-03-08..2027-03-10; 2027-04-01,hi_IN,4\n"
		    "s2,Bo,,,,,,,\n");
	st = open_store(&s);
	a = answer("s2", "America/Sao_Paulo", "Sun 22:00-02:00; Tue 07:30-09:00");
	a.preferred = "Tue 08:00-09:00";
	a.unavailable = "2027-03-15";
	put(st, &a, 1);
	cv_store_close(st);
	assert_int_equal(cv_schedule_load(&sch, s.course, NULL), CV_OK);
	r = cv_schedule_roster(sch);
	snprintf(path, sizeof(path), "%s/export.csv", s.dir);
	f = fopen(path, "w");
	assert_int_equal(cv_roster_write_csv(f, r), 0);
	fclose(f);
	assert_int_equal(cv_roster_load(&back, path, NULL), 0);
	assert_int_equal(back->count, r->count);
	for (i = 0; i < r->count; i++) {
		const cv_student *x = &r->students[i], *y = &back->students[i];
		char wx[256], wy[256];
		const cv_window *w;
		const cv_daterange *d;
		size_t n, m;
		assert_string_equal(x->id, y->id);
		assert_string_equal(x->name, y->name);
		assert_string_equal(x->email, y->email);
		assert_string_equal(x->locale, y->locale);
		assert_int_equal(x->weight, y->weight);
		assert_ptr_equal(x->zone, y->zone);
		for (int pref = 0; pref < 2; pref++) {
			w = cv_avail_windows(x->avail, &n, pref);
			cv_windows_format(wx, sizeof(wx), w, n);
			w = cv_avail_windows(y->avail, &m, pref);
			cv_windows_format(wy, sizeof(wy), w, m);
			assert_string_equal(wx, wy);
		}
		cv_avail_away(x->avail, &n);
		d = cv_avail_away(y->avail, &m);
		assert_int_equal(n, m);
		(void)d;
	}
	assert_string_equal(back->students[0].name, "Lee, Ann \"A\"");
	cv_roster_free(back);
	cv_schedule_free(sch);
	remove_course(&s);
}

static void test_dates_format_reads_back(void **state)
{
	cv_daterange *r = NULL, *back = NULL;
	size_t n = 0, m = 0;
	char buf[128], tiny[16];

	(void)state;
	assert_int_equal(cv_dates_parse(&r, &n, "2027-03-10..2027-03-12, 2027-02-14", NULL, NULL), 0);
	cv_dates_format(buf, sizeof(buf), r, n);
	assert_string_equal(buf, "2027-02-14; 2027-03-10..2027-03-12");
	assert_int_equal(cv_dates_parse(&back, &m, buf, NULL, NULL), 0);
	assert_int_equal(m, n);
	assert_memory_equal(back, r, n * sizeof(*r));
	cv_dates_format(tiny, sizeof(tiny), r, n); /* cut at a whole range */
	assert_string_equal(tiny, "2027-02-14");
	free(r);
	free(back);
}

static const char forms[] =
	"Timestamp,Email Address,Your name,What is your time zone?,When are you free?,Notes\n"
	"2027/01/02 10:00,ann@example.org,Ann,Asia/Tokyo,Mon 09:00-12:00,\n"
	"2027/01/02 11:00,new@example.org,New,America/Sao_Paulo,\"Tue,Thu 18:00-21:00\",hi\n"
	"2027/01/03 09:00,ann@example.org,Ann,Asia/Tokyo,Mon 10:00-12:00,again\n";

static const char *const maps[] = {"What is your time zone?=timezone",
				   "When are you free?=available", "Email Address=email",
				   "Your name=name"};

static void test_import_maps_questions_matches_addresses_and_keeps_the_last(void **state)
{
	scratch s;
	cv_store *st;
	cv_course *c;
	cv_import_summary sum;
	char path[160];
	got g;

	(void)state;
	make_course(&s, "roster = roster.csv\nenrol = open\n",
		    "id,name,email,timezone,available\ns1,Ann,ANN@example.org,,\n");
	snprintf(path, sizeof(path), "%s/forms.csv", s.dir);
	put_file(path, forms);
	c = course_of(&s);
	st = open_store(&s);
	assert_int_equal(cv_store_import(&sum, st, c, path, maps, 4, 100, NULL), 0);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.answers, 2);
	assert_int_equal(sum.replaced, 1);
	assert_int_equal(sum.enrolled, 1);
	assert_int_equal(sum.ignored_columns, 2); /* Timestamp, Notes */
	memset(&g, 0, sizeof(g));
	assert_int_equal(cv_store_get_answer(st, "s1", keep, &g), 0); /* by address */
	assert_string_equal(g.available, "Mon 10:00-12:00");            /* the later row */
	assert_int_equal(cv_store_get_answer(st, "new@example.org", keep, &g), 0);
	assert_string_equal(g.tz, "America/Sao_Paulo");
	cv_store_close(st);
	cv_course_free(c);
	remove_course(&s);
}

static void test_import_reports_at_file_line_column_and_saves_nothing(void **state)
{
	scratch s;
	cv_store *st;
	cv_course *c;
	cv_import_summary sum;
	cv_errors *errs = fresh();
	char path[160], buf[2048], want[256];
	size_t n = 9;

	(void)state;
	make_course(&s, "roster = roster.csv\nenrol = open\n", "id,name,timezone,available\n"
		    "s1,Ann,UTC,Mon 09:00-10:00\n");
	snprintf(path, sizeof(path), "%s/forms.csv", s.dir);
	put_file(path, "Timestamp,Email Address,What is your time zone?,When are you free?\n"
		       "x,a@example.org,UTC,Mon 09:00-10:00\n"
		       "x,b@example.org,Europe/Paris,  Mon 09:00-10:00; Tues 10:00-11:00\n");
	c = course_of(&s);
	st = open_store(&s);
	assert_int_equal(cv_store_import(&sum, st, c, path, maps, 3, 100, errs), CV_EDATA);
	/* "Tues": the field starts at column 30, two blanks, then 17 bytes before it */
	snprintf(want, sizeof(want), "%s:3:49: available: ", path);
	assert_non_null(strstr(first(errs, buf, sizeof(buf)), want));
	assert_int_equal(cv_store_count_answers(&n, st), 0);
	assert_int_equal(n, 0);
	cv_errors_free(errs);

	/* a map that names no column of the file is a usage error */
	errs = fresh();
	{
		const char *bad[] = {"Zone?=timezone"};
		assert_int_equal(cv_store_import(&sum, st, c, path, bad, 1, 100, errs), CV_EUSAGE);
	}
	cv_errors_free(errs);
	cv_store_close(st);
	cv_course_free(c);
	remove_course(&s);
}

static void test_import_refuses_strangers_without_open_enrolment(void **state)
{
	scratch s;
	cv_store *st;
	cv_course *c;
	cv_import_summary sum;
	cv_errors *errs = fresh();
	char path[160], buf[2048];

	(void)state;
	make_course(&s, "roster = roster.csv\n", "id,name,email,timezone,available\n"
		    "s1,Ann,ann@example.org,,\n");
	snprintf(path, sizeof(path), "%s/forms.csv", s.dir);
	put_file(path, forms);
	c = course_of(&s);
	st = open_store(&s);
	assert_int_equal(cv_store_import(&sum, st, c, path, maps, 3, 100, errs), CV_EDATA);
	assert_non_null(strstr(first(errs, buf, sizeof(buf)), "new@example.org is not in the roster"));
	assert_non_null(strstr(buf, "forms.csv:3:0: "));
	cv_errors_free(errs);
	cv_store_close(st);
	cv_course_free(c);
	remove_course(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_is_created_private_and_belongs_to_one_course),
		cmocka_unit_test(test_store_answer_replaces_the_previous_and_counts_revisions),
		cmocka_unit_test(test_store_tokens_are_128_random_bits_stable_until_rotated),
		cmocka_unit_test(test_store_version_moves_when_another_connection_writes),
		cmocka_unit_test(test_store_enrol_checks_name_and_address_and_makes_ids),
		cmocka_unit_test(test_answer_check_reports_each_field_where_it_is_wrong),
		cmocka_unit_test(test_merge_answer_wins_hours_and_roster_keeps_names),
		cmocka_unit_test(test_merge_pending_rows_need_the_store_and_nobody_is_an_error),
		cmocka_unit_test(test_merge_header_without_hours_columns_reads_in_merge_mode),
		cmocka_unit_test(test_roster_write_csv_reads_back_to_the_same_students),
		cmocka_unit_test(test_dates_format_reads_back),
		cmocka_unit_test(test_import_maps_questions_matches_addresses_and_keeps_the_last),
		cmocka_unit_test(test_import_reports_at_file_line_column_and_saves_nothing),
		cmocka_unit_test(test_import_refuses_strangers_without_open_enrolment),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cv_tz_cleanup();
	return rc;
}
