import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultCacheRoot, Mutex, StorageError } from '@echolens/provider';
import { z } from 'zod';
import { contentHash } from '../../cache/hash.js';
import type { Insights } from '../../schema/insights.js';

/**
 * The memory box: per customer, what each analysed call left owed (deliverables) and open. It is given
 * to the model (and the offline analyzer) on that customer's next call, so "you promised me a refund
 * last week" is understood.
 */

export const MemoryEntrySchema = z.object({
  callId: z.string(),
  /** When the entry was first recorded; entries keep their first position when a call is re-analysed. */
  recordedAt: z.string(),
  startedAt: z.string().optional(),
  summary: z.string(),
  topicId: z.string(),
  resolution: z.string(),
  deliverables: z.array(
    z.object({
      item: z.string(),
      owner: z.string(),
      due: z.string().nullable(),
      dueDate: z.string().nullable(),
    }),
  ),
  openIssues: z.array(z.object({ issue: z.string() })),
});
export type MemoryEntry = z.infer<typeof MemoryEntrySchema>;

export const CustomerMemorySchema = z.object({
  customerId: z.string(),
  entries: z.array(MemoryEntrySchema),
});
export type CustomerMemory = z.infer<typeof CustomerMemorySchema>;

/** Where memory boxes live. Implement it over your database to share memory between workers. */
export interface MemoryStore {
  get(customerId: string, signal?: AbortSignal): Promise<CustomerMemory | undefined>;
  put(memory: CustomerMemory, signal?: AbortSignal): Promise<void>;
}

/** What the analysis of a call sees of the customer's history. */
export interface MemoryContext {
  previousCalls: { callId: string; date?: string; summary: string; resolution: string; topicId: string }[];
  /** Still owed to the customer after the latest earlier call. */
  deliverables: MemoryEntry['deliverables'];
  openIssues: string[];
}

/** How many earlier calls are summarised for the model: enough for context, few tokens. */
const CONTEXT_CALLS = 3;
/** Entries kept per customer. */
const MAX_ENTRIES = 50;

/** The default store: one JSON file per customer under `<cache root>/memory` (ids hashed into file names). */
export class FileMemoryStore implements MemoryStore {
  readonly directory: string;
  constructor(options: { directory?: string } = {}) {
    this.directory = options.directory ?? join(defaultCacheRoot(), 'memory');
  }
  private pathFor(customerId: string): string {
    return join(this.directory, `${contentHash(customerId).slice(0, 32)}.json`);
  }
  async get(customerId: string): Promise<CustomerMemory | undefined> {
    const path = this.pathFor(customerId);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    const parsed = CustomerMemorySchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new StorageError(`Memory file ${path} is not a valid memory box`, { key: path });
    return parsed.data;
  }
  async put(memory: CustomerMemory): Promise<void> {
    const path = this.pathFor(memory.customerId);
    await mkdir(this.directory, { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify(memory, null, 1));
    await rename(temporary, path);
  }
}

/** Memory kept in this process only (tests, short scripts). */
export class InProcessMemoryStore implements MemoryStore {
  private readonly boxes = new Map<string, string>();
  async get(customerId: string): Promise<CustomerMemory | undefined> {
    const box = this.boxes.get(customerId);
    return box ? (JSON.parse(box) as CustomerMemory) : undefined;
  }
  async put(memory: CustomerMemory): Promise<void> {
    this.boxes.set(memory.customerId, JSON.stringify(memory));
  }
}

/**
 * The history a call sees: entries recorded before this call was first analysed. Re-analysing a call
 * therefore sees exactly what it saw the first time, which keeps the analysis cache valid.
 */
export function memoryContextFor(
  memory: CustomerMemory | undefined,
  callId: string,
): MemoryContext | undefined {
  if (!memory) return undefined;
  const ownIndex = memory.entries.findIndex((entry) => entry.callId === callId);
  const earlier = ownIndex >= 0 ? memory.entries.slice(0, ownIndex) : memory.entries;
  const latest = earlier.at(-1);
  if (!latest) return undefined;
  return {
    previousCalls: earlier.slice(-CONTEXT_CALLS).map((entry) => ({
      callId: entry.callId,
      ...(entry.startedAt ? { date: entry.startedAt } : {}),
      summary: entry.summary,
      resolution: entry.resolution,
      topicId: entry.topicId,
    })),
    deliverables: latest.deliverables,
    openIssues: latest.openIssues.map((entry) => entry.issue),
  };
}

const locks = new Map<string, Mutex>();

/** Records (or replaces) this call's entry in the customer's memory box. */
export async function recordCallInMemory(
  store: MemoryStore,
  customerId: string,
  entry: Omit<MemoryEntry, 'recordedAt'>,
  signal?: AbortSignal,
): Promise<void> {
  let lock = locks.get(customerId);
  if (!lock) {
    lock = new Mutex();
    locks.set(customerId, lock);
  }
  await lock.run(async () => {
    const memory = (await store.get(customerId, signal)) ?? { customerId, entries: [] };
    const existing = memory.entries.findIndex((candidate) => candidate.callId === entry.callId);
    if (existing >= 0) {
      const previous = memory.entries[existing];
      memory.entries[existing] = { ...entry, recordedAt: previous?.recordedAt ?? new Date().toISOString() };
    } else {
      memory.entries.push({ ...entry, recordedAt: new Date().toISOString() });
    }
    memory.entries = memory.entries.slice(-MAX_ENTRIES);
    await store.put(memory, signal);
  });
}

/** The memory entry a call's insights leave behind. */
export function memoryEntryFrom(
  callId: string,
  insights: Insights,
  startedAt?: string,
): Omit<MemoryEntry, 'recordedAt'> {
  return {
    callId,
    ...(startedAt ? { startedAt } : {}),
    summary: insights.summary.text,
    topicId: insights.intent.primary.topicId,
    resolution: insights.resolution.status,
    deliverables: insights.memory.deliverables.map(({ item, owner, due, dueDate }) => ({
      item,
      owner,
      due,
      dueDate,
    })),
    openIssues: insights.memory.openIssues.map(({ issue }) => ({ issue })),
  };
}
