import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ERROR_CODES } from '../core/errors.js';
import { createManualClock } from '../core/time.js';
import { builtinDecoders } from '../sources/index.js';
import { requireCorpus, tetragonCorpusRecords } from '../../test/support/corpus.js';
import { createRecordDecoder, type Decoded } from './record-decoder.js';

const clock = createManualClock(1_800_000_000_000);

function decodeAll(texts: readonly string[], format: 'auto' | 'falco' = 'auto'): Decoded[] {
  const d = createRecordDecoder({ decoders: builtinDecoders, format, clock });
  const out: Decoded[] = [];
  texts.forEach((t, i) => d.decodeText(t, { path: 'in.jsonl', line: i + 1 }, out));
  return out;
}

const ALERT = { hostname: 'h', output: 'o', output_fields: {}, priority: 'Notice', rule: 'R', source: 'syscall', time: '2026-01-01T00:00:00Z' };

describe('record decoder', () => {
  it('unwraps arrays, Records, EventList and envelopes, and stamps the observed time from the clock', () => {
    const out = decodeAll([
      JSON.stringify([ALERT, ALERT]),
      JSON.stringify({ origin: 'docs', alert: ALERT }),
      JSON.stringify({ Records: [] }),
      JSON.stringify({ kind: 'EventList', items: [] }),
    ]);
    assert.deepEqual(out.map((d) => (d.type === 'event' ? [d.event.origin.line, d.event.observedMs] : d.type)), [
      [1, 1_800_000_000_000],
      [1, 1_800_000_000_000],
      [2, 1_800_000_000_000],
    ]);
  });

  it('with a forced format, reports a broken record with that format\'s own error', () => {
    const noRule: Partial<typeof ALERT> = { ...ALERT };
    delete noRule.rule;
    const [auto] = decodeAll([JSON.stringify(noRule)]);
    const [forced] = decodeAll([JSON.stringify(noRule)], 'falco');
    assert.equal(auto?.type === 'error' ? auto.error.code : '', 'RECORD_UNRECOGNISED');
    assert.deepEqual(forced?.type === 'error' ? [forced.error.code, forced.error.field] : [], ['FIELD_MISSING', 'rule']);
  });

  it('never throws on any text, and every failure has a known code and the record\'s line', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.json({ maxDepth: 4 }), fc.constant(JSON.stringify(ALERT))), { maxLength: 6 }), (texts) => {
        for (const d of decodeAll(texts)) {
          if (d.type !== 'error') continue;
          assert.ok(d.error.code in ERROR_CODES);
          assert.ok(d.error.line >= 1 && d.error.line <= texts.length);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('takes a source parser\'s value, and the plain parse where it declines or fails', () => {
    const seen: string[] = [];
    // Falco's decoder with a parser that declines one text, throws on another (a bug) and gives
    // its own value for the rest: the value it gives is what gets decoded.
    const falco = builtinDecoders.find((d) => d.kind === 'falco');
    assert.ok(falco !== undefined);
    const parsing = {
      ...falco,
      createParser: () => ({
        parse(text: string): unknown {
          seen.push(text);
          if (text === 'decline') return undefined;
          if (text === 'throw') throw new Error('a parser bug');
          return { ...ALERT, rule: `parsed ${text}` };
        },
      }),
    };
    const d = createRecordDecoder({ decoders: [parsing], format: 'auto', clock });
    const out: Decoded[] = [];
    for (const [i, t] of ['decline', 'throw', 'x'].entries()) d.decodeText(t, { path: 'in.jsonl', line: i + 1 }, out);
    d.decodeText(JSON.stringify(ALERT), { path: 'in.jsonl', line: 4 }, out);
    assert.deepEqual(seen, ['decline', 'throw', 'x', JSON.stringify(ALERT)]);
    // Declined and thrown: the plain parse, which finds no JSON. Taken: the parser's value.
    assert.deepEqual(out.map((o) => (o.type === 'error' ? `${o.error.line} ${o.error.code}` : o.type === 'event' ? `${o.event.origin.line} ${String((o.event.payload as { rule?: unknown }).rule)}` : o.type)), [
      '1 JSON_SYNTAX', '2 JSON_SYNTAX', '3 parsed x', `4 parsed ${JSON.stringify(ALERT)}`,
    ]);
  });

  it('decodes a batch (every text parsed, then every value decoded) exactly as one record at a time', (t) => {
    if (!requireCorpus(t)) return;
    // Real Tetragon lines (the line parser's reuse and the process tree both carry state from
    // record to record), with broken, foreign and nested records among them.
    const tetragon = tetragonCorpusRecords().map((text) => JSON.stringify(JSON.parse(text)));
    const texts = [
      ...tetragon.slice(0, 40),
      '{"process_kprobe":',
      JSON.stringify([ALERT, ALERT]),
      'not json',
      JSON.stringify({ Records: [] }),
      JSON.stringify({ some: 'thing' }),
      ...tetragon.slice(40),
    ];
    assert.ok(tetragon.length > 40);
    const origins = texts.map((text, i) => ({ text, origin: { path: 'in.jsonl', line: i + 1 } }));
    const oneByOne = decodeAll(texts);
    const batched = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock });
    const out: Decoded[] = [];
    batched.decodeTexts(origins.slice(0, 7), out);
    batched.decodeTexts([], out);
    batched.decodeTexts(origins.slice(7), out);
    assert.ok(oneByOne.filter((d) => d.type === 'event').length > 40);
    assert.ok(oneByOne.some((d) => d.type === 'error'));
    assert.deepEqual(out.map(comparable), oneByOne.map(comparable));
  });
});

/** An outcome as plain data: an event's fields, entities and relations, or the error or skip. */
function comparable(d: Decoded): unknown {
  if (d.type !== 'event') return d;
  const e = d.event;
  return { id: e.id, source: e.source, kind: e.kind, action: e.action, time: e.time, origin: e.origin, payload: e.payload, entities: e.entities, relations: e.relations };
}
