/**
 * Rule evaluation throughput: events are decoded first (with the process tree, as in a run),
 * then the compiled rule set is evaluated over all of them, best of several rounds, on one core;
 * only the evaluation is timed. Decoding is measured by `bench decode`.
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
  readonly eventsPerSec: number;
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

function decodeAll(lines: readonly string[], states: ReadonlyMap<SourceDecoder, SourceState>): VigilEvent[] {
  const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock, states });
  const out: Decoded[] = [];
  const events: VigilEvent[] = [];
  lines.forEach((l, i) => {
    decoder.decodeText(l, { path: 'bench', line: i + 1 }, out);
    for (const d of out) if (d.type === 'event') events.push(d.event);
    out.length = 0;
  });
  return events;
}

/**
 * Best of `rounds` timed passes over the decoded events, after an untimed one that warms the
 * JIT up. Passes repeat over the same events: the field memo keeps only the event it last saw,
 * so every event is evaluated afresh each time.
 */
function timedPasses(engine: RuleEngine<VigilEvent>, decoded: readonly VigilEvent[], rounds: number): { readonly ms: number; readonly matched: number } {
  const run = (): { readonly ms: number; readonly matched: number } => {
    let matched = 0;
    const t0 = performance.now();
    for (const e of decoded) if (engine.evaluate(e).length > 0) matched++;
    return { ms: performance.now() - t0, matched };
  };
  const { matched } = run();
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const r = run();
    best = Math.min(best, r.ms);
    if (r.matched !== matched) throw new Error('rule evaluation is not deterministic');
  }
  return { ms: best, matched };
}

export function benchRules(c: RuleBenchCase, rounds: number, matching: RuleMatching = 'first'): RuleBenchResult {
  // One process tree for every pass (replaying the same events teaches it nothing new), which
  // the rules' ancestor fields walk, as in a run.
  const tree = createProcessTree();
  const states = new Map<SourceDecoder, SourceState>([[tetragonDecoder, tree]]);
  const set = loadRules(c.files, createRuleSources({ ancestry: tree }));
  const engine = new RuleEngine(set, SOURCE_BINDINGS, matching);
  const decoded = decodeAll(c.lines, states);
  const events = decoded.length;
  let candidates = 0;
  for (const e of decoded) candidates += engine.candidates(e).length;
  const { ms, matched: matchedEvents } = timedPasses(engine, decoded, rounds);

  // The engine alone: record every field value once, then evaluate with tables replaying them.
  const replay = createFieldReplay(createRuleSources({ ancestry: tree }));
  const recorder = new RuleEngine(loadRules(c.files, replay.recording), SOURCE_BINDINGS, matching);
  for (const e of decoded) recorder.evaluate(e);
  const replayed = timedPasses(new RuleEngine(loadRules(c.files, replay.replaying), SOURCE_BINDINGS, matching), decoded, rounds);
  if (replayed.matched !== matchedEvents) throw new Error('replayed field values do not give the same matches');

  const seconds = ms / 1000;
  return {
    name: c.name,
    ruleFiles: c.files.map((f) => f.name),
    rules: set.counts.rules,
    enabled: set.counts.enabled,
    errors: set.diagnostics.filter((d) => d.severity === 'error').length,
    events,
    seconds,
    eventsPerSec: events / seconds,
    candidatesPerEvent: events === 0 ? 0 : candidates / events,
    matchedEvents,
    engineOnlyEventsPerSec: events / (replayed.ms / 1000),
  };
}
