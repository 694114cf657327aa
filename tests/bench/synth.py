#!/usr/bin/python3
"""Synthetic boards and systems for `make bench`.

usage: synth.py OUTDIR VMS REGIONS_PER_VM DEVICES_PER_VM
Writes OUTDIR/boards/synth/{board.dts,board.yaml}, OUTDIR/tiny.bin and OUTDIR/system.yaml: VMS VMs,
each with one CPU, REGIONS_PER_VM auto-placed RAM regions and DEVICES_PER_VM passed-through devices,
plus a channel between each pair of neighbours (the first 24 devices of each VM have an
interrupt: the hypervisor takes at most 32 SPIs per VM). Valid except for the hypervisor's hard
limits (8 CPUs, 255 VMIDs), which `partita check` reports as [limit] above those sizes.
"""
import os
import sys

out, vms, regions, devs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
board = os.path.join(out, "boards", "synth")
os.makedirs(board, exist_ok=True)
ndev = vms * devs
ram_gib = max(4, (vms * regions * 2) // 1024 + 4)

dts = ["/dts-v1/;", "/ {", "\t#address-cells = <2>;", "\t#size-cells = <2>;", "\tinterrupt-parent = <&gic>;",
       "\tcompatible = \"partita,synthetic\";",
       f"\tmemory@40000000 {{ device_type = \"memory\"; reg = <0x0 0x40000000 0x{(ram_gib << 30) >> 32:x} 0x{(ram_gib << 30) & 0xffffffff:x}>; }};",
       "\tcpus {", "\t\t#address-cells = <1>;", "\t\t#size-cells = <0>;"]
for c in range(vms):
    dts.append(f"\t\tcpu@{c:x} {{ device_type = \"cpu\"; compatible = \"arm,cortex-a57\"; reg = <0x{c:x}>; enable-method = \"psci\"; }};")
dts += ["\t};",
        "\tgic: intc@8000000 { compatible = \"arm,gic-v3\"; #interrupt-cells = <3>; interrupt-controller;",
        f"\t\treg = <0x0 0x8000000 0x0 0x10000 0x40 0x0 0x{(vms * 0x20000) >> 32:x} 0x{(vms * 0x20000) & 0xffffffff:x}>; interrupts = <1 9 4>; }};",
        "\ttimer { compatible = \"arm,armv8-timer\"; interrupts = <1 13 4 1 14 4 1 11 4 1 10 4>; };",
        "\tuart0: pl011@9000000 { compatible = \"arm,pl011\"; reg = <0x0 0x9000000 0x0 0x1000>; interrupts = <0 1 4>; };"]
for d in range(ndev):
    base = 0x8000000000 + d * 0x1000
    # Interrupts for the first 24 devices of each VM: the hypervisor takes 32 SPIs per VM.
    irq = f" interrupts = <0 {d + 2} 4>;" if d < 900 and (not devs or d % devs < 24) else ""
    dts.append(f"\tdev{d}: dev@{base:x} {{ compatible = \"partita,synthetic-device\"; reg = <0x{base >> 32:x} 0x{base & 0xffffffff:x} 0x0 0x1000>;{irq} }};")
dts.append("};")
open(os.path.join(board, "board.dts"), "w").write("\n".join(dts) + "\n")
open(os.path.join(board, "board.yaml"), "w").write(f"""dts: board.dts
cache: {{ size: 1M, ways: 16, line: 64 }}
hypervisor: {{ load: 0x40000000, memory: 4M, console: uart0 }}
qemu: {{ binary: qemu-system-aarch64, machine: virt, cpu: cortex-a57, smp: {vms}, memory: {ram_gib}G, extra: -nographic }}
""")
open(os.path.join(out, "tiny.bin"), "wb").write(bytes(4096))

y = ["system: synth", "board: synth", "vms:"]
for v in range(vms):
    y += [f"  - name: vm{v}", f"    cpus: [{v}]", "    memory:"]
    for r in range(regions):
        y.append(f"      - {{ base: 0x{0x40000000 + r * 0x200000:x}, size: 1M }}")
    y += ["    image: { kernel: tiny.bin }", "    console: none"]
    if devs:
        y.append("    devices: [" + ", ".join(f"dev{v * devs + k}" for k in range(devs)) + "]")
y.append("channels:")
for v in range(0, vms - 1, 2):
    y += [f"  - name: ch{v}", "    size: 4K", "    endpoints:",
          f"      - {{ vm: vm{v}, base: 0x10000000 }}", f"      - {{ vm: vm{v + 1}, base: 0x10000000 }}"]
open(os.path.join(out, "system.yaml"), "w").write("\n".join(y) + "\n")
