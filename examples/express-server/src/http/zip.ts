import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { HttpProblem } from './problem.js';

/** More entries than any batch of recordings needs; a guard against archives built to exhaust the server. */
const MAX_ENTRIES = 2000;

export interface ZipEntry {
  /** The entry's path inside the archive. */
  fileName: string;
  uncompressedSize: number;
  open(): Promise<Readable>;
}

/**
 * Visits the files of a ZIP archive one at a time (folders, macOS resource forks and hidden files are
 * skipped). Sizes are checked by yauzl against the data, so a lying header cannot smuggle a bigger file.
 */
export async function forEachZipEntry(
  path: string,
  visit: (entry: ZipEntry) => Promise<void>,
): Promise<number> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, file) =>
      error || !file
        ? reject(
            new HttpProblem(
              422,
              'invalid_archive',
              `the ZIP archive cannot be read: ${error?.message ?? 'unknown error'}`,
            ),
          )
        : resolve(file),
    ),
  );
  let visited = 0;
  try {
    if (zip.entryCount > MAX_ENTRIES)
      throw new HttpProblem(
        422,
        'invalid_archive',
        `the ZIP archive has ${zip.entryCount} entries; at most ${MAX_ENTRIES} are taken`,
      );
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (error: Error) =>
        reject(new HttpProblem(422, 'invalid_archive', `the ZIP archive is damaged: ${error.message}`)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        const base = name.split('/').at(-1) ?? '';
        if (name.endsWith('/') || name.startsWith('__MACOSX/') || base.startsWith('.')) {
          zip.readEntry();
          return;
        }
        visited++;
        const open = () =>
          new Promise<Readable>((resolveStream, rejectStream) =>
            zip.openReadStream(entry, (error, stream) =>
              error || !stream ? rejectStream(error) : resolveStream(stream),
            ),
          );
        visit({ fileName: name, uncompressedSize: entry.uncompressedSize, open }).then(
          () => zip.readEntry(),
          reject,
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return visited;
}
