#!/usr/bin/env python3
"""Figures from `make bench` in the docs: marked blocks, checked and refreshed.

A figure the docs quote from a bench run sits in a block that names where it comes from:

    <!-- bench: SECTION | REGEX -->
    ```text
    (the lines of the report's section SECTION that match REGEX, as bench printed them)
    ```
    <!-- /bench -->

SECTION is the start of a heading the bench prints ("== SECTION ..." in tests/bench/bench.sh or
hypervisor/bench.sh; the part before the first "==" heading is named by its first line), REGEX a
Python regular expression searched in each line of that section.

    benchblocks.py lint                 every block well formed, its section one the bench
                                        scripts print, its lines matching its REGEX; every
                                        "## Measured" section holding a block (TAP lines)
    benchblocks.py refresh REPORT       replace every block's lines with the matching lines of
                                        REPORT (the output of tests/bench/bench.sh): make bench-docs
"""
import glob
import os
import re
import sys

TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SCRIPTS = ["tests/bench/bench.sh", "hypervisor/bench.sh"]
OPEN = re.compile(r"^<!-- bench: (.*?) \| (.*) -->$")
CLOSE = "<!-- /bench -->"


def docs():
    return sorted(glob.glob(os.path.join(TOP, "docs", "*.md"))) + [os.path.join(TOP, "README.md")]


def blocks(path):
    """(section, regex, first content line index, end index (exclusive), problem) per block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    for i, l in enumerate(lines):
        if not l.startswith("<!-- bench:"):
            continue
        m = OPEN.match(l)
        if not m:
            out.append((None, None, i, i, "marker is not '<!-- bench: SECTION | REGEX -->'"))
            continue
        sec, rx = m.group(1).strip(), m.group(2).strip()
        if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            out.append((sec, rx, i, i, "no fenced block right after the marker"))
            continue
        j = i + 2
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if j + 1 >= len(lines) or lines[j + 1] != CLOSE:
            out.append((sec, rx, i + 2, j, "the fenced block is not followed by " + CLOSE))
            continue
        out.append((sec, rx, i + 2, j, None))
    return lines, out


def sections_printed():
    """The section headings the bench scripts print (the text after '== ', or the first line)."""
    heads = []
    for s in SCRIPTS:
        try:
            text = open(os.path.join(TOP, s), encoding="utf-8").read()
        except OSError:
            continue
        heads += re.findall(r'echo "== ([^"$]+)', text)
        if s == SCRIPTS[0]:
            first = re.search(r'^echo "([^=][^"]*)"', text, re.M)
            if first:
                heads.append(first.group(1))
    return heads


def lint():
    failed = 0
    heads = sections_printed()
    for path in docs():
        rel = os.path.relpath(path, TOP)
        lines, bl = blocks(path)
        for sec, rx, a, b, problem in bl:
            what = f"{rel}:{max(a - 1, 1)}: bench block '{sec}'"
            if problem:
                print(f"not ok - {what}: {problem}")
                failed += 1
                continue
            if not any(h.startswith(sec) for h in heads):
                print(f"not ok - {what}: no bench script prints a section starting '{sec}' ({', '.join(SCRIPTS)})")
                failed += 1
                continue
            try:
                r = re.compile(rx)
            except re.error as e:
                print(f"not ok - {what}: bad regex {rx!r}: {e}")
                failed += 1
                continue
            body = lines[a:b]
            bad = [l for l in body if not r.search(l)]
            if not body or bad:
                print(f"not ok - {what}: its lines are what '{rx}' selects from that section"
                      + (f" (not: {bad[0]!r})" if bad else " (the block is empty)"))
                failed += 1
            else:
                print(f"ok - {what}: names its bench row ({len(body)} line(s) matching '{rx}')")
        # Every "## Measured" section quotes the bench through a block.
        for i, l in enumerate(lines):
            if re.match(r"^##+ Measured", l):
                end = next((k for k in range(i + 1, len(lines)) if re.match(r"^##+ ", lines[k])), len(lines))
                has = any(a > i and a < end for _, _, a, _, _ in bl)
                label = f"{rel}:{i + 1}: '{l.strip('# ')}' quotes make bench in a bench block"
                print(("ok - " if has else "not ok - ") + label)
                failed += 0 if has else 1
    return 1 if failed else 0


def report_sections(path):
    secs, name, cur = {}, None, []
    for l in open(path, encoding="utf-8", errors="replace").read().replace("\r", "").split("\n"):
        if l.startswith("== "):
            if name is not None:
                secs[name] = cur
            name, cur = l[3:], []
        elif name is None:
            name, cur = l, []
        else:
            cur.append(l)
    if name is not None:
        secs[name] = cur
    return secs


def refresh(report):
    secs = report_sections(report)
    changed = missing = 0
    for path in docs():
        lines, bl = blocks(path)
        edits = []
        for sec, rx, a, b, problem in bl:
            if problem:
                print(f"{os.path.relpath(path, TOP)}:{a}: {problem}", file=sys.stderr)
                missing += 1
                continue
            body = next((v for k, v in secs.items() if k.startswith(sec)), None)
            new = [l for l in (body or []) if l.strip() and re.search(rx, l)]
            if not new:
                print(f"{os.path.relpath(path, TOP)}:{a}: the report has no line for '{sec} | {rx}': kept",
                      file=sys.stderr)
                missing += 1
                continue
            if new != lines[a:b]:
                edits.append((a, b, new))
        for a, b, new in sorted(edits, reverse=True):
            lines[a:b] = new
        if edits:
            open(path, "w", encoding="utf-8").write("\n".join(lines))
            print(f"{os.path.relpath(path, TOP)}: {len(edits)} bench block(s) refreshed")
            changed += len(edits)
    print(f"bench-docs: {changed} block(s) refreshed, {missing} kept (see above)")
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "lint":
        sys.exit(lint())
    if len(sys.argv) == 3 and sys.argv[1] == "refresh":
        sys.exit(refresh(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
