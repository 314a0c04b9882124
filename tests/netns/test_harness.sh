#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Self-test of tests/lib/netns.sh: the two-namespace underlay, the NAT
# topology, the nftables counters and the cleanup that the network tests
# rely on.
set -euo pipefail

lib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)
# shellcheck source=../lib/netns.sh
source "$lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$lib/check.sh"

netns_require_root
netns_trap
netns_workdir
work=$NETNS_WORK

# Sends one UDP datagram with the given payload bytes (printf escapes) from
# namespace NS to ADDR:PORT, from source port SPORT.
send_udp() {
	local ns=$1 addr=$2 port=$3 sport=$4 payload=$5
	# shellcheck disable=SC2059 # the payload is a printf format on purpose
	printf "$payload" | netns_exec "$ns" timeout 5 \
		socat -u - "UDP4-SENDTO:$addr:$port,sourceport=$sport"
}

# Sends one raw IPv4 ESP packet (protocol 50) with SPI 0x100 to ADDR.
send_esp() {
	local ns=$1 addr=$2
	netns_exec "$ns" timeout 5 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
s.sendto(bytes.fromhex("00000100" "00000001") + bytes(24), (sys.argv[1], 0))
' "$addr"
}

# Returns 0 if namespace $1 exists.
netns_exists() {
	[[ -e /run/netns/$1 ]]
}

echo "# two namespaces joined by one veth"
prefix=$(netns_prefix hns)
netns_setup "$prefix"
check "namespace a exists" netns_exists "$NS_A"
check "namespace b exists" netns_exists "$NS_B"
check "a has ul0 with 192.0.2.1/24" \
	bash -c "ip netns exec $NS_A ip -br addr show ul0 | grep -q 192.0.2.1/24"
check "IPv4 ping a -> b" netns_exec "$NS_A" ping -c 1 -W 2 "$ADDR_B4"
check "IPv6 ping a -> b at once (no DAD)" \
	netns_exec "$NS_A" ping -6 -c 1 -W 2 "$ADDR_B6"
check "IPv6 ping b -> a" netns_exec "$NS_B" ping -6 -c 1 -W 2 "$ADDR_A6"
check_not "no route to 203.0.113.1 without a tunnel" \
	netns_exec "$NS_A" ping -c 1 -W 1 203.0.113.1
check_eq "forwarding off in a" 0 \
	"$(netns_exec "$NS_A" sysctl -n net.ipv4.ip_forward)"

echo "# nftables counters"
nft_count "$NS_B"
check_eq "esp_in starts at zero" "0 0" "$(nft_counter "$NS_B" esp_in)"
send_udp "$NS_A" "$ADDR_B4" 500 500 'ike-datagram-padding-32-bytes...'
send_udp "$NS_A" "$ADDR_B4" 4500 4500 '\0\0\0\0ike-after-non-esp-marker.....'
send_udp "$NS_A" "$ADDR_B4" 4500 4500 '\0\0\1\0\0\0\0\1esp-payload-padding...'
send_udp "$NS_A" "$ADDR_B4" 4500 4500 '\377'
send_esp "$NS_A" "$ADDR_B4"
check_eq "ike_in counts one datagram of 60 bytes" "1 60" \
	"$(nft_counter "$NS_B" ike_in)"
check_eq "natt_ike_in counts the marked datagram" 1 \
	"$(nft_packets "$NS_B" natt_ike_in)"
check_eq "natt_esp_in counts the SPI datagram" 1 \
	"$(nft_packets "$NS_B" natt_esp_in)"
check_eq "esp_in counts the raw ESP packet" 1 \
	"$(nft_packets "$NS_B" esp_in)"
check_eq "ike_out of b stays zero" 0 "$(nft_packets "$NS_B" ike_out)"
check_not "unknown counter is an error" nft_counter "$NS_B" no_such_counter

echo "# NAT between a and b"
nat_prefix=$(netns_prefix hnat)
netns_setup_nat "$nat_prefix" --random-ports
check "nat namespace exists" netns_exists "$NS_NAT"
check "IPv4 ping a -> b through the NAT" \
	netns_exec "$NS_A" ping -c 1 -W 2 "$ADDR_B4"
check_not "b cannot reach a behind the NAT" \
	netns_exec "$NS_B" ping -c 1 -W 1 "$ADDR_A4"
check_eq "forwarding on in nat" 1 \
	"$(netns_exec "$NS_NAT" sysctl -n net.ipv4.ip_forward)"

# b records the source address and port of one datagram from a.
peer_file=$work/peer
netns_spawn "$NS_B" "$work/socat.log" timeout 10 socat -u \
	UDP4-RECVFROM:4500,bind="$ADDR_B4" \
	SYSTEM:'echo "$SOCAT_PEERADDR $SOCAT_PEERPORT" >'"$peer_file"
wait_for 5 bash -c "ip netns exec $NS_B ss -Hlun | grep -q ':4500'"
send_udp "$NS_A" "$ADDR_B4" 4500 4500 '\0\0\0\0from-a-behind-the-nat........'
wait_for 10 test -s "$peer_file" || true
read -r peer_addr peer_port <"$peer_file" || true
check_eq "b sees a's datagram from the NAT address" "$NAT_OUT4" \
	"${peer_addr:-none}"
check "NAT with --random-ports changes source port 4500 (got ${peer_port:-none})" \
	test "${peer_port:-4500}" != 4500

echo "# cleanup"
netns_spawn "$NS_A" /dev/null sleep 300
sleeper=$NETNS_SPAWNED_PID
check "netns_spawn tracks the command itself" \
	wait_for 5 grep -qx sleep "/proc/$sleeper/comm"
all_names="$prefix-a $prefix-b $nat_prefix-a $nat_prefix-nat $nat_prefix-b"
netns_cleanup
check_not "tracked process is stopped" kill -0 "$sleeper"
for ns in $all_names; do
	check_not "namespace $ns is removed" netns_exists "$ns"
done
# /run/netns rather than "ip netns list", which fails when another test
# deletes a namespace while it reads them.
check_eq "no namespace with these prefixes left" "" \
	"$(ls /run/netns | grep -E "^($prefix|$nat_prefix)-" || true)"

check_done
