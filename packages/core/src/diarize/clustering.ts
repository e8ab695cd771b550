/**
 * Average-linkage agglomerative clustering on cosine similarity. Returns the merge history, so the
 * partition for any number of clusters can be read off without clustering again.
 */
export interface Dendrogram {
  /** Number of leaves. */
  size: number;
  /** Merges in order: clusters `a` and `b` (ids of leaves or earlier merges) at `similarity`. */
  merges: { a: number; b: number; similarity: number }[];
}

export function agglomerate(vectors: readonly Float64Array[]): Dendrogram {
  const size = vectors.length;
  const similarity = new Float64Array(size * size);
  for (let i = 0; i < size; i++)
    for (let j = 0; j < i; j++) {
      const value = cosine(vectors[i]!, vectors[j]!);
      similarity[i * size + j] = value;
      similarity[j * size + i] = value;
    }
  const alive = new Uint8Array(size).fill(1);
  const members = new Float64Array(size).fill(1);
  // Slot `i` holds cluster `ids[i]`: leaves keep their index, a merge gets size + merge number.
  const ids = Int32Array.from({ length: size }, (_, i) => i);
  const merges: Dendrogram['merges'] = [];
  for (let step = 0; step < size - 1; step++) {
    let bestI = -1;
    let bestJ = -1;
    let best = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < size; i++) {
      if (!alive[i]) continue;
      for (let j = 0; j < i; j++) {
        if (alive[j] && similarity[i * size + j]! > best) {
          best = similarity[i * size + j]!;
          bestI = i;
          bestJ = j;
        }
      }
    }
    merges.push({ a: ids[bestJ]!, b: ids[bestI]!, similarity: best });
    // Lance-Williams update for average linkage, merged cluster kept in slot bestJ.
    const weightI = members[bestI]!;
    const weightJ = members[bestJ]!;
    for (let k = 0; k < size; k++) {
      if (!alive[k] || k === bestI || k === bestJ) continue;
      const value =
        (weightI * similarity[bestI * size + k]! + weightJ * similarity[bestJ * size + k]!) /
        (weightI + weightJ);
      similarity[bestJ * size + k] = value;
      similarity[k * size + bestJ] = value;
    }
    members[bestJ] = weightI + weightJ;
    alive[bestI] = 0;
    ids[bestJ] = size + step;
  }
  return { size, merges };
}

/** Cluster label (0…clusters-1, by first appearance) of every leaf when the tree is cut into `clusters`. */
export function cutDendrogram(tree: Dendrogram, clusters: number): Int32Array {
  const parent = Int32Array.from({ length: 2 * tree.size }, (_, i) => i);
  const find = (node: number): number => {
    while (parent[node] !== node) node = parent[node]!;
    return node;
  };
  const mergesToApply = Math.max(0, tree.size - Math.max(1, clusters));
  for (let step = 0; step < mergesToApply; step++) {
    const merge = tree.merges[step]!;
    parent[find(merge.a)] = tree.size + step;
    parent[find(merge.b)] = tree.size + step;
  }
  const labels = new Int32Array(tree.size);
  const numbering = new Map<number, number>();
  for (let leaf = 0; leaf < tree.size; leaf++) {
    const root = find(leaf);
    if (!numbering.has(root)) numbering.set(root, numbering.size);
    labels[leaf] = numbering.get(root)!;
  }
  return labels;
}

export function cosine(a: Float64Array, b: Float64Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : 0;
}
