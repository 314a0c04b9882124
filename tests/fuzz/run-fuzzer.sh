#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs one libFuzzer target for 60 s on a scratch copy of its seed corpus,
# so new inputs found in CI never dirty the source tree.
set -eu
fuzzer=$1
seeds=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$seeds"/. "$work"/
"$fuzzer" -max_total_time=60 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 "$work"
