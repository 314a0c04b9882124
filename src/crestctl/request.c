// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Command-line arguments to request members: initiate, terminate and
 * rekey take a connection name and --child NAME, terminate --ike an IKE SPI, check a file
 * name (made absolute, since crestd may run in another directory) and log -n a
 * line count.
 */
#include "crestctl/request.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct command_args {
	int argc; /* arguments after the command name */
	char **argv;
	char *err;
	size_t errlen;
};

static json_t *usage_error(struct command_args *a, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static json_t *usage_error(struct command_args *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->err, a->errlen, fmt, ap);
	va_end(ap);
	return NULL;
}

static json_t *build_plain(const char *command, struct command_args *a)
{
	if (a->argc > 0)
		return usage_error(a, "%s takes no arguments", command);
	return json_pack("{s:s}", "command", command);
}

/*
 * Reads CONNECTION and the options of initiate, terminate and rekey: --child
 * NAME for all three, --ike for rekey.  Returns the request or NULL with
 * the usage in a->err.
 */
static json_t *build_conn_command(const char *command, struct command_args *a,
                                  bool takes_ike, const char *usage)
{
	const char *conn = NULL, *child = NULL;
	bool ike = false;
	for (int i = 0; i < a->argc; i++) {
		if (strcmp(a->argv[i], "--child") == 0 && i + 1 < a->argc &&
		    !child)
			child = a->argv[++i];
		else if (strcmp(a->argv[i], "--ike") == 0 && takes_ike)
			ike = true;
		else if (a->argv[i][0] != '-' && !conn)
			conn = a->argv[i];
		else
			return usage_error(a, "%s", usage);
	}
	if (!conn || (ike && child))
		return usage_error(a, "%s", usage);
	json_t *req = json_pack("{s:s, s:s}", "command", command, "connection",
	                        conn);
	if (req && child &&
	    json_object_set_new(req, "child", json_string(child)) < 0) {
		json_decref(req);
		return NULL;
	}
	if (req && takes_ike &&
	    json_object_set_new(req, "ike", json_boolean(ike)) < 0) {
		json_decref(req);
		return NULL;
	}
	return req;
}

static json_t *build_initiate(const char *command, struct command_args *a)
{
	return build_conn_command(command, a, false,
	                          "usage: initiate CONNECTION [--child NAME]");
}

static json_t *build_terminate(const char *command, struct command_args *a)
{
	if (a->argc == 2 && strcmp(a->argv[0], "--ike") == 0)
		return json_pack("{s:s, s:s}", "command", command, "ike_spi",
		                 a->argv[1]);
	return build_conn_command(command, a, false,
	                          "usage: terminate CONNECTION [--child NAME] "
	                          "| terminate --ike SPI");
}

static json_t *build_rekey(const char *command, struct command_args *a)
{
	return build_conn_command(command, a, true,
	                          "usage: rekey CONNECTION [--child NAME | "
	                          "--ike]");
}

static json_t *build_check(const char *command, struct command_args *a)
{
	if (a->argc != 1 || !a->argv[0][0])
		return usage_error(a, "usage: check FILE");
	const char *file = a->argv[0];
	if (file[0] == '/')
		return json_pack("{s:s, s:s}", "command", command, "file",
		                 file);

	char cwd[PATH_MAX], path[PATH_MAX + 1024];
	if (!getcwd(cwd, sizeof(cwd)))
		return usage_error(a, "cannot read the current directory: %s",
		                   strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", cwd, file);
	return json_pack("{s:s, s:s}", "command", command, "file", path);
}

static json_t *build_log(const char *command, struct command_args *a)
{
	if (a->argc == 0)
		return json_pack("{s:s}", "command", command);

	const char *count = NULL;
	if (a->argc == 2 && (strcmp(a->argv[0], "-n") == 0 ||
	                     strcmp(a->argv[0], "--lines") == 0))
		count = a->argv[1];
	else if (a->argc == 1 && strncmp(a->argv[0], "-n", 2) == 0)
		count = a->argv[0] + 2;
	char *end = NULL;
	long n = count ? strtol(count, &end, 10) : 0;
	if (!count || !*count || *end || n < 1 || n > 1000)
		return usage_error(a, "usage: log [-n LINES], with LINES from "
		                      "1 to 1000");
	return json_pack("{s:s, s:I}", "command", command, "lines",
	                 (json_int_t)n);
}

json_t *request_build(int argc, char **argv, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		json_t *(*build)(const char *command, struct command_args *a);
	} builders[] = {
	        {"initiate", build_initiate}, {"terminate", build_terminate},
	        {"rekey", build_rekey},       {"check", build_check},
	        {"log", build_log},
	};
	struct command_args a = {argc - 1, argv + 1, err, errlen};
	err[0] = '\0';
	for (size_t i = 0; i < sizeof(builders) / sizeof(builders[0]); i++)
		if (strcmp(builders[i].name, argv[0]) == 0)
			return builders[i].build(argv[0], &a);
	return build_plain(argv[0], &a);
}
