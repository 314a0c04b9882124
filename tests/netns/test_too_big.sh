#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ICMP too-big from the tunnel: a's TUN MTU is 1400 (mtu = 1400) but so is
# its path MTU (path_mtu = 1400), so a 1400-byte inner packet with DF set
# cannot be sent once ESP and the outer header are added. crestd must
# reply to it with ICMP fragmentation-needed (IPv4) or Packet Too Big (IPv6)
# carrying the largest inner size that fits, and packets of that size must
# then cross without any outer packet exceeding 1400 bytes.
#
# usage: test_too_big.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_too_big.sh CRESTD CRESTCTL}" "${2:-}"

path_mtu=1400

netns_setup "$(netns_prefix big)"
nft_count "$NS_B"
netns_exec "$NS_B" nft -f - <<-EOF
	table ip crest_size {
		counter oversized {}
		chain count_in {
			type filter hook prerouting priority raw; policy accept;
			ip protocol esp ip length > $path_mtu counter name oversized
		}
	}
EOF
crest_config a local="$ADDR_A4" remote="$ADDR_B4" start_action=initiate \
	mtu="$path_mtu" path_mtu="$path_mtu"
crest_config b local="$ADDR_B4" remote="$ADDR_A4" side=b
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A"
crest_wait_up a b 20 || netns_fail "no CHILD_SA within 20 s"
check "a's TUN has MTU $path_mtu" \
	bash -c "ip netns exec '$NS_A' ip link show crest0 | grep -q 'mtu $path_mtu '"

# Prints the MTU from ping's first report of a too-big reply, or nothing.
reported_mtu() {
	local match
	match=$(grep -Eo -m 1 "$1" || true)
	echo "${match##*[!0-9]}"
}

echo "# IPv4"
esp_before=$(nft_packets "$NS_B" esp_in)
out=$(netns_exec "$NS_A" ping -c 2 -i 0.3 -W 1 -M "do" -s $((path_mtu - 28)) \
	-I 198.51.100.1 203.0.113.1 2>&1 || true)
echo "$out"
mtu4=$(reported_mtu 'Frag needed and DF set \(mtu = [0-9]+' <<<"$out")
check "ping gets fragmentation-needed from the tunnel" test -n "$mtu4"
check_eq "the 1400-byte packets never reach b" "$esp_before" \
	"$(nft_packets "$NS_B" esp_in)"
check_ge "a counts them as too big" 1 "$(crest_drops a datapath_drops too_big)"
if [[ -n $mtu4 ]]; then
	check "reported MTU $mtu4 is below $path_mtu minus outer IPv4 and ESP headers" \
		test "$mtu4" -le $((path_mtu - 20 - 8 - 16)) -a "$mtu4" -ge 1280
	check "a packet of the reported MTU crosses" netns_exec "$NS_A" \
		ping -c 2 -i 0.3 -W 2 -M "do" -s $((mtu4 - 28)) -I 198.51.100.1 203.0.113.1
fi

echo "# IPv6"
too_big_before=$(crest_drops a datapath_drops too_big)
out=$(netns_exec "$NS_A" ping -6 -c 2 -i 0.3 -W 1 -M "do" -s $((path_mtu - 48)) \
	-I 2001:db8:a::1 2001:db8:b::1 2>&1 || true)
echo "$out"
mtu6=$(reported_mtu 'Packet too big: mtu=[0-9]+' <<<"$out")
check "ping -6 gets Packet Too Big from the tunnel" test -n "$mtu6"
check_ge "a counts the IPv6 packet as too big" 1 \
	"$(($(crest_drops a datapath_drops too_big) - too_big_before))"
if [[ -n $mtu6 ]]; then
	check "reported MTU $mtu6 is below $path_mtu minus outer IPv4 and ESP headers" \
		test "$mtu6" -le $((path_mtu - 20 - 8 - 16)) -a "$mtu6" -ge 1280
	check "an IPv6 packet of the reported MTU crosses" netns_exec "$NS_A" \
		ping -6 -c 2 -i 0.3 -W 2 -M "do" -s $((mtu6 - 48)) -I 2001:db8:a::1 2001:db8:b::1
fi

check_eq "no ESP packet into b exceeds $path_mtu bytes" 0 \
	"$(netns_exec "$NS_B" nft list counter ip crest_size oversized |
		awk '$1 == "packets" { print $2 }')"
check_ge "ESP packets reached b" 4 "$(nft_packets "$NS_B" esp_in)"

check_done
