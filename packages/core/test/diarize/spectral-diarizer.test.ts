import type { Diarization } from '@echolens/provider';
import { ConfigurationError } from '@echolens/provider';
import { describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import { createSpectralDiarizer } from '../../src/diarize/spectral-diarizer.js';
import { dataPath } from '../helpers/data.js';
import { diarizerAudio } from './audio-fixture.js';

async function diarizeFile(path: string, options: { minSpeakers?: number; maxSpeakers?: number } = {}) {
  const audio = await prepareAudio({ source: path });
  try {
    const progress: number[] = [];
    const diarization = await createSpectralDiarizer().diarize(
      { audio },
      { ...options, onProgress: (fraction) => progress.push(fraction) },
    );
    return { diarization, progress };
  } finally {
    await audio.dispose();
  }
}

const speakersWithSpeech = (diarization: Diarization, minimumSec = 1) =>
  diarization.speakers.filter((speaker) => speaker.speechSec >= minimumSec).length;

describe('spectral diarizer (mono, no model download)', () => {
  it('finds two speakers in a two-person conversation', async () => {
    const { diarization, progress } = await diarizeFile(dataPath('calls/azure-katiesteve-two-speakers.wav'));
    expect(diarization.speakers).toHaveLength(2);
    expect(speakersWithSpeech(diarization, 3)).toBe(2);
    expect(progress.at(-1)).toBe(1);
    // Speakers alternate: several turns each, in time order.
    expect(diarization.segments.length).toBeGreaterThan(4);
    const starts = diarization.segments.map((segment) => segment.startSec);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('finds two speakers in a two-speaker AMI meeting excerpt', async () => {
    const { diarization } = await diarizeFile(dataPath('diarization/audio/ami-excerpt-dev00.wav'));
    expect(diarization.speakers).toHaveLength(2);
  });

  it.each([
    'diarization/audio/ami-excerpt-trn02.wav',
    'asr/audio/jfk.wav',
    'asr/audio/fleurs-en-000.wav',
    'asr/audio/librivox-sense-and-sensibility-0930.wav',
  ])('finds one speaker in %s', async (path) => {
    const { diarization } = await diarizeFile(dataPath(path));
    expect(diarization.speakers).toHaveLength(1);
  });

  it('honours speaker-count hints', async () => {
    const { diarization } = await diarizeFile(dataPath('asr/audio/jfk.wav'), {
      minSpeakers: 2,
      maxSpeakers: 2,
    });
    expect(diarization.speakers).toHaveLength(2);
    await expect(
      createSpectralDiarizer().diarize(
        { audio: diarizerAudio([new Float32Array(16_000)]) },
        { minSpeakers: 3, maxSpeakers: 2 },
      ),
    ).rejects.toSatisfy(ConfigurationError.isInstance);
  });

  it('returns no speakers for silence and stops when aborted', async () => {
    const silent = await createSpectralDiarizer().diarize({
      audio: diarizerAudio([new Float32Array(5 * 16_000)]),
    });
    expect(silent.speakers).toEqual([]);
    const controller = new AbortController();
    controller.abort();
    await expect(
      createSpectralDiarizer().diarize(
        { audio: diarizerAudio([new Float32Array(16_000)]) },
        { signal: controller.signal },
      ),
    ).rejects.toThrow();
  });
});
