import { createGroq } from '@ai-sdk/groq';
import { fromAISDK, fromAISDKTranscription } from '@echolens/ai-sdk';
import {
  describeLanguageModelConformance,
  describeSpeechToTextConformance,
  groqChatWireFormat,
  groqTranscriptionWireFormat,
  openAIChatWireFormat,
  openAITranscriptionWireFormat,
} from '@echolens/core/testing';
import { openAIResponsesWireFormat } from './openai-responses-wire-format.js';
import { openAIReleases } from './releases.js';

for (const { spec, createOpenAI: create } of openAIReleases) {
  describeLanguageModelConformance({
    name: `@echolens/ai-sdk with @ai-sdk/openai chat (${spec})`,
    createModel: (baseURL, apiKey) => fromAISDK(create({ baseURL, apiKey }).chat('gpt-4o-mini')),
    wireFormat: openAIChatWireFormat,
  });

  describeSpeechToTextConformance({
    name: `@echolens/ai-sdk with @ai-sdk/openai transcription (${spec})`,
    createModel: (baseURL, apiKey) =>
      fromAISDKTranscription(create({ baseURL, apiKey }).transcription('whisper-1')),
    wireFormat: openAITranscriptionWireFormat,
  });
}

describeLanguageModelConformance({
  name: '@echolens/ai-sdk with @ai-sdk/groq (v4)',
  // Groq's wire format is served at the origin, the AI SDK's Groq provider adds /openai/v1 to its base URL.
  createModel: (origin, apiKey) =>
    fromAISDK(createGroq({ baseURL: `${origin}/openai/v1`, apiKey })('openai/gpt-oss-20b')),
  wireFormat: groqChatWireFormat,
});

describeSpeechToTextConformance({
  name: '@echolens/ai-sdk with @ai-sdk/groq transcription (v4)',
  createModel: (baseURL, apiKey) =>
    fromAISDKTranscription(createGroq({ baseURL, apiKey }).transcription('whisper-large-v3'), {
      // Groq answers plain JSON (text only) unless asked for verbose_json.
      providerOptions: { groq: { responseFormat: 'verbose_json' } },
    }),
  wireFormat: groqTranscriptionWireFormat,
});

// `openai('…')` itself calls the Responses API (AI SDK 5 and later).
for (const { spec, createOpenAI: create } of openAIReleases) {
  describeLanguageModelConformance({
    name: `@echolens/ai-sdk with @ai-sdk/openai responses (${spec})`,
    createModel: (baseURL, apiKey) => fromAISDK(create({ baseURL, apiKey })('gpt-4o-mini')),
    wireFormat: openAIResponsesWireFormat,
  });
}
