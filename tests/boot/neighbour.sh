#!/usr/bin/env bash
# Noisy neighbours (docs/security.md): what one VM does must not cost another its speed or its CPU
# time. A doorbell storm at a VM that keeps the doorbell disabled costs it nothing; with the
# doorbell enabled, the doorbells coalesce and it keeps a bounded share. Each figure is printed in
# the assertion's text.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

# works VM: the work figures of VM's share= lines, in order ("... work W").
works() { grep -F "[$1] share: " "$LOG" | sed -n 's/.*, work \([0-9]*\)$/\1/p'; }

# storm_ratio MIN_BP LABEL: quiet's work during the storm against before it, in basis points.
storm_ratio() {
	local w before during bp
	mapfile -t w < <(works quiet)
	before=${w[0]:-0} during=${w[1]:-0}
	if [ "$before" -eq 0 ] || [ "$during" -eq 0 ]; then
		not_ok "$NAME: vm 'quiet' reports its work before and during the storm"
		return
	fi
	bp=$((during * 10000 / before))
	check "$NAME: vm 'quiet' keeps ≥ $(pct "$1") of its speed $2 ($during against $before iterations: $(pct "$bp"))" \
		[ "$bp" -ge "$1" ]
}

# kicks_of VM: the kicks column of the shell's info line for VM.
kicks_of() { awk -v vm="$1" '$1 == vm && NF >= 9 { k = $8 } END { print k + 0 }' "$LOG"; }

# The storm's end, both measurements, then the shell's info, then a line for quiet's echo=1.
drive=(wait:"[noisy] bell-storm:" wait:"[quiet] share:" wait:"[quiet] share:"
	send:'\x1d' wait:"console input -> hypervisor shell" send:'info\r' wait:"partita> info"
	wait:"partita> " send:'\x1d' wait:"console input -> vm 'quiet'" send:'bye\r')

boot_driven "$here/bell-storm.yaml" "${drive[@]}" && {
	expect_re "^\\[noisy\\] bell-storm: [0-9]{4,} doorbells rung" "vm 'noisy' rings thousands of doorbells"
	storm_ratio 9900 "under a storm at a doorbell it keeps disabled"
	k=$(kicks_of quiet)
	check "$NAME: vm 'quiet' took no kick from the storm at its disabled doorbell (info: $k kicks)" [ "$k" -le 2 ]
	powered_off
}

boot_driven "$here/bell-storm-on.yaml" "${drive[@]}" && {
	expect_re "^\\[noisy\\] bell-storm: [0-9]{4,} doorbells rung" "vm 'noisy' rings thousands of doorbells"
	expect_re "^\\[quiet\\] doorbells: [1-9][0-9]* taken" "vm 'quiet' takes the doorbells it enabled"
	storm_ratio 5000 "with the doorbell enabled (coalesced)"
	k=$(kicks_of quiet) d=$(sed -n 's/^\[quiet\] doorbells: \([0-9]*\) taken$/\1/p' "$LOG")
	check "$NAME: at most one kick per doorbell it took ($k kicks, ${d:-no} doorbells)" [ "$k" -le "${d:-0}" ]
	powered_off
}
# A storm at a VM on a shared CPU, against the same loop posting nothing: the figures of CPU 0
# (its two VMs' time, when its windows begin) must be those of the baseline.
# shared_figures: QUIET_BP MATE_BP WINDOW_STARTS for the last boot. (How late each window's
# vCPU is back in the guest is not compared: with CPU 1 busy, under -icount it is where QEMU's
# round-robin turns fall, a few thousand ticks either way, storm or not.)
shared_figures() {
	local q m l
	share_of quiet && q=$BP
	share_of mate && m=$BP
	l=$(sed -n 's/^partita: cpu 0: \([0-9]*\) window starts$/\1/p' "$LOG")
	echo "${q:-0} ${m:-0} ${l:-0}"
}
base=
boot "$here/bell-dud-shared.yaml" && {
	expect_re "^\\[noisy\\] bell-dud: [0-9]{4,} doorbells rung" "vm 'noisy' runs its loop without a storm"
	base=$(shared_figures)
	powered_off
}
boot "$here/bell-storm-shared.yaml" && {
	expect_re "^\\[noisy\\] bell-storm: [0-9]{4,} doorbells rung" "vm 'noisy' rings thousands of doorbells"
	expect_re "^\\[quiet\\] doorbells: [1-9][0-9]* taken" "vm 'quiet' takes them in its windows"
	read -r bq bm bl <<<"${base:-0 0 0}"
	read -r sq sm sl <<<"$(shared_figures)"
	check "$NAME: vm 'mate' ran as much of CPU 0 as without the storm, ± 0.05% ($(pct "$sm") against $(pct "$bm"))" \
		between "$sm" $((bm - 5)) $((bm + 5))
	check "$NAME: vm 'quiet' too, taking its doorbells in its own windows ($(pct "$sq") against $(pct "$bq"))" \
		between "$sq" $((bq - 5)) $((bq + 5))
	check "$NAME: CPU 0 began every window it began without the storm ($sl, baseline $bl)" \
		between "$sl" "$((bl > 0 ? bl : 1))" 1000000
	powered_off
}
finish
