/* file.c - opening and reading input files safely (see file_int.h). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_int.h"

/* A file that exists but is not a regular file: what it is, for the message. */
static const char *type_name(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "of an unknown type";
}

static int fail(cv_errors *errs, const char *path, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(cv_errors *errs, const char *path, int code, const char *fmt, ...)
{
	cv_where w = {path, 0, 0};
	va_list ap;

	va_start(ap, fmt);
	cv_errors_addv(errs, code, &w, 0, fmt, ap);
	va_end(ap);
	return code;
}

static int too_large(const char *path, const Cv_file_kind *k, cv_errors *errs)
{
	return fail(errs, path, CV_EDATA, "%s is larger than %zu bytes", k->what, k->max);
}

/*
 * open() failed with errno e.  Returns 1 when the file simply does not
 * exist and the caller accepts that, else records why and returns the code.
 * lstat() tells a dangling or refused link from a missing name.
 */
static int open_failed(const char *path, const Cv_file_kind *k, int e, cv_errors *errs)
{
	struct stat st;
	int link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);

	if ((e == ENOENT || e == ENOTDIR) && !link) {
		if (k->flags & CV_FILE_ABSENT_OK)
			return 1;
		return fail(errs, path, CV_ENOINPUT, "cannot open %s: %s", k->what, strerror(e));
	}
	if (link && (e == ENOENT || e == ENOTDIR))
		return fail(errs, path, CV_ENOINPUT,
			    "cannot open %s: it is a symbolic link to a file that does not exist",
			    k->what);
	if (link && (k->flags & CV_FILE_NOFOLLOW))
		return fail(errs, path, CV_ENOINPUT, "is a symbolic link; %s is not read through a link",
			    k->what);
	return fail(errs, path, CV_ENOINPUT, "cannot open %s: %s", k->what, strerror(e));
}

/* Refuse what is not a regular file of at most k->max bytes. */
static int check_type(const char *path, const Cv_file_kind *k, const struct stat *st,
		      cv_errors *errs)
{
	if (S_ISDIR(st->st_mode)) {
		if (k->dir_hint)
			return fail(errs, path, CV_ENOINPUT, "is a directory; %s", k->dir_hint);
		return fail(errs, path, CV_ENOINPUT, "is a directory, not %s", k->what);
	}
	if (!S_ISREG(st->st_mode))
		return fail(errs, path, CV_ENOINPUT, "is %s; %s must be a regular file",
			    type_name(st->st_mode), k->what);
	if ((uintmax_t)st->st_size > (uintmax_t)k->max)
		return too_large(path, k, errs);
	return 0;
}

/*
 * Open and check; *size is the file's size at the check.  Returns 0 with
 * *fd >= 0, 0 with *fd = -1 (absent, accepted), or a code (recorded).
 */
static int open_checked(int *fd, size_t *size, const char *path, const Cv_file_kind *k,
			cv_errors *errs)
{
	int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	int f, rc;

	if (k->flags & CV_FILE_NOFOLLOW)
		flags |= O_NOFOLLOW;
	f = open(path, flags);
	if (f < 0) {
		rc = open_failed(path, k, errno, errs);
		if (rc == 1)
			*fd = -1;
		return rc == 1 ? 0 : rc;
	}
	if (fstat(f, &st) < 0) {
		int e = errno;
		close(f);
		return fail(errs, path, CV_ENOINPUT, "cannot read %s: %s", k->what, strerror(e));
	}
	if ((rc = check_type(path, k, &st, errs))) {
		close(f);
		return rc;
	}
	/* A regular file: reads block as usual again. */
	fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);
	*fd = f;
	*size = (size_t)st.st_size;
	return 0;
}

int Cv_file_open(int *out, const char *path, const Cv_file_kind *kind, cv_errors *errs)
{
	size_t size;
	return open_checked(out, &size, path, kind, errs);
}

/* read() without EINTR. */
static ssize_t read_some(int fd, void *buf, size_t n)
{
	ssize_t r;
	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/*
 * Make room for `need` bytes and the NUL: twice the old room, at most the
 * limit (not Cv_array_grow(), whose doubling has no ceiling: a buffer
 * never outgrows the file's limit).  Returns 0 or CV_ENOMEM (the buffer
 * unchanged).
 */
static int make_room(char **buf, size_t *cap, size_t need, size_t max)
{
	size_t n = *cap <= max / 2 ? 2 * *cap : max;
	char *p;

	if (n < need)
		n = need;
	p = realloc(*buf, n + 1);
	if (!p)
		return CV_ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

/*
 * Read fd to its end into a buffer sized for `hint` bytes (its size when it
 * was checked).  A file that grew since is read on through a small probe,
 * never more than one byte beyond the limit.
 */
static int read_fd(char **out, size_t *len, int fd, size_t hint, const char *path,
		   const Cv_file_kind *k, cv_errors *errs)
{
	char probe[4096];
	size_t cap = hint, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;

	if (!buf)
		return CV_ENOMEM;
	for (;;) {
		if (n < cap) {
			if ((r = read_some(fd, buf + n, cap - n)) > 0)
				n += (size_t)r;
		} else {
			size_t want = k->max - n < sizeof(probe) ? k->max - n + 1 : sizeof(probe);
			r = read_some(fd, probe, want);
			if (r > 0 && (size_t)r > k->max - n) {
				free(buf);
				return too_large(path, k, errs);
			}
			if (r > 0 && make_room(&buf, &cap, n + (size_t)r, k->max)) {
				free(buf);
				return CV_ENOMEM;
			}
			if (r > 0) {
				memcpy(buf + n, probe, (size_t)r);
				n += (size_t)r;
			}
		}
		if (r <= 0)
			break;
	}
	if (r < 0) {
		int e = errno;
		free(buf);
		return fail(errs, path, CV_ENOINPUT, "cannot read %s: %s", k->what, strerror(e));
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int Cv_file_read(char **out, size_t *len, const char *path, const Cv_file_kind *kind,
		 cv_errors *errs)
{
	size_t size = 0;
	int fd = -1, rc;

	if ((rc = open_checked(&fd, &size, path, kind, errs)))
		return rc;
	if (fd < 0) {
		*out = NULL;
		*len = 0;
		return 0;
	}
	rc = read_fd(out, len, fd, size, path, kind, errs);
	close(fd);
	return rc;
}
