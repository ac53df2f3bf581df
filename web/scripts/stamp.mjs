#!/usr/bin/env node
// The build stamp: a hash of what the build is made from (src, index.html, configs,
// package-lock.json). `write` stores it in dist/.build-stamp after a build; `check`
// exits 0 when dist is up to date, 1 when it is missing or stale. scripts/setup.sh uses it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['src', 'index.html', 'package.json', 'package-lock.json', 'vite.config.ts', 'tsconfig.json'];
const STAMP = join(web, 'dist', '.build-stamp');

function files(path) {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

export function digest() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => files(join(web, p)))) {
    if (/\.test\.tsx?$/.test(file)) continue; // tests do not change the build
    hash.update(relative(web, file).split('\\').join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const mode = process.argv[2] ?? 'check';
if (mode === 'write') {
  writeFileSync(STAMP, digest() + '\n');
} else if (mode === 'check') {
  const ok =
    existsSync(join(web, 'dist', 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === digest();
  if (!ok) console.log('web/dist is missing or stale');
  process.exit(ok ? 0 : 1);
} else {
  console.error('usage: stamp.mjs write|check');
  process.exit(2);
}
