import { describe, expect, it } from 'vitest';
import { diarizationErrorRate } from '../../src/diarize/der.js';
import { minimumCostAssignment } from '../../src/diarize/hungarian.js';
import { formatRttm, parseRttm } from '../../src/diarize/rttm.js';

const rttm = (lines: [number, number, string][]) =>
  lines
    .map(([start, duration, speaker]) => `SPEAKER rec 1 ${start} ${duration} <NA> <NA> ${speaker} <NA> <NA>`)
    .join('\n');

describe('RTTM', () => {
  it('parses SPEAKER lines and formats them back', () => {
    const text = `${rttm([
      [1.5, 2, 'A'],
      [4, 1.25, 'B'],
    ])}\nSPKR-INFO rec 1 <NA> <NA> <NA> unknown A <NA> <NA>\n`;
    const segments = parseRttm(text);
    expect(segments).toEqual([
      { recordingId: 'rec', startSec: 1.5, endSec: 3.5, speaker: 'A' },
      { recordingId: 'rec', startSec: 4, endSec: 5.25, speaker: 'B' },
    ]);
    expect(formatRttm('my call', segments)).toBe(
      'SPEAKER my_call 1 1.500 2.000 <NA> <NA> A <NA> <NA>\nSPEAKER my_call 1 4.000 1.250 <NA> <NA> B <NA> <NA>\n',
    );
  });

  it('names the file and line of a malformed row', () => {
    expect(() => parseRttm('SPEAKER rec 1 abc 2 <NA> <NA> A', 'ref.rttm')).toThrow(/ref\.rttm: line 1/);
  });
});

describe('minimumCostAssignment', () => {
  it('finds the optimal assignment, also on rectangular matrices', () => {
    // Greedy would take 1 (row 0 → col 0) and then pay 8; the optimum is 2 + 3 = 5.
    expect(
      minimumCostAssignment([
        [1, 2],
        [3, 8],
      ]),
    ).toEqual([1, 0]);
    expect(minimumCostAssignment([[5, 1, 4]])).toEqual([1]);
    expect(minimumCostAssignment([[2], [1], [3]])).toEqual([-1, 0, -1]);
  });
});

describe('diarizationErrorRate (hand-computed cases)', () => {
  const reference = parseRttm(
    rttm([
      [0, 10, 'A'],
      [10, 10, 'B'],
    ]),
  );

  it('is 0 for a perfect hypothesis under other names', () => {
    const result = diarizationErrorRate(
      reference,
      parseRttm(
        rttm([
          [0, 10, 'x'],
          [10, 10, 'y'],
        ]),
      ),
      { collarSec: 0 },
    );
    expect(result.diarizationErrorRate).toBe(0);
    expect(result.mapping).toEqual({ A: 'x', B: 'y' });
  });

  it('counts confusion when everything is one speaker', () => {
    const result = diarizationErrorRate(reference, parseRttm(rttm([[0, 20, 'x']])), { collarSec: 0 });
    expect(result.confusionSec).toBe(10);
    expect(result.diarizationErrorRate).toBe(0.5);
  });

  it('counts missed speech and false alarms', () => {
    // x covers A's first 5 s (5 s missed), y covers B plus 5 s of silence after it (5 s false alarm).
    const result = diarizationErrorRate(
      reference,
      parseRttm(
        rttm([
          [0, 5, 'x'],
          [10, 15, 'y'],
        ]),
      ),
      { collarSec: 0 },
    );
    expect(result.missedSec).toBe(5);
    expect(result.falseAlarmSec).toBe(5);
    expect(result.confusionSec).toBe(0);
    expect(result.diarizationErrorRate).toBe(0.5);
  });

  it('scores overlapping reference speech once per speaker', () => {
    // A [0,10] and B [5,15] overlap for 5 s; a single hypothesis speaker misses one of them there and
    // confuses the other outside its mapped partner: 5 s missed + 5 s confusion over 20 s.
    const overlapping = parseRttm(
      rttm([
        [0, 10, 'A'],
        [5, 10, 'B'],
      ]),
    );
    const result = diarizationErrorRate(overlapping, parseRttm(rttm([[0, 15, 'x']])), { collarSec: 0 });
    expect(result.scoredSpeechSec).toBe(20);
    expect(result.missedSec).toBe(5);
    expect(result.confusionSec).toBe(5);
    expect(result.diarizationErrorRate).toBe(0.5);
    expect(
      diarizationErrorRate(overlapping, parseRttm(rttm([[0, 15, 'x']])), { collarSec: 0, skipOverlap: true })
        .scoredSpeechSec,
    ).toBe(10);
  });

  it('forgives boundary errors inside the collar', () => {
    const hypothesis = parseRttm(
      rttm([
        [0.2, 9.9, 'x'],
        [10.1, 9.9, 'y'],
      ]),
    );
    expect(diarizationErrorRate(reference, hypothesis, { collarSec: 0.25 }).diarizationErrorRate).toBe(0);
    // Without a collar: 0.2 s missed at the start, 0.1 s of B's start confused (x runs to 10.1) → 0.3 / 20.
    expect(diarizationErrorRate(reference, hypothesis, { collarSec: 0 }).diarizationErrorRate).toBeCloseTo(
      0.015,
      10,
    );
  });

  it('maps three reference speakers onto two hypothesis speakers optimally', () => {
    const three = parseRttm(
      rttm([
        [0, 6, 'A'],
        [6, 2, 'B'],
        [8, 6, 'C'],
      ]),
    );
    const result = diarizationErrorRate(
      three,
      parseRttm(
        rttm([
          [0, 7, 'x'],
          [7, 7, 'y'],
        ]),
      ),
      { collarSec: 0 },
    );
    // A→x (6 s), C→y (6 s); B is unmapped: its 2 s are confusion. Total 14 s.
    expect(result.mapping).toEqual({ A: 'x', C: 'y' });
    expect(result.confusionSec).toBe(2);
    expect(result.diarizationErrorRate).toBeCloseTo(2 / 14, 10);
  });
});
