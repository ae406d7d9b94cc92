/**
 * A latency histogram with bounded memory whatever the number of samples: logarithmic buckets
 * 1% wide from 10 ns up, so a quantile is exact to within 1%.
 */

const MIN_US = 0.01;
const GROWTH = Math.log(1.01);
const BUCKETS = 2000; // 0.01 µs × 1.01^2000 ≈ 4 s

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKETS);
  #total = 0;
  #max = 0;

  /** Adds `weight` samples of `us` microseconds. */
  add(us: number, weight = 1): void {
    const b = us <= MIN_US ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(us / MIN_US) / GROWTH));
    this.#counts[b] = (this.#counts[b] ?? 0) + weight;
    this.#total += weight;
    if (us > this.#max) this.#max = us;
  }

  get count(): number {
    return this.#total;
  }

  get max(): number {
    return this.#max;
  }

  /** The upper bound of the bucket holding quantile `q` (0–1), in microseconds; 0 when empty. */
  quantile(q: number): number {
    if (this.#total === 0) return 0;
    const rank = q * this.#total;
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.#counts[b] ?? 0;
      if (seen >= rank) return Math.min(this.#max, MIN_US * Math.exp(b * GROWTH));
    }
    return this.#max;
  }
}
