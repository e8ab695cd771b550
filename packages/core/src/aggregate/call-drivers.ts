import { stem } from '../analyze/text.js';
import { contentHash } from '../cache/hash.js';
import type { AggregateReport } from '../schema/aggregate.js';

/**
 * Call drivers: calls the taxonomy could not place (`other`) grouped by the words their customers used,
 * so a new reason for calling shows up as a named group with a representative call before anyone edits
 * the taxonomy. Words are stemmed and weighted by inverse document frequency; calls join the most
 * similar group (cosine of their word vectors) or start one; a few re-assignment rounds then settle the
 * groups (k-means with the number of groups found, not chosen). Deterministic: calls are visited in the
 * order of a hash of their ids, not in arrival order.
 */

type CallDrivers = AggregateReport['callDrivers'];

export interface CallDriverOptions {
  /** A call joins a group when its cosine similarity to the group's centre is at least this (default 0.25). */
  similarity?: number;
  /** Smallest group reported (default 3 calls). */
  minCalls?: number;
  /** Calls clustered at most; beyond it a hashed sample is clustered and the rest assigned (default 3000). */
  maxClustered?: number;
}

type Vector = Map<string, number>;

interface Document {
  callId: string;
  vector: Vector;
}

const REFINEMENT_ROUNDS = 3;
/** Call ids listed per group; the count covers them all. */
const MAX_LISTED = 200;

function cosine(a: Vector, b: Vector, bNorm: number): number {
  if (bNorm === 0) return 0;
  let dot = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [term, weight] of small) {
    const other = large.get(term);
    if (other !== undefined) dot += weight * other;
  }
  return dot / bNorm;
}

function norm(vector: Vector): number {
  let sum = 0;
  for (const weight of vector.values()) sum += weight * weight;
  return Math.sqrt(sum);
}

class Group {
  readonly sum: Vector = new Map();
  readonly members: Document[] = [];
  private cachedNorm = 0;
  add(document: Document): void {
    this.members.push(document);
    for (const [term, weight] of document.vector) this.sum.set(term, (this.sum.get(term) ?? 0) + weight);
    this.cachedNorm = norm(this.sum);
  }
  similarity(document: Document): number {
    return cosine(document.vector, this.sum, this.cachedNorm);
  }
}

function assign(documents: readonly Document[], centres: readonly Group[], threshold: number): Group[] {
  const groups: Group[] = centres.map(() => new Group());
  const created: Group[] = [];
  for (const document of documents) {
    let best = -1;
    let bestScore = threshold;
    centres.forEach((centre, index) => {
      const score = centre.similarity(document);
      if (score >= bestScore) {
        best = index;
        bestScore = score;
      }
    });
    if (best >= 0) (groups[best] as Group).add(document);
    else {
      // Leader clustering: no group is close enough, so this call starts one.
      const fresh = created.find((group) => group.similarity(document) >= threshold);
      if (fresh) fresh.add(document);
      else {
        const group = new Group();
        group.add(document);
        created.push(group);
      }
    }
  }
  return [...groups, ...created].filter((group) => group.members.length > 0);
}

/** Groups `other`-topic calls by their words. `calls` gives each call's content words (`CallSummaryRow.terms`). */
export function clusterCallDrivers(
  calls: readonly { callId: string; terms: readonly string[] }[],
  options: CallDriverOptions = {},
): CallDrivers {
  const threshold = options.similarity ?? 0.25;
  const minCalls = options.minCalls ?? 3;
  const maxClustered = options.maxClustered ?? 3000;

  // Stems, each with the word people used most for it (for naming the groups).
  const surface = new Map<string, Map<string, number>>();
  const documentFrequency = new Map<string, number>();
  const stemmed = calls.map((call) => {
    const stems = new Set<string>();
    for (const word of call.terms) {
      const root = stem(word);
      stems.add(root);
      const forms = surface.get(root) ?? new Map<string, number>();
      forms.set(word, (forms.get(word) ?? 0) + 1);
      surface.set(root, forms);
    }
    for (const root of stems) documentFrequency.set(root, (documentFrequency.get(root) ?? 0) + 1);
    return { callId: call.callId, stems };
  });
  const total = calls.length;
  const documents: Document[] = [];
  for (const { callId, stems } of stemmed) {
    const vector: Vector = new Map();
    for (const root of stems) {
      const frequency = documentFrequency.get(root) ?? 0;
      // A word only one call uses cannot group calls; it would only dilute the similarity.
      if (frequency < 2) continue;
      vector.set(root, Math.log((total + 1) / (frequency + 1)) + 1);
    }
    const length = norm(vector);
    if (length === 0) continue;
    for (const [root, weight] of vector) vector.set(root, weight / length);
    documents.push({ callId, vector });
  }

  const ordered = documents
    .map((document) => ({ document, key: contentHash(document.callId) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((entry) => entry.document);
  const sample = ordered.slice(0, maxClustered);
  let groups = assign(sample, [], threshold);
  for (let round = 0; round < REFINEMENT_ROUNDS; round++) groups = assign(sample, groups, threshold);
  if (ordered.length > sample.length) groups = assign(ordered, groups, threshold);

  const named = (root: string) =>
    [...(surface.get(root)?.entries() ?? [])].sort(
      (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
    )[0]?.[0] ?? root;
  const clusters = groups
    .filter((group) => group.members.length >= minCalls)
    .map((group) => {
      const terms = [...group.sum.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 3)
        .map(([root]) => named(root));
      const representative = [...group.members].sort(
        (a, b) => group.similarity(b) - group.similarity(a) || a.callId.localeCompare(b.callId),
      )[0] as Document;
      return {
        name: terms.join(' · '),
        terms,
        calls: group.members.length,
        share: total > 0 ? Number((group.members.length / total).toFixed(4)) : 0,
        representativeCallId: representative.callId,
        callIds: group.members
          .map((member) => member.callId)
          .sort()
          .slice(0, MAX_LISTED),
      };
    })
    .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
  const clustered = clusters.reduce((sum, cluster) => sum + cluster.calls, 0);
  return { otherCalls: total, clusters, unclustered: total - clustered };
}
