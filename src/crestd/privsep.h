/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Privilege separation.  The keeper (root) keeps the configuration, the
 * PSKs, the TUN devices and the sockets, and starts the engine with fork
 * and exec.  The engine runs IKE, ESP and the control socket as an
 * unprivileged, chrooted, seccomp-confined process and asks the keeper
 * for AUTH values and routes over a SOCK_SEQPACKET socket (src/ipc).
 */
#ifndef CREST_CRESTD_PRIVSEP_H
#define CREST_CRESTD_PRIVSEP_H

/* The descriptor number of the keeper's socket in the engine. */
#define PRIVSEP_IPC_FD 3

#include <stdint.h>
#include <sys/types.h>

struct privsep_opts {
	const char *config;  /* configuration file */
	const char *control; /* control socket path */
	const char *user;    /* the engine's user */
	gid_t control_gid;   /* group of the control socket, or
			      * CONTROL_NO_GROUP */
	int log_level;	     /* -1: the file's */
	/* now_ms() when the keeper started, which the engine reports as the
	 * daemon's start; 0 if unknown. */
	uint64_t started_ms;
	/* Program the keeper runs as the engine, or NULL for crestd itself. */
	const char *engine_path;
};

/* Runs the keeper until SIGINT or SIGTERM; returns the exit status. */
int keeper_main(const struct privsep_opts *o);
/* Runs the engine on PRIVSEP_IPC_FD; returns the exit status. */
int engine_main(const struct privsep_opts *o);

#endif
