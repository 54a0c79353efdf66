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
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_releases import PROP_WS, decode, logical_lines, split_entry  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "transforms" / "releases"
SOURCE = "package/dist/labels/properties/login.properties"
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3


def fnv1a(data):
    h = FNV_OFFSET
    for b in data:
        h ^= b
        h = (h * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


def value_of(line, key_end):
    """The decoded value of a logical line whose key ends at `key_end`."""
    rest = line[key_end:].lstrip(PROP_WS)
    if rest[:1] in ("=", ":"):
        rest = rest[1:].lstrip(PROP_WS)
    value, _ = decode(rest, key=False)
    # \uD83D\uDE00 pairs decode to one code point, as Rust's decoder does.
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def entries(source):
    """(key, value) pairs as Properties.load reads them (the line and key reading of
    gen_releases.py, shared)."""
    for line in logical_lines(source):
        key, end = split_entry(line)
        yield key, value_of(line, end)


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
