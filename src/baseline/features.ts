/**
 * A bounded set of values one profile has shown for one feature (executables, networks, APIs…),
 * each with the event time it was last seen. Values not seen for the retention are forgotten, so
 * a profile follows change; when the set is full the least recently seen value makes room.
 * Values an analyst confirmed (feedback) are pinned: never forgotten, never evicted.
 */

export interface FeatureSetJson {
  readonly max: number;
  /** `[value, lastSeenMs, pinned]`, in insertion order. */
  readonly items: readonly (readonly [string, number, boolean])[];
}

export class FeatureSet {
  readonly #max: number;
  /** value → last seen (epoch ms); negative for pinned values (the magnitude is the time). */
  readonly #items = new Map<string, number>();

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  get size(): number {
    return this.#items.size;
  }

  has(value: string): boolean {
    return this.#items.has(value);
  }

  /** Records a sighting; true when the value is new to the set. */
  see(value: string, timeMs: number): boolean {
    const last = this.#items.get(value);
    if (last !== undefined) {
      // Minute precision is plenty against a retention of days, and spares a write per event.
      if (last >= 0 && timeMs - last > 60_000) this.#items.set(value, timeMs);
      return false;
    }
    if (this.#items.size >= this.#max) this.#evict();
    this.#items.set(value, timeMs);
    return true;
  }

  pin(value: string, timeMs: number): void {
    this.#items.set(value, -Math.max(1, timeMs));
  }

  /** Drops values last seen before `cutoffMs` (pinned ones stay). */
  forget(cutoffMs: number): void {
    for (const [v, t] of this.#items) if (t >= 0 && t < cutoffMs) this.#items.delete(v);
  }

  #evict(): void {
    let oldest: string | undefined;
    let oldestMs = Number.POSITIVE_INFINITY;
    for (const [v, t] of this.#items) {
      if (t >= 0 && t < oldestMs) {
        oldestMs = t;
        oldest = v;
      }
    }
    if (oldest !== undefined) this.#items.delete(oldest);
  }

  toJSON(): FeatureSetJson {
    return { max: this.#max, items: [...this.#items].map(([v, t]) => [v, Math.abs(t), t < 0] as const) };
  }

  static fromJSON(j: FeatureSetJson): FeatureSet {
    const s = new FeatureSet(j.max);
    for (const [v, t, pinned] of j.items) s.#items.set(v, pinned ? -Math.max(1, t) : t);
    return s;
  }
}
