# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Measurements for bench/run.sh: iperf3 TCP throughput between two
# namespaces, the CPU time that chosen processes use meanwhile, and ping
# round-trip times. Source after tests/lib/netns.sh. Every command that
# could hang runs under timeout.

IPERF_PORT=5201
# Result of the last iperf_run, read by bench/report.sh.
# shellcheck disable=SC2034
IPERF_ROW=

# Prints the CPU time of process PID in clock ticks: user plus system time
# of all its threads, from /proc/PID/stat. Prints 0 if it has exited.
proc_ticks() {
	local stat fields
	{ stat=$(<"/proc/$1/stat"); } 2>/dev/null || {
		echo 0
		return
	}
	# The command name in brackets may contain spaces, so split after it.
	# Then utime and stime, fields 14 and 15, are at indexes 11 and 12.
	read -ra fields <<<"${stat##*) }"
	echo $((fields[11] + fields[12]))
}

# Prints the summed CPU ticks of the processes in a space-separated list.
ticks_of() {
	local pid total=0
	for pid in $1; do
		total=$((total + $(proc_ticks "$pid")))
	done
	echo "$total"
}

# Prints "BUSY TOTAL" jiffies of all CPUs from /proc/stat, where busy is
# everything but idle and iowait.
machine_jiffies() {
	local user nice system idle iowait rest
	read -r _ user nice system idle iowait rest </proc/stat
	local total=$((user + nice + system + idle + iowait))
	local value
	for value in $rest; do
		total=$((total + value))
	done
	echo "$((total - idle - iowait)) $total"
}

# Prints the PIDs of the direct children of process PID.
child_pids() {
	local parent=$1 stat fields
	local file
	for file in /proc/[0-9]*/stat; do
		{ stat=$(<"$file"); } 2>/dev/null || continue
		read -ra fields <<<"${stat##*) }"
		# After the command name: state, then the parent PID.
		if [[ ${fields[1]} == "$parent" ]]; then
			file=${file#/proc/}
			echo "${file%/stat}"
		fi
	done
}

# Returns 0 when something listens on TCP port IPERF_PORT in namespace NS.
iperf_listening() {
	[[ -n $(netns_exec "$1" ss -Hltn "sport = :$IPERF_PORT") ]]
}

# Runs one iperf3 TCP test from SRC in namespace SRC_NS to DST in DST_NS
# with STREAMS parallel streams for SECONDS, and sets IPERF_ROW to
# "MBITS RETRANSMITS CPU_A CPU_B MACHINE". It sets a variable instead of
# printing, because in a command substitution the iperf3 server it starts
# would be tracked by a subshell, not by the shell that cleans up.
# CPU_A and CPU_B are the CPU use
# of the processes in BENCH_PIDS_A and BENCH_PIDS_B in % of one core ("-"
# when the list is empty); MACHINE is the busy share of all cores in %.
# iperf_run SRC_NS SRC DST_NS DST STREAMS SECONDS
iperf_run() {
	local src_ns=$1 src=$2 dst_ns=$3 dst=$4 streams=$5 seconds=$6
	local out=$BENCH_WORK/iperf.json server

	netns_exec "$dst_ns" timeout $((seconds + 30)) \
		iperf3 -s -1 -B "$dst" -p "$IPERF_PORT" \
		>"$BENCH_WORK/iperf-server.log" 2>&1 &
	server=$!
	netns_track_pid "$server"
	wait_for 5 iperf_listening "$dst_ns" ||
		bench_fail "iperf3 server in $dst_ns did not listen on port $IPERF_PORT within 5 s"

	local start_ns ticks_a ticks_b machine_start
	start_ns=$(date +%s%N)
	ticks_a=$(ticks_of "$BENCH_PIDS_A")
	ticks_b=$(ticks_of "$BENCH_PIDS_B")
	machine_start=$(machine_jiffies)

	local rc=0
	netns_exec "$src_ns" timeout $((seconds + 20)) \
		iperf3 -c "$dst" -B "$src" -p "$IPERF_PORT" -t "$seconds" \
		-P "$streams" --connect-timeout 5000 -J >"$out" \
		2>"$BENCH_WORK/iperf-client.err" || rc=$?

	local elapsed_ns cpu_a cpu_b machine
	elapsed_ns=$(($(date +%s%N) - start_ns))
	cpu_a=$(cpu_percent "$BENCH_PIDS_A" "$ticks_a" "$elapsed_ns")
	cpu_b=$(cpu_percent "$BENCH_PIDS_B" "$ticks_b" "$elapsed_ns")
	machine=$(machine_percent "$machine_start" "$(machine_jiffies)")

	wait "$server" || true
	netns_untrack_pid "$server"
	if ((rc != 0)); then
		bench_fail "iperf3 client $src -> $dst with $streams streams failed (exit $rc): $(jq -r '.error // empty' "$out" 2>/dev/null || head -c 300 "$out")"
	fi
	IPERF_ROW=$(jq -r --arg a "$cpu_a" --arg b "$cpu_b" --arg m "$machine" \
		'"\(.end.sum_received.bits_per_second / 1e6 * 10 | round / 10) \(.end.sum_sent.retransmits) \($a) \($b) \($m)"' \
		"$out") || bench_fail "iperf3 client $src -> $dst printed no result: $(head -c 300 "$out")"
}

# Prints the CPU use of the processes in PIDS since START ticks, over
# ELAPSED_NS nanoseconds, in % of one core, or "-" without processes.
cpu_percent() {
	local pids=$1 start=$2 elapsed_ns=$3
	if [[ -z $pids ]]; then
		echo -
		return
	fi
	awk -v t="$(($(ticks_of "$pids") - start))" -v hz="$BENCH_HZ" \
		-v ns="$elapsed_ns" 'BEGIN { printf "%.0f\n", t / hz / (ns / 1e9) * 100 }'
}

# Prints the busy share of all cores in % between two machine_jiffies.
machine_percent() {
	local busy0 total0 busy1 total1
	read -r busy0 total0 <<<"$1"
	read -r busy1 total1 <<<"$2"
	awk -v b=$((busy1 - busy0)) -v t=$((total1 - total0)) \
		'BEGIN { printf "%.0f\n", (t > 0 ? b / t * 100 : 0) }'
}

# Pings DST from SRC in namespace NS COUNT times, 0.2 s apart, and prints
# "MIN AVG MAX LOSS": round-trip times in ms and the loss in %.
ping_run() {
	local ns=$1 src=$2 dst=$3 count=$4 out
	out=$(netns_exec "$ns" timeout $((count + 10)) \
		ping -n -q -c "$count" -i 0.2 -W 2 -I "$src" "$dst" 2>&1) || true
	local loss rtt
	loss=$(sed -nE 's/.* ([0-9.]+)% packet loss.*/\1/p' <<<"$out")
	rtt=$(sed -nE 's|^rtt [^=]*= ([0-9.]+)/([0-9.]+)/([0-9.]+)/.*|\1 \2 \3|p' <<<"$out")
	[[ -n $loss && -n $rtt ]] ||
		bench_fail "ping $src -> $dst in $ns printed no statistics: $out"
	echo "$rtt $loss"
}

# Prints the median of the numbers on standard input, one per line; for an
# even count, the lower of the two middle values.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
