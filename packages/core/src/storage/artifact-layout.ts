import { checkStorageKey, InvalidInputError } from '@echolens/provider';

/**
 * Where every artifact of a call lives in a Storage, the same in every backend, so the CLI, the
 * server and the workers find each other's work:
 *
 * ```
 * calls/<callId>/audio/<file name>      the recording as uploaded or ingested
 * calls/<callId>/chunks/<index>.json    long-audio checkpoints, one per chunk (index zero-padded)
 * calls/<callId>/chunk-inputs/<index>.json  a chunk exported for another worker: speech, settings, fingerprint
 * calls/<callId>/chunk-inputs/<index>.wav   its samples as preprocessing left them (16 kHz, 32-bit float)
 * calls/<callId>/transcript.json        the Transcript
 * calls/<callId>/result.json            the CallResult (transcript, conversation, analysis)
 * reports/<reportId>/report.<format>    a roll-up over many calls: json, csv or html
 * ```
 *
 * Call ids and file names come from users (file names, metadata, form fields), so each becomes one
 * safe path segment (`safeSegment`): it can never add a folder or climb out with `..`, and two
 * different ids never share a folder. Ids that are already safe are kept as they are, so the layout
 * stays readable.
 */
export const artifactLayout = {
  /** Everything of one call, with the trailing slash (a listing prefix). */
  callPrefix: (callId: string) => `calls/${safeSegment(callId, 'call id')}/`,
  audio: (callId: string, fileName: string) =>
    checkStorageKey(`calls/${safeSegment(callId, 'call id')}/audio/${safeSegment(fileName, 'file name')}`),
  chunksPrefix: (callId: string) => `calls/${safeSegment(callId, 'call id')}/chunks/`,
  /** Zero-padded so a listing returns chunks in order. */
  chunk: (callId: string, index: number) => {
    if (!Number.isInteger(index) || index < 0) throw new InvalidInputError(`invalid chunk index ${index}`);
    return checkStorageKey(
      `calls/${safeSegment(callId, 'call id')}/chunks/${String(index).padStart(CHUNK_INDEX_DIGITS, '0')}.json`,
    );
  },
  /**
   * Chunks of a long recording exported so other workers can transcribe them (`exportLongAudioChunks`),
   * beside the checkpoints rather than among them, so a checkpoint listing never reads them.
   */
  chunkInputsPrefix: (callId: string) => `calls/${safeSegment(callId, 'call id')}/chunk-inputs/`,
  chunkInput: (callId: string, index: number, part: 'json' | 'wav') => {
    if (!Number.isInteger(index) || index < 0) throw new InvalidInputError(`invalid chunk index ${index}`);
    return checkStorageKey(
      `calls/${safeSegment(callId, 'call id')}/chunk-inputs/${String(index).padStart(CHUNK_INDEX_DIGITS, '0')}.${part}`,
    );
  },
  transcript: (callId: string) => checkStorageKey(`calls/${safeSegment(callId, 'call id')}/transcript.json`),
  result: (callId: string) => checkStorageKey(`calls/${safeSegment(callId, 'call id')}/result.json`),
  report: (reportId: string, format: 'json' | 'csv' | 'html') =>
    checkStorageKey(`reports/${safeSegment(reportId, 'report id')}/report.${format}`),
} as const;

/** Enough for 10^5 chunks, i.e. two months of audio at a minute per chunk. */
const CHUNK_INDEX_DIGITS = 5;
/** Room for the folder names around a segment within S3's 1024-byte key limit. */
const MAX_SEGMENT_LENGTH = 200;

/**
 * One path segment from a user-given id or name. Letters, digits, `.`, `_` and `-` are kept; every
 * other character becomes `_`. When anything had to change (or the result could be mistaken for `.`
 * or `..`), a short hash of the original is appended, so `a/b` and `a_b` stay two different calls.
 */
export function safeSegment(value: string, what = 'name'): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInputError(`empty ${what}`);
  const replaced = value.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  const unchanged = replaced === value && value.length <= MAX_SEGMENT_LENGTH;
  if (unchanged) return value;
  return `${replaced.slice(0, MAX_SEGMENT_LENGTH)}-${shortHash(value)}`;
}

/** FNV-1a, 32 bits, hex: stable across processes and machines, enough to tell names apart. */
function shortHash(value: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(value, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
