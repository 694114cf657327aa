#!/usr/bin/env bash
# The same boot, interrupt, isolation and attack tests on the second board QEMU can run: the
# Xilinx ZCU102 (boards/zcu102, QEMU xlnx-zcu102: a GIC-400 (GICv2), a Cadence UART console,
# Cortex-A53s). Each test script runs unchanged with BOOT_BOARD=zcu102 (tests/boot/lib.sh: the
# system's `board:` replaced, results named NAME@zcu102), on the systems that do not pass through
# a device of QEMU's virt board. (The samples written for the ZCU102 and ZCU104 themselves boot
# in samples.sh.)
set -uo pipefail
here=$(dirname "$0")
status=0
export BOOT_BOARD=zcu102

# Interrupts: timer, 16 SGIs by priority through 4 list registers, SGI ping-pong between vCPUs,
# doorbells, the RTOS-style GIC probe and nesting, the vUART's receive interrupt.
BOOT_ONLY='^irq-(tick|prio16|pingpong|doorbell)$' "$here/irq.sh" || status=1
# Isolation: memory, execute, a syndrome-less access, the hypervisor's memory, PSCI and HVC/SMC.
BOOT_ONLY='^isolation-(read|write|exec|isv0|hypervisor|psci|hvc)$' "$here/isolation.sh" || status=1
# Restarts: a VM that faults and restarts comes back clean, its neighbour untouched.
BOOT_ONLY='^(restart|restart-reset|colored)$' "$here/restart.sh" || status=1
# Debian's Linux on the GIC-400 beside a bare-metal VM: boots, loads the channel driver and
# exchanges 1,300 messages with it, powers off.
BOOT_ONLY='^linux-chantest$' "$here/channel.sh" || status=1
# Time partitioning: shares of a shared CPU, register isolation across switches, a restart in a
# window (the RTOS pair's binary-point lines are GICv3 wording: not here).
BOOT_ONLY='^sched-(share|regs|fault)$' "$here/schedule.sh" || status=1
# Attacks: those whose expected lines do not depend on the GIC version or the board's cache, as
# they are (tests/attack/test.sh); the GICv2 versions of the others below. (The redistributor
# attacks have no GICv2 counterpart: the guest says so and skips them.)
BOOT_ONLY='^(actlr|debug|forge|hvc-garbage|impdef|log-flood|pmu|psci-race|restart-regs|s1ptw|s1ptw-window|sgi-storm|sweep-vuart|t32-il|tlbi-flood|vbar-garbage|wfx-storm)$' \
	"$here/../attack/test.sh" || status=1

# shellcheck source=tests/boot/lib.sh
. "$here/lib.sh"
atk=$here/../attack

# victim LINE: the attack's victim VM finished intact, on time, after LINE; machine off.
victim() {
	expect_line "[victim] victim: $1 ticks, memory intact" "the victim's memory is intact after $1 ticks"
	expect "[victim] victim: $1 ticks in " "the victim ticked on time"
	expect_order "$2" "[victim] victim: $1 ticks, memory intact" "the victim checked its memory after the attack"
	expect_not "PANIC" "no hypervisor panic"
	powered_off
}

# The whole GICv2 distributor window (4 KiB), every offset and size, MMU on.
boot "$atk/sweep-gicd.yaml" && {
	expect_line "[bad] sweep gicd: 0x1000 bytes, MMU on, Normal memory, interrupts masked" "the sweep covers GICD"
	expect_re "\\[bad\\] sweep gicd: [0-9]+ reads, [0-9]+ writes, misaligned nonzero reads 0, suspicious values 0" \
		"every access made; misaligned reads give 0; nothing that looks like an address"
	expect_not "— VM halted" "no access halts the VM: RAZ/WI"
	victim 300 "[bad] sweep: took"
}

# GICD_SGIR with every target filter, list and garbage bit: nothing reaches the attacker itself
# or leaves its VM.
boot "$atk/sgi-garbage.yaml" && {
	expect_line "[bad] sgi-garbage: 160 SGIs written, 0 stray interrupts" "no SGI reaches the attacker itself"
	expect_re "partita: vm 'bad': [0-9]+ more vgic messages suppressed" "the refusals are logged, rate limited"
	victim 100 "[bad] sgi-garbage: "
}

# A VM restarted with active interrupts and dirty banked GICv2 registers on both vCPUs.
boot "$atk/restart-vgic.yaml" && {
	expect_lines_n() { local n; n=$(grep -cxE -- "$2" "$LOG"); check "$NAME: $3 (x$1, saw $n)" [ "$n" -eq "$1" ]; }
	expect_lines_n 2 "\\[bad\\] restart-vgic: vcpu [01] running priority 0x10" \
		"boot 1 leaves an active priority on both vCPUs"
	expect_re "\\[bad\\] vgic-fresh: 52 registers checked, 0 dirty, gicc_bpr 0x[0-9a-f]+" \
		"a fresh VM's GICv2 distributor and CPU interface start clean"
	bpr=$(sed -n 's/^\[bad\] vgic-fresh: .*, gicc_bpr \(0x[0-9a-f]*\)$/\1/p' "$LOG")
	expect_line "[bad] vgic-reset: 52 registers checked, 0 dirty, gicc_bpr ${bpr:-?}" \
		"after the restart: everything reset, the binary point as at the first boot"
	expect_not ": dirty " "no register named dirty"
	victim 100 "[bad] vgic-reset: "
}
finish
exit $((status | $?))
