/**
 * What the web UI's overview and coverage pages read: who the caller is, the noise funnel and
 * attack counts over a period, ingestion health per source, and the ATT&CK coverage of the
 * loaded rules (which techniques they can detect, which fired).
 */

import type { FastifyInstance } from 'fastify';
import { ATTACK_VERSION, tactics, techniques } from '../../core/attack.js';
import { parseTime } from '../../core/time.js';
import type { ApiDeps } from '../deps.js';
import { problem } from '../server.js';

const PERIOD_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { since: { type: 'string', maxLength: 64 }, until: { type: 'string', maxLength: 64 } },
} as const;

const DAY_MS = 86_400_000;
const TECHNIQUE_TAG = /^T\d{4}(\.\d{3})?$/;

function increment(o: Record<string, number>, key: string, n: number): void {
  o[key] = (o[key] ?? 0) + n;
}

/** Open browsers refresh the overview on live updates: one count per period serves them all for this long. */
const OVERVIEW_CACHE_MS = 2000;

export function registerOverviewRoutes(app: FastifyInstance, deps: ApiDeps): void {
  let cached: { key: string; atMs: number; body: Record<string, unknown> } | undefined;

  app.get('/api/v1/me', { config: { role: 'viewer' } }, async (req) => ({ name: req.caller?.name ?? '', role: req.caller?.role ?? 'viewer' }));

  app.get('/api/v1/overview', { config: { role: 'viewer' }, schema: { querystring: PERIOD_QUERY } }, async (req, reply) => {
    const q = req.query as { since?: string; until?: string };
    const now = deps.clock.nowMs();
    const until = q.until === undefined ? now + 1 : parseTime(q.until)?.ms;
    const since = q.since === undefined ? (until ?? now) - DAY_MS : parseTime(q.since)?.ms;
    if (since === undefined || until === undefined) return reply.code(400).send(problem('INVALID_REQUEST', `since and until must be RFC 3339 times (got ${JSON.stringify(q.since ?? q.until)})`));
    if (since >= until) return reply.code(400).send(problem('INVALID_REQUEST', 'since must be before until'));
    const key = `${Math.floor(since / 1000)}:${Math.floor(until / 1000)}`;
    if (cached !== undefined && cached.key === key && now - cached.atMs < OVERVIEW_CACHE_MS) return cached.body;
    const summary = await deps.store.summarize(since, until);
    const funnel = { events: 0, signals: 0, threats: 0, attacks: 0 };
    const byIntent: Record<string, number> = {};
    const bySeverity: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    const intentSeverity: Record<string, Record<string, number>> = {};
    for (const r of summary.records) funnel.events += r.n;
    for (const f of summary.findings) {
      funnel[`${f.kind}s`] += f.n;
      if (f.kind !== 'attack') continue;
      const intent = f.intent ?? 'unknown';
      increment(byIntent, intent, f.n);
      increment(bySeverity, f.severity, f.n);
      increment(byStatus, f.status, f.n);
      increment((intentSeverity[intent] ??= {}), f.severity, f.n);
    }
    const received = new Map(summary.records.map((r) => [r.source, r.n]));
    const health = deps.ingestor.sources.health(now);
    const names = [...new Set([...received.keys(), ...health.map((h) => h.source)])].sort();
    const body = {
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      funnel,
      attacks: { by_intent: byIntent, by_severity: bySeverity, by_status: byStatus, by_intent_severity: intentSeverity },
      sources: names.map((source) => {
        const h = health.find((x) => x.source === source);
        return {
          source,
          records: received.get(source) ?? 0,
          accepted_since_start: h?.accepted ?? 0,
          rejected_since_start: h?.rejected ?? 0,
          per_minute: h?.perMinute ?? 0,
          last_seen: h?.lastMs == null ? null : new Date(h.lastMs).toISOString(),
        };
      }),
      detection: { ready: deps.ready(), backlog: deps.processor.backlog },
    };
    cached = { key, atMs: now, body };
    return body;
  });

  app.get('/api/v1/coverage', { config: { role: 'viewer' } }, async () => {
    const fired = deps.processor.fired;
    // Technique → the enabled rules tagged with it (a sub-technique also counts for its parent).
    const rulesOf = new Map<string, { name: string; kind: string; fired: number }[]>();
    for (const r of deps.processor.detection.ruleList) {
      if (!r.enabled) continue;
      const ids = new Set<string>();
      for (const tag of r.tags) {
        if (!TECHNIQUE_TAG.test(tag)) continue;
        ids.add(tag);
        const dot = tag.indexOf('.');
        if (dot > 0) ids.add(tag.slice(0, dot));
      }
      for (const id of ids) {
        let list = rulesOf.get(id);
        if (list === undefined) rulesOf.set(id, (list = []));
        list.push({ name: r.name, kind: r.kind, fired: fired.get(r.name) ?? 0 });
      }
    }
    const all = techniques();
    return {
      attack_version: ATTACK_VERSION,
      tactics: tactics().map((t) => ({
        id: t.id,
        shortname: t.shortname,
        name: t.name,
        techniques: all
          .filter((x) => x.parent === undefined && x.tactics.some((y) => y.id === t.id))
          .map((x) => {
            const rules = rulesOf.get(x.id) ?? [];
            return { id: x.id, name: x.name, rules: rules.map((r) => r.name), fired: rules.reduce((s, r) => s + r.fired, 0) };
          }),
      })),
    };
  });
}
