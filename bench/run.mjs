#!/usr/bin/env node
// Runs every benchmark suite (bench/<suite>/run.mjs) one after another, or the ones named:
//   pnpm bench            all suites
//   pnpm bench stt        only bench/stt
// Each suite writes JSON to bench/out/ and its figures into bench/RESULTS.md. Not part of `pnpm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const suites = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, 'run.mjs')))
  .map((entry) => entry.name);
const wanted = process.argv.slice(2);
const selected = wanted.length ? suites.filter((suite) => wanted.includes(suite)) : suites;
if (wanted.length && selected.length !== wanted.length) {
  console.error(
    `unknown suite(s): ${wanted.filter((suite) => !suites.includes(suite)).join(', ')}; known: ${suites.join(', ')}`,
  );
  process.exit(2);
}
let failed = false;
for (const suite of selected) {
  console.log(`\n=== bench/${suite} ===`);
  const result = spawnSync(process.execPath, [join(here, suite, 'run.mjs')], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
