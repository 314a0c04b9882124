#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source-path=SCRIPTDIR/..
# Benchmarks crest beside a plain veth link, wireguard-go and strongSwan
# (kernel-libipsec) in one session on this machine. It measures iperf3 TCP
# throughput with 1 and 4 streams, the CPU use of the VPN daemons and ping
# round-trip times, then prints a summary and the ratios of crest's figures
# to the others'.
#
#   bench/run.sh [--quick] [--build-dir DIR] [--tsv FILE] [--setups LIST]
#   bench/run.sh --check-tools
#
#   --quick          1 iperf3 run of 2 s per figure and 5 pings, to check
#                    that the benchmark works: its figures mean little
#   --build-dir DIR  use crestd from this CMake build folder; without it,
#                    scripts/build.sh makes a Release build in build-bench/
#   --tsv FILE       also write every figure and ratio to FILE as TSV
#   --setups LIST    comma-separated subset of veth, crest-esp, crest-udp,
#                    wireguard-go and strongswan (default: all, in order)
#   --check-tools    exit 0 if every tool is installed, else 1 and name
#                    the packages that are missing
#
# Environment: BENCH_REPS (iperf3 runs per figure, default 3),
# BENCH_SECONDS (length of one run in seconds, 10), BENCH_STREAMS (stream
# counts, "1 4"), BENCH_PINGS (pings per setup, 20), BENCH_TSV (as --tsv).
# Run as root. It builds two namespaces bench-XXXXX-a and bench-XXXXX-b
# and a temp folder, and removes them and every process it started on exit.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
all_setups=(veth crest-esp crest-udp wireguard-go strongswan)

usage() {
	sed -n '9,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

bench_fail() {
	echo "run.sh: $*" >&2
	exit 1
}

# Options and environment ------------------------------------------------

quick=0
check_only=0
build_dir=
tsv=${BENCH_TSV:-}
setups_list=$(
	IFS=,
	echo "${all_setups[*]}"
)
while (($# > 0)); do
	case $1 in
	--quick) quick=1 ;;
	--check-tools) check_only=1 ;;
	--build-dir | --tsv | --setups)
		[[ $# -ge 2 ]] || usage
		case $1 in
		--build-dir) build_dir=$2 ;;
		--tsv) tsv=$2 ;;
		--setups) setups_list=$2 ;;
		esac
		shift
		;;
	-h | --help) usage ;;
	*)
		echo "run.sh: unknown option: $1" >&2
		usage
		;;
	esac
	shift
done

if ((quick)); then
	reps=1 seconds=2 pings=5
else
	reps=${BENCH_REPS:-3} seconds=${BENCH_SECONDS:-10} pings=${BENCH_PINGS:-20}
fi
streams_list=${BENCH_STREAMS:-1 4}
for value in "$reps" "$seconds" "$pings" $streams_list; do
	[[ $value =~ ^[1-9][0-9]{0,2}$ ]] ||
		bench_fail "invalid count '$value' in BENCH_REPS, BENCH_SECONDS, BENCH_PINGS or BENCH_STREAMS: expected 1 to 999"
done

IFS=, read -ra setups <<<"$setups_list"
for setup in "${setups[@]}"; do
	[[ " ${all_setups[*]} " == *" $setup "* ]] ||
		bench_fail "unknown setup '$setup' in --setups: expected some of ${all_setups[*]}"
done

# Tools --------------------------------------------------------------------

# Prints "TOOL PACKAGE" for every tool the chosen setups need.
needed_tools() {
	echo "ip iproute2"
	echo "ss iproute2"
	echo "iperf3 iperf3"
	echo "jq jq"
	echo "ping iputils-ping"
	echo "timeout coreutils"
	if [[ -z $build_dir ]]; then
		echo "cmake cmake"
		echo "gcc gcc"
	fi
	local setup
	for setup in "${setups[@]}"; do
		case $setup in
		wireguard-go)
			echo "wireguard-go wireguard-go"
			echo "wg wireguard-tools"
			echo "unshare util-linux"
			;;
		strongswan)
			echo "/usr/lib/ipsec/charon strongswan-charon"
			echo "swanctl strongswan-swanctl"
			echo "/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so libcharon-extra-plugins"
			echo "unshare util-linux"
			;;
		esac
	done
}

# Prints the packages whose tools are missing, one per line.
missing_packages() {
	local tool package
	while read -r tool package; do
		if [[ $tool == /* ]]; then
			[[ -e $tool ]] || echo "$package"
		else
			command -v "$tool" >/dev/null || echo "$package"
		fi
	done < <(needed_tools) | sort -u
}

missing=$(missing_packages | paste -sd ' ')
if [[ -n $missing ]]; then
	echo "run.sh: missing packages: $missing" >&2
	echo "run.sh: install them as root with: scripts/deps.sh --bench" >&2
	exit 1
fi
((check_only)) && exit 0

[[ $EUID -eq 0 ]] || bench_fail "must run as root: it creates network namespaces"
getent passwd crest >/dev/null ||
	bench_fail "system user 'crest' not found: crestd's engine runs as it; create it with scripts/deps.sh"

# Session ------------------------------------------------------------------

# shellcheck source=tests/lib/netns.sh
source "$repo/tests/lib/netns.sh"
# shellcheck source=tests/lib/strongswan.sh
source "$repo/tests/lib/strongswan.sh"
# shellcheck source=bench/measure.sh
source "$repo/bench/measure.sh"
# shellcheck source=bench/peers.sh
source "$repo/bench/peers.sh"
# shellcheck source=bench/report.sh
source "$repo/bench/report.sh"

BENCH_WORK=$(mktemp -d /tmp/crest-bench.XXXXXX)
chmod 700 "$BENCH_WORK"
BENCH_HZ=$(getconf CLK_TCK)
BENCH_PSK_HEX=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
current_setup=

# A signal can end the script inside a function call whose output goes to
# a file, and the EXIT trap then inherits that redirection. These copies
# of stdout and stderr let the trap print to the terminal again.
exec {bench_stdout}>&1 {bench_stderr}>&2

bench_cleanup() {
	local status=$?
	[[ $BASHPID == "$NETNS_OWNER" ]] || return "$status"
	exec 1>&"$bench_stdout" 2>&"$bench_stderr"
	if ((status != 0)) && [[ -n $current_setup ]]; then
		echo "run.sh: failed during setup $current_setup; its logs follow" >&2
		peer_log_dump
	fi
	netns_cleanup
	rm -rf "$BENCH_WORK"
	return "$status"
}
trap bench_cleanup EXIT
trap '[[ $BASHPID != "$NETNS_OWNER" ]] || exit 130' INT
trap '[[ $BASHPID != "$NETNS_OWNER" ]] || exit 143' TERM

if [[ -z $build_dir ]]; then
	build_dir=$repo/build-bench
	echo "run.sh: building crest (Release) in $build_dir"
	"$repo/scripts/build.sh" --build-dir "$build_dir" -- \
		-DCMAKE_BUILD_TYPE=Release >"$BENCH_WORK/build.log" 2>&1 || {
		tail -n 40 "$BENCH_WORK/build.log" >&2
		bench_fail "building crest failed"
	}
fi
BENCH_CRESTD=$(cd "$build_dir" 2>/dev/null && pwd)/crestd
[[ -x $BENCH_CRESTD ]] ||
	bench_fail "crestd not found in build folder '$build_dir': build crest there first"

# Names start with bench- and end in a random suffix, so runs and tests
# that share the machine do not collide.
netns_setup "$(printf 'bench-%05x' $((RANDOM * 32 + RANDOM % 32)))"

report_header "$build_dir" "$reps" "$seconds" "$pings" "$streams_list"
for setup in "${setups[@]}"; do
	current_setup=$setup
	echo "== $(date +%T) $setup"
	peer_up "$setup"
	read -r src dst <<<"$(peer_addresses "$setup")"
	mtu=$(peer_mtu "$src" "$dst")
	record "$setup" mtu "$mtu" bytes
	echo "$setup: $src -> $dst, device MTU $mtu"
	for streams in $streams_list; do
		measure_tcp "$setup" "$src" "$dst" "$streams" "$reps" "$seconds"
	done
	measure_ping "$setup" "$src" "$dst" "$pings"
	peer_down "$setup"
done
current_setup=

report_summary "$streams_list" "${setups[@]}"
report_ratios "$streams_list" "${setups[@]}"
if [[ -n $tsv ]]; then
	report_tsv >"$tsv"
	echo "run.sh: results written to $tsv"
fi
