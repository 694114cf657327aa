#!/usr/bin/env bash
# Isolation: in each system vm 'bad' misbehaves after 30 ms while vm 'good' prints 10 heartbeats,
# one every 10 ms, then powers off. The misbehaviour must be contained with the documented
# one-line message, must not stop the good VM, and the machine must power off by itself (a
# halted VM counts as down).
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

# contained YAML MESSAGE: common assertions; fails when the system was not booted (filtered by
# BOOT_ONLY or not for BOOT_BOARD), so that `contained ... && more` asserts only on a fresh log.
contained() {
	boot "$here/$1.yaml" || return 1
	expect "$2" "contained: $2"
	expect_count 1 "partita: vm 'bad'" "exactly one hypervisor line about vm 'bad'"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	expect_order "$2" "[good] heartbeat 10" "vm 'good' goes on after the fault"
	powered_off
	return 0
}

# Memory outside the VM's RAM (64 MiB at IPA 0x40000000): read, write, execute.
contained isolation-read "partita: vm 'bad' vcpu 0: data abort at IPA 0x50000000 (read, PC 0x" &&
	expect_not "[bad] peek -> " "the read returns nothing to the guest"
contained isolation-write "partita: vm 'bad' vcpu 0: data abort at IPA 0x50000000 (write, PC 0x" &&
	expect_not "[bad] poke done" "the write does not complete"
contained isolation-exec "partita: vm 'bad' vcpu 0: instruction abort at IPA 0x60000000 (PC 0x60000000) — VM halted"

# An access to an emulated window (the vUART) that the syndrome does not describe (load pair:
# ISV=0). The hypervisor does not decode guest instructions: it is a fault, not a panic.
contained isolation-isv0 "partita: vm 'bad' vcpu 0: data abort at IPA 0x9000000 (read, PC 0x"

# Another VM's device: 'good' owns the PL031 RTC at 0x9010000, 'bad' writes to it.
contained isolation-device "partita: vm 'bad' vcpu 0: data abort at IPA 0x9010000 (write, PC 0x" &&
	expect "— VM halted" "policy halt is applied"

# Hypervisor memory: the hypervisor is placed at PA 0x48000000, and 'bad' writes to IPA
# 0x48000000. A guest can only name IPAs; this one is not in its stage-2 map, whatever it is
# physically.
contained isolation-hypervisor "partita: vm 'bad' vcpu 0: data abort at IPA 0x48000000 (write, PC 0x"

# PSCI CPU_ON on CPUs the VM does not own: refused with INVALID_PARAMETERS, logged, VM goes on.
boot "$here/isolation-psci.yaml" && {
	for m in 0x1 0x100 0x80000000; do
		expect "partita: vm 'bad' vcpu 0: PSCI CPU_ON of MPIDR $m, not a CPU of this VM — INVALID_PARAMETERS" \
			"CPU_ON $m is refused and logged"
		expect "[bad] cpu_on $m -> -2" "the guest sees INVALID_PARAMETERS for $m"
	done
	expect "partita: vm 'bad' vcpu 0: PSCI SYSTEM_OFF — VM off" "vm 'bad' keeps running and powers off"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	expect_not "VM halted" "nobody is halted"
	powered_off
}

# Unknown HVC / SMC function ids: NOT_SUPPORTED, one line each, the VM goes on.
boot "$here/isolation-hvc.yaml" && {
	expect "partita: vm 'bad' vcpu 0: unknown hvc 0xc2000000 — NOT_SUPPORTED" "unknown HVC is logged"
	expect "partita: vm 'bad' vcpu 0: unknown smc 0x84000005 — NOT_SUPPORTED" "unknown SMC is logged"
	expect "partita: vm 'bad' vcpu 0: unknown hvc 0x86000000 — NOT_SUPPORTED" "unknown HVC (vendor range) is logged"
	expect "[bad] hvc 0xc2000000 -> -1" "the guest sees NOT_SUPPORTED"
	expect "[bad] smc 0x84000005 -> -1" "the guest sees NOT_SUPPORTED for the SMC"
	expect "partita: vm 'bad' vcpu 0: PSCI SYSTEM_OFF — VM off" "vm 'bad' keeps running and powers off"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	powered_off
}
finish
