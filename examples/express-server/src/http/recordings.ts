import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { detectAudioFormat } from '@echolens/core';
import { describeError, UnsupportedFormatError } from '@echolens/provider';
import { HttpProblem } from './problem.js';

/** A received file, on local disk while it is checked; removed by `discard`. */
export interface ReceivedFile {
  path: string;
  fileName: string;
  size: number;
  sha256: string;
  /** The first bytes, for telling what the file is. */
  head: Buffer;
}

const HEAD_BYTES = 64 * 1024;

/**
 * Copies a stream to a temporary file, hashing it and keeping its head, and stops with 413 as soon as
 * it grows past `maxBytes` (so an oversize upload never fills the disk).
 */
export async function receiveToFile(
  source: Readable,
  fileName: string,
  options: { tmpDir: string; maxBytes: number; signal?: AbortSignal },
): Promise<ReceivedFile> {
  await mkdir(options.tmpDir, { recursive: true });
  const path = join(options.tmpDir, `${randomUUID()}.upload`);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > options.maxBytes) {
        callback(tooLarge(fileName, options.maxBytes));
        return;
      }
      hash.update(chunk);
      if (headLength < HEAD_BYTES) {
        head.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(path), { signal: options.signal });
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, fileName, size, sha256: hash.digest('hex'), head: Buffer.concat(head) };
}

export function tooLarge(fileName: string, maxBytes: number): HttpProblem {
  return new HttpProblem(
    413,
    'payload_too_large',
    `${fileName} is larger than the upload limit of ${Math.round(maxBytes / 1024 / 1024)} MB (ECHOLENS_MAX_UPLOAD_MB)`,
  );
}

export const discard = (file: ReceivedFile) => rm(file.path, { force: true });

export const isZip = (file: ReceivedFile) =>
  file.head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ||
  (file.size === 22 && file.head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x05, 0x06])));

/**
 * Why a file is not a recording we can take, or undefined when it looks like audio. Judged from the bytes
 * (never the name), with the same detector the pipeline decodes with; anything it cannot rule out goes on
 * to decoding, which gives the final word.
 */
export function whyNotAudio(file: ReceivedFile): { code: string; message: string } | undefined {
  if (file.size === 0) return { code: 'empty_input', message: `${file.fileName} is empty` };
  try {
    detectAudioFormat(new Uint8Array(file.head), {
      name: file.fileName,
      complete: file.size <= file.head.length,
    });
    return undefined;
  } catch (error) {
    if (UnsupportedFormatError.isInstance(error)) {
      const { code, message } = describeError(error);
      return { code, message };
    }
    throw error;
  }
}

/** Refuses a directly uploaded file that is not audio, with the detector's reason. */
export function assertAudio(file: ReceivedFile): void {
  const problem = whyNotAudio(file);
  if (!problem) return;
  throw new HttpProblem(problem.code === 'empty_input' ? 422 : 415, problem.code, problem.message);
}

export const openReceived = (file: ReceivedFile) => createReadStream(file.path);
