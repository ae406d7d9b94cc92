/**
 * SQL shared by both adapters, written once with a placeholder function (`?` for SQLite, `$n`
 * for PostgreSQL).
 */

import { ENTITY_TYPES } from '../core/entity.js';
import type { AnalystState, AuditEntry, EdgeRow, EntityQuery, EntityRow, FindingKind, FindingQuery, Role, Status, StoredFinding, Summary, Suppression, TokenRow } from './port.js';

export interface Built {
  readonly sql: string;
  readonly params: unknown[];
}

export const FINDING_COLUMNS = 'f.kind, f.id, f.time_ms, f.severity, f.intent, f.doc, f.status, f.assignee, f.state_ms';

/** The list query: filters, keyset pagination, newest first. */
export function buildListQuery(q: FindingQuery, ph: (n: number) => string, like: 'LIKE' | 'ILIKE'): Built {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return ph(params.length);
  };
  const where = [`f.kind = ${p(q.kind)}`];
  if (q.sinceMs !== undefined) where.push(`f.time_ms >= ${p(q.sinceMs)}`);
  if (q.untilMs !== undefined) where.push(`f.time_ms < ${p(q.untilMs)}`);
  const anyOf = (column: string, values: readonly string[] | undefined): void => {
    if (values !== undefined && values.length > 0) where.push(`${column} IN (${values.map((v) => p(v)).join(', ')})`);
  };
  anyOf('f.severity', q.severity);
  anyOf('f.intent', q.intent);
  anyOf('f.status', q.status);
  if (q.entity !== undefined) {
    // Entity ids hold colons themselves (ARNs, `imds:ROLE`): a type prefix is recognised only
    // when it names an entity type.
    const i = q.entity.indexOf(':');
    const column = i > 0 && (ENTITY_TYPES as readonly string[]).includes(q.entity.slice(0, i)) ? 'e.entity' : 'e.entity_id';
    where.push(`EXISTS (SELECT 1 FROM finding_entities e WHERE e.kind = f.kind AND e.id = f.id AND ${column} = ${p(q.entity)})`);
  }
  if (q.text !== undefined && q.text !== '') where.push(`f.doc ${like} ${p(likePattern(q.text))} ESCAPE '\\'`);
  if (q.after !== undefined) {
    where.push(`(f.time_ms < ${p(q.after.timeMs)} OR (f.time_ms = ${p(q.after.timeMs)} AND f.id < ${p(q.after.id)}))`);
  }
  return {
    sql: `SELECT ${FINDING_COLUMNS} FROM findings f WHERE ${where.join(' AND ')} ORDER BY f.time_ms DESC, f.id DESC LIMIT ${p(q.limit)}`,
    params,
  };
}

/** `%text%` with LIKE's own characters escaped. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A row as both drivers return it (PostgreSQL gives BIGINT as text). */
export interface FindingSqlRow {
  kind: string;
  id: string;
  time_ms: number | string;
  severity: string;
  intent: string | null;
  doc: string;
  status: string;
  assignee: string | null;
  state_ms: number | string;
}

export function findingFromRow(r: FindingSqlRow): StoredFinding {
  const doc = JSON.parse(r.doc) as Record<string, unknown>;
  const entities = Array.isArray(doc['entities'])
    ? (doc['entities'] as { type?: unknown; id?: unknown }[]).map((e) => `${String(e.type)}:${String(e.id)}`)
    : [];
  const state: AnalystState = { status: r.status as Status, assignee: r.assignee, updatedMs: Number(r.state_ms) };
  return {
    kind: r.kind as FindingKind,
    id: r.id,
    timeMs: Number(r.time_ms),
    severity: r.severity,
    ...(r.intent === null ? {} : { intent: r.intent }),
    entities,
    doc,
    state,
  };
}

/** `type:id` → the id alone, for the entity filter that names no type. */
export function entityIdOf(entity: string): string {
  const i = entity.indexOf(':');
  return i < 0 ? entity : entity.slice(i + 1);
}

export function tokenOf(r: { id: string; name: string; role: string; created_ms: number | string; revoked_ms: number | string | null }): TokenRow {
  return { id: r.id, name: r.name, role: r.role as Role, createdMs: Number(r.created_ms), revokedMs: r.revoked_ms === null ? null : Number(r.revoked_ms) };
}

export function auditOf(r: { time_ms: number | string; actor: string; action: string; target: string; detail: string | null }): AuditEntry {
  return {
    timeMs: Number(r.time_ms),
    actor: r.actor,
    action: r.action,
    target: r.target,
    ...(r.detail === null ? {} : { detail: JSON.parse(r.detail) as Record<string, unknown> }),
  };
}

export interface SuppressionSqlRow {
  id: number | string;
  kind: string;
  rule: string;
  subject: string;
  finding_id: string;
  actor: string;
  created_ms: number | string;
}

export function suppressionOf(r: SuppressionSqlRow): Suppression {
  return { id: Number(r.id), kind: r.kind as FindingKind, rule: r.rule, subject: r.subject, findingId: r.finding_id, actor: r.actor, createdMs: Number(r.created_ms) };
}

export interface EntitySqlRow { key: string; type: string; id: string; name: string; first_ms: number | string; last_ms: number | string }
export interface EdgeSqlRow { src: string; kind: string; dst: string; first_ms: number | string; last_ms: number | string }

export function entityOf(r: EntitySqlRow): EntityRow {
  return { key: r.key, type: r.type, id: r.id, name: r.name, firstMs: Number(r.first_ms), lastMs: Number(r.last_ms) };
}

export function edgeOf(r: EdgeSqlRow): EdgeRow {
  return { src: r.src, kind: r.kind, dst: r.dst, firstMs: Number(r.first_ms), lastMs: Number(r.last_ms) };
}

/** The entity list query: by type, by a part of the id or name, most recently seen first. */
export function buildEntityQuery(q: EntityQuery, ph: (n: number) => string, like: 'LIKE' | 'ILIKE'): Built {
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return ph(params.length);
  };
  const where: string[] = [];
  if (q.type !== undefined) where.push(`type = ${p(q.type)}`);
  if (q.q !== undefined && q.q !== '') {
    const pattern = likePattern(q.q);
    where.push(`(id ${like} ${p(pattern)} ESCAPE '\\' OR name ${like} ${p(pattern)} ESCAPE '\\')`);
  }
  if (q.after !== undefined) where.push(`(last_ms < ${p(q.after.lastMs)} OR (last_ms = ${p(q.after.lastMs)} AND key < ${p(q.after.key)}))`);
  return {
    sql: `SELECT key, type, id, name, first_ms, last_ms FROM entities${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY last_ms DESC, key DESC LIMIT ${p(q.limit)}`,
    params,
  };
}

/** The overview's counts (store.summarize): one grouped query over findings, one over records. */
export function summaryQueries(ph: (n: number) => string): { readonly findings: string; readonly records: string } {
  return {
    findings: `SELECT kind, intent, severity, status, count(*) AS n FROM findings WHERE time_ms >= ${ph(1)} AND time_ms < ${ph(2)} GROUP BY kind, intent, severity, status`,
    records: `SELECT source, count(*) AS n FROM records WHERE received_ms >= ${ph(1)} AND received_ms < ${ph(2)} GROUP BY source`,
  };
}

export interface SummaryFindingRow { kind: FindingKind; intent: string | null; severity: string; status: Status; n: number | string }

export function summaryOf(findings: readonly SummaryFindingRow[], records: readonly { source: string; n: number | string }[]): Summary {
  return {
    findings: findings.map((r) => ({ kind: r.kind, intent: r.intent, severity: r.severity, status: r.status, n: Number(r.n) })),
    records: records.map((r) => ({ source: r.source, n: Number(r.n) })),
  };
}
