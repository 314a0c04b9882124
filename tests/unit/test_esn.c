// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Extended sequence numbers (RFC 4303 2.2.1 and Appendix A).  The tests
 * cover the inference of the high 32 bits, round trips across a 2^32
 * boundary for each cipher, replays and SAs that disagree about ESN.  They
 * also run published AES-GCM packets with a 64-bit sequence number and two
 * IKE engines that negotiate ESN.
 */
#include <errno.h>

#include "ike_pair.h"

#include "crypto/crypto.h"
#include "esp/esp.h"

#define MAX_PACKET 256
#define INNER_LEN  60
#define TWO_32     (UINT64_C(1) << 32)

struct cipher_suite {
	const char *name;
	uint16_t encr;
	uint16_t key_bits;
	uint16_t integ;
};

static const struct cipher_suite suites[] = {
        {"aes128gcm16", ENCR_AES_GCM_16, 128, INTEG_NONE},
        {"aes256gcm16", ENCR_AES_GCM_16, 256, INTEG_NONE},
        {"chacha20poly1305", ENCR_CHACHA20_POLY1305, 256, INTEG_NONE},
        {"aes128-sha256", ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128},
        {"aes256-sha384", ENCR_AES_CBC, 256, INTEG_HMAC_SHA2_384_192},
        {"aes256-sha512", ENCR_AES_CBC, 256, INTEG_HMAC_SHA2_512_256},
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

static void fill_pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 13);
}

static void sa_init(struct esp_sa *sa, const struct cipher_suite *s, bool esn,
                    const uint8_t *enc_key, const uint8_t *integ_key,
                    struct esp_stats *stats)
{
	size_t enc_len = crypto_encr_keymat_len(s->encr, s->key_bits);
	size_t integ_len = crypto_integ_key_len(s->integ);

	memset(sa, 0, sizeof(*sa));
	sa->spi = 0x0e5a0001;
	sa->esn = esn;
	sa->seq_max = esn ? ESP_SEQ_MAX_ESN : ESP_SEQ_MAX;
	sa->stats = stats;
	assert_int_equal(crypto_cipher_new(crypto_default(), s->encr,
	                                   s->key_bits, s->integ, enc_key,
	                                   enc_len,
	                                   integ_len ? integ_key : NULL,
	                                   integ_len, &sa->cipher),
	                 0);
}

/* Sets up an outbound and an inbound SA with the same keys. */
static void sa_pair(const struct cipher_suite *s, bool out_esn, bool in_esn,
                    struct esp_sa *out, struct esp_sa *in,
                    struct esp_stats *stats)
{
	uint8_t enc_key[CRYPTO_MAX_KEY_LEN], integ_key[CRYPTO_MAX_KEY_LEN];

	fill_pattern(enc_key, sizeof(enc_key), 0x21);
	fill_pattern(integ_key, sizeof(integ_key), 0x67);
	sa_init(out, s, out_esn, enc_key, integ_key, NULL);
	sa_init(in, s, in_esn, enc_key, integ_key, stats);
	in->inbound = true;
}

/* An IPv4/UDP packet 192.0.2.7 -> 198.51.100.5 whose payload is tagged. */
static void build_inner(uint8_t *p, uint8_t tag)
{
	fill_pattern(p, INNER_LEN, tag);
	memset(p, 0, 28);
	p[0] = 0x45;
	p[3] = INNER_LEN;
	p[8] = 64;
	p[9] = 17;
	p[12] = 192, p[13] = 0, p[14] = 2, p[15] = 7;
	p[16] = 198, p[17] = 51, p[18] = 100, p[19] = 5;
	p[21] = 53;
	p[23] = 53;
	p[25] = INNER_LEN - 20;
}

struct packet {
	uint8_t data[MAX_PACKET];
	size_t len;
	uint64_t seq;
	uint8_t tag;
};

static void encap(struct esp_sa *out, struct packet *pkt, uint8_t tag)
{
	uint8_t inner[INNER_LEN];

	build_inner(inner, tag);
	assert_int_equal(esp_encap(out, inner, INNER_LEN, 4, pkt->data,
	                           sizeof(pkt->data), &pkt->len),
	                 0);
	pkt->seq = out->seq;
	pkt->tag = tag;
}

static uint32_t wire_seq(const struct packet *pkt)
{
	const uint8_t *p = pkt->data + 4;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Decapsulates a copy of pkt.  On success the inner packet must match. */
static int decap(struct esp_sa *in, const struct packet *pkt,
                 enum esp_drop *reason)
{
	uint8_t copy[MAX_PACKET], inner[INNER_LEN];
	const uint8_t *got;
	size_t got_len;
	uint8_t next_header;
	int err;

	memcpy(copy, pkt->data, pkt->len);
	err = esp_decap(in, copy, pkt->len, &got, &got_len, &next_header,
	                reason);
	if (err == 0) {
		build_inner(inner, pkt->tag);
		assert_int_equal(next_header, 4);
		assert_int_equal(got_len, INNER_LEN);
		assert_memory_equal(got, inner, INNER_LEN);
	}
	return err;
}

static enum esp_drop decap_drop(struct esp_sa *in, const struct packet *pkt)
{
	enum esp_drop reason = ESP_DROP_COUNT;

	assert_int_equal(decap(in, pkt, &reason), -EBADMSG);
	return reason;
}

static void window_at(struct esp_replay *w, uint64_t top)
{
	memset(w, 0, sizeof(*w));
	w->top = top;
}

static void infer_before_window_fills(void **state)
{
	struct esp_replay w;

	(void)state;
	window_at(&w, 0);
	assert_int_equal(esp_replay_infer(&w, 0), 0);
	assert_int_equal(esp_replay_infer(&w, 1), 1);
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX), UINT32_MAX);
	window_at(&w, ESP_REPLAY_WINDOW - 2);
	assert_int_equal(esp_replay_infer(&w, 7), 7);
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX), UINT32_MAX);
}

/* Case A of RFC 4303 A2.2: the window lies inside one 2^32 subspace. */
static void infer_window_in_one_subspace(void **state)
{
	uint64_t th = UINT64_C(5) << 32;
	uint64_t top = th + 100000;
	uint32_t bottom = 100000 - (ESP_REPLAY_WINDOW - 1);
	struct esp_replay w;

	(void)state;
	window_at(&w, top);
	assert_int_equal(esp_replay_infer(&w, bottom), th + bottom);
	assert_int_equal(esp_replay_infer(&w, 100000), top);
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX), th + UINT32_MAX);
	assert_int_equal(esp_replay_infer(&w, bottom - 1),
	                 th + TWO_32 + bottom - 1);
	assert_int_equal(esp_replay_infer(&w, 0), th + TWO_32);

	/* The window's bottom edge exactly at a subspace start. */
	window_at(&w, th + ESP_REPLAY_WINDOW - 1);
	assert_int_equal(esp_replay_infer(&w, 0), th);
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX), th + UINT32_MAX);
}

/* Case B: the window spans the end of one subspace and the next. */
static void infer_window_across_subspaces(void **state)
{
	uint64_t th = UINT64_C(3) << 32;
	struct esp_replay w;

	(void)state;
	window_at(&w, th + 10);
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX), th - 1);
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX - 2000),
	                 th - 1 - 2000);
	assert_int_equal(esp_replay_infer(&w, 0), th);
	assert_int_equal(esp_replay_infer(&w, 10), th + 10);
	assert_int_equal(esp_replay_infer(&w, 5000000), th + 5000000);
	/* Just below the bottom edge counts as far ahead. */
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX - 2037),
	                 th + UINT32_MAX - 2037);
}

static void infer_never_wraps(void **state)
{
	struct esp_replay w;

	(void)state;
	window_at(&w, UINT64_MAX - 10);
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX), UINT64_MAX);
	assert_int_equal(esp_replay_infer(&w, UINT32_MAX - 10),
	                 UINT64_MAX - 10);
	assert_int_equal(esp_replay_infer(&w, 5), 0);
	assert_false(esp_replay_check(&w, esp_replay_infer(&w, 5)));
}

/* Ten packets from 2^32 - 5 to 2^32 + 4, delivered in order. */
static void round_trip_one(const struct cipher_suite *s)
{
	struct esp_stats stats = {0};
	struct esp_sa out, in;
	struct packet pkt;

	print_message("%s\n", s->name);
	sa_pair(s, true, true, &out, &in, &stats);
	out.seq = TWO_32 - 6;
	in.replay.top = TWO_32 - 100;
	for (uint8_t i = 0; i < 10; i++) {
		encap(&out, &pkt, i);
		assert_int_equal(pkt.seq, TWO_32 - 5 + i);
		assert_int_equal(wire_seq(&pkt), (uint32_t)pkt.seq);
		assert_int_equal(decap(&in, &pkt, NULL), 0);
		assert_int_equal(in.replay.top, pkt.seq);
		assert_int_equal(decap_drop(&in, &pkt), ESP_DROP_REPLAY);
	}
	assert_int_equal(in.packets, 10);
	assert_int_equal(stats.drops[ESP_DROP_AUTH], 0);
	esp_sa_clear(&out);
	esp_sa_clear(&in);
}

static void round_trip_across_boundary(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_SUITES; i++)
		round_trip_one(&suites[i]);
}

/*
 * Packets from both sides of 2^32 arrive out of order, so the receiver
 * infers both the subspace above its window's top and the one below it.
 */
static void reorder_one(const struct cipher_suite *s)
{
	static const int order[] = {5, 0, 7, 3, 9, 1, 6, 2, 8, 4};
	struct esp_stats stats = {0};
	struct packet pkts[10];
	struct esp_sa out, in;

	print_message("%s\n", s->name);
	sa_pair(s, true, true, &out, &in, &stats);
	out.seq = TWO_32 - 6;
	in.replay.top = TWO_32 - 100;
	for (uint8_t i = 0; i < 10; i++)
		encap(&out, &pkts[i], i);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(decap(&in, &pkts[order[i]], NULL), 0);
	assert_int_equal(in.replay.top, TWO_32 + 4);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(decap_drop(&in, &pkts[i]), ESP_DROP_REPLAY);
	assert_int_equal(stats.drops[ESP_DROP_REPLAY], 10);
	assert_int_equal(stats.drops[ESP_DROP_AUTH], 0);
	esp_sa_clear(&out);
	esp_sa_clear(&in);
}

static void reorder_across_boundary(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_SUITES; i++)
		reorder_one(&suites[i]);
}

/*
 * A packet older than the window has low bits below the bottom edge, so
 * the receiver takes it for the next subspace.  Its ICV then fails, and
 * the window stays as it was.
 */
static void old_packet_fails_auth(void **state)
{
	struct esp_stats stats = {0};
	struct esp_sa out, in;
	struct esp_replay before;
	struct packet old, pkt;

	(void)state;
	for (size_t i = 0; i < N_SUITES; i++) {
		memset(&stats, 0, sizeof(stats));
		sa_pair(&suites[i], true, true, &out, &in, &stats);
		out.seq = TWO_32 - 3001;
		encap(&out, &old, 1);
		out.seq = TWO_32 - 2;
		for (uint8_t k = 0; k < 4; k++) {
			encap(&out, &pkt, k);
			assert_int_equal(decap(&in, &pkt, NULL), 0);
		}
		assert_int_equal(in.replay.top, TWO_32 + 2);

		before = in.replay;
		assert_int_equal(decap_drop(&in, &old), ESP_DROP_AUTH);
		assert_memory_equal(&in.replay, &before, sizeof(before));
		assert_int_equal(stats.drops[ESP_DROP_AUTH], 1);

		/* The SA still accepts the next packet. */
		encap(&out, &pkt, 9);
		assert_int_equal(decap(&in, &pkt, NULL), 0);
		esp_sa_clear(&out);
		esp_sa_clear(&in);
	}
}

/* A packet whose high half the receiver guesses wrong changes nothing. */
static void wrong_guess_keeps_window(void **state)
{
	struct esp_stats stats = {0};
	struct esp_sa out, in;
	struct esp_replay before;
	struct packet pkt;

	(void)state;
	for (size_t i = 0; i < N_SUITES; i++) {
		memset(&stats, 0, sizeof(stats));
		sa_pair(&suites[i], true, true, &out, &in, &stats);
		/* The packet is 2 * 2^32 + 7, but the receiver, whose window
		 * is far below, reads it as 2^32 + 7. */
		out.seq = 2 * TWO_32 + 6;
		encap(&out, &pkt, 3);
		window_at(&in.replay, 50000);
		esp_replay_update(&in.replay, 49990);
		before = in.replay;
		assert_int_equal(decap_drop(&in, &pkt), ESP_DROP_AUTH);
		assert_memory_equal(&in.replay, &before, sizeof(before));

		/* Once the window is in the sender's subspace, it passes. */
		window_at(&in.replay, 2 * TWO_32 + 1);
		assert_int_equal(decap(&in, &pkt, NULL), 0);
		assert_int_equal(in.replay.top, 2 * TWO_32 + 7);
		esp_sa_clear(&out);
		esp_sa_clear(&in);
	}
}

/* ESN on one side only: the ICVs cover different bytes. */
static void esn_mismatch_fails_auth(void **state)
{
	struct esp_stats stats = {0};
	struct esp_sa out, in;
	struct packet pkt;

	(void)state;
	for (size_t i = 0; i < N_SUITES; i++) {
		for (int esn_out = 0; esn_out < 2; esn_out++) {
			memset(&stats, 0, sizeof(stats));
			sa_pair(&suites[i], esn_out, !esn_out, &out, &in,
			        &stats);
			encap(&out, &pkt, 1);
			assert_int_equal(pkt.seq, 1);
			assert_int_equal(decap_drop(&in, &pkt), ESP_DROP_AUTH);
			assert_int_equal(in.replay.top, 0);
			assert_int_equal(stats.drops[ESP_DROP_AUTH], 1);
			esp_sa_clear(&out);
			esp_sa_clear(&in);
		}
	}
}

/* Past 2^32 a sender without ESN stops, but one with ESN goes on. */
static void sequence_limits(void **state)
{
	struct esp_stats stats = {0};
	struct esp_sa out, in;
	struct packet pkt = {0};

	(void)state;
	sa_pair(&suites[0], false, false, &out, &in, NULL);
	out.stats = &stats;
	out.seq = UINT32_MAX;
	out.seq_max = ESP_SEQ_MAX_ESN;
	assert_int_equal(esp_encap(&out, pkt.data, INNER_LEN, 4, pkt.data,
	                           sizeof(pkt.data), &pkt.len),
	                 -EOVERFLOW);
	esp_sa_clear(&out);
	esp_sa_clear(&in);

	sa_pair(&suites[0], true, true, &out, &in, NULL);
	out.stats = &stats;
	out.seq = UINT32_MAX;
	encap(&out, &pkt, 1);
	assert_int_equal(pkt.seq, TWO_32);
	assert_int_equal(wire_seq(&pkt), 0);

	out.seq = UINT64_MAX - 1;
	encap(&out, &pkt, 2);
	assert_int_equal(pkt.seq, UINT64_MAX);
	assert_int_equal(wire_seq(&pkt), UINT32_MAX);
	window_at(&in.replay, UINT64_MAX - 5);
	assert_int_equal(decap(&in, &pkt, NULL), 0);
	assert_int_equal(esp_encap(&out, pkt.data, INNER_LEN, 4, pkt.data,
	                           sizeof(pkt.data), &pkt.len),
	                 -EOVERFLOW);
	assert_int_equal(out.seq, UINT64_MAX);
	assert_int_equal(stats.drops[ESP_DROP_SEQ_EXHAUSTED], 2);
	esp_sa_clear(&out);
	esp_sa_clear(&in);
}

static void put_be32_at(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * An AEAD packet with ESN must carry the tag that the cipher computes over
 * the associated data SPI | high 32 bits | low 32 bits (RFC 4106 section 5,
 * RFC 7634 section 2.1).  The AEAD IV is the 64-bit sequence number.
 */
static void aead_aad_is_spi_high_low(void **state)
{
	struct esp_sa out, in;
	struct packet pkt;
	uint8_t aad[12], buf[MAX_PACKET];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		sa_pair(&suites[i], true, true, &out, &in, NULL);
		out.seq = 0x1234567800000010;
		encap(&out, &pkt, 4);
		size_t ct_len = pkt.len - 8 - 8 - 16;

		put_be32_at(aad, out.spi);
		put_be32_at(aad + 4, 0x12345678);
		put_be32_at(aad + 8, 0x11);
		assert_memory_equal(pkt.data + 8, aad + 4, 8);
		memcpy(buf, pkt.data + 16, ct_len);
		assert_int_equal(
		        crypto_cipher_decrypt(in.cipher, aad, sizeof(aad),
		                              pkt.data + 8, buf, ct_len,
		                              pkt.data + 16 + ct_len),
		        0);
		memcpy(buf, pkt.data + 16, ct_len);
		assert_int_equal(crypto_cipher_decrypt(
		                         in.cipher, pkt.data, 8, pkt.data + 8,
		                         buf, ct_len, pkt.data + 16 + ct_len),
		                 -EBADMSG);
		esp_sa_clear(&out);
		esp_sa_clear(&in);
	}
}

/*
 * The ICV of AES-CBC with HMAC and ESN is the truncated HMAC over SPI | low
 * 32 bits | IV | ciphertext | high 32 bits (RFC 4303 2.2.1).  The test
 * computes it with the PRF interface, a separate path to OpenSSL's HMAC.
 */
static void cbc_icv_appends_high_bits(void **state)
{
	static const uint16_t prfs[] = {PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384,
	                                PRF_HMAC_SHA2_512};
	const struct crypto_provider *p = crypto_default();
	uint8_t integ_key[CRYPTO_MAX_KEY_LEN], covered[MAX_PACKET + 4];
	uint8_t mac[CRYPTO_MAX_PRF_LEN];
	struct esp_sa out, in;
	struct crypto_prf *prf;
	struct packet pkt;

	(void)state;
	fill_pattern(integ_key, sizeof(integ_key), 0x67);
	for (size_t i = 0; i < 3; i++) {
		const struct cipher_suite *s = &suites[3 + i];
		size_t icv_len = crypto_integ_icv_len(s->integ);
		size_t key_len = crypto_integ_key_len(s->integ);

		sa_pair(s, true, true, &out, &in, NULL);
		out.seq = 0x9abcdef0fffffffe;
		encap(&out, &pkt, 5);
		size_t covered_len = pkt.len - icv_len;
		memcpy(covered, pkt.data, covered_len);
		put_be32_at(covered + covered_len, 0x9abcdef0);

		assert_int_equal(p->prf_new(prfs[i], integ_key, key_len, &prf),
		                 0);
		assert_int_equal(
		        p->prf_compute(prf, covered, covered_len + 4, mac), 0);
		assert_memory_equal(pkt.data + covered_len, mac, icv_len);
		assert_int_equal(p->prf_compute(prf, covered, covered_len, mac),
		                 0);
		assert_memory_not_equal(pkt.data + covered_len, mac, icv_len);
		p->prf_free(prf);
		esp_sa_clear(&out);
		esp_sa_clear(&in);
	}
}

/* A trailer belongs to the HMAC, so an AEAD rejects one. */
static void aead_rejects_trailer(void **state)
{
	struct esp_sa out, in;
	uint8_t aad[8] = {0}, iv[8] = {0}, buf[16] = {0}, icv[16];
	uint8_t trailer[4] = {0};

	(void)state;
	sa_pair(&suites[0], true, true, &out, &in, NULL);
	assert_int_equal(crypto_cipher_encrypt_trailer(out.cipher, aad, 8, iv,
	                                               buf, 16, trailer, 4,
	                                               icv),
	                 -EINVAL);
	assert_int_equal(crypto_cipher_decrypt_trailer(in.cipher, aad, 8, iv,
	                                               buf, 16, trailer, 4,
	                                               icv),
	                 -EINVAL);
	assert_int_equal(crypto_cipher_encrypt_trailer(out.cipher, aad, 8, iv,
	                                               buf, 16, NULL, 0, icv),
	                 0);
	esp_sa_clear(&out);
	esp_sa_clear(&in);
}

/*
 * draft-mcgrew-gcm-test-01 section 4: the AES-GCM ESP packets whose
 * sequence number has 64 bits.  The packet carries its low 32 bits, so the
 * test places the window where the inference yields the full number.  The
 * bytes were compared with two published copies of these vectors.  Their
 * trailers carry next header 1, not 4, so a tunnel-mode SA drops them after
 * the ICV has verified.  The test also checks the ciphertext and tag that
 * the cipher computes with the 12-byte associated data.
 */
struct esn_vector {
	uint16_t key_bits;
	const char *key; /* key | 4-byte salt */
	uint64_t seq;
	uint64_t window_top; /* a top from which seq is inferred */
	const char *packet;
	const char *plaintext;
};

static const struct esn_vector esn_vectors[] = {
        {
                /* AES-128, SPI 0x00004321, sequence number 0x87654321
                 * 00000000: the packet's low half is 0. */
                128,
                "4c80cdefbb5d10da906ac73c3613a634"
                "2e443b68",
                0x8765432100000000,
                0x87654320ffffff00,
                "00004321000000004956ed7e3b244cfe"
                "fecf537e729d5b07dc30df528dd22b76"
                "8d1b98736696a6fd348509fa13ceac34"
                "cfa2436f14a3f3cf65925bf1f4a13c5d"
                "15b21e1884f5ff6247aeabb786b93bce"
                "61bc17d768fd9732459018148f6cbe72"
                "2fd04796562dfdb4",
                "45000048699a000080114db7c0a80102"
                "c0a801010a9bf15638d3010000010000"
                "00000000045f736970045f7564700373"
                "69700963796265726369747902646b00"
                "0021000101020201",
        },
        {
                /* AES-256, SPI 0x796b6963, sequence number 2^64 - 1. */
                256,
                "6c6567616c697a656d6172696a75616e"
                "61616e64646f69746265666f72656961"
                "7475726e",
                UINT64_MAX,
                0xffffffffffffff00,
                "796b6963ffffffff333021696765746d"
                "f97ab2aa356d8edce17644ac8c78e25d"
                "d24dedbb29ebf1b64a274b39b49c3a86"
                "4cd3d78ca4ae68a32b42458fb57dbe82"
                "1dcc63b9d0937ba2945f669368661a32"
                "9fb4c053",
                "45000030da3a00008001df3bc0a80005"
                "c0a800010800c6cd0200070061626364"
                "65666768696a6b6c6d6e6f7071727374"
                "01020201",
        },
};

static size_t from_hex(const char *hex, uint8_t *out)
{
	size_t n = 0;

	for (const char *p = hex; p[0] && p[1]; p += 2) {
		unsigned byte;
		assert_int_equal(sscanf(p, "%2x", &byte), 1);
		out[n++] = (uint8_t)byte;
	}
	return n;
}

static void esn_vector_sa(const struct esn_vector *v, bool esn,
                          const uint8_t *packet, struct esp_sa *sa,
                          struct esp_stats *stats)
{
	uint8_t key[36];
	size_t key_len = from_hex(v->key, key);

	memset(sa, 0, sizeof(*sa));
	sa->spi = (uint32_t)packet[0] << 24 | (uint32_t)packet[1] << 16 |
	          (uint32_t)packet[2] << 8 | packet[3];
	sa->inbound = true;
	sa->esn = esn;
	sa->stats = stats;
	assert_int_equal(crypto_cipher_new(crypto_default(), ENCR_AES_GCM_16,
	                                   v->key_bits, INTEG_NONE, key,
	                                   key_len, NULL, 0, &sa->cipher),
	                 0);
}

static void esn_vector_check(const struct esn_vector *v)
{
	struct esp_stats stats = {0};
	struct packet pkt = {0};
	uint8_t plain[128], buf[128], aad[12], icv[16];
	size_t plain_len = from_hex(v->plaintext, plain);
	struct esp_replay before;
	enum esp_drop want;
	struct esp_sa sa;

	pkt.len = from_hex(v->packet, pkt.data);
	assert_int_equal(pkt.len, 16 + plain_len + 16);
	assert_int_equal(wire_seq(&pkt), (uint32_t)v->seq);

	/* The packet decrypts, and the window moves to its number. */
	esn_vector_sa(v, true, pkt.data, &sa, &stats);
	window_at(&sa.replay, v->window_top);
	assert_int_equal(esp_replay_infer(&sa.replay, wire_seq(&pkt)), v->seq);
	assert_int_equal(decap_drop(&sa, &pkt), ESP_DROP_NEXT_HEADER);
	assert_int_equal(sa.replay.top, v->seq);
	assert_int_equal(stats.drops[ESP_DROP_NEXT_HEADER], 1);
	assert_int_equal(decap_drop(&sa, &pkt), ESP_DROP_REPLAY);

	/* The cipher gives the same bytes with AAD SPI | high | low. */
	memcpy(aad, pkt.data, 4);
	put_be32_at(aad + 4, (uint32_t)(v->seq >> 32));
	put_be32_at(aad + 8, (uint32_t)v->seq);
	memcpy(buf, plain, plain_len);
	assert_int_equal(crypto_cipher_encrypt(sa.cipher, aad, sizeof(aad),
	                                       pkt.data + 8, buf, plain_len,
	                                       icv),
	                 0);
	assert_memory_equal(buf, pkt.data + 16, plain_len);
	assert_memory_equal(icv, pkt.data + 16 + plain_len, 16);

	/* A window in the next subspace guesses the high half wrong. */
	window_at(&sa.replay, v->window_top + TWO_32);
	before = sa.replay;
	if (v->seq != UINT64_MAX) {
		assert_int_equal(decap_drop(&sa, &pkt), ESP_DROP_AUTH);
		assert_memory_equal(&sa.replay, &before, sizeof(before));
	}
	esp_sa_clear(&sa);

	/* An SA without ESN authenticates SPI | low half only, and it
	 * takes a low half of 0 for the invalid sequence number 0. */
	want = (uint32_t)v->seq == 0 ? ESP_DROP_REPLAY : ESP_DROP_AUTH;
	esn_vector_sa(v, false, pkt.data, &sa, &stats);
	assert_int_equal(decap_drop(&sa, &pkt), want);
	esp_sa_clear(&sa);
}

static void gcm_draft_esn_aes128(void **state)
{
	(void)state;
	esn_vector_check(&esn_vectors[0]);
}

static void gcm_draft_esn_max(void **state)
{
	(void)state;
	esn_vector_check(&esn_vectors[1]);
}

/* IKE: two engines with ESP proposals of their own. */

#define A_TS     "\"198.51.100.0/24\""
#define B_TS     "\"203.0.113.0/24\""
#define PSK      "pair test psk"
#define AEAD_IKE "\"aes256gcm16-prfsha256-x25519\""

static struct ike_pair *esn_pair(const char *a_esp, const char *b_esp)
{
	struct pair_conf a = {AEAD_IKE, a_esp, A_TS, B_TS, NULL, PSK};
	struct pair_conf b = {AEAD_IKE, b_esp, B_TS, A_TS, NULL, PSK};
	struct ike_pair *p = pair_new(&a, &b);

	pair_initiate(p);
	pair_pump(p);
	return p;
}

static void assert_child_esn(const struct child_sa *c, bool esn)
{
	assert_int_equal(c->alg.esn, esn ? ESN_YES : ESN_NO);
	assert_int_equal(c->out.esn, esn);
	assert_int_equal(c->in.esn, esn);
	assert_true(c->out.seq_max == (esn ? ESP_SEQ_MAX_ESN : ESP_SEQ_MAX));
}

/* Sends ESP both ways, first from the start, then across 2^32. */
static void check_traffic(struct child_sa *ca, struct child_sa *cb)
{
	assert_int_equal(pair_esp(ca, cb, "198.51.100.1", "203.0.113.1", NULL),
	                 0);
	assert_int_equal(pair_esp(cb, ca, "203.0.113.1", "198.51.100.1", NULL),
	                 0);

	ca->out.seq = TWO_32 - 2;
	cb->out.seq = TWO_32 - 2;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(
		        pair_esp(ca, cb, "198.51.100.1", "203.0.113.1", NULL),
		        0);
		assert_int_equal(
		        pair_esp(cb, ca, "203.0.113.1", "198.51.100.1", NULL),
		        0);
	}
	assert_int_equal(cb->in.replay.top, TWO_32 + 2);
	assert_int_equal(ca->in.replay.top, TWO_32 + 2);
}

static void pair_negotiates_esn(void **state)
{
	static const struct {
		const char *a_esp;
		const char *b_esp;
	} cases[] = {
	        {"\"aes256gcm16-esn-noesn\"", "\"aes256gcm16-esn-noesn\""},
	        {"\"aes256gcm16-esn\"", "\"aes256gcm16-noesn-esn\""},
	        {"\"aes256gcm16-noesn-esn\"", "\"aes256gcm16-esn\""},
	        {"\"chacha20poly1305-esn\"", "\"chacha20poly1305-esn\""},
	        {"\"aes128-sha256-esn\"", "\"aes128-sha256-esn-noesn\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ike_pair *p = esn_pair(cases[i].a_esp, cases[i].b_esp);
		struct child_sa *ca = pair_child(pair_sa(p, PAIR_A));
		struct child_sa *cb = pair_child(pair_sa(p, PAIR_B));

		print_message("%s / %s\n", cases[i].a_esp, cases[i].b_esp);
		assert_child_esn(ca, true);
		assert_child_esn(cb, true);
		check_traffic(ca, cb);
		pair_free(p);
	}
}

/* The responder's order decides when both sides offer both. */
static void responder_order_decides(void **state)
{
	struct ike_pair *p = esn_pair("\"aes256gcm16-esn-noesn\"",
	                              "\"aes256gcm16-noesn-esn\"");
	struct child_sa *ca = pair_child(pair_sa(p, PAIR_A));
	struct child_sa *cb = pair_child(pair_sa(p, PAIR_B));

	(void)state;
	assert_child_esn(ca, false);
	assert_child_esn(cb, false);
	assert_int_equal(pair_esp(ca, cb, "198.51.100.1", "203.0.113.1", NULL),
	                 0);
	pair_free(p);
}

static void pair_without_esn(void **state)
{
	static const struct {
		const char *a_esp;
		const char *b_esp;
	} cases[] = {
	        {"\"aes256gcm16-esn-noesn\"", "\"aes256gcm16\""},
	        {"\"aes256gcm16\"", "\"aes256gcm16-esn-noesn\""},
	        {"\"aes128-sha256-noesn\"", "\"aes128-sha256-esn-noesn\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ike_pair *p = esn_pair(cases[i].a_esp, cases[i].b_esp);
		struct child_sa *ca = pair_child(pair_sa(p, PAIR_A));
		struct child_sa *cb = pair_child(pair_sa(p, PAIR_B));

		print_message("%s / %s\n", cases[i].a_esp, cases[i].b_esp);
		assert_child_esn(ca, false);
		assert_child_esn(cb, false);
		assert_int_equal(
		        pair_esp(ca, cb, "198.51.100.1", "203.0.113.1", NULL),
		        0);
		assert_int_equal(
		        pair_esp(cb, ca, "203.0.113.1", "198.51.100.1", NULL),
		        0);
		pair_free(p);
	}
}

/* ESN on one side only, with no fallback: no CHILD_SA. */
static void esn_only_meets_noesn(void **state)
{
	struct ike_pair *p =
	        esn_pair("\"aes256gcm16-esn\"", "\"aes256gcm16-noesn\"");

	(void)state;
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_A)), 0);
	assert_int_equal(pair_count_children(pair_sa(p, PAIR_B)), 0);
	assert_int_equal(p->side[PAIR_A].n_up, 0);
	assert_int_equal(p->side[PAIR_B].n_up, 0);
	pair_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(infer_before_window_fills),
	        cmocka_unit_test(infer_window_in_one_subspace),
	        cmocka_unit_test(infer_window_across_subspaces),
	        cmocka_unit_test(infer_never_wraps),
	        cmocka_unit_test(round_trip_across_boundary),
	        cmocka_unit_test(reorder_across_boundary),
	        cmocka_unit_test(old_packet_fails_auth),
	        cmocka_unit_test(wrong_guess_keeps_window),
	        cmocka_unit_test(esn_mismatch_fails_auth),
	        cmocka_unit_test(sequence_limits),
	        cmocka_unit_test(aead_aad_is_spi_high_low),
	        cmocka_unit_test(cbc_icv_appends_high_bits),
	        cmocka_unit_test(aead_rejects_trailer),
	        cmocka_unit_test(gcm_draft_esn_aes128),
	        cmocka_unit_test(gcm_draft_esn_max),
	        cmocka_unit_test(pair_negotiates_esn),
	        cmocka_unit_test(responder_order_decides),
	        cmocka_unit_test(pair_without_esn),
	        cmocka_unit_test(esn_only_meets_noesn),
	};

	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
