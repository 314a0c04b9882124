// SPDX-License-Identifier: LGPL-2.1-or-later
/* ipc_parse and ipc_encode without sockets: every table and field rule. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "crypto/ids.h"
#include "ipc/ipc.h"

#define ENGINE IPC_FROM_ENGINE
#define KEEPER IPC_FROM_KEEPER

static uint8_t dgram[IPC_MSG_MAX + 16];

/* Builds a datagram in `dgram` whose header says body_len bytes. */
static size_t build(uint16_t type, uint16_t flags, const void *body,
                    size_t body_len)
{
	struct ipc_header h = {
	        .type = type,
	        .flags = flags,
	        .length = (uint32_t)body_len,
	        .id = 7,
	};

	memcpy(dgram, &h, sizeof(h));
	if (body_len > 0 && body)
		memcpy(dgram + sizeof(h), body, body_len);
	return sizeof(h) + body_len;
}

/* Encodes msg->u into `dgram` with a header, as ipc_send_msg would. */
static size_t build_msg(const struct ipc_msg *msg, uint16_t flags)
{
	struct writer w;

	writer_init(&w, dgram + IPC_HEADER_LEN, sizeof(dgram) - IPC_HEADER_LEN);
	assert_int_equal(ipc_encode(msg, &w), 0);
	struct ipc_header h = {
	        .type = msg->type,
	        .flags = flags,
	        .length = (uint32_t)w.off,
	        .id = msg->id,
	};
	memcpy(dgram, &h, sizeof(h));
	return IPC_HEADER_LEN + w.off;
}

/* No NUL, so a name that runs into the octets stays printable. */
static const uint8_t octets[13] = "signed octets";

static struct ipc_msg auth_request(void)
{
	struct ipc_msg m = {.type = IPC_AUTH_PSK_REQUEST, .id = 3};
	struct ipc_auth_request *a = &m.u.auth_request;

	a->spi_i = 0x1122334455667788ull;
	a->spi_r = 0x99aabbccddeeff00ull;
	a->prf = PRF_HMAC_SHA2_256;
	a->purpose = IPC_AUTH_OWN;
	strcpy(a->conn, "gw-b");
	a->octets = octets;
	a->octets_len = sizeof(octets);
	return m;
}

static struct ipc_msg route_request(void)
{
	struct ipc_msg m = {.type = IPC_ROUTE_REQUEST, .id = 4};
	struct ipc_route_request *rt = &m.u.route_request;
	const uint8_t net[] = {198, 51, 100, 0};
	const uint8_t src[] = {192, 0, 2, 1};

	rt->op = IPC_ROUTE_ADD;
	rt->family = AF_INET;
	memcpy(rt->prefix, net, sizeof(net));
	rt->prefix_len = 24;
	rt->has_source = true;
	memcpy(rt->source, src, sizeof(src));
	rt->realm = 2;
	strcpy(rt->conn, "gw-b");
	return m;
}

static int parse(size_t len, bool has_fd, enum ipc_peer from,
                 struct ipc_msg *out)
{
	int err = ipc_parse(dgram, len, has_fd, from, out);

	if (err)
		assert_non_null(out->reason);
	return err;
}

static void hello_parses(void **state)
{
	struct ipc_msg m;
	size_t len = build(IPC_ENGINE_HELLO, 0, NULL, 0);

	assert_int_equal(parse(len, false, ENGINE, &m), 0);
	assert_int_equal(m.type, IPC_ENGINE_HELLO);
	assert_int_equal(m.id, 7);
	assert_int_equal(m.body_len, 0);
	assert_int_equal(m.fd, -1);
	assert_null(m.reason);
}

static void auth_request_fields_decode(void **state)
{
	struct ipc_msg in = auth_request(), m;
	size_t len = build_msg(&in, 0);
	const struct ipc_auth_request *a = &m.u.auth_request;

	assert_int_equal(len, IPC_HEADER_LEN + 20 + 4 + sizeof(octets));
	assert_int_equal(parse(len, false, ENGINE, &m), 0);
	assert_int_equal(m.id, 3);
	assert_true(a->spi_i == 0x1122334455667788ull);
	assert_true(a->spi_r == 0x99aabbccddeeff00ull);
	assert_int_equal(a->prf, PRF_HMAC_SHA2_256);
	assert_int_equal(a->purpose, IPC_AUTH_OWN);
	assert_string_equal(a->conn, "gw-b");
	assert_int_equal(a->octets_len, sizeof(octets));
	assert_memory_equal(a->octets, octets, sizeof(octets));
}

static void route_request_fields_decode(void **state)
{
	struct ipc_msg in = route_request(), m;
	size_t len = build_msg(&in, 0);
	const struct ipc_route_request *rt = &m.u.route_request;

	assert_int_equal(parse(len, false, ENGINE, &m), 0);
	assert_int_equal(rt->op, IPC_ROUTE_ADD);
	assert_int_equal(rt->family, AF_INET);
	assert_int_equal(rt->prefix_len, 24);
	assert_memory_equal(rt->prefix, in.u.route_request.prefix, 16);
	assert_true(rt->has_source);
	assert_memory_equal(rt->source, in.u.route_request.source, 16);
	assert_int_equal(rt->realm, 2);
	assert_string_equal(rt->conn, "gw-b");
}

static void header_rules_reject(void **state)
{
	struct ipc_msg m;
	size_t len;

	/* Shorter than the header. */
	build(IPC_ENGINE_HELLO, 0, NULL, 0);
	assert_int_equal(parse(IPC_HEADER_LEN - 1, false, ENGINE, &m),
	                 -EBADMSG);
	/* The header claims more, or fewer, bytes than arrived. */
	len = build(IPC_ROUTE_REPLY, 0, "\0\0\0\0", 4);
	assert_int_equal(parse(len - 1, false, KEEPER, &m), -EBADMSG);
	dgram[len] = 0;
	assert_int_equal(parse(len + 1, false, KEEPER, &m), -EBADMSG);
	/* Unknown flag bits. */
	len = build(IPC_ROUTE_REPLY, 0x8000, "\0\0\0\0", 4);
	assert_int_equal(parse(len, false, KEEPER, &m), -EINVAL);
}

static void unknown_type_rejected(void **state)
{
	const uint16_t types[] = {0, 10, 0x100, 0xffff};
	struct ipc_msg m;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t len = build(types[i], 0, NULL, 0);

		assert_int_equal(parse(len, false, ENGINE, &m), -ENOMSG);
		assert_int_equal(parse(len, false, KEEPER, &m), -ENOMSG);
		assert_string_equal(ipc_type_name(types[i]), "UNKNOWN");
	}
}

static void wrong_direction_rejected(void **state)
{
	struct ipc_msg m, in = auth_request();
	size_t len;

	len = build(IPC_ENGINE_HELLO, 0, NULL, 0);
	assert_int_equal(parse(len, false, KEEPER, &m), -EPERM);
	len = build_msg(&in, 0);
	assert_int_equal(parse(len, false, KEEPER, &m), -EPERM);
	in = route_request();
	len = build_msg(&in, 0);
	assert_int_equal(parse(len, false, KEEPER, &m), -EPERM);
	len = build(IPC_KEEPER_CONFIG, 0, "a = 1;", 6);
	assert_int_equal(parse(len, false, ENGINE, &m), -EPERM);
	len = build(IPC_AUTH_PSK_REPLY, 0, "\0\0\0\x0d", 4);
	assert_int_equal(parse(len, false, ENGINE, &m), -EPERM);
	len = build(IPC_ROUTE_REPLY, 0, "\0\0\0\0", 4);
	assert_int_equal(parse(len, false, ENGINE, &m), -EPERM);
	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x01\0\0\0", 4);
	assert_int_equal(parse(len, true, ENGINE, &m), -EPERM);
}

static void wrong_size_rejected(void **state)
{
	struct ipc_msg m;
	size_t len;

	len = build(IPC_ENGINE_HELLO, 0, "x", 1);
	assert_int_equal(parse(len, false, ENGINE, &m), -EMSGSIZE);
	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x01\0\0", 3);
	assert_int_equal(parse(len, true, KEEPER, &m), -EMSGSIZE);
	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x01\0\0\0\0", 5);
	assert_int_equal(parse(len, true, KEEPER, &m), -EMSGSIZE);
	len = build(IPC_ROUTE_REPLY, 0, "\0\0\0\0\0", 5);
	assert_int_equal(parse(len, false, KEEPER, &m), -EMSGSIZE);
	len = build(IPC_KEEPER_CONFIG, 0, NULL, 0);
	assert_int_equal(parse(len, false, KEEPER, &m), -EMSGSIZE);
	len = build(IPC_AUTH_PSK_REQUEST, 0, NULL, 21);
	assert_int_equal(parse(len, false, ENGINE, &m), -EMSGSIZE);
	len = build(IPC_ROUTE_REQUEST, 0, NULL, 40);
	assert_int_equal(parse(len, false, ENGINE, &m), -EMSGSIZE);
}

static void oversized_rejected(void **state)
{
	struct ipc_msg m;
	size_t len;

	memset(dgram + IPC_HEADER_LEN, 'a', IPC_CONFIG_MAX + 1);
	len = build(IPC_KEEPER_CONFIG, 0, NULL, IPC_CONFIG_MAX);
	assert_int_equal(parse(len, false, KEEPER, &m), 0);
	assert_int_equal(m.u.config.len, IPC_CONFIG_MAX);
	len = build(IPC_KEEPER_CONFIG, 0, NULL, IPC_CONFIG_MAX + 1);
	assert_int_equal(parse(len, false, KEEPER, &m), -EMSGSIZE);

	len = build(IPC_AUTH_PSK_REPLY, 0, NULL, 4 + IPC_AUTH_MAX + 1);
	assert_int_equal(parse(len, false, KEEPER, &m), -EMSGSIZE);
	len = build(IPC_AUTH_PSK_REQUEST, 0, NULL,
	            20 + IPC_NAME_MAX + IPC_OCTETS_MAX + 1);
	assert_int_equal(parse(len, false, ENGINE, &m), -EMSGSIZE);
	len = build(IPC_ROUTE_REQUEST, 0, NULL, 40 + IPC_NAME_MAX + 1);
	assert_int_equal(parse(len, false, ENGINE, &m), -EMSGSIZE);
}

static void fd_rules_reject(void **state)
{
	struct ipc_msg m, in = auth_request();
	size_t len;

	/* A descriptor with a type that allows none. */
	len = build(IPC_ENGINE_HELLO, IPC_FLAG_FD, NULL, 0);
	assert_int_equal(parse(len, true, ENGINE, &m), -EBADF);
	len = build_msg(&in, IPC_FLAG_FD);
	assert_int_equal(parse(len, true, ENGINE, &m), -EBADF);
	len = build(IPC_KEEPER_CONFIG, IPC_FLAG_FD, "a = 1;", 6);
	assert_int_equal(parse(len, true, KEEPER, &m), -EBADF);
	len = build(IPC_ROUTE_REPLY, IPC_FLAG_FD, "\0\0\0\0", 4);
	assert_int_equal(parse(len, true, KEEPER, &m), -EBADF);

	/* SOCKET without its descriptor, flagged or not. */
	len = build(IPC_SOCKET, 0, "\x01\0\0\0", 4);
	assert_int_equal(parse(len, false, KEEPER, &m), -EBADF);
	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x01\0\0\0", 4);
	assert_int_equal(parse(len, false, KEEPER, &m), -EBADF);
	/* A descriptor the header does not announce. */
	len = build(IPC_SOCKET, 0, "\x01\0\0\0", 4);
	assert_int_equal(parse(len, true, KEEPER, &m), -EBADF);
	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x01\0\0\0", 4);
	assert_int_equal(parse(len, true, KEEPER, &m), 0);
	assert_int_equal(m.u.socket.role, IPC_SOCK_IKE4);
}

static void socket_fields_checked(void **state)
{
	struct ipc_msg m;
	size_t len;

	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x07\0\0\x03", 4);
	assert_int_equal(parse(len, true, KEEPER, &m), 0);
	assert_int_equal(m.u.socket.role, IPC_SOCK_TUN);
	assert_int_equal(m.u.socket.realm, 3);

	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x09\0\0\0", 4);
	assert_int_equal(parse(len, true, KEEPER, &m), -EINVAL);
	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x00\0\0\0", 4);
	assert_int_equal(parse(len, true, KEEPER, &m), -EINVAL);
	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x01\x01\0\0", 4);
	assert_int_equal(parse(len, true, KEEPER, &m), -EINVAL);
	len = build(IPC_SOCKET, IPC_FLAG_FD, "\x03\0\0\x01", 4);
	assert_int_equal(parse(len, true, KEEPER, &m), -EINVAL);
}

static void config_nul_rejected(void **state)
{
	struct ipc_msg m;
	size_t len;

	len = build(IPC_KEEPER_CONFIG, 0, "a = 1;\0", 7);
	assert_int_equal(parse(len, false, KEEPER, &m), -EINVAL);
	len = build(IPC_KEEPER_CONFIG, 0, "a = 1;", 6);
	assert_int_equal(parse(len, false, KEEPER, &m), 0);
	assert_int_equal(m.u.config.len, 6);
	assert_memory_equal(m.u.config.text, "a = 1;", 6);
}

/* Parses a valid AUTH request with the body byte at off set to value. */
static int parse_edited_auth(size_t off, uint8_t value)
{
	struct ipc_msg in = auth_request(), m;
	size_t len = build_msg(&in, 0);

	dgram[IPC_HEADER_LEN + off] = value;
	return parse(len, false, ENGINE, &m);
}

static void auth_request_fields_checked(void **state)
{
	struct ipc_msg in = auth_request(), m;
	uint8_t big[IPC_OCTETS_MAX + 1] = {0};
	struct writer w;
	size_t len;

	assert_int_equal(parse_edited_auth(0, 0x11), 0);
	assert_int_equal(parse_edited_auth(17, PRF_HMAC_SHA1), -EINVAL);
	assert_int_equal(parse_edited_auth(17, 0), -EINVAL);
	assert_int_equal(parse_edited_auth(18, 0), -EINVAL);
	assert_int_equal(parse_edited_auth(18, 3), -EINVAL);
	assert_int_equal(parse_edited_auth(18, IPC_AUTH_PEER), 0);
	assert_int_equal(parse_edited_auth(19, 0), -EINVAL);
	assert_int_equal(parse_edited_auth(19, 64), -EINVAL);
	assert_int_equal(parse_edited_auth(20, '\n'), -EINVAL);
	assert_int_equal(parse_edited_auth(21, 0x7f), -EINVAL);
	/* A name that swallows the octets leaves none. */
	assert_int_equal(parse_edited_auth(19, 4 + sizeof(octets)), -EINVAL);

	/* Octets one past the limit fit the body rule with a short name. */
	in = auth_request();
	in.u.auth_request.octets = big;
	in.u.auth_request.octets_len = sizeof(big);
	writer_init(&w, dgram + IPC_HEADER_LEN, sizeof(dgram) - IPC_HEADER_LEN);
	assert_int_equal(ipc_encode(&in, &w), -EINVAL);
	len = build(IPC_AUTH_PSK_REQUEST, 0, NULL, w.off);
	assert_int_equal(parse(len, false, ENGINE, &m), -EINVAL);
}

static void auth_request_zero_spi_rejected(void **state)
{
	struct ipc_msg in = auth_request(), m;
	size_t len = build_msg(&in, 0);

	memset(dgram + IPC_HEADER_LEN, 0, 8);
	assert_int_equal(parse(len, false, ENGINE, &m), -EINVAL);
	len = build_msg(&in, 0);
	memset(dgram + IPC_HEADER_LEN + 8, 0, 8);
	assert_int_equal(parse(len, false, ENGINE, &m), -EINVAL);
}

static void auth_reply_rules(void **state)
{
	uint8_t body[4 + IPC_AUTH_MAX];
	struct ipc_msg m;
	size_t len;

	memset(body, 0xab, sizeof(body));
	memset(body, 0, 4);
	len = build(IPC_AUTH_PSK_REPLY, 0, body, 4 + 32);
	assert_int_equal(parse(len, false, KEEPER, &m), 0);
	assert_int_equal(m.u.auth_reply.error, 0);
	assert_int_equal(m.u.auth_reply.auth_len, 32);
	assert_memory_equal(m.u.auth_reply.auth, body + 4, 32);

	/* Success without a value. */
	len = build(IPC_AUTH_PSK_REPLY, 0, body, 4);
	assert_int_equal(parse(len, false, KEEPER, &m), -EINVAL);
	/* Failure with a value. */
	body[3] = ENOENT;
	len = build(IPC_AUTH_PSK_REPLY, 0, body, 4 + 32);
	assert_int_equal(parse(len, false, KEEPER, &m), -EINVAL);
	len = build(IPC_AUTH_PSK_REPLY, 0, body, 4);
	assert_int_equal(parse(len, false, KEEPER, &m), 0);
	assert_int_equal(m.u.auth_reply.error, -ENOENT);
	/* A status above the errno range. */
	body[2] = 0x10;
	len = build(IPC_AUTH_PSK_REPLY, 0, body, 4);
	assert_int_equal(parse(len, false, KEEPER, &m), -EINVAL);
}

static int parse_edited_route(struct ipc_msg in, size_t off, uint8_t value)
{
	struct ipc_msg m;
	size_t len = build_msg(&in, 0);

	dgram[IPC_HEADER_LEN + off] = value;
	return parse(len, false, ENGINE, &m);
}

static void route_request_fields_checked(void **state)
{
	struct ipc_msg in = route_request();
	struct writer w;

	assert_int_equal(parse_edited_route(in, 0, IPC_ROUTE_DELETE), 0);
	assert_int_equal(parse_edited_route(in, 0, 3), -EINVAL);
	assert_int_equal(parse_edited_route(in, 1, 5), -EINVAL);
	assert_int_equal(parse_edited_route(in, 2, 33), -EINVAL);
	/* 198.51.100.0/21 has a host bit set in its third byte. */
	assert_int_equal(parse_edited_route(in, 2, 21), -EINVAL);
	assert_int_equal(parse_edited_route(in, 2, 22), 0);
	assert_int_equal(parse_edited_route(in, 2, 32), 0);
	assert_int_equal(parse_edited_route(in, 3, 0x02), -EINVAL);
	assert_int_equal(parse_edited_route(in, 3, 0x00), -EINVAL);
	assert_int_equal(parse_edited_route(in, 6, 5), -EINVAL);
	assert_int_equal(parse_edited_route(in, 7, 1), -EINVAL);
	/* Bytes past the IPv4 address, in the prefix and the source. */
	assert_int_equal(parse_edited_route(in, 8 + 4, 1), -EINVAL);
	assert_int_equal(parse_edited_route(in, 24 + 15, 1), -EINVAL);
	assert_int_equal(parse_edited_route(in, 40, 0x1b), -EINVAL);

	/* The encoder checks the same rules. */
	in.u.route_request.prefix_len = 16;
	writer_init(&w, dgram, sizeof(dgram));
	assert_int_equal(ipc_encode(&in, &w), -EINVAL);
	in = route_request();
	in.u.route_request.family = AF_INET6;
	in.u.route_request.prefix_len = 128;
	writer_init(&w, dgram, sizeof(dgram));
	assert_int_equal(ipc_encode(&in, &w), 0);
}

static void encode_rejects_long_name(void **state)
{
	struct ipc_msg in = auth_request();
	struct writer w;

	memset(in.u.auth_request.conn, 'a', IPC_NAME_MAX);
	in.u.auth_request.conn[IPC_NAME_MAX] = '\0';
	writer_init(&w, dgram, sizeof(dgram));
	assert_int_equal(ipc_encode(&in, &w), 0);

	in.u.auth_request.conn[0] = '\0';
	writer_init(&w, dgram, sizeof(dgram));
	assert_int_equal(ipc_encode(&in, &w), -EINVAL);

	in.type = 99;
	writer_init(&w, dgram, sizeof(dgram));
	assert_int_equal(ipc_encode(&in, &w), -ENOMSG);

	in = auth_request();
	writer_init(&w, dgram, 10);
	assert_int_equal(ipc_encode(&in, &w), -ENOBUFS);
}

static void reload_request_rules(void **state)
{
	struct ipc_msg m;
	size_t len = build(IPC_RELOAD_REQUEST, 0, NULL, 0);

	assert_int_equal(parse(len, false, ENGINE, &m), 0);
	assert_int_equal(m.type, IPC_RELOAD_REQUEST);
	assert_int_equal(parse(len, false, KEEPER, &m), -EPERM);
	assert_int_equal(parse(len, true, ENGINE, &m), -EBADF);
	len = build(IPC_RELOAD_REQUEST, 0, "x", 1);
	assert_int_equal(parse(len, false, ENGINE, &m), -EMSGSIZE);
}

/* Builds a RELOAD_REPLY of status and text of n bytes. */
static size_t reload_reply(uint32_t status, const char *text, size_t n)
{
	static uint8_t body[4 + IPC_CONFIG_MAX + 1];

	body[0] = (uint8_t)(status >> 24);
	body[1] = (uint8_t)(status >> 16);
	body[2] = (uint8_t)(status >> 8);
	body[3] = (uint8_t)status;
	memcpy(body + 4, text, n);
	return build(IPC_RELOAD_REPLY, 0, body, 4 + n);
}

static void reload_reply_rules(void **state)
{
	static char big[IPC_CONFIG_MAX + 1];
	struct ipc_msg m;
	const char conf[] = "log_level = \"info\";";

	assert_int_equal(parse(reload_reply(0, conf, strlen(conf)), false,
	                       KEEPER, &m),
	                 0);
	assert_int_equal(m.u.reload_reply.error, 0);
	assert_int_equal(m.u.reload_reply.len, strlen(conf));
	assert_memory_equal(m.u.reload_reply.text, conf, strlen(conf));

	assert_int_equal(parse(reload_reply(22, "a.conf:3: bad", 13), false,
	                       KEEPER, &m),
	                 0);
	assert_int_equal(m.u.reload_reply.error, -22);

	/* Direction, empty text, NUL bytes, sizes and the errno range. */
	assert_int_equal(parse(reload_reply(0, conf, strlen(conf)), false,
	                       ENGINE, &m),
	                 -EPERM);
	assert_int_equal(parse(reload_reply(0, "", 0), false, KEEPER, &m),
	                 -EMSGSIZE);
	assert_int_equal(parse(reload_reply(0, "a\0b", 3), false, KEEPER, &m),
	                 -EINVAL);
	memset(big, 'x', sizeof(big));
	assert_int_equal(parse(reload_reply(0, big, IPC_CONFIG_MAX), false,
	                       KEEPER, &m),
	                 0);
	assert_int_equal(parse(reload_reply(0, big, IPC_CONFIG_MAX + 1), false,
	                       KEEPER, &m),
	                 -EMSGSIZE);
	assert_int_equal(parse(reload_reply(5, big, IPC_MESSAGE_MAX), false,
	                       KEEPER, &m),
	                 0);
	assert_int_equal(parse(reload_reply(5, big, IPC_MESSAGE_MAX + 1),
	                       false, KEEPER, &m),
	                 -EINVAL);
	assert_int_equal(parse(reload_reply(IPC_ERRNO_MAX + 1, "x", 1), false,
	                       KEEPER, &m),
	                 -EINVAL);

	/* ipc_encode writes what ipc_parse reads. */
	struct ipc_msg in = {.type = IPC_RELOAD_REPLY, .id = 3, .fd = -1};
	in.u.reload_reply = (struct ipc_reload_reply){
	        .error = -2, .text = "gone", .len = 4};
	assert_int_equal(parse(build_msg(&in, 0), false, KEEPER, &m), 0);
	assert_int_equal(m.u.reload_reply.error, -2);
	assert_memory_equal(m.u.reload_reply.text, "gone", 4);
}

static void type_names_match(void **state)
{
	assert_string_equal(ipc_type_name(IPC_ENGINE_HELLO), "ENGINE_HELLO");
	assert_string_equal(ipc_type_name(IPC_KEEPER_CONFIG), "KEEPER_CONFIG");
	assert_string_equal(ipc_type_name(IPC_SOCKET), "SOCKET");
	assert_string_equal(ipc_type_name(IPC_AUTH_PSK_REQUEST),
	                    "AUTH_PSK_REQUEST");
	assert_string_equal(ipc_type_name(IPC_AUTH_PSK_REPLY),
	                    "AUTH_PSK_REPLY");
	assert_string_equal(ipc_type_name(IPC_ROUTE_REQUEST), "ROUTE_REQUEST");
	assert_string_equal(ipc_type_name(IPC_ROUTE_REPLY), "ROUTE_REPLY");
	assert_string_equal(ipc_type_name(IPC_RELOAD_REQUEST),
	                    "RELOAD_REQUEST");
	assert_string_equal(ipc_type_name(IPC_RELOAD_REPLY), "RELOAD_REPLY");
	assert_string_equal(ipc_peer_name(IPC_FROM_ENGINE), "engine");
	assert_string_equal(ipc_peer_name(IPC_FROM_KEEPER), "keeper");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(hello_parses),
	        cmocka_unit_test(auth_request_fields_decode),
	        cmocka_unit_test(route_request_fields_decode),
	        cmocka_unit_test(header_rules_reject),
	        cmocka_unit_test(unknown_type_rejected),
	        cmocka_unit_test(wrong_direction_rejected),
	        cmocka_unit_test(wrong_size_rejected),
	        cmocka_unit_test(oversized_rejected),
	        cmocka_unit_test(fd_rules_reject),
	        cmocka_unit_test(socket_fields_checked),
	        cmocka_unit_test(config_nul_rejected),
	        cmocka_unit_test(auth_request_fields_checked),
	        cmocka_unit_test(auth_request_zero_spi_rejected),
	        cmocka_unit_test(auth_reply_rules),
	        cmocka_unit_test(route_request_fields_checked),
	        cmocka_unit_test(encode_rejects_long_name),
	        cmocka_unit_test(reload_request_rules),
	        cmocka_unit_test(reload_reply_rules),
	        cmocka_unit_test(type_names_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
