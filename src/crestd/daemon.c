// SPDX-License-Identifier: LGPL-2.1-or-later
#include "crestd/daemon.h"

#include <errno.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util/log.h"
#include "util/timeutil.h"

static int watch(struct daemon *d, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };
	if (fd < 0)
		return 0;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Tags: the fd itself in the low 32 bits, its kind above. */
enum kind { K_SIGNAL = 1, K_IKE, K_NATT, K_ESP, K_TUN, K_CONTROL, K_IPC };
#define TAG(kind, fam, idx)                                                  \
	(((uint64_t)(kind) << 48) | ((uint64_t)(fam) << 40) | (uint64_t)(idx))

int daemon_open_events(struct daemon *d)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->sigfd < 0 || d->epfd < 0)
		return -errno;
	return 0;
}

int daemon_setup_events(struct daemon *d)
{
	struct dp_sockets *s4 = &d->dp.v4, *s6 = &d->dp.v6;
	int err = watch(d, d->sigfd, TAG(K_SIGNAL, 0, 0));
	err = err ?: watch(d, s4->ike, TAG(K_IKE, AF_INET, s4->ike));
	err = err ?: watch(d, s4->natt, TAG(K_NATT, AF_INET, s4->natt));
	err = err ?: watch(d, s4->esp, TAG(K_ESP, AF_INET, s4->esp));
	err = err ?: watch(d, s6->ike, TAG(K_IKE, AF_INET6, s6->ike));
	err = err ?: watch(d, s6->natt, TAG(K_NATT, AF_INET6, s6->natt));
	err = err ?: watch(d, s6->esp, TAG(K_ESP, AF_INET6, s6->esp));
	for (size_t i = 0; err == 0 && i < d->dp.n_realms; i++)
		err = watch(d, d->dp.realms[i].tun_fd, TAG(K_TUN, 0, i));
	err = err ?: control_watch(&d->ctl, d->epfd, TAG(K_CONTROL, 0, 0));
	if (err == 0 && d->ipc_fd >= 0)
		err = watch(d, d->ipc_fd, TAG(K_IPC, 0, 0));
	return err;
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;
	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			ike_engine_log_status(&d->eng);
			for (int i = 0; i < DP_DROP_COUNT; i++)
				if (d->dp.drops[i])
					log_info("esp", "dropped %llu packets: "
						 "%s",
						 (unsigned long long)d->dp
							 .drops[i],
						 dp_drop_name(
							 (enum dp_drop)i));
		} else if (si.ssi_signo == SIGHUP && d->ipc_fd >= 0) {
			/* The keeper reloads and restarts the engine. */
		} else if (si.ssi_signo == SIGHUP) {
			struct control_reload_result res;
			char err[1024];
			reload_run(&d->reload, &res, err, sizeof(err));
		} else {
			log_info("crestd", "signal %u: stopping",
				 si.ssi_signo);
			d->stop = true;
		}
	}
}

static void dispatch(struct daemon *d, uint64_t tag)
{
	enum kind kind = (enum kind)(tag >> 48);
	int fam = (int)((tag >> 40) & 0xff);
	int idx = (int)(tag & 0xffffffffu);
	switch (kind) {
	case K_SIGNAL:
		on_signal(d);
		break;
	case K_IKE:
		dp_read_socket(&d->dp, idx, fam, false, false);
		break;
	case K_NATT:
		dp_read_socket(&d->dp, idx, fam, true, false);
		break;
	case K_ESP:
		dp_read_socket(&d->dp, idx, fam, false, true);
		break;
	case K_TUN:
		dp_read_tun(&d->dp, &d->dp.realms[idx]);
		break;
	case K_CONTROL:
		control_event(&d->ctl, idx);
		break;
	case K_IPC:
		d->ipc_event(d);
		break;
	}
}

void daemon_run(struct daemon *d)
{
	while (!d->stop) {
		if (d->ipc_deferred)
			d->ipc_event(d);
		uint64_t now = now_ms();
		uint64_t next = ike_engine_run_timers(&d->eng, now);
		int timeout = next == UINT64_MAX ? 1000
			      : next <= now	 ? 0
			      : next - now > 1000 ? 1000
						  : (int)(next - now);
		struct epoll_event ev[16];
		int n = epoll_wait(d->epfd, ev, 16, timeout);
		for (int i = 0; i < n; i++)
			dispatch(d, ev[i].data.u64);
	}
}

void daemon_start_connections(struct daemon *d)
{
	for (size_t r = 0; r < d->cfg.n_realms; r++)
		for (size_t i = 0; i < d->cfg.realms[r].n_conns; i++) {
			struct cfg_conn *c = &d->cfg.realms[r].conns[i];
			if (c->start_action == START_ACTION_INITIATE)
				ike_engine_initiate(&d->eng, c);
		}
}


void daemon_warn_missing_psks(const struct cfg *cfg,
			      const struct secrets *secrets)
{
	char text[1024];
	for (size_t n = 0;
	     secrets_missing_psk(cfg, secrets, n, text, sizeof(text)); n++)
		log_warn("crestd", "%s", text);
}
