/**
 * The CLI's exit codes, so scripts can tell a clean run from a partial one without parsing output.
 * Documented in docs/getting-started.md.
 */
export const EXIT_CODES = {
  /** Every input was processed as asked. */
  ok: 0,
  /** At least one input failed (the others completed and their results were written). */
  someFailed: 1,
  /** Nothing was processed: a usage or configuration problem found before any work. */
  unusable: 2,
  /** Every input was processed, but some fell back to a weaker method (see the summary and report). */
  degraded: 3,
  /** Interrupted (Ctrl-C): results finished before the interruption were kept. */
  interrupted: 130,
} as const;

/** The exit code for a finished batch: a failure outweighs a fallback. */
export function exitCodeFor(outcome: { failed: number; degraded: number; interrupted: boolean }): number {
  if (outcome.interrupted) return EXIT_CODES.interrupted;
  if (outcome.failed > 0) return EXIT_CODES.someFailed;
  if (outcome.degraded > 0) return EXIT_CODES.degraded;
  return EXIT_CODES.ok;
}
