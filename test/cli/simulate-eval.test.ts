import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';
import { SCENARIOS } from '../../src/sim/scenarios/index.js';

interface EvalJson {
  ok: boolean;
  pending_intents: string[];
  runs: { input: string; name: string; evaluation: { ok: boolean; falseAttacks: number; funnel: { events: number; signals: number }; scenarios: { id: string; kind: string; outcome: string; ok: boolean; events: number; signalledEvents: number; why: string }[] } }[];
}

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-sim-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vigil simulate', () => {
  it('writes telemetry and truth, and refuses to overwrite without --force or into a folder of other files', async () => {
    const out = join(dir, 'sim');
    const args = ['simulate', '--out', out, '--duration', '40m', '--rate', '3', '--scenario', 'cryptojacking-webapp-rce'];
    const io = memoryIo();
    assert.equal(await main(args, io), 0, io.stderr());
    assert.match(io.stdout(), /ground truth: .*truth\.json \(1 attacks, 0 benign look-alikes\)/);
    const truth = JSON.parse(await readFile(join(out, 'truth.json'), 'utf8')) as { scenarios: { id: string }[] };
    assert.deepEqual(truth.scenarios.map((s) => s.id), ['cryptojacking-webapp-rce']);
    const again = memoryIo();
    assert.equal(await main(args, again), 2);
    assert.match(again.stderr(), /pass --force/);
    assert.equal(await main([...args, '--force'], memoryIo()), 0);
    const other = join(dir, 'other');
    await mkdir(other);
    await writeFile(join(other, 'notes.txt'), 'mine');
    const refused = memoryIo();
    assert.equal(await main(['simulate', '--out', other, '--force'], refused), 2);
    assert.match(refused.stderr(), /holds other files/);
    assert.equal(await readFile(join(other, 'notes.txt'), 'utf8'), 'mine');
  });

  it('rejects bad options with a usage error naming the option', async () => {
    for (const [args, pattern] of [
      [['--duration', '5x'], /--duration/],
      [['--start', 'yesterday'], /--start/],
      [['--rate', '-1'], /--rate/],
      [['--scenario', 'no-such-thing'], /unknown scenario "no-such-thing"/],
      [['--seed', '1.5'], /--seed/],
    ] as const) {
      const io = memoryIo();
      assert.equal(await main(['simulate', '--out', join(dir, 'bad'), ...args], io), 2, args.join(' '));
      assert.match(io.stderr(), pattern);
    }
    const io = memoryIo();
    assert.equal(await main(['simulate'], io), 2);
    assert.match(io.stderr(), /--out DIR is required/);
  });

  it('lists every scenario of the library', async () => {
    const io = memoryIo();
    assert.equal(await main(['simulate', '--list'], io), 0);
    for (const s of SCENARIOS) assert.match(io.stdout(), new RegExp(`^${s.id} `, 'm'));
  });
});

describe('vigil eval', () => {
  it('runs the scenario library in scenarios/ and meets every expectation', async () => {
    const io = memoryIo();
    const status = await main(['eval', '--json', 'scenarios'], io);
    const r = JSON.parse(io.stdout()) as EvalJson;
    const failed = r.runs.flatMap((x) => x.evaluation.scenarios.filter((s) => !s.ok).map((s) => `${x.input}: ${s.id}: ${s.why}`));
    assert.deepEqual(failed, []);
    assert.equal(status, 0);
    assert.equal(r.ok, true);
    // Every scenario of the library is evaluated somewhere, attacks with signals on their records.
    const seen = new Set(r.runs.flatMap((x) => x.evaluation.scenarios.map((s) => s.id)));
    for (const s of SCENARIOS) assert.ok(seen.has(s.id), `${s.id} is in no scenario file`);
    for (const x of r.runs) {
      assert.equal(x.evaluation.falseAttacks, 0);
      assert.ok(x.evaluation.funnel.signals < x.evaluation.funnel.events);
      for (const s of x.evaluation.scenarios.filter((y) => y.kind === 'attack')) {
        assert.ok(s.signalledEvents > 0, s.id);
        assert.equal(s.outcome, 'detected', `${s.id}: ${s.why}`);
      }
      for (const s of x.evaluation.scenarios.filter((y) => y.kind === 'benign')) assert.equal(s.outcome, 'quiet', `${s.id}: ${s.why}`);
    }
    // Correlation detects every intent: nothing is left pending.
    assert.deepEqual(r.pending_intents, []);
  });

  it('fails an attack scenario that raises no signal', async () => {
    const sim = join(dir, 'quiet-sim');
    assert.equal(await main(['simulate', '--out', sim, '--duration', '40m', '--rate', '1', '--scenario', 'cryptojacking-webapp-rce'], memoryIo()), 0);
    const truthPath = join(sim, 'truth.json');
    const truth = JSON.parse(await readFile(truthPath, 'utf8')) as { scenarios: { events: { id: string }[] }[] };
    // A truth whose records carry ids no signal can have: the scenario raised nothing, and the
    // run must fail rather than pass silently.
    for (const s of truth.scenarios) for (const e of s.events) e.id = `tg-unmatched-${e.id}`;
    await writeFile(truthPath, JSON.stringify(truth));
    const io = memoryIo();
    assert.equal(await main(['eval', '--json', sim], io), 1);
    const r = JSON.parse(io.stdout()) as EvalJson;
    assert.equal(r.runs[0]?.evaluation.scenarios[0]?.outcome, 'missed');
  });

  it('names the file and field of a bad scenario file', async () => {
    const spec = join(dir, 'bad.yaml');
    await writeFile(spec, 'name: bad\nseed: 1\nstart: 2026-11-02T08:00:00Z\nduration: soon\nscenarios: [all]\n');
    const io = memoryIo();
    assert.equal(await main(['eval', spec], io), 1);
    assert.match(io.stderr(), /bad\.yaml: duration: must be a duration/);
  });
});
