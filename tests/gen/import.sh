# partita board import (docs/boards.md): a board folder from a DTB that `partita check` accepts
# once its TODOs are filled in; cache geometry read from the DT's cache nodes; GICv2 boards (with
# the virtualization frames; one without them refused); a file that is no DTB refused, writing
# nothing. Sourced by tests/gen/test.sh (its ok/bad/expect).
# shellcheck shell=bash
W="$WORK/import"
iexpect() { expect "$1" "import: $2"; }

rm -rf "$W"
mkdir -p "$W/boards"
dtc -q -@ -I dts -O dtb -o "$W/virt.dtb" "$TOP/boards/qemu-aarch64-virt/board.dts"

"$PARTITA" board import "$W/virt.dtb" -o "$W/boards/imported" >"$W/out" 2>"$W/err"
iexpect '[ $? = 0 ]' "the virt board's DTB imports (exit 0)"
iexpect 'grep -q "4 CPUs, 1 RAM bank" "$W/out"' "it says what it found"
iexpect 'grep -q "^	uart0: pl011@9000000 {" "$W/boards/imported/board.dts"' "board.dts keeps the DT's labels (uart0)"
iexpect 'grep -q "^	gpio_9030000: pl061@9030000 {" "$W/boards/imported/board.dts" || grep -q ": pl061@9030000 {" "$W/boards/imported/board.dts"' \
	"every device node has a label"
iexpect '! grep -q "__symbols__" "$W/boards/imported/board.dts"' "__symbols__ is left to dtc -@"
iexpect 'grep -q "^  console: uart0 " "$W/boards/imported/board.yaml"' "the console fact is the first PL011"
iexpect 'grep -q "^dma: \[\"virtio,mmio\"" "$W/boards/imported/board.yaml"' "virtio-mmio slots are listed as bus masters"
iexpect 'grep -q "size: TODO" "$W/boards/imported/board.yaml"' "a cache the DT does not describe is a TODO"

cat >"$W/sys.yaml" <<EOS
system: imp
board: imported
vms:
  - name: a
    cpus: [0]
    memory: [{ base: 0x40000000, size: 16M }]
    image: { kernel: $TOP/tests/fixtures/images/tiny.bin }
EOS
"$PARTITA" check "$W/sys.yaml" --board-dir "$W/boards" >"$W/check1" 2>&1
rc=$?
iexpect '[ $rc = 1 ] && grep -q "board.yaml:[0-9]*:[0-9]*: error: .*TODO" "$W/check1"' \
	"partita check stops at the TODO, located in board.yaml"
sed -i 's/cache: { size: TODO, ways: TODO, line: 64 }/cache: { size: 1M, ways: 16, line: 64 }/' \
	"$W/boards/imported/board.yaml"
"$PARTITA" check "$W/sys.yaml" --board-dir "$W/boards" >"$W/check2" 2>&1
iexpect '[ $? = 0 ]' "once filled in, a system on the imported board checks"
# A console the importer could not name (no UART with a driver) is a TODO too: located.
mkdir -p "$W/todo-boards"
cp -r "$W/boards/imported" "$W/todo-boards/"
sed -i 's/^  console: .*/  console: TODO/' "$W/todo-boards/imported/board.yaml"
"$PARTITA" check "$W/sys.yaml" --board-dir "$W/todo-boards" >"$W/check-con" 2>&1
rc=$?
iexpect '[ $rc = 1 ] && grep -q "board.yaml:18:12: error: hypervisor console: no device .TODO. on board .imported. \[device-unknown\]" "$W/check-con"' \
	"a console: TODO stops partita check, located at the board.yaml value"
"$PARTITA" gen "$W/sys.yaml" --board-dir "$W/boards" -o "$W/out-gen" >/dev/null 2>&1
iexpect '[ $? = 0 ] && [ -f "$W/out-gen/config.c" ]' "and generates"
"$W/out-gen/run.sh" >"$W/run.out" 2>&1
rc=$?
iexpect '[ $rc = 2 ] && grep -q "has no QEMU machine" "$W/run.out"' \
	"run.sh of a board without a qemu: section says so instead of booting another machine"

# Cache nodes: CPU 0's next-level-cache with size, sets and line size give the geometry.
dtc -q -I dtb -O dts "$W/virt.dtb" | /usr/bin/python3 -c '
import re, sys
s = sys.stdin.read()
s = s.replace("cpu@0 {", "cpu@0 {\n\t\t\tnext-level-cache = <0x7777>;", 1)
s = s.replace("\tcpus {", "\tl2-cache {\n\t\tcompatible = \"cache\";\n\t\tcache-level = <0x02>;\n"
              "\t\tcache-size = <0x100000>;\n\t\tcache-sets = <0x400>;\n\t\tcache-line-size = <0x40>;\n"
              "\t\tphandle = <0x7777>;\n\t};\n\n\tcpus {", 1)
sys.stdout.write(s)' >"$W/cache.dts"
dtc -q -I dts -O dtb -o "$W/cache.dtb" "$W/cache.dts"
"$PARTITA" board import "$W/cache.dtb" -o "$W/boards/cached" >/dev/null 2>&1
iexpect 'grep -q "^cache: { size: 1048576, ways: 16, line: 64 }" "$W/boards/cached/board.yaml"' \
	"a 1 MiB, 1024-set, 64-byte-line L2 reads as 16 ways"

# GICv2 boards. QEMU virt with gic-version=2 but without virtualization=on: its GIC has no GICH and
# GICV frames, which the hypervisor needs: refused, said why, nothing written.
if timeout 30 qemu-system-aarch64 -M virt,gic-version=2 -cpu cortex-a53 -smp 2 -m 512M -nographic \
	-net none -machine dumpdtb="$W/gicv2.dtb" >/dev/null 2>&1; then
	"$PARTITA" board import "$W/gicv2.dtb" -o "$W/boards/v2" >"$W/v2.out" 2>&1
	rc=$?
	iexpect '[ $rc = 1 ] && grep -q "GICv2 without virtualization extensions: the hypervisor needs GICH and GICV" "$W/v2.out"' \
		"a GICv2 without virtualization extensions is refused, and said why"
	iexpect '[ ! -e "$W/boards/v2" ]' "and nothing is written"
else
	bad "import: QEMU dumps the GICv2 virt machine's DTB"
fi
# With virtualization=on the GICv2 has its four frames: imported, checked and generated, the CPU
# interface's pages 4 KiB apart.
if timeout 30 qemu-system-aarch64 -M virt,gic-version=2,virtualization=on -cpu cortex-a53 -smp 2 -m 512M \
	-nographic -net none -machine dumpdtb="$W/gicv2-virt.dtb" >/dev/null 2>&1; then
	"$PARTITA" board import "$W/gicv2-virt.dtb" -o "$W/boards/v2virt" >"$W/v2virt.out" 2>&1
	iexpect '[ $? = 0 ] && grep -q "2 CPUs, 1 RAM bank" "$W/v2virt.out"' "a GICv2 with virtualization extensions imports"
	iexpect 'grep -q "^  console: pl011_9000000 .*stdout-path" "$W/boards/v2virt/board.yaml"' \
		"its console is the UART of the DT's stdout-path"
	sed -i 's/cache: { size: TODO, ways: TODO, line: 64 }/cache: { size: 1M, ways: 16, line: 64 }/' \
		"$W/boards/v2virt/board.yaml"
	sed 's/board: imported/board: v2virt/' "$W/sys.yaml" >"$W/sys-v2.yaml"
	"$PARTITA" gen "$W/sys-v2.yaml" --board-dir "$W/boards" -o "$W/out-v2" >"$W/gen-v2" 2>&1
	iexpect '[ $? = 0 ] && grep -q "\.gic_version = PT_GIC_V2," "$W/out-v2/config.c" &&
		grep -q "\.gicc_pa = 0x8010000," "$W/out-v2/config.c" && grep -q "\.gic_page1 = 0x1000," "$W/out-v2/config.c"' \
		"a system on it generates a GICv2 configuration (GICC 0x8010000, second page at +0x1000)"
else
	bad "import: QEMU dumps the GICv2 virt machine's DTB (virtualization=on)"
fi
# The ZCU102 (its board DT compiled, labels kept): a GIC-400, Cadence UARTs, an SMMU, many bus masters.
dtc -q -@ -I dts -O dtb -o "$W/zcu102.dtb" "$TOP/boards/zcu102/board.dts"
"$PARTITA" board import "$W/zcu102.dtb" -o "$W/boards/zcu" >"$W/zcu.out" 2>&1
iexpect '[ $? = 0 ] && grep -q "4 CPUs, 2 RAM banks" "$W/zcu.out"' "the ZCU102's DT imports (GIC-400, two RAM banks)"
iexpect 'grep -q "^  console: uart0 .*/axi/serial@ff000000, the DT.s stdout-path" "$W/boards/zcu/board.yaml"' \
	"its console is the Cadence UART of stdout-path (serial0), by its label"
iexpect 'grep -q "SMMU (/axi/iommu@fd800000)" "$W/boards/zcu/board.yaml" && grep -q "xlnx,zynqmp-dma-1.0" "$W/boards/zcu/board.yaml"' \
	"its SMMU is noted and its DMA channels listed as bus masters"

# The Raspberry Pi 4's DT as Linux ships it: its /memory has size 0 (the firmware fills it in).
# Imported, with a TODO for the load address instead of an address in no RAM; partita check then
# refuses the board, saying where and why, until the RAM is written in.
sed 's/reg = <0x00 0x00 0x3b400000 0x00 0x40000000 0xbc000000>;/reg = <0x00 0x00 0x00>;/' \
	"$TOP/boards/rpi4/board.dts" >"$W/rpi4-fw.dts"
dtc -q -@ -I dts -O dtb -o "$W/rpi4-fw.dtb" "$W/rpi4-fw.dts"
"$PARTITA" board import "$W/rpi4-fw.dtb" -o "$W/boards/rpifw" >"$W/rpifw.out" 2>&1
iexpect '[ $? = 0 ] && grep -q "0 RAM banks (its /memory has size 0" "$W/rpifw.out" &&
	grep -q "^  load: TODO$" "$W/boards/rpifw/board.yaml" && grep -q "/memory@0 has size 0" "$W/boards/rpifw/board.yaml"' \
	"a DT whose /memory the firmware fills in (size 0) imports, its load address a TODO saying why"
sed -e 's/board: imported/board: rpifw/' -e 's/base: 0x40000000/base: 0x10000000/' "$W/sys.yaml" >"$W/sys-rpifw.yaml"
sed -i 's/load: TODO/load: 0x10000000/' "$W/boards/rpifw/board.yaml"
"$PARTITA" check "$W/sys-rpifw.yaml" --board-dir "$W/boards" >"$W/rpifw.check" 2>&1
rc=$?
iexpect '[ $rc = 1 ] && grep -q "board.yaml:[0-9]*:[0-9]*: error: board .rpifw.: its device tree: /memory@0: reg states no RAM (size 0: the board.s firmware fills it in at boot); write the RAM the board has into it \[board-invalid\]" "$W/rpifw.check"' \
	"partita check refuses it, located, until the RAM is written into /memory"
# With the RAM written in (boards/rpi4): the default load address skips TF-A's reservation.
dtc -q -@ -I dts -O dtb -o "$W/rpi4.dtb" "$TOP/boards/rpi4/board.dts"
"$PARTITA" board import "$W/rpi4.dtb" -o "$W/boards/rpi" >"$W/rpi.out" 2>&1
iexpect '[ $? = 0 ] && grep -q "4 CPUs, 2 RAM banks" "$W/rpi.out" && grep -q "^  load: 0x200000$" "$W/boards/rpi/board.yaml"' \
	"the load address it proposes is the lowest 2 MiB-aligned RAM clear of reserved memory (TF-A: 0-512 KiB)"
iexpect 'grep -q "^  console: uart0 .*/soc/serial@7e201000, the first UART the hypervisor drives" "$W/boards/rpi/board.yaml"' \
	"its console is the PL011: stdout-path names the mini UART, which the hypervisor has no driver for"
# The i.MX 8M Mini EVK: a GICv3 and an i.MX UART console.
dtc -q -@ -I dts -O dtb -o "$W/imx8mm.dtb" "$TOP/boards/imx8mm-evk/board.dts"
"$PARTITA" board import "$W/imx8mm.dtb" -o "$W/boards/imx" >"$W/imx.out" 2>&1
iexpect '[ $? = 0 ] && grep -q "^  console: uart2 .*serial@30890000, the DT.s stdout-path" "$W/boards/imx/board.yaml" &&
	grep -q "^cache: { size: 524288, ways: 16, line: 64 }" "$W/boards/imx/board.yaml"' \
	"the i.MX 8M Mini EVK: its console is the i.MX UART of stdout-path, its L2 512 KiB 16-way"
iexpect 'grep -qx "counter_hz: 8000000" "$W/boards/imx/board.yaml" &&
	! grep -q "^counter_hz" "$W/boards/imported/board.yaml" && grep -q "^# counter_hz: " "$W/boards/imported/board.yaml"' \
	"counter_hz is the timer node's clock-frequency (i.MX 8M: 8 MHz); a DT without one gets a comment, and the default"
iexpect 'grep -q "^dma: .*\"fsl,imx8mm-fec\".*\"fsl,imx8mm-pcie\"" "$W/boards/imx/board.yaml" &&
	! grep -q "ethernet-phy\|pcie-phy" "$W/boards/imx/board.yaml"' \
	"its bus masters are listed (FEC, PCIe), their PHYs are not"

# Not a DTB at all.
head -c 4096 /dev/urandom >"$W/junk.dtb"
"$PARTITA" board import "$W/junk.dtb" -o "$W/boards/junk" >"$W/junk.out" 2>&1
rc=$?
iexpect '[ $rc = 1 ] && grep -q "not a valid device tree blob" "$W/junk.out"' "random bytes are no DTB"
iexpect '[ ! -e "$W/boards/junk" ]' "and nothing is written"
