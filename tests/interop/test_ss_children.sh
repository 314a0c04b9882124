#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Two children of one connection between crestd (side a) and strongSwan
# 5.9.8 with kernel-libipsec (side b): test_ss_children.sh ROLE CRESTD
# CRESTCTL, where ROLE is "initiator" (crestd starts both children) or
# "responder" (swanctl --initiate starts one child after the other).
#
# Both sides configure child "low" for 198.51.100.0/25 === 203.0.113.0/25
# and "high" for 198.51.100.128/25 === 203.0.113.128/25. Checked: both
# CHILD_SAs come up on one IKE SA on both sides, crestd names each after
# the child whose selectors match, and pings in each subnet pair pass both
# ways and are counted on that pair's CHILD_SA.
set -euo pipefail

usage="usage: test_ss_children.sh initiator|responder CRESTD CRESTCTL"
role=${1:?$usage}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# shellcheck source=lib_interop.sh
source "$here/lib_interop.sh"

case $role in
initiator) tag=ssci crest_start_action=initiate ;;
responder) tag=sscr crest_start_action=wait ;;
*) netns_fail "ROLE must be initiator or responder, not '$role'" ;;
esac
ss_require
interop_init "$tag" "${2:?$usage}" "${3:?$usage}"

ike=aes256gcm16-prfsha256-x25519
esp=aes256gcm16

# strongSwan: ss_conf writes one child "net" for the /24s; it becomes "low"
# for the lower halves, and "high" joins it.
ss_conf none "$ike" "$esp"
sed -i -e 's/^\( *\)net {/\1low {/' \
	-e 's|local_ts = 203\.0\.113\.0/24|local_ts = 203.0.113.0/25|' \
	-e 's|remote_ts = 198\.51\.100\.0/24|remote_ts = 198.51.100.0/25|' \
	"$WORK/b/swanctl.conf"
conf_insert_after "$WORK/b/swanctl.conf" '^ *children \{' \
	"      high {
        local_ts = 203.0.113.128/25
        remote_ts = 198.51.100.128/25
        esp_proposals = $esp
        start_action = none
      }"
ss_start
netns_exec "$NS_B" ip addr add 203.0.113.129/32 dev lo

crest_conf a "$crest_start_action" "$ike" "$esp"
conf_insert_after "$WORK/a/crestd.conf" 'start_action = ' \
	'        children = (
          { name = "low"; local_ts = [ "198.51.100.0/25" ];
            remote_ts = [ "203.0.113.0/25" ]; },
          { name = "high"; local_ts = [ "198.51.100.128/25" ];
            remote_ts = [ "203.0.113.128/25" ]; }
        );'
crest_start a
netns_exec "$NS_A" ip addr add 198.51.100.129/32 dev crest0

if [[ $role == responder ]]; then
	check "swanctl --initiate starts child low" \
		ss_swanctl --initiate --child low --timeout 20
	check "swanctl --initiate starts child high" \
		ss_swanctl --initiate --child high --timeout 20
fi

echo "# two CHILD_SAs on one IKE SA"
check "crestd logs child low" \
	wait_for 15 crest_log_has a 'CHILD_SA established.*, child low$'
check "crestd logs child high" \
	wait_for 15 crest_log_has a 'CHILD_SA established.*, child high$'
# shellcheck disable=SC2016 # $role is a jq variable
check "crestd lists one IKE SA with children low and high" \
	crest_sas_match a '(.sas | length) == 1 and .sas[0].role == $role and
		([.sas[0].children[] | select(.installed) | .name] | sort) ==
			["high", "low"]' --arg role "$role"
check "crestd's child high has the upper halves" \
	crest_sas_match a '.sas[0].children[] | select(.name == "high") |
		.local_ts == ["198.51.100.128/25"] and
		.remote_ts == ["203.0.113.128/25"]'
ss_sas=$(ss_swanctl --list-sas || true)
check_eq "strongSwan lists one IKE SA" 1 \
	"$(grep -c 'site: #[0-9]*, ESTABLISHED, IKEv2' <<<"$ss_sas")"
check "strongSwan lists child low INSTALLED" \
	grep -q 'low: #[0-9]*, reqid [0-9]*, INSTALLED' <<<"$ss_sas"
check "strongSwan lists child high INSTALLED" \
	grep -q 'high: #[0-9]*, reqid [0-9]*, INSTALLED' <<<"$ss_sas"

# child_packets NAME FIELD: a counter of crestd's CHILD_SA of child NAME.
child_packets() {
	crest_sas a | jq "[.sas[].children[] | select(.name == \"$1\") | .$2] | add"
}

# ping_child CHILD OTHER A_HOST B_HOST: pings both ways between the hosts
# and checks that crestd counts them on CHILD and nothing on OTHER.
ping_child() {
	local child=$1 other=$2 a_host=$3 b_host=$4 in_before other_before
	in_before=$(child_packets "$child" packets_in)
	other_before=$(child_packets "$other" packets_in)
	check "ping $a_host -> $b_host through child $child" \
		netns_exec "$NS_A" ping -c 3 -i 0.2 -W 2 -I "$a_host" "$b_host"
	check "ping $b_host -> $a_host through child $child" \
		netns_exec "$NS_B" ping -c 3 -i 0.2 -W 2 -I "$b_host" "$a_host"
	check_ge "crestd counts 6 packets in on child $child" 6 \
		"$(($(child_packets "$child" packets_in) - in_before))"
	check_eq "crestd counts nothing in on child $other" "$other_before" \
		"$(child_packets "$other" packets_in)"
}

echo "# traffic of each subnet pair"
ping_child low high 198.51.100.1 203.0.113.1
ping_child high low 198.51.100.129 203.0.113.129

check_done
