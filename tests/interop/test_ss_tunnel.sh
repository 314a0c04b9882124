#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Tunnels between crestd (side a) and strongSwan 5.9.8 with kernel-libipsec
# (side b): test_ss_tunnel.sh ROLE CRESTD CRESTCTL, where ROLE is "initiator" (crestd
# starts the IKE SA) or "responder" (swanctl --initiate starts it).
#
# Each case sets up one IKE SA with one CHILD_SA and pings both ways. It
# checks that both daemons list the SA with the same algorithms and SPIs.
# Some cases also send 32 MiB each way over TCP and compare SHA-256 sums.
# strongSwan always forces UDP encapsulation, so ESP travels on port 4500.
set -euo pipefail

usage="usage: test_ss_tunnel.sh initiator|responder CRESTD CRESTCTL"
role=${1:?$usage}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# shellcheck source=lib_interop.sh
source "$here/lib_interop.sh"

case $role in
initiator) tag=ssi crest_start_action=initiate ;;
responder) tag=ssr crest_start_action=wait ;;
*) netns_fail "ROLE must be initiator or responder, not '$role'" ;;
esac
ss_require
interop_init "$tag" "${2:?$usage}" "${3:?$usage}"
ss_conf none "aes256gcm16-prfsha256-x25519" "aes256gcm16"
ss_start

# Prints strongSwan's inbound and outbound SPI of its first CHILD_SA.
ss_child_spis() {
	ss_swanctl --list-sas |
		awk '$1 == "in" { sub(/,$/, "", $2); i = $2 }
		     $1 == "out" { sub(/,$/, "", $2); print i, $2; exit }'
}

ss_has_no_ike_sa() {
	local sas
	sas=$(ss_swanctl --list-sas) || return 1
	! grep -q ESTABLISHED <<<"$sas"
}

# shellcheck disable=SC2016 # $role and $alg are jq variables
# Runs one case: run_case NAME IKE ESP CREST_IKE CREST_ESP SS_IKE SS_ESP MIB.
# IKE and ESP are the proposals both sides use. CREST_* and SS_* are the
# algorithm names each side shows for the SA. MIB is the size of each TCP
# transfer, 0 for none.
run_case() {
	local name=$1 ike=$2 esp=$3 crest_ike=$4 crest_esp=$5
	local ss_ike=$6 ss_esp=$7 mib=$8 ss_sas crest_spis ss_spis
	echo "# $name: IKE $ike, ESP $esp, crestd is the $role"

	ss_conf none "$ike" "$esp"
	ss_load
	crest_conf a "$crest_start_action" "$ike" "$esp"
	crest_start a
	if [[ $role == responder ]]; then
		check "$name: swanctl --initiate succeeds" \
			ss_swanctl --initiate --child net --timeout 20
	fi
	check "$name: crestd logs the CHILD_SA" crest_wait_child a 15
	check "$name: crestd routes 203.0.113.0/24" \
		wait_for 5 has_route "$NS_A" 203.0.113.0/24
	check "$name: ping a -> b through the tunnel" interop_ping a
	check "$name: ping b -> a through the tunnel" interop_ping b

	if ((mib > 0)); then
		check "$name: $mib MiB over TCP a -> b arrive intact" \
			interop_transfer a "$mib" 5001
		check "$name: $mib MiB over TCP b -> a arrive intact" \
			interop_transfer b "$mib" 5002
	fi

	check "$name: crestd lists the IKE SA as established" \
		crest_sas_match a '(.sas | length) == 1 and
			.sas[0].state == "established" and .sas[0].role == $role' \
		--arg role "$role"
	check "$name: crestd lists IKE $crest_ike over UDP 4500" \
		crest_sas_match a '.sas[0].algorithms == $alg and .sas[0].natt and
			.sas[0].remote == "192.0.2.2:4500"' --arg alg "$crest_ike"
	check "$name: crestd lists the CHILD_SA with $crest_esp" \
		crest_sas_match a '.sas[0].children | length == 1 and
			.[0].installed and .[0].algorithms == $alg and
			.[0].local_ts == ["198.51.100.0/24"] and
			.[0].remote_ts == ["203.0.113.0/24"]' --arg alg "$crest_esp"
	check "$name: crestd counts ESP packets both ways" \
		crest_sas_match a '.sas[0].children[0] |
			.packets_in >= 6 and .packets_out >= 6'
	ss_sas=$(ss_swanctl --list-sas || true)
	check "$name: strongSwan lists the IKE SA as ESTABLISHED" \
		grep -q "site: #[0-9]*, ESTABLISHED, IKEv2" <<<"$ss_sas"
	check "$name: strongSwan shows IKE $ss_ike" \
		grep -q "^ *$ss_ike\$" <<<"$ss_sas"
	check "$name: strongSwan shows the CHILD_SA INSTALLED with $ss_esp" \
		grep -q "net: #[0-9]*, reqid [0-9]*, INSTALLED, TUNNEL-in-UDP, $ss_esp\$" <<<"$ss_sas"
	crest_spis=$(crest_sas a | jq -r '.sas[0].children[0] | "\(.spi_in) \(.spi_out)"' || true)
	ss_spis=$(ss_child_spis || true)
	# crestd's inbound SPI is strongSwan's outbound one and vice versa.
	check_eq "$name: both sides agree on the SPIs" \
		"$(awk '{ print $2, $1 }' <<<"$ss_spis")" "${crest_spis:-none}"

	crest_stop a
	check "$name: strongSwan deletes the SA after crestd stops" \
		wait_for 5 ss_has_no_ike_sa
	check_not "$name: no tunnel route left in a" \
		has_route "$NS_A" 203.0.113.0/24
}

run_case gcm "aes256gcm16-prfsha256-x25519" "aes256gcm16" \
	"aes256gcm16/prfsha256/x25519" "aes256gcm16" \
	"AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519" "ESP:AES_GCM_16-256" 32
run_case cbc "aes256gcm16-prfsha256-x25519" "aes128-sha256" \
	"aes256gcm16/prfsha256/x25519" "aes128/sha256" \
	"AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519" \
	"ESP:AES_CBC-128/HMAC_SHA2_256_128" 32
run_case cbc-ike "aes256-sha256-ecp256" "aes256-sha256" \
	"aes256/sha256/prfsha256/ecp256" "aes256/sha256" \
	"AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256" \
	"ESP:AES_CBC-256/HMAC_SHA2_256_128" 0

check_done
