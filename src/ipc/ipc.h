// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Messages between the keeper (privileged parent) and the engine
 * (unprivileged child) over a SOCK_SEQPACKET socket pair, one message per
 * datagram.
 *
 * Each datagram is a 12-byte header in host byte order, because both ends
 * run on one machine, followed by the body:
 *
 *   0  uint16 type    enum ipc_type
 *   2  uint16 flags   IPC_FLAG_FD if a descriptor rides along, else 0
 *   4  uint32 length  of the body in bytes, equal to the datagram's rest
 *   8  uint32 id      request id, copied into the reply
 *
 * Integers inside bodies are big-endian, read and written with util/buf.h.
 * The body layouts are described at each body struct below.  ipc_parse
 * checks a datagram against the request table (ipc/requests.h) and decodes
 * the body without touching a socket, so it can be fuzzed on its own.
 */
#ifndef CREST_IPC_IPC_H
#define CREST_IPC_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define IPC_HEADER_LEN 12
#define IPC_FLAG_FD    0x0001

#define IPC_NAME_MAX   63            /* connection name bytes, no NUL */
#define IPC_OCTETS_MAX 8192          /* signed octets of one AUTH */
#define IPC_AUTH_MAX   64            /* AUTH value: the PRF output */
#define IPC_CONFIG_MAX (1024 * 1024) /* configuration text bytes */
#define IPC_BODY_MAX   IPC_CONFIG_MAX
#define IPC_MSG_MAX    (IPC_HEADER_LEN + IPC_BODY_MAX)
/* Largest status a reply may carry, as the kernel's MAX_ERRNO. */
#define IPC_ERRNO_MAX 4095

enum ipc_type {
	IPC_ENGINE_HELLO = 1,
	IPC_KEEPER_CONFIG = 2,
	IPC_SOCKET = 3,
	IPC_AUTH_PSK_REQUEST = 4,
	IPC_AUTH_PSK_REPLY = 5,
	IPC_ROUTE_REQUEST = 6,
	IPC_ROUTE_REPLY = 7,
	IPC_RELOAD_REQUEST = 8,
	IPC_RELOAD_REPLY = 9,
};

/* The sender of a message. */
enum ipc_peer {
	IPC_FROM_ENGINE = 0,
	IPC_FROM_KEEPER = 1,
};

struct ipc_header {
	uint16_t type;
	uint16_t flags;
	uint32_t length;
	uint32_t id;
};

_Static_assert(sizeof(struct ipc_header) == IPC_HEADER_LEN,
               "ipc_header must have no padding");

/*
 * KEEPER_CONFIG: the configuration file text without the secrets file,
 * 1 to IPC_CONFIG_MAX bytes, no NUL byte and no terminating NUL.
 */
struct ipc_config {
	const char *text; /* inside the received buffer */
	size_t len;
};

enum ipc_socket_role {
	IPC_SOCK_IKE4 = 1,  /* UDP 500, IPv4 */
	IPC_SOCK_NATT4 = 2, /* UDP 4500, IPv4 */
	IPC_SOCK_ESP4 = 3,  /* raw IP protocol 50, IPv4 */
	IPC_SOCK_IKE6 = 4,
	IPC_SOCK_NATT6 = 5,
	IPC_SOCK_ESP6 = 6,
	IPC_SOCK_TUN = 7, /* the TUN device of one realm */
	IPC_SOCK_CONTROL = 8,
};

/*
 * SOCKET, 4 bytes, with exactly one descriptor:
 *   0 uint8 role, 1 uint8 zero, 2 uint16 realm index (0 unless TUN).
 */
struct ipc_socket {
	uint8_t role; /* enum ipc_socket_role */
	uint16_t realm;
};

enum ipc_auth_purpose {
	IPC_AUTH_OWN = 1,  /* AUTH payload this side sends */
	IPC_AUTH_PEER = 2, /* expected AUTH of the peer, to compare */
};

/*
 * AUTH_PSK_REQUEST, 20 + name + octets bytes:
 *   0  uint64 initiator SPI, not zero
 *   8  uint64 responder SPI, not zero
 *   16 uint16 PRF transform id
 *   18 uint8  purpose
 *   19 uint8  name length
 *   20        connection name, 1 to IPC_NAME_MAX printable ASCII bytes
 *   then the signed octets, 1 to IPC_OCTETS_MAX bytes, to the body's end
 */
struct ipc_auth_request {
	uint64_t spi_i;
	uint64_t spi_r;
	uint16_t prf;    /* enum prf_id, SHA-2 PRFs only */
	uint8_t purpose; /* enum ipc_auth_purpose */
	char conn[IPC_NAME_MAX + 1];
	const uint8_t *octets; /* inside the received buffer */
	size_t octets_len;
};

/*
 * AUTH_PSK_REPLY: 0 uint32 status (0 or a positive errno), then, only when
 * the status is 0, the AUTH value of 1 to IPC_AUTH_MAX bytes.
 */
struct ipc_auth_reply {
	int error;           /* 0 or a negative errno */
	const uint8_t *auth; /* inside the received buffer */
	size_t auth_len;
};

enum ipc_route_op {
	IPC_ROUTE_ADD = 1,
	IPC_ROUTE_DELETE = 2,
};

#define IPC_ROUTE_HAS_SOURCE 0x01

/*
 * ROUTE_REQUEST, 40 + name bytes:
 *   0  uint8  op
 *   1  uint8  family, 4 or 6
 *   2  uint8  prefix length
 *   3  uint8  flags, IPC_ROUTE_HAS_SOURCE or 0
 *   4  uint16 realm index
 *   6  uint8  name length
 *   7  uint8  zero
 *   8         prefix, 16 bytes
 *   24        source address, 16 bytes
 *   40        connection name, 1 to IPC_NAME_MAX printable ASCII bytes
 * An IPv4 address fills the first 4 bytes of its field and the rest is
 * zero.  Host bits of the prefix and an absent source are zero too.
 */
struct ipc_route_request {
	uint8_t op; /* enum ipc_route_op */
	int family; /* AF_INET or AF_INET6 */
	uint8_t prefix[16];
	uint8_t prefix_len;
	bool has_source;
	uint8_t source[16];
	uint16_t realm;
	char conn[IPC_NAME_MAX + 1];
};

/* ROUTE_REPLY, 4 bytes: 0 uint32 status (0 or a positive errno). */
struct ipc_route_reply {
	int error; /* 0 or a negative errno */
};

/*
 * RELOAD_REQUEST has an empty body: the engine requests that the keeper re-read
 * the configuration and secrets files, for crestctl reload.
 *
 * RELOAD_REPLY: 0 uint32 status (0 or a positive errno), then text to the
 * body's end with no NUL byte: on success the new configuration text, 1 to
 * IPC_CONFIG_MAX bytes; on failure the error for the operator, 1 to
 * IPC_MESSAGE_MAX bytes.  After a SIGHUP the keeper sends the new text as
 * a KEEPER_CONFIG of its own.
 */
#define IPC_MESSAGE_MAX 1024

struct ipc_reload_reply {
	int error;        /* 0 or a negative errno */
	const char *text; /* inside the received buffer */
	size_t len;
};

union ipc_body {
	struct ipc_config config;
	struct ipc_socket socket;
	struct ipc_auth_request auth_request;
	struct ipc_auth_reply auth_reply;
	struct ipc_route_request route_request;
	struct ipc_route_reply route_reply;
	struct ipc_reload_reply reload_reply;
};

/*
 * One message, decoded.  Pointers in the body point into the buffer the
 * message was parsed from, so the buffer must outlive the message.  An
 * AUTH_PSK_REPLY leaves the AUTH value there and nowhere else, so the
 * caller wipes that buffer with secure_zero once it is done.
 */
struct ipc_msg {
	uint16_t type;
	uint16_t flags;
	uint32_t id;
	int fd; /* descriptor received or to pass, or -1 */
	const uint8_t *body;
	size_t body_len;
	const char *reason; /* why ipc_parse rejected it, for the log */
	union ipc_body u;
};

/*
 * Validates one datagram against the request table and decodes its body.
 * has_fd is true when a descriptor arrived with the datagram, and from is
 * its sender.
 * Returns 0 or a negative errno, and on failure sets out->reason:
 *   -EBADMSG   shorter than the header, or length differs from the datagram
 *   -ENOMSG    unknown type
 *   -EPERM     type not sent in this direction
 *   -EMSGSIZE  body size outside the type's rule
 *   -EBADF     descriptor where none is allowed, or missing where required
 *   -EINVAL    unknown flags or an invalid body field
 * out->fd is always -1: ipc_recv fills it in.
 */
int ipc_parse(const uint8_t *data, size_t len, bool has_fd, enum ipc_peer from,
              struct ipc_msg *out);

/*
 * Writes the body of msg->type from msg->u.  Returns 0, -EINVAL for a field
 * out of range, -ENOMSG for an unknown type or -ENOBUFS if w is too small.
 */
int ipc_encode(const struct ipc_msg *msg, struct writer *w);

/* Name of a message type, as "AUTH_PSK_REQUEST", or "UNKNOWN". */
const char *ipc_type_name(uint16_t type);
/* "engine" or "keeper". */
const char *ipc_peer_name(enum ipc_peer peer);

#endif
