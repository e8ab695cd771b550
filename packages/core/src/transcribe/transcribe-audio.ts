import type {
  Segment,
  SpeechToTextModel,
  SpeechToTextResult,
  SpeechToTextSegment,
  Transcript,
  Word,
} from '@echolens/provider';
import { type Logger, silentLogger, throwIfAborted } from '@echolens/provider';
import type { PreparedAudio } from '../audio/types.js';
import { contentHash } from '../cache/hash.js';
import type { PreparedAudioInfo, SpeechRegion } from '../schema/prepared-audio.js';
import { distinctChannels } from './duplicate-channels.js';
import {
  DEFAULT_HALLUCINATION_GUARDS,
  type HallucinationGuardOptions,
  rejectionReason,
  removeRepetitionLoops,
} from './hallucination-guards.js';
import { type PlacedSegment, placeSegment } from './segment-placement.js';
import { measureSpeechCoverage } from './speech-coverage.js';
import { untranscribedSpeech } from './speech-retry.js';
import { pieceTimeToSource, speechOverlapSec } from './timeline-map.js';
import {
  assembleWindow,
  DEFAULT_WINDOW_PACKING,
  type PlannedWindow,
  packNextWindow,
  planPieces,
  type WindowPackingOptions,
  type WindowPiece,
} from './window-plan.js';

export { DEFAULT_HALLUCINATION_GUARDS, type HallucinationGuardOptions } from './hallucination-guards.js';
export { DEFAULT_WINDOW_PACKING, type WindowPackingOptions } from './window-plan.js';

/** Bumped whenever packing, mapping or guards change the transcript for the same inputs. */
export const TRANSCRIBE_VERSION = 3;

/**
 * Once this much speech has voted for a language (and none was forced), the leading language is
 * forced for the remaining windows, so one noisy window cannot switch a call to another language.
 */
const LANGUAGE_LOCK_SPEECH_SEC = 20;
/** Segments are widened by this much on each side before measuring their overlap with VAD speech. */
const OVERLAP_TOLERANCE_SEC = 0.05;
/** Whisper keeps at most this many identical segments in a row from one window; more is a loop. */
const MAX_IDENTICAL_SEGMENTS_IN_A_ROW = 2;
/** Reported when no language was forced and nothing was said. */
const UNDETERMINED_LANGUAGE = 'und';

export interface TranscribeAudioOptions {
  model: SpeechToTextModel;
  /** ISO 639-1 code to force; detected (majority over windows) when absent. */
  language?: string;
  /** Vocabulary hint passed to every window. */
  prompt?: string;
  wordTimestamps?: boolean;
  signal?: AbortSignal;
  /** Fraction of windows done, 0-1. */
  onProgress?: (fraction: number, detail?: string) => void;
  logger?: Logger;
  /** Overrides for the hallucination thresholds (DEFAULT_HALLUCINATION_GUARDS). */
  guards?: Partial<HallucinationGuardOptions>;
  /** Overrides for window packing (DEFAULT_WINDOW_PACKING). */
  packing?: Partial<WindowPackingOptions>;
  /**
   * Called with the model's result for every window, before the guards: what a hosted API billed
   * (`billedAudioSec`) and, behind `withFallback`, which model answered (`answeredBy`).
   */
  onModelResult?: (result: SpeechToTextResult) => void;
}

export interface TranscriptCacheSettings {
  model: SpeechToTextModel;
  language?: string;
  prompt?: string;
  wordTimestamps?: boolean;
  guards?: Partial<HallucinationGuardOptions>;
  packing?: Partial<WindowPackingOptions>;
}

/**
 * The cache key of a transcript: the audio's bytes (sha256) and what preprocessing made of them
 * (channels, gains, speech regions), the model and every setting that changes the text, and the
 * version of this stage.
 */
export function transcriptCacheKey(audio: PreparedAudioInfo, settings: TranscriptCacheSettings): string {
  return contentHash({
    kind: 'transcript',
    version: TRANSCRIBE_VERSION,
    audio: {
      sha256: audio.source.sha256,
      channelCount: audio.channelCount,
      durationSec: audio.durationSec,
      gainsDb: audio.loudness.map((channel) => channel.gainDb),
      speech: audio.speech,
      vad: audio.vad.method,
      // Only when on, so keys of audio that was not denoised stay what they were.
      ...(audio.denoise ? { denoise: audio.denoise } : {}),
    },
    model: {
      provider: settings.model.provider,
      modelId: settings.model.modelId,
      cacheKey: settings.model.cacheKey ?? null,
      maxWindowSec: settings.model.maxWindowSec,
    },
    language: settings.language ?? null,
    prompt: settings.prompt ?? null,
    wordTimestamps: settings.wordTimestamps ?? false,
    guards: { ...DEFAULT_HALLUCINATION_GUARDS, ...settings.guards },
    packing: { ...DEFAULT_WINDOW_PACKING, ...settings.packing },
  });
}

/** Speech regions per channel; with VAD turned off every channel is speech from end to end. */
function speechRegionsOf(audio: PreparedAudio): SpeechRegion[][] {
  if (audio.vad.method === 'none') {
    return Array.from({ length: audio.channelCount }, () => [{ startSec: 0, endSec: audio.durationSec }]);
  }
  return audio.speech;
}

const roundSeconds = (seconds: number) => Math.round(seconds * 1000) / 1000;

function clampUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** Puts a placed segment (window seconds, inside its pieces) and its words on the recording's timeline. */
function mapSegment(segment: PlacedSegment, window: PlannedWindow, sampleRate: number) {
  const first = window.pieces[segment.piece] as WindowPiece;
  const last = window.pieces[segment.lastPiece] as WindowPiece;
  const startSec = roundSeconds(pieceTimeToSource(first, segment.startSec, sampleRate));
  const endSec = roundSeconds(pieceTimeToSource(last, segment.endSec, sampleRate));
  const words: Word[] | undefined = segment.words?.map((word, index) => {
    const piece = window.pieces[segment.wordPieces?.[index] ?? segment.piece] as WindowPiece;
    return {
      startSec: roundSeconds(pieceTimeToSource(piece, word.startSec, sampleRate)),
      endSec: roundSeconds(pieceTimeToSource(piece, word.endSec, sampleRate)),
      text: word.text,
      ...(word.confidence === undefined ? {} : { confidence: clampUnit(word.confidence) }),
    };
  });
  return { startSec, endSec, words };
}

function normalisedText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Applies the guards to one window's segments, in window time: repetition loops are cut, each
 * segment is placed in the pieces of the window (split where its words change piece, text timed in
 * inserted silence given to the nearest piece), then parts outside speech, from silence or
 * repetitive are dropped, and identical parts repeated back to back beyond a pair are dropped.
 */
function guardSegments(
  segments: readonly SpeechToTextSegment[],
  window: PlannedWindow,
  guards: HallucinationGuardOptions,
  sampleRate: number,
  logger: Logger,
): PlacedSegment[] {
  const kept: PlacedSegment[] = [];
  let identicalRun = 0;
  for (const original of segments) {
    const { segment, loopsRemoved } = removeRepetitionLoops(original, guards);
    if (loopsRemoved > 0)
      logger.debug({ text: original.text, loopsRemoved }, 'transcribe: repetition loop cut');
    for (const part of placeSegment(segment, window.pieces, sampleRate, window.speech)) {
      // Text the model timed in silence we inserted belongs to the neighbouring speech; only text
      // it placed on real audio is held against the VAD.
      const overlap = part.movedFromInsertedSilence
        ? undefined
        : speechOverlapSec(
            window.speech,
            part.startSec - OVERLAP_TOLERANCE_SEC,
            part.endSec + OVERLAP_TOLERANCE_SEC,
            sampleRate,
          );
      const reason = rejectionReason(part, overlap, guards);
      if (reason) {
        logger.debug(
          {
            reason,
            text: part.text,
            sourceSec: roundSeconds(
              pieceTimeToSource(window.pieces[part.piece] as WindowPiece, part.startSec, sampleRate),
            ),
            averageLogProbability: part.averageLogProbability,
            noSpeechProbability: part.noSpeechProbability,
          },
          'transcribe: segment dropped',
        );
        continue;
      }
      // Only a repeat over the same audio is a loop: a caller answering "Okay." in three separate
      // pauses packed into one window gives three identical segments in three pieces.
      const previous = kept.at(-1);
      identicalRun =
        previous?.piece === part.piece && normalisedText(previous.text) === normalisedText(part.text)
          ? identicalRun + 1
          : 1;
      if (identicalRun > MAX_IDENTICAL_SEGMENTS_IN_A_ROW) {
        logger.debug({ text: part.text }, 'transcribe: repeated segment dropped');
        continue;
      }
      kept.push(part);
    }
  }
  return kept;
}

/** Speech seconds per language, from the windows decoded so far. */
class LanguageVotes {
  private readonly seconds = new Map<string, number>();
  private total = 0;

  add(language: string | undefined, speechSec: number): void {
    if (!language) return;
    const code = language.toLowerCase();
    this.seconds.set(code, (this.seconds.get(code) ?? 0) + speechSec);
    this.total += speechSec;
  }

  leader(): string | undefined {
    return [...this.seconds].sort((a, b) => b[1] - a[1])[0]?.[0];
  }

  /** The language to force from now on, once enough speech has voted. */
  locked(): string | undefined {
    return this.total >= LANGUAGE_LOCK_SPEECH_SEC ? this.leader() : undefined;
  }
}

/**
 * Transcribes prepared audio with any SpeechToTextModel. Per channel, VAD speech is packed into
 * windows of at most `model.maxWindowSec` (silence costs nothing), each window is read from the
 * PcmReader and sent alone (memory stays flat with call length), times are mapped back onto the
 * recording exactly, and hallucinations are dropped. No speech at all means no model call.
 */
export async function transcribeAudio(
  audio: PreparedAudio,
  options: TranscribeAudioOptions,
): Promise<Transcript> {
  const logger = options.logger ?? silentLogger;
  const guards = { ...DEFAULT_HALLUCINATION_GUARDS, ...options.guards };
  const packing = { ...DEFAULT_WINDOW_PACKING, ...options.packing };
  const name = audio.source.name;
  const rate = audio.sampleRate;
  throwIfAborted(options.signal, name);

  const speech = speechRegionsOf(audio);
  const channels = audio.channelCount > 1 ? await distinctChannels(audio.pcm, speech) : [0];
  if (channels.length < audio.channelCount) {
    logger.debug({ name, channels }, 'transcribe: channels that copy another are transcribed once');
  }
  const plans = await planPieces(
    audio.pcm,
    speech.map((regions, channel) => (channels.includes(channel) ? regions : [])),
    { ...packing, maxWindowSec: options.model.maxWindowSec, signal: options.signal },
  );
  const maxLength = Math.floor(options.model.maxWindowSec * rate);
  const gap = Math.round(packing.gapSec * rate);
  const totalSamples = plans.reduce(
    (sum, plan) => sum + plan.pieces.reduce((inner, piece) => inner + piece.end - piece.start, 0),
    0,
  );
  logger.debug({ name, channels: plans.length, totalSec: totalSamples / rate }, 'transcribe: speech planned');
  options.onProgress?.(0, '0 windows');

  const votes = new LanguageVotes();
  const segments: (Omit<Segment, 'id'> & { channel: number })[] = [];
  let doneSamples = 0;
  let windowCount = 0;
  for (const plan of plans) {
    const queue = [...plan.pieces];
    while (queue.length > 0) {
      throwIfAborted(options.signal, name);
      const taken = queue.slice();
      const window = packNextWindow(queue, plan, maxLength, gap, rate);
      const pieces = taken.slice(0, window.pieces.length);
      const samples = await assembleWindow(audio.pcm, window);
      const result = await options.model.transcribe(
        { samples, sampleRate: 16_000 },
        {
          language: options.language ?? votes.locked(),
          prompt: options.prompt,
          wordTimestamps: options.wordTimestamps ?? false,
          signal: options.signal,
        },
      );
      windowCount++;
      options.onModelResult?.(result);
      votes.add(result.language, window.speechSec);
      const kept = guardSegments(result.segments, window, guards, rate, logger);
      for (const segment of kept) {
        const { startSec, endSec, words } = mapSegment(segment, window, rate);
        const confidence =
          segment.averageLogProbability === undefined
            ? undefined
            : clampUnit(Math.exp(segment.averageLogProbability));
        segments.push({
          startSec,
          endSec,
          text: segment.text.trim(),
          channel: window.channel,
          ...(words ? { words } : {}),
          ...(confidence === undefined ? {} : { confidence }),
        });
      }
      const retry = packing.retryUntranscribedSpeech
        ? untranscribedSpeech(window, result.segments, kept, {
            sampleRate: rate,
            padding: Math.round(packing.paddingSec * rate),
            joinGap: gap,
          })
        : [];
      if (retry.length > 0) {
        logger.debug(
          {
            name,
            spans: retry.length,
            sec: retry.reduce((sum, entry) => sum + entry.span.end - entry.span.start, 0) / rate,
          },
          'transcribe: speech the model left without text goes to the head of the next window',
        );
        queue.unshift(...retry.map((entry) => entry.span));
      }
      doneSamples += pieces.reduce((sum, piece) => sum + piece.end - piece.start, 0);
      doneSamples -= retry.reduce((sum, entry) => sum + entry.span.end - entry.span.start, 0);
      options.onProgress?.(totalSamples > 0 ? doneSamples / totalSamples : 1, `${windowCount} windows`);
    }
  }

  segments.sort((a, b) => a.startSec - b.startSec || a.channel - b.channel || a.endSec - b.endSec);
  const multiChannel = audio.channelCount > 1;
  const transcript: Transcript = {
    language: options.language ?? votes.leader() ?? UNDETERMINED_LANGUAGE,
    durationSec: audio.durationSec,
    segments: segments.map(({ channel, ...segment }, index) => ({
      id: `seg-${String(index + 1).padStart(4, '0')}`,
      ...segment,
      ...(multiChannel ? { channel } : {}),
    })),
  };
  const { unintelligible, coverage } = measureSpeechCoverage(speech, transcript, channels);
  if (unintelligible.length > 0) {
    logger.debug({ name, spans: unintelligible.length, coverage }, 'transcribe: speech left without words');
  }
  return { ...transcript, unintelligible, speechCoverage: Math.round(coverage * 1000) / 1000 };
}
