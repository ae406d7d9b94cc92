import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDocumentSplitter } from './document-splitter.js';
import { createLineSplitter, looksLikeJsonLines } from './line-splitter.js';
import type { SplitItem, Splitter } from './split-types.js';

/** Feeds `text` in pieces of `size` characters and collects everything. */
function split(make: () => Splitter, text: string, size = text.length || 1): SplitItem[] {
  const s = make();
  const out: SplitItem[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...s.push(text.slice(i, i + size)));
  out.push(...s.end());
  return out;
}

const doc = () => createDocumentSplitter();
const lines = () => createLineSplitter();
const records = (items: SplitItem[]) => items.filter((i) => i.type === 'record').map((i) => [JSON.parse(i.text), i.line]);
const errors = (items: SplitItem[]) => items.filter((i) => i.type === 'error').map((i) => [i.code, i.line]);

describe('document splitter', () => {
  it('emits the elements of a top-level array with their start lines', () => {
    const text = '[\n  {"a": 1},\n  {"b": [1, 2, {"c": "x]}"}]}\n]\n';
    assert.deepEqual(records(split(doc, text)), [
      [{ a: 1 }, 2],
      [{ b: [1, 2, { c: 'x]}' }] }, 3],
    ]);
  });

  it('unwraps CloudTrail Records and EventList items', () => {
    const ct = '{"Records": [{"eventID": "1"}, {"eventID": "2"}]}';
    assert.deepEqual(records(split(doc, ct)), [[{ eventID: '1' }, 1], [{ eventID: '2' }, 1]]);
    const el = '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{"x":[1]},\n"items":[\n{"auditID":"a"}\n]}';
    assert.deepEqual(records(split(doc, el)), [[{ auditID: 'a' }, 3]]);
  });

  it('emits a pretty-printed object and concatenated objects whole', () => {
    const text = '{\n  "a": {"Records": 1},\n  "b": "q\\"uote"\n}\n{"c": 3}';
    assert.deepEqual(records(split(doc, text)), [
      [{ a: { Records: 1 }, b: 'q"uote' }, 1],
      [{ c: 3 }, 5],
    ]);
  });

  it('gives the same result whatever the chunk size', () => {
    const text = '{"Records": [\n{"k": "a\\\\"}, {"k": "b\\"c"},\n{"k": [ "d", {"e": "}"} ]}]}\n[{"z": 1}]';
    const whole = split(doc, text);
    for (const size of [1, 2, 3, 5, 7, 13]) assert.deepEqual(split(doc, text, size), whole, `chunk size ${size}`);
    assert.equal(records(whole).length, 4);
  });

  it('cuts bad elements out one by one and keeps the good ones', () => {
    const items = split(doc, '[{"a":1}, garbage, {"b":2}, 12]');
    assert.deepEqual(
      items.filter((i) => i.type === 'record').map((i) => (i.type === 'record' ? i.text : '')),
      ['{"a":1}', 'garbage', '{"b":2}', '12'],
    );
  });

  it('reports a document cut short, after the records before it', () => {
    const items = split(doc, '[\n{"a":1},\n{"b":');
    assert.deepEqual(records(items), [[{ a: 1 }, 2]]);
    assert.deepEqual(errors(items), [['INPUT_TRUNCATED', 3]]);
  });

  it('rejects records over the size or depth limit without buffering them', () => {
    const s = createDocumentSplitter({ maxRecordChars: 50, maxDepth: 5 });
    const big = `{"x": "${'y'.repeat(200)}"}`;
    const deep = `${'['.repeat(10)}${']'.repeat(10)}`;
    const out = [...s.push(`[${big},\n${deep},\n{"ok": true}]`), ...s.end()];
    assert.deepEqual(errors(out), [['RECORD_TOO_LARGE', 1], ['RECORD_TOO_DEEP', 2]]);
    assert.deepEqual(records(out), [[{ ok: true }, 3]]);
  });

  it('never throws and never loses its place on random input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 17 }), (text, size) => {
        const a = split(doc, text, size);
        const b = split(doc, text);
        assert.deepEqual(a, b);
      }),
      { numRuns: 500 },
    );
  });

  it('splits any list of JSON values like JSON.parse of the array', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 }), fc.integer({ min: 1, max: 9 }), (values, size) => {
        const text = JSON.stringify(values, null, size % 2 === 0 ? 2 : undefined);
        const got = split(doc, text, size).map((i) => (i.type === 'record' ? JSON.parse(i.text) : i.code));
        assert.deepEqual(got, JSON.parse(JSON.stringify(values)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('line splitter', () => {
  it('emits one record per non-blank line, CRLF tolerated, with line numbers', () => {
    const items = split(lines, '{"a":1}\r\n\n{"b":2}\nnot json\n{"c":', 4);
    assert.deepEqual(
      items.map((i) => (i.type === 'record' ? [i.text, i.line] : [i.code, i.line])),
      [
        ['{"a":1}', 1],
        ['{"b":2}', 3],
        ['not json', 4],
        ['{"c":', 5],
      ],
    );
  });

  it('skips an over-long line without holding it, then carries on', () => {
    const s = createLineSplitter({ maxRecordChars: 10, maxDepth: 5 });
    const out = [...s.push('{"a":1}\n'), ...s.push('x'.repeat(30)), ...s.push('y'.repeat(30)), ...s.push('\n{"b":2}\n'), ...s.end()];
    assert.deepEqual(
      out.map((i) => (i.type === 'record' ? [i.text, i.line] : [i.code, i.line])),
      [
        ['{"a":1}', 1],
        ['RECORD_TOO_LARGE', 2],
        ['{"b":2}', 3],
      ],
    );
  });
});

describe('mode choice', () => {
  it('reads JSON lines as lines and documents as documents', () => {
    assert.equal(looksLikeJsonLines('{"a":1}\n{"b":2}\n'), true);
    assert.equal(looksLikeJsonLines('{\n  "a": 1\n}\n'), false);
    assert.equal(looksLikeJsonLines('[\n  {"a": 1},\n  {"b": 2}\n]\n'), false);
    assert.equal(looksLikeJsonLines('Falco started\n{"a":1}\n'), true);
    // a broken first line must not make a JSON-lines file one long document
    assert.equal(looksLikeJsonLines('{"a": 1, \n{"b":2}\n{"c":3}\n'), true);
  });
});
