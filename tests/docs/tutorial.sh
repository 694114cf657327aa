#!/usr/bin/env bash
# Run every command docs/tutorial.md (and README.md) shows and compare the output with the text:
# one "ok - ..." / "not ok - ..." line per command. Usage and format: tests/docs/tutorial.py.
#
#   tests/docs/tutorial.sh                      both files, every command (a few minutes: it
#                                               builds and boots the tutorial's systems)
#   tests/docs/tutorial.sh --only 'check|gen'   only the commands matching a regex
#   tests/docs/tutorial.sh --update             write the actual output of commands that differ
#                                               into the Markdown (review with git diff)
set -uo pipefail
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
export TOP
exec python3 "$TOP/tests/docs/tutorial.py" "$@"
