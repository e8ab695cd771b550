#!/usr/bin/env node
// Writes the JSON Schemas of the files EchoLens writes (docs/schema/*.schema.json) from the zod schemas,
// so the documented format is the checked one. `--check` fails when a committed schema is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AggregateReportSchema, CallResultSchema } from '../packages/core/dist/index.js';

const root = new URL('..', import.meta.url).pathname;
// The zod copy core's schemas were built with.
const { z } = createRequire(`${root}packages/core/package.json`)('zod');
const schemas = {
  'call-result': { schema: CallResultSchema, title: 'EchoLens call result (<name>.json)' },
  'aggregate-report': { schema: AggregateReportSchema, title: 'EchoLens aggregate report (report.json)' },
};
const check = process.argv.includes('--check');
let stale = 0;
for (const [name, { schema, title }] of Object.entries(schemas)) {
  const json = { title, ...z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) };
  const text = `${JSON.stringify(json, null, 2)}\n`;
  const file = `${root}docs/schema/${name}.schema.json`;
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current !== text) {
      stale++;
      process.stderr.write(`${file} is out of date: run node scripts/generate-schemas.mjs\n`);
    }
  } else writeFileSync(file, text);
}
process.exitCode = stale ? 1 : 0;
