import type { TimeSpan } from '../schema/common.js';
import type { Conversation, Turn } from '../schema/conversation.js';
import type { CallMetrics, SpeakerMetrics } from '../schema/metrics.js';
import { mergeSpans, totalSeconds } from './intervals.js';

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Spans in which a turn's speaker is talking: word timings when present (tighter), else the turn. */
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

/** Talk time, talk ratio, non-talk time and talk speed from turn timings; deterministic. */
export function computeCallMetrics(conversation: Conversation): CallMetrics {
  const bySpeaker = new Map<
    string,
    { spans: TimeSpan[]; words: number; turns: number; role: Turn['role'] }
  >();
  for (const speaker of conversation.speakers)
    bySpeaker.set(speaker.id, { spans: [], words: 0, turns: 0, role: speaker.role });
  for (const turn of conversation.turns) {
    const entry = bySpeaker.get(turn.speaker) ?? { spans: [], words: 0, turns: 0, role: turn.role };
    entry.spans.push(...talkSpans(turn));
    entry.words += wordCount(turn);
    entry.turns += 1;
    bySpeaker.set(turn.speaker, entry);
  }

  const allTalk = mergeSpans([...bySpeaker.values()].flatMap((entry) => entry.spans));
  const talkTimeSec = totalSeconds(allTalk);
  const lastSpeech = allTalk.at(-1)?.endSec ?? 0;
  const durationSec = Math.max(conversation.durationSec ?? lastSpeech, lastSpeech);
  const speakerTalk = [...bySpeaker.values()].map((entry) => totalSeconds(mergeSpans(entry.spans)));
  const sumOfSpeakerTalk = speakerTalk.reduce((a, b) => a + b, 0);

  const speakers: SpeakerMetrics[] = [...bySpeaker.entries()].map(([speaker, entry], index) => {
    const seconds = speakerTalk[index] ?? 0;
    return {
      speaker,
      role: entry.role,
      talkTimeSec: round(seconds),
      talkRatio: sumOfSpeakerTalk > 0 ? round(seconds / sumOfSpeakerTalk, 4) : 0,
      turnCount: entry.turns,
      wordCount: entry.words,
      wordsPerMinute: seconds > 0 ? round(entry.words / (seconds / 60), 1) : 0,
    };
  });

  const nonTalkTimeSec = Math.max(0, durationSec - talkTimeSec);
  return {
    durationSec: round(durationSec),
    talkTimeSec: round(talkTimeSec),
    nonTalkTimeSec: round(nonTalkTimeSec),
    nonTalkRatio: durationSec > 0 ? round(nonTalkTimeSec / durationSec, 4) : 0,
    speakers,
  };
}
