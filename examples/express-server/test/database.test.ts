import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPipeline } from '@echolens/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CallsRepository } from '../src/db/calls-repository.js';
import { openDatabase } from '../src/db/database.js';

describe('the SQLite database', () => {
  const folder = mkdtempSync(join(tmpdir(), 'echolens-db-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('is opened by several processes at once on a new file (a server and its workers starting together)', async () => {
    const url = `sqlite:${join(folder, 'echolens.sqlite')}`;
    // Three connections migrating one new file at once, as three processes do; each must end up usable.
    const databases = await Promise.all([openDatabase(url), openDatabase(url), openDatabase(url)]);
    try {
      const tables = await Promise.all(
        databases.map((database) => database.selectFrom('calls').select('id').execute()),
      );
      expect(tables).toEqual([[], [], []]);
    } finally {
      await Promise.all(databases.map((database) => database.destroy()));
    }
  });

  it('stores no sentiment score for a call whose customer said nothing (not 0, a neutral customer)', async () => {
    const database = await openDatabase(`sqlite:${join(folder, 'unknown.sqlite')}`);
    try {
      const calls = new CallsRepository(database);
      // A message the agent left: the customer said nothing, so the offline analyzer abstains on them.
      const result = await createPipeline({ cache: false, memory: false }).analyzeConversation({
        id: 'agent-only',
        turns: [
          { speaker: 'agent', text: 'Hello, this is Sam from the billing team returning your call.' },
          { speaker: 'agent', text: 'Please call us back on the usual number when you can.' },
        ],
      });
      expect(result.analysis.insights.sentiment.customer).toMatchObject({ label: 'unknown', score: null });
      await calls.insert({
        id: 'agent-only',
        name: 'agent-only',
        kind: 'text',
        status: 'running',
        metadata: {},
      });
      await calls.storeResult('agent-only', result);
      const summary = await calls.summary('agent-only');
      expect(summary).toMatchObject({ status: 'done', customerSentiment: null });
    } finally {
      await database.destroy();
    }
  });
});
