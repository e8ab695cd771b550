import type { Role } from '../schema/common.js';
import type { Conversation } from '../schema/conversation.js';
import type { Transcript } from '../schema/transcript.js';
import { buildConversation } from './conversation.js';

export interface ChannelDiarizationOptions {
  callId: string;
  channelCount: number;
  /** e.g. `{ "0": "agent", "1": "customer" }`. */
  channelRoles?: Record<string, Role>;
}

/**
 * A conversation from the transcript alone: one speaker per channel (named by its role when metadata
 * gives one, else by conversation cues). For audio, prefer a `Diarizer` and `buildConversation`, which
 * also remove crosstalk and separate speakers on mono recordings.
 */
export function diarizeByChannel(transcript: Transcript, options: ChannelDiarizationOptions): Conversation {
  return buildConversation({
    callId: options.callId,
    transcript,
    channelCount: options.channelCount,
    ...(options.channelRoles ? { channelRoles: options.channelRoles } : {}),
  });
}
