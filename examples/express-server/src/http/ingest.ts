import { randomUUID } from 'node:crypto';
import { type CallMetadata, CallMetadataSchema } from '@echolens/provider';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { callAudioKey, type Until } from '../queue-contract.js';
import { HttpProblem } from './problem.js';
import {
  discard,
  isZip,
  openReceived,
  type ReceivedFile,
  receiveToFile,
  tooLarge,
  whyNotAudio,
} from './recordings.js';
import { forEachZipEntry } from './zip.js';

/** `until` of a new call: how far to take it at once (`none`: store only, transcribe or analyze later). */
export const IngestUntilSchema = z.enum(['none', 'transcribe', 'analyze']).default('analyze');
export type IngestUntil = z.infer<typeof IngestUntilSchema>;

/** What the API says about each call it created. */
export interface CreatedCall {
  id: string;
  name: string;
  status: 'pending' | 'failed';
  error?: { code: string; message: string };
}

/**
 * Call metadata from a request: a `metadata` JSON object and/or the flat fields `agentId`, `customerId`,
 * `startedAt`, `language`, `channelRoles` (JSON, or the shorthand `agent,customer` for channels 0 and 1).
 */
export function metadataFrom(fields: Record<string, unknown>): CallMetadata {
  let base: Record<string, unknown> = {};
  if (typeof fields.metadata === 'string' && fields.metadata.trim()) {
    try {
      base = JSON.parse(fields.metadata) as Record<string, unknown>;
    } catch {
      throw new HttpProblem(400, 'invalid_request', 'the metadata field is not valid JSON');
    }
  } else if (fields.metadata && typeof fields.metadata === 'object') {
    base = fields.metadata as Record<string, unknown>;
  }
  const flat: Record<string, unknown> = {};
  for (const name of ['agentId', 'customerId', 'startedAt', 'language'] as const) {
    if (typeof fields[name] === 'string' && fields[name] !== '') flat[name] = fields[name];
  }
  const roles = fields.channelRoles ?? base.channelRoles;
  if (typeof roles === 'string' && roles.trim()) {
    flat.channelRoles = roles.trim().startsWith('{')
      ? JSON.parse(roles)
      : Object.fromEntries(roles.split(',').map((role, channel) => [String(channel), role.trim()]));
  }
  const metadata = CallMetadataSchema.parse({ ...base, ...flat });
  if (metadata.startedAt && Number.isNaN(Date.parse(metadata.startedAt)))
    throw new HttpProblem(
      400,
      'invalid_request',
      `startedAt "${metadata.startedAt}" is not an ISO 8601 time`,
    );
  // The server names calls; a callId given by the caller stays in the metadata as theirs.
  const { callId: _ignored, ...rest } = metadata;
  return rest;
}

const MIME_BY_FORMAT: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  mp4: 'audio/mp4',
  aac: 'audio/aac',
  webm: 'audio/webm',
};

export function contentTypeOf(fileName: string): string {
  const extension = fileName.split('.').at(-1)?.toLowerCase() ?? '';
  const format = extension === 'm4a' ? 'mp4' : extension === 'opus' ? 'ogg' : extension;
  return MIME_BY_FORMAT[format] ?? 'application/octet-stream';
}

/** Creates calls from received files; stores each recording and asks for work. ZIP archives are expanded. */
export class Ingest {
  constructor(private readonly context: AppContext) {}

  /**
   * Direct uploads must all be recordings or archives (otherwise nothing is stored and the request is
   * refused); inside an archive a bad entry becomes a failed call with its reason, and the others go on.
   */
  async fromFiles(files: ReceivedFile[], metadata: CallMetadata, until: IngestUntil): Promise<CreatedCall[]> {
    try {
      for (const file of files) {
        if (isZip(file)) continue;
        const problem = whyNotAudio(file);
        if (problem)
          throw new HttpProblem(problem.code === 'empty_input' ? 422 : 415, problem.code, problem.message);
      }
      const created: CreatedCall[] = [];
      for (const file of files) {
        if (isZip(file)) created.push(...(await this.fromZip(file, metadata, until)));
        else created.push(await this.store(file, metadata, until));
      }
      return created;
    } finally {
      await Promise.all(files.map(discard));
    }
  }

  private async fromZip(
    archive: ReceivedFile,
    metadata: CallMetadata,
    until: IngestUntil,
  ): Promise<CreatedCall[]> {
    const created: CreatedCall[] = [];
    const { config } = this.context;
    const count = await forEachZipEntry(archive.path, async (entry) => {
      const name = entry.fileName.split('/').at(-1) as string;
      if (entry.uncompressedSize > config.maxUploadBytes) {
        const problem = tooLarge(name, config.maxUploadBytes);
        created.push(
          await this.recordFailure(name, metadata, { code: problem.code, message: problem.message }),
        );
        return;
      }
      let file: ReceivedFile;
      try {
        file = await receiveToFile(await entry.open(), name, {
          tmpDir: this.tmpDir,
          maxBytes: config.maxUploadBytes,
        });
      } catch (error) {
        created.push(
          await this.recordFailure(name, metadata, {
            code: 'invalid_archive',
            message: `${name}: ${(error as Error).message}`,
          }),
        );
        return;
      }
      try {
        const problem = whyNotAudio(file);
        created.push(
          problem
            ? await this.recordFailure(name, metadata, problem)
            : await this.store(file, metadata, until),
        );
      } finally {
        await discard(file);
      }
    });
    if (count === 0) throw new HttpProblem(422, 'invalid_archive', `${archive.fileName} holds no files`);
    return created;
  }

  get tmpDir(): string {
    return `${this.context.config.dataDir}/tmp`;
  }

  /** Stores one recording as a new call and asks for the work requested. */
  async store(
    file: ReceivedFile,
    metadata: CallMetadata,
    until: IngestUntil,
    existingKey?: string,
  ): Promise<CreatedCall> {
    const { storage, calls, work } = this.context;
    const id = randomUUID();
    const storageKey = existingKey ?? callAudioKey(id, file.fileName);
    if (!existingKey)
      await storage.put(storageKey, openReceived(file), { contentType: contentTypeOf(file.fileName) });
    await calls.insert({
      id,
      name: file.fileName,
      kind: 'audio',
      status: 'pending',
      storage_key: storageKey,
      audio_sha256: file.sha256,
      size_bytes: file.size,
      content_type: contentTypeOf(file.fileName),
      metadata,
    });
    work.announce({ id, status: 'pending', stage: null, progress: 0, error: null });
    if (until !== 'none') {
      const row = await calls.get(id);
      if (row) await work.request(row, until as Until);
    }
    return { id, name: file.fileName, status: 'pending' };
  }

  /** A call that could not be taken (bad archive entry): kept, failed, with its reason. */
  private async recordFailure(
    name: string,
    metadata: CallMetadata,
    error: { code: string; message: string },
  ): Promise<CreatedCall> {
    const id = randomUUID();
    await this.context.calls.insert({
      id,
      name,
      kind: 'audio',
      status: 'failed',
      error_code: error.code,
      error_message: error.message,
      metadata,
    });
    this.context.work.announce({ id, status: 'failed', stage: null, progress: 0, error });
    return { id, name, status: 'failed', error };
  }
}
