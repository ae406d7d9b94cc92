/**
 * Restarts, on SQLite and PostgreSQL: an attack whose first half arrived before a restart and
 * second half after is still found (the detection state is rebuilt from the stored log), and
 * raw records past the retention are deleted while the findings stay.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { createManualClock } from '../../src/core/time.js';
import { agentRequests, post, STORE_KINDS, type IngestRequest } from '../support/live.js';
import { startTestService } from '../support/start.js';

interface AttackItem {
  id: string;
  intent: string;
  first_seen: string;
  detected_at: string;
}

let dir = '';
let requests: IngestRequest[] = [];
let attack: AttackItem | undefined;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-restart-'));
  const io = memoryIo();
  assert.equal(await main(['simulate', '--out', join(dir, 'sim'), '--seed', '3', '--start', '2026-11-03T08:00:00Z', '--duration', '2h', '--rate', '1', '--scenario', 'data-exfiltration-imds-credential-theft'], io), 0, io.stderr());
  const aio = memoryIo();
  assert.equal(await main(['analyze', '--output', 'json', '--no-progress', join(dir, 'sim', 'telemetry')], aio), 0, aio.stderr());
  const attacks = (JSON.parse(aio.stdout()) as { attacks: AttackItem[] }).attacks;
  assert.equal(attacks.length, 1);
  attack = attacks[0];
  requests = await agentRequests(join(dir, 'sim', 'telemetry'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function attacksOf(url: string, token: string): Promise<AttackItem[]> {
  const res = await fetch(`${url}/api/v1/attacks`, { headers: { Authorization: `Bearer ${token}` } });
  return ((await res.json()) as { items: AttackItem[] }).items;
}

for (const kind of STORE_KINDS) {
  describe(`restarts (${kind})`, () => {
    test('an attack split by a restart is found; records past the retention go, findings stay', async (t) => {
      assert.ok(attack !== undefined);
      // Split inside the attack: its first evidence before the restart, its completion after.
      const split = (Date.parse(attack.first_seen) + Date.parse(attack.detected_at)) / 2;
      const first = requests.filter((r) => r.arrivesMs <= split);
      const rest = requests.filter((r) => r.arrivesMs > split);
      assert.ok(first.length > 0 && rest.length > 0);
      const clock = createManualClock(Date.parse('2026-11-03T10:00:00Z'));

      let svc = await startTestService(t, kind, { clock });
      if (svc === undefined) return;
      for (const r of first) assert.equal((await post(svc.service.url, svc.token, r)).status, 202);
      await svc.service.processor.idle();
      const signalsBefore = await fetch(`${svc.service.url}/api/v1/signals?limit=500`, { headers: { Authorization: `Bearer ${svc.token}` } });
      assert.ok(((await signalsBefore.json()) as { items: unknown[] }).items.length > 0, 'the first half raised signals');
      assert.deepEqual(await attacksOf(svc.service.url, svc.token), [], 'not complete before the restart');
      await svc.stop({ keep: true });

      svc = await startTestService(t, kind, { clock }, svc.where);
      assert.ok(svc !== undefined);
      try {
        for (const r of rest) assert.equal((await post(svc.service.url, svc.token, r)).status, 202);
        await svc.service.processor.idle();
        assert.deepEqual((await attacksOf(svc.service.url, svc.token)).map((a) => [a.id, a.intent]), [[attack.id, attack.intent]]);
      } finally {
        await svc.stop({ keep: true });
      }

      // Eight days on, the default 7-day retention deletes the processed records at start, but
      // not the evidence: the records the signals rest on stay with the findings.
      clock.advance(8 * 24 * 3600_000);
      svc = await startTestService(t, kind, { clock }, svc.where);
      assert.ok(svc !== undefined);
      try {
        const auth = { headers: { Authorization: `Bearer ${svc.token}` } };
        const metrics = await (await fetch(`${svc.service.url}/metrics`, auth)).text();
        const stored = Number(/^vigil_records_stored (\d+)$/m.exec(metrics)?.[1]);
        const signals = ((await (await fetch(`${svc.service.url}/api/v1/signals?limit=500`, auth)).json()) as { items: { input: { line: number } }[] }).items;
        const evidence = new Set(signals.map((x) => x.input.line));
        assert.equal(stored, evidence.size, 'exactly the evidence records are left');
        assert.ok(stored < requests.reduce((n, r) => n + r.records, 0));
        for (const seq of evidence) assert.equal((await fetch(`${svc.service.url}/api/v1/records/${seq}`, auth)).status, 200);
        assert.deepEqual((await attacksOf(svc.service.url, svc.token)).map((a) => a.id), [attack.id], 'findings are kept');
        const story = (await (await fetch(`${svc.service.url}/api/v1/attacks/${attack.id}`, auth)).json()) as { graph: { edges: { relation: string }[] } };
        assert.ok(story.graph.edges.some((e) => e.relation !== 'includes' && e.relation !== 'involves'), 'the story keeps the relations its evidence stated');
      } finally {
        await svc.stop();
      }
    });
  });
}
