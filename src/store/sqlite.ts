/**
 * The embedded default store: SQLite through better-sqlite3, in WAL mode with synchronous=FULL
 * so a committed transaction survives a crash of the process or the machine (acknowledged
 * records must). One connection; better-sqlite3 is synchronous, so each method runs to the end
 * before the next starts and transactions never interleave.
 */

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceKind } from '../core/event.js';
import type {
  AnalystState, AuditEntry, EdgeRow, EntityQuery, EntityRow, EvidenceGraph, FindingKind, FindingQuery, FindingRow, NewRecord, Note, Role, Status, Store, StoredFinding,
  StoredRecord, Summary, Suppression, TokenRow,
} from './port.js';
import {
  auditOf, buildEntityQuery, buildListQuery, edgeOf, entityIdOf, entityOf, FINDING_COLUMNS, findingFromRow, summaryOf, summaryQueries, suppressionOf, tokenOf,
  type EdgeSqlRow, type EntitySqlRow, type FindingSqlRow, type SummaryFindingRow, type SuppressionSqlRow,
} from './query.js';
import { MIGRATIONS_TABLE, SQLITE_MIGRATIONS } from './schema.js';

interface RecordSqlRow { seq: number; source: string; received_ms: number; text: string }
interface TokenSqlRow { id: string; name: string; role: string; created_ms: number; revoked_ms: number | null }
interface NoteSqlRow { id: number; author: string; text: string; created_ms: number }
interface AuditSqlRow { time_ms: number; actor: string; action: string; target: string; detail: string | null }

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  /** Prepared statements by SQL text: preparing costs more than running on the hot paths. */
  readonly #statements = new Map<string, Database.Statement>();

  /** `dir` is the data folder (made if missing); `:memory:` for a throwaway store. */
  readonly #dir: string;
  /** A side database held in an exclusive lock for the server's life; the OS drops it if the process dies. */
  #lock: Database.Database | undefined;

  constructor(dir: string) {
    this.#dir = dir;
    if (dir === ':memory:') {
      this.#db = new Database(':memory:');
    } else {
      mkdirSync(dir, { recursive: true });
      this.#db = new Database(join(dir, 'vigil.db'));
    }
    this.#db.pragma('journal_mode = WAL');
    // Findings are recomputed from the record log after a crash, so their commits need not wait
    // for the disk; record appends switch to FULL (see appendRecords).
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
  }

  #stmt(sql: string): Database.Statement {
    let st = this.#statements.get(sql);
    if (st === undefined) {
      st = this.#db.prepare(sql);
      this.#statements.set(sql, st);
    }
    return st;
  }

  async migrate(): Promise<number> {
    const db = this.#db;
    db.exec(MIGRATIONS_TABLE);
    const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    for (const m of SQLITE_MIGRATIONS) {
      if (applied.has(m.version)) continue;
      db.transaction(() => {
        for (const sql of m.sql) db.exec(sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_ms) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      })();
    }
    return SQLITE_MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
  }

  async lockWriter(): Promise<void> {
    if (this.#lock !== undefined || this.#dir === ':memory:') return;
    const lock = new Database(join(this.#dir, 'vigil.lock'));
    try {
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
      lock.exec('BEGIN EXCLUSIVE');
      lock.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
    } catch (err) {
      lock.close();
      throw new Error(`another Vigil server is using the data folder ${this.#dir}`, { cause: err });
    }
    this.#lock = lock;
  }

  async close(): Promise<void> {
    if (this.#lock !== undefined) {
      this.#lock.exec('ROLLBACK');
      this.#lock.close();
      this.#lock = undefined;
    }
    this.#db.close();
  }

  async appendRecords(records: readonly NewRecord[], values?: Readonly<Record<string, string>>): Promise<number[]> {
    const insert = this.#stmt('INSERT INTO records (source, received_ms, text) VALUES (?, ?, ?)');
    const set = this.#stmt('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    // An acknowledged record must survive a power loss too: this commit waits for the disk
    // (and with it every commit before it in the log).
    this.#db.pragma('synchronous = FULL');
    try {
      return this.#db.transaction(() => {
        const seqs = records.map((r) => Number(insert.run(r.source, r.receivedMs, r.text).lastInsertRowid));
        for (const [k, v] of Object.entries(values ?? {})) set.run(k, v);
        return seqs;
      })();
    } finally {
      this.#db.pragma('synchronous = NORMAL');
    }
  }

  async readRecords(afterSeq: number, limit: number): Promise<StoredRecord[]> {
    const rows = this.#stmt('SELECT seq, source, received_ms, text FROM records WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as RecordSqlRow[];
    return rows.map(recordOf);
  }

  async getRecord(seq: number): Promise<StoredRecord | undefined> {
    const row = this.#stmt('SELECT seq, source, received_ms, text FROM records WHERE seq = ?').get(seq) as RecordSqlRow | undefined;
    return row === undefined ? undefined : recordOf(row);
  }

  async countRecords(): Promise<number> {
    return (this.#stmt('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  }

  async pruneRecords(beforeMs: number, upToSeq: number): Promise<number> {
    return this.#stmt('DELETE FROM records WHERE received_ms < ? AND seq <= ? AND evidence = 0').run(beforeMs, upToSeq).changes;
  }

  async putFindings(rows: readonly FindingRow[], values?: Readonly<Record<string, string>>, graph?: EvidenceGraph): Promise<void> {
    const db = this.#db;
    const upsert = this.#stmt(
      `INSERT INTO findings (kind, id, time_ms, severity, intent, doc) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET time_ms = excluded.time_ms, severity = excluded.severity,
         intent = excluded.intent, doc = excluded.doc`,
    );
    const link = this.#stmt('INSERT OR IGNORE INTO finding_entities (kind, id, entity, entity_id) VALUES (?, ?, ?, ?)');
    const set = this.#stmt('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    db.transaction(() => {
      for (const r of rows) {
        upsert.run(r.kind, r.id, r.timeMs, r.severity, r.intent ?? null, JSON.stringify(r.doc));
        for (const e of r.entities) link.run(r.kind, r.id, e, entityIdOf(e));
      }
      for (const [k, v] of Object.entries(values ?? {})) set.run(k, v);
      if (graph !== undefined) this.#putGraph(graph);
    })();
  }

  #putGraph(graph: EvidenceGraph): void {
    const mark = this.#stmt('UPDATE records SET evidence = 1 WHERE seq = ? AND evidence = 0');
    for (const seq of graph.evidence) mark.run(seq);
    const entity = this.#stmt(
      `INSERT INTO entities (key, type, id, name, first_ms, last_ms) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET name = excluded.name, first_ms = min(first_ms, excluded.first_ms), last_ms = max(last_ms, excluded.last_ms)`,
    );
    for (const e of graph.entities) entity.run(e.key, e.type, e.id, e.name, e.firstMs, e.lastMs);
    const edge = this.#stmt(
      `INSERT INTO entity_edges (src, kind, dst, first_ms, last_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (src, kind, dst) DO UPDATE SET first_ms = min(first_ms, excluded.first_ms), last_ms = max(last_ms, excluded.last_ms)`,
    );
    for (const e of graph.edges) edge.run(e.src, e.kind, e.dst, e.firstMs, e.lastMs);
  }

  async getEntity(key: string): Promise<EntityRow | undefined> {
    const row = this.#stmt('SELECT key, type, id, name, first_ms, last_ms FROM entities WHERE key = ?').get(key) as EntitySqlRow | undefined;
    return row === undefined ? undefined : entityOf(row);
  }

  async listEntities(q: EntityQuery): Promise<EntityRow[]> {
    const { sql, params } = buildEntityQuery(q, () => '?', 'LIKE');
    return (this.#db.prepare(sql).all(...params) as EntitySqlRow[]).map(entityOf);
  }

  async edgesOf(keys: readonly string[], limit: number): Promise<EdgeRow[]> {
    if (keys.length === 0) return [];
    const list = keys.map(() => '?').join(', ');
    const rows = this.#db.prepare(`SELECT src, kind, dst, first_ms, last_ms FROM entity_edges WHERE src IN (${list}) OR dst IN (${list}) LIMIT ?`).all(...keys, ...keys, limit) as EdgeSqlRow[];
    return rows.map(edgeOf);
  }

  async getFinding(kind: FindingKind, id: string): Promise<StoredFinding | undefined> {
    const row = this.#stmt(`SELECT ${FINDING_COLUMNS} FROM findings f WHERE f.kind = ? AND f.id = ?`).get(kind, id) as FindingSqlRow | undefined;
    return row === undefined ? undefined : findingFromRow(row);
  }

  async getFindings(kind: FindingKind, ids: readonly string[]): Promise<StoredFinding[]> {
    const one = this.#stmt(`SELECT ${FINDING_COLUMNS} FROM findings f WHERE f.kind = ? AND f.id = ?`);
    const out: StoredFinding[] = [];
    for (const id of ids) {
      const row = one.get(kind, id) as FindingSqlRow | undefined;
      if (row !== undefined) out.push(findingFromRow(row));
    }
    return out;
  }

  async listFindings(q: FindingQuery): Promise<StoredFinding[]> {
    const { sql, params } = buildListQuery(q, () => '?', 'LIKE');
    return (this.#db.prepare(sql).all(...params) as FindingSqlRow[]).map(findingFromRow);
  }

  async countFindings(kind: FindingKind): Promise<number> {
    return (this.#stmt('SELECT count(*) AS n FROM findings WHERE kind = ?').get(kind) as { n: number }).n;
  }

  async summarize(sinceMs: number, untilMs: number): Promise<Summary> {
    const q = summaryQueries(() => '?');
    return summaryOf(this.#stmt(q.findings).all(sinceMs, untilMs) as SummaryFindingRow[], this.#stmt(q.records).all(sinceMs, untilMs) as { source: string; n: number }[]);
  }

  async setState(kind: FindingKind, id: string, change: { status?: Status; assignee?: string | null }, nowMs: number): Promise<AnalystState | undefined> {
    const db = this.#db;
    const result = db.transaction(() => {
      const cur = this.#stmt('SELECT status, assignee FROM findings WHERE kind = ? AND id = ?').get(kind, id) as { status: Status; assignee: string | null } | undefined;
      if (cur === undefined) return undefined;
      const next: AnalystState = {
        status: change.status ?? cur.status,
        assignee: change.assignee === undefined ? cur.assignee : change.assignee,
        updatedMs: nowMs,
      };
      this.#stmt('UPDATE findings SET status = ?, assignee = ?, state_ms = ? WHERE kind = ? AND id = ?').run(next.status, next.assignee, nowMs, kind, id);
      return next;
    })();
    return result;
  }

  async addNote(kind: FindingKind, id: string, author: string, text: string, nowMs: number): Promise<Note> {
    const r = this.#stmt('INSERT INTO notes (kind, finding_id, author, text, created_ms) VALUES (?, ?, ?, ?, ?)').run(kind, id, author, text, nowMs);
    return { id: Number(r.lastInsertRowid), author, text, createdMs: nowMs };
  }

  async notes(kind: FindingKind, id: string): Promise<Note[]> {
    const rows = this.#stmt('SELECT id, author, text, created_ms FROM notes WHERE kind = ? AND finding_id = ? ORDER BY id').all(kind, id) as NoteSqlRow[];
    return rows.map((r) => ({ id: r.id, author: r.author, text: r.text, createdMs: r.created_ms }));
  }

  async getValue(key: string): Promise<string | undefined> {
    const row = this.#stmt('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  async setValue(key: string, value: string): Promise<void> {
    this.#stmt('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async createToken(t: { id: string; name: string; role: Role; hash: string; createdMs: number }): Promise<void> {
    this.#stmt('INSERT INTO tokens (id, name, role, hash, created_ms) VALUES (?, ?, ?, ?, ?)').run(t.id, t.name, t.role, t.hash, t.createdMs);
  }

  async tokenByHash(hash: string): Promise<TokenRow | undefined> {
    const row = this.#stmt('SELECT id, name, role, created_ms, revoked_ms FROM tokens WHERE hash = ? AND revoked_ms IS NULL').get(hash) as TokenSqlRow | undefined;
    return row === undefined ? undefined : tokenOf(row);
  }

  async listTokens(): Promise<TokenRow[]> {
    return (this.#stmt('SELECT id, name, role, created_ms, revoked_ms FROM tokens ORDER BY created_ms, id').all() as TokenSqlRow[]).map(tokenOf);
  }

  async revokeToken(idOrName: string, nowMs: number): Promise<boolean> {
    const r = this.#stmt('UPDATE tokens SET revoked_ms = ? WHERE (id = ? OR name = ?) AND revoked_ms IS NULL').run(nowMs, idOrName, idOrName);
    return r.changes > 0;
  }

  async addSuppression(x: Omit<Suppression, 'id'>): Promise<void> {
    this.#stmt('INSERT INTO suppressions (kind, rule, subject, finding_id, actor, created_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, rule, subject) DO NOTHING').run(
      x.kind, x.rule, x.subject, x.findingId, x.actor, x.createdMs,
    );
  }

  async listSuppressions(): Promise<Suppression[]> {
    return (this.#stmt('SELECT id, kind, rule, subject, finding_id, actor, created_ms FROM suppressions ORDER BY id').all() as SuppressionSqlRow[]).map(suppressionOf);
  }

  async removeSuppression(id: number): Promise<boolean> {
    return this.#stmt('DELETE FROM suppressions WHERE id = ?').run(id).changes > 0;
  }

  async audit(e: AuditEntry): Promise<void> {
    this.#stmt('INSERT INTO audit (time_ms, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(
      e.timeMs, e.actor, e.action, e.target, e.detail === undefined ? null : JSON.stringify(e.detail),
    );
  }

  async auditLog(limit: number): Promise<AuditEntry[]> {
    const rows = this.#stmt('SELECT time_ms, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?').all(limit) as AuditSqlRow[];
    return rows.map(auditOf);
  }
}

function recordOf(r: RecordSqlRow): StoredRecord {
  return { seq: Number(r.seq), source: r.source as SourceKind, receivedMs: Number(r.received_ms), text: r.text };
}
