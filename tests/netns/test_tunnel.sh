#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# crestd against crestd over three outer paths: raw ESP over IPv4, ESP in
# UDP 4500 over IPv4 (encap = true on the initiator) and raw ESP over IPv6.
# Each path carries IPv4 and IPv6 inner pings and a checksummed TCP
# transfer in each inner family. nftables counters in b prove which outer
# form the traffic took, and b's inbound CHILD_SA counters must cover the
# bytes sent.
#
# usage: test_tunnel.sh CRESTD CRESTCTL [MEBIBYTES]   (transfer size, default 100)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
command -v socat >/dev/null || {
	echo "SKIP: socat not found" >&2
	exit 77
}
crest_init "${1:?usage: test_tunnel.sh CRESTD CRESTCTL [MEBIBYTES]}" "${2:-}"
mebibytes=${3:-100}
[[ $mebibytes =~ ^[0-9]+$ ]] || netns_fail "transfer size '$mebibytes' is not a number of MiB"

payload=$CREST_WORK/payload
head -c "${mebibytes}M" /dev/urandom >"$payload"
payload_bytes=$(stat -c %s "$payload")
payload_sum=$(sha256sum <"$payload")

# Sends the payload over TCP from a to b's inner address ADDR (IPv4 or
# IPv6) and checks that b received it intact: transfer TAG FAMILY ADDR
# SOURCE.
transfer() {
	local tag=$1 family=$2 addr=$3 src=$4 received=$CREST_WORK/$1.received
	local listen connect server rc=0
	if [[ $family == 4 ]]; then
		listen="TCP4-LISTEN:5001,bind=$addr"
		connect="TCP4:$addr:5001,bind=$src"
	else
		listen="TCP6-LISTEN:5001,bind=[$addr]"
		connect="TCP6:[$addr]:5001,bind=[$src]"
	fi
	netns_exec "$NS_B" timeout 120 socat -u "$listen" "CREATE:$received" &
	server=$!
	netns_track_pid "$server"
	wait_for 10 bash -c "ip netns exec '$NS_B' ss -Htln | grep -q ':5001'" || true
	local start=$SECONDS
	netns_exec "$NS_A" timeout 120 socat -u "OPEN:$payload" "$connect" || rc=$?
	wait "$server" || rc=$?
	echo "# $tag: $payload_bytes bytes over IPv$family inner in $((SECONDS - start)) s"
	check_eq "$tag: socat sender and receiver exit 0" 0 "$rc"
	check_eq "$tag: sha256 of the received file" "$payload_sum" \
		"$(sha256sum <"$received" 2>/dev/null || echo missing)"
	rm -f "$received"
}

# Runs one outer mode: run_mode MODE TAG, MODE raw4, udp4 or raw6.
run_mode() {
	local mode=$1 tag=$2 a=$1-a b=$1-b
	local la lb encap=
	echo "# outer path: $mode"
	netns_setup "$(netns_prefix "$tag")"
	nft_count "$NS_B"
	case $mode in
	raw4) la=$ADDR_A4 lb=$ADDR_B4 ;;
	udp4) la=$ADDR_A4 lb=$ADDR_B4 encap=encap=true ;;
	raw6) la=$ADDR_A6 lb=$ADDR_B6 ;;
	esac
	crest_config "$a" local="$la" remote="$lb" start_action=initiate $encap
	crest_config "$b" local="$lb" remote="$la" side=b
	crest_start "$b" "$NS_B"
	crest_wait_log "$b" 'device crest0 up' 10
	crest_start "$a" "$NS_A"
	if ! crest_wait_up "$a" "$b" 20; then
		check_fail "$mode: CHILD_SA established on both gateways"
		netns_cleanup
		return
	fi
	check_pass "$mode: CHILD_SA established on both gateways"
	if [[ $mode == udp4 ]]; then
		# With encap = true and no NAT, a logs "UDP encapsulation
		# forced, moving to port 4500".
		check "$mode: a logs the move to port 4500" \
			crest_wait_log "$a" 'moving to port 4500' 1
	fi

	check "$mode: IPv4 inner ping a -> b" netns_exec "$NS_A" \
		ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
	check "$mode: IPv6 inner ping a -> b" netns_exec "$NS_A" \
		ping -6 -c 3 -i 0.2 -W 2 -I 2001:db8:a::1 2001:db8:b::1
	check "$mode: IPv4 inner ping b -> a" netns_exec "$NS_B" \
		ping -c 3 -i 0.2 -W 2 -I 203.0.113.1 198.51.100.1

	local before after
	before=$(crest_child_in_bytes "$b")
	transfer "$mode IPv4" 4 203.0.113.1 198.51.100.1
	after=$(crest_child_in_bytes "$b")
	check_ge "$mode: b's inbound CHILD_SA bytes grew by the IPv4 transfer" \
		"$payload_bytes" "$((after - before))"
	before=$after
	transfer "$mode IPv6" 6 2001:db8:b::1 2001:db8:a::1
	after=$(crest_child_in_bytes "$b")
	check_ge "$mode: b's inbound CHILD_SA bytes grew by the IPv6 transfer" \
		"$payload_bytes" "$((after - before))"
	local logged
	logged=$(crest_status "$b" |
		sed -nE 's/.*CHILD_SA [0-9a-f]{8}_i .* in ([0-9]+) bytes\/.*/\1/p')
	check_ge "$mode: b's SIGUSR1 report shows the inbound bytes" \
		"$((2 * payload_bytes))" "${logged:-none}"

	local esp_bytes natt_bytes
	esp_bytes=$(nft_counter "$NS_B" esp_in | cut -d' ' -f2)
	natt_bytes=$(nft_counter "$NS_B" natt_esp_in | cut -d' ' -f2)
	local natt
	natt=$(crest_query "$b" sas 'd["sas"][0]["natt"]')
	if [[ $mode == udp4 ]]; then
		check_eq "$mode: crestctl shows b's IKE SA on UDP 4500" True "$natt"
		check_ge "$mode: ESP in UDP 4500 bytes into b cover both transfers" \
			"$((2 * payload_bytes))" "$natt_bytes"
		check_eq "$mode: no raw ESP packets into b" 0 \
			"$(nft_packets "$NS_B" esp_in)"
		check_ge "$mode: IKE moved to port 4500" 1 \
			"$(nft_packets "$NS_B" natt_ike_in)"
	else
		check_eq "$mode: crestctl shows b's IKE SA without UDP 4500" False "$natt"
		check_ge "$mode: raw ESP bytes into b cover both transfers" \
			"$((2 * payload_bytes))" "$esp_bytes"
		check_eq "$mode: no ESP in UDP 4500 into b" 0 \
			"$(nft_packets "$NS_B" natt_esp_in)"
		check_eq "$mode: no IKE on port 4500 into b" 0 \
			"$(nft_packets "$NS_B" natt_ike_in)"
	fi
	local rc=0
	crest_stop "$a" || rc=$?
	check_eq "$mode: a exits 0 on TERM" 0 "$rc"
	netns_cleanup
}

run_mode raw4 tr4
run_mode udp4 tu4
run_mode raw6 tr6
check_done
