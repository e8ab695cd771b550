import { describeLanguageModelConformance, ollamaChatWireFormat } from '@echolens/core/testing';
import { createOllama } from '@echolens/llm-ollama';

describeLanguageModelConformance({
  name: '@echolens/llm-ollama',
  // Ollama itself takes no key; behind an authenticating proxy it travels as a header.
  createModel: (baseURL, apiKey) =>
    createOllama({ baseURL: baseURL, headers: { Authorization: `Bearer ${apiKey}` } })('llama3.2'),
  wireFormat: ollamaChatWireFormat,
});
