/**
 * Out-of-order input: a simulated day with attacks that span runtime, Kubernetes and CloudTrail
 * evidence is analyzed three ways, and each gives the same attacks (ids, intents, detected_at,
 * threats):
 *  - as the simulator wrote it (CloudTrail in 5-minute files delivered late, records shuffled
 *    within each file; analyze reads the files side by side in event time);
 *  - as one stream in exact event-time order;
 *  - as one stream in the order a live service would receive it: runtime and audit records as
 *    they happen, CloudTrail records up to 15 minutes late (inside the allowed lateness of 20),
 *    shuffled within each delivery.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { Random } from '../../src/core/random.js';

interface AttackOut {
  id: string;
  intent: string;
  detected_at: string;
  threats: string[];
  events: string[];
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-ooo-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out.sort();
}

/** Every record of the simulation with its event time, one JSON text per record. */
async function records(telemetry: string): Promise<{ text: string; timeMs: number; cloud: boolean }[]> {
  const out: { text: string; timeMs: number; cloud: boolean }[] = [];
  for (const f of await files(telemetry)) {
    if (f.endsWith('.json.gz')) {
      const doc = JSON.parse(gunzipSync(await readFile(f)).toString('utf8')) as { Records: { eventTime: string }[] };
      for (const r of doc.Records) out.push({ text: JSON.stringify(r), timeMs: Date.parse(r.eventTime), cloud: true });
      continue;
    }
    for (const line of (await readFile(f, 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      const o = JSON.parse(line) as Record<string, unknown>;
      const time = (o['time'] ?? o['requestReceivedTimestamp'] ?? '') as string;
      const t = typeof time === 'string' ? Date.parse(time) : Number.NaN;
      assert.ok(Number.isFinite(t), `no time in ${f}: ${line.slice(0, 80)}`);
      out.push({ text: line, timeMs: t, cloud: false });
    }
  }
  return out;
}

/**
 * The attacks of a run. Behavioural baselines learn in the order records come, so the anomaly
 * signals among an attack's evidence, and when they fire, can differ with it (a client first
 * seen on another record); `exact` runs without them and compares detection times and the
 * evidence too.
 */
async function attacksOf(path: string, exact = false): Promise<Partial<AttackOut>[]> {
  const io = memoryIo();
  assert.equal(await main(['analyze', '--output', 'json', ...(exact ? ['--no-baselines'] : []), path], io), 0, io.stderr());
  const r = JSON.parse(io.stdout()) as { attacks: AttackOut[]; summary: { rejected: number } };
  assert.equal(r.summary.rejected, 0);
  return r.attacks
    .map((a) => ({ id: a.id, intent: a.intent, threats: a.threats, ...(exact ? { detected_at: a.detected_at, events: [...a.events].sort() } : {}) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('out-of-order input', () => {
  it('gives the same attacks in file order, in event-time order and with CloudTrail arriving late and shuffled', async () => {
    const sim = join(dir, 'sim');
    const io = memoryIo();
    const scenarios = ['data-exfiltration-imds-credential-theft', 'cryptojacking-stolen-cloud-keys', 'data-destruction-rds-and-backups'];
    const args = ['simulate', '--out', sim, '--seed', '5', '--start', '2026-11-03T08:00:00Z', '--duration', '5h', '--rate', '1', ...scenarios.flatMap((s) => ['--scenario', s])];
    assert.equal(await main(args, io), 0, io.stderr());
    const telemetry = join(sim, 'telemetry');
    const asWritten = await attacksOf(telemetry);
    assert.deepEqual(asWritten.map((a) => a.intent).sort(), ['cryptojacking', 'data-destruction', 'data-exfiltration']);
    const exact = await attacksOf(telemetry, true);
    assert.deepEqual(exact.map((a) => a.intent).sort(), ['data-destruction', 'data-exfiltration'], 'the stolen keys are told by baselines');

    const all = await records(telemetry);
    const sorted = [...all].sort((a, b) => a.timeMs - b.timeMs);
    await writeFile(join(dir, 'sorted.jsonl'), `${sorted.map((r) => r.text).join('\n')}\n`);
    assert.deepEqual(await attacksOf(join(dir, 'sorted.jsonl')), asWritten);
    assert.deepEqual(await attacksOf(join(dir, 'sorted.jsonl'), true), exact);

    // Live arrival: CloudTrail delivered in 5-minute batches 5–15 minutes after the batch ends,
    // its records shuffled; everything else as it happens.
    const rnd = new Random(7);
    const arrival = all.map((r) => {
      if (!r.cloud) return { ...r, arrives: r.timeMs, order: 0 };
      const batchEnd = Math.floor(r.timeMs / 300_000) * 300_000 + 300_000;
      return { ...r, arrives: batchEnd + 300_000 + Math.floor(rnd.next() * 600_000), order: rnd.next() };
    });
    const byBatch = new Map<number, number>();
    for (const r of arrival) if (r.cloud) byBatch.set(Math.floor(r.timeMs / 300_000), r.arrives);
    for (const r of arrival) if (r.cloud) r.arrives = byBatch.get(Math.floor(r.timeMs / 300_000)) as number;
    arrival.sort((a, b) => a.arrives - b.arrives || a.order - b.order);
    const lateBy = arrival.filter((r) => r.cloud).map((r) => r.arrives - r.timeMs);
    assert.ok(Math.max(...lateBy) <= 20 * 60_000, 'inside the allowed lateness');
    assert.ok(Math.max(...lateBy) > 10 * 60_000, 'and really late');
    await writeFile(join(dir, 'arrival.jsonl'), `${arrival.map((r) => r.text).join('\n')}\n`);
    assert.deepEqual(await attacksOf(join(dir, 'arrival.jsonl')), asWritten);
    assert.deepEqual(await attacksOf(join(dir, 'arrival.jsonl'), true), exact);
  });
});
