/* test_publish.c - atomic publishing of a directory of files. */
#define _XOPEN_SOURCE 700 /* nftw() to clean up the fixture */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "../src/publish_int.h"

/* Every test works in a fresh directory under /tmp: root/out is published. */
typedef struct fx {
	char root[64];
	char dir[96];
	char lock[112];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	strcpy(f->root, "/tmp/cv-publish-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->dir, sizeof(f->dir), "%s/out", f->root);
	snprintf(f->lock, sizeof(f->lock), "%s/out.lock", f->root);
	*state = f;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		chmod(path, 0700); /* undo the read-only parent of one test */
	return remove(path);
}

static int teardown(void **state)
{
	fx *f = *state;
	chmod(f->root, 0700);
	nftw(f->root, rm_one, 32, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static char *at(const fx *f, const char *rel)
{
	static char buf[4][256];
	static int i;
	char *b = buf[i++ % 4];
	snprintf(b, sizeof(buf[0]), "%s/%s", f->root, rel);
	return b;
}

/* The whole content of `path` as a string (static buffer), or NULL if it cannot be read. */
static const char *slurp(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "rb");
	size_t n;
	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static int exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Names in `dir` other than "." and "..", sorted, joined by spaces. */
static const char *listing(const char *dir)
{
	static char out[1024];
	struct dirent **names;
	int n, i;
	out[0] = '\0';
	n = scandir(dir, &names, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			if (out[0])
				strcat(out, " ");
			strcat(out, names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return out;
}

/* Publish `n` files (name, content pairs) into `dir` in one run. */
/* cv_publish_changes(), its four numbers apart. */
static int changes(const cv_publish *pub, size_t *a, size_t *c, size_t *u, size_t *r)
{
	cv_publish_files files = {99, 99, 99, 99}; /* untouched on failure */
	int rc = cv_publish_changes(&files, pub);

	*a = files.added;
	*c = files.changed;
	*u = files.unchanged;
	*r = files.removed;
	return rc;
}

static void publish(const char *dir, size_t n, const char *const files[][2])
{
	cv_publish *pub = NULL;
	size_t i;
	assert_int_equal(cv_publish_open(&pub, dir, NULL), CV_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(cv_publish_add(pub, files[i][0], files[i][1],
						strlen(files[i][1]), NULL), CV_OK);
	assert_int_equal(cv_publish_commit(pub, NULL), CV_OK);
	cv_publish_free(pub);
}

static const char *const set1[][2] = {
	{"instructor.ics", "instructor v1\n"},
	{"students/s01.ics", "s01 v1\n"},
	{"students/s02.ics", "s02 v1\n"},
};

/* ---- names ---- */

static void test_safe_name_rejects_unsafe_components(void **state)
{
	char longest[257];
	(void)state;
	assert_false(cv_publish_safe_name(""));
	assert_false(cv_publish_safe_name("."));
	assert_false(cv_publish_safe_name(".."));
	assert_false(cv_publish_safe_name("a/b"));
	assert_false(cv_publish_safe_name("a\\b"));
	assert_false(cv_publish_safe_name("a\nb"));
	assert_false(cv_publish_safe_name("tab\there"));
	assert_false(cv_publish_safe_name("del\x7f"));
	assert_false(cv_publish_safe_name(NULL));
	memset(longest, 'x', 256);
	longest[256] = '\0';
	assert_false(cv_publish_safe_name(longest)); /* 256 bytes: over NAME_MAX */
	longest[255] = '\0';
	assert_true(cv_publish_safe_name(longest));  /* 255 bytes is the limit */
}

static void test_safe_name_accepts_ordinary_names(void **state)
{
	(void)state;
	assert_true(cv_publish_safe_name("s01.ics"));
	assert_true(cv_publish_safe_name("maria.garcia@example.edu.ics"));
	assert_true(cv_publish_safe_name("..."));
	assert_true(cv_publish_safe_name(".hidden"));
	assert_true(cv_publish_safe_name("-dash-first"));       /* documented: allowed */
	assert_true(cv_publish_safe_name("caf\xc3\xa9.ics"));  /* UTF-8 */
}

static void test_unsafe_paths_are_rejected_and_write_nothing(void **state)
{
	static const char *const bad[] = {
		"../x", "a/../b", "", "a\nb", "/etc/x", "a//b", "a/", "./x", "a\\b", "..",
	};
	fx *f = *state;
	cv_publish *pub = NULL;
	cv_errors *errs = NULL;
	size_t i;

	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_publish_open(&pub, f->dir, errs), CV_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cv_publish_add(pub, bad[i], "x", 1, errs), CV_EDATA);
	assert_int_equal(cv_errors_count(errs), sizeof(bad) / sizeof(bad[0]));
	/* The message must not carry the raw newline into the diagnostics. */
	assert_null(strchr(cv_errors_get(errs, 3)->message, '\n'));
	assert_int_equal(cv_publish_commit(pub, NULL), CV_OK);
	cv_publish_free(pub);
	assert_false(exists(at(f, "x")));
	assert_string_equal(listing(f->dir), "");
	cv_errors_free(errs);
}

/* A path of `n1` `first`s, '/', `n2` 'b's, '/', then `last` (each name within 255 bytes). */
static const char *long_path(char first, size_t n1, size_t n2, const char *last)
{
	static char path[CV_PUBLISH_PATH_MAX + 64];
	memset(path, first, n1);
	path[n1] = '/';
	memset(path + n1 + 1, 'b', n2);
	path[n1 + 1 + n2] = '/';
	strcpy(path + n1 + 2 + n2, last);
	return path;
}

static void test_path_length_limit(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	char first[256];

	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	/* 255 + 1 + 254 + 1 + 1 = 512 bytes: the longest accepted. */
	assert_int_equal(strlen(long_path('a', 255, 254, "z")), CV_PUBLISH_PATH_MAX);
	assert_int_equal(cv_publish_add(pub, long_path('a', 255, 254, "z"), "ok", 2, NULL), CV_OK);
	/* One byte more, under a different first directory so only the length can fail it. */
	assert_int_equal(cv_publish_add(pub, long_path('c', 255, 254, "zz"), "no", 2, NULL),
			 CV_EDATA);
	assert_int_equal(cv_publish_commit(pub, NULL), CV_OK);
	cv_publish_free(pub);
	memset(first, 'a', 255);
	first[255] = '\0';
	assert_string_equal(listing(f->dir), first); /* nothing of the refused path */
}

static void test_adding_a_path_twice_or_as_file_and_directory_is_rejected(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "a.ics", "1", 1, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "a.ics", "2", 1, NULL), CV_EDATA);
	assert_int_equal(cv_publish_add(pub, "a.ics/b.ics", "3", 1, NULL), CV_EDATA);
	assert_int_equal(cv_publish_add(pub, "d/b.ics", "4", 1, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "d", "5", 1, NULL), CV_EDATA);
	assert_int_equal(cv_publish_commit(pub, NULL), CV_OK);
	cv_publish_free(pub);
	assert_string_equal(slurp(at(f, "out/a.ics")), "1");
	assert_string_equal(slurp(at(f, "out/d/b.ics")), "4");
}

/* ---- publishing ---- */

static void test_first_publish_creates_the_directory_with_its_files(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	char staging[64];
	struct stat st;
	size_t i;

	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	/* Staged beside the target (same filesystem), and nothing published yet. */
	snprintf(staging, sizeof(staging), ".out.new-%ld", (long)getpid());
	assert_int_equal(stat(at(f, staging), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	for (i = 0; i < 3; i++)
		assert_int_equal(cv_publish_add(pub, set1[i][0], set1[i][1], strlen(set1[i][1]),
						NULL), CV_OK);
	assert_false(exists(f->dir));
	assert_int_equal(cv_publish_commit(pub, NULL), CV_OK);
	cv_publish_free(pub);

	assert_string_equal(slurp(at(f, "out/instructor.ics")), "instructor v1\n");
	assert_string_equal(slurp(at(f, "out/students/s01.ics")), "s01 v1\n");
	assert_string_equal(slurp(at(f, "out/students/s02.ics")), "s02 v1\n");
	/* Only the set and its lock remain: no staging or temporary files. */
	assert_string_equal(listing(f->root), "out out.lock");
	assert_string_equal(listing(f->dir), "instructor.ics students");
	assert_string_equal(listing(at(f, "out/students")), "s01.ics s02.ics");
}

static void test_trailing_slash_names_the_same_directory(void **state)
{
	fx *f = *state;
	char dir[128];
	snprintf(dir, sizeof(dir), "%s//", f->dir);
	publish(dir, 1, set1);
	assert_string_equal(listing(f->root), "out out.lock");
	assert_string_equal(slurp(at(f, "out/instructor.ics")), "instructor v1\n");
}

static void test_republishing_identical_content_keeps_inode_and_mtime(void **state)
{
	fx *f = *state;
	struct timespec past[2] = {{978307200, 0}, {978307200, 0}}; /* 2001-01-01 */
	struct stat before, after, dir_before, dir_after;

	publish(f->dir, 3, set1);
	/* An old mtime makes any rewrite visible even within one clock tick. */
	assert_int_equal(utimensat(AT_FDCWD, at(f, "out/students/s01.ics"), past, 0), 0);
	assert_int_equal(stat(at(f, "out/students/s01.ics"), &before), 0);
	assert_int_equal(stat(f->dir, &dir_before), 0);

	publish(f->dir, 3, set1);
	assert_int_equal(stat(at(f, "out/students/s01.ics"), &after), 0);
	assert_int_equal(stat(f->dir, &dir_after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_mtim.tv_sec, 978307200);
	assert_int_equal(after.st_mtim.tv_nsec, 0);
	/* The old set is gone, so the file is linked once again. */
	assert_int_equal(after.st_nlink, 1);
	/* The directory itself was switched: a new set, not files edited in place. */
	assert_int_not_equal(dir_after.st_ino, dir_before.st_ino);
	assert_string_equal(listing(f->root), "out out.lock");
}

static void test_republishing_keeps_the_directory_permissions(void **state)
{
	fx *f = *state;
	struct stat st;

	publish(f->dir, 3, set1);
	assert_int_equal(chmod(f->dir, 0750), 0);
	publish(f->dir, 3, set1);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
}

static void test_a_changed_file_gets_the_new_content(void **state)
{
	static const char *const set2[][2] = {
		{"instructor.ics", "instructor v2, longer\n"},
		{"students/s01.ics", "s01 v1\n"},
		{"students/s02.ics", "s02 v2\n"}, /* same length as before */
	};
	fx *f = *state;
	struct stat before, after;

	publish(f->dir, 3, set1);
	assert_int_equal(stat(at(f, "out/students/s02.ics"), &before), 0);
	publish(f->dir, 3, set2);
	assert_string_equal(slurp(at(f, "out/instructor.ics")), "instructor v2, longer\n");
	assert_string_equal(slurp(at(f, "out/students/s02.ics")), "s02 v2\n");
	assert_string_equal(slurp(at(f, "out/students/s01.ics")), "s01 v1\n");
	assert_int_equal(stat(at(f, "out/students/s02.ics"), &after), 0);
	assert_int_not_equal(after.st_ino, before.st_ino);
}

static void test_a_file_not_added_again_disappears(void **state)
{
	static const char *const set2[][2] = {
		{"instructor.ics", "instructor v1\n"},
		{"students/s01.ics", "s01 v1\n"},
	};
	static const char *const set3[][2] = {
		{"instructor.ics", "instructor v1\n"},
	};
	fx *f = *state;

	publish(f->dir, 3, set1);
	publish(f->dir, 2, set2);
	assert_string_equal(listing(at(f, "out/students")), "s01.ics");
	publish(f->dir, 1, set3);
	assert_string_equal(listing(f->dir), "instructor.ics");
}

static void test_changes_counts_added_changed_unchanged_removed(void **state)
{
	static const char *const set2[][2] = {
		{"instructor.ics", "instructor v1\n"}, /* unchanged */
		{"students/s01.ics", "s01 v2\n"},      /* changed */
		{"students/s03.ics", "s03 v1\n"},      /* added; s02 removed */
	};
	fx *f = *state;
	cv_publish *pub = NULL;
	size_t a, c, u, r, i;

	publish(f->dir, 3, set1);
	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(cv_publish_add(pub, set2[i][0], set2[i][1], strlen(set2[i][1]),
						NULL), CV_OK);
	assert_int_equal(changes(pub, &a, &c, &u, &r), CV_OK);
	assert_int_equal(a, 1);
	assert_int_equal(c, 1);
	assert_int_equal(u, 1);
	assert_int_equal(r, 1);
	/* A dry run looks and leaves the published set alone. */
	assert_string_equal(slurp(at(f, "out/students/s01.ics")), "s01 v1\n");
	assert_int_equal(cv_publish_commit(pub, NULL), CV_OK);
	a = c = u = r = 99;
	assert_int_equal(changes(pub, &a, &c, &u, &r), CV_OK);
	assert_int_equal(a + c + u + r, 4);
	assert_int_equal(r, 1);
	cv_publish_free(pub);
	assert_string_equal(listing(at(f, "out/students")), "s01.ics s03.ics");
}

static void test_changes_on_a_first_publish_are_all_added(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	size_t a, c, u, r;

	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "x.ics", "x", 1, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "y/z.ics", "z", 1, NULL), CV_OK);
	assert_int_equal(changes(pub, &a, &c, &u, &r), CV_OK);
	assert_int_equal(a, 2);
	assert_int_equal(c + u + r, 0);
	cv_publish_free(pub);
}

static void test_empty_file_is_published(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	struct stat st;

	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "empty", NULL, 0, NULL), CV_OK);
	assert_int_equal(cv_publish_commit(pub, NULL), CV_OK);
	cv_publish_free(pub);
	assert_int_equal(stat(at(f, "out/empty"), &st), 0);
	assert_int_equal(st.st_size, 0);
}

/* ---- dry runs and the list of changes ---- */

/* Collects what cv_publish_list_changes() reports as "<change> <path>\n" lines. */
static int collect(void *ctx, cv_publish_change change, const char *relpath)
{
	static const char *const word[] = {"added", "changed", "unchanged", "removed"};
	char *out = ctx;
	size_t n = strlen(out);
	snprintf(out + n, 1024 - n, "%s %s\n", word[change], relpath);
	return 0;
}

static int stop_at_first(void *ctx, cv_publish_change change, const char *relpath)
{
	(void)change;
	(void)relpath;
	++*(int *)ctx;
	return 42;
}

static const char *const set2[][2] = {
	{"instructor.ics", "instructor v1\n"}, /* unchanged */
	{"students/s03.ics", "s03 v1\n"},      /* added */
	{"students/s01.ics", "s01 v2\n"},      /* changed; s02 removed */
};

static void test_list_changes_names_every_file_in_order_then_the_removed(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	char out[1024] = "";
	size_t i;
	int calls = 0;

	publish(f->dir, 3, set1);
	write_text(at(f, "out/students/zz-stray.txt"), "not from us\n");
	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(cv_publish_add(pub, set2[i][0], set2[i][1], strlen(set2[i][1]),
						NULL), CV_OK);
	assert_int_equal(cv_publish_list_changes(pub, collect, out), 0);
	assert_string_equal(out, "unchanged instructor.ics\n"
				 "added students/s03.ics\n"
				 "changed students/s01.ics\n"
				 "removed students/s02.ics\n"
				 "removed students/zz-stray.txt\n");
	assert_int_equal(cv_publish_list_changes(pub, stop_at_first, &calls), 42);
	assert_int_equal(calls, 1);
	/* After the switch the old set is gone: the list is the one the switch made. */
	assert_int_equal(cv_publish_commit(pub, NULL), CV_OK);
	out[0] = '\0';
	assert_int_equal(cv_publish_list_changes(pub, collect, out), 0);
	assert_string_equal(out, "unchanged instructor.ics\n"
				 "added students/s03.ics\n"
				 "changed students/s01.ics\n"
				 "removed students/s02.ics\n"
				 "removed students/zz-stray.txt\n");
	cv_publish_free(pub);
	assert_string_equal(listing(at(f, "out/students")), "s01.ics s03.ics");
}

static void test_a_dry_run_reports_the_changes_and_writes_nothing(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	cv_errors *errs = NULL;
	char out[1024] = "";
	size_t a, c, u, r, i;
	cv_publish_files files;
	struct stat before, after;

	publish(f->dir, 3, set1);
	assert_int_equal(stat(at(f, "out/students/s01.ics"), &before), 0);
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_publish_open_dry(&pub, f->dir, errs), CV_OK);
	/* no staging directory: the parent holds what it held */
	assert_string_equal(listing(f->root), "out out.lock");
	for (i = 0; i < 3; i++)
		assert_int_equal(cv_publish_add(pub, set2[i][0], set2[i][1], strlen(set2[i][1]),
						NULL), CV_OK);
	/* the same refusals as a real run, without a staging directory to ask */
	assert_int_equal(cv_publish_add(pub, "students/s03.ics", "x", 1, NULL), CV_EDATA);
	assert_int_equal(cv_publish_add(pub, "students", "x", 1, NULL), CV_EDATA);
	assert_int_equal(cv_publish_add(pub, "instructor.ics/x", "x", 1, NULL), CV_EDATA);
	assert_int_equal(cv_publish_add(pub, "../x", "x", 1, NULL), CV_EDATA);
	assert_int_equal(changes(pub, &a, &c, &u, &r), CV_OK);
	assert_int_equal(a, 1);
	assert_int_equal(c, 1);
	assert_int_equal(u, 1);
	assert_int_equal(r, 1);
	a = c = u = 99;
	Cv_publish_counts(&files, pub);
	assert_int_equal(files.added + files.changed + files.unchanged, 3);
	assert_int_equal(files.removed, 0);
	assert_int_equal(cv_publish_list_changes(pub, collect, out), 0);
	assert_string_equal(out, "unchanged instructor.ics\n"
				 "added students/s03.ics\n"
				 "changed students/s01.ics\n"
				 "removed students/s02.ics\n");
	assert_int_equal(cv_publish_commit(pub, errs), CV_EUSAGE);
	cv_publish_free(pub);
	assert_string_equal(listing(f->root), "out out.lock");
	assert_string_equal(listing(f->dir), "instructor.ics students");
	assert_string_equal(listing(at(f, "out/students")), "s01.ics s02.ics");
	assert_string_equal(slurp(at(f, "out/students/s01.ics")), "s01 v1\n");
	assert_int_equal(stat(at(f, "out/students/s01.ics"), &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_mtime, before.st_mtime);
	cv_errors_free(errs);
}

static void test_a_dry_run_of_a_new_directory_creates_nothing(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	size_t a, c, u, r;

	assert_int_equal(cv_publish_open_dry(&pub, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "instructor.ics", "i", 1, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "students/s01.ics", "s", 1, NULL), CV_OK);
	assert_int_equal(changes(pub, &a, &c, &u, &r), CV_OK);
	assert_int_equal(a, 2);
	assert_int_equal(c + u + r, 0);
	cv_publish_free(pub);
	/* neither the directory, nor its lock file, nor a staging directory */
	assert_string_equal(listing(f->root), "");
}

static void test_a_dry_run_leaves_a_crashed_runs_leftovers_alone(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	publish(f->dir, 1, set1);
	assert_int_equal(mkdir(at(f, ".out.new-99999"), 0755), 0);
	assert_int_equal(cv_publish_open_dry(&pub, f->dir, NULL), CV_OK);
	cv_publish_free(pub);
	assert_true(exists(at(f, ".out.new-99999")));
	/* the next real run clears them */
	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	assert_false(exists(at(f, ".out.new-99999")));
	cv_publish_free(pub);
}

static void test_dry_runs_share_the_lock_and_exclude_a_real_run(void **state)
{
	fx *f = *state;
	cv_publish *real = NULL, *dry1 = NULL, *dry2 = NULL;
	cv_errors *errs = NULL;

	publish(f->dir, 1, set1); /* the lock file exists from now on */
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	/* a real run holds the lock: a dry run would read a set being switched */
	assert_int_equal(cv_publish_open(&real, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_open_dry(&dry1, f->dir, errs), CV_ELOCKED);
	assert_null(dry1);
	assert_int_equal(cv_errors_get(errs, 0)->code, CV_ELOCKED);
	cv_publish_free(real);
	/* two dry runs at once are fine; a real run waits for them */
	assert_int_equal(cv_publish_open_dry(&dry1, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_open_dry(&dry2, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_open(&real, f->dir, NULL), CV_ELOCKED);
	cv_publish_free(dry1);
	cv_publish_free(dry2);
	assert_int_equal(cv_publish_open(&real, f->dir, NULL), CV_OK);
	cv_publish_free(real);
	cv_errors_free(errs);
}

static void test_a_dry_run_refuses_a_dir_that_is_a_file(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	write_text(f->dir, "a file\n");
	assert_int_equal(cv_publish_open_dry(&pub, f->dir, NULL), CV_ECANTCREAT);
	assert_null(pub);
	assert_string_equal(listing(f->root), "out");
}

/* ---- the lock ---- */

static void test_a_second_open_while_the_first_runs_is_locked(void **state)
{
	fx *f = *state;
	cv_publish *first = NULL, *second = NULL;
	cv_errors *errs = NULL;
	const cv_error *e;

	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_publish_open(&first, f->dir, NULL), CV_OK);
	/* flock locks belong to open file descriptions: the same process conflicts. */
	assert_int_equal(cv_publish_open(&second, f->dir, errs), CV_ELOCKED);
	assert_null(second);
	e = cv_errors_get(errs, 0);
	assert_non_null(e);
	assert_int_equal(e->code, CV_ELOCKED);
	assert_string_equal(e->file, f->lock);
	assert_non_null(strstr(e->message, "another convene run"));
	/* The loser must not disturb the winner's staging directory. */
	assert_int_equal(cv_publish_add(first, "a.ics", "a", 1, NULL), CV_OK);
	assert_int_equal(cv_publish_commit(first, NULL), CV_OK);
	cv_publish_free(first);
	assert_string_equal(slurp(at(f, "out/a.ics")), "a");
	/* Released on free: the next run gets it; the lock file is kept. */
	assert_int_equal(cv_publish_open(&second, f->dir, NULL), CV_OK);
	assert_true(exists(f->lock));
	cv_publish_free(second);
	cv_errors_free(errs);
}

static void test_a_lock_held_by_another_process_is_reported(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	int ready[2], done[2], rc, status;
	char c = 0;
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(done), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int ok;
		/* Never outlive a parent that failed an assertion and moved on. */
		alarm(10);
		close(ready[0]);
		close(done[1]);
		ok = cv_publish_open(&pub, f->dir, NULL) == CV_OK;
		if (write(ready[1], ok ? "y" : "n", 1) != 1 || read(done[0], &c, 1) != 1)
			ok = 0;
		cv_publish_free(pub);
		_exit(ok ? 0 : 1);
	}
	close(ready[1]);
	close(done[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	rc = cv_publish_open(&pub, f->dir, NULL);
	/* Let the child go before checking, so a failure leaves no process behind. */
	assert_int_equal(write(done[1], "x", 1), 1);
	close(done[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(c, 'y');
	assert_int_equal(rc, CV_ELOCKED);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	cv_publish_free(pub);
}

/* ---- crashes and aborted runs ---- */

static void test_an_aborted_publish_leaves_the_old_set_and_no_staging(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	publish(f->dir, 3, set1);
	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "instructor.ics", "v2", 2, NULL), CV_OK);
	/* Unchanged, so hard-linked into staging: removing staging must not hurt it. */
	assert_int_equal(cv_publish_add(pub, "students/s01.ics", "s01 v1\n", 7, NULL), CV_OK);
	cv_publish_free(pub);
	assert_string_equal(slurp(at(f, "out/instructor.ics")), "instructor v1\n");
	assert_string_equal(slurp(at(f, "out/students/s01.ics")), "s01 v1\n");
	assert_string_equal(slurp(at(f, "out/students/s02.ics")), "s02 v1\n");
	assert_string_equal(listing(f->root), "out out.lock");
}

static void test_leftovers_of_a_crashed_run_are_removed_on_open(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	publish(f->dir, 1, set1);
	assert_int_equal(mkdir(at(f, ".out.new-99999"), 0755), 0);
	assert_int_equal(mkdir(at(f, ".out.new-99999/students"), 0755), 0);
	write_text(at(f, ".out.new-99999/students/s01.ics"), "half");
	assert_int_equal(mkdir(at(f, ".out.old-99998"), 0755), 0);
	write_text(at(f, ".out.old-99998/instructor.ics"), "older");
	/* Not ours: another directory's staging, and a name that is no pid. */
	assert_int_equal(mkdir(at(f, ".other.new-99999"), 0755), 0);
	assert_int_equal(mkdir(at(f, ".out.new-mine"), 0755), 0);

	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	assert_false(exists(at(f, ".out.new-99999")));
	assert_false(exists(at(f, ".out.old-99998")));
	assert_true(exists(at(f, ".other.new-99999")));
	assert_true(exists(at(f, ".out.new-mine")));
	assert_string_equal(slurp(at(f, "out/instructor.ics")), "instructor v1\n");
	cv_publish_free(pub);
}

static void test_a_crash_between_fallback_renames_restores_the_old_set(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	/* The fallback moved out aside and died before putting the new set in. */
	assert_int_equal(mkdir(at(f, ".out.old-99999"), 0755), 0);
	write_text(at(f, ".out.old-99999/instructor.ics"), "old set");
	assert_int_equal(mkdir(at(f, ".out.new-99999"), 0755), 0);
	write_text(at(f, ".out.new-99999/instructor.ics"), "new set");

	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	cv_publish_free(pub);
	assert_string_equal(slurp(at(f, "out/instructor.ics")), "old set");
	assert_string_equal(listing(f->root), "out out.lock");
}

/* ---- what cannot be created ---- */

static void test_dir_that_is_a_regular_file_is_refused(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	cv_errors *errs = NULL;

	assert_int_equal(cv_errors_new(&errs), CV_OK);
	write_text(f->dir, "not a directory");
	assert_int_equal(cv_publish_open(&pub, f->dir, errs), CV_ECANTCREAT);
	assert_null(pub);
	assert_string_equal(cv_errors_get(errs, 0)->file, f->dir);
	assert_non_null(strstr(cv_errors_get(errs, 0)->message, "not a directory"));
	assert_string_equal(slurp(f->dir), "not a directory");
	assert_string_equal(listing(f->root), "out out.lock");
	cv_errors_free(errs);
}

static void test_dir_replaced_by_a_file_before_commit_is_refused(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_OK);
	assert_int_equal(cv_publish_add(pub, "a.ics", "a", 1, NULL), CV_OK);
	write_text(f->dir, "appeared meanwhile");
	assert_int_equal(cv_publish_commit(pub, NULL), CV_ECANTCREAT);
	cv_publish_free(pub);
	assert_string_equal(slurp(f->dir), "appeared meanwhile");
	assert_string_equal(listing(f->root), "out out.lock");
}

static void test_dir_that_is_a_symlink_is_refused(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	assert_int_equal(mkdir(at(f, "real"), 0755), 0);
	assert_int_equal(symlink("real", f->dir), 0);
	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_ECANTCREAT);
	assert_int_equal(cv_publish_open(&pub, at(f, "real"), NULL), CV_OK);
	cv_publish_free(pub);
}

static void test_root_and_dot_cannot_be_the_output(void **state)
{
	cv_publish *pub = NULL;
	(void)state;
	assert_int_equal(cv_publish_open(&pub, "/", NULL), CV_ECANTCREAT);
	assert_int_equal(cv_publish_open(&pub, "", NULL), CV_ECANTCREAT);
	assert_int_equal(cv_publish_open(&pub, "/tmp/..", NULL), CV_ECANTCREAT);
	assert_null(pub);
}

static void test_parent_that_is_a_file_cannot_be_created(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	cv_errors *errs = NULL;

	assert_int_equal(cv_errors_new(&errs), CV_OK);
	write_text(at(f, "file"), "x");
	assert_int_equal(cv_publish_open(&pub, at(f, "file/out"), errs), CV_ECANTCREAT);
	assert_non_null(strstr(cv_errors_get(errs, 0)->message, strerror(ENOTDIR)));
	cv_errors_free(errs);
}

static void test_parent_not_writable_cannot_be_created(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	/* root bypasses permission bits, so this cannot fail for root: skip it. */
	if (geteuid() == 0)
		skip();
	assert_int_equal(chmod(f->root, 0555), 0);
	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_ECANTCREAT);
	assert_int_equal(chmod(f->root, 0700), 0);
}

/* ---- readers ---- */

/*
 * A reader that opens the directory once and then both files through it
 * must find both from the same generation while a writer republishes.
 */
static void test_readers_never_see_a_mix_of_two_sets(void **state)
{
	enum { GENERATIONS = 60 };
	fx *f = *state;
	long consistent = 0, mixed = 0;
	int status;
	pid_t pid;

	{
		static const char *const g0[][2] = {{"a", "0"}, {"b", "0"}};
		publish(f->dir, 2, g0);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int g;
		alarm(60);
		for (g = 1; g <= GENERATIONS; g++) {
			cv_publish *pub = NULL;
			char text[16];
			snprintf(text, sizeof(text), "%d", g);
			if (cv_publish_open(&pub, f->dir, NULL) ||
			    cv_publish_add(pub, "a", text, strlen(text), NULL) ||
			    cv_publish_add(pub, "b", text, strlen(text), NULL) ||
			    cv_publish_commit(pub, NULL))
				_exit(1);
			cv_publish_free(pub);
		}
		_exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		char a[16] = "", b[16] = "";
		int dfd = open(f->dir, O_RDONLY | O_DIRECTORY);
		int fa, fb;
		ssize_t na = -1, nb = -1;
		if (dfd < 0)
			continue;
		fa = openat(dfd, "a", O_RDONLY);
		fb = openat(dfd, "b", O_RDONLY);
		if (fa >= 0)
			na = read(fa, a, sizeof(a) - 1);
		if (fb >= 0)
			nb = read(fb, b, sizeof(b) - 1);
		if (na > 0 && nb > 0) {
			a[na] = b[nb] = '\0';
			if (strcmp(a, b))
				mixed++;
			else
				consistent++;
		}
		if (fa >= 0)
			close(fa);
		if (fb >= 0)
			close(fb);
		close(dfd);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(mixed, 0);
	assert_true(consistent > 0);
	assert_string_equal(slurp(at(f, "out/a")), "60");
}

/* ---- the lock file (issue 16, 4) ---- */

/* A symbolic link at DIR.lock is never followed: nothing is created where it points. */
static void test_a_link_at_the_lock_is_refused_and_creates_nothing(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;
	cv_errors *errs = NULL;

	assert_int_equal(symlink(at(f, "elsewhere"), f->lock), 0);
	assert_int_equal(cv_errors_new(&errs), CV_OK);
	assert_int_equal(cv_publish_open(&pub, f->dir, errs), CV_ECANTCREAT);
	assert_non_null(strstr(cv_errors_get(errs, 0)->message, "symbolic link"));
	assert_string_equal(cv_errors_get(errs, 0)->file, f->lock);
	assert_false(exists(at(f, "elsewhere")));
	assert_int_equal(cv_publish_open_dry(&pub, f->dir, NULL), CV_ECANTCREAT);
	assert_string_equal(listing(f->root), "out.lock");
	cv_errors_free(errs);
}

/* A FIFO at DIR.lock is refused at once, by a real run and a dry run alike. */
static void test_a_fifo_at_the_lock_is_refused_without_waiting(void **state)
{
	fx *f = *state;
	cv_publish *pub = NULL;

	assert_int_equal(mkfifo(f->lock, 0600), 0);
	assert_int_equal(cv_publish_open(&pub, f->dir, NULL), CV_ECANTCREAT);
	assert_int_equal(cv_publish_open_dry(&pub, f->dir, NULL), CV_ECANTCREAT);
	assert_string_equal(listing(f->root), "out.lock");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_safe_name_rejects_unsafe_components),
		T(test_safe_name_accepts_ordinary_names),
		T(test_unsafe_paths_are_rejected_and_write_nothing),
		T(test_path_length_limit),
		T(test_adding_a_path_twice_or_as_file_and_directory_is_rejected),
		T(test_first_publish_creates_the_directory_with_its_files),
		T(test_trailing_slash_names_the_same_directory),
		T(test_republishing_identical_content_keeps_inode_and_mtime),
		T(test_republishing_keeps_the_directory_permissions),
		T(test_a_changed_file_gets_the_new_content),
		T(test_a_file_not_added_again_disappears),
		T(test_changes_counts_added_changed_unchanged_removed),
		T(test_changes_on_a_first_publish_are_all_added),
		T(test_empty_file_is_published),
		T(test_list_changes_names_every_file_in_order_then_the_removed),
		T(test_a_dry_run_reports_the_changes_and_writes_nothing),
		T(test_a_dry_run_of_a_new_directory_creates_nothing),
		T(test_a_dry_run_leaves_a_crashed_runs_leftovers_alone),
		T(test_dry_runs_share_the_lock_and_exclude_a_real_run),
		T(test_a_dry_run_refuses_a_dir_that_is_a_file),
		T(test_a_second_open_while_the_first_runs_is_locked),
		T(test_a_lock_held_by_another_process_is_reported),
		T(test_an_aborted_publish_leaves_the_old_set_and_no_staging),
		T(test_leftovers_of_a_crashed_run_are_removed_on_open),
		T(test_a_crash_between_fallback_renames_restores_the_old_set),
		T(test_dir_that_is_a_regular_file_is_refused),
		T(test_dir_replaced_by_a_file_before_commit_is_refused),
		T(test_dir_that_is_a_symlink_is_refused),
		T(test_root_and_dot_cannot_be_the_output),
		T(test_parent_that_is_a_file_cannot_be_created),
		T(test_parent_not_writable_cannot_be_created),
		T(test_readers_never_see_a_mix_of_two_sets),
		T(test_a_link_at_the_lock_is_refused_and_creates_nothing),
		T(test_a_fifo_at_the_lock_is_refused_without_waiting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
