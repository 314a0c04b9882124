#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Extended sequence numbers (ESN, RFC 4303) between crestd (side a) and
# strongSwan 5.9.8 with kernel-libipsec (side b), and between two crestd:
#
#   esn-initiator    crestd offers esn and initiates, strongSwan offers esn
#   esn-responder    crestd offers esn-noesn and responds, strongSwan esn
#   esn-crest        crestd (esn) initiates to crestd (esn-noesn)
#   noesn-initiator  crestd offers esn-noesn, strongSwan noesn only
#   noesn-responder  the same with strongSwan initiating
#
# Both sides must agree on ESN in IKE_AUTH. Where a CHILD_SA comes up,
# both sides must list it with ESN (esn cases) or without (noesn cases),
# pings must pass both ways and 1 MiB must cross each way over TCP. With
# AES-GCM the high 32 bits of the sequence number are part of the ICV's
# additional data, so a side that disagrees about ESN fails to
# authenticate every packet and the traffic checks fail.
#
# strongSwan 5.9.8's kernel-libipsec rejects every SA with ESN ("IPsec SA:
# ESN not supported"), and ss_start must use it because test kernels may
# lack XFRM. When charon logs that, the esn cases with strongSwan check the
# negotiation only, and esn-crest is the case that carries ESN traffic.
#
# usage: test_ss_esn.sh CRESTD CRESTCTL
set -euo pipefail

usage="usage: test_ss_esn.sh CRESTD CRESTCTL"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# shellcheck source=lib_interop.sh
source "$here/lib_interop.sh"

ss_require
interop_init esn "${1:?$usage}" "${2:?$usage}"
ike="aes256gcm16-prfsha256-x25519"
ss_conf none "$ike" "aes256gcm16-esn"
ss_start
# Lines of charon's log written before the current case.
ss_log_start=0

ss_has_no_ike_sa() {
	local sas
	sas=$(ss_swanctl --list-sas) || return 1
	! grep -q ESTABLISHED <<<"$sas"
}

# Returns 0 if charon logged the extended regex PATTERN in this case.
ss_case_log_has() {
	tail -n "+$((ss_log_start + 1))" "$SS_LOG" | grep -Eq -- "$1"
}

# Prints the JSON counters response of a side's crestd.
crest_counters() {
	"$CRESTCTL" --socket "$WORK/$1/crestd.ctl" --json counters
}

# Returns 0 if a side's crestd dropped no ESP packet for a failed ICV.
crest_no_auth_failed() {
	local json
	json=$(crest_counters "$1") || return 1
	jq -e '.esp_drops.auth_failed == 0' <<<"$json" >/dev/null || {
		echo "$json"
		return 1
	}
}

# shellcheck disable=SC2016 # $alg is a jq variable
# Checks a side's crestd lists one installed CHILD_SA with the algorithms
# string ALG: check_crest_child NAME SIDE ALG.
check_crest_child() {
	local name=$1 side=$2 alg=$3
	check "$name: crestd $side lists one installed CHILD_SA" \
		crest_sas_match "$side" '(.sas | length) == 1 and
			(.sas[0].children | length) == 1 and
			.sas[0].children[0].installed'
	check "$name: crestd $side lists the CHILD_SA with $alg" \
		crest_sas_match "$side" '.sas[0].children[0].algorithms == $alg' \
		--arg alg "$alg"
}

# Pings both ways, sends 1 MiB each way over TCP and checks that crestd on
# side a counted the packets and no ICV failed: check_traffic NAME.
check_traffic() {
	local name=$1
	check "$name: ping a -> b through the tunnel" interop_ping a
	check "$name: ping b -> a through the tunnel" interop_ping b
	check "$name: 1 MiB over TCP a -> b arrives intact" \
		interop_transfer a 1 5001
	check "$name: 1 MiB over TCP b -> a arrives intact" \
		interop_transfer b 1 5002
	check "$name: crestd a counts ESP packets both ways" \
		crest_sas_match a '.sas[0].children[0] |
			.packets_in >= 6 and .packets_out >= 6'
	check "$name: crestd a drops no ESP packet for a failed ICV" \
		crest_no_auth_failed a
}

# Checks that strongSwan lists the CHILD_SA INSTALLED with the proposal
# SS_ALG at the end of its line: check_ss_child NAME SS_ALG.
check_ss_child() {
	local name=$1 alg=$2 sas
	sas=$(ss_swanctl --list-sas || true)
	check "$name: strongSwan shows the CHILD_SA INSTALLED with $alg" \
		grep -Eq "net: #[0-9]+, reqid [0-9]+, INSTALLED, TUNNEL-in-UDP, $alg\$" \
		<<<"$sas"
}

# Starts crestd on side a and, for ROLE responder, the initiation by
# strongSwan: start_with_ss NAME ROLE CREST_ESP SS_ESP.
start_with_ss() {
	local name=$1 role=$2 crest_esp=$3 ss_esp=$4 start=wait
	[[ $role == initiator ]] && start=initiate
	echo "# $name: crestd ($role) offers $crest_esp, strongSwan $ss_esp"
	ss_log_start=$(wc -l <"$SS_LOG")
	ss_conf none "$ike" "$ss_esp"
	ss_load
	crest_conf a "$start" "$ike" "$crest_esp"
	crest_start a
	if [[ $role == responder ]]; then
		ss_swanctl --initiate --child net --timeout 15 \
			>"$WORK/b/initiate.out" 2>&1 || true
	fi
	check "$name: strongSwan establishes the IKE SA" \
		wait_for 15 ss_case_log_has "IKE_SA site\[[0-9]+\] established"
}

# Stops crestd on side a and waits for strongSwan to drop the IKE SA.
stop_with_ss() {
	local name=$1
	crest_stop a
	check "$name: strongSwan deletes the SA after crestd stops" \
		wait_for 5 ss_has_no_ike_sa
}

# Runs an ESN case against strongSwan: esn_case NAME ROLE CREST_ESP.
esn_case() {
	local name=$1 role=$2 crest_esp=$3
	start_with_ss "$name" "$role" "$crest_esp" "aes256gcm16-esn"
	check "$name: strongSwan selects AES-GCM with ESN" \
		wait_for 5 ss_case_log_has \
		"selected proposal: ESP:AES_GCM_16_256/EXT_SEQ\$"
	if ! ss_case_log_has "ESN not supported"; then
		check "$name: crestd logs the CHILD_SA" crest_wait_child a 15
		check_crest_child "$name" a "aes256gcm16/esn"
		check_ss_child "$name" "ESP:AES_GCM_16-256/ESN"
		check_traffic "$name"
	elif [[ $role == responder ]]; then
		echo "# $name: kernel-libipsec rejects ESN, so strongSwan" \
			"deletes the CHILD_SA and no traffic is checked"
		check "$name: crestd logs the CHILD_SA with ESN" \
			crest_log_has a "CHILD_SA established, .*, aes256gcm16/esn, "
	else
		echo "# $name: kernel-libipsec rejects ESN, so strongSwan" \
			"answers NO_PROPOSAL_CHOSEN and no traffic is checked"
		check "$name: strongSwan sends NO_PROPOSAL_CHOSEN" \
			ss_case_log_has "generating IKE_AUTH response 1 .*N\(NO_PROP\)"
		check "$name: crestd keeps the IKE SA without a CHILD_SA" \
			crest_sas_match a '(.sas | length) == 1 and
				.sas[0].state == "established" and
				(.sas[0].children | length) == 0'
	fi
	stop_with_ss "$name"
}

# Runs a case in which strongSwan offers only noesn: noesn_case NAME ROLE.
noesn_case() {
	local name=$1 role=$2 offer
	start_with_ss "$name" "$role" "aes256gcm16-esn-noesn" \
		"aes256gcm16-noesn"
	# charon logs the proposals it receives: crestd's offer when crestd
	# initiates, and crestd's choice when crestd responds.
	offer="ESP:AES_GCM_16_256/NO_EXT_SEQ"
	[[ $role == initiator ]] && offer="ESP:AES_GCM_16_256/EXT_SEQ/NO_EXT_SEQ"
	check "$name: charon receives $offer from crestd" \
		ss_case_log_has "received proposals: $offer\$"
	check "$name: strongSwan selects AES-GCM without ESN" \
		ss_case_log_has "selected proposal: ESP:AES_GCM_16_256/NO_EXT_SEQ\$"
	check "$name: crestd logs the CHILD_SA" crest_wait_child a 15
	check_crest_child "$name" a "aes256gcm16"
	check_ss_child "$name" "ESP:AES_GCM_16-256"
	check_traffic "$name"
	stop_with_ss "$name"
}

# Runs ESN between two crestd, after stopping strongSwan.
esn_crest_case() {
	local name=esn-crest
	echo "# $name: crestd a (esn) initiates, crestd b (esn-noesn) responds"
	ss_stop_for_crest
	crest_conf b wait "$ike" "aes256gcm16-esn-noesn"
	crest_start b
	crest_conf a initiate "$ike" "aes256gcm16-esn"
	crest_start a
	check "$name: crestd a logs the CHILD_SA" crest_wait_child a 15
	check "$name: crestd b logs the CHILD_SA" crest_wait_child b 15
	check_crest_child "$name" a "aes256gcm16/esn"
	check_crest_child "$name" b "aes256gcm16/esn"
	check_traffic "$name"
	check "$name: crestd b drops no ESP packet for a failed ICV" \
		crest_no_auth_failed b
	crest_stop a
	crest_stop b
}

# Stops charon, which binds UDP ports 500 and 4500 on 192.0.2.2, and
# removes the address 203.0.113.1 that ss_start put on lo, so that crestd
# can take both over on side b.
ss_stop_for_crest() {
	local i
	kill -TERM "$SS_PID" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$SS_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$SS_PID" 2>/dev/null && netns_fail "charon did not stop within 10 s"
	wait "$SS_PID" 2>/dev/null || true
	netns_exec "$NS_B" ip addr del 203.0.113.1/32 dev lo
}

esn_case esn-initiator initiator "aes256gcm16-esn"
esn_case esn-responder responder "aes256gcm16-esn-noesn"
noesn_case noesn-initiator initiator
noesn_case noesn-responder responder
esn_crest_case

check_done
