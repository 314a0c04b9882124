// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of notify, exchange and payload types for logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wire/ike.h"

static void notify_names(void **state)
{
	assert_string_equal(ike_notify_name(N_NO_PROPOSAL_CHOSEN),
	                    "NO_PROPOSAL_CHOSEN");
	assert_string_equal(ike_notify_name(N_UNSUPPORTED_CRITICAL_PAYLOAD),
	                    "UNSUPPORTED_CRITICAL_PAYLOAD");
	assert_string_equal(ike_notify_name(N_INVALID_KE_PAYLOAD),
	                    "INVALID_KE_PAYLOAD");
	assert_string_equal(ike_notify_name(N_SIGNATURE_HASH_ALGORITHMS),
	                    "SIGNATURE_HASH_ALGORITHMS");
	assert_string_equal(ike_notify_name(16389),
	                    "NAT_DETECTION_DESTINATION_IP");
	assert_null(ike_notify_name(0));
	assert_null(ike_notify_name(16406));
}

static void exchange_names(void **state)
{
	assert_string_equal(ike_exchange_name(IKE_SA_INIT), "IKE_SA_INIT");
	assert_string_equal(ike_exchange_name(IKE_AUTH), "IKE_AUTH");
	assert_string_equal(ike_exchange_name(CREATE_CHILD_SA),
	                    "CREATE_CHILD_SA");
	assert_string_equal(ike_exchange_name(INFORMATIONAL), "INFORMATIONAL");
	assert_null(ike_exchange_name(33));
}

static void payload_names(void **state)
{
	assert_string_equal(ike_payload_name(PL_SA), "SA");
	assert_string_equal(ike_payload_name(PL_IDI), "IDi");
	assert_string_equal(ike_payload_name(PL_TSR), "TSr");
	assert_string_equal(ike_payload_name(PL_NOTIFY), "N");
	assert_string_equal(ike_payload_name(PL_SKF), "SKF");
	assert_null(ike_payload_name(PL_NONE));
	assert_null(ike_payload_name(49));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(notify_names),
	        cmocka_unit_test(exchange_names),
	        cmocka_unit_test(payload_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
