/**
 * The query API: lists of attacks, threats and signals (filters, keyset pagination), one item,
 * an attack's whole story, the stored raw records, and the analyst's actions (status, assignee,
 * notes), each recorded in the audit log.
 */

import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseTime } from '../../core/time.js';
import { buildStory } from '../../service/story.js';
import { STATUSES, type EntityRow, type FindingKind, type FindingQuery, type Status, type StoredFinding, type StoredRecord } from '../../store/port.js';
import type { ApiDeps } from '../deps.js';
import { problem } from '../server.js';

const PLURAL: readonly { readonly path: string; readonly kind: FindingKind }[] = [
  { path: 'attacks', kind: 'attack' },
  { path: 'threats', kind: 'threat' },
  { path: 'signals', kind: 'signal' },
];

const LIST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', maxLength: 64 },
    until: { type: 'string', maxLength: 64 },
    severity: { type: 'string', maxLength: 200 },
    intent: { type: 'string', maxLength: 400 },
    status: { type: 'string', maxLength: 200 },
    entity: { type: 'string', maxLength: 1000 },
    q: { type: 'string', maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    cursor: { type: 'string', maxLength: 2000 },
  },
} as const;

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;

const STATE_BODY = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    status: { type: 'string', enum: [...STATUSES] },
    assignee: { type: ['string', 'null'], maxLength: 200 },
  },
} as const;

const NOTE_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: { text: { type: 'string', minLength: 1, maxLength: 10_000 } },
} as const;

interface ListQuery {
  since?: string;
  until?: string;
  severity?: string;
  intent?: string;
  status?: string;
  entity?: string;
  q?: string;
  limit: number;
  cursor?: string;
}

/** A stored finding as the API shows it: the contract's document plus the analyst's state. */
export function itemOf(f: StoredFinding): Record<string, unknown> {
  return { ...f.doc, status: f.state.status, assignee: f.state.assignee };
}

export function registerQueryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  for (const { path, kind } of PLURAL) {
    app.get(`/api/v1/${path}`, { config: { role: 'viewer' }, schema: { querystring: LIST_QUERY } }, async (req, reply) => {
      const q = req.query as ListQuery;
      const built = listQuery(kind, q);
      if (typeof built === 'string') return reply.code(400).send(problem('INVALID_REQUEST', built));
      const rows = await deps.store.listFindings(built);
      const last = rows[rows.length - 1];
      const next = rows.length === built.limit && last !== undefined ? encodeCursor(last.timeMs, last.id) : null;
      return { items: rows.map(itemOf), next };
    });

    app.get(`/api/v1/${path}/:id`, { config: { role: 'viewer' }, schema: { params: ID_PARAMS } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const f = await deps.store.getFinding(kind, id);
      if (f === undefined) return notFound(reply, kind, id);
      if (kind === 'attack') {
        const story = await buildStory(deps.store, f);
        return { ...story, attack: itemOf(f) };
      }
      return { [kind]: itemOf(f), notes: await deps.store.notes(kind, id) };
    });

    app.patch(`/api/v1/${path}/:id`, { config: { role: 'analyst' }, schema: { params: ID_PARAMS, body: STATE_BODY } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const change = req.body as { status?: Status; assignee?: string | null };
      const now = deps.clock.nowMs();
      const state = await deps.store.setState(kind, id, change, now);
      if (state === undefined) return notFound(reply, kind, id);
      const f = await deps.store.getFinding(kind, id);
      let suppressed: { rule: string; subject: string } | undefined;
      if (change.status === 'false-positive' && f !== undefined) suppressed = await deps.falsePositive(kind, f, req.caller?.tokenId ?? 'unknown');
      await deps.store.audit({
        timeMs: now,
        actor: req.caller?.tokenId ?? 'unknown',
        action: `${kind}.state`,
        target: `${kind}:${id}`,
        detail: { ...change, ...(suppressed === undefined ? {} : { suppressed }) },
      });
      if (f !== undefined) deps.hub.publish(kind, itemOf(f));
      return { id, ...state, ...(suppressed === undefined ? {} : { suppressed }) };
    });

    app.post(`/api/v1/${path}/:id/notes`, { config: { role: 'analyst' }, schema: { params: ID_PARAMS, body: NOTE_BODY } }, async (req, reply) => {
      const { id } = req.params as { id: string };
      if ((await deps.store.getFinding(kind, id)) === undefined) return notFound(reply, kind, id);
      const now = deps.clock.nowMs();
      const author = req.caller?.name ?? 'unknown';
      const note = await deps.store.addNote(kind, id, author, (req.body as { text: string }).text, now);
      await deps.store.audit({ timeMs: now, actor: req.caller?.tokenId ?? 'unknown', action: `${kind}.note`, target: `${kind}:${id}` });
      return reply.code(201).send(note);
    });
  }

  app.get('/api/v1/entities', {
    config: { role: 'viewer' },
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          type: { type: 'string', maxLength: 40 },
          q: { type: 'string', maxLength: 400 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          cursor: { type: 'string', maxLength: 2000 },
        },
      },
    },
  }, async (req, reply) => {
    const q = req.query as { type?: string; q?: string; limit: number; cursor?: string };
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (cursor === null) return reply.code(400).send(problem('INVALID_REQUEST', BAD_CURSOR));
    const after = cursor === undefined ? undefined : { lastMs: cursor.ms, key: cursor.id };
    const rows = await deps.store.listEntities({ limit: q.limit, ...(q.type === undefined ? {} : { type: q.type }), ...(q.q === undefined ? {} : { q: q.q }), ...(after === undefined ? {} : { after }) });
    const last = rows[rows.length - 1];
    return {
      items: rows.map(entityItem),
      next: rows.length === q.limit && last !== undefined ? encodeCursor(last.lastMs, last.key) : null,
    };
  });

  // Entity ids hold slashes and colons (pods, ARNs): everything after the type is the id.
  app.get('/api/v1/entities/:type/*', { config: { role: 'viewer' } }, async (req, reply) => {
    const params = req.params as { type: string; '*': string };
    const key = `${params.type}:${params['*']}`;
    const entity = await deps.store.getEntity(key);
    if (entity === undefined) return reply.code(404).send(problem('NOT_FOUND', `no entity ${key}`));
    const related = async (kind: FindingKind): Promise<Record<string, unknown>[]> => (await deps.store.listFindings({ kind, entity: key, limit: 50 })).map(itemOf);
    const edges = await deps.store.edgesOf([key], 500);
    return {
      entity: entityItem(entity),
      edges: edges.map((e) => ({ source: e.src, relation: e.kind, target: e.dst, first_seen: new Date(e.firstMs).toISOString(), last_seen: new Date(e.lastMs).toISOString() })),
      attacks: await related('attack'),
      threats: await related('threat'),
      signals: await related('signal'),
    };
  });

  app.get('/api/v1/records', { config: { role: 'viewer' }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { after: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } } } }, async (req) => {
    const { after, limit } = req.query as { after: number; limit: number };
    const rows = await deps.store.readRecords(after, limit);
    const last = rows[rows.length - 1];
    return {
      items: rows.map(recordItem),
      next: rows.length === limit && last !== undefined ? last.seq : null,
    };
  });

  app.get('/api/v1/records/:seq', { config: { role: 'viewer' }, schema: { params: { type: 'object', required: ['seq'], properties: { seq: { type: 'integer', minimum: 1 } } } } }, async (req, reply) => {
    const { seq } = req.params as { seq: number };
    const r = await deps.store.getRecord(seq);
    if (r === undefined) return reply.code(404).send(problem('NOT_FOUND', `no stored record ${seq} (it may be past the retention)`));
    return recordItem(r);
  });
}

const BAD_CURSOR = 'cursor is not one this API gave (use the `next` value of the previous page)';

/** Keyset pagination: the last row's sort time and id, opaque to clients. */
function encodeCursor(ms: number, id: string): string {
  return Buffer.from(JSON.stringify([ms, id])).toString('base64url');
}

/** The position a cursor names, or null when it is not one this API gave. */
function decodeCursor(cursor: string): { ms: number; id: string } | null {
  try {
    const [ms, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    return typeof ms === 'number' && typeof id === 'string' ? { ms, id } : null;
  } catch {
    return null;
  }
}

/** A stored raw record as the API shows it: its seq, source, arrival and the record itself. */
function recordItem(r: StoredRecord): Record<string, unknown> {
  return { seq: r.seq, source: r.source, received_at: new Date(r.receivedMs).toISOString(), record: JSON.parse(r.text) as unknown };
}

function entityItem(e: EntityRow): Record<string, unknown> {
  return { key: e.key, type: e.type, id: e.id, name: e.name, first_seen: new Date(e.firstMs).toISOString(), last_seen: new Date(e.lastMs).toISOString() };
}

function notFound(reply: FastifyReply, kind: FindingKind, id: string): FastifyReply {
  return reply.code(404).send(problem('NOT_FOUND', `no ${kind} ${id}`));
}

/** The store query for a list request, or what is wrong with it. */
function listQuery(kind: FindingKind, q: ListQuery): FindingQuery | string {
  const time = (name: string, v: string | undefined): number | string | undefined => {
    if (v === undefined) return undefined;
    if (/^\d{1,16}$/.test(v)) return Number(v);
    const t = parseTime(v);
    return t === undefined ? `${name} must be an RFC 3339 time or epoch milliseconds (got ${JSON.stringify(v)})` : Math.floor(t.ms);
  };
  const since = time('since', q.since);
  const until = time('until', q.until);
  if (typeof since === 'string') return since;
  if (typeof until === 'string') return until;
  const list = (v: string | undefined): string[] | undefined => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter((x) => x !== ''));
  const status = list(q.status);
  const badStatus = status?.find((s) => !(STATUSES as readonly string[]).includes(s));
  if (badStatus !== undefined) return `status must be among ${STATUSES.join(', ')} (got ${JSON.stringify(badStatus)})`;
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
  if (cursor === null) return BAD_CURSOR;
  const after = cursor === undefined ? undefined : { timeMs: cursor.ms, id: cursor.id };
  const severity = list(q.severity);
  const intent = list(q.intent);
  return {
    kind,
    limit: q.limit,
    ...(since === undefined ? {} : { sinceMs: since }),
    ...(until === undefined ? {} : { untilMs: until }),
    ...(severity === undefined ? {} : { severity }),
    ...(intent === undefined ? {} : { intent }),
    ...(status === undefined ? {} : { status: status as Status[] }),
    ...(q.entity === undefined ? {} : { entity: q.entity }),
    ...(q.q === undefined || q.q.trim() === '' ? {} : { text: q.q.trim() }),
    ...(after === undefined ? {} : { after }),
  };
}
