// Writes one marked section of bench/RESULTS.md (<!-- name:start --> … <!-- name:end -->), appending it
// when it is not there yet.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsPath = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'RESULTS.md');

export function replaceSection(name, body) {
  const section = `<!-- ${name}:start -->\n${body.trim()}\n<!-- ${name}:end -->`;
  const existing = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n';
  const pattern = new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`);
  writeFileSync(
    resultsPath,
    pattern.test(existing)
      ? existing.replace(pattern, () => section)
      : `${existing.trimEnd()}\n\n${section}\n`,
  );
}
