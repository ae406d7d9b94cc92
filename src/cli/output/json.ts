import type { Entity } from '../../core/entity.js';
import type { Signal } from '../../core/signal.js';
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

/** The one JSON object `analyze --output json` prints (contracts.md). */
export function reportToJson(r: AnalyzeReport): Record<string, unknown> {
  return {
    summary: r.summary,
    signals: r.signals.map(signalOut),
    threats: r.threats,
    attacks: r.attacks,
    errors: r.errors,
  };
}

/** `--output jsonl`: one line per signal, then per error (each with a `type` member), the summary last. */
export function reportToJsonLines(r: AnalyzeReport): string {
  const lines: string[] = [];
  for (const s of r.signals) lines.push(JSON.stringify({ type: 'signal', ...signalOut(s) }));
  for (const e of r.errors) lines.push(JSON.stringify({ type: 'error', ...e }));
  lines.push(JSON.stringify({ type: 'summary', ...r.summary }));
  return `${lines.join('\n')}\n`;
}
