// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ipc/decode.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "crypto/ids.h"

static int invalid(struct ipc_msg *out, const char *reason)
{
	out->reason = reason;
	return -EINVAL;
}

/* Copies a connection name of n bytes, which must be printable ASCII so it
 * is safe to log and holds no NUL. */
static int read_name(struct reader *r, size_t n, char *name,
                     struct ipc_msg *out)
{
	const uint8_t *p;

	if (n < 1 || n > IPC_NAME_MAX)
		return invalid(out, "connection name length out of range");
	if (!read_ref(r, &p, n))
		return invalid(out, "connection name past the body");
	for (size_t i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] > 0x7e)
			return invalid(out, "connection name not printable");
	}
	memcpy(name, p, n);
	name[n] = '\0';
	return 0;
}

static int read_status(struct reader *r, int *error, struct ipc_msg *out)
{
	uint32_t status;

	if (!read_u32(r, &status))
		return invalid(out, "status missing");
	if (status > IPC_ERRNO_MAX)
		return invalid(out, "status is not an errno value");
	*error = -(int)status;
	return 0;
}

int ipc_decode_empty(struct reader *r, struct ipc_msg *out)
{
	return 0;
}

int ipc_decode_config(struct reader *r, struct ipc_msg *out)
{
	size_t len = reader_left(r);
	const uint8_t *text;

	if (!read_ref(r, &text, len))
		return invalid(out, "configuration text past the body");
	if (memchr(text, '\0', len))
		return invalid(out, "configuration text contains a NUL byte");
	out->u.config.text = (const char *)text;
	out->u.config.len = len;
	return 0;
}

int ipc_decode_socket(struct reader *r, struct ipc_msg *out)
{
	struct ipc_socket *s = &out->u.socket;
	uint8_t zero;

	read_u8(r, &s->role);
	read_u8(r, &zero);
	read_u16(r, &s->realm);
	if (r->failed)
		return invalid(out, "socket body truncated");
	if (s->role < IPC_SOCK_IKE4 || s->role > IPC_SOCK_CONTROL)
		return invalid(out, "unknown socket role");
	if (zero != 0)
		return invalid(out, "reserved socket byte is not zero");
	if (s->role != IPC_SOCK_TUN && s->realm != 0)
		return invalid(out, "realm index on a socket other than TUN");
	return 0;
}

static bool prf_allowed(uint16_t prf)
{
	return prf == PRF_HMAC_SHA2_256 || prf == PRF_HMAC_SHA2_384 ||
	       prf == PRF_HMAC_SHA2_512;
}

int ipc_decode_auth_request(struct reader *r, struct ipc_msg *out)
{
	struct ipc_auth_request *a = &out->u.auth_request;
	uint8_t name_len;
	int err;

	read_u64(r, &a->spi_i);
	read_u64(r, &a->spi_r);
	read_u16(r, &a->prf);
	read_u8(r, &a->purpose);
	read_u8(r, &name_len);
	if (r->failed)
		return invalid(out, "AUTH request truncated");
	if (a->spi_i == 0 || a->spi_r == 0)
		return invalid(out, "IKE SA SPI is zero");
	if (!prf_allowed(a->prf))
		return invalid(out, "PRF is not HMAC-SHA2");
	if (a->purpose != IPC_AUTH_OWN && a->purpose != IPC_AUTH_PEER)
		return invalid(out, "unknown AUTH purpose");
	err = read_name(r, name_len, a->conn, out);
	if (err)
		return err;

	a->octets_len = reader_left(r);
	if (a->octets_len < 1 || a->octets_len > IPC_OCTETS_MAX)
		return invalid(out, "signed octets length out of range");
	read_ref(r, &a->octets, a->octets_len);
	return 0;
}

int ipc_decode_auth_reply(struct reader *r, struct ipc_msg *out)
{
	struct ipc_auth_reply *a = &out->u.auth_reply;
	int err = read_status(r, &a->error, out);

	if (err)
		return err;
	a->auth_len = reader_left(r);
	if (a->error != 0 && a->auth_len != 0)
		return invalid(out, "AUTH value with a failure status");
	if (a->error == 0 && a->auth_len == 0)
		return invalid(out, "AUTH value missing");
	read_ref(r, &a->auth, a->auth_len);
	return 0;
}

/* Whether every bit of the 16-byte field from bit `from` on is zero. */
static bool zero_from_bit(const uint8_t *addr, unsigned from)
{
	for (unsigned bit = from; bit < 128; bit++) {
		if (addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	}
	return true;
}

static int check_route_addrs(const struct ipc_route_request *rt,
                             struct ipc_msg *out)
{
	unsigned bits = rt->family == AF_INET ? 32 : 128;

	if (rt->prefix_len > bits)
		return invalid(out, "prefix length too long for the family");
	if (!zero_from_bit(rt->prefix, rt->prefix_len))
		return invalid(out, "prefix has host bits set");
	if (!zero_from_bit(rt->source, rt->has_source ? bits : 0))
		return invalid(out, "source bytes outside the address");
	return 0;
}

static int read_route_fixed(struct reader *r, struct ipc_route_request *rt,
                            uint8_t *name_len, struct ipc_msg *out)
{
	uint8_t family, flags, zero;

	read_u8(r, &rt->op);
	read_u8(r, &family);
	read_u8(r, &rt->prefix_len);
	read_u8(r, &flags);
	read_u16(r, &rt->realm);
	read_u8(r, name_len);
	read_u8(r, &zero);
	read_bytes(r, rt->prefix, sizeof(rt->prefix));
	read_bytes(r, rt->source, sizeof(rt->source));
	if (r->failed)
		return invalid(out, "route request truncated");
	if (rt->op != IPC_ROUTE_ADD && rt->op != IPC_ROUTE_DELETE)
		return invalid(out, "unknown route operation");
	if (family != 4 && family != 6)
		return invalid(out, "route family is not 4 or 6");
	if (flags & ~IPC_ROUTE_HAS_SOURCE)
		return invalid(out, "unknown route flags");
	if (zero != 0)
		return invalid(out, "reserved route byte is not zero");
	rt->family = family == 4 ? AF_INET : AF_INET6;
	rt->has_source = flags & IPC_ROUTE_HAS_SOURCE;
	return 0;
}

int ipc_decode_route_request(struct reader *r, struct ipc_msg *out)
{
	struct ipc_route_request *rt = &out->u.route_request;
	uint8_t name_len;
	int err;

	err = read_route_fixed(r, rt, &name_len, out);
	if (err)
		return err;
	err = check_route_addrs(rt, out);
	if (err)
		return err;
	if (name_len != reader_left(r))
		return invalid(out, "connection name length differs from body");
	return read_name(r, name_len, rt->conn, out);
}

int ipc_decode_route_reply(struct reader *r, struct ipc_msg *out)
{
	return read_status(r, &out->u.route_reply.error, out);
}

int ipc_decode_reload_reply(struct reader *r, struct ipc_msg *out)
{
	struct ipc_reload_reply *rr = &out->u.reload_reply;
	const uint8_t *text;
	int err;

	err = read_status(r, &rr->error, out);
	if (err)
		return err;
	rr->len = reader_left(r);
	if (rr->error != 0 && rr->len > IPC_MESSAGE_MAX)
		return invalid(out, "reload error message too long");
	if (!read_ref(r, &text, rr->len))
		return invalid(out, "reload text past the body");
	if (memchr(text, '\0', rr->len))
		return invalid(out, "reload text contains a NUL byte");
	rr->text = (const char *)text;
	return 0;
}
