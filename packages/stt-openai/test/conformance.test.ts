import {
  describeSpeechToTextConformance,
  groqTranscriptionWireFormat,
  openAITranscriptionWireFormat,
} from '@echolens/core/testing';
import { createOpenAITranscription } from '@echolens/stt-openai';

describeSpeechToTextConformance({
  name: '@echolens/stt-openai (OpenAI whisper-1)',
  createModel: (baseURL, apiKey) => createOpenAITranscription({ baseURL, apiKey }),
  wireFormat: openAITranscriptionWireFormat,
});

describeSpeechToTextConformance({
  name: '@echolens/stt-openai (Groq whisper-large-v3)',
  createModel: (baseURL, apiKey) => createOpenAITranscription({ baseURL, apiKey, model: 'whisper-large-v3' }),
  wireFormat: groqTranscriptionWireFormat,
});
