/**
 * Pulls exact byte counts out of a stream of arbitrarily sized chunks, which is what container parsers
 * (WAV chunk headers, fmt blocks) need, while letting bulk data flow through without being copied.
 */
export class ByteStreamReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    if (next.value.length > 0) {
      this.pending.push(next.value);
      this.pendingLength += next.value.length;
    }
    return true;
  }

  /** Exactly `count` bytes, or fewer when the stream ends first. */
  async read(count: number): Promise<Uint8Array> {
    while (this.pendingLength < count && (await this.pull())) {}
    const size = Math.min(count, this.pendingLength);
    const result = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const first = this.pending[0]!;
      const take = Math.min(first.length, size - filled);
      result.set(first.subarray(0, take), filled);
      filled += take;
      this.consumeFromFirst(take);
    }
    return result;
  }

  /** Discards up to `count` bytes; returns how many were actually there. */
  async skip(count: number): Promise<number> {
    let skipped = 0;
    for await (const piece of this.pieces(count)) skipped += piece.length;
    return skipped;
  }

  /** Yields the next `limit` bytes (or everything left) in the pieces they arrive in. */
  async *pieces(limit = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
    let remaining = limit;
    while (remaining > 0) {
      if (this.pendingLength === 0 && !(await this.pull())) return;
      if (this.pendingLength === 0) continue;
      const first = this.pending[0]!;
      const take = Math.min(first.length, remaining);
      const piece = first.subarray(0, take);
      this.consumeFromFirst(take);
      remaining -= take;
      yield piece;
    }
  }

  /** Lets the underlying source finish (and release its resources) when parsing stops early. */
  async close(): Promise<void> {
    this.pending = [];
    this.pendingLength = 0;
    if (!this.ended) {
      this.ended = true;
      await this.iterator.return?.();
    }
  }

  private consumeFromFirst(count: number): void {
    const first = this.pending[0]!;
    if (count === first.length) this.pending.shift();
    else this.pending[0] = first.subarray(count);
    this.pendingLength -= count;
  }
}
