import type { SpeechToTextSegment, SpeechToTextWord } from '@echolens/provider';
import type { DecodedWindow } from './decode-window.js';
import type { WhisperSpecialTokens, WhisperTokenizerLike } from './load-whisper.js';

const SECONDS_PER_TIMESTAMP = 0.02;
/** Tokenizer word splitting needs a language name only to know which scripts have no spaces. */
const LANGUAGES_WITHOUT_SPACES: Record<string, string> = {
  zh: 'chinese',
  ja: 'japanese',
  th: 'thai',
  lo: 'lao',
  my: 'myanmar',
  yue: 'chinese',
};

export interface ParsedWindow {
  /** Segments closed by a timestamp token, times relative to the window start. */
  segments: SpeechToTextSegment[];
  /**
   * Text after the last closing timestamp: the model stopped (or ran out of tokens) mid-segment.
   * `startSec` is known, `endSec` is the last word's end or undefined.
   */
  openTail: (Omit<SpeechToTextSegment, 'endSec'> & { endSec: number | undefined }) | undefined;
  /** End of the last closed segment, seconds from the window start. */
  lastClosedEndSec: number | undefined;
}

interface PendingSegment {
  startSec: number;
  /** Positions in the window's token list of the segment's text tokens. */
  positions: number[];
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Groups text tokens into words (the tokenizer's own splitting, punctuation attached) and times each
 * word from its first token's start to the end of its last token that holds a letter or digit:
 * punctuation gets no duration of its own, so a pause after "country." does not stretch the word.
 * Word times come from the alignment alone, not from the segment's timestamp tokens, which are
 * coarser (tiny often puts them on whole seconds).
 */
function wordsOf(
  window: DecodedWindow,
  positions: number[],
  windowSec: number,
  tokenizer: WhisperTokenizerLike,
  languageName: string,
): SpeechToTextWord[] {
  const spans = window.tokenSpans;
  if (!spans || positions.length === 0) return [];
  const ids = positions.map((position) => window.tokens[position] as number);
  const [words, , indices] = tokenizer.combineTokensIntoWords(ids, languageName);
  const result: SpeechToTextWord[] = [];
  /** Tokens behind each word of `result`, so a merged word's confidence averages all of them. */
  const tokenCounts: number[] = [];
  const spaced = languageName === 'english';
  for (let w = 0; w < words.length; w++) {
    const wordIndices = indices[w] ?? [];
    const raw = words[w] ?? '';
    const text = raw.trim();
    if (!text || wordIndices.length === 0) continue;
    const spoken = wordIndices.filter((index) =>
      /[\p{L}\p{N}]/u.test(tokenizer.decode([ids[index] as number], { skip_special_tokens: true })),
    );
    const first = positions[(spoken[0] ?? wordIndices[0]) as number] as number;
    const last = positions[(spoken.at(-1) ?? wordIndices.at(-1)) as number] as number;
    const start = Math.min(Math.max(spans[first]?.startSec ?? 0, 0), windowSec);
    const end = Math.min(Math.max(spans[last]?.endSec ?? start, start), windowSec);
    const probabilities = wordIndices.map((index) =>
      Math.exp(window.logProbabilities[positions[index] as number] ?? 0),
    );
    const previous = result.at(-1);
    // The tokenizer splits at hyphens ("Mm", "-hmm."): in a script with spaces, a word written without
    // one before it belongs to the word before, so "Mm-hmm." and "real-time" stay whole, as written.
    if (spaced && previous && !/^\s/.test(raw)) {
      const count = tokenCounts.at(-1) ?? 1;
      previous.text += text;
      previous.endSec = round(Math.max(previous.endSec, end));
      previous.confidence =
        ((previous.confidence ?? 0) * count + mean(probabilities) * probabilities.length) /
        (count + probabilities.length);
      tokenCounts[tokenCounts.length - 1] = count + probabilities.length;
      continue;
    }
    result.push({ startSec: round(start), endSec: round(end), text, confidence: mean(probabilities) });
    tokenCounts.push(probabilities.length);
  }
  return result;
}

/**
 * Turns one window's tokens into segments: `<|t0|> text <|t1|>` is a segment; two timestamps in a
 * row separate segments. Each segment carries the mean log-probability of its text tokens and its
 * closing timestamp, and the window's no-speech probability.
 */
export function segmentsFromTokens(
  window: DecodedWindow,
  tokenizer: WhisperTokenizerLike,
  tokens: WhisperSpecialTokens,
  windowSec: number,
): ParsedWindow {
  const languageName = LANGUAGES_WITHOUT_SPACES[window.language ?? ''] ?? 'english';
  const segments: SpeechToTextSegment[] = [];
  let pending: PendingSegment | undefined;
  let lastClosedEndSec: number | undefined;

  const build = (segment: PendingSegment, endSec: number, closingPosition: number | undefined) => {
    const scored =
      closingPosition === undefined ? segment.positions : [...segment.positions, closingPosition];
    const bounds = { startSec: Math.min(segment.startSec, endSec), endSec };
    const words = wordsOf(window, segment.positions, windowSec, tokenizer, languageName);
    // With word timings the segment spans its words, as in Whisper's own word-timestamp mode: the
    // timestamp tokens are coarser and often open a segment before speech starts.
    const first = words[0];
    const last = words.at(-1);
    return {
      startSec: round(first ? first.startSec : bounds.startSec),
      endSec: round(last ? Math.max(last.endSec, first?.startSec ?? 0) : endSec),
      text: tokenizer
        .decode(
          segment.positions.map((position) => window.tokens[position] as number),
          { skip_special_tokens: true },
        )
        .trim(),
      ...(window.tokenSpans ? { words } : {}),
      averageLogProbability: mean(scored.map((position) => window.logProbabilities[position] ?? 0)),
      ...(window.noSpeechProbability === undefined
        ? {}
        : { noSpeechProbability: window.noSpeechProbability }),
      temperature: window.temperature,
    };
  };

  for (let position = 0; position < window.tokens.length; position++) {
    const token = window.tokens[position] as number;
    if (token === tokens.endOfText) break;
    if (token >= tokens.timestampBegin) {
      const seconds = Math.min((token - tokens.timestampBegin) * SECONDS_PER_TIMESTAMP, windowSec);
      if (pending && pending.positions.length > 0) {
        const closedAt = Math.max(seconds, pending.startSec);
        const segment = build(pending, closedAt, position);
        if (segment.text) segments.push(segment);
        lastClosedEndSec = closedAt;
        pending = undefined;
      } else {
        // An opening timestamp, or the second of a pair: either way the next segment starts here.
        pending = { startSec: seconds, positions: [] };
      }
    } else if (token < tokens.endOfText) {
      pending ??= { startSec: lastClosedEndSec ?? 0, positions: [] };
      pending.positions.push(position);
    }
  }

  let openTail: ParsedWindow['openTail'];
  if (pending && pending.positions.length > 0) {
    const provisional = build(pending, windowSec, undefined);
    const lastWordEnd = provisional.words?.at(-1)?.endSec;
    openTail = provisional.text ? { ...provisional, endSec: lastWordEnd } : undefined;
  }
  return { segments, openTail, lastClosedEndSec };
}
