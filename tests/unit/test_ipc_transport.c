// SPDX-License-Identifier: LGPL-2.1-or-later
/* ipc_send and ipc_recv over a real socketpair(AF_UNIX, SOCK_SEQPACKET). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/ids.h"
#include "ipc/ipc.h"
#include "ipc/transport.h"

/* fds[0] is the keeper's end, fds[1] the engine's. */
static int fds[2];
static uint8_t buf[IPC_MSG_MAX];

static int setup(void **state)
{
	return ipc_socketpair(fds);
}

static int teardown(void **state)
{
	close(fds[0]);
	close(fds[1]);
	return 0;
}

static int recv_at_keeper(struct ipc_msg *m)
{
	return ipc_recv(fds[0], IPC_FROM_ENGINE, m, buf, sizeof(buf));
}

static int recv_at_engine(struct ipc_msg *m)
{
	return ipc_recv(fds[1], IPC_FROM_KEEPER, m, buf, sizeof(buf));
}

/* Returns whether every write end of the pipe is closed, because read()
 * then returns 0 instead of failing with EAGAIN. */
static bool writers_closed(int read_end)
{
	char c;

	return read(read_end, &c, 1) == 0;
}

static void hello_round_trip(void **state)
{
	struct ipc_msg in = {.type = IPC_ENGINE_HELLO, .id = 1, .fd = -1};
	struct ipc_msg m;

	assert_int_equal(ipc_send_msg(fds[1], &in), 0);
	assert_int_equal(recv_at_keeper(&m), 0);
	assert_int_equal(m.type, IPC_ENGINE_HELLO);
	assert_int_equal(m.id, 1);
	assert_int_equal(m.fd, -1);
}

static void config_round_trip(void **state)
{
	const char text[] = "realms = ();\n";
	struct ipc_msg in = {.type = IPC_KEEPER_CONFIG, .id = 1, .fd = -1};
	struct ipc_msg m;

	in.u.config.text = text;
	in.u.config.len = strlen(text);
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	assert_int_equal(recv_at_engine(&m), 0);
	assert_int_equal(m.type, IPC_KEEPER_CONFIG);
	assert_int_equal(m.u.config.len, strlen(text));
	assert_memory_equal(m.u.config.text, text, strlen(text));
}

static void config_at_max_round_trip(void **state)
{
	struct ipc_msg in = {.type = IPC_KEEPER_CONFIG, .id = 2, .fd = -1};
	struct ipc_msg m;
	socklen_t optlen = sizeof(int);
	int sndbuf = 0;
	char *text;

	assert_int_equal(
	        getsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen), 0);
	if (sndbuf < IPC_MSG_MAX + 32)
		skip(); /* no CAP_NET_ADMIN and a small net.core.wmem_max */

	text = malloc(IPC_CONFIG_MAX);
	assert_non_null(text);
	memset(text, '#', IPC_CONFIG_MAX);
	in.u.config.text = text;
	in.u.config.len = IPC_CONFIG_MAX;
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	assert_int_equal(recv_at_engine(&m), 0);
	assert_int_equal(m.u.config.len, IPC_CONFIG_MAX);
	assert_memory_equal(m.u.config.text, text, IPC_CONFIG_MAX);
	free(text);
}

static void socket_passes_pipe(void **state)
{
	struct ipc_msg in = {.type = IPC_SOCKET, .id = 0};
	struct ipc_msg m;
	int pipefd[2];
	char out[6] = {0};

	assert_int_equal(pipe2(pipefd, O_NONBLOCK), 0);
	in.u.socket.role = IPC_SOCK_TUN;
	in.u.socket.realm = 3;
	in.fd = pipefd[1];
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	close(pipefd[1]);

	assert_int_equal(recv_at_engine(&m), 0);
	assert_int_equal(m.type, IPC_SOCKET);
	assert_int_equal(m.u.socket.role, IPC_SOCK_TUN);
	assert_int_equal(m.u.socket.realm, 3);
	assert_true(m.fd >= 0);
	assert_int_equal(fcntl(m.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);

	assert_int_equal(write(m.fd, "hello", 5), 5);
	assert_int_equal(read(pipefd[0], out, sizeof(out)), 5);
	assert_string_equal(out, "hello");
	close(m.fd);
	assert_true(writers_closed(pipefd[0]));
	close(pipefd[0]);
}

static void auth_request_round_trip(void **state)
{
	const uint8_t octets[] = {1, 2, 3, 4, 5};
	struct ipc_msg in = {.type = IPC_AUTH_PSK_REQUEST, .id = 9, .fd = -1};
	struct ipc_auth_request *a = &in.u.auth_request;
	struct ipc_msg m;

	a->spi_i = 0x0102030405060708ull;
	a->spi_r = 0x1112131415161718ull;
	a->prf = PRF_HMAC_SHA2_384;
	a->purpose = IPC_AUTH_PEER;
	strcpy(a->conn, "site-b");
	a->octets = octets;
	a->octets_len = sizeof(octets);
	assert_int_equal(ipc_send_msg(fds[1], &in), 0);

	assert_int_equal(recv_at_keeper(&m), 0);
	assert_int_equal(m.type, IPC_AUTH_PSK_REQUEST);
	assert_int_equal(m.id, 9);
	assert_true(m.u.auth_request.spi_i == a->spi_i);
	assert_true(m.u.auth_request.spi_r == a->spi_r);
	assert_int_equal(m.u.auth_request.prf, PRF_HMAC_SHA2_384);
	assert_int_equal(m.u.auth_request.purpose, IPC_AUTH_PEER);
	assert_string_equal(m.u.auth_request.conn, "site-b");
	assert_int_equal(m.u.auth_request.octets_len, sizeof(octets));
	assert_memory_equal(m.u.auth_request.octets, octets, sizeof(octets));
}

static void auth_reply_round_trip(void **state)
{
	uint8_t auth[48];
	struct ipc_msg in = {.type = IPC_AUTH_PSK_REPLY, .id = 9, .fd = -1};
	struct ipc_msg m;

	memset(auth, 0x5a, sizeof(auth));
	in.u.auth_reply.auth = auth;
	in.u.auth_reply.auth_len = sizeof(auth);
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	assert_int_equal(recv_at_engine(&m), 0);
	assert_int_equal(m.type, IPC_AUTH_PSK_REPLY);
	assert_int_equal(m.id, 9);
	assert_int_equal(m.u.auth_reply.error, 0);
	assert_int_equal(m.u.auth_reply.auth_len, sizeof(auth));
	assert_memory_equal(m.u.auth_reply.auth, auth, sizeof(auth));

	in.u.auth_reply.error = -ENOKEY;
	in.u.auth_reply.auth_len = 0;
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	assert_int_equal(recv_at_engine(&m), 0);
	assert_int_equal(m.u.auth_reply.error, -ENOKEY);
	assert_int_equal(m.u.auth_reply.auth_len, 0);
}

static void route_round_trip(void **state)
{
	struct ipc_msg in = {.type = IPC_ROUTE_REQUEST, .id = 12, .fd = -1};
	struct ipc_route_request *rt = &in.u.route_request;
	struct ipc_msg m;

	rt->op = IPC_ROUTE_DELETE;
	rt->family = AF_INET6;
	rt->prefix[0] = 0x20;
	rt->prefix[1] = 0x01;
	rt->prefix[2] = 0x0d;
	rt->prefix[3] = 0xb8;
	rt->prefix_len = 48;
	rt->realm = 1;
	strcpy(rt->conn, "site-b");
	assert_int_equal(ipc_send_msg(fds[1], &in), 0);
	assert_int_equal(recv_at_keeper(&m), 0);
	assert_int_equal(m.type, IPC_ROUTE_REQUEST);
	assert_int_equal(m.u.route_request.op, IPC_ROUTE_DELETE);
	assert_int_equal(m.u.route_request.family, AF_INET6);
	assert_int_equal(m.u.route_request.prefix_len, 48);
	assert_memory_equal(m.u.route_request.prefix, rt->prefix, 16);
	assert_false(m.u.route_request.has_source);
	assert_int_equal(m.u.route_request.realm, 1);
	assert_string_equal(m.u.route_request.conn, "site-b");

	in = (struct ipc_msg){.type = IPC_ROUTE_REPLY, .id = 12, .fd = -1};
	in.u.route_reply.error = -EACCES;
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	assert_int_equal(recv_at_engine(&m), 0);
	assert_int_equal(m.type, IPC_ROUTE_REPLY);
	assert_int_equal(m.id, 12);
	assert_int_equal(m.u.route_reply.error, -EACCES);
}

static void send_checks_fd_rule(void **state)
{
	struct ipc_msg in = {.type = IPC_ENGINE_HELLO, .fd = 0};

	assert_int_equal(ipc_send_msg(fds[1], &in), -EBADF);
	in = (struct ipc_msg){.type = IPC_SOCKET, .fd = -1};
	in.u.socket.role = IPC_SOCK_IKE4;
	assert_int_equal(ipc_send_msg(fds[0], &in), -EBADF);
	in = (struct ipc_msg){.type = 77, .fd = -1};
	assert_int_equal(ipc_send_msg(fds[0], &in), -ENOMSG);
	assert_int_equal(ipc_send(fds[0], IPC_KEEPER_CONFIG, 0, buf,
	                          IPC_BODY_MAX + 1, -1),
	                 -EMSGSIZE);
}

static void wrong_direction_rejected(void **state)
{
	struct ipc_msg in = {.type = IPC_ENGINE_HELLO, .id = 1, .fd = -1};
	struct ipc_msg m;

	/* The engine's end receives a message only the engine may send. */
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	assert_int_equal(recv_at_engine(&m), -EPERM);
	assert_int_equal(m.type, IPC_ENGINE_HELLO);
	assert_non_null(m.reason);
}

static void fd_on_hello_closed(void **state)
{
	struct ipc_msg m;
	int pipefd[2];

	assert_int_equal(pipe2(pipefd, O_NONBLOCK), 0);
	assert_int_equal(
	        ipc_send(fds[1], IPC_ENGINE_HELLO, 1, NULL, 0, pipefd[1]), 0);
	close(pipefd[1]);
	assert_int_equal(recv_at_keeper(&m), -EBADF);
	assert_int_equal(m.fd, -1);
	assert_true(writers_closed(pipefd[0]));
	close(pipefd[0]);
}

/* Sends a SOCKET message carrying n copies of fd, bypassing ipc_send. */
static void send_fds(int sock, int fd, size_t n)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 16)];
	} ctl;
	struct ipc_header h = {
	        .type = IPC_SOCKET,
	        .flags = IPC_FLAG_FD,
	        .length = 4,
	        .id = 5,
	};
	uint8_t body[4] = {IPC_SOCK_CONTROL, 0, 0, 0};
	struct iovec iov[2] = {{&h, sizeof(h)}, {body, sizeof(body)}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
	struct cmsghdr *c;

	assert_true(n <= 16);
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	for (size_t i = 0; i < n; i++)
		memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(int));
	assert_int_equal(sendmsg(sock, &mh, 0), sizeof(h) + sizeof(body));
}

static void extra_fds_closed(void **state)
{
	const size_t counts[] = {2, 4, 16};

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct ipc_msg m;
		int pipefd[2];
		int err;

		assert_int_equal(pipe2(pipefd, O_NONBLOCK), 0);
		send_fds(fds[0], pipefd[1], counts[i]);
		close(pipefd[1]);
		err = recv_at_engine(&m);
		/* 16 descriptors overflow the control buffer (MSG_CTRUNC),
		 * which ipc_recv also rejects. */
		assert_true(err == -EBADF || err == -EMSGSIZE);
		assert_int_equal(m.fd, -1);
		assert_true(writers_closed(pipefd[0]));
		close(pipefd[0]);
	}
}

static void truncated_datagram_rejected(void **state)
{
	uint8_t small[IPC_HEADER_LEN + 8];
	uint8_t auth[32];
	struct ipc_msg in = {.type = IPC_AUTH_PSK_REPLY, .id = 4, .fd = -1};
	struct ipc_msg m;
	uint8_t zero[sizeof(small)] = {0};

	memset(auth, 0x77, sizeof(auth));
	in.u.auth_reply.auth = auth;
	in.u.auth_reply.auth_len = sizeof(auth);
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	assert_int_equal(
	        ipc_recv(fds[1], IPC_FROM_KEEPER, &m, small, sizeof(small)),
	        -EMSGSIZE);
	assert_non_null(m.reason);
	/* The part of the AUTH value that arrived is wiped. */
	assert_memory_equal(small, zero, sizeof(small));

	/* The rest of the datagram is gone, and the next one arrives whole. */
	in.u.auth_reply.error = -EIO;
	in.u.auth_reply.auth_len = 0;
	assert_int_equal(ipc_send_msg(fds[0], &in), 0);
	assert_int_equal(recv_at_engine(&m), 0);
	assert_int_equal(m.u.auth_reply.error, -EIO);
}

static void peer_close_reported(void **state)
{
	struct ipc_msg m;

	close(fds[1]);
	fds[1] = open("/dev/null", O_RDONLY);
	assert_int_equal(recv_at_keeper(&m), -ECONNRESET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(hello_round_trip, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(config_round_trip, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(config_at_max_round_trip, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(socket_passes_pipe, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(auth_request_round_trip, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(auth_reply_round_trip, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(route_round_trip, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(send_checks_fd_rule, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(wrong_direction_rejected, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(fd_on_hello_closed, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(extra_fds_closed, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(truncated_datagram_rejected,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(peer_close_reported, setup,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
