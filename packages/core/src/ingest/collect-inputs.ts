import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { CallMetadata, Storage } from '@echolens/provider';
import { describeError, throwIfAborted } from '@echolens/provider';
import type { Entry } from 'yauzl';
import type { AudioInput } from '../audio/types.js';
import { compileMetadataPattern, metadataFromFileName, parseSidecar, sidecarNames } from './metadata.js';
import { isS3Url, type OpenStorageUrl, openS3Url, parseS3Url } from './storage-url.js';
import { DEFAULT_ZIP_LIMITS, openZipEntryLazily, readZipEntries, type ZipLimits } from './zip-archive.js';

/** Extensions taken as recordings from folders, archives and storage prefixes. */
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

/**
 * Where recordings come from. A string is read as: `s3://bucket/prefix/` (a storage prefix, through
 * `@echolens/storage-s3`), `http(s)://…` (one recording), a path to a folder (walked), to a `.zip`
 * archive (entries streamed), or to one recording.
 */
export type IngestSource = string | { storage: Storage; prefix?: string; label?: string };

export interface IngestOptions {
  /**
   * Call metadata from each recording's base name (extension removed): a RegExp, or its source, with
   * named groups `callId`, `agent`, `customer` and `date` (or `agentId`, `customerId`, `startedAt`).
   */
  metadataPattern?: string | RegExp;
  /** Read `<file>.json` or `<base>.json` beside each recording as its CallMetadata (default true); it wins over the pattern. */
  sidecars?: boolean;
  zipLimits?: Partial<ZipLimits>;
  /** Opens `s3://` sources; default: `@echolens/storage-s3` with the AWS chain. */
  openStorageUrl?: OpenStorageUrl;
  signal?: AbortSignal;
}

/** A recording ready for the pipeline; `source` streams lazily, so a long batch holds nothing open. */
export interface IngestedInput extends AudioInput {
  kind: 'input';
  name: string;
}

export type IngestProblemCode =
  | 'not_audio'
  | 'unsafe_entry'
  | 'too_large'
  | 'zip_bomb'
  | 'encrypted'
  | 'corrupt_archive'
  | 'unreadable_source'
  | 'bad_metadata';

/**
 * Something in a source that is not a usable recording, or a recording whose metadata could not be
 * read. Errors are inputs lost (counted as failures); warnings are reported and change nothing else.
 */
export interface IngestProblem {
  kind: 'problem';
  name: string;
  code: IngestProblemCode;
  severity: 'error' | 'warning';
  reason: string;
}

export type IngestItem = IngestedInput | IngestProblem;

const isAudioName = (name: string) => AUDIO_EXTENSIONS.has(extname(name).toLowerCase());
const isSidecarName = (name: string) => name.toLowerCase().endsWith('.json');
const isHidden = (name: string) => basename(name).startsWith('.');

function problem(
  name: string,
  code: IngestProblemCode,
  reason: string,
  severity: IngestProblem['severity'] = 'error',
): IngestProblem {
  return { kind: 'problem', name, code, severity, reason };
}

const notAudio = (name: string) =>
  problem(name, 'not_audio', 'not a recording (unknown audio extension), skipped', 'warning');

/** Lazily opened stream: the source is touched only when the pipeline starts reading. */
function lazily(open: () => Promise<Readable>): Readable {
  return Readable.from(
    (async function* () {
      yield* await open();
    })(),
  );
}

/** Builds each recording's metadata from the pattern and its sidecar, reporting what could not be read. */
class MetadataReader {
  private readonly pattern: RegExp | undefined;
  constructor(private readonly options: IngestOptions) {
    this.pattern = options.metadataPattern ? compileMetadataPattern(options.metadataPattern) : undefined;
  }

  /** `readSidecar(name)` gives the text of a sibling file, or undefined when there is none. */
  async read(
    fileName: string,
    readSidecar: (sidecarName: string) => Promise<string | undefined>,
  ): Promise<{ metadata: CallMetadata; notes: string[] }> {
    const notes: string[] = [];
    let metadata: CallMetadata = {};
    if (this.pattern) {
      const fromName = metadataFromFileName(basename(fileName).replace(/\.[^.]+$/, ''), this.pattern);
      metadata = fromName.metadata;
      if (fromName.problem) notes.push(fromName.problem);
    }
    if (this.options.sidecars !== false) {
      for (const sidecar of sidecarNames(fileName)) {
        const text = await readSidecar(sidecar).catch((error: unknown) => {
          notes.push(`cannot read the metadata sidecar ${sidecar} (${describeError(error).message})`);
          return undefined;
        });
        if (text === undefined) continue;
        const parsed = parseSidecar(text);
        if ('problem' in parsed) notes.push(`${sidecar}: ${parsed.problem}`);
        else metadata = { ...metadata, ...parsed.metadata };
        break;
      }
    }
    return { metadata, notes };
  }
}

function input(name: string, source: AudioInput['source'], metadata: CallMetadata): IngestedInput {
  return { kind: 'input', name, source, ...(Object.keys(metadata).length > 0 ? { metadata } : {}) };
}

async function* fromFolder(
  folder: string,
  reader: MetadataReader,
  options: IngestOptions,
): AsyncGenerator<IngestItem> {
  const signal = options.signal;
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set(entries.map((entry) => entry.name));
  for (const entry of entries) {
    throwIfAborted(signal);
    if (isHidden(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* fromFolder(path, reader, options);
    } else if (entry.name.toLowerCase().endsWith('.zip')) {
      yield* fromZip(path, reader, options.zipLimits ?? {}, signal);
    } else if (isAudioName(entry.name)) {
      yield* withMetadata(path, path, path, reader, async (sidecar) =>
        names.has(basename(sidecar)) ? readFile(join(folder, basename(sidecar)), 'utf8') : undefined,
      );
    } else if (!isSidecarName(entry.name)) {
      yield notAudio(path);
    }
  }
}

async function* withMetadata(
  name: string,
  fileName: string,
  source: AudioInput['source'],
  reader: MetadataReader,
  readSidecar: (sidecarName: string) => Promise<string | undefined>,
): AsyncGenerator<IngestItem> {
  const { metadata, notes } = await reader.read(fileName, readSidecar);
  for (const note of notes) yield problem(name, 'bad_metadata', note, 'warning');
  yield input(name, source, metadata);
}

async function* fromZip(
  path: string,
  reader: MetadataReader,
  limits: Partial<ZipLimits>,
  signal?: AbortSignal,
): AsyncGenerator<IngestItem> {
  const bounds = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const accepted: { name: string; entry: Entry }[] = [];
  const sidecars = new Map<string, Entry>();
  try {
    for await (const verdict of readZipEntries(path, bounds)) {
      throwIfAborted(signal);
      const name = `${path}!/${verdict.name}`;
      if (!verdict.ok) yield problem(name, verdict.code, verdict.reason);
      else if (isHidden(verdict.name) || verdict.name.includes('__MACOSX/')) continue;
      else if (isAudioName(verdict.name)) accepted.push({ name: verdict.name, entry: verdict.entry });
      else if (isSidecarName(verdict.name)) sidecars.set(verdict.name, verdict.entry);
      else yield notAudio(name);
    }
  } catch (error) {
    throwIfAborted(signal);
    yield problem(path, 'corrupt_archive', `not a readable ZIP archive (${(error as Error).message})`);
    return;
  }
  for (const { name, entry } of accepted) {
    const readSidecar = async (sidecar: string) => {
      const sidecarEntry = sidecars.get(sidecar);
      if (!sidecarEntry) return undefined;
      if (sidecarEntry.uncompressedSize > 1024 * 1024) throw new Error('sidecar over 1 MiB');
      const parts: Buffer[] = [];
      for await (const part of openZipEntryLazily(path, sidecarEntry, sidecar)) parts.push(part as Buffer);
      return Buffer.concat(parts).toString('utf8');
    };
    yield* withMetadata(`${path}!/${name}`, name, openZipEntryLazily(path, entry, name), reader, readSidecar);
  }
}

async function* fromStorage(
  storage: Storage,
  prefix: string,
  /** Put before each key to name the input, e.g. `s3://bucket/`. */
  label: string,
  reader: MetadataReader,
  signal?: AbortSignal,
): AsyncGenerator<IngestItem> {
  // One listing gives both the recordings and their sidecars (keys only; no object is read yet).
  const keys = new Set<string>();
  try {
    for await (const object of storage.list(prefix, { signal })) keys.add(object.key);
  } catch (error) {
    throwIfAborted(signal);
    yield problem(label + prefix, 'unreadable_source', `cannot list it (${describeError(error).message})`);
    return;
  }
  const folderOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1);
  for (const key of keys) {
    const name = label + key;
    if (isHidden(key)) continue;
    if (isAudioName(key)) {
      yield* withMetadata(
        name,
        key,
        lazily(() => storage.getStream(key, { signal })),
        reader,
        async (sidecar) => {
          const sidecarKey = folderOf(key) + basename(sidecar);
          return keys.has(sidecarKey)
            ? new TextDecoder().decode(await storage.get(sidecarKey, { signal }))
            : undefined;
        },
      );
    } else if (!isSidecarName(key)) {
      yield notAudio(name);
    }
  }
}

/**
 * Expands sources into recordings for the pipeline, in a stable order, each with the call metadata
 * its file name (pattern) and sidecar give. Whatever is not a usable recording comes out as an
 * `IngestProblem` beside the inputs, never as an exception, so one bad entry never costs the others.
 * Nothing is downloaded or inflated here: each input's source is a stream opened on first read.
 */
export async function* collectInputs(
  sources: readonly IngestSource[],
  options: IngestOptions = {},
): AsyncGenerator<IngestItem> {
  const reader = new MetadataReader(options);
  for (const source of sources) {
    throwIfAborted(options.signal);
    if (typeof source !== 'string') {
      yield* fromStorage(source.storage, source.prefix ?? '', source.label ?? '', reader, options.signal);
      continue;
    }
    if (isS3Url(source)) {
      const { storage, prefix } = await (options.openStorageUrl ?? openS3Url)(source);
      const label = `s3://${parseS3Url(source).bucket}/`;
      yield* fromStorage(storage, prefix, label, reader, options.signal);
      continue;
    }
    if (/^https?:\/\//i.test(source)) {
      // Named without query and fragment: a presigned URL carries its signature there.
      const url = new URL(source);
      const fileName = decodeURIComponent(url.pathname.split('/').pop() || 'recording');
      yield* withMetadata(
        `${url.protocol}//${url.host}${url.pathname}`,
        fileName,
        source,
        reader,
        async () => undefined,
      );
      continue;
    }
    const info = await stat(source).catch(() => undefined);
    if (info?.isDirectory()) yield* fromFolder(source, reader, options);
    else if (info?.isFile() && source.toLowerCase().endsWith('.zip'))
      yield* fromZip(source, reader, options.zipLimits ?? {}, options.signal);
    // A missing or unusual file named explicitly is still an input: the pipeline reports why it fails.
    else
      yield* withMetadata(source, source, source, reader, async (sidecar) => {
        const path = join(source, '..', basename(sidecar));
        return (await stat(path).catch(() => undefined))?.isFile() ? readFile(path, 'utf8') : undefined;
      });
  }
}
