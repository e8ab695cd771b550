import { describeLanguageModelConformance, groqChatWireFormat } from '@echolens/core/testing';
import { createGroq } from '@echolens/llm-groq';

describeLanguageModelConformance({
  name: '@echolens/llm-groq',
  createModel: (baseURL, apiKey) => createGroq({ baseURL, apiKey })('openai/gpt-oss-20b'),
  wireFormat: groqChatWireFormat,
});
