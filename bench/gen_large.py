#!/usr/bin/env python3
"""One large ordinary file for the linear-cost measurements of BENCHMARKS.md.

    bench/gen_large.py js 4 > big.js                    # 4 MB of functions after a widget
    bench/gen_large.py properties 1000000 > login.properties   # 1,000,000 keys

Stdlib only; the output depends on the arguments alone.
"""
import sys


def js(megabytes):
    out = [
        "import OktaSignIn from '@okta/okta-signin-widget';\n",
        "const signIn = new OktaSignIn({ baseUrl: 'https://acme.okta.com', signOutLink: '/bye' });\n",
    ]
    size, i = sum(map(len, out)), 0
    while size < megabytes * 1_000_000:
        f = (
            f"function f{i}(a, b) {{\n"
            f"  const e = a + b;\n"
            f"  if (e > {i % 97}) {{\n"
            f"    return this.x(e, function (c) {{ return c * {i % 13}; }});\n"
            f"  }}\n"
            f"  return [a, b].map((x) => x * 2);\n"
            f"}}\n"
        )
        out.append(f)
        size += len(f)
        i += 1
    sys.stdout.write("".join(out))


def properties(keys):
    w = sys.stdout.write
    w("# a large custom bundle\n")
    w("oie.session.expired = Your session expired\n")
    for i in range(keys - 1):
        w(f"k{i}=v{i}\n")


if __name__ == "__main__":
    kind, n = sys.argv[1], sys.argv[2]
    {"js": lambda: js(float(n)), "properties": lambda: properties(int(n))}[kind]()
