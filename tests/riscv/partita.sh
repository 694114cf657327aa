#!/usr/bin/env bash
# The RISC-V hypervisor (hypervisor/arch/riscv64, HS-mode under OpenSBI on qemu-system-riscv64
# -M virt) with the riscv64 bare-metal guest in its VMs: what tests/boot/{irq,isolation,restart,
# channel,schedule,lifecycle}.sh and tests/attack/test.sh check on AArch64, for RISC-V's surfaces
# (SBI instead of PSCI and HVC, the PLIC instead of the GIC, an NS16550A vUART, Sstc timers).
# Called at the end of tests/riscv/test.sh (the `riscv` group of tests/run-all.sh); runs alone
# too. Each system is tests/riscv/rv-*.yaml, built and booted with tests/boot/lib.sh under
# -icount, and must switch the machine off by itself. Lines "ok - ..." / "not ok - ...".
#
# Where a test asserts what the hypervisor should do and does not (yet), the assertion stays as
# it should be: a failure here is a finding, not a test to loosen.
#
# Two properties of QEMU 7.2 under -icount (one host thread for all harts) shape the systems:
#  - a hart no VM uses stays in OpenSBI's HSM wait, where it finds MSIP pending and spins through
#    its WFI: idle time then costs real time (500 ms of a guest's sleep= took 11 s instead of
#    0.1 s, natively under OpenSBI too). So every system gives every hart to some VM.
#  - Zihintpause's pause does not hand the thread to another hart (AArch64's YIELD does): a guest
#    busy-looping on a hart of its own (share=, regs=) starves the harts of a shared schedule
#    (a and b of a 60/40 schedule measured 3% and 1%; 60.0/40.0% with that neighbour idle, and
#    about 50/50 of a 50/50 schedule without -icount). The schedule tests keep their third VM in
#    WFI while the shared hart is measured.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/../boot/lib.sh"
here=$(dirname "$0")

# halted VM REGEX: vm VM was halted with exactly this message (REGEX matches what follows
# "partita: vm 'VM' vcpu N: ").
halted() {
	expect_re "^partita: vm '$1' vcpu [0-9]: $2 — VM halted$" "vm '$1' is halted: $2"
}

# victim_ok AFTER: the victim (100 ticks at 2 ms) finished intact, on time, after the console
# line AFTER (the attack's last word); the machine powered itself off.
victim_ok() {
	local ok="[victim] victim: 100 ticks, memory intact"
	expect_lines 1 "\\[victim\\] victim: 100 ticks, memory intact" \
		"the victim's memory is intact after 100 ticks"
	expect_line "[victim] victim: 100 ticks in 200 ms, 0 stray interrupts, 0 words differ" \
		"the victim ticked on time and saw no interrupt it did not ask for"
	expect_order "$1" "$ok" "the victim checked its memory after the attack"
	powered_off
}

off_line() { expect "partita: vm '$1' vcpu 0: SBI system_reset(shutdown) — VM off" "vm '$1' powers off (SBI SRST)"; }

# ---- interrupts ---------------------------------------------------------------------------------

boot "$here/rv-irq.yaml" && {
	expect_re '^\[irq\] platform: plic 0xc000000 context 1, uart 0x10000000 ns16550a irq 10, sbi 2\.0 impl [0-9]+, timer 10000000 Hz sstc$' \
		"platform: its PLIC (S context of hart 0: 1, as on the board), the NS16550A vUART, SBI 2.0, Sstc"
	in_order "harts 1..3 come up (SBI HSM hart_start), in order" "[irq] hello from vm irq cpu 0" \
		"[irq] cpu 1 up" "[irq] cpu 2 up" "[irq] cpu 3 up"
	in_order "ten timer interrupts" "[irq] tick 1" "[irq] tick 5" "[irq] tick 10"
	expect_line "[irq] tick: 10 ticks in 50 ms" "one tick every 5 ms of its time"
	expect_line "[irq] pingpong: 100 round trips" "100 IPI round trips between harts 0 and 1 (SBI IPI)"
	expect_line "[irq] cpu_on 0x1 -> -6" "hart_start of a running hart: ALREADY_AVAILABLE"
	expect_line "[irq] cpu 1 off" "hart 1 stops itself (hart_stop); hart 0 sees it stopped (hart_get_status)"
	expect_line "[irq] cpu_on 0x1 -> 0" "hart_start starts it again"
	expect_count 2 "[irq] cpu 1 up" "and it comes up again"
	expect_line "[irq] cpu_on 0x4 -> -3" "hart_start of a hart the VM lacks: INVALID_PARAM"
	expect "partita: vm 'irq' vcpu 0: SBI hart_start of hart 4, not a hart of this VM — INVALID_PARAM" \
		"... noted by the hypervisor"
	expect_line "[irq] pingpong: 3 round trips" "the restarted hart takes IPIs"
	expect_count 2 "[irq] rtc-alarm: interrupt received on cpu 0, alarm status 0" \
		"the RTC's alarm (passed through, level) is taken on hart 0 and cleared at the device"
	expect_line "[irq] rtc-alarm: interrupt received on cpu 1, alarm status 0" \
		"enabled in hart 1's PLIC context only, it is taken on hart 1"
	expect_not "rtc-alarm: no interrupt" "no alarm lost"
	expect_line "[irq] notify 0 -> -3" "a doorbell without a channel: INVALID_PARAM"
	expect_not "VM halted" "nothing is the VM's fault"
	off_line irq
	powered_off
}

# Console input through the vUART's receive interrupt: the guests read their 16550 only in their
# interrupt handler (after a first line read by polling, rv-input.yaml). Typed once the guests
# have said hello (OpenSBI resets the UART while it starts); Ctrl-] (0x1d) moves the focus from
# alpha to beta while alpha waits for a last line, which it never gets (echo= waits for ever):
# when beta is off the focus passes to the shell, where `stop alpha` ends it.
boot_driven "$here/rv-input.yaml" \
	wait:"[alpha] hello from vm alpha" wait:"[beta] hello from vm beta" \
	send:'go\rfirst line\rsecond line\r' wait:"[alpha] rxirq: 2 lines" \
	send:'\x1d' wait:"input -> vm 'beta'" send:'go\rthird line\r' wait:"[beta] rxirq: 1 lines" \
	wait:"vm 'beta' vcpu 0: SBI system_reset(shutdown)" wait:"input -> hypervisor shell" \
	send:'stop alpha\r' && {
	expect_line "[alpha] echo: go" "alpha polls the first line"
	expect_line "[alpha] rxirq: first line" "first line received by interrupt in the focused VM"
	expect_line "[alpha] rxirq: second line" "second line too"
	expect_re '^\[alpha\] rxirq: 2 lines, [1-9][0-9]* interrupts$' "alpha gets exactly its two lines"
	expect_line "[beta] echo: go" "after Ctrl-], beta polls its first line"
	expect_line "[beta] rxirq: third line" "and receives the next by interrupt"
	expect_re '^\[beta\] rxirq: 1 lines, [1-9][0-9]* interrupts$' "beta gets exactly its line"
	expect "partita: vm 'alpha': stopped from the shell" "the shell stops alpha"
	powered_off
}

# ---- channels ---------------------------------------------------------------------------------

boot "$here/rv-channel.yaml" && {
	expect_re '^\[app\] chan-send: 300 messages, 300 answers intact, round trip [0-9]+ ticks$' \
		"300 messages of 1..1000 bytes come back upper-cased, in order"
	expect_line "[srv] chan-echo: 300 messages answered" "the other side answered as many"
	expect_not "no answer" "no message went unanswered"
	expect_not "no usable channel" "both find the channel in their device tree"
	expect_line "[ping] notify 0 -> 0" "ping rings its channel end 0"
	expect_line "[pong] doorbells: 1 received" "pong takes ping's doorbell (a PLIC source of its own)"
	expect_line "[ping] doorbells: 1 received" "ping takes pong's answer"
	expect_line "[ping] doorbells: 2 received" "a second round, ping side"
	expect_line "[pong] doorbells: 2 received" "a second round, pong side"
	expect_order "[ping] notify 0 -> 0" "[pong] doorbells: 1 received" "ping rings before pong hears"
	expect_line "[pong] notify 1 -> -3" "a channel end pong does not have: INVALID_PARAM"
	halted ping "instruction fetch from GPA 0x90000000, which the VM does not have \\(PC 0x90000000\\)"
	expect_count 1 "— VM halted" "a channel window is never executable: ping, and only ping, is halted"
	for vm in app srv pong; do off_line $vm; done
	powered_off
}

# ---- isolation ----------------------------------------------------------------------------------

# contained VM MESSAGE-REGEX: VM was halted with this one line (its only one) before good's
# last heartbeat, and did not run the command after its fault.
contained() {
	halted "$1" "$2"
	expect_count 1 "partita: vm '$1'" "exactly one hypervisor line about vm '$1'"
	expect_not "[$1] heartbeat 1" "vm '$1' stops at the fault"
	check "$NAME: vm 'good' goes on after vm '$1''s fault" _before \
		"$(grep -nE -m1 "^partita: vm '$1' vcpu" "$LOG" | cut -d: -f1)" \
		"$(grep -nF -m1 "[good] heartbeat 10" "$LOG" | cut -d: -f1)"
}

boot "$here/rv-isolation.yaml" && {
	contained rd "guest-page fault at GPA 0x90000000 \\(read, PC 0x8[0-9a-f]+\\)"
	expect_not "[rd] peek -> " "the read returns nothing to the guest"
	contained wr "guest-page fault at GPA 0x88000000 \\(write, PC 0x8[0-9a-f]+\\)"
	expect_not "[wr] poke done" "the write to good's RAM's physical address does not complete"
	contained ex "instruction fetch from GPA 0x80200000, which the VM does not have \\(PC 0x80200000\\)"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	expect_count 3 "— VM halted" "three VMs halted, good not"
	off_line good
	powered_off
}

boot "$here/rv-isolation-dev.yaml" && {
	contained dev "guest-page fault at GPA 0x101000 \\(write, PC 0x8[0-9a-f]+\\)"
	expect_not "[dev] poke done" "the write to good's RTC does not complete"
	contained plic "guest-page fault at GPA 0xc203004 \\(read, PC 0x8[0-9a-f]+\\)"
	expect_not "[plic] peek -> " "hart 1's physical claim register is not the VM's: nothing read, nothing claimed"
	for h in 1 3 2147483648; do
		expect "partita: vm 'hyp' vcpu 0: SBI hart_start of hart $h, not a hart of this VM — INVALID_PARAM" \
			"hart_start of hart $h (not the VM's) is refused and noted"
	done
	for h in 0x1 0x3 0x80000000; do
		expect_line "[hyp] cpu_on $h -> -3" "the guest sees INVALID_PARAM for hart $h"
	done
	halted hyp "guest-page fault at GPA 0x80200000 \\(read, PC 0x84[0-9a-f]+\\)"
	expect_not "[hyp] peek -> " "the hypervisor's memory (physical 0x80200000) is in no VM's G-stage"
	expect_not "[hyp] heartbeat 1" "vm 'hyp' stops at the fault"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	expect_line "[good] rtc-alarm: interrupt received on cpu 0, alarm status 0" \
		"and still owns its RTC and its interrupt"
	expect_count 3 "— VM halted" "three VMs halted, good not"
	off_line good
	powered_off
}

# A VM poking at interrupts, contexts and harts it does not own changes nothing for the VM that
# owns them: its ticks keep coming at the same rate, and its RTC's alarm still comes.
boot "$here/rv-irq-attack.yaml" && {
	expect_count 2 "[bad] irq-attack: source 11 priority 0 enable 0x0" \
		"the RTC's source (good's) reads as absent in bad's PLIC: priority 0, never enabled"
	expect_count 2 "[bad] irq-attack: context 0 enable 0x0 threshold 0" "the M-mode context 0 keeps nothing"
	expect_count 2 "[bad] irq-attack: context 2 enable 0x0 threshold 0" "nor hart 1's M-mode context 2"
	expect_count 2 "[bad] irq-attack: ipi to hart 2 -> -3, hart 4095 -> -3" "IPIs to harts it lacks: INVALID_PARAM"
	expect_count 2 "[bad] irq-attack: done, stray interrupts 0" "nothing comes back"
	for c in mstatus mhartid mtvec pmpcfg0 hstatus hgatp hedeleg vsstatus vsatp; do
		expect_line "[bad] csr-probe: $c trap 2" "csr-probe: $c is an illegal instruction in a VM"
	done
	expect_line "[bad] csr-probe: 9 of 9 trapped" "csr-probe: all 9 trap"
	expect_re "^partita: vm 'bad' vcpu 0: instruction 0x600025f3 at PC 0x8[0-9a-f]+ is not for a VM \\(a hypervisor CSR or instruction, or a counter\\) — illegal instruction$" \
		"a hypervisor CSR is a virtual-instruction exception, made illegal, noted"
	expect_order "[good] tick 1" "[bad] irq-attack: done" "the attack runs while vm 'good' ticks"
	expect_line "[good] tick: 40 ticks in 200 ms" "vm 'good' keeps its tick rate"
	expect_line "[good] rtc-alarm: interrupt received on cpu 1, alarm status 0" \
		"vm 'good' still owns its RTC's interrupt (taken on its CPU 1)"
	expect_not "rtc-alarm: no interrupt" "no alarm stolen"
	halted bad "read of emulated GPA 0x10000000 by instruction 0x[0-9a-f]+, not a single integer load or store \\(PC 0x8[0-9a-f]+\\)"
	expect_not "[bad] amo-window: lr.w -> " "a load-reserved from the vUART is not emulated as a load"
	expect_count 1 "— VM halted" "only bad is halted, for that"
	off_line good
	powered_off
}

# ---- restart ----------------------------------------------------------------------------------

boot "$here/rv-restart.yaml" && {
	expect_re "^partita: vm 'bad' vcpu 0: guest-page fault at GPA 0x90000000 \\(write, PC 0x8[0-9a-f]+\\) — VM restarting \\(restart 1 of 5 within 10 s\\)$" \
		"the fault is reported, with the restart policy"
	expect_count 2 "[bad] hello from vm bad cpu 0" "vm 'bad' boots twice"
	expect_count 2 "[bad] cpu 1 up" "its hart 1 is stopped and started again"
	expect_order "VM restarting" "[bad] boot 2 reached maxboots" "the second boot runs after the restart"
	expect "partita: vm 'rst' vcpu 0: SBI system_reset(cold reboot) — VM restarting" "SRST cold reboot restarts the VM"
	expect_count 2 "[rst] hello from vm rst cpu 0" "vm 'rst' boots twice"
	expect_line "[rst] boot 2 reached maxboots, powering off" "and knows it (the boot count)"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	expect_count 1 "[good] hello" "vm 'good' is not restarted"
	for vm in good bad rst; do off_line $vm; done
	powered_off
}

# The shell (Ctrl-] to it) restarts, stops and starts VMs on dedicated and shared harts.
steps=(wait:"[a] hello from vm a cpu 0" wait:"[big] hello from vm big cpu 0" wait:"[c] cpu 1 off"
	send:'\x1d' wait:"input -> vm 'big'" send:'\x1d' wait:"input -> vm 'c'"
	send:'\x1d' wait:"input -> hypervisor shell")
for _ in $(seq 5); do
	steps+=(send:'restart big\r' wait:"[big] hello from vm big cpu 0" wait:"[big] cpu 1 up")
done
for _ in $(seq 2); do
	steps+=(send:'restart a\r' wait:"[a] hello from vm a cpu 0")
	steps+=(send:'restart c\r' wait:"[c] cpu 1 off")
done
steps+=(send:'restart big\rrestart big\r' wait:"vm 'big': restarting (from the shell: now"
	wait:"[big] hello from vm big cpu 0" wait:"[big] cpu 1 up"
	send:'restart big\rstop big\r' wait:"vm 'big': reset done — it stays off"
	send:'info\r' wait:"faults restarts"
	send:'start big\r' wait:"[big] hello from vm big cpu 0" wait:"[big] cpu 1 up"
	send:'stop a\r' wait:"vm 'a': stopped from the shell" send:'start a\r' wait:"[a] hello from vm a cpu 0"
	send:'stop a\rstop big\rstop c\r')
BOOT_TIMEOUT=90 boot_driven "$here/rv-life.yaml" "${steps[@]}" && {
	expect_count 8 "[big] hello from vm big cpu 0" \
		"vm 'big' (hart 0 shared, hart 1 its own) came back from 5 restarts, a restart while restarting and a stop/start"
	expect_count 8 "[big] cpu 1 up" "with its hart 1 each time"
	expect_count 4 "[a] hello from vm a cpu 0" "vm 'a' (hart 0 shared) came back from 2 restarts and a stop/start"
	expect_count 3 "[c] cpu 1 off" "vm 'c' came back from 2 restarts with its hart 1 off"
	expect_count 1 "restarting (from the shell: now, with a fresh budget)" "a restart while restarting is taken as 'now'"
	expect "vm 'big': stopped from the shell (it stays off once its reset is done)" "a stop while restarting is taken"
	expect_re "^big +off " "info shows it off after its reset"
	expect_not "try again" "no command was refused for the state it found"
	powered_off
}

# ---- time partitioning ------------------------------------------------------------------------

# share_within VM PERCENT TOLERANCE: VM ran PERCENT% ± TOLERANCE% of the time.
share_within() {
	if ! share_of "$1"; then
		not_ok "$NAME: vm '$1' reports its share"
		return 1
	fi
	check "$NAME: vm '$1' ran $2% ± $3% of the time (ran $RAN us of $ELAPSED us: $(pct "$BP"), $GAPS gaps)" \
		between "$BP" $((($2 - $3) * 100)) $((($2 + $3) * 100))
}

# switch_latency MAX: every window of hart 0 began on time (the vCPU back in the guest within
# MAX ticks of the 10 MHz timebase after the window start).
switch_latency() {
	local lat
	lat=$(sed -n 's/^partita: cpu 0: [0-9]* switches, back in the guest [0-9]*\.\.\([0-9]*\) ticks.*/\1/p' "$LOG")
	check "$NAME: every switch on hart 0 was back in the guest ≤ $1 ticks after the window start (worst ${lat:-?})" \
		[ "${lat:-999999}" -le "$1" ]
}

boot "$here/rv-sched-share.yaml" && {
	share_within a 60 1
	a_gaps=$GAPS a_work=$WORK
	check "$NAME: vm 'a' is switched out once per 10 ms frame (its 2 ms and 4 ms windows are adjacent): $a_gaps times in 300 ms" \
		between "$a_gaps" 29 31
	share_within b 40 1
	b_gaps=$GAPS b_work=$WORK
	check "$NAME: vm 'b' is switched out once per frame: $b_gaps times in 300 ms" between "$b_gaps" 29 31
	# The same loop does the same work per microsecond in either VM: the work done is the share
	# again, counted in iterations, not in time (a / b = 60 / 40).
	if [ "$b_work" -gt 0 ]; then
		r=$((a_work * 1000 / b_work))
		check "$NAME: vm 'a' did 1.5x vm 'b''s work ± 2% ($a_work against $b_work iterations: $r/1000)" \
			between "$r" 1470 1530
	fi
	expect_line "[c] tick: 30 ticks in 300 ms" "vm 'c', on harts of its own, keeps its tick rate"
	switch_latency 200
	for vm in a b c; do off_line $vm; done
	powered_off
}

# regs_ok VM MIN MAX: "regs: N registers checked over G switch-outs, 0 differ" with MIN <= G <= MAX.
regs_ok() {
	local l n g d re='regs: ([0-9]+) registers checked over ([0-9]+) switch-outs, ([0-9]+) differ'
	l=$(grep -F "[$1] regs: " "$LOG" | grep -E "$re" | tail -n1)
	if ! [[ $l =~ $re ]]; then
		not_ok "$NAME: vm '$1' reports its register check"
		return
	fi
	n=${BASH_REMATCH[1]} g=${BASH_REMATCH[2]} d=${BASH_REMATCH[3]}
	check "$NAME: vm '$1' finds all $n registers as it left them ($d differ${l#*differ})" [ "$d" -eq 0 ]
	check "$NAME: vm '$1' held them across $g switch-outs (wanted $2..$3)" between "$g" "$2" "$3"
}

boot "$here/rv-sched-regs.yaml" && {
	regs_ok a 29 31
	regs_ok b 29 31
	regs_ok c 0 2
	expect_not " (expected " "no register named as differing"
	for vm in a b c; do off_line $vm; done
	powered_off
}

boot "$here/rv-sched-fault.yaml" && {
	expect_re "^partita: vm 'a' vcpu 0: guest-page fault at GPA 0x90000000 \\(write, PC 0x8[0-9a-f]+\\) — VM restarting" \
		"vm 'a' faults and restarts"
	expect_count 2 "[a] hello from vm a cpu 0" "vm 'a' boots twice"
	expect_line "[a] boot 2 reached maxboots, powering off" "vm 'a' powers off on its second boot"
	expect_order "VM restarting" "[b] share: " "vm 'b' was measuring while vm 'a' restarted"
	share_within b 40 1
	# Stricter: a restart may take none of b's windows (30 of 4 ms in 300 ms).
	if share_of b; then
		check "$NAME: vm 'b' loses no window to vm 'a''s restart: ran within 1 ms of 40% ($RAN us of $ELAPSED us, $GAPS gaps)" \
			between $((RAN * 10)) $((ELAPSED * 4 - 10000)) $((ELAPSED * 4 + 10000))
	fi
	expect_line "[c] tick: 30 ticks in 300 ms" "vm 'c' keeps its tick rate"
	for vm in a b c; do off_line $vm; done
	powered_off
}

# ---- attacks (an attacker 'bad', listed first, and a 'victim' on the other harts) -------------

# Every register a VM can write, FP, its PLIC and vUART, a RAM page: dirtied, then a fault; after
# the restart all must be as a fresh VM finds them (checked at the first boot too, so that the
# expectations hold). scounteren and senvcfg have no VS copies: the hart's own are what the VM
# reads and writes, so the hypervisor must put them back itself.
boot "$here/rv-atk-residue.yaml" && {
	expect_re '^\[bad\] fresh: [0-9]+ registers checked, 0 dirty, boot 1$' "a fresh VM starts clean"
	expect_line "[bad] restart-dirty: claimed source 11" "boot 1 leaves its RTC's interrupt (passed through) claimed, never completed"
	expect_line "[bad] restart-dirty: claimed source 10" "and its vUART's"
	expect_re "^partita: vm 'bad' vcpu 0: guest-page fault at GPA 0x90000000 \\(write, PC 0x8[0-9a-f]+\\) — VM restarting \\(restart 1 of 5 within 10 s\\)$" \
		"the fault restarts the attacker"
	expect_re '^\[bad\] fresh: [0-9]+ registers checked, 0 dirty, boot 2$' \
		"after the restart: every register, FP register, PLIC and vUART register and the RAM page reset"
	expect_not "fresh: dirty" "no register named dirty"
	sc=$(sed -n 's/^\[bad\] fresh: scounteren \(0x[0-9a-f]*\)$/\1/p' "$LOG" | head -n1)
	expect_count 2 "[bad] fresh: scounteren ${sc:-?}" \
		"scounteren (the hart's: no VS copy) at the second boot as at the first (${sc:-?}), not what boot 1 wrote"
	expect_count 2 "[bad] rtc-alarm: interrupt received on cpu 0, alarm status 0" \
		"the RTC interrupts in both boots: the claimed source was completed physically at the restart"
	expect_line "[bad] boot 2 reached maxboots, powering off" "the boot count says 2"
	victim_ok "[bad] boot 2 reached maxboots, powering off"
}

boot "$here/rv-atk-sbi-garbage.yaml" && {
	re='^\[bad\] sbi-garbage: ([0-9]+) calls, ([0-9]+) skipped, ([0-9]+) errors \(NOT_SUPPORTED ([0-9]+), INVALID_PARAM ([0-9]+), other ([0-9]+)\), ([0-9]+) legacy, ([0-9]+) odd results, ([0-9]+) registers clobbered$'
	l=$(grep -E "$re" "$LOG" | head -n1)
	if [[ $l =~ $re ]]; then
		check "$NAME: ${BASH_REMATCH[1]} calls made and ${BASH_REMATCH[2]} skipped: 3000" \
			[ $((BASH_REMATCH[1] + BASH_REMATCH[2])) -eq 3000 ]
		check "$NAME: every error is one the SBI defines (${BASH_REMATCH[8]} odd results)" [ "${BASH_REMATCH[8]}" -eq 0 ]
		check "$NAME: every register but a0/a1 kept across every call (${BASH_REMATCH[9]} calls clobbered one)" \
			[ "${BASH_REMATCH[9]}" -eq 0 ]
		check "$NAME: unknown functions answered NOT_SUPPORTED (${BASH_REMATCH[4]} of ${BASH_REMATCH[3]} errors)" \
			[ "${BASH_REMATCH[4]}" -gt 0 ]
	else
		not_ok "$NAME: sbi-garbage prints its summary"
	fi
	expect_line "[bad] sbi-garbage: still running" "the VM goes on"
	expect_line "[bad] tick: 3 ticks in 30 ms" "and its timer works"
	at_most 4 "partita: vm 'bad' vcpu 0: SBI extension" "the NOT_SUPPORTED notes are rate limited"
	expect_re "^partita: vm 'bad': [0-9]+ more call messages suppressed$" "and counted"
	expect_not "VM halted" "nobody is halted"
	off_line bad
	victim_ok "[bad] tick: 3 ticks in 30 ms"
}

# IPIs and fences to harts it has and has not, the HSM raced and fed junk.
boot "$here/rv-atk-sbi-harts.yaml" && {
	while IFS='|' read -r what result; do
		expect_line "[bad] sbi-harts: $what -> $result" "$what -> $result"
	done <<-'EOF'
		ipi mask 0x1 base 0|0
		ipi mask 0x2 base 0|0
		ipi mask 0x3 base 0|0
		ipi mask 0x1 base 1|0
		ipi mask 0x4 base 0|-3
		ipi mask 0x7 base 0|-3
		ipi mask 1<<63 base 0|-3
		ipi mask all ones base 0|-3
		ipi mask 0x1 base 2|-3
		ipi mask 0x3 base 1|-3
		ipi mask 0x1 base 4095|-3
		ipi mask 0x1 base -2|-3
		ipi mask 0x2 base 63|-3
		ipi mask 1<<63 base 1|-3
		ipi mask 0 base 5|0
		ipi mask 0 base -1|0
		ipi mask all ones base -1|0
		ipi mask 1<<63 base -1|0
		ipi function 1|-2
		fence.i mask 0x3 base 0|0
		fence.i mask 0x4 base 0|-3
		fence.i mask 1<<63 base 0|-3
		fence.i mask 0x1 base 2|-3
		fence.i mask 0x1 base 4095|-3
		fence.i mask 0 base -1|0
		sfence.vma mask 0x3 base 0|0
		sfence.vma mask 0x2 base 1|-3
		sfence.vma mask all ones base 0|-3
		sfence.vma mask 0 base -1|0
		sfence.vma.asid mask 0x2 base 0|0
		sfence.vma.asid mask 0x1 base 2|-3
		hfence.gvma.vmid|-2
		hfence.gvma|-2
		hfence.vvma.asid|-2
		hfence.vvma|-2
		legacy send_ipi mask 0x2|0
		legacy send_ipi mask pointer 0|0
		legacy send_ipi mask 0x4|-3
		legacy send_ipi mask 1<<63 + 1|-3
		legacy send_ipi mask outside RAM|-3
		legacy send_ipi mask in the PLIC window|-3
		legacy send_ipi mask in the UART window|-3
		legacy remote_fence_i mask 0x4|-3
		legacy remote_sfence_vma mask 0x4|-3
		legacy remote_sfence_vma_asid mask 0x4|-3
		legacy remote_sfence_vma mask 0x3|0
	EOF
	expect_line "[bad] sbi-harts: 46 calls, ipis taken cpu 0 6 of 6, cpu 1 8 of 8, stray 0" \
		"each IPI sent arrived where it was sent, none elsewhere"
	expect_re '^\[bad\] hsm-race: 300 cycles, 301 entries of cpu 1, 0 errors; status said started [0-9]+, stopped [0-9]+, start pending [0-9]+, other 0$' \
		"300 hart_stop/hart_start races, each entry seen, every status and result one of the SBI's"
	expect_line "[bad] hsm-race: cpu 1 restarted -> 0, up" "then hart 1 starts the ordinary way"
	expect_line "[bad] pingpong: 5 round trips" "and the two harts exchange IPIs"
	while IFS='|' read -r what result; do
		expect_line "[bad] hsm-entry: $what -> $result" "$what -> $result"
	done <<-'EOF'
		cpu 1 hart_stop, then hart_get_status|1
		hart_start entry 0|-5
		hart_start entry outside RAM|-5
		hart_start entry odd|-5
		hart_start entry all ones|-5
		hart_start entry in the UART window|-5
		hart_start entry in the PLIC window|-5
		hart_start entry just below RAM|-5
		hart_start of itself|-6
		hart_start of hart 2|-3
		hart_start of hart -1|-3
		hart_get_status of hart 2|-3
		hart_get_status of hart -1|-3
		hart_get_status of cpu 1|1
		hart_suspend retentive|0
		hart_suspend platform retentive|0
		hart_suspend reserved type 1|-3
		hart_suspend platform retentive 0x7fffffff|0
		hart_start at its entry|0
		cpu 1 back up|1
		cpu 1 hart_stop again, then hart_get_status|1
	EOF
	# The VM's channel window is its memory but never executable (gstage.c): a hart started
	# there could only fault. INVALID_ADDRESS, as for its device windows.
	expect_line "[bad] hsm-entry: hart_start entry in a channel window -> -5" \
		"hart_start into its channel window (never executable): INVALID_ADDRESS"
	expect_line "[bad] hsm-entry: done" "and the VM goes on"
	expect_not "VM halted" "nobody is halted"
	off_line bad
	victim_ok "[bad] hsm-entry: hart_start entry in a channel window -> "
}

# Every aligned offset x every size of the PLIC window (its own contexts 0 and 1: 0x202000 bytes),
# read, junk written, read again; counts: the regions are 17808 bytes, so 15 * 17808 / 8 = 33390
# offsets (1-, 2-, 4- and 8-byte), 2 reads and 1 write each. The same over the vUART's window;
# then device accesses from code running with the MMU on at other virtual addresses.
boot "$here/rv-atk-plic-sweep.yaml" && {
	expect_line "[bad] plic-sweep: window 0x202000, 66780 reads, 33390 writes, nonzero reads of 1, 2 or 8 bytes 0, reads with bits not its own 0" \
		"every access made; only 32-bit registers answer; nothing of anybody else's shows"
	expect_line "[bad] plic-sweep: misaligned: 55 reads, 55 writes, nonzero reads 0" \
		"misaligned accesses read nothing either"
	# The vUART's 4 KiB: 15 * 4096 / 8 = 7680 offsets; only single bytes at 0..7 are registers.
	expect_line "[bad] uart-sweep: window 0x1000, 15360 reads, 7680 writes, nonzero reads of 2, 4 or 8 bytes 0, nonzero reads past its registers 0" \
		"the vUART's window: every access made, only its eight byte registers answer"
	expect_line "[bad] mmio-alias: identity lsr 0x60 priority 3, alias rwx lsr 0x60 priority 3" \
		"device accesses from code at a virtual address other than its guest-physical one are decoded (the PC through the guest's translation)"
	expect_line "[bad] tick: 3 ticks in 30 ms" "the VM goes on, its timer works"
	# HLVX needs only execute permission; QEMU 7.2 implements it as a data load, which faults on
	# an execute-only page unless sstatus.MXR is set.
	expect_line "[bad] mmio-alias: x-only lsr 0x60 priority 3" \
		"and from code on an execute-only page (the instruction read with HLVX, which needs execute permission only)"
	at_most 4 "is not a register access — RAZ/WI" "the RAZ/WI notes are rate limited"
	expect_re "^partita: vm 'bad': [0-9]+ more mmio messages suppressed$" "and counted"
	expect_not "VM halted" "no access halts the VM"
	off_line bad
	victim_ok "[bad] tick: 3 ticks in 30 ms"
}
# ---- a guest built for the board, as Bao's are ------------------------------------------------

# Linked for RAM at 0x80200000, its PLIC context computed from its hart id (2 x hart + 1, the
# board's layout, which the VM's PLIC keeps), not read from the device tree.
# (echo=1 first: a line read by polling holds it until the input comes, see rv-input.yaml.)
boot_driven "$here/rv-bao-style.yaml" wait:"[bao] rtc-alarm: interrupt" send:'go\rtyped\r' \
	wait:"[bao] rxirq: 1 lines" wait:"vm 'bao' vcpu 0: SBI system_reset(shutdown)" && {
	expect_line "[bao] plic-ctx-by-hart: cpu 0 context 1" "its context from its hart id: 2 x 0 + 1"
	expect_re '^\[bao\] platform: plic 0xc000000 context 1, uart 0x10000000 ns16550a irq 10, ' \
		"... the one its device tree names too"
	expect_line "[bao] tick: 3 ticks in 30 ms" "timer interrupts on time"
	expect_line "[bao] pingpong: 10 round trips" "IPIs between its harts"
	expect_line "[bao] rtc-alarm: interrupt received on cpu 1, alarm status 0" \
		"the RTC's interrupt in hart 1's context 3, enabled there by hart number"
	expect_line "[bao] rxirq: typed" "the vUART's receive interrupt, in context 1"
	powered_off
}

finish
