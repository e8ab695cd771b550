#!/usr/bin/env node
// Server benchmark (issue: the server teams deploy). Needs built packages (`pnpm build`).
//   1. Requests per second of GET /api/calls (first page of 50, and filtered by status) with 10,000 stored
//      calls in SQLite, against the peer a user would otherwise write: a bare node:http handler running the
//      same query through better-sqlite3, no framework, no authentication, no logging. Same machine, same run,
//      alternated; the ratio is what to read.
//   2. Upload-to-done latency of a 1-minute stereo call (the first minute of the AWS auto-repairs call) through
//      the HTTP API, against `echolens analyze` on the same file from the command line (cold process each time,
//      as a user would run it), both with Whisper tiny and the offline analyzer.
// Writes bench/out/server.json and the server section of bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceSection } from '../lib/results-section.mjs';
import { dataRoot, outDir, root } from '../lib/setup.mjs';

const example = join(root, 'examples', 'express-server');
const { startServer } = await import(join(example, 'dist', 'server.js'));
const requireFromExample = createRequire(join(example, 'package.json'));
const BetterSqlite3 = requireFromExample('better-sqlite3');
const { resolveModelsDir } = await import(join(root, 'packages', 'provider', 'dist', 'index.js'));
const modelsDir = resolveModelsDir().dir;
const KEY = 'bench-key';
const CALLS = 10_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = 16;
const ROUNDS = 3;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `requests` GETs over `concurrency` keep-alive loops; requests per second. */
async function load(url, headers) {
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < REQUESTS) {
        sent++;
        const response = await fetch(url, { headers });
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        await response.arrayBuffer();
      }
    }),
  );
  return REQUESTS / ((performance.now() - started) / 1000);
}

function config(dataDir, extra = {}) {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: `sqlite:${join(dataDir, 'echolens.sqlite')}`,
    storage: { kind: 'local', root: join(dataDir, 'storage') },
    redisUrl: undefined,
    languageModel: undefined,
    apiKeys: [KEY],
    maxUploadBytes: 500 * 1024 * 1024,
    concurrency: 1,
    rateLimitPerMinute: 10_000_000,
    whisperModel: 'Xenova/whisper-tiny',
    language: 'en',
    shutdownGraceMs: 5000,
    allowPrivateUrls: false,
    trustProxy: false,
    logLevel: 'silent',
    ...extra,
  };
}

async function listBenchmark() {
  const dataDir = mkdtempSync(join(tmpdir(), 'echolens-bench-server-'));
  const running = await startServer(config(dataDir), { print: () => {} });
  const statuses = ['done', 'done', 'done', 'failed', 'pending', 'transcribed'];
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let index = 0; index < CALLS; index++) {
    await running.context.calls.insert({
      id: randomUUID(),
      name: `call-${index}.wav`,
      kind: 'audio',
      status: statuses[index % statuses.length],
      storage_key: `calls/x/audio/call-${index}.wav`,
      audio_sha256: randomUUID(),
      topic: ['billing', 'delivery', 'technical_issue'][index % 3],
      duration_sec: 60 + (index % 300),
      customer_sentiment: ((index % 21) - 10) / 10,
      metadata: { agentId: `agent-${index % 25}`, startedAt: new Date(start + index * 60_000).toISOString() },
    });
  }
  // The peer: the same first-page query, answered by a bare handler.
  const sqlite = new BetterSqlite3(join(dataDir, 'echolens.sqlite'), { readonly: true });
  const page = sqlite.prepare(
    'select id, name, kind, status, stage, progress, error_code, error_message, agent_id, customer_id, call_time, topic, customer_sentiment, duration_sec, created_at, updated_at from calls where (? is null or status = ?) order by call_time desc, id desc limit 51',
  );
  const count = sqlite.prepare('select count(*) as total from calls where (? is null or status = ?)');
  const bare = createServer((request, response) => {
    const status = new URL(request.url, 'http://x').searchParams.get('status');
    const rows = page.all(status, status);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ items: rows.slice(0, 50), total: count.get(status, status).total }));
  });
  bare.keepAliveTimeout = 65_000;
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${bare.address().port}`;
  const headers = { Authorization: `Bearer ${KEY}` };
  const rows = [];
  for (const query of ['limit=50', 'limit=50&status=done']) {
    const server = [];
    const peer = [];
    await load(`${running.url}/api/calls?${query}`, headers); // warm-up
    await load(`${bareUrl}/?${query}`, {});
    for (let round = 0; round < ROUNDS; round++) {
      server.push(await load(`${running.url}/api/calls?${query}`, headers));
      peer.push(await load(`${bareUrl}/?${query}`, {}));
    }
    rows.push({
      query,
      serverRps: median(server),
      bareRps: median(peer),
      ratio: median(server) / median(peer),
      server,
      peer,
    });
  }
  bare.close();
  sqlite.close();
  await running.close();
  return rows;
}

/** The first minute of the stereo auto-repairs call as a WAV of its own. */
function oneMinuteCall() {
  const source = readFileSync(join(dataRoot, 'diarization', 'stereo', 'aws-lca-auto-repairs-49.wav'));
  const dataAt = source.indexOf('data') + 8;
  const bytesPerSecond = 8000 * 2 * 2;
  const body = source.subarray(dataAt, dataAt + 60 * bytesPerSecond);
  const header = Buffer.from(source.subarray(0, dataAt));
  header.writeUInt32LE(body.length, dataAt - 4);
  header.writeUInt32LE(header.length - 8 + body.length, 4);
  const folder = mkdtempSync(join(tmpdir(), 'echolens-bench-call-'));
  const path = join(folder, 'auto-repairs-first-minute.wav');
  writeFileSync(path, Buffer.concat([header, body]));
  return path;
}

async function uploadToDone(file) {
  const dataDir = mkdtempSync(join(tmpdir(), 'echolens-bench-server-'));
  const running = await startServer(config(dataDir), { print: () => {} });
  const headers = { Authorization: `Bearer ${KEY}` };
  const started = performance.now();
  const form = new FormData();
  form.append('channelRoles', 'agent,customer');
  form.append('file', new Blob([readFileSync(file)]), 'call.wav');
  const created = await (
    await fetch(`${running.url}/api/calls`, { method: 'POST', headers, body: form })
  ).json();
  const id = created.calls[0].id;
  for (;;) {
    const call = await (await fetch(`${running.url}/api/calls/${id}`, { headers })).json();
    if (call.status === 'done') break;
    if (call.status === 'failed') throw new Error(call.error.message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  await running.close();
  return seconds;
}

function cli(file) {
  const out = mkdtempSync(join(tmpdir(), 'echolens-bench-cli-'));
  const started = performance.now();
  execFileSync(
    process.execPath,
    [
      join(root, 'packages', 'core', 'dist', 'cli', 'main.js'),
      'analyze',
      file,
      '--out',
      out,
      '--model',
      'Xenova/whisper-tiny',
      '--language',
      'en',
      '--channels',
      'agent,customer',
      '--no-cache',
    ],
    {
      stdio: 'pipe',
      // A fresh results cache (as --no-cache), but the models where the set-up put them.
      env: {
        ...process.env,
        ECHOLENS_MODELS_DIR: modelsDir,
        XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'echolens-bench-cache-')),
      },
    },
  );
  return (performance.now() - started) / 1000;
}

const list = await listBenchmark();
console.log(list);
const file = oneMinuteCall();
const latency = { server: [], cli: [] };
for (let round = 0; round < 2; round++) {
  latency.server.push(await uploadToDone(file));
  latency.cli.push(cli(file));
}
const report = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, load: (await import('node:os')).loadavg() },
  list: { calls: CALLS, requests: REQUESTS, concurrency: CONCURRENCY, rounds: ROUNDS, rows: list },
  latency: {
    file: 'first 60 s of aws-lca-auto-repairs-49 (stereo, 8 kHz)',
    ...latency,
    serverMedian: median(latency.server),
    cliMedian: median(latency.cli),
  },
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'server.json'), JSON.stringify(report, null, 2));

const fixed = (value, digits = 0) => value.toFixed(digits);
const section = `## Server (bench/server)

\`node bench/server/run.mjs\` (after \`pnpm build\`), ${report.measuredAt.slice(0, 10)}, 2 shared cores (load average ${fixed(report.machine.load[0], 1)} at the end: other sessions were running, so read the ratios).

**GET /api/calls with ${CALLS.toLocaleString('en-US')} stored calls (SQLite)**, ${REQUESTS} requests per round over ${CONCURRENCY} keep-alive connections, median of ${ROUNDS} alternated rounds. The peer is a bare \`node:http\` handler running the same query through better-sqlite3 (no framework, authentication, rate limiting, security headers or logging): the ceiling of a hand-written endpoint.

| query | server req/s | bare handler req/s | server / bare |
|---|---:|---:|---:|
${list.map((row) => `| \`${row.query}\` | ${fixed(row.serverRps)} | ${fixed(row.bareRps)} | ${fixed(row.ratio, 2)} |`).join('\n')}

**Upload to done, 1-minute stereo call** (${report.latency.file}), Whisper tiny, offline analyzer, cold server per run (model loaded inside the measured time), against \`echolens analyze\` on the same file (a cold process, as a user runs it), 2 alternated runs each:

| system | runs (s) | median (s) |
|---|---|---:|
| server: POST /api/calls → status done | ${latency.server.map((value) => fixed(value, 1)).join(', ')} | ${fixed(report.latency.serverMedian, 1)} |
| CLI: echolens analyze | ${latency.cli.map((value) => fixed(value, 1)).join(', ')} | ${fixed(report.latency.cliMedian, 1)} |

Server / CLI: ${fixed(report.latency.serverMedian / report.latency.cliMedian, 2)}.`;
replaceSection('server', section);
console.log(section);
