# partita-chan (samples/guests/linux/partita-channel/partita-chan.c), the Linux guest's channel
# test tool: it compiles as its Makefile builds it (freestanding arm64, warnings as errors), and
# its command line, compiled for the host with sanitizers, refuses what it cannot do (a SIZE over
# the 4096-byte maximum, a count that is no number, an unknown subcommand) and lists every
# subcommand in its usage (tests/gen/partita-chan-test.c). Sourced by tests/gen/test.sh (its
# ok/bad/expect, $WORK).
# shellcheck shell=bash
PC_SRC="$TOP/samples/guests/linux/partita-channel/partita-chan.c"
expect 'aarch64-linux-gnu-gcc -static -nostdlib -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-stack-protector -fno-pie -no-pie -O2 -Wall -Wextra -Werror -o "$WORK/partita-chan" "$PC_SRC" \
	>"$WORK/partita-chan.cc" 2>&1' \
	"partita-chan: compiles for arm64 Linux as samples/guests/linux/Makefile builds it (-Wall -Wextra -Werror)"
if gcc -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all \
	-o "$WORK/partita-chan-test" "$TOP/tests/gen/partita-chan-test.c" >"$WORK/partita-chan-test.cc" 2>&1; then
	"$WORK/partita-chan-test" 2>"$WORK/partita-chan-test.err" || status=1
	expect '! grep -q "Sanitizer\|runtime error" "$WORK/partita-chan-test.err"' \
		"partita-chan: its command-line parser is clean under ASan and UBSan"
else
	bad "partita-chan: its command-line parser compiles for the host"
	sed 's/^/    /' "$WORK/partita-chan-test.cc" | head -20
fi
