# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Test checks for bash tests. Each check prints "ok - DESC" or
# "FAIL - DESC" and the test goes on, so one run reports every failed check:
#
#   check "ping crosses the underlay" netns_exec "$NS_A" ping -c 1 -W 2 "$ADDR_B4"
#   check_eq "packets seen by b" 3 "$(nft_packets "$NS_B" esp_in)"
#   check_done      # prints "N passed, N failed"; returns 1 if any failed

CHECK_PASSED=0
CHECK_FAILED=0

check_pass() {
	CHECK_PASSED=$((CHECK_PASSED + 1))
	echo "ok - $1"
}

check_fail() {
	CHECK_FAILED=$((CHECK_FAILED + 1))
	echo "FAIL - $1" >&2
}

# Runs CMD and passes if it exits 0: check DESC CMD [ARGS...]. The command's
# output is shown only when it fails.
check() {
	local desc=$1 output
	shift
	if output=$("$@" 2>&1); then
		check_pass "$desc"
	else
		check_fail "$desc (exit $?: $*)"
		[[ -z $output ]] || printf '%s\n' "$output" | sed 's/^/    /' >&2
	fi
}

# Passes if CMD fails: check_not DESC CMD [ARGS...].
check_not() {
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		check_fail "$desc (succeeded but should fail: $*)"
	else
		check_pass "$desc"
	fi
}

check_eq() {
	local desc=$1 expected=$2 actual=$3
	if [[ $actual == "$expected" ]]; then
		check_pass "$desc"
	else
		check_fail "$desc: expected '$expected', got '$actual'"
	fi
}

# Passes if integer ACTUAL >= MIN: check_ge DESC MIN ACTUAL.
check_ge() {
	local desc=$1 min=$2 actual=$3
	if [[ $actual =~ ^[0-9]+$ ]] && ((actual >= min)); then
		check_pass "$desc"
	else
		check_fail "$desc: expected at least $min, got '$actual'"
	fi
}

# Prints the totals in the "N passed, N failed" form that CI reads and
# returns 1 if any check failed or none ran.
check_done() {
	echo "$CHECK_PASSED passed, $CHECK_FAILED failed"
	((CHECK_FAILED == 0 && CHECK_PASSED > 0))
}
