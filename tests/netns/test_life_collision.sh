#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Simultaneous rekeys between two crestd: both gateways rekey the same
# CHILD_SA, and later the IKE SA, at once.  An nft rule drops IKE responses
# while both send their CREATE_CHILD_SA requests, so each side receives
# the other's request while its own is outstanding; once the rule is
# lifted, the retransmitted requests get their cached responses.  Each
# side must log the collision and count it, and each must end with
# exactly one IKE SA and one current CHILD_SA that still carry traffic.
#
# usage: test_life_collision.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "$1" "$2"
prefix=$(netns_prefix coll)
netns_setup "$prefix"

crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=initiate \
	retransmit_timeout=1 retransmit_tries=5 retransmit_giveup=30
crest_config b local=192.0.2.2 remote=192.0.2.1 side=b \
	retransmit_timeout=1 retransmit_tries=5 retransmit_giveup=30
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A"
check "tunnel up" crest_wait_up a b 20

# Drops IKE arriving in namespace NS: all of it (block NS all), or only
# responses (block NS responses), recognised by the Response flag 0x20 in
# the IKE header's flags, byte 19 of the UDP payload: bit offset
# 8 * (8 + 19) = 216 from the UDP header.
block() {
	local match="udp dport 500"
	[[ $2 == responses ]] && match+=" @th,216,8 & 0x20 == 0x20"
	netns_exec "$1" nft -f - <<-EOF
		table inet crest_block {
		  chain input {
		    type filter hook input priority -10;
		    $match drop
		  }
		}
	EOF
}
unblock() {
	netns_exec "$1" nft delete table inet crest_block
}

collisions() {
	crest_query "$1" sas 'sum(s["collisions"] for s in d["sas"])'
}

one_current='len(d["sas"]) == 1 and len([c for c in d["sas"][0]["children"] if not c["replaced"]]) == 1 or exit(1)'

# Makes both gateways rekey at once: with IKE blocked both send their
# requests; then only responses are dropped, so each side's retransmitted
# request reaches the other while that one's own is outstanding; last,
# the next retransmissions get their cached responses: collide [--ike].
collide() {
	block "$NS_A" all
	block "$NS_B" all
	timeout 10 "$CRESTCTL" --socket "$CREST_WORK/a.ctl" rekey to-peer "$@" >/dev/null
	timeout 10 "$CRESTCTL" --socket "$CREST_WORK/b.ctl" rekey to-peer "$@" >/dev/null
	sleep 0.5
	unblock "$NS_A"
	unblock "$NS_B"
	block "$NS_A" responses
	block "$NS_B" responses
	# The first retransmissions cross 1 s after the requests; the next
	# come 2 s later, after the responses are let through.
	sleep 1.5
	unblock "$NS_A"
	unblock "$NS_B"
	# Then the deletes, the 2 s grace period of the old SAs, and the 3 s
	# a winner waits for the loser to delete its redundant IKE SA.
	sleep 6
}

echo "# simultaneous CHILD_SA rekey"
collide
check "a logs the CHILD_SA collision" \
	crest_wait_log a 'simultaneous rekey of CHILD_SA .* resolved' 5
check "b logs the CHILD_SA collision" \
	crest_wait_log b 'simultaneous rekey of CHILD_SA .* resolved' 5
check_eq "a counts one collision" 1 "$(collisions a)"
check_eq "b counts one collision" 1 "$(collisions b)"
check "a has one IKE SA and one current CHILD_SA" crest_query a sas "$one_current"
check "b has one IKE SA and one current CHILD_SA" crest_query b sas "$one_current"
((CHECK_FAILED == 0)) || "$CRESTCTL" --socket "$CREST_WORK/a.ctl" sas >&2
check "ping after the CHILD_SA collision" netns_exec "$NS_A" \
	ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1

echo "# simultaneous IKE SA rekey"
collide --ike
check "a logs the IKE SA collision" \
	crest_wait_log a 'simultaneous IKE SA rekey resolved' 5
check "b logs the IKE SA collision" \
	crest_wait_log b 'simultaneous IKE SA rekey resolved' 5
check "a has one IKE SA and one current CHILD_SA" crest_query a sas "$one_current"
check "b has one IKE SA and one current CHILD_SA" crest_query b sas "$one_current"
spi_a=$(crest_query a sas 'd["sas"][0]["spi_i"]')
spi_b=$(crest_query b sas 'd["sas"][0]["spi_i"]')
check_eq "both keep the same IKE SA" "$spi_a" "$spi_b"
check_eq "a's IKE SA counts the collision" 1 "$(collisions a)"
check_eq "b's IKE SA counts the collision" 1 "$(collisions b)"
check "ping after the IKE SA collision" netns_exec "$NS_A" \
	ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
check_done
