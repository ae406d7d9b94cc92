import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VigilEvent } from '../core/event.js';
import type { Signal } from '../core/signal.js';
import type { Attack, Threat } from '../core/threat.js';
import { IdentityGraph } from './graph.js';
import { at, engineFor, ent, sig } from './testing.js';

const C1 = ent('container', 'aaaaaaaaaaaa', 'web');
const C2 = ent('container', 'bbbbbbbbbbbb', 'api');
const POD = ent('pod', 'shop/web-1', 'web-1');

const DOWNLOAD_THEN_RUN = `
- threat: Download then run
  techniques: [T1105, T1204.002]
  severity: high
  by: container
  within: 10m
  sequence:
    - signal: {rule: Download}
    - signal: {rule: Run}
`;

function run(yaml: string, signals: readonly Signal[]): { threats: readonly Threat[]; attacks: readonly Attack[]; log: string[] } {
  const log: string[] = [];
  const engine = engineFor(yaml, { onOutput: (o, change) => log.push(`${change} ${o.kind} ${o.kind === 'attack' ? o.intent : o.name}`) });
  for (const s of signals) engine.signal(s);
  engine.flush();
  return { threats: engine.threats, attacks: engine.attacks, log };
}

describe('sequences', () => {
  it('completes on the later step, on the same key, in order, within the window; detected_at is the completing event time', () => {
    const r = run(DOWNLOAD_THEN_RUN, [sig('Download', 0, [C1]), sig('Run', 30, [C2]), sig('Run', 60, [C1])]);
    assert.equal(r.threats.length, 1);
    const t = r.threats[0] as Threat;
    assert.equal(t.name, 'Download then run');
    assert.equal(t.detectedMs, at(60));
    assert.equal(t.detectedAt, new Date(at(60)).toISOString());
    assert.equal(t.firstMs, at(0));
    // Kill-chain order: execution before command-and-control.
    assert.deepEqual(t.techniques, ['T1204.002', 'T1105']);
    assert.deepEqual(t.tactics, ['execution', 'command-and-control']);
    assert.equal(t.key, C1.id);
    assert.equal(t.entities[0]?.id, C1.id);
    assert.equal(t.signals.length, 2);
  });

  it('does not complete out of order in event time, across keys, or beyond the window', () => {
    assert.equal(run(DOWNLOAD_THEN_RUN, [sig('Run', 0, [C1]), sig('Download', 30, [C1])]).threats.length, 0);
    assert.equal(run(DOWNLOAD_THEN_RUN, [sig('Download', 0, [C1]), sig('Run', 30, [C2])]).threats.length, 0);
    assert.equal(run(DOWNLOAD_THEN_RUN, [sig('Download', 0, [C1]), sig('Run', 601, [C1])]).threats.length, 0);
    assert.equal(run(DOWNLOAD_THEN_RUN, [sig('Download', 0, [C1]), sig('Run', 600, [C1])]).threats.length, 1);
  });

  it('gives the same threat, id and detected_at when the inputs arrive out of order within the lateness', () => {
    const inOrder = run(DOWNLOAD_THEN_RUN, [sig('Download', 0, [C1]), sig('Run', 60, [C1])]).threats;
    const late = run(DOWNLOAD_THEN_RUN, [sig('Run', 60, [C1]), sig('Download', 0, [C1])]).threats;
    assert.equal(late.length, 1);
    assert.equal(late[0]?.id, inOrder[0]?.id);
    assert.equal(late[0]?.detectedMs, at(60));
    assert.deepEqual([...(late[0]?.signals ?? [])].sort(), [...(inOrder[0]?.signals ?? [])].sort());
  });

  it('replaying the same input gives the same output', () => {
    const input = [sig('Download', 0, [C1]), sig('Run', 60, [C1]), sig('Download', 4000, [C1]), sig('Run', 4100, [C1])];
    const a = run(DOWNLOAD_THEN_RUN, input);
    const b = run(DOWNLOAD_THEN_RUN, input);
    assert.equal(a.threats.length, 2, 'a second burst after the window is a second threat');
    assert.deepEqual(a.threats, b.threats);
    assert.notEqual(a.threats[0]?.id, a.threats[1]?.id);
  });

  it('grows an open threat with later inputs of its window, and reports the update', () => {
    const r = run(DOWNLOAD_THEN_RUN, [sig('Download', 0, [C1]), sig('Run', 60, [C1]), sig('Run', 120, [C1]), sig('Run', 500, [C1])]);
    assert.equal(r.threats.length, 1);
    assert.equal(r.threats[0]?.signals.length, 4);
    assert.equal(r.threats[0]?.lastMs, at(500));
    assert.equal(r.threats[0]?.updates, 2);
    assert.deepEqual(r.log, ['new threat Download then run', 'updated threat Download then run', 'updated threat Download then run']);
  });

  it('per-step windows bound the gap from the previous step', () => {
    const yaml = DOWNLOAD_THEN_RUN.replace('    - signal: {rule: Run}', '    - signal: {rule: Run}\n      within: 1m');
    assert.equal(run(yaml, [sig('Download', 0, [C1]), sig('Run', 90, [C1])]).threats.length, 0);
    assert.equal(run(yaml, [sig('Download', 0, [C1]), sig('Run', 50, [C1])]).threats.length, 1);
  });
});

describe('repeats, aggregates and sets', () => {
  it('count needs that many inputs in the window', () => {
    const yaml = `
- threat: Many renames
  techniques: [T1486]
  by: container
  within: 5m
  sequence:
    - signal: {rule: Rename}
      count: 3
`;
    assert.equal(run(yaml, [sig('Rename', 0, [C1]), sig('Rename', 10, [C1])]).threats.length, 0);
    const r = run(yaml, [sig('Rename', 0, [C1]), sig('Rename', 10, [C1]), sig('Rename', 20, [C1])]);
    assert.equal(r.threats[0]?.detectedMs, at(20));
    assert.equal(run(yaml, [sig('Rename', 0, [C1]), sig('Rename', 10, [C1]), sig('Rename', 400, [C1])]).threats.length, 0);
  });

  it('distinct counts different values of an attribute', () => {
    const yaml = `
- threat: Reads of many objects
  techniques: [T1530]
  by: aws-principal
  within: 10m
  sequence:
    - signal: {rule: Read}
      distinct: {of: s3-object, min: 3}
`;
    const p = ent('aws-principal', 'arn:aws:iam::1:user/eve', 'eve');
    const o = (k: string) => ent('s3-object', `b/${k}`, k);
    const same = [0, 1, 2, 3].map((i) => sig('Read', i, [p, o('a')], { id: `s${i}`, eventId: `e${i}` }));
    assert.equal(run(yaml, same).threats.length, 0);
    const many = ['a', 'b', 'a', 'c'].map((k, i) => sig('Read', i, [p, o(k)], { id: `s${i}`, eventId: `e${i}` }));
    const r = run(yaml, many);
    assert.equal(r.threats.length, 1);
    assert.equal(r.threats[0]?.detectedMs, at(3));
  });

  it('all needs every step in one window, in any order; any with min needs that many steps', () => {
    const all = `
- attack: Both
  intent: cryptojacking
  by: container
  within: 1h
  all:
    - signal: {rule: A}
    - signal: {rule: B}
`;
    assert.equal(run(all, [sig('B', 0, [C1]), sig('A', 100, [C1])]).attacks.length, 1);
    assert.equal(run(all, [sig('B', 0, [C1]), sig('A', 3700, [C1])]).attacks.length, 0);
    const any = `
- attack: Two of three
  intent: ransomware
  by: container
  within: 1h
  any:
    - signal: {rule: A}
    - signal: {rule: B}
    - signal: {rule: C}
  min: 2
`;
    assert.equal(run(any, [sig('A', 0, [C1]), sig('A', 10, [C1])]).attacks.length, 0);
    const r = run(any, [sig('A', 0, [C1]), sig('C', 10, [C1])]);
    assert.equal(r.attacks.length, 1);
    assert.equal(r.attacks[0]?.intent, 'ransomware');
  });
});

describe('bindings, absences and until', () => {
  it('where: a later step refers to an earlier one', () => {
    const yaml = `
- threat: Downloaded file run
  techniques: [T1105]
  by: container
  within: 10m
  sequence:
    - as: download
      signal: {rule: Download}
    - as: run
      signal: {rule: Run}
  where: ["run.file == download.file"]
`;
    const f1 = ent('file', '/tmp/x');
    const f2 = ent('file', '/tmp/y');
    assert.equal(run(yaml, [sig('Download', 0, [C1, f1]), sig('Run', 10, [C1, f2])]).threats.length, 0);
    assert.equal(run(yaml, [sig('Download', 0, [C1, f1]), sig('Run', 10, [C1, f2]), sig('Run', 20, [C1, f1])]).threats.length, 1);
  });

  it('an absence completes when its window passes without the input, and not when it comes', () => {
    const yaml = `
- threat: Logging stopped and not restarted
  techniques: [T1562.008]
  by: aws-principal
  within: 1h
  sequence:
    - signal: {rule: StopLogging}
    - signal: {rule: StartLogging}
      not: true
      within: 10m
`;
    const p = ent('aws-principal', 'arn:aws:iam::1:user/eve', 'eve');
    const fired = run(yaml, [sig('StopLogging', 0, [p]), sig('Other', 100, [p])]);
    assert.equal(fired.threats.length, 1);
    assert.equal(fired.threats[0]?.detectedMs, at(600), 'detected when the wait ended');
    assert.equal(run(yaml, [sig('StopLogging', 0, [p]), sig('StartLogging', 300, [p])]).threats.length, 0);
  });

  it('until ends the partial matches of its key', () => {
    const yaml = `${DOWNLOAD_THEN_RUN}  until: {signal: {rule: Reset}}\n`;
    assert.equal(run(yaml, [sig('Download', 0, [C1]), sig('Reset', 10, [C1]), sig('Run', 20, [C1])]).threats.length, 0);
    assert.equal(run(yaml, [sig('Download', 0, [C1]), sig('Reset', 10, [C2]), sig('Run', 20, [C1])]).threats.length, 1);
  });
});

describe('threats into attacks', () => {
  const CHAIN = `
- threat: Shell from server
  techniques: [T1190, T1059.004]
  severity: medium
  by: container
  within: 1h
  sequence:
    - signal: {rule: Shell spawned by server}
- threat: Mining
  techniques: [T1496.001]
  severity: high
  by: container
  within: 1h
  sequence:
    - signal: {rule: Miner}
- attack: Cryptojacking
  intent: cryptojacking
  severity: high
  by: pod
  within: 6h
  sequence:
    - threat: {tactic: [initial-access, execution]}
    - threat: {technique: T1496}
  explanation: "{pod} mines after {threats}"
`;

  it('joins threats on another key, emits the attack when the completing threat is recognised, and grows it', () => {
    const r = run(CHAIN, [sig('Shell spawned by server', 0, [C1, POD]), sig('Miner', 300, [C1, POD]), sig('Miner', 400, [C1, POD])]);
    assert.equal(r.threats.length, 2);
    assert.equal(r.attacks.length, 1);
    const a = r.attacks[0] as Attack;
    assert.equal(a.intent, 'cryptojacking');
    assert.equal(a.detectedMs, at(300));
    assert.equal(a.key, POD.id);
    assert.deepEqual(a.tactics, ['initial-access', 'execution', 'impact']);
    assert.deepEqual(a.techniques, ['T1190', 'T1059.004', 'T1496.001']);
    assert.deepEqual(a.threats, r.threats.map((t) => t.id));
    assert.equal(a.signals.length, 3, 'the attack grew with its mining threat');
    assert.equal(a.lastMs, at(400));
    assert.equal(a.explanation, 'web-1 mines after Shell from server → Mining');
    assert.ok(a.score > 0 && a.score <= 1);
    // Three tactics of the kill chain raise a high attack to critical.
    assert.equal(a.severity, 'critical');
    assert.deepEqual(r.log, ['new threat Shell from server', 'new threat Mining', 'new attack cryptojacking', 'updated threat Mining', 'updated attack cryptojacking']);
  });

  it('no attack from one stage alone', () => {
    assert.equal(run(CHAIN, [sig('Miner', 300, [C1, POD])]).attacks.length, 0);
  });
});

describe('state', () => {
  it('is released once the watermark passes its window, and capped by key count', () => {
    const yaml = DOWNLOAD_THEN_RUN;
    const engine = engineFor(yaml, { maxKeys: 5000 });
    // 100 000 containers download something, one per 100 ms of event time; none runs it.
    for (let i = 0; i < 100_000; i++) engine.signal(sig('Download', i / 10, [ent('container', i.toString(16).padStart(12, '0'))], { id: `s${i}`, eventId: `e${i}` }));
    const s = engine.stats;
    // The window is 10 minutes and lateness 20: 30 minutes of event time is 18 000 keys; the cap holds 5 000.
    assert.ok(s.keys <= 5000, `${s.keys} keys held`);
    assert.ok(s.evicted + s.expired >= 95_000, `${s.evicted} evicted, ${s.expired} expired`);
    assert.ok(s.held <= s.keys);
    const roomy = engineFor(yaml);
    for (let i = 0; i < 100_000; i++) roomy.signal(sig('Download', i / 10, [ent('container', i.toString(16).padStart(12, '0'))], { id: `s${i}`, eventId: `e${i}` }));
    assert.ok(roomy.stats.expired > 75_000, `${roomy.stats.expired} expired`);
    assert.ok(roomy.stats.keys < 20_000, `${roomy.stats.keys} keys held`);
    assert.equal(roomy.stats.evicted, 0);
  });
});

describe('the identity graph', () => {
  const node = ent('node', 'ip-10-0-2-61.internal');
  const instance = ent('ec2-instance', 'i-0d805a712ac613e7f');
  const session = ent('aws-principal', 'arn:aws:sts::1:assumed-role/node-role/i-0d805a712ac613e7f', 'node-role/i-0d805a712ac613e7f');
  const kubelet = ent('k8s-user', 'system:node:ip-10-0-2-61.internal');
  const YAML = `
- threat: Metadata then outside use
  techniques: [T1552.005]
  by: ec2-instance
  within: 1h
  sequence:
    - signal: {rule: Metadata}
    - signal: {rule: Used outside}
`;
  function auditEvent(): VigilEvent {
    const entities = [kubelet, session, instance, node];
    return {
      id: 'k8s-kubelet-1', source: 'k8saudit', kind: 'k8s', action: 'get', time: new Date(at(0)).toISOString(), timeMs: at(0), observedMs: at(0),
      entities,
      relations: [
        { from: 'aws-principal:' + session.id, kind: 'acts-as', to: 'k8s-user:' + kubelet.id },
        { from: 'aws-principal:' + session.id, kind: 'session-of', to: 'ec2-instance:' + instance.id },
        { from: 'node:' + node.id, kind: 'same-as', to: 'ec2-instance:' + instance.id },
      ],
      payload: {}, origin: { path: 'audit', line: 1 },
    };
  }

  it('joins a runtime input to the instance its node is, once an audit event has said so', () => {
    const runtime = sig('Metadata', 10, [C1, POD, node]);
    const cloud = sig('Used outside', 600, [session, instance]);
    const without = engineFor(YAML);
    without.signal(runtime);
    without.signal(cloud);
    assert.equal(without.threats.length, 0, 'nothing links the container to the instance');
    const withGraph = engineFor(YAML);
    withGraph.observe(auditEvent());
    withGraph.signal(runtime);
    withGraph.signal(cloud);
    assert.equal(withGraph.threats.length, 1);
    assert.equal(withGraph.threats[0]?.key, instance.id);
    assert.ok(withGraph.stats.graph >= 4);
  });

  it('walks only identity and placement relations, not hubs', () => {
    const g = new IdentityGraph();
    const cluster = ent('cluster', 'prod');
    const other = ent('node', 'ip-10-0-3-1.internal');
    g.add([node, cluster, other], [
      { from: 'node:' + node.id, kind: 'runs-in', to: 'cluster:prod' },
      { from: 'node:' + other.id, kind: 'runs-in', to: 'cluster:prod' },
    ]);
    assert.deepEqual(g.reach(['node:' + node.id], 'node'), [], 'two nodes of one cluster are not one actor');
    g.add([C1, node], [{ from: 'container:' + C1.id, kind: 'runs-in', to: 'node:' + node.id }]);
    assert.deepEqual(g.reach(['container:' + C1.id], 'node').map((e) => e.id), [node.id], 'up from a container to its node');
    assert.deepEqual(g.reach(['node:' + node.id], 'container'), [], 'not down from a node to any of its containers');
    g.add([node, instance], [{ from: 'node:' + node.id, kind: 'same-as', to: 'ec2-instance:' + instance.id }]);
    assert.deepEqual(g.reach(['node:' + node.id], 'ec2-instance').map((e) => e.id), [instance.id]);
    const small = new IdentityGraph({ maxNodes: 10 });
    for (let i = 0; i < 100; i++) small.add([], [{ from: `container:${i}`, kind: 'runs-in', to: `pod:p${i}` }]);
    assert.ok(small.size <= 10);
  });
});

describe('state accounting', () => {
  it('counts held inputs exactly through caps, closes and expiry', () => {
    const yaml = `
- threat: Many
  techniques: [T1486]
  by: container
  within: 10m
  sequence:
    - signal: {rule: Rename}
      count: 100
`;
    const engine = engineFor(yaml);
    // The step keeps at most 200 inputs (twice its count): the 300 of one minute overflow it.
    for (let i = 0; i < 300; i++) engine.signal(sig('Rename', i * 0.2, [C1], { id: `r${i}`, eventId: `e${i}` }));
    // Completed at the hundredth; the threat grew with the rest.
    assert.equal(engine.threats.length, 1);
    assert.equal(engine.stats.held, 200);
    // An hour later the window is long gone: a new input closes the threat and starts afresh.
    engine.signal(sig('Rename', 3600, [C1], { id: 'late', eventId: 'late' }));
    assert.equal(engine.stats.held, 1);
    assert.equal(engine.stats.keys, 1);
  });
});

describe('review findings', () => {
  it('a key released and seen again gets new ids, never an earlier output\'s', () => {
    const yaml = `${DOWNLOAD_THEN_RUN}  until: {signal: {rule: Reset}}\n`;
    const r = run(yaml, [sig('Download', 0, [C1]), sig('Run', 10, [C1]), sig('Reset', 20, [C1]), sig('Download', 30, [C1]), sig('Run', 40, [C1])]);
    assert.equal(r.threats.length, 2);
    assert.notEqual(r.threats[0]?.id, r.threats[1]?.id);
    assert.deepEqual(r.log, ['new threat Download then run', 'new threat Download then run']);
  });

  it('a threat found to be recognised earlier completes an attack that had no output yet', () => {
    const yaml = `
- threat: T1
  techniques: [T1105]
  by: container
  within: 10m
  sequence:
    - signal: {rule: X}
    - signal: {rule: Y}
- threat: T2
  techniques: [T1496.001]
  by: container
  within: 10m
  sequence:
    - signal: {rule: Z}
- attack: A
  intent: cryptojacking
  by: container
  within: 1h
  sequence:
    - threat: {name: T1}
    - threat: {name: T2}
`;
    const inOrder = run(yaml, [sig('X', 0, [C1]), sig('Y', 20, [C1]), sig('Z', 50, [C1]), sig('Y', 100, [C1])]);
    const late = run(yaml, [sig('X', 0, [C1]), sig('Y', 100, [C1]), sig('Z', 50, [C1]), sig('Y', 20, [C1])]);
    assert.equal(inOrder.attacks.length, 1);
    assert.equal(late.attacks.length, 1);
    assert.equal(late.attacks[0]?.id, inOrder.attacks[0]?.id);
    assert.equal(late.attacks[0]?.detectedMs, inOrder.attacks[0]?.detectedMs);
  });

  it('bindings hold in sets and in absences too', () => {
    const set = `
- threat: Same file
  techniques: [T1105]
  by: container
  within: 10m
  all:
    - as: a
      signal: {rule: A}
    - as: b
      signal: {rule: B}
  where: ["b.file == a.file"]
`;
    assert.equal(run(set, [sig('A', 0, [C1, ent('file', '/x')]), sig('B', 10, [C1, ent('file', '/y')])]).threats.length, 0);
    assert.equal(run(set, [sig('A', 0, [C1, ent('file', '/x')]), sig('B', 10, [C1, ent('file', '/x')])]).threats.length, 1);
    const absent = `
- threat: Opened and not closed
  techniques: [T1105]
  by: container
  within: 1h
  sequence:
    - as: open
      signal: {rule: Open}
    - as: close
      signal: {rule: Close}
      not: true
      within: 10m
  where: ["close.file == open.file"]
`;
    assert.equal(run(absent, [sig('Open', 0, [C1, ent('file', '/x')]), sig('Close', 60, [C1, ent('file', '/y')])]).threats.length, 1, 'another file closing does not count');
    assert.equal(run(absent, [sig('Open', 0, [C1, ent('file', '/x')]), sig('Close', 60, [C1, ent('file', '/x')])]).threats.length, 0);
  });

  it('an absence completes as soon as event time passes its wait', () => {
    const yaml = `
- threat: Stopped and not restarted
  techniques: [T1562.008]
  by: container
  within: 1h
  lateness: 0s
  sequence:
    - signal: {rule: Stop}
    - signal: {rule: Start}
      not: true
      within: 10m
`;
    const engine = engineFor(yaml);
    engine.signal(sig('Stop', 0, [C1]));
    engine.signal(sig('Other', 599, [C2]));
    assert.equal(engine.threats.length, 0);
    engine.signal(sig('Other', 601, [C2]));
    assert.equal(engine.threats.length, 1, 'without waiting for a sweep or the end of input');
  });
});

describe('fallback keys', () => {
  it('`container|node` keys by the container, else by the node', () => {
    const yaml = `
- threat: Twice
  techniques: [T1105]
  by: container|node
  within: 10m
  sequence:
    - signal: {rule: A}
      count: 2
`;
    const node = ent('node', 'n1');
    // In a container: keyed by it alone (a node key too would make a second threat).
    const inContainer = run(yaml, [sig('A', 0, [C1, node]), sig('A', 10, [C1, node])]);
    assert.equal(inContainer.threats.length, 1);
    assert.equal(inContainer.threats[0]?.key, C1.id);
    const onHost = run(yaml, [sig('A', 0, [node]), sig('A', 10, [node])]);
    assert.equal(onHost.threats[0]?.key, node.id);
    assert.equal(run(yaml, [sig('A', 0, [C1, node]), sig('A', 10, [node])]).threats.length, 0, 'a container and its host are not one key');
  });
});
