/**
 * Administration of the running server, on SQLite and PostgreSQL: the rules listing, a reload
 * that validates before it swaps (a broken file leaves the running rules in place, with every
 * problem reported), analyst actions that persist and are audited, the OpenAPI document, metrics.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { auditGet as auditGetEvent } from '../support/audit.js';
import { STORE_KINDS } from '../support/live.js';
import { startTestService } from '../support/start.js';

const RULE = (name: string, resource: string): string => `
- rule: ${name}
  desc: a test rule
  condition: ka.verb=get and ka.target.resource=${resource}
  output: read of %ka.target.name by %ka.user.name
  priority: WARNING
  source: k8s_audit
  tags: [T1552.007, test]
`;

let n = 0;
function auditGet(resource: string): string {
  n++;
  // The stage is stamped 100 µs after the request, as the API server does.
  const at = `2026-11-03T08:00:${String(n % 60).padStart(2, '0')}`;
  return JSON.stringify({ ...auditGetEvent(n, resource, `${at}.000000Z`), stageTimestamp: `${at}.000100Z` });
}

for (const kind of STORE_KINDS) {
  describe(`administration of the running server (${kind})`, () => {
    test('rules are listed, reloaded when valid, kept when not', async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'vigil-rules-'));
      const file = join(dir, 'mine.yaml');
      await writeFile(file, RULE('Config map read', 'configmaps'));
      const svc = await startTestService(t, kind, { detection: { rules: [file], defaultRules: false, baselines: false, defaultIntel: false } });
      if (svc === undefined) return;
      const { service, token } = svc;
      const auth = { Authorization: `Bearer ${token}` };
      const json = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
        const res = await fetch(`${service.url}${path}`, {
          method,
          headers: { ...auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
      };
      const ingest = async (...lines: string[]): Promise<void> => {
        const res = await fetch(`${service.url}/api/v1/ingest/k8s-audit`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/x-ndjson' }, body: lines.join('\n') });
        assert.equal(res.status, 202, await res.text());
        await service.processor.idle();
      };
      const ruleNames = async (): Promise<Map<string, number>> =>
        new Map(((await json('GET', '/api/v1/rules')).body['items'] as { name: string; fired: number }[]).map((r) => [r.name, r.fired]));
      try {
        await ingest(auditGet('configmaps'), auditGet('secrets'));
        assert.deepEqual([...(await ruleNames())], [['Config map read', 1]]);

        // A valid change: the new rule takes over, the log is replayed into it, history stays.
        await writeFile(file, RULE('Config map read', 'configmaps') + RULE('Secret read', 'secrets'));
        const ok = await json('POST', '/api/v1/admin/reload');
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        assert.equal(ok.body['signal_rules'], 2);
        assert.equal(ok.body['replayed'], 2);
        await ingest(auditGet('secrets'));
        const after = await ruleNames();
        assert.equal(after.get('Secret read'), 1, 'the new rule fires on new records');

        // A broken file: 422 with every problem and its line; the running rules stay.
        await writeFile(file, `${RULE('Config map read', 'configmaps')}\n- rule: Broken\n  desc: x\n  condition: (ka.verb = get\n  output: x\n  priority: WARNING\n  source: k8s_audit\n- rule: Unknown field\n  desc: x\n  condition: ka.no.such.field = 1\n  output: x\n  priority: WARNING\n  source: k8s_audit\n`);
        const bad = await json('POST', '/api/v1/admin/reload');
        assert.equal(bad.status, 422);
        const problems = (bad.body['problems'] as string[]).filter((p) => / error [A-Z_]+:/.test(p));
        assert.equal(problems.length, 2, problems.join('\n'));
        assert.match(problems[0] ?? '', /mine\.yaml:12:\d+: error CONDITION_SYNTAX/);
        assert.match(problems[1] ?? '', /mine\.yaml:18:\d+: error CONDITION_COMPILE: unknown field 'ka\.no\.such\.field'/);
        await ingest(auditGet('secrets'));
        assert.equal((await ruleNames()).get('Secret read'), 2, 'still running the last good rules');

        // Analyst actions persist and are audited; a viewer's view shows them.
        const signals = (await json('GET', '/api/v1/signals?limit=10')).body['items'] as { id: string; rule: string; status: string }[];
        const sig = signals.find((s) => s.rule === 'Secret read');
        assert.ok(sig !== undefined);
        const marked = await json('PATCH', `/api/v1/signals/${sig.id}`, { status: 'false-positive', assignee: 'ana' });
        assert.equal(marked.status, 200);
        assert.deepEqual(marked.body['suppressed'], { rule: 'Secret read', subject: 'k8s-user:alice' });
        assert.equal((await json('POST', `/api/v1/signals/${sig.id}/notes`, { text: 'the backup job' })).status, 201);
        const one = await json('GET', `/api/v1/signals/${sig.id}`);
        assert.equal((one.body['signal'] as { status: string }).status, 'false-positive');
        assert.deepEqual((one.body['notes'] as { text: string }[]).map((x) => x.text), ['the backup job']);
        const fp = await json('GET', '/api/v1/signals?status=false-positive');
        assert.deepEqual((fp.body['items'] as { id: string }[]).map((x) => x.id), [sig.id]);
        const audit = (await json('GET', '/api/v1/audit')).body['items'] as { action: string; target: string }[];
        assert.ok(audit.some((a) => a.action === 'signal.state' && a.target === `signal:${sig.id}`));
        assert.ok(audit.some((a) => a.action === 'rules.reload'));

        // The OpenAPI document describes every route with the schemas that validate it.
        const doc = (await json('GET', '/api/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string; schema: { maximum?: number } }[]; security: unknown[]; requestBody?: { content: Record<string, unknown> } }>> };
        assert.equal(doc.openapi, '3.1.0');
        for (const [path, method] of [['/api/v1/ingest/falco', 'post'], ['/api/v1/ingest/k8s-audit', 'post'], ['/api/v1/ingest/cloudtrail', 'post'], ['/api/v1/ingest/tetragon', 'post'], ['/api/v1/attacks', 'get'], ['/api/v1/attacks/{id}', 'get'], ['/api/v1/threats', 'get'], ['/api/v1/signals', 'get'], ['/api/v1/stream', 'get'], ['/metrics', 'get'], ['/healthz', 'get'], ['/api/v1/admin/reload', 'post']] as const) {
          assert.ok(doc.paths[path]?.[method] !== undefined, `${method} ${path} documented`);
        }
        const limit = doc.paths['/api/v1/attacks']?.['get']?.parameters.find((p) => p.name === 'limit');
        assert.equal(limit?.schema.maximum, 500);
        assert.deepEqual(doc.paths['/healthz']?.['get']?.security, []);
        assert.ok(doc.paths['/api/v1/ingest/cloudtrail']?.['post']?.requestBody?.content['application/x-ndjson'] !== undefined);
        const tooMany = await json('GET', '/api/v1/attacks?limit=501');
        assert.equal(tooMany.status, 400, 'and the same schema refuses what it says is out of range');

        // The false positive suppresses the rule for that user from now on, and only for them.
        const firedBefore = (await ruleNames()).get('Secret read');
        await ingest(auditGet('secrets'));
        assert.equal((await ruleNames()).get('Secret read'), firedBefore, 'suppressed for alice');
        const bob = JSON.parse(auditGet('secrets')) as { user: { username: string } };
        bob.user.username = 'bob';
        await ingest(JSON.stringify(bob));
        assert.equal((await ruleNames()).get('Secret read'), (firedBefore ?? 0) + 1, 'not for bob');
        const sup = (await json('GET', '/api/v1/suppressions')).body['items'] as { id: number; rule: string; subject: string }[];
        assert.deepEqual(sup.map((x) => [x.rule, x.subject]), [['Secret read', 'k8s-user:alice']]);
        assert.equal((await json('DELETE', `/api/v1/suppressions/${sup[0]?.id ?? 0}`)).status, 204);
        await ingest(auditGet('secrets'));
        assert.equal((await ruleNames()).get('Secret read'), (firedBefore ?? 0) + 2, 'lifted');

        // Metrics in Prometheus' text format.
        const metrics = await (await fetch(`${service.url}/metrics`, { headers: auth })).text();
        assert.match(metrics, /^vigil_ingest_records_total\{source="k8saudit"\} 7$/m);
        // A reload applies new rules from then on (the replay only rebuilds state), and the
        // suppressed record raised nothing: 1 + 1 + 1 + 2.
        assert.match(metrics, /^vigil_signals_total 5$/m);
        assert.match(metrics, /^# TYPE vigil_detection_backlog gauge$/m);
        assert.match(metrics, /^vigil_ingest_ack_seconds_count 6$/m, 'one acknowledgement per ingestion request');
        assert.match(metrics, /^vigil_detection_lag_seconds_bucket\{le="\+Inf"\} \d+$/m);
      } finally {
        await svc.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
