/**
 * Minimum-cost assignment of rows to columns (Kuhn-Munkres with potentials, O(n³)).
 * Works on rectangular matrices by padding with zero-cost dummies; returns, for each row, its column
 * or -1 when the row was left unassigned (more rows than columns).
 */
export function minimumCostAssignment(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const columns = rows === 0 ? 0 : Math.max(...cost.map((row) => row.length));
  const size = Math.max(rows, columns);
  if (size === 0) return [];
  const at = (row: number, column: number) =>
    row < rows && column < columns ? (cost[row]![column] ?? 0) : 0;

  // 1-based arrays as in the classic formulation; index 0 is the virtual start column.
  const rowPotential = new Float64Array(size + 1);
  const columnPotential = new Float64Array(size + 1);
  const rowOfColumn = new Int32Array(size + 1);
  const way = new Int32Array(size + 1);
  for (let row = 1; row <= size; row++) {
    rowOfColumn[0] = row;
    let column0 = 0;
    const minimum = new Float64Array(size + 1).fill(Number.POSITIVE_INFINITY);
    const used = new Uint8Array(size + 1);
    do {
      used[column0] = 1;
      const row0 = rowOfColumn[column0]!;
      let delta = Number.POSITIVE_INFINITY;
      let column1 = 0;
      for (let column = 1; column <= size; column++) {
        if (used[column]) continue;
        const reduced = at(row0 - 1, column - 1) - rowPotential[row0]! - columnPotential[column]!;
        if (reduced < minimum[column]!) {
          minimum[column] = reduced;
          way[column] = column0;
        }
        if (minimum[column]! < delta) {
          delta = minimum[column]!;
          column1 = column;
        }
      }
      for (let column = 0; column <= size; column++) {
        if (used[column]) {
          rowPotential[rowOfColumn[column]!]! += delta;
          columnPotential[column]! -= delta;
        } else {
          minimum[column]! -= delta;
        }
      }
      column0 = column1;
    } while (rowOfColumn[column0] !== 0);
    do {
      const column1 = way[column0]!;
      rowOfColumn[column0] = rowOfColumn[column1]!;
      column0 = column1;
    } while (column0 !== 0);
  }
  const assignment = new Array<number>(rows).fill(-1);
  for (let column = 1; column <= size; column++) {
    const row = rowOfColumn[column]! - 1;
    if (row >= 0 && row < rows && column - 1 < columns) assignment[row] = column - 1;
  }
  return assignment;
}
