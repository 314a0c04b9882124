// SPDX-License-Identifier: LGPL-2.1-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/buf.h"

static void reader_fails_on_short_input(void **state)
{
	const uint8_t data[] = { 0x01, 0x02, 0x03 };
	struct reader r;
	uint16_t v16;
	uint32_t v32;

	reader_init(&r, data, sizeof(data));
	assert_true(read_u16(&r, &v16));
	assert_int_equal(v16, 0x0102);
	assert_false(read_u32(&r, &v32));
	assert_true(r.failed);
	/* A failed read does not move the cursor. */
	assert_int_equal(reader_left(&r), 1);
}

static void reader_sub_is_bounded(void **state)
{
	const uint8_t data[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	struct reader r, sub;
	uint8_t v;

	reader_init(&r, data, sizeof(data));
	assert_true(read_sub(&r, &sub, 2));
	assert_true(read_u8(&sub, &v));
	assert_true(read_u8(&sub, &v));
	assert_int_equal(v, 0xbb);
	assert_false(read_u8(&sub, &v));
	assert_true(read_u8(&r, &v));
	assert_int_equal(v, 0xcc);
	assert_false(read_sub(&r, &sub, 2));
}

static void writer_stops_at_capacity(void **state)
{
	uint8_t out[6];
	struct writer w;

	writer_init(&w, out, sizeof(out));
	assert_true(write_u32(&w, 0x01020304));
	assert_false(write_u32(&w, 0x05060708));
	assert_true(w.failed);
	assert_int_equal(w.off, 4);
	assert_int_equal(out[0], 0x01);
	assert_int_equal(out[3], 0x04);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader_fails_on_short_input),
		cmocka_unit_test(reader_sub_is_bounded),
		cmocka_unit_test(writer_stops_at_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
