import type { Server } from 'node:http';
import { join } from 'node:path';
import {
  createLocalStorage,
  createPipeline,
  FileCache,
  loadLanguageModel,
  type Storage,
} from '@echolens/core';
import { ConfigurationError } from '@echolens/provider';
import { pino } from 'pino';
import { createApp } from './app.js';
import type { ServerConfig } from './config.js';
import type { AppContext } from './context.js';
import { CallsRepository } from './db/calls-repository.js';
import { openDatabase } from './db/database.js';
import { DatabaseMemoryStore } from './db/memory-store.js';
import { Authenticator, loadApiKeys } from './http/auth.js';
import { UploadSigner } from './http/upload-tokens.js';
import { CallWork } from './work/call-work.js';
import { InProcessQueue } from './work/in-process-queue.js';
import { RedisQueue } from './work/redis-queue.js';
import type { WorkQueue } from './work/work-queue.js';

export interface RunningServer {
  context: AppContext;
  server: Server;
  /** `http://host:port` the server listens on. */
  url: string;
  /** Graceful stop: no new requests, work in hand finished or given back, connections closed. */
  close(): Promise<void>;
}

export async function openStorage(config: ServerConfig): Promise<Storage> {
  if (config.storage.kind === 'local') return createLocalStorage({ root: config.storage.root });
  throw new ConfigurationError(
    'S3 storage needs @echolens/storage-s3, which this build does not include yet',
  );
}

/** Builds everything from the settings, resumes unfinished work and listens. */
export async function startServer(
  config: ServerConfig,
  options: { print?: (line: string) => void } = {},
): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const logger = pino({ level: config.logLevel, base: { service: 'echolens-server' } });
  const keys = loadApiKeys(config.apiKeys, config.dataDir);
  // A generated key is shown once, on the terminal, never through the log.
  if (keys.generated)
    print(`EchoLens API key (shown once; kept in ${keys.generated.file}): ${keys.generated.key}`);
  else if (keys.file) print(`EchoLens API key: in ${keys.file}`);

  const database = await openDatabase(config.databaseUrl);
  const calls = new CallsRepository(database);
  const memory = new DatabaseMemoryStore(database);
  const storage = await openStorage(config);
  const languageModel = config.languageModel
    ? await loadLanguageModel(
        config.languageModel.spec,
        config.languageModel.baseURL ? { baseURL: config.languageModel.baseURL } : {},
      )
    : undefined;
  const pipeline = createPipeline({
    ...(languageModel ? { languageModel } : {}),
    cache: new FileCache({ directory: join(config.dataDir, 'cache') }),
    memory,
    storage,
    logger,
    ...(config.whisperModel ? { whisper: { model: config.whisperModel } } : {}),
    ...(config.language ? { language: config.language } : {}),
  });
  const queue: WorkQueue = config.redisUrl
    ? await RedisQueue.open(config.redisUrl, logger)
    : new InProcessQueue({ pipeline, storage, concurrency: config.concurrency });
  const settings = [
    config.languageModel?.spec ?? 'offline',
    config.whisperModel ?? 'default-whisper',
    config.language ?? 'auto',
  ].join('|');
  const work = new CallWork(calls, storage, queue, logger, settings);
  const context: AppContext = {
    config,
    database,
    calls,
    memory,
    storage,
    work,
    pipeline,
    auth: new Authenticator(keys.keys),
    uploads: new UploadSigner(),
    logger,
  };
  const resumed = await work.resumeUnfinished();
  if (resumed > 0) logger.info({ resumed }, 'unfinished calls queued again');

  const app = createApp(context);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  // Longer than the idle timeout of the proxies and clients in front, so they never reuse a closing connection.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    {
      url,
      database: config.databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres',
      storage: config.storage.kind,
      queue: queue.kind,
      languageModel: config.languageModel?.spec ?? 'offline analyzer',
    },
    'EchoLens server listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info('shutting down: no new requests, finishing work in hand');
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const { returned } = await queue.close(config.shutdownGraceMs);
      for (const jobId of returned) {
        const ids = (await calls.callsOfJob(jobId)).map((call) => call.id);
        await calls.update(ids, { status: 'pending', stage: null, progress: 0 });
      }
      if (returned.length > 0)
        logger.warn(
          { returned: returned.length },
          'work in hand given back; it runs again at the next start',
        );
      server.closeAllConnections();
      await stopped;
      await pipeline.dispose();
      await database.destroy();
      logger.info('stopped');
    })();
    return closing;
  };
  return { context, server, url, close };
}
