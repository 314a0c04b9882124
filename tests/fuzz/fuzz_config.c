// SPDX-License-Identifier: LGPL-2.1-or-later
/* Feeds arbitrary text to the configuration parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5 leaks the string it is scanning when the input ends inside
 * a string literal, and a string token dropped by a syntax error (the
 * latter fixed upstream in October 2019).  LeakSanitizer reads this hook and
 * ignores leaks allocated inside libconfig, so crest's own leaks still fail
 * the run.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	struct cfg cfg;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_load_string(text, "fuzz.conf", &cfg, err, sizeof(err)) == 0)
		config_free(&cfg);
	free(text);
	return 0;
}
