/**
 * Weeks as their Monday's date (YYYY-MM-DD, UTC): sortable as text, readable in a chart, and the same
 * convention as ISO 8601 weeks without the week-numbering corner cases at year ends.
 */

const DAY_MS = 86_400_000;

/** The Monday of the week `timestamp` falls in, or undefined for a missing or unparseable date. */
export function weekOf(timestamp: string | undefined): string | undefined {
  if (!timestamp) return undefined;
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return undefined;
  const day = Math.floor(time / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 → weekday 3 counting from Monday.
  const fromMonday = (((day + 3) % 7) + 7) % 7;
  return new Date((day - fromMonday) * DAY_MS).toISOString().slice(0, 10);
}

/** Every Monday from `first` to `last` inclusive, so weeks without calls show as zero, not as a gap. */
export function weeksBetween(first: string, last: string): string[] {
  const weeks: string[] = [];
  for (let time = Date.parse(first); time <= Date.parse(last); time += 7 * DAY_MS)
    weeks.push(new Date(time).toISOString().slice(0, 10));
  return weeks;
}
