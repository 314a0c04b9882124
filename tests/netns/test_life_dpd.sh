#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Liveness checks between two crestd gateways. a has dpd_delay = 2 and
# short retransmission settings (0.5 s timeout, 2 tries, give up after 3 s),
# so once b stops responding, a must declare it dead within dpd_delay plus
# retransmit_giveup, 5 s, and not much sooner than the 3 s of retries. An
# nftables rule in b's namespace drops all traffic on b's ul0 link.
#
#   clear    dpd_action = "clear": a closes the SAs and starts nothing
#   restart  dpd_action = "restart": a sets the IKE SA up again; once the
#            link is back, ping must get through within 10 s
#
# NOTE: the restart case restores the link within a second of the restart,
# before the new IKE_SA_INIT gives up. crestd does not yet retry a restart
# whose IKE_SA_INIT goes unanswered, although docs/configuration.md says
# "retrying until the peer answers".
#
# usage: test_life_dpd.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_life_dpd.sh CRESTD CRESTCTL}" "${2:-}"

# Drops every packet into and out of ul0 in namespace NS: link_cut NS.
link_cut() {
	netns_exec "$1" nft -f - <<-'EOF'
		table inet life_cut {
			chain input {
				type filter hook prerouting priority raw; policy accept;
				iifname "ul0" drop
			}
			chain output {
				type filter hook output priority raw; policy accept;
				oifname "ul0" drop
			}
		}
	EOF
}

# Returns 0 once a ping from a to b gets a reply, trying until SECONDS
# have passed: ping_within SECONDS.
ping_within() {
	local deadline=$((SECONDS + $1))
	while ((SECONDS < deadline)); do
		netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1 \
			>/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

link_restore() {
	netns_exec "$1" nft delete table inet life_cut
}

# Prints the UNIX time of the first line of NAME.log that matches an
# extended regex, from crestd's UTC timestamp: log_time NAME REGEX.
log_time() {
	local line
	line=$(crest_log_grep "$1" "$2" -m 1)
	[[ -n $line ]] || return 1
	python3 -c 'import datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ")
print("%.3f" % t.replace(tzinfo=datetime.timezone.utc).timestamp())' "${line%% *}"
}

# Runs one dpd_action: run_action ACTION TAG.
run_action() {
	local action=$1 a=$1-a b=$1-b cut detected delay ok
	echo "# dpd_action = $action"
	netns_setup "$(netns_prefix "$2")"
	crest_config "$a" local=192.0.2.1 remote=192.0.2.2 start_action=initiate \
		retransmit_timeout=0.5 retransmit_tries=2 retransmit_giveup=3 \
		conn_extra="dpd_delay = 2; dpd_action = \"$action\";"
	crest_config "$b" local=192.0.2.2 remote=192.0.2.1 side=b
	crest_start "$b" "$NS_B"
	crest_wait_log "$b" 'device crest0 up' 10
	crest_start "$a" "$NS_A"
	crest_wait_up "$a" "$b" 20 || netns_fail "$action: no CHILD_SA within 20 s"
	check "$action: ping crosses the tunnel" netns_exec "$NS_A" \
		ping -c 2 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
	# Idle for a while, so that a sends liveness checks that b responds to.
	sleep 3
	check_eq "$action: a keeps the IKE SA while b answers" 0 \
		"$(crest_log_grep "$a" 'peer not responding' -c)"

	link_cut "$NS_B"
	cut=$(date +%s.%N)
	check "$action: a declares b dead" \
		crest_wait_log "$a" 'IKE SA closed: peer not responding' 15
	if detected=$(log_time "$a" 'IKE SA closed: peer not responding'); then
		delay=$(python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$cut" "$detected")
		echo "# $action: a declared b dead $delay s after the cut"
		# 5 s at most, plus 1 s for timer slack under AddressSanitizer.
		ok=$(python3 -c 'import sys; print(int(2.5 <= float(sys.argv[1]) <= 6.0))' "$delay")
		check_eq "$action: detection 2.5 to 6 s after the cut ($delay s)" 1 "$ok"
	fi
	check "$action: a logs the unanswered liveness check" \
		crest_wait_log "$a" 'peer did not answer INFORMATIONAL request' 1

	if [[ $action == clear ]]; then
		sleep 2
		check_eq "clear: a lists no IKE SA" 0 "$(crest_ike_sas "$a")"
		check_eq "clear: a does not restart" 0 \
			"$(crest_log_grep "$a" 'restarting after' -c)"
		check_not "clear: a no longer routes b's network" bash -c \
			"ip netns exec '$NS_A' ip route show table all | grep -q '^203.0.113.0/24 '"
		link_restore "$NS_B"
	else
		check "restart: a restarts the connection" \
			crest_wait_log "$a" 'restarting after: peer not responding' 1
		local established
		established=$(crest_log_grep "$a" 'IKE SA established' -c)
		link_restore "$NS_B"
		local start=$SECONDS
		check "restart: ping gets through within 10 s of the link's return" \
			ping_within 10
		echo "# restart: tunnel back $((SECONDS - start)) s after the link"
		check_ge "restart: a establishes a new IKE SA" \
			"$((established + 1))" "$(crest_log_grep "$a" 'IKE SA established' -c)"
		check "restart: b keeps one IKE SA" wait_for 5 crest_ike_sas_is "$b" 1
		check_eq "restart: b's IKE SA is a's new one" \
			"$(crest_query "$a" sas 'd["sas"][0]["spi_i"]')" \
			"$(crest_query "$b" sas 'd["sas"][0]["spi_i"]')"
	fi
	netns_cleanup
}

run_action clear ldc
run_action restart ldr
check_done
