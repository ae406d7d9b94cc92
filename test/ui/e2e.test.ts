/**
 * The web UI end to end, in Debian's Chromium: the real server, a simulated cryptojacking
 * attack replayed into it through the ingestion API while the attack list is open, then the
 * story, the raw evidence, and an analyst action checked through the API. Screenshots of the
 * overview, the list and the story go to test-artifacts/screenshots (not committed).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEFAULT_UI_DIR } from '../../src/api/server.js';
import { loadTelemetry, type TimedRecord } from '../../src/demo/telemetry.js';
import { replay } from '../../src/demo/replay.js';
import { SCENARIOS } from '../../src/sim/scenarios/index.js';
import { simulate } from '../../src/sim/simulate.js';
import { TELEMETRY_DIR } from '../../src/sim/writer.js';
import { launchChromium } from '../support/browser.js';
import { startTestService, type TestService } from '../support/start.js';

const SHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

interface ApiAttack {
  id: string;
  intent: string;
  tactics: string[];
  status: string;
  entities: { type: string; id: string; name?: string }[];
  signals: string[];
}

describe('web UI, end to end in Chromium', () => {
  let simDir: string;
  let records: TimedRecord[];

  before(async () => {
    assert.ok(existsSync(join(DEFAULT_UI_DIR, 'index.html')), 'the UI is built (npm test runs `npm run build:ui` first)');
    simDir = await mkdtemp(join(tmpdir(), 'vigil-ui-'));
    const scenario = SCENARIOS.find((s) => s.id === 'cryptojacking-webapp-rce');
    assert.ok(scenario);
    const startMs = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
    await simulate(simDir, { seed: 3, startMs, durationMs: 30 * 60_000, rate: 1, scenarios: [scenario] });
    records = await loadTelemetry(join(simDir, TELEMETRY_DIR));
    await mkdir(SHOTS, { recursive: true });
  });
  after(async () => {
    await rm(simDir, { recursive: true, force: true });
  });

  it('signs in, sees the attack appear live, reads its story down to the raw record, and acknowledges it', async (t) => {
    const browser = await launchChromium(t);
    if (browser === undefined) return;
    let svc: TestService | undefined;
    const problems: string[] = [];
    try {
      svc = await startTestService(t, 'sqlite');
      assert.ok(svc);
      const { service, token } = svc;
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

      // Sign in through the form (a wrong token first: it is refused with a message).
      await page.goto(`${service.url}/`);
      await page.getByLabel('API token').fill('vgl_not-a-real-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
      problems.length = 0; // the 401 of the refused token is logged by the browser, as it should be
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Overview', exact: true, level: 1 }).waitFor();
      await page.getByTestId('live').filter({ hasText: 'live' }).waitFor();

      // The attack list is open and empty; the attack arrives while we watch.
      await page.goto(`${service.url}/#/attacks`);
      await page.getByRole('heading', { name: 'Attacks', exact: true, level: 1 }).waitFor();
      await page.getByText('No attack matches').waitFor();
      const sent = await replay(records, { baseUrl: service.url, token, speed: 3000, tickMs: 50 });
      assert.equal(sent.sent, records.length);
      assert.equal(sent.rejected, 0);
      const row = page.locator('[data-testid="attack-row"][data-intent="cryptojacking"]');
      await row.first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(SHOTS, 'attack-list.png'), fullPage: true });

      const list = (await (await fetch(`${service.url}/api/v1/attacks?intent=cryptojacking`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { items: ApiAttack[] };
      const attack = list.items[0];
      assert.ok(attack, 'the API lists the attack the UI shows');
      assert.equal(await row.first().getAttribute('data-id'), attack.id);

      // The story: kill chain, graph nodes for the key entities, the timeline with raw evidence.
      await row.first().getByRole('link').first().click();
      await page.getByTestId('story').waitFor();
      for (const tactic of attack.tactics) {
        assert.match((await page.locator(`[data-testid="killchain"] [data-tactic="${tactic}"]`).getAttribute('class')) ?? '', /\bon\b/, `tactic ${tactic} is marked reached`);
      }
      const story = (await (await fetch(`${service.url}/api/v1/attacks/${attack.id}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { threats: { tactics: string[] }[] };
      const reached = new Set([...attack.tactics, ...story.threats.flatMap((x) => x.tactics)]);
      assert.equal(await page.locator('[data-testid="killchain"] .tactic.on').count(), reached.size, 'exactly the tactics of the attack and its threats are marked');
      const nodes = page.getByTestId('graph-nodes');
      for (const type of ['pod', 'container', 'image']) {
        const e = attack.entities.find((x) => x.type === type);
        assert.ok(e, `the attack names a ${type}`);
        await nodes.getByRole('link', { name: new RegExp(escape(e.name ?? e.id)) }).first().waitFor();
      }
      const canvasNodes = Number(await page.getByTestId('graph').getAttribute('data-nodes'));
      assert.ok(canvasNodes >= attack.entities.length, `the graph draws ${canvasNodes} nodes, at least the attack's ${attack.entities.length} entities`);
      assert.match((await page.getByTestId('explanation').textContent()) ?? '', /\S/);
      const timeline = page.getByTestId('timeline');
      assert.ok((await timeline.locator('li').count()) >= attack.signals.length, 'every signal is on the timeline');
      const evidence = timeline.getByRole('button', { name: /Show raw record/ }).first();
      const seq = /record #(\d+)/.exec((await evidence.textContent()) ?? '')?.[1];
      assert.ok(seq !== undefined, 'the evidence names its stored record');
      await evidence.click();
      const raw = page.getByTestId('raw-record').first();
      await raw.waitFor();
      const stored = (await (await fetch(`${service.url}/api/v1/records/${seq}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { record: unknown };
      assert.deepEqual(JSON.parse((await raw.textContent()) ?? ''), stored.record, 'the raw record is shown, pretty-printed, as stored');
      assert.match((await raw.textContent()) ?? '', /\n {2}"/, 'indented');
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(SHOTS, 'attack-story.png'), fullPage: true });

      // Acknowledge it, and check through the API that it persisted.
      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByText('Marked acknowledged.').waitFor();
      const after = (await (await fetch(`${service.url}/api/v1/attacks/${attack.id}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { attack: ApiAttack };
      assert.equal(after.attack.status, 'acknowledged');

      // The overview counts it.
      await page.goto(`${service.url}/#/overview`);
      await page.getByTestId('intent-cryptojacking').waitFor();
      await waitForText(page, '[data-testid="status-acknowledged"] .stat-n', /^[1-9]/);
      await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });

      // Every other page, through the navigation, with what it must show.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Threats' }).click();
      await page.getByTestId('threats-list').locator('tbody tr').first().waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Signals' }).click();
      await page.getByTestId('signals-list').locator('tbody tr').first().waitFor();
      const rows = page.getByTestId('signals-list').locator('tbody tr');
      await rows.first().waitFor();
      const all = await rows.count();
      const rule = ((await rows.last().locator('td').nth(1).textContent()) ?? '').trim();
      await page.getByLabel('Search (rule, name, output, entity)').fill(rule.toUpperCase());
      await page.getByRole('button', { name: 'Search' }).click();
      // The search reloads the list: wait for the rows to be only those naming the rule.
      let found: string[] = [];
      for (let i = 0; i < 50; i++) {
        found = await rows.allTextContents();
        if (found.length > 0 && found.every((x) => x.includes(rule))) break;
        await page.waitForTimeout(100);
      }
      assert.ok(found.length > 0 && found.length <= all && found.every((x) => x.includes(rule)), `searching "${rule}" finds its signals only: ${found.length} rows`);
      await page.getByTestId('signals-list').locator('tbody tr a').first().click();
      await page.getByRole('button', { name: /Show raw record/ }).click();
      await page.getByTestId('raw-record').waitFor();
      const pod = attack.entities.find((x) => x.type === 'pod');
      assert.ok(pod);
      await page.goto(`${service.url}/#/entities/pod/${pod.id}`);
      await page.getByRole('heading', { name: /Attacks \(1\)/ }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Entities' }).click();
      await page.getByRole('heading', { name: 'Entities', exact: true, level: 1 }).waitFor();
      // A file's id starts with a slash: its link must still open it.
      await page.getByLabel('Type').selectOption('file');
      const fileRow = page.locator('table.list tbody tr').filter({ has: page.locator('td.mono', { hasText: /^\// }) }).first();
      await fileRow.waitFor();
      const path = ((await fileRow.locator('td.mono').textContent()) ?? '').trim();
      await fileRow.locator('a.entity').click();
      await page.getByRole('heading', { name: new RegExp(`file ${escape(path)}`) }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Coverage' }).click();
      await page.locator('[data-testid="matrix"] .cell-seen').first().waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
      await page.getByTestId('rules-list').locator('tbody tr').first().waitFor();
      assert.deepEqual(problems, [], 'no errors in the browser console');
    } finally {
      await browser.close();
      await svc?.stop();
    }
  });

  it('works from the keyboard alone: sign in, reach an attack, act on it', async (t) => {
    const browser = await launchChromium(t);
    if (browser === undefined) return;
    const svc = await startTestService(t, 'sqlite');
    try {
      assert.ok(svc);
      const { service, token } = svc;
      await replay(records, { baseUrl: service.url, token, speed: 3000, tickMs: 50 });
      await service.processor.idle();
      const page = await browser.newPage();
      await page.goto(`${service.url}/`);
      // The sign-in field has the focus; Enter submits.
      await page.getByLabel('API token').waitFor();
      assert.equal(await page.evaluate('document.activeElement.name'), 'token');
      await page.keyboard.type(token);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Overview', exact: true, level: 1 }).waitFor();
      // A new page puts the focus on its heading; the navigation and the skip link are before it.
      const focused = async (): Promise<string> => page.evaluate('document.activeElement ? document.activeElement.textContent.trim() : ""') as Promise<string>;
      assert.equal(await focused(), 'Overview');
      let steps = 0;
      while ((await focused()) !== 'Skip to content' && steps++ < 20) await page.keyboard.press('Shift+Tab');
      assert.equal(await focused(), 'Skip to content');
      // The skip link moves the focus to the content and leaves the page (the hash holds the route).
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate('document.activeElement.id'), 'main');
      await page.getByRole('heading', { name: 'Overview', exact: true, level: 1 }).waitFor();
      assert.match(page.url(), /#\/overview$|\/$/);
      await page.keyboard.press('Shift+Tab');
      steps = 0;
      while ((await focused()) !== 'Skip to content' && steps++ < 20) await page.keyboard.press('Shift+Tab');
      steps = 0;
      while ((await focused()) !== 'Attacks' && steps++ < 10) await page.keyboard.press('Tab');
      assert.equal(await focused(), 'Attacks', 'the navigation is reachable with Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Attacks', exact: true, level: 1 }).waitFor();
      await page.locator('[data-testid="attack-row"]').first().waitFor();
      // Into the list: the first attack's link, then its story.
      const name = ((await page.locator('[data-testid="attack-row"] a.strong').first().textContent()) ?? '').trim();
      steps = 0;
      while ((await focused()) !== name && steps++ < 60) await page.keyboard.press('Tab');
      assert.equal(await focused(), name, 'the attack link is reachable with Tab');
      await page.keyboard.press('Enter');
      await page.getByTestId('story').waitFor();
      steps = 0;
      while ((await focused()) !== 'Resolve' && steps++ < 80) await page.keyboard.press('Tab');
      assert.equal(await focused(), 'Resolve', 'the actions are reachable with Tab');
      await page.keyboard.press('Enter');
      await page.getByText('Marked resolved.').waitFor();
    } finally {
      await browser.close();
      await svc?.stop();
    }
  });

  it('takes the token from the printed link, drops it from the address bar, and signs out on a revoked token', async (t) => {
    const browser = await launchChromium(t);
    if (browser === undefined) return;
    const svc = await startTestService(t, 'sqlite');
    try {
      assert.ok(svc);
      const page = await browser.newPage();
      await page.goto(`${svc.service.url}/?token=${svc.token}#/rules`);
      await page.getByRole('heading', { name: 'Rules', exact: true, level: 1 }).waitFor();
      assert.doesNotMatch(page.url(), /token=/);
      await page.getByTestId('rules-list').locator('tbody tr').first().waitFor();
      assert.ok((await page.getByTestId('rules-list').locator('tbody tr').count()) > 50, 'the loaded rules are listed');
      // A second, viewer token is revoked while in use: the next call signs the user out.
      const created = (await (await fetch(`${svc.service.url}/api/v1/tokens`, { method: 'POST', headers: { Authorization: `Bearer ${svc.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'ui-viewer', role: 'viewer' }) })).json()) as { id: string; token: string };
      const viewer = await browser.newPage();
      await viewer.goto(`${svc.service.url}/?token=${created.token}#/coverage`);
      await viewer.getByTestId('matrix').waitFor();
      await fetch(`${svc.service.url}/api/v1/tokens/${created.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${svc.token}` } });
      await viewer.goto(`${svc.service.url}/#/attacks`);
      await viewer.getByLabel('API token').waitFor();
    } finally {
      await browser.close();
      await svc?.stop();
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function waitForText(page: Page, selector: string, re: RegExp): Promise<void> {
  const deadline = Date.now() + 15_000;
  let text = '';
  while (Date.now() < deadline) {
    text = (await page.locator(selector).first().textContent()) ?? '';
    if (re.test(text)) return;
    await page.waitForTimeout(200);
  }
  assert.fail(`${selector} still reads ${JSON.stringify(text)}, not ${re}`);
}
