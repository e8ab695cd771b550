import { readFileSync } from 'node:fs';
import type { Diarization } from '@echolens/provider';
import { ConfigurationError } from '@echolens/provider';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import { diarizationErrorRate, type LabelledSpan } from '../../src/diarize/der.js';
import { parseRttm } from '../../src/diarize/rttm.js';
import { createSpectralDiarizer } from '../../src/diarize/spectral-diarizer.js';
import { dataPath } from '../helpers/data.js';
import { decodeChannels, diarizerAudio } from './audio-fixture.js';

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

/** A turn of one voice: its samples (16 kHz) and who it is. */
interface Turn {
  speaker: string;
  samples: Float32Array;
}

/** Stretches of a reference in which `speaker` talks and nobody else does, at least `minimumSec` long. */
function soloStretches(reference: readonly LabelledSpan[], speaker: string, minimumSec: number) {
  const others = reference.filter((segment) => segment.speaker !== speaker);
  return reference
    .filter((segment) => segment.speaker === speaker)
    .flatMap((segment) =>
      others.reduce<{ startSec: number; endSec: number }[]>(
        (spans, other) =>
          spans.flatMap((span) =>
            other.endSec <= span.startSec || other.startSec >= span.endSec
              ? [span]
              : [
                  { startSec: span.startSec, endSec: other.startSec },
                  { startSec: other.endSec, endSec: span.endSec },
                ],
          ),
        [{ startSec: segment.startSec, endSec: segment.endSec }],
      ),
    )
    .filter((span) => span.endSec - span.startSec >= minimumSec);
}

function turnsOf(
  samples: Float32Array,
  spans: readonly { startSec: number; endSec: number }[],
  speaker: string,
) {
  return spans.map((span) => ({
    speaker,
    samples: samples.slice(Math.round(span.startSec * 16_000), Math.round(span.endSec * 16_000)),
  }));
}

/**
 * A mono recording of turns separated by 0.6 s pauses, prepared as the pipeline prepares any input
 * (Silero speech regions), with the reference (each turn spoken throughout).
 */
async function assemble(turns: readonly Turn[]) {
  const gap = Math.round(0.6 * 16_000);
  const samples = new Float32Array(turns.reduce((sum, turn) => sum + turn.samples.length + gap, gap));
  const reference: LabelledSpan[] = [];
  let offset = gap;
  for (const turn of turns) {
    samples.set(turn.samples, offset);
    reference.push({
      speaker: turn.speaker,
      startSec: offset / 16_000,
      endSec: (offset + turn.samples.length) / 16_000,
    });
    offset += turn.samples.length + gap;
  }
  const audio = await prepareAudio({
    source: new Uint8Array(samples.buffer),
    name: 'assembled',
    rawFormat: { sampleRate: 16_000, encoding: 'pcm_f32le', channels: 1 },
  });
  try {
    return { diarization: await createSpectralDiarizer().diarize({ audio }), reference };
  } finally {
    await audio.dispose();
  }
}

/** DER against labelling the same speech as one speaker: what a diarizer that invents nobody would get. */
function againstOneSpeaker(reference: readonly LabelledSpan[], diarization: Diarization) {
  const oneSpeaker = diarization.segments.map((segment) => ({ ...segment, speaker: 'spk_0' }));
  return {
    der: diarizationErrorRate(reference, diarization.segments, { collarSec: 0.25 }).diarizationErrorRate,
    oneSpeakerDer: diarizationErrorRate(reference, oneSpeaker, { collarSec: 0.25 }).diarizationErrorRate,
  };
}

describe('spectral diarizer speaker count: one voice is one speaker, a few seconds are no speaker', () => {
  // The stereo call's legs: each channel is one person on a telephone line, its turns in the RTTM.
  const callReference = parseRttm(
    readFileSync(dataPath('diarization/rttm/aws-lca-auto-repairs-49.rttm'), 'utf8'),
  );
  let agentTurns: Turn[];
  let customerTurns: Turn[];
  beforeAll(() => {
    const [agent, customer] = decodeChannels(dataPath('diarization/stereo/aws-lca-auto-repairs-49.wav'));
    agentTurns = turnsOf(agent!, soloStretches(callReference, 'agent', 1), 'agent');
    customerTurns = turnsOf(customer!, soloStretches(callReference, 'customer', 0.5), 'customer');
  });

  it('finds one speaker in a minute of one telephone voice (the agent leg of a real call)', async () => {
    const { diarization } = await assemble(agentTurns.slice(0, 14));
    expect(diarization.speakers).toHaveLength(1);
  });

  it('finds one speaker in a telephone-band (8 kHz µ-law) copy of a one-speaker recording', async () => {
    const { diarization } = await diarizeFile(dataPath('formats/jfk-transcoded-8k-mulaw.wav'));
    expect(diarization.speakers).toHaveLength(1);
  });

  it('invents no speaker where one voice holds over 90 % of the speech (agent with two short replies)', async () => {
    const long = agentTurns.slice(0, 14);
    const replies = customerTurns.filter((turn) => turn.samples.length <= 1.5 * 16_000).slice(0, 2);
    const { diarization, reference } = await assemble([
      ...long.slice(0, 5),
      replies[0]!,
      ...long.slice(5, 10),
      replies[1]!,
      ...long.slice(10),
    ]);
    const replySec = replies.reduce((sum, turn) => sum + turn.samples.length / 16_000, 0);
    const totalSec = reference.reduce((sum, span) => sum + span.endSec - span.startSec, 0);
    expect(replySec / totalSec).toBeLessThan(0.1);
    const { der, oneSpeakerDer } = againstOneSpeaker(reference, diarization);
    expect(der).toBeLessThanOrEqual(oneSpeakerDer + 1e-9);
  });

  it('invents no speaker in a meeting stretch where one person holds the floor (AMI, human labels)', async () => {
    const reference = parseRttm(readFileSync(dataPath('diarization/rttm/ami-excerpt-dev00.rttm'), 'utf8'));
    const [mix] = decodeChannels(dataPath('diarization/audio/ami-excerpt-dev00.wav'));
    const main = turnsOf(mix!, soloStretches(reference, 'MEE009', 1), 'MEE009');
    const other = turnsOf(mix!, soloStretches(reference, 'MEE012', 1), 'MEE012').find(
      (turn) => turn.samples.length <= 2 * 16_000,
    )!;
    const assembled = await assemble([...main.slice(0, 2), other, ...main.slice(2)]);
    const { der, oneSpeakerDer } = againstOneSpeaker(assembled.reference, assembled.diarization);
    expect(der).toBeLessThanOrEqual(oneSpeakerDer + 1e-9);
  });

  it('still finds two speakers in a real two-party telephone call (the mono mix of the stereo call)', async () => {
    const { diarization } = await diarizeFile(dataPath('diarization/audio/aws-lca-auto-repairs-49.wav'));
    expect(speakersWithSpeech(diarization, 20)).toBe(2);
    expect(diarization.speakers).toHaveLength(2);
  });
});
