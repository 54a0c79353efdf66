#!/usr/bin/env python3
"""Fill the `rendered` list of transforms/css.json.

`rendered` holds the classes and ids the widget's Gen2 templates put in the DOM
(the knowledge base's oracle/dom-classes-<ver>.txt of 5.16.1, 6.9.0 and 7.49.0),
so that `css/unknown-selector` does not warn about a hook that is rendered but not
styled by the widget's own CSS (`.okta-form-title`, `.js-help`, ...). Left out:
Chosen names (S3, removed in 7.37), security-image names (S12), Classic-only
classes (S5, the `classic_only` list). Names ending in `-` are template prefixes
(`.o-form-input-name-` + a field name); the rule reads them as prefixes.

Also kept: every class the rendered widget showed (oracle-rendered/dom-inventory.tsv,
Gen2 and Identity Engine rows of real renders), and the classes Gen2 builds at run time
from the form name of each view (`.identify`, `.enroll-profile`,
`.challenge-authenticator--okta_password`, the v1 names such as `.primary-auth`), read
from the 7.49.0 package's ViewClassNamesFactory.js and RemediationConstants.js in the
tarball cache of tools/gen_releases.py — they are in neither the CSS nor the static
template lists, so without them `css/unknown-selector` warned about classes 7.49.0 renders.

Usage: python3 tools/gen_css_rendered.py [KNOWLEDGE_DIR] [--cache-dir DIR]
       (defaults: ../shared/knowledge; the cache of tools/gen_releases.py)
Rewrites only the `rendered` member; output is sorted, so re-runs are byte-identical.
Standard library only.
"""

import json
import os
import re
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "transforms" / "css.json"
RELEASES = ["5.16.1", "6.9.0", "7.49.0"]
FORM_RELEASE = "7.49.0"
ESM = "package/dist/esm/src/v2/ion/"


def rendered_inventory(knowledge):
    """Classes and ids of the Gen2 / Identity Engine views the oracle rendered."""
    path = knowledge / "oracle-rendered" / "dom-inventory.tsv"
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        target, _view, kind, name = line.split("\t")
        if target.startswith("gen3-") or kind not in ("class", "id"):
            continue  # Gen3 class names carry a random prefix per load
        names.add(("." if kind == "class" else "#") + name)
    return names


def object_values(src, name):
    """String values of `const NAME = { KEY: 'value', ... };`."""
    m = re.search(r"const %s = \{(.*?)\n\};" % name, src, re.S)
    if not m:
        sys.exit("gen_css_rendered: no `const %s` object" % name)
    return dict(re.findall(r"(\w+): '([^']+)'", m.group(1)))


def form_classes(cache):
    """What ViewClassNamesFactory.getClassNameMapping can return in FORM_RELEASE: every
    form name, `form--authenticatorKey` for the forms that carry an authenticator, and
    the v1 class names of its mapping."""
    path = Path(cache) / ("okta-okta-signin-widget-%s.tgz" % FORM_RELEASE)
    if not path.exists():
        sys.exit("gen_css_rendered: %s is not cached; run tools/gen_releases.py" % path)
    with tarfile.open(path, "r:gz") as tar:
        consts = tar.extractfile(ESM + "RemediationConstants.js").read().decode("utf-8")
        factory = tar.extractfile(ESM + "ViewClassNamesFactory.js").read().decode("utf-8")
    forms = object_values(consts, "FORMS")
    keys = object_values(consts, "AUTHENTICATOR_KEY")
    names = {"." + f for f in forms.values()}
    # The appState's authenticatorKey is set on the authenticator views only.
    with_key = [f for f in forms.values()
                if "authenticator" in f or "poll" in f or f.startswith("resend")]
    names |= {".%s--%s" % (f, k) for f in with_key for k in keys.values()}
    names |= {"." + v for v in re.findall(r": '([a-z][a-z-]+)'", factory)}
    return names


def main():
    args = sys.argv[1:]
    cache = os.environ.get("SIW_RELEASES_CACHE") or str(
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        / "widget-migrate" / "siw-releases")
    if "--cache-dir" in args:
        i = args.index("--cache-dir")
        cache = args[i + 1]
        del args[i:i + 2]
    knowledge = Path(args[0]) if args else REPO.parent / "shared" / "knowledge"
    text = TABLE.read_text(encoding="utf-8")
    table = json.loads(text)
    chosen = table["chosen"]
    security = table["security_image"]["contains"]
    classic = set(table["classic_only"]["names"])
    names = set()
    for version in RELEASES:
        path = knowledge / "oracle" / ("dom-classes-%s.txt" % version)
        names |= {l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}

    names |= rendered_inventory(knowledge)
    names |= form_classes(cache)

    def keep(n):
        if n in (".custom-", ".infobox-") or n in classic or n in chosen["names"]:
            return False
        if any(n.startswith(p) for p in chosen["prefixes"]):
            return False
        return not any(s in n for s in security)

    rendered = sorted(n for n in names if keep(n))
    line = '  "rendered": ' + json.dumps(rendered, ensure_ascii=False)
    new, count = re.subn(r'^  "rendered": \[.*\]$', lambda _: line, text, flags=re.M)
    if count != 1:
        sys.exit("gen_css_rendered: no single top-level `rendered` line in %s" % TABLE)
    json.loads(new)
    TABLE.write_text(new, encoding="utf-8")
    print("wrote %d names to %s" % (len(rendered), TABLE))


if __name__ == "__main__":
    main()
