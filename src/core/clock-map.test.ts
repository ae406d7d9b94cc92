/**
 * ClockMap evicts exactly as CLOCK over a `Map` kept in insertion order does (the reference
 * below: a replaced entry moves to the back, eviction takes the first entry not seen and moves
 * the seen ones it passes to the back, unmarked), over random sequences of additions,
 * replacements, deletions, sightings and evictions, and stays small while it churns.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ClockMap, type ClockEntry } from './clock-map.js';

interface E extends ClockEntry {
  readonly v: number;
}

/** CLOCK over a Map in insertion order, the straightforward way. */
class Reference {
  readonly map = new Map<string, { seen: boolean; v: number }>();

  set(key: string, v: number): void {
    this.map.delete(key);
    this.map.set(key, { seen: false, v });
  }

  evictUnseen(): void {
    for (let steps = this.map.size; steps > 0; steps--) {
      const first = this.map.entries().next();
      if (first.done === true) return;
      const [key, entry] = first.value;
      this.map.delete(key);
      if (!entry.seen) return;
      entry.seen = false;
      this.map.set(key, entry);
    }
    const oldest = this.map.keys().next();
    if (oldest.done !== true) this.map.delete(oldest.value);
  }
}

type Op = { kind: 'set' | 'delete' | 'see'; key: number } | { kind: 'evict' };

const key = fc.integer({ min: 0, max: 10 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), key }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('see' as const), key }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('evict' as const) }) },
);

describe('ClockMap', () => {
  it('evicts as CLOCK over an insertion-ordered Map does', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const clock = new ClockMap<E>();
        const ref = new Reference();
        ops.forEach((o, i) => {
          if (o.kind === 'evict') {
            clock.evictUnseen();
            ref.evictUnseen();
          } else {
            const key = `k${o.key}`;
            if (o.kind === 'set') {
              clock.set(key, { seen: false, clock: 0, v: i });
              ref.set(key, i);
            } else if (o.kind === 'delete') {
              assert.equal(clock.delete(key), ref.map.delete(key));
            } else {
              const a = clock.get(key);
              const b = ref.map.get(key);
              if (a !== undefined) a.seen = true;
              if (b !== undefined) b.seen = true;
            }
          }
          assert.equal(clock.size, ref.map.size);
          for (const [key, entry] of ref.map) assert.equal(clock.get(key)?.v, entry.v, `${key} after op ${i}`);
        });
        // What stays and in which order shows in what eviction takes next.
        while (ref.map.size > 0) {
          ref.evictUnseen();
          clock.evictUnseen();
          assert.equal(clock.size, ref.map.size);
          for (const key of ref.map.keys()) assert.ok(clock.get(key) !== undefined, key);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('churning at its bound, keeps its order in space proportional to its size', () => {
    const clock = new ClockMap<E>();
    for (let i = 0; i < 200_000; i++) {
      clock.set(`k${i}`, { seen: false, clock: 0, v: i });
      const recent = clock.get(`k${i - 3}`);
      if (recent !== undefined) recent.seen = true;
      if (i % 7 === 0) clock.delete(`k${i - 5}`);
      if (clock.size > 1_000) clock.evictUnseen();
    }
    assert.ok(clock.size <= 1_000);
    // The order's positions are the entries' own: the last one added was put at most a few
    // thousand places in, however many were added in all.
    const last = clock.get('k199999');
    assert.ok(last !== undefined && last.clock < 5 * 1_000 + 2 * 1_024, `position ${last?.clock}`);
  });
});
