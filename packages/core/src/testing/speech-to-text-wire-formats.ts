import { WHISPER_LANGUAGES } from '@echolens/provider';
import type { WireError } from './language-model-wire-formats.js';
import { type DecodedPcmWav, readPcmWav } from './wav-reader.js';
import {
  formFile,
  formValues,
  type RecordedRequest,
  type WireHandler,
  type WireResponse,
} from './wire-server.js';

/** What the scripted speech-to-text service "heard", before a wire format puts it in a vendor's shape. */
export interface TranscriptionAnswer {
  /** ISO 639-1. */
  language: string;
  durationSec: number;
  segments: {
    startSec: number;
    endSec: number;
    text: string;
    averageLogProbability?: number;
    noSpeechProbability?: number;
    /** Temperature of the decode that gave the segment; 0 when absent. */
    temperature?: number;
  }[];
  words?: { startSec: number; endSec: number; text: string }[];
  /** Seconds the service bills; default `durationSec` rounded up. */
  billedSec?: number;
}

/** A transcription request as the service saw it. */
export interface SpeechToTextWireRequest {
  model?: string;
  language?: string;
  prompt?: string;
  responseFormat?: string;
  timestampGranularities: string[];
  /** The uploaded audio, decoded; undefined when none was uploaded. */
  audio?: DecodedPcmWav & { filename: string; contentType: string; byteLength: number };
}

/** How the conformance suite's local server speaks to one kind of speech-to-text adapter. */
export interface SpeechToTextWireFormat {
  name: string;
  path: string;
  baseURL(origin: string): string;
  transcription(answer: TranscriptionAnswer): WireHandler;
  error(error: WireError): WireResponse;
  readRequest(request: RecordedRequest): SpeechToTextWireRequest;
}

function readTranscriptionRequest(request: RecordedRequest): SpeechToTextWireRequest {
  const field = (name: string) => formValues(request, name)[0];
  const file = formFile(request, 'file');
  return {
    model: field('model'),
    language: field('language'),
    prompt: field('prompt'),
    responseFormat: field('response_format'),
    timestampGranularities: [
      ...formValues(request, 'timestamp_granularities[]'),
      ...formValues(request, 'timestamp_granularities'),
    ],
    audio: file && {
      ...readPcmWav(file.bytes),
      filename: file.filename,
      contentType: file.contentType,
      byteLength: file.bytes.byteLength,
    },
  };
}

/** OpenAI's `verbose_json` body; `languageName` renders the language the way the vendor does. */
function verboseJson(
  answer: TranscriptionAnswer,
  request: RecordedRequest,
  languageName: (code: string) => string,
) {
  const wantsWords = readTranscriptionRequest(request).timestampGranularities.includes('word');
  const body: Record<string, unknown> = {
    task: 'transcribe',
    language: languageName(answer.language),
    duration: answer.durationSec,
    text: answer.segments.map((segment) => segment.text.trim()).join(' '),
    segments: answer.segments.map((segment, id) => ({
      id,
      seek: Math.floor(segment.startSec * 100),
      start: segment.startSec,
      end: segment.endSec,
      text: ` ${segment.text.trim()}`,
      tokens: [50364, 634, 393, 50564],
      temperature: segment.temperature ?? 0,
      avg_logprob: segment.averageLogProbability ?? -0.25,
      compression_ratio: 1.18,
      no_speech_prob: segment.noSpeechProbability ?? 0.01,
    })),
  };
  if (wantsWords) {
    body.words = (answer.words ?? []).map((word) => ({
      word: word.text,
      start: word.startSec,
      end: word.endSec,
    }));
  }
  return body;
}

function openAIStyleError(error: WireError): WireResponse {
  return {
    status: error.status,
    headers: { ...error.headers },
    body: {
      error: {
        message: error.message,
        type: error.status >= 500 ? 'server_error' : 'invalid_request_error',
        param: null,
        code: error.status === 429 ? 'rate_limit_exceeded' : null,
      },
    },
  };
}

/** OpenAI `/v1/audio/transcriptions` (whisper-1) with `response_format: verbose_json`. */
export const openAITranscriptionWireFormat: SpeechToTextWireFormat = {
  name: 'openai-audio-transcriptions',
  path: '/v1/audio/transcriptions',
  baseURL: (origin) => `${origin}/v1`,
  transcription: (answer) => (request) => {
    const body = verboseJson(answer, request, (code) => WHISPER_LANGUAGES[code] ?? code);
    body.usage = { type: 'duration', seconds: answer.billedSec ?? Math.ceil(answer.durationSec) };
    return { body };
  },
  error: openAIStyleError,
  readRequest: readTranscriptionRequest,
};

/** Groq `/openai/v1/audio/transcriptions` (whisper-large-v3): capitalised language names and `x_groq`. */
export const groqTranscriptionWireFormat: SpeechToTextWireFormat = {
  name: 'groq-audio-transcriptions',
  path: '/openai/v1/audio/transcriptions',
  baseURL: (origin) => `${origin}/openai/v1`,
  transcription: (answer) => (request) => {
    const body = verboseJson(answer, request, (code) => {
      const name = WHISPER_LANGUAGES[code] ?? code;
      return name.charAt(0).toUpperCase() + name.slice(1);
    });
    body.x_groq = { id: 'req_echolens_transcription' };
    return { body };
  },
  error: openAIStyleError,
  readRequest: readTranscriptionRequest,
};
