import { useState, type ReactNode } from 'react';
import { ApiError, query } from '../api.js';
import { EntityLink, ErrorBox, Intent, Loading, Severity, StatusBadge, Time } from '../components/common.js';
import { useApp, useLoad } from '../context.js';
import { href } from '../router.js';
import type { EntityDetail, EntityView, Page } from '../types.js';

const TYPES = ['container', 'pod', 'namespace', 'node', 'cluster', 'image', 'process', 'file', 'user', 'k8s-user', 'k8s-serviceaccount', 'k8s-object', 'aws-account', 'aws-principal', 'aws-access-key', 'aws-role', 'ec2-instance', 's3-bucket', 's3-object', 'ip', 'domain'];

function split(key: string): { type: string; id: string } {
  const i = key.indexOf(':');
  return { type: key.slice(0, i), id: key.slice(i + 1) };
}

/** The entities the evidence named, most recently seen first, with search. */
export function Entities(): ReactNode {
  const { api } = useApp();
  const [type, setType] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const r = useLoad((signal) => api.get<Page<EntityView>>(`/api/v1/entities${query({ type, q, limit: 200 })}`, signal), [type, q]);
  return (
    <section aria-labelledby="entities-title">
      <header className="page-head">
        <h1 id="entities-title">Entities</h1>
      </header>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(text.trim());
        }}
      >
        <label className="field">
          <span>Type</span>
          <select value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">Any</option>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Name or id contains</span>
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={r.error} />
      <Loading when={r.loading && r.data === undefined} />
      {r.data !== undefined && r.data.items.length === 0 ? <p className="empty">No entity matches. Entities are kept for what a finding rests on.</p> : null}
      {r.data !== undefined && r.data.items.length > 0 ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Entity</th>
              <th scope="col">Id</th>
              <th scope="col">First seen</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {r.data.items.map((e) => (
              <tr key={e.key}>
                <td>
                  <EntityLink e={e} />
                </td>
                <td className="mono small">{e.id}</td>
                <td>
                  <Time iso={e.first_seen} />
                </td>
                <td>
                  <Time iso={e.last_seen} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** Everything seen about one entity: its relations and the findings that name it. */
export function Entity({ type, id }: { type: string; id: string }): ReactNode {
  const { api } = useApp();
  const path = `/api/v1/entities/${encodeURIComponent(type)}/${id.split('/').map(encodeURIComponent).join('/')}`;
  const r = useLoad((signal) => api.get<EntityDetail>(path, signal), [path]);
  if (r.error !== undefined) {
    return (
      <section>
        <h1>
          {type} {id}
        </h1>
        <ErrorBox error={r.error instanceof ApiError && r.error.status === 404 ? new Error(`Nothing is stored about ${type} ${id}: entities are kept for what a finding rests on.`) : r.error} />
      </section>
    );
  }
  const d = r.data;
  if (d === undefined) return <Loading when />;
  const key = d.entity.key;
  return (
    <article aria-labelledby="entity-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href.entities()}>Entities</a> › <span>{type}</span>
      </nav>
      <h1 id="entity-title">
        <span className="entity-type">{d.entity.type}</span> {d.entity.name}
      </h1>
      <p className="muted">
        <span className="mono">{d.entity.id}</span> · first seen <Time iso={d.entity.first_seen} /> · last seen <Time iso={d.entity.last_seen} />
      </p>
      <section className="card" aria-labelledby="rel-title">
        <h2 id="rel-title">Relations ({d.edges.length})</h2>
        {d.edges.length === 0 ? <p className="muted">No relation recorded.</p> : null}
        <ul className="relations">
          {d.edges.map((e) => {
            const outgoing = e.source === key;
            const other = split(outgoing ? e.target : e.source);
            return (
              <li key={`${e.source}|${e.relation}|${e.target}`}>
                {outgoing ? (
                  <>
                    this <span className="relation">{e.relation}</span> <EntityLink e={other} />
                  </>
                ) : (
                  <>
                    <EntityLink e={other} /> <span className="relation">{e.relation}</span> this
                  </>
                )}{' '}
                <span className="muted small">
                  (<Time iso={e.first_seen} /> – <Time iso={e.last_seen} />)
                </span>
              </li>
            );
          })}
        </ul>
      </section>
      <section className="card" aria-labelledby="ent-attacks">
        <h2 id="ent-attacks">Attacks ({d.attacks.length})</h2>
        <ul className="plain">
          {d.attacks.map((a) => (
            <li key={a.id}>
              <Severity value={a.severity} /> <a href={href.attack(a.id)}>{a.name}</a> <Intent value={a.intent} /> <StatusBadge value={a.status} />{' '}
              <span className="muted small">
                <Time iso={a.detected_at} />
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="ent-threats">
        <h2 id="ent-threats">Threats ({d.threats.length})</h2>
        <ul className="plain">
          {d.threats.map((t) => (
            <li key={t.id}>
              <Severity value={t.severity} /> <a href={href.finding('threats', t.id)}>{t.name}</a> <span className="muted small">{t.techniques.join(', ')}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="ent-signals">
        <h2 id="ent-signals">Signals ({d.signals.length}{d.signals.length === 50 ? ', the latest 50' : ''})</h2>
        <ul className="plain">
          {d.signals.map((s) => (
            <li key={s.id}>
              <Severity value={s.priority} /> <a href={href.finding('signals', s.id)}>{s.rule}</a>{' '}
              <span className="muted small">
                <Time iso={s.time} />
              </span>
            </li>
          ))}
        </ul>
        <a href={`${href.explore('signals')}?entity=${encodeURIComponent(key)}`}>All signals naming it</a>
      </section>
    </article>
  );
}
