# The boards imported from Debian 12's DTBs (docs/boards.md): what their samples generate beyond
# their goldens. samples/zcu104-dual.yaml (the ZCU104 on QEMU's xlnx-zcu102 with -m 2G),
# samples/rpi4.yaml (a GIC-400 behind /soc's ranges whose GICC is 8 KiB contiguous, a PL011
# console, TF-A's reservation), samples/imx8mm-evk.yaml (a GICv3 and the i.MX UART console, whose
# driver the hypervisor is built with). Sourced by tests/gen/test.sh (its ok/bad/expect, $WORK).
# shellcheck shell=bash
bexpect() { expect "$1" "boards: $2"; }

Z4="$WORK/zcu104-dual"
if [ -f "$Z4/config.c" ]; then
	bexpect 'grep -q "^	\.gic_version = PT_GIC_V2,$" "$Z4/config.c" && grep -q "^	\.gic_page1 = 0x10000,$" "$Z4/config.c" &&
		grep -q "^	\.console_uart = PT_UART_CADENCE,$" "$Z4/config.c"' \
		"zcu104: the ZynqMP's GIC-400 (GICC pages aliased over 64 KiB) and Cadence console, as on the zcu102"
	bexpect 'grep -q "^	-M \"xlnx-zcu102,virtualization=on\"$" "$Z4/run.sh" && grep -q "^	-m \"2G\"$" "$Z4/run.sh"' \
		"zcu104: run.sh boots QEMU's xlnx-zcu102 with -m 2G, the board's one DDR bank"
	bexpect 'grep -q "^  0x0010600000-0x0080000000 .* free$" "$Z4/memmap.txt" && ! grep -q "0x08[0-9a-f]\{8\}" "$Z4/memmap.txt"' \
		"zcu104: memmap.txt: RAM ends at 2 GiB, none at 32 GiB (where the zcu102 has its second bank)"
else
	bad "boards: samples/zcu104-dual.yaml was generated"
fi

R4="$WORK/rpi4"
if [ -f "$R4/config.c" ]; then
	bexpect 'grep -q "^	\.gic_page1 = 0x1000,$" "$R4/config.c"' \
		"rpi4: config.c: gic_page1 0x1000 (its GICC is 8 KiB, contiguous)"
	bexpect 'grep -q "^	\.gicd_pa = 0xff841000,$" "$R4/config.c" && grep -q "^	\.gicc_pa = 0xff842000,$" "$R4/config.c" &&
		grep -q "^	\.gich_pa = 0xff844000,$" "$R4/config.c" && grep -q "^	\.gicv_pa = 0xff846000,$" "$R4/config.c"' \
		"rpi4: config.c: the GIC's frames at CPU addresses (bus 0x40041000... through /soc's ranges)"
	bexpect 'grep -q "^	\.console_uart = PT_UART_PL011,$" "$R4/config.c" && grep -q "^	\.console_pa = 0xfe201000,$" "$R4/config.c" &&
		grep -q "^	\.console_intid = 153,$" "$R4/config.c" && grep -qx "PARTITA_UART := pl011" "$R4/system.mk" &&
		grep -qx "PARTITA_GIC := gicv2" "$R4/system.mk"' \
		"rpi4: the console is the PL011 uart0 (0xfe201000, SPI 121), PARTITA_GIC := gicv2"
	bexpect 'grep -q "reserved by the board (/reserved-memory/atf@0)" "$R4/memmap.txt" &&
		grep -q "reserved by the board (/memreserve/ 0x0 0x1000)" "$R4/memmap.txt" &&
		grep -q "^  0x0040000000-0x00fc000000 " "$R4/memmap.txt" && ! grep -q "0x003b400000-0x0040000000" "$R4/memmap.txt"' \
		"rpi4: memmap.txt: TF-A and the spin table reserved, the 4 GiB model's banks, no RAM in the VideoCore's hole"
	dts=$(dtc -q -I dtb -O dts "$R4/ctrl.dtb")
	bexpect 'grep -q "reg = <0x00 0xfe200000 0x00 0xb4>;" <<<"$dts" && ! grep -q "gpio-ranges" <<<"$dts" &&
		grep -q "#address-cells = <0x00>;" <<<"$dts"' \
		"rpi4: ctrl.dtb: the GPIO block at its CPU address, without gpio-ranges (the pin controller), #address-cells 0"
	# A VM given a device and the device that clocks it (the mini UART and its AUX block), in
	# either order: the clock provider is the VM's own device (enabled, once), its phandle the
	# one the UART's clocks name; the clock controller above them (cprman) is not the VM's.
	for order in "uart1 aux" "aux uart1"; do
		set -- $order
		sed -e "s|^      - gpio\$|      - $1\n      - $2|" -e "s|\.\./build/guests|$TOP/build/guests|" \
			"$TOP/samples/rpi4.yaml" >"$WORK/rpi4-aux.yaml"
		"$PARTITA" gen "$WORK/rpi4-aux.yaml" -o "$WORK/rpi4-aux" >"$WORK/rpi4-aux.err" 2>&1
		rc=$?
		dts=$(dtc -q -I dtb -O dts "$WORK/rpi4-aux/ctrl.dtb" 2>/dev/null)
		uclk=$(sed -n '/serial@7e215040 {/,/};/s/.*clocks = <\(0x[0-9a-f]*\) .*/\1/p' <<<"$dts")
		aph=$(sed -n '/aux@7e215000 {/,/};/s/.*phandle = <\(0x[0-9a-f]*\)>;/\1/p' <<<"$dts")
		bexpect '[ $rc = 0 ] && [ -z "$(dtc -I dtb -O dts -o /dev/null "$WORK/rpi4-aux/ctrl.dtb" 2>&1)" ] &&
			[ "$(grep -c "aux@7e215000 {" <<<"$dts")" = 1 ] && [ -n "$uclk" ] && [ "$uclk" = "$aph" ] &&
			! sed -n "/aux@7e215000 {/,/};/p" <<<"$dts" | grep -q disabled &&
			sed -n "/cprman@7e101000 {/,/};/p" <<<"$dts" | grep -q "status = \"disabled\";"' \
			"rpi4: devices $1, $2: the AUX block once, enabled, the UART's clock; cprman disabled"
	done
	"$R4/run.sh" >"$WORK/rpi4.run" 2>&1
	rc=$?
	bexpect '[ $rc = 2 ] && grep -q "board rpi4 has no QEMU machine" "$WORK/rpi4.run"' "rpi4: run.sh says there is no QEMU machine, exit 2"
else
	bad "boards: samples/rpi4.yaml was generated"
fi

I8="$WORK/imx8mm-evk"
if [ -f "$I8/config.c" ]; then
	bexpect 'grep -qx "PARTITA_UART := imx" "$I8/system.mk" && grep -qx "PARTITA_GIC := gicv3" "$I8/system.mk"' \
		"imx8mm-evk: system.mk: PARTITA_UART := imx, PARTITA_GIC := gicv3"
	bexpect 'grep -q "^	\.gic_version = PT_GIC_V3,$" "$I8/config.c" && grep -q "^	\.gicr_pa = 0x38880000,$" "$I8/config.c"' \
		"imx8mm-evk: config.c: gic_version PT_GIC_V3, redistributors at 0x38880000"
	bexpect 'grep -q "^	\.console_uart = PT_UART_IMX,$" "$I8/config.c" && grep -q "^	\.console_pa = 0x30890000,$" "$I8/config.c" &&
		grep -q "^	\.console_intid = 59,$" "$I8/config.c"' \
		"imx8mm-evk: config.c: the console is the i.MX UART2 (0x30890000, SPI 27: INTID 59)"
	bexpect 'grep -q "^	\.num_colors = 8,$" "$I8/config.c"' "imx8mm-evk: 8 colors (512 KiB, 16-way L2)"
	dts=$(dtc -q -I dtb -O dts "$I8/ctrl.dtb")
	bexpect 'grep -q "compatible = \"fsl,imx8mm-ccm\";" <<<"$dts" && grep -q "reg = <0x00 0x30380000 0x00 0x10000>;" <<<"$dts" &&
		[ "$(grep -c "status = \"disabled\";" <<<"$dts")" = 1 ]' \
		"imx8mm-evk: ctrl.dtb: GPIO5's clock controller (the CCM) is copied disabled, its reg at its CPU address"
	# The hypervisor builds with the i.MX driver (no machine here runs it: docs/boards.md).
	if make -s -C "$TOP/hypervisor" CONFIG_DIR="$I8" O="$WORK/imx8mm-evk.hyp" -j2 >"$WORK/imx8mm-evk.build" 2>&1; then
		bexpect '[ -f "$WORK/imx8mm-evk.hyp/drivers/imx_uart.c.o" ] && [ ! -e "$WORK/imx8mm-evk.hyp/drivers/pl011_uart.c.o" ] &&
			aarch64-linux-gnu-nm "$WORK/imx8mm-evk.hyp/partita.elf" | grep " T uart_putc$" >/dev/null' \
			"imx8mm-evk: the hypervisor builds with drivers/imx_uart.c (and no other UART driver)"
	else
		bad "imx8mm-evk: the hypervisor builds"; sed 's/^/    /' "$WORK/imx8mm-evk.build" | head -20
	fi
else
	bad "boards: samples/imx8mm-evk.yaml was generated"
fi
