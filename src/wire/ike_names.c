// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of IKEv2 numbers for logs, as RFC 7296 section 3 spells them. */
#include "wire/ike.h"

#include <stddef.h>

struct ike_name {
	uint16_t value;
	const char *name;
};

#define NAME(prefix, id)                                                       \
	{                                                                      \
		prefix##id, #id                                                \
	}

static const struct ike_name notify_names[] = {
        NAME(N_, UNSUPPORTED_CRITICAL_PAYLOAD),
        NAME(N_, INVALID_IKE_SPI),
        NAME(N_, INVALID_MAJOR_VERSION),
        NAME(N_, INVALID_SYNTAX),
        NAME(N_, INVALID_MESSAGE_ID),
        NAME(N_, INVALID_SPI),
        NAME(N_, NO_PROPOSAL_CHOSEN),
        NAME(N_, INVALID_KE_PAYLOAD),
        NAME(N_, AUTHENTICATION_FAILED),
        NAME(N_, SINGLE_PAIR_REQUIRED),
        NAME(N_, NO_ADDITIONAL_SAS),
        NAME(N_, INTERNAL_ADDRESS_FAILURE),
        NAME(N_, FAILED_CP_REQUIRED),
        NAME(N_, TS_UNACCEPTABLE),
        NAME(N_, INVALID_SELECTORS),
        NAME(N_, TEMPORARY_FAILURE),
        NAME(N_, CHILD_SA_NOT_FOUND),
        NAME(N_, INITIAL_CONTACT),
        NAME(N_, SET_WINDOW_SIZE),
        NAME(N_, ADDITIONAL_TS_POSSIBLE),
        NAME(N_, IPCOMP_SUPPORTED),
        NAME(N_, NAT_DETECTION_SOURCE_IP),
        NAME(N_, NAT_DETECTION_DESTINATION_IP),
        NAME(N_, COOKIE),
        NAME(N_, USE_TRANSPORT_MODE),
        NAME(N_, REKEY_SA),
        NAME(N_, ESP_TFC_PADDING_NOT_SUPPORTED),
        NAME(N_, NON_FIRST_FRAGMENTS_ALSO),
        NAME(N_, MOBIKE_SUPPORTED),
        NAME(N_, CHILDLESS_IKEV2_SUPPORTED),
        NAME(N_, IKEV2_FRAGMENTATION_SUPPORTED),
        NAME(N_, SIGNATURE_HASH_ALGORITHMS),
};

static const struct ike_name exchange_names[] = {
        {IKE_SA_INIT, "IKE_SA_INIT"},
        {IKE_AUTH, "IKE_AUTH"},
        {CREATE_CHILD_SA, "CREATE_CHILD_SA"},
        {INFORMATIONAL, "INFORMATIONAL"},
};

/* The RFC's notation, as in "HDR, SA, KEi, Ni", without i/r suffixes
 * where the direction is not part of the type. */
static const struct ike_name payload_names[] = {
        {PL_SA, "SA"},     {PL_KE, "KE"},       {PL_IDI, "IDi"},
        {PL_IDR, "IDr"},   {PL_CERT, "CERT"},   {PL_CERTREQ, "CERTREQ"},
        {PL_AUTH, "AUTH"}, {PL_NONCE, "Nonce"}, {PL_NOTIFY, "N"},
        {PL_DELETE, "D"},  {PL_VENDOR, "V"},    {PL_TSI, "TSi"},
        {PL_TSR, "TSr"},   {PL_SK, "SK"},       {PL_CP, "CP"},
        {PL_EAP, "EAP"},   {PL_SKF, "SKF"},
};

static const char *lookup(const struct ike_name *table, size_t n,
                          uint16_t value)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].value == value)
			return table[i].name;
	return NULL;
}

#define LOOKUP(table, value)                                                   \
	lookup(table, sizeof(table) / sizeof(table[0]), value)

const char *ike_notify_name(uint16_t type)
{
	return LOOKUP(notify_names, type);
}

const char *ike_exchange_name(uint8_t exchange)
{
	return LOOKUP(exchange_names, exchange);
}

const char *ike_payload_name(uint8_t type)
{
	return LOOKUP(payload_names, type);
}
