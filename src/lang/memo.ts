/**
 * Per-event memoization of field values. Predicates compiled with the same memo share slots, so a
 * field that many rules read (`proc.name`, `ka.verb`) is extracted once per event. The memo
 * belongs to one rule set (never module-level): it remembers the event it last saw and a
 * generation number, so moving to the next event invalidates every slot at once.
 */

/** Which event the memo holds values for; a new event bumps the generation. */
interface Current {
  event: unknown;
  generation: number;
}

export class FieldMemo {
  readonly #slots = new Map<string, number>();
  readonly #objectSlots = new Map<object, number>();
  readonly #current: Current = { event: undefined, generation: 0 };
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

  /**
   * A reader of `slot` (`extract` on first use per event, the kept value after). The hot path:
   * one closure holding the arrays, no method call or private-field lookups per read.
   */
  getter<E, V>(slot: number, extract: (event: E) => V): (event: E) => V {
    const current = this.#current;
    const stamps = this.#stamps;
    const values = this.#values;
    return (event) => {
      if (current.event !== event) {
        current.event = event;
        current.generation++;
      }
      const generation = current.generation;
      if (stamps[slot] === generation) return values[slot] as V;
      const v = extract(event);
      values[slot] = v;
      stamps[slot] = generation;
      return v;
    };
  }

  /**
   * The memo's state, for generated predicates (generate.ts), which read slots inline:
   * `stamps[k] === current.generation ? values[k] : …`.
   */
  internals(): { readonly current: { event: unknown; generation: number }; readonly stamps: number[]; readonly values: unknown[] } {
    return { current: this.#current, stamps: this.#stamps, values: this.#values };
  }

  /** Distinct fields memoized, for observability. */
  get size(): number {
    return this.#slots.size;
  }
}
