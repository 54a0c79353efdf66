#!/usr/bin/env python3
"""Generate the release knowledge base under transforms/releases/.

Downloads chosen releases of @okta/okta-signin-widget with `npm pack
--ignore-scripts` into a cache directory outside the repository, reads each
tarball with `tarfile` (nothing is unpacked to disk, no package script runs)
and writes compact, sorted, deterministic files:

  index.json         versions packed (semver order = bit-column order), the
                     requested -> packed substitutions, the file each column
                     was read from, and the versions a column is unknown for
  login-keys.tsv     English i18n keys (dist/labels/properties/login.properties)
  country-codes.tsv  keys of the English country.properties
  options.tsv        top-level widget option names
  css-names.tsv      `.class` / `#id` names in the shipped main CSS
  css-names-next.tsv the same for the Gen3 okta-sign-in.next.css alone
  exports.tsv        subpaths the package.json `exports` map allows
  dist-files.tsv     the `js/*.js` and `css/*.css` files under dist/ (what the
                     Okta CDN serves as okta-signin-widget/<version>/<file>)

Every .tsv has a header line and then `<name>\\t<bits>`, one bit per packed
version in index.json order (1 = that release has the name).

Usage: python3 tools/gen_releases.py [--cache-dir DIR] [--refresh-versions]
                                     [--knowledge-dir DIR] [--out-dir DIR]

The cache defaults to $SIW_RELEASES_CACHE, else
${XDG_CACHE_HOME:-~/.cache}/widget-migrate/siw-releases. It keeps the
tarballs and npm-versions.json (the answer of `npm view <pkg> versions
--json`, asked once and then reused so that re-runs resolve the same
versions; pass --refresh-versions to ask npm again).

After writing, the login-keys / options / css-names columns of the releases
the knowledge oracle describes are compared with oracle/keys-*.txt,
options-*.txt and css-classes-*.txt; differences are printed (they do not
change the output). Run by hand, never by the build or the tests.
Standard library only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

# Releases where i18n keys, options or import paths changed. When an exact
# version was never published, the nearest later patch release of the same
# minor is packed instead (recorded in index.json); when the minor has no
# later patch either, the version is skipped (index.json "missing").
REQUESTED_VERSIONS = [
    "3.0.0", "3.4.0", "3.5.0", "3.8.0", "3.8.1", "3.9.0",
    "4.0.0", "4.1.4", "4.2.0", "4.2.1", "4.2.2", "4.2.3", "4.4.0", "4.4.2",
    "5.0.0", "5.0.2", "5.1.3", "5.1.5", "5.3.0", "5.3.3", "5.4.3", "5.5.0",
    "5.5.1", "5.5.2", "5.5.3", "5.6.3", "5.6.4", "5.7.0", "5.8.0", "5.8.2",
    "5.10.0", "5.13.0", "5.15.0", "5.16.1",
    "6.0.0", "6.3.0", "6.4.0", "6.7.0", "6.9.0",
    "7.0.0", "7.1.0", "7.12.0", "7.13.0", "7.16.0", "7.19.0", "7.20.0",
    "7.22.0", "7.27.0", "7.37.0", "7.40.0", "7.49.0",
]

PACKAGE = "@okta/okta-signin-widget"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "transforms" / "releases"
DEFAULT_KNOWLEDGE = REPO.parent / "shared" / "knowledge"

LABEL_DIRS = ["dist/labels/properties/", "dist/labels/json/"]
MAIN_CSS = ["dist/css/okta-sign-in.min.css", "dist/css/okta-sign-in.next.css"]
OPTIONS_DTS_SUFFIX = "/types/options.d.ts"
SETTINGS_ESM = "dist/esm/src/models/Settings.js"
SETTINGS_BUNDLES = [
    "dist/js/okta-sign-in.entry.js",
    "dist/js/okta-sign-in.js",
    "dist/js/okta-sign-in.min.js",
]


def die(msg):
    print("gen_releases: " + msg, file=sys.stderr)
    sys.exit(1)


def semver_key(version):
    core = version.split("-", 1)[0].split("+", 1)[0]
    parts = core.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


# ---------------------------------------------------------------- npm access


def published_versions(cache, refresh):
    path = cache / "npm-versions.json"
    if refresh or not path.exists():
        out = subprocess.run(
            ["npm", "view", PACKAGE, "versions", "--json"],
            check=True, capture_output=True, text=True,
        ).stdout
        versions = json.loads(out)
        if isinstance(versions, str):
            versions = [versions]
        path.write_text(json.dumps(sorted(versions, key=lambda v: (semver_key(v) or (0, 0, 0), v)), indent=1) + "\n")
    return json.loads(path.read_text())


def resolve_versions(published):
    """requested -> packed version (or None), following the substitution rule."""
    stable = {}
    for v in published:
        key = semver_key(v)
        if key is not None and "-" not in v and "+" not in v:
            stable[key] = v
    resolved = {}
    for req in REQUESTED_VERSIONS:
        key = semver_key(req)
        if key in stable:
            resolved[req] = stable[key]
            continue
        later = sorted(k for k in stable if k[:2] == key[:2] and k[2] > key[2])
        resolved[req] = stable[later[0]] if later else None
    return resolved


def tarball(cache, version):
    name = "okta-okta-signin-widget-%s.tgz" % version
    path = cache / name
    if not path.exists():
        print("packing %s@%s" % (PACKAGE, version), file=sys.stderr)
        # Pack into a scratch directory first so an interrupted download never
        # leaves a truncated tarball in the cache.
        partial = cache / ".partial"
        partial.mkdir(exist_ok=True)
        subprocess.run(
            ["npm", "pack", "%s@%s" % (PACKAGE, version), "--ignore-scripts",
             "--silent", "--pack-destination", str(partial)],
            check=True, stdout=subprocess.DEVNULL,
        )
        if not (partial / name).exists():
            die("npm pack did not produce %s" % (partial / name))
        os.replace(partial / name, path)
    return path


def wanted(name):
    """Files (relative to package/) whose contents the extractors read."""
    if name == "package.json" or name == "README.md":
        return True
    if name in MAIN_CSS or name == SETTINGS_ESM or name in SETTINGS_BUNDLES:
        return True
    if name.endswith(OPTIONS_DTS_SUFFIX) and name.startswith("types/"):
        return True
    base = name.rsplit("/", 1)[-1]
    return base in ("login.properties", "country.properties", "login.json", "country.json")


def read_package(path):
    """(all file names, {wanted name: bytes}) with the `package/` prefix removed."""
    names, files = [], {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            name = member.name
            # npm tarballs put everything under one top directory (`package/`).
            name = name.split("/", 1)[1] if "/" in name else name
            names.append(name)
            if wanted(name):
                files[name] = tar.extractfile(member).read()
    return sorted(names), files


def text(data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --------------------------------------------------------- .properties files

PROP_WS = " \t\f"


def logical_lines(source):
    """The entry lines of a java.util.Properties file, continuation lines joined, as
    Properties.load reads them (comments and blank lines skipped)."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].lstrip(PROP_WS)
        i += 1
        if not line or line[0] in "#!":
            continue
        # Join continuation lines: an odd number of trailing backslashes.
        while True:
            trailing = len(line) - len(line.rstrip("\\"))
            if trailing % 2 == 0 or i >= len(lines):
                if trailing % 2 == 1:
                    line = line[:-1]
                break
            line = line[:-1] + lines[i].lstrip(PROP_WS)
            i += 1
        yield line


def decode(text, key=True):
    """(text with its escapes resolved, index where it ends): a key ends at the first
    unescaped separator or blank, a value (`key=False`) at the end of the line."""
    out = []
    j = 0
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
        if key and (c in "=:" or c in PROP_WS):
            break
        out.append(c)
        j += 1
    return "".join(out), j


def split_entry(line):
    """(decoded key, index where the key ends) of one logical line."""
    return decode(line)


def properties_keys(source):
    """Keys of a java.util.Properties file, as Properties.load would read them."""
    return [split_entry(line)[0] for line in logical_lines(source)]


def label_keys(files, stem):
    """(keys, source file) of the English `stem` bundle, properties first."""
    candidates = [d + stem + ".properties" for d in LABEL_DIRS[:1]]
    candidates += sorted(n for n in files if n.endswith("/" + stem + ".properties") and n not in candidates)
    for name in candidates:
        if name in files:
            keys = set(properties_keys(text(files[name])))
            twin = LABEL_DIRS[1] + stem + ".json"
            if twin in files and set(json.loads(text(files[twin]))) != keys:
                print("  note: %s and %s list different keys" % (name, twin), file=sys.stderr)
            return keys, name
    json_names = [LABEL_DIRS[1] + stem + ".json"]
    json_names += sorted(n for n in files if n.endswith("/" + stem + ".json") and n not in json_names)
    for name in json_names:
        if name in files:
            data = json.loads(text(files[name]))
            if isinstance(data, dict):
                return set(data), name
    return None, None


# ------------------------------------------------------------------- CSS


CSS_NAME = r"-?(?:[_a-zA-Z]|[^\x00-\x7f]|\\.)(?:[_a-zA-Z0-9-]|[^\x00-\x7f]|\\.)*"
CSS_SELECTOR_NAME = re.compile(r"([.#])(" + CSS_NAME + ")")
RULE_LIST_AT_RULES = {"media", "supports", "document", "-moz-document", "layer", "container", "scope"}


def css_unescape(name):
    def repl(m):
        esc = m.group(1)
        if re.fullmatch(r"[0-9a-fA-F]{1,6}\s?", esc):
            return chr(int(esc.strip(), 16))
        return esc
    return re.sub(r"\\([0-9a-fA-F]{1,6}\s?|.)", repl, name)


def selector_names(selector):
    # Attribute selectors and strings never name a class or id of the element.
    cleaned = re.sub(r"\[[^\]]*\]", " ", selector)
    return {kind + css_unescape(name) for kind, name in CSS_SELECTOR_NAME.findall(cleaned)}


def css_names(source):
    """`.class` and `#id` names used by the selectors of a stylesheet."""
    # Comments out, strings blanked (they may hold braces or semicolons).
    src = re.sub(r"/\*.*?\*/", " ", source, flags=re.S)
    src = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', src)
    names = set()
    stack = []  # True = block holds rules, False = block holds declarations / other
    prelude_start = 0
    i = 0
    while i < len(src):
        c = src[i]
        if c == "{":
            prelude = src[prelude_start:i].strip()
            in_rules = not stack or stack[-1]
            if not in_rules:
                stack.append(False)
            elif prelude.startswith("@"):
                at = re.match(r"@([-\w]+)", prelude)
                stack.append(bool(at) and at.group(1).lower() in RULE_LIST_AT_RULES)
            else:
                names |= selector_names(prelude)
                stack.append(False)
            prelude_start = i + 1
        elif c == "}":
            if stack:
                stack.pop()
            prelude_start = i + 1
        elif c == ";" and (not stack or stack[-1]):
            prelude_start = i + 1  # @charset / @import statement
        i += 1
    return names


# --------------------------------------------------------- JS / TS scanning

IDENT = re.compile(r"[A-Za-z_$][\w$]*")
IDENT_OR_NUMBER = re.compile(r"[\w$]+")
NUMBER = re.compile(r"[\w.]+")
REGEX_PRECEDERS = set("(,=:[!&|?{};+-*%<>~^")
REGEX_KEYWORDS = {"return", "typeof", "case", "do", "else", "in", "instanceof", "new", "delete", "void", "throw", "yield", "await"}


class JsScanner:
    """Just enough of a JavaScript lexer to walk object literals in shipped code."""

    def __init__(self, src):
        self.src = src

    def skip_ws(self, i):
        src = self.src
        while i < len(src):
            if src[i].isspace():
                i += 1
            elif src.startswith("//", i):
                j = src.find("\n", i)
                i = len(src) if j < 0 else j + 1
            elif src.startswith("/*", i):
                j = src.find("*/", i + 2)
                i = len(src) if j < 0 else j + 2
            else:
                break
        return i

    def string_end(self, i):
        quote, src = self.src[i], self.src
        i += 1
        while i < len(src):
            c = src[i]
            if c == "\\":
                i += 2
                continue
            if quote == "`" and src.startswith("${", i):
                i = self.balanced_end(i + 1)
                continue
            if c == quote:
                return i + 1
            i += 1
        return i

    def regex_end(self, i):
        src = self.src
        i += 1
        in_class = False
        while i < len(src) and src[i] != "\n":
            c = src[i]
            if c == "\\":
                i += 2
                continue
            if c == "[":
                in_class = True
            elif c == "]":
                in_class = False
            elif c == "/" and not in_class:
                i += 1
                while i < len(src) and (src[i].isalnum() or src[i] in "_$"):
                    i += 1
                return i
            i += 1
        return i

    def regex_allowed(self, prev):
        if prev is None:
            return True
        if prev in REGEX_KEYWORDS:
            return True
        return len(prev) == 1 and prev in REGEX_PRECEDERS

    def tokens(self, i):
        """Yield (start, end, token) from i; strings, comments and regexes are single tokens."""
        src = self.src
        prev = None
        while True:
            i = self.skip_ws(i)
            if i >= len(src):
                return
            c = src[i]
            if c in "'\"`":
                j = self.string_end(i)
            elif c == "/" and self.regex_allowed(prev):
                j = self.regex_end(i)
            else:
                m = IDENT.match(src, i)
                if m:
                    j = m.end()
                elif c.isdigit():
                    j = NUMBER.match(src, i).end()
                else:
                    j = i + 1
            tok = src[i:j]
            yield i, j, tok
            prev = tok if not tok[0] in "'\"`" else "str"
            i = j

    def balanced_end(self, i):
        """src[i] is an opening bracket; return the index after its partner."""
        depth = 0
        for _, j, tok in self.tokens(i):
            if tok in ("{", "(", "["):
                depth += 1
            elif tok in ("}", ")", "]"):
                depth -= 1
                if depth == 0:
                    return j
        return len(self.src)

    def object_entries(self, i, typescript=False):
        """src[i] == '{': list of (key, value_start, value_end) of its members.

        key is None for spreads, computed keys and index signatures. With
        typescript=True, `<...>` brackets nest too (so `Record<K, V>` is one
        value) and a `?` after the key is skipped.
        """
        return self.members(self.skip_ws(i + 1), typescript)

    def members(self, i, typescript=False):
        """Object members from src[i] up to the '}' that closes their object."""
        src = self.src
        entries = []
        while i < len(src) and src[i] != "}":
            if src.startswith("...", i):
                key, kend = None, i + 3
            elif src[i] in "'\"":
                kend = self.string_end(i)
                key = decode_js_string(src[i:kend])
            elif src[i] == "[":
                key, kend = None, self.balanced_end(i)
            else:
                m = IDENT_OR_NUMBER.match(src, i)
                if not m:
                    raise ValueError("unexpected %r at %d" % (src[i:i + 20], i))
                key, kend = m.group(0), m.end()
                # get / set / async / readonly prefixes: the real name follows
                nxt = self.skip_ws(kend)
                if key in ("get", "set", "async", "static", "readonly") and IDENT.match(src, nxt):
                    m = IDENT.match(src, nxt)
                    key, kend = m.group(0), m.end()
            j = self.skip_ws(kend)
            if typescript and j < len(src) and src[j] == "?":
                j = self.skip_ws(j + 1)
            vstart = j
            if j < len(src) and src[j] == ":":
                vstart = self.skip_ws(j + 1)
            # the value (or method) runs to the next ',' or '}' at this level
            depth = 0
            vend = len(src)
            prev = None
            for s, e, tok in self.tokens(vstart):
                if tok in ("{", "(", "[") or (typescript and tok == "<"):
                    depth += 1
                elif tok in ("}", ")", "]") or (typescript and tok == ">" and prev != "="):
                    if depth == 0:
                        vend = s
                        break
                    depth -= 1
                elif tok == "," and depth == 0:
                    vend = s
                    break
                prev = tok
            entries.append((key, vstart, vend))
            i = vend
            if i < len(src) and src[i] == ",":
                i = self.skip_ws(i + 1)
        return entries

    def string_list(self, start, end):
        """The string literals among the tokens of src[start:end]."""
        found = []
        for s, _, tok in self.tokens(start):
            if s >= end:
                break
            if tok[0] in "'\"`":
                found.append(decode_js_string(tok))
        return found


JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def decode_js_string(tok):
    """Value of a JS string literal token (template literals taken verbatim)."""
    body = tok[1:-1]
    if tok[0] == "`":
        return body

    def repl(m):
        esc = m.group(1)
        if esc[0] in "ux" and len(esc) > 1:
            return chr(int(esc.strip("u{}x"), 16))
        return JS_ESCAPES.get(esc, esc)
    return re.sub(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", repl, body, flags=re.S)


LOCAL_DECL = re.compile(r"\blocal\s*([:=])\s*\{")
DERIVED_CONST = re.compile(r"\bderived\s*=\s*\{")


def settings_schema(src):
    """(local keys, external derived deps, derived found?) of the widget
    Settings model, or None when the file has no such model.

    The Settings model is the object whose `local` schema has both `baseUrl`
    and `globalSuccessFn`. Its `derived` schema is the `derived` member that
    follows `local` in the same object literal (minified bundles), or the
    first `derived = {...}` declaration after `local = {...}` (ESM build,
    unminified bundle). A derived dependency that is neither a local key nor
    a derived name is an option the model reads without declaring it
    (e.g. useInteractionCodeFlow in 5.x).
    """
    js = JsScanner(src)
    for m in LOCAL_DECL.finditer(src):
        brace = m.end() - 1
        try:
            entries = js.object_entries(brace)
        except ValueError:
            continue
        local = {k for k, _, _ in entries if k is not None}
        if "baseUrl" not in local or "globalSuccessFn" not in local:
            continue
        derived_at = None
        if m.group(1) == ":":
            after = js.skip_ws(js.balanced_end(brace))
            if after < len(src) and src[after] == ",":
                for key, vs, _ in js.members(js.skip_ws(after + 1)):
                    if key == "derived" and src[vs] == "{":
                        derived_at = vs
        else:
            d = DERIVED_CONST.search(src, brace)
            derived_at = d.end() - 1 if d else None
        deps, names = set(), set()
        if derived_at is not None:
            for key, vs, _ in js.object_entries(derived_at):
                if key is None:
                    continue
                names.add(key)
                if src[vs] != "{":
                    continue
                for k2, s2, e2 in js.object_entries(vs):
                    if k2 == "deps":
                        deps.update(js.string_list(s2, e2))
        external = {dep for dep in deps if dep not in names and dep not in local}
        return local, external, derived_at is not None
    return None


def ts_interface_members(src, name, seen=None):
    """Member names of `interface name` in a .d.ts, following `extends` of
    interfaces declared in the same file and collecting the string literals
    of `Pick<Other, 'a' | 'b'>` clauses (members taken from another package)."""
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    m = re.search(r"\binterface\s+" + re.escape(name) + r"\b([^{]*)\{", src)
    if not m:
        return set()
    members = set()
    heritage = m.group(1)
    for pick in re.finditer(r"Pick<\s*[\w.]+\s*,([^>]*)>", heritage):
        members.update(re.findall(r"['\"]([^'\"]+)['\"]", pick.group(1)))
    if "extends" in heritage:
        bases = re.sub(r"<[^<>]*>", "", re.sub(r"<[^<>]*>", "", heritage.split("extends", 1)[1]))
        for base in re.findall(r"[A-Za-z_]\w*", bases):
            members |= ts_interface_members(src, base, seen)
    # members are separated by ';' in declaration files
    body_start = m.end() - 1
    body = src[:body_start] + re.sub(r";", ",", src[body_start:JsScanner(src).balanced_end(body_start)])
    for key, _, _ in JsScanner(body).object_entries(body_start, typescript=True):
        if key is not None:
            members.add(key)
    return members


def options_dts_members(src):
    return ts_interface_members(src, "WidgetOptions")


README_BULLET = re.compile(r"^\s*[-*+]\s+\*\*`?([A-Za-z_$][\w$]*)")
README_TOP_KEY = re.compile(r"^  ([A-Za-z_$][\w$]*)\s*:")


def readme_option_mentions(source):
    """Names the README documents like options: the first segment of a
    `- **name...**` bullet, or a key at the top level (two-space indent) of an
    object literal in a fenced code example."""
    found = set()
    fenced = False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = (README_TOP_KEY if fenced else README_BULLET).match(line)
        if m:
            found.add(m.group(1))
    return found


def option_evidence(files):
    """What one release says about its options: WidgetOptions members of the
    shipped .d.ts, the Settings model schema, and README mentions."""
    ev = {"ts": None, "settings": None, "readme": set(), "sources": []}
    dts = sorted(n for n in files if n.startswith("types/") and n.endswith(OPTIONS_DTS_SUFFIX))
    if dts:
        members = options_dts_members(text(files[dts[0]]))
        if members:
            ev["ts"] = members
            ev["sources"].append(dts[0])
    for name in [SETTINGS_ESM] + SETTINGS_BUNDLES:
        if name in files:
            schema = settings_schema(text(files[name]))
            if schema:
                local, external, has_derived = schema
                ev["settings"] = {k.split(".", 1)[0] for k in local | external}
                ev["sources"].append(name if has_derived else name + " (local only, no derived)")
                break
    if "README.md" in files:
        ev["readme"] = readme_option_mentions(text(files["README.md"]))
    return ev


def resolve_options(evidence):
    """Top-level option names per release (None = unknown), and the README
    names added per release.

    A release's options are the WidgetOptions members of its .d.ts plus the
    first segments of its Settings schema keys and external derived deps.
    Releases without a .d.ts also get the README-documented names that some
    packed release declares in WidgetOptions (e.g. authParams, authClient, el,
    which older widgets read outside the Settings model); the filter keeps
    README prose and nested example keys out. Without a Settings schema the
    release is unknown.
    """
    declared = set()
    for ev in evidence:
        declared |= ev["ts"] or set()
    result, added = [], []
    for ev in evidence:
        if ev["settings"] is None:
            result.append(None)
            added.append([])
            continue
        opts = set(ev["settings"]) | (ev["ts"] or set())
        extra = set()
        if ev["ts"] is None:
            extra = (ev["readme"] & declared) - opts
            opts |= extra
        result.append(opts)
        added.append(sorted(extra))
    return result, added


# ------------------------------------------------------------------ exports


def export_leaves(target):
    """Every string target an `exports` value can resolve to (null excluded)."""
    if isinstance(target, str):
        return [target]
    if isinstance(target, list):
        return [t for item in target for t in export_leaves(item)]
    if isinstance(target, dict):
        return [t for value in target.values() for t in export_leaves(value)]
    return []


def export_subpaths(exports, names):
    if exports is None:
        return None
    if isinstance(exports, (str, list)) or (isinstance(exports, dict) and not any(k.startswith(".") for k in exports)):
        exports = {".": exports}
    subpaths = set()
    for key, target in exports.items():
        leaves = [t for t in export_leaves(target) if t.startswith("./")]
        if not leaves:
            continue
        subpaths.add(key)
        # A subpath pattern (`./css/*`) or a folder mapping (`./css/`, the
        # form Node deprecated): also list the files it makes importable.
        if key.count("*") == 1:
            for leaf in leaves:
                if leaf.count("*") != 1:
                    continue
                pre, post = leaf[2:].split("*")
                for name in names:
                    if name.startswith(pre) and name.endswith(post) and len(name) >= len(pre) + len(post):
                        subpaths.add(key.replace("*", name[len(pre):len(name) - len(post)]))
        elif key.endswith("/"):
            for leaf in leaves:
                if leaf.endswith("/"):
                    subpaths.update(key + name[len(leaf) - 2:] for name in names if name.startswith(leaf[2:]))
    return subpaths


# ------------------------------------------------------------------ output


def dist_files(names):
    """`js/<file>.js` and `css/<file>.css` directly under dist/ (no source maps, no subfolders)."""
    found = set()
    for name in names:
        m = re.fullmatch(r"dist/((?:js/[^/]+\.js)|(?:css/[^/]+\.css))", name)
        if m:
            found.add(m.group(1))
    return found


def bits_table(header, per_version):
    """Lines `name\\tbits` over the union of all names, sorted."""
    every = set()
    for names in per_version:
        every |= names or set()
    lines = [header + "\tpresence"]
    for name in sorted(every):
        if any(c in name for c in "\t\n\r"):
            die("name with a tab or line break: %r" % name)
        lines.append(name + "\t" + "".join("1" if names and name in names else "0" for names in per_version))
    return "\n".join(lines) + "\n"


def write(path, content):
    path.write_bytes(content.encode("utf-8"))


def to_json(value, indent=""):
    """JSON with one member per line but lists of scalars kept on one line."""
    if isinstance(value, dict) and value:
        inner = indent + " "
        items = ["%s%s: %s" % (inner, json.dumps(k, ensure_ascii=False), to_json(v, inner)) for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    return json.dumps(value, ensure_ascii=False)


def cross_check(label, ours, oracle_file):
    if not oracle_file.exists():
        print("  %s: %s missing, not checked" % (label, oracle_file.name))
        return
    theirs = {line.strip() for line in oracle_file.read_text(encoding="utf-8").splitlines() if line.strip()}
    ours = ours or set()
    only_ours = sorted(ours - theirs)
    only_theirs = sorted(theirs - ours)
    if not only_ours and not only_theirs:
        print("  %s: equal to %s (%d names)" % (label, oracle_file.name, len(ours)))
        return
    print("  %s: DIFFERS from %s (ours %d, oracle %d)" % (label, oracle_file.name, len(ours), len(theirs)))
    if only_ours:
        print("    only here:   " + " ".join(only_ours))
    if only_theirs:
        print("    only oracle: " + " ".join(only_theirs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_cache = os.environ.get("SIW_RELEASES_CACHE") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "widget-migrate" / "siw-releases")
    ap.add_argument("--cache-dir", default=default_cache)
    ap.add_argument("--out-dir", default=str(DEFAULT_OUT))
    ap.add_argument("--knowledge-dir", default=str(DEFAULT_KNOWLEDGE))
    ap.add_argument("--refresh-versions", action="store_true")
    args = ap.parse_args()

    cache = Path(args.cache_dir).resolve()
    out = Path(args.out_dir)
    if cache == REPO or REPO in cache.parents:
        die("the cache directory must be outside the repository")
    cache.mkdir(parents=True, exist_ok=True)

    resolved = resolve_versions(published_versions(cache, args.refresh_versions))
    packed = sorted({v for v in resolved.values() if v}, key=semver_key)

    login, country, css, css_main, css_next, exports, evidence, dist = [], [], [], [], [], [], [], []
    sources = {col: {} for col in ("login", "country", "options", "css", "exports")}

    def used(col, what, version):
        sources[col].setdefault(what or "(not found)", []).append(version)

    for version in packed:
        names, files = read_package(tarball(cache, version))
        pkg = json.loads(text(files["package.json"]))
        if pkg.get("version") != version:
            die("%s: package.json says %s" % (version, pkg.get("version")))

        for col, table in (("login", login), ("country", country)):
            keys, name = label_keys(files, col)
            table.append(keys)
            used(col, name, version)

        ev = option_evidence(files)
        used("options", " + ".join(ev["sources"]), version)
        evidence.append(ev)

        css_set, css_files = set(), []
        for name in MAIN_CSS:
            if name in files:
                found = css_names(text(files[name]))
                css_set |= found
                css_files.append(name)
                if name == MAIN_CSS[0]:
                    css_main.append(found)
                else:
                    css_next.append(found)
        if MAIN_CSS[0] not in files:
            css_main.append(None)
        if MAIN_CSS[1] not in files:
            css_next.append(None)
        css.append(css_set if css_files else None)
        used("css", " + ".join(css_files), version)

        subpaths = export_subpaths(pkg.get("exports"), names)
        used("exports", "package.json exports" if subpaths is not None else None, version)
        exports.append(subpaths)
        dist.append(dist_files(names))

        print("%-7s login=%s country=%s css=%s exports=%s" % (
            version, len(login[-1] or ()), len(country[-1] or ()),
            len(css_set), "-" if subpaths is None else len(subpaths)), file=sys.stderr)

    options, readme_added = resolve_options(evidence)
    index = {
        "_comment": (
            "Generated by tools/gen_releases.py from the npm releases of the package; do not edit. "
            "`versions`: the releases packed, in semver order; character i of every presence "
            "string in the .tsv files of this directory is versions[i] (1 = the release has the name). "
            "`substitutions`: requested versions never published -> the later patch release packed "
            "instead; `missing`: requested versions with no later patch in their minor line (skipped). "
            "`sources`: per column, the package files read -> the versions read that way. "
            "`options_from_readme`: names a release without a .d.ts documents in its README and some "
            "packed release declares in WidgetOptions. css-names has the names of okta-sign-in.min.css "
            "plus, where shipped, the Gen3 okta-sign-in.next.css; css-names-next has the names of "
            "okta-sign-in.next.css alone (all 0 where a release does not ship it). exports lists each exports key and "
            "the files a `*` pattern or `/` folder key makes importable. dist-files lists the "
            "js/*.js and css/*.css files directly under dist/ (the files the Okta CDN serves). "
            "`options_unknown` / "
            "`no_exports`: versions whose options / exports column is all 0 because there is nothing "
            "to read."),
        "package": PACKAGE,
        "versions": packed,
        "substitutions": {req: got for req, got in resolved.items() if got and got != req},
        "missing": [req for req, got in resolved.items() if got is None],
        "sources": {col: dict(sorted(by.items())) for col, by in sources.items()},
        "options_from_readme": {v: extra for v, extra in zip(packed, readme_added) if extra},
        "options_unknown": [v for v, opts in zip(packed, options) if opts is None],
        "no_exports": [v for v, sub in zip(packed, exports) if sub is None],
    }

    out.mkdir(parents=True, exist_ok=True)
    write(out / "index.json", to_json(index) + "\n")
    write(out / "login-keys.tsv", bits_table("key", login))
    write(out / "country-codes.tsv", bits_table("code", country))
    write(out / "options.tsv", bits_table("option", options))
    write(out / "css-names.tsv", bits_table("name", css))
    write(out / "css-names-next.tsv", bits_table("name", css_next))
    write(out / "exports.tsv", bits_table("subpath", exports))
    write(out / "dist-files.tsv", bits_table("file", dist))

    oracle = Path(args.knowledge_dir) / "oracle"
    print("cross-check against %s:" % oracle)
    for i, version in enumerate(packed):
        if not (oracle / ("keys-%s.txt" % version)).exists():
            continue
        cross_check("login keys %s" % version, login[i], oracle / ("keys-%s.txt" % version))
        cross_check("options %s" % version, options[i], oracle / ("options-%s.txt" % version))
        cross_check("css %s (min.css)" % version, css_main[i], oracle / ("css-classes-%s.txt" % version))
        if css_next[i] is not None:
            cross_check("css %s (next.css)" % version, css_next[i], oracle / ("css-classes-%s-next.txt" % version))
        next_only = (css[i] or set()) - (css_main[i] or set())
        if next_only:
            print("  css %s: %d names only in %s: %s" % (version, len(next_only), MAIN_CSS[1], " ".join(sorted(next_only))))
    for name in ["index.json", "login-keys.tsv", "country-codes.tsv", "options.tsv", "css-names.tsv", "css-names-next.tsv", "exports.tsv", "dist-files.tsv"]:
        print("  wrote %s (%d bytes)" % (out / name, (out / name).stat().st_size))


if __name__ == "__main__":
    main()
