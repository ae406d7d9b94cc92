/**
 * Turns rule matches into signals: one per (rule, event), with the rule's priority, tags and
 * ATT&CK techniques, the event's entities, the rendered output and a deterministic id.
 */
import type { VigilEvent } from '../core/event.js';
import { stableId } from '../core/hash.js';
import { techniquesFromTags, type Signal } from '../core/signal.js';
import { RuleEngine, type RuleMatching } from './engine.js';
import type { CompiledRule, RuleSet } from './load.js';
import { SOURCE_BINDINGS } from './sources.js';

export function ruleSignal(rule: CompiledRule<VigilEvent>, event: VigilEvent): Signal {
  return {
    id: `sig-${stableId('rule', [rule.name, event.id])}`,
    rule: rule.name,
    source: rule.source,
    priority: rule.priority,
    time: event.time,
    timeMs: event.timeMs,
    tags: rule.tags,
    entities: event.entities,
    techniques: techniquesFromTags(rule.tags),
    input: event.origin,
    eventId: event.id,
    output: rule.output.render(event),
    evidence: event.payload,
  };
}

/** What detect returns when nothing fires: one shared empty list, no allocation per event. */
const NONE: Signal[] = [];

/** A detector over a loaded rule set: events in, signals out. */
export class Detector {
  readonly #engine: RuleEngine<VigilEvent>;

  constructor(set: RuleSet<VigilEvent>, matching: RuleMatching = 'first') {
    this.#engine = new RuleEngine(set, SOURCE_BINDINGS, matching);
  }

  detect(event: VigilEvent): Signal[] {
    const rules = this.#engine.evaluate(event);
    return rules.length === 0 ? NONE : rules.map((r) => ruleSignal(r, event));
  }
}
