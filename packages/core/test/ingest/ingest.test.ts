import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  collectInputs,
  compileMetadataPattern,
  createLocalStorage,
  type IngestedInput,
  type IngestItem,
  type IngestProblem,
  parseFileNameDate,
} from '@echolens/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataPath, repoRoot } from '../helpers/data.js';
import { silentWav } from '../helpers/silent-wav.js';
import { understateSize, writeZip } from './zip-fixture.js';

const collect = async (items: AsyncIterable<IngestItem>) => {
  const inputs: IngestedInput[] = [];
  const problems: IngestProblem[] = [];
  for await (const item of items) (item.kind === 'input' ? inputs : problems).push(item as never);
  return { inputs, problems };
};

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const PATTERN = '^(?<agent>[a-z0-9]+)_(?<customer>[a-z0-9]+)_(?<date>\\d{8}-\\d{6})$';
const JFK = () => dataPath('asr', 'audio', 'jfk.wav');
const LIBRI = () => dataPath('asr', 'audio', 'librispeech-1089-134691-0000.wav');

describe('ingestion: ZIP archives', () => {
  const folder = mkdtempSync(join(tmpdir(), 'echolens-zip-'));
  const archive = join(folder, 'calls.zip');
  const bombBytes = 300 * 1024 * 1024;

  beforeAll(async () => {
    await writeZip(archive, [
      { name: 'calls/agent7_cust42_20240307-101500.wav', from: JFK() },
      {
        name: 'calls/agent7_cust42_20240307-101500.wav.json',
        from: Buffer.from('{"callId":"c-1001","tags":["vip"]}'),
      },
      { name: 'calls/agent9_cust11_20240308-090000.wav', from: LIBRI() },
      {
        name: 'calls/broken_cust1_20240309-000000.wav',
        from: Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEjunk'.repeat(50)),
      },
      { name: 'calls/notes.txt', from: Buffer.from('call notes, not audio') },
      { name: 'calls/agent3_cust5_20240310-120000.wav', from: silentWav(6), compress: false },
      { name: '../evil.wav', from: JFK() },
      { name: 'calls/bomb.wav', from: Buffer.alloc(bombBytes) },
      { name: 'calls/liar.wav', from: Buffer.alloc(40 * 1024 * 1024, 7) },
    ]);
    understateSize(archive, 'calls/liar.wav', 4096);
  });

  it('streams the good entries, reports the rest, and inflates nothing it refused', async () => {
    const rssBefore = process.memoryUsage().rss;
    const { inputs, problems } = await collect(collectInputs([archive], { metadataPattern: PATTERN }));
    expect(inputs.map((input) => input.name)).toEqual([
      `${archive}!/calls/agent7_cust42_20240307-101500.wav`,
      `${archive}!/calls/agent9_cust11_20240308-090000.wav`,
      `${archive}!/calls/broken_cust1_20240309-000000.wav`,
      `${archive}!/calls/agent3_cust5_20240310-120000.wav`,
      `${archive}!/calls/liar.wav`,
    ]);
    const byCode = Object.fromEntries(problems.map((problem) => [problem.name.split('!/')[1], problem.code]));
    expect(byCode).toMatchObject({
      'calls/notes.txt': 'not_audio',
      '../evil.wav': 'unsafe_entry',
      'calls/bomb.wav': 'zip_bomb',
    });
    expect(problems.find((problem) => problem.code === 'zip_bomb')?.reason).toMatch(
      /ratio \d+:1 is over the 100:1 limit/,
    );
    expect(problems.find((problem) => problem.code === 'not_audio')?.severity).toBe('warning');

    // Metadata: the sidecar wins over the file-name pattern, which fills the rest.
    expect(inputs[0]?.metadata).toEqual({
      agentId: 'agent7',
      customerId: 'cust42',
      startedAt: '2024-03-07T10:15:00.000Z',
      callId: 'c-1001',
      tags: ['vip'],
    });
    expect(inputs[1]?.metadata).toEqual({
      agentId: 'agent9',
      customerId: 'cust11',
      startedAt: '2024-03-08T09:00:00.000Z',
    });
    // liar.wav does not match the pattern: reported as a warning, still an input.
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'bad_metadata',
        severity: 'warning',
        name: `${archive}!/calls/liar.wav`,
      }),
    );

    // Entries are streamed byte for byte; the entry that lies about its size stops at the declared size.
    expect((await readAll(inputs[0]?.source as Readable)).equals(readFileSync(JFK()))).toBe(true);
    expect((await readAll(inputs[1]?.source as Readable)).equals(readFileSync(LIBRI()))).toBe(true);
    await expect(readAll(inputs[4]?.source as Readable)).rejects.toThrow(
      /too many bytes|more bytes than the archive declares/,
    );
    // Neither the 300 MB bomb nor the 40 MB liar was ever held in memory.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('a file that is not a ZIP is reported as a corrupt archive, and other sources still come through', async () => {
    const fake = join(folder, 'fake.zip');
    writeFileSync(fake, 'this is not a zip archive');
    const { inputs, problems } = await collect(collectInputs([fake, JFK()]));
    expect(problems).toEqual([
      expect.objectContaining({ name: fake, code: 'corrupt_archive', severity: 'error' }),
    ]);
    expect(inputs.map((input) => input.name)).toEqual([JFK()]);
  });

  it('echolens analyze calls.zip: good calls analysed with their metadata, the rest reported, nothing written outside --out', () => {
    const out = join(folder, 'out');
    const run = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'packages/core/dist/cli/main.js'),
        'analyze',
        archive,
        '--out',
        out,
        '--language',
        'en',
        '--metadata-pattern',
        PATTERN,
      ],
      { encoding: 'utf8', env: process.env },
    );
    expect(run.status, run.stderr).toBe(1);
    // One result per good call (the CLI also writes transcripts and report pages beside them).
    expect(
      readdirSync(out)
        .filter((name) => name.endsWith('.json'))
        .sort(),
    ).toEqual([
      'agent3_cust5_20240310-120000.json',
      'agent7_cust42_20240307-101500.json',
      'agent9_cust11_20240308-090000.json',
      'report.json',
    ]);
    const first = JSON.parse(readFileSync(join(out, 'agent7_cust42_20240307-101500.json'), 'utf8'));
    expect(first.callId).toBe('c-1001');
    expect(first.analysis.metadata).toMatchObject({ agentId: 'agent7', customerId: 'cust42', tags: ['vip'] });
    expect(first.transcript.segments.map((segment: { text: string }) => segment.text).join(' ')).toMatch(
      /ask not what your country/i,
    );
    for (const reported of ['notes.txt', 'evil.wav', 'bomb.wav', 'broken_cust1', 'liar.wav'])
      expect(run.stderr).toContain(reported);
    // A recording nobody spoke on is analysed as such, not failed.
    const silent = JSON.parse(readFileSync(join(out, 'agent3_cust5_20240310-120000.json'), 'utf8'));
    expect(silent.transcript.segments).toEqual([]);
    expect(silent.analysis.metrics.durationSec).toBeCloseTo(6, 1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.callCount).toBe(3);
    // Only the archive and the output folder exist: no entry was extracted anywhere.
    expect(readdirSync(folder).filter((name) => !name.endsWith('.zip'))).toEqual(['out']);
    expect(readdirSync(join(folder, '..')).filter((name) => name === 'evil.wav')).toEqual([]);
  });
});

describe('ingestion: folders, storage prefixes, URLs, metadata', () => {
  it('walks a folder: recordings with sidecars, a bad sidecar and non-audio files reported', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'echolens-folder-'));
    mkdirSync(join(folder, 'day1'));
    copyFileSync(JFK(), join(folder, 'day1', 'a.wav'));
    writeFileSync(join(folder, 'day1', 'a.json'), JSON.stringify({ agentId: 'ana', customerId: 'c9' }));
    copyFileSync(LIBRI(), join(folder, 'day1', 'b.wav'));
    writeFileSync(join(folder, 'day1', 'b.wav.json'), '{"agentId": 7}');
    writeFileSync(join(folder, 'readme.pdf'), 'x');
    writeFileSync(join(folder, '.DS_Store'), 'x');
    const { inputs, problems } = await collect(collectInputs([folder]));
    expect(inputs.map((input) => [input.name, input.metadata])).toEqual([
      [join(folder, 'day1', 'a.wav'), { agentId: 'ana', customerId: 'c9' }],
      [join(folder, 'day1', 'b.wav'), undefined],
    ]);
    expect(problems.map((problem) => [problem.code, problem.severity])).toEqual([
      ['bad_metadata', 'warning'],
      ['not_audio', 'warning'],
    ]);
    expect(problems[0]?.reason).toMatch(/b\.wav\.json.*agentId/);
  });

  it('lists a storage prefix through the Storage contract, reading nothing until asked', async () => {
    const storage = createLocalStorage({ root: mkdtempSync(join(tmpdir(), 'echolens-prefix-')) });
    await storage.put('archive/2024/x.wav', readFileSync(JFK()));
    await storage.put('archive/2024/x.json', '{"callId":"x-1"}');
    await storage.put('archive/2024/y.csv', 'a,b');
    await storage.put('other/z.wav', readFileSync(JFK()));
    const { inputs, problems } = await collect(
      collectInputs([{ storage, prefix: 'archive/', label: 'store:' }]),
    );
    expect(inputs.map((input) => [input.name, input.metadata])).toEqual([
      ['store:archive/2024/x.wav', { callId: 'x-1' }],
    ]);
    expect(problems.map((problem) => [problem.name, problem.code])).toEqual([
      ['store:archive/2024/y.csv', 'not_audio'],
    ]);
    expect((await readAll(inputs[0]?.source as Readable)).equals(readFileSync(JFK()))).toBe(true);
  });

  it('takes an http(s) URL as one recording named by its path', async () => {
    const { inputs } = await collect(
      collectInputs(['https://recordings.example/2024/agent7_cust42_20240307-101500.wav?sig=secret'], {
        metadataPattern: PATTERN,
      }),
    );
    expect(inputs[0]?.metadata).toMatchObject({ agentId: 'agent7', customerId: 'cust42' });
    // The signature in the query never becomes part of the name (messages, output files).
    expect(inputs[0]?.name).toBe('https://recordings.example/2024/agent7_cust42_20240307-101500.wav');
    expect(inputs[0]?.source).toContain('sig=secret');
  });

  it('parses file-name dates exactly and refuses patterns without a known group', () => {
    expect(parseFileNameDate('20240307')).toBe('2024-03-07T00:00:00.000Z');
    expect(parseFileNameDate('2024-03-07_14-25-01')).toBe('2024-03-07T14:25:01.000Z');
    expect(parseFileNameDate('2024-03-07T14:25:01+02:00')).toBe('2024-03-07T12:25:01.000Z');
    expect(parseFileNameDate('20240231')).toBeUndefined();
    expect(parseFileNameDate('agent7')).toBeUndefined();
    expect(() => compileMetadataPattern('(?<who>.+)')).toThrow(/names none of the groups/);
    expect(() => compileMetadataPattern('(?<agent>')).toThrow(/not a valid regular expression/);
  });
});
