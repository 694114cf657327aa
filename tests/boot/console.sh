#!/usr/bin/env bash
# The multiplexed console (docs/console.md): output of each VM is tagged with its name; input goes
# to the VM with the focus (initially the first VM with a console, or the one the description
# names) and Ctrl-] (0x1d) moves the focus on, through the hypervisor shell; half lines show at
# once; a paste larger than the receive ring arrives whole; mux mode gives every VM its own
# terminal through `partita console`.
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
	expect_re "^vm +state +vcpu->pcpu +boots +faults +irqs +uptime$" "info has a header"
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
	expect_re "^vm +state +vcpu->pcpu +boots +faults +irqs +uptime$" "the shell's info, on its own terminal"
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
	expect "echo: by-tcp" "and alpha's answer comes back on that port"
	LOG=$OUT/alpha.txt
	check "console-mux: run.sh ends when the machine powers off (exit status $RC)" [ "$RC" -eq 0 ]
	LOG=$OUT/client2.log
	expect "partita console: alpha" "the new client names alpha's terminal"
}
finish
