import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Signal } from '../core/signal.js';
import type { Truth, TruthScenario } from '../sim/simulate.js';
import { evaluateRun, type ReportedAttack } from './evaluate.js';
import { PENDING_INTENTS } from './pending.js';

const T0 = Date.UTC(2026, 10, 2, 9);

function scenario(label: string, kind: 'attack' | 'benign', ids: string[], extra: Partial<TruthScenario> = {}): TruthScenario {
  return {
    label,
    id: `${kind}-${label}`,
    kind,
    ...(kind === 'attack' ? { intent: 'cryptojacking' } : { resembles: 'intrusion' }),
    title: label,
    description: '',
    techniques: ['T1496.001', 'T1059.004', 'T1105'],
    start: new Date(T0).toISOString(),
    end: new Date(T0 + 60_000).toISOString(),
    events: ids.map((id, i) => ({ source: 'tetragon', file: 'f.jsonl', line: i + 1, id, time: new Date(T0 + i * 1000).toISOString() })),
    ...extra,
  };
}

function truth(scenarios: TruthScenario[]): Truth {
  return {
    version: 1, generator: 'test', seed: 1, start: '', end: '',
    environment: { cluster: 'c', account: 'a', region: 'r', nodes: [], pods: 0, workloads: [] },
    counts: { tetragon: 0, falco: 0, k8saudit: 0, cloudtrail: 0, total: 0 },
    files: [],
    scenarios,
  };
}

function signal(eventId: string, atMs: number, techniques: string[], rule = 'r'): Signal {
  return { id: `sig-${eventId}-${rule}`, rule, source: 'syscall', priority: 'Warning', time: new Date(atMs).toISOString(), timeMs: atMs, tags: techniques, entities: [], techniques, input: { path: 'f', line: 1 }, eventId };
}

describe('evaluateRun', () => {
  it('fails an attack that raised no signal, even while its intent is pending', () => {
    const e = evaluateRun(truth([scenario('a', 'attack', ['e1', 'e2'])]), { events: 10, signals: [signal('other', T0, ['T1496'])], threats: 0, attacks: [] });
    assert.equal(e.scenarios[0]?.outcome, 'missed');
    assert.equal(e.scenarios[0]?.ok, false);
    assert.equal(e.ok, false);
  });

  it('counts signalled records, rules, covered techniques (parent or sub-technique) and time to the first signal', () => {
    const signals = [signal('e2', T0 + 4000, ['T1496'], 'miner'), signal('e2', T0 + 4000, ['T1105'], 'download'), signal('e3', T0 + 9000, ['T1059'], 'shell')];
    const e = evaluateRun(truth([scenario('a', 'attack', ['e1', 'e2', 'e3'])]), { events: 100, signals, threats: 0, attacks: [] });
    const s = e.scenarios[0];
    assert.ok(s !== undefined);
    assert.equal(s.signalledEvents, 2);
    assert.equal(s.signals, 3);
    assert.deepEqual(s.rules, ['download', 'miner', 'shell']);
    assert.deepEqual(s.techniques.covered, ['T1496.001', 'T1059.004', 'T1105']);
    assert.equal(s.firstSignalAfterS, 4);
    assert.equal(s.outcome, PENDING_INTENTS.includes('cryptojacking') ? 'pending' : 'missed');
    assert.deepEqual(e.funnel, { events: 100, signals: 3, threats: 0, attacks: 0 });
  });

  it('credits an attack of the right intent resting on the scenario records, with detection delays', () => {
    const attacks: ReportedAttack[] = [{ id: 'atk-1', intent: 'cryptojacking', detectedMs: T0 + 30_000, eventIds: ['e2'] }];
    const e = evaluateRun(truth([scenario('a', 'attack', ['e1', 'e2'])]), { events: 5, signals: [signal('e2', T0 + 1000, ['T1496'])], threats: 1, attacks });
    const s = e.scenarios[0];
    assert.equal(s?.outcome, 'detected');
    assert.equal(s?.detectedAfterS, 30);
    assert.equal(s?.detectedAfterEndS, -30);
    const intent = e.intents.find((i) => i.intent === 'cryptojacking');
    assert.equal(intent?.recall, 1);
    assert.equal(intent?.precision, 1);
    assert.equal(e.falseAttacks, 0);
    assert.equal(e.ok, true);
  });

  it('fails a benign look-alike reported as an attack, and counts attacks on no attack scenario as false', () => {
    const attacks: ReportedAttack[] = [{ id: 'atk-1', intent: 'data-exfiltration', detectedMs: T0, eventIds: ['b1'] }];
    const e = evaluateRun(truth([scenario('b', 'benign', ['b1', 'b2'])]), { events: 5, signals: [signal('b1', T0, ['T1609'])], threats: 0, attacks });
    assert.equal(e.scenarios[0]?.outcome, 'false-attack');
    assert.equal(e.scenarios[0]?.ok, false);
    assert.equal(e.falseAttacks, 1);
    assert.equal(e.intents.find((i) => i.intent === 'data-exfiltration')?.precision, 0);
    assert.equal(e.ok, false);
  });

  it('keeps a benign look-alike that raised signals but no attack quiet', () => {
    const e = evaluateRun(truth([scenario('b', 'benign', ['b1'])]), { events: 5, signals: [signal('b1', T0, ['T1609'])], threats: 0, attacks: [] });
    assert.equal(e.scenarios[0]?.outcome, 'quiet');
    assert.equal(e.scenarios[0]?.signals, 1);
    assert.equal(e.ok, true);
  });
});
