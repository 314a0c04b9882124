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
#include <fcntl.h>
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
#include "config/source.h"
#include "crestd/daemon.h"
#include "crestd/privsep.h"
#include "crestd/reload.h"
#include "crestd/sandbox.h"
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
#define MAX_ROUTES (CFG_MAX_REALMS * CFG_MAX_CONNS * CFG_MAX_TS)

/* A route the keeper added to a realm's device. */
struct keeper_route {
	uint16_t realm;
	int family;
	uint8_t prefix[16];
	uint8_t prefix_len;
};

struct keeper {
	const struct privsep_opts *opts;
	struct cfg cfg;
	struct secrets secrets;
	char *config_text;
	size_t config_len;
	/* The configuration before the last reload.  The engine may still
	 * request routes for its connections until it applies the new one. */
	struct cfg prev;
	bool have_prev;
	/* Device of each realm index of the running engine, which numbers
	 * realms as the text it started with lists them. */
	uint16_t engine_realms[CFG_MAX_REALMS];
	struct keeper_route *routes; /* added, for the engine to remove */
	size_t n_routes;
	struct datapath dp; /* sockets and TUN devices, not run here */
	struct control ctl; /* the listening socket only */
	int sigfd;

	pid_t engine;
	int ipc;
	struct ipc_state st;
	struct ipc_policy policy;
	uint64_t started_ms;
	uint64_t engine_started_ms;
	uint64_t restart_at_ms;
	unsigned backoff_ms;
	bool stop;
	bool failed; /* stopping because the engine cannot run at all */
};

static struct cfg_conn *find_conn(struct keeper *k, const char *name)
{
	return config_find_conn(&k->cfg, name);
}

static bool conn_exists(void *ctx, const char *name)
{
	struct keeper *k = ctx;
	return find_conn(k, name) ||
	       (k->have_prev && config_find_conn(&k->prev, name));
}

static bool realm_exists(void *ctx, unsigned realm)
{
	return realm < ((struct keeper *)ctx)->dp.n_realms;
}

/* Whether the route lies inside a remote selector of connection c, which
 * belongs to the realm of the request's device, and covers no gateway
 * address.  Realms match by name because a reload may reorder them. */
static bool route_fits(const struct keeper *k, const struct cfg_conn *c,
		       const struct ipc_route_request *rq)
{
	if (!c || rq->realm >= k->dp.n_realms ||
	    strcmp(c->realm->name,
		   k->dp.realms[k->engine_realms[rq->realm]].cfg->name) != 0)
		return false;

	struct traffic_selector want;
	if (ts_from_prefix(rq->family, rq->prefix, rq->prefix_len, &want) < 0)
		return false;

	/* A route over a gateway address would cut the peer off, whatever
	 * the selectors. */
	if (config_gateway_in(c, &want))
		return false;
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

static struct keeper_route *find_route(struct keeper *k, uint16_t realm,
				       int family, const uint8_t *prefix,
				       unsigned len)
{
	size_t alen = family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < k->n_routes; i++) {
		struct keeper_route *r = &k->routes[i];
		if (r->realm == realm && r->family == family &&
		    r->prefix_len == len && memcmp(r->prefix, prefix, alen) == 0)
			return r;
	}
	return NULL;
}

/*
 * An added route must lie inside a remote selector of its connection in
 * the running configuration or the one before the last reload.  Removal
 * is checked when the keeper handles it: only routes it added go.
 */
static bool route_allowed(void *ctx, const struct ipc_route_request *rq)
{
	struct keeper *k = ctx;
	if (rq->op == IPC_ROUTE_DELETE)
		return rq->realm < k->dp.n_realms;
	if (route_fits(k, find_conn(k, rq->conn), rq))
		return true;
	return k->have_prev &&
	       route_fits(k, config_find_conn(&k->prev, rq->conn), rq);
}

/* Adds or removes a route on a realm's device and keeps the list of the
 * routes added, so the engine can remove only those. */
static int set_route(struct keeper *k, uint16_t realm, bool add, int family,
		     const uint8_t *prefix, unsigned len, const uint8_t *src)
{
	const char *dev = k->dp.realms[realm].ifname;
	struct keeper_route *known = find_route(k, realm, family, prefix, len);
	if (!add && !known)
		return -EACCES;
	if (add && !known && k->n_routes >= MAX_ROUTES)
		return -ENOSPC;
	int err = add ? nl_route_add(dev, family, prefix, len, src)
		      : nl_route_del(dev, family, prefix, len);
	if (err == -ESRCH && !add)
		err = 0;
	if (err < 0)
		return err;
	if (add && !known) {
		struct keeper_route *r = &k->routes[k->n_routes++];
		memset(r, 0, sizeof(*r));
		r->realm = realm;
		r->family = family;
		memcpy(r->prefix, prefix, family == AF_INET ? 4 : 16);
		r->prefix_len = (uint8_t)len;
	} else if (!add) {
		*known = k->routes[--k->n_routes];
	}
	return 0;
}

/* The data path's route callback, for the on-traffic routes the keeper
 * installs at start-up. */
static int trap_route(void *ctx, const struct dp_realm *realm,
		      const struct cfg_conn *conn, bool add, int family,
		      const uint8_t *addr, unsigned prefix, const uint8_t *src)
{
	struct keeper *k = ctx;
	return set_route(k, (uint16_t)(realm - k->dp.realms), add, family, addr,
			 prefix, src);
}

/* Reads the configuration text to send to the engine, with the errors of
 * config_load for the same file. */
static int read_file(const char *path, char **out, size_t *len, char *err,
		     size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
		return -e;
	}
	int rc = source_read(fd, path, out, len, err, errlen);
	close(fd);
	if (rc < 0)
		return rc;
	if (*len == 0 || strlen(*out) != *len) {
		snprintf(err, errlen, "%s: %s", path,
			 *len ? "file contains a NUL byte; save it as plain "
				"text"
			      : "file is empty");
		free(*out);
		return -EINVAL;
	}
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
	char level[16] = "", started[24];
	snprintf(started, sizeof(started), "%llu",
		 (unsigned long long)k->started_ms);
	if (k->opts->log_level >= 0)
		snprintf(level, sizeof(level), "%s",
			 log_level_name((enum log_level)k->opts->log_level));
	pid_t pid = fork();
	if (pid == 0) {
		/* The new image starts with only stdio and the socket. */
		if (dup2(fds[1], PRIVSEP_IPC_FD) < 0)
			_exit(127);
		close_range(PRIVSEP_IPC_FD + 1, ~0U, 0);
		char *argv[] = { "crestd", "--engine", "--keeper-started",
				 started, "-c", (char *)k->opts->config,
				 "--user", (char *)k->opts->user,
				 level[0] ? "-l" : NULL, level, NULL };
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
	/* The engine numbers realms as the configuration text lists them,
	 * which after a reload may differ from the order of the devices. */
	for (size_t i = 0; err == 0 && i < k->dp.n_realms; i++) {
		size_t idx = (size_t)(k->dp.realms[i].cfg - k->cfg.realms);
		k->engine_realms[idx] = (uint16_t)i;
		err = send_socket(k, IPC_SOCK_TUN, (uint16_t)idx,
				  k->dp.realms[i].tun_fd);
	}
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
	} else {
		log_debug("keeper", "%s AUTH value for %s %016llx_i %016llx_r",
			  rq->purpose == IPC_AUTH_OWN ? "own" : "peer's",
			  rq->conn, (unsigned long long)rq->spi_i,
			  (unsigned long long)rq->spi_r);
	}
	put_be32(body, (uint32_t)-err);
	err = ipc_send(k->ipc, IPC_AUTH_PSK_REPLY, m->id, body, 4 + len, -1);
	secure_zero(body, sizeof(body));
	return err;
}

static int answer_route(struct keeper *k, const struct ipc_msg *m)
{
	const struct ipc_route_request *rq = &m->u.route_request;
	bool add = rq->op == IPC_ROUTE_ADD;
	int err = set_route(k, k->engine_realms[rq->realm], add, rq->family,
			    rq->prefix,
			    rq->prefix_len, rq->has_source ? rq->source : NULL);
	if (err == -EACCES)
		log_warn("keeper", "rejected removing a route of %s: the keeper "
			 "did not add it", rq->conn);
	else if (err < 0)
		log_warn("keeper", "route request of %s failed: %s", rq->conn,
			 strerror(-err));
	uint8_t body[4];
	put_be32(body, (uint32_t)-err);
	return ipc_send(k->ipc, IPC_ROUTE_REPLY, m->id, body, sizeof(body), -1);
}

/*
 * Re-reads the configuration and secrets files.  On success the new ones
 * replace the running ones and the old configuration stays as k->prev.
 * On failure nothing changes and err contains the reason.
 */
static int reload(struct keeper *k, char *err, size_t errlen)
{
	struct cfg next;
	struct secrets secrets;
	char *text;
	size_t len;
	log_info("keeper", "reloading %s", k->opts->config);
	int rc = read_file(k->opts->config, &text, &len, err, errlen);
	if (rc < 0)
		goto failed;
	rc = config_load_string(text, k->opts->config, &next, err, errlen);
	if (rc == 0) {
		rc = secrets_load(next.secrets_path, &secrets, err, errlen);
		if (rc < 0)
			config_free(&next);
	}
	if (rc == 0) {
		rc = reload_check_realms(&k->cfg, &next, err, errlen);
		if (rc < 0) {
			secrets_free(&secrets);
			config_free(&next);
		}
	}
	if (rc < 0) {
		free(text);
		goto failed;
	}
	if (k->have_prev)
		config_free(&k->prev);
	k->prev = k->cfg;
	k->have_prev = true;
	k->cfg = next;
	secrets_free(&k->secrets);
	k->secrets = secrets;
	free(k->config_text);
	k->config_text = text;
	k->config_len = len;
	/* The devices stay; their realms are found by name. */
	for (size_t i = 0; i < k->dp.n_realms; i++)
		for (size_t j = 0; j < k->cfg.n_realms; j++)
			if (strcmp(k->dp.realms[i].cfg->name,
				   k->cfg.realms[j].name) == 0) {
				k->dp.realms[i].cfg = &k->cfg.realms[j];
				break;
			}
	if (k->opts->log_level < 0)
		log_set_level((enum log_level)k->cfg.log_level);
	log_info("keeper", "reloaded %s", k->opts->config);
	daemon_warn_missing_psks(&k->cfg, &k->secrets);
	return 0;
failed:
	log_error("keeper", "reload failed, keeping the running "
		  "configuration: %s", err);
	return rc;
}

/* Sends a reload's outcome: the new text, or the error. */
static int answer_reload(struct keeper *k, uint32_t id)
{
	char err[IPC_MESSAGE_MAX];
	int rc = reload(k, err, sizeof(err));
	const char *text = rc == 0 ? k->config_text : err;
	size_t len = rc == 0 ? k->config_len : strnlen(err, sizeof(err) - 1);
	if (len == 0) {
		text = "reload failed";
		len = strlen(text);
	}
	uint8_t *body = malloc(4 + len);
	if (!body)
		return -ENOMEM;
	put_be32(body, (uint32_t)-rc);
	memcpy(body + 4, text, len);
	int sent = ipc_send(k->ipc, IPC_RELOAD_REPLY, id, body, 4 + len, -1);
	free(body);
	return sent;
}

/* SIGHUP: reloads and hands a running engine the new text. */
static void reload_on_signal(struct keeper *k)
{
	char err[IPC_MESSAGE_MAX];
	if (reload(k, err, sizeof(err)) < 0 || k->ipc < 0 || !k->st.hello_seen)
		return;
	int rc = ipc_send(k->ipc, IPC_KEEPER_CONFIG, 0, k->config_text,
			  k->config_len, -1);
	if (rc < 0)
		log_warn("keeper", "failed to send the new configuration to "
			 "the engine: %s", strerror(-rc));
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
	else if (m.type == IPC_RELOAD_REQUEST)
		err = answer_reload(k, m.id);
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
		else if (WEXITSTATUS(status) == SANDBOX_EXIT_SETUP) {
			log_error("keeper", "the engine cannot enter its "
				  "sandbox (see its error above): stopping");
			k->stop = true;
			k->failed = true;
		} else if (k->stop && WEXITSTATUS(status) == 0)
			log_info("keeper", "engine PID %d stopped",
				 (int)pid);
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
			reload_on_signal(k);
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
	uid_t uid;
	gid_t gid;
	if (sandbox_lookup_user(k->opts->user, &uid, &gid, err, sizeof(err)) <
	    0) {
		/* The message starts with "sandbox: "; the option names it. */
		fprintf(stderr, "crestd: --user %s: %s\n", k->opts->user,
			err + strlen("sandbox: "));
		return -EINVAL;
	}
	int rc = read_file(k->opts->config, &k->config_text, &k->config_len,
			   err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "crestd: %s\n", err);
		return rc;
	}
	log_set_level(k->opts->log_level >= 0
			      ? (enum log_level)k->opts->log_level
			      : (enum log_level)k->cfg.log_level);
	daemon_warn_missing_psks(&k->cfg, &k->secrets);

	k->routes = calloc(MAX_ROUTES, sizeof(*k->routes));
	if (!k->routes)
		return -ENOMEM;
	k->dp.route = trap_route;
	k->dp.route_ctx = k;
	struct control_ctx none = { 0 };
	if (control_open_group(&k->ctl, k->opts->control, k->opts->control_gid,
			       &none) < 0)
		log_warn("keeper", "running without a control socket: "
			 "crestctl cannot reach this daemon");
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
	k.started_ms = now_ms();
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
	if (k.have_prev)
		config_free(&k.prev);
	free(k.config_text);
	free(k.routes);
	log_info("keeper", "stopped");
	return k.failed ? 1 : 0;
}
