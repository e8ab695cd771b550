/**
 * A key-value store for expensive results (transcripts, LLM analyses). Keys are content hashes, so an
 * entry never goes stale: changed input, config or model gives a different key.
 */
export interface Cache {
  get(key: string): Promise<unknown | undefined>;
  set(key: string, value: unknown): Promise<void>;
}
