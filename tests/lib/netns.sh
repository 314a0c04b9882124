# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Network namespace helpers for crest's network tests. Source this file from a
# bash test that runs as root:
#
#   source "$(dirname "$0")/../lib/netns.sh"
#   netns_require_root              # exits 77 (ctest "skipped") otherwise
#   netns_trap                      # netns_cleanup on exit, INT and TERM
#   netns_workdir                   # $NETNS_WORK: scratch folder for logs
#   prefix=$(netns_prefix ike)      # unique per test process
#   netns_setup "$prefix"           # $NS_A <-> $NS_B over one veth
#   netns_exec "$NS_A" ping -c 1 -W 2 "$ADDR_B4"
#   netns_spawn "$NS_B" b.log some_daemon --flag   # PID in NETNS_SPAWNED_PID
#
# Only documentation addresses are used. Neither namespace has a default
# route, so traffic to 198.51.100.0/24 or 203.0.113.0/24 goes nowhere until a
# VPN installs a route for it.
#
# netns_setup PREFIX creates ${PREFIX}-a and ${PREFIX}-b:
#   a: ul0 192.0.2.1/24, 2001:db8:1::1/64
#   b: ul0 192.0.2.2/24, 2001:db8:1::2/64
#
# netns_setup_nat PREFIX [--random-ports] puts ${PREFIX}-nat between them,
# which masquerades a's IPv4 traffic toward b (IPv4 only):
#   a:   ul0 192.0.2.1/26, route to 192.0.2.64/26 via 192.0.2.62
#   nat: in0 192.0.2.62/26 (toward a), out0 192.0.2.65/26 (toward b)
#   b:   ul0 192.0.2.66/26, no route back to a, so it sees only 192.0.2.65
# With --random-ports the NAT also picks random source ports, so a's UDP 500
# and 4500 arrive at b from other ports.
#
# Both set NS_A, NS_B (and NS_NAT), ADDR_A4, ADDR_B4 (the address each side
# dials), ADDR_A6 and ADDR_B6 (empty behind the NAT), and NAT_OUT4.

NETNS_NAMES=()
NETNS_PIDS=()
# Subshells and background jobs inherit the arrays above and the traps, but
# only the shell that sourced this file may clean up.
NETNS_OWNER=$$
NETNS_WORK=

netns_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Exits with 77, which the CMake files declare as ctest's SKIP_RETURN_CODE,
# unless the test runs as root with ip, nft and network namespaces available.
netns_require_root() {
	if [[ $EUID -ne 0 ]]; then
		echo "SKIP: network namespace tests need root" >&2
		exit 77
	fi
	local tool
	for tool in ip nft; do
		command -v "$tool" >/dev/null || {
			echo "SKIP: $tool not found: run scripts/deps.sh" >&2
			exit 77
		}
	done
}

# Installs netns_cleanup as the EXIT trap and makes INT and TERM exit through
# it, because bash runs no EXIT trap when a signal without a trap kills it.
netns_trap() {
	trap netns_cleanup EXIT
	trap '[[ $BASHPID != "$NETNS_OWNER" ]] || exit 130' INT
	trap '[[ $BASHPID != "$NETNS_OWNER" ]] || exit 143' TERM
}

# Creates a scratch folder for configuration files and logs in NETNS_WORK.
# netns_cleanup removes it when the test passes and keeps it, printing its
# path, when the test fails.
netns_workdir() {
	NETNS_WORK=$(mktemp -d /tmp/crest-test.XXXXXX)
}

# Prints a namespace prefix unique to this process: TAG (at most 4 letters
# or digits) and the PID in hex, at most 11 characters, so that even
# "${prefix}-nat" stays within 15 characters.
netns_prefix() {
	local tag=${1:-t}
	[[ $tag =~ ^[a-z0-9]{1,4}$ ]] ||
		netns_fail "netns_prefix: tag '$tag' must be 1 to 4 lower-case letters or digits"
	printf '%s%x\n' "$tag" "$$"
}

netns_exec() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Records a PID for netns_cleanup to stop. Track only processes this test
# started, and only real commands: "shell_function &" gives the PID of a
# subshell, and stopping it leaves the command it runs behind.
netns_track_pid() {
	local pid
	for pid in "$@"; do
		[[ $pid =~ ^[0-9]+$ ]] || netns_fail "netns_track_pid: '$pid' is not a PID"
		NETNS_PIDS+=("$pid")
	done
}

# Stops tracking PIDs that have exited and were reaped, so that
# netns_cleanup never signals a later process that reuses the number.
netns_untrack_pid() {
	local pid kept=() reaped
	for pid in "${NETNS_PIDS[@]}"; do
		for reaped in "$@"; do
			[[ $pid == "$reaped" ]] && continue 2
		done
		kept+=("$pid")
	done
	NETNS_PIDS=("${kept[@]}")
}

# Starts CMD in namespace NS in the background with its output in LOGFILE,
# tracks it for netns_cleanup and stores its PID in NETNS_SPAWNED_PID:
# netns_spawn NS LOGFILE CMD [ARGS...]. ip netns exec replaces itself with
# CMD, so the PID is the command's own.
netns_spawn() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" </dev/null >"$log" 2>&1 &
	NETNS_SPAWNED_PID=$!
	netns_track_pid "$NETNS_SPAWNED_PID"
}

# Creates namespace $1 with lo up and IPv6 duplicate address detection off,
# so addresses work at once, and records it for netns_cleanup.
netns_add() {
	local ns=$1
	[[ ! -e /run/netns/$ns ]] ||
		netns_fail "namespace $ns already exists; remove it with 'ip netns del $ns' if no test uses it"
	ip netns add "$ns"
	NETNS_NAMES+=("$ns")
	netns_exec "$ns" ip link set lo up
	netns_exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv4.ip_forward=0 \
		net.ipv6.conf.all.forwarding=0
}

# Creates a veth pair between two namespaces, inside them from the start so
# the links never appear in the host's namespace: link $2 in $1 and link $4
# in $3, both up.
netns_link() {
	local ns1=$1 if1=$2 ns2=$3 if2=$4
	ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2"
	netns_exec "$ns1" ip link set "$if1" up
	netns_exec "$ns2" ip link set "$if2" up
}

netns_check_prefix() {
	[[ $1 =~ ^[a-z0-9][a-z0-9-]{0,10}$ ]] ||
		netns_fail "namespace prefix '$1' must be 1 to 11 of [a-z0-9-]"
}

netns_setup() {
	local prefix=${1:?usage: netns_setup PREFIX}
	netns_check_prefix "$prefix"
	NS_A=$prefix-a
	NS_B=$prefix-b
	NS_NAT=
	ADDR_A4=192.0.2.1
	ADDR_B4=192.0.2.2
	ADDR_A6=2001:db8:1::1
	ADDR_B6=2001:db8:1::2
	NAT_OUT4=

	netns_add "$NS_A"
	netns_add "$NS_B"
	netns_link "$NS_A" ul0 "$NS_B" ul0
	netns_exec "$NS_A" ip addr add "$ADDR_A4/24" dev ul0
	netns_exec "$NS_A" ip addr add "$ADDR_A6/64" dev ul0 nodad
	netns_exec "$NS_B" ip addr add "$ADDR_B4/24" dev ul0
	netns_exec "$NS_B" ip addr add "$ADDR_B6/64" dev ul0 nodad
}

netns_setup_nat() {
	local prefix=${1:?usage: netns_setup_nat PREFIX [--random-ports]}
	local port_mode=
	case ${2:-} in
	"") ;;
	--random-ports) port_mode=fully-random ;;
	*) netns_fail "netns_setup_nat: unknown option '$2'" ;;
	esac
	netns_check_prefix "$prefix"
	NS_A=$prefix-a
	NS_B=$prefix-b
	NS_NAT=$prefix-nat
	ADDR_A4=192.0.2.1
	ADDR_B4=192.0.2.66
	ADDR_A6=
	ADDR_B6=
	NAT_OUT4=192.0.2.65

	netns_add "$NS_A"
	netns_add "$NS_NAT"
	netns_add "$NS_B"
	netns_link "$NS_A" ul0 "$NS_NAT" in0
	netns_link "$NS_NAT" out0 "$NS_B" ul0

	netns_exec "$NS_A" ip addr add "$ADDR_A4/26" dev ul0
	netns_exec "$NS_A" ip route add 192.0.2.64/26 via 192.0.2.62
	netns_exec "$NS_NAT" ip addr add 192.0.2.62/26 dev in0
	netns_exec "$NS_NAT" ip addr add "$NAT_OUT4/26" dev out0
	netns_exec "$NS_B" ip addr add "$ADDR_B4/26" dev ul0

	netns_exec "$NS_NAT" sysctl -q -w net.ipv4.ip_forward=1
	netns_exec "$NS_NAT" nft -f - <<-EOF
		table ip crest_nat {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "out0" masquerade $port_mode
			}
		}
	EOF
}

# Stops every tracked process (TERM, then KILL after 5 s), deletes every
# namespace this shell created and handles NETNS_WORK (see netns_workdir). Safe to call more than once and from a trap.
# It keeps the exit status of the command that ran before it.
netns_cleanup() {
	local status=$? pid ns i left
	[[ $BASHPID == "$NETNS_OWNER" ]] || return "$status"
	for pid in "${NETNS_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${NETNS_PIDS[@]}"; do
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "netns_cleanup: PID $pid ignored TERM for 5 s; sending KILL" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	NETNS_PIDS=()

	for ns in "${NETNS_NAMES[@]}"; do
		[[ -e /run/netns/$ns ]] || continue
		left=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
		if [[ -n $left ]]; then
			echo "netns_cleanup: warning: untracked processes still in $ns: $left" >&2
		fi
		ip netns del "$ns" || echo "netns_cleanup: failed to delete namespace $ns" >&2
	done
	NETNS_NAMES=()

	if [[ -n $NETNS_WORK && -d $NETNS_WORK ]]; then
		if ((status == 0)); then
			rm -rf "$NETNS_WORK"
		else
			echo "netns_cleanup: test failed; its files are kept in $NETNS_WORK" >&2
		fi
	fi
	NETNS_WORK=
	return "$status"
}

# Polls until a command succeeds: wait_for SECONDS CMD [ARGS...]. Runs CMD
# every 0.2 s, at most SECONDS * 5 times, and returns 1 if it never succeeds.
wait_for() {
	local seconds=$1 tries i
	shift
	[[ $seconds =~ ^[0-9]+$ ]] || netns_fail "wait_for: '$seconds' is not a number of seconds"
	tries=$((seconds * 5))
	for ((i = 0; i < tries; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "wait_for: timed out after $seconds s: $*" >&2
	return 1
}

# Prints the last LINES lines (default 200) of each file to stderr under a
# header, for failure output in the ctest log: log_dump [-n LINES] FILE...
log_dump() {
	local lines=200 file
	if [[ ${1:-} == -n ]]; then
		lines=$2
		shift 2
	fi
	for file in "$@"; do
		echo "----- $file (last $lines lines) -----" >&2
		if [[ -r $file ]]; then
			tail -n "$lines" "$file" >&2
		else
			echo "(missing)" >&2
		fi
	done
}

# Installs table "inet crest_count" in namespace $1 with counters of IPsec
# traffic. Each NAME counts packets arriving in the namespace (NAME_in,
# prerouting, so also forwarded packets) and leaving it (NAME_out,
# postrouting, after NAT):
#   esp        raw ESP, IPv4 protocol or IPv6 next header 50
#   ike        UDP with source or destination port 500
#   natt_ike   UDP port 4500 carrying IKE (the 4-byte zero non-ESP marker)
#   natt_esp   UDP port 4500 carrying ESP (a non-zero SPI, RFC 3948)
# NAT keepalives (1-byte UDP payloads) on port 4500 match neither of the last
# two. Read a counter with nft_counter.
nft_count() {
	local ns=${1:?usage: nft_count NS}
	netns_exec "$ns" nft -f - <<-'EOF'
		table inet crest_count {
			counter esp_in {}
			counter esp_out {}
			counter ike_in {}
			counter ike_out {}
			counter natt_ike_in {}
			counter natt_ike_out {}
			counter natt_esp_in {}
			counter natt_esp_out {}
			chain count_in {
				type filter hook prerouting priority raw; policy accept;
				meta l4proto esp counter name esp_in
				udp dport 500 counter name ike_in
				udp sport 500 udp dport != 500 counter name ike_in
				udp dport 4500 udp length >= 16 @th,64,32 0 counter name natt_ike_in
				udp sport 4500 udp dport != 4500 udp length >= 16 @th,64,32 0 counter name natt_ike_in
				udp dport 4500 udp length >= 16 @th,64,32 != 0 counter name natt_esp_in
				udp sport 4500 udp dport != 4500 udp length >= 16 @th,64,32 != 0 counter name natt_esp_in
			}
			chain count_out {
				type filter hook postrouting priority 300; policy accept;
				meta l4proto esp counter name esp_out
				udp dport 500 counter name ike_out
				udp sport 500 udp dport != 500 counter name ike_out
				udp dport 4500 udp length >= 16 @th,64,32 0 counter name natt_ike_out
				udp sport 4500 udp dport != 4500 udp length >= 16 @th,64,32 0 counter name natt_ike_out
				udp dport 4500 udp length >= 16 @th,64,32 != 0 counter name natt_esp_out
				udp sport 4500 udp dport != 4500 udp length >= 16 @th,64,32 != 0 counter name natt_esp_out
			}
		}
	EOF
}

# Prints "PACKETS BYTES" of counter NAME (see nft_count) in namespace NS.
nft_counter() {
	local ns=${1:?usage: nft_counter NS NAME} name=${2:?usage: nft_counter NS NAME}
	netns_exec "$ns" nft list counter inet crest_count "$name" |
		awk '$1 == "packets" { print $2, $4; found = 1 }
		     END { exit !found }'
}

# Prints only the packet count of counter NAME in namespace NS.
nft_packets() {
	local counts
	counts=$(nft_counter "$@") || return 1
	echo "${counts%% *}"
}
