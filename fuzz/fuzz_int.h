/*
 * fuzz_int.h - what the libFuzzer harnesses share (see fuzz/README.md).
 *
 * A harness is fuzz/fuzz_NAME.c defining LLVMFuzzerTestOneInput(); the
 * Makefile builds every such file with clang, libFuzzer, ASan and UBSan
 * into BUILD/fuzz/fuzz_NAME, seeded from fuzz/corpus/NAME with the tokens
 * of fuzz/dict/NAME.dict.
 */
#ifndef CONVENE_FUZZ_INT_H
#define CONVENE_FUZZ_INT_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A fuzz target must not fail quietly: a broken invariant aborts (a crash for libFuzzer). */
#define FUZZ_ASSERT(c)                                                                   \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "%s:%d: broken: %s\n", __FILE__, __LINE__, #c);  \
			abort();                                                         \
		}                                                                        \
	} while (0)

/*
 * The readers that take a path (course file, roster) read the input from a
 * file: one per process, in $TMPDIR (or /tmp), rewritten for each input and
 * removed at exit.  Returns its path, or NULL when it cannot be written.
 */
static char fuzz_path[4096];

static inline void fuzz_remove(void)
{
	if (fuzz_path[0])
		unlink(fuzz_path);
}

static inline const char *fuzz_file(const char *suffix, const uint8_t *data, size_t size)
{
	int fd;
	size_t done = 0;

	if (!fuzz_path[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(fuzz_path, sizeof(fuzz_path), "%s/convene-fuzz-%ld%s",
			 dir && *dir ? dir : "/tmp", (long)getpid(), suffix);
		atexit(fuzz_remove);
	}
	fd = open(fuzz_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	while (done < size) {
		ssize_t w = write(fd, data + done, size - done);
		if (w <= 0) {
			close(fd);
			return NULL;
		}
		done += (size_t)w;
	}
	close(fd);
	return fuzz_path;
}

/* A NUL-terminated copy of the input (caller frees), or NULL. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
