// Scores for the conversational benchmark: word-level speaker accuracy and turn-edge errors against
// a reference that knows the speaker and the turn of every word, and bootstrap confidence intervals.

import { mulberry32 } from '@echolens/core/testing';
import { normaliseWords } from '../stt/word-error-rate.mjs';

/**
 * Normalised tokens of a list of words, each keeping the speaker (and turn-edge flag) of the word it
 * came from. Words are normalised one at a time, so "twenty five" stays two tokens here.
 * @param {{ text: string, speaker?: string, edge?: boolean }[]} words
 */
function tokensOf(words) {
  return words.flatMap((word) => normaliseWords(word.text).map((token) => ({ ...word, token })));
}

/**
 * A word is placed right when it lies in its reference turn, give or take this much (the usual
 * 0.25 s diarization collar): a word timed into the next speaker's turn is wrong even when its
 * speaker label is right (on a stereo call every word's channel gives the right speaker).
 */
export const TURN_COLLAR_SEC = 0.25;

/**
 * Levenshtein alignment of two token lists; returns the index pairs of tokens aligned to each other
 * (matches and substitutions).
 * @param {string[]} reference
 * @param {string[]} hypothesis
 * @returns {[number, number][]}
 */
export function alignTokens(reference, hypothesis) {
  const rows = reference.length + 1;
  const columns = hypothesis.length + 1;
  const cost = new Uint32Array(rows * columns);
  for (let i = 0; i < rows; i++) cost[i * columns] = i;
  for (let j = 0; j < columns; j++) cost[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const substitution = cost[(i - 1) * columns + j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      cost[i * columns + j] = Math.min(
        substitution,
        cost[(i - 1) * columns + j] + 1,
        cost[i * columns + j - 1] + 1,
      );
    }
  }
  const pairs = [];
  let i = reference.length;
  let j = hypothesis.length;
  while (i > 0 && j > 0) {
    const here = cost[i * columns + j];
    const diagonal = cost[(i - 1) * columns + j - 1] + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
    if (here === diagonal) {
      pairs.push([i - 1, j - 1]);
      i--;
      j--;
    } else if (here === cost[(i - 1) * columns + j] + 1) i--;
    else j--;
  }
  return pairs.reverse();
}

/** The reference words of a conversation, with their speaker, turn span and whether they open or close a turn. */
export function referenceWords(turns) {
  return turns.flatMap((turn) => {
    const words = turn.text.split(/\s+/).filter(Boolean);
    return words.map((text, index) => ({
      text,
      speaker: turn.speaker,
      turnStartSec: turn.startSec,
      turnEndSec: turn.endSec,
      edge: index === 0 || index === words.length - 1,
    }));
  });
}

/**
 * Speaker agreement of hypothesis words with the reference, over aligned words: a word is right when
 * its speaker is right, under the mapping of hypothesis speakers to reference speakers that agrees
 * most (one-to-one, tried exhaustively: there are few), and its middle lies in its reference turn
 * (± TURN_COLLAR_SEC).
 * @param {{ speaker: string, startSec: number, endSec: number, text: string }[]} referenceTurns
 * @param {{ text: string, speaker?: string, startSec: number, endSec: number }[]} hypothesisWords in transcript order
 */
export function speakerAgreement(referenceTurns, hypothesisWords) {
  const reference = tokensOf(referenceWords(referenceTurns));
  const hypothesis = tokensOf(hypothesisWords);
  const pairs = alignTokens(
    reference.map((entry) => entry.token),
    hypothesis.map((entry) => entry.token),
  );
  const referenceSpeakers = [...new Set(reference.map((entry) => entry.speaker))];
  const hypothesisSpeakers = [...new Set(hypothesis.map((entry) => entry.speaker ?? '?'))];
  const counts = new Map();
  for (const [r, h] of pairs) {
    const key = `${hypothesis[h].speaker ?? '?'}\u0000${reference[r].speaker}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // Exhaustive search over injective maps hypothesis speaker -> reference speaker (or none).
  let best = { agreed: -1, mapping: new Map() };
  const search = (index, used, mapping, agreed) => {
    if (index === hypothesisSpeakers.length) {
      if (agreed > best.agreed) best = { agreed, mapping: new Map(mapping) };
      return;
    }
    const speaker = hypothesisSpeakers[index];
    search(index + 1, used, mapping, agreed);
    for (const target of referenceSpeakers) {
      if (used.has(target)) continue;
      used.add(target);
      mapping.set(speaker, target);
      search(index + 1, used, mapping, agreed + (counts.get(`${speaker}\u0000${target}`) ?? 0));
      mapping.delete(speaker);
      used.delete(target);
    }
  };
  search(0, new Set(), new Map(), 0);
  let correct = 0;
  let edgeWords = 0;
  let edgeCorrect = 0;
  let misplaced = 0;
  for (const [r, h] of pairs) {
    const middle = (hypothesis[h].startSec + hypothesis[h].endSec) / 2;
    const inTurn =
      middle >= reference[r].turnStartSec - TURN_COLLAR_SEC &&
      middle <= reference[r].turnEndSec + TURN_COLLAR_SEC;
    if (!inTurn) misplaced++;
    const right = inTurn && best.mapping.get(hypothesis[h].speaker ?? '?') === reference[r].speaker;
    if (right) correct++;
    if (reference[r].edge) {
      edgeWords++;
      if (right) edgeCorrect++;
    }
  }
  return {
    aligned: pairs.length,
    correct,
    edgeWords,
    edgeCorrect,
    misplaced,
    mapping: Object.fromEntries(best.mapping),
  };
}

/**
 * Percentile bootstrap over items (conversations): the 95 % interval of `statistic` computed on
 * resamples of the items, with a fixed seed.
 * @template T
 * @param {T[]} items
 * @param {(sample: T[]) => number} statistic
 * @returns {[number, number]}
 */
export function bootstrapInterval(items, statistic, repetitions = 2000, seed = 1) {
  const random = mulberry32(seed);
  const values = [];
  for (let r = 0; r < repetitions; r++) {
    const sample = Array.from({ length: items.length }, () => items[Math.floor(random() * items.length)]);
    const value = statistic(sample);
    if (Number.isFinite(value)) values.push(value);
  }
  values.sort((a, b) => a - b);
  const at = (q) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))];
  return [at(0.025), at(0.975)];
}
