/**
 * Deterministic uniform numbers in [0, 1) (mulberry32): every bench input built from a seed is the same
 * on every machine and run. (`@echolens/core/testing` keeps its own copy: a published package cannot
 * import from bench/.)
 */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
