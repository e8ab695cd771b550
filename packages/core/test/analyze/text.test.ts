import { describe, expect, it } from 'vitest';
import { sentenceSpans } from '../../src/analyze/text.js';

const sentences = (text: string) => sentenceSpans(text).map((span) => text.slice(span.start, span.end));

describe('sentence spans', () => {
  it('ends no sentence after a lone letter ("8 a.m.", "J. Smith")', () => {
    expect(sentences('I can book you at 8 a.m. tomorrow. Ask for J. Smith.')).toEqual([
      'I can book you at 8 a.m. tomorrow.',
      'Ask for J. Smith.',
    ]);
  });

  it('ends a sentence after a code that ends in a letter', () => {
    expect(sentences('Your reference number is U0E4KO2T. Is there anything else?')).toEqual([
      'Your reference number is U0E4KO2T.',
      'Is there anything else?',
    ]);
  });

  it('ends a sentence typed without a space before the next one, not inside a name or an abbreviation', () => {
    expect(sentences('Sorry for trouble.We are here to help.Please DM us.')).toEqual([
      'Sorry for trouble.',
      'We are here to help.',
      'Please DM us.',
    ]);
    expect(sentences('I cannot cast to my TV?Really?')).toEqual(['I cannot cast to my TV?', 'Really?']);
    expect(sentences('Ask Mr.Smith about ASP.NET and e.g.The docs.')).toHaveLength(1);
  });
});
