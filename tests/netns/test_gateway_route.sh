#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Selectors that cover a gateway address: a's remote selectors include
# 192.0.2.0/24, where both gateway addresses lie, and b's local
# selectors match. The CHILD_SA comes up, but a routes only
# 203.0.113.0/24 into its TUN device: a route for 192.0.2.0/24 would pull
# IKE and ESP to b into the tunnel. a logs why it left the route out, its
# engine is never restarted (the keeper would reject the route), and the
# tunnel keeps carrying traffic for 203.0.113.0/24.
#
# usage: test_gateway_route.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_gateway_route.sh CRESTD CRESTCTL}" "${2:-}"
netns_setup "$(netns_prefix gwr)"

crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=initiate \
	local_ts=198.51.100.0/24 remote_ts=203.0.113.0/24,192.0.2.0/24
crest_config b local=192.0.2.2 remote=192.0.2.1 side=b \
	local_ts=203.0.113.0/24,192.0.2.0/24 remote_ts=198.51.100.0/24
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A"
check "the CHILD_SA comes up" crest_wait_up a b 20
check "a says why it does not route 192.0.2.0/24" crest_wait_log a \
	'no route for 192\.0\.2\.0/24: it covers the gateway address 192\.0\.2\.[12],' 5
check "a routes 203.0.113.0/24 into crest0" bash -c \
	"ip netns exec '$NS_A' ip -4 route show dev crest0 | grep -q '^203\.0\.113\.0/24'"
check_not "a does not route 192.0.2.0/24 into crest0" bash -c \
	"ip netns exec '$NS_A' ip -4 route show dev crest0 | grep -q '^192\.0\.2\.0/24'"
check "ping through the tunnel" netns_exec "$NS_A" \
	ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
check_not "the keeper rejected no request" \
	grep -q 'rejected request' "$CREST_WORK/a.log"
check_eq "a's engine was started once" 1 \
	"$(grep -c 'engine started, PID' "$CREST_WORK/a.log" || true)"
check "the IKE SA stays up over the underlay" crest_wait_up a b 5
check_done
