#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One connection with two children between two crestd: "low" pairs
# 198.51.100.0/25 with 203.0.113.0/25, "high" 198.51.100.128/25 with
# 203.0.113.128/25. a starts both, b only responds. Checked:
#   - both CHILD_SAs come up on one IKE SA, on both sides, as crestctl sas
#     --json lists them by child name, and a routes both remote subnets;
#   - a ping inside each subnet pair passes;
#   - each ping is counted on its own child's CHILD_SA only;
#   - crestctl rekey, terminate and initiate --child act on one child and
#     leave the other and the IKE SA alone.
# By default both separate privileges, so the keeper adds each child's
# routes for the engine. The connections' own remote selectors cover only
# child low, so the keeper must take the children's selectors into
# account. With --no-privsep both run as one process.
#
# usage: test_children.sh CRESTD CRESTCTL [--no-privsep]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
mode=()
if [[ ${3:-} == --no-privsep ]]; then
	mode=(--no-privsep)
elif ! id crest >/dev/null 2>&1; then
	echo "SKIP: user crest not found: run scripts/deps.sh" >&2
	exit 77
fi
crest_init "${1:?usage: test_children.sh CRESTD CRESTCTL}" "${2:-}"

# children LOCAL_LOW REMOTE_LOW LOCAL_HIGH REMOTE_HIGH
children() {
	cat <<-EOF
		children = (
		  { name = "low"; local_ts = [ "$1" ]; remote_ts = [ "$2" ]; },
		  { name = "high"; local_ts = [ "$3" ]; remote_ts = [ "$4" ]; }
		);
	EOF
}

netns_setup "$(netns_prefix chl)"
crest_config a local="$ADDR_A4" remote="$ADDR_B4" start_action=initiate \
	local_ts=198.51.100.0/25 remote_ts=203.0.113.0/25 conn_extra="$(children 198.51.100.0/25 203.0.113.0/25 \
		198.51.100.128/25 203.0.113.128/25)"
crest_config b local="$ADDR_B4" remote="$ADDR_A4" side=b \
	local_ts=203.0.113.0/25 remote_ts=198.51.100.0/25 conn_extra="$(children 203.0.113.0/25 198.51.100.0/25 \
		203.0.113.128/25 198.51.100.128/25)"
crest_start b "$NS_B" "${mode[@]}"
crest_wait_log b 'device crest0 up' 10
crest_start a "$NS_A" "${mode[@]}"

echo "# two CHILD_SAs on one IKE SA"
check "a establishes child low" \
	crest_wait_log a 'CHILD_SA established.*198\.51\.100\.0/25 === 203\.0\.113\.0/25, child low' 20
check "a establishes child high" \
	crest_wait_log a 'CHILD_SA established.*198\.51\.100\.128/25 === 203\.0\.113\.128/25, child high' 10
check "b establishes child high" \
	crest_wait_log b 'CHILD_SA established.*203\.0\.113\.128/25 === 198\.51\.100\.128/25, child high' 10
check "a used CREATE_CHILD_SA for the second child" \
	crest_wait_log a 'creating CHILD_SA high' 1

# child_names NAME: the sorted child names of the only IKE SA, or a message.
child_names() {
	crest_query "$1" sas \
		'",".join(sorted(c["name"] for c in d["sas"][0]["children"])) if len(d["sas"]) == 1 else "%d IKE SAs" % len(d["sas"])'
}
check_eq "a lists children high and low on one IKE SA" high,low "$(child_names a)"
check_eq "b lists children high and low on one IKE SA" high,low "$(child_names b)"
check "crestctl sas names the children" \
	grep -q '(high)' <<<"$(timeout 10 "$CRESTCTL" --socket "$CREST_WORK/a.ctl" sas)"

conns=$(timeout 10 "$CRESTCTL" --socket "$CREST_WORK/a.ctl" connections)
check "connections text lists child low" grep -q '^  child low, start' <<<"$conns"
check "connections text lists child high's selectors" \
	grep -q '^    remote ts: *203.0.113.128/25$' <<<"$conns"

routes=$(netns_exec "$NS_A" ip -4 route show dev crest0)
check "a routes 203.0.113.0/25 into crest0" grep -q '^203\.0\.113\.0/25 ' <<<"$routes"
check "a routes 203.0.113.128/25 into crest0" grep -q '^203\.0\.113\.128/25 ' <<<"$routes"

# packets NAME CHILD FIELD: a counter of the CHILD_SA of that child.
packets() {
	crest_query "$1" sas \
		"sum(c['$3'] for s in d['sas'] for c in s['children'] if c['name'] == '$2')"
}

# ping_counted CHILD OTHER SRC DST: pings SRC -> DST from a and checks that a's
# CHILD_SA of child NAME counts the requests and the other child nothing.
ping_counted() {
	local child=$1 other=$2 src=$3 dst=$4
	local out_before other_before in_before
	out_before=$(packets a "$child" packets_out)
	other_before=$(packets a "$other" packets_out)
	in_before=$(packets b "$child" packets_in)
	check "ping $src -> $dst through child $child" \
		netns_exec "$NS_A" ping -c 3 -i 0.2 -W 2 -I "$src" "$dst"
	check_ge "a counts 3 packets out on child $child" 3 \
		"$(($(packets a "$child" packets_out) - out_before))"
	check_ge "b counts 3 packets in on child $child" 3 \
		"$(($(packets b "$child" packets_in) - in_before))"
	check_eq "a counts nothing out on child $other" "$other_before" \
		"$(packets a "$other" packets_out)"
}

echo "# traffic of each subnet pair on its own CHILD_SA"
netns_exec "$NS_A" ip addr add 198.51.100.129/32 dev crest0
netns_exec "$NS_B" ip addr add 203.0.113.129/32 dev crest0
ping_counted low high 198.51.100.1 203.0.113.1
ping_counted high low 198.51.100.129 203.0.113.129
check "ping 203.0.113.129 -> 198.51.100.129 from b" \
	netns_exec "$NS_B" ping -c 2 -i 0.2 -W 2 -I 203.0.113.129 198.51.100.129

echo "# crestctl on one child"
# spi NAME CHILD: the inbound SPI of the current CHILD_SA of CHILD, or "-".
spi() {
	crest_query "$1" sas \
		"([c['spi_in'] for s in d['sas'] for c in s['children'] if c['name'] == '$2' and c['installed'] and not c['replaced']] + ['-'])[0]"
}
# ctl_rc EXPECTED DESC ARGS...: runs crestctl on a and checks its status.
ctl_rc() {
	local want=$1 desc=$2 rc=0
	shift 2
	timeout 10 "$CRESTCTL" --socket "$CREST_WORK/a.ctl" "$@" \
		>"$CREST_WORK/ctl.out" 2>&1 || rc=$?
	check_eq "$desc: exit status" "$want" "$rc"
}
spi_changed() {
	[[ $(spi a "$1") != - && $(spi a "$1") != "$2" ]]
}
low_spi=$(spi a low)
high_spi=$(spi a high)
ctl_rc 0 "rekey --child high" rekey to-peer --child high
check "child high gets a new CHILD_SA" wait_for 10 spi_changed high "$high_spi"
check_eq "child low keeps its CHILD_SA" "$low_spi" "$(spi a low)"

ctl_rc 0 "terminate --child high" terminate to-peer --child high
high_gone() {
	[[ $(spi a high) == - && $(spi b high) == - ]]
}
check "child high is gone on both sides" wait_for 10 high_gone
check_eq "child low stays" "$low_spi" "$(spi a low)"
check "ping through child low" netns_exec "$NS_A" \
	ping -c 2 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
check_not "no ping through child high" netns_exec "$NS_A" \
	ping -c 1 -W 1 -I 198.51.100.129 203.0.113.129
ctl_rc 1 "terminate --child high again" terminate to-peer --child high
check "the error says the child has no CHILD_SA" \
	grep -q 'child high of to-peer has no CHILD_SA' "$CREST_WORK/ctl.out"

ctl_rc 0 "initiate --child high" initiate to-peer --child high
high_up() {
	[[ $(spi a high) != - && $(spi b high) != - ]]
}
check "child high is up on both sides" wait_for 10 high_up
check_eq "one IKE SA throughout" 1 "$(crest_ike_sas a)"
check "ping through child high again" wait_for 5 netns_exec "$NS_A" \
	ping -c 1 -W 1 -I 198.51.100.129 203.0.113.129
ctl_rc 1 "initiate --child high while up" initiate to-peer --child high
check "the error says it is up" grep -q 'already up' "$CREST_WORK/ctl.out"
ctl_rc 1 "an unknown child" rekey to-peer --child nosuch
check "the error names the child" \
	grep -q 'connection to-peer has no child "nosuch"' "$CREST_WORK/ctl.out"
ctl_rc 2 "--child with --ike" rekey to-peer --child high --ike
check_done
