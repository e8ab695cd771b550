import type { CallResult, Transcript } from '@echolens/core';
import { sql } from 'kysely';
import { z } from 'zod';
import { type CallStatus, CallStatusSchema } from '../queue-contract.js';
import type { CallsTable, Database } from './database.js';

/** A call as the list shows it (no transcript or result). */
export const CallSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['audio', 'text']),
  status: CallStatusSchema,
  stage: z.string().nullable(),
  progress: z.number().min(0).max(1),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  agentId: z.string().nullable(),
  customerId: z.string().nullable(),
  callTime: z.string(),
  topic: z.string().nullable(),
  customerSentiment: z.number().nullable(),
  durationSec: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CallSummary = z.infer<typeof CallSummarySchema>;

export const CallFiltersSchema = z.object({
  status: CallStatusSchema.optional(),
  agent: z.string().optional(),
  customer: z.string().optional(),
  topic: z.string().optional(),
  /** Calls at or after this time (ISO 8601 date or timestamp). */
  from: z.string().optional(),
  /** Calls before this time. */
  to: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `nextCursor` of the previous page. */
  cursor: z.string().optional(),
});
export type CallFilters = z.infer<typeof CallFiltersSchema>;

const SUMMARY_COLUMNS = [
  'id',
  'name',
  'kind',
  'status',
  'stage',
  'progress',
  'error_code',
  'error_message',
  'agent_id',
  'customer_id',
  'call_time',
  'topic',
  'customer_sentiment',
  'duration_sec',
  'created_at',
  'updated_at',
] as const;

type SummaryRow = Pick<CallsTable, (typeof SUMMARY_COLUMNS)[number]>;

export function toSummary(row: SummaryRow): CallSummary {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === 'text' ? 'text' : 'audio',
    status: row.status as CallStatus,
    stage: row.stage,
    progress: Number(row.progress),
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    agentId: row.agent_id,
    customerId: row.customer_id,
    callTime: row.call_time,
    topic: row.topic,
    customerSentiment: row.customer_sentiment === null ? null : Number(row.customer_sentiment),
    durationSec: row.duration_sec === null ? null : Number(row.duration_sec),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const encodeCursor = (row: { call_time: string; id: string }) =>
  Buffer.from(JSON.stringify([row.call_time, row.id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')
      ? (value as [string, string])
      : undefined;
  } catch {
    return undefined;
  }
}

export type NewCall = Pick<CallsTable, 'id' | 'name' | 'kind' | 'status'> &
  Partial<
    Omit<
      CallsTable,
      'id' | 'name' | 'kind' | 'status' | 'created_at' | 'updated_at' | 'call_time' | 'metadata'
    >
  > & {
    metadata: Record<string, unknown>;
  };

export type StatusChange = Partial<
  Pick<CallsTable, 'status' | 'stage' | 'progress' | 'error_code' | 'error_message' | 'job_id' | 'requested'>
>;

/** Everything the server stores about calls, over SQLite or PostgreSQL alike. */
export class CallsRepository {
  constructor(private readonly db: Database) {}

  async insert(call: NewCall): Promise<void> {
    const now = new Date().toISOString();
    const startedAt = typeof call.metadata.startedAt === 'string' ? call.metadata.startedAt : undefined;
    await this.db
      .insertInto('calls')
      .values({
        progress: 0,
        ...call,
        metadata: JSON.stringify(call.metadata),
        agent_id: typeof call.metadata.agentId === 'string' ? call.metadata.agentId : null,
        customer_id: typeof call.metadata.customerId === 'string' ? call.metadata.customerId : null,
        call_time: startedAt ? new Date(startedAt).toISOString() : now,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  async get(id: string): Promise<CallsTable | undefined> {
    return this.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async summary(id: string): Promise<CallSummary | undefined> {
    const row = await this.db
      .selectFrom('calls')
      .select(SUMMARY_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toSummary(row) : undefined;
  }

  /** Newest first, keyset-paginated (stable under inserts, fast at any depth). */
  async list(
    filters: CallFilters,
  ): Promise<{ items: CallSummary[]; nextCursor: string | null; total: number }> {
    let query = this.db.selectFrom('calls');
    if (filters.status) query = query.where('status', '=', filters.status);
    if (filters.agent) query = query.where('agent_id', '=', filters.agent);
    if (filters.customer) query = query.where('customer_id', '=', filters.customer);
    if (filters.topic) query = query.where('topic', '=', filters.topic);
    if (filters.from) query = query.where('call_time', '>=', new Date(filters.from).toISOString());
    if (filters.to) query = query.where('call_time', '<', new Date(filters.to).toISOString());
    const counted = query.select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirst();

    let page = query.select(SUMMARY_COLUMNS);
    const after = filters.cursor ? decodeCursor(filters.cursor) : undefined;
    if (after) {
      const [time, id] = after;
      page = page.where((eb) =>
        eb.or([eb('call_time', '<', time), eb.and([eb('call_time', '=', time), eb('id', '<', id)])]),
      );
    }
    const rows = await page
      .orderBy('call_time', 'desc')
      .orderBy('id', 'desc')
      .limit(filters.limit + 1)
      .execute();
    const items = rows.slice(0, filters.limit);
    const last = items.at(-1);
    return {
      items: items.map(toSummary),
      nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null,
      total: Number((await counted)?.total ?? 0),
    };
  }

  async update(ids: string | string[], change: StatusChange): Promise<void> {
    const list = Array.isArray(ids) ? ids : [ids];
    if (list.length === 0) return;
    await this.db
      .updateTable('calls')
      .set({ ...change, updated_at: new Date().toISOString() })
      .where('id', 'in', list)
      .execute();
  }

  /** Calls waiting for the outcome of a job (several when the same recording was uploaded twice). */
  async callsOfJob(jobId: string): Promise<Pick<CallsTable, 'id' | 'status' | 'requested'>[]> {
    return this.db
      .selectFrom('calls')
      .select(['id', 'status', 'requested'])
      .where('job_id', '=', jobId)
      .execute();
  }

  /** Calls whose work was under way (or queued) when the server stopped. */
  async unfinished(): Promise<CallsTable[]> {
    return this.db
      .selectFrom('calls')
      .selectAll()
      .where('status', 'in', ['pending', 'transcribing', 'analyzing'])
      .where('kind', '=', 'audio')
      .execute();
  }

  async storeTranscript(
    id: string,
    transcription: { transcript: Transcript; audio?: { durationSec: number } },
  ) {
    await this.db
      .updateTable('calls')
      .set({
        transcript: JSON.stringify(transcription),
        duration_sec: transcription.audio?.durationSec ?? transcription.transcript.durationSec,
        status: 'transcribed',
        stage: null,
        progress: 1,
        error_code: null,
        error_message: null,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .execute();
  }

  async storeResult(id: string, result: CallResult): Promise<void> {
    const { insights, metrics } = result.analysis;
    await this.db
      .updateTable('calls')
      .set({
        result: JSON.stringify(result),
        transcript: result.transcript
          ? JSON.stringify({ transcript: result.transcript, audio: result.audio })
          : null,
        topic: insights.intent.primary.topicId,
        // Null when the customer's sentiment is unknown (the analysis abstains, decision 0005).
        customer_sentiment: insights.sentiment.customer.score,
        duration_sec: metrics.durationSec,
        status: 'done',
        stage: null,
        progress: 1,
        error_code: null,
        error_message: null,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('calls').where('id', '=', id).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** Stored results of finished calls, in pages, oldest first (for reports). */
  async *results(filters: Pick<CallFilters, 'agent' | 'topic' | 'from' | 'to'> = {}, pageSize = 500) {
    let after: { call_time: string; id: string } | undefined;
    for (;;) {
      let query = this.db
        .selectFrom('calls')
        .select(['id', 'call_time', 'result'])
        .where('status', '=', 'done')
        .where('result', 'is not', null);
      if (filters.agent) query = query.where('agent_id', '=', filters.agent);
      if (filters.topic) query = query.where('topic', '=', filters.topic);
      if (filters.from) query = query.where('call_time', '>=', new Date(filters.from).toISOString());
      if (filters.to) query = query.where('call_time', '<', new Date(filters.to).toISOString());
      if (after) {
        const { call_time, id } = after;
        query = query.where((eb) =>
          eb.or([
            eb('call_time', '>', call_time),
            eb.and([eb('call_time', '=', call_time), eb('id', '>', id)]),
          ]),
        );
      }
      const rows = await query.orderBy('call_time', 'asc').orderBy('id', 'asc').limit(pageSize).execute();
      for (const row of rows) yield JSON.parse(row.result as string) as CallResult;
      const last = rows.at(-1);
      if (!last || rows.length < pageSize) return;
      after = last;
    }
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('calls')
      .select(['status', sql<number | string>`count(*)`.as('count')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }
}
