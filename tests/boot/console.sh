#!/usr/bin/env bash
# The multiplexed console (docs/console.md): output of each VM is tagged with its name; input goes
# to the VM with the focus (initially the first VM with a console, or the one the description
# names) and Ctrl-] (0x1d) moves the focus on, through the hypervisor shell, and does not compound
# with a move the focus made by itself; half lines show at once; the shell's half-typed line comes
# back after output that cut it; a paste larger than the receive ring arrives whole; the vUART
# honours a disabled FIFO; mux mode gives every VM its own terminal through `partita console`,
# and a terminal opened late (picocom) gets the replay.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

BOOT_INPUT='first line\r\x1dsecond line\r' boot "$here/console.yaml" && {
	expect "[alpha] echo: first line" "input goes to the first VM with a console"
	expect "partita: console input -> vm 'beta'" "Ctrl-] moves the focus, and says so"
	expect "[beta] echo: second line" "then input goes to vm 'beta'"
	expect_order "partita: console input -> vm 'beta'" "[beta] echo: second line" "in that order"
	expect_not "echo: first linesecond" "nothing leaks across the switch"
	powered_off
}
# A prompt (half a line, then a pause) next to a VM printing whole lines.
boot "$here/console-streams.yaml" && {
	expect_line "[prompt] part-" "the half line shows alone, at once, ended when another VM speaks"
	expect_line "[prompt] end" "its rest comes tagged again"
	expect_order "[prompt] part-" "[talker] heartbeat 3" "the other VM's lines go on meanwhile"
	expect_order "[talker] heartbeat 3" "[prompt] end" "before the prompt's rest"
	expect_not "part-end" "the half line is not glued to anything"
	expect_not "part-[" "no tag in the middle of a line"
	powered_off
}

# 10,000 bytes into a VM that does not read for 300 ms.
paste=$(head -c 10000 /dev/zero | tr '\0' 'x')
# Without -icount: two CPUs polling with YIELD make QEMU's round robin switch CPUs every few
# instructions, and 300 ms of virtual time take minutes (docs/interrupts.md, testing).
BOOT_ICOUNT= BOOT_INPUT="$paste" boot "$here/console-paste.yaml" && {
	expect "partita: console input -> vm 'sink'" "the focus starts where the description says"
	expect "[sink] rxcount: 10000 bytes, sum 1200000" "all 10,000 bytes arrive, in a 4 KiB ring"
	powered_off
}

# The shell: a line to a, Ctrl-] to b, a line to b, Ctrl-] to the shell, then commands.
long=$(printf 'x%.0s' $(seq 200))
BOOT_INPUT="one\\r\\x1dtwo\\r\\x1dinfo\\rstop a\\rrestart b\\rbogus\\r\\x7f\\x7f\\x01\\x1b[A\\x00\\xff\\xfe$long\\rhelp\\r" \
	boot "$here/console-shell.yaml" && {
	expect "[a] echo: one" "the first line goes to vm 'a'"
	expect "partita: console input -> vm 'b'" "Ctrl-] moves to 'b'"
	expect "partita: console input -> hypervisor shell" "and then to the hypervisor shell"
	expect "partita> info" "the shell echoes what is typed after its prompt"
	expect_re "^vm +state +vcpu->pcpu +boots +faults( +[a-z]+)* +uptime$" "info has a header"
	expect_re "^b +(running|restarting) +0->1 " "info lists vm 'b' on pCPU 1"
	expect "stop: vm 'a' is not under the shell's control" "stop of a VM not in control: is refused"
	expect "partita: vm 'b': restarted from the shell" "restart b does it"
	expect_count 2 "[b] hello from vm b cpu 0" "b boots twice"
	expect "[b] boot 2 reached maxboots, powering off" "the second time is the restart"
	expect "bogus: unknown command" "an unknown command is named"
	expect_re "^\\[Ax{77}: unknown command" \
		"garbage: control bytes ignored (ESC too: its [A stays text), a 200-character line cut at 79"
	expect "commands: help, info, stop VM, start VM, restart VM, log" "the shell still answers after it"
	powered_off
}
# The focus moves by itself (a powers off) just as a Ctrl-] comes: backpressure holds the Ctrl-]
# in the UART until that moment (console-focus.yaml says how). Real time: the settling is 500 ms.
fill=$(head -c 4096 /dev/zero | tr '\0' 'x')
more=$(head -c 4096 /dev/zero | tr '\0' 'y')
BOOT_ICOUNT='' BOOT_INPUT="$fill\\x1dhey\\r$more\\x1dinfo\\r\\x1dbye\\r" boot "$here/console-focus.yaml" && {
	expect "[a] rxfull: full" "a's ring filled: what was typed after it waited in the UART"
	expect "[b] echo: hey" "a Ctrl-] read as the focus moved by itself counts from the focus the user saw"
	expect_not "hey: unknown command" "so what is typed after it reaches b, not the shell"
	expect_count 3 "partita: console input -> vm 'b'" "the move, the Ctrl-] saying it again, the round back"
	expect_order "[b] echo: hey" "partita: console input -> hypervisor shell" \
		"a Ctrl-] a second after the move counts normally (to the shell)"
	expect_re "^vm +state +vcpu->pcpu" "the shell got the line typed after that one"
	expect "[b] echo: bye" "and the next Ctrl-] goes round to b (a is off)"
	powered_off
}

# line_after TEXT [N]: the line after the N-th (default first) line of the log that is exactly
# TEXT; line_before TEXT: the line before the first.
line_after() { awk -v t="$1" -v n="${2:-1}" 'p { print; exit } $0 == t && ++k == n { p = 1 }' "$LOG"; }
line_before() { awk -v t="$1" '$0 == t { print prev; exit } { prev = $0 }' "$LOG"; }
_matches() { [[ $1 =~ $2 ]]; }
_absent_line() { ! grep -qxF -- "$1" "$LOG"; }
_not_matches() { ! [[ $1 =~ $2 ]]; }
# The shell's half-typed line comes back after a VM's line and after a hypervisor message, and
# when the focus comes back to the shell. Typed in real time, each key when the console is ready.
BOOT_ICOUNT='' boot_driven "$here/console-redraw.yaml" \
	"wait:console input -> vm 'talker'" 'send:\x1d\x1d' 'wait:console input -> hypervisor shell' \
	'send:inf' 'wait:partita> inf' 'wait:partita> inf' 'send:o\r' 'wait:vcpu->pcpu' \
	'send:hx\x7fe' "wait:vm 'quitter' vcpu 0: PSCI SYSTEM_OFF" 'send:lp\r' 'wait:commands: help' \
	'send:lo\x1d' "wait:console input -> vm 'talker'" \
	'send:\x1d' 'wait:console input -> hypervisor shell' 'send:g\r' && {
	expect_line "partita> inf" "half a command in the shell, as typed"
	check "$NAME: a VM's line cut it, and it came back below that line, where typing went on" \
		_matches "$(line_before "partita> info")" '^\[talker\] heartbeat'
	check "$NAME: nothing typed lands on a line of its own, without the prompt" _absent_line "o"
	check "$NAME: a hypervisor message goes below the line, which comes back after it (erased x left out)" \
		_matches "$(line_after "partita: vm 'quitter' vcpu 0: PSCI SYSTEM_OFF — VM off")" '^partita> he(lp)?$'
	expect_not "hepartita:" "the message is not glued to the half-typed line"
	expect_line "partita> help" "the command is whole on its line"
	expect_line "partita> log" "a line left half-typed when the focus went away is shown again when it comes back"
	check "$NAME: the shell's line is not put back while the focus is elsewhere" \
		_not_matches "$(line_after "partita: console input -> vm 'talker'" 2)" '^partita> '
	powered_off
}

# The vUART with the guest's FIFOs off: a 1-byte holding register (rxhold.h in the guest).
BOOT_INPUT='abcdefgh' boot "$here/console-rxhold.yaml" && {
	expect "[hold] rxhold: fen=0: rxff=1 rxfe=0" "FIFOs off: a waiting byte is a full holding register (RXFF)"
	expect "[hold] rxhold: icr: rxris=0" "ICR clears the receive interrupt while the byte still waits"
	expect "[hold] rxhold: read a: rxris=1 rxff=1" "reading it moves the next byte in: received again, full again"
	expect "[hold] rxhold: fen=1: rxff=0 rxfe=0" "FIFOs on: a few bytes do not fill them"
	expect "[hold] rxhold: read b: rxris=0" "and a read that leaves bytes raises nothing new"
	expect "[hold] rxhold: fen=0: rest cdefgh, then rxff=0 rxfe=1 rxris=0" \
		"FIFOs off again: the rest, one at a time, in order; nothing typed is lost"
	powered_off
}

# Mux mode: type into each terminal while recording all of them.
mux_session() {
	local con=$OUT/console
	sleep 1
	printf 'to-alpha\r' >"$con/alpha"
	sleep 1
	printf 'info\r' >"$con/hypervisor"
	sleep 0.5
	printf 'restart alpha\r' >"$con/hypervisor"
	printf 'restart beta\r' >"$con/hypervisor"
	sleep 1
	printf 'to-beta\r' >"$con/beta"
	sleep 1
	# A new client: the old one goes, its replacement says hello and gets the streams again.
	pkill -f "partita console $con/uart.sock" || true
	sleep 0.5
	"$PARTITA" console "$con/uart.sock" -d "$con" --tcp "$mux_port" 2>"$OUT/client2.log" &
	for _ in $(seq 50); do [ -e "$con/alpha" ] && break; sleep 0.1; done
	sleep 0.5
	timeout 5 cat "$con/alpha" >"$OUT/alpha-again.log" 2>/dev/null &
	timeout 5 cat "$con/hypervisor" >"$OUT/hypervisor-again.log" 2>/dev/null &
	sleep 1
	printf 'log\r' >"$con/hypervisor"
	# a line for alpha through the TCP port of channel 1 (--tcp below).
	timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$((mux_port + 1)); printf 'by-tcp\r' >&3; cat <&3" \
		>"$OUT/alpha-tcp.log" 2>/dev/null &
	sleep 1
	printf 'last\r' >"$con/beta"
	sleep 3
}
mux_port=$((20000 + RANDOM % 20000))
BOOT_MUX_ARGS="--tcp $mux_port" boot_mux "$here/console-mux.yaml" mux_session && {
	LOG=$OUT/alpha.txt
	expect "hello from vm alpha cpu 0" "alpha's terminal shows alpha's output"
	expect_line "echo: to-alpha" "what was typed on alpha's terminal reached alpha, untagged"
	expect_not "to-beta" "nothing typed for beta"
	expect_not "[alpha]" "no tags on a VM's own terminal"
	LOG=$OUT/beta.txt
	expect_count 2 "hello from vm beta cpu 0" "beta's terminal: beta, restarted from the shell"
	expect_line "echo: to-beta" "beta got its own line"
	expect_not "to-alpha" "and not alpha's"
	LOG=$OUT/hypervisor.txt
	expect_re "^vm +state +vcpu->pcpu +boots +faults( +[a-z]+)* +uptime$" "the shell's info, on its own terminal"
	expect_re "^alpha +running +0->0 " "info lists alpha"
	expect "restart: vm 'alpha' is not under the shell's control" "control: is enforced"
	expect "partita: vm 'beta': restarted from the shell" "restart beta"
	expect_not "hello from vm" "VM output stays off the hypervisor's terminal"
	LOG=$OUT/hypervisor-again.log
	expect "partita> log" "the shell on the new client's terminal"
	expect_count 2 "partita: system 'console-mux', 2 VMs" "log shows the hypervisor's messages (the replay, then the log)"
	LOG=$OUT/alpha-again.log
	expect "hello from vm alpha cpu 0" "a client started again gets alpha's earlier output"
	expect "echo: by-tcp" "a line typed on alpha's TCP port reaches alpha"
	LOG=$OUT/alpha-tcp.log
	expect "hello from vm alpha cpu 0" "a TCP client gets alpha's replay when it connects"
	expect "echo: by-tcp" "and alpha's answer comes back on that port"
	LOG=$OUT/alpha.txt
	check "console-mux: run.sh ends when the machine powers off (exit status $RC)" [ "$RC" -eq 0 ]
	LOG=$OUT/client2.log
	expect "partita console: alpha" "the new client names alpha's terminal"
}

# boot_mux_open YAML FUNCTION: boot with run.sh --console=mux (real time) and run FUNCTION once
# the terminals are there, none of them open (boot_mux keeps a reader on each from the start):
# FUNCTION opens them when it wants. RC is run.sh's exit status, LOG its output.
boot_mux_open() {
	build_system "$1" || return 1
	"$OUT/run.sh" --console=mux --timeout "$BOOT_TIMEOUT" </dev/null >"$LOG" 2>&1 &
	local pid=$! i
	for i in $(seq 100); do
		[ -e "$OUT/console/hypervisor" ] && break
		sleep 0.1
	done
	"$2"
	RC=0
	wait "$pid" || RC=$?
	return 0
}
# Terminals opened after the VM wrote to them: picocom (which flushes the line's input as it
# opens it), a client that flushes a moment later, one that never does, kept open until alpha's
# last line, after which alpha powers off and the machine with it.
attach_session() {
	local con=$OUT/console
	sleep 1.5   # alpha has said hello; nobody had its terminal open
	timeout 10 picocom -q -x 1000 "$con/alpha" </dev/null >"$OUT/picocom.log" 2>&1
	timeout 10 python3 -c '
import os, select, sys, termios, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
time.sleep(0.2)   # partita console has seen it open and written the replay by now
termios.tcflush(fd, termios.TCIFLUSH)
end, out = time.time() + 1, b""
while time.time() < end:
    if select.select([fd], [], [], 0.1)[0]:
        out += os.read(fd, 4096)
sys.stdout.write(out.decode(errors="replace"))
' "$con/alpha" >"$OUT/late-flush.log" 2>&1
	timeout 20 cat "$con/alpha" >"$OUT/alpha.log" 2>/dev/null &
	sleep 0.5
	# 5000 bytes for mute, which never reads: its ring fills, the rest waits in the UART and
	# alpha's line waits behind them (head-of-line) until mute powers off.
	head -c 5000 /dev/zero | tr '\0' 'm' >"$con/mute"
	printf 'to-alpha\r' >"$con/alpha"
	sleep 8
}
if ! command -v picocom >/dev/null; then
	not_ok "console-attach: picocom is installed (make deps installs it)"
elif boot_mux_open "$here/console-attach.yaml" attach_session; then
	LOG=$OUT/picocom.log
	expect "hello from vm alpha cpu 0" "picocom opened after boot shows alpha's replay"
	expect "heartbeat 2" "all of it"
	LOG=$OUT/late-flush.log
	expect "hello from vm alpha cpu 0" "a client that flushes its input after the replay gets it again"
	LOG=$OUT/alpha.log
	expect_count 1 "hello from vm alpha cpu 0" "one that never flushes gets the replay once"
	expect "echo: to-alpha" "alpha's last words, just before the machine went off, reach its open terminal"
	LOG=$OUT/console.log
	check "console-attach: input for a VM that powered off unread does not hold up the others' (alpha got its line, then the machine powered off: exit status $RC)" [ "$RC" -eq 0 ]
fi
finish
