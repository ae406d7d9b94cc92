import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram } from './histogram.js';

describe('latency histogram', () => {
  it('counts into cumulative buckets with sum and count', () => {
    const h = new Histogram([0.01, 0.1, 1]);
    for (const s of [0.005, 0.05, 0.05, 0.5, 7]) h.observe(s);
    assert.deepEqual(h.lines('x', 'help'), [
      '# HELP x help',
      '# TYPE x histogram',
      'x_bucket{le="0.01"} 1',
      'x_bucket{le="0.1"} 3',
      'x_bucket{le="1"} 4',
      'x_bucket{le="+Inf"} 5',
      'x_sum 7.605',
      'x_count 5',
    ]);
  });
});
