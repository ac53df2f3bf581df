#!/usr/bin/env node
// Writes a gzipped copy (level 9) beside each built asset: the backend sends
// `assets/x.js.gz` with Content-Encoding: gzip to browsers that accept it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const assets = fileURLToPath(new URL('../dist/assets', import.meta.url));
let raw = 0;
let packed = 0;
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|svg|json|txt|map)$/.test(name)) continue;
  const data = readFileSync(join(assets, name));
  const gz = gzipSync(data, { level: 9 });
  writeFileSync(join(assets, `${name}.gz`), gz);
  raw += data.length;
  packed += gz.length;
}
console.log(`gzipped assets: ${(raw / 1024).toFixed(0)} KB -> ${(packed / 1024).toFixed(0)} KB`);
