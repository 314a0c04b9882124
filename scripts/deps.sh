#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian 12 packages that building and testing crest need, and
# creates the unprivileged system user "crest" that the engine runs as.
#
#   scripts/deps.sh [--bench]   (as root)
#
#   --bench   also install what bench/run.sh needs: iperf3, wireguard-go
#             and wireguard-tools (the reference peer)
#
# Packages that are already installed are skipped. When nothing is missing,
# the script makes no network request and finishes in about a second.
set -euo pipefail

# One group per purpose, so a package can be traced to the reason it is here.
build_packages=(
	gcc make libc6-dev cmake pkg-config
	# clang and its runtime bring AddressSanitizer, UBSan and libFuzzer
	clang libclang-rt-14-dev
)
library_packages=(
	libssl-dev libconfig-dev libmnl-dev libcap-ng-dev libseccomp-dev
	libjansson-dev libmicrohttpd-dev libcmocka-dev
)
test_packages=(
	# namespaces, veth links, nftables counters and NAT, test traffic
	iproute2 nftables iputils-ping socat python3 procps util-linux openssl jq
	# the strongSwan interoperability peer: charon, swanctl, the
	# kernel-libipsec user-space ESP plugin and the openssl crypto plugin
	strongswan-charon strongswan-swanctl libstrongswan-standard-plugins
	libcharon-extra-plugins libstrongswan-extra-plugins
	# adduser creates the "crest" system user below
	adduser
)
bench_packages=(
	# throughput between the namespaces, and wireguard-go with the wg tool
	# as the reference VPN. wireguard-tools recommends a kernel module
	# package, which install_packages keeps out with --no-install-recommends.
	iperf3 wireguard-go wireguard-tools
)

charon=/usr/lib/ipsec/charon
starter=/usr/lib/ipsec/starter
policy_rc=/usr/sbin/policy-rc.d

die() {
	echo "deps.sh: $*" >&2
	exit 1
}

is_installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[[ $status == "install ok installed" ]]
}

# Prints the PIDs of processes running binary $1 in this shell's own network
# namespace, which is where a system-wide strongSwan service would run. The
# test peers run in namespaces of their own and are not listed.
host_pids_of() {
	local binary=$1 exe pid self_ns
	self_ns=$(readlink /proc/self/ns/net)
	for exe in /proc/[0-9]*/exe; do
		[[ $(readlink "$exe" 2>/dev/null) == "$binary" ]] || continue
		pid=${exe#/proc/}
		pid=${pid%/exe}
		[[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$self_ns" ]] &&
			echo "$pid"
	done
	return 0
}

system_charon_pids() {
	host_pids_of "$starter"
	host_pids_of "$charon"
}

remove_policy_rc() {
	rm -f "$policy_rc"
}

# Installs the given packages with maintainer scripts barred from starting
# services. strongswan-starter's postinst runs "invoke-rc.d ipsec start",
# which would leave a system charon on UDP 500 of this machine. A policy-rc.d
# that exits 101 makes invoke-rc.d and deb-systemd-invoke skip every start.
install_packages() {
	local own_policy=0
	if [[ ! -e $policy_rc ]]; then
		printf '#!/bin/sh\n# Written by crest scripts/deps.sh while it installs packages.\nexit 101\n' \
			>"$policy_rc"
		chmod 755 "$policy_rc"
		own_policy=1
		trap remove_policy_rc EXIT
	fi

	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q </dev/null
	apt-get install -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold \
		"$@" </dev/null

	if ((own_policy)); then
		remove_policy_rc
		trap - EXIT
	fi
}

# Keeps strongSwan's system service off after a fresh install: stops any
# charon or starter that appeared while the packages were installed, and on a
# systemd machine disables the unit that would start one at boot.
keep_system_charon_off() {
	local before=$1 binary pid
	# starter first, because it restarts a charon that dies under it
	for binary in "$starter" "$charon"; do
		for pid in $(host_pids_of "$binary"); do
			if [[ " $before " == *" $pid "* ]]; then
				echo "deps.sh: warning: $binary (PID $pid) was running before this install and was left alone" >&2
				continue
			fi
			echo "deps.sh: stopping $binary (PID $pid), which the package install started"
			kill -TERM "$pid" 2>/dev/null || true
		done
		sleep 1
	done
	if [[ -d /run/systemd/system ]] &&
		systemctl is-enabled --quiet strongswan-starter.service 2>/dev/null; then
		echo "deps.sh: disabling strongswan-starter.service: the tests run their own charon in network namespaces"
		systemctl disable --quiet strongswan-starter.service || true
	fi
}

create_crest_user() {
	if getent passwd crest >/dev/null; then
		return 0
	fi
	adduser --quiet --system --group --no-create-home --home /nonexistent \
		crest
	echo "deps.sh: created system user crest"
}

usage() {
	sed -n '6,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

main() {
	local wanted=("${build_packages[@]}" "${library_packages[@]}"
		"${test_packages[@]}")
	(($# <= 1)) || usage
	case ${1:-} in
	"") ;;
	--bench) wanted+=("${bench_packages[@]}") ;;
	-h | --help) usage ;;
	*)
		echo "deps.sh: unknown option: $1" >&2
		usage
		;;
	esac

	[[ $EUID -eq 0 ]] || die "must run as root (it installs packages with apt-get)"
	command -v dpkg-query >/dev/null || die "dpkg-query not found: this script supports Debian 12 only"

	local missing=() pkg
	for pkg in "${wanted[@]}"; do
		is_installed "$pkg" || missing+=("$pkg")
	done

	if ((${#missing[@]} > 0)); then
		echo "deps.sh: installing ${#missing[@]} packages: ${missing[*]}"
		local before
		before=$(system_charon_pids | tr '\n' ' ')
		install_packages "${missing[@]}"
		keep_system_charon_off "$before"
	else
		echo "deps.sh: all packages are installed"
	fi

	create_crest_user
}

main "$@"
