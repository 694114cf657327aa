#!/usr/bin/env bash
# The riscv64 bare-metal guest (build/guests/baremetal-riscv64.bin, docs/guest.md "The riscv64
# guest") on bare QEMU: qemu-system-riscv64 -M virt with the H extension, OpenSBI's fw_jump
# entering it in S-mode, no hypervisor. Its command line comes from QEMU's device tree (-append:
# /chosen/bootargs), or, for the malformed device tree, from the -native build
# (baremetal-riscv64-native.elf: NATIVE_BOOTARGS). Then partita.sh boots it in VMs of the RISC-V
# hypervisor.
#
# Every boot runs under `timeout` and -icount (deterministic; sleep=off: idle time costs nothing)
# and must switch the machine off by itself. Lines "ok - ..." / "not ok - ...".
set -uo pipefail
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
GUESTS=$BUILD/guests
FW=${RV_FW:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin}
WORK=$BUILD/riscv-test
failures=0
LOG=/dev/null
RC=0
NAME=

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }

if ! command -v qemu-system-riscv64 >/dev/null || [ ! -f "$FW" ] || ! command -v dtc >/dev/null; then
	not_ok "qemu-system-riscv64, OpenSBI ($FW) and dtc are installed (make deps)"
	exit 1
fi
if ! make -s -C "$TOP/samples/guests/baremetal" O="$GUESTS" riscv64 >/dev/null; then
	not_ok "the riscv64 guest builds"
	exit 1
fi
ok "the riscv64 guest builds: baremetal-riscv64.bin, baremetal-riscv64-native.elf"
mkdir -p "$WORK"

# rvboot NAME [-k KERNEL] [-i INPUT] [QEMU ARGS...]: boot, LOG = its console output (\r
# stripped), RC = QEMU's status. With -i, INPUT (printf %b) is typed once the guest has said
# hello (OpenSBI resets the UART's FIFO while it starts: earlier bytes would be lost).
rvboot() {
	local kernel=$GUESTS/baremetal-riscv64.bin input='' fifo pid w
	NAME=$1
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		-k) kernel=$2; shift 2 ;;
		-i) input=$2; shift 2 ;;
		*) break ;;
		esac
	done
	LOG=$WORK/$NAME.log
	# shellcheck disable=SC2054 # commas inside QEMU options
	local cmd=(timeout -k 2 30 qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 2 -m 256M
		   -nographic -bios "$FW" -kernel "$kernel" -icount shift=0,align=off,sleep=off "$@")
	if [ -z "$input" ]; then
		"${cmd[@]}" </dev/null 2>&1 | tr -d '\r' >"$LOG"
		RC=${PIPESTATUS[0]}
		return
	fi
	fifo=$WORK/$NAME.in
	rm -f "$fifo"
	mkfifo "$fifo"
	"${cmd[@]}" <"$fifo" >"$LOG.raw" 2>&1 &
	pid=$!
	exec {w}>"$fifo"
	for _ in $(seq 200); do
		grep -q "hello from" "$LOG.raw" && break
		sleep 0.05
	done
	printf '%b' "$input" >&$w
	wait "$pid"
	RC=$?
	exec {w}>&-
	tr -d '\r' <"$LOG.raw" >"$LOG"
}

expect() {   # a console line contains TEXT
	if grep -qF -- "$1" "$LOG"; then ok "$NAME: $2"; else not_ok "$NAME: $2 ('$1' not seen)"; fi
}
expect_line() {   # a console line is exactly TEXT
	if grep -qxF -- "$1" "$LOG"; then ok "$NAME: $2"; else not_ok "$NAME: $2 (no line '$1')"; fi
}
expect_re() {   # a console line matches the extended regex RE
	if grep -qE -- "$1" "$LOG"; then ok "$NAME: $2"; else not_ok "$NAME: $2 (no line matching /$1/)"; fi
}
absent() {
	if grep -qF -- "$1" "$LOG"; then not_ok "$NAME: $2 ('$1' seen)"; else ok "$NAME: $2"; fi
}
in_order() {   # the lines given appear in this order
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
powered_off() {   # QEMU ended by itself (SBI SRST shutdown: status 0), not by the timeout
	if [ "$RC" -eq 0 ]; then ok "$NAME: the guest switched QEMU off (status 0)"
	else not_ok "$NAME: the guest switched QEMU off (status $RC)"; fi
}

# ---- the basics, Sstc timer ------------------------------------------------------------------------
rvboot basic -append "heartbeat=3 tick=5 platform timing share=5 bogus-word off"
expect_line "hello from vm baremetal cpu 0" "says hello with its name (no DT name: baremetal) on hart 0"
expect_line "cpu 1 up" "hart 1 comes up (SBI HSM hart_start)"
in_order "prints 3 heartbeats, in order" "heartbeat 1" "heartbeat 2" "heartbeat 3"
in_order "takes 5 timer interrupts" "tick 1" "tick 2" "tick 3" "tick 4" "tick 5"
expect_line "tick: 5 ticks in 50 ms" "... one every 10 ms of the 10 MHz timebase"
expect_line "platform: plic 0xc000000 context 1, uart 0x10000000 ns16550a irq 10, sbi 1.0 impl 1 opensbi, timer 10000000 Hz sstc" \
	"platform: PLIC and its S context, NS16550A, SBI, Sstc timer (from QEMU's device tree)"
expect_re "^timing: entry [1-9][0-9]* ticks, first char [1-9][0-9]* ticks$" "timing"
expect_re "^share: ran [0-9]+ us of [0-9]+ us \(100\.0%\), 0 gaps, work [1-9][0-9]*$" "share= (portable, partition.c)"
expect_line "unknown command: bogus-word" "an unknown word is reported"
absent "returned!" "SRST shutdown does not return"
powered_off

# ---- no Sstc: SBI set_timer; four harts; IPIs ---------------------------------------------------------
rvboot sbi-timer -cpu rv64,h=true,sstc=false -smp 4 -append "tick=3 pingpong=20 flood=2 platform off"
in_order "harts 1..3 come up, in order" "hello from vm baremetal cpu 0" "cpu 1 up" "cpu 2 up" "cpu 3 up"
expect_line "tick: 3 ticks in 30 ms" "timer interrupts through SBI set_timer"
expect_line "pingpong: 20 round trips" "20 IPI round trips between harts 0 and 1 (SBI IPI)"
expect_re "^flood: [1-9][0-9]* interrupts$" "a continuously pending timer is taken and counted"
expect_re "^platform: .* timer 10000000 Hz sbi$" "platform: SBI timer where riscv,isa has no Sstc"
powered_off

# ---- harts off and on --------------------------------------------------------------------------------
rvboot harts -append "cpu_on=1 cpu_off=1 cpu_on=1 sleep=10 cpu_on=7 pingpong=3 cpu1-poke=0x80000000"
expect_line "cpu_on 0x1 -> -6" "cpu_on of a running hart: SBI_ERR_ALREADY_AVAILABLE"
expect_line "cpu 1 off" "cpu_off=1: hart 1 stops itself (HSM hart_stop), hart 0 sees it stopped"
expect_line "cpu_on 0x1 -> 0" "cpu_on=1 starts it again (HSM hart_start)"
in_order "... and it says so" "cpu 1 up" "cpu 1 off" "cpu 1 up"
expect_line "cpu_on 0x7 -> -3" "cpu_on of a hart that does not exist: SBI_ERR_INVALID_PARAM"
expect_line "pingpong: 3 round trips" "the restarted hart takes IPIs"
expect_re "^unexpected exception, scause 0x7 sepc 0x[0-9a-f]+ stval 0x80000000$" \
	"cpu1-poke: hart 1's store to OpenSBI's memory is an access fault, reported"
powered_off

# ---- SBI odds and ends, the attacks that apply -----------------------------------------------------
rvboot sbi -append "sbi=0x10 sbi=0x10.3 notify=0 irq-attack csr-probe victim=3 maxboots=2 heartbeat=1"
expect_line "sbi 0x10.0 -> 0 0x1000000" "sbi=: SBI spec version 1.0"
expect_line "notify 0 -> -2" "notify= is Partita's vendor call: not supported natively"
expect_re "^irq-attack: ipi to hart 2 -> -3, hart 4095 -> -3$" "irq-attack: IPIs to harts not ours are refused"
expect_line "irq-attack: done, stray interrupts 0" "irq-attack completes"
expect_line "csr-probe: mstatus trap 2" "csr-probe: an M-mode CSR is an illegal instruction"
expect_line "csr-probe: 4 of 9 trapped" "csr-probe: natively (HS-mode) only the M-mode CSRs trap"
expect_line "victim: 3 ticks, memory intact" "victim= runs"
expect_line "maxboots: no boot count (PT_SBI_VM_BOOTS -> -2), powering off" "maxboots: no boot count natively, powers off"
absent "heartbeat 1" "... before the rest of the line"
powered_off

# ---- console input: polled (echo=) and by the PLIC (rxirq=) -------------------------------------------
rvboot input -i 'hello riscv\nsecond line\n' -append "echo=1 rxirq=1 off"
expect_line "echo: hello riscv" "echo= reads a line"
expect_line "rxirq: second line" "rxirq= takes the 16550's receive interrupt through the PLIC"
expect_re "^rxirq: 1 lines, [1-9][0-9]* interrupts$" "... counted"
powered_off

# ---- reset, faults ---------------------------------------------------------------------------------
rvboot reset -no-reboot -append "heartbeat=1 reset"
expect_line "heartbeat 1" "runs up to reset"
absent "returned!" "SRST cold reboot does not return (QEMU -no-reboot exits)"
powered_off
rvboot peek -append "peek=0x80000000 heartbeat=1"
expect_re "^unexpected exception, scause 0x5 sepc 0x[0-9a-f]+ stval 0x80000000$" \
	"peek= of OpenSBI's memory: a load access fault, reported"
absent "heartbeat 1" "... and the guest stops there"
powered_off
rvboot exec -append "exec=0x0"
expect_re "^unexpected exception, scause 0x1 sepc 0x0 stval 0x0$" "exec=0: an instruction access fault"
powered_off

# ---- position independence: loaded 2 MiB above its link address (a VM loads it at its RAM base) --------
printf '\x97\x02\x20\x00\x67\x80\x02\x00' >"$WORK/jump2m.bin"   # auipc t0, 0x200; jr t0
rvboot moved -k "$WORK/jump2m.bin" -device loader,file="$GUESTS/baremetal-riscv64.bin",addr=0x80400000 \
	-append "heartbeat=1 tick=2 pingpong=2 cpu_off=1 cpu_on=1 sleep=5 victim=2 off"
in_order "loaded at 0x80400000 (linked at 0x80200000) it boots, takes ticks and IPIs, restarts hart 1" \
	"hello from vm baremetal cpu 0" "cpu 1 up" "heartbeat 1" "tick: 2 ticks in 20 ms" \
	"pingpong: 2 round trips" "cpu 1 off" "cpu_on 0x1 -> 0" "cpu 1 up" "victim: 2 ticks, memory intact"
powered_off

# ---- device trees: a malformed one, one with a name and a channel, one without a UART ------------------
printf '\xd0\x0d\xfe\xee' >"$WORK/bad-magic.dtb"
head -c 60 /dev/zero >>"$WORK/bad-magic.dtb"
rvboot bad-dtb -k "$GUESTS/baremetal-riscv64-native.elf" \
	-device loader,file="$WORK/bad-magic.dtb",addr=0x88000000
in_order "a device tree with a bad magic: hello, a warning, its built-in command line" \
	"hello from vm native cpu 0" "warning: ignoring a malformed device tree" "cpu 1 up" \
	"heartbeat 1" "heartbeat 2"
expect_line "platform: plic 0xc000000 context 1, uart 0x10000000 ns16550a irq 10, sbi 1.0 impl 1 opensbi, timer 10000000 Hz sbi" \
	"... and the defaults: QEMU virt's devices, the SBI timer"
powered_off

qemu-system-riscv64 -M virt,dumpdtb="$WORK/virt.dtb" -cpu rv64,h=true -smp 2 -m 256M -nographic \
	>/dev/null 2>&1
dtc -q -I dtb -O dts "$WORK/virt.dtb" >"$WORK/virt.dts" 2>/dev/null
# As Partita's VM device trees have it: a name, a channel (its doorbell a PLIC source), and a PLIC
# whose interrupts-extended lists S-mode contexts only (context N: hart N's). QEMU's PLIC stays
# what it is: context 0 is hart 0's M-mode context there, which only the enable bits show.
sed -e 's|^\tchosen {|\tchannel@84000000 {\n\t\tcompatible = "partita,channel";\n\t\treg = <0x00 0x84000000 0x00 0x4000>;\n\t\tinterrupts = <0x21>;\n\t\tpartita,index = <0x00>;\n\t\tpartita,endpoint = <0x00>;\n\t};\n\n\tchosen {\n\t\tpartita,vm-name = "rv-test";|' \
	-e 's|interrupts-extended = <\(0x[0-9a-f]*\) 0x0b \1 0x09 \(0x[0-9a-f]*\) 0x0b \2 0x09>|interrupts-extended = <\1 0x09 \2 0x09>|' \
	"$WORK/virt.dts" | dtc -q -I dts -O dtb -o "$WORK/named.dtb" - 2>/dev/null
rvboot named-dtb -dtb "$WORK/named.dtb" \
	-append "platform bell-listen peek=0x0c002004 bell-storm=2 bell-dud=2 bell-count off"
expect_line "hello from vm rv-test cpu 0" "says hello with the name of /chosen/partita,vm-name"
expect_re "^platform: plic 0xc000000 context 0, " "its PLIC context from interrupts-extended (<hart-0 intc 9> first)"
expect_line "peek -> 0x2" "bell-listen enables the channel's doorbell, PLIC source 33, in that context"
expect_re "^bell-storm: [1-9][0-9]* doorbells rung$" "bell-storm rings (Partita's vendor call)"
expect_re "^bell-dud: [1-9][0-9]* doorbells rung$" "bell-dud"
expect_line "doorbells: 0 taken" "bell-count"
absent "no usable channel" "the partita,channel node is read"
powered_off

sed -e 's|compatible = "ns16550a";|compatible = "ns16550a";\n\t\t\tstatus = "disabled";|' \
	"$WORK/virt.dts" | dtc -q -I dts -O dtb -o "$WORK/no-uart.dtb" - 2>/dev/null
rvboot sbi-console -i 'typed\n' -dtb "$WORK/no-uart.dtb" -append "platform echo=1 off"
expect_line "hello from vm baremetal cpu 0" "without a UART it knows it prints through the SBI console"
expect_re "^platform: plic 0xc000000 context 1, uart sbi-legacy, " "platform: the SBI console (legacy putchar)"
expect_line "echo: typed" "... and reads through it (legacy getchar)"
powered_off

if [ "$failures" -gt 0 ] && [ -f "$LOG" ]; then
	echo "# console output of the last boot ($LOG):"
	sed 's/^/#   /' "$LOG"
fi

# The same guest in VMs of the RISC-V hypervisor: boot, interrupts, isolation, restart, channels,
# time partitioning and the attacks (partita.sh, its own ok/not ok lines).
"$(dirname "$0")/partita.sh" || failures=$((failures + 1))
[ "$failures" -eq 0 ]
