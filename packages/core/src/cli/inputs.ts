import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

/** Extensions picked up when a folder is given; files named explicitly are always taken. */
export const AUDIO_EXTENSIONS = new Set([
  '.wav',
  '.wave',
  '.mp3',
  '.ogg',
  '.oga',
  '.opus',
  '.flac',
  '.m4a',
  '.mp4',
  '.aac',
  '.webm',
  '.mka',
  '.mkv',
  '.amr',
  '.aiff',
  '.aif',
  '.wma',
]);

async function walk(folder: string, found: string[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (AUDIO_EXTENSIONS.has(extname(entry.name).toLowerCase())) found.push(path);
  }
}

/**
 * Expands the command line's files and folders into recordings. A path that does not exist is kept
 * as it is: the pipeline reports it as a failed input like any other bad file, and the rest go on.
 */
export async function collectRecordings(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) await walk(path, files);
    else files.push(path);
  }
  return [...new Set(files)];
}

/**
 * Output file names: `<input base name>.<extension>`, made unique when two inputs share a base name
 * (`a/call.wav` and `b/call.wav` → `call.json`, `call-2.json`).
 */
export function createOutputNamer(
  reserved: readonly string[] = [],
): (input: string, extension: string) => string {
  const taken = new Set(reserved);
  return (input, extension) => {
    const base = basename(input).replace(/\.[^.]+$/, '') || 'call';
    let candidate = `${base}.${extension}`;
    for (let counter = 2; taken.has(candidate); counter++) candidate = `${base}-${counter}.${extension}`;
    taken.add(candidate);
    return candidate;
  };
}
