import { useEffect, useState, type CSSProperties, type ReactNode } from 'react';
import { query } from '../api.js';
import { ErrorBox, Intent, Loading, PeriodSelect } from '../components/common.js';
import { useApp, useLiveRefresh, useLoad } from '../context.js';
import { count, INTENTS, PERIODS, relativeTime, SEVERITIES, STATUSES } from '../format.js';
import { href } from '../router.js';
import type { Overview as OverviewData } from '../types.js';

const EPOCH = '1970-01-01T00:00:00Z';

export default function Overview(): ReactNode {
  const { api } = useApp();
  const [period, setPeriod] = useState('24h');
  const r = useLoad((signal) => {
    const p = PERIODS.find((x) => x.key === period);
    const since = p?.ms == null ? EPOCH : new Date(Date.now() - p.ms).toISOString();
    return api.get<OverviewData>(`/api/v1/overview${query({ since })}`, signal);
  }, [period]);
  useLiveRefresh(['signal', 'threat', 'attack'], r.reload, 1500);
  // Ingestion rates and "last seen" move without findings: refreshed every 10 s as well.
  useEffect(() => {
    const t = setInterval(r.reload, 10_000);
    return () => clearInterval(t);
  }, [r.reload]);
  const d = r.data;
  return (
    <section aria-labelledby="overview-title">
      <header className="page-head">
        <h1 id="overview-title">Overview</h1>
        <PeriodSelect label="Period" value={period} onChange={setPeriod} />
      </header>
      <ErrorBox error={r.error} />
      <Loading when={d === undefined && r.error === undefined} />
      {d === undefined ? null : (
        <>
          <Funnel f={d.funnel} />
          <div className="grid-2">
            <section className="card" aria-labelledby="by-intent">
              <h2 id="by-intent">Attacks by intent</h2>
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">Intent</th>
                    {SEVERITIES.slice(0, 4).map((s) => (
                      <th key={s} scope="col" className="num">
                        {s}
                      </th>
                    ))}
                    <th scope="col" className="num">
                      total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {INTENTS.map((i) => {
                    const row = d.attacks.by_intent_severity[i] ?? {};
                    return (
                      <tr key={i} data-testid={`intent-${i}`}>
                        <th scope="row">
                          <a href={`${href.attacks()}?intent=${i}`}>
                            <Intent value={i} />
                          </a>
                        </th>
                        {SEVERITIES.slice(0, 4).map((s) => (
                          <td key={s} className={`num ${(row[s] ?? 0) > 0 ? `sev-text-${s}` : 'muted'}`}>
                            {row[s] ?? 0}
                          </td>
                        ))}
                        <td className="num strong">{d.attacks.by_intent[i] ?? 0}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </section>
            <section className="card" aria-labelledby="by-status">
              <h2 id="by-status">Attacks by status</h2>
              <ul className="stats">
                {STATUSES.map((s) => (
                  <li key={s} data-testid={`status-${s}`}>
                    <span className="stat-n">{count(d.attacks.by_status[s] ?? 0)}</span>
                    <span className="stat-l">{s.replace('-', ' ')}</span>
                  </li>
                ))}
              </ul>
              <p className="muted">
                Detection {d.detection.ready ? 'is running' : 'is starting (replaying the stored log)'}
                {d.detection.backlog > 0 ? `, ${count(d.detection.backlog)} records waiting` : ', up to date'}.
              </p>
            </section>
          </div>
          <section className="card" aria-labelledby="ingestion">
            <h2 id="ingestion">Ingestion by source</h2>
            {d.sources.length === 0 ? (
              <p className="muted">Nothing received yet. Point an agent at <code>/api/v1/ingest/…</code> (see the docs) or start the server with <code>--watch DIR</code>.</p>
            ) : (
              <table className="compact">
                <thead>
                  <tr>
                    <th scope="col">Source</th>
                    <th scope="col" className="num">Per minute (5 min)</th>
                    <th scope="col">Last seen</th>
                    <th scope="col" className="num">Records in period</th>
                    <th scope="col" className="num">Accepted since start</th>
                    <th scope="col" className="num">Rejected since start</th>
                  </tr>
                </thead>
                <tbody>
                  {d.sources.map((s) => (
                    <tr key={s.source} data-testid={`source-${s.source}`}>
                      <th scope="row">{s.source}</th>
                      <td className="num">{s.per_minute}</td>
                      <td title={s.last_seen ?? undefined}>{relativeTime(s.last_seen)}</td>
                      <td className="num">{count(s.records)}</td>
                      <td className="num">{count(s.accepted_since_start)}</td>
                      <td className={`num ${s.rejected_since_start > 0 ? 'warn' : ''}`}>{count(s.rejected_since_start)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </section>
  );
}

function Funnel({ f }: { f: OverviewData['funnel'] }): ReactNode {
  const steps: [string, number, string | undefined][] = [
    ['events', f.events, undefined],
    ['signals', f.signals, href.explore('signals')],
    ['threats', f.threats, href.explore('threats')],
    ['attacks', f.attacks, href.attacks()],
  ];
  const ratio = f.attacks > 0 && f.events > 0 ? Math.round(f.events / f.attacks) : undefined;
  return (
    <section className="card funnel" aria-labelledby="funnel-title">
      <h2 id="funnel-title">From telemetry to attacks</h2>
      <ol className="funnel-steps">
        {steps.map(([label, n, link], i) => (
          <li key={label} data-testid={`funnel-${label}`} style={{ '--w': `${100 - i * 18}%` } as CSSProperties}>
            {link === undefined ? (
              <span className="funnel-bar">
                <span className="stat-n">{count(n)}</span> {label}
              </span>
            ) : (
              <a className="funnel-bar" href={link}>
                <span className="stat-n">{count(n)}</span> {label}
              </a>
            )}
          </li>
        ))}
      </ol>
      <p className="muted">{ratio === undefined ? 'No attack in this period.' : `One attack to look at for every ${count(ratio)} events received.`}</p>
    </section>
  );
}
