import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { EntityLink, ErrorBox, Evidence, Loading, mainEntities, PeriodSelect, Select, Severity, StatusBadge, Time } from '../components/common.js';
import { useApp, useLiveRefresh, useLoad } from '../context.js';
import { usePagedList } from '../paged.js';
import { SEVERITIES, sinceOf, STATUSES, tacticLabel } from '../format.js';
import { hashParams, href, setHashParams } from '../router.js';
import type { Signal, Threat } from '../types.js';

const PRIORITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'] as const;
type Kind = 'signals' | 'threats';
type Item = Signal | Threat;

function titleOf(kind: Kind, x: Item): string {
  return kind === 'signals' ? (x as Signal).rule : (x as Threat).name;
}

export default function Explorer({ kind }: { kind: Kind }): ReactNode {
  const init = hashParams();
  const [text, setText] = useState(init.get('q') ?? '');
  const [filters, setFilters] = useState({ q: init.get('q') ?? '', severity: init.get('severity') ?? '', status: init.get('status') ?? '', entity: init.get('entity') ?? '', period: init.get('period') ?? 'all' });
  const list = usePagedList<Item>(`/api/v1/${kind}`, { q: filters.q, severity: filters.severity, status: filters.status, entity: filters.entity, since: sinceOf(filters.period) });
  const { items, next, error, loading } = list;
  useEffect(() => {
    setHashParams({ ...filters, period: filters.period === 'all' ? '' : filters.period });
  }, [filters]);
  // New items reload the first page; once the user has paged further, a button offers it
  // instead, so what they are reading does not move under them.
  const [stale, setStale] = useState(false);
  const paged = items.length > 100;
  useLiveRefresh([kind === 'signals' ? 'signal' : 'threat'], () => (paged ? setStale(true) : void list.reload()), 2000);
  // An unchanged value keeps the same filters: leaving a field must not reload the list.
  const set = (k: keyof typeof filters) => (v: string) => setFilters((f) => (f[k] === v ? f : { ...f, [k]: v }));
  const severities = kind === 'signals' ? PRIORITIES.map((p) => [p, p] as const) : SEVERITIES.map((s) => [s, s] as const);
  return (
    <section aria-labelledby="explore-title">
      <header className="page-head">
        <h1 id="explore-title">{kind === 'signals' ? 'Signals' : 'Threats'}</h1>
        <nav className="tabs" aria-label="Findings">
          <a href={href.explore('signals')} aria-current={kind === 'signals' ? 'page' : undefined}>
            Signals
          </a>
          <a href={href.explore('threats')} aria-current={kind === 'threats' ? 'page' : undefined}>
            Threats
          </a>
        </nav>
      </header>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set('q')(text.trim());
        }}
      >
        <label className="field grow">
          <span>Search (rule, name, output, entity)</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} onBlur={() => set('q')(text.trim())} placeholder="curl, xmrig, arn:aws:iam::…" />
        </label>
        <Select label={kind === 'signals' ? 'Priority' : 'Severity'} value={filters.severity} options={severities} onChange={set('severity')} />
        <Select label="Status" value={filters.status} options={STATUSES.map((s) => [s, s.replace('-', ' ')] as const)} onChange={set('status')} />
        <PeriodSelect label="Time" value={filters.period} onChange={set('period')} />
        <label className="field">
          <span>Entity</span>
          <input type="search" defaultValue={filters.entity} onBlur={(e) => set('entity')(e.target.value.trim())} placeholder="type:id or id" />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {stale ? (
        <p className="notice" role="status">
          Newer {kind} arrived.{' '}
          <button type="button" onClick={() => {
            setStale(false);
            void list.reload();
          }}>
            Show the latest
          </button>
        </p>
      ) : null}
      <Loading when={loading && items.length === 0} />
      {!loading && items.length === 0 && error === undefined ? <p className="empty">Nothing matches.</p> : null}
      {items.length > 0 ? (
        <table className="list" data-testid={`${kind}-list`}>
          <thead>
            <tr>
              <th scope="col">{kind === 'signals' ? 'Priority' : 'Severity'}</th>
              <th scope="col">{kind === 'signals' ? 'Rule' : 'Threat'}</th>
              <th scope="col">{kind === 'signals' ? 'Source' : 'Techniques'}</th>
              <th scope="col">Entities</th>
              <th scope="col">Time</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((x) => (
              <tr key={x.id}>
                <td>
                  <Severity value={kind === 'signals' ? (x as Signal).priority : (x as Threat).severity} />
                </td>
                <td>
                  <a href={href.finding(kind, x.id)}>{titleOf(kind, x)}</a>
                </td>
                <td>{kind === 'signals' ? (x as Signal).source : (x as Threat).techniques.join(', ')}</td>
                <td className="entities">
                  {mainEntities(x.entities).map((e) => (
                    <EntityLink key={`${e.type}:${e.id}`} e={e} />
                  ))}
                </td>
                <td>
                  <Time iso={kind === 'signals' ? (x as Signal).time : (x as Threat).detected_at} />
                </td>
                <td>
                  <StatusBadge value={x.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {next !== null ? (
        <button type="button" className="more" onClick={() => void list.more()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}

/** One signal or threat: everything it says, its evidence, and the analyst's actions. */
export function Finding({ kind, id }: { kind: Kind; id: string }): ReactNode {
  const { api, me } = useApp();
  const one = kind === 'signals' ? 'signal' : 'threat';
  const r = useLoad((signal) => api.get<Record<string, unknown>>(`/api/v1/${kind}/${encodeURIComponent(id)}`, signal), [kind, id]);
  const [error, setError] = useState<Error | undefined>();
  if (r.error !== undefined) return <ErrorBox error={r.error instanceof ApiError && r.error.status === 404 ? new Error(`No ${one} ${id}.`) : r.error} />;
  const x = r.data?.[one] as Item | undefined;
  if (x === undefined) return <Loading when />;
  const sig = kind === 'signals' ? (x as Signal) : undefined;
  const thr = kind === 'threats' ? (x as Threat) : undefined;
  const act = (status: string): void => {
    api.send('PATCH', `/api/v1/${kind}/${encodeURIComponent(id)}`, { status }).then(r.reload, (e: unknown) => setError(e as Error));
  };
  return (
    <article aria-labelledby="finding-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href.explore(kind)}>{kind === 'signals' ? 'Signals' : 'Threats'}</a> › <span>{id}</span>
      </nav>
      <h1 id="finding-title">{titleOf(kind, x)}</h1>
      <p>
        <Severity value={sig?.priority ?? thr?.severity ?? ''} /> <StatusBadge value={x.status} />{' '}
        <span className="muted">
          <Time iso={sig?.time ?? thr?.detected_at} />
        </span>
      </p>
      {me.role === 'analyst' || me.role === 'admin' ? (
        <div role="group" aria-label="Analyst actions" className="actions">
          {STATUSES.filter((s) => s !== x.status).map((s) => (
            <button key={s} type="button" onClick={() => act(s)}>
              {s === 'open' ? 'Reopen' : `Mark ${s.replace('-', ' ')}`}
            </button>
          ))}
        </div>
      ) : null}
      <ErrorBox error={error} />
      <section className="card">
        {sig !== undefined ? (
          <>
            <p className="output">{sig.output}</p>
            <dl className="facts">
              <dt>Rule</dt>
              <dd>{sig.rule}</dd>
              <dt>Source</dt>
              <dd>{sig.source}</dd>
              <dt>Tags</dt>
              <dd>{sig.tags.join(', ')}</dd>
              <dt>ATT&CK</dt>
              <dd>{sig.techniques.join(', ') || '—'}</dd>
              <dt>Event</dt>
              <dd>{sig.event_id ?? '—'}</dd>
            </dl>
            <Evidence input={sig.input} />
          </>
        ) : null}
        {thr !== undefined ? (
          <>
            {thr.explanation !== undefined ? <p>{thr.explanation}</p> : null}
            <dl className="facts">
              <dt>ATT&CK</dt>
              <dd>{thr.techniques.join(', ')}</dd>
              <dt>Tactics</dt>
              <dd>{thr.tactics.map(tacticLabel).join(' → ')}</dd>
              <dt>Joined on</dt>
              <dd>{thr.key ?? '—'}</dd>
              <dt>First / last seen</dt>
              <dd>
                <Time iso={thr.first_seen} /> / <Time iso={thr.last_seen} />
              </dd>
              <dt>Signals</dt>
              <dd>
                {thr.signals.map((s) => (
                  <a key={s} className="chip" href={href.finding('signals', s)}>
                    {s}
                  </a>
                ))}
              </dd>
            </dl>
          </>
        ) : null}
      </section>
      <section className="card">
        <h2>Entities</h2>
        <p className="entities">
          {x.entities.map((e) => (
            <EntityLink key={`${e.type}:${e.id}`} e={e} />
          ))}
        </p>
      </section>
    </article>
  );
}
