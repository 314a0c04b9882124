#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# crestd with privilege separation (side a, initiator) against strongSwan 5.9.8 with
# kernel-libipsec (side b). After the tunnel is up and carries pings, the
# engine process gets SIGKILL. The keeper must start a new engine, which
# sets up a new IKE SA with INITIAL_CONTACT, so traffic passes again within
# 10 s of the kill and strongSwan ends with exactly one IKE SA.
#
# usage: test_ss_privsep.sh CRESTD CRESTCTL
set -euo pipefail

usage="usage: test_ss_privsep.sh CRESTD CRESTCTL"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"
# shellcheck source=lib_interop.sh
source "$here/lib_interop.sh"

ss_require
id crest >/dev/null 2>&1 || {
	echo "SKIP: user crest not found: run scripts/deps.sh" >&2
	exit 77
}
interop_init ssp "${1:?$usage}" "${2:?$usage}"

ike="aes256gcm16-prfsha256-x25519"
esp="aes256gcm16"
ss_conf none "$ike" "$esp"
ss_start
crest_conf a initiate "$ike" "$esp"
crest_start_with_options a
keeper=$CREST_PID_a

# Prints the microseconds since the Unix epoch.
now_us() {
	local now=$EPOCHREALTIME
	echo "${now//[.,]/}"
}

ping_once() {
	netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1
}

# Prints the number of IKE SAs that strongSwan lists, in any state.
ss_ike_sa_count() {
	ss_swanctl --list-sas | grep -cE '^site: #[0-9]+, ' || true
}

ss_ike_sa_count_is() {
	[[ $(ss_ike_sa_count) == "$1" ]]
}

ss_established_count() {
	ss_swanctl --list-sas | grep -cE '^site: #[0-9]+, ESTABLISHED, IKEv2' || true
}

echo "# tunnel up"
check "crestd logs the CHILD_SA" crest_wait_child a 15
check "crestd routes 203.0.113.0/24" wait_for 5 has_route "$NS_A" 203.0.113.0/24
# The first ping may wait for charon's route to 198.51.100.0/24.
check "a ping gets through" wait_for 10 ping_once
check "ping a -> b through the tunnel" interop_ping a
check "strongSwan lists one IKE SA" ss_ike_sa_count_is 1
engine=$(pgrep -P "$keeper" | head -n 1 || true)
check "the keeper has an engine child" test -n "$engine"
old_spi=$(crest_sas a | jq -r '.sas[0].spi_i' || true)
check "crestd lists the IKE SA" test -n "$old_spi"
check_not "strongSwan has closed no IKE SA yet" \
	ss_log_has 'destroying duplicate IKE_SA'

echo "# engine killed"
killed_us=$(now_us)
kill -KILL "${engine:-0}"
recovered_ms=
for ((try = 0; try < 50; try++)); do
	if ping_once >/dev/null 2>&1; then
		recovered_ms=$((($(now_us) - killed_us) / 1000))
		break
	fi
	(($(now_us) - killed_us >= 10000000)) && break
	sleep 0.2
done
echo "# traffic passes again ${recovered_ms:-never} ms after SIGKILL"
check "traffic passes again after SIGKILL" test -n "$recovered_ms"
check "it took at most 10000 ms" test "${recovered_ms:-99999}" -le 10000
check "the keeper is alive" kill -0 "$keeper"
check "the keeper logs the engine's death" crest_log_has a \
	"engine PID $engine killed by signal 9"
new_engine=$(pgrep -P "$keeper" | head -n 1 || true)
check "the keeper has a new engine" test -n "$new_engine"
check_not "the new engine is another process" test "$new_engine" = "$engine"
check "ping a -> b through the new tunnel" interop_ping a
check "ping b -> a through the new tunnel" interop_ping b

echo "# INITIAL_CONTACT"
# Every new engine starts without SAs, so both IKE_AUTH requests carry
# INITIAL_CONTACT, and charon 5.9.8 logs how it handles the second one.
check_eq "strongSwan receives two IKE_AUTH with INITIAL_CONTACT" 2 \
	"$(ss_log_count 'parsed IKE_AUTH request 1 \[.*N\(INIT_CONTACT\)')"
check "strongSwan closes the stale IKE SA" wait_for 5 ss_log_has \
	"destroying duplicate IKE_SA for peer '192\\.0\\.2\\.1', received INITIAL_CONTACT"
check "strongSwan ends with one IKE SA" wait_for 10 ss_ike_sa_count_is 1
check_eq "strongSwan's IKE SA is established" 1 "$(ss_established_count)"
check "crestd lists one IKE SA" crest_sas_match a '(.sas | length) == 1'
new_spi=$(crest_sas a | jq -r '.sas[0].spi_i' || true)
check_not "crestd's IKE SA is a new one" test "$new_spi" = "$old_spi"

echo "# stop"
kill -TERM "$keeper"
check "the keeper exits on SIGTERM" wait_for 10 bash -c "! kill -0 $keeper"
rc=0
wait "$keeper" || rc=$?
CREST_PID_a=
check_eq "the keeper exits 0" 0 "$rc"
check "strongSwan deletes the SA after crestd stops" \
	wait_for 5 ss_ike_sa_count_is 0
check_done
