#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the whole test suite: installs what is missing (scripts/deps.sh),
# builds the clang sanitizer and fuzzer build (scripts/build.sh --ci) in
# build/, then runs every ctest label (unit, fuzz, netns, interop) there.
# This is the command .ci/run calls.
#
#   scripts/test.sh [--no-deps] [CTEST_ARGS...]
#
#   --no-deps     skip scripts/deps.sh, for a machine that already has every
#                 package (the network tests still need root)
#   CTEST_ARGS    passed to ctest after the defaults, e.g. "-L unit"
#
# Exits non-zero when the build fails, when any test fails, or when ctest
# finds no test to run.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run_deps=1
if [[ ${1:-} == --no-deps ]]; then
	run_deps=0
	shift
fi

# Prints how long the named phase took, so slow phases show in CI logs.
phase_start=$SECONDS
end_phase() {
	echo "test.sh: $1 took $((SECONDS - phase_start)) s"
	phase_start=$SECONDS
}

if ((run_deps)); then
	"$repo/scripts/deps.sh"
	end_phase "installing packages"
fi

"$repo/scripts/build.sh" --ci
end_phase "building"

cd "$repo/build"
status=0
ctest --output-on-failure --no-tests=error -j2 "$@" || status=$?
end_phase "ctest"
exit "$status"
