import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencyHistogram } from './latency.js';

describe('LatencyHistogram', () => {
  it('gives quantiles within 1% of the exact ones', () => {
    const h = new LatencyHistogram();
    const xs: number[] = [];
    for (let i = 1; i <= 10_000; i++) {
      const us = (i % 997) * 0.37 + (i % 13 === 0 ? 250 : 0) + 0.5;
      xs.push(us);
      h.add(us);
    }
    xs.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const exact = xs[Math.ceil(q * xs.length) - 1] as number;
      const got = h.quantile(q);
      assert.ok(Math.abs(got - exact) / exact <= 0.0101, `q${q}: ${got} vs ${exact}`);
    }
    assert.equal(h.count, 10_000);
    assert.equal(h.max, xs[xs.length - 1]);
  });

  it('weights samples and is 0 when empty', () => {
    const h = new LatencyHistogram();
    assert.equal(h.quantile(0.99), 0);
    h.add(1, 99);
    h.add(1000, 1);
    assert.ok(h.quantile(0.5) <= 1.01);
    assert.ok(h.quantile(0.999) >= 990);
  });
});
