import { type Conversation, findPii, redactConversation, redactText, redactTranscript } from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { isValidIban, passesLuhn } from '../../src/analyze/privacy/redaction.js';

const redact = (text: string) => redactText(text).text;

describe('PII redaction of speech-to-text style text', () => {
  it('redacts card numbers written as digits or spoken digit by digit, only when Luhn-valid', () => {
    expect(redact('my card number is four one one one one one one one one one one one one one one one')).toBe(
      'my card number is [CARD_NUMBER]',
    );
    expect(redact('sure it is 4111 1111 1111 1111 thanks')).toBe('sure it is [CARD_NUMBER] thanks');
    expect(redact('its 5555-5555-5555-4444')).toBe('its [CARD_NUMBER]');
    expect(
      redact('five five five five double five double five five five five five four four four four'),
    ).toBe('[CARD_NUMBER]');
    expect(redact('it is four triple one, triple one one, triple one one, triple one one')).toBe(
      'it is [CARD_NUMBER]',
    );
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });

  it('keeps order numbers, prices, times and dates that are not personal data', () => {
    for (const text of [
      'The order number is 4111 1111 1111 1112',
      'order number 1234567812345678 was shipped',
      'Order ID: 3348917502',
      'The flight leaves at 7:40 am and costs $31, seat 12',
      'it costs 1299 dollars, or 24.99 a month',
      'the tracking number is nine four zero five five one one two nine',
      'I paid twenty four dollars on the 11th of March',
      'we will call you back within 24 hours',
      'error code 0x80300113 on Windows 10 version 1709',
    ]) {
      expect(findPii(text), text).toEqual([]);
    }
  });

  it('redacts phone numbers in written and spoken forms', () => {
    expect(redact('call me back on (977) 625-2661 or 977-625-2661 after 10:30 am')).toBe(
      'call me back on [PHONE] or [PHONE] after 10:30 am',
    );
    expect(redact('my number is five five five two three four nine eight seven six')).toBe(
      'my number is [PHONE]',
    );
    expect(redact('our office is on +44 20 7946 0958')).toBe('our office is on [PHONE]');
  });

  it('redacts SSNs, emails (also spelled out), IBANs, account numbers and dates of birth', () => {
    expect(redact('my social is 123-45-6789')).toBe('my social is [SSN]');
    expect(redact('social security number one two three four five six seven eight nine')).toBe(
      'social security number [SSN]',
    );
    expect(redact('email me at john.smith@example.com or jane dot doe at gmail dot com')).toBe(
      'email me at [EMAIL] or [EMAIL]',
    );
    expect(redact('IBAN GB82 WEST 1234 5698 7654 32 please')).toBe('IBAN [IBAN] please');
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
    expect(isValidIban('GB82WEST12345698765433')).toBe(false);
    expect(redact('my account number is 12345678')).toBe('my account number is [ACCOUNT_NUMBER]');
    expect(redact('the card ending in double four seven two')).toBe('the card ending in [ACCOUNT_NUMBER]');
    expect(redact('my date of birth is march third nineteen eighty five')).toBe(
      'my date of birth is [DATE_OF_BIRTH]',
    );
    expect(redact('DOB 03/04/1985 thanks')).toBe('DOB [DATE_OF_BIRTH] thanks');
  });

  it('limits redaction to the requested kinds', () => {
    const text = 'email jane@example.com, phone (977) 625-2661';
    expect(redactText(text, { types: ['EMAIL'] }).text).toBe('email [EMAIL], phone (977) 625-2661');
  });

  it('redacts conversations and transcripts, folding a spoken number into one placeholder word with its timing', () => {
    const words = 'my card is four one one one one one one one one one one one one one one one ok'.split(' ');
    const timed = words.map((text, index) => ({ text, startSec: index * 0.3, endSec: index * 0.3 + 0.25 }));
    const transcript = redactTranscript({
      language: 'en',
      durationSec: 10,
      segments: [
        { id: 's1', startSec: 0, endSec: timed.at(-1)?.endSec ?? 0, text: words.join(' '), words: timed },
      ],
    });
    const segment = transcript.segments[0];
    expect(segment?.text).toBe('my card is [CARD_NUMBER] ok');
    expect(segment?.words?.map((word) => word.text)).toEqual(['my', 'card', 'is', '[CARD_NUMBER]', 'ok']);
    const placeholder = segment?.words?.[3];
    expect(placeholder?.startSec).toBeCloseTo(0.9);
    expect(placeholder?.endSec).toBeCloseTo(18 * 0.3 + 0.25);

    const conversation: Conversation = {
      callId: 'c',
      speakers: [{ id: 'customer', role: 'customer' }],
      turns: [{ id: 't1', speaker: 'customer', role: 'customer', text: 'reach me at jane@example.com' }],
    };
    expect(redactConversation(conversation).turns[0]?.text).toBe('reach me at [EMAIL]');
  });
});
