/**
 * The simulation loop: advances event time in fixed ticks, asks every background generator and
 * every scenario for the tick's records, writes them in time order, and keeps the ground truth.
 * Memory stays flat whatever the duration: a tick's records are written before the next is
 * made, and only labelled records are remembered.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceKind } from '../core/event.js';
import { Random } from '../core/random.js';
import { systemClock } from '../core/time.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';
import { awsBenign } from './benign/aws.js';
import { k8sBenign } from './benign/k8s.js';
import { falcoBenign, PidAllocator, runtimeBenign } from './benign/runtime.js';
import type { Emission, Generator } from './emit.js';
import { buildEnvironment, type Environment } from './model.js';
import type { Scenario, ScenarioEmission } from './scenario.js';
import { SimWriter, type RecordLocation, type WrittenFile } from './writer.js';

/** The ground truth's name in the output directory (beside `telemetry/`). */
export const TRUTH_FILE = 'truth.json';

export interface SimulateOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly durationMs: number;
  /**
   * Runtime background events per second, averaged over a day (approximate: the generators
   * follow their rhythms); undefined keeps the model's natural rate. API activity (audit,
   * CloudTrail, Falco notices) keeps its natural rate whatever this says: a quiet cluster still
   * renews its leases, and principals still need their usual calls to be learned.
   */
  readonly rate?: number;
  readonly nodes?: number;
  readonly workloads?: number;
  /** Scenarios to inject, spread over the duration in this order. */
  readonly scenarios: readonly Scenario[];
  /** Event time per tick (default 10 s). */
  readonly tickMs?: number;
  readonly onProgress?: (p: SimulateProgress) => void;
}

export interface SimulateProgress {
  readonly eventTimeMs: number;
  readonly records: number;
  readonly fraction: number;
}

export interface TruthEvent extends RecordLocation {
  /** Vigil's event id for the record (`vigil analyze` shows it in signals). */
  readonly id: string;
  readonly time: string;
}

export interface TruthScenario {
  readonly label: string;
  readonly id: string;
  readonly kind: 'attack' | 'benign';
  readonly intent?: string;
  readonly resembles?: string;
  readonly title: string;
  readonly description: string;
  readonly techniques: readonly string[];
  readonly start: string;
  readonly end: string;
  readonly events: TruthEvent[];
}

export interface Truth {
  readonly version: 1;
  readonly generator: string;
  readonly seed: number;
  readonly start: string;
  readonly end: string;
  readonly environment: { readonly cluster: string; readonly account: string; readonly region: string; readonly nodes: readonly string[]; readonly pods: number; readonly workloads: readonly string[] };
  readonly counts: Readonly<Record<SourceKind | 'total', number>>;
  readonly files: readonly WrittenFile[];
  readonly scenarios: readonly TruthScenario[];
}

/** The model's runtime background rate over a day, to turn `rate` into a scale (rough on purpose). */
function naturalRate(env: Environment): number {
  const runtime = env.pods.reduce((s, p) => s + p.workload.activity * (p.workload.role === 'web' || p.workload.role === 'api' ? 0.55 : 1), 0);
  return runtime * 1.35 + env.nodes.length * 1.5;
}

interface Placed {
  readonly scenario: Scenario;
  readonly label: string;
  readonly startMs: number;
  readonly emissions: ScenarioEmission[];
  next: number;
  readonly truth: TruthScenario;
}

function idOf(decoder: ReturnType<typeof createRecordDecoder>, e: Emission, loc: RecordLocation): string {
  const out: Decoded[] = [];
  decoder.decodeText(JSON.stringify(e.record), { path: loc.file, line: loc.line ?? 1 }, out);
  const d = out[0];
  if (d?.type !== 'event') throw new Error(`simulator bug: a ${e.source} record it wrote does not decode (${d?.type === 'error' ? d.error.message : 'skipped'})`);
  return d.event.id;
}

export async function simulate(outDir: string, options: SimulateOptions): Promise<Truth> {
  const random = new Random(options.seed);
  const { startMs, durationMs } = options;
  const endMs = startMs + durationMs;
  const env = buildEnvironment(random, { startMs, ...(options.nodes === undefined ? {} : { nodes: options.nodes }), ...(options.workloads === undefined ? {} : { workloads: options.workloads }) });
  const scale = options.rate === undefined ? 1 : Math.max(0, options.rate) / naturalRate(env);
  const pids = new PidAllocator();
  const background: Generator[] = [
    runtimeBenign(env, random, { scale, pids }),
    falcoBenign(env, random, 1),
    k8sBenign(env, random, 1),
    awsBenign(env, random, 1),
  ];
  const decoders = new Map<SourceKind, ReturnType<typeof createRecordDecoder>>();
  const decoderFor = (s: SourceKind) => {
    let d = decoders.get(s);
    if (d === undefined) decoders.set(s, (d = createRecordDecoder({ decoders: builtinDecoders, format: s, clock: systemClock, withState: false })));
    return d;
  };

  const placed: Placed[] = options.scenarios.map((scenario, i) => {
    const proposed = startMs + Math.floor(((i + 1) / (options.scenarios.length + 1)) * durationMs);
    const at = scenario.placeAt?.(proposed) ?? proposed;
    const label = `${scenario.kind === 'attack' ? 'attack' : 'benign'}-${i + 1}`;
    const emissions = scenario.build({ env, random: random.fork(`scenario:${scenario.id}:${i}`), pids, startMs: at }).sort((a, b) => a.timeMs - b.timeMs);
    const first = emissions[0]?.timeMs ?? at;
    const last = emissions[emissions.length - 1]?.timeMs ?? at;
    const truth: TruthScenario = {
      label,
      id: scenario.id,
      kind: scenario.kind,
      ...(scenario.kind === 'attack' ? { intent: scenario.intent } : { resembles: scenario.resembles }),
      title: scenario.title,
      description: scenario.description,
      techniques: scenario.techniques,
      start: new Date(first).toISOString(),
      end: new Date(last).toISOString(),
      events: [],
    };
    return { scenario, label, startMs: at, emissions, next: 0, truth };
  });
  for (const p of placed) {
    const first = p.emissions[0]?.timeMs ?? p.startMs;
    const last = p.emissions[p.emissions.length - 1]?.timeMs ?? p.startMs;
    if (first < startMs || last >= endMs) {
      throw new Error(
        `scenario ${p.scenario.id} needs event time ${new Date(first).toISOString()} to ${new Date(last).toISOString()}, outside the simulated ` +
          `${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}; simulate a longer --duration, or fewer scenarios`,
      );
    }
  }

  const writer = new SimWriter(outDir, random, env.accountId);
  const counts: Record<SourceKind | 'total', number> = { tetragon: 0, falco: 0, k8saudit: 0, cloudtrail: 0, total: 0 };
  const tick = Math.max(1000, options.tickMs ?? 10_000);
  const tickOut: Emission[] = [];
  let lastProgress = 0;
  for (let from = startMs; from < endMs; from += tick) {
    const to = Math.min(endMs, from + tick);
    for (const g of background) g.emit(from, to, tickOut);
    for (const p of placed) {
      while (p.next < p.emissions.length && (p.emissions[p.next] as ScenarioEmission).timeMs < to) {
        tickOut.push({ ...(p.emissions[p.next] as ScenarioEmission), label: p.label });
        p.next++;
      }
    }
    tickOut.sort((a, b) => a.timeMs - b.timeMs);
    // Records a generator placed beyond the tick (a helper's exit) wait for the next one, so
    // every file stays in time order.
    const last = to >= endMs;
    let cut = tickOut.length;
    while (!last && cut > 0 && (tickOut[cut - 1] as Emission).timeMs >= to) cut--;
    for (let k = 0; k < cut; k++) {
      const e = tickOut[k] as Emission;
      counts[e.source]++;
      counts.total++;
      const owner = e.label === undefined ? undefined : placed.find((p) => p.label === e.label);
      if (owner === undefined) writer.add(e);
      else writer.add(e, (loc) => owner.truth.events.push({ ...loc, id: idOf(decoderFor(e.source), e, loc), time: new Date(e.timeMs).toISOString() }));
    }
    tickOut.splice(0, cut);
    await writer.flush(to);
    if (options.onProgress !== undefined && (to - lastProgress >= durationMs / 20 || to >= endMs)) {
      lastProgress = to;
      options.onProgress({ eventTimeMs: to, records: counts.total, fraction: (to - startMs) / durationMs });
    }
  }
  const files = await writer.close();
  for (const p of placed) p.truth.events.sort((a, b) => a.time.localeCompare(b.time) || a.file.localeCompare(b.file) || (a.line ?? a.index ?? 0) - (b.line ?? b.index ?? 0));
  const truth: Truth = {
    version: 1,
    generator: 'vigil simulate',
    seed: options.seed,
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    environment: {
      cluster: env.cluster,
      account: env.accountId,
      region: env.region,
      nodes: env.nodes.map((n) => n.name),
      pods: env.pods.length,
      workloads: env.workloads.map((w) => `${w.namespace}/${w.name}`),
    },
    counts,
    files,
    scenarios: placed.map((p) => p.truth),
  };
  await writeFile(join(outDir, TRUTH_FILE), `${JSON.stringify(truth, null, 2)}\n`);
  return truth;
}
