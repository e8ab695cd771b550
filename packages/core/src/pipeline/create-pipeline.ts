import { randomUUID } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import type {
  Cache,
  CallMetadata,
  ChannelRoles,
  SpeechToTextModel,
  Storage,
  Transcript,
} from '@echolens/provider';
import {
  ConfigurationError,
  defaultCacheRoot,
  EchoLensError,
  type Logger,
  StageError,
  silentLogger,
  throwIfAborted,
} from '@echolens/provider';
import { EventEmitter } from 'eventemitter3';
import { aggregateResults } from '../aggregate/aggregate.js';
import { CallAnalyzer, type CallAnalyzerOptions } from '../analyze/call-analyzer.js';
import { conversationFromDialogue, type Dialogue, type DialogueLimits } from '../analyze/dialogue.js';
import { redactConversation, redactTranscript } from '../analyze/privacy/redaction.js';
import { type PrepareAudioOptions, prepareAudio } from '../audio/prepare.js';
import type { AudioInput, AudioSource, PreparedAudio } from '../audio/types.js';
import { sileroModelExists, sileroModelPath } from '../audio/vad/silero.js';
import { FileCache } from '../cache/file-cache.js';
import { createDiarizeStage, type DiarizationOptions } from '../diarize/diarize-stage.js';
import type { AggregateReport } from '../schema/aggregate.js';
import type { CallAnalysis } from '../schema/analysis.js';
import type { CallResult } from '../schema/call-result.js';
import type { Conversation } from '../schema/conversation.js';
import type { PreparedAudioInfo } from '../schema/prepared-audio.js';
import type { PipelineEvents, StageName } from '../stages/events.js';
import type { AnalysisBody, StageContext, StageProvenance, Stages } from '../stages/stages.js';
import { LocalStorage } from '../storage/local-storage.js';
import {
  type ExportedChunkResult,
  exportLongAudioChunks,
  type LongAudioSplit,
  transcribeExportedChunk,
} from '../transcribe/chunk-export.js';
import { isLongAudio, type LongAudioOptions, languageDecidedBy } from '../transcribe/chunked.js';
import { type LocalWhisperOptions, loadLocalWhisper } from '../transcribe/local-whisper.js';
import { transcriptCacheKey } from '../transcribe/transcribe-audio.js';
import { createTranscribeStage, transcribeSettings } from '../transcribe/transcribe-stage.js';
import { forEachConcurrently } from '../util/concurrency.js';
import { ECHOLENS_VERSION } from '../version.js';
import { compactConversation, roundNumbers, withoutWordsHeldByTurns } from './compact-result.js';

/**
 * Analysis options (`languageModel`, `taxonomy`, `complianceRules`, `extraFields`, `redaction`, `memory`,
 * `modelSettings`): see `CallAnalyzerOptions`. Without a language model the offline analyzer runs.
 */
export interface PipelineOptions extends CallAnalyzerOptions {
  /** Bounds on conversations given as text (`analyzeConversation`): turn length and count. */
  dialogueLimits?: DialogueLimits;
  /** Speech-to-text model; default: local Whisper (`@echolens/stt-whisper`), loaded on first use. */
  speechToText?: SpeechToTextModel;
  /** Options for the default local Whisper when `speechToText` is not given. */
  whisper?: Omit<LocalWhisperOptions, 'modelsDir'>;
  /**
   * The folder of local models (Whisper, Silero VAD), for every stage that loads one. Giving it turns
   * downloads off. Default: `$ECHOLENS_MODELS_DIR`, else `~/.cache/echolens/models`.
   */
  modelsDir?: string;
  /** Language of the calls (ISO 639-1); detected per call when absent. */
  language?: string;
  /** Vocabulary hint for the speech-to-text model (product names, jargon). */
  prompt?: string;
  /** Word timestamps when the model can give them (default true: diarization and metrics use them). */
  wordTimestamps?: boolean;
  /**
   * Roles of the channels of multi-channel recordings, e.g. `{ "0": "agent", "1": "customer" }`. An
   * input's own `metadata.channelRoles` wins over it.
   */
  channelRoles?: ChannelRoles;
  /** Speaker-count hints, a replacement diarizer (e.g. a neural ONNX one), crosstalk and clustering settings. */
  diarization?: Omit<DiarizationOptions, 'channelRoles' | 'modelsDir'>;
  /** Decoding, normalisation and voice-activity options. */
  audio?: Omit<PrepareAudioOptions, 'signal' | 'onProgress' | 'logger' | 'storage' | 'modelsDir'>;
  /** Resolves `{ storageKey }` inputs, and keeps long-audio checkpoints unless `longAudio.storage` says otherwise. */
  storage?: Storage;
  /**
   * Recordings longer than 1.5 × `chunkSec` (default 5 min) are transcribed in chunks checkpointed in
   * `calls/<callId>/chunks/` of a storage, so a crash or restart costs at most one chunk. Storage:
   * `longAudio.storage`, else `storage`, else a local store in the cache folder. `false` turns it off.
   */
  longAudio?: Partial<LongAudioOptions> | false;
  /** Content-hash cache for transcripts and analyses; default on disk, `false` turns it off. */
  cache?: Cache | false;
  /** Replace any of the five stages. */
  stages?: Partial<Stages>;
  logger?: Logger;
  /** Calls processed at once by `runMany` (default 1; the local model serves one window at a time). */
  concurrency?: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Merged over the input's own metadata. */
  metadata?: CallMetadata;
  /**
   * The input's audio already prepared by this pipeline (`splitLongAudio` with `keepPrepared`): the
   * preprocess stage is skipped, and the run disposes it when done.
   */
  prepared?: PreparedAudio;
}

export interface SplitLongAudioOptions extends Omit<RunOptions, 'prepared'> {
  /** Hears of each chunk transcribed during the split (those up to the one that decides the language). */
  onChunk?: (result: ExportedChunkResult) => void;
  /** When the recording is not split, return its prepared audio instead of disposing it (see `splitLongAudio`). */
  keepPrepared?: boolean;
}

export interface RunManyOptions {
  signal?: AbortSignal;
  concurrency?: number;
}

export interface CallFailure {
  /** The input's name (file path, URL, key). */
  name: string;
  /** Position in the inputs given to `runMany`. */
  index: number;
  error: Error;
}

export interface BatchResult {
  /** Successful calls, in input order. */
  results: CallResult[];
  /** Inputs that failed, each with a typed error naming the input; the others still completed. */
  failures: CallFailure[];
  /** The aggregate stage's report over all successful calls. */
  report: AggregateReport;
}

/**
 * What `pipeline.transcribe()` returns: the call's identity, its audio description, the transcript and
 * the conversation (who said what: turns by speaker, named by role where known). Words are on the turns.
 */
export interface TranscriptionResult {
  callId: string;
  name: string;
  audio: PreparedAudioInfo;
  transcript: Transcript;
  conversation: Conversation;
}

/**
 * What `pipeline.diarize()` returns: who spoke when, without transcription. The conversation has the
 * speakers (named by role where channel metadata says) and their `activity`, and no turns.
 */
export interface DiarizationResult {
  callId: string;
  name: string;
  audio: PreparedAudioInfo;
  conversation: Conversation;
}

/** A conversation given as text (chat log, existing transcript) for `pipeline.analyzeConversation`. */
export interface ConversationInput {
  /** Becomes the call id (default: metadata.callId, else a generated id). */
  id?: string;
  turns: { speaker: 'agent' | 'customer'; text: string; startSec?: number; endSec?: number }[];
  metadata?: CallMetadata;
}

/** Accepts a bare path, URL, buffer or stream as shorthand for `{ source }`. */
export type PipelineInput = AudioInput | AudioSource;

function isAudioInput(input: PipelineInput): input is AudioInput {
  return typeof input === 'object' && input !== null && 'source' in input;
}

/** A readable name for any input: the file name, URL, storage key, or a generated one. */
export function nameOfInput(input: AudioInput): string {
  if (input.name) return input.name;
  const source = input.source;
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (typeof source === 'object' && source !== null && 'storageKey' in source) return source.storageKey;
  return `call-${randomUUID().slice(0, 8)}`;
}

function callIdFor(input: AudioInput, name: string): string {
  if (input.metadata?.callId) return input.metadata.callId;
  const base = basename(name.split(/[?#]/)[0] ?? name);
  return base.slice(0, base.length - extname(base).length) || name;
}

export class Pipeline extends EventEmitter<PipelineEvents> {
  readonly options: PipelineOptions;
  readonly stages: Stages;
  private readonly logger: Logger;
  private readonly cache: Cache | undefined;
  private speechToText: Promise<SpeechToTextModel> | undefined;
  /** Metrics and insights (language model or offline analyzer), used by the default analyze stage. */
  readonly analyzer: CallAnalyzer;

  constructor(options: PipelineOptions = {}) {
    super();
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.cache = options.cache === false ? undefined : (options.cache ?? new FileCache());
    if (options.speechToText) this.speechToText = Promise.resolve(options.speechToText);
    this.analyzer = new CallAnalyzer(options);
    this.stages = { ...this.defaultStages(), ...options.stages };
  }

  /** The speech-to-text model in use, loading the default local Whisper on first call. */
  getSpeechToText(): Promise<SpeechToTextModel> {
    const { whisper, modelsDir } = this.options;
    this.speechToText ??= loadLocalWhisper({ ...whisper, ...(modelsDir ? { modelsDir } : {}) });
    // A failed load must not poison later calls (e.g. the user installs the package and retries).
    this.speechToText.catch(() => {
      this.speechToText = undefined;
    });
    return this.speechToText;
  }

  private defaultStages(): Stages {
    const options = this.options;
    return {
      preprocess: (input, context) =>
        prepareAudio(input, {
          ...options.audio,
          ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}),
          storage: options.storage,
          signal: context.signal,
          onProgress: context.progress,
          logger: context.logger,
        }),

      transcribe: createTranscribeStage({
        getModel: () => this.getSpeechToText(),
        ...(options.language ? { language: options.language } : {}),
        ...(options.prompt ? { prompt: options.prompt } : {}),
        ...(options.wordTimestamps !== undefined ? { wordTimestamps: options.wordTimestamps } : {}),
        ...(options.longAudio === false ? {} : { longAudio: this.longAudioOptions(options.longAudio ?? {}) }),
      }),

      diarize: createDiarizeStage({
        ...options.diarization,
        ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}),
        ...(options.channelRoles ? { channelRoles: options.channelRoles } : {}),
      }),

      analyze: this.analyzer.asStage(),

      // The executive summary is one request fed only the computed metrics, cached like an analysis.
      aggregate: async ({ results, failures }, { signal, logger }) =>
        aggregateResults(results, failures, {
          ...(options.languageModel ? { languageModel: options.languageModel } : {}),
          ...(this.cache ? { cache: this.cache } : {}),
          ...(signal ? { signal } : {}),
          logger,
        }),
    };
  }

  private longAudioOptions(given: Partial<LongAudioOptions>): LongAudioOptions {
    return {
      ...given,
      storage:
        given.storage ??
        this.options.storage ??
        new LocalStorage({ root: join(defaultCacheRoot(), 'artifacts') }),
      resume: given.resume ?? this.options.cache !== false,
    };
  }

  /**
   * Starts one call (emits `call-start`): its stage context (identity, cancellation, progress,
   * degradation, provenance), a stage runner, and `complete` / `fail` to end it with the right event.
   */
  /** What every stage of one input is given: its identity, the pipeline's logger and cache, nothing spent yet. */
  private stageContext(
    callId: string,
    name: string,
    metadata: CallMetadata,
    signal: AbortSignal | undefined,
  ): StageContext {
    return {
      callId,
      name,
      metadata,
      signal,
      logger: this.logger,
      cache: this.cache,
      provenance: emptyProvenance(),
      progress: () => {},
      degrade: () => {},
    };
  }

  private createCallContext(
    callId: string,
    name: string,
    metadata: CallMetadata,
    signal: AbortSignal | undefined,
  ) {
    const timingsMs: Record<string, number> = {};
    const degraded: { field: string; reason: string }[] = [];
    let currentStage: StageName = 'preprocess';
    const context: StageContext = {
      ...this.stageContext(callId, name, metadata, signal),
      progress: (fraction, detail) =>
        this.emit('stage-progress', {
          callId,
          name,
          stage: currentStage,
          fraction: Math.min(1, Math.max(0, fraction)),
          ...(detail ? { detail } : {}),
        }),
      degrade: (field, reason) => {
        degraded.push({ field, reason });
      },
    };

    const runStage = async <T>(stage: StageName, work: () => Promise<T>): Promise<T> => {
      throwIfAborted(signal, name);
      currentStage = stage;
      this.emit('stage-start', { callId, name, stage });
      const started = performance.now();
      try {
        const output = await work();
        timingsMs[stage] = Math.round(performance.now() - started);
        this.emit('stage-end', { callId, name, stage, durationMs: timingsMs[stage] });
        return output;
      } catch (error) {
        if (EchoLensError.isInstance(error)) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new StageError(stage, `${stage} failed: ${message}`, { cause: error, file: name });
      }
    };

    /** Wraps the stages' outputs into the call's result and announces it. */
    const complete = (parts: Omit<CallResult, 'callId' | 'name' | 'analysis'> & { body: AnalysisBody }) => {
      const { body, transcript, conversation, ...rest } = parts;
      const result: CallResult = roundNumbers({
        callId,
        name,
        ...rest,
        ...(transcript ? { transcript: withoutWordsHeldByTurns(transcript, conversation) } : {}),
        conversation: compactConversation(conversation),
        analysis: assembleAnalysis(callId, metadata, body, context.provenance, timingsMs, degraded),
      });
      // The caller's metadata comes back exactly as given.
      result.analysis.metadata = metadata;
      this.emit('call-done', { callId, name, result });
      return result;
    };
    /** Announces the failure and returns it as an Error, ready to throw. */
    const fail = (error: unknown): Error => {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.emit('call-failed', { callId, name, error: failure });
      return failure;
    };

    this.emit('call-start', { callId, name });
    return { context, provenance: context.provenance, runStage, complete, fail };
  }

  /** Runs preprocess → transcribe → diarize → analyze for one recording. */
  async run(input: PipelineInput, options: RunOptions = {}): Promise<CallResult> {
    return this.execute(input, options, 'analyze') as Promise<CallResult>;
  }

  /**
   * Runs preprocess → transcribe → diarize: the transcript (cached like any other) and who said what,
   * without analysis. Diarization costs little next to transcription and every readable transcript
   * format shows speakers.
   */
  async transcribe(input: PipelineInput, options: RunOptions = {}): Promise<TranscriptionResult> {
    return this.execute(input, options, 'transcribe') as Promise<TranscriptionResult>;
  }

  /**
   * Runs preprocess → diarize only: who spoke when from the audio alone, no transcription (what
   * `echolens diarize` prints as RTTM).
   */
  async diarize(input: PipelineInput, options: RunOptions = {}): Promise<DiarizationResult> {
    return this.execute(input, options, 'diarize') as Promise<DiarizationResult>;
  }

  private async execute(
    input: PipelineInput,
    options: RunOptions,
    lastStage: 'transcribe' | 'diarize' | 'analyze',
  ): Promise<CallResult | TranscriptionResult | DiarizationResult> {
    const audioInput: AudioInput = isAudioInput(input) ? input : { source: input };
    const name = nameOfInput(audioInput);
    const metadata: CallMetadata = { ...audioInput.metadata, ...options.metadata };
    const callId = callIdFor({ ...audioInput, metadata }, name);
    const call = this.createCallContext(callId, name, metadata, options.signal);
    let audio: PreparedAudio | undefined;
    try {
      audio = await call.runStage('preprocess', async () =>
        options.prepared
          ? options.prepared
          : this.stages.preprocess({ ...audioInput, metadata }, call.context),
      );
      const preparedAudio = audio;
      call.provenance.vad = preparedAudio.vad.method;
      if (preparedAudio.vad.fallbackReason)
        call.context.degrade('audio.speech', preparedAudio.vad.fallbackReason);
      for (const warning of preparedAudio.source.decodeWarnings ?? [])
        call.context.degrade('audio.source', warning);
      const { pcm: _pcm, dispose: _dispose, ...audioInfo } = preparedAudio;
      if (lastStage === 'diarize') {
        const unheard: Transcript = { language: 'und', durationSec: preparedAudio.durationSec, segments: [] };
        const conversation = await call.runStage('diarize', () =>
          this.stages.diarize({ transcript: unheard, audio: preparedAudio }, call.context),
        );
        return roundNumbers({
          callId,
          name,
          audio: audioInfo,
          conversation: compactConversation(conversation),
        });
      }
      const transcribed = await call.runStage('transcribe', () =>
        this.stages.transcribe(preparedAudio, call.context),
      );
      const redaction = this.storedRedaction();
      const transcript = redaction ? redactTranscript(transcribed, redaction) : transcribed;
      const diarized = await call.runStage('diarize', () =>
        this.stages.diarize({ transcript: transcribed, audio: preparedAudio }, call.context),
      );
      // Analysis sees what is stored, so evidence quotes never bring back redacted data.
      const conversation = redaction ? redactConversation(diarized, redaction) : diarized;
      if (lastStage === 'transcribe') {
        return roundNumbers({
          callId,
          name,
          audio: audioInfo,
          transcript: withoutWordsHeldByTurns(transcript, conversation),
          conversation: compactConversation(conversation),
        });
      }
      const body = await call.runStage('analyze', () =>
        this.stages.analyze({ conversation, transcript, audio: preparedAudio }, call.context),
      );
      return call.complete({ audio: audioInfo, transcript, conversation, body });
    } catch (error) {
      throw call.fail(error);
    } finally {
      await (audio ?? options.prepared)?.dispose();
    }
  }

  /**
   * Splits a long recording for a fleet of workers: prepares it as `run` would, and when long-audio mode
   * would chunk it, exports every chunk not yet completed to the long-audio storage (see
   * `exportLongAudioChunks`). Without a forced language, the chunks up to the first one with speech are
   * transcribed here first, in order, since that chunk decides the language of the rest. Any worker then
   * transcribes each pending chunk with `transcribeChunk`, and `run` / `transcribe` afterwards finds
   * every chunk completed and merges them. Comes back without `split` when there is nothing to split: a
   * recording too short for chunks, long audio or checkpoint resume turned off, a replaced transcribe stage,
   * or a transcript already in the cache. Then, with `keepPrepared`, the prepared audio comes back instead
   * (when it was prepared), for `run` / `transcribe` (`RunOptions.prepared`), so it is prepared once.
   */
  async splitLongAudio(
    input: PipelineInput,
    options: SplitLongAudioOptions = {},
  ): Promise<{ split?: LongAudioSplit; prepared?: PreparedAudio }> {
    if (this.options.longAudio === false || this.options.stages?.transcribe) return {};
    const longAudio = this.longAudioOptions(this.options.longAudio ?? {});
    if (longAudio.resume === false) return {};
    const audioInput: AudioInput = isAudioInput(input) ? input : { source: input };
    const name = nameOfInput(audioInput);
    const metadata: CallMetadata = { ...audioInput.metadata, ...options.metadata };
    const callId = callIdFor({ ...audioInput, metadata }, name);
    const { signal } = options;
    // A context of its own, not `createCallContext`: this is no call run, so it announces no call events.
    const context = this.stageContext(callId, name, metadata, signal);
    let audio: PreparedAudio;
    try {
      audio = await this.stages.preprocess({ ...audioInput, metadata }, context);
    } catch (error) {
      // The same error as `run` would give for this input.
      if (EchoLensError.isInstance(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new StageError('preprocess', `preprocess failed: ${message}`, { cause: error, file: name });
    }
    let kept = false;
    const notSplit = () => {
      kept = options.keepPrepared === true;
      return kept ? { prepared: audio } : {};
    };
    try {
      if (!isLongAudio(audio.durationSec, longAudio)) return notSplit();
      const model = await this.getSpeechToText();
      const settings = transcribeSettings(this.options, model, metadata);
      const key = transcriptCacheKey(audio, settings);
      if (this.cache && (await this.cache.get(key))) return notSplit();
      const split = await exportLongAudioChunks(audio, {
        storage: longAudio.storage,
        callId,
        ...(longAudio.chunkSec ? { chunkSec: longAudio.chunkSec } : {}),
        fingerprint: key,
        settings,
        ...(signal ? { signal } : {}),
        logger: this.logger,
      });
      if (!settings.language) {
        for (const chunk of split.chunks) {
          if (chunk.status === 'pending') {
            const result = await this.transcribeChunk(callId, chunk.index, { ...(signal ? { signal } : {}) });
            options.onChunk?.(result);
            chunk.status = 'completed';
            const decided = languageDecidedBy(result.transcript);
            if (decided) chunk.language = decided;
          }
          if (chunk.language) break;
        }
      }
      return { split };
    } finally {
      if (!kept) await audio.dispose();
    }
  }

  /**
   * Transcribes one chunk exported by `splitLongAudio` (on this or any other worker sharing the storage)
   * into its checkpoint; a chunk already completed is returned as `resumed`, without a model call.
   */
  async transcribeChunk(
    callId: string,
    index: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<ExportedChunkResult> {
    if (this.options.longAudio === false)
      throw new ConfigurationError('transcribeChunk needs long audio on (longAudio is false)');
    return transcribeExportedChunk({
      storage: this.longAudioOptions(this.options.longAudio ?? {}).storage,
      callId,
      index,
      model: await this.getSpeechToText(),
      logger: this.logger,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Redaction options when stored transcripts are to be redacted, else undefined. */
  private storedRedaction() {
    const redaction = this.options.redaction;
    if (!redaction?.storedTranscripts) return undefined;
    return redaction.types ? { types: redaction.types } : {};
  }

  /**
   * Analyzes a conversation given as text (a chat log or an existing transcript) instead of audio: the
   * diarize-free path behind `echolens analyze --dialogues`. The result has no `audio` or `transcript`.
   */
  async analyzeConversation(input: ConversationInput, options: RunOptions = {}): Promise<CallResult> {
    const metadata: CallMetadata = { ...input.metadata, ...options.metadata };
    const callId = input.id ?? metadata.callId ?? `conversation-${randomUUID().slice(0, 8)}`;
    const name = input.id ?? callId;
    const call = this.createCallContext(callId, name, metadata, options.signal);
    try {
      const given = conversationFromDialogue(input as Dialogue, callId, this.options.dialogueLimits);
      const redaction = this.storedRedaction();
      const conversation = redaction ? redactConversation(given, redaction) : given;
      const body = await call.runStage('analyze', () => this.stages.analyze({ conversation }, call.context));
      return call.complete({ conversation, body });
    } catch (error) {
      throw call.fail(error);
    }
  }

  /**
   * Runs many recordings with bounded concurrency, then the aggregate stage. A failing input is
   * reported in `failures` with its typed error; every other input still completes.
   */
  async runMany(inputs: readonly PipelineInput[], options: RunManyOptions = {}): Promise<BatchResult> {
    const settled: (CallResult | undefined)[] = new Array(inputs.length);
    const failures: CallFailure[] = [];
    const concurrency = options.concurrency ?? this.options.concurrency ?? 1;
    await forEachConcurrently(
      inputs,
      concurrency,
      async (input, index) => {
        try {
          settled[index] = await this.run(input, { signal: options.signal });
        } catch (error) {
          const audioInput: AudioInput = isAudioInput(input) ? input : { source: input };
          failures.push({
            name: nameOfInput(audioInput),
            index,
            error: error instanceof Error ? error : new Error(String(error)),
          });
        }
      },
      options.signal,
    );
    throwIfAborted(options.signal);
    const results = settled.filter((result): result is CallResult => result !== undefined);
    failures.sort((a, b) => a.index - b.index);
    const report = await this.aggregate(results, failures, options.signal);
    return { results, failures, report };
  }

  /** The aggregate stage on its own, for results gathered elsewhere (e.g. from workers). */
  async aggregate(
    results: readonly CallResult[],
    failures: readonly { name: string; error: Error }[] = [],
    signal?: AbortSignal,
  ): Promise<AggregateReport> {
    return this.stages.aggregate(
      { results: [...results], failures: [...failures] },
      { signal, logger: this.logger },
    );
  }

  /**
   * Checks before a batch that the work can run, so a problem shows once instead of once per call: the
   * speech-to-text model loads (unless `transcription: false`), the language model is reachable and
   * offers the model (adapters that support `preflight`). Throws the first blocking problem; returns
   * what will run in a weaker way (e.g. no Silero VAD) as warnings.
   */
  async preflight(
    options: { signal?: AbortSignal; transcription?: boolean } = {},
  ): Promise<{ warnings: string[] }> {
    const warnings: string[] = [];
    const vad = this.options.audio?.vad;
    if (vad !== false && vad !== 'energy' && !sileroModelExists(this.options.modelsDir)) {
      warnings.push(
        `Silero VAD model not found at ${sileroModelPath(this.options.modelsDir)}: speech will be found by the weaker energy detector (run \`npm run setup\` or point --models-dir at your models)`,
      );
    }
    if (options.transcription !== false) {
      const model = await this.getSpeechToText();
      await model.preflight?.({ ...(options.signal ? { signal: options.signal } : {}) });
    }
    await this.options.languageModel?.preflight?.({ ...(options.signal ? { signal: options.signal } : {}) });
    return { warnings };
  }

  /** Releases the loaded speech-to-text model. */
  async dispose(): Promise<void> {
    const model = await this.speechToText?.catch(() => undefined);
    await model?.dispose?.();
    this.speechToText = undefined;
  }
}

/** Wraps an analyze stage's output with identity, metadata and provenance. */
export function assembleAnalysis(
  callId: string,
  metadata: CallMetadata,
  body: AnalysisBody,
  provenance: StageProvenance,
  timingsMs: Record<string, number>,
  degraded: { field: string; reason: string }[],
): CallAnalysis {
  return {
    schemaVersion: 1,
    callId,
    metadata,
    ...body,
    provenance: {
      echolensVersion: ECHOLENS_VERSION,
      analyzedAt: new Date().toISOString(),
      adapters: {
        ...(provenance.speechToText ? { speechToText: provenance.speechToText } : {}),
        ...(provenance.languageModel ? { languageModel: provenance.languageModel } : {}),
        ...(provenance.vad ? { vad: provenance.vad } : {}),
        ...(provenance.diarizer ? { diarizer: provenance.diarizer } : {}),
      },
      cache: {
        ...(provenance.transcriptCache ? { transcript: provenance.transcriptCache } : {}),
        ...(provenance.analysisCache ? { analysis: provenance.analysisCache } : {}),
      },
      ...(provenance.transcription ? { transcription: provenance.transcription } : {}),
      usage: provenance.usage,
      ...(provenance.speechCoverage !== undefined ? { speechCoverage: provenance.speechCoverage } : {}),
      timingsMs,
      degraded,
    },
  };
}

/** Creates a pipeline with the default stages (local Whisper, built-in analysis) and your overrides. */
export function createPipeline(options: PipelineOptions = {}): Pipeline {
  return new Pipeline(options);
}

/** What a run has spent before it starts: nothing. */
function emptyProvenance(): StageProvenance {
  return {
    usage: { llmRequests: 0, inputTokens: 0, outputTokens: 0, estimatedCostUsd: 0, hostedAudioSec: 0 },
  };
}
