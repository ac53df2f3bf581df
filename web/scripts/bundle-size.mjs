#!/usr/bin/env node
// Gzipped size of what the first page load fetches: index.html, its entry script and
// CSS, and the chunks they import statically (modulepreload). Lazy route chunks load
// later and are listed apart. Run after `npm run build`: `npm run size`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const LIMIT_KB = Number(process.env.BUNDLE_LIMIT_KB ?? 600);
if (!existsSync(join(dist, 'index.html'))) {
  console.error('no web/dist: run `npm run build` first');
  process.exit(2);
}
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const first = new Set();
for (const m of html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)) first.add(m[1]);
// Follow static imports of the entry chunks (Vite/Rolldown emit `import ... from "./x.js"`).
const queue = [...first].filter((f) => f.endsWith('.js'));
while (queue.length) {
  const file = queue.pop();
  const code = readFileSync(join(dist, file), 'utf8');
  for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    const dep = `assets/${m[1]}`;
    if (!first.has(dep)) {
      first.add(dep);
      queue.push(dep);
    }
  }
}

let total = gz(join(dist, 'index.html'));
console.log('First load (gzipped):');
console.log(`  ${kb(total).padStart(10)}  index.html`);
for (const file of [...first].sort()) {
  const size = gz(join(dist, file));
  total += size;
  console.log(`  ${kb(size).padStart(10)}  ${file}`);
}
console.log(`  ${kb(total).padStart(10)}  TOTAL first load (target < ${LIMIT_KB} KB)`);

const lazy = readdirSync(join(dist, 'assets'))
  .map((f) => `assets/${f}`)
  .filter((f) => !first.has(f) && !f.endsWith('.gz') && statSync(join(dist, f)).isFile());
const lazyTotal = lazy.reduce((s, f) => s + gz(join(dist, f)), 0);
console.log(`Lazy chunks (loaded on demand): ${lazy.length} files, ${kb(lazyTotal)} gzipped in all; largest:`);
for (const f of lazy.sort((a, b) => gz(join(dist, b)) - gz(join(dist, a))).slice(0, 5))
  console.log(`  ${kb(gz(join(dist, f))).padStart(10)}  ${f}`);
process.exit(total / 1024 <= LIMIT_KB ? 0 : 1);
