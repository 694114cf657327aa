#!/usr/bin/env bash
# Debian's arm64 Linux under Partita, used as a person would, in tmux: samples/linux.yaml boots to
# a shell next to a bare-metal VM; the prompt shows before anything is typed, every typed key is
# echoed before Enter, output of commands on both vCPUs comes in order, a 4 KiB paste reaches
# `wc -c` whole, the clock is the RTC's, Ctrl-] reaches the bare-metal VM and the focus comes back
# when it powers off, `reboot` restarts the VM and `poweroff` ends the run.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

if [ ! -f "$BUILD/guests/linux/Image" ] || [ ! -f "$BUILD/guests/linux/initramfs.cpio.gz" ] ||
	[ "$TOP/samples/guests/linux/init" -nt "$BUILD/guests/linux/initramfs.cpio.gz" ] ||
	[ "$TOP/samples/guests/linux/inittab" -nt "$BUILD/guests/linux/initramfs.cpio.gz" ]; then
	make -s -C "$TOP" linux-guest >/dev/null || { not_ok "linux: build the Linux guest (make linux-guest)"; finish; }
fi
if ! command -v tmux >/dev/null; then
	not_ok "linux: tmux is installed (make deps)"
	finish
fi

build_system "$TOP/samples/linux.yaml" || finish
session="partita-test-$$"
socket="$OUT/tmux.sock"
tm() { tmux -S "$socket" "$@"; }
pane() { tm capture-pane -p -J -S - -t "$session" 2>/dev/null | tr -d '\r'; }
# wait_for TEXT SECONDS: the terminal shows TEXT (fixed string) within SECONDS.
wait_for() {
	local i
	for i in $(seq $(($2 * 5))); do
		pane | grep -qF -- "$1" && return 0
		sleep 0.2
	done
	return 1
}
# wait_count N TEXT SECONDS: the terminal shows TEXT on N lines.
wait_count() {
	local i
	for i in $(seq $(($3 * 5))); do
		[ "$(pane | grep -cF -- "$2")" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

tm -f /dev/null new-session -d -s "$session" -x 200 -y 60 \
	"'$OUT/run.sh' --timeout 240; echo \"run.sh exit status \$?\" > '$OUT/status'; sleep 600"
tm set-option -t "$session" history-limit 20000 >/dev/null

check "linux: the Linux VM boots to its shell" wait_for "partita-linux: shell on the console" 150
check "linux: the shell's prompt shows before anything is typed" wait_for "[linux] / # " 30
tm send-keys -t "$session" "echo par"
sleep 1
check "linux: typed characters are echoed before Enter" \
	sh -c "tmux -S '$socket' capture-pane -p -t '$session' | grep -v '^\$' | tail -n1 | grep -q 'echo par\$'"
tm send-keys -t "$session" "tita-ok" Enter
check "linux: the command runs" wait_for "[linux] partita-ok" 10

tm send-keys -t "$session" "taskset -c 0 echo on-cpu-0; taskset -c 1 echo on-cpu-1; taskset -c 0 echo on-cpu-0-again" Enter
wait_for "[linux] on-cpu-0-again" 10
check "linux: output of commands on both vCPUs comes in the order they ran" \
	sh -c "tmux -S '$socket' capture-pane -p -J -S - -t '$session' | grep -A2 -x '.linux. on-cpu-0' | tr -d '\r' | paste -sd' ' | grep -qx '.linux. on-cpu-0 .linux. on-cpu-1 .linux. on-cpu-0-again'"

year=$(date -u +%Y)
tm send-keys -t "$session" "date -u +rtc-year-%Y" Enter
check "linux: the clock comes from the RTC it owns (year $year)" wait_for "[linux] rtc-year-$year" 10

awk 'BEGIN { for (i = 0; i < 64; i++) { printf "%02d", i; for (j = 0; j < 61; j++) printf "x"; printf "\n" } }' \
	>"$OUT/paste.txt"
tm send-keys -t "$session" "wc -c" Enter
sleep 0.5
tm load-buffer "$OUT/paste.txt"
tm paste-buffer -t "$session"
sleep 1
tm send-keys -t "$session" C-d
check "linux: a 4096-byte paste reaches wc -c whole" wait_for "[linux] 4096" 15

# Ctrl-] twice: past the hypervisor shell to the bare-metal VM, which echoes a line.
tm send-keys -t "$session" C-]
check "linux: Ctrl-] moves the input to the hypervisor shell" wait_for "partita: console input -> hypervisor shell" 5
tm send-keys -t "$session" C-]
check "linux: Ctrl-] again moves it to the bare-metal VM" wait_for "partita: console input -> vm 'ctrl'" 5
tm send-keys -t "$session" "to-ctrl" Enter
check "linux: the bare-metal VM gets the line" wait_for "[ctrl] echo: to-ctrl" 10
check "linux: it beats and powers off" wait_for "partita: vm 'ctrl' vcpu 0: PSCI SYSTEM_OFF" 20
check "linux: the focus moves back to Linux by itself, and says so" \
	wait_count 2 "partita: console input -> vm 'linux'" 5

tm send-keys -t "$session" "reboot" Enter
check "linux: reboot restarts the VM (PSCI SYSTEM_RESET)" wait_count 2 "partita-linux: shell on the console" 150
wait_for "[linux] / # " 30
sleep 1
tm send-keys -t "$session" "poweroff" Enter
for _ in $(seq 60); do [ -f "$OUT/status" ] && break; sleep 0.5; done
check "linux: poweroff ends the run (the machine powers itself off)" grep -qx "run.sh exit status 0" "$OUT/status"

pane >"$LOG"
tm kill-session -t "$session" 2>/dev/null || true
expect "[linux] partita-linux: init reached on 2 cpus" "/init runs with both vCPUs online"
expect "[linux] partita-linux: vm-name linux" "the generated device tree reaches /proc/device-tree"
expect "arch_timer" "the virtual timer interrupt is counted in /proc/interrupts"
expect "partita: vm 'linux' vcpu 0: PSCI SYSTEM_OFF — VM off" "Linux powers its VM off"
expect_not "PANIC" "no hypervisor panic"
expect_not "insmod" "every module of the initramfs loads (no insmod failure)"

# A virtio disk and network from the description: an ext2 image the host made, written by Linux
# and read back; an address from QEMU's user-mode network.
disk=$BUILD/boot-tests/linux-virtio.img
rm -f "$disk"
truncate -s 8M "$disk" && /sbin/mkfs.ext2 -q -F "$disk" >/dev/null 2>&1 ||
	not_ok "linux-virtio: make an ext2 disk image (e2fsprogs)"
BOOT_TIMEOUT=120 BOOT_ICOUNT= boot "$(dirname "$0")/linux-virtio.yaml" && {
	expect_re "virtio_blk virtio[0-9]+: \[vda\]" "Linux finds the virtio disk run.sh gave it"
	expect "[linux] partita-linux: disk: /dev/vda written" "mounts it and writes a file"
	expect "[linux] partita-linux: net: lease of 10.0.2.15 obtained" \
		"the virtio network (net: user) gives Linux an address by DHCP"
	check "linux-virtio: the host reads the file back from the image" \
		sh -c "/sbin/debugfs -R 'cat /hello.txt' '$disk' 2>/dev/null | grep -qx 'written by linux under partita'"
	powered_off
}
finish
