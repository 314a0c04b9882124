# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Helpers for tests that run crestd against crestd in network namespaces.
# Sourcing this file also sources tests/lib/netns.sh and tests/lib/check.sh:
#
#   crest_init "$crestd" "$crestctl" # temp dir in $CREST_WORK, cleanup trap
#   crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=initiate
#   crest_config b local=192.0.2.2 remote=192.0.2.1 side=b
#   crest_start b "$NS_B"; crest_start a "$NS_A"
#   crest_wait_up a b 20
#   crest_query b counters 'd["esp_drops"]["policy"]'
#
# Every gateway NAME gets $CREST_WORK/NAME.conf, NAME.secrets (mode 0600),
# NAME.log, where crestd writes at debug level, and the control socket
# NAME.ctl. If the test fails, the logs are printed to stderr.

# A checkout without tests/lib skips the test instead of failing.
crest_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" 2>/dev/null && pwd) || true
for crest_lib_file in netns.sh check.sh; do
	[[ -r $crest_lib_dir/$crest_lib_file ]] || {
		echo "SKIP: tests/lib/$crest_lib_file not found" >&2
		exit 77
	}
done
# shellcheck source=../lib/netns.sh
source "$crest_lib_dir/netns.sh"
# shellcheck source=../lib/check.sh
source "$crest_lib_dir/check.sh"

CREST_WORK=
CRESTD=
CRESTCTL=
declare -A CREST_PIDS=()

# Creates the temp dir and installs a trap that stops crestd, removes the
# namespaces and the temp dir, and prints the crestd logs if the test
# failed: crest_init CRESTD CRESTCTL.
crest_init() {
	CRESTD=${1:?usage: crest_init CRESTD CRESTCTL}
	CRESTCTL=${2:?usage: crest_init CRESTD CRESTCTL}
	[[ -x $CRESTD ]] || netns_fail "crestd binary '$CRESTD' is not executable"
	[[ -x $CRESTCTL ]] || netns_fail "crestctl binary '$CRESTCTL' is not executable"
	command -v python3 >/dev/null || {
		echo "SKIP: python3 not found: run scripts/deps.sh" >&2
		exit 77
	}
	CREST_WORK=$(mktemp -d /tmp/crest-netns.XXXXXX)
	trap crest_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

crest_cleanup() {
	local status=$? log
	netns_cleanup
	if ((status != 0)) || ((CHECK_FAILED > 0)); then
		for log in "$CREST_WORK"/*.log; do
			[[ -e $log ]] && log_dump -n 400 "$log"
		done
	fi
	[[ -n $CREST_WORK ]] && rm -rf "$CREST_WORK"
	return "$status"
}

# Prints a libconfig list of strings from a comma-separated list.
crest_list() {
	local IFS=, item out=
	for item in $1; do
		out+="${out:+, }\"$item\""
	done
	echo "[ $out ]"
}

# Writes NAME.conf and NAME.secrets: crest_config NAME [KEY=VALUE...].
# side=a (default) serves 198.51.100.0/24 and 2001:db8:a::/64, side=b serves
# 203.0.113.0/24 and 2001:db8:b::/64; these set the defaults of inner,
# local_ts and remote_ts (comma-separated lists). Keys:
#   local remote local_id remote_id   addresses and identities; the PSK
#                                     pairs local_id (default local) with
#                                     remote_id (default remote)
#   start_action encap keepalive retransmit_timeout retransmit_tries
#   retransmit_giveup mtu path_mtu    copied into the file when given
#   conn_extra realm_extra            raw libconfig lines for the groups
crest_config() {
	local name=${1:?usage: crest_config NAME [KEY=VALUE...]}
	shift
	local -A o=([side]=a [start_action]=wait)
	local kv
	for kv in "$@"; do
		[[ $kv == *=* ]] || netns_fail "crest_config: '$kv' is not KEY=VALUE"
		o[${kv%%=*}]=${kv#*=}
	done
	[[ -n ${o[local]:-} && -n ${o[remote]:-} ]] ||
		netns_fail "crest_config $name: local= and remote= are required"
	local inner lts rts
	if [[ ${o[side]} == a ]]; then
		inner=198.51.100.1/24,2001:db8:a::1/64
		lts=198.51.100.0/24,2001:db8:a::/64
		rts=203.0.113.0/24,2001:db8:b::/64
	else
		inner=203.0.113.1/24,2001:db8:b::1/64
		lts=203.0.113.0/24,2001:db8:b::/64
		rts=198.51.100.0/24,2001:db8:a::/64
	fi
	local local_id=${o[local_id]:-${o[local]}}
	local remote_id=${o[remote_id]:-${o[remote]}}
	local opt optional=
	for opt in start_action encap keepalive retransmit_timeout \
		retransmit_tries retransmit_giveup; do
		[[ -v o[$opt] ]] || continue
		if [[ $opt == start_action ]]; then
			optional+="        $opt = \"${o[$opt]}\";"$'\n'
		else
			optional+="        $opt = ${o[$opt]};"$'\n'
		fi
	done
	local realm_opts=
	for opt in mtu path_mtu; do
		[[ -v o[$opt] ]] && realm_opts+="    $opt = ${o[$opt]};"$'\n'
	done

	cat >"$CREST_WORK/$name.conf" <<-EOF
		log_level = "debug";
		secrets = "$name.secrets";
		realms = (
		  {
		    name = "site";
		    tun = "crest0";
		    inner = $(crest_list "${o[inner]:-$inner}");
		$realm_opts${o[realm_extra]:-}
		    connections = (
		      {
		        name = "to-peer";
		        local = "${o[local]}";
		        remote = "${o[remote]}";
		        local_id = "$local_id";
		        remote_id = "$remote_id";
		        ike_proposals = [ "aes256gcm16-prfsha256-x25519" ];
		        esp_proposals = [ "aes256gcm16" ];
		        local_ts = $(crest_list "${o[local_ts]:-$lts}");
		        remote_ts = $(crest_list "${o[remote_ts]:-$rts}");
		$optional${o[conn_extra]:-}
		      }
		    );
		  }
		);
	EOF
	# The secret is a fixed test value: these namespaces carry no real
	# traffic.
	cat >"$CREST_WORK/$name.secrets" <<-EOF
		psk = (
		  { local = "$local_id"; remote = "$remote_id";
		    secret = "crest netns test key, not for real use"; }
		);
	EOF
	chmod 600 "$CREST_WORK/$name.secrets"
}

# Starts crestd for gateway NAME in namespace NS at debug level, with its
# output in NAME.log: crest_start NAME NS [CRESTD_OPTION...]. Unix socket
# paths are not per namespace, so each crestd gets its own control socket,
# NAME.ctl.
crest_start() {
	local name=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$CRESTD" -c "$CREST_WORK/$name.conf" -l debug \
		--control "$CREST_WORK/$name.ctl" "$@" \
		>>"$CREST_WORK/$name.log" 2>&1 &
	CREST_PIDS[$name]=$!
	netns_track_pid "$!"
}

# Sends TERM to gateway NAME and waits up to SECONDS (default 10) for it to
# exit. Returns crestd's exit status, or 124 if it did not exit in time.
crest_stop() {
	local name=$1 seconds=${2:-10} pid=${CREST_PIDS[$1]} i
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < seconds * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && return 124
	wait "$pid"
}

# Returns 0 when crestd of gateway NAME is still running.
crest_running() {
	kill -0 "${CREST_PIDS[$1]}" 2>/dev/null
}

# Waits up to SECONDS for an extended regex to appear in NAME.log:
# crest_wait_log NAME REGEX SECONDS.
crest_wait_log() {
	local name=$1 regex=$2 seconds=$3
	wait_for "$seconds" grep -Eq -- "$regex" "$CREST_WORK/$name.log"
}

# Prints the lines of NAME.log that match an extended regex, with any
# further grep options: crest_log_grep NAME REGEX [OPTION...].
crest_log_grep() {
	local name=$1 regex=$2
	shift 2
	grep -E "$@" -- "$regex" "$CREST_WORK/$name.log" || true
}

# Waits until both gateways A and B log an installed CHILD_SA.
crest_wait_up() {
	local a=$1 b=$2 seconds=${3:-20}
	crest_wait_log "$a" 'CHILD_SA established' "$seconds" &&
		crest_wait_log "$b" 'CHILD_SA established' "$seconds"
}

# Runs crestctl COMMAND against gateway NAME and prints the value of a
# Python expression over the JSON response, bound to the name d:
# crest_query NAME COMMAND EXPR. Fails if crestctl fails.
crest_query() {
	local name=$1 command=$2 expr=$3 json
	json=$(timeout 10 "$CRESTCTL" --socket "$CREST_WORK/$name.ctl" --json "$command") ||
		return 1
	python3 -c 'import json, sys
d = json.loads(sys.argv[1])
print(eval(sys.argv[2]))' "$json" "$expr"
}

# Prints the number of IKE SAs of gateway NAME.
crest_ike_sas() {
	crest_query "$1" sas 'len(d["sas"])'
}

# Prints the inner bytes received by all CHILD_SAs of gateway NAME.
crest_child_in_bytes() {
	crest_query "$1" sas 'sum(c["bytes_in"] for s in d["sas"] for c in s["children"])'
}

# Prints a drop counter of gateway NAME: crest_drops NAME GROUP REASON, with
# GROUP esp_drops, ike_drops or datapath_drops (see crestctl counters).
crest_drops() {
	crest_query "$1" counters "d[\"$2\"][\"$3\"]"
}

# Sends SIGUSR1 to gateway NAME and prints the status lines it logs: every
# SA with its byte and packet counters, then the drop counters. Waits until
# the log stops growing for 0.5 s (at most 10 s), because crestd writes the
# report one line at a time.
crest_status() {
	local name=$1 log=$CREST_WORK/$1.log before size last i
	before=$(wc -l <"$log")
	kill -USR1 "${CREST_PIDS[$name]}"
	last=-1
	for ((i = 0; i < 100; i++)); do
		sleep 0.1
		size=$(wc -l <"$log")
		if ((size > before && size == last)); then
			break
		fi
		last=$size
	done
	tail -n +"$((before + 1))" "$log" |
		grep -E 'IKE SA [a-z-]+, |CHILD_SA [0-9a-f]{8}_i |dropped [0-9]+ (packets|messages):' || true
}

# Returns 0 if gateway NAME lists exactly COUNT IKE SAs, for wait_for:
# crest_ike_sas_is NAME COUNT.
crest_ike_sas_is() {
	[[ $(crest_ike_sas "$1") == "$2" ]]
}
