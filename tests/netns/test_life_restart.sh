#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Peer restart between two crestd gateways: a initiates at start-up, b has
# liveness checks off (dpd_delay = 0), so only INITIAL_CONTACT can tell b
# that its IKE SA is stale. After SIGKILL and a restart of a's crestd, b
# must log INITIAL_CONTACT and close the old SA, traffic must flow again
# within 10 s of the restart, and b must end with exactly one IKE SA.
#
# usage: test_life_restart.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_life_restart.sh CRESTD CRESTCTL}" "${2:-}"
netns_setup "$(netns_prefix lrs)"

crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=initiate
crest_config b local=192.0.2.2 remote=192.0.2.1 side=b \
	conn_extra='dpd_delay = 0;'
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A"
crest_wait_up a b 20 || netns_fail "no CHILD_SA within 20 s"
check "ping crosses the tunnel" netns_exec "$NS_A" \
	ping -c 2 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
old_spi=$(crest_query b sas 'd["sas"][0]["spi_i"]')
check_eq "b sees no INITIAL_CONTACT on the first IKE SA" 0 \
	"$(crest_log_grep b 'INITIAL_CONTACT' -c)"

old_pid=${CREST_PIDS[a]}
kill -KILL "$old_pid"
wait "$old_pid" 2>/dev/null || true
check_eq "b still lists the stale IKE SA" "$old_spi" \
	"$(crest_query b sas 'd["sas"][0]["spi_i"]')"

start=$SECONDS
crest_start a "$NS_A"
deadline=$((SECONDS + 10))
up=1
while ((SECONDS < deadline)); do
	if netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1 \
		>/dev/null 2>&1; then
		up=0
		break
	fi
	sleep 0.2
done
echo "# traffic flows $((SECONDS - start)) s after the restart"
check_eq "ping gets through within 10 s of the restart" 0 "$up"
check "b logs INITIAL_CONTACT" crest_wait_log b \
	"peer sent INITIAL_CONTACT on IKE SA .*closing this stale SA" 1
check "b logs that it closed the stale SA" crest_wait_log b \
	"${old_spi}_i .*IKE SA closed: replaced after the peer restarted" 1
check "b ends with exactly one IKE SA" wait_for 5 crest_ike_sas_is b 1
check_not "b's IKE SA is the new one" test "$old_spi" = \
	"$(crest_query b sas 'd["sas"][0]["spi_i"]')"
check_eq "b's IKE SA matches a's" \
	"$(crest_query a sas 'd["sas"][0]["spi_i"]')" \
	"$(crest_query b sas 'd["sas"][0]["spi_i"]')"
check_done
