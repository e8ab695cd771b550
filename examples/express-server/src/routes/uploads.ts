import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { contentTypeOf } from '../http/ingest.js';
import { HttpProblem } from '../http/problem.js';
import { discard, openReceived, receiveToFile } from '../http/recordings.js';
import { callAudioKey } from '../queue-contract.js';

export const UploadRequestSchema = z.object({
  fileName: z.string().min(1).max(255),
  contentType: z.string().optional(),
});

const EXPIRES_IN_SEC = 15 * 60;

/**
 * POST /api/uploads: where to PUT a recording before creating its call with `{ storageKey }`. With S3 the
 * URL is presigned and the bytes never pass through this server; with local storage it is a signed URL of
 * this server. Either way the PUT carries no API key: the URL is the permission.
 */
export function uploadsRouter(context: AppContext): Router {
  const router = Router();
  router.post('/', async (request, response) => {
    const { fileName, contentType } = UploadRequestSchema.parse(request.body);
    const storageKey = callAudioKey(randomUUID(), fileName);
    const type = contentType ?? contentTypeOf(fileName);
    const expiresAt = new Date(Date.now() + EXPIRES_IN_SEC * 1000).toISOString();
    const { storage, uploads } = context;
    const url = storage.createUploadUrl
      ? await storage.createUploadUrl(storageKey, { expiresInSec: EXPIRES_IN_SEC, contentType: type })
      : new URL(
          `/api/uploads/${uploads.sign(storageKey, EXPIRES_IN_SEC)}`,
          `${request.protocol}://${request.get('host')}`,
        ).href;
    response
      .status(201)
      .json({ method: 'PUT', url, storageKey, headers: { 'Content-Type': type }, expiresAt });
  });
  return router;
}

/** PUT /api/uploads/:token — the local-storage counterpart of a presigned URL (no API key needed). */
export function directUploadRouter(context: AppContext): Router {
  const router = Router();
  router.put('/:token', async (request, response) => {
    const storageKey = context.uploads.verify(String(request.params.token));
    if (!storageKey)
      throw new HttpProblem(403, 'invalid_upload_url', 'the upload URL is not valid or has expired');
    const file = await receiveToFile(request, storageKey.split('/').at(-1) as string, {
      tmpDir: join(context.config.dataDir, 'tmp'),
      maxBytes: context.config.maxUploadBytes,
    });
    try {
      await context.storage.put(storageKey, openReceived(file), {
        contentType: contentTypeOf(file.fileName),
      });
    } finally {
      await discard(file);
    }
    response.status(201).json({ storageKey, size: file.size });
  });
  return router;
}
