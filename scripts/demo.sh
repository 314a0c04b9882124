#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what is missing, builds crest in build/ and runs the demo: two
# crest gateways in network namespaces that set up an IKEv2 tunnel and pass
# traffic through it.
#
#   scripts/demo.sh [--keep]     (as root)
#
#   --keep   leave the namespaces and daemons running after the demo, so
#            they can be inspected; the demo prints how to remove them
#
# The demo itself is tests/netns/demo.sh, which receives these arguments and
# the build folder in CREST_BUILD_DIR.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

case ${1:-} in
"" | --keep) ;;
*)
	sed -n '7,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac

"$repo/scripts/deps.sh"
"$repo/scripts/build.sh"

demo=$repo/tests/netns/demo.sh
if [[ ! -x $demo ]]; then
	# TODO: remove this branch once tests/netns/demo.sh exists.
	echo "demo.sh: crest is built in build/, but $demo does not exist yet, so there is no demo to run"
	exit 0
fi
CREST_BUILD_DIR=$repo/build exec "$demo" "$@"
