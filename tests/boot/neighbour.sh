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
finish
