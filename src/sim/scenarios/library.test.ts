import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { revokedBy, technique } from '../../core/attack.js';
import { Random } from '../../core/random.js';
import { systemClock } from '../../core/time.js';
import { createRecordDecoder, type Decoded } from '../../pipeline/record-decoder.js';
import { builtinDecoders } from '../../sources/index.js';
import { PidAllocator } from '../benign/runtime.js';
import { buildEnvironment } from '../model.js';
import { INTENTS, type Scenario } from '../scenario.js';
import { SCENARIOS } from './index.js';

const START = Date.UTC(2026, 10, 4, 11);

function build(s: Scenario, seed: number) {
  const random = new Random(seed);
  const env = buildEnvironment(random, { startMs: START });
  const at = s.placeAt?.(START) ?? START;
  return { at, records: s.build({ env, random: random.fork(s.id), pids: new PidAllocator(), startMs: at }) };
}

describe('scenario library', () => {
  it('has unique ids named after their intent (or benign-)', () => {
    const ids = SCENARIOS.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const s of SCENARIOS) assert.ok(s.id.startsWith(s.kind === 'attack' ? `${s.intent}-` : 'benign-'), s.id);
  });

  it('covers every intent with at least one variant and has benign look-alikes', () => {
    for (const intent of INTENTS) {
      const n = SCENARIOS.filter((s) => s.kind === 'attack' && s.intent === intent).length;
      if (n === 0) assert.fail(`no scenario for intent ${intent}`);
    }
    assert.ok(SCENARIOS.some((s) => s.kind === 'benign'));
  });

  it('names valid, current ATT&CK techniques', () => {
    for (const s of SCENARIOS) {
      assert.ok(s.techniques.length > 0, `${s.id}: no techniques`);
      for (const t of s.techniques) {
        assert.ok(technique(t) !== undefined, `${s.id}: ${t} is not an ATT&CK technique`);
        assert.equal(revokedBy(t), undefined, `${s.id}: ${t} is revoked`);
      }
    }
  });

  for (const s of SCENARIOS) {
    it(`${s.id}: fits its duration, is deterministic, and every record decodes as its source`, () => {
      const a = build(s, 3);
      const b = build(s, 3);
      assert.equal(JSON.stringify(a.records), JSON.stringify(b.records));
      assert.ok(a.records.length > 0);
      const times = a.records.map((r) => r.timeMs);
      assert.ok(Math.min(...times) >= a.at, `${s.id}: a record before its start`);
      assert.ok(Math.max(...times) - a.at <= s.durationMs, `${s.id}: records beyond durationMs (${Math.max(...times) - a.at} > ${s.durationMs})`);
      const decoder = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock, withState: false });
      const out: Decoded[] = [];
      a.records.forEach((r, i) => {
        decoder.decodeText(JSON.stringify(r.record), { path: s.id, line: i + 1 }, out);
        const d = out.pop();
        assert.equal(d?.type, 'event', `${s.id} record ${i + 1} (${r.source}) does not decode: ${JSON.stringify(d)}`);
        if (d?.type === 'event') assert.equal(d.event.source, r.source);
      });
    });
  }
});
