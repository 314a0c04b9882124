// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ICMP "too big" messages for inner packets that exceed the tunnel MTU.
 * The cases that get no message follow RFC 1122 3.2.2 and RFC 1812 4.3.2.7
 * for IPv4 and RFC 4443 2.4 (e) for IPv6.  Every length check happens before
 * the field it guards is read.
 */
#include "dataplane/tun.h"

#include <netinet/in.h>
#include <string.h>

#include "util/buf.h"

#define IP4_HDR_LEN   20
#define IP6_HDR_LEN   40
#define ICMP_HDR_LEN  8
#define REPLY_HOP_MAX 64

/* RFC 1812 4.3.2.3: an ICMPv4 error should not exceed 576 bytes in total. */
#define ICMP4_MAX_LEN 576
/* RFC 4443 2.4 (c): an ICMPv6 error must not exceed the IPv6 minimum MTU. */
#define ICMP6_MAX_LEN 1280

#define IP4_MIN_MTU 68
#define IP6_MIN_MTU 1280

#define ICMP4_DEST_UNREACH   3
#define ICMP4_FRAG_NEEDED    4
#define ICMP6_PACKET_TOO_BIG 2

/* Max IPv6 extension headers walked. A longer chain gets no message. */
#define IP6_MAX_EXT_HEADERS 16

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += get_be16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/*
 * Returns whether an IPv4 source names a single host: not in 0.0.0.0/8,
 * loopback 127.0.0.0/8, multicast 224.0.0.0/4 or class E 240.0.0.0/4,
 * which contains the broadcast address 255.255.255.255.
 */
static bool ip4_is_host(const uint8_t *addr)
{
	return addr[0] != 0 && addr[0] != 127 && addr[0] < 224;
}

static bool ip4_is_broadcast_or_multicast(const uint8_t *addr)
{
	static const uint8_t broadcast[4] = {255, 255, 255, 255};

	return (addr[0] & 0xf0) == 224 || memcmp(addr, broadcast, 4) == 0;
}

/* ICMPv4 error types: unreachable, source quench, redirect, time exceeded,
 * parameter problem. */
static bool icmp4_type_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/*
 * Returns the total length of an IPv4 packet that may get a message, or 0
 * if it is malformed or RFC 1122 / RFC 1812 forbid an ICMP error for it.
 */
static size_t ip4_answerable_len(const uint8_t *pkt, size_t len)
{
	size_t hdr_len, total;

	if (len < IP4_HDR_LEN || pkt[0] >> 4 != 4)
		return 0;
	hdr_len = (size_t)(pkt[0] & 0x0f) * 4;
	total = get_be16(pkt + 2);
	if (hdr_len < IP4_HDR_LEN || total < hdr_len || total > len)
		return 0;

	/* Only the first fragment carries the upper-layer header. */
	if ((get_be16(pkt + 6) & 0x1fff) != 0)
		return 0;
	if (!ip4_is_host(pkt + 12) || ip4_is_broadcast_or_multicast(pkt + 16))
		return 0;

	if (pkt[9] == IPPROTO_ICMP) {
		if (total == hdr_len)
			return 0;
		if (icmp4_type_is_error(pkt[hdr_len]))
			return 0;
	}
	return total;
}

static void ip4_put_header(uint8_t *out, size_t total, const uint8_t *src,
                           const uint8_t *dst)
{
	memset(out, 0, IP4_HDR_LEN);
	out[0] = 0x45;
	put_be16(out + 2, (uint16_t)total);
	/* Identification, flags and fragment offset stay 0, so DF is clear. */
	out[8] = REPLY_HOP_MAX;
	out[9] = IPPROTO_ICMP;
	memcpy(out + 12, src, 4);
	memcpy(out + 16, dst, 4);
	put_be16(out + 10, csum_fold(csum_add(0, out, IP4_HDR_LEN)));
}

static size_t icmp4_build(const uint8_t *pkt, size_t len, unsigned mtu,
                          const uint8_t *src, uint8_t *out, size_t out_cap)
{
	const size_t prefix = IP4_HDR_LEN + ICMP_HDR_LEN;
	size_t orig_len, quote, min_quote;
	uint8_t *icmp;

	orig_len = ip4_answerable_len(pkt, len);
	if (orig_len == 0 || out_cap < prefix)
		return 0;

	/* RFC 792 requires the IP header and the first 8 data bytes. */
	min_quote = min_size(orig_len, (size_t)(pkt[0] & 0x0f) * 4 + 8);
	quote = min_size(orig_len, ICMP4_MAX_LEN - prefix);
	quote = min_size(quote, out_cap - prefix);
	if (quote < min_quote)
		return 0;

	if (mtu < IP4_MIN_MTU)
		mtu = IP4_MIN_MTU;
	if (mtu > UINT16_MAX)
		mtu = UINT16_MAX;

	ip4_put_header(out, prefix + quote, src, pkt + 12);
	icmp = out + IP4_HDR_LEN;
	memset(icmp, 0, ICMP_HDR_LEN);
	icmp[0] = ICMP4_DEST_UNREACH;
	icmp[1] = ICMP4_FRAG_NEEDED;
	/* RFC 1191: bytes 4-5 are unused, bytes 6-7 the next-hop MTU. */
	put_be16(icmp + 6, (uint16_t)mtu);
	memcpy(icmp + ICMP_HDR_LEN, pkt, quote);
	put_be16(icmp + 2, csum_fold(csum_add(0, icmp, ICMP_HDR_LEN + quote)));
	return prefix + quote;
}

/* Returns whether an IPv6 source is not ::, ::1 or in ff00::/8. */
static bool ip6_is_host(const uint8_t *addr)
{
	static const uint8_t zero[15];

	if (addr[0] == 0xff)
		return false;
	return memcmp(addr, zero, 15) != 0 || addr[15] > 1;
}

/* Returns the length of the extension header at pkt[off], or 0 if the
 * chain ends there or the header does not fit in len. */
static size_t ip6_ext_len(uint8_t type, const uint8_t *pkt, size_t off,
                          size_t len)
{
	size_t ext_len;

	if (len - off < 8)
		return 0;
	if (type == IPPROTO_FRAGMENT)
		ext_len = 8;
	else if (type == IPPROTO_AH)
		ext_len = ((size_t)pkt[off + 1] + 2) * 4;
	else
		ext_len = ((size_t)pkt[off + 1] + 1) * 8;
	return ext_len <= len - off ? ext_len : 0;
}

/*
 * Walks the extension headers of an IPv6 packet of len bytes.  Returns 1
 * if it carries an ICMPv6 error (type below 128), 0 if not or if this
 * fragment does not contain the upper-layer header, -1 if the chain is
 * truncated or longer than IP6_MAX_EXT_HEADERS.
 */
static int ip6_carries_icmp_error(const uint8_t *pkt, size_t len)
{
	uint8_t next = pkt[6];
	size_t off = IP6_HDR_LEN;
	size_t ext_len;

	for (int i = 0; i < IP6_MAX_EXT_HEADERS; i++) {
		switch (next) {
		case IPPROTO_ICMPV6:
			if (off >= len)
				return -1;
			return pkt[off] < 128;
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_AH:
		case IPPROTO_FRAGMENT:
			break;
		default:
			return 0;
		}

		ext_len = ip6_ext_len(next, pkt, off, len);
		if (ext_len == 0)
			return -1;
		if (next == IPPROTO_FRAGMENT &&
		    (get_be16(pkt + off + 2) & 0xfff8) != 0)
			return 0;
		next = pkt[off];
		off += ext_len;
	}
	return -1;
}

/* Returns the length of an IPv6 packet that may get a message, or 0. */
static size_t ip6_answerable_len(const uint8_t *pkt, size_t len)
{
	size_t total;

	if (len < IP6_HDR_LEN || pkt[0] >> 4 != 6)
		return 0;
	/* A payload length of 0 with more data would be a jumbogram, which
	 * is not supported, so only the 40-byte header is considered. */
	total = IP6_HDR_LEN + get_be16(pkt + 4);
	if (total > len)
		return 0;
	if (!ip6_is_host(pkt + 8))
		return 0;
	if (ip6_carries_icmp_error(pkt, total) != 0)
		return 0;
	return total;
}

static uint16_t icmp6_checksum(const uint8_t *ip6, const uint8_t *msg,
                               size_t msg_len)
{
	uint32_t sum;

	/* RFC 8200 8.1 pseudo header: addresses, length, next header. */
	sum = csum_add(0, ip6 + 8, 32);
	sum += (uint32_t)(msg_len >> 16) + (uint32_t)(msg_len & 0xffff);
	sum += IPPROTO_ICMPV6;
	return csum_fold(csum_add(sum, msg, msg_len));
}

static size_t icmp6_build(const uint8_t *pkt, size_t len, unsigned mtu,
                          const uint8_t *src, uint8_t *out, size_t out_cap)
{
	const size_t prefix = IP6_HDR_LEN + ICMP_HDR_LEN;
	size_t orig_len, quote;
	uint8_t *icmp;

	orig_len = ip6_answerable_len(pkt, len);
	if (orig_len == 0 || out_cap < prefix)
		return 0;

	quote = min_size(orig_len, ICMP6_MAX_LEN - prefix);
	quote = min_size(quote, out_cap - prefix);
	/* Quote at least the IPv6 header and 8 bytes so the sender can find
	 * the flow. */
	if (quote < min_size(orig_len, IP6_HDR_LEN + 8))
		return 0;
	if (mtu < IP6_MIN_MTU)
		mtu = IP6_MIN_MTU;

	memset(out, 0, IP6_HDR_LEN);
	out[0] = 0x60;
	put_be16(out + 4, (uint16_t)(ICMP_HDR_LEN + quote));
	out[6] = IPPROTO_ICMPV6;
	out[7] = REPLY_HOP_MAX;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, pkt + 8, 16);

	icmp = out + IP6_HDR_LEN;
	memset(icmp, 0, ICMP_HDR_LEN);
	icmp[0] = ICMP6_PACKET_TOO_BIG;
	put_be32(icmp + 4, mtu);
	memcpy(icmp + ICMP_HDR_LEN, pkt, quote);
	put_be16(icmp + 2, icmp6_checksum(out, icmp, ICMP_HDR_LEN + quote));
	return prefix + quote;
}

size_t icmp_build_too_big(const uint8_t *pkt, size_t len, unsigned mtu,
                          const uint8_t *src, uint8_t *out, size_t out_cap)
{
	if (!pkt || !src || !out || len == 0)
		return 0;
	if (pkt[0] >> 4 == 4)
		return icmp4_build(pkt, len, mtu, src, out, out_cap);
	if (pkt[0] >> 4 == 6)
		return icmp6_build(pkt, len, mtu, src, out, out_cap);
	return 0;
}
