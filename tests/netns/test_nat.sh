#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# crestd against crestd through a masquerading NAT: a (initiator) sits
# behind it and b sees a as 192.0.2.65. Both sides must detect the NAT,
# move IKE and ESP to UDP 4500 (no raw ESP), carry pings both ways, and a
# must send NAT-T keepalives (1-byte UDP payloads) at its configured
# interval while b, which is not behind the NAT, sends none. The same runs
# once more with a NAT that also rewrites the source ports.
#
# usage: test_nat.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_nat.sh CRESTD CRESTCTL}" "${2:-}"

keepalive_s=2
keepalive_window_s=5

# Counts NAT-T keepalives in namespace NS: UDP to or from port 4500 with a
# 1-byte payload, so a UDP length of 9.
count_keepalives() {
	netns_exec "$1" nft -f - <<-'EOF'
		table inet crest_keepalive {
			counter keepalive_in {}
			counter keepalive_out {}
			chain count_in {
				type filter hook prerouting priority raw; policy accept;
				udp dport 4500 udp length 9 counter name keepalive_in
			}
			chain count_out {
				type filter hook postrouting priority 300; policy accept;
				udp sport 4500 udp length 9 counter name keepalive_out
			}
		}
	EOF
}

# Prints the packet count of keepalive counter NAME in namespace NS.
keepalives() {
	netns_exec "$1" nft list counter inet crest_keepalive "$2" |
		awk '$1 == "packets" { print $2 }'
}

# Prints nat_local, natt and nat_remote of gateway NAME's first IKE SA.
nat_flags() {
	crest_query "$1" sas \
		'" ".join(str(d["sas"][0][k]) for k in ("nat_local", "natt", "nat_remote"))'
}

# Runs the scenario: run_nat TAG [--random-ports].
run_nat() {
	local tag=$1 ports=${2:-} a=$1-a b=$1-b
	echo "# NAT ${ports:-keeping source ports}"
	netns_setup_nat "$(netns_prefix "$tag")" ${ports:+"$ports"}
	nft_count "$NS_B"
	count_keepalives "$NS_B"
	crest_config "$a" local="$ADDR_A4" remote="$ADDR_B4" \
		start_action=initiate keepalive="$keepalive_s"
	# b sees a only as the NAT's outside address but authenticates a's
	# own identity.
	crest_config "$b" local="$ADDR_B4" remote="$NAT_OUT4" \
		remote_id="$ADDR_A4" side=b
	crest_start "$b" "$NS_B"
	crest_wait_log "$b" 'device crest0 up' 10
	crest_start "$a" "$NS_A"
	if ! crest_wait_up "$a" "$b" 20; then
		check_fail "$tag: CHILD_SA established on both gateways"
		netns_cleanup
		return
	fi
	check_pass "$tag: CHILD_SA established on both gateways"
	check "$tag: a detects itself behind a NAT" \
		crest_wait_log "$a" 'NAT detected \(local\), moving to port 4500' 1
	check "$tag: b detects the NAT in front of a" \
		crest_wait_log "$b" 'NAT detected \(remote\)' 1
	check_eq "$tag: crestctl shows a behind a NAT, on UDP 4500" "True True False" \
		"$(nat_flags "$a")"
	check_eq "$tag: crestctl shows b's peer behind a NAT, on UDP 4500" "False True True" \
		"$(nat_flags "$b")"
	check_eq "$tag: b's IKE SA peer is the NAT's outside address" "$NAT_OUT4" \
		"$(crest_query "$b" sas 'd["sas"][0]["remote"].rsplit(":", 1)[0]')"

	check "$tag: IPv4 inner ping a -> b" netns_exec "$NS_A" \
		ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
	check "$tag: IPv6 inner ping a -> b" netns_exec "$NS_A" \
		ping -6 -c 3 -i 0.2 -W 2 -I 2001:db8:a::1 2001:db8:b::1
	check "$tag: IPv4 inner ping b -> a" netns_exec "$NS_B" \
		ping -c 3 -i 0.2 -W 2 -I 203.0.113.1 198.51.100.1

	check_ge "$tag: ESP in UDP 4500 into b" 9 \
		"$(nft_packets "$NS_B" natt_esp_in)"
	check_ge "$tag: ESP in UDP 4500 out of b" 9 \
		"$(nft_packets "$NS_B" natt_esp_out)"
	check_ge "$tag: IKE_AUTH on port 4500 into b" 1 \
		"$(nft_packets "$NS_B" natt_ike_in)"
	check_eq "$tag: no raw ESP into b" 0 "$(nft_packets "$NS_B" esp_in)"
	check_eq "$tag: no raw ESP out of b" 0 "$(nft_packets "$NS_B" esp_out)"

	# Keepalives are at least 2 s apart and at most 2 s plus scheduling
	# delay apart, so any 5 s window contains 2 or 3 of them.
	local before after
	before=$(keepalives "$NS_B" keepalive_in)
	sleep "$keepalive_window_s"
	after=$(keepalives "$NS_B" keepalive_in)
	check_ge "$tag: at least 2 keepalives from a in ${keepalive_window_s} s" \
		2 "$((after - before))"
	check "$tag: at most 3 keepalives from a in ${keepalive_window_s} s (got $((after - before)))" \
		test "$((after - before))" -le 3
	check_eq "$tag: b, not behind a NAT, sends no keepalives" 0 \
		"$(keepalives "$NS_B" keepalive_out)"
	check_ge "$tag: crestctl counts a's keepalives sent" 2 \
		"$(crest_query "$a" counters 'd["keepalives"]["sent"]')"
	# A keepalive may arrive between the readings, so b's count must lie
	# between the nftables counts read before and after it.
	local nft_before received nft_after
	nft_before=$(keepalives "$NS_B" keepalive_in)
	received=$(crest_query "$b" counters 'd["keepalives"]["received"]')
	nft_after=$(keepalives "$NS_B" keepalive_in)
	check "$tag: crestctl counts b's keepalives received ($nft_before <= $received <= $nft_after)" \
		test "$nft_before" -le "$received" -a "$received" -le "$nft_after"
	check "$tag: IPv4 inner ping a -> b after the keepalive window" \
		netns_exec "$NS_A" ping -c 1 -W 2 -I 198.51.100.1 203.0.113.1
	netns_cleanup
}

run_nat nat
run_nat natr --random-ports
check_done
