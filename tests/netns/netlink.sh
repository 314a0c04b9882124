#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the rtnetlink and TUN test program given as $1 inside a network
# namespace of its own, which is deleted on exit.  Needs root.
set -eu

prog=$1
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: creating a network namespace needs root"
	exit 77
fi

ns="crnl-$$"
ip netns add "$ns"
trap 'ip netns delete "$ns"' EXIT
ip netns exec "$ns" "$prog"
