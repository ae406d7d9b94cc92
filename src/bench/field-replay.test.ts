/**
 * Replayed field values must stand in for extraction exactly (the engine-only benchmark figure
 * depends on it): over Vigil's default rules and generated events, the rules that fire with
 * replaying tables are those that fire with the real ones, every read is answered from the
 * record, and a field the recording pass never read still gets its real value.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeLines } from '../../test/support/events.js';
import type { VigilEvent } from '../core/event.js';
import { RuleEngine } from '../rules/engine.js';
import { loadRules } from '../rules/load.js';
import { RULE_SOURCES, SOURCE_BINDINGS } from '../rules/sources.js';
import { createFieldReplay } from './field-replay.js';
import { k8sAuditWorkload, tetragonWorkload } from './rules-workload.js';

const files = ['vigil-runtime.yaml', 'vigil-k8s.yaml'].map((name) => ({ name, text: readFileSync(new URL(`../../rules/${name}`, import.meta.url), 'utf8') }));

describe('field replay', () => {
  it('fires the rules the real field tables fire, reading only recorded values', () => {
    const events = [...decodeLines(tetragonWorkload(2000)), ...decodeLines(k8sAuditWorkload(1000))];
    const real = new RuleEngine(loadRules(files, RULE_SOURCES), SOURCE_BINDINGS, 'all');
    // The real extractors behind the replay count their reads once replaying starts: a read
    // not answered from the record would show up there.
    let replaying = false;
    let fallbacks = 0;
    const counting = RULE_SOURCES.map((s) => ({
      ...s,
      fields: s.fields.map((f) => ({
        ...f,
        extract: (e: VigilEvent, arg: string | undefined) => {
          if (replaying) fallbacks++;
          return f.extract(e, arg);
        },
      })),
    }));
    const replay = createFieldReplay(counting);
    const recorder = new RuleEngine(loadRules(files, replay.recording), SOURCE_BINDINGS, 'all');
    for (const e of events) recorder.evaluate(e);
    const replayer = new RuleEngine(loadRules(files, replay.replaying), SOURCE_BINDINGS, 'all');
    replaying = true;
    let fired = 0;
    for (const e of events) {
      const want = real.evaluate(e).map((r) => r.name);
      const got = replayer.evaluate(e).map((r) => r.name);
      assert.deepEqual(got, want, `event ${e.id}`);
      fired += want.length;
    }
    assert.ok(fired > 100, `the workloads fire rules (${fired})`);
    assert.equal(fallbacks, 0);
  });

  it('answers a field the recording pass never read with its real value', () => {
    const [event] = decodeLines(tetragonWorkload(1));
    assert.ok(event !== undefined);
    const replay = createFieldReplay(RULE_SOURCES);
    const spec = (sources: typeof RULE_SOURCES, name: string) => sources.find((s) => s.name === 'syscall')?.fields.find((f) => f.name === name);
    const realName = spec(RULE_SOURCES, 'proc.name')?.extract(event, undefined);
    assert.equal(typeof realName, 'string');
    assert.equal(spec(replay.replaying, 'proc.name')?.extract(event, undefined), realName);
    // Recorded, then replayed, even when the real value is missing.
    assert.equal(spec(replay.recording, 'proc.tty')?.extract(event, undefined), undefined);
    assert.equal(spec(replay.replaying, 'proc.tty')?.extract(event, undefined), undefined);
  });
});
