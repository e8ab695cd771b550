import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { StorageError } from '@echolens/provider';

/**
 * The CLI's output folder. Every file is written whole or not at all (a temporary file renamed into
 * place, so a full disk or a kill never leaves half a JSON), never through a symlink (a planted
 * `report.json → ~/.bashrc` is refused, not followed), and replacing a file from an earlier run is
 * counted so the summary can say so. `open` checks the folder is writable before any work starts.
 */
export class OutputFolder {
  private readonly taken = new Set<string>();
  /** Files that existed and were replaced during this run. */
  replaced = 0;

  private constructor(readonly path: string) {}

  static async open(path: string): Promise<OutputFolder> {
    try {
      const existing = await lstat(path).catch(() => undefined);
      if (existing?.isSymbolicLink()) {
        throw new Error('it is a symbolic link; give the real folder');
      }
      if (existing && !existing.isDirectory()) throw new Error('it exists and is not a folder');
      await mkdir(path, { recursive: true });
      // Probe with a real write: permissions, read-only mounts and full disks all show up here.
      const probe = join(path, `.echolens-write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
      const handle = await open(probe, 'wx');
      await handle.write('ok');
      await handle.close();
      await unlink(probe);
    } catch (error) {
      throw new StorageError(`cannot write results to ${path}: ${reasonOf(error)}`, {
        key: path,
        cause: error,
      });
    }
    return new OutputFolder(path);
  }

  /**
   * A unique file name for an input: `<base name>.<extension>`, numbered when two inputs share a base
   * name (`a/call.wav`, `b/call.wav` → `call.json`, `call-2.json`). Names of one input share the number.
   */
  nameFor(input: string, extension: string): string {
    const base = basename(input).replace(/\.[^.]+$/, '') || 'call';
    let stem = base;
    for (let counter = 2; this.taken.has(`${stem}.${extension}`); counter++) stem = `${base}-${counter}`;
    this.taken.add(`${stem}.${extension}`);
    return `${stem}.${extension}`;
  }

  /** Keeps generated names away from files the run writes itself (report.json…). */
  reserve(...names: string[]): void {
    for (const name of names) this.taken.add(name);
  }

  /** Writes `name` (a path relative to the folder) atomically; refuses symlinks on the way. */
  async write(name: string, data: string | Uint8Array): Promise<string> {
    const target = this.resolve(name);
    await mkdir(dirname(target), { recursive: true });
    await this.refuseSymlink(target);
    const temporary = join(
      dirname(target),
      `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
    );
    try {
      const handle = await open(temporary, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      const existed = await lstat(target).then(
        () => true,
        () => false,
      );
      await this.refuseSymlink(target);
      await rename(temporary, target);
      if (existed) this.replaced++;
      return target;
    } catch (error) {
      await rm(temporary, { force: true });
      if (StorageError.isInstance(error)) throw error;
      throw new StorageError(`could not write ${target}: ${reasonOf(error)}`, { key: target, cause: error });
    }
  }

  /**
   * Moves every file of `folder` (written by a library function) into this folder under the same
   * relative names, with the same guarantees as `write`, then removes `folder`.
   */
  async adopt(folder: string): Promise<string[]> {
    const moved: string[] = [];
    for (const file of await listFiles(folder)) {
      const name = relative(folder, file);
      const target = this.resolve(name);
      await mkdir(dirname(target), { recursive: true });
      await this.refuseSymlink(target);
      const existed = await lstat(target).then(
        () => true,
        () => false,
      );
      try {
        await rename(file, target);
      } catch (error) {
        throw new StorageError(`could not write ${target}: ${reasonOf(error)}`, {
          key: target,
          cause: error,
        });
      }
      if (existed) this.replaced++;
      moved.push(target);
    }
    await rm(folder, { recursive: true, force: true });
    return moved;
  }

  /** A scratch folder inside the output folder (same filesystem, so `adopt` renames instead of copying). */
  async scratch(): Promise<string> {
    const folder = join(this.path, `.echolens-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await mkdir(folder);
    return folder;
  }

  /** Removes a file of an earlier run that would otherwise look current (a stale report). */
  async remove(name: string): Promise<boolean> {
    const target = this.resolve(name);
    const info = await lstat(target).catch(() => undefined);
    if (!info || info.isDirectory()) return false;
    await unlink(target);
    return true;
  }

  private resolve(name: string): string {
    const target = join(this.path, name);
    const inside = relative(this.path, target);
    if (inside.startsWith('..') || inside === '') {
      throw new StorageError(`refusing to write outside ${this.path}: ${name}`, { key: name });
    }
    return target;
  }

  private async refuseSymlink(target: string): Promise<void> {
    const info = await lstat(target).catch(() => undefined);
    if (info?.isSymbolicLink()) {
      throw new StorageError(
        `refusing to write ${target}: it is a symbolic link (remove it, or choose another --out folder)`,
        { key: target },
      );
    }
  }
}

async function listFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files;
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    default:
      return message;
  }
}
