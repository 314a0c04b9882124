// SPDX-License-Identifier: LGPL-2.1-or-later
#include "esp/esp.h"

static const char *const drop_names[ESP_DROP_COUNT] = {
        [ESP_DROP_TRUNCATED] = "truncated",
        [ESP_DROP_UNKNOWN_SPI] = "unknown_spi",
        [ESP_DROP_REPLAY] = "replay",
        [ESP_DROP_AUTH] = "auth_failed",
        [ESP_DROP_BAD_LENGTH] = "bad_length",
        [ESP_DROP_BAD_PADDING] = "bad_padding",
        [ESP_DROP_NEXT_HEADER] = "bad_next_header",
        [ESP_DROP_BAD_INNER] = "bad_inner",
        [ESP_DROP_POLICY] = "policy",
        [ESP_DROP_SEQ_EXHAUSTED] = "seq_exhausted",
        [ESP_DROP_TOO_BIG] = "too_big",
};

const char *esp_drop_name(enum esp_drop reason)
{
	if ((unsigned)reason >= ESP_DROP_COUNT)
		return "unknown";
	return drop_names[reason];
}
