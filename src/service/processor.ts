/**
 * Moves stored records through detection, in log order, and stores what they produced. The
 * position processed so far (`processed_seq`) is committed in the same transaction as the
 * outputs, so after a crash nothing is half-applied. Detection state (the process tree,
 * baselines, open correlation windows) lives in memory: at start the whole retained log is
 * replayed to rebuild it, without rewriting or re-announcing what was already stored.
 */

import type { Signal } from '../core/signal.js';
import type { Attack, Threat } from '../core/threat.js';
import { attackOut, signalOut, threatOut } from '../core/wire.js';
import type { EvidenceGraph, FindingRow, Store } from '../store/port.js';
import type { LiveDetection } from './detection.js';
import { Histogram } from './histogram.js';
import type { Hub } from './hub.js';

export const PROCESSED_KEY = 'processed_seq';

export interface ProcessorLog {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface ProcessorCounts {
  records: number;
  events: number;
  rejected: number;
  signals: number;
  threats: number;
  attacks: number;
  /** Threats and attacks per intent / name, for metrics. */
  readonly attacksByIntent: Map<string, number>;
}

export class Processor {
  readonly #store: Store;
  #detection: LiveDetection;
  /** Set while a new rule set is being brought up to date: no batch runs. */
  #paused = false;
  /** Signals per rule since start, for the rules listing. */
  readonly fired = new Map<string, number>();
  readonly #hub: Hub;
  readonly #log: ProcessorLog;
  readonly #batch: number;
  /** Last seq read and run through detection. */
  #readSeq = 0;
  /** Seqs up to here were processed before this start: replayed silently. */
  #replayUntil = 0;
  /** Highest seq known to be stored. */
  #appendedSeq = 0;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #started = false;
  readonly #idleWaiters: (() => void)[] = [];
  /** Ids of the threats and attacks counted so far (they are few: tens per day). */
  readonly #reported = new Set<string>();
  readonly counts: ProcessorCounts = { records: 0, events: 0, rejected: 0, signals: 0, threats: 0, attacks: 0, attacksByIntent: new Map() };
  /** From a record's arrival to its findings stored (the last record of each batch). */
  readonly lagSeconds = new Histogram();
  /** Milliseconds the last batch took, for metrics. */
  lastBatchMs = 0;

  constructor(store: Store, detection: LiveDetection, hub: Hub, log: ProcessorLog, options: { batch?: number } = {}) {
    this.#store = store;
    this.#detection = detection;
    this.#hub = hub;
    this.#log = log;
    this.#batch = options.batch ?? 1000;
  }

  /** Replays the retained log (rebuilding detection state), then processes what was stored but not processed. */
  async start(): Promise<void> {
    this.#replayUntil = Number((await this.#store.getValue(PROCESSED_KEY)) ?? '0');
    const started = Date.now();
    this.wake();
    await this.idle();
    this.#started = true;
    if (this.#replayUntil > 0) {
      this.#log.info({ replayed: this.counts.records, ms: Date.now() - started }, 'detection state rebuilt from the stored records');
    }
  }

  /** Whether the replay at start is done. */
  get started(): boolean {
    return this.#started;
  }

  /** Records up to `seq` are stored: process them soon. */
  notify(seq: number): void {
    if (seq > this.#appendedSeq) this.#appendedSeq = seq;
    this.wake();
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined || this.#paused) {
      this.#again = true;
      return;
    }
    // Started on the next turn of the event loop, so the acknowledgement that woke it is sent
    // before detection takes the thread.
    this.#running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.#drain())
      .catch((err: unknown) => this.#log.error({ err: String(err) }, 'detection stopped on an error'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        } else {
          for (const w of this.#idleWaiters.splice(0)) w();
        }
      });
  }

  /**
   * Swaps in detection with new rules. The new detection first replays the retained log up to
   * where the old one stopped (silently: nothing stored or announced), so its process tree,
   * baselines and open windows are as if it had run all along; then it takes over. Records
   * ingested meanwhile wait in the log. Returns the records replayed.
   */
  async replace(next: LiveDetection, beforeSwap?: () => Promise<void>): Promise<number> {
    this.#paused = true;
    try {
      while (this.#running !== undefined) await this.#running;
      const upTo = this.#readSeq;
      let after = 0;
      let replayed = 0;
      while (after < upTo) {
        const records = (await this.#store.readRecords(after, this.#batch)).filter((r) => r.seq <= upTo);
        const last = records[records.length - 1];
        if (last === undefined) break;
        next.process(records);
        replayed += records.length;
        after = last.seq;
      }
      await beforeSwap?.();
      this.#detection = next;
      return replayed;
    } finally {
      this.#paused = false;
      this.wake();
    }
  }

  /** Holds detection (records keep being stored): maintenance, and tests of back-pressure. */
  async pause(): Promise<void> {
    this.#paused = true;
    while (this.#running !== undefined) await this.#running;
  }

  resume(): void {
    this.#paused = false;
    this.wake();
  }

  get detection(): LiveDetection {
    return this.#detection;
  }

  /** Stored records not processed yet. */
  get backlog(): number {
    return Math.max(0, this.#appendedSeq - this.#readSeq);
  }

  get processedSeq(): number {
    return this.#readSeq;
  }

  /** Resolves when every record stored so far is processed. */
  idle(): Promise<void> {
    if (this.#running === undefined && this.backlog === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Finishes the batch in hand and processes nothing more (graceful shutdown). */
  async stop(): Promise<void> {
    await this.idle();
    this.#stopped = true;
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#paused) return;
      const read = await this.#retry('reading the record log', () => this.#store.readRecords(this.#readSeq, this.#batch));
      // A replayed batch never reaches past the position processed before the start: what lies
      // beyond it is new and must be stored and announced, what lies before it must not be again.
      const cut = this.#readSeq < this.#replayUntil ? read.filter((r) => r.seq <= this.#replayUntil) : read;
      const batch = cut.length > 0 ? cut : read;
      const last = batch[batch.length - 1];
      if (last === undefined) return;
      const t0 = performance.now();
      const replay = last.seq <= this.#replayUntil;
      let rows: FindingRow[] = [];
      let graph: EvidenceGraph | undefined;
      const announce: [kind: 'signal' | 'threat' | 'attack', doc: Record<string, unknown>][] = [];
      try {
        const r = this.#detection.process(batch);
        this.counts.events += r.events;
        this.counts.rejected += r.rejected;
        for (const e of r.errors.slice(0, 5)) this.#log.error({ record: e.line, code: e.code }, `stored record failed to decode: ${e.message}`);
        if (!replay) {
          const outputs = [...r.outputs.values()].filter((o) => !this.#detection.suppressedOutput(o));
          rows = [...r.signals.map(signalRow), ...outputs.map(outputRow)];
          graph = { evidence: evidenceOf(r.signals), entities: [...r.entities.values()], edges: [...r.edges.values()] };
          for (const row of rows) announce.push([row.kind, row.doc]);
          this.#count(r.signals, r.outputs);
        }
      } catch (err) {
        // A record that breaks detection must not stop the service: it is logged and skipped.
        this.#log.error({ from: batch[0]?.seq, to: last.seq, err: String(err) }, 'detection failed on a batch; skipped');
      }
      if (!replay) {
        // Detection has taken the batch: only the write is retried, never the detection (the
        // process tree and windows must not see a record twice).
        await this.#retry('storing findings', () => this.#store.putFindings(rows, { [PROCESSED_KEY]: String(last.seq) }, graph));
        this.lagSeconds.observe(Math.max(0, Date.now() - last.receivedMs) / 1000);
      }
      this.#readSeq = last.seq;
      if (last.seq > this.#appendedSeq) this.#appendedSeq = last.seq;
      this.counts.records += batch.length;
      for (const [kind, doc] of announce) this.#hub.publish(kind, doc);
      this.lastBatchMs = performance.now() - t0;
      if (read.length < this.#batch && batch.length === read.length) return;
    }
  }

  /**
   * Runs a store operation until it succeeds (a database restarting, a busy lock): the service
   * waits rather than losing its place; ingestion answers 503 meanwhile as the backlog grows.
   */
  async #retry<T>(what: string, op: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (this.#stopped) throw err;
        this.#log.error({ attempt, err: String(err) }, `${what} failed; retrying`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }

  #count(signals: readonly Signal[], outputs: ReadonlyMap<string, Threat | Attack>): void {
    this.counts.signals += signals.length;
    for (const s of signals) this.fired.set(s.rule, (this.fired.get(s.rule) ?? 0) + 1);
    for (const o of outputs.values()) {
      if (this.#reported.has(o.id)) continue;
      this.#reported.add(o.id);
      this.fired.set(o.rule, (this.fired.get(o.rule) ?? 0) + 1);
      if (o.kind === 'threat') {
        this.counts.threats++;
      } else {
        this.counts.attacks++;
        this.counts.attacksByIntent.set(o.intent, (this.counts.attacksByIntent.get(o.intent) ?? 0) + 1);
      }
    }
  }
}

/** The stored records the signals were raised on (`input.path` `ingest/…`, `line` its seq). */
function evidenceOf(signals: readonly Signal[]): number[] {
  const seqs = new Set<number>();
  for (const s of signals) if (s.input.path.startsWith('ingest/')) seqs.add(s.input.line);
  return [...seqs];
}

function signalRow(s: Signal): FindingRow {
  // The evidence record is not copied into the signal: it is in the log already, and `input`
  // (`ingest/SOURCE`, line = its seq) points at it.
  const doc = signalOut(s);
  delete doc['evidence'];
  return { kind: 'signal', id: s.id, timeMs: Math.floor(s.timeMs), severity: s.priority, entities: s.entities.map((e) => `${e.type}:${e.id}`), doc };
}

function outputRow(o: Threat | Attack): FindingRow {
  const entities = o.entities.map((e) => `${e.type}:${e.id}`);
  return o.kind === 'threat'
    ? { kind: 'threat', id: o.id, timeMs: Math.floor(o.detectedMs), severity: o.severity, entities, doc: threatOut(o) }
    : { kind: 'attack', id: o.id, timeMs: Math.floor(o.detectedMs), severity: o.severity, intent: o.intent, entities, doc: attackOut(o) };
}
