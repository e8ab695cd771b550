import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRttm } from '../../src/diarize/rttm.js';
import { formatConversation } from '../../src/report/conversation-formats.js';
import type { Conversation } from '../../src/schema/conversation.js';
import { dataPath, repoRoot } from '../helpers/data.js';

const conversation: Conversation = {
  callId: 'c',
  durationSec: 6,
  speakers: [
    { id: 'agent', role: 'agent' },
    { id: 'customer', role: 'customer' },
  ],
  turns: [
    { id: 't1', speaker: 'agent', role: 'agent', startSec: 0.5, endSec: 2, text: 'Thanks for calling.' },
    {
      id: 't2',
      speaker: 'customer',
      role: 'customer',
      startSec: 2.5,
      endSec: 5.25,
      text: 'My card was declined.',
    },
  ],
};

describe('speaker-labelled outputs', () => {
  it('renders SRT, WebVTT and text with speaker names', () => {
    expect(formatConversation(conversation, 'srt', { speakerNames: { agent: 'Agent Dana' } })).toBe(
      '1\n00:00:00,500 --> 00:00:02,000\n[Agent Dana] Thanks for calling.\n\n2\n00:00:02,500 --> 00:00:05,250\n[customer] My card was declined.\n',
    );
    expect(formatConversation(conversation, 'vtt')).toContain(
      '00:00:02.500 --> 00:00:05.250\n<v customer>My card was declined.',
    );
    expect(formatConversation(conversation, 'txt')).toBe(
      'agent: Thanks for calling.\ncustomer: My card was declined.\n',
    );
  });

  it('`echolens diarize` writes RTTM named after the file, with channel roles as speaker names', () => {
    const cli = join(repoRoot, 'packages/core/dist/cli/main.js');
    const out = mkdtempSync(join(tmpdir(), 'echolens-diarize-'));
    try {
      execFileSync(process.execPath, [
        cli,
        'diarize',
        dataPath('diarization/stereo/fw-stereo-diarization.wav'),
        '--channels',
        'agent,customer',
        '--out',
        out,
        '--quiet',
      ]);
      const segments = parseRttm(readFileSync(join(out, 'fw-stereo-diarization.rttm'), 'utf8'));
      expect(new Set(segments.map((segment) => segment.recordingId))).toEqual(
        new Set(['fw-stereo-diarization']),
      );
      expect(new Set(segments.map((segment) => segment.speaker))).toEqual(new Set(['agent', 'customer']));
      const json = JSON.parse(
        execFileSync(process.execPath, [
          cli,
          'diarize',
          dataPath('asr/audio/jfk.wav'),
          '--format',
          'json',
        ]).toString(),
      );
      expect(json.recording).toBe('jfk');
      expect(json.speakers).toHaveLength(1);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
