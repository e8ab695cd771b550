import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations.js';

/** Rows as stored. Times are ISO 8601 text and JSON is text, so SQLite and PostgreSQL hold the same values. */
export interface CallsTable {
  id: string;
  name: string;
  /** `audio` (a recording) or `text` (a conversation given as text). */
  kind: string;
  status: string;
  /** The pipeline stage running now, while transcribing or analyzing. */
  stage: string | null;
  progress: number;
  error_code: string | null;
  error_message: string | null;
  storage_key: string | null;
  audio_sha256: string | null;
  size_bytes: number | null;
  content_type: string | null;
  agent_id: string | null;
  customer_id: string | null;
  /** metadata.startedAt when given, else the upload time: what date filters and the order use. */
  call_time: string;
  metadata: string;
  topic: string | null;
  customer_sentiment: number | null;
  duration_sec: number | null;
  job_id: string | null;
  /** What the last request asked for: `transcribe` or `analyze`. */
  requested: string | null;
  transcript: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
}

export interface CustomerMemoryTable {
  customer_id: string;
  memory: string;
  updated_at: string;
}

export interface DatabaseSchema {
  calls: CallsTable;
  customer_memory: CustomerMemoryTable;
}

export type Database = Kysely<DatabaseSchema>;

/** Opens SQLite (`sqlite:<file>`) or PostgreSQL (`postgres://…`) and brings the schema up to date. */
export async function openDatabase(url: string): Promise<Database> {
  const database = new Kysely<DatabaseSchema>({ dialect: dialectFor(url) });
  const { error, results } = await new Migrator({
    db: database,
    provider: { getMigrations: async () => migrations },
  }).migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    await database.destroy();
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
  return database;
}

function dialectFor(url: string) {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new BetterSqlite3(file);
    // Readers do not block the writer, and a busy database waits instead of failing.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    return new SqliteDialect({ database: sqlite });
  }
  return new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) });
}

export const isPostgres = (url: string) => !url.startsWith('sqlite:');
