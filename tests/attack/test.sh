#!/usr/bin/env bash
# The attack test group (tests/run-all.sh attack): hostile guests against the hypervisor.
#
# Every system here has an attacker, vm 'bad', listed first (so that its vCPU structs sit right
# before the victim's in the hypervisor's memory), and vm 'victim' on its own pCPU: it fills
# 1 MiB of its RAM with a pattern, takes timer ticks while the attack runs, checks the pattern
# and powers off (samples/guests/baremetal/attack/victim.c). A test passes when
#   - the attack ran and was contained: its access had no effect (as the attacker reports it),
#     or the attacker was halted with the hypervisor's one-line message;
#   - the victim printed its exact success lines, at its exact tick rate, after the attack;
#   - the machine switched itself off (the hypervisor still runs), with no PANIC.
# The attacks themselves are in samples/guests/baremetal/attack/ (attack.c, atk_*.c); docs/security.md
# says what the hypervisor does against each.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/../boot/lib.sh"
here=$(dirname "$0")

# expect_line LINE DESCRIPTION: some console line is exactly LINE.
expect_line() {
	check "$NAME: $2" grep -qxF -- "$1" "$LOG"
}

# expect_re REGEX DESCRIPTION: some whole console line matches the extended REGEX.
expect_re() {
	check "$NAME: $2" grep -qxE -- "$1" "$LOG"
}

# attack YAML: boot one attack system.
attack() {
	boot "$here/$1.yaml"
}

# victim_ok TICKS PERIOD_MS AFTER: the victim finished intact, at its rate, after the console
# line AFTER (the attack's last word); the machine powered itself off.
victim_ok() {
	local ok="[victim] victim: $1 ticks, memory intact"
	expect_lines 1 "\\[victim\\] victim: $1 ticks, memory intact" \
		"the victim's memory is intact after $1 ticks"
	expect_line "[victim] victim: $1 ticks in $(($1 * $2)) ms, 0 stray interrupts, 0 words differ" \
		"the victim ticked on time and saw no interrupt it did not ask for"
	expect_order "$3" "$ok" "the victim checked its memory after the attack"
	powered_off
}

# halted REGEX: the attacker, and only it, was halted with exactly this message (REGEX matches
# what follows "partita: vm 'bad' vcpu N: ").
halted() {
	expect_re "partita: vm 'bad' vcpu [0-9]: $1 — VM halted" "the attacker is halted: $1"
	expect_count 1 "— VM halted" "nobody else is halted"
}

# 1. Over-long accesses at the end of the GICR priority array of the attacker's last vCPU, whose
# struct the victim's vCPU struct follows. 2. The same from vCPU 1 while vCPU 0 keeps the
# hypervisor busy: if a write got through, the victim's vCPU would follow a forged pointer.
for t in gicr-prio gicr-prio-2vcpu; do
	attack $t && {
		expect_lines 8 "\\[bad\\] gicr-prio: (first|after writes,) reads of size [1248] -> 0x0" \
			"every read at SGI_base+0x41c..0x420, every size, before and after the writes, gives 0"
		expect_line "[bad] gicr-prio: leaked 0x0" "nothing leaked from the next vCPU struct"
		expect_re "partita: vm 'bad' vcpu [01]: 4-byte read at GICR\\+0x[13]041d \\(PC 0x[0-9a-f]+\\) is not a register access — RAZ/WI" \
			"an access running past the array is refused as a whole, and said so"
		expect_not "VM halted" "RAZ/WI, not a fault"
		victim_ok 100 2 "[bad] gicr-prio: leaked 0x0"
		[ $t = gicr-prio ] ||
			expect_re "\\[bad\\] gicr-prio-2vcpu: vcpu 0 made [1-9][0-9]* calls and priority writes meanwhile" \
				"vCPU 0 kept the hypervisor busy during vCPU 1's attack"
	}
done

# 3-5. Every byte offset x every size of each emulated window, MMU on, windows mapped as Normal
# memory (misaligned accesses legal at stage 1): reads, writes of all ones, reads again (those
# aligned only). Counts: reads 4W-11 + 15W/8, writes 4W-11, for a window of W bytes.
sweep() {
	attack "sweep-$1" && {
		expect_line "[bad] sweep $1: $2 reads, $3 writes, misaligned nonzero reads 0, suspicious values 0" \
			"every access made; misaligned reads give 0; nothing that looks like an address"
		expect_not "VM halted" "no access halts the VM: RAZ/WI"
		expect_re "partita: vm 'bad': [0-9]+ more mmio messages suppressed" \
			"the malformed accesses are logged, rate limited"
		at_most 26 "partita: vm 'bad'" "at most 4 lines per kind, one summary each, and SYSTEM_OFF"
		victim_ok "$4" "$5" "[bad] sweep $1: $2 reads"
	}
}
sweep gicd 385013 262133 300 10
sweep gicr 770037 524277 300 10
sweep vuart 24053 16373 100 2

# 6. A 16-bit Thumb load from the vUART at EL0 (ESR.IL = 0) resumes 2 bytes on: the add after it
# runs (r2 1) and the SVC two instructions on ends the excursion (ELR = offset 6).
attack t32-il && {
	expect_line "[bad] t32-il: exception EC 0x11 at 0x6, r1 0x90, r2 1" \
		"load emulated (r1 = FR), the next instruction ran, SVC taken where expected"
	victim_ok 100 2 "[bad] t32-il: "
}

# 7. Every EL1/EL0 register, FP/SIMD and a RAM page dirtied, then a fault: after the restart all
# are back to their reset values (checked at the first boot too, so the expectations hold).
attack restart-regs && {
	expect_line "[bad] reset-fresh: 68 registers checked, 0 dirty" "a fresh VM starts clean"
	expect_re "partita: vm 'bad' vcpu 0: data abort at IPA 0x50000000 \\(write, PC 0x[0-9a-f]+\\) — VM restarting \\(restart 1 of 5 within 10 s\\)" \
		"the fault restarts the attacker"
	expect_line "[bad] reset-check: 68 registers checked, 0 dirty" \
		"after the restart: every register, FP/SIMD register and the RAM page reset"
	expect_not ": dirty " "no register named dirty"
	victim_ok 100 2 "[bad] reset-check: "
}

# 8. A fault inside an interrupt handler (acknowledged, not ended): after the restart no priority
# is active any more, nothing pending, and the timer interrupts come.
attack restart-irq && {
	expect_line "[bad] restart-irq: in the handler, running priority 0x80" \
		"boot 1 faults with the timer interrupt's priority active"
	expect_count 1 "— VM restarting" "one restart"
	expect_line "[bad] restart-irq: boot 2, rpr 0xff ap1r0 0x0 hppir1 0x3ff" \
		"after the restart: idle running priority, no active priority, nothing pending"
	expect_line "[bad] tick: 5 ticks in 25 ms" "and its interrupts work"
	victim_ok 100 2 "[bad] tick: 5 ticks"
}

# 9. The whole vGIC (distributor, both redistributors and CPU interfaces, one interrupt left
# active on each vCPU) and the vUART programmed, then a fault: after the restart all reset.
attack restart-vgic && {
	expect_lines 2 "\\[bad\\] restart-vgic: vcpu [01] running priority 0x10" \
		"boot 1 leaves an active priority on both vCPUs"
	expect_re "\\[bad\\] vgic-fresh: 45 registers checked, 0 dirty, bpr1 0x[0-9a-f]+" \
		"a fresh VM's vGIC starts clean"
	bpr=$(sed -n 's/^\[bad\] vgic-fresh: .*, bpr1 \(0x[0-9a-f]*\)$/\1/p' "$LOG")
	expect_line "[bad] vgic-reset: 45 registers checked, 0 dirty, bpr1 ${bpr:-?}" \
		"after the restart: everything reset, the binary point as at the first boot"
	expect_not ": dirty " "no register named dirty"
	victim_ok 100 2 "[bad] vgic-reset: "
}

# 10. The PMU (EL2 counting asked for) counts nothing and reads as zero.
attack pmu && {
	expect_line "[bad] pmu: cycles 0" "no cycles counted around 100 HVCs"
	expect_line "[bad] pmu: registers read back 0x0" "every PMU register reads 0"
	victim_ok 100 2 "[bad] pmu: registers"
}

# 11. Breakpoint and watchpoint on its own code and data, debug exceptions enabled: nothing fires.
attack debug && {
	expect_line "[bad] debug: 0 debug exceptions, registers read back 0x0" \
		"no debug event, every debug register (OS lock, DCC, ROM too) reads 0"
	victim_ok 100 2 "[bad] debug: "
}

# 12. Set/way maintenance on every level, three passes: done on private levels, ignored (and
# logged, rate limited) on shared ones. QEMU's Cortex-A57: L1 2 ways x 256 sets, L2 16 x 2048.
attack setway && {
	expect_line "[bad] setway: 2 data cache levels, 299520 set/way operations done" \
		"every set/way operation completed"
	expect_line "partita: vm 'bad': 294908 more sysreg messages suppressed" \
		"those on the shared level (L2) ignored: 4 lines, the rest counted"
	victim_ok 200 2 "[bad] setway: "
}

# 13. ACTLR_EL1.
attack actlr && {
	expect_line "[bad] actlr: 0x0 before, 0x0 after writing all ones" "ACTLR_EL1 is RAZ/WI"
	victim_ok 100 2 "[bad] actlr: "
}

# 14. IMPLEMENTATION DEFINED registers: UNDEFINED in the guest, at the instruction. QEMU honours
# HCR_EL2.TIDCP only from version 8.1 on: older ones (7.2 is Debian 12's) let EL1 reach the
# registers its Cortex-A57 model implements (CPUACTLR, CPUECTLR, L2CTLR), and only the
# unallocated ones are UNDEFINED (by QEMU itself, the hypervisor never sees those accesses).
attack impdef && {
	qv=$(qemu-system-aarch64 --version | sed -n 's/^QEMU emulator version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
	if [ -n "$qv" ] && [ "$(echo "$qv" | awk '{ print ($1 * 100 + $2 >= 801) }')" = 1 ]; then
		expect_line "[bad] impdef: 10 accesses, 10 undefined, 0 at a wrong PC, values read 0x0" \
			"every access UNDEFINED, at the instruction itself"
		expect_re "partita: vm 'bad' vcpu 0: IMPLEMENTATION DEFINED register S3_1_C15_C2_0 \\(PC 0x[0-9a-f]+\\) — UNDEFINED" \
			"and logged"
	else
		echo "# impdef: QEMU ${qv/ /.} has no HCR_EL2.TIDCP (8.1+): the trap to the hypervisor is not checked"
		expect_re "\\[bad\\] impdef: 10 accesses, [0-9]+ undefined, 0 at a wrong PC, values read 0x[0-9a-f]+" \
			"the UNDEFINED ones are taken at the instruction itself, and the VM goes on"
	fi
	victim_ok 100 2 "[bad] impdef: "
}

# 15. Local TLB, I-cache and D-cache maintenance in a loop: stays local (HCR_EL2.FB off).
attack tlbi-flood && {
	expect_line "[bad] tlbi-flood: 20000 rounds done" "20000 rounds of local maintenance"
	victim_ok 100 2 "[bad] tlbi-flood: "
}

# 16. Console forgery: CSI sequences dropped, other control bytes shown escaped, every line tagged
# by the hypervisor.
attack forge && {
	x=$(grep -v '^partita: ' "$LOG" | LC_ALL=C tr -d '\t\n\040-\176' | wc -c)
	check "$NAME: the guests' lines hold printable ASCII, TAB and LF only (saw $x other bytes)" [ "$x" -eq 0 ]
	x=$(LC_ALL=C tr -d '\t\n\040-\377' <"$LOG" | wc -c)
	check "$NAME: no control character anywhere on the console (saw $x)" [ "$x" -eq 0 ]
	x=$(LC_ALL=C grep -c $'\x7f' "$LOG")
	check "$NAME: no DEL either (saw $x lines)" [ "$x" -eq 0 ]
	expect_lines 3 '\[victim\] .*' "the victim's lines are its own three (hello, two results)"
	expect_line '[bad] forge: clear ' "clear screen and cursor home (CSI sequences) dropped whole"
	expect_line '[bad] forge: title \x1b]0;title\x07' "set title shown escaped"
	expect_line '[bad] forge: erase [victim] victim: 100 ticks, memory intact' \
		"erase line + column 1 dropped: the forged text stays on bad's tagged line"
	expect_line "[bad] forge: c0 vt\\x0bff\\x0cbs\\x08nul\\x00del\\x7ftab	." \
		"VT, FF, BS, NUL, DEL escaped, TAB kept"
	expect_line '[bad] forge: c1 nel\xc2\x85ls\xe2\x80\xa8csi\x9b31mhigh\xff' \
		"C1 controls (UTF-8 and raw) and high bytes escaped"
	expect_line '[bad] forge: cr [victim] victim: 100 ticks, memory intact' "CR dropped, line still tagged"
	expect_lines 0 '[^[].*(ZZZ|abcdefghijklm|victim: 100).*' "long and forged lines are all tagged"
	victim_ok 100 2 "[bad] forge: done"
}

# 17. Log flooding: per VM and kind the first 4 lines, then one count when the VM stops.
attack log-flood && {
	expect_count 4 "partita: vm 'bad' vcpu 0: unknown hvc 0xc2" "the first 4 unknown calls are logged"
	expect_not "unknown smc" "the SMCs after them are counted, not printed"
	expect_line "partita: vm 'bad': 3196 more call messages suppressed" "1600 HVC + 1600 SMC: 3196 counted"
	expect_line "partita: vm 'bad': 1596 more psci messages suppressed" "1600 foreign CPU_ONs"
	expect_line "partita: vm 'bad': 396 more vgic messages suppressed" "400 SGIs to a CPU outside the VM"
	expect_line "partita: vm 'bad': 396 more sysreg messages suppressed" \
		"400 physical-timer accesses (the 400 PMU accesses are not logged at all)"
	expect_line "partita: vm 'bad': 396 more mmio messages suppressed" "400 misaligned MMIO reads"
	expect_count 26 "partita: vm 'bad'" "26 lines in all: 5 kinds x 4, 5 counts, SYSTEM_OFF"
	victim_ok 100 2 "[bad] log-flood: done"
}

# 18. PSCI and Partita calls with garbage arguments (a 2-vCPU attacker).
attack hvc-garbage && {
	while IFS='|' read -r what result; do
		expect_line "[bad] hvc-garbage: $what -> $result" "$what -> $result"
	done <<-'EOF'
		vcpu 1 CPU_OFF, then AFFINITY_INFO|1
		CPU_ON entry 0|-9
		CPU_ON entry outside RAM|-9
		CPU_ON entry huge|-9
		CPU_ON entry at the end of RAM|-9
		CPU_ON entry in the device window|-9
		CPU_ON MPIDR all ones|-2
		CPU_ON MPIDR Aff1|-2
		CPU_ON MPIDR Aff3|-2
		CPU_ON64 MPIDR with junk upper half|-2
		CPU_ON of itself|-4
		AFFINITY_INFO level 0xffffffff|-2
		AFFINITY_INFO MPIDR all ones|-2
		AFFINITY_INFO of itself|0
		AFFINITY_INFO of vcpu 1|1
		CHANNEL_NOTIFY -1|-2
		CHANNEL_NOTIFY huge|-2
		VM_BOOTS with junk arguments|1
		PSCI_FEATURES 0x12345678|-1
		PSCI_FEATURES all ones|-1
		PSCI_FEATURES CPU_ON|0
		PSCI_FEATURES of a vendor call|-1
		VERSION with junk upper half|65537
		CPU_SUSPEND|-1
		SYSTEM_RESET2|-1
		MEM_PROTECT|-1
		vendor 0xc600ffff|-1
		hvc #1 VERSION|-1
		hvc #0xffff VERSION|-1
		smc VERSION|65537
		SMC32 CPU_ON with junk upper halves|0
		vcpu 1 back up|1
		vcpu 1 CPU_OFF again, then AFFINITY_INFO|1
	EOF
	expect_count 2 "[bad] cpu 1 up" "vCPU 1 started again by the SMC32 CPU_ON (its valid lower halves)"
	# An entry point in RAM but not 4-byte aligned: refused with INVALID_ADDRESS, the VM goes on.
	expect_line "[bad] hvc-garbage: CPU_ON entry unaligned -> -9" "an unaligned entry point is refused"
	expect_line "[bad] hvc-garbage: done" "and the VM goes on"
	expect_not "VM halted" "nobody is halted"
	victim_ok 100 2 "[bad] hvc-garbage: still running"
}

# 19. SGIs to nobody (IRM, RS, Aff1-3, other CPUs, all ones), group-0 SGIs: none arrives anywhere.
attack sgi-garbage && {
	expect_line "[bad] sgi-garbage: 198 SGIs written, 0 stray interrupts" "no SGI reaches the attacker itself"
	expect_re "partita: vm 'bad': [0-9]+ more vgic messages suppressed" "the refusals are logged, rate limited"
	victim_ok 100 2 "[bad] sgi-garbage: "
}

# 20. Cache maintenance, acquire/release and prefetch on emulated windows, then a load pair.
attack cm-window && {
	expect_line "[bad] cm-window: dc civac/cvac/ivac on GICD and vUART done" "DC by VA on a window: no effect"
	expect_line "[bad] cm-window: ldar FR -> 0x90" "LDAR emulated like LDR"
	expect_line "[bad] cm-window: stlr DR [S]" "STLR emulated like STR"
	expect_line "[bad] cm-window: prfm done" "prefetches do nothing"
	halted "data abort at IPA 0x8000000 \\(read, PC 0x[0-9a-f]+\\)"
	expect_not "[bad] cm-window: ldp -> " "the load pair never completes"
	victim_ok 100 2 "[bad] cm-window: ldp at "
}

# 21. A load-exclusive on the vUART: no syndrome, the VM's fault.
attack excl-window && {
	halted "data abort at IPA 0x9000018 \\(read, PC 0x[0-9a-f]+\\)"
	expect_not "[bad] excl-window: ldxr -> " "the load-exclusive never completes"
	victim_ok 100 2 "[bad] excl-window: ldxr at "
}

# 22. vCPU 1 off and on again 300 times while vCPU 0 polls AFFINITY_INFO; then SYSTEM_RESET.
attack psci-race && {
	expect_re "\\[bad\\] psci-race: 300 cycles, 301 entries of vcpu 1, 0 errors; AFFINITY_INFO said on [0-9]+, off [0-9]+, pending [0-9]+" \
		"300 off/on cycles, each entry seen, no unexpected result"
	expect_line "partita: vm 'bad' vcpu 0: PSCI SYSTEM_RESET — VM restarting" "then the VM resets"
	expect_count 2 "[bad] cpu 1 up" "vCPU 1 starts normally on the second boot"
	expect_line "[bad] boot 2 reached maxboots, powering off" "the boot count says 2"
	victim_ok 100 2 "[bad] boot 2 reached maxboots"
}

# 23-24. A stage-1 table walk outside the VM's RAM, or into an emulated window: the VM's fault.
attack s1ptw && {
	halted "stage-1 table walk into IPA page 0x50000000 \\(instruction fetch of VA 0x[0-9a-f]+, PC 0x[0-9a-f]+\\)"
	expect_not "still running with the MMU on" "the walk never completes"
	victim_ok 100 2 "[bad] s1ptw: "
}
attack s1ptw-window && {
	halted "stage-1 table walk into IPA page 0x8000000 \\(instruction fetch of VA 0x[0-9a-f]+, PC 0x[0-9a-f]+\\)"
	expect_not "still running with the MMU on" "a walk is not emulated as a device access"
	victim_ok 100 2 "[bad] s1ptw: "
}

# 25. VBAR_EL1 outside the VM's RAM, then an exception.
attack vbar-garbage && {
	halted "instruction abort at IPA 0x50000200 \\(PC 0x50000200\\)"
	victim_ok 100 2 "[bad] vbar-garbage: "
}

# 26. WFE/SEV/WFI storm, WFI with an interrupt pending: returns at once, nobody else notices.
attack wfx-storm && {
	expect_line "[bad] wfx-storm: 100000 rounds done" "100000 rounds"
	victim_ok 100 2 "[bad] wfx-storm: "
}

# 27. Two vCPUs sending each other SGIs as fast as they can.
attack sgi-storm && {
	expect_line "[bad] sgi-storm: both vCPUs were interrupted" "the SGIs arrive (within the attacker)"
	victim_ok 100 2 "[bad] sgi-storm: "
}
finish
