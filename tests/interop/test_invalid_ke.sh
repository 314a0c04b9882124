#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Key exchange group retry: the initiator sends its KE for x25519 but also
# offers ecp256, and the responder accepts only ecp256. The responder replies
# with INVALID_KE_PAYLOAD, the initiator retries with ecp256 and the tunnel
# comes up with ecp256. Usage: test_invalid_ke.sh PAIRING CRESTD CRESTCTL, where PAIRING is
# crest-ss, ss-crest or crest-crest (initiator first).
set -euo pipefail

usage="usage: test_invalid_ke.sh crest-ss|ss-crest|crest-crest CRESTD CRESTCTL"
pairing=${1:?$usage}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# shellcheck source=lib_interop.sh
source "$here/lib_interop.sh"

pairing_init "$pairing" ke "${2:?$usage}" "${3:?$usage}"
offer="aes256gcm16-prfsha256-x25519-ecp256"
accept="aes256gcm16-prfsha256-ecp256"
esp="aes256gcm16"

echo "# $pairing: initiator offers $offer, responder accepts $accept"
case $pairing in
crest-ss | crest-crest)
	pairing_start "$pairing" "$offer" "$esp" "$INTEROP_PSK" \
		"$accept" "$esp" "$INTEROP_PSK"
	;;
ss-crest)
	pairing_start "$pairing" "$accept" "$esp" "$INTEROP_PSK" \
		"$offer" "$esp" "$INTEROP_PSK"
	;;
esac

check "crestd a logs the CHILD_SA" crest_wait_child a 15
case $pairing in
crest-ss)
	check "crestd logs the INVALID_KE_PAYLOAD notify and retries with ecp256" \
		crest_log_has a "peer sent INVALID_KE_PAYLOAD, retrying with group 19"
	check "strongSwan logs that it requests ECP_256" \
		ss_log_has "DH group CURVE_25519 unacceptable, requesting ECP_256"
	check "strongSwan logs that it sends INVALID_KE_PAYLOAD" \
		ss_log_has "generating IKE_SA_INIT response 0 \[ N\(INVAL_KE\) \]"
	;;
ss-crest)
	check "swanctl --initiate succeeds" \
		grep -q "initiate completed successfully" "$WORK/b/initiate.out"
	check "strongSwan logs the INVALID_KE_PAYLOAD notify" \
		ss_log_has "peer didn't accept DH group CURVE_25519, it requested ECP_256"
	check "crestd logs that it requests group 19" \
		crest_log_has a "peer sent KE for group 31, requesting group 19"
	check "crestd logs that it answers INVALID_KE_PAYLOAD" \
		crest_log_has a "answering with notify INVALID_KE_PAYLOAD"
	;;
crest-crest)
	check "crestd a logs the INVALID_KE_PAYLOAD notify and retries with ecp256" \
		crest_log_has a "peer sent INVALID_KE_PAYLOAD, retrying with group 19"
	check "crestd b logs that it requests group 19" \
		crest_log_has b "peer sent KE for group 31, requesting group 19"
	check "crestd b logs that it answers INVALID_KE_PAYLOAD" \
		crest_log_has b "answering with notify INVALID_KE_PAYLOAD"
	check "crestd b logs the CHILD_SA" crest_wait_child b 5
	;;
esac

check "ping a -> b through the tunnel" interop_ping a
check "crestd a lists the IKE SA with ecp256" \
	crest_sas_match a '(.sas | length) == 1 and
		.sas[0].state == "established" and
		.sas[0].algorithms == "aes256gcm16/prfsha256/ecp256"'
if [[ $pairing == crest-crest ]]; then
	check "crestd b lists the IKE SA with ecp256" \
		crest_sas_match b '(.sas | length) == 1 and
			.sas[0].state == "established" and
			.sas[0].algorithms == "aes256gcm16/prfsha256/ecp256"'
else
	check "strongSwan lists the IKE SA with ECP_256" \
		grep -q "^ *AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256$" <<<"$(ss_swanctl --list-sas || true)"
fi
check_done
