/** Objects and arrays of plain values whose one-line form is at most this long stay on one line. */
const INLINE_WIDTH = 110;

/**
 * JSON for files people open: indented like `JSON.stringify(value, null, 2)`, but a small object or
 * array of plain values (a word with its times, a time span, a list of ids) stays on one line. A call's
 * words then take a line each instead of seven, which keeps result files readable and small.
 */
export function formatJson(value: unknown): string {
  return `${format(value, '')}\n`;
}

function format(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const json = value as { toJSON?: () => unknown };
  if (typeof json.toJSON === 'function') return format(json.toJSON(), indent);
  const entries = Array.isArray(value)
    ? value.map((item) => [undefined, item] as const)
    : Object.entries(value).filter(([, item]) => item !== undefined && typeof item !== 'function');
  if (entries.length === 0) return Array.isArray(value) ? '[]' : '{}';
  const flat = entries.every(([, item]) => item === null || typeof item !== 'object');
  if (flat) {
    const parts = entries.map(([key, item]) =>
      key === undefined ? JSON.stringify(item) : `${JSON.stringify(key)}: ${JSON.stringify(item)}`,
    );
    const inline = Array.isArray(value) ? `[${parts.join(', ')}]` : `{ ${parts.join(', ')} }`;
    if (inline.length <= INLINE_WIDTH) return inline;
  }
  const inner = `${indent}  `;
  const lines = entries.map(([key, item]) =>
    key === undefined
      ? `${inner}${format(item, inner)}`
      : `${inner}${JSON.stringify(key)}: ${format(item, inner)}`,
  );
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}
