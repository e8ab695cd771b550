#!/usr/bin/env node
// Builds every workspace package that has a `build` script, in dependency order, skipping a package
// whose inputs have not changed since its last build (a hash of its files is kept in dist/.build-hash).
// So `pnpm test` after `npm run setup` does not build everything a second time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SKIP = new Set(['node_modules', 'dist', 'test', '.turbo', 'coverage']);

function workspacePackages() {
  const folders = ['packages', 'examples'].flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group)).map((name) => join(root, group, name))
      : [],
  );
  return folders
    .filter((folder) => existsSync(join(folder, 'package.json')))
    .map((folder) => ({ folder, manifest: JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.scripts?.build);
}

/** Runtime and peer dependencies decide the order; devDependencies may form cycles (tests) and do not. */
function inOrder(packages) {
  const byName = new Map(packages.map((entry) => [entry.manifest.name, entry]));
  const done = new Set();
  const ordered = [];
  const visit = (entry, path = []) => {
    if (done.has(entry.manifest.name) || path.includes(entry.manifest.name)) return;
    const deps = { ...entry.manifest.dependencies, ...entry.manifest.peerDependencies };
    for (const name of Object.keys(deps)) {
      const dependency = byName.get(name);
      if (dependency) visit(dependency, [...path, entry.manifest.name]);
    }
    done.add(entry.manifest.name);
    ordered.push(entry);
  };
  for (const entry of packages) visit(entry);
  return ordered;
}

function hashInputs(folder, dependencyHashes) {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIP.has(name)) continue;
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) walk(path);
      else hash.update(relative(folder, path)).update(readFileSync(path));
    }
  };
  walk(folder);
  for (const dependencyHash of dependencyHashes) hash.update(dependencyHash);
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
const hashes = new Map();
for (const { folder, manifest } of inOrder(workspacePackages())) {
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
  const digest = hashInputs(
    folder,
    deps.map((name) => hashes.get(name) ?? ''),
  );
  hashes.set(manifest.name, digest);
  const stamp = join(folder, 'dist', '.build-hash');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) continue;
  process.stderr.write(`building ${manifest.name}\n`);
  execFileSync('pnpm', ['--silent', 'run', 'build'], { cwd: folder, stdio: ['ignore', 'ignore', 'inherit'] });
  mkdirSync(join(folder, 'dist'), { recursive: true });
  writeFileSync(stamp, digest);
}
