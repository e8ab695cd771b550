import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/data.js';

/**
 * The layers of core's source, lowest first. A folder may import its own layer's peers or anything below,
 * never above, and no two folders may import each other (directly or round a cycle). A new folder must be
 * placed here: that is where its place in the design is decided.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['version.ts', 'util', 'schema'],
  ['middleware', 'cache', 'storage', 'language-model'],
  ['audio'],
  ['stages'],
  ['transcribe', 'diarize', 'analyze', 'ingest'],
  ['aggregate', 'report'],
  ['pipeline'],
  ['cli', 'testing', 'index.ts'],
];

const source = join(repoRoot, 'packages', 'core', 'src');
const layerOf = new Map(LAYERS.flatMap((folders, rank) => folders.map((folder) => [folder, rank] as const)));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `src/analyze/offline/x.ts` → `analyze`; `src/index.ts` → `index.ts`. */
const folderOf = (file: string) => relative(source, file).split('/')[0]!.replace(/\.js$/, '.ts');

/** Folder → folders it imports from (relative imports only; packages are not layers of core). */
function importGraph(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of files(source)) {
    const from = folderOf(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), specifier!);
      if (relative(source, target).startsWith('..')) continue; // package.json and the like
      const to = folderOf(target);
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      edges.set(to, [...(edges.get(to) ?? []), relative(source, file)]);
      graph.set(from, edges);
    }
  }
  return graph;
}

describe('core layering', () => {
  const graph = importGraph();

  it('places every folder in a layer', () => {
    const folders = readdirSync(source);
    expect(folders.filter((folder) => !layerOf.has(folder))).toEqual([]);
  });

  it('has no import running up the layers', () => {
    const upward: string[] = [];
    for (const [from, edges] of graph) {
      for (const [to, importers] of edges) {
        if ((layerOf.get(to) ?? Number.POSITIVE_INFINITY) > (layerOf.get(from) ?? -1))
          upward.push(`${from} → ${to} (${importers.join(', ')})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no two folders importing each other, directly or round a cycle', () => {
    const cycles: string[] = [];
    const visit = (folder: string, path: string[]) => {
      for (const next of graph.get(folder)?.keys() ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else visit(next, [...path, next]);
      }
    };
    for (const folder of graph.keys()) visit(folder, [folder]);
    expect([...new Set(cycles)]).toEqual([]);
  });
});
