import type {
  Logger,
  PcmReader,
  SpeechToTextModel,
  SpeechToTextResult,
  Storage,
  Transcript,
} from '@echolens/provider';
import {
  ConfigurationError,
  InvalidInputError,
  SchemaValidationError,
  StorageError,
  silentLogger,
  throwIfAborted,
} from '@echolens/provider';
import { z } from 'zod';
import type { PreparedAudio } from '../audio/types.js';
import { type PreparedAudioInfo, PreparedAudioInfoSchema } from '../schema/prepared-audio.js';
import { artifactLayout } from '../storage/artifact-layout.js';
import {
  type ChunkCheckpoint,
  ChunkCheckpointSchema,
  type ChunkSpan,
  checkpointFingerprint,
  chunkAudio,
  DEFAULT_CHUNK_SEC,
  languageDecidedBy,
  planChunks,
  readCheckpoints,
  shiftTranscript,
  writeCheckpoint,
} from './chunked.js';
import { transcribeAudio } from './transcribe-audio.js';

/**
 * Long recordings across many workers. One process prepares the recording once, cuts it with the same
 * `planChunks` as `transcribeLongAudio`, and exports each chunk to the shared storage: its samples exactly
 * as preprocessing left them, and its speech regions, settings and checkpoint fingerprint. Any worker can
 * then transcribe a chunk (`transcribeExportedChunk`) into the very checkpoint `transcribeLongAudio` would
 * have written, so the merge is the ordinary long-audio run finding every chunk completed ("resumed").
 *
 * Why samples and not time ranges of the original file: decoding, loudness and voice activity are
 * measured over the whole recording, so a worker re-decoding a slice would hear (slightly) different
 * audio and the merged transcript would no longer equal a single process's.
 */

const CHUNK_INPUT_VERSION = 1;
const RATE = 16_000;

/** One exported chunk (`calls/<callId>/chunk-inputs/<index>.json`): all a worker needs besides its samples. */
export const ChunkInputSchema = z.object({
  version: z.literal(CHUNK_INPUT_VERSION),
  /** The checkpoint fingerprint of the plan (`checkpointFingerprint`): what the completed checkpoint carries. */
  fingerprint: z.string(),
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  /** The chunk's samples [startSample, endSample) of the recording (whole milliseconds). */
  startSample: z.number().int().nonnegative(),
  endSample: z.number().int().positive(),
  /** The recording's duration: the merged transcript's, carried by each chunk's transcript. */
  recordingDurationSec: z.number().nonnegative(),
  /** The chunk as prepared audio of its own: speech regions clipped to it, in chunk time. */
  audio: PreparedAudioInfoSchema,
  /** What the transcript was fingerprinted with; a worker with another model must not answer for it. */
  settings: z.object({
    model: z.object({
      provider: z.string(),
      modelId: z.string(),
      cacheKey: z.string().nullable(),
      maxWindowSec: z.number().positive(),
    }),
    /** Forced language, or null: then the first earlier chunk with speech decides it. */
    language: z.string().nullable(),
    prompt: z.string().nullable(),
    wordTimestamps: z.boolean(),
  }),
});
/** One exported chunk, as stored (see `ChunkInputSchema`). */
export type ChunkInput = z.infer<typeof ChunkInputSchema>;

/** The settings a long recording is transcribed with (the transcribe stage's `transcribeSettings`). */
export interface ChunkTranscribeSettings {
  model: SpeechToTextModel;
  language?: string;
  prompt?: string;
  wordTimestamps?: boolean;
}

export interface ExportLongAudioChunksOptions {
  storage: Storage;
  callId: string;
  /** Target chunk length, seconds (default 300): must be the long-audio run's, or nothing is resumed. */
  chunkSec?: number;
  /** The transcript's fingerprint (`transcriptCacheKey` of the audio and settings), as `transcribeLongAudio` takes it. */
  fingerprint: string;
  settings: ChunkTranscribeSettings;
  signal?: AbortSignal;
  logger?: Logger;
}

/** A long recording's chunks as exported: which are still to transcribe. */
export interface LongAudioSplit {
  /** The call whose folder holds the chunks and their checkpoints. */
  callId: string;
  /** The checkpoint fingerprint shared by every chunk of this plan (part of a chunk job's identity). */
  fingerprint: string;
  /** Every chunk of the plan in order; `pending` ones are for the fleet. */
  chunks: {
    index: number;
    startSec: number;
    endSec: number;
    status: 'completed' | 'pending';
    /** For a completed chunk that heard speech: the language it decides for later chunks (none forced). */
    language?: string;
  }[];
}

/**
 * Plans the chunks of a prepared recording and exports each one not yet completed (samples as a 32-bit
 * float WAV, and a `ChunkInput`) under `artifactLayout.chunkInput`, with a pending checkpoint like
 * `transcribeLongAudio` writes. Completed checkpoints of the same plan are kept and reported as such.
 */
export async function exportLongAudioChunks(
  audio: PreparedAudio,
  options: ExportLongAudioChunksOptions,
): Promise<LongAudioSplit> {
  const { storage, callId, signal } = options;
  const chunkSec = options.chunkSec ?? DEFAULT_CHUNK_SEC;
  const chunks = planChunks(audio, chunkSec);
  const fingerprint = checkpointFingerprint(options.fingerprint, chunkSec, chunks.length);
  const completed = await readCheckpoints(
    storage,
    callId,
    fingerprint,
    chunks,
    options.logger ?? silentLogger,
    signal,
  );
  const { model } = options.settings;
  for (const chunk of chunks) {
    throwIfAborted(signal, audio.source.name);
    if (completed.has(chunk.index)) continue;
    const own = chunkAudio(audio, chunk);
    const channels: Float32Array[] = [];
    for (let channel = 0; channel < audio.channelCount; channel++)
      channels.push(await audio.pcm.read(channel, chunk.start, chunk.end));
    await storage.put(artifactLayout.chunkInput(callId, chunk.index, 'wav'), encodeFloat32Wav(channels), {
      contentType: 'audio/wav',
      signal,
    });
    const { pcm: _pcm, dispose: _dispose, ...info } = own;
    const input: ChunkInput = {
      version: CHUNK_INPUT_VERSION,
      fingerprint,
      index: chunk.index,
      count: chunks.length,
      startSample: chunk.start,
      endSample: chunk.end,
      recordingDurationSec: audio.durationSec,
      audio: info satisfies PreparedAudioInfo,
      settings: {
        model: {
          provider: model.provider,
          modelId: model.modelId,
          cacheKey: model.cacheKey ?? null,
          maxWindowSec: model.maxWindowSec,
        },
        language: options.settings.language ?? null,
        prompt: options.settings.prompt ?? null,
        wordTimestamps: options.settings.wordTimestamps ?? false,
      },
    };
    // The samples first: a manifest is only ever read once its samples are there.
    await storage.put(artifactLayout.chunkInput(callId, chunk.index, 'json'), JSON.stringify(input), {
      contentType: 'application/json',
      signal,
    });
    await writeCheckpoint(
      storage,
      callId,
      { fingerprint, chunk, count: chunks.length, status: 'pending' },
      signal,
    );
  }
  return {
    callId,
    fingerprint,
    chunks: chunks.map((chunk) => {
      const done = completed.get(chunk.index);
      const language = done ? languageDecidedBy(done) : undefined;
      return {
        index: chunk.index,
        startSec: chunk.start / RATE,
        endSec: chunk.end / RATE,
        status: done ? 'completed' : 'pending',
        ...(language ? { language } : {}),
      };
    }),
  };
}

export interface TranscribeExportedChunkOptions {
  storage: Storage;
  callId: string;
  index: number;
  /** Must be the model the chunk was exported for (provider, model id, cache key). */
  model: SpeechToTextModel;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (fraction: number, detail?: string) => void;
  onModelResult?: (result: SpeechToTextResult) => void;
}

/** What `transcribeExportedChunk` / `Pipeline.transcribeChunk` did with one chunk. */
export interface ExportedChunkResult {
  /** The chunk's index, and how many chunks the recording has. */
  index: number;
  count: number;
  /** `resumed`: the chunk's checkpoint was already completed, and the model was not asked again. */
  status: 'completed' | 'resumed';
  /** The chunk's transcript on the recording's timeline. */
  transcript: Transcript;
}

async function readJson<T>(
  storage: Storage,
  key: string,
  schema: z.ZodType<T>,
  signal?: AbortSignal,
): Promise<T> {
  const bytes = await storage.get(key, { signal });
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new SchemaValidationError(`${key} is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new SchemaValidationError(`${key} does not match its schema`, {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  return parsed.data;
}

/** The chunk's checkpoint when it exists and belongs to this plan, else undefined. */
async function checkpointOf(
  storage: Storage,
  callId: string,
  index: number,
  fingerprint: string,
  signal: AbortSignal | undefined,
): Promise<ChunkCheckpoint | undefined> {
  const key = artifactLayout.chunk(callId, index);
  if (!(await storage.exists(key))) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(await storage.get(key, { signal })));
  } catch {
    throwIfAborted(signal);
    return undefined; // half-written by a crashed writer: as good as absent
  }
  const checkpoint = ChunkCheckpointSchema.safeParse(value);
  return checkpoint.success && checkpoint.data.fingerprint === fingerprint ? checkpoint.data : undefined;
}

/**
 * Transcribes one exported chunk into its completed checkpoint, exactly as `transcribeLongAudio` would
 * have: same samples, speech, settings, language rule and shift onto the recording's timeline. A chunk
 * already completed is not transcribed again (a retried or re-delivered chunk job costs nothing).
 *
 * Without a forced language, the chunk takes the language of the first earlier chunk with speech, so
 * those earlier chunks must be completed first; when one is not, this throws `InvalidInputError` rather
 * than guess a language a single process would not have used.
 */
export async function transcribeExportedChunk(
  options: TranscribeExportedChunkOptions,
): Promise<ExportedChunkResult> {
  const { storage, callId, index, model, signal } = options;
  const logger = options.logger ?? silentLogger;
  const input = await readJson(
    storage,
    artifactLayout.chunkInput(callId, index, 'json'),
    ChunkInputSchema,
    signal,
  );
  const done = await checkpointOf(storage, callId, index, input.fingerprint, signal);
  if (done?.status === 'completed' && done.transcript) {
    return { index, count: input.count, status: 'resumed', transcript: done.transcript };
  }
  const wanted = input.settings.model;
  if (
    wanted.provider !== model.provider ||
    wanted.modelId !== model.modelId ||
    wanted.cacheKey !== (model.cacheKey ?? null) ||
    wanted.maxWindowSec !== model.maxWindowSec
  ) {
    throw new ConfigurationError(
      `chunk ${index} of call ${callId} was exported for ${wanted.provider}/${wanted.modelId}, not ${model.provider}/${model.modelId}: every worker of a fleet needs the same speech-to-text model`,
    );
  }

  let language = input.settings.language ?? undefined;
  for (let earlier = 0; earlier < index && !language; earlier++) {
    const checkpoint = await checkpointOf(storage, callId, earlier, input.fingerprint, signal);
    if (checkpoint?.status !== 'completed' || !checkpoint.transcript) {
      throw new InvalidInputError(
        `chunk ${index} of call ${callId} waits for chunk ${earlier}: with no language forced, the first chunk with speech decides it`,
      );
    }
    language = languageDecidedBy(checkpoint.transcript);
  }

  const chunk: ChunkSpan = { index, start: input.startSample, end: input.endSample };
  const save = (status: ChunkCheckpoint['status'], transcript?: Transcript) =>
    writeCheckpoint(
      storage,
      callId,
      { fingerprint: input.fingerprint, chunk, count: input.count, status, transcript },
      signal,
    );
  await save('processing');
  const samples = decodeFloat32Wav(
    await storage.get(artifactLayout.chunkInput(callId, index, 'wav'), { signal }),
  );
  const length = input.endSample - input.startSample;
  if (samples.length !== input.audio.channelCount || samples.some((channel) => channel.length !== length)) {
    throw new StorageError(`chunk ${index} of call ${callId}: its samples do not match its description`, {
      key: artifactLayout.chunkInput(callId, index, 'wav'),
    });
  }
  const audio: PreparedAudio = { ...input.audio, pcm: memoryPcm(samples), dispose: async () => {} };
  const local = await transcribeAudio(audio, {
    model,
    ...(language ? { language } : {}),
    ...(input.settings.prompt ? { prompt: input.settings.prompt } : {}),
    wordTimestamps: input.settings.wordTimestamps,
    ...(signal ? { signal } : {}),
    logger,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onModelResult ? { onModelResult: options.onModelResult } : {}),
  });
  const transcript = shiftTranscript(local, chunk, input.recordingDurationSec);
  await save('completed', transcript);
  logger.debug({ callId, index, count: input.count }, 'transcribe: exported chunk transcribed');
  return { index, count: input.count, status: 'completed', transcript };
}

/** Removes a call's exported chunks (their samples are large); the checkpoints stay. */
export async function deleteChunkInputs(
  storage: Storage,
  callId: string,
  signal?: AbortSignal,
): Promise<void> {
  const keys: string[] = [];
  for await (const object of storage.list(artifactLayout.chunkInputsPrefix(callId), { signal }))
    keys.push(object.key);
  for (const key of keys) await storage.delete(key);
}

/** Samples held in memory, read like any PcmReader (a chunk is minutes, not hours). */
function memoryPcm(channels: Float32Array[]): PcmReader {
  const length = channels[0]?.length ?? 0;
  const clamp = (value: number) => Math.max(0, Math.min(length, value));
  const read = async (channel: number, start: number, end: number) => {
    const samples = channels[channel];
    if (!samples) throw new InvalidInputError(`no channel ${channel}`);
    // A copy, as from the PCM store: readers may scale what they get in place.
    return samples.slice(clamp(start), Math.max(clamp(start), clamp(end)));
  };
  return {
    sampleRate: RATE,
    channelCount: channels.length,
    length,
    read,
    async *chunks(channel, options = {}) {
      // The PCM store's default step (30 s), so readers see the same pieces as from the whole recording.
      const step = Math.max(1, Math.floor(options.chunkSamples ?? 30 * RATE));
      const end = clamp(options.end ?? length);
      for (let position = clamp(options.start ?? 0); position < end; position += step)
        yield await read(channel, position, Math.min(end, position + step));
    },
  };
}

/**
 * A WAV of IEEE 32-bit float samples (format 3), channels interleaved: the prepared samples bit for bit
 * (16-bit PCM would round them, and a rounded chunk may be transcribed differently), and still a file
 * any audio tool plays.
 */
export function encodeFloat32Wav(channels: readonly Float32Array[]): Uint8Array {
  const channelCount = channels.length;
  const length = channels[0]?.length ?? 0;
  const dataBytes = length * channelCount * 4;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index++) view.setUint8(offset + index, text.charCodeAt(index));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 3, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE * channelCount * 4, true);
  view.setUint16(32, channelCount * 4, true);
  view.setUint16(34, 32, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let sample = 0; sample < length; sample++)
    for (let channel = 0; channel < channelCount; channel++)
      view.setFloat32(44 + (sample * channelCount + channel) * 4, channels[channel]?.[sample] ?? 0, true);
  return bytes;
}

/** Reads back what `encodeFloat32Wav` wrote (one channel array each). */
export function decodeFloat32Wav(bytes: Uint8Array): Float32Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  const invalid = (why: string) => new StorageError(`exported chunk samples unreadable: ${why}`);
  if (bytes.length < 44 || text(0) !== 'RIFF' || text(8) !== 'WAVE') throw invalid('not a WAV file');
  let channelCount = 0;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = text(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (view.getUint16(body, true) !== 3 || view.getUint16(body + 14, true) !== 32)
        throw invalid('not 32-bit float');
      if (view.getUint32(body + 4, true) !== RATE) throw invalid('not 16 kHz');
      channelCount = view.getUint16(body + 2, true);
    } else if (id === 'data') {
      if (channelCount === 0) throw invalid('data before format');
      const length = Math.floor(Math.min(size, bytes.length - body) / (4 * channelCount));
      const channels = Array.from({ length: channelCount }, () => new Float32Array(length));
      for (let sample = 0; sample < length; sample++)
        for (let channel = 0; channel < channelCount; channel++)
          (channels[channel] as Float32Array)[sample] = view.getFloat32(
            body + (sample * channelCount + channel) * 4,
            true,
          );
      return channels;
    }
    offset = body + size + (size % 2);
  }
  throw invalid('no data');
}
