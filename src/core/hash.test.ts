import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hash128, stableId } from './hash.js';

describe('stableId', () => {
  it('is deterministic, prefixed and 32 hex digits long', () => {
    const a = stableId('tg-', ['node', 'process_exec', 'ZXhlYw==', '2026-01-01T00:00:00Z']);
    assert.equal(a, stableId('tg-', ['node', 'process_exec', 'ZXhlYw==', '2026-01-01T00:00:00Z']));
    assert.match(a, /^tg-[0-9a-f]{32}$/);
  });

  it('tells part boundaries and undefined apart', () => {
    assert.notEqual(stableId('', ['ab', 'c']), stableId('', ['a', 'bc']));
    assert.notEqual(stableId('', [undefined, 'x']), stableId('', ['x']));
    assert.notEqual(stableId('', [1]), stableId('', ['1', '']));
  });

  it('has no collisions over a million near-identical inputs, and mixes every bit', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) seen.add(hash128(`event-${i}`));
    assert.equal(seen.size, 1_000_000);
    // flipping one character changes about half of the 128 output bits
    const bits = (h: string) => BigInt(`0x${h}`);
    let total = 0;
    for (let i = 0; i < 200; i++) {
      const x = bits(hash128(`record ${i} a`)) ^ bits(hash128(`record ${i} b`));
      total += x.toString(2).split('').filter((b) => b === '1').length;
    }
    const mean = total / 200;
    assert.ok(mean > 54 && mean < 74, `mean differing bits ${mean}`);
  });
});
