import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AbortError, createLocalStorage, StorageError } from '@echolens/core';
import { describe, expect, it } from 'vitest';

const collect = async <T>(items: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('LocalStorage', () => {
  const storage = createLocalStorage({ root: mkdtempSync(join(tmpdir(), 'echolens-storage-')) });

  it('puts, gets, streams, lists by prefix and deletes', async () => {
    await storage.put('calls/2026/a.wav', new Uint8Array([1, 2, 3]));
    await storage.put('calls/2026/b.wav', Readable.from([Buffer.from('stream body')]));
    await storage.put('results/a.json', '{"ok":true}');

    expect([...(await storage.get('calls/2026/a.wav'))]).toEqual([1, 2, 3]);
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.getStream('calls/2026/b.wav')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('stream body');

    expect((await collect(storage.list('calls/'))).map((object) => object.key)).toEqual([
      'calls/2026/a.wav',
      'calls/2026/b.wav',
    ]);
    expect((await collect(storage.list('calls/2026/b'))).map((object) => [object.key, object.size])).toEqual([
      ['calls/2026/b.wav', 11],
    ]);
    expect(await storage.exists('results/a.json')).toBe(true);
    await storage.delete('results/a.json');
    expect(await storage.exists('results/a.json')).toBe(false);
  });

  it('refuses keys that escape the root and names missing objects', async () => {
    await expect(storage.get('../outside.txt')).rejects.toSatisfy(StorageError.isInstance);
    await expect(storage.get('/etc/passwd')).rejects.toThrow(
      /invalid storage key "\/etc\/passwd": is an absolute path/,
    );
    for (const key of ['a/../../x', 'a//b', 'a\\..\\b', './a', 'calls/', ''])
      await expect(storage.put(key, 'x')).rejects.toSatisfy(StorageError.isInstance);
    await expect(collect(storage.list('../'))).rejects.toThrow(/invalid storage key/);
    await expect(storage.get('missing.wav')).rejects.toThrow(/cannot read "missing.wav": no such object/);
    await expect(storage.getStream('missing.wav')).rejects.toSatisfy(StorageError.isInstance);
  });

  it('an abort while a stream is being opened is an AbortError, not a crash', async () => {
    await storage.put('calls/2026/c.wav', new Uint8Array([1, 2, 3]));
    const controller = new AbortController();
    const opening = storage.getStream('calls/2026/c.wav', { signal: controller.signal });
    controller.abort(); // while getStream() checks that the object exists
    await expect(opening).rejects.toSatisfy(AbortError.isInstance);
    // A file stream made with the aborted signal would report it now, with nobody listening.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});
