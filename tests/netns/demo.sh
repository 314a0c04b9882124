#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The crest demo: two gateways in network namespaces, configured with
# docs/examples/gw-a.conf and gw-b.conf, bring up an IKEv2 SA; pings cross
# the tunnel in both address families; the SAs are shown; then everything
# is removed.
#
#   CREST_BUILD_DIR=build tests/netns/demo.sh [--keep]
#
#   --keep   wait for Ctrl-C before removing the namespaces and daemons, so
#            the tunnel can be used and inspected meanwhile
#
# Needs root.  Exits 0 when the pings got through.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${CREST_BUILD_DIR:-$repo/build}
keep=false
case ${1:-} in
"") ;;
--keep) keep=true ;;
*)
	echo "usage: $0 [--keep]" >&2
	exit 2
	;;
esac

# shellcheck source=../lib/netns.sh
source "$repo/tests/lib/netns.sh"
netns_require_root
[[ -x $build/crestd ]] || netns_fail "$build/crestd not found: build crest first (scripts/build.sh)"

work=$(mktemp -d /tmp/crest-demo.XXXXXX)
demo_cleanup() {
	local status=$?
	netns_cleanup
	rm -rf "$work"
	return "$status"
}
trap demo_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

prefix=$(netns_prefix demo)
netns_setup "$prefix"
cp "$repo"/docs/examples/gw-{a,b}.{conf,secrets} "$work"/
chmod 600 "$work"/*.secrets

have_ctl=false
[[ -x $build/crestctl ]] && have_ctl=true
start_gateway() {
	local ns=$1 name=$2
	local args=(-c "$work/$name.conf" -l debug)
	if $have_ctl; then
		args+=(--control "$work/$name.ctl")
	fi
	# ip execs crestd, so $! is the daemon itself.
	ip netns exec "$ns" "$build/crestd" "${args[@]}" >"$work/$name.log" 2>&1 &
	netns_track_pid $!
}

show_sas() {
	local ns=$1 name=$2
	echo "== SAs of $name"
	if $have_ctl; then
		netns_exec "$ns" "$build/crestctl" --socket "$work/$name.ctl" sas
	else
		local pid
		pid=$(ip netns pids "$ns" | head -n 1)
		kill -USR1 "$pid"
		sleep 0.3
		grep -E 'IKE SA |CHILD_SA ' "$work/$name.log" | tail -n 4
	fi
}

fail() {
	log_dump "$work/gw-a.log" "$work/gw-b.log"
	netns_fail "$@"
}

echo "== starting gateway B (${NS_B}, 192.0.2.2) and gateway A (${NS_A}, 192.0.2.1)"
start_gateway "$NS_B" gw-b
wait_for 10 netns_exec "$NS_B" ip link show crest0 || fail "gateway B did not start"
start_gateway "$NS_A" gw-a

echo "== waiting for the CHILD_SA"
wait_for 20 grep -q "CHILD_SA established" "$work/gw-a.log" ||
	fail "no CHILD_SA after 20 s"

echo "== ping 203.0.113.1 from 198.51.100.1 through the tunnel"
netns_exec "$NS_A" ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1 ||
	fail "IPv4 ping through the tunnel failed"
echo "== ping 2001:db8:b::1 from 2001:db8:a::1 through the tunnel"
netns_exec "$NS_A" ping -6 -c 3 -i 0.2 -W 2 -I 2001:db8:a::1 2001:db8:b::1 ||
	fail "IPv6 ping through the tunnel failed"

show_sas "$NS_A" gw-a
show_sas "$NS_B" gw-b

if $keep; then
	echo "== the tunnel stays up; try: ip netns exec $NS_A ping -I 198.51.100.1 203.0.113.1"
	echo "== logs: $work/gw-a.log and $work/gw-b.log; press Ctrl-C to remove everything"
	# Waits at most a day.
	for ((i = 0; i < 24; i++)); do sleep 3600; done
fi
echo "== demo passed; removing the namespaces"
