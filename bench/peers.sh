# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# The tunnels that bench/run.sh measures, each between the namespaces NS_A
# (outer 192.0.2.1) and NS_B (outer 192.0.2.2) that tests/lib/netns.sh
# builds. Every tunnel routes 198.51.100.0/24 in a to 203.0.113.0/24 in b,
# with 198.51.100.1 and 203.0.113.1 as the inner addresses.
#
#   peer_up SETUP      # starts it, waits until a ping crosses it; sets
#                      # BENCH_PIDS_A and BENCH_PIDS_B to its processes
#   peer_down SETUP    # stops it by PID and removes what it added
#
# SETUP is veth (no tunnel: the outer addresses themselves), crest-esp,
# crest-udp, wireguard-go or strongswan. Source after tests/lib/netns.sh,
# tests/lib/strongswan.sh and bench/measure.sh; logs go to BENCH_WORK.

INNER_A=198.51.100.1
INNER_B=203.0.113.1
# shellcheck disable=SC2034 # read by bench/measure.sh
BENCH_PIDS_A=
BENCH_PIDS_B=
# PIDs of the long-running processes of the current setup, side a then b.
PEER_PIDS=()

# Prints the source and destination addresses that SETUP's traffic uses.
peer_addresses() {
	if [[ $1 == veth ]]; then
		echo "$ADDR_A4 $ADDR_B4"
	else
		echo "$INNER_A $INNER_B"
	fi
}

# Prints the MTU of the device that carries traffic from SRC to DST in
# NS_A: peer_mtu SRC DST. The tunnels keep their own default MTUs.
peer_mtu() {
	local route device
	route=$(netns_exec "$NS_A" ip -o route get "$2" from "$1")
	device=$(sed -nE 's/.* dev ([^ ]+).*/\1/p' <<<"$route")
	netns_exec "$NS_A" ip -o link show dev "$device" |
		sed -nE 's/.* mtu ([0-9]+).*/\1/p'
}

peer_up() {
	case $1 in
	veth) ;;
	crest-esp) crest_up false ;;
	crest-udp) crest_up true ;;
	wireguard-go) wg_up ;;
	strongswan) strongswan_up ;;
	*) bench_fail "unknown setup '$1'" ;;
	esac
	local src dst
	read -r src dst <<<"$(peer_addresses "$1")"
	wait_for 10 netns_exec "$NS_A" ping -n -c 1 -W 1 -I "$src" "$dst" ||
		bench_fail "$1: no ping from $src to $dst crossed the tunnel within 10 s"
}

peer_down() {
	case $1 in
	strongswan) strongswan_down ;;
	*) stop_pids "${PEER_PIDS[@]}" ;;
	esac
	PEER_PIDS=()
	BENCH_PIDS_A=
	BENCH_PIDS_B=
}

# Sends TERM to each PID, waits up to 5 s for each to exit, then sends
# KILL, and stops tracking them for netns_cleanup.
stop_pids() {
	local pid i
	for pid in "$@"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "$@"; do
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "run.sh: PID $pid ignored TERM for 5 s; sending KILL" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	done
	netns_untrack_pid "$@"
}

# Prints the end of every daemon log in BENCH_WORK to stderr, after a
# failure. The iperf3 server log is left out: it only repeats the figures.
peer_log_dump() {
	local file
	for file in "$BENCH_WORK"/*.log "$BENCH_WORK"/*/charon.log; do
		[[ -e $file && $file != */iperf-server.log ]] || continue
		log_dump -n 40 "$file"
	done
	return 0
}

# Writes the crestd configuration NAME.conf and NAME.secrets in BENCH_WORK:
# crest_write_config NAME LOCAL REMOTE INNER LOCAL_TS REMOTE_TS START ENCAP.
crest_write_config() {
	local name=$1 local_ip=$2 remote_ip=$3 inner=$4 local_ts=$5
	local remote_ts=$6 start=$7 encap=$8
	cat >"$BENCH_WORK/$name.conf" <<-EOF
		log_level = "info";
		secrets = "$name.secrets";
		realms = (
		  {
		    name = "bench";
		    tun = "crest0";
		    inner = [ "$inner/24" ];
		    connections = (
		      {
		        name = "peer";
		        local = "$local_ip";
		        remote = "$remote_ip";
		        ike_proposals = [ "aes256gcm16-prfsha256-x25519" ];
		        esp_proposals = [ "aes256gcm16" ];
		        local_ts = [ "$local_ts" ];
		        remote_ts = [ "$remote_ts" ];
		        start_action = "$start";
		        encap = $encap;
		      }
		    );
		  }
		);
	EOF
	(
		umask 077
		cat >"$BENCH_WORK/$name.secrets" <<-EOF
			psk = (
			  { local = "$local_ip"; remote = "$remote_ip";
			    secret = "0x$BENCH_PSK_HEX"; }
			);
		EOF
	)
}

# Starts crestd NAME in namespace NS with its control socket in BENCH_WORK,
# never the default one, and adds its PID to PEER_PIDS.
crest_start_daemon() {
	local name=$1 ns=$2
	ip netns exec "$ns" "$BENCH_CRESTD" -c "$BENCH_WORK/$name.conf" \
		--control "$BENCH_WORK/$name.ctl" </dev/null \
		>"$BENCH_WORK/$name.log" 2>&1 &
	netns_track_pid "$!"
	PEER_PIDS+=("$!")
}

crest_established() {
	grep -q 'CHILD_SA established' "$BENCH_WORK/$1.log"
}

# Brings up two crestd with AES-256-GCM ESP; ENCAP true forces ESP in UDP
# on port 4500 from the initiator a, false keeps raw ESP.
crest_up() {
	local encap=$1
	crest_write_config crest-a "$ADDR_A4" "$ADDR_B4" "$INNER_A" \
		198.51.100.0/24 203.0.113.0/24 initiate "$encap"
	crest_write_config crest-b "$ADDR_B4" "$ADDR_A4" "$INNER_B" \
		203.0.113.0/24 198.51.100.0/24 wait false
	crest_start_daemon crest-b "$NS_B"
	wait_for 10 grep -q 'device crest0 up' "$BENCH_WORK/crest-b.log" ||
		bench_fail "crestd b did not bring up crest0 within 10 s"
	crest_start_daemon crest-a "$NS_A"
	if ! wait_for 20 crest_established crest-a ||
		! wait_for 20 crest_established crest-b; then
		bench_fail "crest: no CHILD_SA established within 20 s"
	fi

	if [[ $encap == true ]] &&
		! grep -q 'moving to port 4500' "$BENCH_WORK/crest-a.log"; then
		bench_fail "crest: encap = true, but crestd a did not move to UDP port 4500"
	fi

	# With privilege separation the engine, which runs IKE and ESP, is
	# a child of the crestd that was started.
	BENCH_PIDS_A="${PEER_PIDS[1]} $(child_pids "${PEER_PIDS[1]}" | tr '\n' ' ')"
	BENCH_PIDS_B="${PEER_PIDS[0]} $(child_pids "${PEER_PIDS[0]}" | tr '\n' ' ')"
}

# The command line that runs a program in a namespace with a folder
# mounted on /run, in a mount namespace of its own, as
# ip netns exec NS "${private_run[@]}" DIR CMD [ARGS...]. wireguard-go and
# wg keep their control sockets in /run/wireguard, which every network
# namespace shares otherwise. unshare and sh each exec the next program, so
# the PID of "ip netns exec ... &" is that of CMD.
# shellcheck disable=SC2016 # $1 belongs to the inner shell
private_run=(unshare --mount --propagation private
	/bin/sh -c 'mount --bind "$1" /run && shift && exec "$@"' sh)

# Starts wireguard-go for side NAME with device wg0 in namespace NS and
# configures it with a fresh key, the peer's key and endpoint PEER_IP, and
# the routes: wg_side NAME NS PEER_NAME PEER_IP INNER REMOTE_NET.
wg_side() {
	local name=$1 ns=$2 peer=$3 peer_ip=$4 inner=$5 remote_net=$6
	local run=$BENCH_WORK/wg-$name-run
	mkdir -p "$run"
	ip netns exec "$ns" "${private_run[@]}" "$run" wireguard-go -f wg0 \
		</dev/null \
		>"$BENCH_WORK/wireguard-go-$name.log" 2>&1 &
	netns_track_pid "$!"
	PEER_PIDS+=("$!")
	wait_for 5 test -S "$run/wireguard/wg0.sock" ||
		bench_fail "wireguard-go in $ns did not open its control socket within 5 s"
	ip netns exec "$ns" "${private_run[@]}" "$run" timeout 10 wg set wg0 \
		private-key "$BENCH_WORK/wg-$name.key" listen-port 51820 \
		peer "$(<"$BENCH_WORK/wg-$peer.pub")" \
		endpoint "$peer_ip:51820" allowed-ips "$remote_net"
	netns_exec "$ns" ip addr add "$inner/32" dev wg0
	netns_exec "$ns" ip link set wg0 up
	netns_exec "$ns" ip route add "$remote_net" dev wg0 src "$inner"
}

# Brings up wireguard-go in both namespaces with the device's default MTU.
wg_up() {
	local name
	for name in a b; do
		(umask 077 && wg genkey >"$BENCH_WORK/wg-$name.key")
		wg pubkey <"$BENCH_WORK/wg-$name.key" >"$BENCH_WORK/wg-$name.pub"
	done
	wg_side a "$NS_A" b "$ADDR_B4" "$INNER_A" 203.0.113.0/24
	wg_side b "$NS_B" a "$ADDR_A4" "$INNER_B" 198.51.100.0/24
	BENCH_PIDS_A=${PEER_PIDS[0]}
	BENCH_PIDS_B=${PEER_PIDS[1]}
}

# Brings up strongSwan's charon on both sides with AES-256-GCM ESP. Its
# kernel-libipsec plugin runs ESP in user space and always in UDP.
strongswan_up() {
	netns_exec "$NS_A" ip addr add "$INNER_A/32" dev lo
	netns_exec "$NS_B" ip addr add "$INNER_B/32" dev lo
	local psk="0x$BENCH_PSK_HEX"
	ss_psk_conf "$BENCH_WORK/ss-a" "$ADDR_A4" "$ADDR_B4" \
		198.51.100.0/24 203.0.113.0/24 "$psk"
	ss_psk_conf "$BENCH_WORK/ss-b" "$ADDR_B4" "$ADDR_A4" \
		203.0.113.0/24 198.51.100.0/24 "$psk"
	ss_start "$NS_B" "$BENCH_WORK/ss-b"
	ss_start "$NS_A" "$BENCH_WORK/ss-a"
	ss_swanctl "$NS_A" --initiate --child net --timeout 20 \
		>"$BENCH_WORK/swanctl-initiate.log" 2>&1 ||
		bench_fail "strongSwan: swanctl --initiate failed"
	# shellcheck disable=SC2034 # read by bench/measure.sh
	BENCH_PIDS_A=${SS_PIDS[$NS_A]}
	BENCH_PIDS_B=${SS_PIDS[$NS_B]}
}

strongswan_down() {
	local pids=("${SS_PIDS[$NS_A]:-}" "${SS_PIDS[$NS_B]:-}")
	ss_stop "$NS_A"
	ss_stop "$NS_B"
	local pid
	for pid in "${pids[@]}"; do
		[[ -z $pid ]] || wait "$pid" 2>/dev/null || true
	done
	netns_untrack_pid "${pids[@]}"
	netns_exec "$NS_A" ip addr del "$INNER_A/32" dev lo 2>/dev/null || true
	netns_exec "$NS_B" ip addr del "$INNER_B/32" dev lo 2>/dev/null || true
}
