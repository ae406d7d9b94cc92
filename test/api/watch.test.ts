/**
 * The folder source (`--watch`), on SQLite and PostgreSQL: a Tetragon export tailed as it grows
 * (a half-written last line waits), rotated by renaming (the old file is finished, the new one
 * read from its start), a CloudTrail file taken once complete, a broken line skipped with the
 * good ones kept, and after a restart reading resumes where it stopped: every line exactly once.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { STORE_KINDS } from '../support/live.js';
import { startTestService } from '../support/start.js';

let dir = '';
let tetragon: string[] = [];
let cloudtrail: { file: string; records: number } | undefined;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-watch-'));
  const io = memoryIo();
  assert.equal(await main(['simulate', '--out', join(dir, 'sim'), '--seed', '4', '--start', '2026-11-03T08:00:00Z', '--duration', '1h', '--rate', '1', '--scenario', 'none'], io), 0, io.stderr());
  const tdir = join(dir, 'sim', 'telemetry', 'tetragon');
  const first = (await readdir(tdir)).sort()[0] as string;
  tetragon = (await readFile(join(tdir, first), 'utf8')).split('\n').filter((l) => l !== '').slice(0, 400);
  assert.equal(tetragon.length, 400);
  const cdir = join(dir, 'sim', 'telemetry', 'cloudtrail');
  const files = (await readdir(cdir, { recursive: true })).filter((f) => f.endsWith('.json.gz')).sort();
  const file = join(cdir, files[0] as string);
  cloudtrail = { file, records: (JSON.parse(gunzipSync(await readFile(file)).toString('utf8')) as { Records: unknown[] }).Records.length };
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

for (const kind of STORE_KINDS) {
  describe(`watched folders (${kind})`, () => {
    test('tails, follows rotation, takes completed documents, resumes after a restart', async (t) => {
      assert.ok(cloudtrail !== undefined);
      const watched = await mkdtemp(join(dir, `in-${kind}-`));
      await mkdir(join(watched, 'tetragon'));
      const log = join(watched, 'tetragon', 'tetragon.log');
      const config = { watch: [watched], watchTiming: { intervalMs: 50, settleMs: 0 } };
      let svc = await startTestService(t, kind, config);
      if (svc === undefined) return;
      const stored = async (): Promise<string[]> => {
        const out: string[] = [];
        let afterSeq = 0;
        for (;;) {
          const res = await fetch(`${svc?.service.url}/api/v1/records?after=${afterSeq}&limit=1000`, { headers: { Authorization: `Bearer ${svc?.token}` } });
          const page = (await res.json()) as { items: { record: unknown }[]; next: number | null };
          for (const i of page.items) out.push(JSON.stringify(i.record));
          if (page.next === null) return out;
          afterSeq = page.next;
        }
      };
      const waitFor = async (n: number): Promise<string[]> => {
        const until = Date.now() + 15_000;
        for (;;) {
          const got = await stored();
          if (got.length >= n || Date.now() > until) return got;
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const canon = (line: string): string => JSON.stringify(JSON.parse(line));
      try {
        // 100 lines and half of the 101st: the half line waits for its end.
        const half = tetragon[100] as string;
        await writeFile(log, `${tetragon.slice(0, 100).join('\n')}\n${half.slice(0, 50)}`);
        assert.equal((await waitFor(100)).length, 100);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal((await stored()).length, 100, 'the half-written line is not taken');
        await appendFile(log, `${half.slice(50)}\n${tetragon.slice(101, 150).join('\n')}\n{"broken": \n`);
        assert.equal((await waitFor(150)).length, 150);

        // Rotation by renaming, with lines written just before it that were not read yet.
        await appendFile(log, `${tetragon.slice(150, 200).join('\n')}\n`);
        await rename(log, `${log}.1`);
        await writeFile(log, `${tetragon.slice(200, 250).join('\n')}\n`);
        // And a CloudTrail file from an S3 sync.
        await mkdir(join(watched, 'cloudtrail'));
        await writeFile(join(watched, 'cloudtrail', 'ct.json.gz'), await readFile(cloudtrail.file));
        const all = await waitFor(250 + cloudtrail.records);
        assert.equal(all.length, 250 + cloudtrail.records);
        await svc.stop({ keep: true });

        // Written while the service was down: read after the restart, nothing twice.
        await appendFile(log, `${tetragon.slice(250, 400).join('\n')}\n`);
        svc = await startTestService(t, kind, config, svc.where);
        assert.ok(svc !== undefined);
        const final = await waitFor(400 + cloudtrail.records);
        await new Promise((r) => setTimeout(r, 300));
        const again = await stored();
        assert.equal(again.length, 400 + cloudtrail.records, 'nothing read twice');
        assert.deepEqual(new Set(again), new Set(final));
        const expected = new Set(tetragon.map(canon));
        assert.equal(again.filter((r) => expected.has(r)).length, 400, 'every Tetragon line once');
        const metrics = await (await fetch(`${svc.service.url}/metrics`, { headers: { Authorization: `Bearer ${svc.token}` } })).text();
        assert.match(metrics, /^vigil_ingest_records_total\{source="tetragon"\} 150$/m, 'after the restart: the 150 new lines');
      } finally {
        await svc?.stop();
      }
    });
  });
}
