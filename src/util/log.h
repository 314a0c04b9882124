/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One logging API for all of crest.  Lines go to stderr (or a file) as
 * "TIME LEVEL [SUBSYSTEM] message".  No caller may pass a key, PSK or
 * password to these functions at any level: hex dumps of packets are allowed
 * at LOG_TRACE only, and never of key material.
 */
#ifndef CREST_UTIL_LOG_H
#define CREST_UTIL_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
	LOG_TRACE = 4,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Sends log lines to the file instead of stderr; NULL restores stderr. */
void log_set_file(FILE *f);
/* Parses "error", "warn", "info", "debug" or "trace"; returns -1 if unknown. */
int log_level_parse(const char *name);
const char *log_level_name(enum log_level level);

void log_msg(enum log_level level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes one line whatever the global level, for per-connection levels. */
void log_write(enum log_level level, const char *subsys, const char *text);

/*
 * Allows at most `burst` lines per `interval_ms` for one call site and
 * reports how many were suppressed when the next window opens.
 */
struct log_ratelimit {
	uint64_t window_start;
	unsigned interval_ms;
	unsigned burst;
	unsigned printed;
	unsigned suppressed;
};

#define LOG_RATELIMIT_INIT(interval, n)                                      \
	{                                                                    \
		.interval_ms = (interval), .burst = (n)                      \
	}

bool log_ratelimit_allow(struct log_ratelimit *rl, const char *subsys);

#define log_error(sub, ...) log_msg(LOG_ERROR, sub, __VA_ARGS__)
#define log_warn(sub, ...) log_msg(LOG_WARN, sub, __VA_ARGS__)
#define log_info(sub, ...) log_msg(LOG_INFO, sub, __VA_ARGS__)
#define log_debug(sub, ...)                                                  \
	do {                                                                 \
		if (log_get_level() >= LOG_DEBUG)                            \
			log_msg(LOG_DEBUG, sub, __VA_ARGS__);                \
	} while (0)
#define log_trace(sub, ...)                                                  \
	do {                                                                 \
		if (log_get_level() >= LOG_TRACE)                            \
			log_msg(LOG_TRACE, sub, __VA_ARGS__);                \
	} while (0)

/* Logs at most 5 lines a second from one call site. */
#define log_limited(level, sub, ...)                                         \
	do {                                                                 \
		static struct log_ratelimit rl_ = LOG_RATELIMIT_INIT(1000, 5); \
		if (log_get_level() >= (level) &&                            \
		    log_ratelimit_allow(&rl_, sub))                          \
			log_msg(level, sub, __VA_ARGS__);                    \
	} while (0)

#endif
