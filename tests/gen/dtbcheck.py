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


def cells(fdt, node, name):
    try:
        raw = fdt.getprop(node, name)
    except libfdt.FdtException:
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
            try:
                ref = board.get_alias(ref) or board.getprop(board.path_offset("/__symbols__"), ref).as_str()
            except libfdt.FdtException:
                ref = board.getprop(board.path_offset("/__symbols__"), ref).as_str()
        owned.add(ref.rsplit("/", 1)[-1])
    synthetic = re.compile(r"^/(memory@|cpus|intc@|serial@|channel@|timer$|psci$|chosen$|aliases$|apb-pclk$)")
    strangers = []
    for node, path in walk(guest):
        if path == "/" or synthetic.match(path) or cells(guest, node, "reg") is None:
            continue
        name = path.rsplit("/", 1)[-1]
        if name not in owned:
            strangers.append(path)
            continue
        bnode = next((n for n, p in walk(board) if p.rsplit("/", 1)[-1] == name), None)
        check(bnode is not None and cells(guest, node, "interrupts") == cells(board, bnode, "interrupts"),
              f"{tag}: {path} interrupts equal the board's")
    check(not strangers, f"{tag}: no device the VM does not own {strangers}")
    check(len(owned) == sum(1 for _, p in walk(guest) if p.rsplit("/", 1)[-1] in owned),
          f"{tag}: every owned device is present")

    # /chosen/bootargs when the description gives them.
    bootargs = (vm.get("image") or {}).get("bootargs")
    if bootargs:
        chosen = guest.path_offset("/chosen")
        check(guest.getprop(chosen, "bootargs").as_str() == bootargs, f"{tag}: /chosen/bootargs")
    return 1 if failures else 0


sys.exit(main())
