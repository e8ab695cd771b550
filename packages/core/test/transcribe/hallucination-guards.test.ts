import { describe, expect, it } from 'vitest';
import {
  compressionRatio,
  DEFAULT_HALLUCINATION_GUARDS,
  findRepetitionLoop,
  rejectionReason,
  removeRepetitionLoops,
} from '../../src/transcribe/hallucination-guards.js';

const guards = DEFAULT_HALLUCINATION_GUARDS;
const segment = (text: string, extra: Record<string, number> = {}) => ({
  startSec: 1,
  endSec: 3,
  text,
  averageLogProbability: -0.3,
  noSpeechProbability: 0.05,
  ...extra,
});

describe('compressionRatio', () => {
  it('separates a repetition loop from a natural sentence at Whisper’s 2.4', () => {
    const natural = 'I was charged twice for the same order last week and I would like a refund please.';
    const loop = 'I would like a refund. '.repeat(12);
    expect(compressionRatio(natural)).toBeLessThan(1.5);
    expect(compressionRatio(loop)).toBeGreaterThan(2.4);
    expect(compressionRatio('')).toBe(0);
  });
});

describe('findRepetitionLoop and removeRepetitionLoops', () => {
  it('finds a phrase repeated back to back but leaves short natural repeats alone', () => {
    const tokens = 'so the thank you thank you thank you thank you thank you for calling'.split(' ');
    expect(findRepetitionLoop(tokens, guards)).toEqual({ start: 2, phraseLength: 2, repeats: 5 });
    expect(findRepetitionLoop('no, no, no, that is not what I ordered'.split(' '), guards)).toBeUndefined();
    expect(findRepetitionLoop('bye bye'.split(' '), guards)).toBeUndefined();
  });

  it('cuts the repeats, keeps the first occurrence and the words that belong to it', () => {
    const text = 'I need help. I need help. I need help. I need help. with my bill';
    const tokens = text.split(' ');
    const words = tokens.map((token, index) => ({ startSec: index, endSec: index + 0.5, text: token }));
    const { segment: cleaned, loopsRemoved } = removeRepetitionLoops({ ...segment(text), words }, guards);
    expect(loopsRemoved).toBe(1);
    expect(cleaned.text).toBe('I need help. with my bill');
    expect(cleaned.words?.map((word) => word.text)).toEqual(['I', 'need', 'help.', 'with', 'my', 'bill']);
    expect(cleaned.words?.[3]?.startSec).toBe(12);
  });

  it('leaves a segment without loops untouched', () => {
    const original = segment('Thanks for calling, how can I help you today?');
    expect(removeRepetitionLoops(original, guards)).toEqual({ segment: original, loopsRemoved: 0 });
  });
});

describe('rejectionReason', () => {
  it('keeps confident text over speech', () => {
    expect(rejectionReason(segment('My order never arrived.'), 2, guards)).toBeUndefined();
  });

  it('drops silence by Whisper’s rule, guesses and repetitive text, keeps poorly heard speech', () => {
    expect(
      rejectionReason(
        segment('Thank you.', { averageLogProbability: -1.2, noSpeechProbability: 0.8 }),
        2,
        guards,
      ),
    ).toBe('no-speech');
    expect(
      rejectionReason(
        segment('Thank you.', { averageLogProbability: -0.4, noSpeechProbability: 0.8 }),
        2,
        guards,
      ),
    ).toBeUndefined();
    // A real greeting tiny heard badly on a phone line: low log-probability, but the model is sure it is speech.
    expect(
      rejectionReason(
        segment('Thank you for calling.', { averageLogProbability: -1.7, noSpeechProbability: 0.09 }),
        2,
        guards,
      ),
    ).toBeUndefined();
    expect(rejectionReason(segment('Blorp the gant.', { averageLogProbability: -3.4 }), 2, guards)).toBe(
      'low-confidence',
    );
    expect(rejectionReason(segment('la la la la la la la la la la la la la la la la la la'), 2, guards)).toBe(
      'repetitive',
    );
    expect(rejectionReason(segment('   '), 2, guards)).toBe('empty');
    // Punctuation alone is Whisper writing down a sound it could not put into words.
    expect(rejectionReason(segment('...'), 2, guards)).toBe('empty');
  });

  it('holds text against the VAD only when asked to, and never text moved out of inserted silence', () => {
    expect(rejectionReason(segment('Thank you.'), 0, guards)).toBeUndefined();
    const strict = { ...guards, minSpeechOverlapSec: 0.1 };
    expect(rejectionReason(segment('Thank you.'), 0, strict)).toBe('outside-speech');
    expect(rejectionReason(segment('Thank you.'), undefined, strict)).toBeUndefined();
    // A short segment needs only half its length over speech.
    expect(rejectionReason(segment('Yes.', { startSec: 1, endSec: 1.1 }), 0.06, strict)).toBeUndefined();
    expect(rejectionReason(segment('Yes.', { startSec: 1, endSec: 1.1 }), 0.04, strict)).toBe(
      'outside-speech',
    );
  });
});
