import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conversationFromDialogue, EchoLensError, findPii, readDialogues } from '@echolens/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MpegFrameChain } from '../../src/audio/decoders/mpeg-frame.js';
import { decodeWav } from '../../src/audio/decoders/wav.js';
import { detectAudioFormat } from '../../src/audio/format-detection.js';
import { scratchFolder } from '../helpers/scratch.js';

/**
 * Property tests over the parsers that read untrusted bytes: for any input, a valid result or a typed
 * EchoLensError — never a crash (TypeError, RangeError), a hang or a huge allocation. Each property
 * runs for a bounded time (a few seconds), with inputs biased towards the formats' own magic numbers so
 * the fuzzer gets past the first check.
 */
const TIME_LIMIT_MS = 3_000;
const settings = { numRuns: 100_000, interruptAfterTimeLimit: TIME_LIMIT_MS, seed: 20_241_129 };
const { root } = scratchFolder('echolens-fuzz-');

const ascii = (text: string) => [...text].map((character) => character.charCodeAt(0));
const le32 = (value: number) => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];

/** Random bytes, or random bytes after a plausible header of one of the formats we detect. */
const audioLikeBytes = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc
    .tuple(
      fc.constantFrom('RIFF', 'RF64', 'BW64'),
      fc.uint8Array({ maxLength: 400 }),
      fc.array(
        fc.record({
          id: fc.constantFrom('fmt ', 'data', 'ds64', 'LIST', 'fact'),
          size: fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(0, 0xffffffff, 16, 18, 40)),
          body: fc.uint8Array({ maxLength: 64 }),
        }),
        { maxLength: 4 },
      ),
    )
    .map(([riff, tail, chunks]) =>
      Uint8Array.from([
        ...ascii(riff),
        ...le32(tail.length),
        ...ascii('WAVE'),
        ...chunks.flatMap((chunk) => [...ascii(chunk.id), ...le32(chunk.size), ...chunk.body]),
        ...tail,
      ]),
    ),
  fc
    .tuple(
      fc.constantFrom('ID3', 'fLaC', 'OggS', '\xff\xfb', '\xff\xf1', 'ftyp'),
      fc.uint8Array({ maxLength: 512 }),
    )
    .map(([magic, rest]) => Uint8Array.from([...ascii(magic), ...rest])),
);

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Runs `work`; a thrown value must be an EchoLensError. */
async function typedOrValid(work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!EchoLensError.isInstance(error)) throw error;
  }
}

describe('fuzzing the readers of untrusted input', () => {
  it('the format detector: a format, a request for more bytes, or a typed error', () => {
    fc.assert(
      fc.property(audioLikeBytes, fc.boolean(), (head, complete) => {
        try {
          const detected = detectAudioFormat(head, { name: 'fuzz', complete });
          if ('needBytes' in detected) {
            expect(detected.needBytes).toBeGreaterThan(head.length);
            expect(detected.needBytes).toBeLessThanOrEqual(16 * 1024 * 1024 + 4096);
          } else {
            expect(typeof detected.description).toBe('string');
          }
        } catch (error) {
          if (!EchoLensError.isInstance(error)) throw error;
        }
      }),
      settings,
    );
  });

  it('the WAV reader: samples within the declared limits, or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(audioLikeBytes, fc.integer({ min: 1, max: 97 }), async (bytes, chunkSize) => {
        await typedOrValid(async () => {
          let samples = 0;
          for await (const block of decodeWav(chunked(bytes, chunkSize), { name: 'fuzz' })) {
            expect(block.sampleRate).toBeGreaterThanOrEqual(2_000);
            expect(block.channels.length).toBeLessThanOrEqual(32);
            for (const channel of block.channels) {
              expect(channel.length).toBe(block.channels[0]?.length);
              samples += channel.length;
              for (const value of channel) expect(Number.isFinite(value)).toBe(true);
            }
          }
          // Never more samples than the bytes could hold.
          expect(samples).toBeLessThanOrEqual(bytes.length);
        });
      }),
      settings,
    );
  });

  it('the MP3 frame chain follower: bounded counts on any byte stream', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        const chain = new MpegFrameChain();
        for (const chunk of chunks) chain.push(chunk);
        const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
        expect(chain.skippedBytes).toBeLessThanOrEqual(total);
        expect(chain.frames).toBeLessThanOrEqual(Math.ceil(total / 4));
      }),
      settings,
    );
  });

  it('the dialogue reader: a conversation or an InvalidInputError for any JSON value', () => {
    const turn = fc.record(
      {
        speaker: fc.oneof(fc.constantFrom('agent', 'customer'), fc.string()),
        text: fc.oneof(fc.string(), fc.constantFrom('constructor', '__proto__', 'toString 4111', '')),
        startSec: fc.oneof(fc.double(), fc.nat()),
        endSec: fc.oneof(fc.double(), fc.nat()),
      },
      { requiredKeys: [] },
    );
    const dialogue = fc.oneof(
      fc.jsonValue(),
      fc.record({ id: fc.string(), turns: fc.array(turn, { maxLength: 6 }) }, { requiredKeys: ['turns'] }),
    );
    fc.assert(
      fc.property(dialogue, (value) => {
        try {
          const conversation = conversationFromDialogue(value as never, 'fuzz');
          expect(conversation.turns.length).toBeGreaterThan(0);
          for (const item of conversation.turns) expect(['agent', 'customer']).toContain(item.role);
        } catch (error) {
          if (!EchoLensError.isInstance(error) || error.code !== 'invalid_input') throw error;
        }
      }),
      settings,
    );
  });

  it('the dialogues file reader: every line read or reported, never a throw', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((value) => JSON.stringify(value)),
          ),
          { maxLength: 6 },
        ),
        async (lines) => {
          const file = join(root, `lines-${run++}.jsonl`);
          writeFileSync(file, lines.join('\n'));
          const read = await readDialogues(file);
          const nonEmpty = lines
            .join('\n')
            .split(/\r?\n/)
            .filter((line) => line.trim()).length;
          expect(read.dialogues.length + read.errors.length).toBe(nonEmpty);
        },
      ),
      { ...settings, numRuns: 300 },
    );
  });

  it('redaction: ordered, non-overlapping spans inside the text for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .array(
              fc.constantFrom(
                'my',
                'card',
                'is',
                'four',
                'oh',
                'double',
                'twenty',
                '4111',
                '-',
                '@',
                'dot',
                'at',
                'com',
                'name',
                'Mr.',
                'Smith',
                'expires',
                '04/27',
                'cvv',
                'Street',
                '12',
                'constructor',
                '\n',
                'hi',
              ),
              { maxLength: 60 },
            )
            .map((words) => words.join(' ')),
        ),
        (text) => {
          let end = 0;
          for (const span of findPii(text)) {
            expect(span.start).toBeGreaterThanOrEqual(end);
            expect(span.end).toBeGreaterThan(span.start);
            expect(span.end).toBeLessThanOrEqual(text.length);
            end = span.end;
          }
        },
      ),
      settings,
    );
  });
});
