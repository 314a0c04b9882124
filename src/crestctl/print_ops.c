// SPDX-License-Identifier: LGPL-2.1-or-later
/* The text form of initiate, terminate, rekey, reload, check and log. */
#include "crestctl/print.h"

#include <string.h>

void print_initiate(const json_t *resp, FILE *out)
{
	if (json_object_get(resp, "child"))
		fprintf(out, "%s: setting up child %s\n",
		        print_str(resp, "connection"), print_str(resp, "child"));
	else
		fprintf(out, "%s: initiating the IKE SA\n",
		        print_str(resp, "connection"));
}

void print_terminate(const json_t *resp, FILE *out)
{
	if (json_object_get(resp, "child")) {
		fprintf(out, "%s: sent a Delete for %lld CHILD_SA(s) of child "
		             "%s\n",
		        print_str(resp, "connection"), print_int(resp, "deleted"),
		        print_str(resp, "child"));
		return;
	}
	fprintf(out,
	        "%s: sent a Delete for %lld IKE SA(s), closed %lld not "
	        "yet established\n",
	        print_str(resp, "connection"), print_int(resp, "deleted"),
	        print_int(resp, "closed"));
}

void print_rekey(const json_t *resp, FILE *out)
{
	bool ike = strcmp(print_str(resp, "rekeyed"), "ike") == 0;
	if (json_object_get(resp, "child"))
		fprintf(out, "%s: rekeying the CHILD_SA of child %s\n",
		        print_str(resp, "connection"), print_str(resp, "child"));
	else
		fprintf(out, "%s: rekeying %s of %lld IKE SA(s)\n",
		        print_str(resp, "connection"),
		        ike ? "the IKE SA" : "a CHILD_SA",
		        print_int(resp, "sas"));
}

void print_reload(const json_t *resp, FILE *out)
{
	const json_t *conns = json_object_get(resp, "connections");
	const json_t *sas = json_object_get(resp, "sas");
	fprintf(out, "reloaded %s\n", print_str(resp, "config"));
	fprintf(out,
	        "connections: %lld unchanged, %lld changed, %lld added, %lld "
	        "removed\n",
	        print_int(conns, "unchanged"), print_int(conns, "changed"),
	        print_int(conns, "added"), print_int(conns, "removed"));
	fprintf(out, "IKE SAs: %lld kept, %lld deleted; %lld initiated\n",
	        print_int(sas, "kept"), print_int(sas, "deleted"),
	        print_int(resp, "initiated"));
}

void print_check(const json_t *resp, FILE *out)
{
	fprintf(out,
	        "%s: valid, %lld realm(s), %lld connection(s), %lld "
	        "PSK(s)\n",
	        print_str(resp, "file"), print_int(resp, "realms"),
	        print_int(resp, "connections"), print_int(resp, "psks"));
	size_t i;
	const json_t *w;
	json_array_foreach(json_object_get(resp, "warnings"), i, w)
	{
		fprintf(out, "warning: %s\n", json_string_value(w));
	}
}

void print_log(const json_t *resp, FILE *out)
{
	size_t i;
	const json_t *line;
	json_array_foreach(json_object_get(resp, "lines"), i, line)
	{
		const char *s = json_string_value(line);
		fprintf(out, "%s\n", s ? s : "?");
	}
}
