#!/usr/bin/env bash
# Debian's arm64 Linux boots under Partita next to a bare-metal VM: both CPUs of its VM come up
# through PSCI, its timer ticks through the virtual GIC, /init runs and powers the VM off, while the
# bare-metal VM prints its heartbeats; then the machine powers itself off.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

if [ ! -f "$BUILD/linux/Image" ] || [ ! -f "$BUILD/linux/initramfs.cpio.gz" ]; then
	make -s -C "$TOP" linux-guest >/dev/null || { not_ok "linux: build the Linux guest (make linux-guest)"; finish; }
fi
BOOT_TIMEOUT=240 boot "$TOP/samples/linux.yaml"
expect "Booting Linux on physical CPU 0x0000000000" "the kernel starts on vCPU 0"
expect "[linux] partita-linux: init reached on 2 cpus" "/init runs with both vCPUs online"
expect "[linux] partita-linux: vm-name linux" "the generated device tree reaches /proc/device-tree"
expect "arch_timer" "the virtual timer interrupt is counted in /proc/interrupts"
expect "[ctrl] heartbeat 5" "the bare-metal VM beside it keeps its heartbeat"
expect "partita: vm 'linux' vcpu 0: PSCI SYSTEM_OFF — VM off" "Linux powers its VM off"
powered_off
finish
