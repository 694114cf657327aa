#!/usr/bin/env bash
# The JSON schema (schema/partita.schema.json) against the tool and the docs.
#
#  - the schema is a valid JSON Schema 2020-12;
#  - every sample, tests/fixtures/good/*.yaml and tests/schema/good/*.yaml validates;
#    tests/schema/good/*.yaml also draw no schema-level diagnostic from `partita check`;
#  - every tests/schema/bad/*.yaml is rejected by the schema AND by `partita check` (exit 1), and
#    `partita check` reports the rule its "# expect: RULE" line names (so a bad case cannot pass
#    for an unrelated reason, such as a guest image that has not been built);
#  - the property names (and required keys) at each level of the schema equal the key lists of
#    gen/read.c, so the two cannot drift;
#  - docs/rules.md mentions every rule id that `partita rules` prints.
#
# Prints "ok - ..." / "not ok - ..." per assertion; exits non-zero when one failed.
# Debian's python: the python3-* packages make check installs live there (not in a pyenv).
PY=/usr/bin/python3
set -uo pipefail
TOP="${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
PARTITA="${PARTITA:-$TOP/build/bin/partita}"
export TOP PARTITA

if [ ! -x "$PARTITA" ]; then
	echo "not ok - the tool under test exists: no executable $PARTITA (run make)"
	exit 1
fi

"$PY" - <<'PY'
import glob, json, os, re, subprocess, sys

top = os.environ["TOP"]
partita = os.environ["PARTITA"]
failed = 0

def report(ok, what):
    global failed
    print(("ok - " if ok else "not ok - ") + what)
    if not ok:
        failed += 1

def rel(path):
    return os.path.relpath(path, top)

try:
    import jsonschema
    import yaml
except ImportError as e:
    report(False, f"python3-jsonschema and python3-yaml are installed ({e})")
    sys.exit(1)

schema_path = os.path.join(top, "schema", "partita.schema.json")
try:
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    report(True, "schema/partita.schema.json is a valid JSON Schema 2020-12")
except Exception as e:
    report(False, f"schema/partita.schema.json is a valid JSON Schema 2020-12: {str(e).splitlines()[0]}")
    sys.exit(1)
validator = jsonschema.Draft202012Validator(schema)

def schema_errors(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["/".join(str(p) for p in e.absolute_path) + ": " + e.message for e in errs]

def check(path):
    """Run `partita check` with JSON diagnostics: (exit status, [rule ids])."""
    try:
        p = subprocess.run([partita, "check", path, "--board-dir", os.path.join(top, "boards"),
                            "--diagnostics=json"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"cannot run ({e})", []
    rules = []
    for line in p.stderr.splitlines():
        try:
            rules.append(json.loads(line)["rule"])
        except (ValueError, KeyError):
            pass
    return p.returncode, rules

SCHEMA_LEVEL = lambda r: r.startswith("schema-") or r.startswith("yaml-") or r in ("image-key", "channel-endpoints")

# ---- good descriptions ------------------------------------------------------------------------
good = sorted(glob.glob(os.path.join(top, "samples", "*.yaml")))
good += sorted(glob.glob(os.path.join(top, "tests", "fixtures", "good", "*.yaml")))
own_good = sorted(glob.glob(os.path.join(top, "tests", "schema", "good", "*.yaml")))
for path in good + own_good:
    errs = schema_errors(path)
    report(not errs, f"schema accepts {rel(path)}" + (": " + errs[0] if errs else ""))
for path in own_good:
    status, rules = check(path)
    shape = [r for r in rules if SCHEMA_LEVEL(r)]
    report(status in (0, 1) and not shape,
           f"partita check finds no schema-level problem in {rel(path)}" +
           (f" (status {status}, rules {shape})" if shape or status not in (0, 1) else ""))

# ---- bad descriptions -------------------------------------------------------------------------
try:
    p = subprocess.run([partita, "rules"], capture_output=True, text=True, timeout=30)
    rules_ok, rules_out = p.returncode == 0, p.stdout
except (OSError, subprocess.TimeoutExpired):
    rules_ok, rules_out = False, ""
rule_ids = [line.split()[0] for line in rules_out.splitlines() if line.strip()]
report(rules_ok and len(rule_ids) > 0, f"partita rules lists rule ids ({len(rule_ids)})")

bad = sorted(glob.glob(os.path.join(top, "tests", "schema", "bad", "*.yaml")))
report(len(bad) >= 12, f"tests/schema/bad holds at least 12 cases ({len(bad)})")
for path in bad:
    name = rel(path)
    with open(path) as f:
        m = re.search(r"^# expect: (\S+)$", f.read(), re.M)
    if not m or m.group(1) not in rule_ids:
        report(False, f"{name} names an existing rule in its '# expect:' line")
        continue
    expect = m.group(1)
    errs = schema_errors(path)
    report(bool(errs), f"schema rejects {name}")
    status, rules = check(path)
    report(status == 1 and expect in rules,
           f"partita check rejects {name} with [{expect}]" +
           ("" if status == 1 and expect in rules else f" (status {status}, rules {sorted(set(rules))})"))

# ---- schema keys == gen/read.c key lists -----------------------------------------------------
with open(os.path.join(top, "gen", "read.c")) as f:
    src = f.read()
arrays = {m.group(1): re.findall(r'"([^"]*)"', m.group(2))
          for m in re.finditer(r"static const char \*const (\w+)\[\]\s*=\s*\{(.*?)\};", src, re.S)}

def resolve(node):
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/")
        target = schema
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node

def object_schema(node):
    """The object form of a schema (through $ref and anyOf alternatives)."""
    node = resolve(node)
    if node.get("type") == "object":
        return node
    for alt in node.get("anyOf", []) + node.get("oneOf", []):
        found = object_schema(alt)
        if found:
            return found
    return None

def level(*path):
    node = schema
    for key in path:
        # A key of a value that has several forms (on_fault: a word or a mapping): its mapping.
        node = resolve(node) if key == "[]" else object_schema(node)
        node = node["items"] if key == "[]" else node["properties"][key]
    return object_schema(node)

levels = {
    "top": (), "hyp": ("hypervisor",), "hyp_mem": ("hypervisor", "memory"),
    "hyp_con": ("hypervisor", "console"), "vm": ("vms", "[]"),
    "mem": ("vms", "[]", "memory", "[]"), "image": ("vms", "[]", "image"),
    "dev": ("vms", "[]", "devices", "[]"), "chan": ("channels", "[]"),
    "ep": ("channels", "[]", "endpoints", "[]"),
    "sched": ("schedule", "[]"), "window": ("schedule", "[]", "windows", "[]"),
    "fault": ("vms", "[]", "on_fault"), "restart": ("vms", "[]", "on_fault", "restart"),
}
for prefix, path in levels.items():
    where = "/".join(path) or "the top level"
    keys = arrays.get(prefix + "_keys")
    try:
        obj = level(*path)
    except (KeyError, AssertionError):
        obj = None
    if keys is None or obj is None:
        report(False, f"{prefix}_keys (gen/read.c) and the schema at {where} are both found")
        continue
    props = set(obj.get("properties", {}))
    report(props == set(keys), f"schema keys at {where} equal {prefix}_keys of gen/read.c" +
           ("" if props == set(keys) else
            f" (only in schema: {sorted(props - set(keys))}, only in read.c: {sorted(set(keys) - props)})"))
    req = arrays.get(prefix + "_required", [])
    sreq = set(obj.get("required", []))
    report(sreq == set(req), f"schema required keys at {where} equal {prefix}_required of gen/read.c" +
           ("" if sreq == set(req) else f" (schema {sorted(sreq)}, read.c {sorted(req)})"))
unused = sorted(a for a in arrays if a.endswith("_keys") and a[:-5] not in levels)
report(not unused, "every key list of gen/read.c is compared with the schema" +
       (f" (not compared: {unused})" if unused else ""))

# ---- docs/rules.md documents every rule ------------------------------------------------------
try:
    with open(os.path.join(top, "docs", "rules.md")) as f:
        doc = f.read()
except OSError:
    doc = ""
missing = [r for r in rule_ids if f"`{r}`" not in doc]
report(doc and not missing, "docs/rules.md mentions every rule id of partita rules" +
       (f" (missing: {missing})" if missing else ""))

sys.exit(1 if failed else 0)
PY
