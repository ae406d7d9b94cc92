/**
 * The whole-pipeline benchmark (`vigil bench`): over the same telemetry files, streamed from
 * disk on one core, it measures
 *   - the ceiling: reading, cutting and `JSON.parse` of every record, nothing else;
 *   - decoding: the same plus Vigil's decoders and the process tree;
 *   - signals: the same plus the rules (Vigil's defaults, every match), threat intelligence and
 *     behavioural baselines;
 *   - the pipeline: decode → signals → threats → attacks. Correlation (threats and attacks)
 *     has not landed yet, so today the pipeline is the signals stage, and the report says so;
 * and, during the pipeline pass, per-event latency (decode and detect, from the record's text to
 * its signals; sampled on one record in 16) as percentiles, the peak resident memory, and the size of the run's state.
 * Files are streamed, so the input can be far larger than memory (tens of millions of events).
 */

import { isObject } from '../core/json.js';
import { systemClock } from '../core/time.js';
import type { VigilEvent } from '../core/event.js';
import type { Signal } from '../core/signal.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';
import { tetragonDecoder, type ProcessTree } from '../sources/tetragon/index.js';
import { expandInputs, readInput } from '../transports/file/index.js';
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
  readonly ratioToParseCeiling: number;
  readonly latencyUs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly p999: number; readonly max: number };
  readonly peakRssMb: number;
  /** Entries the run's state holds at the end: the process tree (processes and containers). */
  readonly processTreeSize: number;
  /** Behavioural profiles held at the end. */
  readonly baselineProfiles: number;
  /** Keyed correlation state at the end (windows and partial matches); 0 until correlation lands. */
  readonly correlationStateSize: number;
  /** Whether threats and attacks were part of the pipeline pass. */
  readonly correlation: 'pending';
  readonly seconds: { readonly ceiling: number; readonly decode: number; readonly signals: number; readonly pipeline: number };
}

export interface PipelineBenchOptions {
  /**
   * A fresh detector (rules, intel, baselines) and its process tree per pass: state must not
   * carry over between passes. `stateSize` reports what the detector holds (baseline profiles).
   */
  readonly makeDetector: () => { detector: { detect(e: VigilEvent): Signal[] }; tree: ProcessTree; stateSize?: () => number };
  readonly onProgress?: (pass: string, records: number) => void;
  /** Rounds of the four passes; each pass's fastest is kept. Default 1. */
  readonly rounds?: number;
}

interface PassOutcome {
  readonly ms: number;
  readonly records: number;
  readonly bytes: number;
  readonly events: number;
  readonly signals: number;
}

type Mode = 'parse' | 'decode' | 'signals' | 'pipeline';

/** Records per file in the warm-up pass. */
const WARMUP_RECORDS = 5_000;

/** `JSON.parse` of a record, and of the records inside a CloudTrail `{"Records": [...]}` document. */
function parseOnly(text: string): number {
  const v: unknown = JSON.parse(text);
  return isObject(v) && Array.isArray(v['Records']) ? v['Records'].length : 1;
}

async function pass(files: readonly string[], mode: Mode, options: PipelineBenchOptions, latency?: LatencyHistogram, limit = Number.POSITIVE_INFINITY): Promise<PassOutcome & { tree?: ProcessTree; stateSize?: number }> {
  const made = mode === 'parse' ? undefined : options.makeDetector();
  const decoder = made === undefined
    ? undefined
    : createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock, states: new Map([[tetragonDecoder, made.tree]]) });
  const detect = mode === 'signals' || mode === 'pipeline' ? made?.detector : undefined;
  const out: Decoded[] = [];
  let records = 0;
  let bytes = 0;
  let events = 0;
  let signals = 0;
  let ms = 0;
  let lastReport = 0;
  for (const file of files) {
    if (records >= limit) break;
    for await (const items of readInput(file)) {
      if (records >= limit) break;
      // Only the work on the records is timed: reading and cutting the file is the same in
      // every pass and its cost depends on the disk cache.
      const t0 = performance.now();
      for (const item of items) {
        if (item.type !== 'record') continue;
        bytes += item.text.length;
        if (decoder === undefined) {
          records += parseOnly(item.text);
          continue;
        }
        // Latency on one record in 16: timing every one would slow the pass it measures.
        const timed = latency !== undefined && (item.line & 15) === 0;
        const s0 = timed ? performance.now() : 0;
        decoder.decodeText(item.text, { path: file, line: item.line }, out);
        for (let i = 0; i < out.length; i++) {
          const d = out[i] as Decoded;
          records++;
          if (d.type !== 'event') continue;
          events++;
          // Falco alerts are signals already; the detector still matches them against intel.
          if (d.event.source === 'falco') signals++;
          if (detect !== undefined) signals += detect.detect(d.event).length;
        }
        if (timed && out.length > 0) latency?.add(((performance.now() - s0) * 1000) / out.length, out.length);
        out.length = 0;
      }
      ms += performance.now() - t0;
      if (options.onProgress !== undefined && records - lastReport >= 500_000) {
        lastReport = records;
        options.onProgress(mode, records);
      }
    }
  }
  return { ms, records, bytes, events, signals, ...(made === undefined ? {} : { tree: made.tree, stateSize: made.stateSize?.() ?? 0 }) };
}

export async function benchPipeline(paths: readonly string[], options: PipelineBenchOptions): Promise<PipelineBenchResult> {
  const { files, problems } = await expandInputs(paths);
  if (problems.length > 0) throw new Error(`cannot read ${problems[0]?.path ?? ''}: ${problems[0]?.message ?? ''}`);
  if (files.length === 0) throw new Error('no input files');
  // An untimed pass over the start of every file first, so the timed passes all run compiled
  // code: otherwise the first pass to use a decoder or rule pays for its compilation.
  for (const f of files) await pass([f], 'pipeline', options, undefined, WARMUP_RECORDS);
  // Rounds of the four passes, interleaved, keeping each pass's fastest round: the machine's
  // speed drifts, and interleaving spreads the drift over every pass alike.
  const rounds = Math.max(1, options.rounds ?? 1);
  let ceiling: PassOutcome | undefined;
  let decode: PassOutcome | undefined;
  let signals: PassOutcome | undefined;
  let pipeline: (PassOutcome & { tree?: ProcessTree; stateSize?: number }) | undefined;
  let latency = new LatencyHistogram();
  const faster = <P extends PassOutcome>(a: P | undefined, b: P): P => (a === undefined || b.ms < a.ms ? b : a);
  for (let r = 0; r < rounds; r++) {
    ceiling = faster(ceiling, await pass(files, 'parse', options));
    decode = faster(decode, await pass(files, 'decode', options));
    signals = faster(signals, await pass(files, 'signals', options));
    const histogram = new LatencyHistogram();
    const p = await pass(files, 'pipeline', options, histogram);
    if (pipeline === undefined || p.ms < pipeline.ms) {
      pipeline = p;
      latency = histogram;
    }
  }
  if (ceiling === undefined || decode === undefined || signals === undefined || pipeline === undefined) throw new Error('no rounds');
  const eps = (p: PassOutcome) => (p.ms === 0 ? 0 : p.records / (p.ms / 1000));
  return {
    files: files.length,
    records: pipeline.records,
    bytes: pipeline.bytes,
    events: pipeline.events,
    signals: pipeline.signals,
    threats: 0,
    attacks: 0,
    ceilingEps: eps(ceiling),
    decodeEps: eps(decode),
    signalsEps: eps(signals),
    pipelineEps: eps(pipeline),
    ratioToParseCeiling: eps(ceiling) === 0 ? 0 : eps(pipeline) / eps(ceiling),
    latencyUs: { p50: latency.quantile(0.5), p90: latency.quantile(0.9), p99: latency.quantile(0.99), p999: latency.quantile(0.999), max: latency.max },
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    processTreeSize: pipeline.tree?.size ?? 0,
    baselineProfiles: pipeline.stateSize ?? 0,
    correlationStateSize: 0,
    correlation: 'pending',
    seconds: { ceiling: ceiling.ms / 1000, decode: decode.ms / 1000, signals: signals.ms / 1000, pipeline: pipeline.ms / 1000 },
  };
}
