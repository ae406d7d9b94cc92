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
export function reportToTable(r: AnalyzeReport, color: boolean): string {
  const paint = (style: Style, s: string) => (color ? styleText(style, s) : s);
  const out: string[] = [];
  const sources = Object.entries(r.bySource)
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
  if (r.shared.length > 0) {
    out.push('', paint('bold', 'Entities seen by more than one source'));
    for (const e of r.shared) out.push(`  ${e.name}  ${paint('dim', `(${e.sources.join(', ')})`)}`);
  }
  if (r.signals.length > 0) {
    out.push('', paint('bold', 'Signals'));
    for (const sig of r.signals) {
      const prio = paint(PRIORITY_STYLE[sig.priority] ?? 'dim', pad(sig.priority, 13));
      const ents = sig.entities
        .filter((e) => e.type !== 'process' && e.type !== 'user')
        .slice(0, 4)
        .map((e) => `${e.type}=${e.name}`)
        .join(' ');
      const tech = sig.techniques.length > 0 ? ` [${sig.techniques.join(',')}]` : '';
      out.push(`  ${pad(sig.time, 30)} ${prio} ${sig.rule}${tech}`);
      if (ents !== '') out.push(`      ${paint('dim', ents)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
