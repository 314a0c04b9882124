#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The crestctl commands that change state, against two crestd gateways in
# network namespaces: initiate, rekey (CHILD_SA and IKE SA), terminate,
# reload (unchanged, changed, broken and realm-changing files, and SIGHUP),
# check and log, with the JSON shape of each response and the exit codes.
#
# Gateway a has two connections to b: v4 over the IPv4 underlay carries
# 198.51.100.0/24 === 203.0.113.0/24 and waits for crestctl initiate; v6
# over the IPv6 underlay carries 2001:db8:a::/64 === 2001:db8:b::/64 and
# starts by itself, so that a reload that changes it starts it again.
#
#   test_crestctl_ops.sh CRESTD CRESTCTL      (as root; exits 77 otherwise)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

crestd=$(realpath "${1:?usage: test_crestctl_ops.sh CRESTD CRESTCTL}")
crestctl=$(realpath "${2:?usage: test_crestctl_ops.sh CRESTD CRESTCTL}")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# NOTE: the shared helpers in tests/lib may be missing from a partial
# checkout; the test skips then instead of failing on the source line.
for lib_file in netns.sh check.sh; do
	[[ -r $here/../lib/$lib_file ]] || {
		echo "SKIP: tests/lib/$lib_file not found" >&2
		exit 77
	}
done
# shellcheck source=../lib/netns.sh
source "$here/../lib/netns.sh"
# shellcheck source=../lib/check.sh
source "$here/../lib/check.sh"

netns_require_root
command -v python3 >/dev/null || {
	echo "SKIP: python3 not found: run scripts/deps.sh" >&2
	exit 77
}
work=$(mktemp -d /tmp/crest-ops.XXXXXX)
cleanup() {
	local status=$?
	netns_cleanup || true
	if ((status != 0 || CHECK_FAILED > 0)); then
		log_dump -n 300 "$work/a.log" "$work/b.log"
	fi
	rm -rf "$work"
	return "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

netns_setup "$(netns_prefix cops)"
# A fixed test value: these namespaces carry no real traffic.
psk="crestctl ops test key, not for real use"

# Writes $work/NAME.conf: write_conf NAME SIDE [V6_ESP [INNER4 [LINE5]]].
# SIDE a or b picks the addresses; V6_ESP is the v6 connection's ESP
# proposal list; INNER4 the realm's IPv4 inner address; LINE5 replaces
# line 5 of the file, to plant an error on a known line.
write_conf() {
	local name=$1 side=$2 v6_esp=${3:-'"aes256gcm16"'} inner4=${4:-}
	local line5=${5:-'realms = ('}
	local l4 r4 l6 r6 lnet4 rnet4 lnet6 rnet6 start6
	if [[ $side == a ]]; then
		l4=$ADDR_A4 r4=$ADDR_B4 l6=$ADDR_A6 r6=$ADDR_B6
		lnet4=198.51.100 rnet4=203.0.113 lnet6=a rnet6=b start6=initiate
	else
		l4=$ADDR_B4 r4=$ADDR_A4 l6=$ADDR_B6 r6=$ADDR_A6
		lnet4=203.0.113 rnet4=198.51.100 lnet6=b rnet6=a start6=wait
	fi
	inner4=${inner4:-$lnet4.1/24}
	cat >"$work/$name.conf" <<-EOF
		log_level = "debug";
		secrets = "$name.secrets";

		# The realm list starts on line 5.
		$line5
		  {
		    name = "site";
		    tun = "crest0";
		    inner = [ "$inner4", "2001:db8:$lnet6::1/64" ];
		    connections = (
		      {
		        name = "v4";
		        local = "$l4";
		        remote = "$r4";
		        ike_proposals = [ "aes256gcm16-prfsha256-x25519" ];
		        esp_proposals = [ "aes256gcm16" ];
		        local_ts = [ "$lnet4.0/24" ];
		        remote_ts = [ "$rnet4.0/24" ];
		      },
		      {
		        name = "v6";
		        local = "$l6";
		        remote = "$r6";
		        ike_proposals = [ "aes256gcm16-prfsha256-x25519" ];
		        esp_proposals = [ $v6_esp ];
		        local_ts = [ "2001:db8:$lnet6::/64" ];
		        remote_ts = [ "2001:db8:$rnet6::/64" ];
		        start_action = "$start6";
		      }
		    );
		  }
		);
	EOF
	cat >"$work/$name.secrets" <<-EOF
		psk = (
		  { local = "$l4"; remote = "$r4"; secret = "$psk"; },
		  { local = "$l6"; remote = "$r6"; secret = "$psk"; }
		);
	EOF
	chmod 600 "$work/$name.secrets"
}

write_conf a a
# b accepts both ESP proposals a offers for v6 in its file's versions.
write_conf b b '"aes256gcm16", "aes128gcm16"'
ip netns exec "$NS_B" "$crestd" -c "$work/b.conf" --control "$work/b.ctl" \
	>"$work/b.log" 2>&1 &
pid_b=$!
netns_track_pid "$pid_b"
wait_for 10 grep -q 'device crest0 up' "$work/b.log" ||
	netns_fail "gateway b did not start"
ip netns exec "$NS_A" "$crestd" -c "$work/a.conf" --control "$work/a.ctl" \
	>"$work/a.log" 2>&1 &
pid_a=$!
netns_track_pid "$pid_a"

# Runs crestctl against gateway NAME: ctl NAME ARGS...
ctl() {
	local name=$1
	shift
	timeout 10 "$crestctl" --socket "$work/$name.ctl" "$@"
}

# Runs crestctl --json against NAME, stores stdout in $work/out.json and
# stderr in $work/err.txt, and sets rc to the exit code: run NAME ARGS...
run() {
	local name=$1
	shift
	rc=0
	ctl "$name" --json "$@" >"$work/out.json" 2>"$work/err.txt" || rc=$?
}

# Evaluates a Python expression over the JSON in $work/out.json (as d).
json_true() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[2]))
sys.exit(0 if eval("(" + sys.argv[1] + ")") else 1)
' "$1" "$work/out.json"
}

# Checks the last run's exit code and a JSON expression: expect DESC RC EXPR.
expect() {
	local desc=$1 want=$2 expr=$3
	check_eq "$desc: exit code" "$want" "$rc"
	check "$desc: response" json_true "$expr"
}

# Prints a value from the sas response of NAME: sa_value NAME EXPR, where
# EXPR sees sa(conn), the live IKE SA of a connection, and child(conn),
# its installed CHILD_SA that no rekey replaced. Prints "-" if missing.
sa_value() {
	local json
	json=$(ctl "$1" --json sas) || return 1
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
def sa(conn):
    return [s for s in d["sas"] if s["name"] == conn and
            s["state"] == "established"][0]
def child(conn):
    return [c for c in sa(conn)["children"]
            if c["installed"] and not c["replaced"]][0]
try:
    print(eval(sys.argv[2]))
except (IndexError, KeyError):
    print("-")
' "$json" "$2"
}

# Returns 0 when the IKE SA of CONN on NAME is established with a CHILD_SA.
sa_up() {
	[[ $(sa_value "$1" "child('$2')['spi_in']") != - ]]
}

# Returns 0 when gateway NAME has no IKE SA for CONN in any state.
sa_gone() {
	[[ $(ctl "$1" --json sas | python3 -c '
import json, sys
print(sum(s["name"] == sys.argv[1] for s in json.load(sys.stdin)["sas"]))
' "$2") == 0 ]]
}

# Returns 0 when the value of EXPR on NAME differs from OLD.
value_changed() {
	local value
	value=$(sa_value "$1" "$2")
	[[ $value != - && $value != "$3" ]]
}

ping4() {
	netns_exec "$NS_A" ping -c 1 -W 2 -I 198.51.100.1 203.0.113.1
}

ping6() {
	netns_exec "$NS_A" ping -6 -c 1 -W 2 -I 2001:db8:a::1 2001:db8:b::1
}

echo "# start-up: v6 starts itself, v4 waits"
wait_for 20 sa_up a v6 || netns_fail "v6 IKE SA not up within 20 s"
check "v6: ping crosses the tunnel" wait_for 10 ping6
check "v4: no IKE SA before initiate" sa_gone a v4

echo "# initiate"
run a initiate v4
expect "initiate v4" 0 'd == {"connection": "v4", "result": "started"}'
check "v4: IKE SA up after initiate" wait_for 20 sa_up a v4
check "v4: ping crosses the tunnel" wait_for 10 ping4
run a initiate v4
expect "initiate v4 again" 1 'd["code"] == "already_up" and
	set(d) == {"error", "code"} and "already up" in d["error"]'
check "initiate v4 again: error on stderr" grep -q "already up" "$work/err.txt"
run a initiate nosuch
expect "initiate unknown" 1 'd["code"] == "unknown_connection" and
	"nosuch" in d["error"]'
rc=0
ctl a initiate >/dev/null 2>&1 || rc=$?
check_eq "initiate without a connection: usage exit code" 2 "$rc"
rc=0
ctl a initiate v4 v6 >/dev/null 2>&1 || rc=$?
check_eq "initiate with two connections: usage exit code" 2 "$rc"
check "initiate text output" bash -c \
	"'$crestctl' --socket '$work/a.ctl' initiate v4 2>&1 | grep -q 'already up'"

echo "# sas lifetimes"
run a sas
expect "sas" 0 'all({"rekey_in", "expire_in"} <= set(s) and
	all({"rekey_in", "expire_in", "replaced", "rekeying"} <= set(c)
	    for c in s["children"]) for s in d["sas"])'
check "sas: IKE rekey_in is a count of seconds" json_true \
	'all(isinstance(s["rekey_in"], int) and 0 < s["rekey_in"] <= 4 * 3600
	     for s in d["sas"] if s["state"] == "established")'
check "sas: CHILD_SA expire_in follows rekey_in" json_true \
	'all(c["expire_in"] >= c["rekey_in"] > 0 for s in d["sas"]
	     for c in s["children"])'
check "sas: no CHILD_SA replaced or rekeying" json_true \
	'not any(c["replaced"] or c["rekeying"] for s in d["sas"]
		 for c in s["children"])'
check "sas text shows the lifetimes" bash -c \
	"'$crestctl' --socket '$work/a.ctl' sas | grep -q 'rekey in [0-9]* s, expires in'"

echo "# rekey the CHILD_SA"
old_child=$(sa_value a "child('v4')['spi_in']")
old_peer_child=$(sa_value b "child('v4')['spi_in']")
old_ike=$(sa_value a "sa('v4')['spi_i']")
run a rekey v4
expect "rekey v4" 0 'd == {"connection": "v4", "rekeyed": "child", "sas": 1}'
check "a: new CHILD_SA SPI" wait_for 10 value_changed a \
	"child('v4')['spi_in']" "$old_child"
check "b: new CHILD_SA SPI" wait_for 10 value_changed b \
	"child('v4')['spi_in']" "$old_peer_child"
# The old inbound SA stays for a 2 s grace time, marked replaced.
check_eq "a: the replaced CHILD_SA has no rekey time" "[None]" \
	"$(sa_value a "[c['rekey_in'] for c in sa('v4')['children'] if c['replaced']]")"
check_eq "child rekey keeps the IKE SA" "$old_ike" \
	"$(sa_value a "sa('v4')['spi_i']")"
check "ping after the CHILD_SA rekey" wait_for 10 ping4

echo "# rekey the IKE SA"
old_child=$(sa_value a "child('v4')['spi_in']")
run a rekey v4 --ike
expect "rekey v4 --ike" 0 'd == {"connection": "v4", "rekeyed": "ike", "sas": 1}'
check "a: new IKE SA SPI" wait_for 10 value_changed a "sa('v4')['spi_i']" \
	"$old_ike"
check "b: new IKE SA SPI" wait_for 10 value_changed b "sa('v4')['spi_i']" \
	"$old_ike"
check_eq "the CHILD_SA moves to the new IKE SA" "$old_child" \
	"$(sa_value a "child('v4')['spi_in']")"
check "ping after the IKE SA rekey" wait_for 10 ping4
check "a: old IKE SA deleted after the rekey" wait_for 10 bash -c \
	"'$crestctl' --socket '$work/a.ctl' --json sas | python3 -c 'import json, sys; sys.exit(sum(s[\"name\"] == \"v4\" for s in json.load(sys.stdin)[\"sas\"]) != 1)'"

# Two requests in one write reach crestd together, so the second finds
# the first rekey's request still in flight.
python3 - "$work/a.ctl" >"$work/busy.txt" <<-'EOF'
	import socket, sys
	s = socket.socket(socket.AF_UNIX)
	s.settimeout(5)
	s.connect(sys.argv[1])
	req = b'{"command":"rekey","connection":"v4"}\n'
	s.sendall(req + req)
	s.shutdown(socket.SHUT_WR)
	data = b""
	while data.count(b"\n") < 2:
	    chunk = s.recv(4096)
	    if not chunk:
	        break
	    data += chunk
	sys.stdout.write(data.decode())
EOF
check "second rekey in flight is busy" grep -q \
	'"code":"busy".*busy, retry\|busy, retry.*"code":"busy"' "$work/busy.txt"
check "ping after the busy rekey" wait_for 10 ping4
run a rekey nosuch
expect "rekey unknown" 1 'd["code"] == "unknown_connection"'
rc=0
ctl a rekey v4 --bogus >/dev/null 2>&1 || rc=$?
check_eq "rekey with an unknown option: usage exit code" 2 "$rc"

echo "# terminate"
wait_for 10 bash -c "[[ \$('$crestctl' --socket '$work/a.ctl' --json sas | \
	grep -c '\"rekeying\": *true') == 0 ]]" || true
sleep 1
run a terminate v4
expect "terminate v4" 0 'd == {"connection": "v4", "deleted": 1, "closed": 0}'
check "a: v4 IKE SA gone" wait_for 10 sa_gone a v4
check "b: v4 IKE SA gone" wait_for 10 sa_gone b v4
check "v6 stays up" sa_up a v6
run a terminate v4
expect "terminate v4 again" 1 'd["code"] == "not_up"'
run a terminate nosuch
expect "terminate unknown" 1 'd["code"] == "unknown_connection"'
run a terminate --ike 0123456789abcdef
expect "terminate unknown SPI" 1 'd["code"] == "unknown_sa"'
run a terminate --ike xyz
expect "terminate invalid SPI" 1 'd["code"] == "invalid_argument"'

run a initiate v4
check "v4: up again" wait_for 20 sa_up a v4
spi=$(sa_value a "sa('v4')['spi_r']")
run a terminate --ike "$spi"
expect "terminate --ike" 0 'd == {"connection": "v4", "deleted": 1, "closed": 0}'
check "a: SA of the SPI gone" wait_for 10 sa_gone a v4
check "b: SA of the SPI gone" wait_for 10 sa_gone b v4

run a initiate v4
check "v4: up for the reloads" wait_for 20 sa_up a v4
check "ping before the reloads" wait_for 10 ping4

# Prints both IKE SPIs of v4 and v6 on a.
spis() {
	echo "$(sa_value a "sa('v4')['spi_i']") $(sa_value a "sa('v6')['spi_i']")"
}

echo "# reload with an unchanged file"
before=$(spis)
run a reload
expect "reload unchanged" 0 'd == {"config": "'"$work"'/a.conf",
	"connections": {"unchanged": 2, "changed": 0, "added": 0, "removed": 0},
	"sas": {"kept": 2, "deleted": 0}, "initiated": 0}'
sleep 1
check_eq "unchanged reload keeps both SAs" "$before" "$(spis)"

echo "# reload with a changed proposal on v6"
v4_before=$(sa_value a "sa('v4')['spi_i']")
v6_before=$(sa_value a "sa('v6')['spi_i']")
write_conf a a '"aes128gcm16"'
run a reload
expect "reload changed" 0 'd["connections"] == {"unchanged": 1, "changed": 1,
	"added": 0, "removed": 0} and d["sas"] == {"kept": 1, "deleted": 1}
	and d["initiated"] == 1'
check "v6 SA replaced" wait_for 20 value_changed a "sa('v6')['spi_i']" \
	"$v6_before"
check "v6: new SA has a CHILD_SA" wait_for 10 sa_up a v6
check "b: only the new v6 SA is left" wait_for 10 bash -c \
	"[[ \$('$crestctl' --socket '$work/b.ctl' --json sas | python3 -c 'import json, sys; print(sum(s[\"name\"] == \"v6\" for s in json.load(sys.stdin)[\"sas\"]))') == 1 ]]"
check_eq "v4 SA kept through the v6 change" "$v4_before" \
	"$(sa_value a "sa('v4')['spi_i']")"
check "ping6 after the reload" wait_for 10 ping6
check "ping4 after the reload" wait_for 10 ping4
run a connections
expect "connections show the new proposal" 0 \
	'[c["esp_proposals"] for c in d["connections"] if c["name"] == "v6"]
	 == [["aes128gcm16"]]'

echo "# SIGHUP"
v6_before=$(sa_value a "sa('v6')['spi_i']")
reloads=$(grep -c 'reloaded .*a.conf' "$work/a.log" || true)
write_conf a a
kill -HUP "$pid_a"
check "SIGHUP reloads" wait_for 10 bash -c \
	"(( \$(grep -c 'reloaded .*a.conf' '$work/a.log') > $reloads ))"
check "SIGHUP replaces the changed v6 SA" wait_for 20 value_changed a \
	"sa('v6')['spi_i']" "$v6_before"
check_eq "SIGHUP keeps the v4 SA" "$v4_before" \
	"$(sa_value a "sa('v4')['spi_i']")"
check "ping6 after SIGHUP" wait_for 10 ping6

echo "# reload with a broken file"
wait_for 10 sa_up a v6 || true
before=$(spis)
write_conf a a '"aes256gcm16"' '' 'realms = ( oops'
run a reload
expect "broken reload" 1 'd["code"] == "invalid_config" and
	"a.conf:5:" in d["error"]'
check "broken reload: crestctl names the line" grep -q "a.conf:5:" \
	"$work/err.txt"
check "broken reload: crestd logs the line" grep -q \
	"reload failed.*a.conf:5:" "$work/a.log"
kill -HUP "$pid_a"
sleep 1
check "broken SIGHUP: crestd keeps running" kill -0 "$pid_a"
check_eq "broken reloads keep both SAs" "$before" "$(spis)"
run a connections
expect "broken reload keeps the connections" 0 \
	'sorted(c["name"] for c in d["connections"]) == ["v4", "v6"]'
check "ping4 after the broken reload" ping4

echo "# reload that changes the realm"
write_conf a a '"aes256gcm16"' 198.51.100.2/24
run a reload
expect "realm change" 1 'd["code"] == "restart_required" and
	"restart crestd" in d["error"] and "site" in d["error"]'
check_eq "realm change keeps both SAs" "$before" "$(spis)"
write_conf a a

echo "# check"
write_conf good a
write_conf bad a '"aes256gcm16"' '' 'realms = ( oops'
run a check "$work/good.conf"
expect "check good" 0 'd == {"file": "'"$work"'/good.conf", "valid": True,
	"realms": 1, "connections": 2, "psks": 2, "warnings": []}'
# A connection whose identities have no PSK is valid but gets a warning.
sed 's/remote = "'"$ADDR_B4"'";/remote = "192.0.2.99";/' "$work/good.conf" \
	>"$work/nopsk.conf"
cp -p "$work/good.secrets" "$work/nopsk.secrets"
sed -i 's/secrets = "good.secrets"/secrets = "nopsk.secrets"/' "$work/nopsk.conf"
run a check "$work/nopsk.conf"
expect "check warns of a connection without a PSK" 0 'd["valid"] and
	d["warnings"] == ["connection v4 has no PSK for '"$ADDR_A4"' and 192.0.2.99 in '"$work"'/nopsk.secrets; it cannot authenticate"]'
run a check "$work/bad.conf"
expect "check bad" 1 'd["code"] == "invalid_config" and
	"bad.conf:5:" in d["error"]'
rc=0
(cd "$work" && timeout 10 "$crestctl" --socket "$work/a.ctl" check good.conf \
	>"$work/check.txt") || rc=$?
check_eq "check a relative path: exit code" 0 "$rc"
check "check text output" grep -q "good.conf: valid, 1 realm(s), 2 connection(s), 2 PSK(s)" \
	"$work/check.txt"
chmod 644 "$work/good.secrets"
run a check "$work/good.conf"
expect "check with a readable secrets file" 1 'd["code"] == "invalid_config"
	and "good.secrets" in d["error"]'
run a check "$work/missing.conf"
expect "check a missing file" 1 'd["code"] == "invalid_config"'

echo "# log"
run a log -n 1000
expect "log" 0 'set(d) == {"lines"} and 100 < len(d["lines"]) <= 1000'
check "log has the IKE SA established lines" json_true \
	'any("IKE SA established" in l for l in d["lines"])'
check "log has the reload lines" json_true \
	'any("reload failed" in l for l in d["lines"])'
check_not "log never contains the PSK" grep -qF "$psk" "$work/out.json"
check_not "log file never contains the PSK" grep -qF "$psk" "$work/a.log"
run a log
expect "log default" 0 'len(d["lines"]) == 100'
run a log -n 3
expect "log -n 3" 0 'len(d["lines"]) == 3'
check "log text output" bash -c \
	"'$crestctl' --socket '$work/a.ctl' log -n 2 | grep -c . | grep -qx 2"
rc=0
ctl a log -n 0 >/dev/null 2>&1 || rc=$?
check_eq "log -n 0: usage exit code" 2 "$rc"
# Sends one raw request line to a's socket and prints the response line:
# raw_request JSON.
raw_request() {
	python3 - "$work/a.ctl" "$1" <<-'EOF'
		import socket, sys
		s = socket.socket(socket.AF_UNIX)
		s.settimeout(5)
		s.connect(sys.argv[1])
		s.sendall(sys.argv[2].encode() + b'\n')
		sys.stdout.write(s.makefile().readline())
	EOF
}
raw_request '{"command":"log","lines":5000}' >"$work/raw.txt"
check "log lines above 1000: invalid_argument" grep -q \
	'"code":"invalid_argument"' "$work/raw.txt"
raw_request '{"command":"rekey","connection":"v4","ike":"yes"}' \
	>"$work/raw.txt"
check "rekey with a string for ike: invalid_argument" grep -q \
	'"code":"invalid_argument"' "$work/raw.txt"

echo "# unreachable"
rc=0
timeout 10 "$crestctl" --socket "$work/none.ctl" reload >/dev/null 2>&1 || rc=$?
check_eq "reload without a daemon: exit code" 3 "$rc"

echo "# stop"
# A sanitizer build reports a use of freed configuration memory, or a
# configuration a reload failed to free, on stderr and in the exit status.
for gw in a b; do
	pid_var=pid_$gw
	rc=0
	kill -TERM "${!pid_var}"
	wait "${!pid_var}" || rc=$?
	check_eq "$gw: crestd exits 0 after the reloads" 0 "$rc"
	check_not "$gw: no sanitizer report" grep -q "Sanitizer\|runtime error" \
		"$work/$gw.log"
done
check_done
