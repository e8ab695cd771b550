import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecodedWindow } from '../src/decode-window.js';
import type { WhisperSpecialTokens, WhisperTokenizerLike } from '../src/load-whisper.js';
import { segmentsFromTokens } from '../src/segments-from-tokens.js';

// Multilingual Whisper's fixed ids: <|endoftext|> and <|0.00|>.
const SPECIAL = { endOfText: 50257, timestampBegin: 50364 } as WhisperSpecialTokens;

describe('words from Whisper tokens', () => {
  let tokenizer: WhisperTokenizerLike;
  beforeAll(async () => {
    env.allowRemoteModels = false;
    env.localModelPath = `${join(process.env.ECHOLENS_MODELS_DIR as string)}/`;
    tokenizer = (await AutoTokenizer.from_pretrained(
      'Xenova/whisper-tiny',
    )) as unknown as WhisperTokenizerLike;
  });

  /** One segment of `text`, each token 0.2 s long, as the decoder and the alignment would give it. */
  function window(text: string, language: string): DecodedWindow {
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    const tokens = [
      SPECIAL.timestampBegin,
      ...ids,
      SPECIAL.timestampBegin + 10 * ids.length,
      SPECIAL.endOfText,
    ];
    return {
      tokens,
      logProbabilities: tokens.map(() => Math.log(0.9)),
      tokenSpans: tokens.map((_, index) => ({ startSec: (index - 1) * 0.2, endSec: index * 0.2 })),
      language,
      languageProbability: 1,
      noSpeechProbability: 0.01,
      looped: false,
      truncated: false,
      temperature: 0,
    };
  }

  it('keeps hyphenated words whole, as written ("Mm-hmm.", "real-time", "twenty-nine")', () => {
    const { segments } = segmentsFromTokens(
      window(' Mm-hmm. It is real-time, twenty-nine.', 'en'),
      tokenizer,
      SPECIAL,
      30,
    );
    const words = segments[0]?.words ?? [];
    expect(words.map((word) => word.text)).toEqual(['Mm-hmm.', 'It', 'is', 'real-time,', 'twenty-nine.']);
    // A joined word spans its parts.
    expect(words[0]?.startSec).toBe(0);
    expect(words[0]?.endSec).toBeGreaterThan(0.4);
    expect(words[0]?.confidence).toBeCloseTo(0.9, 5);
    expect(segments[0]?.text).toBe('Mm-hmm. It is real-time, twenty-nine.');
  });
});
