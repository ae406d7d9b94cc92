/**
 * Administration: API tokens (made, listed, revoked; a token's text is shown once, at creation),
 * the audit log, and `/metrics` in Prometheus' text format.
 */

import type { FastifyInstance } from 'fastify';
import { ROLES, type Role } from '../../store/port.js';
import { createToken } from '../../service/tokens.js';
import type { ApiDeps } from '../deps.js';
import { problem } from '../server.js';

const TOKEN_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._@-]+$' },
    role: { type: 'string', enum: [...ROLES] },
  },
} as const;

export function registerAdminRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/api/v1/tokens', { config: { role: 'admin' }, schema: { body: TOKEN_BODY } }, async (req, reply) => {
    const body = req.body as { name: string; role: Role };
    const now = deps.clock.nowMs();
    const made = await createToken(deps.store, body.name, body.role, now);
    await deps.store.audit({ timeMs: now, actor: req.caller?.tokenId ?? 'unknown', action: 'token.create', target: `token:${made.id}`, detail: { name: body.name, role: body.role } });
    return reply.code(201).send({ id: made.id, name: body.name, role: body.role, token: made.token });
  });

  app.get('/api/v1/tokens', { config: { role: 'admin' } }, async () => ({
    items: (await deps.store.listTokens()).map((t) => ({
      id: t.id,
      name: t.name,
      role: t.role,
      created_at: new Date(t.createdMs).toISOString(),
      revoked_at: t.revokedMs === null ? null : new Date(t.revokedMs).toISOString(),
    })),
  }));

  app.delete('/api/v1/tokens/:id', { config: { role: 'admin' }, schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } } } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const now = deps.clock.nowMs();
    if (!(await deps.store.revokeToken(id, now))) return reply.code(404).send(problem('NOT_FOUND', `no live token ${id}`));
    await deps.store.audit({ timeMs: now, actor: req.caller?.tokenId ?? 'unknown', action: 'token.revoke', target: `token:${id}` });
    return reply.code(204).send();
  });

  app.get('/api/v1/audit', { config: { role: 'admin' }, schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } } } }, async (req) => {
    const { limit } = req.query as { limit: number };
    return { items: (await deps.store.auditLog(limit)).map((e) => ({ time: new Date(e.timeMs).toISOString(), actor: e.actor, action: e.action, target: e.target, ...(e.detail === undefined ? {} : { detail: e.detail }) })) };
  });

  app.get('/api/v1/rules', { config: { role: 'viewer' } }, async () => {
    const fired = deps.processor.fired;
    return {
      items: deps.processor.detection.ruleList.map((r) => ({ ...r, fired: fired.get(r.name) ?? 0 })),
      warnings: deps.ruleWarnings(),
    };
  });

  app.get('/api/v1/suppressions', { config: { role: 'viewer' } }, async () => ({
    items: (await deps.store.listSuppressions()).map((x) => ({ id: x.id, kind: x.kind, rule: x.rule, subject: x.subject, finding_id: x.findingId, actor: x.actor, created_at: new Date(x.createdMs).toISOString() })),
  }));

  app.delete('/api/v1/suppressions/:id', { config: { role: 'analyst' }, schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } } }, async (req, reply) => {
    const { id } = req.params as { id: number };
    if (!(await deps.unsuppress(id))) return reply.code(404).send(problem('NOT_FOUND', `no suppression ${id}`));
    await deps.store.audit({ timeMs: deps.clock.nowMs(), actor: req.caller?.tokenId ?? 'unknown', action: 'suppression.remove', target: `suppression:${id}` });
    return reply.code(204).send();
  });

  app.post('/api/v1/admin/reload', { config: { role: 'admin' } }, async (req, reply) => {
    const now = deps.clock.nowMs();
    const result = await deps.reload();
    await deps.store.audit({ timeMs: now, actor: req.caller?.tokenId ?? 'unknown', action: 'rules.reload', target: 'rules', detail: { ok: result.ok } });
    if (!result.ok) {
      return reply.code(422).send({ ...problem('RULES_INVALID', `the rules have ${result.problems.length} problem(s); the running rules stay`), problems: result.problems });
    }
    return { signal_rules: result.signalRules, correlation_rules: result.correlationRules, replayed: result.replayed };
  });

  app.get('/metrics', { config: { role: 'viewer' } }, async (_req, reply) => {
    const c = deps.processor.counts;
    const ing = deps.ingestor.counts;
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, values: [labels: string, value: number][]): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of values) lines.push(`${name}${labels === '' ? '' : `{${labels}}`} ${value}`);
    };
    metric('vigil_ingest_requests_total', 'counter', 'Ingestion requests answered 202.', [['', ing.requests]]);
    metric('vigil_ingest_records_total', 'counter', 'Records accepted and stored, by source.', [...ing.bySource].map(([s, n]) => [`source="${s}"`, n]));
    metric('vigil_ingest_rejected_total', 'counter', 'Records refused at ingestion.', [['', ing.rejected]]);
    metric('vigil_processed_records_total', 'counter', 'Stored records run through detection (replays included).', [['', c.records]]);
    metric('vigil_events_total', 'counter', 'Events decoded by detection.', [['', c.events]]);
    metric('vigil_signals_total', 'counter', 'Signals raised.', [['', c.signals]]);
    metric('vigil_threats_total', 'counter', 'Threats reported.', [['', c.threats]]);
    metric('vigil_attacks_total', 'counter', 'Attacks reported, by intent.', [...c.attacksByIntent].map(([i, n]) => [`intent="${i}"`, n]));
    metric('vigil_detection_backlog', 'gauge', 'Stored records waiting for detection.', [['', deps.processor.backlog]]);
    metric('vigil_detection_batch_seconds', 'gauge', 'Time the last detection batch took.', [['', deps.processor.lastBatchMs / 1000]]);
    metric('vigil_stream_clients', 'gauge', 'Connected live-stream clients.', [['', deps.hub.subscribers]]);
    lines.push(...deps.ingestor.ackSeconds.lines('vigil_ingest_ack_seconds', 'Time to store a request\'s records durably (what an acknowledgement waits for).'));
    lines.push(...deps.processor.lagSeconds.lines('vigil_detection_lag_seconds', 'Time from a record\'s arrival to its findings being stored.'));
    metric('vigil_records_stored', 'gauge', 'Records in the store (within the retention).', [['', await deps.store.countRecords()]]);
    for (const [name, value] of Object.entries(deps.stats())) metric(`vigil_${name}`, 'gauge', `State size: ${name.replace(/_/g, ' ')}.`, [['', value]]);
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
