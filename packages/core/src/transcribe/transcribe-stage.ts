import type { SpeechToTextModel, Transcript } from '@echolens/provider';
import type { TranscribeStage } from '../stages/stages.js';
import { isLongAudio, type LongAudioOptions, transcribeLongAudio } from './chunked.js';
import {
  type TranscribeAudioOptions,
  type TranscriptCacheSettings,
  transcribeAudio,
  transcriptCacheKey,
} from './transcribe-audio.js';

export interface TranscribeStageOptions {
  /** Resolved on first use, so the model loads only when a call actually needs transcribing. */
  getModel: () => Promise<SpeechToTextModel>;
  /** Default language; a call's `metadata.language` wins. */
  language?: string;
  prompt?: string;
  wordTimestamps?: boolean;
  /** Long recordings in checkpointed chunks that survive a crash (see `LongAudioOptions`). */
  longAudio?: LongAudioOptions;
}

/**
 * The settings a call is transcribed with (the call's `metadata.language` wins over the default), in
 * one place so the stage and anything that transcribes a call's chunks elsewhere agree on them.
 */
export function transcribeSettings(
  options: Omit<TranscribeStageOptions, 'getModel' | 'longAudio'>,
  model: SpeechToTextModel,
  metadata: { language?: string | undefined },
): TranscriptCacheSettings & { wordTimestamps: boolean } {
  const language = metadata.language ?? options.language;
  return {
    model,
    ...(language ? { language } : {}),
    ...(options.prompt ? { prompt: options.prompt } : {}),
    wordTimestamps: options.wordTimestamps ?? true,
  };
}

/**
 * The default transcribe stage: content-hash cache first (the same audio with the same settings is
 * never transcribed twice), else speech windows through the model.
 */
export function createTranscribeStage(options: TranscribeStageOptions): TranscribeStage {
  return async (audio, context) => {
    const model = await options.getModel();
    context.provenance.speechToText = { provider: model.provider, modelId: model.modelId };
    const settings = transcribeSettings(options, model, context.metadata);
    const key = context.cache ? transcriptCacheKey(audio, settings) : undefined;
    const cached = key ? ((await context.cache?.get(key)) as Transcript | undefined) : undefined;
    if (cached) {
      context.provenance.transcriptCache = 'hit';
      if (cached.speechCoverage !== undefined) context.provenance.speechCoverage = cached.speechCoverage;
      return cached;
    }
    context.provenance.transcriptCache = context.cache ? 'miss' : 'off';
    const answeredBy = new Map<string, { provider: string; modelId: string }>();
    const transcribeOptions: TranscribeAudioOptions = {
      ...settings,
      signal: context.signal,
      onProgress: context.progress,
      logger: context.logger,
      onModelResult: (result) => {
        context.provenance.usage.hostedAudioSec += result.billedAudioSec ?? 0;
        const by = (result as { answeredBy?: { provider: string; modelId: string } }).answeredBy;
        if (by)
          answeredBy.set(`${by.provider}/${by.modelId}`, { provider: by.provider, modelId: by.modelId });
      },
    };
    let transcript: Transcript;
    if (options.longAudio && isLongAudio(audio.durationSec, options.longAudio)) {
      const chunked = await transcribeLongAudio(audio, {
        ...transcribeOptions,
        callId: context.callId,
        longAudio: options.longAudio,
        fingerprint: key ?? transcriptCacheKey(audio, settings),
      });
      transcript = chunked.transcript;
      context.provenance.transcription = chunked.report;
    } else {
      transcript = await transcribeAudio(audio, transcribeOptions);
    }
    // Behind withFallback, name the model that actually answered, when one model answered every window.
    const [only] = answeredBy.values();
    if (answeredBy.size === 1 && only) context.provenance.speechToText = only;
    if (transcript.speechCoverage !== undefined)
      context.provenance.speechCoverage = transcript.speechCoverage;
    if (key) await context.cache?.set(key, transcript);
    return transcript;
  };
}
