/**
 * One behavioural contract for every store adapter: the same cases run against SQLite (a temp
 * data folder) and the real PostgreSQL of the machine (a schema of their own).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { FindingRow, Store } from '../../src/store/port.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { requirePostgres, TEST_DATABASE_URL, testSchema } from '../support/services.js';

interface Adapter {
  readonly name: string;
  /** A fresh, migrated store, or undefined when the test was skipped. */
  open(t: TestContext): Promise<{ store: Store; reopen: () => Promise<Store>; cleanup: () => Promise<void> } | undefined>;
}

const ADAPTERS: Adapter[] = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-store-'));
      const store = new SqliteStore(dir);
      await store.migrate();
      const opened: Store[] = [store];
      return {
        store,
        reopen: async () => {
          const s = new SqliteStore(dir);
          await s.migrate();
          opened.push(s);
          return s;
        },
        cleanup: async () => {
          for (const s of opened) await s.close().catch(() => undefined);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    open: async (t) => {
      if (!(await requirePostgres(t))) return undefined;
      const schema = testSchema('vigil_contract');
      const store = new PostgresStore({ url: TEST_DATABASE_URL, schema });
      await store.migrate();
      const opened: PostgresStore[] = [store];
      return {
        store,
        reopen: async () => {
          const s = new PostgresStore({ url: TEST_DATABASE_URL, schema });
          await s.migrate();
          opened.push(s);
          return s;
        },
        cleanup: async () => {
          for (const s of opened) await s.close().catch(() => undefined);
          const dropper = new PostgresStore({ url: TEST_DATABASE_URL, schema });
          await dropper.dropSchema();
          await dropper.close();
        },
      };
    },
  },
];

function attack(id: string, timeMs: number, severity: string, intent: string, entities: { type: string; id: string }[]): FindingRow {
  return {
    kind: 'attack',
    id,
    timeMs,
    severity,
    intent,
    entities: entities.map((e) => `${e.type}:${e.id}`),
    doc: { id, intent, severity, entities: entities.map((e) => ({ ...e, name: e.id })) },
  };
}

for (const adapter of ADAPTERS) {
  describe(`store contract: ${adapter.name}`, () => {
    async function withStore(t: TestContext, body: (s: Store, reopen: () => Promise<Store>) => Promise<void>): Promise<void> {
      const opened = await adapter.open(t);
      if (opened === undefined) return;
      try {
        await body(opened.store, opened.reopen);
      } finally {
        await opened.cleanup();
      }
    }

    test('one server at a time holds the store', (t) => withStore(t, async (s, reopen) => {
      await s.lockWriter();
      await s.lockWriter();
      const other = await reopen();
      await assert.rejects(other.lockWriter(), /another Vigil server/);
      await s.close();
      await other.lockWriter();
    }));

    test('migrations apply once and report the schema version', (t) => withStore(t, async (s, reopen) => {
      const again = await s.migrate();
      assert.equal(again, 3);
      const other = await reopen();
      assert.equal(await other.migrate(), 3);
    }));

    test('records get increasing seqs, are read back in order and survive a reopen', (t) => withStore(t, async (s, reopen) => {
      const first = await s.appendRecords([
        { source: 'tetragon', receivedMs: 1000, text: '{"a":1}' },
        { source: 'cloudtrail', receivedMs: 1000, text: '{"b":"é ✓"}' },
      ]);
      const second = await s.appendRecords([{ source: 'k8saudit', receivedMs: 5000, text: '{"c":3}' }], { 'watch:a.log': '{"offset":7}' });
      assert.equal(await s.getValue('watch:a.log'), '{"offset":7}', 'values land with the records');
      assert.equal(first.length, 2);
      assert.ok((first[0] as number) < (first[1] as number) && (first[1] as number) < (second[0] as number));
      const all = await s.readRecords(0, 10);
      assert.deepEqual(all.map((r) => r.text), ['{"a":1}', '{"b":"é ✓"}', '{"c":3}']);
      assert.deepEqual(all.map((r) => r.source), ['tetragon', 'cloudtrail', 'k8saudit']);
      assert.deepEqual((await s.readRecords(first[0] as number, 1)).map((r) => r.seq), [first[1]]);
      assert.equal((await s.getRecord(second[0] as number))?.receivedMs, 5000);
      assert.equal(await s.getRecord(999_999), undefined);
      const other = await reopen();
      assert.equal(await other.countRecords(), 3);
      // Only processed records older than the retention go.
      assert.equal(await other.pruneRecords(2000, first[0] as number), 1);
      assert.deepEqual((await other.readRecords(0, 10)).map((r) => r.seq), [first[1], second[0]]);
    }));

    test('findings upsert by id, keep analyst state, and commit their checkpoint with them', (t) => withStore(t, async (s) => {
      await s.putFindings([attack('a1', 100, 'high', 'cryptojacking', [{ type: 'pod', id: 'default/web' }])], { processed: '10' });
      assert.equal(await s.getValue('processed'), '10');
      const state = await s.setState('attack', 'a1', { status: 'acknowledged', assignee: 'ana' }, 500);
      assert.deepEqual(state, { status: 'acknowledged', assignee: 'ana', updatedMs: 500 });
      await s.putFindings([attack('a1', 100, 'critical', 'cryptojacking', [{ type: 'pod', id: 'default/web' }, { type: 'node', id: 'n1' }])], { processed: '20' });
      const got = await s.getFinding('attack', 'a1');
      assert.equal(got?.severity, 'critical');
      assert.equal(got?.state.status, 'acknowledged');
      assert.equal(got?.state.assignee, 'ana');
      assert.deepEqual(got?.entities, ['pod:default/web', 'node:n1']);
      assert.equal(await s.getValue('processed'), '20');
      assert.equal(await s.countFindings('attack'), 1);
      assert.equal(await s.countFindings('threat'), 0);
      assert.equal(await s.setState('attack', 'nope', { status: 'resolved' }, 1), undefined);
      assert.equal((await s.setState('attack', 'a1', { assignee: null }, 600))?.status, 'acknowledged');
    }));

    test('lists filter by time, severity, intent, status and entity, newest first, page by cursor', (t) => withStore(t, async (s) => {
      const rows: FindingRow[] = [];
      for (let i = 0; i < 25; i++) {
        rows.push(attack(`a${String(i).padStart(2, '0')}`, 1000 + Math.floor(i / 2) * 10, i % 3 === 0 ? 'critical' : 'high', i % 2 === 0 ? 'ransomware' : 'cryptojacking', [
          { type: 'aws-role', id: i < 5 ? 'arn:aws:iam::1:role/web' : 'arn:aws:iam::1:role/other' },
        ]));
      }
      await s.putFindings(rows);
      await s.setState('attack', 'a03', { status: 'resolved' }, 1);
      const pages: string[][] = [];
      let after: { timeMs: number; id: string } | undefined;
      for (;;) {
        const page = await s.listFindings({ kind: 'attack', limit: 7, ...(after === undefined ? {} : { after }) });
        if (page.length === 0) break;
        pages.push(page.map((r) => r.id));
        const last = page[page.length - 1];
        after = last === undefined ? undefined : { timeMs: last.timeMs, id: last.id };
      }
      const flat = pages.flat();
      assert.equal(flat.length, 25);
      assert.equal(new Set(flat).size, 25);
      const expected = [...rows].sort((a, b) => b.timeMs - a.timeMs || (a.id < b.id ? 1 : -1)).map((r) => r.id);
      assert.deepEqual(flat, expected);
      const ids = async (q: Partial<Parameters<Store['listFindings']>[0]>): Promise<string[]> =>
        (await s.listFindings({ kind: 'attack', limit: 100, ...q })).map((r) => r.id).sort();
      assert.deepEqual(await ids({ severity: ['critical'], intent: ['ransomware'] }), ['a00', 'a06', 'a12', 'a18', 'a24']);
      assert.deepEqual(await ids({ sinceMs: 1110, untilMs: 1120 }), ['a22', 'a23']);
      assert.deepEqual(await ids({ status: ['resolved'] }), ['a03']);
      assert.deepEqual(await ids({ entity: 'aws-role:arn:aws:iam::1:role/web' }), ['a00', 'a01', 'a02', 'a03', 'a04']);
      // An id alone, colons and all, matches any type.
      assert.deepEqual(await ids({ entity: 'arn:aws:iam::1:role/web' }), ['a00', 'a01', 'a02', 'a03', 'a04']);
      assert.deepEqual(await ids({ entity: 'pod:arn:aws:iam::1:role/web' }), []);
      assert.deepEqual((await s.getFindings('attack', ['a07', 'missing', 'a01'])).map((r) => r.id), ['a07', 'a01']);
    }));

    test('summaries count findings by kind, intent, severity and status, and records by source, over a period', (t) => withStore(t, async (s) => {
      await s.appendRecords([
        { source: 'tetragon', receivedMs: 1000, text: '{}' },
        { source: 'tetragon', receivedMs: 1500, text: '{}' },
        { source: 'cloudtrail', receivedMs: 1500, text: '{}' },
        { source: 'tetragon', receivedMs: 9000, text: '{}' },
      ]);
      await s.putFindings([
        attack('a1', 1100, 'critical', 'ransomware', []),
        attack('a2', 1200, 'critical', 'ransomware', []),
        attack('a3', 1300, 'high', 'cryptojacking', []),
        attack('a4', 9100, 'high', 'cryptojacking', []),
        { kind: 'signal', id: 's1', timeMs: 1050, severity: 'Warning', entities: [], doc: { id: 's1', rule: 'Shell in container' } },
      ]);
      await s.setState('attack', 'a2', { status: 'acknowledged' }, 5);
      const sum = await s.summarize(1000, 2000);
      const findings = [...sum.findings].map((f) => `${f.kind} ${f.intent ?? '-'} ${f.severity} ${f.status} ${f.n}`).sort();
      assert.deepEqual(findings, [
        'attack cryptojacking high open 1',
        'attack ransomware critical acknowledged 1',
        'attack ransomware critical open 1',
        'signal - Warning open 1',
      ]);
      assert.deepEqual([...sum.records].map((r) => `${r.source} ${r.n}`).sort(), ['cloudtrail 1', 'tetragon 2']);
      const empty = await s.summarize(20_000, 30_000);
      assert.deepEqual(empty, { findings: [], records: [] });
    }));

    test('lists search the findings\' text, case-insensitively, with LIKE\'s own characters taken literally', (t) => withStore(t, async (s) => {
      await s.putFindings([
        { kind: 'signal', id: 's1', timeMs: 1, severity: 'Warning', entities: [], doc: { id: 's1', rule: 'Shell in Container', output: 'bash spawned (user=root)' } },
        { kind: 'signal', id: 's2', timeMs: 2, severity: 'Notice', entities: [], doc: { id: 's2', rule: 'Read of 100%_secret', output: 'cat' } },
        { kind: 'signal', id: 's3', timeMs: 3, severity: 'Notice', entities: [], doc: { id: 's3', rule: 'Read of 1000 secrets', output: 'cat' } },
      ]);
      const ids = async (text: string): Promise<string[]> => (await s.listFindings({ kind: 'signal', text, limit: 10 })).map((r) => r.id).sort();
      assert.deepEqual(await ids('shell in container'), ['s1']);
      assert.deepEqual(await ids('USER=ROOT'), ['s1']);
      assert.deepEqual(await ids('100%_'), ['s2'], '% and _ are not wildcards');
      assert.deepEqual(await ids('read of'), ['s2', 's3']);
      assert.deepEqual(await ids('nothing like it'), []);
    }));

    test('evidence records outlive the retention; the entity graph is merged over time', (t) => withStore(t, async (s) => {
      const seqs = await s.appendRecords([1, 2, 3].map((i) => ({ source: 'tetragon' as const, receivedMs: 1000, text: `{"n":${i}}` })));
      const graph = {
        evidence: [seqs[1] as number],
        entities: [
          { key: 'pod:shop/web-1', type: 'pod', id: 'shop/web-1', name: 'web-1', firstMs: 50, lastMs: 60 },
          { key: 'node:n1', type: 'node', id: 'n1', name: 'n1', firstMs: 50, lastMs: 50 },
          { key: 'aws-role:arn:aws:iam::1:role/Web_Admin', type: 'aws-role', id: 'arn:aws:iam::1:role/Web_Admin', name: 'Web_Admin', firstMs: 40, lastMs: 40 },
        ],
        edges: [{ src: 'pod:shop/web-1', kind: 'runs-in', dst: 'node:n1', firstMs: 50, lastMs: 60 }],
      };
      await s.putFindings([], { processed_seq: String(seqs[2]) }, graph);
      await s.putFindings([], undefined, {
        evidence: [],
        entities: [{ key: 'pod:shop/web-1', type: 'pod', id: 'shop/web-1', name: 'web-1', firstMs: 10, lastMs: 90 }],
        edges: [{ src: 'pod:shop/web-1', kind: 'runs-in', dst: 'node:n1', firstMs: 5, lastMs: 55 }],
      });
      assert.equal(await s.pruneRecords(2000, seqs[2] as number), 2, 'only the records no signal rests on');
      assert.deepEqual((await s.readRecords(0, 10)).map((r) => r.seq), [seqs[1]]);
      assert.deepEqual(await s.getEntity('pod:shop/web-1'), { key: 'pod:shop/web-1', type: 'pod', id: 'shop/web-1', name: 'web-1', firstMs: 10, lastMs: 90 });
      assert.equal(await s.getEntity('pod:other'), undefined);
      assert.deepEqual((await s.listEntities({ limit: 10 })).map((e) => e.key), ['pod:shop/web-1', 'node:n1', 'aws-role:arn:aws:iam::1:role/Web_Admin']);
      assert.deepEqual((await s.listEntities({ limit: 10, type: 'node' })).map((e) => e.key), ['node:n1']);
      assert.deepEqual((await s.listEntities({ limit: 10, q: 'web_a' })).map((e) => e.key), ['aws-role:arn:aws:iam::1:role/Web_Admin'], 'a part of the name, any case, _ taken literally');
      assert.deepEqual((await s.listEntities({ limit: 10, q: 'we%' })).map((e) => e.key), [], '% taken literally');
      const page1 = await s.listEntities({ limit: 2 });
      const last = page1[1];
      assert.ok(last !== undefined);
      assert.deepEqual((await s.listEntities({ limit: 2, after: { lastMs: last.lastMs, key: last.key } })).map((e) => e.key), ['aws-role:arn:aws:iam::1:role/Web_Admin']);
      assert.deepEqual(await s.edgesOf(['node:n1'], 10), [{ src: 'pod:shop/web-1', kind: 'runs-in', dst: 'node:n1', firstMs: 5, lastMs: 60 }]);
      assert.deepEqual(await s.edgesOf(['aws-role:x'], 10), []);
    }));

    test('notes are kept per finding in order', (t) => withStore(t, async (s) => {
      await s.putFindings([attack('a1', 1, 'low', 'ransomware', [])]);
      await s.addNote('attack', 'a1', 'ana', 'looked at it', 10);
      await s.addNote('attack', 'a1', 'bo', 'false alarm? no', 20);
      assert.deepEqual((await s.notes('attack', 'a1')).map((n) => [n.author, n.text, n.createdMs]), [['ana', 'looked at it', 10], ['bo', 'false alarm? no', 20]]);
      assert.deepEqual(await s.notes('attack', 'other'), []);
    }));

    test('tokens are found by hash until revoked, by id or name', (t) => withStore(t, async (s) => {
      await s.createToken({ id: 't1', name: 'falco', role: 'ingest', hash: 'h1', createdMs: 1 });
      await s.createToken({ id: 't2', name: 'ana', role: 'analyst', hash: 'h2', createdMs: 2 });
      assert.equal((await s.tokenByHash('h1'))?.role, 'ingest');
      await assert.rejects(s.createToken({ id: 't3', name: 'dup', role: 'viewer', hash: 'h1', createdMs: 3 }));
      assert.equal(await s.revokeToken('falco', 9), true);
      assert.equal(await s.revokeToken('falco', 10), false);
      assert.equal(await s.tokenByHash('h1'), undefined);
      assert.equal(await s.revokeToken('t2', 11), true);
      assert.deepEqual((await s.listTokens()).map((r) => [r.id, r.revokedMs]), [['t1', 9], ['t2', 11]]);
    }));

    test('suppressions are kept once per (kind, rule, subject) and can be removed', (t) => withStore(t, async (s) => {
      await s.addSuppression({ kind: 'signal', rule: 'Shell in container', subject: 'container:abc', findingId: 'sig-1', actor: 't1', createdMs: 5 });
      await s.addSuppression({ kind: 'signal', rule: 'Shell in container', subject: 'container:abc', findingId: 'sig-2', actor: 't1', createdMs: 6 });
      await s.addSuppression({ kind: 'attack', rule: 'Cryptojacking', subject: 'container:abc', findingId: 'atk-1', actor: 't2', createdMs: 7 });
      const list = await s.listSuppressions();
      assert.deepEqual(list.map((x) => [x.kind, x.rule, x.subject, x.findingId]), [['signal', 'Shell in container', 'container:abc', 'sig-1'], ['attack', 'Cryptojacking', 'container:abc', 'atk-1']]);
      assert.equal(await s.removeSuppression(list[0]?.id ?? -1), true);
      assert.equal(await s.removeSuppression(list[0]?.id ?? -1), false);
      assert.equal((await s.listSuppressions()).length, 1);
    }));

    test('the audit log keeps actions newest first', (t) => withStore(t, async (s) => {
      await s.audit({ timeMs: 1, actor: 't1', action: 'status', target: 'attack:a1', detail: { status: 'resolved' } });
      await s.audit({ timeMs: 2, actor: 'cli', action: 'token.create', target: 'token:t2' });
      const log = await s.auditLog(10);
      assert.deepEqual(log.map((e) => e.action), ['token.create', 'status']);
      assert.deepEqual(log[1]?.detail, { status: 'resolved' });
    }));
  });
}
