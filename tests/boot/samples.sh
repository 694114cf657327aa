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
    if str(img.get("kernel", "")).endswith("baremetal.bin"):
        print(vm["name"], len(vm.get("cpus", [0])), img.get("bootargs", ""), sep="\t")
PY
}

for yaml in "$TOP"/samples/*.yaml; do
	grep -q 'build/guests/linux/' "$yaml" && continue   # Linux samples wait for a person (linux.sh)
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
			expect "partita: vm '$vm' vcpu 0: PSCI SYSTEM_OFF — VM off" "vm '$vm' powers off"
		fi
	done < <(vms_of "$yaml")
	powered_off
done
finish
