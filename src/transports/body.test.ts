import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { depthOver, parseBody } from './body.js';

const LIMITS = { maxBytes: 16 * 1024 * 1024, maxRecords: 1000, maxDepth: 8 };

describe('request bodies', () => {
  it('reads one document, a container, or JSON lines (CRLF too), naming bad lines', () => {
    const one = parseBody(Buffer.from('{"a":1}'), undefined, LIMITS);
    assert.ok(one.ok && one.records.length === 1 && one.records[0]?.text === '{"a":1}');
    const file = parseBody(gzipSync('{"Records":[{"a":1},{"b":2},3]}'), 'gzip', LIMITS);
    assert.ok(file.ok);
    assert.deepEqual(file.records.map((r) => r.text), ['{"a":1}', '{"b":2}']);
    assert.deepEqual(file.errors.map((e) => [e.index, e.message]), [[2, 'a record must be a JSON object, not number']]);
    const lines = parseBody(Buffer.from('{"a":1}\r\nnope\r\n\r\n{"kind":"EventList","items":[{"x":1},{"y":2}]}\r\n'), undefined, LIMITS);
    assert.ok(lines.ok);
    assert.deepEqual(lines.records.map((r) => [r.text, r.line]), [['{"a":1}', 1], ['{"x":1}', 4], ['{"y":2}', 4]]);
    assert.deepEqual(lines.errors.map((e) => [e.index, e.line]), [[1, 2]]);
  });

  it('stops at the record limit at once, however many lines follow', () => {
    const t = performance.now();
    const r = parseBody(gzipSync('{}\n'.repeat(2_000_000)), 'gzip', LIMITS);
    assert.deepEqual(r.ok ? 'ok' : r.status, 413);
    const many = parseBody(Buffer.from(`[${Array.from({ length: 1001 }, () => '{}').join(',')}]`), undefined, LIMITS);
    assert.deepEqual(many.ok ? 'ok' : [many.status, many.message], [413, 'body holds 1001 records; at most 1000 per request']);
    // A body of millions of lines that are not JSON is refused after the first thousand.
    const junk = parseBody(gzipSync('x\n'.repeat(5_000_000)), 'gzip', { ...LIMITS, maxRecords: 50_000 });
    assert.deepEqual(junk.ok ? 'ok' : junk.status, 400);
    assert.ok(performance.now() - t < 10_000);
  });

  it('refuses what is not UTF-8, not gzip, too large once decompressed, or nested too deep', () => {
    const bad = (r: ReturnType<typeof parseBody>): unknown => (r.ok ? 'ok' : [r.status, r.message]);
    assert.deepEqual(bad(parseBody(Buffer.from([0x7b, 0xff, 0x7d]), undefined, LIMITS)), [400, 'body is not valid UTF-8']);
    assert.equal((bad(parseBody(Buffer.from('x'), 'gzip', LIMITS)) as unknown[])[0], 400);
    assert.equal((bad(parseBody(gzipSync(Buffer.alloc(2048, 0x20)), 'gzip', { ...LIMITS, maxBytes: 1024 })) as unknown[])[0], 413);
    const deep = parseBody(Buffer.from(`{"a":${'['.repeat(20)}${']'.repeat(20)}}`), undefined, LIMITS);
    assert.ok(deep.ok && deep.records.length === 0);
    assert.match(deep.errors[0]?.message ?? '', /nested deeper than 8/);
    assert.equal(depthOver(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 64), true);
  });
});
