import { attackOut, signalOut, threatOut } from '../../core/wire.js';
import type { AnalyzeReport } from '../analyze-run.js';

export { attackOut, signalOut, threatOut };

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
