# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Helpers for the interoperability tests of crestd with strongSwan and with
# itself. Source after tests/lib/netns.sh, tests/lib/check.sh and
# tests/lib/strongswan.sh, then call interop_init:
#
#   interop_init TAG CRESTD        # namespaces, work folder, cleanup trap
#   crest_conf a initiate "aes256gcm16-prfsha256-x25519" "aes256gcm16"
#   crest_start a                  # crestd in $NS_A, log in $WORK/a/crestd.log
#   crest_wait_child a 15          # waits for "CHILD_SA established"
#
# Side a is 192.0.2.1 with the inner network 198.51.100.0/24 (address
# 198.51.100.1) and side b is 192.0.2.2 with 203.0.113.0/24 (203.0.113.1).
# crestd always runs as side a. Side b is strongSwan or a second crestd.
# For strongSwan, 203.0.113.1 goes on lo because some test kernels have no
# dummy interfaces, and charon routes 198.51.100.0/24 through its ipsec0
# device.

INTEROP_PSK="crest-interop-psk-not-secret"
# shellcheck disable=SC2034 # used by the tests that source this file
INTEROP_BAD_PSK="crest-interop-wrong-psk"

# Exits with 77 (skipped) unless root, the tools and the binaries are
# present, then builds the two namespaces and the work folder:
# interop_init TAG CRESTD CRESTCTL.
interop_init() {
	local tag=$1 tool binary
	CRESTD=$2
	CRESTCTL=$3
	netns_require_root
	for binary in "$CRESTD" "$CRESTCTL"; do
		[[ -x $binary ]] || {
			echo "SKIP: binary '$binary' not found: build crest first" >&2
			exit 77
		}
	done
	for tool in socat sha256sum timeout jq; do
		command -v "$tool" >/dev/null || {
			echo "SKIP: $tool not found: run scripts/deps.sh" >&2
			exit 77
		}
	done
	WORK=$(mktemp -d "/tmp/crest-interop-$tag.XXXXXX")
	chmod 700 "$WORK"
	trap interop_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	netns_setup "$(netns_prefix "$tag")"
	mkdir -p "$WORK/a" "$WORK/b"
}

# Stops every tracked process, removes the namespaces and, unless the test
# failed, the work folder. A failed test keeps the logs and prints them.
interop_cleanup() {
	local status=$?
	netns_cleanup
	if ((status != 0)) && [[ -d ${WORK:-} ]]; then
		log_dump -n 80 "$WORK"/*/crestd.log "$WORK"/*/charon.log
		echo "interop: logs kept in $WORK" >&2
	elif [[ -d ${WORK:-} ]]; then
		rm -rf "$WORK"
	fi
	return "$status"
}

# Prints the namespace of side a or b.
side_ns() {
	case $1 in
	a) echo "$NS_A" ;;
	b) echo "$NS_B" ;;
	*) netns_fail "unknown side '$1'" ;;
	esac
}

# Prints a libconfig list of strings from a comma-separated list.
libconfig_list() {
	local item out='' IFS=,
	for item in $1; do
		out+="${out:+, }\"$item\""
	done
	echo "[ $out ]"
}

# Writes crestd's configuration and secrets for a side:
# crest_conf SIDE START_ACTION IKE_PROPOSALS ESP_PROPOSALS [PSK].
# START_ACTION is "initiate" or "wait"; the proposals are comma-separated.
crest_conf() {
	local side=$1 start=$2 ike=$3 esp=$4 psk=${5:-$INTEROP_PSK}
	local dir=$WORK/$side local_ip remote_ip inner lts rts
	if [[ $side == a ]]; then
		local_ip=192.0.2.1 remote_ip=192.0.2.2 inner=198.51.100.1/24
		lts=198.51.100.0/24 rts=203.0.113.0/24
	else
		local_ip=192.0.2.2 remote_ip=192.0.2.1 inner=203.0.113.1/24
		lts=203.0.113.0/24 rts=198.51.100.0/24
	fi
	cat >"$dir/crestd.conf" <<-EOF
		log_level = "debug";
		secrets = "crestd.secrets";
		realms = (
		  {
		    name = "site";
		    tun = "crest0";
		    inner = [ "$inner" ];
		    connections = (
		      {
		        name = "peer";
		        local = "$local_ip";
		        remote = "$remote_ip";
		        ike_proposals = $(libconfig_list "$ike");
		        esp_proposals = $(libconfig_list "$esp");
		        local_ts = [ "$lts" ];
		        remote_ts = [ "$rts" ];
		        start_action = "$start";
		        retransmit_tries = 2;
		        retransmit_giveup = 10.0;
		      }
		    );
		  }
		);
	EOF
	cat >"$dir/crestd.secrets" <<-EOF
		psk = ( { local = "$local_ip"; remote = "$remote_ip"; secret = "$psk"; } );
	EOF
	chmod 600 "$dir/crestd.secrets"
}

# Starts crestd for a side with its configuration from crest_conf, logging at
# debug level to $WORK/SIDE/crestd.log, with the control socket
# $WORK/SIDE/crestd.ctl, and sets CREST_PID_a or CREST_PID_b.
crest_start() {
	local side=$1 ns pid
	ns=$(side_ns "$side")
	: >"$WORK/$side/crestd.log"
	ip netns exec "$ns" "$CRESTD" -c "$WORK/$side/crestd.conf" -l debug \
		--control "$WORK/$side/crestd.ctl" >>"$WORK/$side/crestd.log" 2>&1 &
	pid=$!
	netns_track_pid "$pid"
	printf -v "CREST_PID_$side" %s "$pid"
	# crestd is ready once its control socket responds.
	wait_for 10 crest_sas "$side" || {
		log_dump "$WORK/$side/crestd.log"
		netns_fail "crestd on side $side did not start"
	}
}

# Sends SIGTERM to the crestd of a side and waits up to 10 s for it to exit.
crest_stop() {
	local side=$1 pid_var="CREST_PID_$1" pid i
	pid=${!pid_var:-}
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || true
	printf -v "$pid_var" %s ""
}

# Returns 0 if the crestd log of a side contains the extended regex PATTERN.
crest_log_has() {
	grep -Eq -- "$2" "$WORK/$1/crestd.log"
}

# Waits up to SECONDS for crestd of a side to log an established CHILD_SA.
crest_wait_child() {
	wait_for "$2" crest_log_has "$1" "CHILD_SA established"
}

# Prints the JSON "sas" response of a side's crestd (see docs/crestctl.md).
crest_sas() {
	"$CRESTCTL" --socket "$WORK/$1/crestd.ctl" --json sas
}

# Returns 0 if jq FILTER is true for the SAs of a side's crestd, and prints
# the JSON otherwise: crest_sas_match SIDE FILTER [JQ_OPTION...], for
# example crest_sas_match a '.sas[0].algorithms == $alg' --arg alg x.
crest_sas_match() {
	local side=$1 filter=$2 json
	shift 2
	json=$(crest_sas "$side") || return 1
	jq -e "$@" "$filter" <<<"$json" >/dev/null && return 0
	echo "$json"
	return 1
}

# Returns 0 if pings from one side's inner address to the other's get replies:
# interop_ping FROM_SIDE.
interop_ping() {
	local from=$1 ns src dst
	ns=$(side_ns "$from")
	if [[ $from == a ]]; then
		src=198.51.100.1 dst=203.0.113.1
	else
		src=203.0.113.1 dst=198.51.100.1
	fi
	netns_exec "$ns" ping -c 3 -i 0.2 -W 2 -I "$src" "$dst"
}

# Sends MIB mebibytes of random data over TCP from one side's inner address
# to the other's and returns 0 if the SHA-256 received equals the one sent:
# interop_transfer FROM_SIDE MIB PORT.
interop_transfer() {
	local from=$1 mib=$2 port=$3 src_ns dst_ns src dst
	local data=$WORK/transfer.bin recv=$WORK/received.bin listener sent got
	src_ns=$(side_ns "$from")
	if [[ $from == a ]]; then
		src=198.51.100.1 dst=203.0.113.1 dst_ns=$NS_B
	else
		src=203.0.113.1 dst=198.51.100.1 dst_ns=$NS_A
	fi
	head -c "${mib}M" /dev/urandom >"$data"
	sent=$(sha256sum <"$data")
	rm -f "$recv"
	ip netns exec "$dst_ns" timeout 60 \
		socat -u "TCP-LISTEN:$port,bind=$dst,reuseaddr" "CREATE:$recv" &
	listener=$!
	netns_track_pid "$listener"
	wait_for 5 bash -c "ip netns exec $dst_ns ss -Hltn | grep -q '$dst:$port '" ||
		return 1
	ip netns exec "$src_ns" timeout 60 \
		socat -u "OPEN:$data" "TCP:$dst:$port,bind=$src" || return 1
	wait "$listener" || return 1
	got=$(sha256sum <"$recv")
	rm -f "$data" "$recv"
	[[ $got == "$sent" ]] || {
		echo "sent $sent, received $got" >&2
		return 1
	}
}

# Returns 0 if namespace NS has a route to PREFIX in any routing table.
has_route() {
	local ns=$1 prefix=$2
	netns_exec "$ns" ip route show table all | grep -q "^$prefix "
}

# ---- strongSwan (side b) ----
# TODO: use tests/lib/strongswan.sh here once that shared harness exists.

SS_CHARON=${SS_CHARON:-/usr/lib/ipsec/charon}

# Exits with 77 unless charon and swanctl are installed.
ss_require() {
	if [[ ! -x $SS_CHARON ]] || ! command -v swanctl >/dev/null; then
		echo "SKIP: strongSwan not found: install strongswan-charon," \
			"strongswan-swanctl and libcharon-extra-plugins" >&2
		exit 77
	fi
}

# Writes strongSwan's swanctl.conf for side b with one connection "site" and
# one child "net": ss_conf START_ACTION IKE_PROPOSALS ESP_PROPOSALS [PSK].
# START_ACTION is swanctl's ("none" or "start"); proposals as in swanctl.
ss_conf() {
	local start=$1 ike=$2 esp=$3 psk=${4:-$INTEROP_PSK}
	cat >"$WORK/b/swanctl.conf" <<-EOF
		connections {
		  site {
		    version = 2
		    local_addrs = 192.0.2.2
		    remote_addrs = 192.0.2.1
		    proposals = $ike
		    keyingtries = 1
		    local {
		      auth = psk
		      id = 192.0.2.2
		    }
		    remote {
		      auth = psk
		      id = 192.0.2.1
		    }
		    children {
		      net {
		        local_ts = 203.0.113.0/24
		        remote_ts = 198.51.100.0/24
		        esp_proposals = $esp
		        start_action = $start
		      }
		    }
		  }
		}
		secrets {
		  ike-site {
		    id-a = 192.0.2.1
		    id-b = 192.0.2.2
		    secret = "$psk"
		  }
		}
	EOF
}

# Starts charon in $NS_B with its own /run (for its PID file), vici socket
# and log $SS_LOG, then loads $WORK/b/swanctl.conf. Sets SS_PID.
ss_start() {
	local dir=$WORK/b
	SS_LOG=$dir/charon.log
	SS_SOCKET=$dir/charon.vici
	mkdir -p "$dir/run"
	# kernel-libipsec must come before kernel-netlink, so charon runs ESP in
	# user space on its ipsec0 TUN device and needs no kernel ESP (XFRM),
	# which some test kernels lack. kernel-netlink then only handles
	# addresses and routes (table 220). kernel-libipsec speaks only ESP in
	# UDP, so charon fakes a NAT and both sides move to port 4500.
	cat >"$dir/strongswan.conf" <<-EOF
		charon {
		  load = random nonce openssl aes sha1 sha2 hmac gcm kdf curve25519 kernel-libipsec kernel-netlink socket-default vici
		  port = 500
		  port_nat_t = 4500
		  install_routes = yes
		  plugins {
		    vici {
		      socket = unix://$SS_SOCKET
		    }
		  }
		  filelog {
		    interop {
		      path = $SS_LOG
		      time_format = %T
		      ike_name = yes
		      flush_line = yes
		      default = 1
		      ike = 2
		      cfg = 2
		    }
		  }
		  syslog {
		    daemon {
		      default = -1
		    }
		  }
		}
	EOF

	netns_exec "$NS_B" ip addr add 203.0.113.1/32 dev lo
	# ip netns exec, unshare and sh all exec, so $! is charon's PID.
	# shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
	STRONGSWAN_CONF=$dir/strongswan.conf ip netns exec "$NS_B" \
		unshare --mount --propagation private \
		/bin/sh -c 'mount --bind "$1" /run && exec "$2"' sh \
		"$dir/run" "$SS_CHARON" </dev/null >"$dir/charon.stderr" 2>&1 &
	SS_PID=$!
	netns_track_pid "$SS_PID"

	wait_for 10 test -S "$SS_SOCKET" || {
		log_dump "$dir/charon.stderr" "$SS_LOG"
		netns_fail "charon did not open its vici socket"
	}
	ss_load
}

# Runs swanctl against the charon of ss_start.
ss_swanctl() {
	STRONGSWAN_CONF=$WORK/b/strongswan.conf SWANCTL_DIR=$WORK/b \
		timeout 30 swanctl "$@" --uri "unix://$SS_SOCKET"
}

# Loads (or reloads) $WORK/b/swanctl.conf into charon.
ss_load() {
	ss_swanctl --load-all --noprompt >"$WORK/b/swanctl-load.out" 2>&1 || {
		cat "$WORK/b/swanctl-load.out" >&2
		netns_fail "swanctl --load-all failed"
	}
}

# Returns 0 if charon's log contains the extended regex PATTERN.
ss_log_has() {
	grep -Eq -- "$1" "$SS_LOG"
}

# ---- pairings for the failure tests ----
# PAIRING names the initiator first: "crest-ss" (crestd initiates, strongSwan
# responds), "ss-crest" (strongSwan initiates, crestd responds) or
# "crest-crest" (crestd on side a initiates, crestd on side b responds).

# Exits with 77 unless PAIRING is usable here, then runs interop_init:
# pairing_init PAIRING TAG CRESTD CRESTCTL.
pairing_init() {
	local pairing=$1
	case $pairing in
	crest-ss | ss-crest) ss_require ;;
	crest-crest) ;;
	*) netns_fail "PAIRING must be crest-ss, ss-crest or crest-crest, not '$pairing'" ;;
	esac
	interop_init "$2" "$3" "$4"
}

# Starts both sides and the initiation:
# pairing_start PAIRING A_IKE A_ESP A_PSK B_IKE B_ESP B_PSK
# Side a is always crestd, side b is strongSwan unless PAIRING is
# crest-crest. The output of swanctl --initiate goes to $WORK/b/initiate.out.
pairing_start() {
	local pairing=$1 a_ike=$2 a_esp=$3 a_psk=$4 b_ike=$5 b_esp=$6 b_psk=$7
	case $pairing in
	crest-ss)
		ss_conf none "$b_ike" "$b_esp" "$b_psk"
		ss_start
		crest_conf a initiate "$a_ike" "$a_esp" "$a_psk"
		crest_start a
		;;
	ss-crest)
		crest_conf a wait "$a_ike" "$a_esp" "$a_psk"
		crest_start a
		ss_conf none "$b_ike" "$b_esp" "$b_psk"
		ss_start
		ss_swanctl --initiate --child net --timeout 15 \
			>"$WORK/b/initiate.out" 2>&1 || true
		;;
	crest-crest)
		crest_conf b wait "$b_ike" "$b_esp" "$b_psk"
		crest_start b
		crest_conf a initiate "$a_ike" "$a_esp" "$a_psk"
		crest_start a
		;;
	esac
}

# Checks that no tunnel exists between the sides of PAIRING: neither crestd
# logged a CHILD_SA or routes the other side's network, strongSwan lists no
# SA, and ping between the inner addresses fails.
check_no_tunnel() {
	local pairing=$1 sas
	check_not "crestd a logs no CHILD_SA" \
		crest_log_has a "CHILD_SA established"
	check_not "crestd a logs no established IKE SA" \
		crest_log_has a "IKE SA established"
	check "crestd a lists no SA" crest_sas_match a '.sas | length == 0'
	check_not "a has no route to 203.0.113.0/24" \
		has_route "$NS_A" 203.0.113.0/24
	if [[ $pairing == crest-crest ]]; then
		check "crestd b lists no SA" crest_sas_match b '.sas | length == 0'
		check_not "crestd b logs no CHILD_SA" \
			crest_log_has b "CHILD_SA established"
		check_not "crestd b logs no established IKE SA" \
			crest_log_has b "IKE SA established"
		check_not "b has no route to 198.51.100.0/24" \
			has_route "$NS_B" 198.51.100.0/24
	else
		sas=$(ss_swanctl --list-sas 2>&1 || true)
		check_not "strongSwan lists no IKE SA" \
			grep -Eq "ESTABLISHED|CONNECTING|INSTALLED" <<<"$sas"
		check_not "strongSwan logs no established IKE_SA" \
			ss_log_has "IKE_SA site\[[0-9]+\] established"
		check_not "b has no route to 198.51.100.0/24" \
			has_route "$NS_B" 198.51.100.0/24
	fi
	check_not "ping a -> b fails" \
		netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1
}

# ---- additions for the life cycle tests ----

# Inserts TEXT (one or more lines) after the first line of FILE that matches
# the extended regex REGEX, and fails if no line matches:
# conf_insert_after FILE REGEX TEXT. Adds settings to the files that
# crest_conf and ss_conf write, for example lifetimes.
conf_insert_after() {
	local file=$1 regex=$2 text=$3
	grep -Eq -- "$regex" "$file" ||
		netns_fail "conf_insert_after: no line of $file matches '$regex'"
	TEXT=$text REGEX=$regex awk '
		{ print }
		!done && $0 ~ ENVIRON["REGEX"] { print ENVIRON["TEXT"]; done = 1 }
	' "$file" >"$file.new"
	mv "$file.new" "$file"
}

# Prints how many lines of a crestd log match the extended regex PATTERN:
# crest_log_count SIDE PATTERN.
crest_log_count() {
	grep -Ec -- "$2" "$WORK/$1/crestd.log" || true
}

# Prints how many lines of charon's log match the extended regex PATTERN.
ss_log_count() {
	grep -Ec -- "$1" "$SS_LOG" || true
}

# ---- additions for the privilege separation test ----

# Starts crestd for a side like crest_start, with extra crestd options such
# as --no-privsep: crest_start_with_options SIDE [CRESTD_OPTION...].
crest_start_with_options() {
	local side=$1 ns pid
	shift
	ns=$(side_ns "$side")
	: >"$WORK/$side/crestd.log"
	ip netns exec "$ns" "$CRESTD" -c "$WORK/$side/crestd.conf" -l debug \
		--control "$WORK/$side/crestd.ctl" "$@" \
		>>"$WORK/$side/crestd.log" 2>&1 &
	pid=$!
	netns_track_pid "$pid"
	printf -v "CREST_PID_$side" %s "$pid"
	wait_for 10 crest_sas "$side" || {
		log_dump "$WORK/$side/crestd.log"
		netns_fail "crestd on side $side did not start"
	}
}
