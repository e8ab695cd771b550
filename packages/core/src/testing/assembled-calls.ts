import type { ConversationInput } from '../pipeline/create-pipeline.js';

type Turn = ConversationInput['turns'][number];

/**
 * One long conversation made of several shorter ones said one after another: the way the running summary of a long
 * call is exercised, since no long labelled dialogues exist. Action lines (`type: 'action'`) are dropped. With
 * `timed`, turns get a telephone pace: 2.5 words a second plus 1.5 s of hold per turn, 0.6 s between turns.
 */
export function assembleConversation(
  dialogues: readonly { turns: readonly { speaker: Turn['speaker']; text: string; type?: string }[] }[],
  options: { timed?: boolean } = {},
): { turns: Turn[]; starts: number[] } {
  const turns: Turn[] = [];
  const starts: number[] = [];
  let clock = 0;
  for (const dialogue of dialogues) {
    starts.push(turns.length);
    for (const { speaker, text, type } of dialogue.turns) {
      if (type === 'action') continue;
      if (!options.timed) {
        turns.push({ speaker, text });
        continue;
      }
      const seconds = text.split(/\s+/).length / 2.5 + 1.5;
      turns.push({ speaker, text, startSec: clock, endSec: clock + seconds });
      clock += seconds + 0.6;
    }
  }
  return { turns, starts };
}
