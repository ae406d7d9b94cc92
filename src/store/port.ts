/**
 * The storage port: everything the service keeps, behind one interface with two adapters
 * (SQLite, the embedded default, and PostgreSQL). Every method is asynchronous because the
 * PostgreSQL adapter is; the SQLite adapter answers synchronously inside.
 *
 * What is kept: the ingested records (the log the detection replays after a restart), the
 * signals, threats and attacks it produced (as the contract's JSON documents plus the columns
 * queries filter on), the entities they name, analyst state, API tokens (hashes only), the
 * audit log of analyst and admin actions, and small named values (checkpoints).
 */

import type { SourceKind } from '../core/event.js';

/** One ingested record, as stored before it is acknowledged. */
export interface StoredRecord {
  /** Position in the log: increasing in commit order, never reused. */
  readonly seq: number;
  readonly source: SourceKind;
  readonly receivedMs: number;
  /** The record's JSON text. */
  readonly text: string;
}

export interface NewRecord {
  readonly source: SourceKind;
  readonly receivedMs: number;
  readonly text: string;
}

export const FINDING_KINDS = ['signal', 'threat', 'attack'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const STATUSES = ['open', 'acknowledged', 'resolved', 'false-positive'] as const;
export type Status = (typeof STATUSES)[number];

/** A signal, threat or attack as stored: the contract's document plus what queries filter on. */
export interface FindingRow {
  readonly kind: FindingKind;
  readonly id: string;
  /** Event time the list is ordered by (a signal's time, an output's detection time). */
  readonly timeMs: number;
  /** Signals: their Falco priority; threats and attacks: their severity. */
  readonly severity: string;
  /** Attacks only. */
  readonly intent?: string;
  /** `type:id` of each entity it names, for the entity filter. */
  readonly entities: readonly string[];
  /** The contract's JSON document (`analyze --output json` item). */
  readonly doc: Record<string, unknown>;
}

/** What an analyst has said about a finding. */
export interface AnalystState {
  readonly status: Status;
  readonly assignee: string | null;
  readonly updatedMs: number;
}

export interface Note {
  readonly id: number;
  readonly author: string;
  readonly text: string;
  readonly createdMs: number;
}

export interface FindingQuery {
  readonly kind: FindingKind;
  readonly sinceMs?: number;
  readonly untilMs?: number;
  readonly severity?: readonly string[];
  readonly intent?: readonly string[];
  readonly status?: readonly Status[];
  /** `type:id`, or an id alone (any type). */
  readonly entity?: string;
  /** Text anywhere in the finding's document (rule, name, output, entities), case-insensitive. */
  readonly text?: string;
  /** Newest first; the cursor is the last row of the previous page. */
  readonly after?: { readonly timeMs: number; readonly id: string };
  readonly limit: number;
}

/** A stored finding with its analyst state. */
export interface StoredFinding extends FindingRow {
  readonly state: AnalystState;
}

export const ROLES = ['ingest', 'viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenRow {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdMs: number;
  readonly revokedMs: number | null;
}

export interface AuditEntry {
  readonly timeMs: number;
  /** The token id that acted, or `cli`. */
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail?: Record<string, unknown>;
}

/**
 * What an analyst's false positive suppresses from then on: signals of `rule` naming `subject`
 * (an entity key), or threats/attacks of the correlation `rule` on the join key `subject`.
 */
export interface Suppression {
  readonly id: number;
  readonly kind: FindingKind;
  readonly rule: string;
  readonly subject: string;
  readonly findingId: string;
  readonly actor: string;
  readonly createdMs: number;
}

/** An entity the evidence named, with when it was first and last seen (event time). */
export interface EntityRow {
  /** `type:id`. */
  readonly key: string;
  readonly type: string;
  readonly id: string;
  readonly name: string;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** A relation the evidence stated between two entities (`process runs-in container`). */
export interface EdgeRow {
  readonly src: string;
  readonly kind: string;
  readonly dst: string;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** What a batch of findings rests on: its evidence records (kept past the retention) and their entity graph. */
export interface EvidenceGraph {
  readonly evidence: readonly number[];
  readonly entities: readonly EntityRow[];
  readonly edges: readonly EdgeRow[];
}

export interface EntityQuery {
  readonly type?: string;
  /** A part of the id or name. */
  readonly q?: string;
  /** Most recently seen first; the cursor is the last row of the previous page. */
  readonly after?: { readonly lastMs: number; readonly key: string };
  readonly limit: number;
}

/** Counts over a period, for the overview: findings by kind, intent, severity and status; records by source. */
export interface Summary {
  readonly findings: readonly { readonly kind: FindingKind; readonly intent: string | null; readonly severity: string; readonly status: Status; readonly n: number }[];
  /** Records received in the period (those still within the retention, and evidence). */
  readonly records: readonly { readonly source: string; readonly n: number }[];
}

export interface Store {
  /** `sqlite` or `postgres`, for logs and metrics. */
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Claims the store for one server until close: a second server on the same store would
   * process the log twice and, on PostgreSQL, could pass records committed out of order.
   * Rejects with the reason when another process holds it.
   */
  lockWriter(): Promise<void>;
  /** Applies the migrations not applied yet; returns the schema version. */
  migrate(): Promise<number>;
  close(): Promise<void>;

  /**
   * Stores records in one transaction, with named values set in the same transaction (a file
   * watcher's position, so records and the position after them land together); their seqs, in
   * order. Durable when it resolves.
   */
  appendRecords(records: readonly NewRecord[], values?: Readonly<Record<string, string>>): Promise<number[]>;
  /** Records after `afterSeq`, in seq order. */
  readRecords(afterSeq: number, limit: number): Promise<StoredRecord[]>;
  getRecord(seq: number): Promise<StoredRecord | undefined>;
  countRecords(): Promise<number>;
  /**
   * Drops records received before `beforeMs` that are at or below `upToSeq` (already processed)
   * and that no signal rests on (evidence is kept as long as the findings).
   */
  pruneRecords(beforeMs: number, upToSeq: number): Promise<number>;

  /**
   * Upserts findings and sets named values in one transaction (so a checkpoint and the outputs
   * it covers land together). Analyst state is kept across upserts.
   */
  putFindings(rows: readonly FindingRow[], values?: Readonly<Record<string, string>>, graph?: EvidenceGraph): Promise<void>;
  getFinding(kind: FindingKind, id: string): Promise<StoredFinding | undefined>;
  getFindings(kind: FindingKind, ids: readonly string[]): Promise<StoredFinding[]>;
  listFindings(q: FindingQuery): Promise<StoredFinding[]>;
  countFindings(kind: FindingKind): Promise<number>;
  /** Findings whose time, and records whose arrival, is in [sinceMs, untilMs). */
  summarize(sinceMs: number, untilMs: number): Promise<Summary>;

  getEntity(key: string): Promise<EntityRow | undefined>;
  listEntities(q: EntityQuery): Promise<EntityRow[]>;
  /** Edges touching any of the keys (at most `limit`). */
  edgesOf(keys: readonly string[], limit: number): Promise<EdgeRow[]>;

  setState(kind: FindingKind, id: string, change: { status?: Status; assignee?: string | null }, nowMs: number): Promise<AnalystState | undefined>;
  addNote(kind: FindingKind, id: string, author: string, text: string, nowMs: number): Promise<Note>;
  notes(kind: FindingKind, id: string): Promise<Note[]>;

  getValue(key: string): Promise<string | undefined>;
  setValue(key: string, value: string): Promise<void>;

  createToken(t: { id: string; name: string; role: Role; hash: string; createdMs: number }): Promise<void>;
  /** The live (not revoked) token with this hash. */
  tokenByHash(hash: string): Promise<TokenRow | undefined>;
  listTokens(): Promise<TokenRow[]>;
  /** Revokes by id or name; whether one was live. */
  revokeToken(idOrName: string, nowMs: number): Promise<boolean>;

  /** Adds a suppression; an existing one for the same (kind, rule, subject) is kept. */
  addSuppression(s: Omit<Suppression, 'id'>): Promise<void>;
  listSuppressions(): Promise<Suppression[]>;
  removeSuppression(id: number): Promise<boolean>;

  audit(entry: AuditEntry): Promise<void>;
  auditLog(limit: number): Promise<AuditEntry[]>;
}
