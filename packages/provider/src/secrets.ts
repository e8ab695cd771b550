/**
 * The one place credentials are scrubbed. Every API key an adapter loads (`loadApiKey`,
 * `loadOptionalApiKey`) or declares (`registerSecrets`) is remembered for the life of the process, and
 * every EchoLens error message, API response body kept on an error, model answer and `describeError`
 * view passes through `scrubSecrets`. So an echoed key cannot reach a log, a result's `degraded` reason
 * or the CLI's stderr by a path nobody thought to scrub: servers and proxies do echo credentials
 * ("Incorrect API key provided: sk-…"), in error bodies, in 200 bodies and in connection errors.
 */

const REDACTED = '[REDACTED]';
/** Very short "secrets" (a placeholder such as "x" or "no-key") would shred ordinary words. */
const MIN_SECRET_LENGTH = 6;
const AUTH_SCHEME = /^(Bearer|Basic|Token)\s+/i;
/** Anything sent as a bearer or basic credential, registered or not. */
const AUTH_HEADER_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
/** Header names whose values are credentials (for adapters that take free-form headers). */
const SECRET_HEADER = /authorization|api[-_]?key|token|secret|password|cookie|signature/i;

const registered = new Set<string>();

/** The credential inside a header value (`Bearer sk-…` → `sk-…`), and the value itself. */
function variantsOf(secret: string): string[] {
  const trimmed = secret.trim();
  const credential = trimmed.replace(AUTH_SCHEME, '');
  return [...new Set([trimmed, credential])].filter((text) => text.length >= MIN_SECRET_LENGTH);
}

/**
 * Remembers credentials so that everything EchoLens reports scrubs them from now on. `loadApiKey` calls
 * this for you; call it for credentials given some other way (custom headers, signed URLs).
 */
export function registerSecrets(...secrets: readonly (string | undefined | null)[]): void {
  for (const secret of secrets) {
    if (typeof secret !== 'string') continue;
    for (const variant of variantsOf(secret)) registered.add(variant);
  }
}

/** The values of headers that carry credentials (`Authorization`, `X-Api-Key`, `*-Token`, …). */
export function secretHeaderValues(headers: Record<string, string | undefined> | undefined): string[] {
  return Object.entries(headers ?? {})
    .filter(([name, value]) => SECRET_HEADER.test(name) && typeof value === 'string')
    .map(([, value]) => value as string);
}

/**
 * Replaces every registered secret, each of `secrets`, and anything sent as a bearer token, with
 * `[REDACTED]`.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined | null)[] = []): string {
  let redacted = text;
  const given = secrets.flatMap((secret) => (typeof secret === 'string' ? variantsOf(secret) : []));
  // Longest first, so a key that contains another registered value is removed whole.
  const all = [...new Set([...registered, ...given])].sort((a, b) => b.length - a.length);
  for (const secret of all) {
    if (redacted.includes(secret)) redacted = redacted.split(secret).join(REDACTED);
  }
  return redacted.replace(AUTH_HEADER_VALUE, `$1 ${REDACTED}`);
}

/** `redactSecrets` with the registered secrets only: what every error and answer passes through. */
export function scrubSecrets(text: string): string {
  return redactSecrets(text);
}
