export function normaliseWords(text: string): string[];
export function wordEditDistance(reference: readonly string[], hypothesis: readonly string[]): number;
export function wordErrorRate(
  reference: string,
  hypothesis: string,
): { errors: number; words: number; wer: number };
