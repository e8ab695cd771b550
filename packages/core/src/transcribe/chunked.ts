import type { PcmReader, Segment, Storage, Transcript } from '@echolens/provider';
import { type Logger, silentLogger, TranscriptSchema, throwIfAborted } from '@echolens/provider';
import { z } from 'zod';
import type { PreparedAudio } from '../audio/types.js';
import { contentHash } from '../cache/hash.js';
import type { SpeechRegion } from '../schema/prepared-audio.js';
import { artifactLayout } from '../storage/artifact-layout.js';
import { type TranscribeAudioOptions, transcribeAudio } from './transcribe-audio.js';

/**
 * Long recordings are transcribed chunk by chunk, each chunk's state kept in the storage next to the
 * call (`calls/<callId>/chunks/<index>.json`), so a crash or a restart costs at most the chunk that
 * was being transcribed: a rerun takes the completed chunks from the storage and transcribes only
 * the rest. Chunks are cut in silences, so no word is split, and each is transcribed with the
 * ordinary `transcribeAudio` on a time-shifted view of the same PCM; its times are shifted back by
 * a whole number of milliseconds, so merged timestamps are exactly those of the chunk.
 */
export interface LongAudioOptions {
  /** Where chunk checkpoints live (the call's artifact folder, see `artifactLayout`). */
  storage: Storage;
  /** Target chunk length, seconds (default 300). Cuts move to the longest silence near each target. */
  chunkSec?: number;
  /**
   * Recordings up to this long are transcribed in one piece, without checkpoints (default 1.5 ×
   * chunkSec): most calls are short, and a crash then costs less than a chunk anyway.
   */
  minDurationSec?: number;
  /**
   * Take completed chunks from earlier checkpoints (default true). False transcribes every chunk
   * again and overwrites them, like a cache turned off.
   */
  resume?: boolean;
  /** Called when a chunk starts and when its transcript is saved (progress, tests, benchmarks). */
  onChunk?: (event: ChunkEvent) => void;
}

export interface ChunkEvent {
  index: number;
  count: number;
  status: 'processing' | 'completed' | 'resumed';
  startSec: number;
  endSec: number;
}

export const DEFAULT_CHUNK_SEC = 300;
/** A cut is searched for this far (share of a chunk) on either side of each target boundary. */
const CUT_SEARCH_SHARE = 0.25;
const RATE = 16_000;
/** Cuts fall on whole milliseconds, so shifting a chunk's times back is exact. */
const SAMPLES_PER_MS = RATE / 1000;
const CHECKPOINT_VERSION = 1;

/**
 * The fingerprint every checkpoint of one chunk plan carries: the transcript's identity (audio, model,
 * settings) with the chunk length and count, so a checkpoint of another plan is never taken.
 */
export function checkpointFingerprint(
  transcriptFingerprint: string,
  chunkSec: number,
  count: number,
): string {
  return contentHash({ transcript: transcriptFingerprint, chunkSec, chunks: count });
}

/** One chunk of the recording: samples [start, end), the same on every channel. */
export interface ChunkSpan {
  index: number;
  start: number;
  end: number;
}

export const ChunkCheckpointSchema = z.object({
  version: z.literal(CHECKPOINT_VERSION),
  /** Identifies the audio, the model and settings, and the chunk plan: a checkpoint of anything else is ignored. */
  fingerprint: z.string(),
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  startSec: z.number().nonnegative(),
  endSec: z.number().nonnegative(),
  status: z.enum(['pending', 'processing', 'completed']),
  updatedAt: z.string(),
  /** The chunk's transcript on the recording's timeline, once completed. */
  transcript: TranscriptSchema.optional(),
});
export type ChunkCheckpoint = z.infer<typeof ChunkCheckpointSchema>;

/** What a chunked transcription did, for the result's provenance. */
export interface ChunkedTranscriptionReport {
  chunks: number;
  /** Chunks taken from checkpoints instead of being transcribed again. */
  chunksResumed: number;
}

/** Silences (gaps between speech on every channel) as sample spans, in time order. */
function silences(
  speech: readonly (readonly SpeechRegion[])[],
  length: number,
): { start: number; end: number }[] {
  const regions = speech
    .flat()
    .map((region) => ({ start: Math.floor(region.startSec * RATE), end: Math.ceil(region.endSec * RATE) }))
    .sort((a, b) => a.start - b.start);
  const gaps: { start: number; end: number }[] = [];
  let position = 0;
  for (const region of regions) {
    if (region.start > position) gaps.push({ start: position, end: region.start });
    position = Math.max(position, region.end);
  }
  if (position < length) gaps.push({ start: position, end: length });
  return gaps;
}

const toWholeMs = (sample: number) => Math.round(sample / SAMPLES_PER_MS) * SAMPLES_PER_MS;

/**
 * Cuts the recording into chunks of about `chunkSec`. Each cut goes to the middle of the longest
 * silence within a quarter chunk of its target (where nobody on any channel speaks); with no silence
 * there, the cut falls on the target itself. The last chunk takes the remainder.
 */
export function planChunks(
  audio: { durationSec: number; speech: readonly (readonly SpeechRegion[])[] },
  chunkSec = DEFAULT_CHUNK_SEC,
): ChunkSpan[] {
  const length = Math.round(audio.durationSec * RATE);
  const target = Math.round(chunkSec * RATE);
  const search = Math.round(target * CUT_SEARCH_SHARE);
  const gaps = silences(audio.speech, length);
  const chunks: ChunkSpan[] = [];
  let start = 0;
  while (length - start > target + search) {
    const goal = start + target;
    let cut = goal;
    let longest = 0;
    for (const gap of gaps) {
      const from = Math.max(gap.start, goal - search);
      const to = Math.min(gap.end, goal + search);
      if (to - from > longest) {
        longest = to - from;
        cut = Math.round((from + to) / 2);
      }
    }
    cut = toWholeMs(cut);
    chunks.push({ index: chunks.length, start, end: cut });
    start = cut;
  }
  chunks.push({ index: chunks.length, start, end: length });
  return chunks;
}

/** A view of samples [offset, offset + length) of every channel, as if it were a recording of its own. */
function pcmView(pcm: PcmReader, offset: number, length: number): PcmReader {
  const clamp = (value: number) => Math.max(0, Math.min(length, value));
  return {
    sampleRate: pcm.sampleRate,
    channelCount: pcm.channelCount,
    length,
    read: (channel, start, end) => pcm.read(channel, offset + clamp(start), offset + clamp(end)),
    chunks: (channel, options = {}) =>
      pcm.chunks(channel, {
        ...(options.chunkSamples ? { chunkSamples: options.chunkSamples } : {}),
        start: offset + clamp(options.start ?? 0),
        end: offset + clamp(options.end ?? length),
      }),
  };
}

/** The chunk as prepared audio of its own: PCM view, speech clipped to it and moved to its start. */
export function chunkAudio(audio: PreparedAudio, chunk: ChunkSpan): PreparedAudio {
  const startSec = chunk.start / RATE;
  const endSec = chunk.end / RATE;
  const speech = audio.speech.map((regions) =>
    regions
      .filter((region) => region.endSec > startSec && region.startSec < endSec)
      .map((region) => ({
        ...region,
        startSec: Math.max(0, region.startSec - startSec),
        endSec: Math.min(endSec, region.endSec) - startSec,
      })),
  );
  return {
    ...audio,
    durationSec: (chunk.end - chunk.start) / RATE,
    speech,
    pcm: pcmView(audio.pcm, chunk.start, chunk.end - chunk.start),
    dispose: async () => {},
  };
}

const shiftSeconds = (seconds: number, offsetMs: number) => (Math.round(seconds * 1000) + offsetMs) / 1000;

/** A chunk's segments moved from chunk time to recording time (exact: the offset is whole milliseconds). */
export function shiftTranscript(transcript: Transcript, chunk: ChunkSpan, durationSec: number): Transcript {
  const offsetMs = chunk.start / SAMPLES_PER_MS;
  return {
    language: transcript.language,
    durationSec,
    segments: transcript.segments.map((segment) => ({
      ...segment,
      startSec: shiftSeconds(segment.startSec, offsetMs),
      endSec: shiftSeconds(segment.endSec, offsetMs),
      ...(segment.words
        ? {
            words: segment.words.map((word) => ({
              ...word,
              startSec: shiftSeconds(word.startSec, offsetMs),
              endSec: shiftSeconds(word.endSec, offsetMs),
            })),
          }
        : {}),
    })),
  };
}

/** Whether a recording is long enough to be transcribed in checkpointed chunks. */
export function isLongAudio(
  durationSec: number,
  options: Pick<LongAudioOptions, 'chunkSec' | 'minDurationSec'>,
) {
  const chunkSec = options.chunkSec ?? DEFAULT_CHUNK_SEC;
  return durationSec > (options.minDurationSec ?? chunkSec * 1.5);
}

/** Completed checkpoints of this very plan (same fingerprint), by chunk index. */
export async function readCheckpoints(
  storage: Storage,
  callId: string,
  fingerprint: string,
  chunks: readonly ChunkSpan[],
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<Map<number, Transcript>> {
  const completed = new Map<number, Transcript>();
  for await (const object of storage.list(artifactLayout.chunksPrefix(callId), { signal })) {
    let checkpoint: ChunkCheckpoint;
    try {
      checkpoint = ChunkCheckpointSchema.parse(
        JSON.parse(new TextDecoder().decode(await storage.get(object.key, { signal }))),
      );
    } catch (error) {
      throwIfAborted(signal);
      logger.warn(
        { key: object.key, error: String(error) },
        'transcribe: unreadable chunk checkpoint ignored',
      );
      continue;
    }
    const chunk = chunks[checkpoint.index];
    if (
      checkpoint.status === 'completed' &&
      checkpoint.transcript &&
      checkpoint.fingerprint === fingerprint &&
      checkpoint.count === chunks.length &&
      chunk &&
      object.key === artifactLayout.chunk(callId, chunk.index)
    ) {
      completed.set(checkpoint.index, checkpoint.transcript);
    }
  }
  return completed;
}

/** Writes one chunk's checkpoint (replacing the last one): the one shape every writer uses. */
export async function writeCheckpoint(
  storage: Storage,
  callId: string,
  state: {
    fingerprint: string;
    chunk: ChunkSpan;
    count: number;
    status: ChunkCheckpoint['status'];
    transcript?: Transcript | undefined;
  },
  signal?: AbortSignal,
): Promise<void> {
  const checkpoint: ChunkCheckpoint = {
    version: CHECKPOINT_VERSION,
    fingerprint: state.fingerprint,
    index: state.chunk.index,
    count: state.count,
    startSec: state.chunk.start / RATE,
    endSec: state.chunk.end / RATE,
    status: state.status,
    updatedAt: new Date().toISOString(),
    ...(state.transcript ? { transcript: state.transcript } : {}),
  };
  await storage.put(artifactLayout.chunk(callId, state.chunk.index), JSON.stringify(checkpoint), {
    contentType: 'application/json',
    signal,
  });
}

/**
 * The language a chunk's transcript decides for the chunks after it (when none was forced): its own,
 * if it heard speech. Without a forced language, the first chunk in order that decides one gives it to
 * every later chunk; every runner (one process or a fleet) applies this same rule.
 */
export function languageDecidedBy(part: Transcript): string | undefined {
  return part.segments.length > 0 && part.language !== 'und' ? part.language : undefined;
}

export interface TranscribeLongAudioOptions extends TranscribeAudioOptions {
  callId: string;
  longAudio: LongAudioOptions;
  /** Everything that identifies the transcript besides the chunk plan (the transcript cache key). */
  fingerprint: string;
}

/**
 * Transcribes a long recording in checkpointed chunks (see `LongAudioOptions`) and merges them in
 * order. Without a forced language, the first chunk that hears speech decides it for the chunks
 * after it, the same way whether they run now or after a restart.
 */
export async function transcribeLongAudio(
  audio: PreparedAudio,
  options: TranscribeLongAudioOptions,
): Promise<{ transcript: Transcript; report: ChunkedTranscriptionReport }> {
  const { storage, onChunk } = options.longAudio;
  const chunkSec = options.longAudio.chunkSec ?? DEFAULT_CHUNK_SEC;
  const logger = options.logger ?? silentLogger;
  const chunks = planChunks(audio, chunkSec);
  const fingerprint = checkpointFingerprint(options.fingerprint, chunkSec, chunks.length);
  const completed =
    options.longAudio.resume === false
      ? new Map<number, Transcript>()
      : await readCheckpoints(storage, options.callId, fingerprint, chunks, logger, options.signal);

  const save = (chunk: ChunkSpan, status: ChunkCheckpoint['status'], transcript?: Transcript) =>
    writeCheckpoint(
      storage,
      options.callId,
      { fingerprint, chunk, count: chunks.length, status, transcript },
      options.signal,
    );
  for (const chunk of chunks) if (!completed.has(chunk.index)) await save(chunk, 'pending');

  const totalSamples = chunks.at(-1)?.end ?? 0;
  const event = (chunk: ChunkSpan, status: ChunkEvent['status']) =>
    onChunk?.({
      index: chunk.index,
      count: chunks.length,
      status,
      startSec: chunk.start / RATE,
      endSec: chunk.end / RATE,
    });
  let language = options.language;
  const parts: Transcript[] = [];
  for (const chunk of chunks) {
    throwIfAborted(options.signal, audio.source.name);
    let part = completed.get(chunk.index);
    if (part) {
      event(chunk, 'resumed');
    } else {
      event(chunk, 'processing');
      await save(chunk, 'processing');
      const local = await transcribeAudio(chunkAudio(audio, chunk), {
        ...options,
        ...(language ? { language } : {}),
        onProgress: (fraction, detail) =>
          options.onProgress?.(
            (chunk.start + fraction * (chunk.end - chunk.start)) / Math.max(1, totalSamples),
            `chunk ${chunk.index + 1}/${chunks.length}${detail ? `, ${detail}` : ''}`,
          ),
      });
      part = shiftTranscript(local, chunk, audio.durationSec);
      await save(chunk, 'completed', part);
      event(chunk, 'completed');
    }
    if (!language) language = languageDecidedBy(part);
    parts.push(part);
    options.onProgress?.(chunk.end / Math.max(1, totalSamples), `chunk ${chunk.index + 1}/${chunks.length}`);
  }
  logger.debug(
    { name: audio.source.name, chunks: chunks.length, resumed: completed.size },
    'transcribe: long recording transcribed in chunks',
  );

  const segments: Segment[] = parts.flatMap((part) => part.segments);
  return {
    transcript: {
      language: language ?? 'und',
      durationSec: audio.durationSec,
      segments: segments.map((segment, index) => ({
        ...segment,
        id: `seg-${String(index + 1).padStart(4, '0')}`,
      })),
    },
    report: { chunks: chunks.length, chunksResumed: completed.size },
  };
}
