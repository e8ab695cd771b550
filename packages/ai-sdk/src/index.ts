/**
 * @echolens/ai-sdk — any Vercel AI SDK model as an EchoLens backend: a language model (LanguageModelV2, V3
 * or V4) becomes an EchoLens `LanguageModel`, a transcription model (TranscriptionModelV2, V3 or V4) an
 * EchoLens `SpeechToTextModel`.
 *
 * ```ts
 * import { openai } from '@ai-sdk/openai';
 * import { fromAISDK, fromAISDKTranscription } from '@echolens/ai-sdk';
 * const languageModel = fromAISDK(openai('gpt-4o-mini'));
 * const speechToText = fromAISDKTranscription(openai.transcription('whisper-1'));
 * ```
 * @packageDocumentation
 */

export type { AISDKModelSettings, AISDKProviderOptions } from './adapter.js';
export { type AISDKErrorContext, mapAISDKError } from './errors.js';
export { type AISDKLanguageModel, type AISDKLanguageModelSettings, fromAISDK } from './language-model.js';
export {
  type AISDKTranscriptionModel,
  type AISDKTranscriptionSettings,
  fromAISDKTranscription,
} from './transcription-model.js';
