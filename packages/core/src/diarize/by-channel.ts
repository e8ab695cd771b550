import type { Role } from '../schema/common.js';
import type { Conversation, Speaker } from '../schema/conversation.js';
import type { Transcript } from '../schema/transcript.js';
import { type AttributedSegment, buildTurns } from './turns.js';

export interface ChannelDiarizationOptions {
  callId: string;
  channelCount: number;
  /** e.g. `{ "0": "agent", "1": "customer" }`. */
  channelRoles?: Record<string, Role>;
}

/**
 * Multi-channel recordings: one speaker per channel, named by its role when metadata gives one.
 * Mono recordings: one speaker of unknown role (`spk_0`); real mono diarization replaces this.
 */
export function diarizeByChannel(transcript: Transcript, options: ChannelDiarizationOptions): Conversation {
  const channels = Math.max(1, options.channelCount);
  const speakers: Speaker[] = [];
  for (let channel = 0; channel < channels; channel++) {
    const role = options.channelRoles?.[String(channel)] ?? 'unknown';
    const roleTaken = speakers.some((speaker) => speaker.id === role);
    const id = role !== 'unknown' && !roleTaken ? role : `spk_${channel}`;
    speakers.push({
      id,
      role,
      ...(channels > 1 ? { channel } : {}),
      roleConfidence: role === 'unknown' ? 0 : 1,
      roleSource: role === 'unknown' ? 'none' : 'metadata',
    });
  }

  const segments: AttributedSegment[] = transcript.segments.map((segment) => {
    const speaker = speakers[Math.min(segment.channel ?? 0, channels - 1)] as Speaker;
    return { ...segment, speaker: speaker.id };
  });
  return {
    callId: options.callId,
    language: transcript.language,
    durationSec: transcript.durationSec,
    speakers,
    turns: buildTurns(segments, speakers),
  };
}
