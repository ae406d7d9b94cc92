/**
 * The web UI under a large store (`vigil bench ui`): the real server on SQLite seeded with
 * `attacks` attacks and one attack whose story has `storyNodes` graph nodes, driven in Chromium
 * (playwright-core, the machine's Chromium). Reports how long the attack list, paging, a live
 * update, the overview and the big story take to show, and the longest main-thread task the
 * page ran (what a user would feel as a freeze).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from '../service/service.js';
import type * as Playwright from 'playwright-core';
import type { EdgeRow, EntityRow, FindingRow } from '../store/port.js';

/** playwright-core is a development dependency: loaded when the benchmark runs. */
type PlaywrightModule = typeof Playwright;

export interface UiBenchOptions {
  readonly attacks: number;
  readonly storyNodes: number;
  readonly chromium: string;
  readonly onProgress?: (message: string) => void;
}

export interface UiBenchResult {
  readonly attacks: number;
  readonly storyNodes: number;
  readonly seedSeconds: number;
  /** From navigation to the first 100 rows of the attack list drawn. */
  readonly listMs: number;
  /** Each "Load more" (100 rows) until the rows are drawn: mean and slowest, and the rows then shown. */
  readonly loadMoreMeanMs: number;
  readonly loadMoreMaxMs: number;
  readonly rowsShown: number;
  /** From an analyst's change through the API to the list showing it (the live stream, then a reload of the list). */
  readonly liveUpdateMs: number;
  readonly overviewMs: number;
  /** From navigation to the story's graph laid out and drawn. */
  readonly storyMs: number;
  readonly storyGraphNodes: number;
  /** Zooming the big graph: from the click to the next frame. */
  readonly zoomMs: number;
  /** Main-thread tasks over 50 ms during the whole run: the longest, and their total beyond 50 ms each. */
  readonly longestTaskMs: number;
  /** The longest task while the list was paged, and while the story was opened. */
  readonly longestListTaskMs: number;
  readonly longestStoryTaskMs: number;
  readonly totalBlockingMs: number;
  readonly jsHeapMb: number;
}

const INTENTS = ['cryptojacking', 'data-exfiltration', 'data-destruction', 'ransomware', 'container-escape'];
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const TACTICS = ['initial-access', 'execution', 'persistence', 'privilege-escalation', 'defense-evasion', 'credential-access', 'discovery', 'collection', 'exfiltration', 'impact'];

function hex(n: number): string {
  return n.toString(16).padStart(32, '0');
}

function attackRow(i: number, timeMs: number, entities: { type: string; id: string; name: string }[], threats: string[]): FindingRow {
  const id = `atk-${hex(i)}`;
  const intent = INTENTS[i % INTENTS.length] as string;
  const severity = SEVERITIES[i % SEVERITIES.length] as string;
  const iso = new Date(timeMs).toISOString();
  return {
    kind: 'attack',
    id,
    timeMs,
    severity,
    intent,
    entities: entities.map((e) => `${e.type}:${e.id}`),
    doc: {
      id, intent, severity, score: 0.5 + (i % 50) / 100, techniques: ['T1190', 'T1496'], tactics: TACTICS.slice(i % 4, (i % 4) + 3),
      first_seen: iso, last_seen: iso, detected_at: iso, entities, threats, signals: [],
      explanation: `workload ${i} was used for ${intent}`, name: `Synthetic ${intent} ${i}`, rule: `Synthetic ${intent}`, key: `pod-${i}`,
    },
  };
}

export async function benchUi(options: UiBenchOptions): Promise<UiBenchResult> {
  let playwright: PlaywrightModule;
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('bench ui needs playwright-core, a development dependency: run `npm ci` (with the development dependencies)');
  }
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-ui-'));
  const service = await startService({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'data'), logger: false, detection: { rules: [], defaultRules: true, ruleMatching: 'first' }, retentionMs: 0 });
  const browser = await playwright.chromium.launch({ executablePath: options.chromium, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const token = service.createdToken as string;
    const t0 = performance.now();
    const now = Date.now();
    // The big story: threats each naming a share of the entities, entities chained by stated relations.
    const threatCount = Math.max(1, Math.round(options.storyNodes / 20));
    const entityCount = Math.max(1, options.storyNodes - threatCount - 1);
    const types = ['process', 'container', 'pod', 'node', 'ip', 's3-bucket', 'aws-role', 'file'];
    const entities: EntityRow[] = Array.from({ length: entityCount }, (_, k) => {
      const type = types[k % types.length] as string;
      return { key: `${type}:big-${k}`, type, id: `big-${k}`, name: `${type}-${k}`, firstMs: now - 3_600_000, lastMs: now - 60_000 };
    });
    const edges: EdgeRow[] = entities.slice(1).map((e, k) => ({ src: e.key, kind: 'runs-in', dst: (entities[Math.floor(k / 3)] as EntityRow).key, firstMs: now - 3_600_000, lastMs: now - 60_000 }));
    const threats: FindingRow[] = Array.from({ length: threatCount }, (_, k) => {
      const named = entities.filter((_, j) => j % threatCount === k).map((e) => ({ type: e.type, id: e.id, name: e.name }));
      const id = `thr-${hex(k)}`;
      const iso = new Date(now - 3_600_000 + k * 60_000).toISOString();
      return {
        kind: 'threat', id, timeMs: now - 3_600_000 + k * 60_000, severity: 'high', entities: named.map((e) => `${e.type}:${e.id}`),
        doc: { id, name: `Threat ${k}`, techniques: ['T1059'], tactics: [TACTICS[k % TACTICS.length]], severity: 'high', first_seen: iso, last_seen: iso, detected_at: iso, entities: named, signals: [], key: `k${k}` },
      };
    });
    const big = attackRow(options.attacks, now - 30_000, entities.slice(0, 5).map((e) => ({ type: e.type, id: e.id, name: e.name })), threats.map((x) => x.id));
    await service.store.putFindings([...threats, big], undefined, { evidence: [], entities, edges });
    for (let i = 0; i < options.attacks; i += 1000) {
      const rows: FindingRow[] = [];
      for (let k = i; k < Math.min(options.attacks, i + 1000); k++) {
        rows.push(attackRow(k, now - 7 * 86_400_000 + Math.floor((k * 7 * 86_400_000) / options.attacks), [{ type: 'pod', id: `shop/web-${k}`, name: `web-${k}` }, { type: 'container', id: hex(k).slice(-12), name: 'web' }, { type: 'image', id: 'docker.io/acme/web:1', name: 'docker.io/acme/web:1' }], []));
      }
      await service.store.putFindings(rows);
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    options.onProgress?.(`seeded ${options.attacks.toLocaleString('en-US')} attacks and a ${options.storyNodes}-node story in ${seedSeconds.toFixed(1)} s`);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Page scripts as text: they run in the browser, whose types this (Node) module does not have.
    await page.addInitScript({
      content: 'window.__long = []; new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({ type: "longtask", buffered: true });',
    });
    const rows = page.locator('[data-testid="attack-row"]');
    const longTasks = async (): Promise<number[]> => (await page.evaluate('window.__long')) as number[];
    let t = performance.now();
    await page.goto(`${service.url}/?token=${token}#/attacks`);
    await rows.nth(99).waitFor();
    const listMs = performance.now() - t;
    const beforePaging = (await longTasks()).length;
    const loads: number[] = [];
    for (let k = 1; k <= 9; k++) {
      t = performance.now();
      await page.getByRole('button', { name: 'Load more' }).click();
      await rows.nth(100 * (k + 1) - 1).waitFor();
      loads.push(performance.now() - t);
    }
    const rowsShown = await rows.count();
    const longestListTaskMs = Math.max(0, ...(await longTasks()).slice(beforePaging));
    options.onProgress?.(`attack list: first 100 rows in ${listMs.toFixed(0)} ms; ${rowsShown} rows after paging`);

    // A live change: an analyst acknowledges the newest attack elsewhere; the open list shows it.
    const newest = big.id;
    t = performance.now();
    await fetch(`${service.url}/api/v1/attacks/${newest}`, { method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ status: 'acknowledged' }) });
    await page.locator(`[data-testid="attack-row"][data-id="${newest}"] .status-acknowledged`).waitFor();
    const liveUpdateMs = performance.now() - t;

    t = performance.now();
    await page.goto(`${service.url}/#/overview`);
    await page.getByTestId('intent-ransomware').waitFor();
    await page.locator('[data-testid="funnel-attacks"] .stat-n').filter({ hasText: /\d/ }).waitFor();
    const overviewMs = performance.now() - t;

    const beforeStory = (await longTasks()).length;
    t = performance.now();
    await page.goto(`${service.url}/#/attacks/${big.id}`);
    await page.locator('[data-testid="graph"][data-ready="true"]').waitFor({ timeout: 120_000 });
    const storyMs = performance.now() - t;
    const longestStoryTaskMs = Math.max(0, ...(await longTasks()).slice(beforeStory));
    const storyGraphNodes = Number(await page.getByTestId('graph').getAttribute('data-nodes'));
    t = performance.now();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(0)))');
    const zoomMs = performance.now() - t;
    options.onProgress?.(`story: ${storyGraphNodes} nodes drawn in ${storyMs.toFixed(0)} ms`);

    const long = await longTasks();
    const heap = (await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : 0')) as number;
    return {
      attacks: options.attacks + 1,
      storyNodes: options.storyNodes,
      seedSeconds,
      listMs,
      loadMoreMeanMs: loads.reduce((a, b) => a + b, 0) / loads.length,
      loadMoreMaxMs: Math.max(...loads),
      rowsShown,
      liveUpdateMs,
      overviewMs,
      storyMs,
      storyGraphNodes,
      zoomMs,
      longestTaskMs: Math.max(0, ...long),
      longestListTaskMs,
      longestStoryTaskMs,
      totalBlockingMs: long.reduce((a, d) => a + Math.max(0, d - 50), 0),
      jsHeapMb: heap / 1e6,
    };
  } finally {
    await browser.close();
    await service.close();
    await rm(dir, { recursive: true, force: true });
  }
}
