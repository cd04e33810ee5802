/*
 * store.c - the answers database (convene/store.h): SQLite, WAL,
 * synchronous=FULL, one file of mode 0600 beside the course file.
 *
 * Each statement is prepared once per connection.  Reads step through a
 * statement and hand borrowed rows to a callback, so nothing is copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "convene/store.h"
#include "utf8_int.h"

/* The schema's version, kept in meta; a newer database is refused. */
#define SCHEMA_VERSION "1"

/* A writer waits this long for another connection's transaction. */
#define BUSY_MS 10000

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS answers("
	" id TEXT PRIMARY KEY, timezone TEXT NOT NULL, available TEXT NOT NULL,"
	" preferred TEXT NOT NULL, unavailable TEXT NOT NULL, locale TEXT NOT NULL,"
	" calendar BLOB, updated INTEGER NOT NULL, revision INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS enrolled("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	" email TEXT NOT NULL, enrolled INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS tokens("
	" token TEXT PRIMARY KEY, kind INTEGER NOT NULL, id TEXT NOT NULL,"
	" issued INTEGER NOT NULL, revoked INTEGER);"
	"CREATE INDEX IF NOT EXISTS tokens_live ON tokens(kind, id) WHERE revoked IS NULL;";

enum stmt {
	S_PUT, S_GET, S_ALL, S_COUNT, S_DELETE, S_ENROL, S_ENROLLED, S_TOKEN_GET, S_TOKEN_ADD,
	S_TOKEN_REVOKE, S_TOKENS, S_BEGIN, S_COMMIT, S_ROLLBACK, S_NSTMT
};

static const char *const sql[S_NSTMT] = {
	[S_PUT] = "INSERT INTO answers(id, timezone, available, preferred, unavailable, locale,"
		  " calendar, updated, revision) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)"
		  " ON CONFLICT(id) DO UPDATE SET timezone = ?2, available = ?3, preferred = ?4,"
		  " unavailable = ?5, locale = ?6, calendar = ?7, updated = ?8,"
		  " revision = revision + 1",
	[S_GET] = "SELECT id, timezone, available, preferred, unavailable, locale, calendar,"
		  " updated, revision FROM answers WHERE id = ?1",
	[S_ALL] = "SELECT id, timezone, available, preferred, unavailable, locale, calendar,"
		  " updated, revision FROM answers ORDER BY id",
	[S_COUNT] = "SELECT count(*) FROM answers",
	[S_DELETE] = "DELETE FROM answers WHERE id = ?1",
	[S_ENROL] = "INSERT INTO enrolled(id, name, email, enrolled) VALUES(?1, ?2, ?3, ?4)",
	[S_ENROLLED] = "SELECT id, name, email, enrolled FROM enrolled ORDER BY seq",
	[S_TOKEN_GET] = "SELECT token FROM tokens WHERE kind = ?1 AND id = ?2 AND revoked IS NULL",
	[S_TOKEN_ADD] = "INSERT INTO tokens(token, kind, id, issued) VALUES(?1, ?2, ?3, ?4)",
	[S_TOKEN_REVOKE] = "UPDATE tokens SET revoked = ?3 WHERE kind = ?1 AND id = ?2"
			   " AND revoked IS NULL",
	[S_TOKENS] = "SELECT token, kind, id FROM tokens WHERE revoked IS NULL ORDER BY kind, id",
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
};

struct cv_store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[S_NSTMT];
	int readonly;
};

const char *cv_store_path(const cv_store *s)
{
	return s->path;
}

/* Record SQLite's message for a failure at the database, and return code. */
static int db_error(cv_errors *errs, const cv_store *s, int code, const char *what)
{
	cv_where w = {s->path, 0, 0};
	return cv_errors_add(errs, code, &w, 0, "%s: %s", what,
			     s->db ? sqlite3_errmsg(s->db) : "cannot open the database");
}

/* The statement k, reset and with its bindings cleared. */
static sqlite3_stmt *stmt(cv_store *s, enum stmt k)
{
	sqlite3_stmt *st = s->st[k];
	if (!st && sqlite3_prepare_v3(s->db, sql[k], -1, SQLITE_PREPARE_PERSISTENT, &s->st[k],
				      NULL) != SQLITE_OK)
		return NULL;
	st = s->st[k];
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Run a statement without rows (BEGIN, COMMIT, ...): 0 or CV_EIO. */
static int run(cv_store *s, enum stmt k)
{
	sqlite3_stmt *st = stmt(s, k);
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	if (st)
		sqlite3_reset(st);
	return rc == SQLITE_DONE ? CV_OK : CV_EIO;
}

void cv_store_close(cv_store *s)
{
	int k;

	if (!s)
		return;
	for (k = 0; k < S_NSTMT; k++)
		sqlite3_finalize(s->st[k]);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

/* The meta value of `key` into buf ("" when absent).  0 or CV_EIO. */
static int meta_get(char *buf, size_t size, cv_store *s, const char *key)
{
	sqlite3_stmt *st;
	int rc;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL))
		return CV_EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CV_OK : CV_EIO;
}

static int meta_put(cv_store *s, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO meta(key, value) VALUES(?1, ?2)", -1,
			       &st, NULL))
		return CV_EIO;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CV_OK : CV_EIO;
}

/*
 * Make the file with mode 0600 before SQLite opens it (SQLite would make
 * it 0644 under the usual umask, and its -wal and -shm files copy the
 * database's mode).  An existing file is left as it is.
 */
static int precreate(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		return close(fd), CV_OK;
	return errno == EEXIST ? CV_OK : CV_ECANTCREAT;
}

/* Tables, the version and the course; WAL and FULL sync.  0, CV_EDATA or CV_EIO. */
static int setup(cv_store *s, const char *course_id, cv_errors *errs)
{
	cv_where w = {s->path, 0, 0};
	char have[128];

	sqlite3_busy_timeout(s->db, BUSY_MS);
	if (sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL))
		return db_error(errs, s, CV_EIO, "cannot read the database");
	if (!s->readonly &&
	    (sqlite3_exec(s->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", NULL,
			  NULL, NULL) ||
	     sqlite3_exec(s->db, schema, NULL, NULL, NULL) || meta_put(s, "schema", SCHEMA_VERSION) ||
	     meta_put(s, "course", course_id)))
		return db_error(errs, s, CV_EIO, "cannot set up the database");
	if (meta_get(have, sizeof(have), s, "schema"))
		return cv_errors_add(errs, CV_EDATA, &w, 0, "not a convene answers database");
	if (strcmp(have, SCHEMA_VERSION))
		return cv_errors_add(errs, CV_EDATA, &w, 0, "answers database version %s; this "
				     "convene reads version %s", have[0] ? have : "(none)",
				     SCHEMA_VERSION);
	if (meta_get(have, sizeof(have), s, "course"))
		return db_error(errs, s, CV_EIO, "cannot read the database");
	if (strcmp(have, course_id))
		return cv_errors_add(errs, CV_EDATA, &w, 0, "these are the answers of course \"%s\", "
				     "not \"%s\"", have, course_id);
	return CV_OK;
}

int cv_store_open(cv_store **out, const char *path, const char *course_id, unsigned flags,
		  cv_errors *errs)
{
	cv_store *s = calloc(1, sizeof(*s));
	cv_where w = {path, 0, 0};
	struct stat sb;
	int oflags, rc;

	if (!s || !(s->path = strdup(path))) {
		free(s);
		return CV_ENOMEM;
	}
	s->readonly = (flags & CV_STORE_READONLY) != 0;
	if (stat(path, &sb) != 0 && !(flags & CV_STORE_CREATE)) {
		cv_store_close(s);
		return cv_errors_add(errs, CV_ENOINPUT, &w, 0, "no answers database: %s",
				     strerror(errno));
	}
	if ((flags & CV_STORE_CREATE) && !s->readonly && precreate(path)) {
		cv_store_close(s);
		return cv_errors_add(errs, CV_ECANTCREAT, &w, 0, "cannot create the answers "
				     "database: %s", strerror(errno));
	}
	/* Read-only users still open read-write when they may: a WAL database
	 * needs its -shm file, which a reader may have to make. */
	oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, oflags, NULL) != SQLITE_OK && s->readonly) {
		sqlite3_close(s->db);
		s->db = NULL;
		oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
		sqlite3_open_v2(path, &s->db, oflags, NULL);
	}
	rc = s->db && sqlite3_errcode(s->db) == SQLITE_OK ? setup(s, course_id, errs)
			: db_error(errs, s, CV_ENOINPUT, "cannot open the answers database");
	if (rc) {
		cv_store_close(s);
		return rc;
	}
	*out = s;
	return CV_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

int cv_store_put_answers(cv_store *s, const cv_answer *const *answers, size_t n, int64_t now,
			 cv_errors *errs)
{
	size_t i;

	if (s->readonly)
		return CV_EUSAGE;
	if (run(s, S_BEGIN))
		return db_error(errs, s, CV_EIO, "cannot save the answers");
	for (i = 0; i < n; i++) {
		const cv_answer *a = answers[i];
		sqlite3_stmt *st = stmt(s, S_PUT);
		if (!st)
			break;
		bind_text(st, 1, a->id);
		bind_text(st, 2, a->timezone);
		bind_text(st, 3, a->available);
		bind_text(st, 4, a->preferred);
		bind_text(st, 5, a->unavailable);
		bind_text(st, 6, a->locale);
		if (a->calendar)
			sqlite3_bind_blob(st, 7, a->calendar, (int)a->calendar_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 8, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			break;
		sqlite3_reset(st);
	}
	if (i < n || run(s, S_COMMIT)) {
		db_error(errs, s, CV_EIO, "cannot save the answers");
		run(s, S_ROLLBACK);
		return CV_EIO;
	}
	return CV_OK;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

/* The row of an S_GET or S_ALL statement as an answer (borrowed from the statement). */
static void row_answer(cv_answer *a, sqlite3_stmt *st)
{
	memset(a, 0, sizeof(*a));
	a->id = col_text(st, 0);
	a->timezone = col_text(st, 1);
	a->available = col_text(st, 2);
	a->preferred = col_text(st, 3);
	a->unavailable = col_text(st, 4);
	a->locale = col_text(st, 5);
	if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
		a->calendar = sqlite3_column_blob(st, 6);
		a->calendar_len = (size_t)sqlite3_column_bytes(st, 6);
		if (!a->calendar)
			a->calendar = "";
	}
	a->updated = sqlite3_column_int64(st, 7);
	a->revision = (unsigned)sqlite3_column_int64(st, 8);
}

int cv_store_get_answer(cv_store *s, const char *id, cv_answer_fn fn, void *ctx)
{
	sqlite3_stmt *st = stmt(s, S_GET);
	cv_answer a;
	int rc;

	if (!st)
		return CV_EIO;
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return CV_ENOTFOUND;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return CV_EIO;
	}
	row_answer(&a, st);
	rc = fn(ctx, &a);
	sqlite3_reset(st);
	return rc;
}

int cv_store_foreach_answer(cv_store *s, cv_answer_fn fn, void *ctx)
{
	sqlite3_stmt *st = stmt(s, S_ALL);
	cv_answer a;
	int rc, r = 0;

	if (!st)
		return CV_EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_answer(&a, st);
		if ((r = fn(ctx, &a)))
			break;
	}
	sqlite3_reset(st);
	if (r)
		return r;
	return rc == SQLITE_DONE ? CV_OK : CV_EIO;
}

int cv_store_count_answers(size_t *out, cv_store *s)
{
	sqlite3_stmt *st = stmt(s, S_COUNT);
	int rc;

	if (!st || (rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (st)
			sqlite3_reset(st);
		return CV_EIO;
	}
	*out = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return CV_OK;
}

int cv_store_delete_answer(cv_store *s, const char *id)
{
	sqlite3_stmt *st = stmt(s, S_DELETE);
	int rc;

	if (!st || s->readonly)
		return CV_EIO;
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return CV_EIO;
	return sqlite3_changes(s->db) ? CV_OK : CV_ENOTFOUND;
}

/* n random bytes as 2n lowercase hex digits and a NUL.  0 or CV_EIO. */
static int random_hex(char *out, size_t n)
{
	unsigned char b[CV_TOKEN_BYTES];
	size_t i, got = 0;

	if (n > sizeof(b))
		return CV_EIO;
	while (got < n) {
		ssize_t r = getrandom(b + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return CV_EIO;
		got += (size_t)r;
	}
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return CV_OK;
}

/* Valid UTF-8 text without control characters, 1..CV_ENROL_TEXT_MAX bytes. */
static int plain_text(const char *s)
{
	size_t n = strlen(s);
	const char *what;

	return n && n <= CV_ENROL_TEXT_MAX && Cv_text_check(s, n, 0, &what) == n;
}

static int valid_id(const char *id)
{
	size_t n = strlen(id), i;

	if (!n || n > CV_STUDENT_ID_MAX || id[0] == '.' || strstr(id, ".."))
		return 0;
	for (i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_' || c == '@'))
			return 0;
	}
	return 1;
}

int cv_store_enrol(char *out, size_t size, cv_store *s, const char *id, const char *name,
		   const char *email, int64_t now, cv_errors *errs)
{
	cv_where wn = {"name", 0, 0}, we = {"email", 0, 0}, wi = {"id", 0, 0};
	char made[2 + 2 * 6 + 1];
	const char *at = strchr(email, '@');
	sqlite3_stmt *st;
	int rc, bad = 0;

	if (!plain_text(name))
		bad = cv_errors_add(errs, CV_EDATA, &wn, 0, "give your name (at most %d bytes of text)",
				    CV_ENROL_TEXT_MAX);
	if (!plain_text(email) || !at || at == email || !at[1] || strchr(at + 1, '@') ||
	    strpbrk(email, " \t,;<>\""))
		bad = cv_errors_add(errs, CV_EDATA, &we, 0, "\"%s\" is not an e-mail address like "
				    "name@example.edu", plain_text(email) ? email : "this");
	if (id && !valid_id(id))
		bad = cv_errors_add(errs, CV_EDATA, &wi, 0, "\"%s\" is not a student id (letters, "
				    "digits, '.', '-', '_', '@')", plain_text(id) ? id : "this");
	if (bad)
		return CV_EDATA;
	if (!id) {
		made[0] = 'w';
		if (random_hex(made + 1, 6))
			return db_error(errs, s, CV_EIO, "no random numbers");
		id = made;
	}
	if (!(st = stmt(s, S_ENROL)))
		return db_error(errs, s, CV_EIO, "cannot enrol");
	bind_text(st, 1, id);
	bind_text(st, 2, name);
	bind_text(st, 3, email);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return cv_errors_add(errs, CV_EDATA, &wi, 0, "student \"%s\" has enrolled already", id);
	if (rc != SQLITE_DONE)
		return db_error(errs, s, CV_EIO, "cannot enrol");
	snprintf(out, size, "%s", id);
	return CV_OK;
}

int cv_store_foreach_enrolled(cv_store *s, int (*fn)(void *ctx, const cv_enrolled *e),
			      void *ctx)
{
	sqlite3_stmt *st = stmt(s, S_ENROLLED);
	int rc, r = 0;

	if (!st)
		return CV_EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cv_enrolled e = {col_text(st, 0), col_text(st, 1), col_text(st, 2),
				 sqlite3_column_int64(st, 3)};
		if ((r = fn(ctx, &e)))
			break;
	}
	sqlite3_reset(st);
	if (r)
		return r;
	return rc == SQLITE_DONE ? CV_OK : CV_EIO;
}

/* The live token of (kind, id) into out: 0, CV_ENOTFOUND or CV_EIO. */
static int token_get(char out[CV_TOKEN_TEXT], cv_store *s, cv_token_kind kind, const char *id)
{
	sqlite3_stmt *st = stmt(s, S_TOKEN_GET);
	int rc;

	if (!st)
		return CV_EIO;
	sqlite3_bind_int(st, 1, (int)kind);
	bind_text(st, 2, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, CV_TOKEN_TEXT, "%s", col_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? CV_OK : rc == SQLITE_DONE ? CV_ENOTFOUND : CV_EIO;
}

static int token_add(char out[CV_TOKEN_TEXT], cv_store *s, cv_token_kind kind, const char *id)
{
	sqlite3_stmt *st;
	int rc;

	if (random_hex(out, CV_TOKEN_BYTES) || !(st = stmt(s, S_TOKEN_ADD)))
		return CV_EIO;
	bind_text(st, 1, out);
	sqlite3_bind_int(st, 2, (int)kind);
	bind_text(st, 3, id);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? CV_OK : CV_EIO;
}

int cv_store_token(char out[CV_TOKEN_TEXT], cv_store *s, cv_token_kind kind, const char *id)
{
	char t[CV_TOKEN_TEXT];
	int rc = token_get(t, s, kind, id);

	if (rc == CV_ENOTFOUND) {
		if (s->readonly || run(s, S_BEGIN))
			return CV_EIO;
		rc = token_get(t, s, kind, id);
		if (rc == CV_ENOTFOUND)
			rc = token_add(t, s, kind, id);
		if (rc || run(s, S_COMMIT)) {
			run(s, S_ROLLBACK);
			return CV_EIO;
		}
	}
	if (rc)
		return rc;
	memcpy(out, t, CV_TOKEN_TEXT);
	return CV_OK;
}

int cv_store_token_rotate(char out[CV_TOKEN_TEXT], cv_store *s, cv_token_kind kind,
			  const char *id)
{
	char t[CV_TOKEN_TEXT];
	sqlite3_stmt *st;
	int rc;

	if (s->readonly || run(s, S_BEGIN))
		return CV_EIO;
	rc = (st = stmt(s, S_TOKEN_REVOKE)) ? CV_OK : CV_EIO;
	if (!rc) {
		sqlite3_bind_int(st, 1, (int)kind);
		bind_text(st, 2, id);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
		rc = sqlite3_step(st) == SQLITE_DONE ? CV_OK : CV_EIO;
		sqlite3_reset(st);
	}
	if (!rc)
		rc = token_add(t, s, kind, id);
	if (rc || run(s, S_COMMIT)) {
		run(s, S_ROLLBACK);
		return CV_EIO;
	}
	memcpy(out, t, CV_TOKEN_TEXT);
	return CV_OK;
}

int cv_store_foreach_token(cv_store *s,
			   int (*fn)(void *ctx, const char *token, cv_token_kind kind,
				     const char *id),
			   void *ctx)
{
	sqlite3_stmt *st = stmt(s, S_TOKENS);
	int rc, r = 0;

	if (!st)
		return CV_EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = fn(ctx, col_text(st, 0), (cv_token_kind)sqlite3_column_int(st, 1),
			    col_text(st, 2))))
			break;
	}
	sqlite3_reset(st);
	if (r)
		return r;
	return rc == SQLITE_DONE ? CV_OK : CV_EIO;
}

int cv_store_version(uint64_t *out, cv_store *s)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &st, NULL))
		return CV_EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? CV_OK : CV_EIO;
}
