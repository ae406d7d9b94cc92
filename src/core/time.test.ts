import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTime, timeFromNanos } from './time.js';

describe('parseTime', () => {
  it('keeps nanoseconds and canonicalises to UTC', () => {
    assert.deepEqual(parseTime('2026-03-04T10:15:42.123456789Z'), { ms: 1772619342123.4568, iso: '2026-03-04T10:15:42.123456789Z' });
    assert.equal(parseTime('2018-10-25T14:09:12.581541000Z')?.iso, '2018-10-25T14:09:12.581541Z');
    assert.equal(parseTime('2020-02-29T00:00:00.000Z')?.iso, '2020-02-29T00:00:00Z');
    assert.deepEqual(parseTime('2024-08-02T08:23:24+02:00'), { ms: Date.UTC(2024, 7, 2, 6, 23, 24), iso: '2024-08-02T06:23:24Z' });
    assert.equal(parseTime('2024-08-02T08:23:24.5-0130')?.iso, '2024-08-02T09:53:24.5Z');
    assert.equal(parseTime('2022-11-29 00:09:04.38')?.iso, '2022-11-29T00:09:04.38Z');
    assert.equal(parseTime('2020-01-01t00:00:00z')?.iso, '2020-01-01T00:00:00Z');
    // years 0-99 are not 1900-1999
    assert.deepEqual(parseTime('0042-03-01T00:00:00Z'), { ms: Date.parse('0042-03-01T00:00:00Z'), iso: '0042-03-01T00:00:00Z' });
  });

  it('rejects what is not a valid time', () => {
    for (const bad of ['', 'garbage', '2021-02-29T00:00:00Z', '2020-13-01T00:00:00Z', '2020-04-31T00:00:00Z', '2020-01-01T24:00:00Z', '2020-01-01T00:00:00.Z', '2020-01-01T00:00:00ZZ', '2020-01-01T00:00:00+2', '2020/01/01T00:00:00Z', '１２３４-01-01T00:00:00Z']) {
      assert.equal(parseTime(bad), undefined, bad);
    }
  });

  it('agrees with Date for any millisecond time', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        const t = parseTime(iso);
        assert.equal(t?.ms, d.getTime());
        assert.equal(new Date(t?.iso ?? '').getTime(), d.getTime());
      }),
    );
  });
});

describe('timeFromNanos', () => {
  it('reads 64-bit nanosecond counts exactly, as numbers or strings', () => {
    assert.equal(timeFromNanos('1772619342123456789')?.iso, '2026-03-04T10:15:42.123456789Z');
    assert.equal(timeFromNanos(1748557198960296886n)?.iso, '2025-05-29T22:19:58.960296886Z');
    assert.equal(timeFromNanos(0)?.iso, '1970-01-01T00:00:00Z');
    assert.equal(timeFromNanos('-5'), undefined);
    assert.equal(timeFromNanos('12abc'), undefined);
  });
});
