import type { Entity } from '../../core/entity.js';
import type { Signal } from '../../core/signal.js';
import type { Attack, Threat } from '../../core/threat.js';
import type { AnalyzeReport } from '../analyze-run.js';

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

/** The one JSON object `analyze --output json` prints (contracts.md). */
export function reportToJson(r: AnalyzeReport): Record<string, unknown> {
  return {
    summary: r.summary,
    signals: r.signals.map(signalOut),
    threats: r.threats.map(threatOut),
    attacks: r.attacks.map(attackOut),
    errors: r.errors,
  };
}

/** `--output jsonl`: one line per signal, threat and attack, then per error (each with a `type` member), the summary last. */
export function reportToJsonLines(r: AnalyzeReport): string {
  const lines: string[] = [];
  for (const s of r.signals) lines.push(JSON.stringify({ type: 'signal', ...signalOut(s) }));
  for (const t of r.threats) lines.push(JSON.stringify({ type: 'threat', ...threatOut(t) }));
  for (const a of r.attacks) lines.push(JSON.stringify({ type: 'attack', ...attackOut(a) }));
  for (const e of r.errors) lines.push(JSON.stringify({ type: 'error', ...e }));
  lines.push(JSON.stringify({ type: 'summary', ...r.summary }));
  return `${lines.join('\n')}\n`;
}
