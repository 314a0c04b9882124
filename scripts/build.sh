#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Configures and builds crest with CMake.
#
#   scripts/build.sh [--ci] [--build-dir DIR] [-- CMAKE_ARGS...]
#
#   (default)        gcc, Debug build, in build/
#   --ci             clang, Debug build at -O1 with AddressSanitizer and
#                    UBSan (CREST_SANITIZE) and the libFuzzer targets
#                    (CREST_FUZZ): the build that scripts/test.sh tests
#   --build-dir DIR  build in DIR instead of build/ (relative to the
#                    repository root unless absolute)
#   -- CMAKE_ARGS    extra arguments for the cmake configure step
#
# Switching between the two compilers in one build folder resets the CMake
# cache there, because CMake cannot change the compiler of a configured tree.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=build
mode=default
extra_args=()

usage() {
	sed -n '4,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while (($# > 0)); do
	case $1 in
	--ci) mode=ci ;;
	--build-dir)
		[[ $# -ge 2 ]] || usage
		build_dir=$2
		shift
		;;
	--)
		shift
		extra_args=("$@")
		break
		;;
	-h | --help) usage ;;
	*)
		echo "build.sh: unknown option: $1" >&2
		usage
		;;
	esac
	shift
done

[[ $build_dir == /* ]] || build_dir=$repo/$build_dir

if [[ $mode == ci ]]; then
	compiler=clang
	options=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g -O1"
		-DCREST_SANITIZE=ON -DCREST_FUZZ=ON)
else
	compiler=gcc
	options=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g"
		-DCREST_SANITIZE=OFF -DCREST_FUZZ=OFF)
fi
compiler_path=$(command -v "$compiler") ||
	{ echo "build.sh: $compiler not found: run scripts/deps.sh as root" >&2; exit 1; }

cache=$build_dir/CMakeCache.txt
if [[ -f $cache ]]; then
	cached=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$cache")
	if [[ -n $cached && $(readlink -f "$cached") != $(readlink -f "$compiler_path") ]]; then
		echo "build.sh: $build_dir was configured with $cached; resetting its CMake cache for $compiler"
		rm -rf "$cache" "$build_dir/CMakeFiles"
	fi
fi

cmake -S "$repo" -B "$build_dir" -DCMAKE_C_COMPILER="$compiler_path" \
	"${options[@]}" "${extra_args[@]}"
cmake --build "$build_dir" --parallel "$(nproc)"
