/**
 * Enrichment's shortcut: wherever `nothingToAdd` says an event has nothing to gain from the
 * process table, the full enrichment, against the same table, gives the very same event. Over
 * real Tetragon lines (when the corpus is there) and simulated telemetry (node agents whose
 * parent Tetragon does not report, processes named only by their parent's id).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { simulatedTetragonLines, simulateRuntime } from '../../bench/simulated.js';
import { isObject } from '../../core/json.js';
import { CORPUS_DIR, tetragonCorpusRecords } from '../../../test/support/corpus.js';
import { decode } from './decode.js';
import { enrichFully, nothingToAdd } from './enrich.js';
import { createProcessTree } from './process-tree.js';

const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);

/** A kprobe record on node-1, or (`named` false) without the node's name. */
function kprobe(process: Record<string, unknown>, sec: number, named = true): Record<string, unknown> {
  const body = { process, function_name: 'tcp_connect' };
  const time = new Date(T0 + sec * 1000).toISOString();
  return named ? { process_kprobe: body, node_name: 'node-1', time } : { process_kprobe: body, time };
}

function observed(tree: ReturnType<typeof createProcessTree>, record: Record<string, unknown>) {
  const r = decode(record, { origin: { path: 't', line: 1 }, observedMs: 0 });
  if (!r.ok) throw new Error('not decoded');
  return { event: r.event, out: tree.observe(r.event) };
}

describe('enrichment shortcut', () => {
  it('still enriches what the table can add: a parent named only by id, a node the record lacks', () => {
    const tree = createProcessTree();
    observed(tree, { process_exec: { process: { exec_id: 'p', pid: 1, binary: '/bin/bash' } }, node_name: 'node-1', time: new Date(T0).toISOString() });
    // A parent named by id that the table knows with its binary: its entity gains the binary.
    const child = observed(tree, kprobe({ exec_id: 'c', pid: 2, binary: '/bin/cat', parent_exec_id: 'p' }, 1));
    assert.notEqual(child.out, child.event);
    assert.equal(child.out.entities.find((e) => e.type === 'process' && e.id === 'p')?.attrs?.['binary'], '/bin/bash');
    // A node agent without a parent the table knows: nothing to add, the very event comes back.
    const agent = observed(tree, kprobe({ exec_id: 'k', pid: 3, binary: '/usr/bin/kubelet' }, 3));
    assert.equal(agent.out, agent.event);
    // The same agent in a record without the node's name: the table's node is added.
    const bare = observed(tree, kprobe({ exec_id: 'k', pid: 3, binary: '/usr/bin/kubelet' }, 4, false));
    assert.notEqual(bare.out, bare.event);
    assert.ok(bare.out.entities.some((e) => e.type === 'node' && e.id === 'node-1'));
    // A process whose record names no parent, where the table learned one: the parent is added.
    observed(tree, kprobe({ exec_id: 'd', pid: 4, binary: '/bin/dd', parent_exec_id: 'p' }, 5));
    const orphan = observed(tree, kprobe({ exec_id: 'd', pid: 4, binary: '/bin/dd' }, 6));
    assert.notEqual(orphan.out, orphan.event);
    assert.ok(orphan.out.relations.some((r) => r.from === 'process:d' && r.kind === 'child-of' && r.to === 'process:p'));
  });


  it('skips only events the full enrichment leaves as they are', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-enrich-test-'));
    try {
      const corpus = existsSync(CORPUS_DIR) ? tetragonCorpusRecords().map((text) => JSON.stringify(JSON.parse(text))) : [];
      const lines = [...corpus, ...(await simulatedTetragonLines(await simulateRuntime(dir, 4_000), Number.POSITIVE_INFINITY))];
      const tree = createProcessTree();
      let skipped = 0;
      lines.forEach((line, i) => {
        const record: unknown = JSON.parse(line);
        if (!isObject(record)) return;
        const r = decode(record, { origin: { path: 'tetragon.jsonl', line: i + 1 }, observedMs: 0 });
        if (!r.ok) return;
        const event = r.event;
        tree.observe(event);
        const body = isObject(event.payload) ? event.payload[event.kind] : undefined;
        const proc = isObject(body) ? body['process'] : undefined;
        const execId = isObject(proc) && typeof proc['exec_id'] === 'string' ? proc['exec_id'] : undefined;
        if (execId === undefined || !nothingToAdd(event, tree, execId)) return;
        skipped++;
        assert.equal(enrichFully(event, tree, execId, tree.placementOf(execId), undefined), event, `line ${i + 1}`);
      });
      assert.ok(skipped > 1_000, `${skipped} events skipped`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
