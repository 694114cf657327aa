#!/usr/bin/env bash
# A fuzzing campaign (`make fuzz FUZZ_SECONDS=N`): tests/fuzz/fuzz.sh SECONDS TARGET...
#
# Each target in turn for SECONDS, with FUZZ_JOBS workers (libFuzzer's -fork; default 1), from its
# seeds and its corpus build/fuzz/corpus/TARGET, which the campaign grows and keeps for the next.
# A finding does not stop the campaign: it is written to build/fuzz/artifacts/TARGET/ (crash-*,
# leak-*, oom-*, timeout-*). Reproduce one with build/fuzz/fuzz-TARGET FILE; once fixed, save it in
# tests/fuzz/crashes/TARGET/ so that `make check` replays it. FUZZ_OPTIONS adds libFuzzer options.
# Logs: build/fuzz/logs/TARGET.log; one summary line per target at the end.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$HERE/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
# shellcheck source=tests/fuzz/lib.sh
. "$HERE/lib.sh"

if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS TARGET..." >&2
	exit 2
fi
seconds=$1
shift
jobs=${FUZZ_JOBS:-1}
read -r -a extra <<<"${FUZZ_OPTIONS:-}"
mkdir -p "$FUZZ_OUT/logs"
summary=()
for t in "$@"; do
	bin=$FUZZ_OUT/fuzz-$t
	corpus=$FUZZ_OUT/corpus/$t
	artifacts=$FUZZ_OUT/artifacts/$t
	log=$FUZZ_OUT/logs/$t.log
	mkdir -p "$corpus" "$artifacts"
	mapfile -t seeds < <(fuzz_seeds "$t")
	mapfile -t opts < <(fuzz_options "$t")
	before=$(find "$artifacts" -type f | wc -l)
	echo "fuzz: $t for ${seconds} s ($jobs job(s)); log $log"
	"$bin" "${opts[@]}" -max_total_time="$seconds" -fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 \
		-ignore_timeouts=1 -artifact_prefix="$artifacts/" "${extra[@]}" "$corpus" "${seeds[@]}" >"$log" 2>&1
	found=$(($(find "$artifacts" -type f | wc -l) - before))
	summary+=("$t: $(fuzz_summary "$log"), $found new finding(s) in $artifacts")
done
printf 'fuzz: %s\n' "${summary[@]}"
