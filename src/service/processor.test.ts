import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { FindingRow, Store } from '../store/port.js';
import { SqliteStore } from '../store/sqlite.js';
import { LiveDetection } from './detection.js';
import { Hub, type StreamMessage } from './hub.js';
import { Processor } from './processor.js';

const QUIET = { info: () => undefined, error: () => undefined };
const DEMO = new URL('../../examples/demo/tetragon-export.jsonl', import.meta.url);

async function demoLines(): Promise<string[]> {
  return (await readFile(DEMO, 'utf8')).split('\n').filter((l) => l !== '');
}

async function detection(): Promise<LiveDetection> {
  const d = await LiveDetection.create({ baselines: false }, { err: () => undefined });
  assert.ok(d !== undefined);
  return d;
}

describe('the processor', () => {
  it('retries a failed store write without running detection on the batch again', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    let failures = 1;
    const written: FindingRow[][] = [];
    // The real store, whose first findings write fails (a busy lock, a database restarting).
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'putFindings') {
          return async (...args: Parameters<Store['putFindings']>) => {
            if (failures-- > 0) throw new Error('database is locked');
            written.push([...args[0]]);
            return target.putFindings(...args);
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const d = await detection();
    const processed: number[] = [];
    const original = d.process.bind(d);
    d.process = (records) => {
      processed.push(...records.map((r) => r.seq));
      return original(records);
    };
    const errors: string[] = [];
    const p = new Processor(flaky, d, new Hub(), { info: () => undefined, error: (_o, m) => errors.push(m) });
    await p.start();
    const seqs = await store.appendRecords((await demoLines()).map((text) => ({ source: 'tetragon', receivedMs: 0, text })));
    p.notify(seqs[seqs.length - 1] as number);
    await p.idle();
    assert.deepEqual(processed, seqs, 'each record through detection once');
    assert.deepEqual(errors, ['storing findings failed; retrying']);
    assert.equal(written.length, 1);
    assert.ok((written[0] ?? []).some((r) => r.kind === 'signal'), 'the batch\'s findings were stored on the retry');
    assert.equal(await store.getValue('processed_seq'), String(seqs[seqs.length - 1]));
    await store.close();
  });

  it('after a restart, replays up to the processed position silently and announces only what is new', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    const lines = await demoLines();
    const first = new Processor(store, await detection(), new Hub(), QUIET, { batch: 2 });
    await first.start();
    const before = await store.appendRecords(lines.slice(0, 1).map((text) => ({ source: 'tetragon', receivedMs: 0, text })));
    first.notify(before[before.length - 1] as number);
    await first.idle();
    await first.stop();
    const signalsBefore = await store.countFindings('signal');
    assert.ok(signalsBefore > 0);
    // Stored but not processed when the first one stopped.
    const after = await store.appendRecords(lines.slice(1).map((text) => ({ source: 'tetragon', receivedMs: 0, text })));
    const hub = new Hub();
    const heard: StreamMessage[] = [];
    hub.subscribe((m) => heard.push(m));
    // Batches of 2 over 1 processed record: the first batch straddles the position.
    const second = new Processor(store, await detection(), hub, QUIET, { batch: 2 });
    await second.start();
    assert.equal(second.processedSeq, after[after.length - 1]);
    const inputs = heard.filter((m) => m.type === 'signal').map((m) => (JSON.parse(m.data) as { input: { line: number } }).input.line);
    assert.ok(inputs.length > 0, 'the new records raised signals');
    assert.ok(inputs.every((line) => after.includes(line)), `only signals of the new records are announced: ${inputs.join(',')}`);
    await store.close();
  });
});
