import { resolve } from 'node:path';
import { ConfigurationError } from '@echolens/provider';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Every setting of the server, read from the environment once. Nothing is required: without any variable
 * the server runs on one machine with SQLite, a local storage folder, in-process work and the offline
 * analyzer. Each variable switches one part to the real thing (README: "Configure").
 */
const EnvironmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Loopback by default: a laptop install is not on the network until you say so (HOST=0.0.0.0). */
  HOST: z.string().default('127.0.0.1'),
  ECHOLENS_DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().optional(),
  /** `s3://bucket/prefix` for S3 (or S3-compatible, with AWS_ENDPOINT_URL_S3); a folder path otherwise. */
  ECHOLENS_STORAGE: z.string().optional(),
  REDIS_URL: z.string().optional(),
  /** `provider:model`, e.g. `groq:llama-3.3-70b-versatile`; the vendor's API key from its usual variable. */
  ECHOLENS_LLM: z.string().optional(),
  ECHOLENS_LLM_BASE_URL: z.string().url().optional(),
  /** Comma-separated API keys; without it a key is generated at first start and kept in the data folder. */
  ECHOLENS_API_KEYS: z.string().optional(),
  ECHOLENS_MAX_UPLOAD_MB: z.coerce.number().positive().default(500),
  ECHOLENS_CONCURRENCY: positiveInt(1),
  /** Requests per minute per API key (or address, before authentication). */
  ECHOLENS_RATE_LIMIT: positiveInt(600),
  ECHOLENS_WHISPER_MODEL: z.string().optional(),
  ECHOLENS_LANGUAGE: z.string().optional(),
  /** Seconds a shutdown waits for work in hand before returning it to the queue. */
  ECHOLENS_SHUTDOWN_GRACE_SEC: z.coerce.number().nonnegative().default(25),
  /** Let `{ url }` imports reach loopback and private addresses (off: the server fetches URLs for callers). */
  ECHOLENS_ALLOW_PRIVATE_URLS: flag,
  /** Behind a reverse proxy: trust its X-Forwarded-* headers (client address, https). */
  TRUST_PROXY: flag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** `sqlite:<file>` or a `postgres://` URL. */
  databaseUrl: string;
  storage: { kind: 'local'; root: string } | { kind: 's3'; bucket: string; prefix: string };
  redisUrl: string | undefined;
  languageModel: { spec: string; baseURL?: string } | undefined;
  apiKeys: string[] | undefined;
  maxUploadBytes: number;
  concurrency: number;
  rateLimitPerMinute: number;
  whisperModel: string | undefined;
  language: string | undefined;
  shutdownGraceMs: number;
  allowPrivateUrls: boolean;
  trustProxy: boolean;
  logLevel: z.infer<typeof EnvironmentSchema>['LOG_LEVEL'];
}

export function readConfig(environment: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = EnvironmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`invalid server settings: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.ECHOLENS_DATA_DIR);
  const databaseUrl =
    env.DATABASE_URL && env.DATABASE_URL !== ''
      ? env.DATABASE_URL
      : `sqlite:${resolve(dataDir, 'echolens.sqlite')}`;
  if (!/^(postgres(ql)?:\/\/|sqlite:)/.test(databaseUrl)) {
    throw new ConfigurationError('DATABASE_URL must be a postgres:// URL or sqlite:<file>');
  }
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir,
    databaseUrl,
    storage: storageSetting(env.ECHOLENS_STORAGE, dataDir),
    redisUrl: env.REDIS_URL || undefined,
    languageModel: env.ECHOLENS_LLM
      ? {
          spec: env.ECHOLENS_LLM,
          ...(env.ECHOLENS_LLM_BASE_URL ? { baseURL: env.ECHOLENS_LLM_BASE_URL } : {}),
        }
      : undefined,
    apiKeys: env.ECHOLENS_API_KEYS
      ? env.ECHOLENS_API_KEYS.split(',')
          .map((key) => key.trim())
          .filter(Boolean)
      : undefined,
    maxUploadBytes: Math.round(env.ECHOLENS_MAX_UPLOAD_MB * 1024 * 1024),
    concurrency: env.ECHOLENS_CONCURRENCY,
    rateLimitPerMinute: env.ECHOLENS_RATE_LIMIT,
    whisperModel: env.ECHOLENS_WHISPER_MODEL,
    language: env.ECHOLENS_LANGUAGE,
    shutdownGraceMs: env.ECHOLENS_SHUTDOWN_GRACE_SEC * 1000,
    allowPrivateUrls: env.ECHOLENS_ALLOW_PRIVATE_URLS,
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
  };
}

function storageSetting(value: string | undefined, dataDir: string): ServerConfig['storage'] {
  if (!value) return { kind: 'local', root: resolve(dataDir, 'storage') };
  if (value.startsWith('s3://')) {
    const [bucket = '', ...rest] = value.slice('s3://'.length).split('/');
    if (!bucket) throw new ConfigurationError('ECHOLENS_STORAGE=s3://bucket[/prefix] needs a bucket name');
    return { kind: 's3', bucket, prefix: rest.filter(Boolean).join('/') };
  }
  return { kind: 'local', root: resolve(value) };
}
