#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# crestctl against two live crestd gateways in network namespaces: the JSON
# shapes of status, sas, counters and connections, the text output, the
# exit codes, the socket's mode and the raw line protocol.
#
#   test_crestctl.sh CRESTD CRESTCTL      (as root; exits 77 otherwise)
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

crestd=${1:?usage: test_crestctl.sh CRESTD CRESTCTL}
crestctl=${2:?usage: test_crestctl.sh CRESTD CRESTCTL}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
examples=$here/../../docs/examples
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
work=$(mktemp -d /tmp/crest-ctl.XXXXXX)
# netns_cleanup returns the test's status, which errexit would turn into an
# early stop of the trap, so the temporary folder would stay behind.
cleanup() {
	netns_cleanup || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

prefix=$(netns_prefix ctl)
netns_setup "$prefix"

# Copies an example gateway configuration and its secrets into $work.
install_config() {
	local name=$1
	cp "$examples/$name.conf" "$examples/$name.secrets" "$work/"
	chmod 600 "$work/$name.secrets"
}
install_config gw-a
install_config gw-b
psk=$(sed -n 's/.*secret = "\(.*\)";/\1/p' "$work/gw-a.secrets")

ctl_a=$work/a.ctl
ctl_b=$work/b.ctl
# ip netns exec runs directly, not through the netns_exec function, which
# would run in a subshell: $! is then crestd itself, since ip execs it.
ip netns exec "$NS_B" "$crestd" -c "$work/gw-b.conf" --control "$ctl_b" \
	>"$work/b.log" 2>&1 &
pid_b=$!
netns_track_pid "$pid_b"
ip netns exec "$NS_A" "$crestd" -c "$work/gw-a.conf" --control "$ctl_a" \
	>"$work/a.log" 2>&1 &
pid_a=$!
netns_track_pid "$pid_a"

# Runs a Python expression on the JSON in file $2; d is the parsed object.
json_true() {
	local expr=$1 file=$2
	python3 -c '
import json, re, sys
d = json.load(open(sys.argv[2]))
sys.exit(0 if eval("(" + sys.argv[1] + ")") else 1)
' "$expr" "$file"
}

# Passes if the JSON in $2 satisfies expression $3: check_json DESC FILE EXPR.
check_json() {
	check "$1" json_true "$3" "$2"
}

sa_established() {
	"$crestctl" --socket "$ctl_a" --json sas >"$work/poll.json" &&
		json_true 'any(s["state"] == "established" and s["children"]
			   for s in d["sas"])' "$work/poll.json"
}

ping_through() {
	netns_exec "$NS_A" ping -c 1 -W 1 -I 198.51.100.1 203.0.113.1
}

echo "# start-up"
if ! wait_for 20 sa_established; then
	log_dump "$work/a.log" "$work/b.log"
	netns_fail "no established IKE SA within 20 s"
fi
check "ping crosses the tunnel" wait_for 10 ping_through
netns_exec "$NS_A" ping -c 3 -i 0.2 -W 1 -I 198.51.100.1 203.0.113.1 \
	>/dev/null || true

echo "# socket file"
check_eq "socket mode is 0600" 600 "$(stat -c %a "$ctl_a")"
check_eq "socket owner is root" root "$(stat -c %U "$ctl_a")"
check_eq "socket is a socket" socket "$(stat -c %F "$ctl_a")"

echo "# sas --json"
"$crestctl" --socket "$ctl_a" --json sas >"$work/sas_a.json"
"$crestctl" --socket "$ctl_b" --json sas >"$work/sas_b.json"
sa='d["sas"][0]'
child='d["sas"][0]["children"][0]'
check_json "a has one IKE SA" "$work/sas_a.json" 'len(d["sas"]) == 1'
check_json "name is to-b" "$work/sas_a.json" "${sa}[\"name\"] == \"to-b\""
check_json "realm is site" "$work/sas_a.json" "${sa}[\"realm\"] == \"site\""
check_json "a is initiator" "$work/sas_a.json" \
	"${sa}[\"role\"] == \"initiator\""
check_json "state is established" "$work/sas_a.json" \
	"${sa}[\"state\"] == \"established\""
check_json "spi_i is 16 hex digits" "$work/sas_a.json" \
	"re.fullmatch(r'[0-9a-f]{16}', ${sa}[\"spi_i\"])"
check_json "spi_r is 16 hex digits" "$work/sas_a.json" \
	"re.fullmatch(r'[0-9a-f]{16}', ${sa}[\"spi_r\"])"
check_json "local is 192.0.2.1:500" "$work/sas_a.json" \
	"${sa}[\"local\"] == \"192.0.2.1:500\""
check_json "remote is 192.0.2.2:500" "$work/sas_a.json" \
	"${sa}[\"remote\"] == \"192.0.2.2:500\""
check_json "natt is false" "$work/sas_a.json" "${sa}[\"natt\"] is False"
check_json "nat_local is false" "$work/sas_a.json" \
	"${sa}[\"nat_local\"] is False"
check_json "nat_remote is false" "$work/sas_a.json" \
	"${sa}[\"nat_remote\"] is False"
check_json "IKE algorithms name the group" "$work/sas_a.json" \
	"'x25519' in ${sa}[\"algorithms\"]"
check_json "established is an integer" "$work/sas_a.json" \
	"isinstance(${sa}[\"established\"], int)"
check_json "established is not negative" "$work/sas_a.json" \
	"${sa}[\"established\"] >= 0"
check_json "one CHILD_SA" "$work/sas_a.json" "len(${sa}[\"children\"]) == 1"
check_json "spi_in is 8 hex digits" "$work/sas_a.json" \
	"re.fullmatch(r'[0-9a-f]{8}', ${child}[\"spi_in\"])"
check_json "spi_out is 8 hex digits" "$work/sas_a.json" \
	"re.fullmatch(r'[0-9a-f]{8}', ${child}[\"spi_out\"])"
check_json "child algorithms set" "$work/sas_a.json" \
	"${child}[\"algorithms\"] != ''"
check_json "local_ts has 198.51.100.0/24" "$work/sas_a.json" \
	"'198.51.100.0/24' in ${child}[\"local_ts\"]"
check_json "remote_ts has 203.0.113.0/24" "$work/sas_a.json" \
	"'203.0.113.0/24' in ${child}[\"remote_ts\"]"
check_json "a bytes_in > 0 after ping" "$work/sas_a.json" \
	"${child}[\"bytes_in\"] > 0"
check_json "a packets_in > 0 after ping" "$work/sas_a.json" \
	"${child}[\"packets_in\"] > 0"
# NOTE: bytes_out and packets_out are only checked for presence, because
# esp_encap does not count outbound traffic yet.
check_json "out counters present" "$work/sas_a.json" \
	"isinstance(${child}[\"bytes_out\"], int) and \
	 isinstance(${child}[\"packets_out\"], int)"
check_json "b is responder" "$work/sas_b.json" \
	"${sa}[\"role\"] == \"responder\""
check_json "b name is to-a" "$work/sas_b.json" "${sa}[\"name\"] == \"to-a\""
spi_i_a=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["sas"][0]["spi_i"])' "$work/sas_a.json")
check_json "b spi_i matches a" "$work/sas_b.json" \
	"${sa}[\"spi_i\"] == '$spi_i_a'"
check_json "b bytes_in > 0 after ping" "$work/sas_b.json" \
	"${child}[\"bytes_in\"] > 0"

echo "# sas text"
"$crestctl" --socket "$ctl_a" sas >"$work/sas_a.txt"
check "text names the connection" grep -q '^to-b (realm site)' \
	"$work/sas_a.txt"
check "text shows the CHILD_SA" grep -q 'CHILD_SA [0-9a-f]\{8\}_i' \
	"$work/sas_a.txt"
check "text shows the selectors" \
	grep -q '198.51.100.0/24.* === 203.0.113.0/24' "$work/sas_a.txt"

echo "# status, counters, connections"
"$crestctl" --socket "$ctl_a" --json status >"$work/status.json"
check_json "status version" "$work/status.json" 'd["version"] != ""'
check_json "status pid" "$work/status.json" "d[\"pid\"] == $pid_a"
check_json "status config path" "$work/status.json" \
	"d[\"config\"] == '$work/gw-a.conf'"
check_json "status uptime" "$work/status.json" \
	'isinstance(d["uptime"], int) and d["uptime"] >= 0'
check_json "status realm name" "$work/status.json" \
	'd["realms"][0]["name"] == "site"'
check_json "status realm device" "$work/status.json" \
	'd["realms"][0]["device"] == "crest0"'
check_json "status realm MTU" "$work/status.json" \
	'0 < d["realms"][0]["mtu"] < 1500'
check "status text" "$crestctl" --socket "$ctl_a" status

"$crestctl" --socket "$ctl_a" --json counters >"$work/counters.json"
check_json "counters esp_drops" "$work/counters.json" \
	'd["esp_drops"]["replay"] == 0 and "auth_failed" in d["esp_drops"]'
check_json "counters ike_drops" "$work/counters.json" \
	'"unknown_spi" in d["ike_drops"]'
check_json "counters datapath_drops" "$work/counters.json" \
	'"no_child_sa" in d["datapath_drops"]'
check_json "counters keepalives" "$work/counters.json" \
	'set(d["keepalives"]) == {"sent", "received"}'
check "counters text" "$crestctl" --socket "$ctl_a" counters

"$crestctl" --socket "$ctl_a" --json connections >"$work/conns.json"
conn='d["connections"][0]'
check_json "one connection" "$work/conns.json" \
	'len(d["connections"]) == 1'
check_json "connection name" "$work/conns.json" \
	"${conn}[\"name\"] == \"to-b\""
check_json "connection local_id" "$work/conns.json" \
	"${conn}[\"local_id\"] == '192.0.2.1'"
check_json "connection remote_id" "$work/conns.json" \
	"${conn}[\"remote_id\"] == '192.0.2.2'"
check_json "connection IKE proposals" "$work/conns.json" \
	"len(${conn}[\"ike_proposals\"]) == 2"
check_json "connection ESP proposals" "$work/conns.json" \
	"${conn}[\"esp_proposals\"][0].startswith('aes256gcm16')"
check_json "connection start action" "$work/conns.json" \
	"${conn}[\"start_action\"] == 'initiate'"
check_json "connection encap" "$work/conns.json" \
	"${conn}[\"encap\"] is False"
check_json "connection ts" "$work/conns.json" \
	"${conn}[\"remote_ts\"] == ['203.0.113.0/24', '2001:db8:b::/64']"
check "connections text" "$crestctl" --socket "$ctl_a" connections
"$crestctl" --socket "$ctl_a" connections >"$work/conns.txt"
check "connections text shows the child's remote selectors" grep -q \
	'^    remote ts: *203.0.113.0/24, 2001:db8:b::/64$' "$work/conns.txt"
check_not "no output contains the PSK" \
	grep -rqi "${psk#0x}" "$work"/*.json "$work"/*.txt

echo "# errors and exit codes"
set +e
"$crestctl" --socket "$ctl_a" no-such-command >/dev/null 2>"$work/err.txt"
rc_bad=$?
"$crestctl" --socket "$ctl_a" --json no-such-command \
	>"$work/bad.json" 2>/dev/null
"$crestctl" --socket "$work/missing.ctl" status 2>"$work/missing.txt"
rc_missing=$?
"$crestctl" --socket "$ctl_a" >/dev/null 2>&1
rc_usage=$?
set -e
check_eq "bad command exits 1" 1 "$rc_bad"
check "bad command message" grep -q 'unknown command "no-such-command"' \
	"$work/err.txt"
check_json "bad command code" "$work/bad.json" \
	'd["code"] == "unknown_command"'
check_eq "missing socket exits 3" 3 "$rc_missing"
check "missing socket message names the path" \
	grep -q "$work/missing.ctl.*not running" "$work/missing.txt"
check_eq "missing command exits 2" 2 "$rc_usage"

echo "# line protocol"
# Sends the bytes of Python expression $2 to socket $1 and prints each
# response line, then closes.
raw_exchange() {
	timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(eval(sys.argv[2]))
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode())
' "$@"
}
raw_exchange "$ctl_a" \
	"b'{\"command\":\"status\"}\n{\"command\":\"counters\"}\n'" \
	>"$work/two.txt"
check_eq "two requests get two lines" 2 "$(wc -l <"$work/two.txt")"
# crestd runs at most 16 of one client's requests per event; the others
# follow in later events, in order.
raw_exchange "$ctl_a" "b'{\"command\":\"status\"}\\n' * 100" >"$work/many.txt"
check_eq "100 requests in one write get 100 lines" 100 \
	"$(grep -c '"version"' "$work/many.txt")"
raw_exchange "$ctl_a" "b'not json\n'" >"$work/invalid.json"
check_json "invalid JSON code" "$work/invalid.json" \
	'd["code"] == "invalid_json"'
raw_exchange "$ctl_a" "b'[1,2]\n'" >"$work/array.json"
check_json "non-object code" "$work/array.json" \
	'd["code"] == "invalid_request"'
raw_exchange "$ctl_a" "b'{\"command\":\"sas\"}'" >"$work/noeol.json"
check_json "last line without newline is answered" "$work/noeol.json" \
	'"sas" in d'
raw_exchange "$ctl_a" "b'{\"command\":\"' + b'x' * 5000 + b'\"}\n'" \
	>"$work/long.json"
check_json "long request code" "$work/long.json" \
	'd["code"] == "request_too_long"'
check "daemon still answers" "$crestctl" --socket "$ctl_a" status

echo "# idle clients"
# 16 clients connect and send nothing for 9 s. A 17th is turned away at
# first, but once the oldest has been idle 5 s crestd closes it for the
# newcomer.
python3 -c '
import socket, sys, time
clients = []
for _ in range(16):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    clients.append(s)
time.sleep(9)
' "$ctl_a" &
idle_pid=$!
sleep 1
set +e
"$crestctl" --socket "$ctl_a" status >/dev/null 2>"$work/idle.err"
rc_full=$?
set -e
check_eq "a 17th client is turned away while all are fresh" 1 "$rc_full"
sleep 5
check "after 5 s idle one client makes room" \
	"$crestctl" --socket "$ctl_a" status
wait "$idle_pid" || true

echo "# stop"
kill -TERM "$pid_b"
stopped() { ! kill -0 "$pid_b" 2>/dev/null; }
check "b stops on SIGTERM" wait_for 10 stopped
check_not "b removed its socket" test -e "$ctl_b"
set +e
"$crestctl" --socket "$ctl_b" status 2>/dev/null
rc_stopped=$?
set -e
check_eq "stopped daemon exits 3" 3 "$rc_stopped"

check_done || {
	log_dump -n 60 "$work/a.log" "$work/b.log"
	exit 1
}
