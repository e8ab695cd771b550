import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
});
