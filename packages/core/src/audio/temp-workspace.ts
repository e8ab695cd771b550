import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One private temporary folder per prepared recording, created on first use (short clips that stay in
 * memory never touch the disk) and removed as a whole, so nothing is left behind by a failure halfway.
 */
export class TempWorkspace {
  private created: Promise<string> | undefined;
  private removed = false;

  constructor(private readonly parent: string = tmpdir()) {}

  /** The folder's path, creating it the first time. */
  directory(): Promise<string> {
    if (this.removed) throw new Error('temporary workspace already removed');
    this.created ??= mkdtemp(join(this.parent, 'echolens-audio-'));
    return this.created;
  }

  /** Deletes the folder and everything in it; safe to call more than once. */
  async remove(): Promise<void> {
    this.removed = true;
    const created = this.created;
    this.created = undefined;
    if (!created) return;
    const path = await created.catch(() => undefined);
    if (path) await rm(path, { recursive: true, force: true });
  }
}
