/**
 * What the web UI reads besides the lists and stories: who the caller is, the overview (noise
 * funnel, attacks by intent, severity and status, ingestion health per source), the ATT&CK
 * coverage of the loaded rules, text search in the lists; and how the UI's files are served.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { auditGet } from '../support/audit.js';
import { STORE_KINDS } from '../support/live.js';
import { startTestService } from '../support/start.js';

const RULE = `
- list: never_used
  items: [a, b]

- rule: Secret read
  desc: a test rule
  condition: ka.verb=get and ka.target.resource=secrets
  output: secret %ka.target.name read by %ka.user.name
  priority: WARNING
  source: k8s_audit
  tags: [T1552.007, test]
`;

for (const kind of STORE_KINDS) {
  describe(`the UI's API (${kind})`, () => {
    test('me, overview, coverage and search reflect what was ingested and detected', async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'vigil-ui-api-'));
      const file = join(dir, 'mine.yaml');
      await writeFile(file, RULE);
      const svc = await startTestService(t, kind, { detection: { rules: [file], defaultRules: false, baselines: false, defaultIntel: false } });
      if (svc === undefined) return;
      const { service, token } = svc;
      try {
        const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
          const res = await fetch(`${service.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
          return { status: res.status, body: (await res.json()) as Record<string, unknown> };
        };
        assert.deepEqual((await get('/api/v1/me')).body, { name: 'admin', role: 'admin' });

        const now = new Date().toISOString();
        const events = [auditGet(1, 'secrets', now), auditGet(2, 'configmaps', now), auditGet(3, 'secrets', now), { kind: 'Event', nonsense: true }];
        const res = await fetch(`${service.url}/api/v1/ingest/k8s-audit`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: events }),
        });
        assert.equal(res.status, 202);
        await service.processor.idle();

        const o = (await get('/api/v1/overview')).body as {
          funnel: Record<string, number>;
          sources: { source: string; records: number; accepted_since_start: number; rejected_since_start: number; per_minute: number; last_seen: string | null }[];
          detection: { ready: boolean; backlog: number };
        };
        assert.deepEqual(o.funnel, { events: 3, signals: 2, threats: 0, attacks: 0 });
        assert.deepEqual(o.detection, { ready: true, backlog: 0 });
        const audit = o.sources.find((x) => x.source === 'k8saudit');
        assert.equal(audit?.records, 3);
        assert.equal(audit?.accepted_since_start, 3);
        assert.equal(audit?.per_minute, 0.6, 'three records over the five-minute window');
        assert.ok(audit?.last_seen !== null && Date.now() - Date.parse(audit?.last_seen ?? '') < 60_000);
        assert.equal(audit?.rejected_since_start, 1, 'the refused record counts under the route\'s source');
        // A period without anything.
        const past = (await get('/api/v1/overview?since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z')).body as { funnel: Record<string, number> };
        assert.deepEqual(past.funnel, { events: 0, signals: 0, threats: 0, attacks: 0 });
        assert.equal((await get('/api/v1/overview?since=yesterday')).status, 400);
        assert.equal((await get('/api/v1/overview?since=2021-01-02T00:00:00Z&until=2021-01-01T00:00:00Z')).status, 400);

        const cov = (await get('/api/v1/coverage')).body as { attack_version: string; tactics: { shortname: string; techniques: { id: string; rules: string[]; fired: number }[] }[] };
        assert.match(cov.attack_version, /^\d+\.\d+$/);
        assert.equal(cov.tactics.length, 14);
        const credential = cov.tactics.find((x) => x.shortname === 'credential-access');
        // The rule's sub-technique T1552.007 counts for its parent technique.
        assert.deepEqual(credential?.techniques.find((x) => x.id === 'T1552'), { id: 'T1552', name: 'Unsecured Credentials', rules: ['Secret read'], fired: 2 });
        const covered = cov.tactics.flatMap((x) => x.techniques).filter((x) => x.rules.length > 0).map((x) => x.id);
        assert.deepEqual([...new Set(covered)], ['T1552']);

        const rules = (await get('/api/v1/rules')).body as { items: { name: string; fired: number }[]; warnings: string[] };
        assert.deepEqual(rules.items.map((r) => [r.name, r.fired]), [['Secret read', 2]]);
        assert.equal(rules.warnings.length, 1);
        assert.match(rules.warnings[0] ?? '', /mine\.yaml:2:\d+: .*never_used/, 'the load warning names its file and line');

        const found = (await get('/api/v1/signals?q=X3')).body as { items: { output: string }[] };
        assert.equal(found.items.length, 1);
        assert.match(found.items[0]?.output ?? '', /secret x3 read by alice/);
        assert.equal(((await get('/api/v1/signals?q=nobody-like-this')).body as { items: unknown[] }).items.length, 0);
      } finally {
        await svc.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('the UI files', () => {
  test('are served at / without a token, with the security headers; the page ignores its ?token= query; a missing build says how to build it', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-ui-files-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    const svc = await startTestService(t, 'sqlite', { uiDir: dir });
    const bare = await startTestService(t, 'sqlite', { uiDir: join(dir, 'missing') });
    try {
      assert.ok(svc !== undefined && bare !== undefined);
      const page = await fetch(`${svc.service.url}/?token=${svc.token}`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /id="root"/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      assert.equal(page.headers.get('cache-control'), 'no-cache');
      assert.equal((await fetch(`${svc.service.url}/nothing-here.js`)).status, 404);
      // The API still wants a token, in the header: the page's `?token=` is not one for the API.
      assert.equal((await fetch(`${svc.service.url}/api/v1/me`)).status, 401);
      assert.equal((await fetch(`${svc.service.url}/api/v1/rules?token=${svc.token}`)).status, 401);
      const hint = await fetch(`${bare.service.url}/`);
      assert.equal(hint.status, 200);
      assert.match(await hint.text(), /npm run build:ui/);
    } finally {
      await svc?.stop();
      await bare?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
