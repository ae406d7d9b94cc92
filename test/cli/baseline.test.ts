import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

interface Report {
  signals: { source: string; rule: string; score?: number; baseline?: string; anomaly?: { profile: string; feature: string; value: string } }[];
}

let dir = '';
let sim = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-baseline-cli-'));
  sim = join(dir, 'sim');
  assert.equal(await main(['simulate', '--out', sim, '--duration', '3h', '--rate', '1', '--start', '2026-11-03T07:00:00Z', '--scenario', 'cryptojacking-webapp-rce'], memoryIo()), 0);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function analyze(...args: string[]): Promise<{ status: number; report: Report; stderr: string }> {
  const io = memoryIo();
  const status = await main(['analyze', '--output', 'json', '--no-progress', ...args], io);
  return { status, report: (status === 0 ? JSON.parse(io.stdout()) : { signals: [] }) as Report, stderr: io.stderr() };
}

describe('vigil analyze with behavioural baselines', () => {
  it('reports anomalies with their score and baseline, saves the profiles, and stays quiet on them after feedback', async () => {
    const state = join(dir, 'state.json');
    const first = await analyze('--baseline', state, join(sim, 'telemetry'));
    assert.equal(first.status, 0, first.stderr);
    const anomalies = first.report.signals.filter((s) => s.source === 'anomaly');
    assert.ok(anomalies.length > 0);
    for (const a of anomalies) {
      assert.ok(typeof a.score === 'number' && a.score >= 0.5 && a.score <= 1);
      assert.match(a.baseline ?? '', /first time in|hourly median/);
    }
    const saved = JSON.parse(await readFile(state, 'utf8')) as { version: number; profiles: unknown[] };
    assert.equal(saved.version, 1);
    assert.ok(saved.profiles.length > 5);
    const reviewed = join(dir, 'reviewed.json');
    await writeFile(reviewed, JSON.stringify(first.report));
    const again = await analyze('--false-positive', reviewed, join(sim, 'telemetry'));
    assert.deepEqual(again.report.signals.filter((s) => s.source === 'anomaly').map((s) => s.rule), []);
    const off = await analyze('--no-baselines', join(sim, 'telemetry'));
    assert.equal(off.report.signals.filter((s) => s.source === 'anomaly').length, 0);
  });

  it('stops with a clear error on an unreadable baseline, feedback file or learning time', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"version": 7}');
    const a = await analyze('--baseline', bad, join(sim, 'telemetry'));
    assert.equal(a.status, 1);
    assert.match(a.stderr, /bad\.json: cannot load the baselines: not a Vigil baseline file/);
    const notJson = join(dir, 'fp.json');
    await writeFile(notJson, '[{"anomaly": ');
    const b = await analyze('--false-positive', notJson, join(sim, 'telemetry'));
    assert.equal(b.status, 1);
    assert.match(b.stderr, /fp\.json: cannot read the false positives/);
    const c = await analyze('--learn', 'soon', join(sim, 'telemetry'));
    assert.equal(c.status, 1);
    assert.match(c.stderr, /--learn must be a duration/);
  });
});
