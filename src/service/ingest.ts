/**
 * Ingestion: records from a request body are checked by their source's decoder (a record that
 * cannot be decoded is refused with its reason, the others are kept), stored in one transaction,
 * and only then acknowledged. Detection runs after, from the stored log.
 */

import type { Origin, SourceKind } from '../core/event.js';
import type { Clock } from '../core/time.js';
import { createRecordDecoder, type Decoded, type RecordDecoder } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';
import type { BodyRecord, RecordProblem } from '../transports/body.js';
import type { NewRecord, Store } from '../store/port.js';
import { INGEST_SOURCES } from './detection.js';
import { Histogram } from './histogram.js';
import { SourceStats } from './source-stats.js';
import type { Processor } from './processor.js';

export interface IngestResult {
  readonly accepted: number;
  readonly rejected: number;
  /** Valid records that are not events (e.g. a Tetragon rate-limit notice): acknowledged, not stored. */
  readonly skipped: number;
  readonly errors: RecordProblem[];
}

/** The service cannot take more now: answered with 503 and Retry-After. */
export class OverloadError extends Error {
  constructor(message: string, readonly retryAfterS: number) {
    super(message);
  }
}

export class Ingestor {
  readonly #store: Store;
  readonly #processor: Processor;
  readonly #clock: Clock;
  readonly #maxBacklog: number;
  readonly #validators: ReadonlyMap<SourceKind, RecordDecoder>;
  readonly counts = { accepted: 0, rejected: 0, requests: 0, bySource: new Map<string, number>() };
  /** Per source: taken, refused, last arrival and recent rate (refusals of detected-source input count under `auto`). */
  readonly sources = new SourceStats();
  /** From a request's records in hand to their durable storage (what the client waits for). */
  readonly ackSeconds = new Histogram();
  /** Appends waiting for the next group commit. */
  #pending: { records: readonly NewRecord[]; values: Readonly<Record<string, string>> | undefined; resolve: (seqs: number[]) => void; reject: (err: unknown) => void }[] = [];
  /** Detects the source of each record, for inputs that mix them (watched folders). */
  readonly #detector: RecordDecoder;

  constructor(store: Store, processor: Processor, clock: Clock, options: { maxBacklog?: number } = {}) {
    this.#store = store;
    this.#processor = processor;
    this.#clock = clock;
    this.#maxBacklog = options.maxBacklog ?? 200_000;
    // Stateless: validation must not feed the process tree, which sees records once, from the log.
    this.#validators = new Map(INGEST_SOURCES.map((s) => [s, createRecordDecoder({ decoders: builtinDecoders, format: s, clock, withState: false })]));
    // Vigil's own normalized events are not taken: stored records are decoded again by their source.
    this.#detector = createRecordDecoder({ decoders: builtinDecoders.filter((d) => d.kind !== 'vigil'), format: 'auto', clock, withState: false });
  }

  /**
   * Group commit: the appends of all requests that arrive in one turn of the event loop share
   * one transaction (and one wait for the disk); each request is answered when it is durable.
   */
  #append(records: readonly NewRecord[], values?: Readonly<Record<string, string>>): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ records, values, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    try {
      const values = Object.assign({}, ...batch.map((b) => b.values ?? {})) as Record<string, string>;
      const seqs = await this.#store.appendRecords(batch.flatMap((b) => b.records), values);
      let i = 0;
      for (const b of batch) {
        b.resolve(seqs.slice(i, i + b.records.length));
        i += b.records.length;
      }
      const last = seqs[seqs.length - 1];
      if (last !== undefined) this.#processor.notify(last);
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  /**
   * Checks, stores and acknowledges records of one source (`auto`: detected per record). Named
   * values are stored in the same transaction (a watcher's position after these records).
   */
  async ingest(source: SourceKind | 'auto', records: readonly BodyRecord[], problems: readonly RecordProblem[], values?: Readonly<Record<string, string>>): Promise<IngestResult> {
    if (this.#processor.backlog > this.#maxBacklog) {
      throw new OverloadError(`detection is ${this.#processor.backlog} records behind; try again shortly`, 2);
    }
    const t0 = performance.now();
    const validator = source === 'auto' ? this.#detector : this.#validators.get(source);
    if (validator === undefined) throw new Error(`no decoder for ${source}`);
    const errors: RecordProblem[] = [...problems];
    const keep: NewRecord[] = [];
    let skipped = 0;
    const receivedMs = this.#clock.nowMs();
    const out: Decoded[] = [];
    // Indexes count records in body order, problems included, so each error names its record.
    const taken = new Set(problems.map((p) => p.index));
    let index = 0;
    for (const r of records) {
      while (taken.has(index)) index++;
      out.length = 0;
      const origin: Origin = { path: 'request', line: r.line ?? index + 1 };
      validator.decodeValue(r.value, origin, out);
      const bad = out.find((d) => d.type === 'error');
      if (bad !== undefined && bad.type === 'error') {
        const e = bad.error;
        errors.push({ index, ...(r.line === undefined ? {} : { line: r.line }), message: `${e.code}: ${e.message}${e.field === undefined ? '' : ` (field ${e.field})`}` });
      } else if (out[0]?.type === 'event') {
        keep.push({ source: out[0].event.source, receivedMs, text: r.text });
      } else {
        skipped++;
      }
      index++;
    }
    if (keep.length > 0 || values !== undefined) await this.#append(keep, values);
    errors.sort((a, b) => a.index - b.index);
    this.ackSeconds.observe((performance.now() - t0) / 1000);
    this.counts.requests++;
    this.counts.accepted += keep.length;
    this.counts.rejected += errors.length;
    const bySource = new Map<string, number>();
    for (const k of keep) bySource.set(k.source, (bySource.get(k.source) ?? 0) + 1);
    for (const [s, n] of bySource) {
      this.counts.bySource.set(s, (this.counts.bySource.get(s) ?? 0) + n);
      this.sources.add(s, n, 0, receivedMs);
    }
    if (errors.length > 0) this.sources.add(source, 0, errors.length, receivedMs);
    return { accepted: keep.length, rejected: errors.length, skipped, errors };
  }
}
