// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target for ESP decapsulation.  Each input goes to three inbound SAs
 * with fixed keys: AES-GCM-128, ChaCha20-Poly1305 and AES-256-CBC without
 * integrity (the key of the tcpdump captures).  The seed corpus holds valid
 * packets for each, so the fuzzer starts past the ICV.  Without integrity
 * every input decrypts, which drives the padding, inner-packet and selector
 * checks.  Besides crashes the target traps when a returned inner packet
 * points outside the input.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "crypto/crypto.h"
#include "esp/esp.h"
#include "wire/ts.h"

#define FUZZ_MAX_PACKET 65536
#define FUZZ_SPI        0x0f00f00d

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The gen-*.esp.bin seeds were encrypted with these keys. */
static const uint8_t gcm_key[20] = {
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
        0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0xca, 0xfe, 0xba, 0xbe,
};
static const uint8_t cbc_key[32] = {
        0xaa, 0xaa, 0xbb, 0xbb, 0xcc, 0xcc, 0xdd, 0xdd, 0x40, 0x43, 0x43,
        0x45, 0x45, 0x46, 0x46, 0x49, 0x49, 0x4a, 0x4a, 0x4c, 0x4c, 0x4f,
        0x4f, 0x51, 0x51, 0x52, 0x52, 0x54, 0x54, 0x57, 0x57, 0x58,
};

enum { SA_GCM, SA_CHACHA, SA_CBC, SA_COUNT };

static struct esp_sa sas[SA_COUNT];
static struct esp_stats stats;
static uint8_t buf[FUZZ_MAX_PACKET];

static void add_selectors(struct esp_sa *sa)
{
	static const uint8_t remote4[4] = {192, 0, 2, 0};
	static const uint8_t local4[4] = {192, 0, 1, 0};
	static const uint8_t remote6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1};
	static const uint8_t local6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2};

	ts_from_prefix(AF_INET, remote4, 24, &sa->remote_ts[0]);
	ts_from_prefix(AF_INET6, remote6, 48, &sa->remote_ts[1]);
	ts_from_prefix(AF_INET, local4, 24, &sa->local_ts[0]);
	ts_from_prefix(AF_INET6, local6, 48, &sa->local_ts[1]);
	/* A second local selector narrowed to UDP port 53 only. */
	sa->local_ts[2] = sa->local_ts[0];
	sa->local_ts[2].ip_proto = 17;
	sa->local_ts[2].start_port = 53;
	sa->local_ts[2].end_port = 53;
	sa->n_remote_ts = 2;
	sa->n_local_ts = 3;
}

static void setup_sa(struct esp_sa *sa, uint16_t encr, uint16_t key_bits,
                     const uint8_t *key, size_t key_len)
{
	sa->spi = FUZZ_SPI;
	sa->inbound = true;
	sa->stats = &stats;
	if (crypto_cipher_new(crypto_default(), encr, key_bits, INTEG_NONE, key,
	                      key_len, NULL, 0, &sa->cipher) != 0)
		abort();
}

static void setup(void)
{
	uint8_t chacha_key[36];

	for (size_t i = 0; i < sizeof(chacha_key); i++)
		chacha_key[i] = (uint8_t)(0x80 + i);
	setup_sa(&sas[SA_GCM], ENCR_AES_GCM_16, 128, gcm_key, sizeof(gcm_key));
	setup_sa(&sas[SA_CHACHA], ENCR_CHACHA20_POLY1305, 256, chacha_key,
	         sizeof(chacha_key));
	setup_sa(&sas[SA_CBC], ENCR_AES_CBC, 256, cbc_key, sizeof(cbc_key));
	add_selectors(&sas[SA_GCM]);
	add_selectors(&sas[SA_CBC]);
}

static void decap_one(struct esp_sa *sa, const uint8_t *data, size_t size)
{
	const uint8_t *inner = NULL;
	size_t inner_len = 0;
	uint8_t next_header = 0;
	enum esp_drop reason = ESP_DROP_COUNT;

	/* A fresh window per input keeps coverage independent of order. */
	memset(&sa->replay, 0, sizeof(sa->replay));
	memcpy(buf, data, size);
	int rc = esp_decap(sa, buf, size, &inner, &inner_len, &next_header,
	                   &reason);
	if (rc == 0) {
		if (inner < buf || inner_len > size ||
		    (size_t)(inner - buf) > size - inner_len)
			abort();
		if (next_header != 4 && next_header != 41)
			abort();
	} else if (rc == -EBADMSG) {
		if (reason >= ESP_DROP_COUNT)
			abort();
	} else if (rc != -ENODATA) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	uint32_t spi;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size > FUZZ_MAX_PACKET)
		return 0;
	if (esp_peek_spi(data, size, &spi) != (size >= ESP_HEADER_LEN))
		abort();
	for (int i = 0; i < SA_COUNT; i++)
		decap_one(&sas[i], data, size);
	return 0;
}
