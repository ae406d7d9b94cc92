import { useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { ErrorBox, Loading, Severity } from '../components/common.js';
import { useApp, useLiveRefresh, useLoad } from '../context.js';
import type { RuleInfo } from '../types.js';

/** The loaded rules (signal rules and correlation rules), their source, file and firing counts; reload for admins. */
export default function Rules(): ReactNode {
  const { api, me } = useApp();
  const r = useLoad((signal) => api.get<{ items: RuleInfo[]; warnings: string[] }>('/api/v1/rules', signal), []);
  useLiveRefresh(['signal', 'threat', 'attack'], r.reload, 5000);
  const [text, setText] = useState('');
  const [kind, setKind] = useState('');
  const [onlyFired, setOnlyFired] = useState(false);
  const [reload, setReload] = useState<{ ok: boolean; text: string; problems?: readonly string[] } | undefined>();
  const items = useMemo(() => {
    const t = text.trim().toLowerCase();
    return (r.data?.items ?? []).filter(
      (x) => (kind === '' || x.kind === kind) && (!onlyFired || x.fired > 0) && (t === '' || x.name.toLowerCase().includes(t) || x.tags.some((g) => g.toLowerCase().includes(t)) || x.source.includes(t)),
    );
  }, [r.data, text, kind, onlyFired]);
  const all = r.data?.items ?? [];
  const doReload = async (): Promise<void> => {
    setReload({ ok: true, text: 'Reloading…' });
    try {
      const body = await api.send<{ signal_rules: number; correlation_rules: number }>('POST', '/api/v1/admin/reload');
      setReload({ ok: true, text: `Reloaded: ${body.signal_rules} signal rules, ${body.correlation_rules} correlation rules.` });
    } catch (e) {
      const problems = e instanceof ApiError && Array.isArray(e.details['problems']) ? (e.details['problems'] as string[]) : [];
      setReload({ ok: false, text: e instanceof Error ? e.message : String(e), problems });
    }
    r.reload();
  };
  return (
    <section aria-labelledby="rules-title">
      <header className="page-head">
        <h1 id="rules-title">Rules</h1>
        <span className="muted">
          {all.filter((x) => x.kind === 'signal' && x.enabled).length} signal rules enabled, {all.filter((x) => x.kind !== 'signal').length} threat and attack rules, {all.filter((x) => x.fired > 0).length} fired
        </span>
        {me.role === 'admin' ? (
          <button type="button" onClick={() => void doReload()}>
            Reload rules
          </button>
        ) : null}
      </header>
      {reload !== undefined ? (
        <div className={reload.ok ? 'notice' : 'error'} role="status">
          <p>{reload.text}</p>
          {reload.problems !== undefined && reload.problems.length > 0 ? (
            <ul className="problems">
              {reload.problems.map((p) => (
                <li key={p} className="mono small">
                  {p}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {(r.data?.warnings.length ?? 0) > 0 ? (
        <details className="card">
          <summary>{r.data?.warnings.length} warning(s) from loading these rules</summary>
          <ul className="problems">
            {r.data?.warnings.map((w) => (
              <li key={w} className="mono small">
                {w}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field grow">
          <span>Name, tag or source</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="field">
          <span>Kind</span>
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Any</option>
            <option value="signal">signal</option>
            <option value="threat">threat</option>
            <option value="attack">attack</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={onlyFired} onChange={(e) => setOnlyFired(e.target.checked)} /> fired only
        </label>
      </form>
      <ErrorBox error={r.error} />
      <Loading when={r.data === undefined && r.error === undefined} />
      <table className="list" data-testid="rules-list">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Kind</th>
            <th scope="col">Source</th>
            <th scope="col">Severity</th>
            <th scope="col">Tags</th>
            <th scope="col" className="num">Fired</th>
            <th scope="col">File</th>
          </tr>
        </thead>
        <tbody>
          {items.map((x) => (
            <tr key={`${x.kind}:${x.name}`} className={x.enabled ? undefined : 'disabled'}>
              <td>
                {x.name}
                {x.enabled ? null : <span className="muted small"> (disabled)</span>}
              </td>
              <td>{x.kind}</td>
              <td>{x.source}</td>
              <td>
                <Severity value={x.severity} />
              </td>
              <td className="small">{x.tags.join(', ')}</td>
              <td className="num">{x.fired}</td>
              <td className="mono small" title={x.file}>
                {x.file.split('/').slice(-1)[0]}:{x.line}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
