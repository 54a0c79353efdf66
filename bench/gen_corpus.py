#!/usr/bin/env python3
"""Writes a reproducible corpus for bench/run: a monorepo-like tree of JS/TS modules.

Same seed and size give the same bytes. About 2 % of the files hold a widget
configuration (`new OktaSignIn({... i18n: {...}})`) in the shapes the fixtures cover
(default, named and CommonJS imports, a TypeScript class, a React component), with
override keys the widget renamed (the 1:1 renames of transforms/i18n.json) among keys
it did not; the rest is ordinary code: components, services, utilities, types, tests,
a few decoys (a message table with old key names that is no widget config, a comment
naming OktaSignIn), and a few large files. Only stdlib.

    bench/gen_corpus.py OUT [--files N | --1k | --100k] [--seed S] [--single-mb MB]

Prints a JSON summary (files, bytes, widget files, expected renames) on stdout.
"""

import argparse
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "..", "transforms", "i18n.json")

# Keys that no release renamed: they stay as they are.
KEPT_KEYS = [
    "primaryauth.title",
    "primaryauth.username.placeholder",
    "primaryauth.password.placeholder",
    "password.forgot.email.or.username.placeholder",
    "help",
    "forgotpassword",
    "remember",
    "oform.next",
    "oform.verify",
    "goback",
    "errors.E0000004",
    "oie.password.label",
]
LANGS = ["en", "fr", "de", "ja", "'pt-BR'", "es", "'zh-CN'"]
WORDS = (
    "account user order item cart price total invoice report session token cache "
    "queue event handler config option value result error status page list table "
    "row column filter sort search query index count limit offset payload request "
    "response client server route view model store state action effect layout"
).split()


def renames(safe_only=False):
    """1:1 renames with chains collapsed: old key -> key the newest release reads.
    `safe_only` leaves out the rows marked unsafe (widget-migrate applies those only
    with --unsafe; the corpus has them, the other tools' rules do not)."""
    with open(TABLE, encoding="utf-8") as f:
        rows = json.load(f)["renames"]
    if safe_only:
        rows = [r for r in rows if r.get("safety") != "unsafe"]
    step = {r["from"]: r["to"] for r in rows}
    final = {}
    for old in step:
        new, seen = step[old], {old}
        while new in step and new not in seen:
            seen.add(new)
            new = step[new]
        final[old] = new
    return final


def ident(rng, cap=False):
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    name = a + b.capitalize()
    return name[0].upper() + name[1:] if cap else name


def block(rng, ts):
    """One top-level chunk of ordinary code."""
    kind = rng.randrange(8)
    n = ident(rng)
    t = (lambda s: s) if ts else (lambda s: "")
    if kind == 0:
        return (
            f"/**\n * Returns the {n} for a request.\n * @param input the raw value\n */\n"
            f"export function get{n[0].upper()}{n[1:]}(input{t(': string')}, limit{t(': number')} = {rng.randrange(1, 500)}){t(': string[]')} {{\n"
            f"  const parts = String(input).split('{rng.choice(',;:|')}');\n"
            f"  const out{t(': string[]')} = [];\n"
            f"  for (let i = 0; i < parts.length && i < limit; i += 1) {{\n"
            f"    if (parts[i].trim() !== '') {{\n      out.push(parts[i].trim().toLowerCase());\n    }}\n  }}\n"
            f"  return out;\n}}\n"
        )
    if kind == 1:
        c = ident(rng, True)
        return (
            f"export class {c}Service {{\n"
            f"  {t('private ')}cache = new Map();\n\n"
            f"  constructor({t('private readonly ')}http{t(': { get(url: string): Promise<unknown> }')}) {{\n"
            + ("" if ts else "    this.http = http;\n")
            + f"  }}\n\n"
            f"  async load(id{t(': string')}) {{\n"
            f"    if (this.cache.has(id)) return this.cache.get(id);\n"
            f"    const value = await this.http.get(`/api/{n}/${{encodeURIComponent(id)}}`);\n"
            f"    this.cache.set(id, value);\n    return value;\n  }}\n}}\n"
        )
    if kind == 2:
        return (
            f"export const {n.upper()}_DEFAULTS = {{\n"
            + "".join(
                f"  {ident(rng)}: {rng.choice([str(rng.randrange(1000)), repr(ident(rng)), 'true', 'false', 'null'])},\n"
                for _ in range(rng.randrange(3, 12))
            )
            + "};\n"
        )
    if kind == 3 and ts:
        return (
            f"export interface {ident(rng, True)} {{\n"
            + "".join(
                f"  {ident(rng)}{rng.choice(['', '?'])}: {rng.choice(['string', 'number', 'boolean', 'string[]', 'Record<string, number>'])};\n"
                for _ in range(rng.randrange(2, 9))
            )
            + "}\n"
        )
    if kind == 4:
        return (
            f"// {rng.choice(['TODO', 'NOTE', 'FIXME'])}: keep in sync with the {n} endpoint.\n"
            f"export const {n}Reducer = (state = {{ items: [], loading: false }}, action) => {{\n"
            f"  switch (action.type) {{\n"
            f"    case '{n}/start':\n      return {{ ...state, loading: true }};\n"
            f"    case '{n}/done':\n      return {{ ...state, loading: false, items: action.payload }};\n"
            f"    default:\n      return state;\n  }}\n}};\n"
        ).replace("(state =", "(state: any =" if ts else "(state =").replace(
            "action) =>", "action: any) =>" if ts else "action) =>"
        )
    if kind == 5:
        return (
            f"describe('{n}', () => {{\n"
            f"  it('handles an empty list', () => {{\n"
            f"    expect([].map((x) => x * {rng.randrange(2, 9)})).toEqual([]);\n  }});\n"
            f"  it(\"keeps order\", async () => {{\n"
            f"    const r = await Promise.all([1, 2, 3].map(async (x) => x));\n"
            f"    expect(r).toEqual([1, 2, 3]);\n  }});\n}});\n"
        )
    if kind == 6:
        return (
            f"export async function fetch{ident(rng, True)}(url{t(': string')}) {{\n"
            f"  try {{\n    const res = await fetch(url, {{ credentials: 'include' }});\n"
            f"    if (!res.ok) throw new Error(`HTTP ${{res.status}}`);\n"
            f"    return await res.json();\n  }} catch (err) {{\n"
            f"    console.error('{n} failed', err);\n    return null;\n  }}\n}}\n"
        )
    return (
        f"const {n}Labels = {{ title: \"{ident(rng)}\", help: '{ident(rng)}', count: {rng.randrange(99)} }};\n"
        f"export default {n}Labels;\n"
    )


def ordinary(rng, size, ts):
    head = "".join(
        f"import {{ {ident(rng)} }} from '{rng.choice(['../', './', '@app/'])}{rng.choice(WORDS)}';\n"
        for _ in range(rng.randrange(0, 5))
    )
    parts, total = [head, "\n"], len(head)
    while total < size:
        b = block(rng, ts)
        parts.append(b + "\n")
        total += len(b) + 1
    return "".join(parts)


def decoy(rng, old_keys, ts):
    """Old key names outside any widget config: no tool may touch them."""
    keys = rng.sample(old_keys, 3)
    body = "".join(f"  '{k}': '{ident(rng)}',\n" for k in keys)
    note = "// OktaSignIn is created by the login package; this table only feeds the help page.\n"
    return note + f"export const helpText{t_(ts)} = {{\n{body}}};\n"


def t_(ts):
    return ": Record<string, string>" if ts else ""


def i18n_block(rng, table, indent):
    """An i18n object: 1–3 languages, each with old keys (renamed) among kept ones."""
    olds = sorted(table)
    safe = renames(safe_only=True)
    lines, expected = [], 0
    for lang in rng.sample(LANGS, rng.randrange(1, 4)):
        picked, targets = [], set()
        for old in rng.sample(olds, rng.randrange(1, 6)):
            new = table[old]
            # One override per target key: two old keys of one new key (or an old key
            # next to its new one) is a conflict the tools resolve differently.
            if new in targets or old in targets or any(table.get(p) == old or p == new for p in picked):
                continue
            picked.append(old)
            targets.add(new)
        keys = picked + rng.sample(KEPT_KEYS, rng.randrange(0, 4))
        rng.shuffle(keys)
        expected += sum(1 for k in picked if k in safe)
        pad = " " * indent
        lines.append(f"{pad}{lang}: {{")
        for i, k in enumerate(keys):
            q = rng.choice(["'", "'", '"'])
            comma = "," if i + 1 < len(keys) or rng.random() < 0.5 else ""
            comment = rng.choice(["", "", "", " // reviewed by UX"])
            lines.append(f"{pad}  {q}{k}{q}: {q}{ident(rng, True)} {ident(rng)}{q}{comma}{comment}")
        lines.append(f"{pad}}},")
    return "\n".join(lines), expected


def widget(rng, table, ts, jsx):
    shape = rng.randrange(5) if not jsx else 4
    org = rng.choice(WORDS)
    opts = [
        f"baseUrl: 'https://{org}.okta.com'",
        f"clientId: '0oa{rng.randrange(10**6):06d}{org}'",
        "redirectUri: window.location.origin + '/login/callback'",
    ]
    if rng.random() < 0.5:
        opts.append(f"logo: '/static/{org}.svg'")

    def config(indent):
        pad = " " * indent
        i18n, n = i18n_block(rng, table, indent + 4)
        body = "".join(f"{pad}  {o},\n" for o in opts)
        return f"{{\n{body}{pad}  i18n: {{\n{i18n}\n{pad}  }},\n{pad}}}", n

    if shape == 0:
        cfg, n = config(0)
        text = (
            "import OktaSignIn from '@okta/okta-signin-widget';\n"
            "import '@okta/okta-signin-widget/css/okta-sign-in.min.css';\n\n"
            f"const signIn = new OktaSignIn({cfg});\n\n"
            "signIn.showSignInToGetTokens({ el: '#sign-in' }).then((tokens) => {\n"
            "  signIn.authClient.tokenManager.setTokens(tokens);\n});\n"
        )
    elif shape == 1:
        cfg, n = config(2)
        text = (
            "import { OktaSignIn } from '@okta/okta-signin-widget';\n\n"
            "export function mountLogin(el) {\n"
            f"  const widget = new OktaSignIn({cfg});\n"
            "  widget.showSignInToGetTokens({ el });\n  return widget;\n}\n"
        ).replace("(el)", "(el: HTMLElement)" if ts else "(el)")
    elif shape == 2:
        cfg, n = config(2)
        text = (
            "'use strict';\n\nconst OktaSignIn = require('@okta/okta-signin-widget');\n\n"
            "module.exports = function createWidget() {\n"
            f"  return new OktaSignIn({cfg});\n}};\n"
        )
    elif shape == 3 and ts:
        cfg, n = config(4)
        text = (
            "import OktaSignIn from '@okta/okta-signin-widget';\n\n"
            "export class LoginController {\n  private readonly widget: OktaSignIn;\n\n"
            "  constructor(private readonly el: HTMLElement) {\n"
            f"    this.widget = new OktaSignIn({cfg});\n  }}\n\n"
            "  render(): void {\n    this.widget.showSignInToGetTokens({ el: this.el });\n  }\n}\n"
        )
    else:
        cfg, n = config(4)
        text = (
            "import React, { useEffect, useRef } from 'react';\n"
            "import OktaSignIn from '@okta/okta-signin-widget';\n\n"
            "export default function Login() {\n  const ref = useRef(null);\n"
            "  useEffect(() => {\n"
            f"    const widget = new OktaSignIn({cfg});\n"
            "    widget.showSignInToGetTokens({ el: ref.current });\n"
            "    return () => widget.remove();\n  }, []);\n"
            "  return <div className=\"login\" ref={ref} />;\n}\n"
        )
        jsx = True
    return text, n, jsx


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--1k", dest="files", action="store_const", const=1_000)
    ap.add_argument("--100k", dest="files", action="store_const", const=100_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--widget-share", type=float, default=0.02)
    ap.add_argument("--single-mb", type=float, default=0, help="instead: one file of this many MB")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    table = renames()
    os.makedirs(a.out, exist_ok=True)
    # expected_renames: the safe renames planted (what each tool must change).
    summary = {"files": 0, "bytes": 0, "widget_files": 0, "expected_renames": 0, "seed": a.seed}

    def put(rel, text):
        path = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = text.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        summary["files"] += 1
        summary["bytes"] += len(data)

    if a.single_mb:
        parts, size, n = [], 0, 0
        while size < a.single_mb * 1_000_000:
            if rng.random() < 0.02:
                text, k, _ = widget(rng, table, False, False)
                text = text.replace("import OktaSignIn from '@okta/okta-signin-widget';\n", "")
                text = text.replace("import { OktaSignIn } from '@okta/okta-signin-widget';\n", "")
                text = text.replace("const OktaSignIn = require('@okta/okta-signin-widget');\n", "")
                text = text.replace("'use strict';\n", "").replace("module.exports = function", "export function")
                text = text.replace("export default function Login", "export function Login" + str(len(parts)))
                text = text.replace("export function mountLogin", "export function mountLogin" + str(len(parts)))
                text = text.replace("export function createWidget", "export function createWidget" + str(len(parts)))
                n += k
                summary["widget_files"] += 1
            else:
                text = block(rng, False)
            text = text.replace("const signIn =", f"const signIn{len(parts)} =").replace("signIn.", f"signIn{len(parts)}.")
            parts.append(text + "\n")
            size += len(text) + 1
        head = "import React, { useEffect, useRef } from 'react';\nimport OktaSignIn from '@okta/okta-signin-widget';\n\n"
        put("src/huge.jsx", head + "".join(parts))
        summary["expected_renames"] = n
        json.dump(summary, sys.stdout)
        print()
        return

    packages = max(1, a.files // 400)
    dirs = ["components", "services", "utils", "store", "pages", "hooks", "api", "__tests__", "types"]
    large = max(1, a.files // 2000)
    olds = sorted(table)
    for i in range(a.files):
        pkg = f"packages/{rng.choice(WORDS)}-{i % packages:03d}"
        sub = rng.choice(dirs)
        ts = rng.random() < 0.4
        r = rng.random()
        if r < a.widget_share:
            text, n, jsx = widget(rng, table, ts, rng.random() < 0.15)
            summary["widget_files"] += 1
            summary["expected_renames"] += n
            ext = ("tsx" if ts else "jsx") if jsx else ("ts" if ts else "js")
            put(f"{pkg}/src/auth/login{i}.{ext}", text)
            continue
        if i < large:
            size = rng.randrange(300_000, 1_000_000)
        else:
            # Typical modules: a few KB, a long tail to ~60 KB.
            size = min(60_000, int(math.exp(rng.gauss(math.log(2_500), 0.9))))
        text = ordinary(rng, size, ts)
        if r < a.widget_share + 0.005:
            text = decoy(rng, olds, ts) + text
        put(f"{pkg}/src/{sub}/{ident(rng)}{i}.{'ts' if ts else 'js'}", text)
    json.dump(summary, sys.stdout)
    print()


if __name__ == "__main__":
    main()
