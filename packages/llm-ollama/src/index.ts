/**
 * @echolens/llm-ollama — EchoLens language models served by Ollama, locally by default.
 *
 * ```ts
 * import { ollama } from '@echolens/llm-ollama';
 * const model = ollama('llama3.2'); // OLLAMA_HOST or http://127.0.0.1:11434
 * ```
 * @packageDocumentation
 */
export {
  createOllama,
  type OllamaChatSettings,
  type OllamaProvider,
  type OllamaProviderSettings,
  ollama,
} from './provider.js';
