// SPDX-License-Identifier: LGPL-2.1-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/tun.h"

#define ORIG_LEN 1500

static const uint8_t v4_sender[4] = {192, 0, 2, 10};
static const uint8_t v4_target[4] = {203, 0, 113, 5};
static const uint8_t v4_gateway[4] = {198, 51, 100, 1};

static const uint8_t v6_sender[16] = {0x20, 0x01, 0x0d,       0xb8,
                                      0,    1,    [15] = 0x10};
static const uint8_t v6_target[16] = {0x20, 0x01, 0x0d,       0xb8,
                                      0,    0x0b, [15] = 0x05};
static const uint8_t v6_gateway[16] = {0x20, 0x01, 0x0d,       0xb8,
                                       0,    0x0a, [15] = 0x01};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

/*
 * One's complement sum of the 16-bit words in data, folded to 16 bits.
 * A region whose checksum field is correct sums to 0xffff.
 */
static uint16_t ones_sum(uint64_t start, const uint8_t *data, size_t len)
{
	uint64_t sum = start;

	for (size_t i = 0; i < len; i++)
		sum += i % 2 ? data[i] : (uint64_t)data[i] << 8;
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)sum;
}

static uint16_t icmp6_pseudo_sum(const uint8_t *ip6, size_t msg_len)
{
	uint8_t pseudo[40] = {0};

	memcpy(pseudo, ip6 + 8, 32);
	pseudo[34] = (uint8_t)(msg_len >> 8);
	pseudo[35] = (uint8_t)msg_len;
	pseudo[39] = 58;
	return ones_sum(0, pseudo, sizeof(pseudo));
}

/* Fills pkt with an IPv4 TCP segment of len bytes, DF set. */
static void make_ipv4_tcp(uint8_t *pkt, size_t len)
{
	uint16_t sum;

	for (size_t i = 0; i < len; i++)
		pkt[i] = (uint8_t)(i * 7);
	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
	pkt[4] = 0x12;
	pkt[5] = 0x34;
	pkt[6] = 0x40;
	pkt[8] = 63;
	pkt[9] = 6;
	memcpy(pkt + 12, v4_sender, 4);
	memcpy(pkt + 16, v4_target, 4);
	sum = (uint16_t)~ones_sum(0, pkt, 20);
	pkt[10] = (uint8_t)(sum >> 8);
	pkt[11] = (uint8_t)sum;
}

/* Fills pkt with an IPv6 UDP datagram of len bytes. */
static void make_ipv6_udp(uint8_t *pkt, size_t len)
{
	for (size_t i = 0; i < len; i++)
		pkt[i] = (uint8_t)(i * 13);
	memset(pkt, 0, 40);
	pkt[0] = 0x60;
	pkt[4] = (uint8_t)((len - 40) >> 8);
	pkt[5] = (uint8_t)(len - 40);
	pkt[6] = 17;
	pkt[7] = 63;
	memcpy(pkt + 8, v6_sender, 16);
	memcpy(pkt + 24, v6_target, 16);
}

static size_t build4(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	return icmp_build_too_big(pkt, len, 1400, v4_gateway, out, cap);
}

static size_t build6(const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	return icmp_build_too_big(pkt, len, 1400, v6_gateway, out, cap);
}

static void ipv4_tcp_message_fields(void **state)
{
	uint8_t pkt[ORIG_LEN], out[2000];
	size_t n;

	make_ipv4_tcp(pkt, sizeof(pkt));
	memset(out, 0xee, sizeof(out));
	n = build4(pkt, sizeof(pkt), out, sizeof(out));
	assert_int_equal(n, 576);

	assert_int_equal(out[0], 0x45);
	assert_int_equal(out[1], 0);
	assert_int_equal(be16(out + 2), 576);
	assert_int_equal(be16(out + 4), 0);
	/* DF clear and offset 0. */
	assert_int_equal(be16(out + 6), 0);
	assert_int_equal(out[8], 64);
	assert_int_equal(out[9], 1);
	assert_memory_equal(out + 12, v4_gateway, 4);
	assert_memory_equal(out + 16, v4_sender, 4);
	assert_int_equal(ones_sum(0, out, 20), 0xffff);

	assert_int_equal(out[20], 3);
	assert_int_equal(out[21], 4);
	assert_int_equal(be16(out + 24), 0);
	assert_int_equal(be16(out + 26), 1400);
	assert_int_equal(ones_sum(0, out + 20, 556), 0xffff);
	assert_memory_equal(out + 28, pkt, 548);
	/* Nothing is written past the message. */
	assert_int_equal(out[576], 0xee);
}

static void ipv4_short_packet_quoted_whole(void **state)
{
	uint8_t pkt[60], out[576];
	size_t n;

	make_ipv4_tcp(pkt, sizeof(pkt));
	n = build4(pkt, sizeof(pkt), out, sizeof(out));
	assert_int_equal(n, 28 + 60);
	assert_int_equal(be16(out + 2), 88);
	assert_memory_equal(out + 28, pkt, 60);
	assert_int_equal(ones_sum(0, out, 20), 0xffff);
	assert_int_equal(ones_sum(0, out + 20, 68), 0xffff);
}

static void ipv4_quote_ignores_trailing_bytes(void **state)
{
	uint8_t pkt[100], out[576];

	/* The buffer is longer than the IP total length of 80. */
	make_ipv4_tcp(pkt, 80);
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 108);
}

static void ipv4_quote_fits_capacity(void **state)
{
	uint8_t pkt[ORIG_LEN], out[576];

	make_ipv4_tcp(pkt, sizeof(pkt));
	/* Room for the IP header and 8 bytes of data is the minimum. */
	assert_int_equal(build4(pkt, sizeof(pkt), out, 56), 56);
	assert_int_equal(ones_sum(0, out + 20, 36), 0xffff);
	assert_int_equal(build4(pkt, sizeof(pkt), out, 55), 0);
	assert_int_equal(build4(pkt, sizeof(pkt), out, 10), 0);
}

static void ipv4_mtu_clamped(void **state)
{
	uint8_t pkt[ORIG_LEN], out[576];

	make_ipv4_tcp(pkt, sizeof(pkt));
	assert_int_equal(icmp_build_too_big(pkt, sizeof(pkt), 20, v4_gateway,
	                                    out, sizeof(out)),
	                 576);
	assert_int_equal(be16(out + 26), 68);
	assert_int_equal(icmp_build_too_big(pkt, sizeof(pkt), 100000,
	                                    v4_gateway, out, sizeof(out)),
	                 576);
	assert_int_equal(be16(out + 26), 65535);
}

static void ipv4_no_reply_to_icmp_errors(void **state)
{
	static const uint8_t error_types[] = {3, 4, 5, 11, 12};
	uint8_t pkt[200], out[576];

	make_ipv4_tcp(pkt, sizeof(pkt));
	pkt[9] = 1;
	for (size_t i = 0; i < sizeof(error_types); i++) {
		pkt[20] = error_types[i];
		assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
	}
	/* Echo request is not an error. */
	pkt[20] = 8;
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 228);
	/* An ICMP packet without a type byte is malformed. */
	make_ipv4_tcp(pkt, 20);
	pkt[9] = 1;
	assert_int_equal(build4(pkt, 20, out, sizeof(out)), 0);
}

static void ipv4_no_reply_to_later_fragments(void **state)
{
	uint8_t pkt[200], out[576];

	make_ipv4_tcp(pkt, sizeof(pkt));
	pkt[6] = 0x20; /* MF, offset 0: the first fragment gets a message */
	pkt[7] = 0;
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 228);
	pkt[6] = 0x00;
	pkt[7] = 0x01; /* offset 8 bytes */
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
	pkt[6] = 0x1f;
	pkt[7] = 0x00;
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
}

static void ipv4_no_reply_to_non_host_source(void **state)
{
	static const uint8_t sources[][4] = {
	        {0, 0, 0, 0},         {224, 0, 0, 1}, {239, 1, 2, 3},
	        {255, 255, 255, 255}, {127, 0, 0, 1}, {240, 0, 0, 1},
	};
	uint8_t pkt[200], out[576];

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		make_ipv4_tcp(pkt, sizeof(pkt));
		memcpy(pkt + 12, sources[i], 4);
		assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
	}
}

static void ipv4_no_reply_to_group_destination(void **state)
{
	static const uint8_t broadcast[4] = {255, 255, 255, 255};
	static const uint8_t group[4] = {224, 0, 0, 5};
	uint8_t pkt[200], out[576];

	make_ipv4_tcp(pkt, sizeof(pkt));
	memcpy(pkt + 16, broadcast, 4);
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
	memcpy(pkt + 16, group, 4);
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
}

static void ipv4_no_reply_to_malformed(void **state)
{
	uint8_t pkt[200], out[576];

	make_ipv4_tcp(pkt, sizeof(pkt));
	assert_int_equal(build4(pkt, 19, out, sizeof(out)), 0);
	/* Total length beyond the buffer. */
	assert_int_equal(build4(pkt, 199, out, sizeof(out)), 0);

	pkt[0] = 0x44; /* header length 16 */
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
	pkt[0] = 0x4f; /* header length 60, longer than a total of 40 */
	pkt[2] = 0;
	pkt[3] = 40;
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);

	make_ipv4_tcp(pkt, sizeof(pkt));
	pkt[0] = 0x55; /* version 5 */
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
}

static void ipv4_icmp_type_after_options(void **state)
{
	uint8_t pkt[200], out[576];

	make_ipv4_tcp(pkt, sizeof(pkt));
	pkt[0] = 0x46; /* 4 bytes of options, ICMP type at offset 24 */
	pkt[9] = 1;
	pkt[20] = 3; /* an option byte, not the ICMP type */
	pkt[24] = 8;
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 228);
	pkt[24] = 11;
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
}

static void ipv6_udp_message_fields(void **state)
{
	uint8_t pkt[ORIG_LEN], out[2000];
	size_t n;

	make_ipv6_udp(pkt, sizeof(pkt));
	memset(out, 0xee, sizeof(out));
	n = build6(pkt, sizeof(pkt), out, sizeof(out));
	assert_int_equal(n, 1280);

	assert_int_equal(be32(out), 0x60000000);
	assert_int_equal(be16(out + 4), 1240);
	assert_int_equal(out[6], 58);
	assert_int_equal(out[7], 64);
	assert_memory_equal(out + 8, v6_gateway, 16);
	assert_memory_equal(out + 24, v6_sender, 16);

	assert_int_equal(out[40], 2);
	assert_int_equal(out[41], 0);
	assert_int_equal(be32(out + 44), 1400);
	assert_int_equal(ones_sum(icmp6_pseudo_sum(out, 1240), out + 40, 1240),
	                 0xffff);
	assert_memory_equal(out + 48, pkt, 1232);
	assert_int_equal(out[1280], 0xee);
}

static void ipv6_checksum_detects_change(void **state)
{
	uint8_t pkt[ORIG_LEN], out[1280];

	make_ipv6_udp(pkt, sizeof(pkt));
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 1280);
	out[100] ^= 0x01;
	assert_int_not_equal(
	        ones_sum(icmp6_pseudo_sum(out, 1240), out + 40, 1240), 0xffff);
}

static void ipv6_mtu_at_least_1280(void **state)
{
	uint8_t pkt[ORIG_LEN], out[1280];

	make_ipv6_udp(pkt, sizeof(pkt));
	assert_int_equal(icmp_build_too_big(pkt, sizeof(pkt), 1000, v6_gateway,
	                                    out, sizeof(out)),
	                 1280);
	assert_int_equal(be32(out + 44), 1280);
}

static void ipv6_short_packet_quoted_whole(void **state)
{
	uint8_t pkt[61], out[1280];
	size_t n;

	make_ipv6_udp(pkt, sizeof(pkt));
	n = build6(pkt, sizeof(pkt), out, sizeof(out));
	assert_int_equal(n, 48 + 61);
	assert_int_equal(be16(out + 4), 8 + 61);
	assert_memory_equal(out + 48, pkt, 61);
	/* The odd length exercises the padded last checksum word. */
	assert_int_equal(ones_sum(icmp6_pseudo_sum(out, 69), out + 40, 69),
	                 0xffff);
	assert_int_equal(build6(pkt, sizeof(pkt), out, 95), 0);
	assert_int_equal(build6(pkt, sizeof(pkt), out, 96), 96);
}

static void ipv6_no_reply_to_icmp_errors(void **state)
{
	static const uint8_t error_types[] = {1, 2, 3, 4, 127};
	uint8_t pkt[200], out[1280];

	make_ipv6_udp(pkt, sizeof(pkt));
	pkt[6] = 58;
	for (size_t i = 0; i < sizeof(error_types); i++) {
		pkt[40] = error_types[i];
		assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 0);
	}
	pkt[40] = 128; /* echo request */
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 248);
}

static void ipv6_error_behind_extension_headers(void **state)
{
	uint8_t pkt[200], out[1280];

	make_ipv6_udp(pkt, sizeof(pkt));
	pkt[6] = 0;   /* hop-by-hop options, 8 bytes */
	pkt[40] = 44; /* then a fragment header */
	pkt[41] = 0;
	pkt[48] = 58;   /* then ICMPv6 */
	pkt[50] = 0x00; /* offset 0, M set */
	pkt[51] = 0x01;
	pkt[56] = 1; /* destination unreachable */
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 0);
	pkt[56] = 129; /* echo reply */
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 248);

	/* A later fragment does not show its upper-layer header, so it gets
	 * a message. */
	pkt[56] = 1;
	pkt[50] = 0x01;
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 248);
}

static void ipv6_no_reply_to_truncated_chain(void **state)
{
	uint8_t pkt[200], out[1280];

	make_ipv6_udp(pkt, sizeof(pkt));
	pkt[6] = 60;  /* destination options */
	pkt[41] = 30; /* 248 bytes, beyond the packet */
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 0);
	pkt[41] = 0;
	pkt[40] = 17;
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 248);

	/* A chain of 20 destination options headers is too long. */
	make_ipv6_udp(pkt, sizeof(pkt));
	pkt[6] = 60;
	for (size_t off = 40; off < 200; off += 8) {
		pkt[off] = 60;
		pkt[off + 1] = 0;
	}
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 0);
}

static void ipv6_no_reply_to_non_host_source(void **state)
{
	static const uint8_t sources[][16] = {
	        {0},
	        {[15] = 1},
	        {0xff, 0x02, [15] = 1},
	        {0xff, 0x0e, [15] = 0x42},
	};
	uint8_t pkt[200], out[1280];

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		make_ipv6_udp(pkt, sizeof(pkt));
		memcpy(pkt + 8, sources[i], 16);
		assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 0);
	}
	/* ::2 is not unspecified or loopback. */
	make_ipv6_udp(pkt, sizeof(pkt));
	memset(pkt + 8, 0, 16);
	pkt[23] = 2;
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 248);
}

static void ipv6_no_reply_to_malformed(void **state)
{
	uint8_t pkt[200], out[1280];

	make_ipv6_udp(pkt, sizeof(pkt));
	assert_int_equal(build6(pkt, 39, out, sizeof(out)), 0);
	/* Payload length beyond the buffer. */
	assert_int_equal(build6(pkt, 199, out, sizeof(out)), 0);
	/* ICMPv6 with no type byte. */
	pkt[4] = 0;
	pkt[5] = 0;
	pkt[6] = 58;
	assert_int_equal(build6(pkt, sizeof(pkt), out, sizeof(out)), 0);
}

static void unknown_version_or_null_input(void **state)
{
	uint8_t pkt[200], out[1280];

	make_ipv4_tcp(pkt, sizeof(pkt));
	pkt[0] = 0x05;
	assert_int_equal(build4(pkt, sizeof(pkt), out, sizeof(out)), 0);
	assert_int_equal(build4(NULL, 0, out, sizeof(out)), 0);
	make_ipv4_tcp(pkt, sizeof(pkt));
	assert_int_equal(build4(pkt, sizeof(pkt), NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(ipv4_tcp_message_fields),
	        cmocka_unit_test(ipv4_short_packet_quoted_whole),
	        cmocka_unit_test(ipv4_quote_ignores_trailing_bytes),
	        cmocka_unit_test(ipv4_quote_fits_capacity),
	        cmocka_unit_test(ipv4_mtu_clamped),
	        cmocka_unit_test(ipv4_no_reply_to_icmp_errors),
	        cmocka_unit_test(ipv4_no_reply_to_later_fragments),
	        cmocka_unit_test(ipv4_no_reply_to_non_host_source),
	        cmocka_unit_test(ipv4_no_reply_to_group_destination),
	        cmocka_unit_test(ipv4_no_reply_to_malformed),
	        cmocka_unit_test(ipv4_icmp_type_after_options),
	        cmocka_unit_test(ipv6_udp_message_fields),
	        cmocka_unit_test(ipv6_checksum_detects_change),
	        cmocka_unit_test(ipv6_mtu_at_least_1280),
	        cmocka_unit_test(ipv6_short_packet_quoted_whole),
	        cmocka_unit_test(ipv6_no_reply_to_icmp_errors),
	        cmocka_unit_test(ipv6_error_behind_extension_headers),
	        cmocka_unit_test(ipv6_no_reply_to_truncated_chain),
	        cmocka_unit_test(ipv6_no_reply_to_non_host_source),
	        cmocka_unit_test(ipv6_no_reply_to_malformed),
	        cmocka_unit_test(unknown_version_or_null_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
