/**
 * Memory and speed of the correlation stage alone (`vigil bench correlation`): `keys` distinct
 * containers each raise a download signal, the first step of a two-step threat of the default
 * library, spread over a few minutes of event time so every partial match is still active;
 * the heap is measured after a full collection, before and after. Then event time moves past
 * every window and the state is expected to be released.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createEntity } from '../core/entity.js';
import type { Signal } from '../core/signal.js';
import { CorrelationEngine } from '../correlate/engine.js';
import type { CorrelationSet } from '../correlate/load.js';
import { SOURCE_BINDINGS } from '../rules/sources.js';

export interface CorrelationBenchResult {
  readonly keys: number;
  /** (rule, key) states and the inputs they hold once every signal is in. */
  readonly stateKeys: number;
  readonly heldInputs: number;
  readonly heapMb: number;
  readonly bytesPerKey: number;
  readonly signalsPerSec: number;
  /** State left after event time passed every window (and its sweep). */
  readonly afterExpiry: { readonly keys: number; readonly held: number; readonly expired: number; readonly heapUsedMb: number };
}

/** A full garbage collection, where the runtime allows one (for a heap figure without garbage). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

function heapMb(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

const RULE = 'File downloaded into container';
const T0 = Date.UTC(2026, 10, 2, 9);

function signal(i: number, timeMs: number): Signal {
  const id = i.toString(16).padStart(12, '0');
  return {
    id: `sig-${id}`,
    rule: RULE,
    source: 'syscall',
    priority: 'Warning',
    time: new Date(timeMs).toISOString(),
    timeMs,
    tags: [],
    entities: [createEntity('container', id, 'app'), createEntity('pod', `shop/app-${id}`, `app-${id}`)],
    techniques: ['T1105'],
    input: { path: 'bench', line: i + 1 },
    eventId: `ev-${id}`,
  };
}

export function benchCorrelation(set: CorrelationSet, keys: number, onProgress?: (done: number) => void): CorrelationBenchResult {
  const gc = collector();
  // The signals are made first and kept: what is measured is the state, not the inputs.
  const spreadMs = 5 * 60_000;
  const signals = Array.from({ length: keys }, (_, i) => signal(i, T0 + Math.floor((i / keys) * spreadMs)));
  const engine = new CorrelationEngine(set, SOURCE_BINDINGS);
  const before = heapMb(gc);
  const t0 = performance.now();
  for (let i = 0; i < signals.length; i++) {
    engine.signal(signals[i] as Signal);
    if (onProgress !== undefined && (i + 1) % 250_000 === 0) onProgress(i + 1);
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = heapMb(gc);
  const stats = engine.stats;
  // An hour later in event time, another batch of signals: the sweeps release the old state.
  for (let i = 0; i < 10_000; i++) engine.signal(signal(keys + i, T0 + 3_600_000 + i));
  const late = engine.stats;
  signals.length = 0;
  const heapAfterExpiry = heapMb(gc);
  return {
    keys,
    stateKeys: stats.keys,
    heldInputs: stats.held,
    heapMb: after - before,
    bytesPerKey: ((after - before) * 1e6) / Math.max(1, stats.keys),
    signalsPerSec: keys / seconds,
    afterExpiry: { keys: late.keys, held: late.held, expired: late.expired, heapUsedMb: heapAfterExpiry },
  };
}
