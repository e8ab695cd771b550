import type { Pipeline, Storage } from '@echolens/core';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { CallsRepository } from './db/calls-repository.js';
import type { Database } from './db/database.js';
import type { DatabaseMemoryStore } from './db/memory-store.js';
import type { Authenticator } from './http/auth.js';
import type { UploadSigner } from './http/upload-tokens.js';
import type { CallWork } from './work/call-work.js';

/** Everything the HTTP handlers use, made once at start (`startServer`) or by a test. */
export interface AppContext {
  config: ServerConfig;
  database: Database;
  calls: CallsRepository;
  memory: DatabaseMemoryStore;
  storage: Storage;
  work: CallWork;
  /** Runs text conversations and reports here; recordings go through `work`. */
  pipeline: Pipeline;
  auth: Authenticator;
  uploads: UploadSigner;
  logger: Logger;
}
