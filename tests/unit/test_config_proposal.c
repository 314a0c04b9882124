// SPDX-License-Identifier: LGPL-2.1-or-later
/* Proposal strings and identities: parsing, rejection and formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config/identity.h"
#include "crypto/ids.h"

static struct cfg_proposal parse_ok(const char *text, bool is_esp)
{
	struct cfg_proposal p;
	char err[1024] = "";

	if (config_parse_proposal(text, is_esp, &p, err, sizeof(err)) != 0)
		fail_msg("\"%s\" rejected: %s", text, err);
	return p;
}

static void ike_aead_proposal(void **state)
{
	struct cfg_proposal p = parse_ok("aes256gcm16-prfsha256-x25519", false);

	assert_int_equal(p.n_encr, 1);
	assert_int_equal(p.encr[0].id, ENCR_AES_GCM_16);
	assert_int_equal(p.encr[0].key_bits, 256);
	assert_int_equal(p.n_integ, 0);
	assert_int_equal(p.n_prf, 1);
	assert_int_equal(p.prf[0], PRF_HMAC_SHA2_256);
	assert_int_equal(p.n_dh, 1);
	assert_int_equal(p.dh[0], DH_X25519);
	assert_int_equal(p.n_esn, 0);
}

static void ike_prf_derived_from_integ(void **state)
{
	struct cfg_proposal p =
	        parse_ok("aes128-aes256-sha384-sha512-modp2048-ecp384", false);

	assert_int_equal(p.n_encr, 2);
	assert_int_equal(p.encr[0].id, ENCR_AES_CBC);
	assert_int_equal(p.encr[0].key_bits, 128);
	assert_int_equal(p.encr[1].key_bits, 256);
	assert_int_equal(p.n_integ, 2);
	assert_int_equal(p.integ[0], INTEG_HMAC_SHA2_384_192);
	assert_int_equal(p.integ[1], INTEG_HMAC_SHA2_512_256);
	assert_int_equal(p.n_prf, 2);
	assert_int_equal(p.prf[0], PRF_HMAC_SHA2_384);
	assert_int_equal(p.prf[1], PRF_HMAC_SHA2_512);
	assert_int_equal(p.n_dh, 2);
	assert_int_equal(p.dh[0], DH_MODP2048);
	assert_int_equal(p.dh[1], DH_ECP384);

	/* An explicit PRF replaces the derived one. */
	p = parse_ok("aes256-sha256-prfsha512-ecp256", false);
	assert_int_equal(p.n_prf, 1);
	assert_int_equal(p.prf[0], PRF_HMAC_SHA2_512);
}

static void aliases_accepted(void **state)
{
	struct cfg_proposal p =
	        parse_ok("aes128gcm-chacha20poly1305-prfsha384-curve25519-"
	                 "modp3072",
	                 false);

	assert_int_equal(p.encr[0].id, ENCR_AES_GCM_16);
	assert_int_equal(p.encr[0].key_bits, 128);
	assert_int_equal(p.encr[1].id, ENCR_CHACHA20_POLY1305);
	assert_int_equal(p.encr[1].key_bits, 256);
	assert_int_equal(p.dh[0], DH_X25519);
	assert_int_equal(p.dh[1], DH_MODP3072);

	p = parse_ok("aes256gcm", true);
	assert_int_equal(p.encr[0].key_bits, 256);
}

static void esp_proposals(void **state)
{
	struct cfg_proposal p = parse_ok("aes256gcm16", true);

	assert_int_equal(p.n_encr, 1);
	assert_int_equal(p.n_prf, 0);
	assert_int_equal(p.n_dh, 0);
	assert_int_equal(p.n_esn, 1);
	assert_int_equal(p.esn[0], ESN_NO);

	p = parse_ok("aes128-sha256-ecp256-noesn", true);
	assert_int_equal(p.n_integ, 1);
	assert_int_equal(p.n_prf, 0);
	assert_int_equal(p.n_dh, 1);
	assert_int_equal(p.dh[0], DH_ECP256);
	assert_int_equal(p.n_esn, 1);
	assert_int_equal(p.esn[0], ESN_NO);
}

/* The ESN tokens keep their order, which is the order of preference. */
static void esn_tokens_keep_order(void **state)
{
	struct cfg_proposal p = parse_ok("aes256gcm16-esn", true);

	assert_int_equal(p.n_esn, 1);
	assert_int_equal(p.esn[0], ESN_YES);

	p = parse_ok("aes256gcm16-esn-noesn", true);
	assert_int_equal(p.n_esn, 2);
	assert_int_equal(p.esn[0], ESN_YES);
	assert_int_equal(p.esn[1], ESN_NO);

	p = parse_ok("noesn-aes128-sha256-esn", true);
	assert_int_equal(p.n_esn, 2);
	assert_int_equal(p.esn[0], ESN_NO);
	assert_int_equal(p.esn[1], ESN_YES);
}

static void esn_token_twice_rejected(void **state)
{
	static const char *const texts[] = {
	        "aes256gcm16-esn-esn",
	        "aes256gcm16-noesn-noesn",
	        "aes256gcm16-esn-noesn-esn",
	};
	struct cfg_proposal p;
	char err[256];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		memset(err, 0, sizeof(err));
		assert_int_equal(config_parse_proposal(texts[i], true, &p, err,
		                                       sizeof(err)),
		                 -EINVAL);
		assert_non_null(strstr(err, "twice"));
	}
}

static void rejections_name_the_token(void **state)
{
	static const struct {
		const char *text;
		bool is_esp;
		const char *needle;
	} cases[] = {
	        {"aes256-sha1-x25519", false, "\"sha1\""},
	        {"aes256-md5-x25519", false, "\"md5\""},
	        {"3des-sha256-x25519", false, "\"3des\""},
	        {"aes256gcm16-prfsha256-modp1024", false, "\"modp1024\""},
	        {"aes256gcm16-prfsha1-x25519", false, "\"prfsha1\""},
	        {"aes192-sha256-x25519", false, "\"aes192\""},
	        {"aes256gcm16-prfsha256-x25519-esn", false, "\"esn\""},
	        {"aes256gcm16-prfsha256", true, "\"prfsha256\""},
	        {"aes256gcm16-sha256-prfsha256-x25519", false, "AEAD"},
	        {"aes256gcm16-aes256-prfsha256-x25519", false, "mixes"},
	        {"aes256-x25519", false, "no integrity"},
	        {"aes256", true, "no integrity"},
	        {"aes256gcm16-x25519", false, "no PRF"},
	        {"aes256gcm16-prfsha256", false, "no key exchange"},
	        {"sha256-prfsha256-x25519", false, "no encryption"},
	        {"aes256gcm16--x25519", false, "empty algorithm"},
	        {"aes256gcm16-prfsha256-x25519-", false, "empty algorithm"},
	        {"", false, "proposal of 0 characters"},
	        {"aes256gcm16-aes256gcm16-prfsha256-x25519", false, "twice"},
	        {"AES256GCM16-prfsha256-x25519", false, "\"AES256GCM16\""},
	};
	char err[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg_proposal p;
		memset(err, 0, sizeof(err));
		int rc = config_parse_proposal(cases[i].text, cases[i].is_esp,
		                               &p, err, sizeof(err));
		if (rc != -EINVAL)
			fail_msg("\"%s\" returned %d", cases[i].text, rc);
		if (!strstr(err, cases[i].needle))
			fail_msg("\"%s\": expected \"%s\" in: %s",
			         cases[i].text, cases[i].needle, err);
	}

	/* Unknown and weak tokens list the accepted names. */
	struct cfg_proposal p;
	config_parse_proposal("aes256-sha1-x25519", false, &p, err,
	                      sizeof(err));
	assert_non_null(strstr(err, "aes256gcm16"));
	assert_non_null(strstr(err, "modp3072"));
	assert_null(strstr(err, "noesn"));
	config_parse_proposal("foo", true, &p, err, sizeof(err));
	assert_non_null(strstr(err, "noesn"));
}

static void alias_counts_as_duplicate(void **state)
{
	struct cfg_proposal p;
	char err[512];

	assert_int_equal(config_parse_proposal(
	                         "aes256gcm16-prfsha256-x25519-ecp256-ecp384-"
	                         "modp2048-modp3072-curve25519",
	                         false, &p, err, sizeof(err)),
	                 -EINVAL);
	assert_non_null(strstr(err, "twice"));
}

static void format_round_trips(void **state)
{
	static const struct {
		const char *text;
		bool is_esp;
		const char *formatted;
	} cases[] = {
	        {"aes256gcm16-prfsha256-x25519", false,
	         "aes256gcm16-prfsha256-x25519"},
	        {"aes128-sha256-modp2048", false,
	         "aes128-sha256-prfsha256-modp2048"},
	        {"curve25519-aes128gcm-prfsha384", false,
	         "aes128gcm16-prfsha384-x25519"},
	        {"chacha20poly1305-prfsha512-ecp384-ecp256", false,
	         "chacha20poly1305-prfsha512-ecp384-ecp256"},
	        {"aes256gcm16", true, "aes256gcm16"},
	        {"aes256gcm16-noesn", true, "aes256gcm16"},
	        {"aes256gcm16-esn", true, "aes256gcm16-esn"},
	        {"esn-noesn-aes128-sha256", true, "aes128-sha256-esn-noesn"},
	        {"aes128-sha256-noesn-esn", true, "aes128-sha256-noesn-esn"},
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cfg_proposal p =
		        parse_ok(cases[i].text, cases[i].is_esp);
		config_format_proposal(&p, cases[i].is_esp, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].formatted);

		struct cfg_proposal again = parse_ok(buf, cases[i].is_esp);
		assert_memory_equal(&again, &p, sizeof(p));
	}

	struct cfg_proposal p = parse_ok("aes256gcm16-prfsha256-x25519", false);
	config_format_proposal(&p, false, buf, 8);
	assert_string_equal(buf, "aes256g");
}

static void identity_types(void **state)
{
	struct cfg_identity id;
	char err[512];
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};

	assert_int_equal(
	        config_parse_identity("192.0.2.1", &id, err, sizeof(err)), 0);
	assert_int_equal(id.type, ID_IPV4_ADDR);
	assert_int_equal(id.len, 4);
	assert_int_equal(id.data[0], 192);
	assert_string_equal(id.text, "192.0.2.1");

	assert_int_equal(
	        config_parse_identity("2001:db8::1", &id, err, sizeof(err)), 0);
	assert_int_equal(id.type, ID_IPV6_ADDR);
	assert_int_equal(id.len, 16);
	assert_memory_equal(id.data, v6, 16);

	assert_int_equal(config_parse_identity("ipv6:2001:db8::1", &id, err,
	                                       sizeof(err)),
	                 0);
	assert_int_equal(id.type, ID_IPV6_ADDR);
	assert_string_equal(id.text, "ipv6:2001:db8::1");

	assert_int_equal(config_parse_identity("fqdn:gw-a.example.org", &id,
	                                       err, sizeof(err)),
	                 0);
	assert_int_equal(id.type, ID_FQDN);
	assert_int_equal(id.len, 16);
	assert_memory_equal(id.data, "gw-a.example.org", 16);

	assert_int_equal(config_parse_identity("email:ops@example.org", &id,
	                                       err, sizeof(err)),
	                 0);
	assert_int_equal(id.type, ID_RFC822_ADDR);
	assert_int_equal(id.len, 15);

	assert_int_equal(
	        config_parse_identity("keyid:0x0aFF10", &id, err, sizeof(err)),
	        0);
	assert_int_equal(id.type, ID_KEY_ID);
	assert_int_equal(id.len, 3);
	assert_int_equal(id.data[0], 0x0a);
	assert_int_equal(id.data[1], 0xff);
	assert_int_equal(id.data[2], 0x10);
}

static void identity_rejections(void **state)
{
	static const char *const bad[] = {
	        "gw.example.org",   "192.0.2.300",    "fqdn:",
	        "fqdn:a b",         "email:nobody",   "keyid:0x",
	        "keyid:0x123",      "keyid:0xzz",     "keyid:abcd",
	        "ipv4:2001:db8::1", "ipv6:192.0.2.1", "",
	};
	char err[512];
	char longer[CFG_MAX_ID_LEN + 8];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_identity id;
		memset(&id, 0x5a, sizeof(id));
		struct cfg_identity before = id;
		int rc = config_parse_identity(bad[i], &id, err, sizeof(err));
		if (rc != -EINVAL)
			fail_msg("\"%s\" returned %d", bad[i], rc);
		if (!strstr(err, bad[i]))
			fail_msg("\"%s\" not named in: %s", bad[i], err);
		assert_memory_equal(&id, &before, sizeof(id));
	}

	struct cfg_identity id;
	memset(longer, 'a', sizeof(longer) - 1);
	memcpy(longer, "fqdn:", 5);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(config_parse_identity(longer, &id, err, sizeof(err)),
	                 -EINVAL);
	assert_non_null(strstr(err, "longer than 255"));
}

static void identity_equality(void **state)
{
	struct cfg_identity a, b;
	char err[256];

	config_parse_identity("fqdn:gw.example.org", &a, err, sizeof(err));
	config_parse_identity("fqdn:gw.example.org", &b, err, sizeof(err));
	assert_true(identity_equal(&a, &b));
	config_parse_identity("email:gw.example.org@x", &b, err, sizeof(err));
	assert_false(identity_equal(&a, &b));
	config_parse_identity("192.0.2.1", &a, err, sizeof(err));
	config_parse_identity("ipv4:192.0.2.1", &b, err, sizeof(err));
	assert_true(identity_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(ike_aead_proposal),
	        cmocka_unit_test(ike_prf_derived_from_integ),
	        cmocka_unit_test(aliases_accepted),
	        cmocka_unit_test(esp_proposals),
	        cmocka_unit_test(esn_tokens_keep_order),
	        cmocka_unit_test(esn_token_twice_rejected),
	        cmocka_unit_test(rejections_name_the_token),
	        cmocka_unit_test(alias_counts_as_duplicate),
	        cmocka_unit_test(format_round_trips),
	        cmocka_unit_test(identity_types),
	        cmocka_unit_test(identity_rejections),
	        cmocka_unit_test(identity_equality),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
