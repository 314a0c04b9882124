# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Figures of bench/run.sh: runs the measurements of bench/measure.sh for a
# setup, keeps the medians, and prints the summary, the ratios of crest to
# the reference peers and the TSV file.
#
# Every figure is a row "SETUP FIGURE VALUE UNIT". For each stream count N
# there are tcp-xN-mbit (the median, with -min and -max) and
# tcp-xN-retransmits. The CPU figures are tcp-xN-cpu-a and -cpu-b (each
# daemon in % of one core), -cpu-daemons (their sum), -mbit-per-core
# (Mbit/s per core of daemon CPU) and -cpu-machine (% of all cores). Ping
# gives ping-min-ms, ping-avg-ms, ping-max-ms and ping-loss-pct, and mtu is
# the MTU of the device that carries the traffic.

declare -A RESULT=()
RESULT_ROWS=()
RESULT_INFO=()

record() {
	local setup=$1 figure=$2 value=$3 unit=$4
	RESULT[$setup/$figure]=$value
	RESULT_ROWS+=("$setup"$'\t'"$figure"$'\t'"$value"$'\t'"$unit")
}

# Prints the figure of a setup, or "-" if it was not measured.
result() {
	echo "${RESULT[$1/$2]:--}"
}

# Prints the median of the arguments.
median_of() {
	printf '%s\n' "$@" | median
}

# Prints A / B with DIGITS decimals, or "-" when either is missing or B
# is 0: divide A B DIGITS.
divide() {
	if [[ $1 == - || $2 == - ]]; then
		echo -
		return
	fi
	awk -v a="$1" -v b="$2" -v d="$3" \
		'BEGIN { if (b == 0) print "-"; else printf "%.*f\n", d, a / b }'
}

# Prints the machine, the software and the settings, and keeps them for the
# TSV file: report_header BUILD_DIR REPS SECONDS PINGS STREAMS.
report_header() {
	local cpu_model version package
	cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	RESULT_INFO=(
		"date: $(date -u '+%F %T UTC')"
		"machine: ${cpu_model:-unknown CPU}, $(nproc) cores, kernel $(uname -r)"
		"load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
		"crest: $(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown), crestd from $1"
	)
	version=
	for package in iperf3 wireguard-go strongswan-charon; do
		version+="${version:+, }$package $(dpkg-query -W -f '${Version}' "$package" 2>/dev/null || echo '(not installed)')"
	done
	RESULT_INFO+=(
		"versions: $version"
		"settings: $2 iperf3 runs of $3 s per figure, streams $5, $4 pings"
	)
	printf '%s\n' "${RESULT_INFO[@]}"
}

# Runs REPS iperf3 tests with STREAMS streams from SRC in NS_A to DST in
# NS_B, prints each run and records the medians:
# measure_tcp SETUP SRC DST STREAMS REPS SECONDS.
measure_tcp() {
	local setup=$1 src=$2 dst=$3 streams=$4 reps=$5 seconds=$6
	local mbits=() retransmits=() cpu_a=() cpu_b=() machine=() i
	local m r a b c daemons_cpu
	for ((i = 1; i <= reps; i++)); do
		iperf_run "$NS_A" "$src" "$NS_B" "$dst" "$streams" "$seconds"
		read -r m r a b c <<<"$IPERF_ROW"
		daemons_cpu=
		[[ $a == - ]] || daemons_cpu=", CPU a $a% b $b%"
		printf '%-13s tcp x%-2s run %d/%d: %9.1f Mbit/s, retransmits %s%s, machine %s%%\n' \
			"$setup" "$streams" "$i" "$reps" "$m" "$r" "$daemons_cpu" "$c"
		mbits+=("$m") retransmits+=("$r") cpu_a+=("$a") cpu_b+=("$b")
		machine+=("$c")
		sleep 1
	done

	local figure=tcp-x$streams mbit
	mbit=$(median_of "${mbits[@]}")
	record "$setup" "$figure-mbit" "$mbit" Mbit/s
	record "$setup" "$figure-mbit-min" "$(printf '%s\n' "${mbits[@]}" | sort -g | head -n 1)" Mbit/s
	record "$setup" "$figure-mbit-max" "$(printf '%s\n' "${mbits[@]}" | sort -g | tail -n 1)" Mbit/s
	record "$setup" "$figure-retransmits" "$(median_of "${retransmits[@]}")" segments
	if [[ ${cpu_a[0]} != - ]]; then
		local daemons
		a=$(median_of "${cpu_a[@]}")
		b=$(median_of "${cpu_b[@]}")
		daemons=$((a + b))
		record "$setup" "$figure-cpu-a" "$a" "% of one core"
		record "$setup" "$figure-cpu-b" "$b" "% of one core"
		record "$setup" "$figure-cpu-daemons" "$daemons" "% of one core"
		record "$setup" "$figure-mbit-per-core" \
			"$(divide "$((${mbit%.*} * 100))" "$daemons" 0)" \
			"Mbit/s per core"
	fi
	record "$setup" "$figure-cpu-machine" "$(median_of "${machine[@]}")" \
		"% of all cores"
}

# Pings DST from SRC in NS_A and records the round-trip times and loss:
# measure_ping SETUP SRC DST COUNT.
measure_ping() {
	local setup=$1 row rtt_min rtt_avg rtt_max loss
	row=$(ping_run "$NS_A" "$2" "$3" "$4")
	read -r rtt_min rtt_avg rtt_max loss <<<"$row"
	printf '%-13s ping x%s: rtt min/avg/max %s/%s/%s ms, loss %s%%\n' \
		"$setup" "$4" "$rtt_min" "$rtt_avg" "$rtt_max" "$loss"
	record "$setup" ping-min-ms "$rtt_min" ms
	record "$setup" ping-avg-ms "$rtt_avg" ms
	record "$setup" ping-max-ms "$rtt_max" ms
	record "$setup" ping-loss-pct "$loss" %
}

# Prints one row per setup and stream count, then the ping figures:
# report_summary STREAM_COUNTS SETUP...
report_summary() {
	local streams_list=$1 setup streams figure
	shift
	echo
	echo "== summary: medians; CPU in % of one core; per core = Mbit/s per core of daemon CPU"
	printf '%-13s %-7s %9s %19s %9s %9s %9s %9s\n' setup streams Mbit/s \
		'(min-max)' 'CPU a' 'CPU b' 'per core' machine%
	for setup in "$@"; do
		for streams in $streams_list; do
			figure=tcp-x$streams
			printf '%-13s %-7s %9s %19s %9s %9s %9s %9s\n' "$setup" \
				"$streams" "$(result "$setup" "$figure-mbit")" \
				"($(result "$setup" "$figure-mbit-min")-$(result "$setup" "$figure-mbit-max"))" \
				"$(result "$setup" "$figure-cpu-a")" \
				"$(result "$setup" "$figure-cpu-b")" \
				"$(result "$setup" "$figure-mbit-per-core")" \
				"$(result "$setup" "$figure-cpu-machine")"
		done
	done
	echo
	printf '%-13s %5s %26s %7s\n' setup MTU 'ping min/avg/max ms' 'loss %'
	for setup in "$@"; do
		printf '%-13s %5s %26s %7s\n' "$setup" "$(result "$setup" mtu)" \
			"$(result "$setup" ping-min-ms)/$(result "$setup" ping-avg-ms)/$(result "$setup" ping-max-ms)" \
			"$(result "$setup" ping-loss-pct)"
	done
}

# Prints and records crest's figures divided by those of each reference
# peer that ran. Above 1 is better for crest in Mbit/s and Mbit/s per core;
# below 1 is better in CPU and round-trip time:
# report_ratios STREAM_COUNTS SETUP...
report_ratios() {
	local streams_list=$1 setup crest=() refs=() pairs=() pair
	shift
	for setup in "$@"; do
		case $setup in
		crest-*) crest+=("$setup") ;;
		wireguard-go | strongswan) refs+=("$setup") ;;
		esac
	done
	local c r
	for c in "${crest[@]}"; do
		for r in "${refs[@]}"; do
			pairs+=("$c/$r")
		done
	done
	((${#pairs[@]} > 0)) || return 0

	local figures=() streams
	for streams in $streams_list; do
		figures+=("tcp-x$streams-mbit" "tcp-x$streams-mbit-per-core"
			"tcp-x$streams-cpu-daemons")
	done
	figures+=(ping-avg-ms)

	echo
	echo "== ratios crest / reference: above 1 is better for crest in Mbit/s and per core, below 1 in CPU and ping"
	printf '%-24s' figure
	printf ' %24s' "${pairs[@]}"
	echo
	local figure value
	for figure in "${figures[@]}"; do
		printf '%-24s' "$figure"
		for pair in "${pairs[@]}"; do
			value=$(divide "$(result "${pair%/*}" "$figure")" \
				"$(result "${pair#*/}" "$figure")" 2)
			printf ' %24s' "$value"
			[[ $value == - ]] || record "$pair" "$figure" "$value" ratio
		done
		echo
	done
}

# Prints the TSV file: the header lines as comments, then one row per
# figure and ratio.
report_tsv() {
	printf '# %s\n' "${RESULT_INFO[@]}"
	printf 'setup\tfigure\tvalue\tunit\n'
	printf '%s\n' "${RESULT_ROWS[@]}"
}
