#!/usr/bin/env python3
"""Fill the `rendered` list of transforms/css.json.

`rendered` holds the classes and ids the widget's Gen2 templates put in the DOM
(the knowledge base's oracle/dom-classes-<ver>.txt of 5.16.1, 6.9.0 and 7.49.0),
so that `css/unknown-selector` does not warn about a hook that is rendered but not
styled by the widget's own CSS (`.okta-form-title`, `.js-help`, ...). Left out:
Chosen names (S3, removed in 7.37), security-image names (S12), Classic-only
classes (S5, the `classic_only` list). Names ending in `-` are template prefixes
(`.o-form-input-name-` + a field name); the rule reads them as prefixes.

Usage: python3 tools/gen_css_rendered.py [KNOWLEDGE_DIR]   (default ../shared/knowledge)
Rewrites only the `rendered` member; output is sorted, so re-runs are byte-identical.
Standard library only.
"""

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TABLE = REPO / "transforms" / "css.json"
RELEASES = ["5.16.1", "6.9.0", "7.49.0"]


def main():
    knowledge = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "knowledge"
    text = TABLE.read_text(encoding="utf-8")
    table = json.loads(text)
    chosen = table["chosen"]
    security = table["security_image"]["contains"]
    classic = set(table["classic_only"]["names"])
    names = set()
    for version in RELEASES:
        path = knowledge / "oracle" / ("dom-classes-%s.txt" % version)
        names |= {l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()}

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
