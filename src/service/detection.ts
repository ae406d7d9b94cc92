/**
 * Detection for the live service: the same stages as `analyze` (one process tree, the rules,
 * intel, baselines, correlation), fed stored records in log order. Each record is decoded again
 * from its stored text, so processing after a restart (a replay of the log) runs exactly the
 * code the first pass ran and gives the same ids.
 */

import type { RecordError } from '../core/errors.js';
import type { SourceKind } from '../core/event.js';
import type { Signal } from '../core/signal.js';
import type { Attack, Threat } from '../core/threat.js';
import { systemClock, type Clock } from '../core/time.js';
import { CorrelationEngine, type CorrelationStats } from '../correlate/engine.js';
import { BATCH_RECORDS } from '../pipeline/batch.js';
import { createRecordDecoder, type Decoded, type RecordDecoder, type RecordText } from '../pipeline/record-decoder.js';
import { createRuleSources, SOURCE_BINDINGS } from '../rules/sources.js';
import { builtinDecoders } from '../sources/index.js';
import { createProcessTree, tetragonDecoder } from '../sources/tetragon/index.js';
import type { Baseliner } from '../baseline/baseliner.js';
import type { EdgeRow, EntityRow, StoredRecord, Suppression } from '../store/port.js';
import type { VigilEvent } from '../core/event.js';
import { loadBaseline, loadDetector, loadIntel, type ProblemSink } from './load.js';
import { Stages } from './stages.js';

/** The four sources the ingestion endpoints take, and the origin path their records get. */
export const INGEST_SOURCES: readonly SourceKind[] = ['falco', 'k8saudit', 'cloudtrail', 'tetragon'];

export function originPath(source: SourceKind): string {
  return `ingest/${source}`;
}

/** What detection loads: rule files, feeds, baselines (shared by `analyze` and `serve`). */
export interface DetectionOptions {
  readonly rules?: readonly string[];
  readonly defaultRules?: boolean;
  readonly ruleMatching?: string;
  readonly intel?: readonly string[];
  readonly defaultIntel?: boolean;
  /** Behavioural baselines (default on). */
  readonly baselines?: boolean;
  readonly clock?: Clock;
}

/** A loaded rule, as the rules listing shows it. */
export interface RuleInfo {
  readonly name: string;
  /** `signal` (Falco syntax), `threat` or `attack` (correlation). */
  readonly kind: 'signal' | 'threat' | 'attack';
  /** Signal rules: the Falco source (`syscall`, `k8s_audit`…); correlation rules: their intent or severity. */
  readonly source: string;
  readonly severity: string;
  readonly tags: readonly string[];
  readonly enabled: boolean;
  readonly file: string;
  readonly line: number;
}

/** What one batch of records produced. */
export interface BatchResult {
  events: number;
  rejected: number;
  readonly signals: Signal[];
  /** Threats and attacks that are new or changed, by id (the latest version). */
  readonly outputs: Map<string, Threat | Attack>;
  readonly errors: RecordError[];
  /** The entities and relations of the events that raised signals (the evidence), merged by key. */
  readonly entities: Map<string, EntityRow>;
  readonly edges: Map<string, EdgeRow>;
}

export class LiveDetection {
  readonly #decoders: ReadonlyMap<SourceKind, RecordDecoder>;
  readonly #stages: Stages;
  readonly #correlation: CorrelationEngine;
  readonly #tree: { readonly size: number };
  readonly rules: { readonly signalRules: number; readonly correlationRules: number };
  readonly ruleList: readonly RuleInfo[];
  /** What loading the rules warned about (unused lists and macros…), each with file and line. */
  readonly ruleWarnings: readonly string[];
  #changed = new Map<string, Threat | Attack>();
  /** `kind \0 rule \0 subject` of the analysts' suppressions. */
  readonly #suppressions = new Set<string>();
  readonly #baseline: Baseliner | undefined;

  private constructor(parts: {
    decoders: ReadonlyMap<SourceKind, RecordDecoder>;
    stages: (correlation: CorrelationEngine, suppressed: (s: Signal) => boolean) => Stages;
    baseline: Baseliner | undefined;
    correlation: (onOutput: (o: Threat | Attack) => void) => CorrelationEngine;
    tree: { readonly size: number };
    rules: { signalRules: number; correlationRules: number };
    ruleList: readonly RuleInfo[];
    ruleWarnings: readonly string[];
  }) {
    this.#decoders = parts.decoders;
    this.#correlation = parts.correlation((o) => this.#changed.set(o.id, o));
    this.#stages = parts.stages(this.#correlation, (s) => this.#suppressions.size > 0 && this.#suppressions.has(`signal\0${s.rule}\0${signalSubject(s)}`));
    this.#baseline = parts.baseline;
    this.#tree = parts.tree;
    this.rules = parts.rules;
    this.ruleList = parts.ruleList;
    this.ruleWarnings = parts.ruleWarnings;
  }

  /** Loads the rules, feeds and baselines; undefined (with every problem written to `io`) when they have errors. */
  static async create(options: DetectionOptions, io: ProblemSink): Promise<LiveDetection | undefined> {
    const tree = createProcessTree();
    const sources = createRuleSources({ ancestry: tree });
    const loaded = await loadDetector(options, sources, io);
    if (loaded === undefined) return undefined;
    const intel = await loadIntel(options, sources, io);
    if (intel === undefined) return undefined;
    const baseline = await loadBaseline({ baselines: options.baselines ?? true }, sources, io);
    if (baseline === null) return undefined;
    const clock = options.clock ?? systemClock;
    const states = new Map([[tetragonDecoder, tree]]);
    const decoders = new Map(INGEST_SOURCES.map((s) => [s, createRecordDecoder({ decoders: builtinDecoders, format: s, clock, states })]));
    return new LiveDetection({
      decoders,
      tree,
      correlation: (onOutput) => new CorrelationEngine(loaded.correlation, SOURCE_BINDINGS, { onOutput }),
      stages: (correlation, suppressed) => new Stages({ detector: loaded.detector, also: baseline === undefined ? [intel] : [intel, baseline], correlation, suppressed }),
      baseline,
      rules: { signalRules: loaded.enabled, correlationRules: loaded.correlation.rules.length },
      ruleWarnings: loaded.warnings,
      ruleList: [
        ...loaded.set.rules.map((r) => ({ name: r.name, kind: 'signal' as const, source: r.source, severity: r.priority, tags: r.tags, enabled: r.enabled, file: r.position.file, line: r.position.line })),
        ...loaded.correlation.rules.map((r) => ({
          name: r.name,
          kind: r.kind,
          source: r.intent ?? r.tactics.join(','),
          severity: r.severity,
          tags: [...r.techniques],
          enabled: true,
          file: r.position.file,
          line: r.position.line,
        })),
      ],
    });
  }

  /** Runs stored records, in log order, through every stage. */
  process(records: readonly StoredRecord[]): BatchResult {
    const result: BatchResult = { events: 0, rejected: 0, signals: [], outputs: new Map(), errors: [], entities: new Map(), edges: new Map() };
    this.#changed = result.outputs;
    // Records are decoded BATCH_RECORDS at a time, then those events go through the stages, as
    // `analyze` takes them: alternating between decoding and detecting record by record cost a
    // fifth of the throughput on machines whose caches are shared (docs/benchmarks.md).
    for (let start = 0; start < records.length; start += BATCH_RECORDS) this.#processPart(records, start, Math.min(records.length, start + BATCH_RECORDS), result);
    return result;
  }

  #processPart(records: readonly StoredRecord[], from: number, to: number, result: BatchResult): void {
    const out: Decoded[] = [];
    // Consecutive records of one source are decoded together (decodeTexts), in log order.
    const run: RecordText[] = [];
    let runDecoder: RecordDecoder | undefined;
    for (let i = from; i < to; i++) {
      const r = records[i] as StoredRecord;
      const decoder = this.#decoders.get(r.source);
      if (decoder !== runDecoder) {
        runDecoder?.decodeTexts(run, out);
        run.length = 0;
        runDecoder = decoder;
      }
      if (decoder !== undefined) run.push({ text: r.text, origin: { path: originPath(r.source), line: r.seq } });
    }
    runDecoder?.decodeTexts(run, out);
    const events: VigilEvent[] = [];
    for (const d of out) {
      if (d.type === 'event') {
        events.push(d.event);
      } else if (d.type === 'error') {
        // Records were validated before they were stored; one failing now is a bug worth seeing.
        result.rejected++;
        result.errors.push(d.error);
      }
    }
    result.events += events.length;
    this.#stages.processBatch(events, result.signals, (event, before, after) => {
      if (after > before) addEvidence(event, result);
    });
  }

  /**
   * An analyst's false positive: from now on, signals of the rule on the same subject (or
   * threats/attacks of the correlation rule on the same key) are dropped; an anomaly also teaches
   * its baseline that the value is normal.
   */
  /** Forgets every suppression (before applying the stored ones again). */
  clearSuppressions(): void {
    this.#suppressions.clear();
  }

  suppress(s: Pick<Suppression, 'kind' | 'rule' | 'subject'>, anomaly?: { profile: string; feature: string; value: string }): void {
    this.#suppressions.add(`${s.kind === 'signal' ? 'signal' : 'output'}\0${s.rule}\0${s.subject}`);
    if (anomaly !== undefined) this.#baseline?.feedback(anomaly);
  }

  unsuppress(s: Pick<Suppression, 'kind' | 'rule' | 'subject'>): void {
    this.#suppressions.delete(`${s.kind === 'signal' ? 'signal' : 'output'}\0${s.rule}\0${s.subject}`);
  }

  /** Whether an analyst suppressed this threat or attack's rule on its key. */
  suppressedOutput(o: Threat | Attack): boolean {
    return this.#suppressions.size > 0 && this.#suppressions.has(`output\0${o.rule}\0${o.key}`);
  }

  get correlationStats(): CorrelationStats {
    return this.#correlation.stats;
  }

  get processTreeSize(): number {
    return this.#tree.size;
  }
}

/**
 * What a signal suppression keys on: the identity of whoever acted, as stable as the signal
 * allows: the container image (the workload, across restarts), the Kubernetes service account or
 * user, the AWS role (across sessions) or principal; otherwise the first entity named.
 */
const SUBJECT_TYPES = ['image', 'k8s-serviceaccount', 'k8s-user', 'aws-role', 'aws-principal', 'container', 'pod'];

export function subjectOf(entities: readonly { readonly type: string; readonly id: string }[]): string {
  for (const t of SUBJECT_TYPES) {
    const e = entities.find((x) => x.type === t);
    if (e !== undefined) return `${e.type}:${e.id}`;
  }
  const first = entities[0];
  return first === undefined ? '' : `${first.type}:${first.id}`;
}

function signalSubject(s: Signal): string {
  return subjectOf(s.entities);
}

/** Adds an evidence event's entities and relations to the batch, merged by key over event time. */
function addEvidence(event: VigilEvent, into: BatchResult): void {
  const t = Math.floor(event.timeMs);
  for (const e of event.entities) {
    const key = `${e.type}:${e.id}`;
    const had = into.entities.get(key);
    into.entities.set(key, had === undefined
      ? { key, type: e.type, id: e.id, name: e.name, firstMs: t, lastMs: t }
      : { ...had, firstMs: Math.min(had.firstMs, t), lastMs: Math.max(had.lastMs, t) });
  }
  for (const r of event.relations) {
    const key = `${r.from}|${r.kind}|${r.to}`;
    const had = into.edges.get(key);
    into.edges.set(key, had === undefined
      ? { src: r.from, kind: r.kind, dst: r.to, firstMs: t, lastMs: t }
      : { ...had, firstMs: Math.min(had.firstMs, t), lastMs: Math.max(had.lastMs, t) });
  }
}
