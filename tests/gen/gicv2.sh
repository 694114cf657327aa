# GICv2 boards: what samples/zcu102-dual.yaml (boards/zcu102: a GIC-400 whose GICC and GICV pages
# are aliased over 64 KiB, a Cadence UART console) generates, beyond its goldens: the contract of
# hypervisor/include/partita/config.h for a GICv2, the drivers system.mk names, the guest DT's GIC
# and timer, the QEMU command line. Sourced by tests/gen/test.sh (its ok/bad/expect, $WORK).
# shellcheck shell=bash
Z="$WORK/zcu102-dual"
vexpect() { expect "$1" "gicv2: $2"; }
if [ ! -f "$Z/config.c" ]; then
	bad "gicv2: samples/zcu102-dual.yaml was generated"
else
	# The board: GICv2 frames, no redistributors, the Cadence console.
	vexpect 'grep -q "^	\.gic_version = PT_GIC_V2,$" "$Z/config.c"' "config.c: gic_version PT_GIC_V2"
	vexpect 'grep -q "^	\.gicd_pa = 0xf9010000,$" "$Z/config.c" && grep -q "^	\.gicr_pa = 0x0,$" "$Z/config.c" &&
		grep -q "^	\.gicc_pa = 0xf9020000,$" "$Z/config.c" && grep -q "^	\.gich_pa = 0xf9040000,$" "$Z/config.c" &&
		grep -q "^	\.gicv_pa = 0xf9060000,$" "$Z/config.c"' "config.c: GICD, GICC, GICH, GICV of the board; no GICR"
	vexpect 'grep -q "^	\.gic_page1 = 0x10000,$" "$Z/config.c"' \
		"config.c: gic_page1 0x10000 (the ZynqMP's 128 KiB GICC: pages aliased over 64 KiB)"
	vexpect 'grep -q "^	\.console_uart = PT_UART_CADENCE,$" "$Z/config.c" && grep -q "^	\.console_pa = 0xff000000,$" "$Z/config.c" &&
		grep -q "^	\.console_intid = 53,$" "$Z/config.c"' "config.c: the console is the Cadence UART0 (SPI 21, INTID 53)"
	vexpect 'grep -q "^	\.maint_intid = 25,$" "$Z/config.c" && grep -q "^	\.vtimer_intid = 27,$" "$Z/config.c"' \
		"config.c: maintenance PPI 9 and virtual timer PPI 11 (flags with a CPU mask read as their trigger)"
	# Each VM: a GICV region at the GICC address, a GICD window, no GICR window.
	vexpect '[ "$(grep -c "{ \.ipa = 0xf9020000, \.pa = 0x0, \.size = 0x2000, \.span = 0x0, \.colors = 0x0, \.kind = PT_REGION_GICV, \.channel = 0 }" "$Z/config.c")" = 2 ]' \
		"config.c: each VM has a PT_REGION_GICV region of 8 KiB at the GICC address"
	vexpect '! grep -q PT_EMUL_GICR "$Z/config.c"' "config.c: no PT_EMUL_GICR window"
	vexpect '[ "$(grep -c "{ \.ipa = 0xf9010000, \.size = 0x10000, \.kind = PT_EMUL_GICD }" "$Z/config.c")" = 2 ]' \
		"config.c: each VM has a PT_EMUL_GICD window at the GICD address (the DT's 64 KiB)"
	vexpect 'grep -q "{ \.ipa = 0xff000000, \.size = 0x1000, \.kind = PT_EMUL_VUART }" "$Z/config.c"' \
		"config.c: the vUART window at the console's address"
	vexpect 'grep -qx "PARTITA_GIC := gicv2" "$Z/system.mk" && grep -qx "PARTITA_UART := cdns" "$Z/system.mk"' \
		"system.mk: PARTITA_GIC := gicv2, PARTITA_UART := cdns"
	# The guest DT: a GIC-400 with two reg entries (GICD 4 KiB, GICC 8 KiB), the timer's PPIs with
	# the VM's CPU mask (one vCPU: 0x1) and the board's trigger (level, 8: low).
	dts=$(dtc -q -I dtb -O dts "$Z/ctrl.dtb")
	vexpect 'grep -q "compatible = \"arm,gic-400\";" <<<"$dts" &&
		grep -q "reg = <0x00 0xf9010000 0x00 0x1000 0x00 0xf9020000 0x00 0x2000>;" <<<"$dts"' \
		"ctrl.dtb: an arm,gic-400 with reg <GICD 4K>, <GICC 8K>"
	vexpect '! grep -q "gic-v3\|redistributor" <<<"$dts"' "ctrl.dtb: no GICv3, no redistributors"
	vexpect 'grep -q "interrupts = <0x01 0x0d 0x108 0x01 0x0e 0x108 0x01 0x0b 0x108 0x01 0x0a 0x108>;" <<<"$dts"' \
		"ctrl.dtb: timer PPIs with CPU mask 0x1 and the board's level trigger (0x108)"
	vexpect 'grep -q "compatible = \"arm,sbsa-uart\";" <<<"$dts" && grep -q "stdout-path = \"/serial@ff000000\";" <<<"$dts"' \
		"ctrl.dtb: the vUART at 0xff000000 is the PL011-compatible one"
	vexpect '! grep -q "power-domains\|pinctrl-0" <<<"$dts" && grep -q "compatible = \"xlnx,zynqmp-clk\";" <<<"$dts"' \
		"ctrl.dtb: uart1 without the board-only references (power domain, pins), its clock providers copied"
	# run.sh: the machine's CPUs are fixed (no -cpu), 4 GiB as the DT's two banks, no audio backend.
	vexpect 'grep -q "^	-M \"xlnx-zcu102,virtualization=on\"$" "$Z/run.sh" && ! grep -q -- "-cpu" "$Z/run.sh" &&
		grep -q "^	-m \"4G\"$" "$Z/run.sh" && grep -q "^	-nographic -audiodev none,id=snd0$" "$Z/run.sh"' \
		"run.sh: -M xlnx-zcu102,virtualization=on, no -cpu, -m 4G, -audiodev none"
	vexpect 'grep -q "GIC CPU interface (hardware virtual CPU interface" "$Z/memmap.txt" && ! grep -q "redistributors" "$Z/memmap.txt"' \
		"memmap.txt: the GIC CPU interface line, no redistributor line"
fi
