#!/usr/bin/env bash
# Refresh the figures docs/*.md quote from `make bench`: every <!-- bench: SECTION | REGEX -->
# block gets the lines of REPORT's section SECTION that match REGEX (tests/docs/benchblocks.py).
#
#   tests/bench/bench.sh | tee build/bench/report.txt; tests/docs/bench-docs.sh build/bench/report.txt
#   (what `make bench-docs` does)
set -euo pipefail
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
export TOP
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	echo "usage: $0 REPORT (the output of tests/bench/bench.sh)" >&2
	exit 2
fi
exec python3 "$TOP/tests/docs/benchblocks.py" refresh "$1"
