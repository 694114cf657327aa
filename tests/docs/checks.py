#!/usr/bin/env python3
"""The static checks of tests/docs (one TAP line each): what the docs say against the tree.

    checks.py links | orphans | manpage HELP_TEXT_FILE | rules RULES_OUTPUT_FILE | guest | hypervisor
"""
import glob
import os
import re
import subprocess
import sys

TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
failed = 0


def tap(good, what, detail=None):
    global failed
    print(("ok - " if good else "not ok - ") + what)
    if not good:
        failed += 1
        for d in (detail or [])[:20]:
            print("#   " + d)


def rel(p):
    return os.path.relpath(p, TOP)


def markdown_files():
    return sorted(glob.glob(os.path.join(TOP, "docs", "*.md"))) + [
        os.path.join(TOP, "README.md"), os.path.join(TOP, "hypervisor", "README.md")]


def prose(text):
    """The text outside fenced code blocks and inline code spans, line by line (numbers kept)."""
    out, fence = [], False
    for line in text.split("\n"):
        if re.match(r"^\s*```", line):
            fence = not fence
            out.append("")
            continue
        out.append("" if fence else re.sub(r"`[^`]*`", "", line))
    return out


def slug(heading):
    """GitHub's anchor for a heading."""
    h = heading.strip().lower()
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(path):
    seen, out = {}, set()
    fence = False
    for line in open(path, encoding="utf-8").read().split("\n"):
        if re.match(r"^\s*```", line):
            fence = not fence
        if fence:
            continue
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            out.add(s if n == 0 else f"{s}-{n}")
            seen[s] = n + 1
    return out


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def links(path):
    """(line number, target) of every Markdown link outside code."""
    out = []
    for n, line in enumerate(prose(open(path, encoding="utf-8").read()), 1):
        for m in LINK.finditer(line):
            out.append((n, m.group(1)))
    return out


def check_links():
    for md in markdown_files():
        bad = []
        for n, target in links(md):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue   # http:, https:, mailto:
            path, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(md), path)) if path else md
            if not os.path.exists(dest):
                bad.append(f"{rel(md)}:{n}: {target}: no such file")
                continue
            if anchor:
                if not dest.endswith(".md") or os.path.isdir(dest):
                    bad.append(f"{rel(md)}:{n}: {target}: an anchor into a file that is not Markdown")
                elif anchor not in anchors(dest):
                    bad.append(f"{rel(md)}:{n}: {target}: no heading '#{anchor}' in {rel(dest)}")
        tap(not bad, f"every relative link and anchor in {rel(md)} resolves", bad)


def check_orphans():
    linked = {}
    for md in markdown_files():
        for _, target in links(md):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            path = target.partition("#")[0]
            if path:
                dest = os.path.normpath(os.path.join(os.path.dirname(md), path))
                linked.setdefault(dest, set()).add(md)
    bad = []
    for f in sorted(glob.glob(os.path.join(TOP, "docs", "**", "*"), recursive=True)):
        if os.path.isdir(f):
            continue
        if not (linked.get(f, set()) - {f}):
            bad.append(f"{rel(f)} is linked from no other doc")
    tap(not bad, "every file in docs/ is linked from README.md or another doc", bad)


def check_manpage(help_file):
    help_text = open(help_file, encoding="utf-8").read()
    subs = []
    for line in help_text.split("\n"):
        m = re.match(r"^(?:usage:)?\s+partita\s+((?:[a-z][a-z-]*\s?)+)", line)
        if m:
            words = [w for w in m.group(1).split() if re.match(r"^[a-z][a-z-]*$", w)]
            if words:
                subs.append(" ".join(words))
    tap(len(subs) >= 5, f"partita --help lists its subcommands ({', '.join(subs)})")
    man = open(os.path.join(TOP, "docs", "partita.1"), encoding="utf-8").read().replace("\\-", "-")
    for sub in subs:
        syn = re.search(r"^\.B partita " + re.escape(sub) + r"\s*$", man, re.M) is not None
        cmd = re.search(r'^\.TP\n\.BI? "?' + re.escape(sub) + r'(?:[" ]|$)', man, re.M) is not None
        tap(syn and cmd, f"the man page has 'partita {sub}' in its SYNOPSIS and COMMANDS",
            [f"SYNOPSIS: {'yes' if syn else 'missing'}, COMMANDS: {'yes' if cmd else 'missing'}"])
    md = open(os.path.join(TOP, "docs", "partita.md"), encoding="utf-8").read()
    for sub in subs:
        tap(f"partita {sub}" in md, f"docs/partita.md shows 'partita {sub}'")


def rule_ids_in_gen():
    ids = set()
    for c in glob.glob(os.path.join(TOP, "gen", "*.c")):
        text = open(c, encoding="utf-8").read()
        table = re.search(r"const struct rule rules\[\] = \{(.*?)\n\};", text, re.S)
        if table:
            ids |= set(re.findall(r'\{ "([a-z0-9-]+)",', table.group(1)))
        ids |= set(re.findall(r'diag_\w+\([^;]*?,\s*"([a-z][a-z0-9]*(?:-[a-z0-9]+)+|io|limit|align)",', text))
        ids |= set(re.findall(r'\brule\s*=\s*"([a-z0-9-]+)"', text))
    return ids


def check_rules(rules_file):
    listed = set(l.split()[0] for l in open(rules_file, encoding="utf-8") if l.strip())
    tap(len(listed) > 40, f"partita rules lists the rule ids ({len(listed)})")
    ts = open(os.path.join(TOP, "docs", "troubleshooting.md"), encoding="utf-8").read()
    rules_md = open(os.path.join(TOP, "docs", "rules.md"), encoding="utf-8").read()
    gen_ids = rule_ids_in_gen()
    tap(listed <= gen_ids, "every rule id partita rules lists is found in gen/*.c",
        sorted(listed - gen_ids))
    missing = [r for r in sorted(gen_ids) if f"`{r}`" not in ts and f"`{r}`" not in rules_md]
    tap(not missing, f"every rule id found in gen/*.c ({len(gen_ids)}) is in docs/troubleshooting.md or docs/rules.md",
        missing)
    missing = [r for r in sorted(gen_ids | listed) if not re.search(r"^\| `" + re.escape(r) + r"` \|", ts, re.M)]
    tap(not missing, "docs/troubleshooting.md has a row (usual cause, fix) for every rule id", missing)


def check_guest():
    words = set()
    for c in glob.glob(os.path.join(TOP, "samples", "guests", "baremetal", "**", "*.c"), recursive=True):
        text = open(c, encoding="utf-8").read()
        words |= set(re.findall(r'word_is\(w, "([^"]+)"', text))
        table = re.search(r"attacks\[\] = \{(.*?)\n\};", text, re.S)
        if table:
            words |= set(re.findall(r'\{ "([^"]+)",', table.group(1)))
    doc = open(os.path.join(TOP, "docs", "guest.md"), encoding="utf-8").read()
    missing = sorted(w for w in words if "`" + w not in doc)
    tap(len(words) > 40, f"the bare-metal guest's arguments are found in its sources ({len(words)})")
    tap(not missing, "docs/guest.md documents every argument of the bare-metal sample guest", missing)


def check_hypervisor():
    readme = open(os.path.join(TOP, "hypervisor", "README.md"), encoding="utf-8").read()
    missing = []
    for pat in ("core/*.c", "arch/*/*.[cS]", "arch/*/arch.mk", "arch/*/*/*.[cSh]",
                "arch/*/include/arch/*.h", "include/hyp/*.h", "drivers/*.c", "lib/*.c"):
        for f in sorted(glob.glob(os.path.join(TOP, "hypervisor", pat))):
            name = os.path.basename(f)
            if not re.search(r"`(?:[\w/]*/)?" + re.escape(name) + "`", readme) and \
               not re.search(r"`" + re.escape(name) + r"`", readme):
                missing.append(rel(f))
    tap(not missing, "hypervisor/README.md lists every source file of the hypervisor with what it does", missing)


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "links":
        check_links()
    elif what == "orphans":
        check_orphans()
    elif what == "manpage":
        check_manpage(sys.argv[2])
    elif what == "rules":
        check_rules(sys.argv[2])
    elif what == "guest":
        check_guest()
    elif what == "hypervisor":
        check_hypervisor()
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(1 if failed else 0)
