/**
 * `vigil demo`, what `npm start` runs: the live service on SQLite in `.vigil/demo` (wiped at each
 * start: it holds demo data only), and a simulated environment replayed into it through the
 * ingestion API, event time compressed so that an hour of a cluster and its cloud account,
 * with several attacks of different intents among its ordinary activity, unfolds in a few
 * minutes. Prints the URL to open, with a sign-in token, and each attack as it is detected.
 */

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_UI_DIR } from '../../api/server.js';
import { messageOf } from '../../core/errors.js';
import { parseDuration } from '../../core/time.js';
import { loadTelemetry } from '../../demo/telemetry.js';
import { replay } from '../../demo/replay.js';
import { startService, type RunningService } from '../../service/service.js';
import { SCENARIOS } from '../../sim/scenarios/index.js';
import { simulate } from '../../sim/simulate.js';
import { TELEMETRY_DIR } from '../../sim/writer.js';
import type { CliIo } from '../io.js';
import type { ServeLifecycle } from './serve.js';

/** The demo's story: one attack of each intent, and a look-alike that must stay quiet. */
export const DEMO_SCENARIOS = [
  'cryptojacking-webapp-rce',
  'data-exfiltration-imds-credential-theft',
  'container-escape-privileged-nsenter',
  'benign-autoscaling',
  'ransomware-s3-sse-c',
  'data-destruction-k8s-wipe',
] as const;

export interface DemoOptions {
  readonly port?: string;
  readonly host?: string;
  readonly data?: string;
  /** Event time per wall-clock time (default 15: the hour in four minutes). */
  readonly speed?: string;
  /** Event time simulated (default 1h). */
  readonly duration?: string;
  readonly seed?: string;
}

export async function demoCommand(opts: DemoOptions, io: CliIo, env: NodeJS.ProcessEnv, life: ServeLifecycle): Promise<number> {
  const port = Number(opts.port ?? env['VIGIL_PORT'] ?? '8080');
  const speed = Number(opts.speed ?? '15');
  const durationMs = parseDuration(opts.duration ?? '1h');
  const seed = Number(opts.seed ?? '7');
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(io, `the port must be a number from 0 to 65535 (got ${JSON.stringify(opts.port)})`);
  if (!(speed > 0 && speed <= 10_000)) return usage(io, `the speed must be a number above 0 and at most 10000 (got ${JSON.stringify(opts.speed)})`);
  if (durationMs === undefined || durationMs < 30 * 60_000) return usage(io, `the duration must be at least 30m (got ${JSON.stringify(opts.duration)})`);
  if (!Number.isInteger(seed)) return usage(io, `the seed must be an integer (got ${JSON.stringify(opts.seed)})`);
  const dataDir = opts.data ?? join(env['VIGIL_DATA'] ?? '.vigil', 'demo');
  if (!existsSync(join(DEFAULT_UI_DIR, 'index.html'))) {
    io.err('vigil demo: the web UI is not built, so only the API will answer. `npm start` builds it; or run `npm run build:ui`.\n');
  }

  // An hour that ends now, so times on screen read as recent; replayed faster than it happened.
  const startMs = Math.floor((Date.now() - durationMs) / 60_000) * 60_000;
  const simDir = await mkdtemp(join(tmpdir(), 'vigil-demo-'));
  let service: RunningService | undefined;
  const abort = new AbortController();
  try {
    const scenarios = DEMO_SCENARIOS.map((id) => SCENARIOS.find((s) => s.id === id)).filter((s) => s !== undefined);
    const truth = await simulate(simDir, { seed, startMs, durationMs, rate: 2, scenarios });
    const records = await loadTelemetry(join(simDir, TELEMETRY_DIR));

    await resetDemoStore(dataDir);
    service = await startService({
      host: opts.host ?? env['VIGIL_HOST'] ?? '127.0.0.1',
      port,
      dataDir,
      apiToken: env['VIGIL_API_TOKEN'],
      logger: { level: 'warn' },
      detection: { rules: [], defaultRules: true, ruleMatching: 'first' },
      retentionMs: 0,
    });
    const token = service.createdToken ?? env['VIGIL_API_TOKEN'];
    if (token === undefined) throw new Error('no sign-in token: the demo store was not fresh');
    const wallMinutes = durationMs / speed / 60_000;
    io.err(
      [
        '',
        `Vigil is running: ${service.url}  (demo data in ${dataDir}; SQLite)`,
        '',
        `  Open:   ${service.url}/?token=${token}`,
        `  Token:  ${token}  (admin; to sign in from another browser)`,
        '',
        `Replaying ${records.length.toLocaleString()} records of a simulated cluster and AWS account (${truth.environment.pods} pods on ${truth.environment.nodes.length} nodes):`,
        `${Math.round(durationMs / 60_000)} minutes of activity at ${speed}× speed, about ${wallMinutes.toFixed(1)} minutes, with ${scenarios.filter((s) => s.kind === 'attack').length} attacks hidden in it.`,
        'Attacks are listed here as Vigil detects them. Ctrl-C stops the server.',
        '',
      ].join('\n') + '\n',
    );
    life.onStarted?.(service);

    const running = service;
    const seen = new Set<string>();
    const announce = async (): Promise<void> => {
      for (const a of (await running.store.listFindings({ kind: 'attack', limit: 100 })).reverse()) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        io.err(`  attack: ${String(a.doc['name'])}  [${a.intent ?? ''}, ${a.severity}]  ${running.url}/#/attacks/${a.id}\n`);
      }
    };
    const poll = setInterval(() => void announce().catch(() => undefined), 1000);
    let lastLine = 0;
    const done = replay(records, {
      baseUrl: service.url,
      token,
      speed,
      signal: abort.signal,
      onProgress: (p) => {
        if (Date.now() - lastLine < 30_000 && p.sent < p.total) return;
        lastLine = Date.now();
        io.err(`  replay: ${p.sent.toLocaleString()} of ${p.total.toLocaleString()} records sent (event time ${new Date(p.eventTimeMs).toISOString().slice(11, 19)} UTC)\n`);
      },
    }).then(
      async (p) => {
        await running.processor.idle();
        await announce();
        io.err(`\nReplay finished: ${p.sent.toLocaleString()} records, ${seen.size} attack(s) detected. The server keeps running with this data: Ctrl-C to stop.\n`);
      },
      (err: unknown) => {
        if (!abort.signal.aborted) io.err(`vigil demo: the replay stopped: ${messageOf(err)}\n`);
      },
    ).catch((err: unknown) => io.err(`vigil demo: ${messageOf(err)}\n`));
    await life.stopped;
    abort.abort();
    clearInterval(poll);
    await done;
    io.err('vigil: shutting down…\n');
    return 0;
  } catch (err) {
    const inUse = (err as { code?: string }).code === 'EADDRINUSE';
    io.err(`vigil demo: ${inUse ? `port ${port} is in use (another Vigil?): stop it, or pick another port with --port or VIGIL_PORT` : messageOf(err)}\n`);
    return 1;
  } finally {
    abort.abort();
    await service?.close();
    await rm(simDir, { recursive: true, force: true });
  }
}

/** Marks a folder as the demo's own, so that only such a folder is ever wiped. */
const DEMO_MARKER = '.vigil-demo';

/**
 * Empties the demo's data folder for a fresh start. A folder that holds anything but a demo
 * store (a real store given by mistake as --data) is never touched.
 */
async function resetDemoStore(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (err) {
    // Absent: nothing to clear. Anything else (a file given as --data) is not the demo's.
    if ((err as { code?: string }).code !== 'ENOENT') throw new Error(`${dir} is not a folder the demo can use (${messageOf(err)}); give it another --data folder`, { cause: err });
  }
  if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
    throw new Error(`${dir} holds data that is not the demo's; the demo wipes its folder at each start, so give it another --data folder`);
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, DEMO_MARKER), 'This folder is the Vigil demo\'s store; `vigil demo` empties it at each start.\n');
}

function usage(io: CliIo, message: string): number {
  io.err(`vigil demo: ${message}\n`);
  return 2;
}
