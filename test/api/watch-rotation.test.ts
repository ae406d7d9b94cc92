/**
 * The folder source against the other ways logs get rotated and rewritten: logrotate's
 * copytruncate (the copy is not read twice), a file truncated and grown again between two scans
 * (read again from its start), logrotate's dateext names, and a line too long to be a record
 * (skipped; the lines after it are kept).
 */
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestService } from '../support/start.js';

const line = (n: number): string =>
  JSON.stringify({ process_exec: { process: { exec_id: `ZXhlYzo${n}`, pid: n, uid: 0, binary: '/usr/bin/true', arguments: `run ${n}`, start_time: '2026-11-03T08:00:00Z' } }, node_name: 'n1', time: `2026-11-03T08:00:${String(n % 60).padStart(2, '0')}Z` });

test('copytruncate, truncate-and-regrow, dateext and overlong lines', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-rot-'));
  const svc = await startTestService(t, 'sqlite', { watch: [dir], watchTiming: { intervalMs: 40, settleMs: 0 } });
  assert.ok(svc !== undefined);
  const pids = async (): Promise<number[]> => {
    const res = await fetch(`${svc.service.url}/api/v1/records?limit=1000`, { headers: { Authorization: `Bearer ${svc.token}` } });
    return ((await res.json()) as { items: { record: { process_exec: { process: { pid: number } } } }[] }).items.map((i) => i.record.process_exec.process.pid);
  };
  const until = async (n: number): Promise<number[]> => {
    const end = Date.now() + 10_000;
    for (;;) {
      const got = await pids();
      if (got.length >= n || Date.now() > end) {
        await new Promise((r) => setTimeout(r, 200));
        return pids();
      }
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  const log = join(dir, 'tetragon.log');
  try {
    await writeFile(log, `${[1, 2, 3].map(line).join('\n')}\n`);
    assert.deepEqual(await until(3), [1, 2, 3]);

    // copytruncate: line 4 lands just before the copy; the copy holds 1–4, the original restarts.
    await appendFile(log, `${line(4)}\n`);
    await copyFile(log, `${log}.1`);
    await truncate(log, 0);
    await appendFile(log, `${line(5)}\n`);
    assert.deepEqual((await until(5)).sort((a, b) => a - b), [1, 2, 3, 4, 5], 'the copy is read on, not again');

    // Truncated and grown past the old length before the next scan: read from its start.
    await svc.service.watcher?.stop();
    await writeFile(log, `${[6, 7, 8, 9].map(line).join('\n')}\n`);
    svc.service.watcher?.start();
    assert.deepEqual((await until(9)).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9]);

    // dateext rotation by renaming, with a line not read yet; then a line longer than a chunk.
    await svc.service.watcher?.stop();
    await appendFile(log, `${line(10)}\n`);
    await rename(log, `${log}-20261129`);
    await writeFile(log, `${line(11)}\n{"junk":"${'x'.repeat(5 * 1024 * 1024)}"}\n${line(12)}\n`);
    svc.service.watcher?.start();
    const all = (await until(12)).sort((a, b) => a - b);
    assert.deepEqual(all, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.ok((await readFile(log)).length > 5 * 1024 * 1024);
  } finally {
    await svc.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
