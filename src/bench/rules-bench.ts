/**
 * Rule evaluation throughput on one core. Events are decoded (with the process tree, as in a
 * run) a chunk at a time and each chunk is evaluated right after it is decoded, as a run
 * evaluates each record right after decoding it; only the evaluation is timed, best of several
 * rounds. Decoding is measured by `bench decode`. The same rules over every event decoded
 * beforehand (`bulk`) are reported too: there the events have long left the processor's caches.
 */
import type { VigilEvent } from '../core/event.js';
import { systemClock } from '../core/time.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { RuleEngine, type RuleMatching } from '../rules/engine.js';
import { loadRules, type RuleFile } from '../rules/load.js';
import { createRuleSources, SOURCE_BINDINGS } from '../rules/sources.js';
import { createProcessTree, tetragonDecoder } from '../sources/tetragon/index.js';
import { createFieldReplay } from './field-replay.js';
import type { SourceDecoder, SourceState } from '../core/decoder.js';
import { builtinDecoders } from '../sources/index.js';

export interface RuleBenchCase {
  readonly name: string;
  readonly files: readonly RuleFile[];
  readonly lines: readonly string[];
}

export interface RuleBenchResult {
  readonly name: string;
  readonly ruleFiles: readonly string[];
  readonly rules: number;
  readonly enabled: number;
  readonly errors: number;
  readonly events: number;
  readonly seconds: number;
  /** Evaluated a chunk at a time, right after decoding (see CHUNK): the figure the targets are about. */
  readonly eventsPerSec: number;
  /** Evaluated over every event decoded beforehand (cold memory). */
  readonly bulkEventsPerSec: number;
  /** Rules tested per event on average (after the event-type index). */
  readonly candidatesPerEvent: number;
  /** Events on which some rule fired (rule matching `first`). */
  readonly matchedEvents: number;
  /**
   * The same evaluation with every field value extracted beforehand (field-replay.ts): what the
   * engine itself costs (index, generated predicates, memo), apart from deriving each field from
   * the source's records.
   */
  readonly engineOnlyEventsPerSec: number;
}

/** Records decoded before their evaluation, as a run's read of a chunk of input gives them. */
export const CHUNK = 100;

type Decoder = ReturnType<typeof createRecordDecoder>;

function decodeChunk(decoder: Decoder, lines: readonly string[], from: number, to: number, into: VigilEvent[]): void {
  const out: Decoded[] = [];
  into.length = 0;
  for (let i = from; i < to; i++) {
    decoder.decodeText(lines[i] as string, { path: 'bench', line: i + 1 }, out);
    for (const d of out) if (d.type === 'event') into.push(d.event);
    out.length = 0;
  }
}

function decodeAll(decoder: Decoder, lines: readonly string[]): VigilEvent[] {
  const events: VigilEvent[] = [];
  decodeChunk(decoder, lines, 0, lines.length, events);
  return events;
}

interface Timed {
  readonly ms: number;
  readonly matched: number;
}

/** Best of `rounds` timed passes (after an untimed one that warms the JIT up); the matches must not vary. */
function best(rounds: number, pass: () => Timed): Timed {
  const { matched } = pass();
  let ms = Infinity;
  for (let i = 0; i < rounds; i++) {
    const r = pass();
    ms = Math.min(ms, r.ms);
    if (r.matched !== matched) throw new Error('rule evaluation is not deterministic');
  }
  return { ms, matched };
}

/**
 * One pass over `lines`: decode a chunk (untimed), `prepare` it (untimed), evaluate it (timed).
 * Passes repeat over the same records; the field memo keeps only the event it last saw, so every
 * event is evaluated afresh each time.
 */
function chunkedPass(engine: RuleEngine<VigilEvent>, decoder: Decoder, lines: readonly string[], prepare?: (events: readonly VigilEvent[]) => void): Timed {
  const events: VigilEvent[] = [];
  let ms = 0;
  let matched = 0;
  for (let from = 0; from < lines.length; from += CHUNK) {
    decodeChunk(decoder, lines, from, Math.min(lines.length, from + CHUNK), events);
    prepare?.(events);
    const t0 = performance.now();
    for (let i = 0; i < events.length; i++) if (engine.evaluate(events[i] as VigilEvent).length > 0) matched++;
    ms += performance.now() - t0;
  }
  return { ms, matched };
}

function bulkPass(engine: RuleEngine<VigilEvent>, events: readonly VigilEvent[]): Timed {
  let matched = 0;
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) if (engine.evaluate(events[i] as VigilEvent).length > 0) matched++;
  return { ms: performance.now() - t0, matched };
}

export function benchRules(c: RuleBenchCase, rounds: number, matching: RuleMatching = 'first'): RuleBenchResult {
  // One process tree for every pass (replaying the same records teaches it nothing new), which
  // the rules' ancestor fields walk, as in a run.
  const tree = createProcessTree();
  const states = new Map<SourceDecoder, SourceState>([[tetragonDecoder, tree]]);
  const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock, states });
  const set = loadRules(c.files, createRuleSources({ ancestry: tree }));
  const engine = new RuleEngine(set, SOURCE_BINDINGS, matching);
  // Chunked first, while the process holds nothing else: a hundred megabytes of events decoded
  // in bulk, alive beside the chunks, slow every collection the chunks cause.
  const chunked = best(rounds, () => chunkedPass(engine, decoder, c.lines));

  // The engine alone: each chunk's field values are recorded (untimed), then evaluated with
  // tables replaying them.
  const replay = createFieldReplay(createRuleSources({ ancestry: tree }));
  const recorder = new RuleEngine(loadRules(c.files, replay.recording), SOURCE_BINDINGS, matching);
  const replaying = new RuleEngine(loadRules(c.files, replay.replaying), SOURCE_BINDINGS, matching);
  const record = (chunk: readonly VigilEvent[]): void => {
    for (let i = 0; i < chunk.length; i++) recorder.evaluate(chunk[i] as VigilEvent);
  };
  const replayed = best(rounds, () => chunkedPass(replaying, decoder, c.lines, record));
  if (replayed.matched !== chunked.matched) throw new Error('replayed field values do not give the same matches');

  const decoded = decodeAll(decoder, c.lines);
  const events = decoded.length;
  let candidates = 0;
  for (const e of decoded) candidates += engine.candidates(e).length;
  const bulk = best(rounds, () => bulkPass(engine, decoded));
  if (bulk.matched !== chunked.matched) throw new Error('chunked and bulk evaluation disagree');

  return {
    name: c.name,
    ruleFiles: c.files.map((f) => f.name),
    rules: set.counts.rules,
    enabled: set.counts.enabled,
    errors: set.diagnostics.filter((d) => d.severity === 'error').length,
    events,
    seconds: chunked.ms / 1000,
    eventsPerSec: events / (chunked.ms / 1000),
    bulkEventsPerSec: events / (bulk.ms / 1000),
    candidatesPerEvent: events === 0 ? 0 : candidates / events,
    matchedEvents: chunked.matched,
    engineOnlyEventsPerSec: events / (replayed.ms / 1000),
  };
}
