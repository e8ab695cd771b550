import { type Conversation, findPii, redactConversation, redactText, redactTranscript } from '@echolens/core';
import { describe, expect, it } from 'vitest';

const redact = (text: string) => redactText(text).text;

function conversationOf(...turns: [speaker: 'agent' | 'customer', text: string][]): Conversation {
  return {
    callId: 'c',
    speakers: [
      { id: 'agent', role: 'agent' },
      { id: 'customer', role: 'customer' },
    ],
    turns: turns.map(([speaker, text], index) => ({ id: `t${index + 1}`, speaker, role: speaker, text })),
  };
}

describe('redaction across turn boundaries', () => {
  it('a card number read out over two turns leaks neither half, with or without the agent in between', () => {
    const split = [
      conversationOf(['customer', 'my card number is 4111 1111'], ['customer', '1111 1111 thanks']),
      conversationOf(
        ['customer', 'my card number is 4111 1111'],
        ['agent', 'mhm'],
        ['customer', '1111 1111'],
      ),
      conversationOf(
        ['agent', 'can I have the card number please'],
        ['customer', 'four one one one one one one one'],
        ['agent', 'yes'],
        ['customer', 'one one one one one one one one'],
      ),
    ];
    for (const conversation of split) {
      const text = redactConversation(conversation)
        .turns.map((turn) => turn.text)
        .join(' | ');
      expect(text).not.toMatch(/1111|one one one/);
      expect(text).toContain('[');
    }
    // Words (timed transcripts) are redacted the same way.
    const timed = redactTranscript({
      language: 'en',
      durationSec: 4,
      segments: [
        {
          id: 's1',
          startSec: 0,
          endSec: 2,
          text: 'card 4111 1111',
          words: ['card', '4111', '1111'].map(word),
        },
        { id: 's2', startSec: 2, endSec: 4, text: '1111 1111', words: ['1111', '1111'].map(word) },
      ],
    });
    expect(JSON.stringify(timed)).not.toContain('1111');
  });

  it('does not join unrelated numbers of different turns into personal data', () => {
    const conversation = conversationOf(
      ['customer', 'I ordered 2'],
      ['agent', '3 days ago, right?'],
      ['customer', 'it cost 45 dollars'],
    );
    expect(redactConversation(conversation).turns.map((turn) => turn.text)).toEqual([
      'I ordered 2',
      '3 days ago, right?',
      'it cost 45 dollars',
    ]);
  });
});

function word(text: string, index: number) {
  return { text, startSec: index * 0.5, endSec: index * 0.5 + 0.4 };
}

describe('card security codes and expiry dates', () => {
  it('redacts them after their cues, written or spoken', () => {
    expect(redact('the security code is 123')).toBe('the security code is [CARD_SECURITY_CODE]');
    expect(redact('CVV is four five six')).toBe('CVV is [CARD_SECURITY_CODE]');
    expect(redact('the three digit code on the back is 7 8 9')).toContain('[CARD_SECURITY_CODE]');
    expect(redact('it expires 04/27')).toBe('it expires [CARD_EXPIRY]');
    expect(redact('the expiry date on the card is April 2027')).toBe(
      'the expiry date on the card is [CARD_EXPIRY]',
    );
    expect(redact('my visa card expires oh four twenty seven')).toBe('my visa card expires [CARD_EXPIRY]');
  });

  it('keeps codes and dates that belong to no card', () => {
    for (const text of [
      'my subscription expires on March 3rd',
      'error code 123',
      'the promo code expires next week',
      'your order 123 ships tomorrow',
    ]) {
      expect(findPii(text), text).toEqual([]);
    }
  });
});

describe('person names and addresses', () => {
  it('finds names after cue phrases and titles, and listed first names with a surname', () => {
    expect(redact('Hi, my name is Sarah Johnson and I need help.')).toBe(
      'Hi, my name is [PERSON_NAME] and I need help.',
    );
    expect(redact('Thank you for calling, this is Mike speaking.')).toBe(
      'Thank you for calling, this is [PERSON_NAME] speaking.',
    );
    expect(redact('you are speaking with Priya today')).toBe('you are speaking with [PERSON_NAME] today');
    expect(redact('Mr. Thompson, your refund is on its way.')).toBe(
      'Mr. [PERSON_NAME], your refund is on its way.',
    );
    expect(redact('hello my name is james and my phone died')).toBe(
      'hello my name is [PERSON_NAME] and my phone died',
    );
    expect(redact('I spoke to Linda Brown yesterday')).toBe('I spoke to [PERSON_NAME] yesterday');
  });

  it('leaves names that are everyday words, and capitalised words off the list, alone', () => {
    for (const text of [
      'Will you be at home?',
      'The bill was wrong and the grace period ended.',
      'May I have your account number?',
      'Please hold while I check with Chase Bank.',
      'this is about my Netflix subscription',
      'It is Monday and the Customer Service team is busy.',
    ]) {
      expect(findPii(text), text).toEqual([]);
    }
  });

  it('finds street addresses, cued addresses, PO boxes and postcodes after a city', () => {
    expect(redact('I live at 221 Baker Street, London')).toBe('I live at [ADDRESS]');
    expect(redact('send it to 1600 Pennsylvania Ave NW, Apt 4 please')).toBe('send it to [ADDRESS]');
    expect(redact('it is 42 Maple Drive')).toBe('it is [ADDRESS]');
    expect(redact('write to PO Box 4521')).toBe('write to [ADDRESS]');
    expect(redact('we are in Springfield, IL 62704')).toBe('we are in [ADDRESS]');
    expect(redact('the office is in London SW1A 1AA')).toBe('the office is in [ADDRESS]');
    expect(redact('my zip code is 02115')).toBe('my zip code is [ADDRESS]');
  });

  it('keeps a number followed by ordinary words that happen to end in a street type', () => {
    for (const text of [
      'I have 2 questions about the way this works',
      'it is a 3 hour drive',
      'we tried 5 different ways',
      'there are 4 items in my cart',
    ]) {
      expect(findPii(text), text).toEqual([]);
    }
  });
});

describe('redaction is linear in the text', () => {
  it('a 20 MB turn and 10,000 turns are redacted in bounded time', () => {
    // Generous bounds: linear work takes seconds on a shared laptop core; quadratic work takes hours.
    const bound = 240_000;
    const ordinary = 'Thank you for calling, how can I help you today with your order? ';
    const huge = ordinary.repeat(Math.ceil(20_000_000 / ordinary.length));
    let started = performance.now();
    expect(findPii(huge)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(bound);

    // Many spans in one turn: checking each new span against all found before was quadratic.
    const dense =
      'my card number is 4111 1111 1111 1111 and email jane@example.com, I live at 12 Oak Street. ';
    started = performance.now();
    const { spans } = redactText(dense.repeat(Math.ceil(2_000_000 / dense.length)));
    expect(performance.now() - started).toBeLessThan(bound);
    expect(spans.length).toBeGreaterThan(60_000);

    // A hostile single "word" of 20 MB (no spaces, no @): the email patterns must not rescan it.
    started = performance.now();
    expect(findPii(`${'a'.repeat(20_000_000)}@`)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(bound);

    const turns = Array.from({ length: 10_000 }, (_, index) => [
      index % 2 ? 'agent' : 'customer',
      index % 2 ? 'Thank you, one moment please.' : 'my number is 555 123 4567 and my name is Ann Lee',
    ]) as [speaker: 'agent' | 'customer', text: string][];
    started = performance.now();
    const redacted = redactConversation(conversationOf(...turns));
    expect(performance.now() - started).toBeLessThan(bound);
    expect(redacted.turns[0]?.text).toBe('my number is [PHONE] and my name is [PERSON_NAME]');
  });
});
