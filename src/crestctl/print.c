// SPDX-License-Identifier: LGPL-2.1-or-later
/* Printers for status, counters and connections, and shared helpers. */
#include "crestctl/print.h"

#include <string.h>

const char *print_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "?";
}

long long print_int(const json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

void print_list(const json_t *obj, const char *key, FILE *out)
{
	const json_t *list = json_object_get(obj, key);
	size_t i;
	const json_t *item;
	json_array_foreach(list, i, item)
	{
		const char *s = json_string_value(item);
		fprintf(out, "%s%s", i ? ", " : "", s ? s : "?");
	}
	if (json_array_size(list) == 0)
		fputs("none", out);
}

void print_status(const json_t *resp, FILE *out)
{
	fprintf(out, "crestd %s, PID %lld, up %lld s\n",
	        print_str(resp, "version"), print_int(resp, "pid"),
	        print_int(resp, "uptime"));
	if (json_is_true(json_object_get(resp, "privsep")))
		fprintf(out,
		        "privileges separated: engine PID %lld, user %s, "
		        "chrooted, seccomp-confined\n",
		        print_int(resp, "engine_pid"),
		        print_str(resp, "engine_user"));
	else
		fputs("privileges not separated: one root process\n", out);
	fprintf(out, "configuration: %s\n", print_str(resp, "config"));

	size_t i;
	const json_t *realm;
	json_array_foreach(json_object_get(resp, "realms"), i, realm)
	{
		fprintf(out, "realm %s: device %s, MTU %lld\n",
		        print_str(realm, "name"), print_str(realm, "device"),
		        print_int(realm, "mtu"));
	}
}

/* Prints one group of counters as "  name  value" lines. */
static void print_group(const char *title, const json_t *group, FILE *out)
{
	const char *name;
	const json_t *value;
	fprintf(out, "%s:\n", title);
	json_object_foreach((json_t *)group, name, value)
	{
		fprintf(out, "  %-20s %12lld\n", name,
		        (long long)json_integer_value(value));
	}
}

void print_counters(const json_t *resp, FILE *out)
{
	print_group("ESP drops", json_object_get(resp, "esp_drops"), out);
	print_group("IKE drops", json_object_get(resp, "ike_drops"), out);
	print_group("data path drops", json_object_get(resp, "datapath_drops"),
	            out);
	print_group("NAT-T keepalives", json_object_get(resp, "keepalives"),
	            out);
}

static void print_connection(const json_t *c, FILE *out)
{
	fprintf(out, "%s (realm %s): %s === %s, start %s, auth %s%s\n",
	        print_str(c, "name"), print_str(c, "realm"),
	        print_str(c, "local"), print_str(c, "remote"),
	        print_str(c, "start_action"), print_str(c, "auth"),
	        json_is_true(json_object_get(c, "encap")) ? ", UDP encap forced"
	                                                  : "");
	fprintf(out, "  ids:           %s === %s\n", print_str(c, "local_id"),
	        print_str(c, "remote_id"));
	fputs("  IKE proposals: ", out);
	print_list(c, "ike_proposals", out);
	fputc('\n', out);
	/* Each child has its own proposals and selectors, which it may
	 * inherit from the connection; the response lists them filled in. */
	size_t i;
	const json_t *ch;
	json_array_foreach(json_object_get(c, "children"), i, ch)
	{
		fprintf(out, "  child %s, start %s\n", print_str(ch, "name"),
		        print_str(ch, "start_action"));
		fputs("    ESP proposals: ", out);
		print_list(ch, "esp_proposals", out);
		fputs("\n    local ts:      ", out);
		print_list(ch, "local_ts", out);
		fputs("\n    remote ts:     ", out);
		print_list(ch, "remote_ts", out);
		fputc('\n', out);
	}
}

void print_connections(const json_t *resp, FILE *out)
{
	const json_t *list = json_object_get(resp, "connections");
	size_t i;
	const json_t *c;
	if (json_array_size(list) == 0)
		fputs("no connections configured\n", out);
	json_array_foreach(list, i, c)
	{
		print_connection(c, out);
	}
}

void print_response(const char *command, const json_t *resp, FILE *out)
{
	static const struct {
		const char *name;
		void (*print)(const json_t *resp, FILE *out);
	} printers[] = {
	        {"status", print_status},
	        {"sas", print_sas},
	        {"counters", print_counters},
	        {"connections", print_connections},
	        {"initiate", print_initiate},
	        {"terminate", print_terminate},
	        {"rekey", print_rekey},
	        {"reload", print_reload},
	        {"check", print_check},
	        {"log", print_log},
	};
	for (size_t i = 0; i < sizeof(printers) / sizeof(printers[0]); i++)
		if (strcmp(printers[i].name, command) == 0) {
			printers[i].print(resp, out);
			return;
		}
	json_dumpf(resp, out, JSON_INDENT(2));
	fputc('\n', out);
}
