#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# crestd rejects a secrets file that group or others may access: it exits
# non-zero before creating any device, and its message names the file and
# the mode and tells the user to run chmod 600. At mode 0600 the same files
# start.
# crestd runs inside a namespace of its own, so a wrong start creates
# nothing in the host's namespace.
#
# usage: test_secrets_mode.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
crest_init "${1:?usage: test_secrets_mode.sh CRESTD CRESTCTL}" "${2:-}"

netns_setup "$(netns_prefix sec)"
crest_config a local="$ADDR_A4" remote="$ADDR_B4"
conf=$CREST_WORK/a.conf
secrets=$CREST_WORK/a.secrets

for mode in 0644 0640 0604 0660; do
	echo "# secrets file at mode $mode"
	chmod "$mode" "$secrets"
	rc=0
	out=$(netns_exec "$NS_A" timeout 10 "$CRESTD" -c "$conf" 2>&1) || rc=$?
	printf '%s\n' "$out"
	check "$mode: crestd exits non-zero (got $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
	check "$mode: message names the secrets file" grep -qF "$secrets" <<<"$out"
	check "$mode: message names the mode" grep -qF "mode $mode" <<<"$out"
	check "$mode: message says chmod 600" grep -qF "chmod 600" <<<"$out"
	check_not "$mode: no TUN device created" \
		netns_exec "$NS_A" ip link show crest0
	rc=0
	out=$(netns_exec "$NS_A" timeout 10 "$CRESTD" --check "$conf" 2>&1) || rc=$?
	check "$mode: crestd --check exits non-zero (got $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
	check "$mode: crestd --check names the mode" grep -qF "mode $mode" <<<"$out"
done

echo "# secrets file at mode 0600"
chmod 600 "$secrets"
check "0600: crestd --check accepts the files" \
	netns_exec "$NS_A" timeout 10 "$CRESTD" --check "$conf"
crest_start a "$NS_A"
check "0600: crestd starts and creates crest0" crest_wait_log a 'device crest0 up' 10
check "0600: crestd keeps running" crest_running a
rc=0
crest_stop a || rc=$?
check_eq "0600: crestd exits 0 on TERM" 0 "$rc"

check_done
