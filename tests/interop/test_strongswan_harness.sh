#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Self-test of tests/lib/strongswan.sh: two strongSwan instances in two
# namespaces set up an IKEv2 PSK tunnel (IKE aes256gcm16-prfsha256-x25519,
# ESP aes256gcm16) between 198.51.100.0/24 and 203.0.113.0/24, and a ping
# crosses it as ESP in UDP.
set -euo pipefail

lib=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)
# shellcheck source=../lib/netns.sh
source "$lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$lib/check.sh"
# shellcheck source=../lib/strongswan.sh
source "$lib/strongswan.sh"

netns_require_root
ss_require
netns_trap
netns_workdir
netns_setup "$(netns_prefix ssh)"
psk="crest-harness-psk-not-secret"

netns_exec "$NS_A" ip addr add 198.51.100.1/32 dev lo
netns_exec "$NS_B" ip addr add 203.0.113.1/32 dev lo
ss_psk_conf "$NETNS_WORK/a" "$ADDR_A4" "$ADDR_B4" \
	198.51.100.0/24 203.0.113.0/24 "$psk"
ss_psk_conf "$NETNS_WORK/b" "$ADDR_B4" "$ADDR_A4" \
	203.0.113.0/24 198.51.100.0/24 "$psk"
nft_count "$NS_B"

ss_start "$NS_A" "$NETNS_WORK/a"
ss_start "$NS_B" "$NETNS_WORK/b"
check "vici socket of a is in its folder" test -S "$NETNS_WORK/a/charon.vici"
check "PID file of a is in its private /run" \
	test -s "$NETNS_WORK/a/run/charon.pid"
check_eq "PID file names the tracked charon" "${SS_PIDS[$NS_A]}" \
	"$(cat "$NETNS_WORK/a/run/charon.pid" 2>/dev/null)"
check_not "no tunnel before the IKE SA" \
	netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1

check "a initiates the CHILD_SA" \
	ss_swanctl "$NS_A" --initiate --child net --timeout 20
check "ping 198.51.100.1 -> 203.0.113.1 through the tunnel" \
	netns_exec "$NS_A" ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1

sas=$(ss_swanctl "$NS_B" --list-sas 2>&1 || true)
check "b lists the IKE SA as established" \
	grep -q "site: #[0-9]*, ESTABLISHED, IKEv2" <<<"$sas"
check "b uses the IKE proposal" \
	grep -q "AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519" <<<"$sas"
check "b lists the CHILD_SA in UDP with AES-GCM" \
	grep -q "net: #[0-9]*, reqid [0-9]*, INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-256" <<<"$sas"
check_ge "b received ESP in UDP on port 4500" 3 \
	"$(nft_packets "$NS_B" natt_esp_in)"
check_eq "b received no raw ESP" 0 "$(nft_packets "$NS_B" esp_in)"
check_ge "b received IKE on port 500" 1 "$(nft_packets "$NS_B" ike_in)"
check "log of b records the IKE SA" \
	grep -q "IKE_SA site\[[0-9]*\] established" "$(ss_log "$NS_B")"

pid_a=${SS_PIDS[$NS_A]}
ss_stop "$NS_A"
check_not "ss_stop ends charon of a" kill -0 "$pid_a"

if ((CHECK_FAILED > 0)); then
	log_dump -n 60 "$NETNS_WORK/a/charon.log" "$NETNS_WORK/b/charon.log"
fi
check_done
