import type { Segment } from '@echolens/provider';
import type { Conversation, Turn } from '../schema/conversation.js';

/**
 * Results are stored and sent far more often than they are computed, so they are kept compact and
 * stable: times to the millisecond and scores to three digits (no `11.450000000000001`), and each
 * word stored once — on the conversation's turns, without repeating the turn's speaker — instead of
 * a second copy under the transcript's segments.
 */
export function roundNumbers<T>(value: T): T {
  if (typeof value === 'number') return roundNumber(value) as T;
  if (Array.isArray(value)) return value.map((item) => roundNumbers(item)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const rounded: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) rounded[key] = roundNumbers(item);
    return rounded as T;
  }
  return value;
}

/** Three decimals (milliseconds for times); three significant digits below 0.01 (tiny costs stay visible). */
function roundNumber(value: number): number {
  if (Number.isInteger(value) || !Number.isFinite(value)) return value;
  if (Math.abs(value) < 0.01) return Number(value.toPrecision(3));
  return Math.round(value * 1000) / 1000;
}

/** Turns without a word's speaker when it is the turn's own. */
export function compactConversation(conversation: Conversation): Conversation {
  return { ...conversation, turns: conversation.turns.map(compactTurn) };
}

function compactTurn(turn: Turn): Turn {
  if (!turn.words) return turn;
  return {
    ...turn,
    words: turn.words.map(({ speaker, ...word }) =>
      speaker === undefined || speaker === turn.speaker ? word : { ...word, speaker },
    ),
  };
}

/** Transcript segments without their words when the conversation's turns carry them. */
export function withoutWordsHeldByTurns<T extends { segments: Segment[] }>(
  transcript: T,
  conversation: Conversation,
): T {
  if (!conversation.turns.some((turn) => turn.words?.length)) return transcript;
  return { ...transcript, segments: transcript.segments.map(({ words: _words, ...segment }) => segment) };
}

/**
 * A result without word timings (segments and turns keep their text and times): what the CLI writes by
 * default, since words are most of a call's JSON and reports, transcripts and subtitles do not read them.
 */
export function withoutWordTimings<
  T extends { transcript?: { segments: Segment[] }; conversation: Conversation },
>(result: T): T {
  return {
    ...result,
    ...(result.transcript
      ? {
          transcript: {
            ...result.transcript,
            segments: result.transcript.segments.map(({ words: _words, ...segment }) => segment),
          },
        }
      : {}),
    conversation: {
      ...result.conversation,
      turns: result.conversation.turns.map(({ words: _words, ...turn }) => turn),
    },
  };
}
