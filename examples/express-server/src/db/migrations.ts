import type { Kysely, Migration } from 'kysely';

/**
 * Schema changes in order; applied at start by Kysely's migrator, which records them and takes a lock so
 * several server processes on one PostgreSQL database migrate once. Never edit a shipped migration: add one.
 */
export const migrations: Record<string, Migration> = {
  '0001_calls_and_memory': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('calls')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('stage', 'text')
        .addColumn('progress', 'real', (column) => column.notNull().defaultTo(0))
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('storage_key', 'text')
        .addColumn('audio_sha256', 'text')
        .addColumn('size_bytes', 'integer')
        .addColumn('content_type', 'text')
        .addColumn('agent_id', 'text')
        .addColumn('customer_id', 'text')
        .addColumn('call_time', 'text', (column) => column.notNull())
        .addColumn('metadata', 'text', (column) => column.notNull())
        .addColumn('topic', 'text')
        .addColumn('customer_sentiment', 'real')
        .addColumn('duration_sec', 'real')
        .addColumn('job_id', 'text')
        .addColumn('requested', 'text')
        .addColumn('transcript', 'text')
        .addColumn('result', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .execute();
      // The list is read newest first, filtered by one of these.
      await db.schema.createIndex('calls_by_time').on('calls').columns(['call_time', 'id']).execute();
      await db.schema.createIndex('calls_by_status').on('calls').columns(['status', 'call_time']).execute();
      await db.schema.createIndex('calls_by_agent').on('calls').columns(['agent_id', 'call_time']).execute();
      await db.schema.createIndex('calls_by_topic').on('calls').columns(['topic', 'call_time']).execute();
      await db.schema.createIndex('calls_by_customer').on('calls').column('customer_id').execute();
      await db.schema.createIndex('calls_by_job').on('calls').column('job_id').execute();

      await db.schema
        .createTable('customer_memory')
        .addColumn('customer_id', 'text', (column) => column.primaryKey())
        .addColumn('memory', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('customer_memory').execute();
      await db.schema.dropTable('calls').execute();
    },
  },
};
