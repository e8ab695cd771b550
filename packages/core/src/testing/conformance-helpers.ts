import { randomBytes } from 'node:crypto';
import { startWireServer, type WireServer } from './wire-server.js';

/** A credential that looks like a real one and appears nowhere else, so any leak of it is detectable. */
export function createTestApiKey(): string {
  return `sk-echolens-conformance-${randomBytes(18).toString('hex')}`;
}

/**
 * Everything an error could show a user or a log: message, stack, serialised fields, the response body,
 * the URL, and the same for every `cause` down the chain.
 */
export function errorExposure(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '');
      const record = current as unknown as Record<string, unknown>;
      for (const key of Object.keys(record)) parts.push(safeStringify(record[key]));
      const toJSON = (current as { toJSON?: () => unknown }).toJSON;
      if (typeof toJSON === 'function') parts.push(safeStringify(toJSON.call(current)));
      current = current.cause;
    } else {
      parts.push(safeStringify(current));
      current = undefined;
    }
  }
  return parts.join('\n');
}

function safeStringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Runs `task` and returns what it threw; fails loudly if it resolved. */
export async function captureError(task: () => Promise<unknown>): Promise<unknown> {
  try {
    await task();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The origin of a loopback port that was just freed: connecting to it is refused. */
export async function unreachableOrigin(): Promise<string> {
  const server: WireServer = await startWireServer();
  const { origin } = server;
  await server.close();
  return origin;
}
