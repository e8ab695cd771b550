import { normalizeWords, STOPWORDS } from '../analyze/text.js';
import type {
  AggregateReport,
  CallSummaryRow,
  CommitmentRow,
  CommitmentStatus,
} from '../schema/aggregate.js';

/**
 * Whether what was promised to a customer was kept, from stored analyses alone. Each call's memory box
 * lists what is still owed after it, earlier calls' unsettled items included. So a commitment made in
 * one call is *kept* by the first later call of the same customer (by `startedAt`) that no longer lists
 * it and did not leave the customer unresolved; until then it is due, overdue (its date has passed at
 * `asOf`) or open (no date was said). Commitments of calls without a `customerId` cannot be followed
 * and are only ever due, overdue or open.
 */

type CommitmentStats = AggregateReport['commitments'];
type Item = CommitmentStats['items'][number];

/** Most commitments listed in the report; the counts cover them all. */
const MAX_LISTED = 500;
/** Two wordings name the same commitment when they share at least half their content words. */
const SAME_COMMITMENT = 0.5;

function contentSet(text: string): Set<string> {
  return new Set(normalizeWords(text).filter((word) => !STOPWORDS.has(word)));
}

function sameCommitment(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared) >= SAME_COMMITMENT;
}

const callTime = (row: CallSummaryRow) => row.startedAt ?? row.analyzedAt ?? '';

/** End of the due day, so a promise "by Friday" settled on Friday is on time. */
function dueEnd(dueDate: string | null): number | undefined {
  if (!dueDate) return undefined;
  const time = Date.parse(`${dueDate}T23:59:59.999Z`);
  return Number.isNaN(time) ? undefined : time;
}

interface Pending {
  row: CommitmentRow;
  words: Set<string>;
  call: CallSummaryRow;
}

function unsettledStatus(row: CommitmentRow, asOf: number): CommitmentStatus {
  const end = dueEnd(row.dueDate);
  if (end === undefined) return 'open';
  return end < asOf ? 'overdue' : 'due';
}

function itemOf(pending: Pending, status: CommitmentStatus, settledBy?: CallSummaryRow): Item {
  const { call, row } = pending;
  return {
    ...row,
    callId: call.callId,
    ...(call.customerId ? { customerId: call.customerId } : {}),
    ...(call.agentId ? { agentId: call.agentId } : {}),
    ...(call.startedAt ? { madeAt: call.startedAt } : {}),
    status,
    ...(settledBy ? { settledByCallId: settledBy.callId } : {}),
  };
}

/** Follows every commitment through the customer's later calls. */
export function trackCommitments(rows: Iterable<CallSummaryRow>, asOf: Date): CommitmentStats {
  const now = asOf.getTime();
  const byCustomer = new Map<string, CallSummaryRow[]>();
  const items: Item[] = [];
  for (const row of rows) {
    if (row.commitments.length === 0 && !row.customerId) continue;
    if (!row.customerId) {
      for (const commitment of row.commitments) {
        const pending = { row: commitment, words: new Set<string>(), call: row };
        items.push(itemOf(pending, unsettledStatus(commitment, now)));
      }
      continue;
    }
    const calls = byCustomer.get(row.customerId) ?? [];
    calls.push(row);
    byCustomer.set(row.customerId, calls);
  }

  for (const calls of byCustomer.values()) {
    calls.sort((a, b) => (callTime(a) < callTime(b) ? -1 : callTime(a) > callTime(b) ? 1 : 0));
    let pending: Pending[] = [];
    for (const call of calls) {
      const listed = call.commitments.map((row) => ({ row, words: contentSet(row.text) }));
      const stillOwed: Pending[] = [];
      for (const earlier of pending) {
        const carried = listed.some((entry) => sameCommitment(entry.words, earlier.words));
        if (carried || call.resolution === 'unresolved') {
          stillOwed.push(earlier);
          continue;
        }
        const end = dueEnd(earlier.row.dueDate);
        const settledAt = Date.parse(callTime(call));
        const late = end !== undefined && !Number.isNaN(settledAt) && settledAt > end;
        items.push(itemOf(earlier, late ? 'kept_late' : 'kept', call));
      }
      const fresh = listed
        .filter((entry) => !pending.some((earlier) => sameCommitment(entry.words, earlier.words)))
        .map((entry) => ({ ...entry, call }));
      pending = [...stillOwed, ...fresh];
    }
    for (const left of pending) items.push(itemOf(left, unsettledStatus(left.row, now)));
  }

  const counts = () => ({ total: 0, kept: 0, keptLate: 0, overdue: 0, due: 0, open: 0 });
  const stats = { callback: counts(), action: counts() };
  for (const item of items) {
    const bucket = stats[item.kind];
    bucket.total++;
    if (item.status === 'kept_late') bucket.keptLate++;
    else bucket[item.status]++;
  }
  const order: Record<CommitmentStatus, number> = { overdue: 0, due: 1, open: 2, kept_late: 3, kept: 4 };
  items.sort(
    (a, b) =>
      order[a.status] - order[b.status] ||
      (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') ||
      a.callId.localeCompare(b.callId),
  );
  return { ...stats, items: items.slice(0, MAX_LISTED) };
}
