import { styleText } from 'node:util';
import type { AnalyzeReport } from '../analyze-run.js';

type Style = Parameters<typeof styleText>[0];

const PRIORITY_STYLE: Record<string, Style> = {
  Emergency: ['bold', 'red'],
  Alert: ['bold', 'red'],
  Critical: 'red',
  Error: 'red',
  Warning: 'yellow',
  Notice: 'cyan',
};

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The human-readable report; colour only when `color` (a TTY). */
/** The table lists at most this many signals and rules; JSON has them all. */
const MAX_SIGNALS_SHOWN = 30;
const MAX_RULES_SHOWN = 15;
const MAX_THREATS_SHOWN = 30;

const SEVERITY_STYLE: Record<string, Style> = { critical: ['bold', 'red'], high: 'red', medium: 'yellow', low: 'cyan' };

export function reportToTable(r: AnalyzeReport, color: boolean): string {
  const paint = (style: Style, s: string) => (color ? styleText(style, s) : s);
  const out: string[] = [];
  const sources = Object.entries(r.bySource)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const s = r.summary;
  out.push(paint('bold', 'Vigil analyze'));
  out.push(`  events    ${s.events}${sources === '' ? '' : `  (${sources})`}`);
  out.push(`  rejected  ${s.rejected}${s.rejected > 0 ? '  (see errors on stderr)' : ''}`);
  if (s.skipped > 0) out.push(`  skipped   ${s.skipped}  (valid non-event records, e.g. Falco metrics snapshots)`);
  out.push(`  signals   ${s.signals}`);
  out.push(`  threats   ${s.threats}`);
  out.push(`  attacks   ${s.attacks}`);
  if (r.attacks.length > 0) {
    out.push('', paint('bold', 'Attacks'));
    const threatsById = new Map(r.threats.map((t) => [t.id, t]));
    for (const a of r.attacks) {
      const sev = paint(SEVERITY_STYLE[a.severity] ?? 'dim', pad(a.severity, 9));
      out.push(`  ${pad(a.detectedAt, 30)} ${sev} ${paint('bold', a.intent)}  ${a.name}  (score ${a.score.toFixed(2)})`);
      out.push(`      ${a.explanation}`);
      for (const id of a.threats) {
        const t = threatsById.get(id);
        if (t !== undefined) out.push(paint('dim', `      · ${t.detectedAt}  ${t.name} [${t.techniques.join(',')}]  ${t.signals.length} signals`));
      }
    }
  }
  if (r.threats.length > 0) {
    out.push('', paint('bold', r.threats.length > MAX_THREATS_SHOWN ? `Threats (first ${MAX_THREATS_SHOWN} of ${r.threats.length})` : 'Threats'));
    for (const t of r.threats.slice(0, MAX_THREATS_SHOWN)) {
      out.push(`  ${pad(t.detectedAt, 30)} ${paint(SEVERITY_STYLE[t.severity] ?? 'dim', pad(t.severity, 9))} ${t.name} [${t.techniques.join(',')}]`);
      out.push(`      ${paint('dim', t.summary)}`);
    }
  }
  if (r.shared.length > 0) {
    out.push('', paint('bold', 'Entities seen by more than one source'));
    for (const e of r.shared) out.push(`  ${e.name}  ${paint('dim', `(${e.sources.join(', ')})`)}`);
  }
  if (r.signals.length > 0) {
    const byRule = new Map<string, number>();
    for (const sig of r.signals) byRule.set(sig.rule, (byRule.get(sig.rule) ?? 0) + 1);
    out.push('', paint('bold', 'Signals by rule'));
    const rules = [...byRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [rule, n] of rules.slice(0, MAX_RULES_SHOWN)) out.push(`  ${String(n).padStart(6)}  ${rule}`);
    if (rules.length > MAX_RULES_SHOWN) out.push(paint('dim', `  … and ${rules.length - MAX_RULES_SHOWN} more rules`));
    out.push('', paint('bold', r.signals.length > MAX_SIGNALS_SHOWN ? `Signals (first ${MAX_SIGNALS_SHOWN} of ${r.signals.length}; all in --output json)` : 'Signals'));
    const byTime = [...r.signals].sort((a, b) => a.timeMs - b.timeMs);
    for (const sig of byTime.slice(0, MAX_SIGNALS_SHOWN)) {
      const prio = paint(PRIORITY_STYLE[sig.priority] ?? 'dim', pad(sig.priority, 13));
      const ents = sig.entities
        .filter((e) => e.type !== 'process' && e.type !== 'user')
        .slice(0, 4)
        .map((e) => `${e.type}=${e.name}`)
        .join(' ');
      const tech = sig.techniques.length > 0 ? ` [${sig.techniques.join(',')}]` : '';
      out.push(`  ${pad(sig.time, 30)} ${prio} ${sig.rule}${tech}`);
      if (sig.output !== undefined && sig.source !== 'falco') out.push(`      ${paint('dim', sig.output.length > 160 ? `${sig.output.slice(0, 157)}...` : sig.output)}`);
      if (ents !== '') out.push(`      ${paint('dim', ents)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
