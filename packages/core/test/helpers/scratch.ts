import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A scratch folder for one test file, removed after it: inputs written by name, fresh temp folders. */
export function scratchFolder(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return {
    root,
    /** A fresh, empty folder for one case's temporary PCM, so leaks are visible. */
    tempFolder(): string {
      const folder = join(root, `temp-${Math.random().toString(36).slice(2)}`);
      mkdirSync(folder);
      return folder;
    },
    write(name: string, bytes: Uint8Array | string): string {
      const path = join(root, name);
      writeFileSync(path, bytes);
      return path;
    },
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}
