#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# IKE proposals without a common algorithm: the responder rejects
# IKE_SA_INIT with NO_PROPOSAL_CHOSEN, both sides log it and no tunnel comes
# up. Usage: test_no_proposal.sh PAIRING CRESTD CRESTCTL, where PAIRING is crest-ss,
# ss-crest or crest-crest (initiator first).
set -euo pipefail

usage="usage: test_no_proposal.sh crest-ss|ss-crest|crest-crest CRESTD CRESTCTL"
pairing=${1:?$usage}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# shellcheck source=lib_interop.sh
source "$here/lib_interop.sh"

pairing_init "$pairing" nopr "${2:?$usage}" "${3:?$usage}"
# Side a and side b share no encryption, PRF or group.
a_ike="aes256gcm16-prfsha256-x25519"
b_ike="aes128-sha384-ecp384"
pairing_start "$pairing" "$a_ike" "aes256gcm16" "$INTEROP_PSK" \
	"$b_ike" "aes256gcm16" "$INTEROP_PSK"

echo "# $pairing: IKE $a_ike against $b_ike"
case $pairing in
crest-ss)
	check "crestd logs the NO_PROPOSAL_CHOSEN notify" \
		wait_for 15 crest_log_has a "peer rejected IKE_SA_INIT with NO_PROPOSAL_CHOSEN"
	check "strongSwan logs that no proposal is acceptable" \
		ss_log_has "received proposals unacceptable"
	check "strongSwan logs that it sends NO_PROPOSAL_CHOSEN" \
		ss_log_has "generating IKE_SA_INIT response 0 \[ N\(NO_PROP\) \]"
	;;
ss-crest)
	check "strongSwan logs the NO_PROPOSAL_CHOSEN notify" \
		wait_for 15 ss_log_has "received NO_PROPOSAL_CHOSEN notify error"
	check "crestd logs that no proposal is acceptable" \
		crest_log_has a "no acceptable IKE proposal"
	check "crestd logs that it answers NO_PROPOSAL_CHOSEN" \
		crest_log_has a "answering with notify NO_PROPOSAL_CHOSEN"
	check "swanctl --initiate reports the failure" \
		grep -q "initiate failed" "$WORK/b/initiate.out"
	;;
crest-crest)
	check "crestd a logs the NO_PROPOSAL_CHOSEN notify" \
		wait_for 15 crest_log_has a "peer rejected IKE_SA_INIT with NO_PROPOSAL_CHOSEN"
	check "crestd b logs that no proposal is acceptable" \
		crest_log_has b "no acceptable IKE proposal"
	check "crestd b logs that it answers NO_PROPOSAL_CHOSEN" \
		crest_log_has b "answering with notify NO_PROPOSAL_CHOSEN"
	;;
esac
check_no_tunnel "$pairing"
check_done
