import { useState, type ReactNode } from 'react';
import { useApp, useLoad } from '../context.js';
import { formatTime, intentLabel, PERIODS, severityClass, TACTICS } from '../format.js';
import { href } from '../router.js';
import type { EntityRef, InputRef, StoredRecordView } from '../types.js';

export function Severity({ value }: { value: string }): ReactNode {
  return <span className={`badge sev-${severityClass(value)}`}>{value}</span>;
}

export function StatusBadge({ value }: { value: string }): ReactNode {
  return <span className={`badge status-${value}`}>{value.replace('-', ' ')}</span>;
}

export function Intent({ value }: { value: string }): ReactNode {
  return <span className={`intent intent-${value}`}>{intentLabel(value)}</span>;
}

export function Time({ iso }: { iso: string | null | undefined }): ReactNode {
  return <time dateTime={iso ?? undefined} title={iso ?? undefined}>{formatTime(iso)}</time>;
}

export function ErrorBox({ error }: { error: Error | undefined }): ReactNode {
  if (error === undefined) return null;
  return <div className="error" role="alert">{error.message}</div>;
}

export function Loading({ when }: { when: boolean }): ReactNode {
  return when ? <div className="loading" aria-live="polite">Loading…</div> : null;
}

export function EntityLink({ e }: { e: EntityRef }): ReactNode {
  const label = e.name !== undefined && e.name !== '' ? e.name : e.id;
  return (
    <a className={`entity entity-${e.type}`} href={href.entity(e.type, e.id)} title={`${e.type} ${e.id}`}>
      <span className="entity-type">{e.type}</span> {label}
    </a>
  );
}

/** The entity types an analyst reads first, for the "main entities" of a row. */
const MAIN_TYPES = ['aws-principal', 'k8s-serviceaccount', 'k8s-user', 'aws-role', 'pod', 'container', 'image', 's3-bucket', 'ec2-instance', 'node', 'aws-access-key', 'ip', 'domain'];

export function mainEntities(entities: readonly EntityRef[], n = 3): EntityRef[] {
  const rank = (t: string): number => {
    const i = MAIN_TYPES.indexOf(t);
    return i < 0 ? MAIN_TYPES.length : i;
  };
  return [...entities].sort((a, b) => rank(a.type) - rank(b.type)).slice(0, n);
}

/** The kill chain as a strip of tactics, those reached filled. */
export function KillChainStrip({ tactics }: { tactics: readonly string[] }): ReactNode {
  const reached = new Set(tactics);
  return (
    <span className="chain" aria-label={`kill-chain stages: ${tactics.join(', ')}`}>
      {TACTICS.map(([s, label]) => (
        <span key={s} className={reached.has(s) ? 'stage on' : 'stage'} title={label} />
      ))}
    </span>
  );
}

/** A stored record (`ingest/SOURCE`, line = its seq), fetched and pretty-printed on demand. */
export function Evidence({ input }: { input: InputRef | undefined }): ReactNode {
  const [open, setOpen] = useState(false);
  if (input === undefined) return <span className="muted">no raw record</span>;
  const stored = input.path.startsWith('ingest/') && input.line !== undefined;
  const where = stored ? `${input.path.slice('ingest/'.length)} record #${input.line}` : `${input.path}${input.line === undefined ? '' : `:${input.line}`}`;
  return (
    <div className="evidence">
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'Hide' : 'Show'} raw record <span className="muted">({where})</span>
      </button>
      {open && stored ? <RecordBody seq={input.line as number} /> : null}
      {open && !stored ? <p className="muted">This record came from a file ({where}); it is not in the store.</p> : null}
    </div>
  );
}

function RecordBody({ seq }: { seq: number }): ReactNode {
  const { api } = useApp();
  const r = useLoad((signal) => api.get<StoredRecordView>(`/api/v1/records/${seq}`, signal), [seq]);
  if (r.error !== undefined) return <ErrorBox error={r.error} />;
  if (r.data === undefined) return <Loading when />;
  return (
    <figure className="record">
      <figcaption>
        Stored record #{r.data.seq} · source {r.data.source} · received <Time iso={r.data.received_at} />
      </figcaption>
      <pre className="json" data-testid="raw-record">{JSON.stringify(r.data.record, null, 2)}</pre>
    </figure>
  );
}

export function Select<T extends string>({ label, value, options, onChange }: { label: string; value: T | ''; options: readonly (readonly [T, string])[]; onChange: (v: T | '') => void }): ReactNode {
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as T | '')}>
        <option value="">Any</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The period a page shows (`PERIODS`: the last hour … all time). */
export function PeriodSelect({ label, value, onChange }: { label: string; value: string; onChange: (key: string) => void }): ReactNode {
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {PERIODS.map((p) => (
          <option key={p.key} value={p.key}>
            {p.label}
          </option>
        ))}
      </select>
    </label>
  );
}
