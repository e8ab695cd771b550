import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CACHE_HOME/echolens` or `~/.cache/echolens`: results cache and downloaded models live here. */
export function defaultCacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'echolens');
}

/**
 * Where local models are looked up: an explicit option, else `ECHOLENS_MODELS_DIR`, else
 * `<cache root>/models`. `explicit` is true when the user pointed somewhere on purpose, which turns
 * remote downloads off (a configured models folder means "offline, use these").
 */
export function resolveModelsDir(option?: string): { dir: string; explicit: boolean } {
  if (option) return { dir: option, explicit: true };
  if (process.env.ECHOLENS_MODELS_DIR) return { dir: process.env.ECHOLENS_MODELS_DIR, explicit: true };
  return { dir: join(defaultCacheRoot(), 'models'), explicit: false };
}
