// SPDX-License-Identifier: LGPL-2.1-or-later
/* crestd: loads the configuration and runs IKE and ESP. */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config/config.h"
#include "config/secrets.h"
#include "crestd/daemon.h"
#include "crestd/privsep.h"
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
	const char *control_group; /* NULL: the socket stays 0600 */
	const char *user;
	const char *engine_path; /* --engine-path, for tests */
	int log_level;
	bool privsep;
	bool engine; /* started by the keeper as its engine */
	uint64_t started_ms; /* --keeper-started, from the keeper */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: crestd [-c FILE] [--control PATH] "
		"[--control-group NAME]\n"
		"              [--log-level LEVEL] [--user NAME | --no-privsep]\n"
		"       crestd --check FILE\n"
		"\n"
		"  -c, --config FILE     configuration file (default "
		DEFAULT_CONFIG ")\n"
		"      --check FILE      validate FILE and its secrets file, "
		"then exit:\n"
		"                        0 if valid, 1 with the error if not\n"
		"      --control PATH    control socket for crestctl (default\n"
		"                        " CONTROL_DEFAULT_PATH ")\n"
		"      --control-group NAME\n"
		"                        give group NAME access to the control "
		"socket\n"
		"                        (mode 0660 instead of 0600)\n"
		"  -l, --log-level LEVEL error, warn, info, debug or trace; "
		"overrides\n"
		"                        the file's log_level\n"
		"      --user NAME       run IKE and ESP as user NAME (default "
		"\"crest\") in\n"
		"                        a chrooted, seccomp-confined engine "
		"process; the\n"
		"                        PSKs, devices and routes stay in this "
		"process\n"
		"      --no-privsep      run everything in this one root "
		"process, PSKs\n"
		"                        included; for debugging only\n"
		"      --engine-path PATH\n"
		"                        run PATH as the engine instead of "
		"crestd itself;\n"
		"                        for tests only\n"
		"  -h, --help            show this help\n"
		"\n"
		"Signals: SIGINT and SIGTERM delete the SAs and stop; SIGUSR1 "
		"logs every SA\nand the drop counters; SIGHUP reloads the "
		"configuration and secrets\nfiles.\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", required_argument, NULL, 'k' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "control", required_argument, NULL, 'C' },
		{ "control-group", required_argument, NULL, 'G' },
		{ "privsep", no_argument, NULL, 'P' },
		{ "no-privsep", no_argument, NULL, 'N' },
		{ "user", required_argument, NULL, 'u' },
		{ "engine", no_argument, NULL, 'E' },
		{ "engine-path", required_argument, NULL, 'e' },
		{ "keeper-started", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	o->config = DEFAULT_CONFIG;
	o->control = CONTROL_DEFAULT_PATH;
	o->user = "crest";
	o->log_level = -1;
	o->privsep = true;
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
		case 'G':
			o->control_group = optarg;
			break;
		case 'P': /* the default; kept for scripts that name it */
			o->privsep = true;
			break;
		case 'N':
			o->privsep = false;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'E':
			o->engine = true;
			break;
		case 'e':
			o->engine_path = optarg;
			break;
		case 'S':
			o->started_ms = strtoull(optarg, NULL, 10);
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

/*
 * Looks up the group of --control-group.  Returns 0, or the exit status
 * after printing why the group cannot be used.
 */
static int find_control_group(const struct options *o, gid_t *gid)
{
	*gid = CONTROL_NO_GROUP;
	if (!o->control_group)
		return 0;
	errno = 0;
	const struct group *gr = getgrnam(o->control_group);
	if (gr) {
		*gid = gr->gr_gid;
		return 0;
	}
	/* getgrnam(3) lists these errno values for a name that is not found. */
	if (errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF ||
	    errno == EPERM)
		fprintf(stderr,
		        "crestd: unknown group \"%s\" in "
		        "--control-group; create it (groupadd %s) or name an "
		        "existing group\n",
		        o->control_group, o->control_group);
	else
		fprintf(stderr,
		        "crestd: failed to look up group \"%s\" in "
		        "--control-group: %s\n",
		        o->control_group, strerror(errno));
	return 1;
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
	char warning[1024];
	for (size_t n = 0; secrets_missing_psk(&cfg, &secrets, n, warning,
						sizeof(warning));
	     n++)
		printf("warning: %s\n", warning);
	secrets_free(&secrets);
	config_free(&cfg);
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	/* Descriptors the caller left open are not crestd's to keep, and
	 * must not reach the engine.  The engine closes its own above the
	 * keeper's socket. */
	if (!o.engine)
		close_range(3, ~0U, 0);
	if (o.check)
		return check_only(o.check);
	gid_t control_gid;
	rc = find_control_group(&o, &control_gid);
	if (rc)
		return rc;
	struct privsep_opts po = { .config = o.config, .control = o.control,
				   .user = o.user, .log_level = o.log_level,
				   .control_gid = control_gid,
				   .started_ms = o.started_ms,
				   .engine_path = o.engine_path };
	if (o.engine)
		return engine_main(&po);
	if (o.privsep)
		return keeper_main(&po);

	static struct daemon d;
	d.ipc_fd = -1;
	uint64_t started_ms = now_ms();
	if (load(o.config, &d.cfg, &d.secrets) != 0)
		return 1;
	log_set_level(o.log_level >= 0 ? (enum log_level)o.log_level
				       : (enum log_level)d.cfg.log_level);
	log_info("crestd", "starting with %s", o.config);
	daemon_warn_missing_psks(&d.cfg, &d.secrets);
	log_warn("crestd", "--no-privsep: the PSKs live in the root process "
		 "that parses packets from the network; use it for debugging "
		 "only");

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
	if (control_open_group(&d.ctl, o.control, control_gid, &ctl_ctx) < 0)
		log_warn("crestd", "running without a control socket: "
			 "crestctl cannot reach this daemon");
	if (dp_open_sockets(&d.dp, &d.cfg) < 0 ||
	    dp_open_realms(&d.dp, &d.cfg) < 0 || dp_install_traps(&d.dp) < 0 ||
	    daemon_open_events(&d) < 0 || daemon_setup_events(&d) < 0) {
		log_error("crestd", "start-up failed");
		control_close(&d.ctl);
		return 1;
	}
	daemon_start_connections(&d);
	daemon_run(&d);

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
