import type {
  Diarization,
  Role,
  Segment,
  SpeakerSegment,
  TimeSpan,
  Transcript,
  Word,
} from '@echolens/provider';
import type { Conversation, Speaker, SpeakerActivity } from '../schema/conversation.js';
import { inferRolesFromCues } from './roles.js';
import { type AttributedSegment, buildTurns } from './turns.js';

export interface BuildConversationOptions {
  callId: string;
  transcript: Transcript;
  /** Who spoke when. Without it, speakers come from channels (or the transcript's own `speaker` labels). */
  diarization?: Diarization;
  /** Role of each channel, e.g. `{ "0": "agent", "1": "customer" }` (from call metadata). */
  channelRoles?: Record<string, Role>;
  /** Channels in the recording (used when there is no diarization). */
  channelCount?: number;
  /** A pause longer than this starts a new turn of the same speaker (default 1.5 s). */
  maxTurnGapSec?: number;
}

const overlap = (a: TimeSpan, b: TimeSpan) =>
  Math.max(0, Math.min(a.endSec, b.endSec) - Math.max(a.startSec, b.startSec));

/** Seconds of `span` covered by each speaker's segments. */
function coverage(span: TimeSpan, segments: readonly SpeakerSegment[]): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const segment of segments) {
    if (segment.startSec >= span.endSec) break;
    const shared = overlap(span, segment);
    if (shared > 0) seconds.set(segment.speaker, (seconds.get(segment.speaker) ?? 0) + shared);
  }
  return seconds;
}

/** The speaker covering most of `span`; failing that, the nearest one within 1 s; else undefined. */
function speakerOf(span: TimeSpan, segments: readonly SpeakerSegment[]): string | undefined {
  let best: string | undefined;
  let bestSeconds = 0;
  for (const [speaker, seconds] of coverage(span, segments)) {
    if (seconds > bestSeconds) {
      best = speaker;
      bestSeconds = seconds;
    }
  }
  if (best) return best;
  let nearest: string | undefined;
  let nearestDistance = 1;
  for (const segment of segments) {
    const distance = Math.max(segment.startSec - span.endSec, span.startSec - segment.endSec);
    if (distance < nearestDistance) {
      nearest = segment.speaker;
      nearestDistance = distance;
    }
  }
  return nearest;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/** Share of words two texts have in common (Jaccard on word sets). */
function textSimilarity(a: string, b: string): number {
  const left = new Set(words(a));
  const right = new Set(words(b));
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared);
}

/** The time a segment's speech occupies: its words when timed, else the whole segment. */
function speechSpans(segment: Segment): TimeSpan[] {
  return segment.words?.length ? segment.words : [segment];
}

/**
 * On multi-channel audio the recogniser may also transcribe the other party's voice leaking into a
 * channel. Such a segment has little of its own channel's (bleed-cleaned) speech under it, or repeats
 * the words of an overlapping segment on another channel that is better supported; it is dropped.
 */
function dropBleedCopies(segments: readonly Segment[], diarization: Diarization): Segment[] {
  const support = (segment: Segment) => {
    const own = diarization.segments.filter((speech) => speech.channel === segment.channel);
    const spans = speechSpans(segment);
    const total = spans.reduce((sum, span) => sum + (span.endSec - span.startSec), 0);
    if (total <= 0) return 1;
    const covered = spans.reduce(
      (sum, span) => sum + own.reduce((inner, speech) => inner + overlap(span, speech), 0),
      0,
    );
    return covered / total;
  };
  const supports = segments.map(support);
  return segments.filter((segment, index) => {
    if (segment.channel === undefined) return true;
    const mine = supports[index]!;
    const otherChannelSpeech = diarization.segments.filter((speech) => speech.channel !== segment.channel);
    const coveredElsewhere =
      speechSpans(segment).reduce(
        (sum, span) => sum + otherChannelSpeech.reduce((inner, speech) => inner + overlap(span, speech), 0),
        0,
      ) /
      Math.max(
        1e-6,
        speechSpans(segment).reduce((sum, span) => sum + (span.endSec - span.startSec), 0),
      );
    if (mine < 0.2 && coveredElsewhere > 0.5) return false;
    return !segments.some(
      (other, otherIndex) =>
        other.channel !== undefined &&
        other.channel !== segment.channel &&
        overlap(segment, other) > 0 &&
        supports[otherIndex]! > mine &&
        textSimilarity(segment.text, other.text) >= 0.6,
    );
  });
}

/**
 * Splits a segment into runs of consecutive words that share a speaker, so one recogniser segment that
 * spans a turn change becomes two turns. Without word timings, the whole segment goes to the speaker
 * who covers most of it.
 */
function attributeSegment(
  segment: Segment,
  candidates: readonly SpeakerSegment[],
  fallback: string,
): AttributedSegment[] {
  const segmentSpeaker = speakerOf(segment, candidates) ?? fallback;
  if (!segment.words?.length) return [{ ...segment, speaker: segmentSpeaker }];
  const labels = segment.words.map((word) => speakerOf(word, candidates) ?? segmentSpeaker);
  // A lone word (under 0.3 s) between two runs of the same other speaker is a boundary wobble, not a turn.
  for (let i = 1; i + 1 < labels.length; i++) {
    const word = segment.words[i]!;
    if (labels[i - 1] === labels[i + 1] && labels[i] !== labels[i - 1] && word.endSec - word.startSec < 0.3)
      labels[i] = labels[i - 1]!;
  }
  const pieces: AttributedSegment[] = [];
  let start = 0;
  for (let i = 1; i <= segment.words.length; i++) {
    if (i < segment.words.length && labels[i] === labels[start]) continue;
    const run: Word[] = segment.words.slice(start, i).map((word) => ({ ...word, speaker: labels[start]! }));
    pieces.push({
      ...segment,
      id: pieces.length === 0 ? segment.id : `${segment.id}.${pieces.length}`,
      startSec: run[0]!.startSec,
      endSec: run.at(-1)!.endSec,
      text: run.map((word) => word.text.trim()).join(' '),
      words: run,
      speaker: labels[start]!,
    });
    start = i;
  }
  return pieces;
}

/**
 * Splits a speaker's segment where the floor changed hands inside it: where the middle of another
 * speaker's word lies in a pause between two of its words. A recogniser keeps a sentence whole across
 * a short pause on its channel, and the other party may have answered or asked something in that
 * pause; unsplit, that reply would be read after the whole sentence. Talk over this speaker's words (a
 * backchannel, both at once) does not split it.
 */
function splitAtFloorChanges(segments: readonly AttributedSegment[]): AttributedSegment[] {
  const spoken = segments
    .flatMap((segment) =>
      (segment.words ?? []).map((word) => ({
        speaker: word.speaker ?? segment.speaker,
        middle: (word.startSec + word.endSec) / 2,
      })),
    )
    .sort((a, b) => a.middle - b.middle);
  return segments.flatMap((segment) => {
    const words = segment.words ?? [];
    const others = spoken.filter(
      (word) =>
        word.speaker !== segment.speaker && word.middle > segment.startSec && word.middle < segment.endSec,
    );
    if (words.length < 2 || others.length === 0) return [segment];
    const cuts = words.flatMap((word, index) => {
      const next = words[index + 1];
      return next && others.some((other) => other.middle >= word.endSec && other.middle <= next.startSec)
        ? [index + 1]
        : [];
    });
    if (cuts.length === 0) return [segment];
    return [0, ...cuts].map((from, part) => {
      const run = words.slice(from, cuts[part] ?? words.length);
      return {
        ...segment,
        id: part === 0 ? segment.id : `${segment.id}.f${part}`,
        startSec: run[0]!.startSec,
        endSec: run.at(-1)!.endSec,
        text: run.map((word) => word.text.trim()).join(' '),
        words: run,
      };
    });
  });
}

/**
 * Builds the conversation: transcript words attributed to diarized speakers, grouped into turns, with
 * roles from channel metadata, else from what each speaker says (greetings, verification questions,
 * explaining policy vs. asking for help), else left unknown (`spk_N`). Speakers whose role is known are
 * renamed `agent` / `customer` when that name is unique.
 */
export function buildConversation(options: BuildConversationOptions): Conversation {
  const { transcript, diarization } = options;
  const channelCount = Math.max(1, options.channelCount ?? 1);
  let segments: Segment[] = transcript.segments;
  let speakers: Speaker[];
  let attributed: AttributedSegment[];

  if (diarization && diarization.speakers.length > 0) {
    const byChannel = diarization.speakers.some((speaker) => speaker.channel !== undefined);
    if (byChannel) segments = dropBleedCopies(segments, diarization);
    speakers = diarization.speakers.map((speaker) => ({
      id: speaker.id,
      role: 'unknown',
      ...(speaker.channel !== undefined ? { channel: speaker.channel } : {}),
    }));
    const fallback = [...diarization.speakers].sort((a, b) => b.speechSec - a.speechSec)[0]!.id;
    attributed = segments.flatMap((segment) => {
      const candidates =
        byChannel && segment.channel !== undefined
          ? diarization.segments.filter((speech) => speech.channel === segment.channel)
          : diarization.segments;
      const channelSpeaker = diarization.speakers.find((speaker) => speaker.channel === segment.channel)?.id;
      return attributeSegment(segment, candidates, channelSpeaker ?? fallback);
    });
  } else if (segments.some((segment) => segment.speaker)) {
    // The recogniser (e.g. a hosted API) already labelled speakers.
    const ids = [...new Set(segments.map((segment) => segment.speaker ?? 'spk_0'))];
    speakers = ids.map((id) =>
      id === 'agent' || id === 'customer'
        ? { id, role: id, roleConfidence: 1, roleSource: 'input' as const }
        : { id, role: 'unknown' as Role },
    );
    attributed = segments.map((segment) => ({ ...segment, speaker: segment.speaker ?? 'spk_0' }));
  } else {
    speakers = Array.from({ length: channelCount }, (_, channel) => ({
      id: `spk_${channel}`,
      role: 'unknown' as Role,
      ...(channelCount > 1 ? { channel } : {}),
    }));
    attributed = segments.map((segment) => ({
      ...segment,
      speaker: `spk_${Math.min(segment.channel ?? 0, channelCount - 1)}`,
    }));
  }

  attributed = splitAtFloorChanges(attributed);
  assignRoles(speakers, attributed, options.channelRoles);
  const rename = new Map<string, string>();
  for (const role of ['agent', 'customer'] as const) {
    const holders = speakers.filter((speaker) => speaker.role === role);
    if (holders.length === 1 && !speakers.some((speaker) => speaker.id === role))
      rename.set(holders[0]!.id, role);
  }
  for (const speaker of speakers) speaker.id = rename.get(speaker.id) ?? speaker.id;
  const renamed = attributed.map((segment) => ({
    ...segment,
    speaker: rename.get(segment.speaker) ?? segment.speaker,
    ...(segment.words
      ? {
          words: segment.words.map((word) => ({
            ...word,
            speaker: rename.get(word.speaker ?? segment.speaker) ?? word.speaker ?? segment.speaker,
          })),
        }
      : {}),
  }));

  return {
    callId: options.callId,
    language: transcript.language,
    durationSec: transcript.durationSec,
    speakers,
    turns: buildTurns(renamed, speakers, { maxGapSec: options.maxTurnGapSec ?? 1.5 }),
    ...(diarization && diarization.speakers.length > 0 ? { activity: activityOf(diarization, rename) } : {}),
  };
}

/**
 * The diarizer's speech segments under the conversation's speaker names: the voice heard on the audio,
 * kept apart from the turns because the recogniser may have found no words in some of it.
 */
function activityOf(diarization: Diarization, rename: ReadonlyMap<string, string>): SpeakerActivity[] {
  return diarization.segments
    .filter((segment) => segment.endSec > segment.startSec)
    .map((segment) => ({
      speaker: rename.get(segment.speaker) ?? segment.speaker,
      startSec: segment.startSec,
      endSec: segment.endSec,
    }))
    .sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);
}

function assignRoles(
  speakers: Speaker[],
  attributed: readonly AttributedSegment[],
  channelRoles: Record<string, Role> | undefined,
): void {
  for (const speaker of speakers) {
    const role = speaker.channel !== undefined ? channelRoles?.[String(speaker.channel)] : undefined;
    if (role && role !== 'unknown')
      Object.assign(speaker, { role, roleConfidence: 1, roleSource: 'metadata' });
  }
  if (speakers.every((speaker) => speaker.role !== 'unknown')) return;
  const guesses = inferRolesFromCues(attributed);
  const taken = new Set(speakers.map((speaker) => speaker.role));
  for (const speaker of speakers) {
    if (speaker.role !== 'unknown') continue;
    const guess = guesses.get(speaker.id);
    if (guess && guess.role !== 'unknown' && !taken.has(guess.role)) {
      Object.assign(speaker, { role: guess.role, roleConfidence: guess.confidence, roleSource: 'cues' });
      taken.add(guess.role);
    } else Object.assign(speaker, { roleConfidence: 0, roleSource: 'none' });
  }
}
