/**
 * The analyze run: decodes inputs, turns Falco alerts into signals, runs the rules over the other
 * events, correlates the signals into threats and attacks, and counts what happened, in the
 * contract's shape (contracts.md `analyze --output json`).
 */

import type { SourceDecoder, SourceState } from '../core/decoder.js';
import type { RecordError } from '../core/errors.js';
import type { VigilEvent } from '../core/event.js';
import type { Signal } from '../core/signal.js';
import type { Attack, Threat } from '../core/threat.js';
import type { CorrelationEngine } from '../correlate/engine.js';
import type { Clock } from '../core/time.js';
import { decodeInputs } from '../pipeline/decode-files.js';
import type { FormatOption } from '../pipeline/record-decoder.js';
import { Stages } from '../service/stages.js';

export interface AnalyzeReport {
  summary: { events: number; rejected: number; skipped: number; signals: number; threats: number; attacks: number };
  signals: Signal[];
  threats: Threat[];
  attacks: Attack[];
  errors: RecordError[];
  /** Events per source, for the table view. */
  bySource: Record<string, number>;
  /** Errors beyond `maxErrors`, counted but not kept. */
  errorsNotKept: number;
  /** Whether some input could not be read at all. */
  unreadable: boolean;
  /** Entities named by more than one source (the joins correlation uses), most sources first. */
  shared: { key: string; name: string; sources: string[] }[];
}

/** How many shared entities the report keeps. */
const MAX_SHARED = 12;

export interface AnalyzeOptions {
  readonly format: FormatOption;
  readonly clock?: Clock;
  /** Called about once a second on long runs with the records handled so far. */
  readonly onProgress?: (handled: number) => void;
  /** Keep at most this many errors (the rest are counted); a flood of bad lines must not fill memory. */
  readonly maxErrors?: number;
  /** Track which entities several sources name (reads every event's entities). */
  readonly entities?: boolean;
  /** Runs rules over each event (Falco alerts are signals already and skip it). */
  readonly detector?: { detect(event: VigilEvent): Signal[] };
  /** Run over every event, Falco alerts included: threat intelligence, behavioural baselines. */
  readonly also?: readonly { detect(event: VigilEvent): Signal[] }[];
  /** Correlates the signals (and events, for rules with event steps) into threats and attacks. */
  readonly correlation?: CorrelationEngine;
  /** Per-run source states shared with the detector (the process tree its fields walk). */
  readonly states?: ReadonlyMap<SourceDecoder, SourceState>;
}

export async function runAnalyze(paths: readonly string[], options: AnalyzeOptions): Promise<AnalyzeReport> {
  const report: AnalyzeReport = {
    summary: { events: 0, rejected: 0, skipped: 0, signals: 0, threats: 0, attacks: 0 },
    signals: [],
    threats: [],
    attacks: [],
    errors: [],
    bySource: {},
    shared: [],
    errorsNotKept: 0,
    unreadable: false,
  };
  const maxErrors = options.maxErrors ?? Infinity;
  const sourcesOf = new Map<string, { name: string; sources: Set<string> }>();
  let lastProgress = Date.now();
  const correlation = options.correlation;
  const stages = new Stages({ detector: options.detector, also: options.also, correlation });
  const decodeOptions = {
    format: options.format,
    // Several files are read side by side in event-time order: what happened together is
    // correlated together whatever the order of the files.
    order: 'time' as const,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.states === undefined ? {} : { states: options.states }),
  };
  const events: VigilEvent[] = [];
  for await (const batch of decodeInputs(paths, decodeOptions)) {
    for (const d of batch) {
      if (d.type === 'event') {
        report.summary.events++;
        report.bySource[d.event.source] = (report.bySource[d.event.source] ?? 0) + 1;
        if (options.entities === true) {
          for (const e of d.event.entities) {
            const key = `${e.type}:${e.id}`;
            const seen = sourcesOf.get(key) ?? { name: `${e.type} ${e.name}`, sources: new Set<string>() };
            seen.sources.add(d.event.source);
            sourcesOf.set(key, seen);
          }
        }
        events.push(d.event);
      } else if (d.type === 'error') {
        // Problems with a whole input (INPUT_*) are reported, but they are not rejected records.
        if (!d.error.code.startsWith('INPUT_')) report.summary.rejected++;
        if (d.error.code === 'INPUT_UNREADABLE') report.unreadable = true;
        if (report.errors.length < maxErrors) report.errors.push(d.error);
        else report.errorsNotKept++;
      } else {
        report.summary.skipped++;
      }
    }
    // The batch's events go through the stages together (Stages.processBatch), in order.
    stages.processBatch(events, report.signals);
    events.length = 0;
    if (options.onProgress !== undefined && Date.now() - lastProgress >= 1000) {
      lastProgress = Date.now();
      options.onProgress(report.summary.events + report.summary.rejected + report.summary.skipped);
    }
  }
  report.summary.signals = report.signals.length;
  if (correlation !== undefined) {
    correlation.flush();
    const byDetection = (a: { detectedMs: number; id: string }, b: { detectedMs: number; id: string }): number => a.detectedMs - b.detectedMs || (a.id < b.id ? -1 : 1);
    report.threats = [...correlation.threats].sort(byDetection);
    report.attacks = [...correlation.attacks].sort(byDetection);
    report.summary.threats = report.threats.length;
    report.summary.attacks = report.attacks.length;
  }
  report.shared = [...sourcesOf]
    .filter(([, v]) => v.sources.size > 1)
    .map(([key, v]) => ({ key, name: v.name, sources: [...v.sources].sort() }))
    .sort((a, b) => b.sources.length - a.sources.length || (a.key < b.key ? -1 : 1))
    .slice(0, MAX_SHARED);
  return report;
}
