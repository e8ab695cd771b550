import type { Logger } from '@echolens/provider';

/**
 * The CLI's logger: warnings and errors go to stderr, each distinct message once per run (a missing
 * model warns once, not once per call); debug and info only with `--verbose`. Lines pass through
 * `write` so the progress bar can clear itself first.
 */
export function createCliLogger(
  options: { verbose?: boolean; write?: (line: string) => void } = {},
): Logger & {
  /** Routes lines elsewhere (the progress reporter), e.g. while a bar is on screen. */
  setWriter(write: (line: string) => void): void;
} {
  let write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const seen = new Set<string>();
  const emit = (level: string, objectOrMessage: unknown, message?: string) => {
    const text = message ?? (typeof objectOrMessage === 'string' ? objectOrMessage : '');
    if (!text) return;
    const fields = typeof objectOrMessage === 'object' && objectOrMessage !== null ? objectOrMessage : {};
    const file = (fields as { file?: unknown }).file;
    const line = `${level}: ${text}${typeof file === 'string' && !text.includes(file) ? ` (${file})` : ''}`;
    if (seen.has(line)) return;
    seen.add(line);
    write(line);
  };
  return {
    debug: (objectOrMessage, message) => {
      if (options.verbose) emit('debug', objectOrMessage, message);
    },
    info: (objectOrMessage, message) => {
      if (options.verbose) emit('info', objectOrMessage, message);
    },
    warn: (objectOrMessage, message) => emit('warning', objectOrMessage, message),
    error: (objectOrMessage, message) => emit('error', objectOrMessage, message),
    setWriter(next) {
      write = next;
    },
  };
}
