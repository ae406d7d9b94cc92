/**
 * The contract's JSON shapes of signals, threats and attacks (contracts.md `analyze --output json`),
 * shared by the CLI's outputs and the HTTP API.
 */
import type { Entity } from './entity.js';
import type { Signal } from './signal.js';
import type { Attack, Threat } from './threat.js';

/** An entity in the contract's shape (`{type, id, name}`; attrs are internal detail). */
function entityOut(e: Entity): { type: string; id: string; name: string } {
  return { type: e.type, id: e.id, name: e.name };
}

/** A signal in the contract's shape. */
export function signalOut(s: Signal): Record<string, unknown> {
  return {
    id: s.id,
    rule: s.rule,
    source: s.source,
    priority: s.priority,
    time: s.time,
    tags: s.tags,
    entities: s.entities.map(entityOut),
    techniques: s.techniques,
    input: s.input,
    event_id: s.eventId,
    ...(s.output === undefined ? {} : { output: s.output }),
    ...(s.evidence === undefined ? {} : { evidence: s.evidence }),
    ...(s.anomaly === undefined ? {} : { score: s.anomaly.score, baseline: s.anomaly.baseline, anomaly: s.anomaly }),
    ...(s.intel === undefined ? {} : { intel: s.intel }),
  };
}

/** A threat in the contract's shape, plus what explains it (rule, summary, key, evidence ids). */
export function threatOut(t: Threat): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    techniques: t.techniques,
    tactics: t.tactics,
    severity: t.severity,
    first_seen: t.firstSeen,
    last_seen: t.lastSeen,
    detected_at: t.detectedAt,
    entities: t.entities.map(entityOut),
    signals: t.signals,
    threats: t.threats,
    rule: t.rule,
    key: t.key,
    summary: t.summary,
    events: t.events,
    updates: t.updates,
  };
}

/** An attack in the contract's shape, plus its name, rule, key and evidence ids. */
export function attackOut(a: Attack): Record<string, unknown> {
  return {
    id: a.id,
    intent: a.intent,
    severity: a.severity,
    score: a.score,
    techniques: a.techniques,
    tactics: a.tactics,
    first_seen: a.firstSeen,
    last_seen: a.lastSeen,
    detected_at: a.detectedAt,
    entities: a.entities.map(entityOut),
    threats: a.threats,
    explanation: a.explanation,
    name: a.name,
    rule: a.rule,
    key: a.key,
    signals: a.signals,
    events: a.events,
    updates: a.updates,
  };
}

