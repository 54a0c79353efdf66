#!/usr/bin/env python3
"""Generate transforms/releases/login-texts.tsv: the stock English texts of the widget.

For every release packed in transforms/releases/index.json, reads
dist/labels/properties/login.properties from the npm tarball that
tools/gen_releases.py cached (same --cache-dir), decodes every entry as
java.util.Properties.load does, and records the 64-bit FNV-1a hash of
`key + "\\0" + value` (UTF-8). A row is `<16 hex digits>\\t<bits>`, one bit per
release in index.json order (1 = that release ships that key with that exact
English text), sorted by hash. The rule `i18n/stock-bundle` uses it to tell a copy
of a release's bundle from a file of real overrides; hashes keep the table small
and the texts out of the repository.

Usage: python3 tools/gen_stock_texts.py [--cache-dir DIR] [--out-dir DIR]
Run by hand after tools/gen_releases.py; never by the build or the tests.
Standard library only.
"""

import argparse
import json
import os
import re
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "transforms" / "releases"
SOURCE = "package/dist/labels/properties/login.properties"
PROP_WS = " \t\f"
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3


def fnv1a(data):
    h = FNV_OFFSET
    for b in data:
        h ^= b
        h = (h * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


def unescape(text):
    out, j = [], 0
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text):
            n = text[j + 1]
            if n == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[j + 2:j + 6] or ""):
                out.append(chr(int(text[j + 2:j + 6], 16)))
                j += 6
                continue
            out.append({"t": "\t", "n": "\n", "r": "\r", "f": "\f"}.get(n, n))
            j += 2
            continue
        out.append(c)
        j += 1
    return "".join(out)


def entries(source):
    """(key, value) pairs as Properties.load reads them (UTF-16 pairs joined)."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].lstrip(PROP_WS)
        i += 1
        if not line or line[0] in "#!":
            continue
        while True:
            trailing = len(line) - len(line.rstrip("\\"))
            if trailing % 2 == 0 or i >= len(lines):
                if trailing % 2 == 1:
                    line = line[:-1]
                break
            line = line[:-1] + lines[i].lstrip(PROP_WS)
            i += 1
        # The key ends at the first unescaped separator or blank.
        j = 0
        while j < len(line):
            c = line[j]
            if c == "\\":
                j += 2
                continue
            if c in "=:" or c in PROP_WS:
                break
            j += 1
        key = line[:j]
        rest = line[j:].lstrip(PROP_WS)
        if rest[:1] in ("=", ":"):
            rest = rest[1:].lstrip(PROP_WS)
        value = unescape(rest)
        # \\uD83D\\uDE00 pairs decode to one code point, as Rust's decoder does.
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        yield unescape(key), value


def main():
    ap = argparse.ArgumentParser()
    default_cache = os.environ.get("SIW_RELEASES_CACHE") or str(
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        / "widget-migrate" / "siw-releases")
    ap.add_argument("--cache-dir", default=default_cache)
    ap.add_argument("--out-dir", default=str(DEFAULT_OUT))
    args = ap.parse_args()
    out = Path(args.out_dir)
    versions = json.loads((out / "index.json").read_text(encoding="utf-8"))["versions"]
    bits = {}
    for col, version in enumerate(versions):
        path = Path(args.cache_dir) / ("okta-okta-signin-widget-%s.tgz" % version)
        if not path.exists():
            sys.exit("gen_stock_texts: %s is not cached; run tools/gen_releases.py first" % path)
        with tarfile.open(path, "r:gz") as tar:
            data = tar.extractfile(SOURCE).read()
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            source = data.decode("latin-1")
        count = 0
        for key, value in entries(source):
            h = fnv1a(key.encode("utf-8") + b"\0" + value.encode("utf-8"))
            bits.setdefault(h, ["0"] * len(versions))[col] = "1"
            count += 1
        print("%s\t%d entries" % (version, count), file=sys.stderr)
    lines = ["text\tpresence"] + ["%016x\t%s" % (h, "".join(b)) for h, b in sorted(bits.items())]
    target = out / "login-texts.tsv"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("wrote %s (%d texts)" % (target, len(bits)), file=sys.stderr)


if __name__ == "__main__":
    main()
