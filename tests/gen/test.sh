#!/usr/bin/env bash
# partita gen: golden outputs, DTB read-back, determinism, atomicity, run.sh hygiene.
#   UPDATE_GOLDEN=1 tests/gen/test.sh   rewrites tests/gen/golden/ (review the diff, then commit)
set -uo pipefail
TOP="${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
BUILD="${BUILD:-$TOP/build}"
PARTITA="${PARTITA:-$BUILD/bin/partita}"
PY=/usr/bin/python3      # Debian's python: python3-libfdt and python3-yaml live there
GOLDEN="$TOP/tests/gen/golden"
WORK="$BUILD/gen-test"
status=0
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; status=1; }
expect() { if eval "$1"; then ok "$2"; else bad "$2"; fi; }

rm -rf "$WORK"
mkdir -p "$WORK"
dtc -q -@ -I dts -O dtb -o "$WORK/board.dtb" "$TOP/boards/qemu-aarch64-virt/board.dts"
# Each board's DTB, for reading guest DTBs back against their board.
for dts in "$TOP"/boards/*/board.dts; do
	dtc -q -@ -I dts -O dtb -o "$WORK/board-$(basename "$(dirname "$dts")").dtb" "$dts"
done

# Outputs with the checkout's and the output folder's paths replaced, so goldens are portable.
normalize() { sed -e "s|$2|@OUT@|g" -e "s|$TOP|@TOP@|g" "$1"; }

systems=("$TOP"/samples/*.yaml "$TOP"/tests/gen/systems/*.yaml)
for sys in "${systems[@]}"; do
	[ -f "$sys" ] || continue
	name=$(basename "$sys" .yaml)
	out="$WORK/$name"
	if ! "$PARTITA" gen "$sys" -o "$out" 2>"$WORK/$name.err"; then
		bad "$name: gen succeeds"; sed 's/^/    /' "$WORK/$name.err"; continue
	fi
	ok "$name: gen succeeds"

	# Golden comparison (DTBs as decompiled source).
	mkdir -p "$WORK/$name.norm"
	for f in "$out"/*; do
		base=$(basename "$f")
		case "$base" in
		*.dtb) dtc -q -I dtb -O dts "$f" | normalize /dev/stdin "$out" > "$WORK/$name.norm/${base%.dtb}.dts" ;;
		*.kernel.bin) cmp -s "$f" "$f" && sha256sum < "$f" > "$WORK/$name.norm/$base.sha256" ;;
		*) normalize "$f" "$out" > "$WORK/$name.norm/$base" ;;
		esac
	done
	# The Linux samples' kernel is Debian's newest 6.1 package: its size (and so the hypervisor's
	# memory) follows Debian's point releases, so they have no golden; every other check applies.
	debian_kernel=0
	grep -q 'build/guests/linux/' "$sys" && debian_kernel=1
	if [ $debian_kernel = 1 ]; then
		:
	elif [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		rm -rf "${GOLDEN:?}/$name"; mkdir -p "$GOLDEN/$name"; cp "$WORK/$name.norm"/* "$GOLDEN/$name/"
	fi
	if [ $debian_kernel = 1 ]; then
		:
	elif diff -ru "$GOLDEN/$name" "$WORK/$name.norm" > "$WORK/$name.diff"; then
		ok "$name: outputs match tests/gen/golden/$name"
	else
		bad "$name: outputs match tests/gen/golden/$name (UPDATE_GOLDEN=1 to accept)"; head -40 "$WORK/$name.diff" | sed 's/^/    /'
	fi

	# Every DTB: no dtc warnings, and read back against the description and the board.
	board=$(sed -n 's/^board:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$sys" | head -1)
	board_dtb="$WORK/board-$board.dtb"
	[ -f "$board_dtb" ] || board_dtb="$WORK/board.dtb"
	for dtb in "$out"/*.dtb; do
		[ -f "$dtb" ] || continue
		vm=$(basename "$dtb" .dtb)
		warnings=$(dtc -I dtb -O dts -o /dev/null "$dtb" 2>&1)
		expect '[ -z "$warnings" ]' "$name/$vm.dtb decompiles with zero dtc warnings${warnings:+: $warnings}"
		"$PY" "$TOP/tests/gen/dtbcheck.py" "$sys" "$vm" "$dtb" "$board_dtb" || status=1
	done

	# run.sh: valid shell, shellcheck-clean, and its --help works without QEMU.
	expect 'bash -n "$out/run.sh"' "$name: run.sh parses (bash -n)"
	expect 'shellcheck -x "$out/run.sh" >/dev/null' "$name: run.sh is shellcheck-clean"
	if grep -q '^qemu:' "$TOP/boards/$board/board.yaml"; then
		expect '"$out/run.sh" --help | grep -q -- --icount' "$name: run.sh --help documents --icount"
	else
		expect '"$out/run.sh" --help | grep -q "which has no QEMU machine" && ! grep -q qemu-system "$out/run.sh"' \
			"$name: run.sh of a board without QEMU says so (--help) and runs no QEMU"
	fi

	# The generated config compiles for the hypervisor, warnings as errors, with the cross
	# compiler of the board's architecture (system.mk's CROSS_COMPILE).
	cross=$(sed -n 's/^CROSS_COMPILE := //p' "$out/system.mk")
	expect '"${cross:-aarch64-linux-gnu-}gcc" -ffreestanding -Wall -Wextra -Werror -I"$TOP/hypervisor/include" \
		-c "$out/config.c" -o "$WORK/$name.config.o" 2>"$WORK/$name.cc"' "$name: config.c compiles with -Wall -Wextra -Werror (${cross:-aarch64-linux-gnu-}gcc)"

	# Deterministic: a second run gives the same bytes.
	"$PARTITA" gen "$sys" -o "$WORK/$name.again" 2>/dev/null
	same=1
	for f in "$out"/*; do
		g="$WORK/$name.again/$(basename "$f")"
		if [ "$(basename "$f")" = values.m4 ] || [ "$(basename "$f")" = config.c ] || [ "$(basename "$f")" = system.mk ] || [ "$(basename "$f")" = memmap.txt ] || [ "$(basename "$f")" = memmap.svg ] || [ "$(basename "$f")" = system.d ]; then
			normalize "$f" "$out" > "$WORK/a"; normalize "$g" "$WORK/$name.again" > "$WORK/b"
			cmp -s "$WORK/a" "$WORK/b" || same=0
		else
			cmp -s "$f" "$g" || same=0
		fi
	done
	expect '[ $same = 1 ]' "$name: gen twice gives identical bytes"
	"$PARTITA" gen "$sys" -o "$out" 2>/dev/null
	expect 'cmp -s "$out/config.c" "$WORK/$name.norm/config.c" || diff -q <(normalize "$out/config.c" "$out") "$WORK/$name.norm/config.c" >/dev/null' \
		"$name: gen into the same folder again gives identical bytes"
done

# Atomicity: an invalid description, or a failing emitter, leaves earlier outputs untouched.
out="$WORK/dual"
before=$(cd "$out" && sha256sum ./* | sha256sum)
cat > "$WORK/invalid.yaml" <<YAML
system: dual
board: qemu-aarch64-virt
vms:
  - name: ctrl
    cpus: [0, 0]
    memory: [{ base: 0x40000000, size: 64M }]
    image: { kernel: $TOP/tests/gen/systems/tiny.bin }
YAML
"$PARTITA" gen "$WORK/invalid.yaml" -o "$out" 2>/dev/null
rc=$?
expect '[ $rc = 1 ]' "gen on an invalid description exits 1"
expect '[ "$(cd "$out" && sha256sum ./* | sha256sum)" = "$before" ]' "gen on an invalid description leaves the output folder unchanged"
mkdir -p "$WORK/broken-templates"
cp "$TOP"/templates/*.m4 "$WORK/broken-templates/"
echo 'ifelse(' >> "$WORK/broken-templates/run.sh.m4"
"$PARTITA" gen "$TOP/samples/dual.yaml" -o "$out" --templates-dir "$WORK/broken-templates" 2>"$WORK/broken.err"
rc=$?
expect '[ $rc = 2 ]' "gen with a broken template exits 2"
expect 'grep -q "m4" "$WORK/broken.err"' "gen with a broken template says m4 failed"
expect '[ "$(cd "$out" && sha256sum ./* | sha256sum)" = "$before" ]' "a failing emitter leaves the output folder unchanged"
expect '[ -z "$(ls -A "$out" | grep partita-stage)" ]' "no staging folder is left behind"
# The parts below are sourced: one that does not parse would be skipped without a word.
for part in gicv2 boards import schedule restart rebuild partita-chan riscv; do
	expect 'bash -n "$(dirname "$0")/$part.sh"' "tests/gen/$part.sh parses"
done
# GICv2 outputs (samples/zcu102-dual.yaml).
# shellcheck source=tests/gen/gicv2.sh
. "$(dirname "$0")/gicv2.sh"
# The boards imported from Debian's DTBs (zcu104, rpi4, imx8mm-evk).
# shellcheck source=tests/gen/boards.sh
. "$(dirname "$0")/boards.sh"
# partita board import.
# shellcheck source=tests/gen/import.sh
. "$(dirname "$0")/import.sh"
# Time partitioning (samples/tvmm.yaml).
# shellcheck source=tests/gen/schedule.sh
. "$(dirname "$0")/schedule.sh"
# The restart policy (tests/gen/systems/restart.yaml).
# shellcheck source=tests/gen/restart.sh
. "$(dirname "$0")/restart.sh"
# A changed guest image is built in: system.d and the Makefile (builds one hypervisor).
# shellcheck source=tests/gen/rebuild.sh
. "$(dirname "$0")/rebuild.sh"
# partita-chan, the Linux guest's channel tool: it builds, and its command line.
# shellcheck source=tests/gen/partita-chan.sh
. "$(dirname "$0")/partita-chan.sh"
# RISC-V (samples/riscv-*.yaml, boards/qemu-riscv64-virt): guest DTs, config, run.sh, board import;
# a 16550 console on AArch64.
# shellcheck source=tests/gen/riscv.sh
. "$(dirname "$0")/riscv.sh"
exit $status
