import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { readInput, type ReadOptions } from './read-input.js';
import type { SplitItem } from './split-types.js';
import { expandInputs } from './walk.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-read-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string, options?: ReadOptions): Promise<SplitItem[]> {
  const out: SplitItem[] = [];
  for await (const batch of readInput(path, options)) out.push(...batch);
  return out;
}

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
}

const summary = (items: SplitItem[]) => items.map((i) => (i.type === 'record' ? `${i.line}:${i.text}` : `${i.line}:${i.code}`));

describe('readInput', () => {
  it('reads JSON lines and a pretty-printed array alike', async () => {
    assert.deepEqual(summary(await readAll(await file('a.jsonl', '{"a":1}\n{"b":2}\n'))), ['1:{"a":1}', '2:{"b":2}']);
    assert.deepEqual(summary(await readAll(await file('b.json', '[\n  {"a": 1},\n  {"b": 2}\n]\n'))), ['2:{"a": 1}', '3:{"b": 2}']);
  });

  it('gunzips by content, whatever the file is called, including concatenated members', async () => {
    const gz = Buffer.concat([gzipSync('{"Records":[{"a":1}]}\n'), gzipSync('{"Records":[{"b":2}]}\n')]);
    // Each member is one line here (lines mode); the record decoder unwraps `Records`.
    assert.deepEqual(summary(await readAll(await file('ct.json', gz))), ['1:{"Records":[{"a":1}]}', '2:{"Records":[{"b":2}]}']);
    const pretty = gzipSync('{\n  "Records": [\n    {"a": 1},\n    {"b": 2}\n  ]\n}\n');
    assert.deepEqual(summary(await readAll(await file('ct2.json', pretty))), ['3:{"a": 1}', '4:{"b": 2}']);
  });

  it('reports a truncated gzip stream after the records it could read', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(100) })).join('\n');
    const gz = gzipSync(lines);
    const items = await readAll(await file('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.6))), { chunkBytes: 4096 });
    const records = items.filter((i) => i.type === 'record');
    const errors = items.filter((i) => i.type === 'error');
    assert.ok(records.length > 100, `read ${records.length} records before the cut`);
    assert.equal(errors.at(-1)?.type === 'error' ? errors.at(-1)?.code : '', 'INPUT_GZIP');
  });

  it('refuses binary data with one error', async () => {
    const bin = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x10, 0x0a, 0x7b]);
    assert.deepEqual(summary(await readAll(await file('a.out', bin))), ['0:INPUT_BINARY']);
  });

  it('skips a 10 MB line and keeps the records around it', async () => {
    const big = `{"x":"${'y'.repeat(10 * 1024 * 1024)}"}`;
    const items = await readAll(await file('big.jsonl', `{"a":1}\n${big}\n{"b":2}\n`));
    assert.deepEqual(summary(items), ['1:{"a":1}', '2:RECORD_TOO_LARGE', '3:{"b":2}']);
  });

  it('reports an unreadable file as an input error', async () => {
    assert.deepEqual(summary(await readAll(join(dir, 'missing.json'))), ['0:INPUT_UNREADABLE']);
  });

  it('reads standard input for -', async () => {
    const stdin = Readable.from([Buffer.from('{"a":1}\n'), Buffer.from('{"b":2}\n')]);
    assert.deepEqual(summary(await readAll('-', { stdin })), ['1:{"a":1}', '2:{"b":2}']);
  });

  it('reads an empty file as nothing', async () => {
    assert.deepEqual(await readAll(await file('empty.json', '')), []);
  });

  it('streams a large array without holding it (memory stays flat)', async () => {
    const n = 400_000;
    const p = join(dir, 'large.json');
    const { createWriteStream } = await import('node:fs');
    const ws = createWriteStream(p);
    ws.write('{"Records": [\n');
    for (let i = 0; i < n; i++) ws.write(`${i === 0 ? '' : ',\n'}{"eventID": "${i}", "pad": "${'p'.repeat(200)}"}`);
    ws.write('\n]}\n');
    await new Promise<void>((resolve) => ws.end(resolve));
    // What the reader holds, not the garbage it leaves: the heap is measured after a full
    // collection (every tenth batch), else the figure depends on when the collector last ran.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let peak = 0;
    let batches = 0;
    for await (const batch of readInput(p)) {
      count += batch.length;
      if (batches++ % 10 !== 0) continue;
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    assert.equal(count, n);
    // the file is ~90 MB; holding it as a string would take at least that much heap, while the
    // reader holds about a chunk and a batch whatever the file size
    assert.ok(peak < 40e6, `peak heap growth ${Math.round(peak / 1e6)} MB`);
  });
});

describe('expandInputs', () => {
  it('walks directories for telemetry file names, sorted, and reports missing paths', async () => {
    const sub = join(dir, 'tree');
    await file('tree-x.txt', 'not listed');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(sub, 'b'), { recursive: true });
    await writeFile(join(sub, 'b', 'z.jsonl.gz'), '');
    await writeFile(join(sub, 'a.json'), '');
    await writeFile(join(sub, 'notes.txt'), '');
    const r = await expandInputs([sub, join(dir, 'nope')]);
    assert.deepEqual(r.files, [join(sub, 'a.json'), join(sub, 'b', 'z.jsonl.gz')]);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]?.path, join(dir, 'nope'));
  });
});

describe('readInput mode choice on long first lines', () => {
  it('keeps JSON-lines error isolation when the first line is longer than a read chunk, plain or gzipped', async () => {
    const long = JSON.stringify({ a: 'x'.repeat(20_000) });
    const text = `${long}\n{"b":2}\n{broken\n{"c":3}\n{"d":4}\n`;
    const want = ['1:' + long, '2:{"b":2}', '3:{broken', '4:{"c":3}', '5:{"d":4}'];
    assert.deepEqual(summary(await readAll(await file('long-first.jsonl', text), { chunkBytes: 4096 })), want);
    assert.deepEqual(summary(await readAll(await file('long-first.jsonl.gz', gzipSync(text)))), want);
    const huge = JSON.stringify({ a: 'x'.repeat(2_000_000) });
    const items = await readAll(await file('huge-first.jsonl', `${huge}\n{"b":2}\n{broken\n{"c":3}\n`));
    assert.deepEqual(summary(items).slice(1), ['2:{"b":2}', '3:{broken', '4:{"c":3}']);
  });
});

describe('expandInputs and links', () => {
  it('follows symbolic links to files and directories, once, and reports broken ones', async () => {
    const { mkdir, symlink } = await import('node:fs/promises');
    const real = join(dir, 'links-real');
    const linked = join(dir, 'links');
    await mkdir(join(real, 'sub'), { recursive: true });
    await mkdir(linked, { recursive: true });
    await writeFile(join(real, 'pod.log'), '{"a":1}\n');
    await symlink(join(real, 'pod.log'), join(linked, 'pod_ns_c-1.log'));
    await symlink(real, join(linked, 'dir'));
    await symlink(linked, join(real, 'sub', 'loop'));
    await symlink(join(dir, 'gone.json'), join(linked, 'gone.json'));
    const r = await expandInputs([linked]);
    assert.deepEqual(r.files, [join(linked, 'dir', 'pod.log'), join(linked, 'pod_ns_c-1.log')]);
    assert.deepEqual(r.problems.map((p) => p.path), [join(linked, 'gone.json')]);
  });
});
