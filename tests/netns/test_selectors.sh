#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Traffic selector narrowing and enforcement between two crestd. a proposes
# 198.51.100.0/24 === 203.0.113.0/24; b allows only 198.51.100.0/25 ===
# 203.0.113.0/25, so the CHILD_SA covers the lower halves. Checked:
#   - both sides install the narrowed selectors and a routes only the /25;
#   - traffic between the lower halves passes;
#   - a packet from an upper-half source is dropped by its sender before
#     encryption (drop reason "outside_selectors"), in both
#     directions;
#   - a packet routed into a's TUN for an upper-half destination finds no
#     CHILD_SA and never leaves a (drop reason "no_child_sa").
#
# usage: test_selectors.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_selectors.sh CRESTD CRESTCTL}" "${2:-}"

netns_setup "$(netns_prefix sel)"
nft_count "$NS_A"
nft_count "$NS_B"
crest_config a local="$ADDR_A4" remote="$ADDR_B4" start_action=initiate
crest_config b local="$ADDR_B4" remote="$ADDR_A4" side=b \
	local_ts=203.0.113.0/25,2001:db8:b::/64 \
	remote_ts=198.51.100.0/25,2001:db8:a::/64
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A"
crest_wait_up a b 20 || netns_fail "no CHILD_SA within 20 s"

echo "# narrowed selectors"
check "a installs 198.51.100.0/25 === 203.0.113.0/25" \
	crest_wait_log a 'CHILD_SA established.*198\.51\.100\.0/25[ ,].*=== 203\.0\.113\.0/25' 1
check "b installs 203.0.113.0/25 === 198.51.100.0/25" \
	crest_wait_log b 'CHILD_SA established.*203\.0\.113\.0/25[ ,].*=== 198\.51\.100\.0/25' 1
routes=$(netns_exec "$NS_A" ip -4 route show dev crest0)
check "a routes 203.0.113.0/25 into crest0" grep -q '^203\.0\.113\.0/25 ' <<<"$routes"
check_not "a does not route 203.0.113.0/24 into crest0" \
	grep -q '^203\.0\.113\.0/24 ' <<<"$routes"

echo "# traffic inside the selectors"
check "ping 198.51.100.1 -> 203.0.113.1" netns_exec "$NS_A" \
	ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
check "IPv6 ping 2001:db8:a::1 -> 2001:db8:b::1" netns_exec "$NS_A" \
	ping -6 -c 3 -i 0.2 -W 2 -I 2001:db8:a::1 2001:db8:b::1
check "ping 203.0.113.1 -> 198.51.100.1" netns_exec "$NS_B" \
	ping -c 3 -i 0.2 -W 2 -I 203.0.113.1 198.51.100.1

# A source outside the local selectors never enters the tunnel: the sender
# drops it ("outside_selectors"), so no ESP reaches the peer.
echo "# source outside the selectors, a -> b"
netns_exec "$NS_A" ip addr add 198.51.100.200/32 dev crest0
drops_before=$(crest_drops a datapath_drops outside_selectors)
esp_before=$(nft_packets "$NS_B" esp_in)
check_not "ping 198.51.100.200 -> 203.0.113.1 gets no answer" \
	netns_exec "$NS_A" ping -c 3 -i 0.2 -W 1 -I 198.51.100.200 203.0.113.1
check_ge "a drops the 3 requests as outside its selectors" 3 \
	"$(($(crest_drops a datapath_drops outside_selectors) - drops_before))"
check_eq "no ESP reaches b for them" "$esp_before" \
	"$(nft_packets "$NS_B" esp_in)"

echo "# source outside the selectors, b -> a"
netns_exec "$NS_B" ip addr add 203.0.113.200/32 dev crest0
drops_before=$(crest_drops b datapath_drops outside_selectors)
esp_before=$(nft_packets "$NS_A" esp_in)
check_not "ping 203.0.113.200 -> 198.51.100.1 gets no answer" \
	netns_exec "$NS_B" ping -c 3 -i 0.2 -W 1 -I 203.0.113.200 198.51.100.1
check_ge "b drops the 3 requests as outside its selectors" 3 \
	"$(($(crest_drops b datapath_drops outside_selectors) - drops_before))"
check_eq "no ESP reaches a for them" "$esp_before" \
	"$(nft_packets "$NS_A" esp_in)"

echo "# destination outside the selectors"
netns_exec "$NS_A" ip route add 203.0.113.128/25 dev crest0
no_child_before=$(crest_drops a datapath_drops no_child_sa)
esp_before=$(nft_packets "$NS_A" esp_out)
check_not "ping 198.51.100.1 -> 203.0.113.130 gets no answer" \
	netns_exec "$NS_A" ping -c 3 -i 0.2 -W 1 -I 198.51.100.1 203.0.113.130
check_ge "a counts 3 packets without a CHILD_SA" 3 \
	"$(($(crest_drops a datapath_drops no_child_sa) - no_child_before))"
check_eq "no ESP leaves a for them" "$esp_before" "$(nft_packets "$NS_A" esp_out)"

echo "# the CHILD_SA still works"
check "ping 198.51.100.1 -> 203.0.113.1 afterwards" netns_exec "$NS_A" \
	ping -c 1 -W 2 -I 198.51.100.1 203.0.113.1

check_done
