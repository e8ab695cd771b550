import type { PcmReader } from '@echolens/provider';
import type { SpeechRegion } from '../schema/prepared-audio.js';

/**
 * Correlation above which two channels carry the same signal (a mono recording saved as stereo,
 * possibly re-encoded). A stereo call's channels, even with heavy crosstalk, stay far below it:
 * the bleed is attenuated, delayed and mixed with the other side's own voice.
 */
const COPY_CORRELATION = 0.97;
/** Seconds of speech compared; enough to be sure, little enough to read quickly. */
const COMPARED_SEC = 20;

function correlation(a: Float32Array, b: Float32Array): number {
  const length = Math.min(a.length, b.length);
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < length; i++) {
    sumA += a[i] as number;
    sumB += b[i] as number;
  }
  const meanA = sumA / length;
  const meanB = sumB / length;
  let product = 0;
  let squareA = 0;
  let squareB = 0;
  for (let i = 0; i < length; i++) {
    const x = (a[i] as number) - meanA;
    const y = (b[i] as number) - meanB;
    product += x * y;
    squareA += x * x;
    squareB += y * y;
  }
  return squareA > 0 && squareB > 0 ? product / Math.sqrt(squareA * squareB) : 0;
}

/** The longest speech regions of a channel, up to COMPARED_SEC in total, as sample ranges. */
function comparisonSpans(regions: readonly SpeechRegion[], rate: number): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let total = 0;
  for (const region of [...regions].sort((a, b) => b.endSec - b.startSec - (a.endSec - a.startSec))) {
    if (total >= COMPARED_SEC) break;
    const seconds = Math.min(region.endSec - region.startSec, COMPARED_SEC - total);
    const start = Math.round(region.startSec * rate);
    spans.push({ start, end: start + Math.round(seconds * rate) });
    total += seconds;
  }
  return spans;
}

/**
 * Channels worth transcribing: a channel that is a copy of an earlier kept one (same samples up
 * to level and encoding noise) is left out, so a mono recording stored as stereo is transcribed
 * once rather than twice. Real multi-channel calls keep every channel.
 */
export async function distinctChannels(
  pcm: PcmReader,
  speech: readonly (readonly SpeechRegion[])[],
): Promise<number[]> {
  const kept: number[] = [];
  for (let channel = 0; channel < pcm.channelCount; channel++) {
    let copy = false;
    for (const earlier of kept) {
      const spans = comparisonSpans(speech[earlier] ?? [], pcm.sampleRate);
      if (spans.length === 0) continue;
      let weighted = 0;
      let length = 0;
      for (const span of spans) {
        const [a, b] = await Promise.all([
          pcm.read(earlier, span.start, span.end),
          pcm.read(channel, span.start, span.end),
        ]);
        weighted += correlation(a, b) * a.length;
        length += a.length;
      }
      if (length > 0 && weighted / length >= COPY_CORRELATION) {
        copy = true;
        break;
      }
    }
    if (!copy) kept.push(channel);
  }
  return kept;
}
