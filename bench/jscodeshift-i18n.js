// jscodeshift transform equivalent to `widget-migrate --only i18n --from 3.0.0`'s key
// renames, for bench/run: inside `new OktaSignIn({ ... i18n: { <lang>: { '<key>': … } } })`
// every string key the widget renamed becomes the key the newest release reads (chains
// collapsed, table from ../transforms/i18n.json). The quote style is kept.
const path = require('path');

// Rows marked unsafe are applied by widget-migrate only with --unsafe: left out here too.
const rows = require(path.join(__dirname, '..', 'transforms', 'i18n.json')).renames.filter(
  (r) => r.safety !== 'unsafe',
);
const step = new Map(rows.map((r) => [r.from, r.to]));
const FINAL = new Map();
for (const from of step.keys()) {
  let to = step.get(from);
  const seen = new Set([from]);
  while (step.has(to) && !seen.has(to)) {
    seen.add(to);
    to = step.get(to);
  }
  FINAL.set(from, to);
}

const keyName = (key) =>
  key.type === 'Identifier' ? key.name : typeof key.value === 'string' ? key.value : null;

module.exports = function transform(file, api) {
  // A byte prefilter like widget-migrate's (no widget name, no parse), unless
  // JSCS_NO_PREFILTER is set: then every file is parsed, as a transform usually does.
  if (!process.env.JSCS_NO_PREFILTER && !file.source.includes('OktaSignIn')) return undefined;
  const j = api.jscodeshift;
  const root = j(file.source);
  let changed = 0;
  root
    .find(j.NewExpression, { callee: { type: 'Identifier', name: 'OktaSignIn' } })
    .forEach((p) => {
      const config = p.node.arguments[0];
      if (!config || config.type !== 'ObjectExpression') return;
      for (const prop of config.properties) {
        if (!prop.key || keyName(prop.key) !== 'i18n' || prop.value.type !== 'ObjectExpression') continue;
        for (const lang of prop.value.properties) {
          if (!lang.value || lang.value.type !== 'ObjectExpression') continue;
          for (const entry of lang.value.properties) {
            const key = entry.key;
            if (!key || entry.computed || key.type !== 'StringLiteral') continue;
            const to = FINAL.get(key.value);
            if (to === undefined) continue;
            const raw = (key.extra && key.extra.raw) || `'${key.value}'`;
            const quote = raw[0];
            // recast prints a changed StringLiteral with its default quote; a Literal
            // carrying its raw text is printed as written.
            const lit = j.literal(to);
            lit.extra = { rawValue: to, raw: quote + to + quote };
            entry.key = lit;
            changed += 1;
          }
        }
      }
    });
  return changed ? root.toSource() : undefined;
};

module.exports.parser = 'tsx';
