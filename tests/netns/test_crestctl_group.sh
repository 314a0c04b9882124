#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# crestd --control-group: with --control-group crest the control socket is
# srw-rw---- root:crest, so crestctl run as the user crest can query it and
# the user nobody cannot. Without the option the socket is srw------- and
# the user crest gets exit status 3 with "permission denied". Both hold
# with privilege separation, where the keeper creates the socket and the
# engine serves it, and with --no-privsep. An unknown group stops crestd at
# start-up.
#
# Needs root, setpriv, and the user and group crest that scripts/deps.sh
# creates; exits 77 otherwise.
#
# usage: test_crestctl_group.sh CRESTD CRESTCTL
set -euo pipefail

usage="usage: test_crestctl_group.sh CRESTD CRESTCTL"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
if ! getent group crest >/dev/null || ! getent passwd crest >/dev/null; then
	echo "SKIP: no user and group crest: run scripts/deps.sh" >&2
	exit 77
fi
if ! getent passwd nobody >/dev/null || ! command -v setpriv >/dev/null; then
	echo "SKIP: the user nobody or setpriv (util-linux) is missing" >&2
	exit 77
fi
# Other users must be able to reach programs at all: a chroot whose root
# directory is mode 0700, as some build sandboxes make, stops them at "/".
if ! setpriv --reuid nobody --regid nogroup --clear-groups /bin/true \
	2>/dev/null; then
	echo "SKIP: other users cannot run programs here (mode of /:" \
		"$(stat -c %a /))" >&2
	exit 77
fi
crest_init "${1:?$usage}" "${2:?$usage}"
# The users crest and nobody must reach the socket and crestctl: the work
# folder becomes searchable but not listable, and crestctl is copied into
# it because the build folder may not be searchable. The secrets file
# stays at mode 0600.
chmod 711 "$CREST_WORK"
install -m 755 "$CRESTCTL" "$CREST_WORK/crestctl"

netns_setup "$(netns_prefix grp)"
crest_config a local="$ADDR_A4" remote="$ADDR_B4"
socket=$CREST_WORK/a.ctl

# Runs crestctl status on the socket as user NAME with only NAME's groups:
# crestctl_as NAME.
crestctl_as() {
	setpriv --reuid "$1" --regid "$(id -g "$1")" --init-groups \
		"$CREST_WORK/crestctl" --socket "$socket" --json status
}

# Runs crestd on the side a configuration with extra options, expecting it
# to exit at once, and prints its output: crestd_fails [CRESTD_OPTION...].
crestd_fails() {
	netns_exec "$NS_A" timeout 10 "$CRESTD" -c "$CREST_WORK/a.conf" \
		--control "$socket" "$@" 2>&1
}

echo "# unknown group"
rc=0
out=$(crestd_fails --control-group crest-no-such-group) || rc=$?
check_eq "unknown group: crestd exits 1" 1 "$rc"
check "unknown group: message names the group" \
	grep -qF '"crest-no-such-group"' <<<"$out"
check "unknown group: message says unknown group" \
	grep -qF "unknown group" <<<"$out"
check_not "unknown group: no socket file" test -e "$socket"
check_not "unknown group: no TUN device" netns_exec "$NS_A" ip link show crest0

# Starts crestd with the group, checks who may use the socket, stops it:
# group_case LABEL [CRESTD_OPTION...].
group_case() {
	local label=$1 rc out
	shift
	echo "# --control-group crest ($label)"
	crest_start a "$NS_A" --control-group crest "$@"
	check "$label: crestd creates the socket" wait_for 10 test -S "$socket"
	check_eq "$label: socket mode is srw-rw----" "srw-rw----" \
		"$(stat -c %A "$socket")"
	check_eq "$label: socket owner is root" root "$(stat -c %U "$socket")"
	check_eq "$label: socket group is crest" crest "$(stat -c %G "$socket")"
	check "$label: crestd logs the mode and group" \
		crest_wait_log a "listening on $socket, mode 0660, group ID $(getent group crest | cut -d: -f3)" 5
	out=$(crestctl_as crest 2>&1) || true
	check "$label: user crest gets the status" \
		jq -e --argjson pid "${CREST_PIDS[a]}" '.pid == $pid' <<<"$out"
	rc=0
	out=$(crestctl_as nobody 2>&1) || rc=$?
	check_eq "$label: user nobody gets exit status 3" 3 "$rc"
	check "$label: user nobody gets permission denied" \
		grep -qF "permission denied" <<<"$out"
	check "$label: the message names the group option" \
		grep -qF -- "--control-group" <<<"$out"
	check "$label: root gets the status" \
		"$CRESTCTL" --socket "$socket" --json status
	rc=0
	crest_stop a || rc=$?
	check_eq "$label: crestd exits 0 on TERM" 0 "$rc"
	check_not "$label: crestd removes the socket" test -e "$socket"
}

group_case "separated"
group_case "one process" --no-privsep

echo "# without --control-group"
crest_start a "$NS_A"
check "default: crestd creates the socket" wait_for 10 test -S "$socket"
check_eq "default: socket mode is srw-------" "srw-------" \
	"$(stat -c %A "$socket")"
check_eq "default: socket owner is root" root "$(stat -c %U "$socket")"
rc=0
out=$(crestctl_as crest 2>&1) || rc=$?
check_eq "default: user crest gets exit status 3" 3 "$rc"
check "default: user crest gets permission denied" \
	grep -qF "permission denied" <<<"$out"
check "default: root gets the status" \
	"$CRESTCTL" --socket "$socket" --json status
rc=0
crest_stop a || rc=$?
check_eq "default: crestd exits 0 on TERM" 0 "$rc"

check_done
