#!/usr/bin/env bash
# Hypervisor benchmarks: size, instructions from reset to a VM's first instruction and to its
# first console character, and the virtual timer interrupt latency natively and under Partita.
# Reports, never asserts.
#
#   hypervisor/bench.sh            (TOP, BUILD, PARTITA as in tests/run-all.sh)
#
# Timing runs under -icount shift=0,align=off,sleep=off: QEMU executes one instruction per
# virtual nanosecond, and the generic counter (62.5 MHz, CNTVOFF_EL2 = 0 under Partita) ticks
# every 16 ns, so instructions = 16 x ticks (±16). The bare-metal guest's `timing` command reads
# CNTVCT_EL0 at its very first instruction and just before it writes its first character to the
# vUART (the hypervisor prints it once the line is complete).
#
# Interrupt latency: the guest's `latency=1000` command (samples/guests/baremetal/irq.c) arms the
# EL1 virtual timer ~100 us ahead, waits in WFI, and reads CNTVCT_EL0 first thing in its IRQ
# vector; a sample is that minus CNTV_CVAL, in ticks. The vector dithers its read over 0..15
# NOPs, which turns each 16 consecutive samples into one exact instruction count ("insn").
# The same code runs natively (baremetal-native.elf on bare QEMU at EL1, real GICv3) and as the
# one VM of hypervisor/bench/latency.yaml; each twice, to show the numbers repeat.
#
# Trap paths: the guest's `cost=1024` command (samples/guests/baremetal/cost.c), in the same runs,
# times 1024 iterations of one operation (a PSCI call, a doorbell, a GICD write, a UART data
# write, an SGI round trip between two vCPUs) and reports instructions per iteration to within
# 16/1024; native minus Partita is what the hypervisor adds.
set -euo pipefail
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
PARTITA=${PARTITA:-$BUILD/bin/partita}
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
out=$BUILD/bench/one

[ -x "$PARTITA" ] || make -s -C "$TOP" tool >/dev/null
make -s -C "$TOP/samples/guests/baremetal" O="$BUILD/guests" >/dev/null

# system YAML DIR [BOARD]: generate and build a hypervisor image for YAML in DIR (for BOARD
# instead of the YAML's own board: a copy next to it, so that its relative paths still hold).
system() {
	local yaml=$1
	rm -rf "$2" && mkdir -p "$2"
	if [ -n "${3:-}" ]; then
		yaml=$(dirname "$1")/.$(basename "$1" .yaml)@$3.yaml
		sed "s/^board: .*/board: $3/" "$1" >"$yaml"
	fi
	"$PARTITA" gen "$yaml" -o "$2" >/dev/null
	[ -z "${3:-}" ] || rm -f "$yaml"
	make -s -j2 -C "$TOP/hypervisor" CONFIG_DIR="$2" O="$2/hyp" >/dev/null
}
system "$TOP/hypervisor/bench/one.yaml" "$out"
elf=$out/hyp/partita.elf

echo "== hypervisor size"
if command -v cloc >/dev/null; then
	cloc --quiet --exclude-dir=bench --not-match-f='^bench\.sh$' --force-lang=C,h "$TOP/hypervisor" |
		awk '/^(C|C\/C\+\+ Header|Assembly|make|Bourne Shell|SUM):?/ { printf "  sloc %-16s %s\n", $1, $NF }'
fi
# The hypervisor proper: every object but config.o (which carries the embedded guest images).
objs=$(find "$out/hyp" -name '*.o' ! -name config.o)
# shellcheck disable=SC2086
"${CROSS_COMPILE}size" -t $objs | awk 'END { printf "  objects without config.o: text+rodata %d B, data %d B, bss+noinit %d B\n", $1, $2, $3 }'
sect() { printf '%d' "0x$("${CROSS_COMPILE}objdump" -h "$elf" | awk -v s="$1" '$2 == s { print $3 }')"; }
images=0
# Each embedded blob once: VMs booting the same file share one (their symbols are equal).
while read -r start end; do
	images=$((images + 0x$end - 0x$start))
done < <(while read -r name; do
	s=$("${CROSS_COMPILE}nm" "$elf" | awk -v n="${name}_start" '$3 == n { print $1 }')
	e=$("${CROSS_COMPILE}nm" "$elf" | awk -v n="${name}_end" '$3 == n { print $1 }')
	echo "$s $e"
done < <("${CROSS_COMPILE}nm" "$elf" | sed -nE 's/.* (pt_vm[0-9]+_[a-z]+)_start$/\1/p') | sort -u)
bin=$(stat -c %s "$out/hyp/partita.bin")
echo "  partita.bin $bin B, of which embedded guest images $images B -> hypervisor image $((bin - images)) B ($(( (bin - images + 1023) / 1024 )) KiB)"
echo "  stacks + table pool (.noinit, not in the image): $(sect .noinit) B"
echo "  ${CROSS_COMPILE}size partita.elf:"
"${CROSS_COMPILE}size" "$elf" | sed 's/^/    /'

# boot_time DIR: boot DIR's one-VM system and print the guest's timing line as instructions.
boot_time() {
	local log=$1/console.log line entry first
	"$1/run.sh" --icount --timeout 60 </dev/null 2>/dev/null | tr -d '\r' >"$log" || true
	if line=$(grep -m1 'timing: entry' "$log"); then
		entry=$(sed -E 's/.*entry ([0-9]+) ticks.*/\1/' <<<"$line")
		first=$(sed -E 's/.*first char ([0-9]+) ticks.*/\1/' <<<"$line")
		printf "  reset -> guest first instruction: %8d ticks = ~%d instructions\n" "$entry" $((entry * 16))
		printf "  reset -> guest first console char: %7d ticks = ~%d instructions\n" "$first" $((first * 16))
	else
		echo "  no timing line in the console output:"
		sed 's/^/    /' "$log"
	fi
}
echo "== boot time (1 CPU, 1 VM, -icount shift=0)"
boot_time "$out"
echo "  (reference, Bao: ~426K instructions to guest entry, ~535K to the first UART character)"

echo "== interrupt latency (EL1 virtual timer -> guest IRQ vector, vCPU 1 idle, -icount shift=0)"
lat=$BUILD/bench/latency
system "$TOP/hypervisor/bench/latency.yaml" "$lat"
native() {
	timeout 60 qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57 -smp 2 -m 512M \
		-nographic -net none -icount shift=0,align=off,sleep=off \
		-kernel "$BUILD/guests/baremetal-native.elf" </dev/null 2>/dev/null
}
partita() { "$lat/run.sh" --icount --timeout 60 </dev/null 2>/dev/null; }
for run in 1 2; do
	for who in native partita; do
		rc=0
		"$who" | tr -d '\r' >"$lat/$who.$run.log" || rc=$?
		[ "$rc" -eq 0 ] || echo "  warning: $who run $run did not power off by itself (exit status $rc)"
	done
done
# field LOG KEY: the number after KEY= on the latency line of LOG (empty if none).
field() { grep -m1 'latency: n=' "$1" | sed -nE "s/.* $2=([0-9]+).*/\1/p"; }
same=yes
for who in native partita; do
	[ -n "$(field "$lat/$who.1.log" insn_median)" ] || same=no
	cmp -s <(grep -E 'latency|cost' "$lat/$who.1.log") <(grep -E 'latency|cost' "$lat/$who.2.log") || same=no
done
ok=yes
for who in native partita; do
	log=$lat/$who.1.log
	if [ -z "$(field "$log" median)" ] || [ -z "$(field "$log" insn_median)" ]; then
		ok=no
		echo "  $who: no latency line in the console output:"
		sed 's/^/    /' "$log"
		continue
	fi
	printf "  %-8s n=%d  ticks min/median/max %d/%d/%d  instructions (exact, %d dithered groups) %d/%d/%d\n" \
		"$who" "$(field "$log" n)" "$(field "$log" min)" "$(field "$log" median)" "$(field "$log" max)" \
		"$(field "$log" groups)" "$(field "$log" insn_min)" "$(field "$log" insn_median)" "$(field "$log" insn_max)"
	echo "           histogram (ticks:samples):$(grep -m1 'latency-hist:' "$log" | sed 's/.*latency-hist://')"
done
if [ $ok = yes ]; then
	n=$lat/native.1.log p=$lat/partita.1.log
	for k in median max; do
		dt=$(($(field "$p" $k) - $(field "$n" $k)))
		di=$(($(field "$p" insn_$k) - $(field "$n" insn_$k)))
		printf "  added by Partita, %-6s +%d ticks = %d ns at 62.5 MHz (~%d instructions); exact: +%d instructions (= ns of virtual time)\n" \
			"$k:" "$dt" $((dt * 16)) $((dt * 16)) "$di"
	done
fi
echo "  identical across 2 runs: $same"

echo "  (reference, ZCU104 hardware, published: native 222 ns; added: Bao +684 ns, Jailhouse +872 ns, Xen dom0less +3.1 us)"
echo "  (QEMU executes 1 instruction per ns here and models no caches or pipelines: compare instruction"
echo "   counts, not nanoseconds, with the hardware numbers)"

# cost NAME LOG: instructions per iteration of cost NAME in LOG (empty if none).
cost() { grep -m1 "cost: $1 n=" "$2" | sed -nE 's/.* insn=([0-9.]+).*/\1/p'; }
echo "== trap paths (cost=1024 in the same runs: instructions per operation, loop included)"
printf "  %-10s %9s %9s %9s  %s\n" path native partita added "what the guest does"
for row in "hvc|PSCI_VERSION by HVC (native: QEMU's own PSCI)" \
	   "doorbell|PT_HVC_CHANNEL_NOTIFY (native: an unknown HVC)" \
	   "gicd|GICD_ISENABLER1 write (emulated distributor)" \
	   "vuart|(v)UART data register write (emulated PL011)" \
	   "sgi-rtt|SGI round trip vCPU 0 -> 1 -> 0, both sides (4 EL2 entries)"; do
	name=${row%%|*} what=${row#*|}
	n=$(cost "$name" "$lat/native.1.log") p=$(cost "$name" "$lat/partita.1.log")
	if [ -z "$n" ] || [ -z "$p" ]; then
		printf "  %-10s %9s %9s %9s  %s\n" "$name" "${n:-?}" "${p:-?}" "?" "$what"
		continue
	fi
	printf "  %-10s %9s %9s %+9.2f  %s\n" "$name" "$n" "$p" "$(awk -v a="$p" -v b="$n" 'BEGIN { print a - b }')" "$what"
done
echo "  (targets, issue 10: timer interrupt added <= 48; vUART write added <= 250; SGI round trip <= 600)"

echo "== channel messages (docs/channels.md): round trip, both sides' work"
ch=$BUILD/bench/channel
system "$TOP/hypervisor/bench/channel.yaml" "$ch"
"$ch/run.sh" --icount --timeout 120 </dev/null 2>/dev/null | tr -d '\r' >"$ch/console.log" || true
while read -r l; do
	n=$(sed -nE 's/.*chan-send: ([0-9]+) messages of ([0-9]+) bytes, ([0-9]+) answers intact, round trip ([0-9]+) ticks.*/\1 \2 \3 \4/p' <<<"$l")
	[ -n "$n" ] || continue
	read -r count size good ticks <<<"$n"
	# ticks x 16 = instructions = ns of virtual time; 2 x size bytes move per round trip
	printf "  bare-metal <-> bare-metal, %4d B: %d of %d intact, round trip %d ticks = ~%d instructions, %d.%02d MB/s (virtual time)\n" \
		"$size" "$good" "$count" "$ticks" $((ticks * 16)) $((2 * size * 1000 / (ticks * 16))) \
		$((2 * size * 100000 / (ticks * 16) % 100))
done <"$ch/console.log"
grep -q "chan-send" "$ch/console.log" || { echo "  no chan-send line:"; sed 's/^/    /' "$ch/console.log"; }
if [ -f "$BUILD/guests/linux/Image" ] && [ -f "$BUILD/guests/linux/initramfs.cpio.gz" ]; then
	lc=$BUILD/bench/linux-chantest
	system "$TOP/tests/boot/linux-chantest.yaml" "$lc"
	"$lc/run.sh" --timeout 240 </dev/null 2>/dev/null | tr -d '\r' >"$lc/console.log" || true
	grep -E '^\[linux\] partita-chan:' "$lc/console.log" | sed 's/^\[linux\] partita-chan: /  Linux <-> bare-metal (wall clock, QEMU TCG): /' |
		paste -d' ' - <(printf '%s\n' "" "(1..1000 B)" "(64 B)" "(4 KiB)")
else
	echo "  (Linux <-> bare-metal: build the Linux guest first, make linux-guest)"
fi

# The same boot and interrupt figures on the ZCU102 (QEMU xlnx-zcu102: GIC-400, Cortex-A53).
echo "== zcu102 (QEMU xlnx-zcu102: GICv2, Cadence UART; -icount shift=0)"
zo=$BUILD/bench/zcu102-one
system "$TOP/hypervisor/bench/one.yaml" "$zo" zcu102
boot_time "$zo"
zl=$BUILD/bench/zcu102-latency
system "$TOP/hypervisor/bench/latency.yaml" "$zl" zcu102
znative() {
	timeout 60 qemu-system-aarch64 -M xlnx-zcu102 -m 4G -nographic -audiodev none,id=snd0 \
		-icount shift=0,align=off,sleep=off \
		-kernel "$BUILD/guests/baremetal-native-zcu102.elf" </dev/null 2>/dev/null
}
zpartita() { "$zl/run.sh" --icount --timeout 60 </dev/null 2>/dev/null; }
for who in znative zpartita; do
	[ "$who" = zpartita ] || [ -f "$BUILD/guests/baremetal-native-zcu102.elf" ] || continue
	"$who" | tr -d '\r' >"$zl/$who.log" || true
	log=$zl/$who.log
	if [ -z "$(field "$log" insn_median)" ]; then
		echo "  ${who#z}: no latency line"; sed 's/^/    /' "$log"; continue
	fi
	printf "  %-8s n=%d  ticks min/median/max %d/%d/%d  instructions (exact) %d/%d/%d\n" \
		"${who#z}" "$(field "$log" n)" "$(field "$log" min)" "$(field "$log" median)" "$(field "$log" max)" \
		"$(field "$log" insn_min)" "$(field "$log" insn_median)" "$(field "$log" insn_max)"
done
if [ -n "$(field "$zl/znative.log" insn_median 2>/dev/null)" ] && [ -n "$(field "$zl/zpartita.log" insn_median)" ]; then
	for k in median max; do
		printf "  added by Partita on the GIC-400, %-6s exact: +%d instructions\n" "$k:" \
			$(($(field "$zl/zpartita.log" insn_$k) - $(field "$zl/znative.log" insn_$k)))
	done
fi
printf "  %-10s %9s %9s %9s\n" path native partita added
for name in hvc doorbell gicd vuart sgi-rtt; do
	# Natively the ZCU102's PSCI is QEMU's over SMC: the guest names that row smc.
	nn=$name; [ "$name" != hvc ] || nn=smc
	n=$(cost "$nn" "$zl/znative.log" 2>/dev/null || true) p=$(cost "$name" "$zl/zpartita.log")
	if [ -z "$n" ] || [ -z "$p" ]; then
		printf "  %-10s %9s %9s %9s\n" "$name" "${n:-?}" "${p:-?}" "?"
	else
		printf "  %-10s %9s %9s %+9.2f\n" "$name" "$n" "$p" "$(awk -v a="$p" -v b="$n" 'BEGIN { print a - b }')"
	fi
done

echo "== time partitioning (hypervisor/bench/sched.yaml: two VMs share CPU 0, 4/4/2 ms in 10 ms; -icount shift=0)"
sb=$BUILD/bench/sched
system "$TOP/hypervisor/bench/sched.yaml" "$sb"
"$sb/run.sh" --icount --timeout 60 </dev/null 2>/dev/null | tr -d '\r' >"$sb/console.log" || true
grep -E '^\[[ab]\] share:' "$sb/console.log" | sed 's/^/  /'
if grep -qE '^partita: cpu 0: [0-9]+ window starts' "$sb/console.log"; then
	grep -E '^partita: cpu 0: ' "$sb/console.log" | sed 's/^partita: /  /'
	while read -r kind lo hi; do
		printf "  %s: %d..%d ticks = ~%d..%d instructions, jitter %d ticks\n" "$kind" "$lo" "$hi" \
			$((lo * 16)) $((hi * 16)) $((hi - lo))
	done < <(sed -nE 's/^partita: cpu 0: [0-9]+ (switches|resumes from idle), back in the guest ([0-9]+)\.\.([0-9]+) ticks.*/\1 \2 \3/p' \
		"$sb/console.log" | sed 's/^resumes from idle/idle-resume/')
	echo "  (switch: window start -> the next vCPU back in the guest: save, idle loop, restore)"
else
	echo "  no schedule report:"; sed 's/^/    /' "$sb/console.log"
fi

# RISC-V: the same guest binary natively (OpenSBI starts it in HS-mode, its command line from
# -append) and as the VM of hypervisor/bench/riscv.yaml. The time CSR runs at 10 MHz: a tick is
# 100 instructions under -icount shift=0, so cost=10000 resolves 0.01 instruction.
echo "== riscv64 (QEMU virt with the H extension, OpenSBI; -icount shift=0: 100 instructions a tick)"
rv=$BUILD/bench/riscv
RV_FW=${RV_FW:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin}
system "$TOP/hypervisor/bench/riscv.yaml" "$rv"
rvargs=$(sed -n 's/^ *bootargs: "\(.*\)"$/\1/p' "$TOP/hypervisor/bench/riscv.yaml")
rvnative() {
	timeout -k 2 60 qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 2 -m 256M -nographic \
		-bios "$RV_FW" -kernel "$BUILD/guests/baremetal-riscv64.bin" \
		-icount shift=0,align=off,sleep=off -append "$rvargs" </dev/null 2>/dev/null
}
rvpartita() { "$rv/run.sh" --icount --timeout 60 </dev/null 2>/dev/null; }
for who in rvnative rvpartita; do
	"$who" | tr -d '\r' | sed 's/^\[bench\] //' >"$rv/$who.log" || true
done
rvn=$rv/rvnative.log rvp=$rv/rvpartita.log
entry() { sed -nE "s/^timing: entry ([0-9]+) ticks, first char ([0-9]+) ticks$/\\$2/p" "$1"; }
if [ -n "$(entry "$rvn" 1)" ] && [ -n "$(entry "$rvp" 1)" ]; then
	printf "  boot, native:  reset -> OpenSBI -> guest first instruction %d ticks = ~%d instructions\n" \
		"$(entry "$rvn" 1)" $(($(entry "$rvn" 1) * 100))
	printf "  boot, Partita: hypervisor entry -> guest first instruction %d ticks = ~%d instructions, first console char ~%d\n" \
		"$(entry "$rvp" 1)" $(($(entry "$rvp" 1) * 100)) $(($(entry "$rvp" 2) * 100))
else
	echo "  no timing line:"; sed 's/^/    /' "$rvn" "$rvp"
fi
lat() { sed -nE 's/^latency: n=[0-9]+ mean=[0-9.]+ ticks insn=([0-9]+)$/\1/p' "$1"; }
if [ -n "$(lat "$rvn")" ] && [ -n "$(lat "$rvp")" ]; then
	printf "  timer interrupt (stimecmp -> guest handler -> time read, mean of 1000, dithered): native %d, Partita %d instructions: added %+d\n" \
		"$(lat "$rvn")" "$(lat "$rvp")" $(($(lat "$rvp") - $(lat "$rvn")))
else
	echo "  no latency line:"; sed 's/^/    /' "$rvn" "$rvp"
fi
printf "  %-10s %9s %9s %9s  %s\n" path native partita added "what the guest does"
for row in "sbi|SBI Base get_spec_version (native: OpenSBI in M-mode)" \
	   "doorbell|PT_SBI_CHANNEL_NOTIFY (native: OpenSBI's NOT_SUPPORTED)" \
	   "plic|PLIC priority write (emulated PLIC)" \
	   "vuart|(v)UART transmit register write (emulated NS16550A)" \
	   "ipi-rtt|IPI round trip hart 0 -> 1 -> 0 (SBI IPI both ways)"; do
	name=${row%%|*} what=${row#*|}
	n=$(cost "$name" "$rvn") p=$(cost "$name" "$rvp")
	if [ -z "$n" ] || [ -z "$p" ]; then
		printf "  %-10s %9s %9s %9s  %s\n" "$name" "${n:-?}" "${p:-?}" "?" "$what"
		continue
	fi
	printf "  %-10s %9s %9s %+9.2f  %s\n" "$name" "$n" "$p" "$(awk -v a="$p" -v b="$n" 'BEGIN { print a - b }')" "$what"
done
n=$(cost ipi-rtt "$rvn") p=$(cost ipi-rtt "$rvp")
[ -z "$n" ] || [ -z "$p" ] || printf "  IPI round trip: %.2fx native\n" "$(awk -v a="$p" -v b="$n" 'BEGIN { print a / b }')"
echo "  (targets, issue 20: timer interrupt 0 added with Sstc; SBI call <= 150 added; IPI round trip <= 2x native;"
echo "   boot to the first guest instruction <= 100K instructions)"
