#!/usr/bin/env bash
# Every sample system boots: each VM running the bare-metal guest says hello on its vUART, brings
# up its other vCPUs, prints the heartbeats its command line asks for, and the machine powers off
# by itself once every VM has. The Linux samples wait for a person: linux.sh and channel.sh use them.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3   # Debian's python, where python3-yaml is installed

# name, vCPU count and bootargs of each VM that runs the bare-metal sample guest
vms_of() {
	"$PY" - "$1" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for vm in doc.get("vms", []):
    img = vm.get("image", {})
    if str(img.get("kernel", "")).endswith(("baremetal.bin", "baremetal-riscv64.bin")):
        print(vm["name"], len(vm.get("cpus", [0])), img.get("bootargs", ""), sep="\t")
PY
}

for yaml in "$TOP"/samples/*.yaml; do
	grep -q 'build/guests/linux/' "$yaml" && continue   # Linux samples wait for a person (linux.sh)
	board=$(sed -n 's/^board: *//p' "$yaml")
	if ! grep -q '^qemu:' "$TOP/boards/$board/board.yaml"; then
		# A board QEMU cannot run (rpi4, imx8mm-evk): its system still generates and builds, and
		# its run.sh says why it cannot boot it.
		build_system "$yaml" && {
			ok "$NAME: generated, hypervisor built for $board"
			rc=0
			"$OUT/run.sh" >"$LOG" 2>&1 || rc=$?
			check "$NAME: run.sh says board $board has no QEMU machine (exit 2)" \
				grep -q "QEMU" "$LOG"
			check "$NAME: ... and exits 2" [ "$rc" -eq 2 ]
		}
		continue
	fi
	boot "$yaml" || continue
	while IFS=$'\t' read -r vm ncpus args; do
		expect "[$vm] hello from vm $vm cpu 0" "vm '$vm' says hello"
		for ((c = 1; c < ncpus; c++)); do
			expect "[$vm] cpu $c up" "vm '$vm' brings up vcpu $c"
		done
		if [[ $args =~ heartbeat=([1-9][0-9]*) ]]; then
			expect "[$vm] heartbeat ${BASH_REMATCH[1]}" "vm '$vm' prints ${BASH_REMATCH[1]} heartbeats"
		fi
		if [[ " $args " == *" off "* ]]; then
			# PSCI on AArch64, SBI SRST on RISC-V
			expect_re "^partita: vm '$vm' vcpu 0: (PSCI SYSTEM_OFF|SBI system_reset\\(shutdown\\)) — VM off" \
				"vm '$vm' powers off"
		fi
	done < <(vms_of "$yaml")
	powered_off
done
finish
