#!/usr/bin/env bash
# Interrupt virtualization: a guest's virtual timer interrupts reach it through the vGIC.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

boot "$here/irq-tick.yaml" && {
	expect "[irq] tick 10" "ten timer interrupts counted"
	expect "[irq] tick: 10 ticks in 50 ms" "one tick every 5 ms of virtual time"
	expect_not "not an interrupt of this VM" "no hypervisor complaint about the guest's GIC use"
	powered_off
}
finish
