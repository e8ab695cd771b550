import { describeLanguageModelConformance, openAIChatWireFormat } from '@echolens/core/testing';
import { createOpenAI } from '@echolens/llm-openai';

describeLanguageModelConformance({
  name: '@echolens/llm-openai',
  createModel: (baseURL, apiKey) => createOpenAI({ baseURL, apiKey })('gpt-4o-mini'),
  wireFormat: openAIChatWireFormat,
});
