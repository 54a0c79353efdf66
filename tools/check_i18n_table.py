#!/usr/bin/env python3
"""Check transforms/i18n.json and transforms/kb.json against the knowledge base.

Independent of tools/gen_i18n_table.py on purpose: it re-reads widget-facts.md,
widget-i18n-appendix.md and the oracle key lists and verifies
  * kb.json: exactly the row ids of the widget-facts.md tables (+ I18N-A/B),
    in the documented order, titles of at most 90 characters;
  * format: pretty-printed JSON (2-space indent, UTF-8, trailing newline), the
    documented top-level keys and row shapes, kb ids known to kb.json;
  * sources: every rename/split "from" is an appendix A key whose "first absent"
    equals "since", and agrees with the 5.16.1 / 6.9.0 / 7.49.0 key lists;
  * targets: every to/candidate/alternative is in keys-7.49.0, or is a chain step
    (the "from" of another row) found in some key list or appendix A; chains are
    acyclic, move forward in version and end in a 7.49.0 key;
  * coverage: appendix A = rename/split sources + "removed" (minus keys 7.49.0
    ships again), with nothing invented; the oracle lists lose no key that
    appendix A misses; appendix B (191 keys) = classic_only + curated sources;
    every I1-I34 row is used; full keys quoted in an I-row appear in its rows;
  * order and uniqueness as documented in the file's "_comment".

Usage: python3 tools/check_i18n_table.py [KNOWLEDGE_DIR]
Prints one line per problem; exit status 1 if there are any. Standard library only.
"""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "transforms" / "i18n.json"
KB = REPO / "transforms" / "kb.json"
VERSIONS = ("5.16.1", "6.9.0", "7.49.0")
NEWEST = VERSIONS[-1]
APPENDIX_B_COUNT = 191
I34_PREFIXES = (
    "password.forgot.sendEmail", "account.unlock.sendEmail", "recovery.sms", "recovery.call",
    "password.forgot.question.", "account.unlock.question.", "enroll.choices.", "mfa.",
)
SHAPES = {
    "renames": ({"kb", "since", "from", "to"}, {"note", "safety"}),
    "splits": ({"kb", "since", "from", "candidates"}, {"note"}),
    "removed": ({"since", "key"}, set()),
    "oie_keys": ({"kb", "from", "to"}, {"alternatives", "note"}),
    "classic_only": ({"kb", "key"}, {"note"}),
}
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
KEY = re.compile(r"^[A-Za-z0-9_.\-]+$")

problems = []


def problem(msg: str) -> None:
    problems.append(msg)


def semver(v: str):
    return tuple(int(p) for p in v.split("."))


# ---------------------------------------------------------------- knowledge --

def read_knowledge(kdir: Path):
    facts = (kdir / "widget-facts.md").read_text(encoding="utf-8")
    appendix = (kdir / "widget-i18n-appendix.md").read_text(encoding="utf-8")
    lists = {v: set((kdir / "oracle" / f"keys-{v}.txt").read_text(encoding="utf-8").split())
             for v in VERSIONS}
    presence = {}
    with open(kdir / "oracle" / "i18n-key-presence.tsv", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header[1:] != list(VERSIONS):
            problem(f"i18n-key-presence.tsv: unexpected header {header}")
        for line in fh:
            cells = line.rstrip("\n").split("\t")
            presence[cells[0]] = {v: c == "1" for v, c in zip(VERSIONS, cells[1:])}
    return facts, appendix, lists, presence


def parse_i_rows(facts: str) -> dict:
    """I-table rows: id -> (ver cell, [full keys quoted in the Old/New cells])."""
    rows = {}
    for line in facts.splitlines():
        m = re.match(r"^\|\s*(I\d+)\s*\|", line)
        if not m:
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        # I34's OIE column only names examples ("no 1:1"), so only its Old column
        # must be reflected in the table.
        text = cells[1] if m.group(1) == "I34" else cells[1] + " " + cells[2]
        quoted = re.findall(r"`([^`]+)`", text)
        full = [q for q in quoted
                if KEY.match(q) and "." in q and ".." not in q and "*" not in q
                and not q.startswith(".") and not q.endswith(".")]
        ver = cells[3] if len(cells) > 5 else ""
        rows[m.group(1)] = (ver, full)
    return rows


def parse_appendix(appendix: str):
    sec_a = appendix.split("## A.", 1)[1].split("## B.", 1)[0]
    removed, truncated = {}, []
    for line in sec_a.splitlines():
        m = re.match(r"^\|\s*(\d+\.\d+\.\d+)\s*\|", line)
        if not m:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if "…" in cells[2]:
            truncated.append(f"{cells[0]} {cells[1][:9]}")
        for key in re.findall(r"`([^`]+)`", cells[2]):
            if key in removed:
                problem(f"appendix A lists {key} twice")
            removed[key] = m.group(1)
    block = re.search(r"```\n(.*?)```", appendix.split("## B.", 1)[1], re.S)
    return removed, truncated, block.group(1).split() if block else []


# ------------------------------------------------------------------- checks --

def check_format(raw: str, doc) -> None:
    if not raw.endswith("\n") or raw.endswith("\n\n"):
        problem("i18n.json: must end with exactly one newline")
    if json.dumps(doc, indent=2, ensure_ascii=False) + "\n" != raw:
        problem("i18n.json: not in canonical form (json.dumps indent=2, ensure_ascii=False)")
    expected = ["_comment", *SHAPES]
    if list(doc) != expected:
        problem(f"i18n.json: top-level keys {list(doc)}, expected {expected}")
    if not isinstance(doc.get("_comment"), str) or not doc.get("_comment"):
        problem("i18n.json: _comment missing")
    for name, (required, optional) in SHAPES.items():
        rows = doc.get(name)
        if not isinstance(rows, list):
            problem(f"{name}: not an array")
            doc[name] = []
            continue
        for i, row in enumerate(rows):
            where = f"{name}[{i}]"
            if not isinstance(row, dict):
                problem(f"{where}: not an object")
                continue
            if not required <= set(row) or not set(row) <= required | optional:
                problem(f"{where}: fields {sorted(row)}, expected {sorted(required)}"
                        f" + optional {sorted(optional)}")
            if "since" in row and not SEMVER.match(str(row["since"])):
                problem(f"{where}: since {row['since']!r} is not X.Y.Z")
            for field in ("from", "to", "key"):
                if field in row and not (isinstance(row[field], str) and KEY.match(row[field])):
                    problem(f"{where}: bad {field} {row[field]!r}")
            for field in ("candidates", "alternatives"):
                if field in row:
                    vals = row[field]
                    if (not isinstance(vals, list) or not vals
                            or not all(isinstance(v, str) and KEY.match(v) for v in vals)
                            or len(set(vals)) != len(vals)):
                        problem(f"{where}: {field} must be a non-empty list of distinct keys")
            if "note" in row and not (isinstance(row["note"], str) and row["note"]):
                problem(f"{where}: empty note")
    # rows that failed the shape check would only cause noise below
    for name, (required, _) in SHAPES.items():
        doc[name] = [r for r in doc[name] if isinstance(r, dict) and required <= set(r)]


def check_kb_file(raw: str, facts: str) -> dict:
    """kb.json: canonical JSON, exactly the table row ids of widget-facts.md in
    C, I, M, S order (by number) plus I18N-A and I18N-B, titles of 1..90 chars."""
    doc = json.loads(raw)
    if json.dumps(doc, indent=2, ensure_ascii=False) + "\n" != raw:
        problem("kb.json: not in canonical form (json.dumps indent=2, ensure_ascii=False)")
    rows = doc.get("rows", {})
    ids = [m.group(1) + m.group(2) for m in
           re.finditer(r"^\|\s*([CIMS])(\d+)\s*\|", facts, re.M)]
    order = "CIMS"
    want = sorted(ids, key=lambda r: (order.index(r[0]), int(r[1:]))) + ["I18N-A", "I18N-B", "REL"]
    if list(rows) != want:
        missing = sorted(set(want) - set(rows))
        extra = sorted(set(rows) - set(want))
        problem(f"kb.json: row ids differ from widget-facts.md (missing {missing}, "
                f"extra {extra}, or out of order)")
    for rid, title in rows.items():
        if not isinstance(title, str) or not 0 < len(title) <= 90:
            problem(f"kb.json: {rid} title must be 1..90 characters")
    return rows


def check_kb(doc, kb_rows: dict) -> None:
    allowed = {
        "renames": lambda k: re.fullmatch(r"I(\d+)", k) and 1 <= int(k[1:]) <= 29,
        "splits": lambda k: re.fullmatch(r"I(\d+)", k) and 1 <= int(k[1:]) <= 29,
        "oie_keys": lambda k: k in {"I30", "I31", "I32"},
        "classic_only": lambda k: k in {"I33", "I34", "I18N-B"},
    }
    for name, ok in allowed.items():
        for row in doc[name]:
            if row["kb"] not in kb_rows:
                problem(f"{name}: kb {row['kb']} ({row.get('from', row.get('key'))}) "
                        "is not in kb.json")
            elif not ok(row["kb"]):
                problem(f"{name}: kb {row['kb']} not allowed in this array")
    for rid in ("I18N-A", "I18N-B"):
        if rid not in kb_rows:
            problem(f"kb.json: {rid} missing")


def check_order_and_uniqueness(doc) -> None:
    def by_version(r, field):
        return (semver(r["since"]), r[field])

    for name, key in (("renames", lambda r: by_version(r, "from")),
                      ("splits", lambda r: by_version(r, "from")),
                      ("removed", lambda r: by_version(r, "key")),
                      ("oie_keys", lambda r: r["from"]),
                      ("classic_only", lambda r: r["key"])):
        rows = doc[name]
        if rows != sorted(rows, key=key):
            problem(f"{name}: not sorted as documented")
    seen = {}
    for name in ("renames", "splits", "oie_keys"):
        for row in doc[name]:
            if row["from"] in seen:
                problem(f"{name}: from {row['from']} already used in {seen[row['from']]}")
            seen[row["from"]] = name
    for name in ("removed", "classic_only"):
        keys = [r["key"] for r in doc[name]]
        for k in sorted({k for k in keys if keys.count(k) > 1}):
            problem(f"{name}: duplicate key {k}")
        for k in keys:
            if k in seen:
                problem(f"{name}: {k} is also the from of a {seen[k]} row")
    removed = {r["key"] for r in doc["removed"]}
    for r in doc["classic_only"]:
        if r["key"] in removed:
            problem(f"classic_only: {r['key']} is also in removed")


def present(key, version, lists):
    return key in lists[version]


def check_sources(doc, removed_a, lists, presence) -> None:
    """Old keys: appendix A first-absent == since; oracle lists agree."""
    for name in ("renames", "splits"):
        for row in doc[name]:
            old, since = row["from"], row["since"]
            if old not in removed_a:
                problem(f"{name}: from {old} is not an appendix A key")
            elif removed_a[old] != since:
                problem(f"{name}: {old} since {since}, appendix A says {removed_a[old]}")
    for row in doc["removed"]:
        key, since = row["key"], row["since"]
        if key not in removed_a:
            problem(f"removed: {key} is not in appendix A (invented?)")
        elif removed_a[key] != since:
            problem(f"removed: {key} since {since}, appendix A says {removed_a[key]}")
        if present(key, NEWEST, lists):
            problem(f"removed: {key} is shipped by {NEWEST}; must not be removed")
    # appendix A against the oracle key lists and the presence table
    for key, first_absent in removed_a.items():
        # A key may be added after one oracle release and removed before the next,
        # so only "absent from every release >= first absent" can be required.
        # (Presence in NEWEST = key came back; the "removed" checks handle that.)
        for v in VERSIONS[:-1]:
            if semver(v) >= semver(first_absent) and present(key, v, lists):
                problem(f"appendix A: {key} (first absent {first_absent}) is present "
                        f"in keys-{v}.txt")
        for v in VERSIONS:
            if key in presence and presence[key][v] != present(key, v, lists):
                problem(f"presence tsv and keys-{v}.txt disagree on {key}")
    lost = (lists[VERSIONS[0]] | lists[VERSIONS[1]]) - lists[NEWEST]
    for key in sorted(lost - set(removed_a)):
        problem(f"oracle: {key} disappears before {NEWEST} but appendix A does not list it "
                "(truncated row?)")


def check_coverage(doc, removed_a, classic_b, lists) -> None:
    moved = {r["from"] for r in doc["renames"] + doc["splits"]}
    removed = {r["key"] for r in doc["removed"]}
    for key in sorted(set(removed_a) - moved - removed):
        if not present(key, NEWEST, lists):
            problem(f"appendix A key {key} ({removed_a[key]}) is in no array")
    if len(classic_b) != APPENDIX_B_COUNT:
        problem(f"appendix B: {len(classic_b)} keys, the appendix says {APPENDIX_B_COUNT}")
    curated = moved | {r["from"] for r in doc["oie_keys"]}
    classic = {r["key"]: r["kb"] for r in doc["classic_only"]}
    for key in classic_b:
        if key in curated or key == "needhelp":
            continue
        if key not in classic:
            problem(f"classic_only: appendix B key {key} missing")
        else:
            want = "I34" if key.startswith(I34_PREFIXES) else "I18N-B"
            if classic[key] != want:
                problem(f"classic_only: {key} has kb {classic[key]}, expected {want}")
    if classic.get("needhelp") != "I33":
        problem("classic_only: needhelp must be there with kb I33")
    for key, kb in classic.items():
        if key not in classic_b and key != "needhelp":
            problem(f"classic_only: {key} is neither in appendix B nor I33")
        if not present(key, NEWEST, lists):
            problem(f"classic_only: {key} is not shipped by {NEWEST}")
    for row in doc["oie_keys"]:
        for key in [row["from"], row["to"], *row.get("alternatives", [])]:
            if not present(key, NEWEST, lists):
                problem(f"oie_keys: {key} is not in keys-{NEWEST}.txt")


def check_targets(doc, removed_a, lists) -> None:
    step = {}  # from -> (since, [next keys])
    for r in doc["renames"]:
        step[r["from"]] = (r["since"], [r["to"]])
    for r in doc["splits"]:
        step[r["from"]] = (r["since"], r["candidates"])
    known = set().union(*lists.values()) | set(removed_a)
    for name, field in (("renames", "to"), ("splits", "candidates")):
        for row in doc[name]:
            targets = row[field] if isinstance(row[field], list) else [row[field]]
            for t in targets:
                if t == row["from"]:
                    problem(f"{name}: {t} maps to itself")
                if present(t, NEWEST, lists):
                    continue
                if t not in step:
                    problem(f"{name}: {row['from']} -> {t}: not in keys-{NEWEST}.txt and "
                            "not the from of a later row")
                elif t not in known:
                    problem(f"{name}: chain step {t} is in no key list and not in appendix A")
                elif semver(step[t][0]) <= semver(row["since"]):
                    problem(f"{name}: chain {row['from']} -> {t} does not move forward "
                            f"({row['since']} then {step[t][0]})")

    def ends(key, path):
        if key in path:
            problem(f"chain cycle: {' -> '.join(path + [key])}")
            return
        if key not in step:
            if not present(key, NEWEST, lists):
                problem(f"chain {' -> '.join(path + [key])} ends outside keys-{NEWEST}.txt")
            return
        for nxt in step[key][1]:
            ends(nxt, path + [key])

    for key in step:
        ends(key, [])


def check_i_rows(doc, i_rows: dict) -> None:
    used = {}
    for name in ("renames", "splits", "oie_keys", "classic_only"):
        for row in doc[name]:
            used.setdefault(row["kb"], []).append(row)
    for rid, (ver, full) in i_rows.items():
        rows = used.get(rid, [])
        if not rows:
            problem(f"{rid}: no row implements it")
            continue
        mentioned = set()
        for r in rows:
            mentioned |= {r.get("from"), r.get("to"), r.get("key")}
            mentioned |= set(r.get("candidates", [])) | set(r.get("alternatives", []))
            mentioned |= set(re.findall(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+", r.get("note", "")))
        for key in full:
            if key not in mentioned:
                problem(f"{rid}: key {key} quoted in the I-table is not in its rows")
        versions = set(re.findall(r"\d+\.\d+\.\d+", ver))
        for r in rows:
            if "since" in r and versions and r["since"] not in versions:
                problem(f"{rid}: {r['from']} since {r['since']} not in Ver column {ver!r}")
    for rid in ("I33", "I34"):
        if rid not in used:
            problem(f"{rid}: no classic_only row")


def main() -> int:
    kdir = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "knowledge"
    facts, appendix, lists, presence = read_knowledge(kdir)
    removed_a, truncated, classic_b = parse_appendix(appendix)
    i_rows = parse_i_rows(facts)
    if len(i_rows) != 34:
        problem(f"widget-facts.md: {len(i_rows)} I-rows, expected 34")
    raw = TABLE.read_text(encoding="utf-8")
    doc = json.loads(raw)
    kb_rows = check_kb_file(KB.read_text(encoding="utf-8"), facts)

    check_format(raw, doc)
    check_kb(doc, kb_rows)
    check_order_and_uniqueness(doc)
    check_sources(doc, removed_a, lists, presence)
    check_coverage(doc, removed_a, classic_b, lists)
    check_targets(doc, removed_a, lists)
    check_i_rows(doc, i_rows)

    for row in truncated:
        print(f"info: appendix A row {row}: removed-keys list is truncated")
    for msg in problems:
        print(msg)
    counts = ", ".join(f"{k}={len(doc[k])}" for k in SHAPES)
    print(f"{'FAIL' if problems else 'ok'}: {len(problems)} problem(s); {counts}; "
          f"appendix A {len(removed_a)} keys, appendix B {len(classic_b)} keys")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
