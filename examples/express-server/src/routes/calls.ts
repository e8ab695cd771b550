import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CallResult, LocalStorage, type TranscriptionResult } from '@echolens/core';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { CallFiltersSchema, toSummary } from '../db/calls-repository.js';
import type { CallsTable } from '../db/database.js';
import { contentTypeOf, Ingest, IngestUntilSchema, metadataFrom } from '../http/ingest.js';
import { readMultipart } from '../http/multipart.js';
import { HttpProblem } from '../http/problem.js';
import { assertAudio, discard, type ReceivedFile, receiveToFile } from '../http/recordings.js';
import { fetchRecording } from '../http/url-import.js';
import { type Until, UntilSchema } from '../queue-contract.js';

export const CreateFromSourceSchema = z
  .object({
    /** A recording already in the server's storage (e.g. PUT to a URL from POST /api/uploads). */
    storageKey: z.string().min(1).optional(),
    /** An http(s) URL the server fetches the recording from. */
    url: z.string().url().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    until: IngestUntilSchema,
  })
  .refine((body) => Boolean(body.storageKey) !== Boolean(body.url), {
    message: 'give either storageKey or url',
  });

/** What GET /api/calls/:id returns: the summary, the metadata and whatever the pipeline produced so far. */
export function callDetail(row: CallsTable) {
  const result = row.result ? (JSON.parse(row.result) as CallResult) : undefined;
  const transcription = row.transcript
    ? (JSON.parse(row.transcript) as Partial<
        Pick<TranscriptionResult, 'transcript' | 'audio' | 'conversation'>
      >)
    : undefined;
  return {
    ...toSummary(row),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    audioUrl: row.storage_key ? `/api/calls/${row.id}/audio` : null,
    audio: result?.audio ?? transcription?.audio ?? null,
    transcript: result?.transcript ?? transcription?.transcript ?? null,
    conversation: result?.conversation ?? transcription?.conversation ?? null,
    analysis: result?.analysis ?? null,
    provenance: result?.analysis.provenance ?? null,
  };
}

const IN_FLIGHT = new Set(['pending', 'transcribing', 'analyzing']);

export function callsRouter(context: AppContext): Router {
  const router = Router();
  const { calls, storage, work, config } = context;
  const ingest = new Ingest(context);
  const tmpDir = join(config.dataDir, 'tmp');

  const load = async (request: Request) => {
    const row = await calls.get(String(request.params.id));
    if (!row) throw new HttpProblem(404, 'not_found', `no call ${request.params.id}`);
    return row;
  };

  router.get('/', async (request, response) => {
    response.json(await calls.list(CallFiltersSchema.parse(request.query)));
  });

  router.post('/', async (request, response) => {
    let created: Awaited<ReturnType<Ingest['fromFiles']>>;
    if (request.is('multipart/form-data')) {
      const { files, fields } = await readMultipart(request, {
        tmpDir,
        maxBytes: config.maxUploadBytes,
        maxFiles: 100,
      });
      let metadata: ReturnType<typeof metadataFrom>;
      let until: z.infer<typeof IngestUntilSchema>;
      try {
        metadata = metadataFrom(fields);
        until = IngestUntilSchema.parse(fields.until || undefined);
      } catch (error) {
        await Promise.all(files.map(discard));
        throw error;
      }
      created = await ingest.fromFiles(files, metadata, until);
    } else if (request.is('application/json')) {
      const body = CreateFromSourceSchema.parse(request.body);
      const metadata = metadataFrom(body as Record<string, unknown>);
      const file = body.url
        ? await fetchRecording(body.url, {
            tmpDir,
            maxBytes: config.maxUploadBytes,
            allowPrivate: config.allowPrivateUrls,
          })
        : await readStored(context, body.storageKey as string, tmpDir);
      if (body.url) created = await ingest.fromFiles([file], metadata, body.until);
      else {
        try {
          assertAudio(file);
          created = [await ingest.store(file, metadata, body.until, body.storageKey)];
        } finally {
          await discard(file);
        }
      }
    } else {
      throw new HttpProblem(
        415,
        'unsupported_media_type',
        'send multipart/form-data (field "file") or JSON { storageKey } / { url }',
      );
    }
    response.status(202).json({ calls: created });
  });

  router.get('/:id', async (request, response) => {
    response.json(callDetail(await load(request)));
  });

  const requestWork = (until: Until) => async (request: Request, response: Response) => {
    const row = await load(request);
    if (row.kind !== 'audio' || !row.storage_key)
      throw new HttpProblem(409, 'no_recording', `call ${row.id} has no recording to ${until}`);
    const force = request.query.force === 'true' || request.query.force === '1';
    const finished = until === 'transcribe' ? ['transcribed', 'done'] : ['done'];
    // Idempotent: work done or under way is not asked for again (force re-runs it; the cache still
    // answers whatever was paid for before).
    const inFlight =
      IN_FLIGHT.has(row.status) &&
      row.job_id !== null &&
      (until === 'transcribe' || row.requested === 'analyze');
    if (!force && (finished.includes(row.status) || inFlight)) {
      response.status(finished.includes(row.status) ? 200 : 202).json(toSummary(row));
      return;
    }
    await work.request(row, until);
    response.status(202).json(await calls.summary(row.id));
  };
  router.post('/:id/transcribe', requestWork('transcribe'));
  router.post('/:id/analyze', requestWork('analyze'));
  router.post('/:id/retry', async (request, response) => {
    const row = await load(request);
    if (row.status !== 'failed') throw new HttpProblem(409, 'not_failed', `call ${row.id} has not failed`);
    if (!row.storage_key)
      throw new HttpProblem(409, 'no_recording', `call ${row.id} has no stored recording: upload it again`);
    await work.request(row, UntilSchema.catch('analyze').parse(row.requested));
    response.status(202).json(await calls.summary(row.id));
  });

  router.get('/:id/audio', async (request, response) => {
    const row = await load(request);
    if (!row.storage_key) throw new HttpProblem(404, 'not_found', `call ${row.id} has no recording`);
    if (storage.createDownloadUrl) {
      response.redirect(302, await storage.createDownloadUrl(row.storage_key, { expiresInSec: 900 }));
      return;
    }
    await sendRange(context, row, request, response);
  });

  router.delete('/:id', async (request, response) => {
    const row = await load(request);
    for await (const object of storage.list(`calls/${row.id}/`)) await storage.delete(object.key);
    await calls.delete(row.id);
    work.announce({ id: row.id, status: 'deleted', stage: null, progress: 0, error: null });
    response.status(204).end();
  });

  return router;
}

/** A stored object as a received file (hashed, head kept), so it is checked like an upload. */
async function readStored(context: AppContext, key: string, tmpDir: string): Promise<ReceivedFile> {
  if (!(await context.storage.exists(key)))
    throw new HttpProblem(404, 'not_found', `nothing is stored at ${key}`);
  return receiveToFile(await context.storage.getStream(key), key.split('/').at(-1) as string, {
    tmpDir,
    maxBytes: context.config.maxUploadBytes,
  });
}

/** The recording, whole or the byte range asked for (players seek with Range requests). */
async function sendRange(
  context: AppContext,
  row: CallsTable,
  request: Request,
  response: Response,
): Promise<void> {
  const key = row.storage_key as string;
  const size = row.size_bytes ?? (await sizeOf(context, key));
  response.set('Accept-Ranges', 'bytes');
  response.type(row.content_type ?? contentTypeOf(row.name));
  response.set('Cache-Control', 'private, max-age=3600');
  let start = 0;
  let end = size - 1;
  const range = request.headers.range;
  if (range) {
    const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    const from = match?.[1] ? Number(match[1]) : undefined;
    const to = match?.[2] ? Number(match[2]) : undefined;
    if (!match || (from === undefined && to === undefined)) {
      response.status(416).set('Content-Range', `bytes */${size}`).end();
      return;
    }
    if (from === undefined) start = Math.max(0, size - (to as number));
    else {
      start = from;
      end = Math.min(to ?? size - 1, size - 1);
    }
    if (start > end || start >= size) {
      response.status(416).set('Content-Range', `bytes */${size}`).end();
      return;
    }
    response.status(206).set('Content-Range', `bytes ${start}-${end}/${size}`);
  }
  response.set('Content-Length', String(end - start + 1));
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const { storage } = context;
  const source =
    storage instanceof LocalStorage
      ? createReadStream(join(storage.root, key), { start, end })
      : (await storage.getStream(key)).pipe(byteWindow(start, end));
  await pipeline(source, response).catch(() => undefined);
}

async function sizeOf(context: AppContext, key: string): Promise<number> {
  for await (const object of context.storage.list(key)) if (object.key === key) return object.size;
  throw new HttpProblem(404, 'not_found', `nothing is stored at ${key}`);
}

/** Passes bytes start..end (inclusive) of a stream. */
function byteWindow(start: number, end: number): Transform {
  let position = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const chunkStart = position;
      position += chunk.length;
      const from = Math.max(start - chunkStart, 0);
      const to = Math.min(end + 1 - chunkStart, chunk.length);
      callback(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}
