#!/usr/bin/env bash
# Restart: vm 'bad' (2 vCPUs, on_fault: restart) writes outside its RAM on its first boot. It must
# come back (hello again, and its second vCPU too, which proves the hypervisor stopped it), the
# other VM must not notice, and on its second boot 'bad' powers off (maxboots=2). A guest's PSCI
# SYSTEM_RESET restarts its VM the same way.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

boot "$here/restart.yaml" && {
	expect "partita: vm 'bad' vcpu 0: data abort at IPA 0x50000000 (write, PC 0x" "the fault is reported"
	expect "— VM restarting" "with the restart policy"
	expect_count 2 "[bad] hello from vm bad cpu 0" "vm 'bad' boots twice"
	expect_count 2 "[bad] cpu 1 up" "its vCPU 1 is stopped and started again"
	expect_order "VM restarting" "[bad] boot 2 reached maxboots" "the second boot runs after the restart"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	expect_count 1 "[good] hello" "vm 'good' is not restarted"
	powered_off
}

boot "$here/restart-reset.yaml" && {
	expect "partita: vm 'bad' vcpu 0: PSCI SYSTEM_RESET — VM restarting" "SYSTEM_RESET is reported"
	expect_count 2 "[bad] hello from vm bad cpu 0" "vm 'bad' boots twice"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	powered_off
}
# The same with cache-colored RAM: stage 2 and image loading go page by page.
boot "$here/colored.yaml" && {
	expect "— VM restarting" "vm 'bad' faults and restarts"
	expect_count 2 "[bad] hello from vm bad cpu 0" "vm 'bad' boots twice from its colored pages"
	expect_count 2 "[bad] cpu 1 up" "with both vCPUs"
	expect "[good] heartbeat 10" "vm 'good' keeps its heartbeat"
	powered_off
}
finish
