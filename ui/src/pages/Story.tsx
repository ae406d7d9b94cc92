import { lazy, Suspense, useState, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { EntityLink, ErrorBox, Evidence, Intent, Loading, Severity, StatusBadge, Time } from '../components/common.js';
import { useApp, useLiveRefresh, useLoad } from '../context.js';
import { TACTICS, tacticLabel } from '../format.js';
import { href } from '../router.js';
import type { GraphNode, Signal, Status, Story as StoryData, Threat } from '../types.js';

const Graph = lazy(() => import('../components/Graph.js'));

export default function Story({ id }: { id: string }): ReactNode {
  const { api } = useApp();
  const r = useLoad((signal) => api.get<StoryData>(`/api/v1/attacks/${encodeURIComponent(id)}`, signal), [id]);
  // The attack grows while it is in progress: reload when it, or anything, is updated.
  useLiveRefresh(['attack'], r.reload, 500, (data) => (data as { id?: string } | undefined)?.id === id);
  if (r.error !== undefined && r.data === undefined) {
    return (
      <section>
        <h1>Attack</h1>
        <ErrorBox error={r.error instanceof ApiError && r.error.status === 404 ? new Error(`No attack ${id}.`) : r.error} />
        <a href={href.attacks()}>Back to the attacks</a>
      </section>
    );
  }
  const s = r.data;
  if (s === undefined) return <Loading when />;
  const a = s.attack;
  return (
    <article aria-labelledby="story-title" data-testid="story">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={href.attacks()}>Attacks</a> › <span>{a.id}</span>
      </nav>
      <header className="story-head">
        <div>
          <h1 id="story-title">{a.name}</h1>
          <p>
            <Severity value={a.severity} /> <Intent value={a.intent} /> <StatusBadge value={a.status} />{' '}
            <span className="muted">
              score {a.score.toFixed(2)} · detected <Time iso={a.detected_at} /> · first seen <Time iso={a.first_seen} /> · last seen <Time iso={a.last_seen} />
              {a.updates !== undefined && a.updates > 0 ? ` · updated ${a.updates}×` : ''}
            </span>
          </p>
        </div>
        <Actions id={a.id} status={a.status} onDone={r.reload} />
      </header>
      <ErrorBox error={r.error} />
      <section className="card" aria-labelledby="explanation">
        <h2 id="explanation">What happened</h2>
        <p className="explanation" data-testid="explanation">{a.explanation}</p>
      </section>
      <KillChain threats={s.threats} tactics={a.tactics} />
      <section className="card" aria-labelledby="graph-title">
        <h2 id="graph-title">Entities and how they connect</h2>
        <div className="graph-layout">
          <Suspense fallback={<div className="graph loading">Loading the graph…</div>}>
            <GraphSwitch nodes={s.graph.nodes} edges={s.graph.edges} />
          </Suspense>
          <NodeList nodes={s.graph.nodes} />
        </div>
      </section>
      <Timeline story={s} />
      <Notes id={a.id} notes={s.notes} onDone={r.reload} />
    </article>
  );
}

function GraphSwitch({ nodes, edges }: Pick<StoryData['graph'], 'nodes' | 'edges'>): ReactNode {
  const open = (n: GraphNode): void => {
    if (n.kind === 'entity') {
      const colon = n.id.indexOf(':');
      window.location.hash = href.entity(n.id.slice(0, colon), n.id.slice(colon + 1));
    } else if (n.kind === 'threat') {
      document.getElementById(`item-${n.id.slice('threat:'.length)}`)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    }
  };
  return <Graph nodes={nodes} edges={edges} onOpen={open} />;
}

function NodeList({ nodes }: { nodes: readonly GraphNode[] }): ReactNode {
  const entities = nodes.filter((n) => n.kind === 'entity');
  const byType = new Map<string, GraphNode[]>();
  for (const n of entities) {
    let l = byType.get(n.type);
    if (l === undefined) byType.set(n.type, (l = []));
    l.push(n);
  }
  return (
    <div className="node-list" data-testid="graph-nodes">
      <h3>{entities.length} entities</h3>
      {[...byType].map(([type, list]) => (
        <details key={type} open={list.length <= 6}>
          <summary>
            {type} ({list.length})
          </summary>
          <ul>
            {list.map((n) => {
              const id = n.id.slice(type.length + 1);
              return (
                <li key={n.id}>
                  <EntityLink e={{ type, id, name: n.label }} />
                </li>
              );
            })}
          </ul>
        </details>
      ))}
    </div>
  );
}

/** The ATT&CK tactics in kill-chain order, the attack's threats placed on the tactics they serve. */
function KillChain({ threats, tactics }: { threats: readonly Threat[]; tactics: readonly string[] }): ReactNode {
  const reached = new Set(tactics);
  for (const t of threats) for (const x of t.tactics) reached.add(x);
  const shown = TACTICS.filter(([s]) => reached.has(s));
  return (
    <section className="card" aria-labelledby="killchain-title">
      <h2 id="killchain-title">Kill chain</h2>
      <ol className="killchain" data-testid="killchain">
        {TACTICS.map(([s, label]) => {
          const on = reached.has(s);
          const here = threats.filter((t) => t.tactics.includes(s));
          return (
            <li key={s} className={on ? 'tactic on' : 'tactic'} data-tactic={s} aria-label={`${label}: ${on ? `${here.length} threat(s)` : 'not reached'}`}>
              <span className="tactic-name">{label}</span>
              {here.map((t) => (
                <a key={t.id} className="threat-chip" href={`#item-${t.id}`} onClick={(e) => {
                  e.preventDefault();
                  document.getElementById(`item-${t.id}`)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
                }}>
                  {t.name}
                  <span className="muted small"> {t.techniques.join(' ')}</span>
                </a>
              ))}
            </li>
          );
        })}
      </ol>
      <p className="muted small">
        {shown.length} of {TACTICS.length} tactics reached: {shown.map(([s]) => tacticLabel(s)).join(' → ')}
      </p>
    </section>
  );
}

function Timeline({ story }: { story: StoryData }): ReactNode {
  const signals = new Map(story.signals.map((x) => [x.id, x]));
  const threats = new Map(story.threats.map((x) => [x.id, x]));
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="timeline" data-testid="timeline">
        {story.timeline.map((item) => {
          const sig = item.kind === 'signal' ? signals.get(item.id) : undefined;
          const thr = item.kind === 'threat' ? threats.get(item.id) : undefined;
          return (
            <li key={`${item.kind}:${item.id}`} id={`item-${item.id}`} className={`tl tl-${item.kind}`}>
              <div className="tl-time">
                <Time iso={item.time} />
              </div>
              <div className="tl-body">
                <span className={`kind kind-${item.kind}`}>{item.kind}</span> <strong>{item.title}</strong>{' '}
                {sig !== undefined ? <Severity value={sig.priority} /> : null}
                {thr !== undefined ? <Severity value={thr.severity} /> : null}
                {sig !== undefined ? <SignalDetail s={sig} /> : null}
                {thr !== undefined ? <ThreatDetail t={thr} /> : null}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function SignalDetail({ s }: { s: Signal }): ReactNode {
  return (
    <div className="detail">
      <p className="output">{s.output}</p>
      <p className="small">
        <span className="muted">rule</span> {s.rule} <span className="muted">· source</span> {s.source}
        {s.techniques.length > 0 ? (
          <>
            {' '}
            <span className="muted">· ATT&CK</span> {s.techniques.join(', ')}
          </>
        ) : null}
      </p>
      <Evidence input={s.input} />
    </div>
  );
}

function ThreatDetail({ t }: { t: Threat }): ReactNode {
  return (
    <div className="detail">
      {t.explanation !== undefined ? <p>{t.explanation}</p> : null}
      <p className="small">
        <span className="muted">ATT&CK</span> {t.techniques.join(', ')} <span className="muted">· tactics</span> {t.tactics.map(tacticLabel).join(', ')}
        {t.key !== undefined ? (
          <>
            {' '}
            <span className="muted">· joined on</span> {t.key}
          </>
        ) : null}
      </p>
      <p className="entities">
        {t.entities.slice(0, 8).map((e) => (
          <EntityLink key={`${e.type}:${e.id}`} e={e} />
        ))}
      </p>
    </div>
  );
}

const ACTIONS: readonly (readonly [Status, string])[] = [
  ['acknowledged', 'Acknowledge'],
  ['resolved', 'Resolve'],
  ['false-positive', 'False positive'],
  ['open', 'Reopen'],
];

function Actions({ id, status, onDone }: { id: string; status: Status; onDone: () => void }): ReactNode {
  const { api, me } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [message, setMessage] = useState('');
  if (me.role === 'viewer' || me.role === 'ingest') return <p className="muted small">Your token can view, not act (role {me.role}).</p>;
  const act = async (next: Status): Promise<void> => {
    if (next === 'false-positive' && !window.confirm('Mark as a false positive? The same rule on the same subject will be suppressed from now on.')) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.send<{ suppressed?: { rule: string; subject: string } }>('PATCH', `/api/v1/attacks/${encodeURIComponent(id)}`, { status: next });
      setMessage(r.suppressed === undefined ? `Marked ${next.replace('-', ' ')}.` : `Marked false positive; "${r.suppressed.rule}" on ${r.suppressed.subject} is suppressed from now on.`);
      onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions">
      <div role="group" aria-label="Analyst actions">
        {ACTIONS.filter(([s]) => s !== status && !(s === 'open' && status === 'open')).map(([s, label]) => (
          <button key={s} type="button" disabled={busy} onClick={() => void act(s)} className={s === 'false-positive' ? 'secondary' : undefined}>
            {label}
          </button>
        ))}
      </div>
      <p className="small" aria-live="polite">{message}</p>
      <ErrorBox error={error} />
    </div>
  );
}

function Notes({ id, notes, onDone }: { id: string; notes: StoryData['notes']; onDone: () => void }): ReactNode {
  const { api, me } = useApp();
  const [text, setText] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const canWrite = me.role === 'analyst' || me.role === 'admin';
  return (
    <section className="card" aria-labelledby="notes-title">
      <h2 id="notes-title">Notes</h2>
      {notes.length === 0 ? <p className="muted">No notes yet.</p> : null}
      <ul className="notes">
        {notes.map((n) => (
          <li key={n.id}>
            <p>{n.text}</p>
            <p className="muted small">
              {n.author} · <Time iso={new Date(n.createdMs).toISOString()} />
            </p>
          </li>
        ))}
      </ul>
      {canWrite ? (
        <form
          className="note-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim() === '') return;
            api.send('POST', `/api/v1/attacks/${encodeURIComponent(id)}/notes`, { text: text.trim() }).then(
              () => {
                setText('');
                setError(undefined);
                onDone();
              },
              (err: unknown) => setError(err as Error),
            );
          }}
        >
          <label className="field grow">
            <span>Add a note</span>
            <textarea value={text} onChange={(e) => setText(e.target.value)} rows={2} />
          </label>
          <button type="submit" disabled={text.trim() === ''}>
            Add note
          </button>
          <ErrorBox error={error} />
        </form>
      ) : null}
    </section>
  );
}
