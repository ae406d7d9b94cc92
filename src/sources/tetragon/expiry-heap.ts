/** One scheduled expiry: the entry `key` may go once event time passes `at`. */
export interface Expiry {
  readonly at: number;
  readonly key: string;
}

/**
 * A binary min-heap of expiries ordered by `at`. Exits arrive out of order, so a FIFO would let
 * a late-expiring entry block earlier ones; the heap pops them in time order whatever the
 * arrival order. Entries are not removed on cancel: the owner checks an expiry is still current
 * when it pops it, and calls `retain` to drop stale ones in bulk.
 */
export class ExpiryHeap {
  #items: Expiry[] = [];

  get length(): number {
    return this.#items.length;
  }

  peek(): Expiry | undefined {
    return this.#items[0];
  }

  push(e: Expiry): void {
    const items = this.#items;
    items.push(e);
    let i = items.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      const parent = items[up] as Expiry;
      if (parent.at <= e.at) break;
      items[i] = parent;
      i = up;
    }
    items[i] = e;
  }

  pop(): Expiry | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top !== undefined && last !== undefined && items.length > 0) this.#siftDown(last);
    return top;
  }

  /** Keeps only the expiries `keep` accepts (used to bound the heap when many went stale). */
  retain(keep: (e: Expiry) => boolean): void {
    const kept = this.#items.filter(keep);
    this.#items = [];
    for (const e of kept) this.push(e);
  }

  #siftDown(e: Expiry): void {
    const items = this.#items;
    const n = items.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (items[right] as Expiry).at < (items[child] as Expiry).at) child = right;
      const c = items[child] as Expiry;
      if (c.at >= e.at) break;
      items[i] = c;
      i = child;
    }
    items[i] = e;
  }
}
