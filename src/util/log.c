// SPDX-License-Identifier: LGPL-2.1-or-later
#include "util/log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "util/logring.h"
#include "util/timeutil.h"

static enum log_level current_level = LOG_INFO;
static FILE *log_file;

static const char *const level_names[] = {
	[LOG_ERROR] = "error", [LOG_WARN] = "warn", [LOG_INFO] = "info",
	[LOG_DEBUG] = "debug", [LOG_TRACE] = "trace",
};

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

void log_set_file(FILE *f)
{
	log_file = f;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++) {
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

const char *log_level_name(enum log_level level)
{
	if ((unsigned)level > LOG_TRACE)
		return "?";
	return level_names[level];
}

void log_msg(enum log_level level, const char *subsys, const char *fmt, ...)
{
	if (level > current_level)
		return;

	char text[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_write(level, subsys, text);
}

void log_write(enum log_level level, const char *subsys, const char *text)
{
	char line[1024];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof(line),
			 "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s [%s] ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec,
			 ts.tv_nsec / 1000000, log_level_name(level),
			 subsys ? subsys : "-");
	if (n < 0)
		return;

	snprintf(line + n, sizeof(line) - (size_t)n, "%s", text);
	logring_add(line);

	FILE *out = log_file ? log_file : stderr;
	fprintf(out, "%s\n", line);
	fflush(out);
}

bool log_ratelimit_allow(struct log_ratelimit *rl, const char *subsys)
{
	uint64_t now = now_ms();
	if (now - rl->window_start >= rl->interval_ms) {
		if (rl->suppressed)
			log_msg(LOG_WARN, subsys,
				"%u similar lines suppressed", rl->suppressed);
		rl->window_start = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed < rl->burst) {
		rl->printed++;
		return true;
	}
	rl->suppressed++;
	return false;
}
