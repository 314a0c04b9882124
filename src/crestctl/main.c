// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * crestctl: sends one command with its arguments to crestd's control
 * socket and prints the response.  Exit codes: 0 success, 1 the daemon reported
 * an error or sent an invalid response, 2 usage error, 3 the socket cannot be
 * reached or the daemon sent no response in time.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crestctl/client.h"
#include "crestctl/print.h"
#include "crestctl/request.h"
#include "mgmt/control.h"
#include "mgmt/control_commands.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_DAEMON_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
};

struct options {
	const char *socket;
	const char *command;
	int argc; /* the command and its arguments */
	char **argv;
	bool json;
};

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: crestctl [--socket PATH] [--json] COMMAND [ARGS]\n"
	        "\n"
	        "Commands:\n"
	        "  status               daemon version, uptime, configuration "
	        "file, realms\n"
	        "  sas                  IKE SAs and CHILD_SAs with counters "
	        "and lifetimes\n"
	        "  counters             dropped packets by reason, NAT-T "
	        "keepalives\n"
	        "  connections          configured connections\n"
	        "  initiate CONN        start the connection's IKE SA\n"
	        "  initiate CONN --child NAME\n"
	        "                       set up one child of the connection\n"
	        "  terminate CONN       send a Delete for the connection's IKE "
	        "SAs\n"
	        "  terminate CONN --child NAME\n"
	        "                       send a Delete for one child's "
	        "CHILD_SA\n"
	        "  terminate --ike SPI  send a Delete for one IKE SA\n"
	        "  rekey CONN [--ike]   rekey a CHILD_SA of the connection, or "
	        "its IKE SA\n"
	        "  rekey CONN --child NAME\n"
	        "                       rekey the CHILD_SA of one child\n"
	        "  reload               re-read crestd's configuration file "
	        "(as SIGHUP)\n"
	        "  check FILE           validate a configuration file and its "
	        "secrets file,\n"
	        "                       here, without crestd\n"
	        "  log [-n LINES]       the newest log lines (default 100, at "
	        "most 1000)\n"
	        "\n"
	        "Options:\n"
	        "  -s, --socket PATH  control socket "
	        "(default " CONTROL_DEFAULT_PATH ")\n"
	        "  -j, --json         print the daemon's JSON response as is\n"
	        "  -h, --help         show this help\n"
	        "\n"
	        "Exit status: 0 success, 1 crestd reported an error, 2 usage "
	        "error,\n3 the socket cannot be reached or crestd sent no "
	        "response within 5 s.\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	        {"socket", required_argument, NULL, 's'},
	        {"json", no_argument, NULL, 'j'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;
	o->socket = CONTROL_DEFAULT_PATH;
	/* "+" stops at the command, whose own options getopt must not take. */
	while ((c = getopt_long(argc, argv, "+s:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "crestctl: missing command\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	o->command = argv[optind];
	o->argc = argc - optind;
	o->argv = argv + optind;
	return EXIT_OK;
}

/* Prints the response, from crestd or from check run here, and returns
 * the matching exit code. */
static int report(const struct options *o, const json_t *resp, bool daemon)
{
	const json_t *error = json_object_get(resp, "error");
	if (o->json) {
		json_dumpf(resp, stdout, JSON_COMPACT);
		putchar('\n');
	}
	if (error) {
		fprintf(stderr, "crestctl: %s%s\n", daemon ? "crestd: " : "",
		        json_string_value(error) ? json_string_value(error)
		                                 : "unknown error");
		return EXIT_DAEMON_ERROR;
	}
	if (!o->json)
		print_response(o->command, resp, stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct options o = {0};
	int rc = parse_args(argc, argv, &o);
	if (rc != EXIT_OK)
		return rc;

	/* The daemon rejects unknown commands with an error, so crestctl
	 * passes any name through and works with commands added later. */
	char err[512];
	json_t *request = request_build(o.argc, o.argv, err, sizeof(err));
	if (!request) {
		fprintf(stderr, "crestctl: %s\n",
		        err[0] ? err
		               : "cannot build the request: an argument is not "
		                 "valid UTF-8");
		return EXIT_USAGE;
	}

	/* check parses the file here, with the caller's own rights: crestd's
	 * engine, which serves the socket, cannot open files. */
	if (strcmp(o.command, "check") == 0) {
		json_t *resp = control_cmd_check(NULL, request);
		json_decref(request);
		rc = report(&o, resp, false);
		json_decref(resp);
		return rc;
	}

	json_t *resp = NULL;
	int fd = ctl_connect(o.socket, err, sizeof(err));
	if (fd >= 0) {
		rc = ctl_exchange(fd, o.socket, request, &resp, err,
		                  sizeof(err));
		close(fd);
	}
	json_decref(request);
	if (fd < 0 || rc < 0) {
		fprintf(stderr, "crestctl: %s\n", err);
		return fd < 0 || rc == -ETIMEDOUT ? EXIT_UNREACHABLE
		                                  : EXIT_DAEMON_ERROR;
	}

	rc = report(&o, resp, true);
	json_decref(resp);
	return rc;
}
