#!/usr/bin/python3
"""Read a generated guest DTB back and check it against the system description and the board DT.

usage: dtbcheck.py SYSTEM.yaml VM_NAME GUEST.dtb BOARD.dtb
Prints "ok - ..." / "not ok - ..." lines; exits 1 when a check failed.
"""
import re
import sys

import libfdt
import yaml

SIZE = re.compile(r"^(0x[0-9a-fA-F_]+|0b[01_]+|[0-9_]+)([KMGT]?)(i?B?)$")


def number(v):
    if isinstance(v, int):
        return v
    m = SIZE.match(str(v))
    if not m:
        raise ValueError(v)
    n = int(m.group(1).replace("_", ""), 0)
    return n << {"": 0, "K": 10, "M": 20, "G": 30, "T": 40}[m.group(2)]


def props(fdt, node):
    """A node's properties, name -> bytes. Walked by offset: python3-libfdt's getprop of a missing
    property drops a reference to None each time (a refcount bug), which aborts the interpreter
    once a large board DT (boards/zcu102) has been searched often enough."""
    out = {}
    off = fdt.first_property_offset(node, quiet=[libfdt.NOTFOUND])
    while off >= 0:
        p = fdt.get_property_by_offset(off)
        out[p.name] = bytes(p)
        off = fdt.next_property_offset(off, quiet=[libfdt.NOTFOUND])
    return out


def cells(fdt, node, name):
    raw = props(fdt, node).get(name)
    if raw is None:
        return None
    return [int.from_bytes(raw[i:i + 4], "big") for i in range(0, len(raw), 4)]


def walk(fdt, node=0, path=""):
    yield node, path or "/"
    child = fdt.first_subnode(node, quiet=[libfdt.NOTFOUND])
    while child >= 0:
        yield from walk(fdt, child, path + "/" + fdt.get_name(child))
        child = fdt.next_subnode(child, quiet=[libfdt.NOTFOUND])


failures = 0


def check(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    failures += not cond


GICV2 = ("arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic")


def compatibles(fdt, node):
    raw = props(fdt, node).get("compatible", b"")
    return [c.decode(errors="replace") for c in raw.split(b"\0")[:-1]]


def reg_of(fdt, node, ac, sc):
    c = cells(fdt, node, "reg") or []
    num = lambda v: sum(x << (32 * (len(v) - 1 - i)) for i, x in enumerate(v))
    return [(num(c[i:i + ac]), num(c[i + ac:i + ac + sc])) for i in range(0, len(c), ac + sc)]


def cpu_address(fdt, node, addr):
    """A bus address of `node`'s reg as the CPU sees it: through the `ranges` of every bus above
    it (the Raspberry Pi 4's GIC sits at 0x40041000 on /soc, 0xff841000 for the CPU)."""
    bus = fdt.parent_offset(node)
    while bus > 0:
        up = fdt.parent_offset(bus)
        raw = props(fdt, bus).get("ranges")
        if raw:
            ca = (cells(fdt, bus, "#address-cells") or [2])[0]
            cs = (cells(fdt, bus, "#size-cells") or [1])[0]
            pa = (cells(fdt, up, "#address-cells") or [2])[0]
            r = cells(fdt, bus, "ranges")
            num = lambda v: sum(x << (32 * (len(v) - 1 - i)) for i, x in enumerate(v))
            for i in range(0, len(r), ca + pa + cs):
                child, parent, size = num(r[i:i + ca]), num(r[i + ca:i + ca + pa]), num(r[i + ca + pa:i + ca + pa + cs])
                if child <= addr < child + size:
                    addr = parent + addr - child
                    break
        bus = up
    return addr


def gic_checks(guest, board, tag, ncpus):
    """The VM's GIC is the board's kind at the board's addresses; GICv2 timer PPIs name its vCPUs."""
    bgic = next(((n, p) for n, p in walk(board) if any(c == "arm,gic-v3" for c in compatibles(board, n))), None)
    v2 = bgic is None
    if v2:
        bgic = next(((n, p) for n, p in walk(board) if any(c in GICV2 for c in compatibles(board, n))), None)
    if bgic is None:
        check(False, f"{tag}: the board has a GIC")
        return
    parent = board.parent_offset(bgic[0])
    bac, bsc = (cells(board, parent, "#address-cells") or [2])[0], (cells(board, parent, "#size-cells") or [1])[0]
    breg = [(cpu_address(board, bgic[0], a), s) for a, s in reg_of(board, bgic[0], bac, bsc)]
    gics = [n for n, p in walk(guest) if p.startswith("/intc@") and cells(guest, n, "interrupt-controller") is not None]
    check(len(gics) == 1, f"{tag}: one GIC")
    if len(gics) != 1:
        return
    g = gics[0]
    greg = reg_of(guest, g, 2, 2)
    if v2:
        want = "arm,gic-400" if "arm,gic-400" in compatibles(board, bgic[0]) else "arm,cortex-a15-gic"
        check(compatibles(guest, g) == [want], f"{tag}: GICv2 board: the VM's GIC is {want}")
        check(greg == [(breg[0][0], 0x1000), (breg[1][0], 0x2000)],
              f"{tag}: GICv2 reg = <GICD 0x{breg[0][0]:x} 4K>, <GICC 0x{breg[1][0]:x} 8K> {[(hex(a), hex(b)) for a, b in greg]}")
        check(cells(guest, g, "#redistributor-regions") is None, f"{tag}: GICv2: no redistributors")
    else:
        check(compatibles(guest, g) == ["arm,gic-v3"], f"{tag}: GICv3 board: the VM's GIC is arm,gic-v3")
        check(len(greg) == 2 and greg[0][0] == breg[0][0] and greg[1][0] == breg[1][0],
              f"{tag}: GICv3 reg at the board's distributor and redistributors")
    check(cells(guest, g, "#interrupt-cells") == [3], f"{tag}: #interrupt-cells = <3>")

    # The timer: the board's PPIs and triggers; on GICv2 the CPU mask (flags 15:8) is the VM's.
    bt = next((n for n, _ in walk(board) if "arm,armv8-timer" in compatibles(board, n)), None)
    gt = next((n for n, _ in walk(guest) if "arm,armv8-timer" in compatibles(guest, n)), None)
    if bt is None or gt is None:
        check(False, f"{tag}: a timer node")
        return
    bi, gi = cells(board, bt, "interrupts"), cells(guest, gt, "interrupts")
    want = list(bi)
    if v2:
        for i in range(0, len(want) - 2, 3):
            if want[i] == 1:
                want[i + 2] = ((1 << ncpus) - 1) << 8 | (want[i + 2] & 0xf)
    check(gi == want, f"{tag}: timer interrupts {[hex(x) for x in gi]} (board's, CPU mask of {ncpus} vCPUs on GICv2)")
    check(cells(guest, gt, "interrupt-parent") is None, f"{tag}: the timer's interrupt parent is the root's (the VM's GIC)")


PLIC = ("riscv,plic0", "sifive,plic-1.0.0")


def plic_checks(guest, board, tag, ncpus):
    """RISC-V: the VM's PLIC at the board's PLIC address, one S-mode context per vCPU (context k:
    <vCPU k's cpu-intc 11>, <its cpu-intc 9>: M and S), the board's riscv,ndev and #interrupt-cells; harts without h; no GIC,
    PSCI or timer node."""
    bplic = next((n for n, _ in walk(board) if any(c in PLIC for c in compatibles(board, n))), None)
    plics = [n for n, _ in walk(guest) if any(c in PLIC for c in compatibles(guest, n))]
    check(bplic is not None and len(plics) == 1, f"{tag}: one PLIC")
    if bplic is None or len(plics) != 1:
        return
    g = plics[0]
    parent = board.parent_offset(bplic)
    bac, bsc = (cells(board, parent, "#address-cells") or [2])[0], (cells(board, parent, "#size-cells") or [1])[0]
    breg = [(cpu_address(board, bplic, a), s) for a, s in reg_of(board, bplic, bac, bsc)]
    greg = reg_of(guest, g, 2, 2)
    check(len(greg) == 1 and greg[0] == (breg[0][0], 0x200000 + 0x1000 * 2 * ncpus),
          f"{tag}: PLIC reg at the board's 0x{breg[0][0]:x}, 2 MiB + two 4 KiB context pages per vCPU {[(hex(a), hex(b)) for a, b in greg]}")
    check(cells(guest, g, "riscv,ndev") == cells(board, bplic, "riscv,ndev"), f"{tag}: PLIC riscv,ndev is the board's")
    check(cells(guest, g, "#interrupt-cells") == (cells(board, bplic, "#interrupt-cells") or [1]),
          f"{tag}: PLIC #interrupt-cells is the board's")
    harts = sorted((cells(guest, n, "reg")[0], n, p) for n, p in walk(guest) if re.fullmatch(r"/cpus/cpu@[0-9a-f]+", p))
    intc = {}
    for reg, n, p in harts:
        kids = [c for c, cp in walk(guest, n, p) if "riscv,cpu-intc" in compatibles(guest, c)]
        ph = cells(guest, kids[0], "phandle") if kids else None
        intc[reg] = ph[0] if ph else None
    check(sorted(intc) == list(range(ncpus)) and None not in intc.values(),
          f"{tag}: harts reg 0..{ncpus - 1}, each with a riscv,cpu-intc")
    want = [x for k in range(ncpus) for x in (intc.get(k), 11, intc.get(k), 9)]
    check(cells(guest, g, "interrupts-extended") == want,
          f"{tag}: PLIC contexts = <vCPU k's cpu-intc 11>, <its cpu-intc 9> in vCPU order (M, S) {cells(guest, g, 'interrupts-extended')}")
    bisa = next((props(board, n)["riscv,isa"].rstrip(b"\0").decode() for n, _ in walk(board)
                 if "riscv,isa" in props(board, n)), "")
    letters = re.match(r"rv64([a-z]*)", bisa).group(1)
    for reg, n, p in harts:
        isa = props(guest, n).get("riscv,isa", b"").rstrip(b"\0").decode()
        check(isa == bisa.replace("rv64" + letters, "rv64" + letters.replace("h", ""), 1) and "h" not in re.match(r"rv64([a-z]*)", isa).group(1),
              f"{tag}: {p} riscv,isa is the board's without h: {isa}")
        check(props(guest, n).get("mmu-type") is not None, f"{tag}: {p} has an mmu-type")
    tb = cells(guest, guest.path_offset("/cpus"), "timebase-frequency")
    check(tb == cells(board, board.path_offset("/cpus"), "timebase-frequency"), f"{tag}: /cpus timebase-frequency is the board's {tb}")
    stray = [p for n, p in walk(guest) if p == "/psci" or p == "/timer" or p.startswith("/intc@")]
    check(not stray, f"{tag}: no PSCI, timer or GIC node {stray}")
    # No interrupt-parent at the root (the harts' cpu-intc would inherit it: Linux then finds no
    # root controller); every node with interrupts names the PLIC itself.
    ph = cells(guest, g, "phandle")
    orphans = [p for n, p in walk(guest) if "interrupts" in props(guest, n)
               and cells(guest, n, "interrupt-parent") != ph]
    check(cells(guest, 0, "interrupt-parent") is None and not orphans,
          f"{tag}: no interrupt-parent at the root; every node with interrupts names the PLIC {orphans}")


def main():
    system_path, vm_name, guest_path, board_path = sys.argv[1:5]
    system = yaml.safe_load(open(system_path))
    vm = next(v for v in system["vms"] if v["name"] == vm_name)
    guest = libfdt.Fdt(open(guest_path, "rb").read())
    board = libfdt.Fdt(open(board_path, "rb").read())
    tag = f"{system['system']}/{vm_name}"

    # /memory: exactly the VM's RAM regions.
    want = sorted((number(m["base"]), number(m["size"])) for m in vm["memory"])
    got = []
    for node, path in walk(guest):
        if path.startswith("/memory@"):
            c = cells(guest, node, "reg")
            got += [((c[i] << 32 | c[i + 1]), (c[i + 2] << 32 | c[i + 3])) for i in range(0, len(c), 4)]
    check(sorted(got) == want, f"{tag}: /memory equals the VM's RAM {[(hex(a), hex(b)) for a, b in want]}")

    # /cpus: one cpu node per vCPU.
    cpus = [p for _, p in walk(guest) if re.fullmatch(r"/cpus/cpu@[0-9a-f]+", p)]
    check(len(cpus) == len(vm["cpus"]), f"{tag}: {len(vm['cpus'])} cpu nodes")

    # Phandles: every reference resolves.
    handles = set()
    for node, _ in walk(guest):
        c = cells(guest, node, "phandle")
        if c:
            handles.add(c[0])
    dangling = []
    for node, path in walk(guest):
        for prop in ("interrupt-parent",):
            c = cells(guest, node, prop)
            if c and c[0] not in handles:
                dangling.append(f"{path}:{prop}")
        c = cells(guest, node, "clocks")
        if c and c[0] not in handles:
            dangling.append(f"{path}:clocks")
    check(not dangling, f"{tag}: no dangling phandle {dangling}")

    # Devices: only the VM's own, and their interrupts exactly the board's.
    owned = set()
    for d in vm.get("devices", []) or []:
        ref = d["node"] if isinstance(d, dict) else d
        ref = ref.lstrip("&")
        if not ref.startswith("/"):
            aliases = board.path_offset("/aliases", quiet=[libfdt.NOTFOUND])
            alias = props(board, aliases).get(ref) if aliases >= 0 else None
            ref = (alias or props(board, board.path_offset("/__symbols__"))[ref]).rstrip(b"\0").decode()
        owned.add(ref.rsplit("/", 1)[-1])
    synthetic = re.compile(r"^/(memory@|cpus|intc@|interrupt-controller@|channel@|timer$|psci$|chosen$|aliases$|apb-pclk$)")
    vuart = props(guest, guest.path_offset("/chosen")).get("stdout-path", b"").rstrip(b"\0").decode() or None
    strangers, providers = [], []
    clocked = {c[0] for n, _ in walk(guest) for c in [cells(guest, n, "clocks")] if c}
    for node, path in walk(guest):
        if path == "/" or path == vuart or synthetic.match(path) or cells(guest, node, "reg") is None:
            continue
        name = path.rsplit("/", 1)[-1]
        if name not in owned:
            # A clock controller with registers that an owned device's clocks lead to (the
            # Raspberry Pi's cprman, the i.MX's CCM): in the tree, but disabled: not the VM's.
            ph = cells(guest, node, "phandle")
            status = props(guest, node).get("status", b"").rstrip(b"\0")
            if ph and ph[0] in clocked and cells(guest, node, "#clock-cells") is not None:
                providers.append((path, status))
                continue
            strangers.append(path)
            continue
        bnode = next((n for n, p in walk(board) if p.rsplit("/", 1)[-1] == name), None)
        check(bnode is not None and cells(guest, node, "interrupts") == cells(board, bnode, "interrupts"),
              f"{tag}: {path} interrupts equal the board's")
    check(not strangers, f"{tag}: no device the VM does not own {strangers}")
    if providers:
        check(all(s == b"disabled" for _, s in providers),
              f"{tag}: the clock controllers with registers its devices lead to are disabled {providers}")
    check(len(owned) == sum(1 for _, p in walk(guest) if p.rsplit("/", 1)[-1] in owned),
          f"{tag}: every owned device is present")

    if any(any(c in PLIC for c in compatibles(board, n)) for n, _ in walk(board)):
        plic_checks(guest, board, tag, len(vm["cpus"]))
    else:
        gic_checks(guest, board, tag, len(vm["cpus"]))

    # /chosen/bootargs when the description gives them.
    bootargs = (vm.get("image") or {}).get("bootargs")
    if bootargs:
        chosen = guest.path_offset("/chosen")
        check(guest.getprop(chosen, "bootargs").as_str() == bootargs, f"{tag}: /chosen/bootargs")
    return 1 if failures else 0


sys.exit(main())
