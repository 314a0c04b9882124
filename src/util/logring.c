// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/logring.h"

#include <string.h>

/* Static storage, so that logging never allocates; pages are touched only
 * as lines arrive. */
static char lines[LOGRING_LINES][LOGRING_LINE_MAX];
static size_t next_slot; /* where the next line goes */
static size_t stored;

void logring_add(const char *line)
{
	size_t len = strnlen(line, LOGRING_LINE_MAX - 1);
	memcpy(lines[next_slot], line, len);
	lines[next_slot][len] = '\0';
	next_slot = (next_slot + 1) % LOGRING_LINES;
	if (stored < LOGRING_LINES)
		stored++;
}

size_t logring_count(void)
{
	return stored;
}

const char *logring_line(size_t i)
{
	if (i >= stored)
		return NULL;
	size_t oldest = (next_slot + LOGRING_LINES - stored) % LOGRING_LINES;
	return lines[(oldest + i) % LOGRING_LINES];
}

void logring_clear(void)
{
	next_slot = 0;
	stored = 0;
}
