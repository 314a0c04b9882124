// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * No secret in the log.  A whole negotiation, a status dump and a Delete
 * are logged at trace level to a temporary file, which must then contain
 * neither the PSK nor the IKE SA keys SK_d, SK_pi and SK_pr, as raw bytes
 * or in hex.
 */
#include "ike_pair.h"
#include "util/log.h"

#define TS_A    "\"198.51.100.0/24\""
#define TS_B    "\"203.0.113.0/24\""
#define IKE     "\"aes256-sha384-ecp384\""
#define ESP     "\"aes256gcm16\""
#define PSK     "pair test psk, never logged"
#define MAX_LOG (1024 * 1024)

struct secret {
	const char *name;
	uint8_t bytes[CRYPTO_MAX_PRF_LEN];
	size_t len;
};

static bool contains(const uint8_t *hay, size_t hay_len, const void *needle,
                     size_t len)
{
	for (size_t i = 0; len > 0 && i + len <= hay_len; i++)
		if (memcmp(hay + i, needle, len) == 0)
			return true;
	return false;
}

/* Writes bytes as hex, with sep between bytes unless sep is 0. */
static size_t to_hex(const uint8_t *bytes, size_t len, const char *digits,
                     char sep, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		out[n++] = digits[bytes[i] >> 4];
		out[n++] = digits[bytes[i] & 0x0f];
		if (sep && i + 1 < len)
			out[n++] = sep;
	}
	return n;
}

/* Returns the form in which the secret appears in the log, or NULL. */
static const char *find_secret(const uint8_t *log, size_t log_len,
                               const struct secret *s)
{
	static const char *const digit_sets[] = {"0123456789abcdef",
	                                         "0123456789ABCDEF"};
	static const char seps[] = {0, ' ', ':'};
	char hex[3 * CRYPTO_MAX_PRF_LEN];

	if (contains(log, log_len, s->bytes, s->len))
		return "raw bytes";
	for (size_t d = 0; d < 2; d++) {
		for (size_t k = 0; k < sizeof(seps); k++) {
			size_t n = to_hex(s->bytes, s->len, digit_sets[d],
			                  seps[k], hex);

			if (contains(log, log_len, hex, n))
				return "hex";
		}
	}
	return NULL;
}

static void add_keys(struct secret *out, size_t *n, const struct ike_sa *sa,
                     const char *side)
{
	static char names[6][32];
	const uint8_t *keys[] = {sa->sk_d, sa->sk_pi, sa->sk_pr};
	const char *key_names[] = {"SK_d", "SK_pi", "SK_pr"};

	for (size_t i = 0; i < 3; i++) {
		snprintf(names[*n], sizeof(names[*n]), "%s of %s", key_names[i],
		         side);
		out[*n].name = names[*n];
		assert_true(sa->prf_len <= sizeof(out[*n].bytes));
		memcpy(out[*n].bytes, keys[i], sa->prf_len);
		out[*n].len = sa->prf_len;
		(*n)++;
	}
}

static size_t read_log(FILE *f, uint8_t *buf)
{
	size_t len;

	assert_int_equal(fflush(f), 0);
	rewind(f);
	len = fread(buf, 1, MAX_LOG, f);
	assert_int_equal(ferror(f), 0);
	assert_true(len < MAX_LOG);
	return len;
}

/* Runs a negotiation, ESP, a status dump and a Delete, and copies the
 * keys of both IKE SAs into keys. */
static void run_tunnel(struct secret *keys, size_t *n_keys)
{
	struct pair_conf conf_a = {IKE, ESP, TS_A, TS_B, NULL, PSK};
	struct pair_conf conf_b = {IKE, ESP, TS_B, TS_A, NULL, PSK};
	struct ike_pair *p = pair_new(&conf_a, &conf_b);

	pair_initiate(p);
	pair_pump(p);
	assert_int_equal(pair_sa(p, PAIR_A)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_sa(p, PAIR_B)->state, IKE_STATE_ESTABLISHED);
	assert_int_equal(pair_esp(pair_child(pair_sa(p, PAIR_A)),
	                          pair_child(pair_sa(p, PAIR_B)),
	                          "198.51.100.1", "203.0.113.1", NULL),
	                 0);
	add_keys(keys, n_keys, pair_sa(p, PAIR_A), "A");
	add_keys(keys, n_keys, pair_sa(p, PAIR_B), "B");

	ike_engine_log_status(&p->side[PAIR_A].eng);
	ike_engine_log_status(&p->side[PAIR_B].eng);
	ike_engine_shutdown(&p->side[PAIR_A].eng);
	pair_pump(p);
	assert_null(p->side[PAIR_B].eng.sas);
	pair_free(p);
}

static void trace_log_has_no_secrets(void **state)
{
	enum log_level old_level = log_get_level();
	struct secret keys[7];
	size_t n_keys = 0;
	uint8_t *log = malloc(MAX_LOG);
	FILE *f = tmpfile();
	size_t log_len;

	(void)state;
	assert_non_null(log);
	assert_non_null(f);
	log_set_file(f);
	log_set_level(LOG_TRACE);
	run_tunnel(keys, &n_keys);
	log_set_level(old_level);
	log_set_file(NULL);
	log_len = read_log(f, log);
	fclose(f);

	/* The file contains the whole run, debug lines included. */
	assert_true(contains(log, log_len, "IKE SA established (initiator)",
	                     strlen("IKE SA established (initiator)")));
	assert_true(contains(log, log_len, "sending IKE_AUTH request",
	                     strlen("sending IKE_AUTH request")));
	assert_true(contains(log, log_len, "peer deleted the IKE SA",
	                     strlen("peer deleted the IKE SA")));

	keys[n_keys].name = "the PSK";
	keys[n_keys].len = strlen(PSK);
	memcpy(keys[n_keys].bytes, PSK, keys[n_keys].len);
	n_keys++;
	assert_int_equal(n_keys, 7);
	for (size_t i = 0; i < n_keys; i++) {
		const char *form = find_secret(log, log_len, &keys[i]);

		assert_true(keys[i].len >= 16);
		if (form)
			fail_msg("%s appears in the log as %s", keys[i].name,
			         form);
	}
	free(log);
}

/* Checks the search itself: a secret written to a log must be found. */
static void planted_secret_is_found(void **state)
{
	static const char *const logs[] = {
	        "psk pair test psk, never logged.",
	        "psk 7061697220746573742070736b2c206e65766572206c6f67676564.",
	        "psk 7061697220746573742070736B2C206E65766572206C6F67676564.",
	        ("psk 70:61:69:72:20:74:65:73:74:20:70:73:6b:2c:20:6e:65:76:65:"
	         "72:20:6c:6f:67:67:65:64."),
	};
	static const char *const forms[] = {"raw bytes", "hex", "hex", "hex"};
	struct secret psk = {.name = "the PSK", .len = strlen(PSK)};
	const char *clean = "psk 7061697220746573742070736b2c206e65766572.";

	(void)state;
	memcpy(psk.bytes, PSK, psk.len);
	assert_null(find_secret((const uint8_t *)clean, strlen(clean), &psk));
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		const char *form = find_secret((const uint8_t *)logs[i],
		                               strlen(logs[i]), &psk);

		assert_non_null(form);
		assert_string_equal(form, forms[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(trace_log_has_no_secrets),
	        cmocka_unit_test(planted_secret_is_found),
	};

	return cmocka_run_group_tests(tests, pair_setup_group, NULL);
}
