/**
 * The whole-pipeline benchmark (`vigil bench`): over the same telemetry files, streamed from
 * disk on one core, it measures
 *   - the ceiling: reading, cutting and `JSON.parse` of every record, nothing else;
 *   - decoding: the same plus Vigil's decoders and the process tree;
 *   - signals: the same plus the rules (Vigil's defaults, every match), threat intelligence and
 *     behavioural baselines;
 *   - the pipeline: decode → signals → threats → attacks (the correlation stage);
 * and, during the pipeline pass, per-event latency (from the start of its chunk's work to the end
 * of its batch's, when its signals are out) as percentiles, the peak resident memory, and the size
 * of the run's state.
 * Each stage's share of the ceiling is paired: every chunk the stage takes is also `JSON.parse`d
 * alone, just before or just after (in turn), and the share is the ratio of the two sums. The
 * machines these run on change speed by a factor of two within minutes; passes timed minutes
 * apart gave shares from 27% to 38% for the same code, paired chunks agree within a few percent.
 * Files are streamed, so the input can be far larger than memory (tens of millions of events).
 * Every pass takes the files' chunks in one schedule, interleaved in event time as analyze
 * interleaves its inputs, so correlation sees the telemetry as it happened; each chunk is taken
 * in batches of BATCH_RECORDS records, each decoded and then through the stages
 * (Stages.processBatch), as analyze takes them.
 */

import { isObject } from '../core/json.js';
import { systemClock } from '../core/time.js';
import type { VigilEvent } from '../core/event.js';
import type { Signal } from '../core/signal.js';
import type { CorrelationEngine } from '../correlate/engine.js';
import { Stages, type SignalDetector } from '../service/stages.js';
import { BATCH_RECORDS } from '../pipeline/batch.js';
import { createRecordDecoder, type Decoded, type RecordText } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';
import { tetragonDecoder, type ProcessTree } from '../sources/tetragon/index.js';
import { expandInputs, readInput, type SplitItem } from '../transports/file/index.js';
import { LatencyHistogram } from './latency.js';

export interface PipelineBenchResult {
  readonly files: number;
  readonly records: number;
  readonly bytes: number;
  readonly events: number;
  readonly signals: number;
  readonly threats: number;
  readonly attacks: number;
  readonly ceilingEps: number;
  readonly decodeEps: number;
  readonly signalsEps: number;
  readonly pipelineEps: number;
  /** Pipeline against `JSON.parse` of the same chunks timed beside it (see the header). */
  readonly ratioToParseCeiling: number;
  /** Decode and signals passes, each against `JSON.parse` timed beside it. */
  readonly decodeRatio: number;
  readonly signalsRatio: number;
  readonly latencyUs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly p999: number; readonly max: number };
  readonly peakRssMb: number;
  /** Entries the run's state holds at the end: the process tree (processes and containers). */
  readonly processTreeSize: number;
  /** Behavioural profiles held at the end. */
  readonly baselineProfiles: number;
  /** Keyed correlation state at the end: (rule, key) states, inputs they hold, identity-graph entities. */
  readonly correlationStateSize: number;
  readonly correlationHeld: number;
  readonly identityGraphSize: number;
  readonly seconds: { readonly ceiling: number; readonly decode: number; readonly signals: number; readonly pipeline: number };
}

export interface PipelineBenchOptions {
  /**
   * Fresh stages (rules, other detectors, correlation) and their process tree per pass: state
   * must not carry over between passes. `stateSize` reports what the detectors hold (baseline
   * profiles).
   */
  readonly makeDetector: () => { tree: ProcessTree; stateSize?: () => number; parts: PipelineParts };
  readonly onProgress?: (pass: string, records: number) => void;
  /** Rounds of the three passes; the rates and shares are over all of them. Default 1. */
  readonly rounds?: number;
}

/** The stages after decoding, as `analyze` runs them (service/stages.ts). */
export interface PipelineParts {
  /** The rules. */
  readonly detector: SignalDetector;
  /** Threat intelligence, baselines. */
  readonly also: readonly SignalDetector[];
  readonly correlation: CorrelationEngine;
}

/** One chunk of one file, in the order every pass takes them. */
interface ScheduledChunk {
  readonly file: number;
  readonly firstMs: number;
}

/**
 * The files' chunks in event-time order of their first record (each file's own chunks stay in
 * order): an untimed pass that reads every chunk and decodes only its first record.
 */
async function schedule(files: readonly string[]): Promise<ScheduledChunk[]> {
  const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock });
  const out: Decoded[] = [];
  const chunks: (ScheduledChunk & { seq: number })[] = [];
  for (let f = 0; f < files.length; f++) {
    let last = Number.NEGATIVE_INFINITY;
    for await (const items of readInput(files[f] as string)) {
      const first = items.find((i) => i.type === 'record');
      if (first !== undefined && first.type === 'record') {
        decoder.decodeText(first.text, { path: files[f] as string, line: first.line }, out);
        const e = out.find((d) => d.type === 'event');
        if (e !== undefined && e.type === 'event') last = Math.max(last, e.event.timeMs);
        out.length = 0;
      }
      chunks.push({ file: f, firstMs: last, seq: chunks.length });
    }
  }
  return chunks.sort((a, b) => a.firstMs - b.firstMs || a.seq - b.seq);
}

async function* inFileOrder(files: readonly string[]): AsyncGenerator<{ file: string; items: SplitItem[] }> {
  for (const file of files) for await (const items of readInput(file)) yield { file, items };
}

/** The chunks of every file in the schedule's order (then whatever the schedule did not foresee). */
async function* scheduled(files: readonly string[], order: readonly ScheduledChunk[]): AsyncGenerator<{ file: string; items: SplitItem[] }> {
  const its = files.map((f) => readInput(f));
  for (const c of order) {
    const r = await (its[c.file] as AsyncGenerator<SplitItem[]>).next();
    if (r.done !== true) yield { file: files[c.file] as string, items: r.value };
  }
  for (let f = 0; f < files.length; f++) for await (const items of its[f] as AsyncGenerator<SplitItem[]>) yield { file: files[f] as string, items };
}

interface PassOutcome {
  readonly ms: number;
  /** `JSON.parse` alone of the same chunks, timed beside each (0 in the warm-up, which is not paired). */
  readonly parseMs: number;
  readonly records: number;
  readonly bytes: number;
  readonly events: number;
  readonly signals: number;
}

type Mode = 'decode' | 'signals' | 'pipeline';

/** Records per file in the warm-up pass. */
const WARMUP_RECORDS = 5_000;

/** `JSON.parse` of a record, and of the records inside a CloudTrail `{"Records": [...]}` document. */
function parseOnly(text: string): number {
  const v: unknown = JSON.parse(text);
  return isObject(v) && Array.isArray(v['Records']) ? v['Records'].length : 1;
}

/** Milliseconds `JSON.parse` alone takes over a chunk's records. */
function timeParse(items: readonly SplitItem[]): number {
  const t0 = performance.now();
  for (const item of items) if (item.type === 'record') parseOnly(item.text);
  return performance.now() - t0;
}

async function pass(
  files: readonly string[],
  order: readonly ScheduledChunk[] | undefined,
  mode: Mode,
  options: PipelineBenchOptions,
  latency?: LatencyHistogram,
  limit = Number.POSITIVE_INFINITY,
): Promise<PassOutcome & { tree?: ProcessTree; stateSize?: number; correlation?: CorrelationEngine }> {
  const made = options.makeDetector();
  const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock, states: new Map([[tetragonDecoder, made.tree]]) });
  const { detector, also, correlation } = made.parts;
  const correlate = mode === 'pipeline' ? correlation : undefined;
  const stages = mode === 'decode' ? undefined : new Stages({ detector, also, correlation: correlate });
  const out: Decoded[] = [];
  const events: VigilEvent[] = [];
  const found: Signal[] = [];
  let records = 0;
  let bytes = 0;
  let eventCount = 0;
  let signals = 0;
  let ms = 0;
  let parseMs = 0;
  let chunk = 0;
  let lastReport = 0;
  /** The records of the batch being decoded. */
  const run: RecordText[] = [];
  {
    for await (const { file, items } of order === undefined ? inFileOrder(files) : scheduled(files, order)) {
      if (records >= limit) break;
      // The paired ceiling: the same chunk parsed alone, before the stage on even chunks and
      // after it on odd ones, so neither side always runs on a cache the other warmed.
      const paired = order !== undefined;
      const parseFirst = (chunk++ & 1) === 0;
      if (paired && parseFirst) parseMs += timeParse(items);
      // Only the work on the records is timed: reading and cutting the file is the same in
      // every pass and its cost depends on the disk cache. Each batch is decoded first, then
      // its events go through the stages, as `analyze` runs them (pipeline/batch.ts).
      const t0 = performance.now();
      for (let start = 0; start < items.length; start += BATCH_RECORDS) {
        const end = Math.min(items.length, start + BATCH_RECORDS);
        for (let i = start; i < end; i++) {
          const item = items[i] as SplitItem;
          if (item.type !== 'record') continue;
          bytes += item.text.length;
          run.push({ text: item.text, origin: { path: file, line: item.line } });
        }
        decoder.decodeTexts(run, out);
        run.length = 0;
        for (let i = 0; i < out.length; i++) {
          const d = out[i] as Decoded;
          if (d.type === 'event') events.push(d.event);
        }
        records += out.length;
        eventCount += events.length;
        if (stages !== undefined) {
          stages.processBatch(events, found);
          signals += found.length;
          // Every event of the batch has its signals by now: its latency is the time since the
          // chunk's work began (at most one batch's work more than its own).
          latency?.add((performance.now() - t0) * 1000, events.length);
        }
        out.length = 0;
        events.length = 0;
        found.length = 0;
      }
      ms += performance.now() - t0;
      if (paired && !parseFirst) parseMs += timeParse(items);
      if (options.onProgress !== undefined && records - lastReport >= 500_000) {
        lastReport = records;
        options.onProgress(mode, records);
      }
    }
  }
  if (correlate !== undefined) {
    const t0 = performance.now();
    correlate.flush();
    ms += performance.now() - t0;
  }
  return { ms, parseMs, records, bytes, events: eventCount, signals, tree: made.tree, stateSize: made.stateSize?.() ?? 0, ...(correlate === undefined ? {} : { correlation: correlate }) };
}

/** A pass's times and records summed over the rounds. */
class Totals {
  ms = 0;
  parseMs = 0;
  records = 0;

  add(p: PassOutcome): void {
    this.ms += p.ms;
    this.parseMs += p.parseMs;
    this.records += p.records;
  }

  /** The stage's rate as a share of `JSON.parse` alone over the same chunks. */
  get share(): number {
    return this.ms === 0 ? 0 : this.parseMs / this.ms;
  }
}

export async function benchPipeline(paths: readonly string[], options: PipelineBenchOptions): Promise<PipelineBenchResult> {
  const { files, problems } = await expandInputs(paths);
  if (problems.length > 0) throw new Error(`cannot read ${problems[0]?.path ?? ''}: ${problems[0]?.message ?? ''}`);
  if (files.length === 0) throw new Error('no input files');
  // An untimed pass over the start of every file first, so the timed passes all run compiled
  // code: otherwise the first pass to use a decoder or rule pays for its compilation.
  for (const f of files) await pass([f], undefined, 'pipeline', options, undefined, WARMUP_RECORDS);
  const order = await schedule(files);
  // Rounds of the three passes, interleaved. Rates and shares are over every round (sums of
  // times): with each chunk's stage time paired with its own parse time, a slow moment of the
  // machine weighs on both sides of the share alike.
  const rounds = Math.max(1, options.rounds ?? 1);
  const decode = new Totals();
  const signals = new Totals();
  const pipeline = new Totals();
  let last: (PassOutcome & { tree?: ProcessTree; stateSize?: number; correlation?: CorrelationEngine }) | undefined;
  let latency = new LatencyHistogram();
  for (let r = 0; r < rounds; r++) {
    decode.add(await pass(files, order, 'decode', options));
    signals.add(await pass(files, order, 'signals', options));
    const histogram = new LatencyHistogram();
    last = await pass(files, order, 'pipeline', options, histogram);
    pipeline.add(last);
    latency = histogram;
  }
  if (last === undefined) throw new Error('no rounds');
  const eps = (records: number, ms: number) => (ms === 0 ? 0 : records / (ms / 1000));
  return {
    files: files.length,
    records: last.records,
    bytes: last.bytes,
    events: last.events,
    signals: last.signals,
    threats: last.correlation?.stats.threats ?? 0,
    attacks: last.correlation?.stats.attacks ?? 0,
    ceilingEps: eps(pipeline.records, pipeline.parseMs),
    decodeEps: eps(decode.records, decode.ms),
    signalsEps: eps(signals.records, signals.ms),
    pipelineEps: eps(pipeline.records, pipeline.ms),
    ratioToParseCeiling: pipeline.share,
    decodeRatio: decode.share,
    signalsRatio: signals.share,
    latencyUs: { p50: latency.quantile(0.5), p90: latency.quantile(0.9), p99: latency.quantile(0.99), p999: latency.quantile(0.999), max: latency.max },
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    processTreeSize: last.tree?.size ?? 0,
    baselineProfiles: last.stateSize ?? 0,
    correlationStateSize: last.correlation?.stats.keys ?? 0,
    correlationHeld: last.correlation?.stats.held ?? 0,
    identityGraphSize: last.correlation?.stats.graph ?? 0,
    seconds: { ceiling: pipeline.parseMs / 1000, decode: decode.ms / 1000, signals: signals.ms / 1000, pipeline: pipeline.ms / 1000 },
  };
}
