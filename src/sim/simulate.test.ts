import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../core/time.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { builtinDecoders } from '../sources/index.js';
import { scenarioById } from './scenarios/index.js';
import { simulate, type Truth } from './simulate.js';

const START = Date.UTC(2026, 10, 2, 0); // a Monday, midnight

describe('simulate', () => {
  let dir = '';
  let truth: Truth;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-sim-'));
    const scenarios = ['cryptojacking-webapp-rce', 'benign-admin-kubectl-exec'].map((id) => scenarioById(id)).filter((s) => s !== undefined);
    truth = await simulate(dir, { seed: 5, startMs: START, durationMs: 24 * 3_600_000, rate: 2, scenarios, tickMs: 60_000 });
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the ground truth beside the telemetry, with counts that add up to the files', async () => {
    const onDisk = JSON.parse(await readFile(join(dir, 'truth.json'), 'utf8')) as Truth;
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(truth)));
    const fromFiles = truth.files.reduce((s, f) => s + f.records, 0);
    assert.equal(fromFiles, truth.counts.total);
    for (const source of ['tetragon', 'falco', 'k8saudit', 'cloudtrail'] as const) {
      assert.ok(truth.counts[source] > 0, `no ${source} records`);
      assert.equal(truth.files.filter((f) => f.source === source).reduce((s, f) => s + f.records, 0), truth.counts[source]);
    }
  });

  it('places each scenario record where the truth says, with the id Vigil gives it', async () => {
    const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock, withState: false });
    const files = new Map<string, unknown[]>();
    const recordsOf = async (file: string): Promise<unknown[]> => {
      let rs = files.get(file);
      if (rs === undefined) {
        const raw = await readFile(join(dir, file));
        rs = file.endsWith('.gz') ? (JSON.parse(gunzipSync(raw).toString('utf8')) as { Records: unknown[] }).Records : raw.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
        files.set(file, rs);
      }
      return rs;
    };
    for (const s of truth.scenarios) {
      assert.ok(s.events.length > 0, s.id);
      for (const e of s.events) {
        const rs = await recordsOf(e.file);
        const record = e.line !== undefined ? rs[e.line - 1] : rs[e.index ?? -1];
        assert.ok(record !== undefined, `${s.id}: nothing at ${e.file}:${e.line ?? e.index}`);
        const out: Decoded[] = [];
        decoder.decodeText(JSON.stringify(record), { path: e.file, line: e.line ?? 1 }, out);
        assert.equal(out[0]?.type === 'event' ? out[0].event.id : undefined, e.id, `${s.id}: ${e.file}:${e.line ?? e.index}`);
      }
    }
  });

  it('writes each JSON-lines file in event-time order within the simulated day', async () => {
    for (const f of truth.files.filter((x) => x.file.endsWith('.jsonl'))) {
      const lines = (await readFile(join(dir, f.file), 'utf8')).trimEnd().split('\n');
      let last = START;
      for (const l of lines) {
        const r = JSON.parse(l) as Record<string, unknown>;
        const t = Date.parse(String(r['time'] ?? r['requestReceivedTimestamp']));
        assert.ok(t >= last - 1 && t < START + 24 * 3_600_000, `${f.file}: ${String(t)} out of order or range`);
        last = Math.max(last, t);
      }
    }
  });

  it('follows the day: web traffic at 16:00 is several times the traffic at 04:00', async () => {
    const byHour = new Array<number>(24).fill(0);
    for (const f of truth.files.filter((x) => x.source === 'tetragon')) {
      for (const l of (await readFile(join(dir, f.file), 'utf8')).trimEnd().split('\n')) {
        const hour = Number(/"time":"\d{4}-\d\d-\d\dT(\d\d)/.exec(l)?.[1]);
        byHour[hour] = (byHour[hour] ?? 0) + 1;
      }
    }
    assert.ok((byHour[16] ?? 0) > 1.8 * (byHour[4] ?? 0), `16:00 ${byHour[16]} vs 04:00 ${byHour[4]}`);
  });

  it('refuses scenarios that do not fit, before writing anything', async () => {
    const s = scenarioById('benign-admin-kubectl-exec');
    assert.ok(s !== undefined);
    const out = join(dir, 'nofit');
    await assert.rejects(simulate(out, { seed: 1, startMs: START, durationMs: 2 * 3_600_000, scenarios: [s] }), /needs event time .* outside the simulated/);
    await assert.rejects(readFile(join(out, 'truth.json')));
  });
});
