/**
 * Streaming decode hands a file on in batches of at most BATCH_RECORDS records, and the
 * batches together are exactly what decoding the records one by one gives, the reader's own
 * errors (a record over the size limit) in their place.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createManualClock } from '../core/time.js';
import { builtinDecoders } from '../sources/index.js';
import { requireCorpus, tetragonCorpusRecords } from '../../test/support/corpus.js';
import { BATCH_RECORDS } from './batch.js';
import { decodeInputs } from './decode-files.js';
import { createRecordDecoder, type Decoded } from './record-decoder.js';

const clock = createManualClock(1_800_000_000_000);

/** An outcome as plain data (see record-decoder.test.ts). */
function comparable(d: Decoded): unknown {
  if (d.type !== 'event') return d;
  const e = d.event;
  return { id: e.id, kind: e.kind, action: e.action, time: e.time, origin: e.origin, payload: e.payload, entities: e.entities };
}

describe('decodeInputs', () => {
  it(`hands a file on in batches of at most ${BATCH_RECORDS} records, in order, with the reader's errors in place`, async (t) => {
    if (!requireCorpus(t)) return;
    const tetragon = tetragonCorpusRecords().map((text) => JSON.stringify(JSON.parse(text)));
    const limit = Math.max(...tetragon.map((l) => l.length)) + 1;
    // Real lines three times over (repeats exercise the line parser's reuse), a broken one, and
    // a line over the size limit (the reader's own error) after the first batch's worth.
    const real = [...tetragon, ...tetragon, ...tetragon];
    assert.ok(real.length > 2 * BATCH_RECORDS, `corpus lines: ${tetragon.length}`);
    const lines = [...real.slice(0, BATCH_RECORDS + 3), 'x'.repeat(limit + 10), '{"process_exec":', ...real.slice(BATCH_RECORDS + 3)];
    const dir = await mkdtemp(join(tmpdir(), 'vigil-decode-files-'));
    try {
      const file = join(dir, 'tetragon.jsonl');
      await writeFile(file, `${lines.join('\n')}\n`);
      const batches: Decoded[][] = [];
      for await (const b of decodeInputs([file], { clock, limits: { maxRecordChars: limit, maxDepth: 256 } })) batches.push(b);

      const one = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock });
      const expected: Decoded[] = [];
      lines.forEach((text, i) => {
        if (text.length > limit) expected.push({ type: 'error', error: { input: file, line: i + 1, code: 'RECORD_TOO_LARGE', message: '' } });
        else one.decodeText(text, { path: file, line: i + 1 }, expected);
      });
      const got = batches.flat();
      assert.ok(batches.length > 2);
      // A record may hold several (a JSON array, a CloudTrail file): batches are counted in records.
      const lineOf = (d: Decoded): number => (d.type === 'event' ? d.event.origin.line : d.type === 'error' ? d.error.line : d.origin.line);
      for (const b of batches) {
        const records = new Set(b.filter((d) => !(d.type === 'error' && d.error.code === 'RECORD_TOO_LARGE')).map(lineOf));
        assert.ok(b.length > 0 && records.size <= BATCH_RECORDS, `a batch of ${records.size} records`);
      }
      assert.ok(batches.some((b) => new Set(b.map(lineOf)).size === BATCH_RECORDS));
      assert.equal(got.length, expected.length);
      const tooLarge = got.findIndex((d) => d.type === 'error' && d.error.code === 'RECORD_TOO_LARGE');
      assert.equal(tooLarge, BATCH_RECORDS + 3);
      const withoutMessage = (d: Decoded): unknown => (d.type === 'error' && d.error.code === 'RECORD_TOO_LARGE' ? { ...d.error, message: '' } : comparable(d));
      assert.deepEqual(got.map(withoutMessage), expected.map(withoutMessage));
      assert.ok(got.some((d) => d.type === 'error' && d.error.code === 'JSON_SYNTAX'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
