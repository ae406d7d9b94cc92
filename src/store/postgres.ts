/**
 * The PostgreSQL store (`VIGIL_DATABASE_URL=postgres://…`), through `pg`'s pool. Writes that
 * must not interleave (the record log, whose seqs must commit in order) go through one queue;
 * a commit is durable when PostgreSQL acknowledges it (its default synchronous_commit).
 */

import pg from 'pg';
import type { SourceKind } from '../core/event.js';
import type {
  AnalystState, AuditEntry, EdgeRow, EntityQuery, EntityRow, EvidenceGraph, FindingKind, FindingQuery, FindingRow, NewRecord, Note, Role, Status, Store, StoredFinding,
  StoredRecord, Summary, Suppression, TokenRow,
} from './port.js';
import {
  auditOf, buildEntityQuery, buildListQuery, edgeOf, entityIdOf, entityOf, FINDING_COLUMNS, findingFromRow, summaryOf, summaryQueries, suppressionOf, tokenOf,
  type EdgeSqlRow, type EntitySqlRow, type FindingSqlRow, type SummaryFindingRow, type SuppressionSqlRow,
} from './query.js';
import { MIGRATIONS_TABLE, POSTGRES_MIGRATIONS } from './schema.js';

interface RecordSqlRow { seq: string; source: string; received_ms: string; text: string }

export interface PostgresOptions {
  readonly url: string;
  /** A schema of its own (made if missing), so several stores can share one database (tests). */
  readonly schema?: string;
  readonly maxConnections?: number;
}

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #schema: string | undefined;
  /** The connection holding the writer's advisory lock for the server's life. */
  #lockClient: pg.PoolClient | undefined;
  /** Serialises log appends, so seqs become visible in the order they were given. */
  #appendChain: Promise<unknown> = Promise.resolve();

  constructor(options: PostgresOptions) {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(options.schema)) {
      throw new Error(`invalid schema name ${JSON.stringify(options.schema)} (lower-case letters, digits, _)`);
    }
    this.#schema = options.schema;
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 8,
      ...(this.#schema === undefined ? {} : { options: `-c search_path=${this.#schema}` }),
    });
    // An idle client's error (the server restarting) must not take the process down; the next
    // query reports it.
    this.#pool.on('error', () => undefined);
  }

  async #tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.#pool.connect();
    try {
      await c.query('BEGIN');
      const result = await work(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async #q<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.#pool.query<R>(sql, params)).rows;
  }

  async migrate(): Promise<number> {
    if (this.#schema !== undefined) await this.#pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
    // Two servers starting at once on one database must not both apply a migration.
    await this.#tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7261001)');
      await c.query(MIGRATIONS_TABLE);
      const applied = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (const m of POSTGRES_MIGRATIONS) {
        if (applied.has(m.version)) continue;
        for (const sql of m.sql) await c.query(sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      }
    });
    return POSTGRES_MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
  }

  async lockWriter(): Promise<void> {
    if (this.#lockClient !== undefined) return;
    const c = await this.#pool.connect();
    const got = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(7261002, hashtext(current_schema())) AS ok')).rows[0]?.ok === true;
    if (!got) {
      c.release();
      throw new Error(`another Vigil server is using this database${this.#schema === undefined ? '' : ` (schema ${this.#schema})`}`);
    }
    this.#lockClient = c;
  }

  async close(): Promise<void> {
    await this.#appendChain.catch(() => undefined);
    if (this.#lockClient !== undefined) {
      // Unlocked explicitly: the session's end would release it too, but the server ends a
      // session after the client has gone, so a server started right after could be refused.
      await this.#lockClient.query('SELECT pg_advisory_unlock(7261002, hashtext(current_schema()))').catch(() => undefined);
      this.#lockClient.release(true);
      this.#lockClient = undefined;
    }
    await this.#pool.end();
  }

  appendRecords(records: readonly NewRecord[], values?: Readonly<Record<string, string>>): Promise<number[]> {
    const run = this.#appendChain.catch(() => undefined).then(() => this.#tx(async (c) => {
      const seqs: number[] = [];
      // Multi-row inserts of at most 500 rows: one round trip per slice, not per record.
      for (let i = 0; i < records.length; i += 500) {
        const slice = records.slice(i, i + 500);
        const params: unknown[] = [];
        const values = slice.map((r) => {
          params.push(r.source, r.receivedMs, r.text);
          return `($${params.length - 2}, $${params.length - 1}, $${params.length})`;
        });
        const res = await c.query<{ seq: string }>(`INSERT INTO records (source, received_ms, text) VALUES ${values.join(', ')} RETURNING seq`, params);
        for (const row of res.rows) seqs.push(Number(row.seq));
      }
      for (const [k, v] of Object.entries(values ?? {})) {
        await c.query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [k, v]);
      }
      return seqs.sort((a, b) => a - b);
    }));
    this.#appendChain = run;
    return run;
  }

  async readRecords(afterSeq: number, limit: number): Promise<StoredRecord[]> {
    return (await this.#q<RecordSqlRow>('SELECT seq, source, received_ms, text FROM records WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])).map(recordOf);
  }

  async getRecord(seq: number): Promise<StoredRecord | undefined> {
    const rows = await this.#q<RecordSqlRow>('SELECT seq, source, received_ms, text FROM records WHERE seq = $1', [seq]);
    return rows[0] === undefined ? undefined : recordOf(rows[0]);
  }

  async countRecords(): Promise<number> {
    return Number((await this.#q<{ n: string }>('SELECT count(*) AS n FROM records'))[0]?.n ?? 0);
  }

  async pruneRecords(beforeMs: number, upToSeq: number): Promise<number> {
    return (await this.#pool.query('DELETE FROM records WHERE received_ms < $1 AND seq <= $2 AND evidence = 0', [beforeMs, upToSeq])).rowCount ?? 0;
  }

  async putFindings(rows: readonly FindingRow[], values?: Readonly<Record<string, string>>, graph?: EvidenceGraph): Promise<void> {
    await this.#tx(async (c) => {
      for (const r of rows) {
        await c.query(
          `INSERT INTO findings (kind, id, time_ms, severity, intent, doc) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (kind, id) DO UPDATE SET time_ms = excluded.time_ms, severity = excluded.severity,
             intent = excluded.intent, doc = excluded.doc`,
          [r.kind, r.id, r.timeMs, r.severity, r.intent ?? null, JSON.stringify(r.doc)],
        );
        for (const e of r.entities) {
          await c.query('INSERT INTO finding_entities (kind, id, entity, entity_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [r.kind, r.id, e, entityIdOf(e)]);
        }
      }
      for (const [k, v] of Object.entries(values ?? {})) {
        await c.query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [k, v]);
      }
      if (graph !== undefined) await putGraph(c, graph);
    });
  }

  async getEntity(key: string): Promise<EntityRow | undefined> {
    const rows = await this.#q<EntitySqlRow & pg.QueryResultRow>('SELECT key, type, id, name, first_ms, last_ms FROM entities WHERE key = $1', [key]);
    return rows[0] === undefined ? undefined : entityOf(rows[0]);
  }

  async listEntities(q: EntityQuery): Promise<EntityRow[]> {
    const { sql, params } = buildEntityQuery(q, (n) => `$${n}`, 'ILIKE');
    return (await this.#q<EntitySqlRow & pg.QueryResultRow>(sql, params)).map(entityOf);
  }

  async edgesOf(keys: readonly string[], limit: number): Promise<EdgeRow[]> {
    if (keys.length === 0) return [];
    return (await this.#q<EdgeSqlRow & pg.QueryResultRow>(
      'SELECT src, kind, dst, first_ms, last_ms FROM entity_edges WHERE src = ANY($1) OR dst = ANY($1) LIMIT $2', [[...keys], limit],
    )).map(edgeOf);
  }

  async getFinding(kind: FindingKind, id: string): Promise<StoredFinding | undefined> {
    const rows = await this.#q<FindingSqlRow>(`SELECT ${FINDING_COLUMNS} FROM findings f WHERE f.kind = $1 AND f.id = $2`, [kind, id]);
    return rows[0] === undefined ? undefined : findingFromRow(rows[0]);
  }

  async getFindings(kind: FindingKind, ids: readonly string[]): Promise<StoredFinding[]> {
    if (ids.length === 0) return [];
    const rows = await this.#q<FindingSqlRow>(`SELECT ${FINDING_COLUMNS} FROM findings f WHERE f.kind = $1 AND f.id = ANY($2)`, [kind, [...ids]]);
    const byId = new Map(rows.map((r) => [r.id, findingFromRow(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async listFindings(q: FindingQuery): Promise<StoredFinding[]> {
    const { sql, params } = buildListQuery(q, (n) => `$${n}`, 'ILIKE');
    return (await this.#q<FindingSqlRow>(sql, params)).map(findingFromRow);
  }

  async countFindings(kind: FindingKind): Promise<number> {
    return Number((await this.#q<{ n: string }>('SELECT count(*) AS n FROM findings WHERE kind = $1', [kind]))[0]?.n ?? 0);
  }

  async summarize(sinceMs: number, untilMs: number): Promise<Summary> {
    const q = summaryQueries((n) => `$${n}`);
    const [findings, records] = await Promise.all([this.#q<SummaryFindingRow>(q.findings, [sinceMs, untilMs]), this.#q<{ source: string; n: string }>(q.records, [sinceMs, untilMs])]);
    return summaryOf(findings, records);
  }

  setState(kind: FindingKind, id: string, change: { status?: Status; assignee?: string | null }, nowMs: number): Promise<AnalystState | undefined> {
    return this.#tx(async (c) => {
      const cur = (await c.query<{ status: Status; assignee: string | null }>('SELECT status, assignee FROM findings WHERE kind = $1 AND id = $2 FOR UPDATE', [kind, id])).rows[0];
      if (cur === undefined) return undefined;
      const next: AnalystState = {
        status: change.status ?? cur.status,
        assignee: change.assignee === undefined ? cur.assignee : change.assignee,
        updatedMs: nowMs,
      };
      await c.query('UPDATE findings SET status = $1, assignee = $2, state_ms = $3 WHERE kind = $4 AND id = $5', [next.status, next.assignee, nowMs, kind, id]);
      return next;
    });
  }

  async addNote(kind: FindingKind, id: string, author: string, text: string, nowMs: number): Promise<Note> {
    const rows = await this.#q<{ id: string }>('INSERT INTO notes (kind, finding_id, author, text, created_ms) VALUES ($1, $2, $3, $4, $5) RETURNING id', [kind, id, author, text, nowMs]);
    return { id: Number(rows[0]?.id), author, text, createdMs: nowMs };
  }

  async notes(kind: FindingKind, id: string): Promise<Note[]> {
    const rows = await this.#q<{ id: string; author: string; text: string; created_ms: string }>(
      'SELECT id, author, text, created_ms FROM notes WHERE kind = $1 AND finding_id = $2 ORDER BY id', [kind, id],
    );
    return rows.map((r) => ({ id: Number(r.id), author: r.author, text: r.text, createdMs: Number(r.created_ms) }));
  }

  async getValue(key: string): Promise<string | undefined> {
    return (await this.#q<{ value: string }>('SELECT value FROM kv WHERE key = $1', [key]))[0]?.value;
  }

  async setValue(key: string, value: string): Promise<void> {
    await this.#pool.query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async createToken(t: { id: string; name: string; role: Role; hash: string; createdMs: number }): Promise<void> {
    await this.#pool.query('INSERT INTO tokens (id, name, role, hash, created_ms) VALUES ($1, $2, $3, $4, $5)', [t.id, t.name, t.role, t.hash, t.createdMs]);
  }

  async tokenByHash(hash: string): Promise<TokenRow | undefined> {
    const rows = await this.#q<{ id: string; name: string; role: string; created_ms: string; revoked_ms: string | null }>(
      'SELECT id, name, role, created_ms, revoked_ms FROM tokens WHERE hash = $1 AND revoked_ms IS NULL', [hash],
    );
    return rows[0] === undefined ? undefined : tokenOf(rows[0]);
  }

  async listTokens(): Promise<TokenRow[]> {
    return (await this.#q<{ id: string; name: string; role: string; created_ms: string; revoked_ms: string | null }>(
      'SELECT id, name, role, created_ms, revoked_ms FROM tokens ORDER BY created_ms, id',
    )).map(tokenOf);
  }

  async revokeToken(idOrName: string, nowMs: number): Promise<boolean> {
    const r = await this.#pool.query('UPDATE tokens SET revoked_ms = $1 WHERE (id = $2 OR name = $2) AND revoked_ms IS NULL', [nowMs, idOrName]);
    return (r.rowCount ?? 0) > 0;
  }

  async addSuppression(x: Omit<Suppression, 'id'>): Promise<void> {
    await this.#pool.query('INSERT INTO suppressions (kind, rule, subject, finding_id, actor, created_ms) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, rule, subject) DO NOTHING', [
      x.kind, x.rule, x.subject, x.findingId, x.actor, x.createdMs,
    ]);
  }

  async listSuppressions(): Promise<Suppression[]> {
    return (await this.#q<SuppressionSqlRow & pg.QueryResultRow>('SELECT id, kind, rule, subject, finding_id, actor, created_ms FROM suppressions ORDER BY id')).map(suppressionOf);
  }

  async removeSuppression(id: number): Promise<boolean> {
    return ((await this.#pool.query('DELETE FROM suppressions WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async audit(e: AuditEntry): Promise<void> {
    await this.#pool.query('INSERT INTO audit (time_ms, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)', [
      e.timeMs, e.actor, e.action, e.target, e.detail === undefined ? null : JSON.stringify(e.detail),
    ]);
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    return (await this.#q<{ time_ms: string; actor: string; action: string; target: string; detail: string | null }>(
      'SELECT time_ms, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT $1', [limit],
    )).map(auditOf);
  }

  /** Drops the store's own schema (tests). */
  async dropSchema(): Promise<void> {
    if (this.#schema !== undefined) await this.#pool.query(`DROP SCHEMA IF EXISTS ${this.#schema} CASCADE`);
  }
}

/** Marks evidence and upserts the entity graph, one multi-row statement per table. */
async function putGraph(c: pg.PoolClient, graph: EvidenceGraph): Promise<void> {
  if (graph.evidence.length > 0) await c.query('UPDATE records SET evidence = 1 WHERE seq = ANY($1) AND evidence = 0', [[...graph.evidence]]);
  for (let i = 0; i < graph.entities.length; i += 500) {
    const slice = graph.entities.slice(i, i + 500);
    const params: unknown[] = [];
    const values = slice.map((e) => {
      params.push(e.key, e.type, e.id, e.name, e.firstMs, e.lastMs);
      const b = params.length - 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
    });
    await c.query(
      `INSERT INTO entities (key, type, id, name, first_ms, last_ms) VALUES ${values.join(', ')}
       ON CONFLICT (key) DO UPDATE SET name = excluded.name, first_ms = LEAST(entities.first_ms, excluded.first_ms), last_ms = GREATEST(entities.last_ms, excluded.last_ms)`,
      params,
    );
  }
  for (let i = 0; i < graph.edges.length; i += 500) {
    const slice = graph.edges.slice(i, i + 500);
    const params: unknown[] = [];
    const values = slice.map((e) => {
      params.push(e.src, e.kind, e.dst, e.firstMs, e.lastMs);
      const b = params.length - 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
    });
    await c.query(
      `INSERT INTO entity_edges (src, kind, dst, first_ms, last_ms) VALUES ${values.join(', ')}
       ON CONFLICT (src, kind, dst) DO UPDATE SET first_ms = LEAST(entity_edges.first_ms, excluded.first_ms), last_ms = GREATEST(entity_edges.last_ms, excluded.last_ms)`,
      params,
    );
  }
}

function recordOf(r: RecordSqlRow): StoredRecord {
  return { seq: Number(r.seq), source: r.source as SourceKind, receivedMs: Number(r.received_ms), text: r.text };
}
