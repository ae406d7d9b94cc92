/**
 * The identity graph's bound: it never holds more than `maxNodes` entities, the ones stated
 * most recently stay (also an old entity stated again), and a long stream far past the bound
 * keeps answering walks over what is recent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Relation } from '../core/entity.js';
import { IdentityGraph } from './graph.js';

function placed(i: number): Relation[] {
  return [{ from: `container:c${i}`, kind: 'runs-in', to: `pod:p${i}` }];
}

describe('identity graph bound', () => {
  it('holds at most maxNodes entities and keeps the recently stated ones', () => {
    const g = new IdentityGraph({ maxNodes: 1_000 });
    // A container placed in its pod once, then stated again and again (on its node) while a
    // long stream of others goes by: it stays, with what was stated of it first.
    g.add([], placed(-1));
    for (let i = 0; i < 100_000; i++) {
      g.add([], placed(i));
      if (i % 100 === 0) g.add([], [{ from: 'container:c-1', kind: 'runs-in', to: 'node:n1' }]);
      assert.ok(g.size <= 1_000, `${g.size} entities after ${i + 1} statements`);
      // The last 250 statements (500 entities, half the bound) are always there.
      if (i % 997 === 0) for (let j = Math.max(0, i - 249); j <= i; j++) assert.deepEqual(g.reach([`container:c${j}`], 'pod').map((e) => e.id), [`p${j}`], `${j} after ${i}`);
    }
    assert.ok(g.size >= 500, `${g.size} entities`);
    assert.deepEqual(g.reach(['container:c-1'], 'pod').map((e) => e.id), ['p-1'], 'the entity stated again stays, with its first link');
    assert.deepEqual(g.reach(['container:c-1'], 'node').map((e) => e.id), ['n1']);
    for (let i = 99_750; i < 100_000; i++) assert.deepEqual(g.reach([`container:c${i}`], 'pod').map((e) => e.id), [`p${i}`], `recent ${i}`);
    assert.deepEqual(g.reach(['container:c10'], 'pod'), [], 'an entity long unstated is gone');
  });
});
