import { type CustomerMemory, CustomerMemorySchema, type MemoryStore } from '@echolens/core';
import type { Database } from './database.js';

/**
 * The customers' memory boxes in the server's database, so every process that analyses calls (this server,
 * workers pointed at the same DATABASE_URL) reads and writes the same history.
 */
export class DatabaseMemoryStore implements MemoryStore {
  constructor(private readonly db: Database) {}

  async get(customerId: string): Promise<CustomerMemory | undefined> {
    const row = await this.db
      .selectFrom('customer_memory')
      .select('memory')
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    return row ? CustomerMemorySchema.parse(JSON.parse(row.memory)) : undefined;
  }

  async put(memory: CustomerMemory): Promise<void> {
    const values = {
      customer_id: memory.customerId,
      memory: JSON.stringify(memory),
      updated_at: new Date().toISOString(),
    };
    await this.db
      .insertInto('customer_memory')
      .values(values)
      .onConflict((conflict) =>
        conflict.column('customer_id').doUpdateSet({ memory: values.memory, updated_at: values.updated_at }),
      )
      .execute();
  }
}
