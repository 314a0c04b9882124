#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Byte and packet lifetimes of CHILD_SAs between two crestd gateways:
#
#   bytes    rekey_bytes = 5000000 on both sides: a 20 MB TCP transfer from
#            a to b must cause 3 to 6 CHILD_SA rekeys and arrive intact.
#   packets  rekey_packets = 200 on a only, so that a starts every rekey:
#            ping -i 0.02 for 10 s must cause one rekey per 200 packets
#            (requests and replies together), and no CHILD_SA may carry
#            many more than 200 packets.
#
# usage: test_life_volume.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
command -v socat >/dev/null || {
	echo "SKIP: socat not found" >&2
	exit 77
}
crest_init "${1:?usage: test_life_volume.sh CRESTD CRESTCTL}" "${2:-}"

# Starts gateways a and b in fresh namespaces with extra connection
# settings for each: start_pair TAG A_EXTRA B_EXTRA.
start_pair() {
	netns_setup "$(netns_prefix "$1")"
	crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=initiate \
		conn_extra="$2"
	crest_config b local=192.0.2.2 remote=192.0.2.1 side=b conn_extra="$3"
	: >"$CREST_WORK/a.log"
	: >"$CREST_WORK/b.log"
	crest_start b "$NS_B"
	crest_wait_log b 'device crest0 up' 10
	crest_start a "$NS_A"
	crest_wait_up a b 20 || netns_fail "no CHILD_SA within 20 s"
}

# Prints the CHILD_SA rekeys that gateway NAME has completed: every
# CHILD_SA after the first comes from a rekey.
child_rekeys() {
	echo "$(($(crest_log_grep "$1" 'CHILD_SA established' -c) - 1))"
}

run_bytes() {
	local payload=$CREST_WORK/payload received=$CREST_WORK/received
	local server rc=0 rekeys collisions
	echo "# rekey_bytes = 5000000, 20 MB from a to b"
	start_pair lvb 'rekey_bytes = 5000000;' 'rekey_bytes = 5000000;'
	head -c 20000000 /dev/urandom >"$payload"
	netns_exec "$NS_B" timeout 60 socat -u \
		TCP4-LISTEN:5001,bind=203.0.113.1 "CREATE:$received" &
	server=$!
	netns_track_pid "$server"
	wait_for 10 bash -c "ip netns exec '$NS_B' ss -Htln | grep -q ':5001'" ||
		netns_fail "socat does not listen on 203.0.113.1:5001"
	netns_exec "$NS_A" timeout 60 socat -u "OPEN:$payload" \
		TCP4:203.0.113.1:5001,bind=198.51.100.1 || rc=$?
	wait "$server" || rc=$?
	check_eq "bytes: sender and receiver exit 0" 0 "$rc"
	check_eq "bytes: sha256 of the received file" "$(sha256sum <"$payload")" \
		"$(sha256sum <"$received" 2>/dev/null || echo missing)"
	# Let the last rekey finish before counting.
	sleep 1
	# Both sides count the same bytes, so they often start a rekey at
	# once. Such a collision creates two CHILD_SAs for one rekey.
	collisions=$(crest_log_grep a 'simultaneous rekey of CHILD_SA .* resolved' -c)
	rekeys=$(($(child_rekeys a) - collisions))
	echo "# bytes: $rekeys CHILD_SA rekeys on a ($collisions collisions), $(child_rekeys b) CHILD_SAs after the first on b"
	# The inner packets carry about 20.8 MB with their IP and TCP
	# headers, and ACKs add a little: 4 rekeys at 5 MB each. Runs showed
	# 4 or 5, so the bound is 6.
	# TODO: find out where the 5th rekey comes from.
	check_ge "bytes: at least 3 CHILD_SA rekeys" 3 "$rekeys"
	check "bytes: at most 6 CHILD_SA rekeys" test "$rekeys" -le 6
	check "bytes: a lists one IKE SA" crest_query a sas \
		'len(d["sas"]) == 1 or exit(1)'
	check "bytes: ping crosses the tunnel afterwards" netns_exec "$NS_A" \
		ping -c 2 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
	netns_cleanup
}

# Prints the largest packet count (in and out together) of any CHILD_SA
# that gateway NAME lists.
max_child_packets() {
	crest_query "$1" sas 'max([c["packets_in"] + c["packets_out"]
		for s in d["sas"] for c in s["children"]] or [0])'
}

run_packets() {
	local out=$CREST_WORK/ping.out sent received packets rekeys i n max=0
	local pinger
	echo "# rekey_packets = 200 on a, ping -i 0.02 for 10 s"
	start_pair lvp 'rekey_packets = 200;' ''
	netns_exec "$NS_A" timeout 30 ping -q -c 500 -i 0.02 -W 1 \
		-I 198.51.100.1 203.0.113.1 >"$out" 2>&1 &
	pinger=$!
	netns_track_pid "$pinger"
	# Sample the counters while ping runs: 0.5 s is about 50 packets.
	for ((i = 0; i < 60; i++)); do
		kill -0 "$pinger" 2>/dev/null || break
		n=$(max_child_packets a || echo 0)
		((n > max)) && max=$n
		sleep 0.5
	done
	wait "$pinger" || true
	cat "$out"
	sent=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$out")
	received=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' "$out")
	check_eq "packets: ping sent 500 requests" 500 "${sent:-none}"
	check_ge "packets: ping gets replies" 490 "${received:-0}"
	sleep 1
	packets=$((${sent:-0} + ${received:-0}))
	rekeys=$(child_rekeys a)
	echo "# packets: $rekeys rekeys for $packets packets; at most $max packets on one CHILD_SA"
	# A rekey moves the traffic after a round trip or two, so a CHILD_SA
	# carries slightly more than 200 packets: between 200 and 220 each.
	check_ge "packets: a rekey per 200 packets (at least $((packets / 220)))" \
		"$((packets / 220))" "$rekeys"
	check "packets: a rekey per 200 packets (at most $((packets / 200)))" \
		test "$rekeys" -le "$((packets / 200))"
	check "packets: no CHILD_SA carries more than 220 packets" \
		test "$max" -le 220
	check_eq "packets: a starts every rekey" "$rekeys" \
		"$(crest_log_grep a 'rekeying CHILD_SA' -c)"
	check_eq "packets: b starts none" 0 \
		"$(crest_log_grep b 'rekeying CHILD_SA' -c)"
	netns_cleanup
}

run_bytes
run_packets
check_done
