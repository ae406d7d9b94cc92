/**
 * The schema, as hand-written versioned migrations for each dialect. A migration is applied once,
 * in order, inside a transaction, and recorded in `schema_migrations`; never edit one that has
 * shipped: add the next.
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: readonly string[];
}

const V1_COMMON = (t: { seq: string; int: string; serial: string }): string[] => [
  `CREATE TABLE records (seq ${t.seq}, source TEXT NOT NULL, received_ms ${t.int} NOT NULL, text TEXT NOT NULL)`,
  'CREATE INDEX records_received ON records (received_ms)',
  `CREATE TABLE findings (
     kind TEXT NOT NULL, id TEXT NOT NULL, time_ms ${t.int} NOT NULL, severity TEXT NOT NULL,
     intent TEXT, doc TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'open', assignee TEXT, state_ms ${t.int} NOT NULL DEFAULT 0,
     PRIMARY KEY (kind, id))`,
  'CREATE INDEX findings_time ON findings (kind, time_ms, id)',
  `CREATE TABLE finding_entities (kind TEXT NOT NULL, id TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
     PRIMARY KEY (kind, id, entity))`,
  'CREATE INDEX finding_entities_entity ON finding_entities (entity)',
  'CREATE INDEX finding_entities_entity_id ON finding_entities (entity_id)',
  `CREATE TABLE notes (id ${t.serial}, kind TEXT NOT NULL, finding_id TEXT NOT NULL, author TEXT NOT NULL,
     text TEXT NOT NULL, created_ms ${t.int} NOT NULL)`,
  'CREATE INDEX notes_finding ON notes (kind, finding_id)',
  `CREATE TABLE tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
     created_ms ${t.int} NOT NULL, revoked_ms ${t.int})`,
  `CREATE TABLE audit (id ${t.serial}, time_ms ${t.int} NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
     target TEXT NOT NULL, detail TEXT)`,
  'CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
];

const V2_COMMON = (t: { int: string; serial: string }): string[] => [
  `CREATE TABLE suppressions (id ${t.serial}, kind TEXT NOT NULL, rule TEXT NOT NULL, subject TEXT NOT NULL,
     finding_id TEXT NOT NULL, actor TEXT NOT NULL, created_ms ${t.int} NOT NULL)`,
  'CREATE UNIQUE INDEX suppressions_what ON suppressions (kind, rule, subject)',
];

const V3_COMMON = (t: { int: string }): string[] => [
  'ALTER TABLE records ADD COLUMN evidence INTEGER NOT NULL DEFAULT 0',
  `CREATE TABLE entities (key TEXT PRIMARY KEY, type TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
     first_ms ${t.int} NOT NULL, last_ms ${t.int} NOT NULL)`,
  'CREATE INDEX entities_type ON entities (type, last_ms)',
  `CREATE TABLE entity_edges (src TEXT NOT NULL, kind TEXT NOT NULL, dst TEXT NOT NULL,
     first_ms ${t.int} NOT NULL, last_ms ${t.int} NOT NULL, PRIMARY KEY (src, kind, dst))`,
  'CREATE INDEX entity_edges_dst ON entity_edges (dst)',
];

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, findings, analyst state, tokens, audit',
    sql: V1_COMMON({ seq: 'INTEGER PRIMARY KEY AUTOINCREMENT', int: 'INTEGER', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' }),
  },
  { version: 2, name: 'suppressions from false positives', sql: V2_COMMON({ int: 'INTEGER', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' }) },
  { version: 3, name: 'evidence kept past the retention; entities and their edges', sql: V3_COMMON({ int: 'INTEGER' }) },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, findings, analyst state, tokens, audit',
    sql: V1_COMMON({ seq: 'BIGSERIAL PRIMARY KEY', int: 'BIGINT', serial: 'BIGSERIAL PRIMARY KEY' }),
  },
  { version: 2, name: 'suppressions from false positives', sql: V2_COMMON({ int: 'BIGINT', serial: 'BIGSERIAL PRIMARY KEY' }) },
  { version: 3, name: 'evidence kept past the retention; entities and their edges', sql: V3_COMMON({ int: 'BIGINT' }) },
];

export const MIGRATIONS_TABLE = 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)';
