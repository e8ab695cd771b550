import { join } from 'node:path';
import { RedisCache } from '@echolens/cache-redis';
import {
  type Cache,
  createLocalStorage,
  createPipeline,
  FileCache,
  type Logger,
  loadLanguageModel,
  type MemoryStore,
  type Pipeline,
  type SpeechToTextModel,
  type Storage,
} from '@echolens/core';
import { createS3Storage } from '@echolens/storage-s3';
import type { ServerConfig } from '../config.js';

/**
 * How every process that runs the server's jobs builds its parts from the same settings: this server
 * (in-process work) and the workers of examples/worker. One place, so a worker cannot drift from the server.
 */

export async function openStorage(config: ServerConfig): Promise<Storage> {
  if (config.storage.kind === 'local') return createLocalStorage({ root: config.storage.root });
  // Endpoint, region and credentials come from the AWS SDK's own chain (AWS_ENDPOINT_URL_S3 for MinIO & co.).
  return createS3Storage({ bucket: config.storage.bucket, prefix: config.storage.prefix || undefined });
}

/**
 * The results cache (transcripts, language-model answers). With the work on Redis it is in Redis too,
 * shared by the server and every worker, so a job retried or re-delivered anywhere finds what its first
 * attempt paid for; on one machine it is a folder in the data directory.
 */
export function openCache(config: ServerConfig, logger: Logger): Cache & { close?: () => Promise<void> } {
  if (config.redisUrl) return new RedisCache({ redis: config.redisUrl, ttlSec: config.cacheTtlSec, logger });
  return new FileCache({ directory: join(config.dataDir, 'cache') });
}

/**
 * The pipeline a job runs: the configured language model (else the offline analyzer), Whisper model
 * (or the `speechToText` given, e.g. one that counts its requests) and language.
 */
export async function createJobPipeline(
  config: ServerConfig,
  parts: {
    storage: Storage;
    cache: Cache;
    memory: MemoryStore;
    logger: Logger;
    speechToText?: SpeechToTextModel;
    /** Long-audio settings (a worker fleet sets the chunk length); default: the pipeline's. */
    longAudio?: { chunkSec?: number };
  },
): Promise<Pipeline> {
  const languageModel = config.languageModel
    ? await loadLanguageModel(
        config.languageModel.spec,
        config.languageModel.baseURL ? { baseURL: config.languageModel.baseURL } : {},
      )
    : undefined;
  return createPipeline({
    ...(languageModel ? { languageModel } : {}),
    ...parts,
    ...(config.whisperModel ? { whisper: { model: config.whisperModel } } : {}),
    ...(config.language ? { language: config.language } : {}),
  });
}
