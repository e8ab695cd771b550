import type { TimeSpan } from '@echolens/provider';
import { throwIfAborted } from '@echolens/provider';
import type { PcmReader } from '../../audio/types.js';
import type { Conversation, Turn } from '../../schema/conversation.js';
import type { CallMetrics, LoudnessTimeline, ResponseLatency, SpeakerMetrics } from '../../schema/metrics.js';
import {
  gapsBetween,
  intersectSpans,
  mergeSpans,
  multiSpeakerSpans,
  totalSeconds,
} from '../../util/intervals.js';

const round = (value: number, digits = 3) => Number(value.toFixed(digits));
const roundSpan = (span: TimeSpan): TimeSpan => ({
  startSec: round(span.startSec),
  endSec: round(span.endSec),
});

export interface CallMetricsOptions {
  /** Gaps in the talk at least this long are listed as non-talk instances (default 2 s). */
  nonTalkThresholdSec?: number;
  /** Silence on every channel at least this long is hold / dead air (default 5 s). */
  deadAirThresholdSec?: number;
  /**
   * A turn (or stretch of voice activity) shorter than this that starts while someone talks is a
   * backchannel ("mm-hm", "right"), not an interruption (default 1 s).
   */
  minInterruptionSec?: number;
  /**
   * VAD speech regions per channel; dead air is measured on them (with the conversation's voice
   * activity, when it has one) instead of the turns when given.
   */
  speech?: readonly (readonly TimeSpan[])[];
  /** Loudness timeline from `measureLoudness`, copied into the result. */
  loudness?: LoudnessTimeline;
}

/** Spans the turn's words occupy: word timings when present (tighter), else the turn. */
function talkSpans(turn: Turn): TimeSpan[] {
  if (turn.words && turn.words.length > 0)
    return turn.words.map((word) => ({ startSec: word.startSec, endSec: word.endSec }));
  if (turn.startSec === undefined || turn.endSec === undefined) return [];
  return [{ startSec: turn.startSec, endSec: turn.endSec }];
}

function wordCount(turn: Turn): number {
  if (turn.words && turn.words.length > 0) return turn.words.length;
  return turn.text.split(/\s+/).filter(Boolean).length;
}

const isTimed = (turn: Turn): turn is Turn & { startSec: number; endSec: number } =>
  turn.startSec !== undefined && turn.endSec !== undefined;

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Gaps from the end of a turn to the start of the next speaker's reply. */
function responseLatency(turns: readonly Turn[]): ResponseLatency | undefined {
  const timed = turns.filter(isTimed).sort((a, b) => a.startSec - b.startSec);
  const rolesKnown =
    timed.some((turn) => turn.role === 'agent') && timed.some((turn) => turn.role === 'customer');
  const gaps: number[] = [];
  for (let i = 1; i < timed.length; i++) {
    const previous = timed[i - 1]!;
    const reply = timed[i]!;
    if (reply.speaker === previous.speaker) continue;
    if (rolesKnown && !(previous.role === 'customer' && reply.role === 'agent')) continue;
    gaps.push(Math.max(0, reply.startSec - previous.endSec));
  }
  if (gaps.length === 0) return undefined;
  gaps.sort((a, b) => a - b);
  return {
    basis: rolesKnown ? 'agent-after-customer' : 'speaker-change',
    count: gaps.length,
    medianSec: round(median(gaps)),
    p90Sec: round(gaps[Math.ceil(0.9 * gaps.length) - 1]!),
  };
}

/** A stretch of one speaker's talk that may interrupt someone: a timed turn, or a span of voice activity. */
interface TalkStart {
  speaker: string;
  startSec: number;
  endSec: number;
}

/** One interruption: who started talking over whom, and when. */
export interface InterruptionEvent {
  interrupter: string;
  interrupted: string;
  atSec: number;
}

/**
 * Who interrupted whom, when: a stretch of talk of at least `minimumSec` that starts while another
 * speaker is talking (inside one of their talk spans) interrupts that speaker.
 */
function interruptionEvents(
  starts: readonly TalkStart[],
  spansBySpeaker: ReadonlyMap<string, readonly TimeSpan[]>,
  minimumSec: number,
): InterruptionEvent[] {
  const events: InterruptionEvent[] = [];
  for (const start of starts) {
    if (start.endSec - start.startSec < minimumSec) continue;
    for (const [speaker, spans] of spansBySpeaker) {
      if (speaker === start.speaker) continue;
      if (!spans.some((span) => span.startSec < start.startSec && start.startSec < span.endSec)) continue;
      events.push({ interrupter: start.speaker, interrupted: speaker, atSec: round(start.startSec) });
      break;
    }
  }
  return events;
}

function interruptions(
  starts: readonly TalkStart[],
  spansBySpeaker: ReadonlyMap<string, readonly TimeSpan[]>,
  minimumSec: number,
) {
  const pairs = new Map<string, { interrupter: string; interrupted: string; count: number }>();
  for (const { interrupter, interrupted } of interruptionEvents(starts, spansBySpeaker, minimumSec)) {
    const key = `${interrupter}\u0000${interrupted}`;
    const pair = pairs.get(key) ?? { interrupter, interrupted, count: 0 };
    pair.count++;
    pairs.set(key, pair);
  }
  return [...pairs.values()].sort((a, b) => b.count - a.count || a.interrupter.localeCompare(b.interrupter));
}

/** Each speaker's voice activity, merged; `undefined` when the conversation carries none. */
function activityBySpeaker(conversation: Conversation): Map<string, TimeSpan[]> | undefined {
  if (!conversation.activity) return undefined;
  const spans = new Map<string, TimeSpan[]>();
  for (const segment of conversation.activity) {
    const list = spans.get(segment.speaker) ?? [];
    list.push({ startSec: segment.startSec, endSec: segment.endSec });
    spans.set(segment.speaker, list);
  }
  return new Map([...spans].map(([speaker, list]) => [speaker, mergeSpans(list)]));
}

/**
 * Talk time and ratio, non-talk and dead air, overlap, interruptions, talk speed, response latency and
 * monologues. Deterministic. Who talks when comes from the conversation's voice `activity` (measured on
 * the audio by the diarizer) when it has one, else from turn and word timings (text dialogues,
 * user-supplied stages); turn counts, response latency and monologues always come from the turns.
 * Text-only conversations (no timings) get word and turn counts and zero times.
 */
export function computeCallMetrics(
  conversation: Conversation,
  options: CallMetricsOptions = {},
): CallMetrics {
  const bySpeaker = new Map<
    string,
    { wordSpans: TimeSpan[]; words: number; turns: number; role: Turn['role']; longest: number }
  >();
  const entryOf = (speaker: string, role: Turn['role']) => {
    const entry = bySpeaker.get(speaker) ?? { wordSpans: [], words: 0, turns: 0, role, longest: 0 };
    bySpeaker.set(speaker, entry);
    return entry;
  };
  for (const speaker of conversation.speakers) entryOf(speaker.id, speaker.role);
  let longestMonologue: CallMetrics['longestMonologue'];
  for (const turn of conversation.turns) {
    const entry = entryOf(turn.speaker, turn.role);
    entry.wordSpans.push(...talkSpans(turn));
    entry.words += wordCount(turn);
    entry.turns += 1;
    if (isTimed(turn)) {
      const duration = turn.endSec - turn.startSec;
      entry.longest = Math.max(entry.longest, duration);
      if (!longestMonologue || duration > longestMonologue.durationSec)
        longestMonologue = {
          speaker: turn.speaker,
          startSec: round(turn.startSec),
          durationSec: round(duration),
        };
    }
  }
  const activity = activityBySpeaker(conversation);
  for (const speaker of activity?.keys() ?? []) entryOf(speaker, 'unknown');
  const wordSpansBySpeaker = new Map(
    [...bySpeaker].map(([speaker, entry]) => [speaker, mergeSpans(entry.wordSpans)]),
  );
  // Talk is voice heard on the audio when the conversation carries it; words only stand in without it.
  const talkBySpeaker = new Map(
    [...bySpeaker.keys()].map((speaker) => [
      speaker,
      activity ? (activity.get(speaker) ?? []) : wordSpansBySpeaker.get(speaker)!,
    ]),
  );
  const talkStarts: TalkStart[] = activity
    ? [...activity].flatMap(([speaker, spans]) => spans.map((span) => ({ speaker, ...span })))
    : conversation.turns.filter(isTimed);

  const allTalk = mergeSpans([...talkBySpeaker.values()].flat());
  const talkTimeSec = totalSeconds(allTalk);
  const lastSpeech = allTalk.at(-1)?.endSec ?? 0;
  const durationSec = Math.max(conversation.durationSec ?? lastSpeech, lastSpeech);
  const sumOfSpeakerTalk = [...talkBySpeaker.values()].reduce((sum, spans) => sum + totalSeconds(spans), 0);
  const overlap = multiSpeakerSpans([...talkBySpeaker.values()]);
  const pairs = interruptions(talkStarts, talkBySpeaker, options.minInterruptionSec ?? 1);

  const speakers: SpeakerMetrics[] = [...bySpeaker.entries()].map(([speaker, entry]) => {
    const own = talkBySpeaker.get(speaker)!;
    const seconds = totalSeconds(own);
    const others = mergeSpans(
      [...talkBySpeaker].filter(([other]) => other !== speaker).flatMap(([, spans]) => spans),
    );
    // Words per minute: the speaker's words over the time those words span (word timings, else turn
    // spans), not over their voice activity, so voice the recogniser found no words in does not slow them.
    const wordSeconds = totalSeconds(wordSpansBySpeaker.get(speaker)!);
    return {
      speaker,
      role: entry.role,
      talkTimeSec: round(seconds),
      talkRatio: sumOfSpeakerTalk > 0 ? round(seconds / sumOfSpeakerTalk, 4) : 0,
      turnCount: entry.turns,
      wordCount: entry.words,
      wordsPerMinute: wordSeconds > 0 ? round(entry.words / (wordSeconds / 60), 1) : 0,
      overlapSec: round(totalSeconds(intersectSpans(own, others))),
      interruptionsMade: pairs
        .filter((pair) => pair.interrupter === speaker)
        .reduce((sum, pair) => sum + pair.count, 0),
      interruptionsReceived: pairs
        .filter((pair) => pair.interrupted === speaker)
        .reduce((sum, pair) => sum + pair.count, 0),
      longestMonologueSec: round(entry.longest),
    };
  });

  const nonTalkThreshold = options.nonTalkThresholdSec ?? 2;
  const nonTalkGaps = gapsBetween(allTalk, nonTalkThreshold);
  const deadAirThreshold = options.deadAirThresholdSec ?? 5;
  // Dead air is silence on every channel: no voice found by any detector (VAD regions, voice activity).
  const heardOnAudio = options.speech !== undefined || activity !== undefined;
  const speechForDeadAir = heardOnAudio
    ? mergeSpans([...(options.speech?.flat() ?? []), ...(activity ? allTalk : [])])
    : allTalk;
  const deadAirGaps = gapsBetween(speechForDeadAir, deadAirThreshold);
  const latency = responseLatency(conversation.turns);
  const nonTalkTimeSec = Math.max(0, durationSec - talkTimeSec);

  return {
    durationSec: round(durationSec),
    talkTimeSec: round(talkTimeSec),
    nonTalkTimeSec: round(nonTalkTimeSec),
    nonTalkRatio: durationSec > 0 ? round(nonTalkTimeSec / durationSec, 4) : 0,
    speakers,
    nonTalk: {
      thresholdSec: nonTalkThreshold,
      count: nonTalkGaps.length,
      totalSec: round(totalSeconds(nonTalkGaps)),
      instances: nonTalkGaps.map(roundSpan),
    },
    deadAir: {
      thresholdSec: deadAirThreshold,
      count: deadAirGaps.length,
      totalSec: round(totalSeconds(deadAirGaps)),
      instances: deadAirGaps.map(roundSpan),
      source: heardOnAudio ? 'audio' : 'turns',
    },
    overlapSec: round(totalSeconds(overlap)),
    interruptions: { count: pairs.reduce((sum, pair) => sum + pair.count, 0), pairs },
    ...(latency ? { responseLatency: latency } : {}),
    ...(longestMonologue ? { longestMonologue } : {}),
    ...(options.loudness ? { loudness: options.loudness } : {}),
  };
}

/**
 * The interruptions `computeCallMetrics` counts, each with its time (for rules about a part of the call,
 * such as category rules on the first minute): voice activity when the conversation has it, else turns.
 */
export function interruptionTimes(conversation: Conversation, minInterruptionSec = 1): InterruptionEvent[] {
  const activity = activityBySpeaker(conversation);
  const talkBySpeaker = activity ?? new Map<string, TimeSpan[]>();
  if (!activity) {
    for (const turn of conversation.turns)
      talkBySpeaker.set(turn.speaker, [...(talkBySpeaker.get(turn.speaker) ?? []), ...talkSpans(turn)]);
    for (const [speaker, spans] of talkBySpeaker) talkBySpeaker.set(speaker, mergeSpans(spans));
  }
  const starts: TalkStart[] = activity
    ? [...activity].flatMap(([speaker, spans]) => spans.map((span) => ({ speaker, ...span })))
    : conversation.turns.filter(isTimed);
  return interruptionEvents(starts, talkBySpeaker, minInterruptionSec).sort((a, b) => a.atSec - b.atSec);
}

const SILENCE_DBFS = -120;

/** RMS level of every whole second of every channel, and the seconds that stand out as loud. */
export async function measureLoudness(
  pcm: PcmReader,
  options: { signal?: AbortSignal } = {},
): Promise<LoudnessTimeline> {
  const perSecondDbfs: number[][] = [];
  const peaks: LoudnessTimeline['peaks'] = [];
  for (let channel = 0; channel < pcm.channelCount; channel++) {
    const levels: number[] = [];
    for await (const chunk of pcm.chunks(channel, { chunkSamples: pcm.sampleRate })) {
      throwIfAborted(options.signal);
      let sum = 0;
      for (let i = 0; i < chunk.length; i++) sum += chunk[i]! * chunk[i]!;
      const meanSquare = chunk.length > 0 ? sum / chunk.length : 0;
      levels.push(
        meanSquare > 0 ? round(Math.max(SILENCE_DBFS, 10 * Math.log10(meanSquare)), 1) : SILENCE_DBFS,
      );
    }
    perSecondDbfs.push(levels);
    // Seconds with speech-like level (above -60 dBFS) set the channel's usual level.
    const active = levels.filter((level) => level > -60).sort((a, b) => a - b);
    if (active.length === 0) continue;
    const usual = median(active);
    peaks.push(
      ...levels
        .map((dbfs, second) => ({ channel, timeSec: second, dbfs }))
        .filter((entry) => entry.dbfs >= usual + 10)
        .sort((a, b) => b.dbfs - a.dbfs)
        .slice(0, 10),
    );
  }
  return { perSecondDbfs, peaks };
}

/** `computeCallMetrics` plus what only the audio can tell: dead air from VAD on every channel, loudness. */
export async function computeCallMetricsWithAudio(
  conversation: Conversation,
  audio: { pcm: PcmReader; speech: readonly (readonly TimeSpan[])[] },
  options: Omit<CallMetricsOptions, 'speech' | 'loudness'> & { signal?: AbortSignal } = {},
): Promise<CallMetrics> {
  const loudness = await measureLoudness(audio.pcm, { signal: options.signal });
  return computeCallMetrics(conversation, { ...options, speech: audio.speech, loudness });
}
