import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import { dataPath } from '../helpers/data.js';
import { encodeWav, readPcm16Wav } from './signals.js';

const scratch = mkdtempSync(join(tmpdir(), 'echolens-memory-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const MINUTES = 60;
const SOURCE_RATE = 8000; // telephone audio, so the resampler runs the whole way

/**
 * Writes an hour-long 8 kHz 16-bit WAV by repeating a real utterance (jfk, decimated to 8 kHz) with
 * two-second pauses, streaming it to disk so the test itself never holds the hour in memory.
 */
async function writeLongWav(path: string): Promise<number> {
  const utterance = readPcm16Wav(dataPath('asr', 'audio', 'jfk.wav')).channels[0]!.filter(
    (_, index) => index % 2 === 0,
  );
  const pause = new Float32Array(SOURCE_RATE * 2);
  const block = encodeWav([Float32Array.from([...utterance, ...pause])], SOURCE_RATE, 's16');
  const header = block.subarray(0, block.length - (utterance.length + pause.length) * 2);
  const body = block.subarray(header.length);
  const totalFrames = MINUTES * 60 * SOURCE_RATE;
  const dataBytes = totalFrames * 2;
  // Same header with the sizes of the long file.
  const longHeader = Buffer.from(header);
  longHeader.writeUInt32LE(longHeader.length - 8 + dataBytes, 4);
  longHeader.writeUInt32LE(dataBytes, longHeader.length - 4);
  const out = createWriteStream(path);
  out.write(longHeader);
  for (let written = 0; written < dataBytes; written += body.length) {
    if (!out.write(body.subarray(0, Math.min(body.length, dataBytes - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return totalFrames;
}

describe('memory does not grow with recording length', () => {
  it(`prepares ${MINUTES} minutes of audio without holding it in the JS heap`, async () => {
    const path = join(scratch, 'hour.wav');
    const frames = await writeLongWav(path);
    expect(statSync(path).size).toBeGreaterThan(frames * 2);
    const pcmBytes = MINUTES * 60 * 16_000 * 4;

    const temp = mkdtempSync(join(scratch, 'pcm-'));

    const used = () => {
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers; // typed-array data lives outside the heap proper
    };
    const baseline = used();
    let peak = baseline;
    const audio = await prepareAudio(
      { source: path },
      { vad: 'energy', tempDirectory: temp, onProgress: () => (peak = Math.max(peak, used())) },
    );
    try {
      expect(audio.durationSec).toBeCloseTo(MINUTES * 60, 3);
      expect(audio.pcm.length).toBe(MINUTES * 60 * 16_000);
      // The PCM is on disk, one file per channel, not in memory.
      const [workspace] = readdirSync(temp);
      const files = readdirSync(join(temp, workspace!));
      expect(files).toEqual(['channel-0.f32']);
      expect(statSync(join(temp, workspace!, files[0]!)).size).toBe(pcmBytes);
      // Speech was found all through the hour (one utterance every 13 s).
      expect(audio.speech[0]!.length).toBeGreaterThan(MINUTES * 4);
      expect(audio.speech[0]!.at(-1)!.startSec).toBeGreaterThan(MINUTES * 60 - 30);
      // Reading the last minute back works like reading the first.
      const lastMinute = await audio.pcm.read(0, audio.pcm.length - 16_000 * 60, audio.pcm.length);
      expect(lastMinute).toHaveLength(16_000 * 60);

      const growth = peak - baseline;
      console.info(
        `memory: peak growth ${(growth / 2 ** 20).toFixed(1)} MiB while preparing ${(pcmBytes / 2 ** 20).toFixed(0)} MiB of PCM`,
      );
      expect(growth).toBeLessThan(pcmBytes / 4);
    } finally {
      await audio.dispose();
    }
    expect(readdirSync(temp)).toEqual([]);
  });
});
