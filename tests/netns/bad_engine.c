// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A hostile engine for test_privsep_hostile.sh.  `crestd
 * --engine-path bad_engine` runs it in place of the real engine, with the
 * crestd engine arguments and the keeper's socket on descriptor 3.  Each
 * run breaks one rule of the IPC request table:
 *
 *   a  ENGINE_HELLO whose header length field differs from the datagram
 *   b  AUTH_PSK_REQUEST with IPC_OCTETS_MAX + 1 signed octets
 *   c  AUTH_PSK_REQUEST before ENGINE_HELLO
 *   d  ENGINE_HELLO carrying a descriptor
 *   e  a message of an unknown type
 *   f  ROUTE_REQUEST for 192.0.2.0/24, outside the remote selectors
 *   g  AUTH_PSK_REQUEST for a connection the configuration lacks
 *   h  ROUTE_REQUEST for 192.0.2.2/32, the test's remote gateway, which
 *      the test's remote selectors cover in this case
 *   i  exit with the status of an engine that cannot enter its sandbox,
 *      which must stop the keeper instead of restarting the engine
 *
 * b, f, g and h first send a valid ENGINE_HELLO and wait for the keeper's
 * KEEPER_CONFIG.  The datagrams are built here byte by byte, not with
 * ipc_send or ipc_encode, so the checks of the IPC code cannot hide them.
 *
 * CREST_BAD_ENGINE_CASE=LETTER selects a case.  Without it, the number in
 * the file named by CREST_BAD_ENGINE_COUNTER (0 if the file is empty)
 * selects the case and is incremented, so every engine that the keeper
 * restarts runs the next case.  After the misbehaviour the process waits
 * for the keeper to kill it and exits with status 3 after 10 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "crestd/privsep.h"
#include "crestd/sandbox.h"
#include "crypto/ids.h"
#include "ipc/ipc.h"
#include "ipc/transport.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define IPC_FD PRIVSEP_IPC_FD

#define CONFIG_WAIT_MS  5000
#define CONFIG_MAX_MSGS 64
#define KILL_WAIT_MS    10000
#define UNKNOWN_TYPE    0x7fff
#define AUTH_FIXED_LEN  20
#define ROUTE_FIXED_LEN 40
#define EXIT_NOT_KILLED 3

/* The connection the requests name: the first one of the configuration. */
struct target {
	const char *conn;
	uint16_t realm;
};

struct bad_case {
	char letter;
	const char *description;
	int (*run)(const struct target *t);
};

/*
 * Sends one datagram with a header built by hand: length_field is written
 * as given, whatever len is, and pass_fd (or -1) goes as SCM_RIGHTS.
 */
static int send_datagram(uint16_t type, uint32_t length_field,
                         const uint8_t *body, size_t len, int pass_fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct ipc_header h = {.type = type,
	                       .flags = pass_fd >= 0 ? IPC_FLAG_FD : 0,
	                       .length = length_field};
	struct iovec iov[2] = {
	        {.iov_base = &h, .iov_len = sizeof(h)},
	        {.iov_base = (void *)body, .iov_len = len},
	};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};

	if (pass_fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	ssize_t n = sendmsg(IPC_FD, &mh, MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	return (size_t)n == sizeof(h) + len ? 0 : -EIO;
}

static int send_message(uint16_t type, const uint8_t *body, size_t len)
{
	return send_datagram(type, (uint32_t)len, body, len, -1);
}

/* Writes a well-formed AUTH_PSK_REQUEST body with octets_len signed
 * octets (0x5a) into body and returns its length. */
static size_t build_auth(uint8_t *body, const char *conn, size_t octets_len)
{
	size_t name_len = strlen(conn);

	put_be64(body, 1);
	put_be64(body + 8, 1);
	put_be16(body + 16, PRF_HMAC_SHA2_256);
	body[18] = IPC_AUTH_OWN;
	body[19] = (uint8_t)name_len;
	memcpy(body + AUTH_FIXED_LEN, conn, name_len);
	memset(body + AUTH_FIXED_LEN + name_len, 0x5a, octets_len);
	return AUTH_FIXED_LEN + name_len + octets_len;
}

static int send_auth(const char *conn, size_t octets_len)
{
	static uint8_t body[AUTH_FIXED_LEN + IPC_NAME_MAX + IPC_OCTETS_MAX + 1];

	if (strlen(conn) > IPC_NAME_MAX)
		return -ENAMETOOLONG;
	size_t len = build_auth(body, conn, octets_len);
	return send_message(IPC_AUTH_PSK_REQUEST, body, len);
}

/* Receives one message from the keeper, or -ETIMEDOUT at deadline_ms. */
static int receive(struct ipc_msg *m, uint8_t *buf, size_t cap,
                   uint64_t deadline_ms)
{
	uint64_t now = now_ms();
	struct pollfd p = {.fd = IPC_FD, .events = POLLIN};

	if (now >= deadline_ms || poll(&p, 1, (int)(deadline_ms - now)) <= 0)
		return -ETIMEDOUT;
	int err = ipc_recv(IPC_FD, IPC_FROM_KEEPER, m, buf, cap);
	if (err == 0 && m->fd >= 0)
		close(m->fd);
	return err;
}

/* Sends a valid ENGINE_HELLO and reads messages up to KEEPER_CONFIG. */
static int hello_and_config(void)
{
	static uint8_t buf[IPC_MSG_MAX];
	uint64_t deadline = now_ms() + CONFIG_WAIT_MS;
	int err = send_message(IPC_ENGINE_HELLO, NULL, 0);
	for (int i = 0; err == 0 && i < CONFIG_MAX_MSGS; i++) {
		struct ipc_msg m;
		err = receive(&m, buf, sizeof(buf), deadline);
		if (err == 0 && m.type == IPC_KEEPER_CONFIG)
			return 0;
	}
	return err ? err : -EPROTO;
}

static int bad_length(const struct target *t)
{
	(void)t;
	/* The header announces 4 body bytes, but none follow. */
	return send_datagram(IPC_ENGINE_HELLO, 4, NULL, 0, -1);
}

static int oversized_auth(const struct target *t)
{
	int err = hello_and_config();
	return err ? err : send_auth(t->conn, IPC_OCTETS_MAX + 1);
}

static int auth_before_hello(const struct target *t)
{
	return send_auth(t->conn, 32);
}

static int hello_with_fd(const struct target *t)
{
	(void)t;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int err = send_datagram(IPC_ENGINE_HELLO, 0, NULL, 0, fd);
	close(fd);
	return err;
}

static int unknown_type(const struct target *t)
{
	(void)t;
	return send_message(UNKNOWN_TYPE, NULL, 0);
}

/* Asks for an IPv4 route into the realm of the target connection. */
static int ask_route(const struct target *t, const uint8_t prefix[4],
                     uint8_t prefix_len)
{
	uint8_t body[ROUTE_FIXED_LEN + IPC_NAME_MAX];
	size_t name_len = strlen(t->conn);

	if (name_len > IPC_NAME_MAX)
		return -ENAMETOOLONG;
	int err = hello_and_config();
	if (err)
		return err;
	memset(body, 0, sizeof(body));
	body[0] = IPC_ROUTE_ADD;
	body[1] = 4; /* IPv4 */
	body[2] = prefix_len;
	put_be16(body + 4, t->realm);
	body[6] = (uint8_t)name_len;
	memcpy(body + 8, prefix, 4);
	memcpy(body + ROUTE_FIXED_LEN, t->conn, name_len);
	return send_message(IPC_ROUTE_REQUEST, body,
	                    ROUTE_FIXED_LEN + name_len);
}

static int foreign_route(const struct target *t)
{
	static const uint8_t prefix[4] = {192, 0, 2, 0};
	return ask_route(t, prefix, 24);
}

static int gateway_route(const struct target *t)
{
	static const uint8_t gateway[4] = {192, 0, 2, 2};
	return ask_route(t, gateway, 32);
}

static int unknown_conn_auth(const struct target *t)
{
	(void)t;
	int err = hello_and_config();
	return err ? err : send_auth("no-such-connection", 32);
}

static int sandbox_failure(const struct target *t)
{
	(void)t;
	exit(SANDBOX_EXIT_SETUP);
}

static const struct bad_case cases[] = {
        {'a', "ENGINE_HELLO with a wrong length field", bad_length},
        {'b', "AUTH_PSK_REQUEST with too many signed octets", oversized_auth},
        {'c', "AUTH_PSK_REQUEST before ENGINE_HELLO", auth_before_hello},
        {'d', "ENGINE_HELLO with a descriptor", hello_with_fd},
        {'e', "message of an unknown type", unknown_type},
        {'f', "ROUTE_REQUEST for 192.0.2.0/24", foreign_route},
        {'g', "AUTH_PSK_REQUEST for an unknown connection", unknown_conn_auth},
        {'h', "ROUTE_REQUEST for the gateway 192.0.2.2/32", gateway_route},
        {'i', "exit as if the sandbox could not be entered", sandbox_failure},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* Returns the run number stored in path, or -1, and stores it plus one. */
static long next_run(const char *path)
{
	long run = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "bad engine: cannot open %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	if (fscanf(f, "%ld", &run) != 1)
		run = 0;
	fclose(f);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", run + 1) < 0 || fclose(f) != 0) {
		fprintf(stderr, "bad engine: cannot write %s: %s\n", path,
		        strerror(errno));
		return -1;
	}
	return run;
}

/* Returns the case this run performs, or NULL with the reason printed. */
static const struct bad_case *select_case(void)
{
	const char *letter = getenv("CREST_BAD_ENGINE_CASE");
	const char *counter = getenv("CREST_BAD_ENGINE_COUNTER");

	if (letter && letter[0]) {
		for (size_t i = 0; i < N_CASES; i++)
			if (cases[i].letter == letter[0] && !letter[1])
				return &cases[i];
		fprintf(stderr, "bad engine: unknown case \"%s\"; use a to i\n",
		        letter);
		return NULL;
	}
	if (!counter) {
		fprintf(stderr, "bad engine: set CREST_BAD_ENGINE_CASE or "
		                "CREST_BAD_ENGINE_COUNTER\n");
		return NULL;
	}
	long run = next_run(counter);
	if (run < 0)
		return NULL;
	if ((size_t)run >= N_CASES) {
		fprintf(stderr,
		        "bad engine: no case for run %ld, since there are "
		        "%zu; empty %s to start again\n",
		        run, N_CASES, counter);
		return NULL;
	}
	return &cases[run];
}

/* Finds the value of "-c" among the engine arguments the keeper passes. */
static const char *config_argument(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "-c") == 0)
			return argv[i + 1];
	return NULL;
}

static int load_target(const char *path, struct cfg *cfg, struct target *t)
{
	char err[1024];

	if (!path) {
		fprintf(stderr, "bad engine: no -c CONFIG argument\n");
		return -EINVAL;
	}
	if (config_load(path, cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "bad engine: %s\n", err);
		return -EINVAL;
	}
	if (cfg->n_realms == 0 || cfg->realms[0].n_conns == 0) {
		fprintf(stderr, "bad engine: %s has no connection\n", path);
		config_free(cfg);
		return -ENOENT;
	}
	t->conn = cfg->realms[0].conns[0].name;
	t->realm = 0;
	return 0;
}

/* Sleeps until the keeper kills this process, at most KILL_WAIT_MS. */
static int wait_for_kill(void)
{
	const struct timespec step = {.tv_nsec = 100 * 1000000};

	for (int i = 0; i < KILL_WAIT_MS / 100; i++)
		nanosleep(&step, NULL);
	fprintf(stderr,
	        "bad engine PID %d: still alive after %d ms; the "
	        "keeper did not stop it\n",
	        (int)getpid(), KILL_WAIT_MS);
	return EXIT_NOT_KILLED;
}

int main(int argc, char **argv)
{
	const struct bad_case *c = select_case();
	struct cfg cfg;
	struct target t;

	if (!c)
		return 2;
	if (load_target(config_argument(argc, argv), &cfg, &t) < 0)
		return 2;
	fprintf(stderr, "bad engine PID %d: case %c: %s\n", (int)getpid(),
	        c->letter, c->description);
	int err = c->run(&t);
	config_free(&cfg);
	if (err) {
		fprintf(stderr, "bad engine: case %c failed: %s\n", c->letter,
		        strerror(-err));
		return 1;
	}
	return wait_for_kill();
}
