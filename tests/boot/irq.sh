#!/usr/bin/env bash
# Interrupt virtualization: a guest's interrupts reach it through the vGIC: its virtual timer,
# SGIs between its vCPUs, more pending interrupts than list registers (in priority order), a
# passed-through device interrupt (re-routed between vCPUs), channel doorbells between VMs and
# its vUART's receive interrupt; and a VM misusing interrupts or flooding itself harms nobody else.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

boot "$here/irq-tick.yaml" && {
	expect "[irq] tick 10" "ten timer interrupts counted"
	expect "[irq] tick: 10 ticks in 50 ms" "one tick every 5 ms of virtual time"
	expect_not "not an interrupt of this VM" "no hypervisor complaint about the guest's GIC use"
	powered_off
}

# Priorities ((k * 7 + 3) % 16 + 1) * 8 for SGI k: the order below is by priority alone. The list
# registers hold 4, so this also exercises the maintenance-interrupt refill.
boot "$here/irq-prio16.yaml" && {
	expect_count 3 "[prio] prio16: order 11 2 9 0 7 14 5 12 3 10 1 8 15 6 13 4" \
		"16 pending SGIs taken in priority order, the same every time"
	expect_count 3 "[prio] prio16: 16 taken, descending priority ok" "the guest agrees"
	expect_not "ORDER WRONG" "never out of order"
	powered_off
}

boot "$here/irq-pingpong.yaml" && {
	expect "[pp] cpu 1 up" "vCPU 1 starts"
	expect "[pp] pingpong: 100 round trips" "100 SGI round trips between vCPU 0 and vCPU 1"
	expect_not "not an interrupt of this VM" "no hypervisor complaint about the guest's SGIs"
	powered_off
}

boot "$here/irq-rtc.yaml" && {
	expect "[rtc] cpu 1 up" "vCPU 1 of a VM with a passed-through SPI starts"
	expect_count 2 "[rtc] rtc-alarm: interrupt received on cpu 0, RIS after clear 0" \
		"RTC alarm interrupt taken on vCPU 0 and cleared at the device"
	expect "[rtc] rtc-alarm: interrupt received on cpu 1, RIS after clear 0" \
		"re-routed with GICD_IROUTER, taken on vCPU 1"
	expect_not "rtc-alarm: no interrupt" "no alarm lost"
	powered_off
}

boot "$here/irq-doorbell.yaml" && {
	expect "[ping] notify 0 -> 0" "ping rings its channel end 0"
	expect "[pong] doorbells: 1 received" "pong hears ping's doorbell"
	expect "[pong] notify 0 -> 0" "pong rings back"
	expect "[ping] doorbells: 1 received" "ping hears pong's doorbell"
	expect "[ping] doorbells: 2 received" "a second round, ping side"
	expect "[pong] doorbells: 2 received" "a second round, pong side"
	expect_order "[ping] notify 0 -> 0" "[pong] doorbells: 1 received" "ping rings before pong hears"
	expect "[loner] notify 0 -> -2" "a VM without channels cannot ring (INVALID_PARAMETERS)"
	expect "[loner] notify 1 -> -2" "nor with another index"
	powered_off
}

# Isolation. A VM poking at interrupts and CPUs it does not own changes nothing for the VM that
# owns them: its ticks keep coming at the same rate, and its RTC interrupt still works afterwards.
boot "$here/irq-attack.yaml" && {
	# The attacker's enable and route of INTID 34 read back from its own shadow, as a GIC would.
	expect_count 2 "[bad] irq-attack: isenabler1 0x4 irouter34 0x0" \
		"the foreign SPI's enable and route read back from the VM's shadow"
	expect_count 2 "[bad] irq-attack: ispendr1 0x0 ispendr4 0x0" "foreign SPIs never become pending"
	expect_count 2 "[bad] irq-attack: done, stray interrupts 0" "no SGI to foreign vCPUs comes back"
	expect_not "register write of INTID" "writes to the shadow are normal, not a log line"
	expect "partita: vm 'bad' vcpu 0: SGI 3 to a CPU outside the VM — ignored" \
		"an impossible request (an SGI outside the VM) is logged"
	expect_order "[good] tick 1" "[bad] irq-attack: done" "the attack runs while vm 'good' ticks"
	expect "[good] tick: 40 ticks in 200 ms" "vm 'good' keeps its tick rate"
	expect "[good] rtc-alarm: interrupt received on cpu 1, RIS after clear 0" \
		"vm 'good' still owns its RTC interrupt"
	expect_not "[good] rtc-alarm: no interrupt" "no RTC interrupt stolen"
	powered_off
}

# An RTOS-style priority-bit probe on INTID 32, an SPI the VM does not own: the GIC shows a
# priority byte for it (the VM's shadow), masked to the 5 bits the CPU interface implements.
boot "$here/irq-probe.yaml" && {
	expect "[rtos] prio-probe: INTID 32 priority 0xff reads back 0xf8, 5 priority bits" \
		"INTID 32's priority byte reads back 0xf8: 5 bits, as FreeRTOS counts them"
	expect "[rtos] rtos: INTID 32 priority 0xff reads 0xf8, 5 priority bits" "rtos: the same probe again"
	expect "[rtos] rtos: icc_bpr1 0 reads 3" "rtos: binary point 0 reads back the smallest, 3"
	expect "[rtos] rtos: rpr idle 0xff" "rtos: running priority idle outside handlers"
	expect "[rtos] rtos: nesting (08 at 0xc0, 09 at 0x40, 10 at 0xe0): 08< 09* 08> 10*" \
		"rtos: a higher priority preempts a handler, a lower one waits for its EOI"
	expect "[rtos] rtos: rpr in handler 08 0xc0, nested 09 0x40, 10 after 08 0xe0" \
		"rtos: running priority is each handler's own"
	expect "[rtos] rtos: bpr1 3, 12 at 0xd0, 11 at 0xc0: 12< 11* 12>" "rtos: binary point 3: 0xc0 preempts 0xd0"
	expect "[rtos] rtos: bpr1 4, 12 at 0xd0, 11 at 0xc0: 12< 11* 12>" "rtos: binary point 4: 0xc0 preempts 0xd0"
	expect "[rtos] rtos: bpr1 5, 12 at 0xd0, 11 at 0xc0: 12< 12> 11*" \
		"rtos: binary point 5: same group priority, no preemption"
	expect "[rtos] rtos: pmr 0x80: 0xc0 interrupt taken 0 times, after pmr 0xff 1 times" \
		"rtos: a critical section (PMR 0x80) holds a 0xc0 interrupt back until it ends"
	expect "[rtos] rtos: 100 ticks, task A 50 slices, task B 50 slices, both worked" \
		"rtos: a 1 ms tick switches between two tasks, evenly"
	expect_count 1 "partita: vm 'rtos' vcpu 0: " "nothing about it is logged (the one line is its SYSTEM_OFF)"
	powered_off
}

# A VM flooding itself with interrupts for 300 ms: the other VM's 10 ms timer tick goes on during it.
BOOT_ICOUNT= boot "$here/irq-flood.yaml" && {
	expect "[good] tick: 25 ticks in " "vm 'good' gets all its 25 ticks (10 ms apart, wall-clock time)"
	expect "[bad] flood: " "vm 'bad' was flooded"
	expect_order "[good] tick 20" "[bad] flood: " "the ticks went on during the flood"
	powered_off
}

# Console input through the vUART's receive interrupt: the guests read the UART only in their
# interrupt handler. Ctrl-] (0x1d) moves the focus from alpha to beta.
BOOT_INPUT='first line\rsecond line\r\x1dthird line\r' boot "$here/irq-uart.yaml" && {
	expect "[alpha] rxirq: first line" "first line received by interrupt in the focused VM"
	expect "[alpha] rxirq: second line" "second line too"
	expect "[alpha] rxirq: 2 lines" "alpha gets exactly its two lines"
	expect "[beta] rxirq: third line" "after Ctrl-], beta receives by interrupt"
	expect "[beta] rxirq: 1 lines" "beta gets exactly its line"
	expect_not "not an interrupt of this VM" "INTID 33 is each VM's own"
	powered_off
}
finish
