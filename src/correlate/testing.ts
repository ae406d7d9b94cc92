/**
 * Helpers for correlation tests: signals with chosen rule, time and entities, and a rule set
 * loaded from YAML text (its diagnostics must be empty). Test data only.
 */
import { createEntity, type Entity, type EntityType } from '../core/entity.js';
import type { Priority, Signal } from '../core/signal.js';
import { RULE_SOURCES, SOURCE_BINDINGS } from '../rules/sources.js';
import { CorrelationEngine, type CorrelationOptions } from './engine.js';
import { loadCorrelation, type CorrelationSet } from './load.js';

export const T0 = Date.UTC(2026, 10, 3, 9, 0, 0);

export function at(seconds: number): number {
  return T0 + seconds * 1000;
}

export function ent(type: EntityType, id: string, name?: string): Entity {
  return createEntity(type, id, name);
}

/** A signal of `rule` at T0 + `seconds`, on the given entities. */
export function sig(rule: string, seconds: number, entities: readonly Entity[], extra: Partial<Signal> = {}): Signal {
  const timeMs = at(seconds);
  return {
    id: extra.id ?? `sig-${rule.replace(/\W+/g, '-')}-${seconds}-${entities.map((e) => e.id).join('-')}`,
    rule,
    source: 'syscall',
    priority: 'Warning' satisfies Priority,
    time: new Date(timeMs).toISOString(),
    timeMs,
    tags: [],
    entities,
    techniques: [],
    input: { path: 'test', line: Math.max(1, Math.round(seconds)) },
    eventId: extra.eventId ?? `ev-${rule.replace(/\W+/g, '-')}-${seconds}-${entities.map((e) => e.id).join('-')}`,
    ...extra,
  };
}

export function rulesFrom(yaml: string, name = 'test.yaml'): CorrelationSet {
  const set = loadCorrelation([{ name, text: yaml }], RULE_SOURCES);
  const errors = set.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n'));
  return set;
}

export function engineFor(yaml: string, options: CorrelationOptions = {}): CorrelationEngine {
  return new CorrelationEngine(rulesFrom(yaml), SOURCE_BINDINGS, options);
}
