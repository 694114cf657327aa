#!/usr/bin/env bash
# Run every test group and print one summary line "N passed, N failed".
#
# A group is a folder tests/<group>/ with an executable test.sh. It prints one line per assertion:
#   ok - <what>        or        not ok - <what>
# (anything else it prints is shown but not counted) and exits non-zero when an assertion failed.
# Groups run in the order below; `tests/run-all.sh GROUP...` runs only those.
#
# Environment for the groups: PARTITA (the tool under test), TOP (the project root), BUILD.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
export BUILD="${BUILD:-$TOP/build}"
export PARTITA="${PARTITA:-$BUILD/bin/partita}"

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(unit fixtures schema gen docs asan fuzz boot attack riscv)

passed=0 failed=0
for g in "${groups[@]}"; do
	script="$TOP/tests/$g/test.sh"
	if [ ! -x "$script" ]; then
		echo "not ok - test group '$g' has no executable tests/$g/test.sh"
		failed=$((failed + 1))
		continue
	fi
	echo "== $g"
	out=$(mktemp)
	"$script" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	p=$(grep -c '^ok - ' "$out")
	f=$(grep -c '^not ok - ' "$out")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - test group '$g' exited with status $status"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - test group '$g' ran no assertion"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	rm -f "$out"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
