// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Proposals crest must never choose, whatever their algorithms: one with
 * a transform type crest does not know (RFC 7296 3.3.6) and one whose SPI
 * is zero (reserved for ESP by RFC 4303 2.1, invalid for an IKE SA).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "config/config.h"
#include "crypto/ids.h"
#include "ike/proposal.h"

static struct cfg_proposal ours;

static int setup(void **state)
{
	char err[256];
	return config_parse_proposal("aes256gcm16", true, &ours, err,
	                             sizeof(err));
}

/* An ESP proposal of aes256gcm16 without ESN, with SPI spi. */
static struct ike_sa_payload esp_offer(uint32_t spi)
{
	struct ike_sa_payload sa;
	memset(&sa, 0, sizeof(sa));
	struct ike_proposal *p = &sa.proposals[0];
	sa.n_proposals = 1;
	p->num = 1;
	p->protocol = PROTO_ESP;
	p->spi_len = 4;
	p->spi[0] = (uint8_t)(spi >> 24);
	p->spi[1] = (uint8_t)(spi >> 16);
	p->spi[2] = (uint8_t)(spi >> 8);
	p->spi[3] = (uint8_t)spi;
	p->transforms[0] = (struct ike_transform){TRANSFORM_ENCR,
	                                          ENCR_AES_GCM_16, 256};
	p->transforms[1] = (struct ike_transform){TRANSFORM_ESN, ESN_NO, 0};
	p->n_transforms = 2;
	return sa;
}

static int choose(const struct ike_sa_payload *sa)
{
	struct ike_proposal chosen;
	struct negotiated alg;
	return proposal_select(&ours, 1, sa, PROTO_ESP, false, 0, &chosen,
	                       &alg);
}

static void plain_offer_chosen(void **state)
{
	struct ike_sa_payload sa = esp_offer(0x01020304);
	assert_int_equal(choose(&sa), 0);
}

static void zero_spi_rejected(void **state)
{
	struct ike_sa_payload sa = esp_offer(0);
	assert_int_equal(choose(&sa), -ENOENT);
}

static void unknown_transform_type_rejected(void **state)
{
	struct ike_sa_payload sa = esp_offer(0x01020304);
	sa.proposals[0].transforms[2] =
	        (struct ike_transform){255, 1, 0};
	sa.proposals[0].n_transforms = 3;
	assert_int_equal(choose(&sa), -ENOENT);

	/* A second, clean proposal is still chosen. */
	sa.proposals[1] = esp_offer(0x05060708).proposals[0];
	sa.proposals[1].num = 2;
	sa.n_proposals = 2;
	assert_int_equal(choose(&sa), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(plain_offer_chosen),
	        cmocka_unit_test(zero_spi_rejected),
	        cmocka_unit_test(unknown_transform_type_rejected),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
