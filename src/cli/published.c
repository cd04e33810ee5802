/*
 * published.c - reading what the previous run published: its calendars are
 * what regeneration and --itip compare the new ones with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_read_published(char **out, size_t *len, const char *dir, const char *rel, size_t max)
{
	char path[4096 + CV_PUBLISH_PATH_MAX];
	FILE *f;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT || errno == ENOTDIR ? CV_ENOINPUT : CV_EIO;
	for (;;) {
		size_t got;
		if (n + 4096 + 1 > cap) {
			char *p;
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 4096 + 1) {
				free(buf);
				fclose(f);
				return CV_EIO;
			}
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return CV_ENOMEM;
			}
			buf = p;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	err = ferror(f);
	fclose(f);
	if (err || n > max) {
		free(buf);
		return CV_EIO;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return CV_OK;
}
