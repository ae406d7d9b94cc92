import { memo, useEffect, useState, type ReactNode } from 'react';
import { EntityLink, ErrorBox, Intent, KillChainStrip, Loading, mainEntities, PeriodSelect, Select, Severity, StatusBadge, Time } from '../components/common.js';
import { useLiveRefresh } from '../context.js';
import { usePagedList } from '../paged.js';
import { intentLabel, INTENTS, SEVERITIES, sinceOf, STATUSES } from '../format.js';
import { hashParams, href, setHashParams } from '../router.js';
import type { Attack } from '../types.js';

interface Filters {
  intent: string;
  severity: string;
  status: string;
  entity: string;
  period: string;
}

function initialFilters(): Filters {
  const p = hashParams();
  return { intent: p.get('intent') ?? '', severity: p.get('severity') ?? '', status: p.get('status') ?? '', entity: p.get('entity') ?? '', period: p.get('period') ?? 'all' };
}

export default function Attacks(): ReactNode {
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [entityInput, setEntityInput] = useState(filters.entity);
  const list = usePagedList<Attack>('/api/v1/attacks', { intent: filters.intent, severity: filters.severity, status: filters.status, entity: filters.entity, since: sinceOf(filters.period) });
  const { items, next, error, loading } = list;
  /** Rows a live refresh brought in, highlighted until the next one. */
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    setHashParams({ ...filters, period: filters.period === 'all' ? '' : filters.period });
    setFresh(new Set());
  }, [filters]);

  useLiveRefresh(['attack'], () => void list.refreshTop().then(setFresh), 500);

  // An unchanged value keeps the same filters: leaving a field must not reload the list.
  const set = (k: keyof Filters) => (v: string) => setFilters((f) => (f[k] === v ? f : { ...f, [k]: v }));
  return (
    <section aria-labelledby="attacks-title">
      <header className="page-head">
        <h1 id="attacks-title">Attacks</h1>
        <span className="muted" aria-live="polite" data-testid="attack-count">
          {items.length}
          {next === null ? '' : '+'} shown
        </span>
      </header>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set('entity')(entityInput.trim());
        }}
      >
        <Select label="Intent" value={filters.intent} options={INTENTS.map((i) => [i, intentLabel(i)] as const)} onChange={set('intent')} />
        <Select label="Severity" value={filters.severity} options={SEVERITIES.map((s) => [s, s] as const)} onChange={set('severity')} />
        <Select label="Status" value={filters.status} options={STATUSES.map((s) => [s, s.replace('-', ' ')] as const)} onChange={set('status')} />
        <PeriodSelect label="Time" value={filters.period} onChange={set('period')} />
        <label className="field grow">
          <span>Entity (type:id or id)</span>
          <input type="search" value={entityInput} placeholder="pod:shop/web-0, an ARN, an IP…" onChange={(e) => setEntityInput(e.target.value)} onBlur={() => set('entity')(entityInput.trim())} />
        </label>
      </form>
      <ErrorBox error={error} />
      <Loading when={loading && items.length === 0} />
      {!loading && items.length === 0 && error === undefined ? <p className="empty">No attack matches. New ones appear here as they are detected.</p> : null}
      {items.length > 0 ? (
        <table className="list" data-testid="attack-list">
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Attack</th>
              <th scope="col">Kill chain</th>
              <th scope="col">Main entities</th>
              <th scope="col">First seen</th>
              <th scope="col">Last seen</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <AttackRow key={a.id} a={a} fresh={fresh.has(a.id)} />
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

/** One row; memoized, so paging and live refreshes redraw only the rows that changed. */
const AttackRow = memo(function AttackRow({ a, fresh }: { a: Attack; fresh: boolean }): ReactNode {
  return (
    <tr className={fresh ? 'fresh' : undefined} data-testid="attack-row" data-intent={a.intent} data-id={a.id}>
      <td>
        <Severity value={a.severity} />
      </td>
      <td>
        <a className="strong" href={href.attack(a.id)}>
          {a.name}
        </a>
        <div>
          <Intent value={a.intent} /> <span className="muted">score {a.score.toFixed(2)}</span>
        </div>
      </td>
      <td>
        <KillChainStrip tactics={a.tactics} />
        <div className="muted small">{a.tactics.length} of 14 stages</div>
      </td>
      <td className="entities">
        {mainEntities(a.entities).map((e) => (
          <EntityLink key={`${e.type}:${e.id}`} e={e} />
        ))}
      </td>
      <td>
        <Time iso={a.first_seen} />
      </td>
      <td>
        <Time iso={a.last_seen} />
      </td>
      <td>
        <StatusBadge value={a.status} />
      </td>
    </tr>
  );
});
