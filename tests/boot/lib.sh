#!/usr/bin/env bash
# Helpers for the boot tests: build one system description into a hypervisor image, boot it
# under QEMU (always under `timeout`, deterministic -icount), and assert on its console output.
#
#   . "$(dirname "$0")/lib.sh"
#   boot tests/boot/foo.yaml          # sets LOG (console output, \r stripped) and RC
#   expect "[ctrl] hello from vm ctrl cpu 0" "ctrl says hello"
#   powered_off
#   finish
#
# Environment: TOP, BUILD, PARTITA as tests/run-all.sh sets them (defaults work standalone);
# BOOT_TIMEOUT (seconds, default 60); BOOT_INPUT (printf %b format) is typed on the console.
set -uo pipefail

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
PARTITA=${PARTITA:-$BUILD/bin/partita}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-60}
failures=0
LOG=/dev/null
RC=0
NAME=

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }

# check DESCRIPTION COMMAND...: one assertion from a command's status.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# The tool and the sample guest, once per test script.
prepare() {
	[ -x "$PARTITA" ] || make -s -C "$TOP" tool >/dev/null || return 1
	make -s -C "$TOP/samples/guests/baremetal" O="$BUILD/guests" >/dev/null
}

# boot YAML: generate, build and run. The machine must switch itself off: a run that needs the
# timeout to end is reported as a failure by powered_off.
boot() {
	build_system "$1" || return 1
	printf '%b' "${BOOT_INPUT:-}" >"$OUT/input"
	"$OUT/run.sh" ${BOOT_ICOUNT---icount} --timeout "$BOOT_TIMEOUT" <"$OUT/input" 2>&1 |
		tr -d '\r' >"$LOG"
	RC=${PIPESTATUS[0]}
	return 0
}

# boot_driven YAML STEP...: boot like `boot`, typing on the console as the output asks. Steps:
#   wait:TEXT       until a console line contains TEXT (seen more often than at the last wait
#                   for the same TEXT: waiting twice for "hello" waits for the second one)
#   send:BYTES      type BYTES (printf %b)
#   sleep:SECONDS   pause
# A wait that is not met in BOOT_TIMEOUT seconds is a failure (not_ok) and ends the script; the
# machine still has to switch itself off, as with `boot`.
boot_driven() {
	build_system "$1" || return 1
	shift
	local fifo=$OUT/input.fifo raw=$OUT/console.raw step text n deadline w pid
	local -A seen=()
	rm -f "$fifo"
	mkfifo "$fifo"
	"$OUT/run.sh" ${BOOT_ICOUNT---icount} --timeout "$BOOT_TIMEOUT" <"$fifo" >"$raw" 2>&1 &
	pid=$!
	exec {w}>"$fifo"
	deadline=$((SECONDS + BOOT_TIMEOUT))
	for step in "$@"; do
		case $step in
		wait:*)
			text=${step#wait:}
			n=$((${seen[$text]:-0} + 1))
			seen[$text]=$n
			until [ "$(grep -cF -- "$text" "$raw")" -ge "$n" ]; do
				if [ $SECONDS -ge $deadline ] || ! kill -0 "$pid" 2>/dev/null; then
					not_ok "$NAME: the console shows '$text' (x$n) before the timeout"
					break 2
				fi
				sleep 0.05
			done ;;
		send:*) printf '%b' "${step#send:}" >&"$w" ;;
		sleep:*) sleep "${step#sleep:}" ;;
		*) not_ok "$NAME: boot_driven step '$step' is not wait:, send: or sleep:" ;;
		esac
	done
	exec {w}>&-
	wait "$pid"
	RC=$?
	tr -d '\r' <"$raw" >"$LOG"
	return 0
}

# build_system YAML: generate and build into $BUILD/boot-tests/NAME ($OUT); sets NAME, OUT, LOG.
# BOOT_BOARD=NAME builds the same system for another board (`board:` replaced, NAME@BOARD); a
# system that names devices of its own board is skipped there (no assertion is made).
build_system() {
	local yaml=$1 out
	NAME=$(basename "$yaml" .yaml)
	# While working on one test: BOOT_ONLY=REGEX runs only the systems whose name matches.
	if [ -n "${BOOT_ONLY:-}" ] && ! [[ $NAME =~ $BOOT_ONLY ]]; then
		return 1
	fi
	if [ -n "${BOOT_BOARD:-}" ] && ! grep -q "^board: *$BOOT_BOARD *\$" "$yaml"; then
		if grep -qE '^ +devices: *(\[ *[^] ]|$)' "$yaml"; then
			echo "# $NAME: not on $BOOT_BOARD (it passes through devices of its own board)"
			return 1
		fi
		# Next to the original, so that its relative paths still hold; removed after gen.
		local moved
		moved=$(dirname "$yaml")/.$NAME@$BOOT_BOARD.yaml
		sed "s/^board: .*/board: $BOOT_BOARD/" "$yaml" >"$moved"
		NAME=$NAME@$BOOT_BOARD
		yaml=$moved
	fi
	out=$BUILD/boot-tests/$NAME
	OUT=$out
	LOG=$out/console.log
	RC=999
	rm -rf "$out"
	mkdir -p "$out"
	if ! prepare; then
		not_ok "$NAME: build the partita tool and the sample guest"
		return 1
	fi
	if ! "$PARTITA" gen "$yaml" -o "$out" >"$out/gen.log" 2>&1; then
		not_ok "$NAME: partita gen $(basename "$yaml")"
		sed 's/^/# /' "$out/gen.log"
		[[ $NAME != *@* ]] || rm -f "$yaml"
		return 1
	fi
	[[ $NAME != *@* ]] || rm -f "$yaml"
	if ! make -s -j2 -C "$TOP/hypervisor" CONFIG_DIR="$out" O="$out/hyp" >"$out/build.log" 2>&1; then
		not_ok "$NAME: build the hypervisor"
		sed 's/^/# /' "$out/build.log"
		return 1
	fi
}

# boot_mux YAML FUNCTION: boot with run.sh --console=mux (no -icount: real time) and, once the
# terminals of `partita console` are there (console/NAME next to run.sh), record each stream
# into $OUT/NAME.log while FUNCTION types into them. RC is run.sh's exit status; LOG is
# run.sh's own output (the client's messages).
boot_mux() {
	build_system "$1" || return 1
	local fn=$2 i names=() readers=()
	# shellcheck disable=SC2086 # BOOT_MUX_ARGS: more run.sh options, word-split
	"$OUT/run.sh" --console=mux --timeout "$BOOT_TIMEOUT" ${BOOT_MUX_ARGS:-} </dev/null >"$LOG" 2>&1 &
	local pid=$!
	for i in $(seq 100); do
		[ -e "$OUT/console/hypervisor" ] && break
		sleep 0.1
	done
	sleep 0.5   # every stream's link: the name list comes in one frame
	for i in "$OUT"/console/*; do
		[ -L "$i" ] || continue
		names+=("$(basename "$i")")
		timeout "$BOOT_TIMEOUT" cat "$i" >"$OUT/$(basename "$i").log" 2>/dev/null &
		readers+=($!)
	done
	"$fn"
	RC=0
	wait "$pid" || RC=$?
	kill "${readers[@]}" 2>/dev/null
	wait "${readers[@]}" 2>/dev/null
	for i in "${names[@]}"; do
		tr -d '\r' <"$OUT/$i.log" >"$OUT/$i.txt"
	done
	return 0
}

# The bare-metal guest's share= (time partitioning and neighbour tests).
# share_of VM: parse "[VM] share: ran R us of T us (P%), G gaps, work W" into RAN, ELAPSED,
# GAPS, WORK and BP (R/T in hundredths of a per cent); 1 when the line is missing.
share_of() {
	local l re='share: ran ([0-9]+) us of ([0-9]+) us \([0-9.]+%\), ([0-9]+) gaps, work ([0-9]+)'
	RAN=0 ELAPSED=0 GAPS=0 WORK=0 BP=0
	l=$(grep -F "[$1] share: " "$LOG" | tail -n1)
	[[ $l =~ $re ]] || return 1
	RAN=${BASH_REMATCH[1]} ELAPSED=${BASH_REMATCH[2]} GAPS=${BASH_REMATCH[3]} WORK=${BASH_REMATCH[4]}
	[ "$ELAPSED" -gt 0 ] && BP=$((RAN * 10000 / ELAPSED))
	return 0
}
pct() { printf '%d.%02d%%' $(($1 / 100)) $(($1 % 100)); }
between() { [ "$2" -le "$1" ] && [ "$1" -le "$3" ]; }

# expect TEXT DESCRIPTION: some console line contains TEXT.
expect() {
	check "$NAME: $2" grep -qF -- "$1" "$LOG"
}

# expect_line TEXT DESCRIPTION: some console line is exactly TEXT.
expect_line() {
	check "$NAME: $2" grep -qxF -- "$1" "$LOG"
}

# expect_re REGEX DESCRIPTION: some console line matches the extended regular expression.
expect_re() {
	check "$NAME: $2" grep -qE -- "$1" "$LOG"
}

# expect_not TEXT DESCRIPTION
expect_not() {
	check "$NAME: $2" _absent "$1"
}
_absent() { ! grep -qF -- "$1" "$LOG"; }

# expect_count N TEXT DESCRIPTION: exactly N lines contain TEXT.
expect_count() {
	local n
	n=$(grep -cF -- "$2" "$LOG")
	check "$NAME: $3 (x$1, saw $n)" [ "$n" -eq "$1" ]
}

# expect_lines N REGEX DESCRIPTION: exactly N whole lines match the extended REGEX.
expect_lines() {
	local n
	n=$(grep -cxE -- "$2" "$LOG")
	check "$NAME: $3 (x$1, saw $n)" [ "$n" -eq "$1" ]
}

# at_most N TEXT DESCRIPTION: at most N lines contain TEXT.
at_most() {
	local n
	n=$(grep -cF -- "$2" "$LOG")
	check "$NAME: $3 (at most $1, saw $n)" [ "$n" -le "$1" ]
}

# in_order DESCRIPTION LINE...: these whole lines appear in this order.
in_order() {
	local desc=$1 n=0 l
	shift
	for l in "$@"; do
		n=$(awk -v start="$n" -v want="$l" 'NR > start && $0 == want { print NR; exit }' "$LOG")
		if [ -z "$n" ]; then
			not_ok "$NAME: $desc ('$l' missing or out of order)"
			return
		fi
	done
	ok "$NAME: $desc"
}

# expect_order FIRST LATER DESCRIPTION: a line with LATER comes after the first line with FIRST.
expect_order() {
	local a b
	a=$(grep -nF -m1 -- "$1" "$LOG" | cut -d: -f1)
	b=$(grep -nF -- "$2" "$LOG" | tail -n1 | cut -d: -f1)
	check "$NAME: $3" _before "$a" "$b"
}
_before() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }

# The machine switched itself off (QEMU exit 0) without a timeout or a hypervisor panic.
powered_off() {
	check "$NAME: machine powers itself off (exit status $RC)" [ "$RC" -eq 0 ]
	expect_not "PANIC" "no hypervisor panic"
}

# On failure, show the console output to help whoever reads the log.
finish() {
	if [ "$failures" -gt 0 ] && [ -f "$LOG" ]; then
		echo "# console output of the last boot ($LOG):"
		sed 's/^/#   /' "$LOG"
	fi
	[ "$failures" -eq 0 ]
}
