#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A wrong pre-shared key on the initiator: the responder rejects IKE_AUTH
# with AUTHENTICATION_FAILED, both sides log it and no tunnel comes up.
# Usage: test_auth_failed.sh PAIRING CRESTD CRESTCTL, where PAIRING is crest-ss,
# ss-crest or crest-crest (initiator first).
set -euo pipefail

usage="usage: test_auth_failed.sh crest-ss|ss-crest|crest-crest CRESTD CRESTCTL"
pairing=${1:?$usage}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# shellcheck source=lib_interop.sh
source "$here/lib_interop.sh"

pairing_init "$pairing" auth "${2:?$usage}" "${3:?$usage}"
ike="aes256gcm16-prfsha256-x25519"
esp="aes256gcm16"

case $pairing in
crest-ss | crest-crest)
	# crestd on side a initiates with the wrong key.
	pairing_start "$pairing" "$ike" "$esp" "$INTEROP_BAD_PSK" \
		"$ike" "$esp" "$INTEROP_PSK"
	;;
ss-crest)
	# strongSwan initiates with the wrong key.
	pairing_start "$pairing" "$ike" "$esp" "$INTEROP_PSK" \
		"$ike" "$esp" "$INTEROP_BAD_PSK"
	;;
esac

echo "# $pairing: wrong PSK on the initiator"
case $pairing in
crest-ss)
	check "crestd logs the AUTHENTICATION_FAILED notify" \
		wait_for 15 crest_log_has a "peer sent AUTHENTICATION_FAILED"
	check "strongSwan logs the MAC mismatch" \
		ss_log_has "tried 1 shared key for .* but MAC mismatched"
	check "strongSwan logs that it sends AUTHENTICATION_FAILED" \
		ss_log_has "generating IKE_AUTH response 1 \[ N\(AUTH_FAILED\) \]"
	;;
ss-crest)
	check "strongSwan logs the AUTHENTICATION_FAILED notify" \
		wait_for 15 ss_log_has "received AUTHENTICATION_FAILED notify error"
	check "crestd logs that authentication of the peer failed" \
		crest_log_has a "authentication of peer failed"
	check "crestd logs that it answers AUTHENTICATION_FAILED" \
		crest_log_has a "answering with notify AUTHENTICATION_FAILED"
	check "swanctl --initiate reports the failure" \
		grep -q "initiate failed" "$WORK/b/initiate.out"
	;;
crest-crest)
	check "crestd a logs the AUTHENTICATION_FAILED notify" \
		wait_for 15 crest_log_has a "peer sent AUTHENTICATION_FAILED"
	check "crestd b logs that authentication of the peer failed" \
		crest_log_has b "authentication of peer failed"
	check "crestd b logs that it answers AUTHENTICATION_FAILED" \
		crest_log_has b "answering with notify AUTHENTICATION_FAILED"
	;;
esac
check_no_tunnel "$pairing"
check_done
