import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { InvalidInputError } from '@echolens/provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import type { AudioSource } from '../../src/audio/types.js';
import { LocalStorage } from '../../src/storage/local-storage.js';
import { dataPath } from '../helpers/data.js';
import { readChannel } from './signals.js';

const mp3Path = dataPath('asr', 'original', 'azure-whatstheweatherlike.mp3');
const m4aPath = dataPath('formats', 'jfk-transcoded.m4a');
const scratch = mkdtempSync(join(tmpdir(), 'echolens-sources-'));
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  copyFileSync(mp3Path, join(scratch, 'call.mp3'));
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/recordings/call.mp3') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      return;
    }
    const bytes = readFileSync(mp3Path);
    response.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': bytes.length });
    // Dribble it out in small pieces like a slow network would.
    Readable.from(
      Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) =>
        bytes.subarray(i * 1000, (i + 1) * 1000),
      ),
    ).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

function webStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 777));
      offset += 777;
    },
  });
}

describe('every kind of source gives the same audio and the same SHA-256', () => {
  const bytes = readFileSync(mp3Path);
  const expectedHash = createHash('sha256').update(bytes).digest('hex');

  const sources: [string, () => AudioSource, string][] = [
    ['file path', () => mp3Path, mp3Path],
    ['file URL', () => pathToFileURL(mp3Path), mp3Path],
    [
      'http URL (query string kept out of the name)',
      () => `${baseUrl}/recordings/call.mp3?signature=secret`,
      '',
    ],
    ['Uint8Array', () => new Uint8Array(bytes), 'in-memory audio'],
    [
      'ArrayBuffer',
      () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
      'in-memory audio',
    ],
    ['Node Readable', () => createReadStream(mp3Path, { highWaterMark: 999 }), 'audio stream'],
    ['web ReadableStream', () => webStream(bytes), 'audio stream'],
    ['{ storageKey } through Storage.getStream', () => ({ storageKey: 'call.mp3' }), 'call.mp3'],
  ];

  let reference: Float32Array;
  beforeAll(async () => {
    const audio = await prepareAudio({ source: mp3Path }, { vad: false });
    reference = await readChannel(audio.pcm, 0);
    await audio.dispose();
  });

  for (const [label, source, expectedName] of sources) {
    it(label, async () => {
      const progress: number[] = [];
      const audio = await prepareAudio(
        { source: source() },
        {
          vad: false,
          storage: new LocalStorage({ root: scratch }),
          onProgress: (fraction) => progress.push(fraction),
        },
      );
      try {
        expect(audio.source.sha256).toBe(expectedHash);
        expect(audio.source.byteLength).toBe(bytes.length);
        expect(audio.source.format).toBe('mp3');
        expect(audio.source.name).toBe(expectedName || `${baseUrl}/recordings/call.mp3`);
        expect(audio.source.name).not.toContain('secret');
        expect(await readChannel(audio.pcm, 0)).toEqual(reference);
        expect(progress.at(-1)).toBe(1);
        expect(progress).toEqual([...progress].sort((a, b) => a - b));
      } finally {
        await audio.dispose();
      }
    });
  }

  it('input.name wins over the derived name, in results and errors', async () => {
    const audio = await prepareAudio({ source: new Uint8Array(bytes), name: 'agent-42.mp3' }, { vad: false });
    expect(audio.source.name).toBe('agent-42.mp3');
    await audio.dispose();
    const error = await prepareAudio({ source: `${baseUrl}/missing.mp3?token=x`, name: 'call 7' }).catch(
      (e) => e,
    );
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toBe('call 7: download failed: HTTP 404 Not Found');
  });

  it('an HTTP error names the URL without its query string', async () => {
    const error = await prepareAudio({ source: `${baseUrl}/nothing.wav?token=secret` }).catch((e) => e);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`${baseUrl}/nothing.wav: download failed: HTTP 404 Not Found`);
  });

  it('an ffmpeg format from memory (copied aside for ffmpeg) equals the same file from disk', async () => {
    const fromDisk = await prepareAudio({ source: m4aPath }, { vad: false });
    const progress: number[] = [];
    const fromMemory = await prepareAudio(
      { source: readFileSync(m4aPath) },
      { vad: false, onProgress: (fraction) => progress.push(fraction) },
    );
    try {
      // Reading fills the first half of the decoding share, ffmpeg's decoded time the second.
      expect(progress.some((fraction) => fraction > 0.36 && fraction < 0.69)).toBe(true);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(fromMemory.source.sha256).toBe(fromDisk.source.sha256);
      expect(fromMemory.source.codec).toBe('aac');
      expect(await readChannel(fromMemory.pcm, 0)).toEqual(await readChannel(fromDisk.pcm, 0));
    } finally {
      await fromDisk.dispose();
      await fromMemory.dispose();
    }
  });
});
