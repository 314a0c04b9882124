/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ESP tunnel mode (RFC 4303) in user space: encapsulation, decapsulation,
 * the anti-replay window and the inbound traffic-selector check.  Packets
 * here start at the SPI; the caller strips or adds the outer IP header or
 * the UDP header of RFC 3948.
 */
#ifndef CREST_ESP_ESP_H
#define CREST_ESP_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "wire/ts.h"

#define ESP_REPLAY_WINDOW 2048 /* packets; a multiple of 64 */
#define ESP_HEADER_LEN 8       /* SPI + sequence number */
#define ESP_MAX_TS 8

/*
 * Highest outbound sequence numbers.  The counter must never cycle (RFC 4303
 * 3.3.3), so an SA ends at 2^32 - 1, or at 2^64 - 1 with extended sequence
 * numbers (ESN).
 */
#define ESP_SEQ_MAX UINT32_MAX
#define ESP_SEQ_MAX_ESN UINT64_MAX

/* Reasons a packet is dropped; each has its own counter. */
enum esp_drop {
	ESP_DROP_TRUNCATED,	/* shorter than header + IV + ICV */
	ESP_DROP_UNKNOWN_SPI,	/* no inbound SA (counted by the caller) */
	ESP_DROP_REPLAY,	/* duplicate or left of the window */
	ESP_DROP_AUTH,		/* ICV check failed */
	ESP_DROP_BAD_LENGTH,	/* ciphertext not a multiple of the block */
	ESP_DROP_BAD_PADDING,	/* pad bytes not 1, 2, 3, ... or too long */
	ESP_DROP_NEXT_HEADER,	/* not IPv4 (4), IPv6 (41) or no-next (59) */
	ESP_DROP_BAD_INNER,	/* inner packet malformed or wrong version */
	ESP_DROP_POLICY,	/* inner addresses outside the traffic selectors */
	ESP_DROP_SEQ_EXHAUSTED, /* outbound sequence number would wrap */
	ESP_DROP_TOO_BIG,	/* does not fit the output buffer */
	ESP_DROP_COUNT,
};

const char *esp_drop_name(enum esp_drop reason);

struct esp_stats {
	uint64_t drops[ESP_DROP_COUNT];
};

struct esp_replay {
	uint64_t top; /* highest sequence number accepted, 0 before any */
	uint64_t bitmap[ESP_REPLAY_WINDOW / 64];
};

/* Checks seq against the window without changing it. */
bool esp_replay_check(const struct esp_replay *w, uint64_t seq);
/* Marks seq as received; call only after the ICV has verified. */
void esp_replay_update(struct esp_replay *w, uint64_t seq);
/*
 * Returns the 64-bit sequence number whose low 32 bits are seq_lo, inferred
 * from the window as RFC 4303 Appendix A2.2 describes: the first number at or
 * above the window's bottom edge.  Returns 0, which the window never
 * accepts, when that number would pass 2^64 - 1.
 */
uint64_t esp_replay_infer(const struct esp_replay *w, uint32_t seq_lo);

struct esp_sa {
	uint32_t spi; /* in network order on the wire; host order here */
	bool inbound;
	/* Extended sequence numbers: the counter, window and ICV use 64 bits
	 * and the packet carries the low 32. */
	bool esn;
	struct crypto_cipher *cipher; /* owned */

	uint64_t seq;	  /* outbound: last sequence number sent */
	uint64_t seq_max; /* outbound: highest allowed, ESP_SEQ_MAX(_ESN) */
	struct esp_replay replay;

	/* Inbound check: source must be in remote_ts, destination in
	 * local_ts.  An SA with neither list skips the check.  Outbound SAs
	 * do not use these. */
	struct traffic_selector local_ts[ESP_MAX_TS];
	size_t n_local_ts;
	struct traffic_selector remote_ts[ESP_MAX_TS];
	size_t n_remote_ts;

	uint64_t bytes;	  /* inner bytes carried */
	uint64_t packets;
	struct esp_stats *stats; /* shared drop counters; may be NULL */
};

/* Worst-case bytes ESP adds to an inner packet of this SA (no outer IP). */
size_t esp_overhead(const struct esp_sa *sa);

/*
 * Wraps one inner IP packet.  Writes SPI, sequence number, IV, ciphertext
 * and ICV to out.  Returns 0, or -ENOSPC (out too small), -EOVERFLOW
 * (sequence numbers exhausted) and counts the drop.
 */
int esp_encap(struct esp_sa *sa, const uint8_t *inner, size_t inner_len,
	      uint8_t next_header, uint8_t *out, size_t out_cap,
	      size_t *out_len);

/*
 * Unwraps one ESP packet in place.  On success *inner points into pkt and
 * *next_header is 4 or 41 (a 59 dummy packet returns -ENODATA, not
 * counted as a drop).  On failure returns -EBADMSG and counts the reason,
 * also written to *reason when it is not NULL.
 */
int esp_decap(struct esp_sa *sa, uint8_t *pkt, size_t len,
	      const uint8_t **inner, size_t *inner_len, uint8_t *next_header,
	      enum esp_drop *reason);

/* Reads the SPI of an ESP packet; false if it is too short. */
bool esp_peek_spi(const uint8_t *pkt, size_t len, uint32_t *spi);

void esp_sa_clear(struct esp_sa *sa);

#endif
