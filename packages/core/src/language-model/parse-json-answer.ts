export type ParsedAnswer = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Parses a model's answer as JSON. Models without a native JSON mode (and some with one) wrap the object in
 * a Markdown fence or a sentence; the first `{` to the last `}` is tried when the whole text is not JSON.
 */
export function parseJsonAnswer(text: string): ParsedAnswer {
  const trimmed = stripMarkdownFence(text.trim());
  if (!trimmed) return { ok: false, error: 'the answer is empty' };
  const whole = tryParse(trimmed);
  if (whole.ok) return whole;
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  if (start >= 0 && end > start && (start > 0 || end < trimmed.length - 1)) {
    const embedded = tryParse(trimmed.slice(start, end + 1));
    if (embedded.ok) return embedded;
  }
  return whole;
}

function stripMarkdownFence(text: string): string {
  const fenced = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/.exec(text);
  return fenced ? (fenced[1] ?? '').trim() : text;
}

function tryParse(text: string): ParsedAnswer {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
}
