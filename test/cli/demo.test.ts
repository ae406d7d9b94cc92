/**
 * `vigil demo` (what `npm start` runs): the real server with the simulated environment replayed
 * into it. Replayed here at a high speed factor; `npm start` uses 15 (the hour in four minutes).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { RunningService } from '../../src/service/service.js';

describe('vigil demo (npm start)', () => {
  it('serves the UI and API, replays the demo environment, and every attack intent of the story is detected (the look-alike is not)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-demo-test-'));
    const io = memoryIo();
    let service: RunningService | undefined;
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    try {
      const run = main(['demo', '--port', '0', '--speed', '900', '--data', join(dir, 'demo')], io, {
        env: {},
        lifecycle: () => ({ stopped, onStarted: (s) => (service = s) }),
      });
      const deadline = Date.now() + 180_000;
      while (!io.stderr().includes('Replay finished') && !io.stderr().includes('vigil demo:') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const out = io.stderr();
      assert.match(out, /Replay finished: [\d,]+ records, 5 attack\(s\) detected/, out);
      assert.ok(service !== undefined);
      const link = /Open: {3}(http:\/\/127\.0\.0\.1:\d+)\/\?token=(vgl_[\w-]+)/.exec(out);
      assert.ok(link, 'the sign-in link is printed');
      const [, base, token] = link as unknown as [string, string, string];
      const page = await fetch(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<div id="root">/, 'the web UI is served at /');
      const res = await fetch(`${base}/api/v1/attacks`, { headers: { Authorization: `Bearer ${token}` } });
      const attacks = ((await res.json()) as { items: { intent: string; name: string }[] }).items;
      assert.deepEqual(attacks.map((a) => a.intent).sort(), ['container-escape', 'cryptojacking', 'data-destruction', 'data-exfiltration', 'ransomware']);
      // Each attack was announced on the console as it was detected.
      for (const a of attacks) assert.ok(out.includes(`attack: ${a.name}  [${a.intent}, `), a.name);
      stop();
      assert.equal(await run, 0);
    } finally {
      stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never wipes a folder that is not its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-demo-guard-'));
    try {
      await writeFile(join(dir, 'vigil.db'), 'a real store');
      const io = memoryIo();
      assert.equal(await main(['demo', '--port', '0', '--data', dir], io, { env: {}, lifecycle: () => ({ stopped: Promise.resolve() }) }), 1);
      assert.match(io.stderr(), /holds data that is not the demo's/);
      assert.equal(await readFile(join(dir, 'vigil.db'), 'utf8'), 'a real store');
      // A file given as the folder is not the demo's either.
      const file = join(dir, 'vigil.db');
      const again = memoryIo();
      assert.equal(await main(['demo', '--port', '0', '--data', file], again, { env: {}, lifecycle: () => ({ stopped: Promise.resolve() }) }), 1);
      assert.match(again.stderr(), /is not a folder the demo can use/);
      assert.equal(await readFile(file, 'utf8'), 'a real store');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad settings with a clear message', async () => {
    for (const [args, message] of [
      [['--speed', '0'], /the speed must be a number above 0/],
      [['--duration', '5m'], /the duration must be at least 30m/],
      [['--port', 'http'], /the port must be a number/],
    ] as const) {
      const io = memoryIo();
      assert.equal(await main(['demo', ...args], io, { env: {}, lifecycle: () => ({ stopped: Promise.resolve() }) }), 2);
      assert.match(io.stderr(), message);
    }
  });
});
