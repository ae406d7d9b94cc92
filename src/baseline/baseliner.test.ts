import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Signal } from '../core/signal.js';
import { createManualClock } from '../core/time.js';
import { createRecordDecoder, type Decoded } from '../pipeline/record-decoder.js';
import { decodeFiles } from '../pipeline/decode-files.js';
import { createRuleSources } from '../rules/sources.js';
import { scenarioById } from '../sim/scenarios/index.js';
import { simulate, type Truth } from '../sim/simulate.js';
import { builtinDecoders } from '../sources/index.js';
import { createProcessTree, tetragonDecoder } from '../sources/tetragon/index.js';
import { Baseliner, type BaselineJson } from './baseliner.js';
import { Observer } from './observe.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Run {
  readonly truth: Truth;
  readonly dir: string;
}

async function simulated(ids: string[], hours: number, start = Date.UTC(2026, 10, 3, 6)): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-baseline-'));
  dirs.push(dir);
  const scenarios = ids.map((id) => scenarioById(id)).filter((s) => s !== undefined);
  const truth = await simulate(dir, { seed: 21, startMs: start, durationMs: hours * 3_600_000, rate: 1, scenarios });
  return { truth, dir };
}

/** Decodes the run in order (with the process tree) and feeds every event to a fresh baseliner. */
async function detect(run: Run, prepare: (b: Baseliner) => void = () => {}): Promise<{ signals: Signal[]; baseliner: Baseliner; events: number }> {
  const tree = createProcessTree();
  const { events } = await decodeFiles([join(run.dir, 'telemetry')], { states: new Map([[tetragonDecoder, tree]]) });
  // Files are read one after another; a live run sees the sources interleaved in time.
  events.sort((a, b) => a.timeMs - b.timeMs || a.id.localeCompare(b.id));
  const baseliner = new Baseliner(new Observer(createRuleSources({ ancestry: tree })));
  prepare(baseliner);
  const signals = events.flatMap((e) => baseliner.detect(e));
  return { signals, baseliner, events: events.length };
}

function eventsOf(run: Run, id: string): Set<string> {
  return new Set(run.truth.scenarios.find((s) => s.id === id)?.events.map((e) => e.id) ?? []);
}

describe('behavioural baselines on simulated telemetry', () => {
  it('reports a miner with a kernel-thread name as a new executable of the web workload, and stays quiet on the background', async () => {
    const run = await simulated(['cryptojacking-webapp-rce'], 4);
    const { signals, events } = await detect(run);
    const attack = eventsOf(run, 'cryptojacking-webapp-rce');
    const miner = signals.find((s) => s.anomaly?.feature === 'exec' && s.anomaly.value === '/tmp/.X11-unix/.cache/kworker');
    assert.ok(miner !== undefined, 'no anomaly on the miner');
    assert.equal(miner.source, 'anomaly');
    assert.equal(miner.rule, 'New executable in workload');
    assert.ok(attack.has(miner.eventId));
    assert.ok((miner.anomaly?.score ?? 0) >= 0.5);
    assert.match(miner.anomaly?.baseline ?? '', /first time in \d+ h of history/);
    const background = signals.filter((s) => !attack.has(s.eventId));
    assert.ok(background.length / events < 1 / 10_000, `${background.length} background anomalies in ${events} events: ${background.map((s) => s.output).join('; ')}`);
  });

  it('reports stolen instance credentials used from a new network, with a new client, moving far more data than ever', async () => {
    const run = await simulated(['data-exfiltration-imds-credential-theft'], 16);
    const { signals } = await detect(run);
    const attack = eventsOf(run, 'data-exfiltration-imds-credential-theft');
    const mine = signals.filter((s) => attack.has(s.eventId));
    const rules = new Set(mine.map((s) => s.rule));
    for (const r of ['Principal active from an unseen network', 'Principal using an unseen client', "Data volume far above the principal's baseline"]) assert.ok(rules.has(r), `missing ${r}; got ${[...rules].join(', ')}`);
    const network = mine.find((s) => s.rule === 'Principal active from an unseen network');
    assert.match(network?.anomaly?.profile ?? '', /^principal:arn:aws:sts::\d+:assumed-role\/eks-node-group-role\/i-/);
    assert.deepEqual(network?.techniques, ['T1078']);
    const volume = mine.find((s) => s.anomaly?.feature === 'volume');
    assert.match(volume?.anomaly?.baseline ?? '', /against an hourly median of 0 B over \d+ h/);
  });

  it('reports a burst of instances launched with a developer key never used for that, from a new client', async () => {
    const run = await simulated(['cryptojacking-stolen-cloud-keys'], 8);
    const { signals } = await detect(run);
    const attack = eventsOf(run, 'cryptojacking-stolen-cloud-keys');
    const mine = signals.filter((s) => attack.has(s.eventId));
    const burst = mine.find((s) => s.rule === 'Burst of resource creation by principal');
    assert.ok(burst !== undefined, `no burst; got ${[...new Set(mine.map((s) => s.rule))].join(', ')}`);
    assert.deepEqual(burst.techniques, ['T1578.002']);
    assert.match(burst.anomaly?.baseline ?? '', /created this hour, against an hourly median of 0 created/);
    assert.ok(mine.some((s) => s.rule === 'Principal using an unseen client'));
  });

  it('gives identical signals for the same input', async () => {
    const run = await simulated(['cryptojacking-webapp-rce'], 3);
    const a = await detect(run);
    const b = await detect(run);
    assert.deepEqual(a.signals.map((s) => [s.id, s.anomaly?.score]), b.signals.map((s) => [s.id, s.anomaly?.score]));
    assert.ok(a.signals.length > 0);
  });

  it('stays quiet on a benign look-alike once an analyst marked its anomalies as false positives', async () => {
    // Both land on the second working day, when the people involved have a day of history.
    const run = await simulated(['benign-admin-kubectl-exec', 'benign-yearly-financial-report'], 34, Date.UTC(2026, 10, 2, 6));
    const lookalikes = new Set([...eventsOf(run, 'benign-admin-kubectl-exec'), ...eventsOf(run, 'benign-yearly-financial-report')]);
    const first = (await detect(run)).signals.filter((s) => lookalikes.has(s.eventId));
    assert.ok(first.some((s) => s.anomaly?.feature === 'volume'), 'the yearly report is an anomaly the first time');
    assert.ok(first.some((s) => s.anomaly?.feature === 'exec'), "the admin's shell is an anomaly the first time");
    const second = (await detect(run, (b) => first.forEach((s) => s.anomaly !== undefined && b.feedback(s.anomaly)))).signals.filter((s) => lookalikes.has(s.eventId));
    assert.deepEqual(second.map((s) => s.output), []);
  });

  it('saves and restores profiles and feedback', async () => {
    const run = await simulated([], 2);
    const { baseliner } = await detect(run);
    baseliner.feedback({ profile: 'principal:x', feature: 'volume', value: '1000' });
    const saved = JSON.parse(JSON.stringify(baseliner.toJSON())) as BaselineJson;
    const restored = new Baseliner(new Observer(createRuleSources()));
    restored.load(saved);
    assert.deepEqual(JSON.parse(JSON.stringify(restored.toJSON())), saved);
    assert.ok(restored.size > 10);
    assert.throws(() => restored.load({ version: 2 } as unknown as BaselineJson), /not a Vigil baseline file/);
  });

  it('puts the processes of one container in its workload, once the workload is known', () => {
    const tree = createProcessTree();
    const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: createManualClock(0), states: new Map([[tetragonDecoder, tree]]) });
    const observer = new Observer(createRuleSources({ ancestry: tree }));
    const container = (id: string, namespace?: string) => ({
      name: 'web-1', ...(namespace === undefined ? {} : { namespace }),
      container: { id: `containerd://${id.repeat(64)}`, name: 'web', image: { name: 'docker.io/acme/web:1.0' } },
    });
    const profileOf = (pid: number, pod: object): string | undefined => {
      const line = JSON.stringify({
        process_exec: { process: { exec_id: Buffer.from(`n:${pid}`).toString('base64'), pid, binary: '/bin/sh', arguments: '-c true', pod } },
        node_name: 'n', time: `2026-11-03T06:00:${String(pid % 60).padStart(2, '0')}Z`,
      });
      const out: Decoded[] = [];
      decoder.decodeText(line, { path: 'test', line: pid }, out);
      const d = out[0];
      assert.ok(d?.type === 'event');
      return observer.observe(d.event)?.profile;
    };
    // Its first process names no namespace: that process is placed as well as it can be, and
    // nothing is remembered for the container.
    assert.equal(profileOf(1, container('a')), 'workload:-/docker.io/acme/web');
    assert.equal(profileOf(2, container('a', 'shop')), 'workload:shop/docker.io/acme/web');
    // Known now: later processes of the container join it, even one whose record omits it.
    assert.equal(profileOf(3, container('a', 'shop')), 'workload:shop/docker.io/acme/web');
    assert.equal(profileOf(4, container('a')), 'workload:shop/docker.io/acme/web');
    // Another container is another workload.
    assert.equal(profileOf(5, container('b', 'data')), 'workload:data/docker.io/acme/web');
  });

  it("observes a process's quiet events with one shared observation, passing its own features on once a minute", async () => {
    const run = await simulated([], 1);
    const tree = createProcessTree();
    const { events } = await decodeFiles([join(run.dir, 'telemetry')], { states: new Map([[tetragonDecoder, tree]]) });
    events.sort((a, b) => a.timeMs - b.timeMs || a.id.localeCompare(b.id));
    const observer = new Observer(createRuleSources({ ancestry: tree }));
    const quiet = new Map<string, Set<object>>();
    const lastKnown = new Map<string, number>();
    let quietEvents = 0;
    for (const e of events) {
      if (e.source !== 'tetragon' || e.kind === 'process_exec') continue;
      const o = observer.observe(e);
      if (o === undefined) continue;
      const execId = String(((e.payload as Record<string, Record<string, Record<string, unknown>>>)[e.kind]?.['process'] ?? {})['exec_id']);
      if (o.known !== undefined) {
        // Passed on at most once a minute of event time per process.
        assert.ok(e.timeMs - (lastKnown.get(execId) ?? Number.NEGATIVE_INFINITY) >= 60_000);
        lastKnown.set(execId, e.timeMs);
      } else if (o.features.length === 0) {
        quietEvents++;
        const seen = quiet.get(execId) ?? new Set<object>();
        seen.add(o);
        quiet.set(execId, seen);
      }
    }
    assert.ok(quietEvents > 100, `only ${quietEvents} quiet events`);
    for (const [execId, seen] of quiet) assert.equal(seen.size, 1, `process ${execId}: ${seen.size} observations for its quiet events`);
  });
});
