/**
 * Durability: the server (a real `vigil serve` process) is killed with SIGKILL in the middle of
 * ingestion and started again on the same data. Every record acknowledged with 202 is stored
 * exactly once, nothing is stored that was never sent, and once the client has resent what was
 * never acknowledged (as agents do), the attacks are those `vigil analyze` finds.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { agentRequests, post, type IngestRequest } from '../support/live.js';

const TOKEN = 'vgl_durability-test-token-0123456789abcdef';
const BIN = join(import.meta.dirname, '../../bin/vigil.js');

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-kill-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `vigil serve` on a free port; resolves with its URL once it listens. */
function serve(data: string): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', data, '--log-level', 'warn'], {
    env: { ...process.env, VIGIL_API_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1] !== undefined) resolve({ child, url: m[1], exited });
    });
    child.on('exit', (code) => reject(new Error(`vigil serve exited (${String(code)}): ${err}`)));
  });
}

/** The records a request holds, each as canonical JSON text. */
function recordsOf(r: IngestRequest): string[] {
  if (r.gzip) return (JSON.parse(gunzipSync(r.body as Buffer).toString('utf8')) as { Records: unknown[] }).Records.map((x) => JSON.stringify(x));
  const text = r.body.toString();
  if (r.endpoint === 'k8s-audit') return (JSON.parse(text) as { items: unknown[] }).items.map((x) => JSON.stringify(x));
  if (r.endpoint === 'falco') return [JSON.stringify(JSON.parse(text))];
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.stringify(JSON.parse(l)));
}

async function storedRecords(url: string): Promise<string[]> {
  const out: string[] = [];
  let afterSeq = 0;
  for (;;) {
    const res = await fetch(`${url}/api/v1/records?after=${afterSeq}&limit=1000`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    const page = (await res.json()) as { items: { seq: number; record: unknown }[]; next: number | null };
    for (const i of page.items) out.push(JSON.stringify(i.record));
    if (page.next === null) return out;
    afterSeq = page.next;
  }
}

async function waitIdle(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const m = await (await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
    if (/^vigil_detection_backlog 0$/m.test(m)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('detection did not catch up');
}

describe('durability', () => {
  test('kill -9 during ingestion loses nothing acknowledged and duplicates nothing', async () => {
    const sim = join(dir, 'sim');
    const io = memoryIo();
    const scenarios = ['data-exfiltration-imds-credential-theft', 'ransomware-s3-sse-c', 'container-escape-privileged-nsenter'];
    assert.equal(await main(['simulate', '--out', sim, '--seed', '9', '--start', '2026-11-03T08:00:00Z', '--duration', '3h', '--rate', '1', ...scenarios.flatMap((s) => ['--scenario', s])], io), 0, io.stderr());
    const aio = memoryIo();
    assert.equal(await main(['analyze', '--output', 'json', '--no-progress', join(sim, 'telemetry')], aio), 0, aio.stderr());
    const expected = (JSON.parse(aio.stdout()) as { attacks: { id: string; intent: string }[] }).attacks.map((a) => `${a.intent} ${a.id}`).sort();
    assert.equal(expected.length, 3);

    const requests = await agentRequests(join(sim, 'telemetry'));
    const data = join(dir, 'data');
    let server = await serve(data);
    const acked = new Set<number>();
    const killAt = Math.floor(requests.length * 0.4);
    // Four clients at once; the server is killed once 40% of the requests are acknowledged,
    // with others in flight.
    let next = 0;
    let killed = false;
    const clients = Array.from({ length: 4 }, async () => {
      while (next < requests.length && !killed) {
        const i = next++;
        try {
          const res = await post(server.url, TOKEN, requests[i] as IngestRequest);
          if (res.status === 202) acked.add(i);
          if (acked.size >= killAt && !killed) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        } catch {
          // Connection reset by the kill: not acknowledged.
        }
      }
    });
    await Promise.all(clients);
    assert.ok(killed && acked.size >= killAt && acked.size < requests.length);
    await server.exited;

    server = await serve(data);
    try {
      const stored = await storedRecords(server.url);
      const count = new Map<string, number>();
      for (const s of stored) count.set(s, (count.get(s) ?? 0) + 1);
      const sent = new Set(requests.slice(0, next).flatMap(recordsOf));
      for (const s of stored) assert.ok(sent.has(s), 'nothing stored that was not sent');
      for (const [s, n] of count) assert.equal(n, 1, `stored once: ${s.slice(0, 80)}`);
      for (const i of acked) for (const s of recordsOf(requests[i] as IngestRequest)) assert.equal(count.get(s), 1, 'every acknowledged record is there');

      // The client resends what it has no acknowledgement for and was not stored, then the rest.
      for (let i = 0; i < requests.length; i++) {
        if (acked.has(i)) continue;
        const r = requests[i] as IngestRequest;
        if (recordsOf(r).every((s) => count.has(s))) continue;
        const res = await post(server.url, TOKEN, r);
        assert.equal(res.status, 202);
      }
      await waitIdle(server.url);
      const all = await storedRecords(server.url);
      assert.equal(all.length, new Set(all).size, 'no duplicates after the resend');
      assert.equal(all.length, requests.reduce((n, r) => n + r.records, 0));
      const res = await fetch(`${server.url}/api/v1/attacks?limit=100`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      const got = ((await res.json()) as { items: { id: string; intent: string }[] }).items.map((a) => `${a.intent} ${a.id}`).sort();
      assert.deepEqual(got, expected);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
