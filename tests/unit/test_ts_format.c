// SPDX-License-Identifier: LGPL-2.1-or-later
/* Traffic selectors as text, one and a list, as the logs show them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "wire/ts.h"

static void one_prefix_and_range(void **state)
{
	const uint8_t v4[4] = {198, 51, 100, 0};
	struct traffic_selector ts;
	char text[128];

	assert_int_equal(ts_from_prefix(AF_INET, v4, 24, &ts), 0);
	ts_format(&ts, text, sizeof(text));
	assert_string_equal(text, "198.51.100.0/24");
	ts.end[3] = 0x7e; /* 198.51.100.0 to .126 is no prefix */
	ts_format(&ts, text, sizeof(text));
	assert_string_equal(text, "198.51.100.0-198.51.100.126");
}

static void list_of_both_families(void **state)
{
	const uint8_t v4[4] = {203, 0, 113, 0};
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xb};
	struct traffic_selector ts[2];
	char text[128];

	assert_int_equal(ts_from_prefix(AF_INET, v4, 24, &ts[0]), 0);
	assert_int_equal(ts_from_prefix(AF_INET6, v6, 64, &ts[1]), 0);
	ts_format_list(ts, 2, text, sizeof(text));
	assert_string_equal(text, "203.0.113.0/24, 2001:db8:b::/64");
	ts_format_list(ts, 0, text, sizeof(text));
	assert_string_equal(text, "");
	/* A short buffer gets a cut, terminated list. */
	ts_format_list(ts, 2, text, 20);
	assert_int_equal(strlen(text), 19);
	assert_memory_equal(text, "203.0.113.0/24, 200", 19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(one_prefix_and_range),
	        cmocka_unit_test(list_of_both_families),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
