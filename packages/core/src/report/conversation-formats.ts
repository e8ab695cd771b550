import type { Transcript } from '@echolens/provider';
import type { Conversation } from '../schema/conversation.js';
import { formatTranscript, type TranscriptFormat } from './transcript-formats.js';

export interface ConversationFormatOptions {
  /** Display names by speaker id, e.g. `{ agent: 'Agent (Dana)', spk_2: 'Supervisor' }`; default the id. */
  speakerNames?: Record<string, string>;
  /** Speech heard but not put into words (the transcript's `unintelligible`), shown in place. */
  unintelligible?: Transcript['unintelligible'];
}

/**
 * The conversation's turns as transcript segments labelled with their speaker, so every transcript
 * format (txt, SRT, WebVTT voice spans, JSON) shows who said what.
 */
export function conversationAsTranscript(
  conversation: Conversation,
  options: ConversationFormatOptions = {},
): Transcript {
  const lastEnd = Math.max(0, ...conversation.turns.map((turn) => turn.endSec ?? 0));
  return {
    language: conversation.language ?? 'und',
    durationSec: conversation.durationSec ?? lastEnd,
    segments: conversation.turns.map((turn) => ({
      id: turn.id,
      startSec: turn.startSec ?? 0,
      endSec: turn.endSec ?? turn.startSec ?? 0,
      text: turn.text,
      speaker: options.speakerNames?.[turn.speaker] ?? turn.speaker,
      ...(turn.channel !== undefined ? { channel: turn.channel } : {}),
      ...(turn.words ? { words: turn.words } : {}),
    })),
    ...(options.unintelligible?.length ? { unintelligible: options.unintelligible } : {}),
  };
}

/** A speaker-labelled transcript of the conversation in one of the transcript formats. */
export function formatConversation(
  conversation: Conversation,
  format: TranscriptFormat,
  options: ConversationFormatOptions = {},
): string {
  return formatTranscript(conversationAsTranscript(conversation, options), format);
}
