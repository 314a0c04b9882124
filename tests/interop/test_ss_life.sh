#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Time-based rekeying between crestd (side a, initiator) and strongSwan 5.9
# with kernel-libipsec (side b). Both sides rekey CHILD_SAs after about 8 s
# and the IKE SA after about 12 s, with 1 s of jitter, so each side starts
# some of the rekeys.
#
#   ping      ping -i 0.1 runs for 90 s from a to b. Both kinds of rekey
#             must happen at least five times, each side must start
#             some, and ping may lose at most one packet per rekey.
#   transfer  a TCP transfer throttled to last about 25 s must arrive with
#             the sha256 it was sent with, across several rekeys.
#
# usage: test_ss_life.sh ping|transfer CRESTD CRESTCTL
set -euo pipefail

usage="usage: test_ss_life.sh ping|transfer CRESTD CRESTCTL"
mode=${1:?$usage}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# shellcheck source=lib_interop.sh
source "$here/lib_interop.sh"

case $mode in
ping) tag=slp ;;
transfer) tag=slt ;;
*) netns_fail "mode must be ping or transfer, not '$mode'" ;;
esac
ss_require
interop_init "$tag" "${2:?$usage}" "${3:?$usage}"

ike="aes256gcm16-prfsha256-x25519"
esp="aes256gcm16"
ss_conf none "$ike" "$esp"
# over_time is strongSwan's name for the time between the soft and the hard
# lifetime of the IKE SA. strongSwan draws its jitter in whole seconds,
# 0 to rand_time - 1, so rand_time = 2s makes it rekey the IKE SA after 11
# or 12 s, and crestd rekeys after 11 to 12 s. With kernel-libipsec,
# strongSwan 5.9.8 rekeyed CHILD_SAs 2 s before rekey_time minus the jitter
# in our runs, so rekey_time = 10s gives 7 or 8 s, against crestd's 7 to 8 s.
conf_insert_after "$WORK/b/swanctl.conf" 'keyingtries = 1' \
	'    rekey_time = 12s
    over_time = 4s
    rand_time = 2s'
conf_insert_after "$WORK/b/swanctl.conf" 'start_action = ' \
	'        rekey_time = 10s
        life_time = 13s
        rand_time = 2s'
ss_start
crest_conf a initiate "$ike" "$esp"
conf_insert_after "$WORK/a/crestd.conf" 'retransmit_giveup = ' \
	'        rekey_time = 8; life_time = 11; rand_time = 1;
        ike_rekey_time = 12; ike_life_time = 16;'
crest_start a
crest_wait_child a 15 || netns_fail "crestd logs no CHILD_SA within 15 s"
wait_for 10 has_route "$NS_A" 203.0.113.0/24 ||
	netns_fail "crestd does not route 203.0.113.0/24"
# The first ping may wait for charon's route to 198.51.100.0/24.
wait_for 10 netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1 ||
	netns_fail "no ping through the tunnel within 10 s"

# Prints "CHILD IKE": the CHILD_SA and IKE SA rekeys that crestd has
# completed so far. Every CHILD_SA after the first comes from a rekey.
rekeys_done() {
	local children ikes
	children=$(crest_log_count a 'CHILD_SA established')
	ikes=$(crest_log_count a 'IKE SA rekeyed')
	echo "$((children - 1)) $ikes"
}

run_ping() {
	local out=$WORK/ping.out sent received lost children ikes
	local crest_child crest_ike ss_child ss_ike ss_children ss_ikes
	echo "# ping -i 0.1 for 90 s from a to b"
	netns_exec "$NS_A" timeout 120 ping -q -c 900 -i 0.1 -W 1 \
		-I 198.51.100.1 203.0.113.1 >"$out" 2>&1 || true
	cat "$out"
	sent=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$out")
	received=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' "$out")
	check_eq "ping sent 900 requests" 900 "${sent:-none}"

	read -r children ikes < <(rekeys_done)
	crest_child=$(crest_log_count a 'rekeying CHILD_SA')
	crest_ike=$(crest_log_count a 'rekeying the IKE SA')
	# charon logs each request it sends: a CHILD_SA rekey carries a
	# REKEY_SA notify, an IKE SA rekey only SA, Nonce and KE payloads.
	ss_child=$(ss_log_count 'generating CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\)')
	ss_ike=$(ss_log_count 'generating CREATE_CHILD_SA request [0-9]+ \[ SA No KE \]')
	# charon logs the inbound and the outbound half of a CHILD_SA that
	# it rekeys on separate lines, so count the distinct net{N}.
	ss_children=$(grep -oE 'CHILD_SA net\{[0-9]+\} established' "$SS_LOG" |
		sort -u | wc -l)
	ss_ikes=$(ss_log_count 'IKE_SA site\[[0-9]+\] rekeyed between')
	echo "# CHILD_SA rekeys: $children done, started by crestd $crest_child, by strongSwan $ss_child"
	echo "# IKE SA rekeys: $ikes done, started by crestd $crest_ike, by strongSwan $ss_ike"
	check_ge "at least 5 CHILD_SA rekeys" 5 "$children"
	check_ge "at least 5 IKE SA rekeys" 5 "$ikes"
	# The logs are read while the SAs keep rekeying, so one side may
	# have logged one rekey more than the other at that moment.
	check "strongSwan establishes as many CHILD_SAs as crestd, give or take one" \
		within_one "$((children + 1))" "$ss_children"
	check "strongSwan completes as many IKE SA rekeys as crestd, give or take one" \
		within_one "$ikes" "$ss_ikes"
	check_ge "crestd starts some CHILD_SA rekeys" 1 "$crest_child"
	check_ge "strongSwan starts some CHILD_SA rekeys" 1 "$ss_child"
	# Each side starts an IKE SA rekey with probability 1/2 each time,
	# so requiring both for IKE SAs alone would fail about 1 run in 60.
	check_ge "crestd starts some rekeys" 1 "$((crest_child + crest_ike))"
	check_ge "strongSwan starts some rekeys" 1 "$((ss_child + ss_ike))"
	check_eq "no crestd SA reaches its hard lifetime" 0 \
		"$(crest_log_count a 'reached its hard lifetime|hard lifetime reached')"

	lost=$((${sent:-0} - ${received:-0}))
	echo "# ping lost $lost of ${sent:-0} across $((children + ikes)) rekeys"
	check_ge "ping gets replies" 800 "${received:-0}"
	check_ge "ping loses at most one packet per rekey" "$lost" \
		"$((children + ikes))"
	# A CHILD_SA a rekey replaced stays listed for its 2 s grace period.
	check "crestd still lists one IKE SA with one current CHILD_SA" \
		crest_sas_match a '(.sas | length) == 1 and
			([.sas[0].children[] | select(.replaced | not)]
			 | length) == 1'
}

# Succeeds when two counts differ by at most one: within_one A B.
within_one() {
	local d=$(($1 - $2))
	((d >= -1 && d <= 1))
}

# Sends a file from a to b over TCP at about 400 kB/s, so that 10 MB take
# about 25 s, and compares the sha256 sums.
run_transfer() {
	local payload=$WORK/payload received=$WORK/received
	local server rc=0 start children ikes children0 ikes0
	head -c 10000000 /dev/urandom >"$payload"
	netns_exec "$NS_B" timeout 90 socat -u \
		TCP4-LISTEN:5001,bind=203.0.113.1 "CREATE:$received" &
	server=$!
	netns_track_pid "$server"
	wait_for 10 bash -c "ip netns exec '$NS_B' ss -Htln | grep -q ':5001'" ||
		netns_fail "socat does not listen on 203.0.113.1:5001"
	read -r children0 ikes0 < <(rekeys_done)
	start=$SECONDS
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
	read -r children ikes < <(rekeys_done)
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
