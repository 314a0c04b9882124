#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Delete on stop: SIGTERM makes crestd send an INFORMATIONAL Delete for its
# IKE SA and exit 0; the peer must log the Delete, drop the IKE SA and its
# CHILD_SA and remove the routes the CHILD_SA installed. Run once stopping
# the initiator and once stopping the responder.
#
# usage: test_delete.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_delete.sh CRESTD CRESTCTL}" "${2:-}"

netns_setup "$(netns_prefix del)"
nft_count "$NS_A"
nft_count "$NS_B"

# Returns 0 if namespace NS routes PREFIX into crest0.
has_route() {
	local routes
	routes=$(netns_exec "$1" ip route show dev crest0)
	grep -q "^$2 " <<<"$routes"
}

# Starts gateways A and B, waits for the CHILD_SA and checks the baseline
# the later checks compare against: start_pair A B.
start_pair() {
	local a=$1 b=$2
	crest_config "$a" local="$ADDR_A4" remote="$ADDR_B4" start_action=initiate
	crest_config "$b" local="$ADDR_B4" remote="$ADDR_A4" side=b
	crest_start "$b" "$NS_B"
	crest_wait_log "$b" 'device crest0 up' 10
	crest_start "$a" "$NS_A"
	crest_wait_up "$a" "$b" 20 || netns_fail "no CHILD_SA within 20 s"
	check "$a: ping through the tunnel" netns_exec "$NS_A" \
		ping -c 1 -W 2 -I 198.51.100.1 203.0.113.1
	check_eq "$a: one IKE SA before the stop" 1 "$(crest_ike_sas "$a")"
	check_eq "$b: one IKE SA before the stop" 1 "$(crest_ike_sas "$b")"
	check "$a: route to 203.0.113.0/24" has_route "$NS_A" 203.0.113.0/24
	check "$b: route to 198.51.100.0/24" has_route "$NS_B" 198.51.100.0/24
}

# Stops gateway STOPPED and checks that PEER in namespace PEER_NS processed
# the Delete: stop_and_check STOPPED PEER PEER_NS PREFIX, where PREFIX is
# the route the peer's CHILD_SA installed.
stop_and_check() {
	local stopped=$1 peer=$2 peer_ns=$3 prefix=$4 rc=0 ike_before
	ike_before=$(nft_packets "$peer_ns" ike_in)
	crest_stop "$stopped" || rc=$?
	check_eq "$stopped: exits 0 on TERM" 0 "$rc"
	check "$stopped: sends a Delete for the IKE SA" \
		crest_wait_log "$stopped" 'sending Delete for the IKE SA' 1
	check_ge "$peer: receives the INFORMATIONAL request on port 500" 1 \
		"$(($(nft_packets "$peer_ns" ike_in) - ike_before))"
	check "$peer: logs the peer's Delete" \
		crest_wait_log "$peer" 'peer deleted the IKE SA' 5
	check "$peer: closes the IKE SA" \
		crest_wait_log "$peer" 'IKE SA closed: deleted by peer' 5
	check_eq "$peer: no IKE SA left" 0 "$(crest_ike_sas "$peer")"
	check_not "$peer: route to $prefix removed" has_route "$peer_ns" "$prefix"
	check "$peer: keeps running" crest_running "$peer"
}

echo "# stopping the initiator"
start_pair a1 b1
stop_and_check a1 b1 "$NS_B" 198.51.100.0/24
crest_stop b1 || true

echo "# stopping the responder"
start_pair a2 b2
stop_and_check b2 a2 "$NS_A" 203.0.113.0/24
check_not "a2: ping fails without the tunnel" netns_exec "$NS_A" \
	ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1

check_done
