#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Time-based rekeying between two crestd gateways. Both sides rekey their
# CHILD_SAs after about 8 s and the IKE SA after about 12 s, with 1 s of
# jitter, so each side starts some of the rekeys.
#
#   ping      ping -i 0.1 runs for 90 s from a to b. Both kinds of rekey
#             must happen at least five times, each side must start
#             some, and ping may lose at most one packet per rekey.
#   transfer  a TCP transfer throttled to last about 25 s must arrive with
#             the sha256 it was sent with, across several rekeys.
#
# usage: test_life_rekey.sh CRESTD CRESTCTL ping|transfer
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

usage="usage: test_life_rekey.sh CRESTD CRESTCTL ping|transfer"
mode=${3:?$usage}
case $mode in
ping) tag=lrp ;;
transfer) tag=lrt ;;
*) netns_fail "mode must be ping or transfer, not '$mode'" ;;
esac
netns_require_root
command -v socat >/dev/null || {
	echo "SKIP: socat not found" >&2
	exit 77
}
crest_init "${1:?$usage}" "${2:?$usage}"
netns_setup "$(netns_prefix "$tag")"

# The hard lifetimes leave 3 to 4 s after the soft ones for the rekey.
lifetimes='rekey_time = 8; life_time = 11; rand_time = 1;
        ike_rekey_time = 12; ike_life_time = 16;'
crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=initiate \
	conn_extra="$lifetimes"
crest_config b local=192.0.2.2 remote=192.0.2.1 side=b conn_extra="$lifetimes"
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A"
crest_wait_up a b 20 || netns_fail "no CHILD_SA within 20 s"

# Counts of log lines: log_count NAME REGEX.
log_count() {
	crest_log_grep "$1" "$2" -c
}

# Prints "CHILD IKE": the CHILD_SA and IKE SA rekeys that gateway NAME has
# completed so far. Every CHILD_SA after the first comes from a rekey.
rekeys_done() {
	local children ikes
	children=$(log_count "$1" 'CHILD_SA established')
	ikes=$(log_count "$1" 'IKE SA rekeyed')
	echo "$((children - 1)) $ikes"
}

run_ping() {
	local out=$CREST_WORK/ping.out sent received lost
	local child_a child_b ike_a ike_b children ikes
	echo "# ping -i 0.1 for 90 s from a to b"
	netns_exec "$NS_A" timeout 120 ping -q -c 900 -i 0.1 -W 1 \
		-I 198.51.100.1 203.0.113.1 >"$out" 2>&1 || true
	cat "$out"
	sent=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$out")
	received=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' "$out")
	check_eq "ping sent 900 requests" 900 "${sent:-none}"

	read -r children ikes < <(rekeys_done a)
	child_a=$(log_count a 'rekeying CHILD_SA')
	child_b=$(log_count b 'rekeying CHILD_SA')
	ike_a=$(log_count a 'rekeying the IKE SA')
	ike_b=$(log_count b 'rekeying the IKE SA')
	echo "# CHILD_SA rekeys: $children done, started by a $child_a, by b $child_b"
	echo "# IKE SA rekeys: $ikes done, started by a $ike_a, by b $ike_b"
	check_ge "at least 5 CHILD_SA rekeys" 5 "$children"
	check_ge "at least 5 IKE SA rekeys" 5 "$ikes"
	# The logs are read while the SAs keep rekeying, so one side may
	# have logged one rekey more than the other at that moment.
	local children_b ikes_b
	read -r children_b ikes_b < <(rekeys_done b)
	check "b completes as many CHILD_SA rekeys as a, give or take one" \
		test "$((children - children_b))" -ge -1 -a \
		"$((children - children_b))" -le 1
	check "b completes as many IKE SA rekeys as a, give or take one" \
		test "$((ikes - ikes_b))" -ge -1 -a "$((ikes - ikes_b))" -le 1
	check_ge "a starts some CHILD_SA rekeys" 1 "$child_a"
	check_ge "b starts some CHILD_SA rekeys" 1 "$child_b"
	# Each side starts an IKE SA rekey with probability 1/2 each time,
	# so requiring both for IKE SAs alone would fail about 1 run in 60.
	check_ge "a starts some rekeys" 1 "$((child_a + ike_a))"
	check_ge "b starts some rekeys" 1 "$((child_b + ike_b))"
	check_eq "no CHILD_SA reaches its hard lifetime" 0 \
		"$(($(log_count a 'reached its hard lifetime') + $(log_count b 'reached its hard lifetime')))"
	check_eq "no IKE SA reaches its hard lifetime" 0 \
		"$(($(log_count a 'hard lifetime reached') + $(log_count b 'hard lifetime reached')))"

	lost=$((${sent:-0} - ${received:-0}))
	echo "# ping lost $lost of ${sent:-0} across $((children + ikes)) rekeys"
	check_ge "ping gets replies" 800 "${received:-0}"
	check_ge "ping loses at most one packet per rekey" "$lost" \
		"$((children + ikes))"
	# A CHILD_SA a rekey replaced stays listed for its 2 s grace period.
	local one='len(d["sas"]) == 1 and len([c for c in d["sas"][0]["children"] if not c["replaced"]]) == 1 or exit(1)'
	check "a still lists one IKE SA with one current CHILD_SA" \
		crest_query a sas "$one"
	check "b still lists one IKE SA with one current CHILD_SA" \
		crest_query b sas "$one"
}

# Sends a file from a to b over TCP at about 400 kB/s, so that 10 MB take
# about 25 s, and compares the sha256 sums.
run_transfer() {
	local payload=$CREST_WORK/payload received=$CREST_WORK/received
	local server rc=0 start children ikes children0 ikes0
	head -c 10000000 /dev/urandom >"$payload"
	netns_exec "$NS_B" timeout 90 socat -u \
		TCP4-LISTEN:5001,bind=203.0.113.1 "CREATE:$received" &
	server=$!
	netns_track_pid "$server"
	wait_for 10 bash -c "ip netns exec '$NS_B' ss -Htln | grep -q ':5001'" ||
		netns_fail "socat does not listen on 203.0.113.1:5001"
	read -r children0 ikes0 < <(rekeys_done a)
	start=$SECONDS
	# shellcheck disable=SC2016 # the program is Python, not shell
	netns_exec "$NS_A" timeout 90 python3 -c '
import socket, sys, time
rate = 400000
with open(sys.argv[1], "rb") as f, socket.socket() as s:
    s.bind(("198.51.100.1", 0))
    s.connect(("203.0.113.1", 5001))
    begin = time.monotonic()
    sent = 0
    while chunk := f.read(40000):
        s.sendall(chunk)
        sent += len(chunk)
        ahead = sent / rate - (time.monotonic() - begin)
        if ahead > 0:
            time.sleep(ahead)
' "$payload" || rc=$?
	wait "$server" || rc=$?
	echo "# 10 MB transferred in $((SECONDS - start)) s"
	read -r children ikes < <(rekeys_done a)
	children=$((children - children0))
	ikes=$((ikes - ikes0))
	echo "# rekeys during the transfer: $children CHILD_SA, $ikes IKE SA"
	check_eq "sender and receiver exit 0" 0 "$rc"
	check_eq "sha256 of the received file" "$(sha256sum <"$payload")" \
		"$(sha256sum <"$received" 2>/dev/null || echo missing)"
	check_ge "the transfer spans at least 2 CHILD_SA rekeys" 2 "$children"
	check_ge "the transfer spans at least 1 IKE SA rekey" 1 "$ikes"
}

"run_$mode"
check_done
