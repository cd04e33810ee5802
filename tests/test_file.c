/*
 * test_file.c - opening and reading input files (src/file_int.h): what is
 * not a regular file is refused before a byte is read (a FIFO must not
 * hang: an alarm turns a hang into a failure), links are followed only
 * when allowed, the limit is exact, and "does not exist" is told apart
 * from every other failure.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "../src/file_int.h"

/* Seconds any single test may take: a read that blocks is killed by SIGALRM. */
#define HANG_SECONDS 10

static char dir[64];

static const char *at(const char *name)
{
	static char path[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static void write_file(const char *name, const char *text, size_t len)
{
	FILE *f = fopen(at(name), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/convene-test-file-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	alarm(HANG_SECONDS);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	alarm(0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const Cv_file_kind plain = {"the test file", NULL, 1000, 0};
static const Cv_file_kind nofollow = {"the test file", NULL, 1000, CV_FILE_NOFOLLOW};
static const Cv_file_kind optional = {"the test file", NULL, 1000, CV_FILE_ABSENT_OK};

/* Read with `kind`; expect `code`, and when it fails one error at the path saying `what`. */
static void expect_read(const char *path, const Cv_file_kind *kind, int code, const char *what)
{
	cv_errors *e;
	char *buf = (char *)"untouched";
	size_t len = 12345;

	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(Cv_file_read(&buf, &len, path, kind, e), code);
	if (code == CV_OK) {
		assert_int_equal(cv_errors_count(e), 0);
		if (buf)
			free(buf);
	} else {
		const cv_error *err = cv_errors_get(e, 0);
		assert_int_equal(cv_errors_count(e), 1);
		assert_int_equal(err->code, code);
		assert_string_equal(err->file, path);
		if (!strstr(err->message, what))
			fail_msg("\"%s\" does not say \"%s\"", err->message, what);
		assert_string_equal(buf, "untouched");
		assert_int_equal(len, 12345);
	}
	cv_errors_free(e);
}

static void test_regular_file_is_read_whole_and_nul_terminated(void **state)
{
	char *buf;
	size_t len;

	(void)state;
	write_file("a.txt", "hello\0world", 11);
	assert_int_equal(Cv_file_read(&buf, &len, at("a.txt"), &plain, NULL), CV_OK);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, "hello\0world", 12);
	free(buf);
	write_file("empty.txt", "", 0);
	assert_int_equal(Cv_file_read(&buf, &len, at("empty.txt"), &plain, NULL), CV_OK);
	assert_int_equal(len, 0);
	assert_int_equal(buf[0], '\0');
	free(buf);
}

static void test_missing_file_is_enoinput_or_absent_when_allowed(void **state)
{
	char *buf = (char *)"x";
	size_t len = 1;
	int fd = 7;

	(void)state;
	expect_read(at("nope.txt"), &plain, CV_ENOINPUT, "cannot open the test file: No such file");
	expect_read(at("nope/deeper.txt"), &plain, CV_ENOINPUT, "No such file");
	/* Absent and allowed: success, nothing recorded, nothing read. */
	assert_int_equal(Cv_file_read(&buf, &len, at("nope.txt"), &optional, NULL), CV_OK);
	assert_null(buf);
	assert_int_equal(len, 0);
	expect_read(at("nope.txt"), &optional, CV_OK, NULL);
	assert_int_equal(Cv_file_open(&fd, at("nope.txt"), &optional, NULL), CV_OK);
	assert_int_equal(fd, -1);
}

static void test_symlink_is_followed_unless_nofollow(void **state)
{
	char *buf;
	size_t len;

	(void)state;
	write_file("target.txt", "abc", 3);
	assert_int_equal(symlink("target.txt", at("link.txt")), 0);
	assert_int_equal(Cv_file_read(&buf, &len, at("link.txt"), &plain, NULL), CV_OK);
	assert_int_equal(len, 3);
	assert_string_equal(buf, "abc");
	free(buf);
	expect_read(at("link.txt"), &nofollow, CV_ENOINPUT, "is a symbolic link");
	/* The target itself is no link. */
	assert_int_equal(Cv_file_read(&buf, &len, at("target.txt"), &nofollow, NULL), CV_OK);
	free(buf);
}

static void test_dangling_link_is_an_error_even_when_absence_is_allowed(void **state)
{
	(void)state;
	assert_int_equal(symlink("gone.txt", at("dangling.txt")), 0);
	expect_read(at("dangling.txt"), &plain, CV_ENOINPUT, "symbolic link to a file that does not exist");
	expect_read(at("dangling.txt"), &optional, CV_ENOINPUT, "does not exist");
	expect_read(at("dangling.txt"), &nofollow, CV_ENOINPUT, "is a symbolic link");
}

static void test_link_loop_is_reported_with_errno_text(void **state)
{
	(void)state;
	assert_int_equal(symlink("loop2", at("loop1")), 0);
	assert_int_equal(symlink("loop1", at("loop2")), 0);
	expect_read(at("loop1"), &optional, CV_ENOINPUT, "Too many levels of symbolic links");
}

static void test_fifo_is_refused_at_once(void **state)
{
	int fd = 7;
	cv_errors *e;

	(void)state;
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	/* No writer: a blocking open or read would wait for ever (the alarm fails the test). */
	expect_read(at("fifo"), &plain, CV_ENOINPUT, "is a FIFO (named pipe); the test file must be a regular file");
	assert_int_equal(cv_errors_new(&e), CV_OK);
	assert_int_equal(Cv_file_open(&fd, at("fifo"), &plain, e), CV_ENOINPUT);
	assert_int_equal(fd, 7);
	assert_non_null(strstr(cv_errors_get(e, 0)->message, "FIFO"));
	cv_errors_free(e);
}

static void test_directory_is_refused_with_the_hint(void **state)
{
	static const Cv_file_kind hinted = {"the test file", "give the file in it", 1000, 0};

	(void)state;
	expect_read(dir, &plain, CV_ENOINPUT, "is a directory, not the test file");
	expect_read(dir, &hinted, CV_ENOINPUT, "is a directory; give the file in it");
}

static void test_dev_zero_is_refused_before_reading(void **state)
{
	static const Cv_file_kind huge = {"the test file", NULL, (size_t)1 << 31, 0};
	int fd = 7;

	(void)state;
	expect_read("/dev/zero", &huge, CV_ENOINPUT, "is a character device");
	assert_int_equal(Cv_file_open(&fd, "/dev/zero", &huge, NULL), CV_ENOINPUT);
	assert_int_equal(fd, 7);
}

static void test_exactly_the_limit_is_read_and_one_byte_over_is_refused(void **state)
{
	char text[1001];
	char *buf;
	size_t len;

	(void)state;
	memset(text, 'x', sizeof(text));
	write_file("limit.txt", text, 1000);
	write_file("over.txt", text, 1001);
	assert_int_equal(Cv_file_read(&buf, &len, at("limit.txt"), &plain, NULL), CV_OK);
	assert_int_equal(len, 1000);
	assert_int_equal(buf[1000], '\0');
	free(buf);
	expect_read(at("over.txt"), &plain, CV_EDATA, "the test file is larger than 1000 bytes");
}

/*
 * A file whose size says 0 but that has bytes (as /proc files do, or a file
 * that grows after the check) is read on to its end, and refused at the
 * first byte beyond the limit.
 */
static void test_file_longer_than_its_size_is_read_to_the_limit(void **state)
{
	Cv_file_kind k = {"the test file", NULL, 1 << 20, 0};
	char *buf, *again;
	size_t len, len2;
	struct stat st;

	(void)state;
	if (stat("/proc/version", &st) != 0 || st.st_size != 0) {
		print_message("skipped: no /proc/version of size 0 here\n");
		return;
	}
	assert_int_equal(Cv_file_read(&buf, &len, "/proc/version", &k, NULL), CV_OK);
	assert_true(len > 10);
	assert_int_equal(strlen(buf), len);
	k.max = len;
	assert_int_equal(Cv_file_read(&again, &len2, "/proc/version", &k, NULL), CV_OK);
	assert_int_equal(len2, len);
	assert_memory_equal(again, buf, len);
	free(again);
	k.max = len - 1;
	expect_read("/proc/version", &k, CV_EDATA, "larger than");
	k.max = 3;
	expect_read("/proc/version", &k, CV_EDATA, "larger than 3 bytes");
	free(buf);
}

/* 0 when reading `path` fails with CV_ENOINPUT and "Permission denied" at the path. */
static int read_is_denied(const char *path)
{
	cv_errors *e;
	char *buf;
	size_t len;
	int ok;

	if (cv_errors_new(&e))
		return 1;
	ok = Cv_file_read(&buf, &len, path, &optional, e) == CV_ENOINPUT &&
	     cv_errors_count(e) == 1 && !strcmp(cv_errors_get(e, 0)->file, path) &&
	     strstr(cv_errors_get(e, 0)->message, "cannot open the test file: Permission denied");
	cv_errors_free(e);
	return !ok;
}

/*
 * Root reads a file of mode 000, so as root the check runs in a child that
 * drops to the user "nobody" (uid and gid 65534); where it cannot, the
 * check is skipped and says so.
 */
static void test_unreadable_file_says_permission_denied(void **state)
{
	const char *path = at("secret.txt");
	int status;
	pid_t pid;

	(void)state;
	write_file("secret.txt", "s", 1);
	assert_int_equal(chmod(path, 0), 0);
	if (geteuid() != 0) {
		assert_int_equal(read_is_denied(path), 0);
		return;
	}
	assert_int_equal(chmod(dir, 0755), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(77);
		_exit(read_is_denied(path));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("skipped: running as root, and could not drop to uid 65534 "
			      "(root reads a file of mode 000)\n");
		return;
	}
	print_message("running as root: checked in a child running as uid 65534\n");
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_open_gives_a_blocking_descriptor_of_the_file(void **state)
{
	char got[4] = {0};
	int fd = -1;

	(void)state;
	write_file("b.txt", "xyz", 3);
	assert_int_equal(Cv_file_open(&fd, at("b.txt"), &nofollow, NULL), CV_OK);
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(read(fd, got, 3), 3);
	assert_string_equal(got, "xyz");
	close(fd);
	write_file("big.txt", "0123456789", 10);
	{
		static const Cv_file_kind small = {"the test file", NULL, 9, 0};
		cv_errors *e;
		assert_int_equal(cv_errors_new(&e), CV_OK);
		assert_int_equal(Cv_file_open(&fd, at("big.txt"), &small, e), CV_EDATA);
		assert_non_null(strstr(cv_errors_get(e, 0)->message, "larger than 9 bytes"));
		cv_errors_free(e);
	}
}

/* The library's readers go through it: a FIFO or a device never hangs or is read. */
static void test_course_roster_and_calendar_refuse_a_fifo_and_dev_zero(void **state)
{
	const char *paths[2];
	cv_errors *e;
	cv_course *c = NULL;
	cv_roster *r = NULL;
	cv_calin *cal = NULL;
	const cv_zone *utc;
	size_t i;

	(void)state;
	assert_int_equal(mkfifo(at("input"), 0600), 0);
	paths[0] = at("input");
	paths[1] = "/dev/zero";
	assert_int_equal(cv_zone_lookup(&utc, "UTC", NULL, 0), CV_OK);
	for (i = 0; i < 2; i++) {
		const char *kind = i ? "character device" : "FIFO";
		assert_int_equal(cv_errors_new(&e), CV_OK);
		assert_int_equal(cv_course_load(&c, paths[i], e), CV_ENOINPUT);
		assert_int_equal(cv_roster_load(&r, paths[i], e), CV_ENOINPUT);
		assert_int_equal(cv_calin_load(&cal, paths[i], utc, 0, 86400, e), CV_ENOINPUT);
		assert_null(c);
		assert_null(r);
		assert_null(cal);
		assert_int_equal(cv_errors_count(e), 3);
		assert_non_null(strstr(cv_errors_get(e, 0)->message, kind));
		assert_non_null(strstr(cv_errors_get(e, 0)->message, "the course file"));
		assert_non_null(strstr(cv_errors_get(e, 1)->message, "the roster"));
		assert_non_null(strstr(cv_errors_get(e, 2)->message, "the calendar"));
		cv_errors_free(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regular_file_is_read_whole_and_nul_terminated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_is_enoinput_or_absent_when_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_is_followed_unless_nofollow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dangling_link_is_an_error_even_when_absence_is_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_loop_is_reported_with_errno_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_is_refused_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_is_refused_with_the_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dev_zero_is_refused_before_reading, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exactly_the_limit_is_read_and_one_byte_over_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_longer_than_its_size_is_read_to_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_file_says_permission_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_gives_a_blocking_descriptor_of_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_course_roster_and_calendar_refuse_a_fifo_and_dev_zero, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
