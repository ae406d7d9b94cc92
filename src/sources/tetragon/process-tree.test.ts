import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toPlainEvent, type VigilEvent } from '../../core/event.js';
import type { JsonObject } from '../../core/json.js';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatedTetragonLines, simulateRuntime } from '../../bench/simulated.js';
import { isObject } from '../../core/json.js';
import { decode } from './decode.js';
import { ExpiryHeap } from './expiry-heap.js';
import { TetragonLineParser } from './line-parser.js';
import { CORPUS_DIR, tetragonCorpusRecords } from '../../../test/support/corpus.js';
import { createProcessTree, type ProcessTree } from './process-tree.js';
import { decodeOk, NSENTER_EXEC, WITH_ANCESTORS } from './test-fixtures.js';

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);
const iso = (sec: number): string => new Date(T0 + sec * 1000).toISOString();

/** A Tetragon record of `type` at T0 + `sec` seconds. */
function record(type: string, body: JsonObject, sec: number, node: string | undefined = 'node-1'): JsonObject {
  return node === undefined ? { [type]: body, time: iso(sec) } : { [type]: body, node_name: node, time: iso(sec) };
}

function hostProc(id: string, parent?: string, binary = `/bin/${id}`): JsonObject {
  return parent === undefined ? { exec_id: id, pid: 100, binary } : { exec_id: id, pid: 100, binary, parent_exec_id: parent };
}

function observe(tree: ProcessTree, r: JsonObject): VigilEvent {
  return tree.observe(decodeOk(r));
}

function has(ev: VigilEvent, type: string, id: string): boolean {
  return ev.entities.some((e) => e.type === type && e.id === id);
}

function rel(ev: VigilEvent, from: string, kind: string, to: string): boolean {
  return ev.relations.some((r) => r.from === from && r.kind === kind && r.to === to);
}

const NSENTER = 'bWluaWt1YmU6MTQzNTQzNTYzNTQyMzoxOTAwOQ==';
const BASH = 'bWluaWt1YmU6MTIzNjkyODQ2NzQ4NToxNzAyMg==';

describe('process tree: ancestry', () => {
  const tree = createProcessTree();
  observe(tree, WITH_ANCESTORS);
  const id = 'bm9kZS0xOjMwMDA6NzAw';

  it('knows the process and each ancestor by rank', () => {
    assert.equal(tree.get(id)?.binary, '/usr/bin/id');
    assert.equal(tree.ancestor(id, 0)?.binary, '/usr/bin/id');
    assert.equal(tree.parent(id)?.binary, '/bin/sh');
    assert.equal(tree.ancestor(id, 2)?.binary, '/usr/bin/bash');
    assert.equal(tree.ancestor(id, 3)?.binary, '/usr/sbin/sshd');
    assert.equal(tree.ancestor(id, 4), undefined);
    assert.equal(tree.ancestor(id, -1), undefined);
    assert.equal(tree.ancestor(id, 1.5), undefined);
    assert.deepEqual(tree.ancestors(id).map((a) => a.pid), [600, 500, 400]);
    assert.deepEqual(tree.ancestors(id, 2).map((a) => a.pid), [600, 500]);
  });

  it('links ancestors that do not name their parent through the ancestors order', () => {
    const t = createProcessTree();
    observe(t, record('process_exec', { process: hostProc('c'), parent: hostProc('p'), ancestors: [hostProc('g'), hostProc('gg')] }, 0));
    assert.deepEqual(t.ancestors('c').map((a) => a.execId), ['p', 'g', 'gg']);
  });

  it('records node and event times', () => {
    const rec = tree.get(id);
    assert.equal(rec?.node, 'node-1');
    assert.equal(rec?.firstSeenMs, Date.UTC(2024, 4, 1, 10, 0, 5));
    assert.equal(tree.processCount, 4);
    assert.equal(tree.size, 4);
  });
});

describe('process tree: enrichment', () => {
  function withNsenter(): ProcessTree {
    const tree = createProcessTree();
    observe(tree, NSENTER_EXEC);
    return tree;
  }
  const at = (sec: number) => new Date(Date.UTC(2022, 0, 19, 11, 16, 29) + sec * 1000).toISOString();

  it('a kprobe carrying only exec_id + pid gets container, pod, image, node, parent', () => {
    const tree = withNsenter();
    const sparse = { process_kprobe: { process: { exec_id: NSENTER, pid: 19009 }, function_name: '__x64_sys_setns' }, time: at(1) };
    const before = decodeOk(sparse);
    assert.deepEqual(before.entities.map((e) => e.type), ['process'], 'the record alone names only the process');
    const ev = tree.observe(before);
    for (const [type, id] of [
      ['container', '85f791fd8dfa'],
      ['pod', 'default/privileged-pod'],
      ['namespace', 'default'],
      ['image', 'docker.io/library/nginx:latest'],
      ['node', 'minikube'],
      ['process', BASH],
    ] as const) {
      assert.ok(has(ev, type, id), `${type} ${id}`);
    }
    assert.ok(rel(ev, `process:${NSENTER}`, 'runs-in', 'container:85f791fd8dfa'));
    assert.ok(rel(ev, 'container:85f791fd8dfa', 'runs-in', 'pod:default/privileged-pod'));
    assert.ok(rel(ev, 'pod:default/privileged-pod', 'runs-in', 'node:minikube'));
    assert.ok(rel(ev, `process:${NSENTER}`, 'child-of', `process:${BASH}`));
    const proc = ev.entities.find((e) => e.id === NSENTER);
    assert.equal(proc?.name, 'nsenter', 'the process entity gains its binary');
    assert.equal(proc?.attrs?.['binary'], '/usr/bin/nsenter');
    assert.equal(ev.payload, before.payload);
  });

  it('a sparse process placed by the table no longer runs on the bare node', () => {
    const tree = withNsenter();
    const sparse = { process_kprobe: { process: { exec_id: NSENTER }, parent: { exec_id: BASH }, function_name: 'f' }, node_name: 'minikube', time: at(1) };
    const before = decodeOk(sparse);
    assert.ok(rel(before, `process:${NSENTER}`, 'runs-in', 'node:minikube'), 'the decoder alone takes it for a host process');
    const ev = tree.observe(before);
    assert.equal(rel(ev, `process:${NSENTER}`, 'runs-in', 'node:minikube'), false);
    assert.equal(rel(ev, `process:${BASH}`, 'runs-in', 'node:minikube'), false);
    assert.ok(rel(ev, `process:${NSENTER}`, 'runs-in', 'container:85f791fd8dfa'));
    assert.ok(rel(ev, `process:${BASH}`, 'runs-in', 'container:85f791fd8dfa'));
    assert.ok(rel(ev, 'pod:default/privileged-pod', 'runs-in', 'node:minikube'));
  });

  it('a process known only through its parent inherits the parent’s container', () => {
    const tree = withNsenter();
    const child = { process_kprobe: { process: { exec_id: 'child-1', pid: 19100, parent_exec_id: NSENTER }, function_name: 'fd_install' }, node_name: 'minikube', time: at(2) };
    const ev = observe(tree, child);
    assert.ok(has(ev, 'pod', 'default/privileged-pod'));
    assert.ok(rel(ev, 'process:child-1', 'runs-in', 'container:85f791fd8dfa'));
    assert.equal(tree.placementOf('child-1')?.podName, 'privileged-pod');
    assert.ok(rel(ev, 'process:child-1', 'child-of', `process:${NSENTER}`));
    assert.equal(ev.entities.find((e) => e.id === NSENTER)?.name, 'nsenter', 'the bare parent is named');
  });

  it('an event whose parent object carries the pod enriches a bare process', () => {
    const tree = createProcessTree();
    const body = JSON.parse(JSON.stringify(NSENTER_EXEC['process_exec'])) as JsonObject;
    const parent = body['parent'];
    const ev = observe(tree, { process_kprobe: { process: { exec_id: 'bare' }, parent, function_name: 'x' }, node_name: 'minikube', time: at(3) });
    assert.ok(rel(ev, 'process:bare', 'runs-in', 'container:85f791fd8dfa'));
    assert.equal(tree.parent('bare')?.execId, BASH);
  });

  it('a docker-only event of a known container gains its pod', () => {
    const tree = withNsenter();
    const ev = observe(tree, record('process_exec', { process: { exec_id: 'other', binary: '/bin/ls', docker: '85f791fd8dfa740a3b1c177e' } }, 0, 'minikube'));
    assert.ok(has(ev, 'pod', 'default/privileged-pod'));
    assert.ok(rel(ev, 'container:85f791fd8dfa', 'runs-in', 'pod:default/privileged-pod'));
    assert.equal(tree.container('85f791fd8dfa')?.image, 'docker.io/library/nginx:latest');
  });

  it('never pins one container’s pod on another container', () => {
    const tree = withNsenter();
    const ev = observe(tree, record('process_exec', { process: { exec_id: 'x', parent_exec_id: NSENTER, docker: 'ffffffffffff0000' } }, 0));
    assert.equal(has(ev, 'pod', 'default/privileged-pod'), false);
    assert.equal(tree.placementOf('x')?.containerId, 'ffffffffffff');
  });

  it('returns the very event when there is nothing to add, and ignores other sources', () => {
    const tree = withNsenter();
    const ev = decodeOk(NSENTER_EXEC);
    assert.equal(tree.observe(ev), ev);
    const foreign = { ...toPlainEvent(ev), source: 'falco' as const };
    assert.equal(tree.observe(foreign), foreign);
  });
});

describe('process tree: expiry', () => {
  it('keeps an exited process for the grace period of event time, then drops it', () => {
    const tree = createProcessTree({ exitGraceMs: 60_000 });
    observe(tree, record('process_exec', { process: hostProc('a', 'init') }, 0));
    observe(tree, record('process_exit', { process: hostProc('a', 'init') }, 10));
    assert.equal(tree.get('a')?.exitedMs, T0 + 10_000);
    const late = observe(tree, record('process_kprobe', { process: { exec_id: 'a' }, function_name: 'f' }, 40));
    assert.equal(late.entities.find((e) => e.id === 'a')?.name, 'a', 'still known 30 s after exit');
    observe(tree, record('process_exec', { process: hostProc('b') }, 70));
    assert.ok(tree.get('a'), 'exactly at the grace boundary it stays');
    observe(tree, record('process_exec', { process: hostProc('c') }, 70.001));
    assert.equal(tree.get('a'), undefined);
    assert.deepEqual(['b', 'c'].map((id) => tree.get(id)?.execId), ['b', 'c']);
  });

  it('finds each process by its own exec id where pids repeat, after it changes and after it expires', () => {
    // Every host process of these tests has pid 100: each is found by its own exec id.
    const tree = createProcessTree({ exitGraceMs: 1000 });
    const name = (ev: VigilEvent, id: string) => ev.entities.find((e) => e.type === 'process' && e.id === id)?.name;
    observe(tree, record('process_exec', { process: hostProc('a') }, 0));
    observe(tree, record('process_exec', { process: hostProc('b') }, 1, 'node-2'));
    assert.equal(name(observe(tree, record('process_kprobe', { process: { exec_id: 'a', pid: 100 }, function_name: 'f' }, 2)), 'a'), 'a');
    assert.equal(name(observe(tree, record('process_kprobe', { process: { exec_id: 'b', pid: 100 }, function_name: 'f' }, 2, 'node-2')), 'b'), 'b');
    assert.deepEqual(['a', 'b'].map((id) => tree.get(id)?.binary), ['/bin/a', '/bin/b']);
    // A sighting that says more replaces the record: the next sighting finds the new one.
    observe(tree, record('process_kprobe', { process: { ...hostProc('a'), cwd: '/srv' }, function_name: 'f' }, 3));
    observe(tree, record('process_kprobe', { process: { exec_id: 'a', pid: 100 }, function_name: 'f' }, 3.5));
    assert.equal(tree.get('a')?.cwd, '/srv');
    assert.equal(tree.get('a')?.lastSeenMs, T0 + 3500, 'the sighting after the change refreshed the current record');
    observe(tree, record('process_exit', { process: hostProc('a') }, 4));
    // Another process (another pid) moves time on past the grace period.
    observe(tree, record('process_exec', { process: { ...hostProc('c'), pid: 200 } }, 6));
    assert.equal(tree.get('a'), undefined, 'expired');
    const after = observe(tree, record('process_kprobe', { process: { exec_id: 'a', pid: 100 }, function_name: 'f' }, 7));
    assert.ok(tree.get('a') !== undefined, 'the new sighting is learned');
    assert.equal(tree.get('a')?.binary, undefined, 'as a new process, not the expired record');
    assert.equal(after.entities.find((e) => e.type === 'process' && e.id === 'a')?.attrs?.['binary'], undefined, 'no binary from the expired record');
    assert.equal(tree.get('c')?.binary, '/bin/c');
  });

  it('expires by the watermark: an old event does not move time back', () => {
    const tree = createProcessTree({ exitGraceMs: 1_000 });
    observe(tree, record('process_exec', { process: hostProc('a') }, 100));
    observe(tree, record('process_exit', { process: hostProc('a') }, 50));
    assert.equal(tree.get('a'), undefined, 'an exit older than watermark − grace goes at once');
    assert.equal(tree.watermarkMs, T0 + 100_000);
  });

  it('expires exits in time order whatever their arrival order', () => {
    const tree = createProcessTree({ exitGraceMs: 15_000 });
    const alive = () => ['p1', 'p2', 'p3'].map((id) => tree.get(id) !== undefined);
    for (const id of ['p1', 'p2', 'p3']) observe(tree, record('process_exec', { process: hostProc(id) }, 0));
    observe(tree, record('process_exit', { process: hostProc('p1') }, 30));
    observe(tree, record('process_exit', { process: hostProc('p2') }, 10));
    observe(tree, record('process_exit', { process: hostProc('p3') }, 20));
    assert.deepEqual(alive(), [true, false, true], 'p2 (exit 10) is past 30 − 15');
    observe(tree, record('process_exec', { process: hostProc('q') }, 36));
    assert.deepEqual(alive(), [true, false, false], 'p3 (exit 20) goes before p1 (exit 30)');
    observe(tree, record('process_exec', { process: hostProc('r') }, 46));
    assert.deepEqual(alive(), [false, false, false]);
  });

  it('an exit seen before its exec (out of order) stays an exit', () => {
    const tree = createProcessTree({ exitGraceMs: 5_000 });
    observe(tree, record('process_exit', { process: hostProc('z') }, 10));
    observe(tree, record('process_exec', { process: hostProc('z') }, 9));
    assert.equal(tree.get('z')?.exitedMs, T0 + 10_000);
    assert.equal(tree.get('z')?.firstSeenMs, T0 + 9_000);
    observe(tree, record('process_exec', { process: hostProc('y') }, 16));
    assert.equal(tree.get('z'), undefined);
  });

  it('a child seen before its parent’s exec links up once the parent arrives', () => {
    const tree = createProcessTree();
    observe(tree, record('process_kprobe', { process: { exec_id: 'kid', parent_exec_id: 'mom' }, function_name: 'f' }, 5));
    assert.equal(tree.parent('kid'), undefined);
    observe(tree, record('process_exec', { process: { exec_id: 'mom', binary: '/bin/sh', pod: { namespace: 'ns', name: 'web', container: { id: 'containerd://abcdef0123456789', name: 'c' } } } }, 1));
    assert.equal(tree.parent('kid')?.binary, '/bin/sh');
    assert.equal(tree.placementOf('kid')?.podName, 'web');
  });
});

describe('process tree: bounds and loops', () => {
  it('caps the table, evicting the least recently seen', () => {
    const tree = createProcessTree({ maxEntries: 3 });
    for (const [i, id] of ['a', 'b', 'c'].entries()) observe(tree, record('process_exec', { process: hostProc(id) }, i));
    observe(tree, record('process_kprobe', { process: { exec_id: 'a' }, function_name: 'f' }, 3));
    observe(tree, record('process_exec', { process: hostProc('d') }, 4));
    observe(tree, record('process_exec', { process: hostProc('e') }, 5));
    assert.equal(tree.size, 3);
    assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map((id) => tree.get(id) !== undefined), [true, false, false, true, true]);
  });

  it('gives a process seen since eviction last passed over it a second pass (CLOCK)', () => {
    const tree = createProcessTree({ maxEntries: 3 });
    for (const [i, id] of ['a', 'b', 'c'].entries()) observe(tree, record('process_exec', { process: hostProc(id) }, i));
    observe(tree, record('process_kprobe', { process: { exec_id: 'b' }, function_name: 'f' }, 3));
    for (const [i, id] of ['d', 'e', 'f'].entries()) observe(tree, record('process_exec', { process: hostProc(id) }, 4 + i));
    // a goes first; then b, marked by its kprobe, is passed over (and unmarked) and c goes; then d.
    assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f'].filter((id) => tree.get(id) !== undefined), ['b', 'e', 'f']);
    assert.equal(tree.processCount, 3);
  });

  it('stays bounded under a long stream', () => {
    const tree = createProcessTree({ maxEntries: 100, maxContainers: 10, exitGraceMs: 1_000 });
    for (let i = 0; i < 5_000; i++) {
      const docker = `${(i % 50).toString(16).padStart(12, '0')}abcd`;
      const proc = { exec_id: `p${i}`, parent_exec_id: `p${i - 1}`, pod: { namespace: 'n', name: `pod${i % 50}`, container: { id: docker } } };
      observe(tree, record(i % 3 === 0 ? 'process_exit' : 'process_exec', { process: proc }, i / 10));
    }
    assert.ok(tree.processCount <= 100, `processes ${tree.processCount}`);
    assert.ok(tree.containerCount <= 10, `containers ${tree.containerCount}`);
    assert.equal(tree.size, tree.processCount + tree.containerCount);
    assert.ok(tree.ancestors('p4999').length <= 64);
  });

  it('stops at cycles in parent ids (the walk-through’s scp ⇄ sh pair)', () => {
    const tree = createProcessTree();
    // merlin-agent-scp.json: scp's parent is sh; merlin-agent-scp-sh-exit.json: sh's parent is scp.
    const sh = 'bWluaWt1YmU6NDczMzc5NTU0Mzc1Njo1Mzc2Ng==';
    const scp = 'bWluaWt1YmU6NDczMzc5NjIyNTA5MDo1Mzc2Nw==';
    observe(tree, record('process_exec', { process: { exec_id: scp, binary: '/usr/bin/scp', parent_exec_id: sh } }, 0));
    const ev = observe(tree, record('process_exit', { process: { exec_id: sh, binary: '/bin/sh', parent_exec_id: scp } }, 1));
    assert.deepEqual(tree.ancestors(sh).map((a) => a.binary), ['/usr/bin/scp']);
    assert.equal(tree.ancestor(sh, 2), undefined);
    assert.equal(tree.placementOf(sh), undefined);
    assert.ok(rel(ev, `process:${sh}`, 'child-of', `process:${scp}`));
  });

  it('stops at a process that is its own parent (the kernel) and at long chains', () => {
    const tree = createProcessTree({ maxDepth: 5 });
    observe(tree, record('process_exec', { process: hostProc('k', 'k') }, 0));
    assert.deepEqual(tree.ancestors('k'), []);
    assert.equal(tree.parent('k'), undefined);
    for (let i = 1; i <= 10; i++) observe(tree, record('process_exec', { process: hostProc(`n${i}`, `n${i - 1}`) }, i));
    assert.equal(tree.ancestors('n10').length, 5);
    assert.equal(tree.ancestor('n10', 6), undefined);
  });
});

describe('process tree: repeated sightings', () => {
  // The line parser hands on the very same objects for a process and its parent while lines
  // repeat them, and the tree then skips learning what it learned from them last time. Over
  // simulated telemetry (many processes, their file and network events, exits), a tree fed
  // those shared objects must end up, event for event and entry for entry, where a tree fed a
  // fresh JSON.parse of each line does; also with a table small enough to evict all the time.
  it('learns a parent that a repeated subject comes with for the first time', () => {
    // The subject does not name its parent; it is seen alone twice (nothing new the second
    // time), then with a parent object that was itself seen twice: the parent is news to the
    // subject, so the repeat is learned in full.
    const tree = createProcessTree();
    const subject = { exec_id: 'p', pid: 10, binary: '/bin/p' };
    const parent = { exec_id: 'q', pid: 9, binary: '/bin/q' };
    const other = { exec_id: 'x', pid: 11, binary: '/bin/x' };
    const kprobe = (process: JsonObject, parentObject: JsonObject | undefined, sec: number): JsonObject =>
      record('process_kprobe', parentObject === undefined ? { process, function_name: 'tcp_connect' } : { process, parent: parentObject, function_name: 'tcp_connect' }, sec);
    observe(tree, kprobe(subject, undefined, 1));
    observe(tree, kprobe(subject, undefined, 2));
    observe(tree, kprobe(other, parent, 3));
    observe(tree, kprobe(other, parent, 4));
    assert.equal(tree.get('p')?.parentExecId, undefined);
    observe(tree, kprobe(subject, parent, 5));
    assert.equal(tree.get('p')?.parentExecId, 'q');
    assert.equal(tree.parent('p')?.binary, '/bin/q');
  });

  for (const maxEntries of [100_000, 150]) {
    it(`learns repeated objects exactly as fresh parses (table of ${maxEntries})`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vigil-tree-test-'));
      try {
        // Real lines first when the corpus is there (ancestors, sparse parents, other event
        // types), twice over so that they repeat; then the simulated ones.
        const corpus = existsSync(CORPUS_DIR) ? tetragonCorpusRecords().map((text) => JSON.stringify(JSON.parse(text))) : [];
        const lines = [...corpus, ...corpus, ...(await simulatedTetragonLines(await simulateRuntime(dir, 6_000), Number.POSITIVE_INFINITY))];
        const parser = new TetragonLineParser();
        const shared = createProcessTree({ maxEntries });
        const fresh = createProcessTree({ maxEntries });
        const entry = (t: ProcessTree, id: string): unknown => {
          const r = t.get(id);
          return r === undefined ? undefined : [r.pid, r.uid, r.binary, r.arguments, r.cwd, r.startTime, r.parentExecId, r.placement, r.node, r.cluster, r.firstSeenMs, r.lastSeenMs, r.exitedMs, t.placementOf(id)];
        };
        const seenObjects = new Set<unknown>();
        const execIds = new Set<string>();
        let repeats = 0;
        lines.forEach((line, i) => {
          const reused = parser.parse(line) ?? JSON.parse(line);
          const parsed: unknown = JSON.parse(line);
          assert.ok(isObject(reused) && isObject(parsed));
          const ctx = { origin: { path: 'tetragon.jsonl', line: i + 1 }, observedMs: 0 };
          const a = decode(reused, ctx);
          const b = decode(parsed, ctx);
          assert.equal(a.ok, b.ok);
          if (!a.ok || !b.ok) return;
          const body = reused[a.event.kind] as { process?: { exec_id?: string }; parent?: { exec_id?: string } } | undefined;
          const proc = body?.process;
          if (seenObjects.has(proc)) repeats++;
          seenObjects.add(proc);
          const ids = [proc?.exec_id, body?.parent?.exec_id].filter((id): id is string => typeof id === 'string');
          for (const id of ids) execIds.add(id);
          const ea = shared.observe(a.event);
          const eb = fresh.observe(b.event);
          assert.deepEqual([ea.entities, ea.relations], [eb.entities, eb.relations], `line ${i + 1}`);
          for (const id of ids) assert.deepEqual(entry(shared, id), entry(fresh, id), `line ${i + 1}: ${id}`);
        });
        assert.ok(repeats > lines.length / 2, `${repeats} of ${lines.length} lines repeat a process object`);
        assert.equal(shared.size, fresh.size);
        assert.equal(shared.watermarkMs, fresh.watermarkMs);
        for (const id of execIds) assert.deepEqual(entry(shared, id), entry(fresh, id), id);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('expiry heap', () => {
  it('pops in time order whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (times) => {
        const heap = new ExpiryHeap();
        times.forEach((at, i) => heap.push({ at, key: String(i) }));
        const out: number[] = [];
        for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e.at);
        assert.deepEqual(out, [...times].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('retain keeps order', () => {
    const heap = new ExpiryHeap();
    for (const at of [5, 1, 4, 2, 3]) heap.push({ at, key: String(at) });
    heap.retain((e) => e.at % 2 === 1);
    assert.equal(heap.length, 3);
    assert.deepEqual([heap.pop()?.at, heap.pop()?.at, heap.pop()?.at, heap.pop()], [1, 3, 5, undefined]);
  });
});
