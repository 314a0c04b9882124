#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs bench/run.sh --quick with the crestd of BUILD_DIR and checks that its
# TSV file has a throughput figure for every setup and the ratios of crest
# to wireguard-go. Exits 77 (ctest "skipped") without root or without the
# tools that scripts/deps.sh --bench installs.
#
# usage: test_quick.sh BUILD_DIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=${1:?usage: test_quick.sh BUILD_DIR}

if [[ $EUID -ne 0 ]]; then
	echo "SKIP: the benchmark needs root" >&2
	exit 77
fi
if ! "$here/run.sh" --check-tools --build-dir "$build_dir"; then
	echo "SKIP: tools for the benchmark are missing" >&2
	exit 77
fi

tsv=$(mktemp /tmp/crest-bench-quick.XXXXXX)
trap 'rm -f "$tsv"' EXIT
"$here/run.sh" --quick --build-dir "$build_dir" --tsv "$tsv"

failed=0
# Prints the value of FIGURE for SETUP from the TSV file.
value_of() {
	awk -F '\t' -v s="$1" -v f="$2" '$1 == s && $2 == f { print $3 }' "$tsv"
}
expect_positive() {
	local value
	value=$(value_of "$1" "$2")
	if awk -v v="$value" 'BEGIN { exit !(v + 0 > 0) }'; then
		echo "ok - $1 $2 is $value"
	else
		echo "FAIL - $1 $2 is '${value}', expected a number above 0" >&2
		failed=1
	fi
}

for setup in veth crest-esp crest-udp wireguard-go strongswan; do
	expect_positive "$setup" tcp-x1-mbit
	expect_positive "$setup" tcp-x4-mbit
	expect_positive "$setup" ping-avg-ms
done
for setup in crest-esp crest-udp wireguard-go strongswan; do
	expect_positive "$setup" tcp-x1-cpu-daemons
done
for pair in crest-esp/wireguard-go crest-udp/wireguard-go \
	crest-esp/strongswan; do
	expect_positive "$pair" tcp-x1-mbit
	expect_positive "$pair" tcp-x1-mbit-per-core
done
exit "$failed"
