#!/usr/bin/env bash
# The fuzz targets of tests/fuzz/ (libFuzzer, built with Debian's clang and ASan + UBSan; see
# README.md there): built; every saved finding (tests/fuzz/crashes/TARGET/*) replayed as a
# regression test, which must now run clean; then each target fuzzed from its seeds for
# FUZZ_TEST_SECONDS (default 15), which must find nothing. A finding is kept in
# build/fuzz/artifacts/TARGET/ and named in the failure.
#
# Environment: TOP (the project root), BUILD. Prints "ok - ..." / "not ok - ..." per assertion.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$HERE/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
# shellcheck source=tests/fuzz/lib.sh
. "$HERE/lib.sh"
TARGETS=(yaml image dtb)
EACH=${FUZZ_TEST_SECONDS:-15}

LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT
failed=0
ok() { echo "ok - fuzz: $1"; }
not_ok() {
	echo "not ok - fuzz: $1"
	[ $# -lt 2 ] || printf '%s\n' "$2" | sed 's/^/#   /'
	failed=1
}
# The lines of a libFuzzer log that say what went wrong.
finding() {
	grep -E 'ERROR: |runtime error|SUMMARY: |Test unit written|^    #[0-9]+ ' "$1" | head -20
}

if ! make -s -C "$TOP" BUILD="$BUILD" -j2 fuzz-build >"$LOG/build" 2>&1; then
	not_ok "build the targets (make fuzz-build)" "$(tail -20 "$LOG/build")"
	exit 1
fi
ok "build the targets ${TARGETS[*]} (clang -fsanitize=fuzzer,address,undefined)"

for t in "${TARGETS[@]}"; do
	bin=$FUZZ_OUT/fuzz-$t
	# Saved findings: each input once.
	for f in "$HERE/crashes/$t"/*; do
		[ -f "$f" ] || continue
		if timeout 120 "$bin" -timeout=10 -rss_limit_mb=2048 "$f" >"$LOG/replay" 2>&1; then
			ok "$t: crashes/$t/$(basename "$f") runs clean"
		else
			not_ok "$t: crashes/$t/$(basename "$f") runs clean" "$(finding "$LOG/replay")"
		fi
	done
	# A short run from the seeds; new inputs go to a folder that is thrown away.
	mapfile -t seeds < <(fuzz_seeds "$t")
	mapfile -t opts < <(fuzz_options "$t")
	mkdir -p "$LOG/corpus-$t" "$FUZZ_OUT/artifacts/$t"
	timeout $((EACH + 120)) "$bin" "${opts[@]}" -max_total_time="$EACH" \
		-artifact_prefix="$FUZZ_OUT/artifacts/$t/" "$LOG/corpus-$t" "${seeds[@]}" >"$LOG/run-$t" 2>&1
	status=$?
	if [ "$status" -eq 0 ] && ! grep -q 'ERROR: ' "$LOG/run-$t"; then
		ok "$t: ${EACH} s from the seeds without a finding ($(fuzz_summary "$LOG/run-$t"))"
	else
		not_ok "$t: ${EACH} s from the seeds without a finding (exit $status; once fixed, save the input in tests/fuzz/crashes/$t/)" \
			"$(finding "$LOG/run-$t")"
	fi
done
exit $failed
