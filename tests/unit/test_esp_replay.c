// SPDX-License-Identifier: LGPL-2.1-or-later
/* ESP anti-replay window: acceptance, duplicates, sliding and wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "esp/esp.h"

/* Checks seq and, if it passes, marks it as received, as esp_decap does. */
static bool receive(struct esp_replay *w, uint64_t seq)
{
	if (!esp_replay_check(w, seq))
		return false;
	esp_replay_update(w, seq);
	return true;
}

static void replay_rejects_zero(void **state)
{
	struct esp_replay w;

	memset(&w, 0, sizeof(w));
	assert_false(esp_replay_check(&w, 0));
	esp_replay_update(&w, 0);
	assert_int_equal(w.top, 0);
	assert_true(receive(&w, 1));
	assert_false(esp_replay_check(&w, 0));
}

static void replay_rejects_duplicate(void **state)
{
	struct esp_replay w;

	memset(&w, 0, sizeof(w));
	for (uint64_t seq = 1; seq <= 100; seq++)
		assert_true(receive(&w, seq));
	for (uint64_t seq = 1; seq <= 100; seq++)
		assert_false(esp_replay_check(&w, seq));
	assert_int_equal(w.top, 100);
}

static void replay_check_does_not_mark(void **state)
{
	struct esp_replay w;

	memset(&w, 0, sizeof(w));
	assert_true(esp_replay_check(&w, 5));
	assert_true(esp_replay_check(&w, 5));
	assert_int_equal(w.top, 0);
}

static void replay_accepts_out_of_order_once(void **state)
{
	struct esp_replay w;

	memset(&w, 0, sizeof(w));
	assert_true(receive(&w, 10));
	assert_true(receive(&w, 7));
	assert_true(receive(&w, 9));
	assert_false(receive(&w, 7));
	assert_false(receive(&w, 9));
	assert_true(receive(&w, 8));
	assert_false(receive(&w, 10));
	assert_int_equal(w.top, 10);
}

static void replay_window_edges(void **state)
{
	struct esp_replay w;
	uint64_t top = 5000;

	memset(&w, 0, sizeof(w));
	assert_true(receive(&w, top));
	/* The oldest number still inside the window. */
	assert_true(receive(&w, top - ESP_REPLAY_WINDOW + 1));
	assert_false(receive(&w, top - ESP_REPLAY_WINDOW + 1));
	/* One further left is too old, even though it was never seen. */
	assert_false(esp_replay_check(&w, top - ESP_REPLAY_WINDOW));
	assert_false(esp_replay_check(&w, 1));
}

static void replay_slide_clears_new_numbers(void **state)
{
	struct esp_replay w;

	memset(&w, 0, sizeof(w));
	/* Fill the whole window, then slide by less than its width. */
	for (uint64_t seq = 1; seq <= ESP_REPLAY_WINDOW; seq++)
		assert_true(receive(&w, seq));
	assert_true(receive(&w, ESP_REPLAY_WINDOW + 700));
	/* Numbers between the old and the new top are fresh again... */
	for (uint64_t seq = ESP_REPLAY_WINDOW + 1;
	     seq < ESP_REPLAY_WINDOW + 700; seq++)
		assert_true(esp_replay_check(&w, seq));
	/* ...numbers still inside the window stay marked... */
	for (uint64_t seq = 701; seq <= ESP_REPLAY_WINDOW; seq++)
		assert_false(esp_replay_check(&w, seq));
	/* ...and those that fell out of it are too old. */
	for (uint64_t seq = 1; seq <= 700; seq++)
		assert_false(esp_replay_check(&w, seq));
}

static void replay_large_jump_clears_window(void **state)
{
	struct esp_replay w;
	uint64_t jump = 3 * ESP_REPLAY_WINDOW + 17;

	memset(&w, 0, sizeof(w));
	for (uint64_t seq = 1; seq <= ESP_REPLAY_WINDOW; seq++)
		assert_true(receive(&w, seq));
	assert_true(receive(&w, jump));
	assert_int_equal(w.top, jump);
	/* Every number left of the new top inside the window is fresh. */
	for (uint64_t seq = jump - ESP_REPLAY_WINDOW + 1; seq < jump; seq++)
		assert_true(esp_replay_check(&w, seq));
	assert_false(esp_replay_check(&w, jump));
	assert_false(esp_replay_check(&w, ESP_REPLAY_WINDOW));
}

static void replay_jump_of_exactly_window(void **state)
{
	struct esp_replay w;

	memset(&w, 0, sizeof(w));
	assert_true(receive(&w, 100));
	assert_true(receive(&w, 100 + ESP_REPLAY_WINDOW));
	/* 100 left the window, and its bit position is now 100 + window's. */
	assert_false(esp_replay_check(&w, 100));
	assert_true(esp_replay_check(&w, 101));
	assert_false(esp_replay_check(&w, 100 + ESP_REPLAY_WINDOW));
}

static void replay_crosses_word_boundaries(void **state)
{
	struct esp_replay w;

	memset(&w, 0, sizeof(w));
	/* Steps of 63 and 65 move the ring position across 64-bit words. */
	uint64_t seq = 1;
	uint64_t prev = 0;
	for (int i = 0; i < 200; i++) {
		assert_true(receive(&w, seq));
		assert_false(esp_replay_check(&w, seq));
		if (prev != 0)
			assert_false(esp_replay_check(&w, prev));
		assert_true(esp_replay_check(&w, seq + 1));
		prev = seq;
		seq += (i % 2) ? 63 : 65;
	}
}

static void replay_high_sequence_numbers(void **state)
{
	struct esp_replay w;

	memset(&w, 0, sizeof(w));
	assert_true(receive(&w, UINT32_MAX));
	assert_false(receive(&w, UINT32_MAX));
	assert_true(receive(&w, UINT32_MAX - 1));
	assert_false(esp_replay_check(&w, UINT32_MAX - ESP_REPLAY_WINDOW));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(replay_rejects_zero),
	        cmocka_unit_test(replay_rejects_duplicate),
	        cmocka_unit_test(replay_check_does_not_mark),
	        cmocka_unit_test(replay_accepts_out_of_order_once),
	        cmocka_unit_test(replay_window_edges),
	        cmocka_unit_test(replay_slide_clears_new_numbers),
	        cmocka_unit_test(replay_large_jump_clears_window),
	        cmocka_unit_test(replay_jump_of_exactly_window),
	        cmocka_unit_test(replay_crosses_word_boundaries),
	        cmocka_unit_test(replay_high_sequence_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
