/**
 * A bounded table evicted with CLOCK, the approximation of least recently used: entries are
 * marked `seen` when used, and eviction takes the oldest entry not seen since it last passed
 * over it (an entry seen since goes to the back, unmarked). Each pass unmarks what it skips, so
 * an eviction costs one step on average.
 *
 * The order is kept in a queue of its own beside the `Map`. Taking a `Map`'s first entry walks
 * the slots of every entry deleted before it until V8 rebuilds the table: with the table full
 * and entries moving to the back, each eviction cost time in proportion to the table (a process
 * table of 100 000 entries went from 5 to 59 µs per event). Here a position in the queue is
 * live while the entry added there is still the one the map holds for its key, which the
 * entry's `clock` (its position) tells; stale positions are skipped and compacted away.
 */
export interface ClockEntry {
  seen: boolean;
  /** Where the entry was last put in the order (maintained by ClockMap). */
  clock: number;
}

/** Stale positions tolerated before the queue is compacted, beyond the live ones. */
const SLACK = 1024;

export class ClockMap<V extends ClockEntry> {
  readonly #map = new Map<string, V>();
  /** Keys in order, from `#head` on (an entry's `clock` is its index here). */
  #keys: string[] = [];
  #head = 0;

  get size(): number {
    return this.#map.size;
  }

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  /** Adds `entry` under `key` at the back of the order (a replaced entry goes to the back too). */
  set(key: string, entry: V): void {
    this.#map.set(key, entry);
    this.#push(key, entry);
  }

  delete(key: string): boolean {
    return this.#map.delete(key);
  }

  /** Drops the oldest entry not seen since eviction last passed over it (see above). */
  evictUnseen(): void {
    for (let steps = this.#map.size; steps > 0; steps--) {
      const key = this.#takeLive();
      if (key === undefined) return;
      const entry = this.#map.get(key) as V;
      if (!entry.seen) {
        this.#map.delete(key);
        return;
      }
      entry.seen = false;
      this.#push(key, entry);
    }
    // Every entry was seen since the last pass: the oldest goes.
    const oldest = this.#takeLive();
    if (oldest !== undefined) this.#map.delete(oldest);
  }

  #push(key: string, entry: V): void {
    entry.clock = this.#keys.length;
    this.#keys.push(key);
    // Compacted when stale positions outnumber the live ones, or the taken ones fill half the queue.
    const pending = this.#keys.length - this.#head;
    if (pending > 2 * this.#map.size + SLACK || (this.#head > SLACK && 2 * this.#head > this.#keys.length)) this.#compact();
  }

  /** The key at the front of the order that is still live, taken off the front; undefined if none. */
  #takeLive(): string | undefined {
    const keys = this.#keys;
    while (this.#head < keys.length) {
      const at = this.#head++;
      const key = keys[at] as string;
      if (this.#map.get(key)?.clock === at) return key;
    }
    return undefined;
  }

  /** Keeps only the live positions, in order. */
  #compact(): void {
    const keys = this.#keys;
    const live: string[] = [];
    for (let i = this.#head; i < keys.length; i++) {
      const key = keys[i] as string;
      const entry = this.#map.get(key);
      if (entry?.clock !== i) continue;
      entry.clock = live.length;
      live.push(key);
    }
    this.#keys = live;
    this.#head = 0;
  }
}
