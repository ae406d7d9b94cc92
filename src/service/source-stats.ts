/**
 * Ingestion health per source, for the overview: records taken and refused since the server
 * started, when the last one arrived, and the recent rate (a ring of one-minute buckets, so
 * the rate needs no per-record timestamps).
 */

const BUCKET_MS = 60_000;
/** The rate is averaged over this many whole minutes (plus the current one). */
const RATE_MINUTES = 5;

export interface SourceHealth {
  readonly source: string;
  readonly accepted: number;
  readonly rejected: number;
  /** Arrival time of the last accepted record, epoch ms. */
  readonly lastMs: number | null;
  /** Accepted records per minute over the last five minutes. */
  readonly perMinute: number;
}

class SourceCounter {
  accepted = 0;
  rejected = 0;
  lastMs: number | null = null;
  /** Bucket start (ms) → count, oldest first; at most RATE_MINUTES + 1 entries. */
  readonly buckets: { start: number; n: number }[] = [];

  add(accepted: number, rejected: number, nowMs: number): void {
    this.accepted += accepted;
    this.rejected += rejected;
    if (accepted === 0) return;
    this.lastMs = nowMs;
    const start = nowMs - (nowMs % BUCKET_MS);
    const last = this.buckets[this.buckets.length - 1];
    if (last !== undefined && last.start === start) last.n += accepted;
    else this.buckets.push({ start, n: accepted });
    while (this.buckets.length > RATE_MINUTES + 1) this.buckets.shift();
  }

  perMinute(nowMs: number): number {
    const from = nowMs - RATE_MINUTES * BUCKET_MS;
    let n = 0;
    for (const b of this.buckets) if (b.start + BUCKET_MS > from) n += b.n;
    return Math.round((n / RATE_MINUTES) * 10) / 10;
  }
}

export class SourceStats {
  readonly #by = new Map<string, SourceCounter>();

  add(source: string, accepted: number, rejected: number, nowMs: number): void {
    let c = this.#by.get(source);
    if (c === undefined) this.#by.set(source, (c = new SourceCounter()));
    c.add(accepted, rejected, nowMs);
  }

  health(nowMs: number): SourceHealth[] {
    return [...this.#by].sort(([a], [b]) => a.localeCompare(b)).map(([source, c]) => ({ source, accepted: c.accepted, rejected: c.rejected, lastMs: c.lastMs, perMinute: c.perMinute(nowMs) }));
  }
}
