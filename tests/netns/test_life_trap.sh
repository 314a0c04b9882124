#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# On-traffic start between two crestd gateways: a has start_action = "trap",
# so no IKE SA exists until the first packet for b's network arrives. That
# ping starts the IKE SA, and of ping -c 5 at least 4 replies must come
# back: crestd queues the first packets until the CHILD_SA is up.
#
# usage: test_life_trap.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_life_trap.sh CRESTD CRESTCTL}" "${2:-}"
netns_setup "$(netns_prefix ltr)"
nft_count "$NS_B"

crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=trap
crest_config b local=192.0.2.2 remote=192.0.2.1 side=b
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A"
crest_wait_log a 'device crest0 up' 10 || netns_fail "a's TUN device is not up"
check "a routes b's network into the TUN device before any SA" \
	wait_for 5 bash -c "ip netns exec '$NS_A' ip route show table all |
		grep -q '^203.0.113.0/24 .*crest0'"

# Give a wrongly initiating crestd time to show itself.
sleep 2
check_eq "a lists no IKE SA before the ping" 0 "$(crest_ike_sas a)"
check_eq "b lists no IKE SA before the ping" 0 "$(crest_ike_sas b)"
check_eq "no IKE packet reaches b before the ping" 0 \
	"$(nft_packets "$NS_B" ike_in)"

out=$CREST_WORK/ping.out
netns_exec "$NS_A" ping -c 5 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1 \
	>"$out" 2>&1 || true
cat "$out"
received=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' "$out")
check_ge "at least 4 of 5 pings get replies" 4 "${received:-0}"
check "the first ping gets a reply" grep -q 'icmp_seq=1 ' "$out"
check_eq "a lists one IKE SA after the ping" 1 "$(crest_ike_sas a)"
check_eq "b lists one IKE SA after the ping" 1 "$(crest_ike_sas b)"
check_eq "a initiated the IKE SA" initiator \
	"$(crest_query a sas 'd["sas"][0]["role"]')"
check_eq "a drops no packet for a full on-traffic queue" 0 \
	"$(crest_drops a datapath_drops trap_queue_full)"

# A reload that turns the connection to start_action wait removes its
# routes once its SA goes. One that turns it back to trap installs them
# again, and the next ping starts a new IKE SA.
trap_route_present() {
	ip netns exec "$NS_A" ip route show table all |
		grep -q '^203.0.113.0/24 .*crest0'
}
echo "# reload: trap to wait"
crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=wait
check "a reloads" "$CRESTCTL" --socket "$CREST_WORK/a.ctl" reload
check "a deletes the SA of the changed connection" wait_for 10 \
	crest_ike_sas_is a 0
check "the route goes with the SA and the on-traffic start" wait_for 5 \
	bash -c "! ip netns exec '$NS_A' ip route show table all |
		grep -q '^203.0.113.0/24 .*crest0'"

echo "# reload: wait to trap"
crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=trap
check "a reloads again" "$CRESTCTL" --socket "$CREST_WORK/a.ctl" reload
check "the reload installs the on-traffic route" wait_for 5 \
	trap_route_present
check_eq "no IKE SA before the next ping" 0 "$(crest_ike_sas a)"
check "a ping after the reload starts a new IKE SA and gets through" \
	wait_for 10 netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 \
	203.0.113.1
check_eq "a lists one IKE SA after that ping" 1 "$(crest_ike_sas a)"

# The keeper takes a SIGHUP while no engine runs: the next engine
# installs the on-traffic routes of the new configuration itself.
echo "# reload while the engine restarts"
crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=wait
check "a reloads to wait" "$CRESTCTL" --socket "$CREST_WORK/a.ctl" reload
check "the route goes again" wait_for 10 bash -c "! ip netns exec '$NS_A' \
	ip route show table all | grep -q '^203.0.113.0/24 .*crest0'"
engine=$(pgrep -P "${CREST_PIDS[a]}" | head -n 1)
kill -KILL "$engine"
crest_wait_log a "engine PID $engine killed by signal 9" 5 || true
crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=trap
kill -HUP "${CREST_PIDS[a]}"
check "the keeper reloads while the engine is down" \
	crest_wait_log a '\[keeper\] reloaded' 5
check "the new engine installs the on-traffic route" wait_for 10 \
	trap_route_present
check "a ping starts the tunnel from the new engine" wait_for 10 \
	netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1
check_done
