/*
 * publish_dir.c - writing a directory of files atomically (the set that
 * cv_publish_plan() fills; see publish.c).
 *
 * The new set is built in a staging directory beside the published one
 * (".<base>.new-<pid>", so on the same filesystem) and switched into place
 * with one renameat2(RENAME_EXCHANGE): a reader that opens the directory
 * sees the old set or the new set, never a mix.  The old set then sits at
 * the staging path and is removed.  A file whose content did not change is
 * hard-linked from the old set, so its inode and mtime survive (clients and
 * web servers that look at mtime or ETag see nothing new).  A crash at any
 * point leaves the old set published; the next run removes what is left.
 */
#define _GNU_SOURCE /* flock(), renameat2() and RENAME_EXCHANGE */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convene/publish.h"
#include "array_int.h"
#include "publish_int.h"

/* Longest single path component (NAME_MAX on Linux filesystems). */
#define NAME_BYTES_MAX 255
/* Longest `dir` accepted: leaves room for the suffixes we add to it. */
#define DIR_BYTES_MAX 3800
/* Deepest tree we walk; our own trees are at most CV_PUBLISH_PATH_MAX / 2 deep. */
#define DEPTH_MAX 300
/* Bytes compared per read when checking whether a file is unchanged. */
#define COMPARE_CHUNK 16384
/* Largest single write(); Linux writes at most about 2 GiB per call anyway. */
#define WRITE_CHUNK (1u << 30)

/* One path of the set: a file and what it does to the published one, or a directory. */
typedef struct staged {
	char *rel;
	unsigned char is_dir;
	unsigned char change; /* cv_publish_change of a file */
} staged;

struct cv_publish {
	char *dir;       /* as given, without trailing slashes */
	char *parent;    /* the directory that holds dir, its lock and staging */
	char *base;      /* dir's last component */
	char *lockpath;  /* dir + ".lock" */
	char *staging;   /* parent/.base.new-<pid>; NULL in a dry run */
	int lockfd;      /* holds the flock until cv_publish_free(); -1 when none */
	int dry;         /* cv_publish_open_dry(): compare only, write nothing */
	int committed;
	unsigned long tmp_seq;
	size_t added, changed, unchanged, removed;
	/*
	 * Every path of the set in the order added, with a hash index (slots
	 * hold index + 1; 0 is empty): a dry run has no staging directory to
	 * ask, and the listing of changes needs the names.
	 */
	staged *paths;
	size_t npaths, cap, *slots, nslots;
	char **gone;     /* after the commit: the files the switch removed, sorted */
	size_t ngone;
};

/* ---- the set's paths ---- */

static size_t hash_path(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* The entry of rel[0..len), or NULL. */
static const staged *set_find(const cv_publish *pub, const char *rel, size_t len)
{
	size_t i;

	if (!pub->nslots)
		return NULL;
	for (i = hash_path(rel, len) & (pub->nslots - 1); pub->slots[i];
	     i = (i + 1) & (pub->nslots - 1)) {
		const staged *e = &pub->paths[pub->slots[i] - 1];
		if (!strncmp(e->rel, rel, len) && !e->rel[len])
			return e;
	}
	return NULL;
}

static void set_index(cv_publish *pub, size_t k)
{
	size_t i = hash_path(pub->paths[k].rel, strlen(pub->paths[k].rel)) & (pub->nslots - 1);

	while (pub->slots[i])
		i = (i + 1) & (pub->nslots - 1);
	pub->slots[i] = k + 1;
}

/* Record rel[0..len), absent so far.  Returns 0 or CV_ENOMEM. */
static int set_put(cv_publish *pub, const char *rel, size_t len, int is_dir, int change)
{
	staged *e;

	if (pub->npaths == pub->cap) {
		staged *p = Cv_array_grow(pub->paths, &pub->cap, pub->npaths + 1, sizeof(*p));
		if (pub->npaths == pub->cap)
			return CV_ENOMEM;
		pub->paths = p;
	}
	/* at most half full, so probes stay short */
	if (2 * (pub->npaths + 1) > pub->nslots) {
		size_t n = pub->nslots ? pub->nslots * 2 : 128, k;
		size_t *slots = calloc(n, sizeof(*slots));
		if (!slots)
			return CV_ENOMEM;
		free(pub->slots);
		pub->slots = slots;
		pub->nslots = n;
		for (k = 0; k < pub->npaths; k++)
			set_index(pub, k);
	}
	e = &pub->paths[pub->npaths];
	e->rel = strndup(rel, len);
	if (!e->rel)
		return CV_ENOMEM;
	e->is_dir = (unsigned char)is_dir;
	e->change = (unsigned char)change;
	set_index(pub, pub->npaths++);
	return CV_OK;
}

/*
 * Whether `relpath` can join the set: not there yet, and none of its
 * leading components is a file of the set.  Returns 0 or CV_EDATA.
 */
static int set_check(const cv_publish *pub, const char *relpath, cv_errors *errs)
{
	cv_where w = {pub->dir, 0, 0};
	const staged *e = set_find(pub, relpath, strlen(relpath));
	const char *s;

	if (e)
		return cv_errors_add(errs, CV_EDATA, &w, 0, e->is_dir ?
				     "\"%s\" is a directory in this set and cannot also be a file" :
				     "\"%s\" was added twice", relpath);
	for (s = strchr(relpath, '/'); s; s = strchr(s + 1, '/')) {
		e = set_find(pub, relpath, (size_t)(s - relpath));
		if (e && !e->is_dir)
			return cv_errors_add(errs, CV_EDATA, &w, 0,
					     "\"%.*s\" is a file in this set and cannot also be a "
					     "directory", (int)(s - relpath), relpath);
	}
	return CV_OK;
}

/* Record the file `relpath` and the directories leading to it.  Returns 0 or CV_ENOMEM. */
static int set_add_file(cv_publish *pub, const char *relpath, cv_publish_change change)
{
	const char *s;
	int rc;

	for (s = strchr(relpath, '/'); s; s = strchr(s + 1, '/')) {
		size_t n = (size_t)(s - relpath);
		if (!set_find(pub, relpath, n) && (rc = set_put(pub, relpath, n, 1, 0)))
			return rc;
	}
	return set_put(pub, relpath, strlen(relpath), 0, (int)change);
}

/* 1 when `rel` is a file of the set. */
static int set_has_file(const cv_publish *pub, const char *rel)
{
	const staged *e = set_find(pub, rel, strlen(rel));
	return e && !e->is_dir;
}

/* ---- small helpers ---- */

/* The last component of a relative path. */
static const char *base_name(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return slash ? slash + 1 : rel;
}

static int fail_errno(cv_errors *errs, int code, const char *path, const char *what, int err)
{
	cv_where w = {path, 0, 0};
	return cv_errors_add(errs, code, &w, 0, "%s: %s", what, strerror(err));
}

/* a + "/" + b in a new string (no doubled slash), or NULL when out of memory. */
static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int slash = la > 0 && a[la - 1] != '/';
	char *s = malloc(la + slash + lb + 1);

	if (!s)
		return NULL;
	memcpy(s, a, la);
	if (slash)
		s[la] = '/';
	memcpy(s + la + slash, b, lb + 1);
	return s;
}

/* parent/.base.<kind>-<pid>: this run's staging ("new") or old ("old") set. */
static char *sibling(const cv_publish *pub, const char *kind)
{
	char suffix[48], *s;
	size_t n;

	snprintf(suffix, sizeof(suffix), ".%s-%ld", kind, (long)getpid());
	n = strlen(pub->parent) + strlen(pub->base) + strlen(suffix) + 3;
	s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s.%s%s", pub->parent,
			 pub->parent[strlen(pub->parent) - 1] == '/' ? "" : "/", pub->base, suffix);
	return s;
}

/*
 * Copy `s` into `buf` for an error message with control bytes and
 * backslashes escaped, so a name holding "\n" cannot forge a second line.
 */
static void quote(char *buf, size_t size, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s && o + 8 < size; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '\\' || c == '"') {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			buf[o++] = (char)c;
		}
	}
	if (*s) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

/*
 * Remove `name` (relative to `dirfd`) and everything under it, never
 * following symbolic links.  Returns 0 (also when it does not exist) or -1
 * with errno set.
 */
static int rm_tree(int dirfd, const char *name, int depth)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd, err = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	if (depth > DEPTH_MAX) {
		errno = ELOOP;
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	for (;;) {
		errno = 0;
		e = readdir(d);
		if (!e) {
			err = errno;
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (rm_tree(fd, e->d_name, depth + 1) < 0) {
			err = errno;
			break;
		}
	}
	closedir(d);
	if (err) {
		errno = err;
		return -1;
	}
	return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
}

/*
 * fsync the directory `fd` and every directory under it, so the names of
 * the staged files are on disk before the switch.  Consumes `fd`.
 * Returns 0 or -1 with errno set.
 */
static int fsync_tree(int fd, int depth)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	int err = 0;

	if (fsync(fd) < 0 || depth > DEPTH_MAX) {
		err = depth > DEPTH_MAX ? ELOOP : errno;
		close(fd);
		errno = err;
		return -1;
	}
	d = fdopendir(fd);
	if (!d) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	for (;;) {
		int sub;
		errno = 0;
		e = readdir(d);
		if (!e) {
			err = errno;
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = errno;
			break;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || fsync_tree(sub, depth + 1) < 0) {
			err = errno;
			break;
		}
	}
	closedir(d);
	errno = err;
	return err ? -1 : 0;
}

/* A growing list of paths. */
typedef Cv_array_t(char *) names;

static void names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Add to `out` every non-directory under the directory `fd` (whose path in
 * the set is `prefix`, NULL at the top) that is not a file of the set.
 * Consumes fd.  Returns 0, CV_ENOMEM, or CV_EIO with errno set.
 */
static int walk_gone(const cv_publish *pub, int fd, const char *prefix, int depth, names *out)
{
	struct dirent *e;
	struct stat st;
	DIR *d = depth > DEPTH_MAX ? NULL : fdopendir(fd);
	int rc = CV_OK, err = 0;

	if (!d) {
		err = depth > DEPTH_MAX ? ELOOP : errno;
		close(fd);
		errno = err;
		return CV_EIO;
	}
	for (;;) {
		char *rel;
		errno = 0;
		e = readdir(d);
		if (!e) {
			err = errno;
			rc = err ? CV_EIO : CV_OK;
			break;
		}
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue;
			err = errno;
			rc = CV_EIO;
			break;
		}
		rel = prefix ? path_join(prefix, e->d_name) : strdup(e->d_name);
		if (!rel) {
			rc = CV_ENOMEM;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(fd, e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			rc = sub < 0 ? CV_EIO : walk_gone(pub, sub, rel, depth + 1, out);
			err = errno;
			free(rel);
			if (rc)
				break;
			continue;
		}
		if (set_has_file(pub, rel)) {
			free(rel);
			continue;
		}
		if (Cv_array_push(*out, rel)) {
			free(rel);
			rc = CV_ENOMEM;
			break;
		}
	}
	closedir(d);
	errno = err;
	return rc;
}

/*
 * The published files under `dir` that the set lacks, sorted (none when
 * dir does not exist).  Returns 0 with *out (caller frees with names_free())
 * and *n set, CV_ENOMEM, or CV_EIO with errno set.
 */
static int collect_gone(const cv_publish *pub, char ***out, size_t *n)
{
	names l = CV_ARRAY_INIT;
	int fd, rc;

	*out = NULL;
	*n = 0;
	fd = open(pub->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? CV_OK : CV_EIO;
	rc = walk_gone(pub, fd, NULL, 0, &l);
	if (rc) {
		int err = errno;
		names_free(l.ptr, l.size);
		errno = err;
		return rc;
	}
	if (l.size)
		qsort(l.ptr, l.size, sizeof(*l.ptr), names_cmp);
	*out = l.ptr;
	*n = l.size;
	return CV_OK;
}

/* 1 if `name` is ".<base>.<kind>-<digits>", a staging or old set of a run. */
static int is_leftover(const char *name, const char *base, const char *kind)
{
	size_t lb = strlen(base), lk = strlen(kind);
	const char *p;

	if (name[0] != '.' || strncmp(name + 1, base, lb) || name[1 + lb] != '.' ||
	    strncmp(name + 2 + lb, kind, lk) || name[2 + lb + lk] != '-')
		return 0;
	p = name + 3 + lb + lk;
	if (!*p)
		return 0;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

/*
 * Remove the staging and old sets of crashed runs.  We hold the lock, so
 * no other run is active and every leftover is dead, whatever pid it names.
 * One case keeps data: a crash between the two renames of the fallback
 * switch (see switch_set()) leaves no `dir` but an old set; it is put back,
 * because a crash must leave the old set published.
 */
static void clean_leftovers(cv_publish *pub, cv_errors *errs)
{
	struct stat st;
	struct dirent *e;
	DIR *d = opendir(pub->parent);

	if (!d)
		return; /* creating the staging directory will report the problem */
	if (lstat(pub->dir, &st) < 0 && errno == ENOENT) {
		while ((e = readdir(d))) {
			if (!is_leftover(e->d_name, pub->base, "old"))
				continue;
			if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode) &&
			    renameat(dirfd(d), e->d_name, AT_FDCWD, pub->dir) == 0)
				break;
		}
		rewinddir(d);
	}
	while ((e = readdir(d))) {
		if (!is_leftover(e->d_name, pub->base, "new") &&
		    !is_leftover(e->d_name, pub->base, "old"))
			continue;
		if (rm_tree(dirfd(d), e->d_name, 0) < 0) {
			/* Not fatal: the new set can still be published beside it. */
			char *p = path_join(pub->parent, e->d_name);
			cv_where w = {p ? p : pub->parent, 0, 0};
			cv_errors_warn(errs, &w, 0, "cannot remove what a crashed run left: %s",
				       strerror(errno));
			free(p);
		}
	}
	closedir(d);
}

/* Explain why `dir` cannot be replaced when something other than a directory is there. */
static int not_a_directory(const cv_publish *pub, const struct stat *st, cv_errors *errs)
{
	cv_where w = {pub->dir, 0, 0};

	if (S_ISLNK(st->st_mode))
		return cv_errors_add(errs, CV_ECANTCREAT, &w, 0,
				     "is a symbolic link; convene replaces the output directory "
				     "itself, so give the directory it points to");
	return cv_errors_add(errs, CV_ECANTCREAT, &w, 0,
			     "exists and is not a directory; convene will not replace it");
}

/* ---- opening ---- */

void cv_publish_free(cv_publish *pub)
{
	size_t i;

	if (!pub)
		return;
	if (!pub->dry && !pub->committed && pub->staging && pub->lockfd >= 0)
		rm_tree(AT_FDCWD, pub->staging, 0);
	/*
	 * The lock file stays: unlinking it would let a third run lock a new
	 * file while a second still waits on the old inode, and both would run.
	 */
	if (pub->lockfd >= 0)
		close(pub->lockfd);
	free(pub->dir);
	free(pub->parent);
	free(pub->base);
	free(pub->lockpath);
	free(pub->staging);
	for (i = 0; i < pub->npaths; i++)
		free(pub->paths[i].rel);
	free(pub->paths);
	free(pub->slots);
	names_free(pub->gone, pub->ngone);
	free(pub);
}

/* Split `dir` into the fields of `pub`.  Returns 0, CV_ENOMEM or CV_ECANTCREAT. */
static int split_dir(cv_publish *pub, const char *dir, cv_errors *errs)
{
	size_t len = dir ? strlen(dir) : 0;
	const char *slash;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 0 || len > DIR_BYTES_MAX)
		return cv_errors_add(errs, CV_ECANTCREAT, NULL, 0,
				     "the output directory name is empty or longer than %d bytes",
				     DIR_BYTES_MAX);
	pub->dir = strndup(dir, len);
	if (!pub->dir)
		return CV_ENOMEM;
	slash = strrchr(pub->dir, '/');
	pub->base = strdup(slash ? slash + 1 : pub->dir);
	if (!slash)
		pub->parent = strdup(".");
	else if (slash == pub->dir)
		pub->parent = strdup("/");
	else
		pub->parent = strndup(pub->dir, (size_t)(slash - pub->dir));
	pub->lockpath = malloc(len + sizeof(".lock"));
	if (!pub->base || !pub->parent || !pub->lockpath)
		return CV_ENOMEM;
	memcpy(pub->lockpath, pub->dir, len);
	memcpy(pub->lockpath + len, ".lock", sizeof(".lock"));
	/* "/", "." and ".." name no directory that can be swapped for another. */
	if (!*pub->base || !strcmp(pub->base, ".") || !strcmp(pub->base, ".."))
		return cv_errors_add(errs, CV_ECANTCREAT, NULL, 0,
				     "\"%s\" cannot be the output directory: give it a name "
				     "of its own, such as \"%s/calendars\"", pub->dir, pub->dir);
	pub->staging = sibling(pub, "new");
	return pub->staging ? CV_OK : CV_ENOMEM;
}

/* open() of the lock file failed with `err`: say why, a link in the way plainly. */
static int lock_failed(const cv_publish *pub, int err, cv_errors *errs)
{
	struct stat st;
	cv_where w = {pub->lockpath, 0, 0};

	if (err == ELOOP && lstat(pub->lockpath, &st) == 0 && S_ISLNK(st.st_mode))
		return cv_errors_add(errs, CV_ECANTCREAT, &w, 0,
				     "is a symbolic link; the lock file is never opened through a "
				     "link (remove it)");
	return fail_errno(errs, CV_ECANTCREAT, pub->lockpath, "cannot open the lock file", err);
}

/* The lock file just opened must be a regular file.  Returns 0 or CV_ECANTCREAT. */
static int check_lock(cv_publish *pub, cv_errors *errs)
{
	struct stat st;
	cv_where w = {pub->lockpath, 0, 0};

	if (fstat(pub->lockfd, &st) < 0)
		return fail_errno(errs, CV_ECANTCREAT, pub->lockpath, "cannot open the lock file",
				  errno);
	if (!S_ISREG(st.st_mode))
		return cv_errors_add(errs, CV_ECANTCREAT, &w, 0,
				     "is not a regular file; convene locks only a file of its own "
				     "(remove it)");
	return CV_OK;
}

int cv_publish_open(cv_publish **out, const char *dir, cv_errors *errs)
{
	cv_publish *pub = calloc(1, sizeof(*pub));
	struct stat st;
	int rc;

	if (!pub)
		return CV_ENOMEM;
	pub->lockfd = -1;
	rc = split_dir(pub, dir, errs);
	if (rc)
		goto fail;
	/*
	 * Never through a link (a link planted at DIR.lock would make convene
	 * create or lock a file wherever it points), never waiting on a FIFO,
	 * and only a regular file.
	 */
	pub->lockfd = open(pub->lockpath,
			   O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (pub->lockfd < 0) {
		rc = lock_failed(pub, errno, errs);
		goto fail;
	}
	if ((rc = check_lock(pub, errs)))
		goto fail;
	/* flock locks belong to the open file description: a second open() conflicts too. */
	if (flock(pub->lockfd, LOCK_EX | LOCK_NB) < 0) {
		cv_where w = {pub->lockpath, 0, 0};
		if (errno == EWOULDBLOCK)
			rc = cv_errors_add(errs, CV_ELOCKED, &w, 0,
					   "another convene run holds this lock and is writing "
					   "%s; try again when it has finished", pub->dir);
		else
			rc = fail_errno(errs, CV_ECANTCREAT, pub->lockpath, "cannot lock", errno);
		goto fail;
	}
	if (lstat(pub->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		rc = not_a_directory(pub, &st, errs);
		goto fail;
	}
	clean_leftovers(pub, errs);
	if (mkdir(pub->staging, 0755) < 0) {
		rc = fail_errno(errs, CV_ECANTCREAT, pub->staging,
				"cannot create the staging directory", errno);
		goto fail;
	}
	*out = pub;
	return CV_OK;
fail:
	/* Nothing was staged: keep free() from removing a staging path we do not own. */
	free(pub->staging);
	pub->staging = NULL;
	cv_publish_free(pub);
	return rc;
}

int cv_publish_open_dry(cv_publish **out, const char *dir, cv_errors *errs)
{
	cv_publish *pub = calloc(1, sizeof(*pub));
	struct stat st;
	int rc;

	if (!pub)
		return CV_ENOMEM;
	pub->lockfd = -1;
	pub->dry = 1;
	rc = split_dir(pub, dir, errs);
	/* No staging directory: a dry run writes nothing. */
	free(pub->staging);
	pub->staging = NULL;
	if (rc)
		goto fail;
	/*
	 * Never create the lock file.  Without one no run has published here
	 * (or one is only starting: its switch is atomic, so at worst this
	 * report compares some files with the set before it and some after).
	 */
	pub->lockfd = open(pub->lockpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (pub->lockfd < 0 && errno != ENOENT) {
		rc = lock_failed(pub, errno, errs);
		goto fail;
	}
	if (pub->lockfd >= 0 && (rc = check_lock(pub, errs)))
		goto fail;
	/* Shared: dry runs do not exclude each other, a real run excludes them. */
	if (pub->lockfd >= 0 && flock(pub->lockfd, LOCK_SH | LOCK_NB) < 0) {
		cv_where w = {pub->lockpath, 0, 0};
		if (errno == EWOULDBLOCK)
			rc = cv_errors_add(errs, CV_ELOCKED, &w, 0,
					   "another convene run holds this lock and is writing "
					   "%s; try again when it has finished", pub->dir);
		else
			rc = fail_errno(errs, CV_ECANTCREAT, pub->lockpath, "cannot lock", errno);
		goto fail;
	}
	if (lstat(pub->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		rc = not_a_directory(pub, &st, errs);
		goto fail;
	}
	*out = pub;
	return CV_OK;
fail:
	cv_publish_free(pub);
	return rc;
}

/* ---- adding files ---- */

int cv_publish_safe_name(const char *name)
{
	size_t n;

	if (!name || !*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	/*
	 * A leading '-' is allowed: student ids may start with one, and these
	 * names never reach a shell or an argument vector.
	 */
	for (n = 0; name[n]; n++) {
		unsigned char c = (unsigned char)name[n];
		if (n == NAME_BYTES_MAX || c == '/' || c == '\\' || c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

/* Check every component of `relpath`.  Returns 0 or CV_EDATA. */
static int check_relpath(const cv_publish *pub, const char *relpath, cv_errors *errs)
{
	char comp[NAME_BYTES_MAX + 2], q1[200], q2[200];
	cv_where w = {pub->dir, 0, 0};
	const char *p = relpath, *end;
	size_t len;

	if (strlen(relpath) > CV_PUBLISH_PATH_MAX) {
		quote(q1, sizeof(q1), relpath);
		return cv_errors_add(errs, CV_EDATA, &w, 0,
				     "file path \"%s\" is longer than %d bytes", q1,
				     CV_PUBLISH_PATH_MAX);
	}
	for (;;) {
		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len > NAME_BYTES_MAX)
			len = NAME_BYTES_MAX + 1; /* enough to be refused */
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (!cv_publish_safe_name(comp)) {
			quote(q1, sizeof(q1), comp);
			quote(q2, sizeof(q2), relpath);
			return cv_errors_add(errs, CV_EDATA, &w, 0,
					     "unsafe file name \"%s\" in \"%s\": a name must not be "
					     "empty, \".\" or \"..\", hold '/', '\\' or control "
					     "characters, or be longer than %d bytes",
					     q1, q2, NAME_BYTES_MAX);
		}
		if (!end)
			return CV_OK;
		p = end + 1;
	}
}

/* Create the directories leading to `path` below the staging directory. */
static int make_parents(const cv_publish *pub, char *path, cv_errors *errs)
{
	size_t start = strlen(pub->staging) + 1;
	struct stat st;
	char *s;

	for (s = strchr(path + start, '/'); s; s = strchr(s + 1, '/')) {
		int rc = CV_OK;
		*s = '\0';
		if (mkdir(path, 0755) < 0) {
			if (errno != EEXIST)
				rc = fail_errno(errs, CV_ECANTCREAT, path, "cannot create directory",
						errno);
			else if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
				rc = cv_errors_add(errs, CV_EDATA, &(cv_where){pub->dir, 0, 0}, 0,
						   "\"%s\" is a file in this set and cannot also "
						   "be a directory", path + start);
		}
		*s = '/';
		if (rc)
			return rc;
	}
	return CV_OK;
}

enum old_state { OLD_NONE, OLD_DIFFERENT, OLD_SAME };

/*
 * Open the directory rel[0..len) under pub->dir, one component at a time and
 * never through a symbolic link.  Returns a descriptor, or -1 with errno set.
 */
static int open_published_dir(const cv_publish *pub, const char *rel, size_t len)
{
	int fd = open(pub->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	size_t at = 0;

	while (fd >= 0 && at < len) {
		char name[NAME_BYTES_MAX + 1];
		const char *slash = memchr(rel + at, '/', len - at);
		size_t n = (slash ? (size_t)(slash - rel) : len) - at;
		int sub;
		if (n == 0 || n > NAME_BYTES_MAX) {
			close(fd);
			errno = ENOENT;
			return -1;
		}
		memcpy(name, rel + at, n);
		name[n] = '\0';
		sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = sub;
		at += n + 1;
	}
	return fd;
}

/*
 * Open the published file `rel` for reading, never through a link and
 * without blocking (a FIFO planted there must not hang the run).  *dfd gets
 * its directory (caller closes), or -1.  Returns a descriptor, or -1 with
 * errno set.
 */
static int open_published(const cv_publish *pub, const char *rel, int *dfd)
{
	const char *slash = strrchr(rel, '/');
	int fd, err;

	*dfd = open_published_dir(pub, rel, slash ? (size_t)(slash - rel) : 0);
	if (*dfd < 0)
		return -1;
	fd = openat(*dfd, slash ? slash + 1 : rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		close(*dfd);
		*dfd = -1;
		errno = err;
	}
	return fd;
}

/* Compare the published file at `path` with the new content. */
static enum old_state compare_old(const cv_publish *pub, const char *rel,
				  const unsigned char *data, size_t len, int *dfd)
{
	unsigned char buf[COMPARE_CHUNK];
	enum old_state r = OLD_DIFFERENT;
	struct stat st;
	size_t off = 0;
	int fd = open_published(pub, rel, dfd);

	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? OLD_NONE : OLD_DIFFERENT;
	/* only a file of ours is taken as the old content (or hard-linked) */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (size_t)st.st_size != len)
		goto out;
	while (off < len) {
		size_t want = len - off < sizeof(buf) ? len - off : sizeof(buf);
		ssize_t n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || memcmp(buf, data + off, (size_t)n))
			goto out;
		off += (size_t)n;
	}
	r = OLD_SAME;
out:
	close(fd);
	return r;
}

/*
 * Write `data` to `path` through a temporary name in the staging directory.
 * Never open `path` itself: it could be a hard link to a published file.
 */
static int write_file(cv_publish *pub, const char *path, const unsigned char *data,
		      size_t len, cv_errors *errs)
{
	char name[40], *tmp = NULL;
	size_t off = 0;
	int fd = -1, rc = CV_OK;

	/* Staged names may look like ours; O_EXCL finds a free one. */
	for (;;) {
		snprintf(name, sizeof(name), ".cv-tmp-%lu", pub->tmp_seq++);
		free(tmp);
		tmp = path_join(pub->staging, name);
		if (!tmp)
			return CV_ENOMEM;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = fail_errno(errs, CV_ECANTCREAT, tmp, "cannot create", errno);
		free(tmp);
		return rc;
	}
	while (off < len) {
		size_t want = len - off < WRITE_CHUNK ? len - off : WRITE_CHUNK;
		ssize_t n = write(fd, data + off, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = fail_errno(errs, CV_EIO, path, "cannot write", n < 0 ? errno : ENOSPC);
			break;
		}
		off += (size_t)n;
	}
	if (!rc && fsync(fd) < 0)
		rc = fail_errno(errs, CV_EIO, path, "cannot write (fsync)", errno);
	if (close(fd) < 0 && !rc)
		rc = fail_errno(errs, CV_EIO, path, "cannot write (close)", errno);
	if (!rc && rename(tmp, path) < 0)
		rc = fail_errno(errs, CV_ECANTCREAT, path, "cannot create", errno);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* The published file's state from what the caller read of it (Cv_publish_read()). */
static enum old_state known_state(const Cv_published *known, const void *data, size_t len)
{
	if (known->state == CV_PUBLISHED_ABSENT)
		return OLD_NONE;
	if (known->state == CV_PUBLISHED_READ && known->len == len &&
	    !memcmp(known->text, data, len))
		return OLD_SAME;
	return OLD_DIFFERENT;
}

/*
 * Hard-link the unchanged published file `relpath` to `path` in the staging
 * set.  The file must still be the one read (`known`, or, without, the one
 * compared through *dfd): a file swapped in since is not taken.  Returns 1
 * when linked, 0 when the caller must write a copy.
 */
static int link_unchanged(const cv_publish *pub, const char *relpath, const char *path,
			  const Cv_published *known, int *dfd)
{
	struct stat st;

	if (*dfd < 0) {
		const char *slash = strrchr(relpath, '/');
		*dfd = open_published_dir(pub, relpath, slash ? (size_t)(slash - relpath) : 0);
	}
	if (*dfd < 0 || linkat(*dfd, base_name(relpath), AT_FDCWD, path, 0) < 0)
		return 0;
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (!known || (st.st_dev == known->dev && st.st_ino == known->ino)))
		return 1;
	unlink(path);
	return 0;
}

/* cv_publish_add(), knowing the published file's content when `known` is not NULL. */
static int add_file(cv_publish *pub, const char *relpath, const void *data, size_t len,
		    const Cv_published *known, cv_errors *errs)
{
	cv_where w = {pub->dir, 0, 0};
	char *path = NULL;
	enum old_state state;
	cv_publish_change change;
	struct stat st;
	int rc, dfd = -1;

	if (pub->committed)
		return cv_errors_add(errs, CV_ECANTCREAT, &w, 0,
				     "cannot add a file: the set was already switched into place");
	if (!relpath || (!data && len))
		return cv_errors_add(errs, CV_EDATA, &w, 0, "no file name or no data to write");
	rc = check_relpath(pub, relpath, errs);
	if (!rc)
		rc = set_check(pub, relpath, errs);
	if (rc)
		return rc;
	state = known ? known_state(known, data, len) : compare_old(pub, relpath, data, len, &dfd);
	if (pub->dry) {
		change = state == OLD_NONE ? CV_PUBLISH_ADDED : state == OLD_SAME ?
			 CV_PUBLISH_UNCHANGED : CV_PUBLISH_CHANGED;
		goto record;
	}
	path = path_join(pub->staging, relpath);
	if (!path) {
		rc = CV_ENOMEM;
		goto out;
	}
	rc = make_parents(pub, path, errs);
	if (rc)
		goto out;
	if (lstat(path, &st) == 0) {
		rc = cv_errors_add(errs, CV_EDATA, &w, 0, S_ISDIR(st.st_mode) ?
				   "\"%s\" is a directory in this set and cannot also be a file" :
				   "\"%s\" was added twice", relpath);
		goto out;
	}
	if (errno != ENOENT) {
		rc = fail_errno(errs, CV_ECANTCREAT, path, "cannot create", errno);
		goto out;
	}
	/*
	 * An unchanged file is not rewritten: the link keeps its inode and
	 * mtime.  If linking fails (a mount point inside the set, a filesystem
	 * without hard links) writing a copy is still correct.
	 */
	if (state == OLD_SAME && link_unchanged(pub, relpath, path, known, &dfd)) {
		change = CV_PUBLISH_UNCHANGED;
		goto record;
	}
	rc = write_file(pub, path, data, len, errs);
	if (rc)
		goto out;
	change = state == OLD_NONE ? CV_PUBLISH_ADDED : state == OLD_DIFFERENT ?
		 CV_PUBLISH_CHANGED : CV_PUBLISH_UNCHANGED;
record:
	rc = set_add_file(pub, relpath, change);
	if (rc)
		goto out;
	if (change == CV_PUBLISH_ADDED)
		pub->added++;
	else if (change == CV_PUBLISH_CHANGED)
		pub->changed++;
	else
		pub->unchanged++;
out:
	if (dfd >= 0)
		close(dfd);
	free(path);
	return rc;
}

int cv_publish_add(cv_publish *pub, const char *relpath, const void *data, size_t len,
		   cv_errors *errs)
{
	return add_file(pub, relpath, data, len, NULL, errs);
}

int Cv_publish_add_read(cv_publish *pub, const char *relpath, const void *data, size_t len,
			const Cv_published *prev, cv_errors *errs)
{
	return add_file(pub, relpath, data, len, prev, errs);
}

/* ---- switching ---- */

/*
 * Put the staged set at `dir`.  On success `*old_at` names where the old set
 * now is (NULL: there was none; caller frees).  Returns 0, CV_ENOMEM or
 * CV_ECANTCREAT.
 */
static int switch_set(cv_publish *pub, char **old_at, cv_errors *errs)
{
	struct stat st;
	char *old;

	*old_at = NULL;
	if (lstat(pub->dir, &st) < 0) {
		if (errno != ENOENT)
			return fail_errno(errs, CV_ECANTCREAT, pub->dir, "cannot examine", errno);
		if (rename(pub->staging, pub->dir) < 0)
			return fail_errno(errs, CV_ECANTCREAT, pub->dir, "cannot create", errno);
		return CV_OK;
	}
	if (!S_ISDIR(st.st_mode))
		return not_a_directory(pub, &st, errs);
	/* Keep the permissions someone gave the directory (say 0750 for a web server group). */
	if (chmod(pub->staging, st.st_mode & 07777) < 0)
		return fail_errno(errs, CV_ECANTCREAT, pub->staging, "cannot set permissions",
				  errno);
	if (renameat2(AT_FDCWD, pub->staging, AT_FDCWD, pub->dir, RENAME_EXCHANGE) == 0) {
		*old_at = strdup(pub->staging);
		return *old_at ? CV_OK : CV_ENOMEM;
	}
	if (errno != EINVAL && errno != ENOSYS)
		return fail_errno(errs, CV_ECANTCREAT, pub->dir, "cannot replace", errno);
	/*
	 * The filesystem cannot exchange two names (some network and FUSE
	 * filesystems, kernels before 3.15).  Two renames are the best left:
	 * between them `dir` is briefly missing, so a reader gets "not found",
	 * still never a mix.  A crash between them leaves the old set at
	 * ".<base>.old-<pid>", which the next run puts back (clean_leftovers()).
	 */
	old = sibling(pub, "old");
	if (!old)
		return CV_ENOMEM;
	if (rename(pub->dir, old) < 0) {
		int rc = fail_errno(errs, CV_ECANTCREAT, pub->dir, "cannot move aside", errno);
		free(old);
		return rc;
	}
	if (rename(pub->staging, pub->dir) < 0) {
		int rc = fail_errno(errs, CV_ECANTCREAT, pub->dir, "cannot replace", errno);
		rename(old, pub->dir);
		free(old);
		return rc;
	}
	*old_at = old;
	return CV_OK;
}

int cv_publish_commit(cv_publish *pub, cv_errors *errs)
{
	cv_where w = {pub->dir, 0, 0};
	char *old = NULL, **gone = NULL;
	size_t ngone = 0;
	int fd, rc;

	if (pub->dry)
		return cv_errors_add(errs, CV_EUSAGE, &w, 0,
				     "a dry run writes nothing and cannot be switched into place");
	if (pub->committed)
		return cv_errors_add(errs, CV_ECANTCREAT, &w, 0,
				     "the set was already switched into place");
	fd = open(pub->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync_tree(fd, 0) < 0)
		return fail_errno(errs, CV_EIO, pub->staging, "cannot write (fsync)", errno);
	/* What the switch removes, while the old set is still where it was. */
	rc = collect_gone(pub, &gone, &ngone);
	if (rc == CV_EIO)
		return fail_errno(errs, CV_EIO, pub->dir, "cannot read", errno);
	if (rc)
		return rc;
	rc = switch_set(pub, &old, errs);
	if (rc) {
		names_free(gone, ngone);
		return rc;
	}
	pub->committed = 1;
	pub->gone = gone;
	pub->ngone = ngone;
	pub->removed = ngone;
	/* Make the switch itself durable before the old set goes. */
	fd = open(pub->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = fail_errno(errs, CV_EIO, pub->parent, "cannot write (fsync)", errno);
	if (fd >= 0)
		close(fd);
	if (old && rm_tree(AT_FDCWD, old, 0) < 0) {
		/* The new set is in place; the next run removes this leftover. */
		cv_where ow = {old, 0, 0};
		cv_errors_warn(errs, &ow, 0, "cannot remove the previous set: %s",
			       strerror(errno));
	}
	free(old);
	return rc;
}

int cv_publish_changes(cv_publish_files *out, const cv_publish *pub)
{
	size_t gone = pub->removed;

	if (!pub->committed) {
		char **v;
		int rc = collect_gone(pub, &v, &gone);
		if (rc)
			return rc;
		names_free(v, gone);
	}
	Cv_publish_counts(out, pub);
	out->removed = gone;
	return CV_OK;
}

void Cv_publish_counts(cv_publish_files *out, const cv_publish *pub)
{
	out->added = pub->added;
	out->changed = pub->changed;
	out->unchanged = pub->unchanged;
	out->removed = 0;
}

int cv_publish_list_changes(const cv_publish *pub, cv_publish_visit fn, void *ctx)
{
	char **gone = pub->gone;
	size_t ngone = pub->ngone, i;
	int rc = CV_OK;

	if (!pub->committed && (rc = collect_gone(pub, &gone, &ngone)))
		return rc;
	for (i = 0; !rc && i < pub->npaths; i++)
		if (!pub->paths[i].is_dir)
			rc = fn(ctx, (cv_publish_change)pub->paths[i].change, pub->paths[i].rel);
	for (i = 0; !rc && i < ngone; i++)
		rc = fn(ctx, CV_PUBLISH_REMOVED, gone[i]);
	if (!pub->committed)
		names_free(gone, ngone);
	return rc;
}

/* ---- reading what is published ---- */

/* Read at most max bytes of fd, and fail if there are more.  0, CV_ENOMEM, or CV_EIO (errno). */
static int read_bounded(char **out, size_t *len, int fd, size_t size, size_t max)
{
	char *buf;
	size_t n = 0;

	if (size > max) {
		errno = EFBIG;
		return CV_EIO;
	}
	buf = malloc(size + 2);
	if (!buf)
		return CV_ENOMEM;
	for (;;) {
		/* one byte more than the file had: a file that grew past max is refused */
		ssize_t got = read(fd, buf + n, size + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return CV_EIO;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > size) {
			free(buf);
			errno = EFBIG;
			return CV_EIO;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return CV_OK;
}

int Cv_publish_read(Cv_published *out, const cv_publish *pub, const char *relpath, size_t max,
		    cv_errors *errs)
{
	cv_where w = {NULL, 0, 0};
	char shown[CV_ERROR_FILE_MAX];
	struct stat st;
	int dfd, fd = open_published(pub, relpath, &dfd), rc = CV_EIO;

	memset(out, 0, sizeof(*out));
	out->state = CV_PUBLISHED_UNREADABLE;
	snprintf(shown, sizeof(shown), "%s/%s", pub->dir, relpath);
	w.file = shown;
	if (dfd >= 0)
		close(dfd);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
		out->state = CV_PUBLISHED_ABSENT;
		return CV_ENOINPUT;
	}
	if (fd < 0)
		return errno == ELOOP ? cv_errors_add(errs, CV_EIO, &w, 0, "is a symbolic link; "
						      "convene reads only the files it wrote")
				      : fail_errno(errs, CV_EIO, shown, "cannot read it", errno);
	if (fstat(fd, &st) < 0)
		rc = fail_errno(errs, CV_EIO, shown, "cannot read it", errno);
	else if (!S_ISREG(st.st_mode))
		rc = cv_errors_add(errs, CV_EIO, &w, 0, "is not a regular file; convene reads only "
				   "the files it wrote");
	else if (st.st_uid != geteuid())
		rc = cv_errors_add(errs, CV_EIO, &w, 0, "belongs to another user; convene reads "
				   "only the files it wrote");
	else if ((rc = read_bounded(&out->text, &out->len, fd, (size_t)st.st_size, max)) == CV_EIO)
		rc = errno == EFBIG ? cv_errors_add(errs, CV_EIO, &w, 0, "is longer than %zu bytes", max)
				    : fail_errno(errs, CV_EIO, shown, "cannot read it", errno);
	close(fd);
	if (!rc) {
		out->state = CV_PUBLISHED_READ;
		out->dev = st.st_dev;
		out->ino = st.st_ino;
	}
	return rc;
}

void Cv_published_clear(Cv_published *p)
{
	free(p->text);
	memset(p, 0, sizeof(*p));
}

int Cv_publish_names(char ***out, size_t *n, const cv_publish *pub, const char *reldir)
{
	names l = CV_ARRAY_INIT;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd = open_published_dir(pub, reldir, strlen(reldir)), rc = CV_OK;

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return CV_OK; /* nothing published there */
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return CV_OK;
	}
	while (!rc && (e = readdir(d))) {
		char *copy;
		/* links and FIFOs too: whoever reads them next reports them */
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode))
			continue;
		copy = strdup(e->d_name);
		if (!copy || Cv_array_push(l, copy)) {
			free(copy);
			rc = CV_ENOMEM;
		}
	}
	closedir(d);
	if (rc) {
		names_free(l.ptr, l.size);
		return rc;
	}
	if (l.size)
		qsort(l.ptr, l.size, sizeof(*l.ptr), names_cmp);
	*out = l.ptr;
	*n = l.size;
	return CV_OK;
}

void Cv_publish_names_free(char **v, size_t n)
{
	names_free(v, n);
}

const char *Cv_publish_path(const cv_publish *pub)
{
	return pub->dir;
}
