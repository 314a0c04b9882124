/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A check shared by the configuration tests: the error for invalid input. */
#ifndef CREST_TEST_CONFIG_EXPECT_H
#define CREST_TEST_CONFIG_EXPECT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"

/*
 * Loads text as "t.conf" and expects an error at `line` whose message
 * contains needle.
 */
static inline void expect_error(const char *text, int line, const char *needle)
{
	struct cfg cfg;
	char err[1024] = "";
	char where[64];

	int rc = config_load_string(text, "t.conf", &cfg, err, sizeof(err));
	if (rc == 0) {
		config_free(&cfg);
		fail_msg("accepted, expected an error containing \"%s\"",
		         needle);
	}
	assert_int_equal(rc, -EINVAL);
	snprintf(where, sizeof(where), "t.conf:%d: ", line);
	if (strncmp(err, where, strlen(where)) != 0)
		fail_msg("expected \"%s\" at the start of: %s", where, err);
	if (!strstr(err, needle))
		fail_msg("expected \"%s\" in: %s", needle, err);
}

#endif
