/*
 * calin.c - a student's availability from an iCalendar file (see
 * include/convene/calin.h for what each component means): reading a file,
 * applying what it says to a student, and doing so for a whole roster from
 * its calendars directory.  The reading itself is in calin_scan.c,
 * calin_expand.c and calin_parse.c (see calin_int.h).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "array_int.h"
#include "calin_int.h"
#include "file_int.h"

/* Outside every span: "busy for ever" on either side, far from int64 overflow. */
#define FOREVER ((int64_t)1 << 50)

static const Cv_file_kind calendar_file = {"the calendar", NULL, CV_CALIN_FILE_MAX, 0};
/* A student's calendar in the calendars directory: only "does not exist" means none. */
static const Cv_file_kind student_calendar = {
	"the calendar", NULL, CV_CALIN_FILE_MAX, CV_FILE_ABSENT_OK
};

/* cv_calin_load() for a kind of file: 0 with *out NULL when absent and that is allowed. */
static int load(cv_calin **out, const char *path, const Cv_file_kind *kind,
		const cv_zone *zone, int64_t from, int64_t to, cv_errors *errs)
{
	char *buf;
	size_t n;
	int rc = Cv_file_read(&buf, &n, path, kind, errs);

	if (rc)
		return rc;
	if (!buf) {
		*out = NULL;
		return CV_OK;
	}
	rc = cv_calin_parse(out, buf, n, path, zone, from, to, errs);
	free(buf);
	return rc;
}

int cv_calin_load(cv_calin **out, const char *path, const cv_zone *zone, int64_t from,
		  int64_t to, cv_errors *errs)
{
	return load(out, path, &calendar_file, zone, from, to, errs);
}

void cv_calin_free(cv_calin *c)
{
	if (!c)
		return;
	Cv_array_clear(c->busy);
	Cv_array_clear(c->covered);
	Cv_array_clear(c->available);
	free(c);
}

const cv_interval *cv_calin_busy(const cv_calin *c, size_t *n)
{
	*n = c->busy.size;
	return c->busy.ptr;
}

const cv_interval *cv_calin_covered(const cv_calin *c, size_t *n)
{
	*n = c->covered.size;
	return c->covered.ptr;
}

const cv_interval *cv_calin_available(const cv_calin *c, size_t *n)
{
	*n = c->available.size;
	return c->available.ptr;
}

int cv_calin_has_availability(const cv_calin *c)
{
	return c->has_availability;
}

int cv_calin_apply(cv_avail *a, const cv_calin *c)
{
	Cv_intervals busy = CV_ARRAY_INIT, base = CV_ARRAY_INIT;
	size_t nw;
	int rc;

	cv_avail_windows(a, &nw, 0);
	if (!nw && !c->has_availability)
		return CV_EDATA;
	if (nw) {
		/* The roster's windows stay; the VAVAILABILITY's busy time is cut from them. */
		rc = Cv_intervals_append_difference(&busy, &c->covered, &c->available);
	} else {
		/* No windows of its own: the available time is all there is. */
		static const cv_window all_day = {0x7F, 0, CV_DAY_MINUTES};
		rc = Cv_intervals_push(&base, -FOREVER, FOREVER);
		if (!rc)
			rc = Cv_intervals_append_difference(&busy, &base, &c->available);
		if (!rc)
			rc = cv_avail_add_windows(a, &all_day, 1, 0);
	}
	if (!rc)
		rc = Cv_intervals_append(&busy, c->busy.ptr, c->busy.size);
	if (!rc) {
		Cv_intervals_norm(&busy);
		rc = cv_avail_add_busy(a, busy.ptr, busy.size);
	}
	Cv_array_clear(busy);
	Cv_array_clear(base);
	return rc;
}

void cv_calin_span(int64_t *from, int64_t *to, const cv_course *course)
{
	*from = cv_zone_to_utc(course->zone, (int64_t)course->start * CV_DAY_SECONDS) -
		2 * CV_DAY_SECONDS;
	*to = cv_zone_to_utc(course->zone, ((int64_t)course->end + 1) * CV_DAY_SECONDS) +
	      2 * CV_DAY_SECONDS;
}

/* dir/name (dir may end in '/'); malloc'd. */
static char *join_path(const char *dir, const char *name, const char *ext)
{
	size_t nd = strlen(dir), nn = strlen(name), ne = strlen(ext);
	int slash = nd && dir[nd - 1] != '/';
	char *p = malloc(nd + (size_t)slash + nn + ne + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, nd);
	if (slash)
		p[nd++] = '/';
	memcpy(p + nd, name, nn);
	memcpy(p + nd + nn, ext, ne + 1);
	return p;
}

/* Warn about calendar files that name no student (a typo in a file name). */
static int warn_strays(const cv_roster *roster, const char *dir, cv_errors *errs)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return CV_OK;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char id[CV_STUDENT_ID_MAX + 1];
		if (n <= 4 || strcasecmp(e->d_name + n - 4, ".ics") != 0 || e->d_name[0] == '.')
			continue;
		if (n - 4 > CV_STUDENT_ID_MAX || strcmp(e->d_name + n - 4, ".ics") != 0 ||
		    (memcpy(id, e->d_name, n - 4), id[n - 4] = '\0', !cv_roster_find(roster, id))) {
			char *p = join_path(dir, e->d_name, "");
			cv_where w = {p ? p : dir, 0, 0};
			cv_errors_warn(errs, &w, 0,
				       "no student in %s has this id; the calendar is not used "
				       "(calendars are named <student-id>.ics)", roster->path);
			free(p);
		}
	}
	closedir(d);
	return CV_OK;
}

/*
 * Apply dir/<id>.ics to student st, when there is one.  Returns 0,
 * CV_ENOMEM, or another code with the problem recorded.
 */
static int apply_student(cv_student *st, const cv_roster *roster, const char *dir,
			 int64_t from, int64_t to, cv_errors *errs)
{
	cv_where wr = {roster->path, st->line, 0};
	cv_calin *cal = NULL;
	char *path = join_path(dir, st->id, ".ics");
	size_t nw;
	int rc;

	if (!path)
		return CV_ENOMEM;
	cv_avail_windows(st->avail, &nw, 0);
	/* Only a file that does not exist means "no calendar": a dangling link,
	 * no permission or a FIFO is an error, never silently no busy time. */
	rc = load(&cal, path, &student_calendar, st->zone, from, to, errs);
	if (rc == CV_OK && !cal) {
		if (!nw)
			rc = cv_errors_add(errs, CV_EDATA, &wr, 0,
					   "%s has no available windows and there is no calendar "
					   "file %s", st->id, path);
	} else if (rc == CV_OK) {
		rc = cv_calin_apply(st->avail, cal);
		if (rc == CV_EDATA)
			cv_errors_add(errs, CV_EDATA, &wr, 0,
				      "%s has no available windows and %s has no "
				      "VAVAILABILITY: nothing says when the student can attend",
				      st->id, path);
	}
	cv_calin_free(cal);
	free(path);
	return rc;
}

int cv_calin_apply_roster(cv_roster *roster, const cv_course *course, cv_errors *errs)
{
	struct stat sb;
	int64_t from, to;
	size_t i;
	int failed = 0, rc;

	if (!course->calendars_dir)
		return CV_OK;
	if (stat(course->calendars_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		/*
		 * No calendars yet: not even a warning, since git keeps no empty
		 * directory and a course may name the directory before anyone
		 * hands in a calendar.  A student who relies on a calendar was
		 * already refused by the roster, naming the missing file.
		 */
		return CV_OK;
	}
	cv_calin_span(&from, &to, course);
	for (i = 0; i < roster->count; i++) {
		if (!roster->students[i].avail)
			continue;
		rc = apply_student(&roster->students[i], roster, course->calendars_dir, from, to,
				   errs);
		if (rc == CV_ENOMEM)
			return rc;
		if (rc)
			failed = 1;
	}
	if ((rc = warn_strays(roster, course->calendars_dir, errs)))
		return rc;
	return failed ? CV_EDATA : CV_OK;
}
