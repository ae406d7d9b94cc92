/**
 * The pipeline benchmark's accounting (not its speed: speed is never asserted by a test). Over a
 * small simulated window with the real stages: every record is counted once per pass, each
 * stage's share is its paired parse time over its own, and the whole pipeline ran (signals,
 * process tree, identity graph, latency).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pipelineStages } from '../cli/commands/bench-pipeline.js';
import { benchPipeline, type PipelineBenchResult } from './pipeline-bench.js';
import { simulateRuntime } from './simulated.js';

/** Lines of every JSON-lines file under `dir`, and the records inside (gzipped) CloudTrail documents. */
async function countRecords(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const raw = await readFile(join(entry.parentPath, entry.name));
    const text = (entry.name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    if (/\.json(\.gz)?$/.test(entry.name)) {
      const doc = JSON.parse(text) as { Records?: unknown[] };
      n += Array.isArray(doc.Records) ? doc.Records.length : 1;
    } else {
      n += text.split('\n').filter((l) => l.trim() !== '').length;
    }
  }
  return n;
}

describe('pipeline benchmark', () => {
  let dir = '';
  let telemetry = '';
  let result: PipelineBenchResult;
  let expected = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-bench-test-'));
    // Half an hour of a quiet cluster with two runtime attacks: signals and threats to count.
    telemetry = await simulateRuntime(dir, 8_000);
    expected = await countRecords(telemetry);
    const { makeDetector } = await pipelineStages();
    result = await benchPipeline([telemetry], { rounds: 2, makeDetector });
  });

  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('counts every record of the input once per pass', () => {
    assert.ok(expected > 5_000, `simulated ${expected} records`);
    assert.equal(result.records, expected);
    assert.equal(result.events, expected);
    assert.ok(result.files >= 3);
  });

  it('gives each stage its share of the parse time paired with its own chunks', () => {
    for (const share of [result.decodeRatio, result.signalsRatio, result.ratioToParseCeiling]) {
      assert.ok(Number.isFinite(share) && share > 0, `share ${share}`);
    }
    // The ceiling and the pipeline rate come from the same chunks and rounds, so their quotient
    // is the pipeline's share exactly.
    assert.ok(Math.abs(result.pipelineEps / result.ceilingEps - result.ratioToParseCeiling) < 1e-9);
    assert.ok(Math.abs((2 * result.records) / result.seconds.pipeline - result.pipelineEps) / result.pipelineEps < 1e-9);
    assert.ok(Math.abs((2 * result.records) / result.seconds.ceiling - result.ceilingEps) / result.ceilingEps < 1e-9);
  });

  it('runs the whole pipeline: signals, threats and the state it holds', () => {
    assert.ok(result.signals > 0, 'signals');
    assert.ok(result.threats > 0, 'threats');
    assert.ok(result.processTreeSize > 0, 'process tree');
    assert.ok(result.identityGraphSize > 0, 'identity graph');
    assert.ok(result.latencyUs.p50 > 0 && result.latencyUs.p50 <= result.latencyUs.p99 && result.latencyUs.p99 <= result.latencyUs.max);
  });
});
