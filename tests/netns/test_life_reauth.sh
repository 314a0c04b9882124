#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Reauthentication between two crestd gateways: a has reauth_time = 10,
# so during a 30 s ping -i 0.1 it sets up a new IKE SA with new CHILD_SAs
# about every 10 s and then deletes the old one. The IKE SPIs must change
# each time, b must not see INITIAL_CONTACT, ping may lose at most one
# packet per reauthentication, and each side ends with one IKE SA.
#
# usage: test_life_reauth.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_life_reauth.sh CRESTD CRESTCTL}" "${2:-}"
netns_setup "$(netns_prefix lra)"

crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=initiate \
	conn_extra='reauth_time = 10; rand_time = 1;'
crest_config b local=192.0.2.2 remote=192.0.2.1 side=b
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A"
crest_wait_up a b 20 || netns_fail "no CHILD_SA within 20 s"

# Prints "SPI_I SPI_R" of every IKE SA that gateway NAME lists.
ike_spis() {
	crest_query "$1" sas '"\n".join(s["spi_i"] + " " + s["spi_r"] for s in d["sas"])'
}

spis=$CREST_WORK/spis
out=$CREST_WORK/ping.out
netns_exec "$NS_A" timeout 60 ping -q -c 300 -i 0.1 -W 1 \
	-I 198.51.100.1 203.0.113.1 >"$out" 2>&1 &
pinger=$!
netns_track_pid "$pinger"
# Record the IKE SPIs while ping runs.
for ((i = 0; i < 80; i++)); do
	kill -0 "$pinger" 2>/dev/null || break
	ike_spis a >>"$spis" || true
	sleep 0.5
done
wait "$pinger" || true
cat "$out"
sent=$(sed -nE 's/^([0-9]+) packets transmitted.*/\1/p' "$out")
received=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' "$out")
check_eq "ping sent 300 requests" 300 "${sent:-none}"

reauths=$(crest_log_grep a 'reauthenticated as' -c)
distinct=$(sort -u "$spis" | grep -c . || true)
echo "# $reauths reauthentications; a listed $distinct distinct IKE SA SPI pairs"
# Reauthentication is due after 9 to 10 s, so 30 s contain 2 or 3.
check_ge "a reauthenticates at least twice" 2 "$reauths"
check "a reauthenticates at most 3 times" test "$reauths" -le 3
check_ge "crestctl shows new IKE SPIs for each reauthentication" \
	"$((reauths + 1))" "$distinct"
check_eq "a starts one IKE_SA_INIT per reauthentication" "$reauths" \
	"$(crest_log_grep a 'reauthenticating: setting up IKE SA' -c)"
check_eq "b establishes a new IKE SA for each reauthentication" \
	"$((reauths + 1))" "$(crest_log_grep b 'IKE SA established' -c)"
check_eq "b sees no INITIAL_CONTACT during reauthentication" 0 \
	"$(crest_log_grep b 'INITIAL_CONTACT' -c)"

lost=$((${sent:-0} - ${received:-0}))
echo "# ping lost $lost of ${sent:-0} across $reauths reauthentications"
check_ge "ping gets replies" 250 "${received:-0}"
check "ping loses at most one packet per reauthentication" \
	test "$lost" -le "$reauths"

# Wait for the last old IKE SA to go if a reauthentication just ran.
check "a ends with one IKE SA" wait_for 5 crest_ike_sas_is a 1
check "b ends with one IKE SA" wait_for 5 crest_ike_sas_is b 1
check_not "a's IKE SPIs at the end differ from the first ones" \
	test "$(head -n 1 "$spis")" = "$(ike_spis a)"
check_done
