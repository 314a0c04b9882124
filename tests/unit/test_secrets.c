// SPDX-License-Identifier: LGPL-2.1-or-later
/* The secrets file: permissions, secret encodings, lookup and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/secrets.h"

static const char two_psks[] =
        "psk = (\n"
        "  { local = \"192.0.2.1\"; remote = \"192.0.2.2\";\n"
        "    secret = \"a quoted string\"; },\n"
        "  { local = \"fqdn:gw-a.example.org\";\n"
        "    remote = \"fqdn:gw-b.example.org\";\n"
        "    secret = \"0x0A1b2c\"; }\n"
        ");\n";

/* Writes text to a new temporary file with the given mode. */
static void write_temp(char *path, const char *text, mode_t mode)
{
	strcpy(path, "/tmp/crest-secrets-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static struct cfg_identity id(const char *text)
{
	struct cfg_identity out;
	char err[256];

	assert_int_equal(config_parse_identity(text, &out, err, sizeof(err)),
	                 0);
	return out;
}

static void mode_0644_rejected(void **state)
{
	char path[64], err[512], expected[256];
	struct secrets s = {0};

	write_temp(path, two_psks, 0644);
	assert_int_equal(secrets_load(path, &s, err, sizeof(err)), -EPERM);
	snprintf(expected, sizeof(expected),
	         "%s: mode 0644 lets group or others read the secrets; run "
	         "chmod 600 %s",
	         path, path);
	assert_string_equal(err, expected);
	assert_null(s.psks);

	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(secrets_load(path, &s, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "mode 0620"));
	assert_int_equal(chmod(path, 0601), 0);
	assert_int_equal(secrets_load(path, &s, err, sizeof(err)), -EPERM);
	unlink(path);
}

static void mode_0600_accepted(void **state)
{
	char path[64], err[512] = "";
	struct secrets s;

	write_temp(path, two_psks, 0600);
	int rc = secrets_load(path, &s, err, sizeof(err));
	unlink(path);
	if (rc != 0)
		fail_msg("%s", err);
	assert_int_equal(s.n_psks, 2);
	secrets_free(&s);
	assert_null(s.psks);
	assert_int_equal(s.n_psks, 0);
}

static void quoted_and_hex_secrets(void **state)
{
	struct secrets s;
	char err[512];
	const uint8_t hex[] = {0x0a, 0x1b, 0x2c};

	assert_int_equal(secrets_load_string(two_psks, "t.secrets", &s, err,
	                                     sizeof(err)),
	                 0);
	assert_int_equal(s.psks[0].key_len, strlen("a quoted string"));
	assert_memory_equal(s.psks[0].key, "a quoted string", 15);
	assert_int_equal(s.psks[1].key_len, 3);
	assert_memory_equal(s.psks[1].key, hex, 3);
	assert_int_equal(s.psks[1].local_id.type, ID_FQDN);
	secrets_free(&s);
}

static void lookup_in_both_orders(void **state)
{
	struct secrets s;
	char err[512];
	struct cfg_identity a = id("192.0.2.1"), b = id("192.0.2.2");
	struct cfg_identity fa = id("fqdn:gw-a.example.org");
	struct cfg_identity fb = id("fqdn:gw-b.example.org");
	struct cfg_identity other = id("192.0.2.3");

	assert_int_equal(secrets_load_string(two_psks, "t.secrets", &s, err,
	                                     sizeof(err)),
	                 0);
	assert_ptr_equal(secrets_find_psk(&s, &a, &b), &s.psks[0]);
	assert_ptr_equal(secrets_find_psk(&s, &b, &a), &s.psks[0]);
	assert_ptr_equal(secrets_find_psk(&s, &fa, &fb), &s.psks[1]);
	assert_ptr_equal(secrets_find_psk(&s, &fb, &fa), &s.psks[1]);
	assert_null(secrets_find_psk(&s, &a, &other));
	assert_null(secrets_find_psk(&s, &a, &fb));
	secrets_free(&s);
}

/* Loads text and expects an error on `line` that contains needle and not
 * the secret. */
static void expect_error(const char *text, int line, const char *needle,
                         const char *secret)
{
	struct secrets s;
	char err[512] = "", where[32];

	int rc = secrets_load_string(text, "t.secrets", &s, err, sizeof(err));
	if (rc == 0) {
		secrets_free(&s);
		fail_msg("accepted, expected \"%s\"", needle);
	}
	assert_int_equal(rc, -EINVAL);
	snprintf(where, sizeof(where), "t.secrets:%d: ", line);
	if (strncmp(err, where, strlen(where)) != 0)
		fail_msg("expected \"%s\" at the start of: %s", where, err);
	if (!strstr(err, needle))
		fail_msg("expected \"%s\" in: %s", needle, err);
	if (secret && strstr(err, secret))
		fail_msg("secret leaked into: %s", err);
}

static void errors_hide_the_secret(void **state)
{
	expect_error("psk = ( { local = \"192.0.2.1\"; remote = \"192.0.2.2\";"
	             "\n secret = \"0x0a1\"; } );\n",
	             2, "odd number of hex digits", "0a1");
	expect_error("psk = ( { local = \"192.0.2.1\"; remote = \"192.0.2.2\";"
	             "\n secret = \"0xzz11\"; } );\n",
	             2, "not a hex digit", "zz11");
	expect_error("psk = ( { local = \"192.0.2.1\"; remote = \"192.0.2.2\";"
	             "\n secret = \"\"; } );\n",
	             2, "secret is empty", NULL);
	expect_error("psk = ( { local = \"192.0.2.1\"; remote = \"192.0.2.2\";"
	             "\n secret = 12345; } );\n",
	             2, "secret must be a string", "12345");
	expect_error("psk = ( { local = \"192.0.2.1\";\n"
	             " remote = \"192.0.2.2\"; secert = \"hunter2\"; } );\n",
	             2, "unknown key \"secert\"", "hunter2");
	expect_error("psk = ( { local = \"192.0.2.1\";\n"
	             " secret = \"hunter2\"; } );\n",
	             1, "missing required key \"remote\"", "hunter2");
	expect_error("psk = ( { local = \"gw\"; remote = \"192.0.2.2\";\n"
	             " secret = \"hunter2\"; } );\n",
	             1, "invalid identity \"gw\"", "hunter2");
	expect_error("psk = ( { local = \"192.0.2.1\"; remote = \"192.0.2.2\";"
	             " secret = hunter2; } );\n",
	             1, "syntax error", "hunter2");
	expect_error("psk = ( { local = \"192.0.2.1\"; remote = \"192.0.2.2\";"
	             " secret = \"x1\"; },\n"
	             " { local = \"192.0.2.2\"; remote = \"192.0.2.1\";"
	             " secret = \"x2\"; } );\n",
	             2, "a second secret for \"192.0.2.2\" and \"192.0.2.1\"",
	             "x2");
	expect_error("psks = ( );\n", 1, "unknown key \"psks\"", NULL);
	expect_error("psk = \"x\";\n", 1, "list of groups", NULL);
}

static void empty_file_has_no_psks(void **state)
{
	struct secrets s;
	char err[256];

	assert_int_equal(secrets_load_string("# none\n", "t.secrets", &s, err,
	                                     sizeof(err)),
	                 0);
	assert_int_equal(s.n_psks, 0);
	secrets_free(&s);
}

static void missing_file_reported(void **state)
{
	struct secrets s;
	char err[256];

	assert_int_equal(
	        secrets_load("/nonexistent/x.secrets", &s, err, sizeof(err)),
	        -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.secrets"));
}

/* A FIFO or a folder in place of a file is rejected at once: opening a
 * FIFO must not wait for a writer, which would stall crestd. */
static void special_files_rejected(void **state)
{
	char dir[] = "/tmp/crest-special-XXXXXX", fifo[64], err[512];
	struct secrets s = {0};
	struct cfg cfg;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0700), 0);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);

	assert_int_equal(secrets_load(fifo, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(config_load(fifo, &cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(secrets_load(dir, &s, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	assert_null(s.psks);

	unlink(fifo);
	rmdir(dir);
}

/* Both example gateways find the same PSK for their connection. */
static void examples_share_one_psk(void **state)
{
	const char *const names[] = {"gw-a", "gw-b"};
	struct secrets s[2];
	struct cfg cfg[2];
	char path[4096], err[1024] = "";

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/../../docs/examples/%s.conf",
		         CREST_TEST_DATA, names[i]);
		if (config_load(path, &cfg[i], err, sizeof(err)) != 0)
			fail_msg("%s", err);

		/* git does not keep mode 0600, so load the text itself. */
		FILE *f = fopen(cfg[i].secrets_path, "r");
		assert_non_null(f);
		char text[4096];
		size_t n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		if (secrets_load_string(text, names[i], &s[i], err,
		                        sizeof(err)) != 0)
			fail_msg("%s", err);
	}

	const struct cfg_conn *ca = &cfg[0].realms[0].conns[0];
	const struct cfg_conn *cb = &cfg[1].realms[0].conns[0];
	const struct psk_entry *pa =
	        secrets_find_psk(&s[0], &ca->local_id, &ca->remote_id);
	const struct psk_entry *pb =
	        secrets_find_psk(&s[1], &cb->local_id, &cb->remote_id);
	assert_non_null(pa);
	assert_non_null(pb);
	assert_int_equal(pa->key_len, 32);
	assert_int_equal(pb->key_len, pa->key_len);
	assert_memory_equal(pa->key, pb->key, pa->key_len);

	char warning[512];
	assert_false(secrets_missing_psk(&cfg[0], &s[0], 0, warning,
	                                 sizeof(warning)));

	for (size_t i = 0; i < 2; i++) {
		secrets_free(&s[i]);
		config_free(&cfg[i]);
	}
}

/* A connection whose identities have no PSK is named in a warning. */
static void missing_psk_warned(void **state)
{
	static const char conf[] =
	        "secrets = \"t.secrets\";\n"
	        "realms = ( { name = \"site\"; tun = \"crest0\";\n"
	        "  inner = [ \"198.51.100.1/24\" ];\n"
	        "  connections = (\n"
	        "    { name = \"has\"; local = \"192.0.2.1\";\n"
	        "      remote = \"192.0.2.2\"; ike_proposals = [ \"aes256gcm16-prfsha256-x25519\" ];\n"
	        "      esp_proposals = [ \"aes256gcm16\" ];\n"
	        "      local_ts = [ \"198.51.100.0/24\" ];\n"
	        "      remote_ts = [ \"203.0.113.0/24\" ]; },\n"
	        "    { name = \"lacks\"; local = \"192.0.2.1\";\n"
	        "      remote = \"192.0.2.3\"; ike_proposals = [ \"aes256gcm16-prfsha256-x25519\" ];\n"
	        "      esp_proposals = [ \"aes256gcm16\" ];\n"
	        "      local_ts = [ \"198.51.100.0/24\" ];\n"
	        "      remote_ts = [ \"203.0.113.0/24\" ]; }\n"
	        "  ); } );\n";
	struct cfg cfg;
	struct secrets s;
	char err[1024], warning[512];

	if (config_load_string(conf, "t.conf", &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(secrets_load_string(two_psks, "t.secrets", &s, err,
	                                     sizeof(err)),
	                 0);
	assert_true(secrets_missing_psk(&cfg, &s, 0, warning, sizeof(warning)));
	assert_string_equal(warning, "connection lacks has no PSK for "
	                             "192.0.2.1 and 192.0.2.3 in t.secrets; it "
	                             "cannot authenticate");
	assert_false(secrets_missing_psk(&cfg, &s, 1, warning, sizeof(warning)));
	secrets_free(&s);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(mode_0644_rejected),
	        cmocka_unit_test(mode_0600_accepted),
	        cmocka_unit_test(quoted_and_hex_secrets),
	        cmocka_unit_test(lookup_in_both_orders),
	        cmocka_unit_test(errors_hide_the_secret),
	        cmocka_unit_test(empty_file_has_no_psks),
	        cmocka_unit_test(missing_file_reported),
	        cmocka_unit_test(special_files_rejected),
	        cmocka_unit_test(examples_share_one_psk),
	        cmocka_unit_test(missing_psk_warned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
