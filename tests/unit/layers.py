#!/usr/bin/env python3
"""The hypervisor's layers (hypervisor/README.md, "Layers"): core/, lib/ and the neutral headers
in include/hyp/ know no CPU architecture. They include only neutral headers, use no inline
assembly, no system register and no architecture macro, and name nothing of the GIC, PSCI or the
exception syndrome: all of that is arch/$(ARCH)/'s, reached through include/hyp/arch.h and virq.h.
And what the text shows, the compiler confirms: core/ and lib/ compile for the host, where an
AArch64 instruction or an arch header would not.

    layers.py HYPERVISOR_DIR      prints "ok - ..." / "not ok - ..." lines; exit 1 on a failure
    layers.py --self-test         the checks catch what they are meant to (a planted violation)
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

STD_HEADERS = {"stdarg.h", "stdbool.h", "stddef.h", "stdint.h"}

# What only an architecture's code may say (matched in code, not in comments or strings).
FORBIDDEN = [
    (r"\b(__asm__|__asm|asm)\b", "inline assembly"),
    (r"\b\w+_el[0-3]\b", "an AArch64 system register"),
    (r"\bsysreg_(read|write)\b", "a system register access"),
    (r"\b(mrs|msr|dsb|dmb|isb|wfi|wfe|sev|tlbi)\s*\(", "an AArch64 barrier or instruction"),
    (r"\b__(aarch64|arm|riscv|x86_64|i386)\w*\b|\b__ARM_\w+", "an architecture macro"),
    (r"\b(v?gic[a-z0-9]*|icc|ich|gich)_\w+|\bINTID_SPURIOUS\b|\bSGI_\w+",
     "the GIC (hyp/virq.h and arch_irq_* are the neutral names)"),
    (r"\b(psci|PSCI)_?\w*", "PSCI (the arch decodes a guest's calls)"),
    (r"\b(ESR|ISS|EC|HCR|HPFAR|FAR|SPSR|ELR)_\w+|\bstruct\s+frame\s*[{]", "the exception syndrome or frame"),
]


def strip(text):
    """C text without comments and string or character literals (their contents)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def neutral_files(hyp):
    return sorted(glob.glob(os.path.join(hyp, "core", "*.c")) +
                  glob.glob(os.path.join(hyp, "lib", "*.c")) +
                  glob.glob(os.path.join(hyp, "include", "hyp", "*.h")))


def include_problems(hyp, path):
    bad = []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        m = re.match(r'\s*#\s*include\s*[<"]([^>"]+)[>"]', line)
        if not m:
            continue
        name = m.group(1)
        ok = name in STD_HEADERS or (
            re.fullmatch(r"(hyp|partita)/[\w.-]+\.h", name) is not None and
            os.path.isfile(os.path.join(hyp, "include", name)))
        if not ok:
            bad.append(f"{path}:{n}: #include <{name}> is not a neutral header")
    return bad


def code_problems(path):
    bad = []
    code = strip(open(path, encoding="utf-8").read())
    for n, line in enumerate(code.split("\n"), 1):
        if re.match(r"\s*#\s*include\b", line):
            continue
        for pattern, what in FORBIDDEN:
            m = re.search(pattern, line)
            if m:
                bad.append(f"{path}:{n}: {m.group(0)}: {what}")
    return bad


def host_compile(hyp, files):
    """Each .c of files compiled for the host: no error, no warning."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if not cc:
        return None
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            if not f.endswith(".c"):
                continue
            r = subprocess.run([cc, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
                                "-ffreestanding", "-fno-builtin", "-I", os.path.join(hyp, "include"),
                                "-c", f, "-o", os.path.join(tmp, "x.o")],
                               capture_output=True, text=True)
            if r.returncode:
                bad.append(f"{f}: " + (r.stderr.strip().split("\n") or [""])[0])
    return bad


failed = 0


def tap(ok, what, details=()):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        failed += 1
        for d in list(details)[:20]:
            print("#   " + d)


def check(hyp):
    files = neutral_files(hyp)
    tap(len(files) > 20, f"the neutral layer has its files ({len(files)}: core/, lib/, include/hyp/)")
    tap(os.path.isfile(os.path.join(hyp, "include", "hyp", "arch.h")),
        "include/hyp/arch.h, the architecture interface, is there")
    bad = [p for f in files for p in include_problems(hyp, f)]
    tap(not bad, "core/, lib/ and include/hyp/ include only neutral headers (no arch/ one)", bad)
    bad = [p for f in files for p in code_problems(f)]
    tap(not bad, "core/, lib/ and include/hyp/ use no inline assembly, system register, "
        "architecture macro, GIC, PSCI or syndrome", bad)
    bad = host_compile(hyp, files)
    if bad is None:
        print("ok - # SKIP no host C compiler: core/ and lib/ not compiled for the host")
    else:
        tap(not bad, f"core/ and lib/ compile for the host ({os.uname().machine}), where an "
            "arch construct would not", bad)


def self_test():
    """A planted violation of each kind is caught; clean code is not."""
    with tempfile.TemporaryDirectory() as hyp:
        for d in ("core", "lib", "include/hyp", "include/partita", "arch/x/include/arch"):
            os.makedirs(os.path.join(hyp, d))
        open(os.path.join(hyp, "include/hyp/ok.h"), "w").write("int ok;\n")
        clean = ('#include <hyp/ok.h>\n#include <stdint.h>\n/* sysreg_read(tpidr_el2): a comment */\n'
                 'static const char *s = "asm(\\"wfi\\")";\nint f(void) { return s[0]; }\n')
        p = os.path.join(hyp, "core/clean.c")
        open(p, "w").write(clean)
        tap(not include_problems(hyp, p) and not code_problems(p),
            "[self-test] comments and strings may name anything")
        for text, what in (("#include <arch/gic.h>\n", "an arch header"),
                           ('#include "../arch/x/include/arch/cpu.h"\n', "an arch header by path"),
                           ("void f(void) { __asm__ volatile(\"wfi\"); }\n", "inline assembly"),
                           ("unsigned long f(void) { return sysreg_read(cntpct_el0); }\n", "a system register"),
                           ("#ifdef __aarch64__\nint x;\n#endif\n", "an architecture #ifdef"),
                           ("void f(void) { gic_eoi(3); }\n", "a GIC driver call"),
                           ("int f(void) { return PSCI_DENIED; }\n", "PSCI")):
            open(p, "w").write(text)
            tap(bool(include_problems(hyp, p) or code_problems(p)), f"[self-test] {what} is caught")
        open(p, "w").write('void f(void) { __asm__ volatile("stp xzr, xzr, [sp]"); }\n')
        bad = host_compile(hyp, [p])
        if bad is not None and os.uname().machine not in ("aarch64", "arm64"):
            tap(bool(bad), "[self-test] an AArch64 instruction does not compile for the host")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if sys.argv[1] == "--self-test":
        self_test()
    else:
        check(sys.argv[1])
    sys.exit(1 if failed else 0)
