/**
 * The live service end to end: the real server on an ephemeral port with a temp data folder,
 * fed a simulated scenario through the ingestion endpoints in the formats real agents send, in
 * the order they would send it. Its attacks must be the ones `vigil analyze` finds in the same
 * files, and the live stream must have delivered them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { agentRequests, post, readStream, STORE_KINDS } from '../support/live.js';
import { startTestService } from '../support/start.js';

interface AttackItem {
  id: string;
  intent: string;
  threats: string[];
  status?: string;
}

let dir = '';
let telemetry = '';
let expected: AttackItem[] = [];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-live-'));
  const io = memoryIo();
  const scenarios = ['data-exfiltration-imds-credential-theft', 'ransomware-s3-sse-c', 'container-escape-privileged-nsenter', 'benign-admin-kubectl-exec'];
  const args = ['simulate', '--out', join(dir, 'sim'), '--seed', '5', '--start', '2026-11-03T08:00:00Z', '--duration', '3h', '--rate', '1', ...scenarios.flatMap((s) => ['--scenario', s])];
  assert.equal(await main(args, io), 0, io.stderr());
  telemetry = join(dir, 'sim', 'telemetry');
  const aio = memoryIo();
  assert.equal(await main(['analyze', '--output', 'json', '--no-progress', telemetry], aio), 0, aio.stderr());
  expected = (JSON.parse(aio.stdout()) as { attacks: AttackItem[] }).attacks.map(pick).sort(byId);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function pick(a: AttackItem): AttackItem {
  return { id: a.id, intent: a.intent, threats: [...a.threats].sort() };
}
function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : 1;
}

async function getJson(base: string, token: string, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

for (const kind of STORE_KINDS) describe(`the live service (${kind})`, () => {
  it('finds the attacks analyze finds, from the agents\' own request formats, and streams them live', async (t) => {
    assert.deepEqual(expected.map((a) => a.intent).sort(), ['container-escape', 'data-exfiltration', 'ransomware']);
    const svc = await startTestService(t, kind);
    if (svc === undefined) return;
    const { service, token } = svc;
    try {
      assert.ok(token.startsWith('vgl_'), 'a first start makes an admin token');
      const stream = readStream(`${service.url}/api/v1/stream`, token);
      await stream.opened;

      const requests = await agentRequests(telemetry);
      assert.ok(requests.some((r) => r.endpoint === 'falco') && requests.some((r) => r.gzip), 'all four formats are sent');
      let accepted = 0;
      let sent = 0;
      for (const r of requests) {
        const res = await post(service.url, token, r);
        assert.equal(res.status, 202, JSON.stringify(res.body));
        assert.equal(res.body['rejected'], 0, JSON.stringify(res.body));
        accepted += res.body['accepted'] as number;
        sent += r.records;
      }
      assert.equal(accepted, sent);
      await service.processor.idle();

      const items: AttackItem[] = [];
      let cursor: string | null = null;
      do {
        const page = await getJson(service.url, token, `/api/v1/attacks?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
        items.push(...(page['items'] as AttackItem[]));
        cursor = page['next'] as string | null;
      } while (cursor !== null);
      assert.deepEqual(items.map(pick).sort(byId), expected);
      assert.ok(items.every((a) => a.status === 'open'));

      // The stream delivered every attack as it was found.
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !expected.every((a) => stream.events.some((e) => e.event === 'attack' && e.data.includes(a.id)))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      for (const a of expected) assert.ok(stream.events.some((e) => e.event === 'attack' && (JSON.parse(e.data) as { id: string }).id === a.id), `attack ${a.id} streamed`);
      assert.ok(stream.events.some((e) => e.event === 'signal') && stream.events.some((e) => e.event === 'threat'));
      const ids = stream.events.map((e) => Number(e.id));
      assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'stream ids increase');

      // A client that reconnects with Last-Event-ID gets what came after it, and nothing before.
      const middle = stream.events[Math.floor(stream.events.length / 2)];
      assert.ok(middle !== undefined);
      const resumed = readStream(`${service.url}/api/v1/stream`, token, { 'Last-Event-ID': middle.id });
      await resumed.opened;
      const after = stream.events.filter((e) => Number(e.id) > Number(middle.id));
      const until = Date.now() + 5000;
      while (Date.now() < until && resumed.events.length < after.length) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(resumed.events.map((e) => e.id), after.map((e) => e.id));
      resumed.abort();

      // The story: threats, signals, graph and timeline, evidence one request away.
      const exfil = expected.find((a) => a.intent === 'data-exfiltration');
      assert.ok(exfil !== undefined);
      const story = await getJson(service.url, token, `/api/v1/attacks/${exfil.id}`);
      assert.equal((story['attack'] as AttackItem).id, exfil.id);
      assert.deepEqual((story['threats'] as { id: string }[]).map((t) => t.id).sort(), exfil.threats);
      const graph = story['graph'] as { nodes: { id: string; kind: string; type: string }[]; edges: { source: string; target: string; relation: string }[] };
      const types = new Set(graph.nodes.filter((n) => n.kind === 'entity').map((n) => n.type));
      for (const t of ['pod', 'container', 'aws-role', 's3-bucket']) assert.ok(types.has(t), `graph has a ${t}: ${[...types].join(', ')}`);
      assert.ok(graph.edges.some((e) => e.relation === 'runs-in'), 'relations from the evidence records');
      const nodeIds = new Set(graph.nodes.map((n) => n.id));
      assert.ok(graph.edges.every((e) => nodeIds.has(e.source) && nodeIds.has(e.target)));
      const timeline = story['timeline'] as { time: string; kind: string; input?: { path: string; line: number } }[];
      assert.deepEqual(timeline.map((t) => t.time), [...timeline.map((t) => t.time)].sort());
      const evidence = timeline.find((t) => t.kind === 'signal' && t.input?.path === 'ingest/cloudtrail');
      assert.ok(evidence?.input !== undefined, 'a CloudTrail signal in the timeline');
      const record = await getJson(service.url, token, `/api/v1/records/${evidence.input.line}`);
      assert.equal(record['source'], 'cloudtrail');
      assert.equal(typeof (record['record'] as Record<string, unknown>)['eventName'], 'string');

      // Entities: listed by type, each with its relations and the findings that name it.
      const buckets = await getJson(service.url, token, '/api/v1/entities?type=s3-bucket');
      const bucket = (buckets['items'] as { key: string; type: string; id: string }[])[0];
      assert.ok(bucket !== undefined && bucket.type === 's3-bucket');
      const pod = graph.nodes.find((n) => n.kind === 'entity' && n.type === 'pod');
      assert.ok(pod !== undefined);
      const page = await getJson(service.url, token, `/api/v1/entities/pod/${pod.id.slice('pod:'.length)}`);
      assert.equal((page['entity'] as { key: string }).key, pod.id);
      assert.ok((page['attacks'] as { id: string }[]).some((a) => a.id === exfil.id), 'the pod page lists the attack');
      assert.ok((page['edges'] as { relation: string }[]).length > 0);
      const unknown = await fetch(`${service.url}/api/v1/entities/pod/nope/nothing`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(unknown.status, 404);

      // Filters.
      const ransom = await getJson(service.url, token, '/api/v1/attacks?intent=ransomware');
      assert.deepEqual((ransom['items'] as AttackItem[]).map((a) => a.intent), ['ransomware']);
      const none = await getJson(service.url, token, '/api/v1/attacks?since=2030-01-01T00:00:00Z');
      assert.deepEqual(none['items'], []);

      stream.abort();
      await stream.done;
    } finally {
      await svc.stop();
    }
  });
});
