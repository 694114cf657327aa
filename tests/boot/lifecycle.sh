#!/usr/bin/env bash
# A VM's life cycle (core/vm_reset.c): restart, stop and start from any state, on dedicated and
# time-shared CPUs, from the shell and from the VM's own faults; a reset runs in the VM's own time;
# on_fault: restart has a budget and backs off. Each figure is printed in the assertion's text.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")


boot "$here/reset-neighbour.yaml" && {
	expect_count 2 "partita: vm 'big' vcpu 1: data abort at IPA 0x100000000" "vm 'big' faults twice on its vCPU 1 (the shared CPU)"
	expect_count 3 "[big] hello from vm big cpu 0" "and boots three times"
	expect "[big] boot 3 reached maxboots, powering off" "the third boot is the last"
	# Under -icount QEMU 7.2 runs the CPUs round-robin on one thread and virtual time counts
	# both: while big's CPU 1 zeroes memory in long stretches, a moment of n's can look up to one
	# such stretch (~30 us) long, and n sees it as a gap. The time n ran is what counts: a reset
	# done in its windows would take milliseconds of it.
	if share_of n; then
		check "$NAME: vm 'n' ran 50% ± 0.2% of the time while big reset twice (ran $RAN us of $ELAPSED us, $GAPS gaps)" \
			between "$BP" 4980 5020
		check "$NAME: vm 'n' was switched out once per 10 ms frame, and at most once more per reset ($GAPS gaps in $ELAPSED us)" \
			between "$GAPS" 99 102
	else
		not_ok "$NAME: vm 'n' reports its share"
	fi
	# "partita: cpu 0: N switches, back in the guest A..B ticks after the window start (mean M)"
	lat=$(sed -n 's/^partita: cpu 0: [0-9]* switches, back in the guest [0-9]*\.\.\([0-9]*\) ticks.*/\1/p' "$LOG")
	check "$NAME: every window of CPU 0 began on time: its vCPU was back in the guest ≤ 200 ticks (3.2 us) after the window start (worst ${lat:-?})" \
		[ "${lat:-999999}" -le 200 ]
	idle=$(sed -n 's/^partita: cpu 0: [0-9]* resumes from idle, back in the guest [0-9]*\.\.\([0-9]*\) ticks.*/\1/p' "$LOG")
	check "$NAME: and after big's windows spent resetting, within one reset chunk and QEMU's round-robin: ≤ 2,500 ticks (40 us; worst ${idle:-?})" \
		[ "${idle:-999999}" -le 2500 ]
	powered_off
}
# The restart budget: loop (the default, 5 in 10 s) and brief (2 in 1 s) fault on every boot.
halted="— VM halted: "
BOOT_TIMEOUT=60 boot_driven "$here/restart-budget.yaml" \
	wait:"$halted""5 restarts within 10 s is its budget" wait:"$halted""2 restarts within 1 s is its budget" \
	send:'\x1d' wait:"input -> hypervisor shell" send:'info\r' wait:"faults restarts" \
	send:'restart brief\r' wait:"vm 'brief': started from the shell" \
	wait:"$halted""2 restarts within 1 s is its budget" \
	send:'\x1d' wait:"input -> vm 'other'" send:'bye\r' && {
	expect_count 6 "[loop] hello from vm loop cpu 0" "vm 'loop' boots 6 times: the first and 5 restarts"
	for k in 1 2 3 4 5; do
		d=$(( k == 1 ? 0 : 10 << (k - 2) ))
		what="restarting in $d ms (restart $k of 5 within 10 s)"
		[ "$k" -gt 1 ] || what="restarting (restart 1 of 5 within 10 s)"
		expect "vm 'loop' vcpu 0: data abort at IPA 0x50000000 (write, PC 0x" "loop's fault $k"
		expect "— VM $what" "restart $k of loop backs off ${d} ms"
	done
	expect_count 1 "$halted""5 restarts within 10 s is its budget (on_fault: restart: max, within); \`restart loop\` in the shell boots it" \
		"the 6th fault halts it, in one line that says why and what to do"
	expect_re "^loop +halted +0->0 +6 +6 +5 " "info: loop halted after 6 boots, 6 faults, 5 restarts"
	expect_count 6 "[brief] hello from vm brief cpu 0" "vm 'brief' boots 3 times, halts, and 3 times again after the shell's restart"
	expect_count 2 "$halted""2 restarts within 1 s is its budget" "brief's budget spent twice: the shell's restart gave it a fresh one"
	expect "partita: vm 'other' vcpu 0: PSCI SYSTEM_OFF — VM off" "vm 'other' is not affected"
	powered_off
}

# The shell drives life.yaml (see there); every step waits for its outcome (a wait for a text
# seen n times before waits for the n+1st).
steps=(wait:"[a] hello from vm a cpu 0" wait:"[big] hello from vm big cpu 0" wait:"[big] cpu 1 up"
	wait:"[c] cpu 1 off"
	send:'\x1d' wait:"input -> vm 'big'" send:'\x1d' wait:"input -> vm 'c'"
	send:'\x1d' wait:"input -> hypervisor shell")
for _ in $(seq 10); do
	steps+=(send:'restart big\r' wait:"[big] hello from vm big cpu 0" wait:"[big] cpu 1 up")
done
for _ in $(seq 3); do
	steps+=(send:'restart a\r' wait:"[a] hello from vm a cpu 0")
	steps+=(send:'restart c\r' wait:"[c] cpu 1 off")
done
# Restart while restarting; stop while restarting (it stays off); start it again.
steps+=(send:'restart big\rrestart big\r' wait:"vm 'big': restarting (from the shell: now"
	wait:"[big] hello from vm big cpu 0" wait:"[big] cpu 1 up"
	send:'restart big\rstop big\r' wait:"vm 'big': reset done — it stays off"
	send:'info\r' wait:"faults restarts"
	send:'start big\r' wait:"[big] hello from vm big cpu 0" wait:"[big] cpu 1 up"
	send:'stop a\r' wait:"vm 'a': stopped from the shell" send:'start a\r' wait:"[a] hello from vm a cpu 0"
	send:'stop a\rstop big\rstop c\r')
BOOT_TIMEOUT=120 boot_driven "$here/life.yaml" "${steps[@]}" && {
	expect_count 13 "[big] hello from vm big cpu 0" "vm 'big' (CPU 0 shared, CPU 1 its own) came back from each of 11 restarts and a stop/start"
	expect_count 13 "[big] cpu 1 up" "with its vCPU on the shared CPU each time"
	expect_count 5 "[a] hello from vm a cpu 0" "vm 'a' (CPU 0 shared) came back from 3 restarts and a stop/start"
	expect_count 4 "[c] cpu 1 off" "vm 'c' came back from 3 restarts with its vCPU 1 off"
	expect_count 1 "restarting (from the shell: now, with a fresh budget)" "a restart while restarting is taken as 'now'"
	expect "vm 'big': stopped from the shell (it stays off once its reset is done)" "a stop while restarting is taken"
	expect_re "^big +off " "info shows it off after its reset"
	expect_not "try again" "no command was refused for the state it found"
	powered_off
}
finish
