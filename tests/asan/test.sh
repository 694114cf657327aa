#!/usr/bin/env bash
# The fixture tests again, against partita built with AddressSanitizer, LeakSanitizer and
# UndefinedBehaviorSanitizer. Every assertion of tests/fixtures/test.sh is repeated (its lines
# pass through, their descriptions prefixed "asan: "), and any sanitizer report from any run of
# the tool is a failure of its own.
#
# Sanitizer reports go to log files (log_path), not to the tool's stderr: the fixture tests
# compare stderr exactly, and a report must be seen even when the exit status looks right.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$HERE/../.." && pwd)}
export TOP
ASAN_BIN=$TOP/build/asan/partita

LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT

if ! make -s -C "$TOP" "$ASAN_BIN" >"$LOG/build" 2>&1 || [ ! -x "$ASAN_BIN" ]; then
	echo "not ok - asan: build $ASAN_BIN"
	tail -30 "$LOG/build" | sed 's/^/#   /'
	exit 1
fi
echo "ok - asan: build $ASAN_BIN"

# exitcode=86: a sanitizer abort never passes for an expected exit status 1.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86:log_path=$LOG/san"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$LOG/san"
export LSAN_OPTIONS="exitcode=86:log_path=$LOG/san"

PARTITA=$ASAN_BIN "$TOP/tests/fixtures/test.sh" >"$LOG/out" 2>&1
status=$?
sed -E 's/^(ok|not ok) - /\1 - asan: /' "$LOG/out"

failed=0
[ "$status" -eq 0 ] || failed=1
reports=$(grep -lE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: .*Sanitizer' \
	"$LOG"/san* "$LOG/out" 2>/dev/null)
if [ -n "$reports" ]; then
	echo "not ok - asan: no sanitizer report ($(echo "$reports" | wc -l) found)"
	for r in $reports; do
		echo "# --- $(basename "$r")"
		grep -E 'ERROR|runtime error|SUMMARY|^    #[0-9]+ ' "$r" | head -25 | sed 's/^/#   /'
	done
	failed=1
else
	echo "ok - asan: no sanitizer report (AddressSanitizer, LeakSanitizer, UBSan)"
fi
exit $failed
