import { memo, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { query } from '../api.js';
import { EntityLink, ErrorBox, Intent, KillChainStrip, Loading, mainEntities, PeriodSelect, Select, Severity, StatusBadge, Time } from '../components/common.js';
import { useApp, useLiveRefresh } from '../context.js';
import { intentLabel, INTENTS, SEVERITIES, sinceOf, STATUSES } from '../format.js';
import { hashParams, href, setHashParams } from '../router.js';
import type { Attack, Page } from '../types.js';

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
  const { api } = useApp();
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [entityInput, setEntityInput] = useState(filters.entity);
  const [items, setItems] = useState<Attack[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [loading, setLoading] = useState(true);
  /** Ids seen before the latest refresh: rows not among them are marked new. */
  const known = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());

  const params = useCallback(
    (cursor?: string) => query({ intent: filters.intent, severity: filters.severity, status: filters.status, entity: filters.entity, since: sinceOf(filters.period), limit: 100, cursor }),
    [filters],
  );

  /** Bumped when the filters change: an answer to an older request is dropped. */
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const g = generation.current;
    try {
      const page = await api.get<Page<Attack>>(`/api/v1/attacks${params()}`);
      if (g !== generation.current) return;
      setItems((old) => {
        // The first page as it is now, then every row already loaded below it (by id: rows
        // pushed down by new attacks stay, those updated move up).
        const ids = new Set(page.items.map((a) => a.id));
        return [...page.items, ...old.filter((a) => !ids.has(a.id))];
      });
      setNext((n) => n ?? page.next);
      if (known.current !== null) {
        const before = known.current;
        setFresh(new Set(page.items.filter((a) => !before.has(a.id)).map((a) => a.id)));
      }
      known.current = new Set([...(known.current ?? []), ...page.items.map((a) => a.id)]);
      setError(undefined);
    } catch (e) {
      if (g === generation.current) setError(e as Error);
    } finally {
      if (g === generation.current) setLoading(false);
    }
  }, [api, params]);

  useEffect(() => {
    setHashParams({ ...filters, period: filters.period === 'all' ? '' : filters.period });
    const g = ++generation.current;
    setItems([]);
    setNext(null);
    setLoading(true);
    known.current = null;
    setFresh(new Set());
    void (async () => {
      try {
        const page = await api.get<Page<Attack>>(`/api/v1/attacks${params()}`);
        if (g !== generation.current) return;
        setItems([...page.items]);
        setNext(page.next);
        known.current = new Set(page.items.map((a) => a.id));
        setError(undefined);
      } catch (e) {
        if (g === generation.current) setError(e as Error);
      } finally {
        if (g === generation.current) setLoading(false);
      }
    })();
  }, [api, params, filters]);

  useLiveRefresh(['attack'], () => void refresh(), 500);

  const more = async (): Promise<void> => {
    if (next === null) return;
    const g = generation.current;
    try {
      const page = await api.get<Page<Attack>>(`/api/v1/attacks${params(next)}`);
      if (g !== generation.current) return;
      setItems((old) => {
        const have = new Set(old.map((o) => o.id));
        return [...old, ...page.items.filter((a) => !have.has(a.id))];
      });
      setNext(page.next);
    } catch (e) {
      if (g === generation.current) setError(e as Error);
    }
  };

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
        <button type="button" className="more" onClick={() => void more()}>
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
