// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Anti-replay window (RFC 4303 3.4.3).  The bitmap is a ring: sequence
 * number s lives at bit s % ESP_REPLAY_WINDOW, so sliding the window never
 * shifts the bitmap.  It only clears the bits of the numbers that enter it.
 * The window covers top - ESP_REPLAY_WINDOW + 1 .. top.
 */
#include "esp/esp.h"

#include <string.h>

_Static_assert(ESP_REPLAY_WINDOW % 64 == 0,
               "ESP_REPLAY_WINDOW must be a multiple of 64");

static bool bit_is_set(const struct esp_replay *w, uint64_t seq)
{
	uint64_t idx = seq % ESP_REPLAY_WINDOW;
	return (w->bitmap[idx / 64] >> (idx % 64)) & 1;
}

static void set_bit(struct esp_replay *w, uint64_t seq)
{
	uint64_t idx = seq % ESP_REPLAY_WINDOW;
	w->bitmap[idx / 64] |= UINT64_C(1) << (idx % 64);
}

/* Clears the bits of count (below the window size) numbers from first. */
static void clear_bits(struct esp_replay *w, uint64_t first, uint64_t count)
{
	while (count > 0) {
		uint64_t idx = first % ESP_REPLAY_WINDOW;
		unsigned bit = (unsigned)(idx % 64);
		uint64_t n = 64 - bit;
		if (n > count)
			n = count;
		uint64_t mask =
		        n == 64 ? UINT64_MAX : ((UINT64_C(1) << n) - 1) << bit;
		w->bitmap[idx / 64] &= ~mask;
		first += n;
		count -= n;
	}
}

bool esp_replay_check(const struct esp_replay *w, uint64_t seq)
{
	if (seq == 0)
		return false;
	if (seq > w->top)
		return true;
	if (w->top - seq >= ESP_REPLAY_WINDOW)
		return false;
	return !bit_is_set(w, seq);
}

void esp_replay_update(struct esp_replay *w, uint64_t seq)
{
	if (seq == 0)
		return;
	if (seq > w->top) {
		uint64_t advance = seq - w->top;
		if (advance >= ESP_REPLAY_WINDOW)
			memset(w->bitmap, 0, sizeof(w->bitmap));
		else
			clear_bits(w, w->top + 1, advance);
		w->top = seq;
	} else if (w->top - seq >= ESP_REPLAY_WINDOW) {
		return;
	}
	set_bit(w, seq);
}

/*
 * RFC 4303 A2.2 splits this into two cases by whether the window spans two
 * 2^32 subspaces.  Both amount to taking the first number at or above the
 * bottom edge B = top - ESP_REPLAY_WINDOW + 1 whose low 32 bits are seq_lo,
 * which is B plus (seq_lo - B) mod 2^32.  Before the window has filled, B is
 * 0, so the high half is 0 as well.
 */
uint64_t esp_replay_infer(const struct esp_replay *w, uint32_t seq_lo)
{
	uint64_t bottom = 0;

	if (w->top >= ESP_REPLAY_WINDOW - 1)
		bottom = w->top - (ESP_REPLAY_WINDOW - 1);
	uint64_t seq = bottom + (uint32_t)(seq_lo - (uint32_t)bottom);
	return seq < bottom ? 0 : seq;
}
