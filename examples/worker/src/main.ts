import { loadLocalWhisper } from '@echolens/core';
import {
  createJobPipeline,
  DatabaseMemoryStore,
  openCache,
  openDatabase,
  openStorage,
} from '@echolens/example-express-server/jobs';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { CallWorker } from './call-worker.js';
import { readWorkerConfig } from './config.js';
import { countedSpeechToText } from './job-usage.js';

/**
 * `pnpm example:worker`: one worker of the fleet. Settings from the environment (README), checks that it
 * can work (speech-to-text model, language model, storage, database) before it takes a job, stops
 * gracefully on SIGTERM / SIGINT (a second signal stops at once: the jobs in hand are then picked up by
 * another worker once their lock expires).
 */
const config = (() => {
  try {
    return readWorkerConfig();
  } catch (error) {
    process.stderr.write(`EchoLens worker could not start: ${(error as Error).message}\n`);
    process.exit(2);
  }
})();
const logger = pino({
  level: config.logLevel,
  base: { service: 'echolens-worker', worker: config.workerName },
});

async function start() {
  const storage = await openStorage(config);
  const database = await openDatabase(config.databaseUrl);
  const cache = openCache(config, logger);
  const whisper = await loadLocalWhisper(config.whisperModel ? { model: config.whisperModel } : {});
  const speechToText = countedSpeechToText(whisper, (usage) =>
    logger.info({ jobId: usage.jobId, callId: usage.callId }, 'speech-to-text started'),
  );
  const pipeline = await createJobPipeline(config, {
    storage,
    cache,
    memory: new DatabaseMemoryStore(database),
    logger,
    speechToText,
    longAudio: { chunkSec: config.chunkSec },
  });
  const { warnings } = await pipeline.preflight();
  for (const warning of warnings) logger.warn(warning);
  // BullMQ's blocking reads need retries off per request; commands are retried by reconnecting instead.
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const worker = new CallWorker({
    connection,
    pipeline,
    storage,
    logger,
    name: config.workerName,
    concurrency: config.concurrency,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    fleetChunks: config.fleetChunks,
  });
  await worker.start();
  logger.info(
    {
      concurrency: config.concurrency,
      storage: config.storage.kind,
      languageModel: config.languageModel?.spec ?? 'offline analyzer',
      speechToText: `${whisper.provider}/${whisper.modelId}`,
      chunkSec: config.chunkSec,
      fleetChunks: config.fleetChunks,
    },
    'EchoLens worker ready',
  );
  return async () => {
    logger.info('shutting down: no new jobs, finishing the jobs in hand');
    const { returned } = await worker.close(config.shutdownGraceMs);
    if (returned.length > 0) logger.warn({ returned }, 'jobs in hand given back to the queue');
    await connection.quit().catch(() => connection.disconnect());
    await pipeline.dispose();
    await cache.close?.();
    await database.destroy();
    logger.info('stopped');
  };
}

const stop = await start().catch((error: Error) => {
  logger.fatal({ error: error.message }, 'EchoLens worker could not start');
  process.exit(1);
});
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error({ error: error.message }, 'unclean stop');
        process.exit(1);
      },
    );
  });
}
