#!/usr/bin/env python3
"""Run the commands a Markdown document shows and compare their output with what it shows.

    tests/docs/tutorial.sh [--update] [--only REGEX] [FILE.md...]   (default: docs/tutorial.md README.md)

What it reads in FILE.md (paths relative to the project root, where every command runs):

  ```console              a command block: each line starting with "$ " is a command (run with
  $ command                bash from the project root, stdin empty, stderr merged), the lines up
  expected output          to the next "$ " line its expected output.
  ```

  <!-- tutorial: not run -->   before a block: shown, not run (a Linux boot: too slow for the test)
  <!-- file: PATH -->          before a block: the block is the whole of file PATH
  <!-- excerpt: PATH -->       before a block: the block's lines appear in PATH, in one piece

Comparison, after normalising both sides:
  - the project root's absolute path in the output is shown as /home/you/partita;
  - a line "..." in the expected output stands for any number of lines (make's compiler lines);
  - for a boot (a command that runs a run.sh), lines are compared per console tag ("[vm] ",
    "partita: ", other), in order within each tag, since the interleaving of VMs' lines may
    shift with the hypervisor's code; timings (numbers of ticks, us, ms, instructions, percentages,
    counts of gaps, switches and window starts, the work done) compare as "#", and QEMU's own
    warnings are left out.

--update writes the actual output into FILE.md for the commands that differ (those whose
expected output has no "..."; the others are reported only). Prints one TAP line per command and
per file block: "ok - ..." / "not ok - ...".
"""
import os
import re
import subprocess
import sys

TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SHOWN_TOP = "/home/you/partita"
CMD_TIMEOUT = int(os.environ.get("TUTORIAL_TIMEOUT", "900"))


def parse(path):
    """Blocks of FILE: (kind, marker, start line, lines, fence info)."""
    lines = open(path, encoding="utf-8").read().split("\n")
    blocks, i, marker = [], 0, None
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^<!-- (file|excerpt|tutorial): *(.*?) *-->$", line.strip())
        if m:
            marker = (m.group(1), m.group(2))
            i += 1
            continue
        f = re.match(r"^(\s*)```(\w*)\s*$", line)
        if f:
            indent, info = f.group(1), f.group(2)
            j = i + 1
            while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
                j += 1
            body = [l[len(indent):] if l.startswith(indent) else l for l in lines[i + 1:j]]
            blocks.append({"info": info, "marker": marker, "start": i + 1, "end": j, "body": body})
            marker = None
            i = j + 1
            continue
        if line.strip():
            marker = None
        i += 1
    return lines, blocks


def commands(block):
    """[(line number, command, expected lines)] of a console block."""
    out, cur = [], None
    for k, l in enumerate(block["body"]):
        if l.startswith("$ "):
            cur = [block["start"] + 1 + k, l[2:], []]
            out.append(cur)
        elif cur is not None:
            cur[2].append(l)
    return out


TIMING = [
    (re.compile(r"\b[0-9]+\.\.[0-9]+ ticks"), "#..# ticks"),
    (re.compile(r"\b[0-9][0-9.,]* (ticks|us|ms|ns|instructions)\b"), r"# \1"),
    (re.compile(r"\([0-9.]+%\)"), "(#%)"),
    (re.compile(r"\b[0-9]+ (gaps|window starts|switches|resumes from idle)\b"), r"# \1"),
    (re.compile(r"\b(work|mean) [0-9]+"), r"\1 #"),
]


def is_boot(cmd):
    return re.search(r"(^|/)run\.sh\b", cmd) is not None


def tag(line):
    m = re.match(r"^\[([^]]+)\] ", line)
    if m:
        return "[" + m.group(1) + "]"
    if line.startswith("partita: "):
        return "partita:"
    return ""


QEMU_NOTE = re.compile(r"^qemu-system-\w+: (warning|info): ")


def normalise(lines, boot):
    out = []
    for l in lines:
        l = l.replace("\r", "").replace(TOP, SHOWN_TOP).rstrip()
        if boot and QEMU_NOTE.match(l):
            continue   # QEMU's own remarks ("icount sleep disabled and no active timers")
        if boot:
            for rx, rep in TIMING:
                l = rx.sub(rep, l)
        out.append(l)
    while out and out[-1] == "":
        out.pop()
    return out


def grouped(lines):
    """Boot output: the lines of each console tag, in order; "..." stays with the line before it."""
    groups, last = {}, ""
    for l in lines:
        key = last if l == "..." else tag(l)
        groups.setdefault(key, []).append(l)
        last = key
    return groups


def matches(expected, actual):
    """Does actual fit expected, where a "..." line of expected stands for any lines?"""
    memo = {}

    def m(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(expected):
            r = j == len(actual)
        elif expected[i] == "...":
            r = any(m(i + 1, k) for k in range(j, len(actual) + 1))
        else:
            r = j < len(actual) and expected[i] == actual[j] and m(i + 1, j + 1)
        memo[(i, j)] = r
        return r
    return m(0, 0)


def compare(expected, actual, boot):
    e, a = normalise(expected, boot), normalise(actual, boot)
    if not boot:
        return matches(e, a)
    ge, ga = grouped(e), grouped(a)
    if set(ge) - {""} != set(ga) - {""}:
        return False
    return all(matches(ge.get(k, []), ga.get(k, [])) for k in set(ge) | set(ga))


# A reader types the commands in a fresh shell: no make of ours around them (under `make check`
# MAKELEVEL and MAKEFLAGS would make `make` print "Entering directory" lines the page has not).
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}


def run(cmd):
    try:
        p = subprocess.run(["bash", "-c", cmd], cwd=TOP, stdin=subprocess.DEVNULL, env=CLEAN_ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=CMD_TIMEOUT)
        text, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        text, rc = (e.output or b"").decode("utf-8", "replace") + "\n(timed out)", 124
    lines = text.replace("\r", "").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines, rc


def diff(expected, actual):
    import difflib
    return ["#   " + l for l in difflib.unified_diff(expected, actual, "shown", "actual", lineterm="", n=2)]


def main(argv):
    update, only, files = False, None, []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--update":
            update = True
        elif a == "--only":
            only = re.compile(args.pop(0))
        else:
            files.append(a)
    files = files or ["docs/tutorial.md", "README.md"]
    failed = 0
    for f in files:
        path = os.path.join(TOP, f)
        lines, blocks = parse(path)
        edits = []
        for b in blocks:
            kind, arg = b["marker"] or (None, None)
            if kind in ("file", "excerpt"):
                target = os.path.join(TOP, arg)
                try:
                    content = open(target, encoding="utf-8").read().split("\n")
                except OSError:
                    print(f"not ok - {f}:{b['start']}: shows {arg}, which does not exist")
                    failed += 1
                    continue
                if content and content[-1] == "":
                    content.pop()
                body = b["body"]
                if kind == "file":
                    good = body == content
                else:
                    good = any(content[k:k + len(body)] == body for k in range(len(content) - len(body) + 1))
                what = "the whole of" if kind == "file" else "an excerpt of"
                if good:
                    print(f"ok - {f}:{b['start']}: the block is {what} {arg}")
                else:
                    print(f"not ok - {f}:{b['start']}: the block is {what} {arg}")
                    print("\n".join(diff(body, content)))
                    failed += 1
                continue
            if b["info"] != "console":
                continue
            if kind == "tutorial" and arg == "not run":
                continue
            for line, cmd, expected in commands(b):
                if only and not only.search(cmd):
                    continue
                actual, rc = run(cmd)
                boot = is_boot(cmd)
                label = f"{f}:{line}: $ {cmd}"
                if compare(expected, actual, boot):
                    print(f"ok - {label}")
                    continue
                print(f"not ok - {label} (exit status {rc})")
                print("\n".join(diff(normalise(expected, False), normalise(actual, False))))
                failed += 1
                if update and "..." not in expected:
                    first = line  # the command's line (1-based); its output follows
                    new = [l for l in normalise(actual, False) if not (boot and QEMU_NOTE.match(l))]
                    edits.append((first, first + len(expected), new))
        if edits:
            for first, last, new in sorted(edits, reverse=True):
                lines[first:last] = new
            open(path, "w", encoding="utf-8").write("\n".join(lines))
            print(f"# {f}: {len(edits)} output block(s) updated")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
