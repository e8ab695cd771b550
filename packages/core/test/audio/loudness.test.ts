import { describe, expect, it } from 'vitest';
import { NORMALISATION_RULE, normalisationGainDb } from '../../src/audio/loudness.js';
import { prepareAudio } from '../../src/audio/prepare.js';
import { dataPath, readManifest } from '../helpers/data.js';
import { encodeWav, peak, readChannel, readPcm16Wav, rms, toDb, whiteNoise } from './signals.js';

interface AsrRow {
  audio: string;
  original?: string;
  peak_dbfs: number;
  rms_dbfs: number;
}

const rows = readManifest<AsrRow>('asr', 'manifest.jsonl');
/** The clips the data notes call "very quiet in the source" (peak −40 to −48 dBFS), picked by level. */
const quiet = rows.filter((row) => row.peak_dbfs < -35);

/** Level of the loudest 5 % of 32 ms frames: roughly how loud the speech is. */
function speechLevelDb(samples: Float32Array): number {
  const levels: number[] = [];
  for (let start = 0; start + 512 <= samples.length; start += 512)
    levels.push(toDb(rms(samples, start, start + 512) + 1e-12));
  levels.sort((a, b) => a - b);
  return levels[Math.floor(levels.length * 0.95)]!;
}

describe('loudness measurement', () => {
  it('peak and RMS match the manifest for every ASR clip', async () => {
    for (const row of rows) {
      const audio = await prepareAudio({ source: row.audio }, { vad: false });
      expect(audio.loudness[0]!.peakDbfs, row.audio).toBeCloseTo(row.peak_dbfs, 0);
      expect(audio.loudness[0]!.rmsDbfs, row.audio).toBeCloseTo(row.rms_dbfs, 0);
      await audio.dispose();
    }
  });

  it('digital silence reports −120 dBFS and gets no gain', async () => {
    const silence = encodeWav([new Float32Array(16_000 * 5)], 16_000, 's16');
    const audio = await prepareAudio({ source: silence, name: 'silence.wav' }, { vad: false });
    expect(audio.loudness).toEqual([{ channel: 0, peakDbfs: -120, rmsDbfs: -120, gainDb: 0 }]);
    await audio.dispose();
  });
});

describe('normalisation of quiet calls', () => {
  it('there are quiet clips to test with', () => {
    expect(quiet.length).toBeGreaterThanOrEqual(3);
  });

  for (const row of quiet) {
    for (const source of [row.audio, row.original].filter(Boolean) as string[]) {
      it(`${source.split('/').slice(-2).join('/')} is lifted to a normal speech level without clipping`, async () => {
        const audio = await prepareAudio({ source }, { vad: false });
        try {
          const { gainDb, peakDbfs } = audio.loudness[0]!;
          expect(peakDbfs).toBeLessThan(-35);
          expect(gainDb).toBeGreaterThan(25);
          expect(gainDb).toBeLessThanOrEqual(NORMALISATION_RULE.maxGainDb);
          const normalised = await readChannel(audio.pcm, 0);
          const normalisedPeak = toDb(peak(normalised));
          expect(normalisedPeak).toBeCloseTo(peakDbfs + gainDb, 1); // the gain is applied on read
          expect(normalisedPeak).toBeLessThanOrEqual(NORMALISATION_RULE.peakCeilingDbfs + 0.01);
          expect(normalisedPeak).toBeGreaterThan(-15);
          // Speech now sits where ordinary recordings (jfk, LibriSpeech: −10 … −20 dBFS) have it.
          expect(speechLevelDb(normalised)).toBeGreaterThan(-30);
        } finally {
          await audio.dispose();
        }
      });
    }
  }

  it('loud audio is left exactly as it was', async () => {
    const path = dataPath('asr', 'audio', 'jfk.wav');
    const audio = await prepareAudio({ source: path }, { vad: false });
    expect(audio.loudness[0]!.gainDb).toBe(0);
    const read = await readChannel(audio.pcm, 0);
    const original = readPcm16Wav(path).channels[0]!;
    expect(read.length).toBe(original.length);
    expect(read.every((sample, index) => sample === original[index])).toBe(true);
    await audio.dispose();
  });

  it('normalize: false never applies gain', async () => {
    const audio = await prepareAudio({ source: quiet[0]!.audio }, { vad: false, normalize: false });
    expect(audio.loudness[0]!.gainDb).toBe(0);
    await audio.dispose();
  });

  it('steady noise is not blown up, however quiet', async () => {
    for (const amplitude of [0.003, 0.05]) {
      const noise = encodeWav([whiteNoise(16_000 * 5, amplitude)], 16_000, 'f32');
      const audio = await prepareAudio({ source: noise, name: 'hiss.wav' }, { vad: false });
      expect(audio.loudness[0]!.rmsDbfs).toBeLessThan(-25);
      expect(audio.loudness[0]!.gainDb).toBe(0);
      await audio.dispose();
    }
  });

  it('each channel of a stereo call gets its own gain', async () => {
    const speech = readPcm16Wav(dataPath('asr', 'audio', 'jfk.wav')).channels[0]!;
    const farEnd = speech.map((sample) => sample * 10 ** (-45 / 20));
    const audio = await prepareAudio(
      { source: encodeWav([speech, farEnd], 16_000, 'f32'), name: 'call.wav' },
      { vad: false },
    );
    const [agent, customer] = audio.loudness;
    expect(agent!.gainDb).toBe(0);
    expect(customer!.gainDb).toBeGreaterThan(30);
    const left = await readChannel(audio.pcm, 0);
    const right = await readChannel(audio.pcm, 1);
    expect(Math.abs(speechLevelDb(right) - speechLevelDb(left))).toBeLessThan(15);
    await audio.dispose();
  });
});

describe('the gain rule', () => {
  const measurement = { peakDbfs: -40, rmsDbfs: -60, speechLevelDbfs: -50, floorLevelDbfs: -90 };

  it('lifts speech to the target, bounded by the peak ceiling and the cap', () => {
    expect(normalisationGainDb(measurement)).toBe(30);
    expect(normalisationGainDb({ ...measurement, peakDbfs: -25 })).toBe(24); // peak ceiling −1 dBFS
    expect(normalisationGainDb({ ...measurement, peakDbfs: -70, speechLevelDbfs: -75 })).toBe(40); // capped
  });

  it('never attenuates, never amplifies silence or dynamics-free signals', () => {
    expect(normalisationGainDb({ ...measurement, speechLevelDbfs: -12, peakDbfs: -3 })).toBe(0);
    expect(normalisationGainDb({ ...measurement, peakDbfs: -100, speechLevelDbfs: -110 })).toBe(0);
    expect(normalisationGainDb({ ...measurement, floorLevelDbfs: -55 })).toBe(0);
  });
});
