// Speech coverage: the share of voiced seconds (the VAD's speech regions, per channel) that lie
// within COVERAGE_MARGIN_SEC of a transcribed word. The margin bridges the ordinary pauses between
// words (up to twice the margin) so that only stretches of speech without any text count as lost.
// Fixed before measuring; not tuned.
export const COVERAGE_MARGIN_SEC = 0.25;

/** Total length of the intersection of two sorted, non-overlapping span lists. */
function overlapSec(a, b) {
  let total = 0;
  let j = 0;
  for (const span of a) {
    while (j < b.length && b[j].endSec <= span.startSec) j++;
    for (let k = j; k < b.length && b[k].startSec < span.endSec; k++) {
      total += Math.max(0, Math.min(span.endSec, b[k].endSec) - Math.max(span.startSec, b[k].startSec));
    }
  }
  return total;
}

/** Sorted union of spans. */
function union(spans) {
  const sorted = [...spans].sort((x, y) => x.startSec - y.startSec);
  const merged = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.startSec <= last.endSec) last.endSec = Math.max(last.endSec, span.endSec);
    else merged.push({ startSec: span.startSec, endSec: span.endSec });
  }
  return merged;
}

/**
 * @param {{startSec:number,endSec:number}[][]} speech VAD regions per channel
 * @param {{channel?:number, startSec:number, endSec:number, words?:{startSec:number,endSec:number}[]}[]} segments
 * @returns {{ voicedSec: number, coveredSec: number, coverage: number }}
 */
export function speechCoverage(speech, segments) {
  let voicedSec = 0;
  let coveredSec = 0;
  speech.forEach((regions, channel) => {
    const voiced = union(regions);
    const words = segments
      .filter((segment) => (segment.channel ?? 0) === channel)
      .flatMap((segment) => segment.words ?? [segment])
      .map((word) => ({
        startSec: word.startSec - COVERAGE_MARGIN_SEC,
        endSec: word.endSec + COVERAGE_MARGIN_SEC,
      }));
    voicedSec += voiced.reduce((sum, span) => sum + span.endSec - span.startSec, 0);
    coveredSec += overlapSec(voiced, union(words));
  });
  return { voicedSec, coveredSec, coverage: voicedSec > 0 ? coveredSec / voicedSec : 1 };
}
