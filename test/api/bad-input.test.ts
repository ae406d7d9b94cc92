/**
 * Bad input against the running server, on SQLite and on PostgreSQL: every kind of broken
 * request gets the right 4xx with a clear message, the server keeps serving, and the valid
 * records of a mixed batch are kept.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { readStream, STORE_KINDS } from '../support/live.js';
import { startTestService } from '../support/start.js';

const TETRAGON_EXEC = (n: number): string =>
  JSON.stringify({
    process_exec: {
      process: {
        exec_id: `bm9kZToxOjEyMzQ${n}`,
        pid: 1000 + n,
        uid: 0,
        cwd: '/',
        binary: '/usr/bin/curl',
        arguments: `http://example.test/${n}`,
        flags: 'execve clone',
        start_time: `2026-11-03T08:00:0${n % 10}.000000000Z`,
        auid: 4294967295,
        parent_exec_id: 'bm9kZToxOjEw',
      },
    },
    node_name: 'node-1',
    time: `2026-11-03T08:00:0${n % 10}.000000000Z`,
  });

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

for (const kind of STORE_KINDS) {
  describe(`bad input against the running server (${kind})`, () => {
    test('each broken request gets its 4xx and a clear message; the server keeps serving', async (t) => {
      const svc = await startTestService(t, kind, { limits: { maxBytes: 64 * 1024, maxRecords: 100, maxDepth: 16 }, maxBacklog: 5 });
      if (svc === undefined) return;
      const { service, token } = svc;
      const call = async (method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string>; auth?: string | null } = {}): Promise<Reply> => {
        const auth = init.auth === undefined ? token : init.auth;
        const res = await fetch(`${service.url}${path}`, {
          method,
          headers: { ...(auth === null ? {} : { Authorization: `Bearer ${auth}` }), ...init.headers },
          ...(init.body === undefined ? {} : { body: init.body }),
        });
        const text = await res.text();
        return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
      };
      const ingest = (body: string | Buffer, headers: Record<string, string> = { 'Content-Type': 'application/x-ndjson' }, auth?: string | null): Promise<Reply> =>
        call('POST', '/api/v1/ingest/tetragon', { body, headers, ...(auth === undefined ? {} : { auth }) });
      const message = (r: Reply): string => String((r.body['error'] as { message?: string } | undefined)?.message ?? '');
      try {
        const cases: [string, () => Promise<Reply>, number, RegExp][] = [
          ['malformed JSON', () => ingest('{"process_exec": {', { 'Content-Type': 'application/json' }), 400, /not valid JSON/],
          ['wrong content type', () => ingest(TETRAGON_EXEC(1), { 'Content-Type': 'text/html' }), 415, /Content-Type must be one of/],
          ['form body', () => ingest('a=b', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, /Content-Type/],
          ['oversized body', () => ingest(`${TETRAGON_EXEC(1)}\n`.repeat(200)), 413, /large/i],
          ['oversized once decompressed', () => ingest(gzipSync(`${TETRAGON_EXEC(2)}\n`.repeat(400)), { 'Content-Type': 'application/x-ndjson', 'Content-Encoding': 'gzip' }), 413, /decompressed/],
          ['not gzip', () => ingest('plain', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }), 400, /gzip/],
          ['unknown encoding', () => ingest(TETRAGON_EXEC(1), { 'Content-Type': 'application/json', 'Content-Encoding': 'br' }), 415, /Content-Encoding/],
          ['deeply nested', () => ingest(`{"process_exec":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`, { 'Content-Type': 'application/json' }), 400, /nested deeper than 16/],
          ['nested arrays, 30 000 deep', () => ingest(`${'['.repeat(30_000)}${']'.repeat(30_000)}`, { 'Content-Type': 'application/json' }), 400, /JSON object/],
          ['invalid UTF-8', () => ingest(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { 'Content-Type': 'application/json' }), 400, /UTF-8/],
          ['a number, not a record', () => ingest('42', { 'Content-Type': 'application/json' }), 400, /JSON object/],
          ['wrong types', () => ingest(JSON.stringify({ process_exec: { process: 'curl' }, node_name: 'n', time: '2026-11-03T08:00:00Z' }), { 'Content-Type': 'application/json' }), 400, /process/],
          ['too many records', () => ingest(`[${Array.from({ length: 101 }, () => '{}').join(',')}]`, { 'Content-Type': 'application/json' }), 413, /at most 100/],
          ['empty body', () => ingest('', { 'Content-Type': 'application/json' }), 400, /body/],
          ['missing auth', () => ingest(TETRAGON_EXEC(1), undefined, null), 401, /bearer token/],
          ['unknown token', () => ingest(TETRAGON_EXEC(1), undefined, 'vgl_not-a-real-token'), 401, /bearer token/],
          ['bad limit', () => call('GET', '/api/v1/attacks?limit=0'), 400, /limit/],
          ['unknown filter', () => call('GET', '/api/v1/attacks?colour=red'), 400, /additional/],
          ['parameters where none are taken', () => call('GET', '/api/v1/rules?all=1'), 400, /additional/],
          ['unknown ingestion parameter', () => call('POST', '/api/v1/ingest/falco?debug=1', { body: '{}', headers: { 'Content-Type': 'application/json' } }), 400, /additional/],
          ['bad cursor', () => call('GET', '/api/v1/attacks?cursor=nonsense'), 400, /cursor/],
          ['bad time', () => call('GET', '/api/v1/signals?since=yesterday'), 400, /RFC 3339/],
          ['bad status', () => call('PATCH', '/api/v1/attacks/x', { body: '{"status":"done"}', headers: { 'Content-Type': 'application/json' } }), 400, /status/],
          ['unknown attack', () => call('PATCH', '/api/v1/attacks/nope', { body: '{"status":"resolved"}', headers: { 'Content-Type': 'application/json' } }), 404, /no attack nope/],
          ['unknown route', () => call('GET', '/api/v1/nothing'), 404, /no route/],
        ];
        for (const [name, run, status, pattern] of cases) {
          const r = await run();
          assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`);
          assert.match(message(r), pattern, name);
          assert.equal(typeof (r.body['error'] as { code?: unknown }).code, 'string', `${name} has a code`);
        }
        assert.equal((await call('POST', '/api/v1/ingest/tetragon', { body: TETRAGON_EXEC(1), headers: { 'Content-Type': 'application/json' }, auth: null })).headers.get('www-authenticate'), 'Bearer');

        // A mixed batch: the good records are kept, each bad one is named by index and line.
        const mixed = [TETRAGON_EXEC(1), '{"process_exec": ', TETRAGON_EXEC(2), '{"neither":"tetragon"}', TETRAGON_EXEC(3)].join('\n');
        const r = await ingest(mixed);
        assert.equal(r.status, 202, JSON.stringify(r.body));
        assert.equal(r.body['accepted'], 3);
        assert.equal(r.body['rejected'], 2);
        const errors = r.body['errors'] as { index: number; line: number; message: string }[];
        assert.deepEqual(errors.map((e) => [e.index, e.line]), [[1, 2], [3, 4]]);
        assert.match(errors[0]?.message ?? '', /invalid JSON on line 2/);
        assert.match(errors[1]?.message ?? '', /RECORD_UNRECOGNISED/);
        const stored = await call('GET', '/api/v1/records?limit=100');
        const execIds = (stored.body['items'] as { record: { process_exec: { process: { exec_id: string } } } }[]).map((i) => i.record.process_exec.process.exec_id);
        assert.deepEqual(execIds, ['bm9kZToxOjEyMzQ1', 'bm9kZToxOjEyMzQ2', 'bm9kZToxOjEyMzQ3']);

        // Falco's http_output sends no headers: ingestion takes the token in the URL, nothing else does.
        const viaQuery = await fetch(`${service.url}/api/v1/ingest/tetragon?token=${token}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: TETRAGON_EXEC(8) });
        assert.equal(viaQuery.status, 202);
        assert.equal((await fetch(`${service.url}/api/v1/attacks?token=${token}`)).status, 401, 'no token in query strings elsewhere');
        assert.equal((await fetch(`${service.url}/api/v1/stream?token=${token}`)).status, 401);

        // Roles: a viewer cannot ingest, an ingest token cannot read, a viewer cannot change state.
        const made = async (role: string): Promise<string> => {
          const res = await call('POST', '/api/v1/tokens', { body: JSON.stringify({ name: `t-${role}`, role }), headers: { 'Content-Type': 'application/json' } });
          assert.equal(res.status, 201);
          return res.body['token'] as string;
        };
        const viewer = await made('viewer');
        const ingestOnly = await made('ingest');
        let res = await ingest(TETRAGON_EXEC(4), undefined, viewer);
        assert.equal(res.status, 403);
        assert.match(message(res), /needs the ingest role; the token has viewer/);
        assert.equal((await call('GET', '/api/v1/attacks', { auth: ingestOnly })).status, 403);
        assert.equal((await call('PATCH', '/api/v1/attacks/x', { auth: viewer, body: '{"status":"resolved"}', headers: { 'Content-Type': 'application/json' } })).status, 403);
        assert.equal((await call('GET', '/api/v1/tokens', { auth: viewer })).status, 403);
        assert.equal((await ingest(TETRAGON_EXEC(5), undefined, ingestOnly)).status, 202);

        // A revoked token is refused at once, whether revoked through the API or the CLI, and a
        // stream it holds open ends at the next heartbeat.
        const open = readStream(`${service.url}/api/v1/stream`, viewer);
        await open.opened;
        const list = await call('GET', '/api/v1/tokens');
        const viewerId = (list.body['items'] as { id: string; name: string }[]).find((x) => x.name === 't-viewer')?.id;
        assert.ok(viewerId !== undefined);
        assert.equal((await call('DELETE', `/api/v1/tokens/${viewerId}`)).status, 204);
        res = await call('GET', '/api/v1/attacks', { auth: viewer });
        assert.equal(res.status, 401);
        const ended = await Promise.race([open.done.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still open'), 5000))]);
        assert.equal(ended, 'ended');
        if (kind === 'sqlite') {
          const io = memoryIo();
          assert.equal(await main(['token', 'revoke', 't-ingest', '--data', service.dataDir], io, { env: {}, lifecycle: () => ({ stopped: Promise.resolve() }) }), 0, io.stderr());
          assert.equal((await ingest(TETRAGON_EXEC(6), undefined, ingestOnly)).status, 401);
        }
        const audit = await call('GET', '/api/v1/audit');
        const actions = (audit.body['items'] as { action: string }[]).map((a) => a.action);
        assert.ok(actions.includes('token.revoke') && actions.includes('token.create'));

        // Back-pressure: with detection held and more than 5 records waiting, ingestion answers
        // 503 with Retry-After and keeps nothing; once detection catches up it takes records again.
        await service.processor.idle();
        const before = ((await call('GET', '/api/v1/records?limit=1000')).body['items'] as unknown[]).length;
        await service.processor.pause();
        assert.equal((await ingest([9, 10, 11, 12, 13, 14].map(TETRAGON_EXEC).join('\n'))).status, 202);
        const busy = await ingest(TETRAGON_EXEC(15));
        assert.equal(busy.status, 503);
        assert.match(busy.headers.get('retry-after') ?? '', /^\d+$/);
        assert.match(message(busy), /behind/);
        assert.equal(((await call('GET', '/api/v1/records?limit=1000')).body['items'] as unknown[]).length, before + 6, 'the refused record is not kept');
        service.processor.resume();
        await service.processor.idle();
        assert.equal((await ingest(TETRAGON_EXEC(15))).status, 202);

        // Still serving.
        assert.equal((await call('GET', '/healthz', { auth: null })).status, 200);
        assert.equal((await ingest(TETRAGON_EXEC(7))).status, 202);
      } finally {
        await svc.stop();
      }
    });
  });
}
