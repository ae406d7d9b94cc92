/**
 * Per-event memoization of field values. Predicates compiled with the same memo share slots, so a
 * field that many rules read (`proc.name`, `ka.verb`) is extracted once per event. The memo
 * belongs to one rule set (never module-level): it remembers the event it last saw and a
 * generation number, so moving to the next event invalidates every slot at once.
 */

export class FieldMemo {
  readonly #slots = new Map<string, number>();
  readonly #objectSlots = new Map<object, number>();
  #event: unknown = undefined;
  #generation = 0;
  readonly #stamps: number[] = [];
  readonly #values: unknown[] = [];

  /** The slot of a field with its argument; the same key always gets the same slot. */
  slot(key: string): number {
    let s = this.#slots.get(key);
    if (s === undefined) {
      s = this.#stamps.length;
      this.#slots.set(key, s);
      this.#stamps.push(-1);
      this.#values.push(undefined);
    }
    return s;
  }

  /** A slot for a value keyed by an object (a shared sub-condition's result). */
  objectSlot(key: object): number {
    let s = this.#objectSlots.get(key);
    if (s === undefined) {
      s = this.#stamps.length;
      this.#objectSlots.set(key, s);
      this.#stamps.push(-1);
      this.#values.push(undefined);
    }
    return s;
  }

  /** The value of `slot` for `event`, extracting it on first use in this event. */
  get<E, V>(slot: number, event: E, extract: (event: E) => V): V {
    if (this.#event !== event) {
      this.#event = event;
      this.#generation++;
    }
    if (this.#stamps[slot] === this.#generation) return this.#values[slot] as V;
    const v = extract(event);
    this.#values[slot] = v;
    this.#stamps[slot] = this.#generation;
    return v;
  }

  /** Distinct fields memoized, for observability. */
  get size(): number {
    return this.#slots.size;
  }
}
