// SPDX-License-Identifier: LGPL-2.1-or-later
/* crestd: loads the configuration and runs IKE and ESP. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config/config.h"
#include "config/secrets.h"
#include "crestd/reload.h"
#include "dataplane/datapath.h"
#include "dataplane/trap.h"
#include "ike/engine.h"
#include "mgmt/control.h"
#include "util/log.h"
#include "util/timeutil.h"

#define DEFAULT_CONFIG "/etc/crest/crestd.conf"

struct options {
	const char *config;
	const char *check;
	const char *control;
	int log_level;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: crestd [-c FILE] [--control PATH] [--log-level LEVEL]\n"
		"       crestd --check FILE\n"
		"\n"
		"  -c, --config FILE     configuration file (default "
		DEFAULT_CONFIG ")\n"
		"      --check FILE      validate FILE and its secrets file, "
		"then exit:\n"
		"                        0 if valid, 1 with the error if not\n"
		"      --control PATH    control socket for crestctl (default\n"
		"                        " CONTROL_DEFAULT_PATH ")\n"
		"  -l, --log-level LEVEL error, warn, info, debug or trace; "
		"overrides\n"
		"                        the file's log_level\n"
		"  -h, --help            show this help\n"
		"\n"
		"Signals: SIGINT and SIGTERM delete the SAs and stop; SIGUSR1 "
		"logs every SA\nand the drop counters; SIGHUP reloads the "
		"configuration file.\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", required_argument, NULL, 'k' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "control", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	o->config = DEFAULT_CONFIG;
	o->control = CONTROL_DEFAULT_PATH;
	o->log_level = -1;
	while ((c = getopt_long(argc, argv, "c:l:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'k':
			o->check = optarg;
			break;
		case 'C':
			o->control = optarg;
			break;
		case 'l':
			o->log_level = log_level_parse(optarg);
			if (o->log_level < 0) {
				fprintf(stderr,
					"crestd: invalid log level \"%s\"; use "
					"error, warn, info, debug or trace\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "crestd: unexpected argument \"%s\"\n",
			argv[optind]);
		return 2;
	}
	return 0;
}

static int load(const char *path, struct cfg *cfg, struct secrets *secrets)
{
	char err[1024];
	if (config_load(path, cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "crestd: %s\n", err);
		return 1;
	}
	if (secrets_load(cfg->secrets_path, secrets, err, sizeof(err)) < 0) {
		fprintf(stderr, "crestd: %s\n", err);
		config_free(cfg);
		return 1;
	}
	return 0;
}

static int check_only(const char *path)
{
	struct cfg cfg;
	struct secrets secrets;
	if (load(path, &cfg, &secrets) != 0)
		return 1;
	size_t conns = 0;
	for (size_t i = 0; i < cfg.n_realms; i++)
		conns += cfg.realms[i].n_conns;
	printf("%s: valid, %zu realm(s), %zu connection(s), %zu PSK(s)\n",
	       path, cfg.n_realms, conns, secrets.n_psks);
	secrets_free(&secrets);
	config_free(&cfg);
	return 0;
}

struct daemon {
	struct cfg cfg;
	struct secrets secrets;
	struct ike_engine eng;
	struct datapath dp;
	struct control ctl;
	struct reload reload;
	int epfd;
	int sigfd;
	bool stop;
};

static int watch(struct daemon *d, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };
	if (fd < 0)
		return 0;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Tags: the fd itself in the low 32 bits, its kind above. */
enum kind { K_SIGNAL = 1, K_IKE, K_NATT, K_ESP, K_TUN, K_CONTROL };
#define TAG(kind, fam, idx)                                                  \
	(((uint64_t)(kind) << 48) | ((uint64_t)(fam) << 40) | (uint64_t)(idx))

static int setup_events(struct daemon *d)
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
	}
}

static void run(struct daemon *d)
{
	while (!d->stop) {
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

static void start_connections(struct daemon *d)
{
	for (size_t r = 0; r < d->cfg.n_realms; r++)
		for (size_t i = 0; i < d->cfg.realms[r].n_conns; i++) {
			struct cfg_conn *c = &d->cfg.realms[r].conns[i];
			if (c->start_action == START_ACTION_INITIATE)
				ike_engine_initiate(&d->eng, c);
		}
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	if (o.check)
		return check_only(o.check);

	static struct daemon d;
	uint64_t started_ms = now_ms();
	if (load(o.config, &d.cfg, &d.secrets) != 0)
		return 1;
	log_set_level(o.log_level >= 0 ? (enum log_level)o.log_level
				       : (enum log_level)d.cfg.log_level);
	log_info("crestd", "starting with %s", o.config);

	ike_engine_register_handlers();
	ike_engine_init(&d.eng, &d.cfg, &d.secrets, &dp_engine_ops, &d.dp);
	d.dp.eng = &d.eng;
	d.reload = (struct reload){ .path = o.config, .cfg = &d.cfg,
				    .secrets = &d.secrets, .eng = &d.eng,
				    .dp = &d.dp, .ctl = &d.ctl,
				    .log_level_fixed = o.log_level >= 0 };
	struct control_ctx ctl_ctx = { .cfg = &d.cfg, .eng = &d.eng,
				       .dp = &d.dp, .started_ms = started_ms,
				       .reload = reload_from_control,
				       .reload_arg = &d.reload };
	/* The tunnels work without the control socket, so a path that is
	 * taken or not writable costs only crestctl access. */
	if (control_open(&d.ctl, o.control, &ctl_ctx) < 0)
		log_warn("crestd", "running without a control socket: "
			 "crestctl cannot reach this daemon");
	if (dp_open_sockets(&d.dp, &d.cfg) < 0 ||
	    dp_open_realms(&d.dp, &d.cfg) < 0 || dp_install_traps(&d.dp) < 0 ||
	    setup_events(&d) < 0) {
		log_error("crestd", "start-up failed");
		control_close(&d.ctl);
		return 1;
	}
	start_connections(&d);
	run(&d);

	control_close(&d.ctl);
	ike_engine_shutdown(&d.eng);
	reload_release(&d.reload);
	dp_trap_clear(&d.dp);
	dp_close(&d.dp);
	secrets_free(&d.secrets);
	config_free(&d.cfg);
	log_info("crestd", "stopped");
	return 0;
}
