/**
 * The correlation stage through the command line: threats and attacks in the contract's shape
 * (contracts.md), in every output, and correlation files checked like rule files.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const DEMO = fileURLToPath(new URL('../../examples/demo/', import.meta.url));

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-correlate-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('vigil analyze: threats and attacks', () => {
  it('reports them in the contract shape, tied to the signals they rest on', async () => {
    const io = memoryIo();
    assert.equal(await main(['analyze', '--output', 'json', DEMO], io), 0, io.stderr());
    const r = JSON.parse(io.stdout()) as {
      summary: { threats: number; attacks: number };
      signals: { id: string }[];
      threats: Record<string, unknown>[];
      attacks: Record<string, unknown>[];
    };
    assert.equal(r.summary.attacks, r.attacks.length);
    assert.equal(r.summary.threats, r.threats.length);
    assert.ok(r.attacks.length >= 1, 'the demo holds an attack');
    const signalIds = new Set(r.signals.map((s) => s.id));
    const threatIds = new Set(r.threats.map((t) => t['id'] as string));
    for (const t of r.threats) {
      for (const k of ['id', 'name', 'severity', 'first_seen', 'last_seen']) assert.equal(typeof t[k], 'string', k);
      for (const k of ['techniques', 'tactics', 'entities', 'signals']) assert.ok(Array.isArray(t[k]), k);
      assert.match(t['severity'] as string, /^(low|medium|high|critical)$/);
      for (const s of t['signals'] as string[]) assert.ok(signalIds.has(s), `threat ${t['name'] as string} rests on signal ${s}`);
    }
    for (const a of r.attacks) {
      for (const k of ['id', 'intent', 'severity', 'first_seen', 'last_seen', 'detected_at', 'explanation']) assert.equal(typeof a[k], 'string', k);
      assert.equal(typeof a['score'], 'number');
      for (const k of ['techniques', 'tactics', 'entities', 'threats']) assert.ok(Array.isArray(a[k]), k);
      for (const t of a['threats'] as string[]) assert.ok(threatIds.has(t), `attack rests on threat ${t}`);
      for (const e of a['entities'] as Record<string, unknown>[]) assert.deepEqual(Object.keys(e).sort(), ['id', 'name', 'type']);
      assert.ok((a['first_seen'] as string) <= (a['detected_at'] as string));
    }
    const jl = memoryIo();
    assert.equal(await main(['analyze', '--output', 'jsonl', DEMO], jl), 0);
    const types = jl.stdout().trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    assert.equal(types.filter((t) => t === 'attack').length, r.attacks.length);
    assert.equal(types.filter((t) => t === 'threat').length, r.threats.length);
    const table = memoryIo();
    assert.equal(await main(['analyze', DEMO], table), 0);
    assert.match(table.stdout(), /Attacks\n .* cryptojacking /);
  });

  it('stops on a bad correlation file with every problem, file, line and column', async () => {
    const bad = join(dir, 'mine.yaml');
    await writeFile(bad, ['- threat: A', '  techniques: [T9999]', '  by: container', '  within: 1m', '  sequence:', '    - signal: {rule: X}', '- attack: B', '  by: container', '  within: soon', '  sequence:', '    - threat: {name: A}', ''].join('\n'));
    const io = memoryIo();
    assert.equal(await main(['analyze', '--rules', bad, DEMO], io), 1);
    assert.match(io.stderr(), /mine\.yaml:2:\d+: error TECHNIQUE_INVALID: T9999/);
    assert.match(io.stderr(), /mine\.yaml:7:\d+: error CORRELATION_INVALID: an attack names its intent/);
    const check = memoryIo();
    assert.equal(await main(['rules', 'check', '--output', 'json', bad], check), 1);
    const j = JSON.parse(check.stdout()) as { threats: number; attacks: number; errors: { file: string; line: number; code: string }[] };
    assert.deepEqual(j.errors.map((e) => `${e.line} ${e.code}`), ['2 TECHNIQUE_INVALID', '7 CORRELATION_INVALID']);
    assert.equal(j.threats, 0);
  });
});
