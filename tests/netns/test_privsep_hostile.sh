#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# crestd with a hostile engine: the keeper runs bad_engine in
# place of the real engine, and each engine it starts breaks one rule of
# the IPC request table (see bad_engine.c for the seven cases a to g). For
# every case the keeper must log "rejected request TYPE from the engine:
# REASON", kill that engine, schedule a new one and stay alive. The route
# request for 192.0.2.0/24 must not reach the routing table, and the keeper
# must exit 0 on SIGTERM at the end. A second keeper, whose remote selectors
# cover the peer's gateway address, refuses a route to that address (case
# h), because the route would pull IKE and ESP into the tunnel. An engine
# that exits with the status of a failed sandbox set-up stops the keeper
# (case i), and a missing engine user stops crestd before it starts.
#
# The keeper doubles its restart delay after each death, from 0.5 s, so
# the seventh engine starts about 32 s after the first.
#
# usage: test_privsep_hostile.sh CRESTD CRESTCTL BAD_ENGINE
set -euo pipefail

usage="usage: test_privsep_hostile.sh CRESTD CRESTCTL BAD_ENGINE"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
bad_engine=${3:?$usage}
[[ -x $bad_engine ]] || netns_fail "bad engine '$bad_engine' is not executable"
crest_init "${1:?$usage}" "${2:?$usage}"
prefix=$(netns_prefix hstl)
netns_setup "$prefix"

# LETTER|TYPE|REASON: the request type and the reason the keeper logs.
cases=(
	"a|ENGINE_HELLO|body length differs from the datagram size"
	"b|AUTH_PSK_REQUEST|signed octets length out of range"
	"c|AUTH_PSK_REQUEST|request before ENGINE_HELLO"
	"d|ENGINE_HELLO|descriptor where none is allowed"
	"e|UNKNOWN|unknown type"
	"f|ROUTE_REQUEST|prefix outside the connection's remote selectors or over a gateway address"
	"g|AUTH_PSK_REQUEST|unknown connection"
)

# Prints how many lines of a.log contain the fixed string TEXT.
log_count() {
	grep -cF -- "$1" "$CREST_WORK/a.log" || true
}

# Returns 0 once a.log has at least COUNT lines containing TEXT:
# log_count_ge TEXT COUNT.
log_count_ge() {
	(($(log_count "$1") >= $2))
}

# Prints the PID of the Nth "engine started" line of a.log.
engine_pid() {
	grep -F 'engine started, PID' "$CREST_WORK/a.log" |
		sed -n "${1}p" | sed -E 's/.*PID ([0-9]+).*/\1/'
}

# Returns 0 if namespace a routes 192.0.2.0/24 into crest0 in any table.
foreign_route_on_crest0() {
	netns_exec "$NS_A" ip -4 route show table all |
		grep -Eq '^192\.0\.2\.0/24 .*dev crest0'
}

crest_config a local=192.0.2.1 remote=192.0.2.2
export CREST_BAD_ENGINE_COUNTER=$CREST_WORK/engine-runs
: >"$CREST_BAD_ENGINE_COUNTER"
crest_start a "$NS_A" --engine-path "$bad_engine"
keeper=${CREST_PIDS[a]}
check "the keeper starts the first engine" \
	crest_wait_log a 'engine started, PID' 10

n=0
for entry in "${cases[@]}"; do
	IFS='|' read -r letter type reason <<<"$entry"
	n=$((n + 1))
	echo "# case $letter: $type, $reason"
	# The restart delay before this engine was at most 16 s.
	check "$letter: engine $n started" \
		wait_for 20 log_count_ge 'engine started, PID' "$n"
	pid=$(engine_pid "$n")
	check "$letter: bad engine $pid runs case $letter" \
		crest_wait_log a "bad engine PID $pid: case $letter:" 5
	check "$letter: the keeper rejects it" \
		wait_for 5 log_count_ge 'rejected request' "$n"
	line=$(grep -F 'rejected request' "$CREST_WORK/a.log" | sed -n "${n}p")
	check "$letter: the log names $type and the reason" \
		grep -qF "rejected request $type from the engine: $reason; restarting it" \
		<<<"$line"
	check "$letter: the keeper kills engine $pid" \
		crest_wait_log a "engine PID $pid killed by signal 9" 5
	check "$letter: the keeper schedules a restart" \
		wait_for 5 log_count_ge 'restarting the engine in' "$n"
	check "$letter: the keeper is alive" kill -0 "$keeper"
	if [[ $letter == f ]]; then
		check_not "f: no route to 192.0.2.0/24 via crest0" \
			foreign_route_on_crest0
		check "f: 192.0.2.0/24 stays on ul0" bash -c \
			"ip netns exec '$NS_A' ip -4 route show 192.0.2.0/24 | grep -q 'dev ul0'"
	fi
done

echo "# after all cases"
# The eighth engine would start 30 s after the seventh died, so the counts
# are final here.
check_eq "seven engines started" 7 "$(log_count 'engine started, PID')"
check_eq "seven requests rejected" 7 "$(log_count 'rejected request')"
check_eq "seven engines killed by SIGKILL" 7 \
	"$(grep -cE 'engine PID [0-9]+ killed by signal 9' "$CREST_WORK/a.log" || true)"
check_eq "the bad engine ran seven times" 7 \
	"$(cat "$CREST_BAD_ENGINE_COUNTER")"
check_eq "no bad engine outlived its request" 0 "$(log_count 'still alive')"
check_eq "no bad engine failed to misbehave" 0 \
	"$(grep -cE 'bad engine: case [a-g] failed' "$CREST_WORK/a.log" || true)"
check_eq "the keeper answers no route request" 0 \
	"$(log_count 'route request of')"
check_not "still no route to 192.0.2.0/24 via crest0" foreign_route_on_crest0
check "the keeper is still alive" kill -0 "$keeper"

echo "# stop"
rc=0
crest_stop a || rc=$?
check_eq "keeper exits 0 on SIGTERM" 0 "$rc"
check "the keeper logs its stop" crest_wait_log a '\[keeper\] stopped$' 1

echo "# case h: a route over the gateway, inside the remote selectors"
crest_config a local=192.0.2.1 remote=192.0.2.2 \
	remote_ts=203.0.113.0/24,192.0.2.0/24
CREST_BAD_ENGINE_CASE=h crest_start a "$NS_A" --engine-path "$bad_engine"
keeper=${CREST_PIDS[a]}
check "h: the bad engine runs case h" \
	crest_wait_log a "bad engine PID [0-9]*: case h:" 10
# Case f logged the same line once before.
check "h: the keeper rejects it" wait_for 10 log_count_ge \
	"rejected request ROUTE_REQUEST from the engine: prefix outside the connection's remote selectors or over a gateway address; restarting it" 2
check "h: the keeper is alive" kill -0 "$keeper"
check_not "h: no route to 192.0.2.2 via crest0" bash -c \
	"ip netns exec '$NS_A' ip -4 route show table all | grep -Eq '^192\.0\.2\.2 .*dev crest0'"
check "h: 192.0.2.2 is still reached on ul0" bash -c \
	"ip netns exec '$NS_A' ip -4 route get 192.0.2.2 | grep -q 'dev ul0'"
rc=0
crest_stop a || rc=$?
check_eq "h: keeper exits 0 on SIGTERM" 0 "$rc"

echo "# case i: an engine that cannot enter its sandbox"
CREST_BAD_ENGINE_CASE=i crest_start a "$NS_A" --engine-path "$bad_engine"
keeper=${CREST_PIDS[a]}
check "i: the keeper stops instead of restarting the engine" \
	crest_wait_log a 'the engine cannot enter its sandbox .*: stopping' 10
rc=0
crest_stop a 10 || rc=$?
check_eq "i: crestd exits 1" 1 "$rc"
check_eq "i: the bad engine ran once" 1 \
	"$(grep -c 'case i:' "$CREST_WORK/a.log" || true)"
check_not "i: the keeper removed its device" netns_exec "$NS_A" ip link show crest0

echo "# a missing engine user"
rc=0
out=$(netns_exec "$NS_A" timeout 10 "$CRESTD" -c "$CREST_WORK/a.conf" \
	--control "$CREST_WORK/x.ctl" --user crest-no-such-user 2>&1) || rc=$?
check_eq "missing user: crestd exits 1 at once" 1 "$rc"
check "missing user: the message names the option and the user" \
	grep -qF -- "--user crest-no-such-user: user crest-no-such-user not found" <<<"$out"
check "missing user: the message gives the adduser command" \
	grep -qF "adduser --system --group --no-create-home --home /nonexistent crest-no-such-user" <<<"$out"
check_not "missing user: no TUN device" netns_exec "$NS_A" ip link show crest0
check_done
