#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# crestd with privilege separation (the default) against crestd
# --no-privsep. a's engine runs as the crest user with no capabilities,
# under seccomp and no_new_privs, chrooted into an empty root-owned
# directory, and keeps no descriptor crestd inherited. It keeps neither the
# PSK nor prf(PSK, "Key Pad for IKEv2") in memory after the tunnel comes up
# or after an IKE SA and a CHILD_SA rekey, while the keeper keeps the PSK
# (which proves the memory scan works). A reload through crestctl and
# SIGHUP reaches the engine, and a bad file is rejected with its line.
# After SIGKILL the keeper starts a new engine that brings the tunnel back
# within 10 s.
#
# usage: test_privsep.sh CRESTD CRESTCTL
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib_crest.sh
source "$here/lib_crest.sh"

netns_require_root
id crest >/dev/null 2>&1 || {
	echo "SKIP: user crest not found: run scripts/deps.sh" >&2
	exit 77
}
crest_init "$1" "$2"
prefix=$(netns_prefix priv)
netns_setup "$prefix"

crest_config a local=192.0.2.1 remote=192.0.2.2 start_action=initiate
crest_config b local=192.0.2.2 remote=192.0.2.1 side=b
# b runs as one process, so the tunnel also shows that both modes speak
# the same IKE and ESP; a separates privileges by default.
crest_start b "$NS_B" --no-privsep
crest_wait_log b 'device crest0 up' 10
# a starts with descriptor 200 open on its secrets file, as a careless
# parent might leave it: neither the keeper nor the engine may keep it.
exec 200<"$CREST_WORK/a.secrets"
crest_start a "$NS_A"
exec 200<&-
check "tunnel up with privilege separation" crest_wait_up a b 20
check_eq "a: status says privileges are separated" True \
	"$(crest_query a status 'd["privsep"]')"
check_eq "a: status pid is the keeper" "${CREST_PIDS[a]}" \
	"$(crest_query a status 'd["pid"]')"
check_eq "a: status names the engine's user" crest \
	"$(crest_query a status 'd["engine_user"]')"
check_eq "b: status says one process" False \
	"$(crest_query b status 'd["privsep"]')"
check_eq "b: status pid is crestd" "${CREST_PIDS[b]}" \
	"$(crest_query b status 'd["pid"]')"
check_eq "b: no engine process" "" "$(pgrep -P "${CREST_PIDS[b]}" || true)"
check "b: --no-privsep warns in the log" crest_wait_log b \
	'--no-privsep: the PSKs live in the root process' 1
check "ping through the tunnel" netns_exec "$NS_A" \
	ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1

keeper=${CREST_PIDS[a]}
spi_i=$(crest_query a sas 'd["sas"][0]["spi_i"]')
spi_r=$(crest_query a sas 'd["sas"][0]["spi_r"]')
check "the keeper logs the IKE SA of its AUTH values" crest_wait_log a \
	"own AUTH value for to-peer ${spi_i}_i ${spi_r}_r" 1
check "the keeper logs the peer's AUTH value too" crest_wait_log a \
	"peer's AUTH value for to-peer ${spi_i}_i ${spi_r}_r" 1
engine_of() {
	pgrep -P "$1" | head -n 1
}
engine=$(engine_of "$keeper")
check "the keeper has an engine child" test -n "$engine"

echo "# the engine's descriptors"
# Prints the targets of the descriptors of PID above 2. The engine's must be
# sockets, the TUN devices (whose path carries the prefix of a chroot this
# test runs in) and anonymous inodes (epoll, signalfd).
fd_targets() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		((${fd##*/} > 2)) && readlink "$fd"
	done
	return 0
}
engine_fds=$(fd_targets "$engine")
sed 's/^/# engine descriptor: /' <<<"$engine_fds"
check_not "the engine holds no inherited descriptor" \
	grep -q 'a.secrets' <<<"$engine_fds"
check_not "the keeper holds no inherited descriptor" \
	grep -q 'a.secrets' <<<"$(fd_targets "${CREST_PIDS[a]}")"
check_not "the engine holds only sockets, TUN devices and anonymous inodes" \
	grep -Ev '^(socket:|anon_inode:|(/.*)?/dev/net/tun$)' <<<"$engine_fds"

echo "# the engine's credentials"
status=$(cat "/proc/$engine/status")
field() {
	awk -v k="$1:" '$1 == k { print $2 }' <<<"$status"
}
crest_uid=$(id -u crest)
crest_gid=$(id -g crest)
check_eq "engine uid is crest's" "$crest_uid" "$(field Uid)"
check_eq "engine gid is crest's" "$crest_gid" "$(field Gid)"
check_not "engine uid is not 0" test "$(field Uid)" = 0
for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
	check_eq "engine $cap is 0" 0000000000000000 "$(field "$cap")"
done
check_eq "engine Seccomp is 2 (filter)" 2 "$(field Seccomp)"
check_eq "engine NoNewPrivs is 1" 1 "$(field NoNewPrivs)"
# /proc/PID/root reaches the engine's root whatever the path looks like
# from here (inside another chroot it carries that chroot's prefix).
root=/proc/$engine/root/
check "engine root is the chroot directory" test "$root" -ef /run/crest/empty
check_eq "the chroot directory is empty" "" "$(ls -A "$root")"
check_eq "the chroot directory is owned by root" 0 "$(stat -c %u "$root")"
check_eq "the chroot directory is mode 755" 755 "$(stat -c %a "$root")"
check_not "the crest user cannot write to it" \
	setpriv --reuid crest --regid crest --init-groups \
	touch /run/crest/empty/x

echo "# secrets in memory"
# Prints how often each needle occurs in the writable and readable
# mappings of process PID: the PSK and prf(PSK, "Key Pad for IKEv2").
scan() {
	python3 - "$1" <<'PY'
import hashlib, hmac, re, sys
pid = sys.argv[1]
psk = b"crest netns test key, not for real use"
pad = hmac.new(psk, b"Key Pad for IKEv2", hashlib.sha256).digest()
needles = {"psk": psk, "pad": pad}
found = {name: 0 for name in needles}
CHUNK = 4 << 20
# AddressSanitizer's shadow memory is a readable mapping of terabytes that
# contains no program data; the heap and everything else are far smaller.
LIMIT = 4 << 30
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
        start, end, perm = int(m[1], 16), int(m[2], 16), m[3]
        if perm[0] != "r" or "[vvar]" in line or "[vsyscall]" in line:
            continue
        if end - start > LIMIT:
            continue
        # Each needle keeps its own overlap: len - 1 bytes of the previous
        # chunk, too short to hold a whole match counted before.
        tails = {name: b"" for name in needles}
        for at in range(start, end, CHUNK):
            try:
                mem.seek(at)
                data = mem.read(min(CHUNK, end - at))
            except (OSError, ValueError, OverflowError):
                break
            for name, needle in needles.items():
                found[name] += (tails[name] + data).count(needle)
                tails[name] = data[-(len(needle) - 1):]
print(found["psk"], found["pad"])
PY
}
read -r keeper_psk _ < <(scan "$keeper")
read -r engine_psk engine_pad < <(scan "$engine")
check_ge "the scan finds the PSK in the keeper" 1 "$keeper_psk"
check_eq "no PSK in the engine" 0 "$engine_psk"
check_eq "no prf(PSK, key pad) in the engine" 0 "$engine_pad"

echo "# secrets in memory after rekeys"
# crestctl returns once the exchange starts, so the logs show when it
# finished.
ike_rekeys() {
	grep -c 'IKE SA rekeyed' "$CREST_WORK/a.log" || true
}
before=$(ike_rekeys)
check "crestctl rekey --ike" "$CRESTCTL" --socket "$CREST_WORK/a.ctl" \
	rekey to-peer --ike
check "the IKE SA is rekeyed" wait_for 10 \
	bash -c "(( \$(grep -c 'IKE SA rekeyed' '$CREST_WORK/a.log') > $before ))"
check "crestctl rekey (CHILD_SA)" "$CRESTCTL" --socket "$CREST_WORK/a.ctl" \
	rekey to-peer
check "ping after the rekeys" netns_exec "$NS_A" \
	ping -c 3 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1
read -r engine_psk engine_pad < <(scan "$engine")
check_eq "no PSK in the engine after the rekeys" 0 "$engine_psk"
check_eq "no prf(PSK, key pad) in the engine after the rekeys" 0 \
	"$engine_pad"

echo "# reload with privilege separation"
spi_before=$(crest_query a sas 'd["sas"][0]["spi_i"]')
cp "$CREST_WORK/a.conf" "$CREST_WORK/a.conf.good"
sed -i 's/esp_proposals = \[ "aes256gcm16" \]/esp_proposals = [ "aes128gcm16", "aes256gcm16" ]/' \
	"$CREST_WORK/a.conf"
out=$("$CRESTCTL" --socket "$CREST_WORK/a.ctl" --json reload)
check "reload: the changed connection is counted" \
	jq -e '.connections.changed == 1 and .sas.deleted == 1 and .initiated == 1' \
	<<<"$out"
check "reload: the engine applies the keeper's text" \
	crest_wait_log a 'applying the configuration from the keeper' 5
check "reload: a new IKE SA replaces the old one" wait_for 20 bash -c \
	"test \"\$('$CRESTCTL' --socket '$CREST_WORK/a.ctl' --json sas | jq -r '.sas[] | select(.state == \"established\") | .spi_i')\" != '' &&
	 ! '$CRESTCTL' --socket '$CREST_WORK/a.ctl' --json sas | jq -e '.sas[] | select(.spi_i == \"$spi_before\")' >/dev/null"
check "reload: ping through the new SA" wait_for 10 netns_exec "$NS_A" \
	ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1
check "reload: connections show the new proposal" bash -c \
	"'$CRESTCTL' --socket '$CREST_WORK/a.ctl' --json connections | jq -e '.connections[0].esp_proposals[0] == \"aes128gcm16\"'"

printf 'log_level = "info";\nsecrets = ;\nrealms = ();\n' >"$CREST_WORK/a.conf"
rc=0
out=$("$CRESTCTL" --socket "$CREST_WORK/a.ctl" reload 2>&1) || rc=$?
check_eq "bad file: crestctl reload exits 1" 1 "$rc"
check "bad file: the error names the file and line" \
	grep -qF "a.conf:2:" <<<"$out"
check "bad file: the keeper logs the rejection" \
	crest_wait_log a '\[keeper\] reload failed, keeping the running configuration' 5
check "bad file: the tunnel stays up" netns_exec "$NS_A" \
	ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1

cp "$CREST_WORK/a.conf.good" "$CREST_WORK/a.conf"
applied=$(grep -c 'applying the configuration from the keeper' "$CREST_WORK/a.log")
kill -HUP "$keeper"
check "SIGHUP: the engine applies the keeper's text" wait_for 10 bash -c \
	"(( \$(grep -c 'applying the configuration from the keeper' '$CREST_WORK/a.log') > $applied ))"
check "SIGHUP: connections show the old proposal again" wait_for 5 bash -c \
	"'$CRESTCTL' --socket '$CREST_WORK/a.ctl' --json connections | jq -e '.connections[0].esp_proposals[0] == \"aes256gcm16\"'"
check "SIGHUP: ping through the tunnel" wait_for 20 netns_exec "$NS_A" \
	ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1
check "the engine survived the reloads" kill -0 "$engine"

echo "# engine killed"
kill -KILL "$engine"
start=$SECONDS
check "a new engine comes up" wait_for 10 bash -c \
	"test -n \"\$(pgrep -P $keeper)\" && test \"\$(pgrep -P $keeper)\" != $engine"
check "traffic passes again within 10 s" wait_for 10 netns_exec "$NS_A" \
	ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1
check_ge "it took at most 10 s" $((SECONDS - start)) 10
new_engine=$(engine_of "$keeper")
read -r engine_psk engine_pad < <(scan "$new_engine")
check_eq "no PSK in the new engine either" 0 "$engine_psk"
check_eq "no prf(PSK, key pad) in the new engine" 0 "$engine_pad"

echo "# stop"
rc=0
crest_stop a || rc=$?
check_eq "keeper exits 0 on SIGTERM" 0 "$rc"
check "b sees the Delete" crest_wait_log b 'peer deleted the IKE SA' 5
check_done
