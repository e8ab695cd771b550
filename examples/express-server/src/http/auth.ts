import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler, Response } from 'express';
import { HttpProblem } from './problem.js';

/** Name of the dashboard's session cookie (HttpOnly: page scripts never see it). */
export const SESSION_COOKIE = 'echolens_session';
const SESSION_TTL_MS = 12 * 3600 * 1000;

export interface ApiKeys {
  keys: string[];
  /** Set when this start generated the key: the caller prints it once. */
  generated?: { key: string; file: string };
  /** Where a generated key is kept. */
  file?: string;
}

/**
 * The API keys: `ECHOLENS_API_KEYS` when set; otherwise one key generated at first start into
 * `<data folder>/api-key` (readable by the owner only) and reused after. There is no unauthenticated mode.
 */
export function loadApiKeys(configured: string[] | undefined, dataDir: string): ApiKeys {
  if (configured && configured.length > 0) return { keys: configured };
  const file = join(dataDir, 'api-key');
  if (existsSync(file)) return { keys: [readFileSync(file, 'utf8').trim()], file };
  mkdirSync(dataDir, { recursive: true });
  const key = `elk_${randomBytes(24).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { keys: [key], generated: { key, file }, file };
}

const digest = (value: string) => createHash('sha256').update(value).digest();
/** Identifies a key in a session cookie without revealing it. */
const fingerprint = (key: string) => digest(`echolens-key:${key}`).toString('hex').slice(0, 16);

/** Checks API keys and dashboard sessions; constant-time comparisons throughout. */
export class Authenticator {
  private readonly digests: Buffer[];
  constructor(private readonly keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  /** The key given, if it is one of ours. */
  matchKey(candidate: string): string | undefined {
    const candidateDigest = digest(candidate);
    let found: string | undefined;
    this.digests.forEach((known, index) => {
      if (timingSafeEqual(known, candidateDigest)) found = this.keys[index];
    });
    return found;
  }

  /** A cookie value `<key fingerprint>.<expiry ms>.<HMAC with the key>`: stateless, dies with its key. */
  createSession(key: string, now = Date.now()): string {
    const payload = `${fingerprint(key)}.${now + SESSION_TTL_MS}`;
    return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
  }

  /** The key a session cookie was made with, when the cookie is genuine and not expired. */
  verifySession(cookie: string, now = Date.now()): string | undefined {
    const [print, expiry, signature] = cookie.split('.');
    if (!print || !expiry || !signature || Number(expiry) < now) return undefined;
    const key = this.keys.find((candidate) => fingerprint(candidate) === print);
    if (!key) return undefined;
    const expected = createHmac('sha256', key).update(`${print}.${expiry}`).digest();
    const given = Buffer.from(signature, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? key : undefined;
  }

  setSessionCookie(response: Response, key: string, secure: boolean): void {
    response.cookie(SESSION_COOKIE, this.createSession(key), {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge: SESSION_TTL_MS,
    });
  }

  /** Requires `Authorization: Bearer <key>` or a dashboard session cookie; records who called. */
  middleware(): RequestHandler {
    return (request, response, next) => {
      const header = request.get('authorization');
      let key: string | undefined;
      if (header) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        key = match ? this.matchKey(match[1] as string) : undefined;
      } else {
        const cookie = readCookie(request.get('cookie'), SESSION_COOKIE);
        key = cookie ? this.verifySession(cookie) : undefined;
      }
      if (!key) {
        response.set('WWW-Authenticate', 'Bearer realm="echolens"');
        next(
          new HttpProblem(
            401,
            'unauthorized',
            header ? 'the API key is not valid' : 'an API key is required (Authorization: Bearer <key>)',
          ),
        );
        return;
      }
      response.locals.caller = fingerprint(key);
      next();
    };
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [cookieName, ...value] = part.trim().split('=');
    if (cookieName === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
