// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * crestctl: sends one command to crestd's control socket and prints the
 * response.  Exit codes: 0 success, 1 the daemon reported an error or sent
 * an invalid response, 2 usage error, 3 the socket cannot be reached or
 * the daemon sent no response in time.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crestctl/client.h"
#include "crestctl/print.h"
#include "mgmt/control.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_DAEMON_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
};

struct options {
	const char *socket;
	const char *command;
	bool json;
};

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: crestctl [--socket PATH] [--json] COMMAND\n"
	        "\n"
	        "Commands:\n"
	        "  status       daemon version, uptime, configuration file "
	        "and realms\n"
	        "  sas          IKE SAs and CHILD_SAs with traffic counters\n"
	        "  counters     dropped packets by reason, NAT-T keepalives\n"
	        "  connections  configured connections\n"
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
	while ((c = getopt_long(argc, argv, "s:jh", longopts, NULL)) != -1) {
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
	if (optind != argc - 1) {
		fprintf(stderr, "crestctl: %s\n",
		        optind == argc ? "missing command"
		                       : "expected one command, got more");
		usage(stderr);
		return EXIT_USAGE;
	}
	o->command = argv[optind];
	return EXIT_OK;
}

/* Prints the response and returns the matching exit code. */
static int report(const struct options *o, const json_t *resp)
{
	const json_t *error = json_object_get(resp, "error");
	if (o->json) {
		json_dumpf(resp, stdout, JSON_COMPACT);
		putchar('\n');
	}
	if (error) {
		fprintf(stderr, "crestctl: crestd: %s\n",
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
	json_t *request = json_pack("{s:s}", "command", o.command);
	if (!request) {
		fprintf(stderr, "crestctl: invalid command \"%s\"\n",
		        o.command);
		return EXIT_USAGE;
	}

	char err[512];
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

	rc = report(&o, resp);
	json_decref(resp);
	return rc;
}
