#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# IKE retransmission and give-up: b's namespace drops all UDP 500 from a,
# so a's IKE_SA_INIT request is never answered. a must retransmit with a
# timeout that doubles from retransmit_timeout, announce each timeout in
# its log and keep to it, send exactly 1 + retransmit_tries copies, and
# give up after the last timeout. A second run gives up on
# retransmit_giveup before the tries run out.
#
# usage: test_retransmit.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_retransmit.sh CRESTD CRESTCTL}" "${2:-}"

# A timer may fire late on a loaded machine; allow this much lateness (ms)
# per interval. crestd counts the first timeout and the give-up time from
# a clock reading taken before it opened the sockets and the TUN device.
# So both may end some tens of ms early, measured from the "sending" line
# (37 ms under ASan with another test running).
late_ms=400
early_ms=100

netns_setup "$(netns_prefix rtx)"
netns_exec "$NS_B" nft -f - <<-EOF
	table inet crest_drop {
		counter dropped {}
		chain input {
			type filter hook input priority filter; policy accept;
			ip saddr $ADDR_A4 udp dport 500 counter name dropped drop
		}
	}
EOF

# Prints the packets the drop rule has dropped.
dropped() {
	netns_exec "$NS_B" nft list counter inet crest_drop dropped |
		awk '$1 == "packets" { print $2 }'
}

# Prints the time of a log line in ms since the epoch.
line_ms() {
	date -d "${1%% *}" +%s%3N
}

# Checks that interval MS between two log lines matches EXPECTED ms:
# check_interval DESC EXPECTED MS.
check_interval() {
	local desc=$1 expected=$2 ms=$3
	check "$desc: ${ms} ms, expected $expected ms" \
		test "$ms" -ge "$((expected - early_ms))" -a "$ms" -le "$((expected + late_ms))"
}

crest_config b local="$ADDR_B4" remote="$ADDR_A4" side=b
crest_start b "$NS_B"
crest_wait_log b 'device crest0 up' 10

echo "# giving up after retransmit_tries"
crest_config a local="$ADDR_A4" remote="$ADDR_B4" start_action=initiate \
	retransmit_timeout=0.5 retransmit_tries=3 retransmit_giveup=10.0
start_ms=$(date +%s%3N)
crest_start a "$NS_A"
# Expected give-up: 0.5 + 1 + 2 + 4 = 7.5 s after the first request.
check "a gives up within 12 s" crest_wait_log a 'giving up' 12
giveup_s=$((($(date +%s%3N) - start_ms) / 1000))
check "a gave up after at least 7 s (took ${giveup_s} s)" test "$giveup_s" -ge 7

sent=$(crest_log_grep a 'sending IKE_SA_INIT request' -m 1)
mapfile -t retries < <(crest_log_grep a 'retransmitting IKE_SA_INIT request, try [0-9]+, next timeout [0-9]+ ms')
giveup=$(crest_log_grep a 'giving up' -m 1)
check_eq "a retransmits 3 times" 3 "${#retries[@]}"
if [[ -n $sent && -n $giveup && ${#retries[@]} -eq 3 ]]; then
	previous=$(line_ms "$sent")
	timeout_ms=500
	for i in 0 1 2; do
		line=${retries[$i]}
		try=$(sed -E 's/.*try ([0-9]+),.*/\1/' <<<"$line")
		next=$(sed -E 's/.*next timeout ([0-9]+) ms.*/\1/' <<<"$line")
		now=$(line_ms "$line")
		check_eq "retransmission $((i + 1)) logs its try number" "$((i + 1))" "$try"
		check_interval "wait before try $try" "$timeout_ms" "$((now - previous))"
		check_eq "try $try announces twice the previous timeout" \
			"$((2 * timeout_ms))" "$next"
		timeout_ms=$next
		previous=$now
	done
	check_interval "wait after the last try before giving up" "$timeout_ms" \
		"$(($(line_ms "$giveup") - previous))"
fi
check "give-up line names the exchange and the tries" \
	grep -q 'peer did not answer IKE_SA_INIT request: giving up after 3 retransmissions' \
	"$CREST_WORK/a.log"
check "a closes the IKE SA" crest_wait_log a 'IKE SA closed: peer not responding' 1
check_eq "b's namespace dropped the request and 3 copies" 4 "$(dropped)"
check_eq "b never received IKE_SA_INIT" "" \
	"$(crest_log_grep b 'IKE_SA_INIT request received')"
sleep 1
check_eq "a sends nothing after giving up" 4 "$(dropped)"
check "a keeps running after giving up" crest_running a
crest_stop a || true

echo "# giving up after retransmit_giveup"
crest_config a2 local="$ADDR_A4" remote="$ADDR_B4" start_action=initiate \
	retransmit_timeout=0.5 retransmit_tries=10 retransmit_giveup=2.0
crest_start a2 "$NS_A"
check "a2 gives up within 5 s" crest_wait_log a2 'giving up' 5
sent=$(crest_log_grep a2 'sending IKE_SA_INIT request' -m 1)
giveup=$(crest_log_grep a2 'giving up' -m 1)
# Tries at 0.5 s and 1.5 s; the next one would be at 3.5 s, after the
# 2 s give-up time.
check "a2 gives up after 2 retransmissions" \
	grep -q 'giving up after 2 retransmissions' "$CREST_WORK/a2.log"
if [[ -n $sent && -n $giveup ]]; then
	check_interval "a2 gives up at retransmit_giveup" 2000 \
		"$(($(line_ms "$giveup") - $(line_ms "$sent")))"
fi
check_eq "b's namespace dropped 4 + 3 requests in all" 7 "$(dropped)"

check_done
