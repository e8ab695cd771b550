import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conversationFromDialogue, HeuristicAnalyzer } from '@echolens/core';
import { assembleConversation } from '@echolens/core/testing';
import { readConfig, type ServerConfig } from '../../src/config.js';

export const exampleRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const repoRoot = resolve(exampleRoot, '../..');
const dataRoot = process.env.ECHOLENS_TEST_DATA ?? resolve(repoRoot, '..', 'shared', 'data');

/** A file of the shared dev data; missing data fails loudly. */
export function dataPath(...parts: string[]): string {
  const path = join(dataRoot, ...parts);
  if (!existsSync(path)) throw new Error(`Test data missing: ${path} (set ECHOLENS_TEST_DATA)`);
  return path;
}

/** An 11-second call-centre snippet and a 5-second stereo exchange: short, real recordings. */
export const CALL = () => dataPath('calls', 'azure-call-center-sample.wav');
export const SHORT_STEREO = () => dataPath('diarization', 'stereo', 'fw-stereo-diarization.wav');

export const TEST_KEY = 'test-key-0123456789';
/** Whisper tiny, pinned: fast, and the model every test of the project shares. */
export const TEST_WHISPER = 'Xenova/whisper-tiny';

/** Server settings for a test: a fresh data folder, a free port, whisper-tiny, one API key. */
export function testConfig(environment: Record<string, string> = {}): ServerConfig {
  return readConfig({
    PORT: '0',
    ECHOLENS_DATA_DIR: mkdtempSync(join(tmpdir(), 'echolens-server-')),
    ECHOLENS_API_KEYS: TEST_KEY,
    ECHOLENS_WHISPER_MODEL: TEST_WHISPER,
    ECHOLENS_LANGUAGE: 'en',
    LOG_LEVEL: 'silent',
    ...environment,
  });
}

/**
 * What a well-behaved model answers: a complete insights draft (the offline analyzer's, for a stand-in
 * conversation). Its evidence does not match the real call, so the evidence check drops it; the answer
 * still counts as one language-model request, which is what the tests count.
 */
export function modelAnswerText(): string {
  const conversation = conversationFromDialogue(
    {
      id: 'stand-in',
      turns: [
        { speaker: 'agent', text: 'Thank you for calling, how can I help?' },
        { speaker: 'customer', text: 'My order has not arrived and I want a refund.' },
        { speaker: 'agent', text: 'I am sorry. I will refund it today.' },
      ],
    },
    'stand-in',
  );
  return JSON.stringify(new HeuristicAnalyzer().analyze(conversation));
}

/**
 * A chat long enough to be told in parts (a running summary needs 60 turns or more): dev dialogues one after
 * another, a refused return first.
 */
export function longChat(): { speaker: 'agent' | 'customer'; text: string }[] {
  const first = (file: string) =>
    JSON.parse(readFileSync(dataPath('dialogues', file), 'utf8').split('\n')[0] ?? 'null') as {
      turns: { speaker: 'agent' | 'customer'; text: string; type?: string }[];
    };
  return assembleConversation(['abcd.jsonl', 'uss_sgd.jsonl', 'uss_mwoz.jsonl'].map(first)).turns;
}
