#!/usr/bin/env bash
# Hypervisor benchmarks: size, and instructions from reset to a VM's first instruction and to
# its first console character. Reports, never asserts.
#
#   hypervisor/bench.sh            (TOP, BUILD, PARTITA as in tests/run-all.sh)
#
# Timing runs under -icount shift=0,align=off,sleep=off: QEMU executes one instruction per
# virtual nanosecond, and the generic counter (62.5 MHz, CNTVOFF_EL2 = 0 under Partita) ticks
# every 16 ns, so instructions = 16 x ticks (±16). The bare-metal guest's `timing` command reads
# CNTVCT_EL0 at its very first instruction and just before it writes its first character to the
# vUART (the hypervisor prints it once the line is complete).
set -euo pipefail
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
PARTITA=${PARTITA:-$BUILD/bin/partita}
CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
out=$BUILD/bench/one

[ -x "$PARTITA" ] || make -s -C "$TOP" tool >/dev/null
make -s -C "$TOP/samples/guests/baremetal" O="$BUILD/guests" >/dev/null
rm -rf "$out" && mkdir -p "$out"
"$PARTITA" gen "$TOP/hypervisor/bench/one.yaml" -o "$out" >/dev/null
make -s -C "$TOP/hypervisor" CONFIG_DIR="$out" O="$out/hyp" >/dev/null
elf=$out/hyp/partita.elf

echo "== hypervisor size"
if command -v cloc >/dev/null; then
	cloc --quiet --exclude-dir=bench --force-lang=C,h "$TOP/hypervisor" |
		awk '/^(C|C\/C\+\+ Header|Assembly|make|Bourne Shell|SUM):?/ { printf "  sloc %-16s %s\n", $1, $NF }'
fi
# The hypervisor proper: every object but config.o (which carries the embedded guest images).
objs=$(find "$out/hyp" -name '*.o' ! -name config.o)
# shellcheck disable=SC2086
"${CROSS_COMPILE}size" -t $objs | awk 'END { printf "  objects without config.o: text+rodata %d B, data %d B, bss+noinit %d B\n", $1, $2, $3 }'
sect() { printf '%d' "0x$("${CROSS_COMPILE}objdump" -h "$elf" | awk -v s="$1" '$2 == s { print $3 }')"; }
images=0
while read -r name; do
	s=$("${CROSS_COMPILE}nm" "$elf" | awk -v n="${name}_start" '$3 == n { print $1 }')
	e=$("${CROSS_COMPILE}nm" "$elf" | awk -v n="${name}_end" '$3 == n { print $1 }')
	images=$((images + 0x$e - 0x$s))
done < <("${CROSS_COMPILE}nm" "$elf" | sed -nE 's/.* (pt_vm[0-9]+_[a-z]+)_start$/\1/p')
bin=$(stat -c %s "$out/hyp/partita.bin")
echo "  partita.bin $bin B, of which embedded guest images $images B -> hypervisor image $((bin - images)) B ($(( (bin - images + 1023) / 1024 )) KiB)"
echo "  stacks + table pool (.noinit, not in the image): $(sect .noinit) B"
echo "  ${CROSS_COMPILE}size partita.elf:"
"${CROSS_COMPILE}size" "$elf" | sed 's/^/    /'

echo "== boot time (1 CPU, 1 VM, -icount shift=0)"
log=$out/console.log
"$out/run.sh" --icount --timeout 60 </dev/null 2>/dev/null | tr -d '\r' >"$log" || true
if line=$(grep -m1 'timing: entry' "$log"); then
	entry=$(sed -E 's/.*entry ([0-9]+) ticks.*/\1/' <<<"$line")
	first=$(sed -E 's/.*first char ([0-9]+) ticks.*/\1/' <<<"$line")
	printf "  reset -> guest first instruction: %8d ticks = ~%d instructions\n" "$entry" $((entry * 16))
	printf "  reset -> guest first console char: %7d ticks = ~%d instructions\n" "$first" $((first * 16))
	echo "  (reference, Bao: ~426K instructions to guest entry, ~535K to the first UART character)"
else
	echo "  no timing line in the console output:"
	sed 's/^/    /' "$log"
fi
