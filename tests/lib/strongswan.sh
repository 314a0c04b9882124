# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Runs Debian's strongSwan 5.9 charon as a test peer inside a network
# namespace. Each instance has its own folder DIR for strongswan.conf,
# swanctl.conf, the vici socket, the log and a private /run (charon's PID
# file), so several instances run side by side. Source after netns.sh:
#
#   ss_require                                  # exits 77 without strongSwan
#   ss_psk_conf "$dir" 192.0.2.2 192.0.2.1 203.0.113.0/24 198.51.100.0/24 PSK
#   ss_start "$NS_B" "$dir"                     # charon, then swanctl --load-all
#   ss_swanctl "$NS_B" --list-sas
#   ss_stop "$NS_B"                             # also done by netns_cleanup
#
# charon uses the kernel-libipsec plugin, so ESP runs in user space on a TUN
# device "ipsec0" and needs no kernel ESP. kernel-libipsec supports only ESP
# in UDP, so charon always reports a NAT and moves to UDP port 4500.

SS_CHARON=${SS_CHARON:-/usr/lib/ipsec/charon}
declare -A SS_DIRS=()
declare -A SS_PIDS=()

# Exits with 77 (ctest "skipped") unless charon and swanctl are installed.
ss_require() {
	if [[ ! -x $SS_CHARON ]] || ! command -v swanctl >/dev/null; then
		echo "SKIP: strongSwan not found: run scripts/deps.sh" >&2
		exit 77
	fi
}

# Writes DIR/swanctl.conf for a site-to-site tunnel authenticated with a PSK,
# with connection "site" and child "net", using the addresses as IDs:
# ss_psk_conf DIR LOCAL_ADDR REMOTE_ADDR LOCAL_TS REMOTE_TS PSK.
# SS_IKE_PROPOSALS, SS_ESP_PROPOSALS and SS_START_ACTION (swanctl's
# start_action: none, start or trap) change the defaults below.
ss_psk_conf() {
	local dir=$1 local_addr=$2 remote_addr=$3 local_ts=$4 remote_ts=$5 psk=$6
	mkdir -p "$dir"
	cat >"$dir/swanctl.conf" <<-EOF
		connections {
			site {
				version = 2
				local_addrs = $local_addr
				remote_addrs = $remote_addr
				proposals = ${SS_IKE_PROPOSALS:-aes256gcm16-prfsha256-x25519}
				keyingtries = 1
				local {
					auth = psk
					id = $local_addr
				}
				remote {
					auth = psk
					id = $remote_addr
				}
				children {
					net {
						local_ts = $local_ts
						remote_ts = $remote_ts
						esp_proposals = ${SS_ESP_PROPOSALS:-aes256gcm16}
						start_action = ${SS_START_ACTION:-none}
					}
				}
			}
		}
		secrets {
			ike-site {
				id-local = $local_addr
				id-remote = $remote_addr
				secret = "$psk"
			}
		}
	EOF
}

# Writes DIR/strongswan.conf: the plugins, the vici socket and the log in DIR.
ss_write_strongswan_conf() {
	local dir=$1
	# kernel-libipsec must load before kernel-netlink, so that it handles
	# SAs and policies in user space. Otherwise charon installs them in the
	# kernel, which fails on kernels built without ESP (CONFIG_INET_ESP).
	# kernel-netlink then handles only addresses and routes. In 5.9.8 the
	# openssl plugin has no prf+ for IKE key derivation, so kdf is needed.
	cat >"$dir/strongswan.conf" <<-EOF
		charon {
			load = random nonce openssl kdf pem pkcs1 x509 revocation constraints pubkey socket-default kernel-libipsec kernel-netlink vici updown
			install_routes = yes
			plugins {
				vici {
					socket = unix://$dir/charon.vici
				}
			}
			filelog {
				test {
					path = $dir/charon.log
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
}

# Starts charon in namespace NS with the configuration in DIR, waits for its
# vici socket and loads DIR/swanctl.conf: ss_start NS DIR. DIR must contain
# swanctl.conf. The log is DIR/charon.log, charon's own output
# DIR/charon.stderr.
ss_start() {
	local ns=${1:?usage: ss_start NS DIR} dir=${2:?usage: ss_start NS DIR}
	dir=$(cd "$dir" && pwd)
	[[ -z ${SS_PIDS[$ns]:-} ]] || netns_fail "ss_start: charon already runs in $ns"
	[[ -r $dir/swanctl.conf ]] || netns_fail "ss_start: $dir/swanctl.conf is missing"

	ss_write_strongswan_conf "$dir"
	mkdir -p "$dir/run"
	rm -f "$dir/charon.vici"

	# charon writes its PID file to /run/charon.pid and exits if another
	# charon owns that file, so it gets $dir/run as /run in a mount namespace
	# of its own. ip netns exec, unshare and sh each exec the next program,
	# so $! is charon's PID.
	# shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
	STRONGSWAN_CONF=$dir/strongswan.conf ip netns exec "$ns" \
		unshare --mount --propagation private \
		/bin/sh -c 'mount --bind "$1" /run && exec "$2"' sh \
		"$dir/run" "$SS_CHARON" </dev/null >"$dir/charon.stderr" 2>&1 &
	SS_PIDS[$ns]=$!
	SS_DIRS[$ns]=$dir
	netns_track_pid "${SS_PIDS[$ns]}"

	if ! wait_for 10 test -S "$dir/charon.vici"; then
		log_dump "$dir/charon.stderr" "$dir/charon.log"
		netns_fail "charon in $ns did not open its vici socket within 10 s"
	fi
	if ! ss_swanctl "$ns" --load-all --noprompt \
		--file "$dir/swanctl.conf" >"$dir/swanctl-load.out" 2>&1; then
		log_dump "$dir/swanctl-load.out" "$dir/charon.log"
		netns_fail "swanctl --load-all failed for charon in $ns"
	fi
}

# Runs swanctl against the charon in namespace NS, bounded to 30 s:
# ss_swanctl NS ARGS...
ss_swanctl() {
	local ns=${1:?usage: ss_swanctl NS ARGS...}
	shift
	local dir=${SS_DIRS[$ns]:-}
	[[ -n $dir ]] || netns_fail "ss_swanctl: no charon started in $ns"
	STRONGSWAN_CONF=$dir/strongswan.conf SWANCTL_DIR=$dir \
		timeout 30 swanctl "$@" --uri "unix://$dir/charon.vici"
}

# Prints the path of the log of the charon in namespace NS.
ss_log() {
	echo "${SS_DIRS[${1:?usage: ss_log NS}]:-}/charon.log"
}

# Stops the charon in namespace NS by its PID: TERM, then KILL after 5 s.
ss_stop() {
	local ns=${1:?usage: ss_stop NS} pid i
	pid=${SS_PIDS[$ns]:-}
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	unset "SS_PIDS[$ns]"
}
