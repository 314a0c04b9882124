// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The keeper process: keeps the configuration and the PSKs, creates the
 * TUN devices, sockets and routes, starts the engine with fork and exec,
 * responds to its requests and restarts it when it dies.  Every request is
 * checked against the request table first; one that breaks a rule is
 * logged and the engine restarted.  Nothing the engine sends can make the
 * keeper exit.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "config/secrets.h"
#include "crestd/privsep.h"
#include "dataplane/datapath.h"
#include "ike/auth.h"
#include "ike/sa.h"
#include "ipc/ipc.h"
#include "ipc/state.h"
#include "ipc/transport.h"
#include "keeper/netlink.h"
#include "mgmt/control.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/timeutil.h"

#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
#define STABLE_MS 60000 /* an engine up this long resets the backoff */

struct keeper {
	const struct privsep_opts *opts;
	struct cfg cfg;
	struct secrets secrets;
	char *config_text;
	size_t config_len;
	struct datapath dp; /* sockets and TUN devices, not run here */
	struct control ctl; /* the listening socket only */
	int sigfd;

	pid_t engine;
	int ipc;
	struct ipc_state st;
	struct ipc_policy policy;
	uint64_t engine_started_ms;
	uint64_t restart_at_ms;
	unsigned backoff_ms;
	bool stop;
};

static struct cfg_conn *find_conn(struct keeper *k, const char *name)
{
	for (size_t r = 0; r < k->cfg.n_realms; r++)
		for (size_t i = 0; i < k->cfg.realms[r].n_conns; i++)
			if (strcmp(k->cfg.realms[r].conns[i].name, name) == 0)
				return &k->cfg.realms[r].conns[i];
	return NULL;
}

static bool conn_exists(void *ctx, const char *name)
{
	return find_conn(ctx, name) != NULL;
}

static bool realm_exists(void *ctx, unsigned realm)
{
	return realm < ((struct keeper *)ctx)->cfg.n_realms;
}

/* A route must lie inside a remote selector of its connection's realm. */
static bool route_allowed(void *ctx, const struct ipc_route_request *rq)
{
	struct keeper *k = ctx;
	const struct cfg_conn *c = find_conn(k, rq->conn);
	if (!c || rq->realm >= k->cfg.n_realms ||
	    c->realm != &k->cfg.realms[rq->realm])
		return false;

	struct traffic_selector want;
	if (ts_from_prefix(rq->family, rq->prefix, rq->prefix_len, &want) < 0)
		return false;

	/* A route over the gateways' own addresses would send IKE and ESP
	 * into the tunnel and cut the peer off, whatever the selectors. */
	const struct sockaddr_storage *ends[] = { &c->local_addr,
						  &c->remote_addr };
	for (size_t i = 0; i < 2; i++) {
		size_t alen;
		const uint8_t *a = sockaddr_addr(ends[i], &alen);
		if (ts_contains_addr(&want, ends[i]->ss_family, a))
			return false;
	}
	for (size_t n = 0; n < c->n_children; n++) {
		const struct cfg_child *ch = &c->children[n];
		for (size_t i = 0; i < ch->n_remote_ts; i++) {
			struct traffic_selector x;
			if (ts_intersect(&want, &ch->remote_ts[i], &x) &&
			    memcmp(&x, &want, sizeof(x)) == 0)
				return true;
		}
	}
	return false;
}

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	char *buf = malloc(IPC_CONFIG_MAX + 1);
	size_t n = buf ? fread(buf, 1, IPC_CONFIG_MAX + 1, f) : 0;
	fclose(f);
	if (!buf)
		return -ENOMEM;
	if (n == 0 || n > IPC_CONFIG_MAX || memchr(buf, 0, n)) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*len = n;
	return 0;
}

static void spawn(struct keeper *k)
{
	int fds[2];
	if (ipc_socketpair(fds) < 0) {
		log_error("keeper", "socketpair failed: %s", strerror(errno));
		k->restart_at_ms = now_ms() + BACKOFF_MAX_MS;
		return;
	}
	char level[16] = "";
	if (k->opts->log_level >= 0)
		snprintf(level, sizeof(level), "%s",
			 log_level_name((enum log_level)k->opts->log_level));
	pid_t pid = fork();
	if (pid == 0) {
		/* The new image starts with only stdio and the socket. */
		if (dup2(fds[1], PRIVSEP_IPC_FD) < 0)
			_exit(127);
		char *argv[] = { "crestd", "--engine", "-c",
				 (char *)k->opts->config, "--user",
				 (char *)k->opts->user, level[0] ? "-l" : NULL,
				 level, NULL };
		const char *exe = k->opts->engine_path
					  ? k->opts->engine_path
					  : "/proc/self/exe";
		execv(exe, argv);
		_exit(127);
	}
	close(fds[1]);
	if (pid < 0) {
		log_error("keeper", "fork failed: %s", strerror(errno));
		close(fds[0]);
		k->restart_at_ms = now_ms() + BACKOFF_MAX_MS;
		return;
	}
	k->engine = pid;
	k->ipc = fds[0];
	k->engine_started_ms = now_ms();
	k->restart_at_ms = 0;
	ipc_state_init(&k->st, &k->policy);
	log_info("keeper", "engine started, PID %d", (int)pid);
}

static int send_socket(struct keeper *k, uint8_t role, uint16_t realm, int fd)
{
	uint8_t body[4] = { role, 0, 0, 0 };
	if (fd < 0)
		return 0;
	put_be16(body + 2, realm);
	return ipc_send(k->ipc, IPC_SOCKET, 0, body, sizeof(body), fd);
}

/* Hands the engine its descriptors, then the configuration text. */
static int send_start(struct keeper *k)
{
	const struct dp_sockets *s4 = &k->dp.v4, *s6 = &k->dp.v6;
	int err = send_socket(k, IPC_SOCK_IKE4, 0, s4->ike);
	err = err ?: send_socket(k, IPC_SOCK_NATT4, 0, s4->natt);
	err = err ?: send_socket(k, IPC_SOCK_ESP4, 0, s4->esp);
	err = err ?: send_socket(k, IPC_SOCK_IKE6, 0, s6->ike);
	err = err ?: send_socket(k, IPC_SOCK_NATT6, 0, s6->natt);
	err = err ?: send_socket(k, IPC_SOCK_ESP6, 0, s6->esp);
	for (size_t i = 0; err == 0 && i < k->dp.n_realms; i++)
		err = send_socket(k, IPC_SOCK_TUN, (uint16_t)i,
				  k->dp.realms[i].tun_fd);
	err = err ?: send_socket(k, IPC_SOCK_CONTROL, 0, k->ctl.listen_fd);
	return err ?: ipc_send(k->ipc, IPC_KEEPER_CONFIG, 0, k->config_text,
			       k->config_len, -1);
}

static int answer_auth(struct keeper *k, const struct ipc_msg *m)
{
	const struct ipc_auth_request *rq = &m->u.auth_request;
	uint8_t body[4 + IPC_AUTH_MAX];
	size_t len = crypto_default()->prf_len(rq->prf);
	int err = auth_psk_lookup(&k->secrets, find_conn(k, rq->conn), rq->prf,
				  rq->octets, rq->octets_len, body + 4);
	if (err < 0) {
		log_warn("keeper", "no AUTH value for connection %s: %s",
			 rq->conn, strerror(-err));
		len = 0;
	}
	put_be32(body, (uint32_t)-err);
	err = ipc_send(k->ipc, IPC_AUTH_PSK_REPLY, m->id, body, 4 + len, -1);
	secure_zero(body, sizeof(body));
	return err;
}

static int answer_route(struct keeper *k, const struct ipc_msg *m)
{
	const struct ipc_route_request *rq = &m->u.route_request;
	const char *dev = k->dp.realms[rq->realm].ifname;
	int err = rq->op == IPC_ROUTE_ADD
			  ? nl_route_add(dev, rq->family, rq->prefix,
					 rq->prefix_len,
					 rq->has_source ? rq->source : NULL)
			  : nl_route_del(dev, rq->family, rq->prefix,
					 rq->prefix_len);
	if (err == -ESRCH && rq->op == IPC_ROUTE_DELETE)
		err = 0;
	if (err < 0)
		log_warn("keeper", "route request of %s failed: %s", rq->conn,
			 strerror(-err));
	uint8_t body[4];
	put_be32(body, (uint32_t)-err);
	return ipc_send(k->ipc, IPC_ROUTE_REPLY, m->id, body, sizeof(body), -1);
}

static void stop_engine(struct keeper *k, int sig)
{
	if (k->engine > 0)
		kill(k->engine, sig);
}

/* Handles one request; a rule violation ends the engine, never us. */
static void serve_one(struct keeper *k)
{
	static uint8_t buf[IPC_HEADER_LEN + 16384];
	struct ipc_msg m;
	const char *why = NULL;
	int err = ipc_recv(k->ipc, IPC_FROM_ENGINE, &m, buf, sizeof(buf));
	if (err == 0)
		err = ipc_check_request(&k->st, &m, &why);
	if (err == -ECONNRESET) {
		close(k->ipc);
		k->ipc = -1;
		return;
	}
	if (err < 0) {
		log_error("keeper", "rejected request %s from the engine: %s; "
			  "restarting it", ipc_type_name(m.type),
			  why ? why : (m.reason ? m.reason : strerror(-err)));
		if (m.fd >= 0)
			close(m.fd);
		stop_engine(k, SIGKILL);
		secure_zero(buf, sizeof(buf));
		return;
	}
	ipc_state_accept(&k->st, &m);
	if (m.type == IPC_ENGINE_HELLO)
		err = send_start(k);
	else if (m.type == IPC_AUTH_PSK_REQUEST)
		err = answer_auth(k, &m);
	else if (m.type == IPC_ROUTE_REQUEST)
		err = answer_route(k, &m);
	if (m.type != IPC_ENGINE_HELLO)
		ipc_state_complete(&k->st, m.id);
	secure_zero(buf, sizeof(buf));
	if (err < 0)
		log_warn("keeper", "cannot respond to the engine: %s",
			 strerror(-err));
}

/* Collects a dead engine and schedules its restart with backoff. */
static void reap(struct keeper *k)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid != k->engine)
			continue;
		if (WIFSIGNALED(status))
			log_error("keeper", "engine PID %d killed by signal %d",
				  (int)pid, WTERMSIG(status));
		else
			log_warn("keeper", "engine PID %d exited with status "
				 "%d", (int)pid, WEXITSTATUS(status));
		k->engine = 0;
		if (k->ipc >= 0)
			close(k->ipc);
		k->ipc = -1;
		if (now_ms() - k->engine_started_ms > STABLE_MS)
			k->backoff_ms = BACKOFF_MIN_MS;
		if (!k->stop) {
			k->restart_at_ms = now_ms() + k->backoff_ms;
			log_info("keeper", "restarting the engine in %u ms",
				 k->backoff_ms);
			k->backoff_ms = k->backoff_ms * 2 > BACKOFF_MAX_MS
						? BACKOFF_MAX_MS
						: k->backoff_ms * 2;
		}
	}
}

static void on_signal(struct keeper *k)
{
	struct signalfd_siginfo si;
	while (read(k->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(k);
			break;
		case SIGUSR1:
			stop_engine(k, SIGUSR1);
			break;
		case SIGHUP:
			/* TODO: reload the configuration and secrets here and
			 * hand the engine the new text, keeping its SAs. */
			log_warn("keeper", "SIGHUP: reloading is not supported "
				 "with privilege separation yet; restart "
				 "crestd");
			break;
		default:
			log_info("keeper", "signal %u: stopping",
				 si.ssi_signo);
			k->stop = true;
			stop_engine(k, SIGTERM);
		}
	}
}

static void loop(struct keeper *k)
{
	uint64_t stop_deadline = 0;
	for (int spins = 0; k->engine > 0 || !k->stop; spins++) {
		if (!k->stop && k->engine == 0 && now_ms() >= k->restart_at_ms)
			spawn(k);
		if (k->stop && !stop_deadline)
			stop_deadline = now_ms() + 5000;
		if (stop_deadline && now_ms() >= stop_deadline) {
			log_warn("keeper", "engine did not stop in 5 s");
			stop_engine(k, SIGKILL);
			stop_deadline = now_ms() + 60000;
		}
		struct pollfd p[2] = { { .fd = k->sigfd, .events = POLLIN },
				       { .fd = k->ipc, .events = POLLIN } };
		if (poll(p, k->ipc >= 0 ? 2 : 1, 200) <= 0)
			continue;
		if (p[0].revents)
			on_signal(k);
		if (k->ipc >= 0 && p[1].revents)
			serve_one(k);
	}
}

static int setup(struct keeper *k)
{
	char err[1024];
	if (config_load(k->opts->config, &k->cfg, err, sizeof(err)) < 0 ||
	    secrets_load(k->cfg.secrets_path, &k->secrets, err,
			 sizeof(err)) < 0) {
		fprintf(stderr, "crestd: %s\n", err);
		return -EINVAL;
	}
	int rc = read_file(k->opts->config, &k->config_text, &k->config_len);
	if (rc < 0) {
		fprintf(stderr, "crestd: cannot read %s: %s\n",
			k->opts->config, strerror(-rc));
		return rc;
	}
	log_set_level(k->opts->log_level >= 0
			      ? (enum log_level)k->opts->log_level
			      : (enum log_level)k->cfg.log_level);

	struct control_ctx none = { 0 };
	if (control_open(&k->ctl, k->opts->control, &none) < 0)
		log_warn("keeper", "running without a control socket");
	if (dp_open_sockets(&k->dp, &k->cfg) < 0 ||
	    dp_open_realms(&k->dp, &k->cfg) < 0 || dp_install_traps(&k->dp) < 0)
		return -EIO;

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	k->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	return k->sigfd < 0 ? -errno : 0;
}

int keeper_main(const struct privsep_opts *o)
{
	static struct keeper k;
	k.opts = o;
	k.ipc = -1;
	k.backoff_ms = BACKOFF_MIN_MS;
	k.policy = (struct ipc_policy){ .ctx = &k, .conn_exists = conn_exists,
					.realm_exists = realm_exists,
					.route_allowed = route_allowed };
	if (setup(&k) < 0) {
		control_close(&k.ctl);
		return 1;
	}
	log_info("keeper", "starting with %s, privileges separated",
		 o->config);
	loop(&k);

	/* The engine sent its Deletes; the devices go with our fds. */
	control_close(&k.ctl);
	dp_close(&k.dp);
	secrets_free(&k.secrets);
	config_free(&k.cfg);
	free(k.config_text);
	log_info("keeper", "stopped");
	return 0;
}
