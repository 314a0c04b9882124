// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config/source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int source_read(int fd, const char *path, char **text, size_t *len, char *err,
                size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_size > (off_t)SOURCE_TEXT_MAX) {
		snprintf(err, errlen, "%s: file is larger than %u bytes", path,
		         SOURCE_TEXT_MAX);
		return -EFBIG;
	}

	size_t size = (size_t)st.st_size;
	char *buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			snprintf(err, errlen, "%s: read failed: %s", path,
			         strerror(e));
			free(buf);
			return -e;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
}

/* Finds a line whose first non-blank characters are "@include"; returns its
 * number or 0. */
static int find_include(const char *text)
{
	int line = 1;
	const char *p = text;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "@include", 8) == 0)
			return line;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
		line++;
	}
	return 0;
}

int source_parse(config_t *lc, const char *text, const char *name, char *err,
                 size_t errlen)
{
	int line = find_include(text);
	if (line > 0) {
		snprintf(err, errlen,
		         "%s:%d: @include is not supported; copy the included "
		         "settings into this file",
		         name, line);
		return -EINVAL;
	}
	if (config_read_string(lc, text) == CONFIG_TRUE)
		return 0;

	const char *reason = config_error_text(lc);
	snprintf(err, errlen,
	         "%s:%d: %s; check this line and the end of the one before "
	         "it for a missing ';', quote or bracket",
	         name, config_error_line(lc), reason ? reason : "syntax error");
	return -EINVAL;
}
