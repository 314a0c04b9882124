/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IKEv2 message format (RFC 7296 section 3): parse and build, no SA state.
 * Parsing is in two steps: ike_parse_message() validates the header and
 * walks the payload chain into a flat list; typed parsers then validate each
 * payload body before anything interprets it.  All parsers return 0 or a
 * negative errno: -EBADMSG for malformed input, -EPROTO for an unknown
 * payload marked critical, -E2BIG when a fixed limit below is exceeded.
 * ike_parse_header() and ike_parse_message() return -EPROTONOSUPPORT for a
 * major version other than 2.
 */
#ifndef CREST_WIRE_IKE_H
#define CREST_WIRE_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "wire/ts.h"

#define IKE_HEADER_LEN 28
#define IKE_PAYLOAD_HEADER_LEN 4
#define IKE_MAX_PAYLOADS 48
#define IKE_MAX_PROPOSALS 16
/* The initiator in tests/data/ike/invalid-ke-and-fragments-1 offers 35
 * transforms in one proposal, so 32 would be too few. */
#define IKE_MAX_TRANSFORMS 64
#define IKE_MAX_TS 16
#define IKE_MAX_SPI_LEN 8
#define IKE_NONCE_MIN 16
#define IKE_NONCE_MAX 256

enum ike_exchange {
	IKE_SA_INIT = 34,
	IKE_AUTH = 35,
	CREATE_CHILD_SA = 36,
	INFORMATIONAL = 37,
};

enum ike_flag {
	IKE_FLAG_INITIATOR = 0x08,
	IKE_FLAG_VERSION = 0x10,
	IKE_FLAG_RESPONSE = 0x20,
};

enum ike_payload_type {
	PL_NONE = 0,
	PL_SA = 33,
	PL_KE = 34,
	PL_IDI = 35,
	PL_IDR = 36,
	PL_CERT = 37,
	PL_CERTREQ = 38,
	PL_AUTH = 39,
	PL_NONCE = 40,
	PL_NOTIFY = 41,
	PL_DELETE = 42,
	PL_VENDOR = 43,
	PL_TSI = 44,
	PL_TSR = 45,
	PL_SK = 46,
	PL_CP = 47,
	PL_EAP = 48,
	PL_SKF = 53,
};

enum ike_protocol {
	PROTO_IKE = 1,
	PROTO_AH = 2,
	PROTO_ESP = 3,
};

enum ike_notify_type {
	/* errors */
	N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	N_INVALID_IKE_SPI = 4,
	N_INVALID_MAJOR_VERSION = 5,
	N_INVALID_SYNTAX = 7,
	N_INVALID_MESSAGE_ID = 9,
	N_INVALID_SPI = 11,
	N_NO_PROPOSAL_CHOSEN = 14,
	N_INVALID_KE_PAYLOAD = 17,
	N_AUTHENTICATION_FAILED = 24,
	N_SINGLE_PAIR_REQUIRED = 34,
	N_NO_ADDITIONAL_SAS = 35,
	N_INTERNAL_ADDRESS_FAILURE = 36,
	N_FAILED_CP_REQUIRED = 37,
	N_TS_UNACCEPTABLE = 38,
	N_INVALID_SELECTORS = 39,
	N_TEMPORARY_FAILURE = 43,
	N_CHILD_SA_NOT_FOUND = 44,
	/* status */
	N_INITIAL_CONTACT = 16384,
	N_SET_WINDOW_SIZE = 16385,
	N_ADDITIONAL_TS_POSSIBLE = 16386,
	N_IPCOMP_SUPPORTED = 16387,
	N_NAT_DETECTION_SOURCE_IP = 16388,
	N_NAT_DETECTION_DESTINATION_IP = 16389,
	N_COOKIE = 16390,
	N_USE_TRANSPORT_MODE = 16391,
	N_REKEY_SA = 16393,
	N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	N_MOBIKE_SUPPORTED = 16396,
	N_CHILDLESS_IKEV2_SUPPORTED = 16418,
	N_IKEV2_FRAGMENTATION_SUPPORTED = 16430,
	N_SIGNATURE_HASH_ALGORITHMS = 16431,
};

/* Name of a notify type such as "NO_PROPOSAL_CHOSEN", or NULL. */
const char *ike_notify_name(uint16_t type);
/* Name of an exchange type such as "IKE_AUTH", or NULL. */
const char *ike_exchange_name(uint8_t exchange);
/* RFC 7296 notation of a payload type such as "SA" or "TSi", or NULL. */
const char *ike_payload_name(uint8_t type);

struct ike_header {
	uint64_t spi_i;
	uint64_t spi_r;
	uint8_t next_payload;
	uint8_t version; /* 0x20 for IKEv2 */
	uint8_t exchange;
	uint8_t flags;
	uint32_t msg_id;
	uint32_t length;
};

struct ike_payload {
	uint8_t type;
	bool critical;
	const uint8_t *body; /* points into the message */
	size_t len;	     /* body length, without the generic header */
	size_t offset;	     /* of the generic header from the message start */
};

struct ike_message {
	struct ike_header hdr;
	struct ike_payload payloads[IKE_MAX_PAYLOADS];
	size_t n_payloads;
	/* For an SK payload (always the last): its next-payload field, the
	 * type of the first payload inside the encryption. */
	uint8_t sk_first;
	/* Type of the unknown critical payload after a parse returned -EPROTO,
	 * for the data of an UNSUPPORTED_CRITICAL_PAYLOAD notify. */
	uint8_t unsupported_critical;
};

/*
 * Parses the 28-byte header.  Rejects len < 28 or a length field that
 * differs from len with -EBADMSG, and a major version other than 2 with
 * -EPROTONOSUPPORT after filling in hdr, so the caller can send
 * INVALID_MAJOR_VERSION.  Flag bits other than I, V and R are cleared.
 */
int ike_parse_header(const uint8_t *msg, size_t len, struct ike_header *hdr);
/* Parses the header and the payload chain of a whole message. */
int ike_parse_message(const uint8_t *msg, size_t len, struct ike_message *m);
/*
 * Walks a payload chain that starts with type `first` (the decrypted
 * contents of an SK payload, say), replacing m's payload list.  base is the
 * offset of data within the buffer that `offset` fields refer to.  Unknown
 * non-critical payloads are skipped; an SK payload must be last.
 */
int ike_parse_chain(uint8_t first, const uint8_t *data, size_t len,
		    size_t base, struct ike_message *m);
/* First payload of a type, or NULL. */
const struct ike_payload *ike_find(const struct ike_message *m, uint8_t type);

struct ike_transform {
	uint8_t type;
	uint16_t id;
	uint16_t key_bits; /* 0 if the transform has no key length attribute */
};

struct ike_proposal {
	uint8_t num;
	uint8_t protocol; /* enum ike_protocol */
	uint8_t spi_len;
	uint8_t spi[IKE_MAX_SPI_LEN];
	struct ike_transform transforms[IKE_MAX_TRANSFORMS];
	size_t n_transforms;
};

struct ike_sa_payload {
	struct ike_proposal proposals[IKE_MAX_PROPOSALS];
	size_t n_proposals;
};

/*
 * Validates an SA payload: proposal numbers start at 1 and rise by one,
 * protocol and SPI sizes agree (0 for IKE in IKE_SA_INIT, 8 for IKE in a
 * rekey, 4 for ESP/AH), transform and attribute lengths are consistent.
 * Unknown attributes other than the key length make the transform unusable
 * but not the payload invalid: such transforms are dropped.
 */
int ike_parse_sa(const uint8_t *body, size_t len, struct ike_sa_payload *out);

struct ike_ke {
	uint16_t group;
	const uint8_t *data;
	size_t len;
};
int ike_parse_ke(const uint8_t *body, size_t len, struct ike_ke *out);

struct ike_notify {
	uint8_t protocol;
	uint8_t spi_len;
	const uint8_t *spi;
	uint16_t type;
	const uint8_t *data;
	size_t len;
};
int ike_parse_notify(const uint8_t *body, size_t len, struct ike_notify *out);

struct ike_id {
	uint8_t type;
	const uint8_t *data; /* identification data */
	size_t len;
};
/* The ID body must hold at least one byte of identification data. */
int ike_parse_id(const uint8_t *body, size_t len, struct ike_id *out);

struct ike_auth {
	uint8_t method;
	const uint8_t *data;
	size_t len;
};
int ike_parse_auth(const uint8_t *body, size_t len, struct ike_auth *out);

/* Nonce data is 16 to 256 bytes (RFC 7296 3.9). */
int ike_parse_nonce(const uint8_t *body, size_t len);

struct ike_ts_payload {
	struct traffic_selector ts[IKE_MAX_TS];
	size_t n;
};
/* Selector types other than IPv4/IPv6 ranges are skipped, not errors. */
int ike_parse_ts(const uint8_t *body, size_t len, struct ike_ts_payload *out);

struct ike_delete {
	uint8_t protocol;
	uint8_t spi_len;
	uint16_t n_spis;
	const uint8_t *spis; /* n_spis * spi_len bytes */
};
int ike_parse_delete(const uint8_t *body, size_t len, struct ike_delete *out);

/*
 * Message builder.  ike_build_init() writes the header (length fixed up by
 * ike_build_finish()); ike_chain_init() builds a bare payload chain, such as
 * the plaintext of an SK payload, whose first type is then in first_type.
 * Each ike_add_* appends one payload and links the previous next-payload
 * field to it.  Any overflow makes finish return 0.
 */
struct ike_builder {
	struct writer w;
	bool has_header;
	uint8_t first_type;
	uint8_t *next_field; /* next-payload byte of the previous payload */
	size_t payload_start;
	uint8_t *payload_len;
};

/* Writes hdr with version 0x20 whatever hdr->version holds. */
void ike_build_init(struct ike_builder *b, uint8_t *buf, size_t cap,
		    const struct ike_header *hdr);
void ike_chain_init(struct ike_builder *b, uint8_t *buf, size_t cap);
/* Starts a payload; write its body with b->w, then call ike_payload_end. */
bool ike_payload_begin(struct ike_builder *b, uint8_t type, bool critical);
bool ike_payload_end(struct ike_builder *b);
/*
 * Sets the next-payload field of the payload begun last.  An SK or SKF
 * payload needs it for the type of the first payload inside the encryption.
 */
void ike_payload_set_next(struct ike_builder *b, uint8_t next);
/*
 * Sets the header's length field; returns the total length, or 0 after an
 * overflow or with a payload still open.  A header-less chain returns its
 * length, which is also 0 for an empty chain.
 */
size_t ike_build_finish(struct ike_builder *b);

bool ike_add_sa(struct ike_builder *b, const struct ike_proposal *p,
		size_t n);
bool ike_add_ke(struct ike_builder *b, uint16_t group, const uint8_t *data,
		size_t len);
bool ike_add_nonce(struct ike_builder *b, const uint8_t *nonce, size_t len);
bool ike_add_notify(struct ike_builder *b, uint8_t protocol,
		    const uint8_t *spi, size_t spi_len, uint16_t type,
		    const uint8_t *data, size_t len);
/* type is PL_IDI or PL_IDR. */
bool ike_add_id(struct ike_builder *b, uint8_t type, uint8_t id_type,
		const uint8_t *data, size_t len);
bool ike_add_auth(struct ike_builder *b, uint8_t method, const uint8_t *data,
		  size_t len);
/* type is PL_TSI or PL_TSR. */
bool ike_add_ts(struct ike_builder *b, uint8_t type,
		const struct traffic_selector *ts, size_t n);
bool ike_add_delete(struct ike_builder *b, uint8_t protocol, uint8_t spi_len,
		    const uint8_t *spis, uint16_t n_spis);

#endif
