#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what is missing, builds crest in build/ and runs the demo: two
# crest gateways in network namespaces that set up an IKEv2 tunnel and pass
# traffic through it.
#
#   scripts/demo.sh [--keep]     (as root)
#
#   --keep   keep the namespaces and daemons running after the demo, so the
#            tunnel can be used and inspected, until Ctrl-C removes them
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

CREST_BUILD_DIR=$repo/build exec "$repo/tests/netns/demo.sh" "$@"
