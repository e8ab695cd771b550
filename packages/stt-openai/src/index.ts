/**
 * @echolens/stt-openai — EchoLens speech-to-text over OpenAI-compatible transcription APIs: OpenAI
 * `whisper-1`, Groq `whisper-large-v3`, self-hosted Whisper servers.
 *
 * ```ts
 * import { createOpenAITranscription } from '@echolens/stt-openai';
 * const groqWhisper = createOpenAITranscription({ baseURL: 'https://api.groq.com/openai/v1' });
 * ```
 * @packageDocumentation
 */

/** Moved to `@echolens/provider`; re-exported so existing imports keep working. */
export { encodePcm16Wav } from '@echolens/provider';
export {
  createOpenAITranscription,
  type OpenAITranscriptionSettings,
  openAITranscription,
} from './transcription-model.js';
