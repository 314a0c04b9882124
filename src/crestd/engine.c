// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine process: receives its sockets and the configuration from the
 * keeper, enters the sandbox and runs IKE and ESP.  It never has a PSK:
 * AUTH values and routes are requests to the keeper.
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

#include <jansson.h>
#include <openssl/crypto.h>

#include "crestd/daemon.h"
#include "crestd/privsep.h"
#include "crestd/reload.h"
#include "crestd/sandbox.h"
#include "crypto/crypto.h"
#include "crypto/digest.h"
#include "dataplane/trap.h"
#include "ipc/ipc.h"
#include "ipc/transport.h"
#include "util/log.h"
#include "util/secure.h"
#include "util/timeutil.h"

#define AUTH_TIMEOUT_MS 2000
#define RELOAD_TIMEOUT_MS 10000
#define ROUTE_TIMEOUT_MS 2000

/* The one engine of this process: the IPC callbacks find it here. */
static struct daemon engine;
static uint32_t next_id = 1;
/* Every message from the keeper lands here; a configuration text can
 * take all of it. */
static uint8_t rx[IPC_MSG_MAX];
/* Configuration text that arrived while the engine waited for a reply,
 * applied from the event loop. */
static char *deferred_config;

/* A route reply that came after its request timed out. */
static void handle_route_reply(const struct ipc_msg *m)
{
	if (m->u.route_reply.error)
		log_warn("engine", "the keeper rejected a route: %s",
			 strerror(-m->u.route_reply.error));
}

/* Reads one message from the keeper into buf; -ECONNRESET when it left. */
static int receive(struct ipc_msg *m, uint8_t *buf, size_t cap)
{
	int err = ipc_recv(engine.ipc_fd, IPC_FROM_KEEPER, m, buf, cap);
	if (err == 0 && m->fd >= 0 && m->type != IPC_SOCKET) {
		close(m->fd);
		m->fd = -1;
	}
	return err;
}

static void defer_config(const struct ipc_msg *m)
{
	char *text = strndup(m->u.config.text, m->u.config.len);
	if (!text) {
		log_error("engine", "out of memory for the new configuration");
		return;
	}
	free(deferred_config);
	deferred_config = text;
	engine.ipc_deferred = true;
}

/* Handles a message that no request waits for.  Returns false for any
 * other message. */
static bool handle_unsolicited(const struct ipc_msg *m)
{
	if (m->type == IPC_ROUTE_REPLY)
		handle_route_reply(m);
	else if (m->type == IPC_KEEPER_CONFIG)
		defer_config(m);
	else
		return false;
	return true;
}

/* Waits for the reply of type `type` to request id, handling others. */
static int wait_reply(uint16_t type, uint32_t id, unsigned timeout_ms,
		      struct ipc_msg *m)
{
	uint64_t deadline = now_ms() + timeout_ms;
	for (int i = 0; i < 64; i++) {
		struct pollfd p = { .fd = engine.ipc_fd, .events = POLLIN };
		uint64_t now = now_ms();
		if (now >= deadline ||
		    poll(&p, 1, (int)(deadline - now)) <= 0)
			return -ETIMEDOUT;
		int err = receive(m, rx, sizeof(rx));
		if (err < 0)
			return err;
		if (m->type == type && m->id == id)
			return 0;
		handle_unsolicited(m);
	}
	return -ETIMEDOUT;
}

static int wait_auth_reply(uint32_t id, uint8_t *out, size_t out_len)
{
	struct ipc_msg m;
	int err = wait_reply(IPC_AUTH_PSK_REPLY, id, AUTH_TIMEOUT_MS, &m);
	if (err < 0)
		return err;
	err = m.u.auth_reply.error;
	if (err == 0 && m.u.auth_reply.auth_len != out_len)
		err = -EPROTO;
	if (err == 0)
		memcpy(out, m.u.auth_reply.auth, out_len);
	secure_zero(rx, IPC_HEADER_LEN + m.body_len);
	return err;
}

static int engine_auth_psk(void *io, const struct ike_sa *sa, bool own,
			   const uint8_t *octets, size_t len, uint8_t *out)
{
	const struct cfg_conn *conn = sa->conn;
	uint16_t prf_id = sa->alg.prf;
	size_t name_len = strlen(conn->name);
	size_t out_len = crypto_default()->prf_len(prf_id);
	/* The keeper treats a request it must reject as an attack by the
	 * engine, so nothing a peer sends may make one. */
	if (len > IPC_OCTETS_MAX || name_len > IPC_NAME_MAX || out_len == 0 ||
	    sa->spi_i == 0 || sa->spi_r == 0)
		return -EINVAL;

	/* The IKE SA's SPIs and the purpose identify the request in the
	 * keeper's log; the value depends on the connection and the octets
	 * alone. */
	uint8_t *body = malloc(20 + name_len + len);
	if (!body)
		return -ENOMEM;
	put_be64(body, sa->spi_i);
	put_be64(body + 8, sa->spi_r);
	put_be16(body + 16, prf_id);
	body[18] = own ? IPC_AUTH_OWN : IPC_AUTH_PEER;
	body[19] = (uint8_t)name_len;
	memcpy(body + 20, conn->name, name_len);
	memcpy(body + 20 + name_len, octets, len);
	uint32_t id = next_id++;
	int err = ipc_send(engine.ipc_fd, IPC_AUTH_PSK_REQUEST, id, body,
			   20 + name_len + len, -1);
	free(body);
	if (err == 0)
		err = wait_auth_reply(id, out, out_len);
	if (err < 0 && err != -ENOENT)
		log_error("engine", "AUTH request to the keeper failed: %s",
			  strerror(-err));
	return err;
}

static int engine_route(void *ctx, const struct dp_realm *realm,
			const struct cfg_conn *conn, bool add, int family,
			const uint8_t *addr, unsigned prefix,
			const uint8_t *src)
{
	uint8_t body[40 + IPC_NAME_MAX];
	size_t name_len = strlen(conn->name);
	size_t alen = family == AF_INET ? 4 : 16;
	if (name_len > IPC_NAME_MAX)
		return -EINVAL;

	memset(body, 0, sizeof(body));
	body[0] = add ? IPC_ROUTE_ADD : IPC_ROUTE_DELETE;
	body[1] = family == AF_INET ? 4 : 6;
	body[2] = (uint8_t)prefix;
	body[3] = src ? IPC_ROUTE_HAS_SOURCE : 0;
	put_be16(body + 4, (uint16_t)(realm - engine.dp.realms));
	body[6] = (uint8_t)name_len;
	memcpy(body + 8, addr, alen);
	if (src)
		memcpy(body + 24, src, alen);
	memcpy(body + 40, conn->name, name_len);
	/* Waits for the reply as a direct netlink call would: a CHILD_SA
	 * that carries traffic before its route exists loses the replies
	 * to that traffic. */
	uint32_t id = next_id++;
	struct ipc_msg m;
	int err = ipc_send(engine.ipc_fd, IPC_ROUTE_REQUEST, id, body,
			   40 + name_len, -1);
	if (err == 0)
		err = wait_reply(IPC_ROUTE_REPLY, id, ROUTE_TIMEOUT_MS, &m);
	if (err == 0)
		err = m.u.route_reply.error;
	return err;
}

/* Applies a configuration the keeper sent after a SIGHUP. */
static void apply_deferred(struct daemon *d)
{
	d->ipc_deferred = false;
	if (!deferred_config)
		return;
	struct control_reload_result res;
	char err[1024];
	reload_text(&d->reload, deferred_config, &res, err, sizeof(err));
	free(deferred_config);
	deferred_config = NULL;
}

static void ipc_event(struct daemon *d)
{
	apply_deferred(d);
	for (int i = 0; i < 16; i++) {
		struct pollfd p = { .fd = d->ipc_fd, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			break;
		struct ipc_msg m;
		int err = receive(&m, rx, sizeof(rx));
		if (err == -ECONNRESET) {
			/* The keeper died.  It keeps the secrets and the
			 * devices, so the engine cannot go on.  No Deletes, as
			 * after a crash of the whole daemon. */
			log_error("engine", "the keeper closed its socket: "
				  "exiting");
			_exit(1);
		}
		if (err == 0)
			handle_unsolicited(&m);
	}
	apply_deferred(d);
}

/* crestctl reload: the keeper reads and checks the files, the engine
 * applies the text it gets back. */
static int engine_reload(void *arg, struct control_reload_result *res,
			 char *err, size_t errlen)
{
	struct daemon *d = arg;
	uint32_t id = next_id++;
	struct ipc_msg m;
	memset(res, 0, sizeof(*res));
	int rc = ipc_send(d->ipc_fd, IPC_RELOAD_REQUEST, id, NULL, 0, -1);
	if (rc == 0)
		rc = wait_reply(IPC_RELOAD_REPLY, id, RELOAD_TIMEOUT_MS, &m);
	if (rc < 0) {
		snprintf(err, errlen, "no reload reply from the keeper: %s",
			 strerror(-rc));
		return rc;
	}
	const struct ipc_reload_reply *rr = &m.u.reload_reply;
	char *text = strndup(rr->text, rr->len);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (rr->error < 0) {
		/* The keeper logged it too, but crestctl log shows only the
		 * engine's lines. */
		snprintf(err, errlen, "%s", text);
		log_error("crestd", "reload failed, keeping the running "
			  "configuration: %s", err);
		rc = rr->error;
	} else {
		/* This text is newer than any deferred one. */
		free(deferred_config);
		deferred_config = NULL;
		rc = reload_text(&d->reload, text, res, err, errlen);
	}
	free(text);
	return rc;
}

/* Descriptors the keeper passed, by role. */
struct received {
	int sock[IPC_SOCK_CONTROL + 1];
	int tun[CFG_MAX_REALMS];
	char *config;
	size_t config_len;
};

static int store_socket(struct received *r, const struct ipc_msg *m)
{
	const struct ipc_socket *s = &m->u.socket;
	int *slot = s->role == IPC_SOCK_TUN
			    ? (s->realm < CFG_MAX_REALMS ? &r->tun[s->realm]
							 : NULL)
			    : &r->sock[s->role];
	if (!slot || *slot >= 0) {
		close(m->fd);
		return -EINVAL;
	}
	*slot = m->fd;
	return 0;
}

/* Says hello and collects sockets until the configuration arrives. */
static int receive_start(struct received *r)
{
	int err = ipc_send(engine.ipc_fd, IPC_ENGINE_HELLO, 0, NULL, 0, -1);
	for (int i = 0; err == 0 && i < 64; i++) {
		struct ipc_msg m;
		err = ipc_recv(engine.ipc_fd, IPC_FROM_KEEPER, &m, rx,
			       sizeof(rx));
		if (err < 0)
			break;
		if (m.type == IPC_SOCKET) {
			err = store_socket(r, &m);
		} else if (m.type == IPC_KEEPER_CONFIG) {
			r->config = strndup(m.u.config.text, m.u.config.len);
			r->config_len = m.u.config.len;
			return r->config ? 0 : -ENOMEM;
		}
	}
	return err ? err : -EPROTO;
}

/* Loads every algorithm once, so no file is opened inside the sandbox. */
static void warm_up_crypto(void)
{
	static const uint16_t groups[] = { DH_X25519, DH_ECP256, DH_ECP384,
					   DH_MODP2048, DH_MODP3072 };
	static const uint16_t prfs[] = { PRF_HMAC_SHA2_256, PRF_HMAC_SHA2_384,
					 PRF_HMAC_SHA2_512 };
	static const uint8_t key[68];
	const struct crypto_provider *p = crypto_default();
	uint8_t out[CRYPTO_MAX_DH_PUBLIC];

	/* glibc's gmtime_r reads /etc/localtime on its first call, and
	 * jansson seeds its hash tables from /dev/urandom unless given a seed. */
	tzset();
	uint32_t seed = 0;
	while (seed == 0)
		random_bytes(&seed, sizeof(seed));
	json_object_seed(seed);
	OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL);
	p->random(out, 16);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct crypto_dh *dh;
		size_t len = sizeof(out);
		if (p->dh_new(groups[i], &dh) == 0) {
			p->dh_public(dh, out, &len);
			p->dh_free(dh);
		}
	}
	for (size_t i = 0; i < sizeof(prfs) / sizeof(prfs[0]); i++) {
		struct crypto_prf *prf;
		if (p->prf_new(prfs[i], key, 32, &prf) == 0) {
			p->prf_compute(prf, key, 16, out);
			p->prf_free(prf);
		}
	}
	static const struct {
		uint16_t encr, bits, integ;
	} ciphers[] = {
		{ ENCR_AES_GCM_16, 128, INTEG_NONE },
		{ ENCR_AES_GCM_16, 256, INTEG_NONE },
		{ ENCR_CHACHA20_POLY1305, 256, INTEG_NONE },
		{ ENCR_AES_CBC, 128, INTEG_HMAC_SHA2_256_128 },
		{ ENCR_AES_CBC, 256, INTEG_HMAC_SHA2_384_192 },
		{ ENCR_AES_CBC, 256, INTEG_HMAC_SHA2_512_256 },
	};
	for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
		struct crypto_cipher *c;
		size_t klen = crypto_encr_keymat_len(ciphers[i].encr,
						     ciphers[i].bits);
		size_t ilen = crypto_integ_key_len(ciphers[i].integ);
		if (crypto_cipher_new(p, ciphers[i].encr, ciphers[i].bits,
				      ciphers[i].integ, key, klen, key, ilen,
				      &c) == 0)
			crypto_cipher_free(c);
	}
	crypto_sha1(key, 1, out);
	secure_zero(out, sizeof(out));
}

static void adopt_sockets(struct daemon *d, const struct received *r)
{
	d->dp.v4 = (struct dp_sockets){ r->sock[IPC_SOCK_IKE4],
					r->sock[IPC_SOCK_NATT4],
					r->sock[IPC_SOCK_ESP4] };
	d->dp.v6 = (struct dp_sockets){ r->sock[IPC_SOCK_IKE6],
					r->sock[IPC_SOCK_NATT6],
					r->sock[IPC_SOCK_ESP6] };
}

static int start(struct daemon *d, const struct privsep_opts *o,
		 struct received *r)
{
	char err[512];
	if (config_load_string(r->config, o->config, &d->cfg, err,
			       sizeof(err)) < 0) {
		log_error("engine", "configuration from the keeper: %s", err);
		return -EINVAL;
	}
	log_set_level(o->log_level >= 0 ? (enum log_level)o->log_level
					 : (enum log_level)d->cfg.log_level);
	for (size_t i = 0; i < d->cfg.n_realms; i++)
		if (r->tun[i] < 0) {
			log_error("engine", "no TUN device for realm %s",
				  d->cfg.realms[i].name);
			return -EPROTO;
		}

	warm_up_crypto();
	if (daemon_open_events(d) < 0)
		return -errno;
	struct sandbox_opts so = { .user = o->user, .sanitizer = true };
	if (sandbox_enter(&so, err, sizeof(err)) < 0) {
		log_error("engine", "cannot enter the sandbox: %s", err);
		return -EPERM;
	}
	log_info("engine", "running as an unprivileged, confined process");
	return 0;
}

int engine_main(const struct privsep_opts *o)
{
	static struct ike_engine_ops ops;
	struct daemon *d = &engine;
	struct received r;

	/* Asked now: the sandbox does not allow getppid. */
	int keeper_pid = (int)getppid();
	/* Only stdio and the keeper's socket may cross into the sandbox,
	 * whatever the keeper's parent left open. */
	close_range(PRIVSEP_IPC_FD + 1, ~0U, 0);
	memset(&r, 0xff, sizeof(r.sock) + sizeof(r.tun));
	r.config = NULL;
	d->ipc_fd = PRIVSEP_IPC_FD;
	fcntl(d->ipc_fd, F_SETFD, FD_CLOEXEC);
	if (receive_start(&r) < 0) {
		log_error("engine", "no configuration from the keeper");
		return 1;
	}
	int rc = start(d, o, &r);
	if (rc == -EPERM)
		return SANDBOX_EXIT_SETUP;
	if (rc < 0)
		return 1;

	ike_engine_register_handlers();
	ops = dp_engine_ops;
	ops.auth_psk = engine_auth_psk;
	ike_engine_init(&d->eng, &d->cfg, NULL, &ops, &d->dp);
	d->dp.eng = &d->eng;
	d->dp.route = engine_route;
	adopt_sockets(d, &r);
	d->ipc_event = ipc_event;
	d->reload = (struct reload){ .path = o->config, .cfg = &d->cfg,
				     .eng = &d->eng, .dp = &d->dp,
				     .ctl = &d->ctl,
				     .log_level_fixed = o->log_level >= 0 };
	struct control_ctx ctl_ctx = { .cfg = &d->cfg, .eng = &d->eng,
				       .dp = &d->dp,
				       .started_ms = o->started_ms
							     ? o->started_ms
							     : now_ms(),
				       .keeper_pid = keeper_pid,
				       .engine_user = o->user,
				       .reload = engine_reload,
				       .reload_arg = d };
	control_adopt(&d->ctl, r.sock[IPC_SOCK_CONTROL], &ctl_ctx);
	if (dp_adopt_realms(&d->dp, &d->cfg, r.tun) < 0 ||
	    daemon_setup_events(d) < 0) {
		log_error("engine", "start-up failed");
		return 1;
	}
	free(r.config);

	/* The keeper installed these at its start, but the configuration may
	 * have changed since by a reload while no engine ran. */
	dp_install_traps(&d->dp);
	daemon_start_connections(d);
	daemon_run(d);
	control_close(&d->ctl);
	ike_engine_shutdown(&d->eng);
	reload_release(&d->reload);
	dp_trap_clear(&d->dp);
	free(deferred_config);
	log_info("engine", "stopped");
	return 0;
}
