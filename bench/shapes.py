#!/usr/bin/env python3
"""Time widget-migrate on single files of one repeated shape at growing sizes.

    bench/shapes.py [--sizes 5000,20000,80000] [--binary target/release/widget-migrate]

Each shape (a member chain, a `.then` chain, chained arrows, many i18n keys, many CSS
rules, …) is written at every size and run once with `--check`; the table gives the
seconds per size and the growth from one size to the next. With sizes four times apart,
linear work grows about 4x and quadratic work about 16x: a growth above 8x is marked.
A shape that nests (arrows, brackets) is capped where the bound on nesting refuses it.
Not part of CI: it times things.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

WIDGET = "var signIn = new OktaSignIn({});\nvar config = {};\n"

SHAPES = {
    "member chain": ("x.js", lambda n: WIDGET + "x = a" + "\n.b" * n + ";\n"),
    ".then chain": ("x.js", lambda n: WIDGET + "x = p" + "\n.then(f)" * n + ";\n"),
    "call chain": ("x.js", lambda n: WIDGET + "x = f" + "()\n" * n + ";\n"),
    "string concatenation": ("x.js", lambda n: WIDGET + "x = 'a'\n" + "+ 'a'\n" * n + ";\n"),
    "conditional chain": ("x.js", lambda n: WIDGET + "x = " + "a ? b :\n" * n + "c;\n"),
    "chained arrows": ("x.js", lambda n: WIDGET + "f = " + "x =>\n" * min(n, 4000) + "x;\n"),
    "statements": ("x.js", lambda n: WIDGET + "signIn.on('afterRender', f);\n" * n),
    "widget instances": ("x.js", lambda n: "".join(
        f"var s{i} = new OktaSignIn({{i18n: {{en: {{'oie.session.expired': 'x'}}}}}});\n"
        for i in range(n // 10))),
    "i18n keys": ("x.js", lambda n: "new OktaSignIn({i18n: {en: {\n"
                  + "".join(f"  'k{i}': 'v',\n" for i in range(n)) + "}}});\n"),
    "properties keys": ("login_fr.properties",
                        lambda n: "".join(f"k{i}=v\n" for i in range(n))),
    "css rules": ("x.css", lambda n: "".join(
        f"#okta-sign-in .c{i} {{ color: red; }}\n" for i in range(n))),
    "css selector list": ("x.css", lambda n: ",\n".join(
        f"#okta-sign-in .c{i}" for i in range(n)) + " { color: red; }\n"),
    "html elements": ("x.html", lambda n: "<html><body>\n"
                      + "".join(f"<div class=\"c{i}\">{i}</div>\n" for i in range(n))
                      + "<script>new OktaSignIn({});</script>\n</body></html>\n"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,20000,80000")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--binary", default=os.path.join(here, "..", "target", "release", "widget-migrate"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not os.path.exists(args.binary):
        sys.exit(f"no binary at {args.binary}: cargo build --release")
    print("| shape | " + " | ".join(f"{n:,}" for n in sizes) + " | growth |")
    print("|---|" + "---:|" * len(sizes) + "---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (file, make) in SHAPES.items():
            times = []
            for n in sizes:
                path = os.path.join(tmp, file)
                with open(path, "w") as f:
                    f.write(make(n))
                start = time.monotonic()
                run = subprocess.run([args.binary, "--check", "--from", "5.0.0", path],
                                     capture_output=True)
                times.append(time.monotonic() - start)
                if run.returncode not in (0, 1):
                    print(f"{name} at {n}: exit {run.returncode}: "
                          f"{run.stderr.decode(errors='replace')[-200:]}", file=sys.stderr)
            growth = [b / max(a, 0.005) for a, b in zip(times, times[1:])]
            mark = " **superlinear**" if any(g > 8 and t > 0.05 for g, t in zip(growth, times[1:])) else ""
            print(f"| {name} | " + " | ".join(f"{t:.2f} s" for t in times) + " | "
                  + ", ".join(f"{g:.1f}x" for g in growth) + mark + " |")


if __name__ == "__main__":
    main()
