import { useState, type ReactNode } from 'react';
import { ErrorBox, Loading } from '../components/common.js';
import { useApp, useLoad } from '../context.js';
import type { Coverage as CoverageData } from '../types.js';

type Cell = CoverageData['tactics'][number]['techniques'][number];

function level(t: Cell): 'seen' | 'covered' | 'none' {
  if (t.fired > 0) return 'seen';
  return t.rules.length > 0 ? 'covered' : 'none';
}

const COLOURS = { seen: '#dc2626', covered: '#60a5fa' } as const;

/** An ATT&CK Navigator layer (format 4.5): score 1 = a loaded rule can detect it, 2 = one fired. */
export function navigatorLayer(c: CoverageData): Record<string, unknown> {
  const techniques = c.tactics.flatMap((tactic) =>
    tactic.techniques
      .filter((t) => level(t) !== 'none')
      .map((t) => ({
        techniqueID: t.id,
        tactic: tactic.shortname,
        score: level(t) === 'seen' ? 2 : 1,
        color: COLOURS[level(t) as 'seen' | 'covered'],
        comment: `${t.rules.length} rule(s): ${t.rules.slice(0, 20).join('; ')}${t.rules.length > 20 ? '; …' : ''}${t.fired > 0 ? ` — fired ${t.fired}×` : ''}`,
        enabled: true,
      })),
  );
  return {
    name: 'Vigil coverage',
    versions: { attack: c.attack_version.split('.')[0], navigator: '5.1.0', layer: '4.5' },
    domain: 'enterprise-attack',
    description: 'Techniques the loaded Vigil rules can detect (score 1) and those they detected (score 2).',
    techniques,
    gradient: { colors: ['#ffffff', COLOURS.covered, COLOURS.seen], minValue: 0, maxValue: 2 },
    legendItems: [
      { label: 'A loaded rule can detect it', color: COLOURS.covered },
      { label: 'Detected', color: COLOURS.seen },
    ],
  };
}

export default function Coverage(): ReactNode {
  const { api } = useApp();
  const r = useLoad((signal) => api.get<CoverageData>('/api/v1/coverage', signal), []);
  const [onlyCovered, setOnlyCovered] = useState(true);
  const d = r.data;
  const download = (): void => {
    if (d === undefined) return;
    const blob = new Blob([JSON.stringify(navigatorLayer(d), null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'vigil-attack-layer.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const all = d?.tactics.flatMap((t) => t.techniques) ?? [];
  const distinct = (pred: (t: Cell) => boolean): number => new Set(all.filter(pred).map((t) => t.id)).size;
  return (
    <section aria-labelledby="coverage-title">
      <header className="page-head">
        <h1 id="coverage-title">ATT&CK coverage</h1>
        {d !== undefined ? (
          <span className="muted">
            ATT&CK v{d.attack_version}: {distinct((t) => t.rules.length > 0)} of {distinct(() => true)} techniques detectable by the loaded rules, {distinct((t) => t.fired > 0)} detected
          </span>
        ) : null}
        <button type="button" onClick={download} disabled={d === undefined}>
          Export Navigator layer
        </button>
      </header>
      <p className="legend">
        <span className="cell-seen swatch" /> detected <span className="cell-covered swatch" /> a loaded rule can detect it <span className="cell-none swatch" /> not covered
        <label className="check">
          <input type="checkbox" checked={onlyCovered} onChange={(e) => setOnlyCovered(e.target.checked)} /> covered techniques only
        </label>
      </p>
      <ErrorBox error={r.error} />
      <Loading when={d === undefined && r.error === undefined} />
      {d !== undefined ? (
        <div className="matrix" data-testid="matrix">
          {d.tactics.map((tactic) => {
            const cells = tactic.techniques.filter((t) => !onlyCovered || level(t) !== 'none');
            return (
              <section key={tactic.id} className="matrix-col" aria-label={tactic.name}>
                <h2 className="matrix-head">
                  {tactic.name}
                  <span className="muted small"> {tactic.techniques.filter((t) => t.rules.length > 0).length}/{tactic.techniques.length}</span>
                </h2>
                <ul>
                  {cells.map((t) => (
                    <li key={t.id} className={`cell cell-${level(t)}`} title={t.rules.length === 0 ? 'No loaded rule' : `${t.rules.join('\n')}${t.fired > 0 ? `\nfired ${t.fired}×` : ''}`} tabIndex={0}>
                      <span className="mono small">{t.id}</span> {t.name}
                      {t.rules.length > 0 ? <span className="small"> · {t.rules.length}</span> : null}
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      ) : null}
    </section>
  );
}
