import { Readable, Transform } from 'node:stream';
import { type Entry, getFileNameLowLevel, openPromise, validateFileName, type ZipFile } from 'yauzl';

/** Limits that keep a hostile archive from filling memory or disk. Defaults: DEFAULT_ZIP_LIMITS. */
export interface ZipLimits {
  /** Largest recording taken from an archive, bytes uncompressed (default 4 GiB). */
  maxEntryBytes: number;
  /** Most bytes taken from one archive in all, uncompressed (default 32 GiB). */
  maxTotalBytes: number;
  /**
   * Largest uncompressed / compressed ratio of an entry (default 100). Recordings barely compress
   * (PCM 1-3×, MP3 and Opus about 1×); zip bombs are hundreds to millions to one.
   */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: 4 * 1024 ** 3,
  maxTotalBytes: 32 * 1024 ** 3,
  maxRatio: 100,
};

export type ZipEntryVerdict =
  | { ok: true; name: string; entry: Entry }
  | {
      ok: false;
      name: string;
      code: 'unsafe_entry' | 'too_large' | 'zip_bomb' | 'encrypted';
      reason: string;
    };

const OPTIONS = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true,
} as const;

/**
 * The file entries of an archive from its central directory, each judged against the limits before a
 * byte is inflated: names that climb out (`../`), are absolute or hold a backslash are unsafe, entries
 * over the size or ratio limits are refused, encrypted ones cannot be read. Folders are skipped.
 */
export async function* readZipEntries(path: string, limits: ZipLimits): AsyncGenerator<ZipEntryVerdict> {
  const zip = await openPromise(path, OPTIONS);
  let total = 0;
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) return;
      const raw = entry.fileName as unknown as Buffer;
      const name = getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
      if (name.endsWith('/')) continue;
      const invalid = validateFileName(name);
      if (invalid) {
        yield { ok: false, name, code: 'unsafe_entry', reason: `unsafe path in the archive (${invalid})` };
      } else if (entry.isEncrypted()) {
        yield { ok: false, name, code: 'encrypted', reason: 'the entry is encrypted' };
      } else if (entry.uncompressedSize > limits.maxEntryBytes) {
        yield {
          ok: false,
          name,
          code: 'too_large',
          reason: `${entry.uncompressedSize} bytes uncompressed, over the ${limits.maxEntryBytes}-byte limit`,
        };
      } else if (entry.uncompressedSize > Math.max(1, entry.compressedSize) * limits.maxRatio) {
        const ratio = Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize));
        yield {
          ok: false,
          name,
          code: 'zip_bomb',
          reason: `compression ratio ${ratio}:1 is over the ${limits.maxRatio}:1 limit (a zip bomb?)`,
        };
      } else if (total + entry.uncompressedSize > limits.maxTotalBytes) {
        yield {
          ok: false,
          name,
          code: 'too_large',
          reason: `the archive holds more than the ${limits.maxTotalBytes}-byte limit in all`,
        };
      } else {
        total += entry.uncompressedSize;
        yield { ok: true, name, entry };
      }
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
    };
    const onEntry = (entry: Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

/**
 * One entry's bytes as a stream that opens the archive only when first read and closes it at the end,
 * so any number of entries can wait in a batch without holding files or memory. Inflation stops with
 * an error past the declared size (yauzl checks it, and so does this stream).
 */
export function openZipEntryLazily(path: string, entry: Entry, name: string): Readable {
  const declared = entry.uncompressedSize;
  return Readable.from(
    (async function* () {
      const zip = await openPromise(path, OPTIONS);
      try {
        const stream = await zip.openReadStreamPromise(entry);
        let seen = 0;
        const guard = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            seen += chunk.length;
            if (seen > declared)
              callback(new Error(`${name}: more bytes than the archive declares (${declared})`));
            else callback(null, chunk);
          },
        });
        stream.on('error', (error) => guard.destroy(error));
        yield* stream.pipe(guard);
      } finally {
        zip.close();
      }
    })(),
  );
}
