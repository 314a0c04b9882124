// SPDX-License-Identifier: LGPL-2.1-or-later
/* The text form of the "sas" response: one block per IKE SA. */
#include "crestctl/print.h"

#include <stdbool.h>

/* Prints ", rekey in N s, expires in N s" for the limits that are set. */
static void print_lifetimes(const json_t *obj, FILE *out)
{
	const json_t *rekey = json_object_get(obj, "rekey_in");
	const json_t *expire = json_object_get(obj, "expire_in");
	if (json_is_integer(rekey))
		fprintf(out, ", rekey in %lld s",
		        (long long)json_integer_value(rekey));
	if (json_is_integer(expire))
		fprintf(out, ", expires in %lld s",
		        (long long)json_integer_value(expire));
}

static void print_child(const json_t *c, FILE *out)
{
	fprintf(out, "  CHILD_SA %s_i %s_o (%s), %s%s%s%s",
	        print_str(c, "spi_in"), print_str(c, "spi_out"),
	        print_str(c, "name"), print_str(c, "algorithms"),
	        json_is_false(json_object_get(c, "installed"))
	                ? ", not installed"
	                : "",
	        json_is_true(json_object_get(c, "replaced")) ? ", replaced"
	                                                     : "",
	        json_is_true(json_object_get(c, "rekeying")) ? ", rekeying"
	                                                     : "");
	print_lifetimes(c, out);
	fputc('\n', out);
	fputs("    ", out);
	print_list(c, "local_ts", out);
	fputs(" === ", out);
	print_list(c, "remote_ts", out);
	fprintf(out, "\n    in  %lld bytes, %lld packets\n",
	        print_int(c, "bytes_in"), print_int(c, "packets_in"));
	fprintf(out, "    out %lld bytes, %lld packets\n",
	        print_int(c, "bytes_out"), print_int(c, "packets_out"));
}

static const char *nat_text(const json_t *sa)
{
	bool local = json_is_true(json_object_get(sa, "nat_local"));
	bool remote = json_is_true(json_object_get(sa, "nat_remote"));
	if (local && remote)
		return ", both behind NAT";
	if (local)
		return ", local behind NAT";
	if (remote)
		return ", remote behind NAT";
	return "";
}

static void print_sa(const json_t *sa, FILE *out)
{
	fprintf(out, "%s (realm %s): %s, %s", print_str(sa, "name"),
	        print_str(sa, "realm"), print_str(sa, "state"),
	        print_str(sa, "role"));
	const json_t *established = json_object_get(sa, "established");
	if (json_is_integer(established))
		fprintf(out, ", %lld s ago",
		        (long long)json_integer_value(established));
	fprintf(out, "\n  IKE SA %s_i %s_r, %s", print_str(sa, "spi_i"),
	        print_str(sa, "spi_r"), print_str(sa, "algorithms"));
	print_lifetimes(sa, out);
	fputc('\n', out);
	fprintf(out, "  %s === %s%s%s\n", print_str(sa, "local"),
	        print_str(sa, "remote"),
	        json_is_true(json_object_get(sa, "natt")) ? ", UDP 4500" : "",
	        nat_text(sa));

	size_t i;
	const json_t *child;
	json_array_foreach(json_object_get(sa, "children"), i, child)
	{
		print_child(child, out);
	}
}

void print_sas(const json_t *resp, FILE *out)
{
	const json_t *list = json_object_get(resp, "sas");
	size_t i;
	const json_t *sa;
	if (json_array_size(list) == 0)
		fputs("no IKE SAs\n", out);
	json_array_foreach(list, i, sa)
	{
		print_sa(sa, out);
	}
}
