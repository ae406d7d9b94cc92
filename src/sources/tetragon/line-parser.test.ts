import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireCorpus, tetragonCorpusRecords as corpusRecords } from '../../../test/support/corpus.js';
import { simulatedTetragonLines, simulateRuntime } from '../../bench/simulated.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { createManualClock } from '../../core/time.js';
import { createRecordDecoder, type Decoded } from '../../pipeline/record-decoder.js';
import { OTRF_GET_OBJECT } from '../cloudtrail/records.fixture.js';
import { builtinDecoders } from '../index.js';
import { TetragonLineParser } from './line-parser.js';
import {
  CAP_CAPABLE_KPROBE, FILE_ACCESS_KPROBE, LSM, MERLIN_CONNECT, NSENTER_EXEC, RATE_LIMIT, TCP_CONNECT, THROTTLE, TRACEPOINT, UPROBE,
  WHOAMI_EXIT, WITH_ANCESTORS,
} from './test-fixtures.js';

/**
 * Parses `line` and checks the contract: either undefined (the caller then uses JSON.parse), or
 * exactly JSON.parse's value, members in the same order at every level (deepEqual ignores order).
 */
function parseChecked(p: TetragonLineParser, line: string): unknown {
  const expected: unknown = JSON.parse(line);
  const got = p.parse(line);
  if (got !== undefined) {
    assert.deepEqual(got, expected, line.slice(0, 120));
    assert.equal(JSON.stringify(got), JSON.stringify(expected), `key order: ${line.slice(0, 120)}`);
  }
  return got;
}

/** parseChecked, for a line the parser must take (an export-style process event line). */
function taken(p: TetragonLineParser, line: string): JsonObject {
  const got = parseChecked(p, line);
  assert.ok(isObject(got), `not taken: ${line.slice(0, 120)}`);
  return got;
}

/** The event body of a record (`process_kprobe` and the like: its first member). */
function bodyOf(record: unknown): JsonObject {
  assert.ok(isObject(record));
  const body = record[Object.keys(record)[0] ?? ''];
  assert.ok(isObject(body));
  return body;
}

/** A line that must be declined: undefined, and no exception. */
function declined(p: TetragonLineParser, line: string): void {
  let got: unknown;
  assert.doesNotThrow(() => { got = p.parse(line); }, line.slice(0, 120));
  assert.equal(got, undefined, `taken: ${line.slice(0, 120)}`);
}

/** A process description, exec_id first as Tetragon writes it. */
function proc(pid: number, extra: JsonObject = {}, execId = Buffer.from(`node-1:${pid}`).toString('base64')): string {
  return JSON.stringify({ exec_id: execId, pid, binary: `/usr/bin/p${pid}`, ...extra });
}

/** An export line: `rest` follows the process (and parent) members in the body. */
function eventLine(kind: string, process: string, parent?: string, rest = ',"function_name":"tcp_connect","args":[]'): string {
  return `{"${kind}":{"process":${process}${parent === undefined ? '' : `,"parent":${parent}`}${rest}},"node_name":"node-1","time":"2024-05-01T10:00:00Z"}`;
}

const KPROBE = JSON.stringify(FILE_ACCESS_KPROBE);
const FALCO = JSON.stringify({ hostname: 'h', output: 'o', output_fields: {}, priority: 'Notice', rule: 'R', source: 'syscall', time: '2026-01-01T00:00:00Z' });
const P = proc(100);
const Q = proc(50);

// A small simulated cluster, shared by the tests below that need a realistic stream.
let simDir = '';
let simLines: string[] = [];
before(async () => {
  simDir = await mkdtemp(join(tmpdir(), 'vigil-line-parser-'));
  simLines = await simulatedTetragonLines(await simulateRuntime(simDir, 3000), 3000);
});
after(async () => {
  await rm(simDir, { recursive: true, force: true });
});

describe('TetragonLineParser on real and simulated data', () => {
  it('gives what JSON.parse gives for every corpus record, as written and as compact lines, fed repeatedly', (t) => {
    if (!requireCorpus(t)) return;
    const originals = corpusRecords();
    const compact = originals.map((o) => JSON.stringify(JSON.parse(o)));
    assert.ok(compact.length >= 60, `corpus records: ${compact.length}`);
    const p = new TetragonLineParser();
    // Forwards twice, then backwards: exec_ids recur across files (a process is another's
    // parent, the same process has another refcnt in its exit), so entries are hit and replaced.
    for (const line of [...originals, ...compact, ...originals, ...compact, ...[...compact].reverse()]) parseChecked(p, line);
    // Each export-style process line is taken, and at once fed again gives back its very
    // members, except the process of an exit (forgotten) which is parsed afresh.
    let checked = 0;
    for (const line of compact) {
      const record: unknown = JSON.parse(line);
      // Process events only (not labels.json, nor process_throttle, which has no process).
      if (!line.startsWith('{"process_') || !isObject(bodyOf(record)['process'])) continue;
      const firstRecord = taken(p, line);
      const againRecord = taken(p, line);
      assert.notEqual(againRecord, firstRecord, 'each line gets its own record');
      const [first, again] = [bodyOf(firstRecord), bodyOf(againRecord)];
      if (line.startsWith('{"process_exit"')) assert.notEqual(again['process'], first['process'], line.slice(0, 80));
      else assert.equal(again['process'], first['process'], line.slice(0, 80));
      assert.equal(again['parent'], first['parent'], line.slice(0, 80));
      checked++;
    }
    assert.ok(checked >= 55, `process lines: ${checked}`);
  });

  it('gives what JSON.parse gives for simulated telemetry, reusing the process of most kprobes', () => {
    assert.ok(simLines.length >= 2500, `simulated lines: ${simLines.length}`);
    const p = new TetragonLineParser();
    const lastProcess = new Map<string, unknown>();
    let repeats = 0;
    let reused = 0;
    for (const line of simLines) {
      const body = bodyOf(taken(p, line)); // the export's own lines are all taken
      const process = body['process'];
      assert.ok(isObject(process));
      const id = String(process['exec_id']);
      if (line.startsWith('{"process_kprobe"') && lastProcess.has(id)) {
        repeats++;
        if (lastProcess.get(id) === process) reused++;
      }
      if (line.startsWith('{"process_exit"')) lastProcess.delete(id);
      else lastProcess.set(id, process);
    }
    assert.ok(repeats > 1000, `kprobes of known processes: ${repeats}`);
    assert.ok(reused / repeats > 0.9, `reused ${reused} of ${repeats}`);
  });
});

describe('TetragonLineParser reuse', () => {
  it('gives the same member objects for the same exec_id and text, in a fresh record', () => {
    const p = new TetragonLineParser();
    const [ra, rb] = [taken(p, KPROBE), taken(p, KPROBE)];
    assert.notEqual(rb, ra);
    const [a, b] = [bodyOf(ra), bodyOf(rb)];
    assert.equal(b['process'], a['process']);
    assert.equal(b['parent'], a['parent']);
    assert.equal(p.size, 2);
  });

  it('gives each line its own time (and its own other members) while the process is shared', () => {
    const p = new TetragonLineParser();
    const at = (time: string, line = KPROBE): string => line.replace(/"time":"[^"]*"}$/, `"time":"${time}"}`);
    const process = bodyOf(taken(p, at('2024-04-14T02:18:15Z')))['process'];
    for (const time of ['2024-04-14T02:18:16.5Z', 'x', '', '2024-04-14T02:18:15Z', '\u{1F600}']) {
      const r = taken(p, at(time)); // checks the time too
      assert.equal(r['time'], time);
      assert.equal(bodyOf(r)['process'], process);
    }
    // Anything else that differs, and times with escapes or odd endings: still JSON.parse's value.
    const other = at('t1').replace('"node_name":"tetragon-dev-control-plane"', '"node_name":"other"');
    const duplicateTime = KPROBE.replace(/}$/, ',"time":"last"}');
    for (const line of [at('t1'), at('2024\\u002d04'), at('a\\"b'), `${at('t2')} `, `${at('t3')}\r`, other, at('t4', other),
      duplicateTime, duplicateTime.replace('"last"', '"later"'), at('t5'), at('t6').replace('{"process_kprobe"', '{"process_uprobe"'),
      at('t7', JSON.stringify(WHOAMI_EXIT)), at('t8', JSON.stringify(WHOAMI_EXIT))]) {
      parseChecked(p, line);
    }
  });

  it('parses a member afresh when its text changed under the same exec_id', () => {
    const p = new TetragonLineParser();
    const a = bodyOf(taken(p, KPROBE));
    for (const [field, value] of [['tid', 1], ['refcnt', 3], ['binary', '/bin/busybox']] as const) {
      const changed = structuredClone(FILE_ACCESS_KPROBE);
      const body = bodyOf(changed);
      assert.ok(isObject(body['process']));
      body['process'][field] = value;
      const line = JSON.stringify(changed);
      const b = bodyOf(taken(p, line)); // also checks the new value is the one given
      assert.notEqual(b['process'], a['process'], field);
      assert.equal(b['parent'], a['parent'], `${field}: the unchanged parent is still shared`);
      // The new text is now the one remembered; the old one is parsed afresh, still correctly.
      assert.equal(bodyOf(taken(p, line))['process'], b['process'], field);
      assert.notEqual(bodyOf(taken(p, KPROBE))['process'], a['process'], field);
    }
  });

  it('parses a parent afresh when its text changed, though the process is the same', () => {
    const p = new TetragonLineParser();
    const first = bodyOf(taken(p, eventLine('process_kprobe', P, Q)));
    // The parent gained a child: its refcnt changed under the same exec_id.
    const changedParent = proc(50, { refcnt: 2 });
    const second = bodyOf(taken(p, eventLine('process_kprobe', P, changedParent)));
    assert.equal(second['process'], first['process']);
    assert.notEqual(second['parent'], first['parent']);
    assert.deepEqual(second['parent'], JSON.parse(changedParent));
    // The process's last parent is now the changed one; the first text is parsed afresh.
    assert.equal(bodyOf(taken(p, eventLine('process_kprobe', P, changedParent)))['parent'], second['parent']);
    assert.deepEqual(bodyOf(taken(p, eventLine('process_kprobe', P, Q)))['parent'], JSON.parse(Q));
  });

  it('shares a parent across its children, and keeps processes and parents apart', () => {
    const p = new TetragonLineParser();
    const one = bodyOf(taken(p, eventLine('process_kprobe', proc(1), Q)));
    const two = bodyOf(taken(p, eventLine('process_kprobe', proc(2), Q)));
    const exec = bodyOf(taken(p, eventLine('process_exec', proc(3), Q, '')));
    assert.notEqual(two['process'], one['process']);
    assert.equal(two['parent'], one['parent']);
    assert.equal(exec['parent'], one['parent']);
    // Q as a subject: same exec_id, but the member text differs ("process" vs "parent").
    const q = bodyOf(taken(p, eventLine('process_kprobe', Q, proc(9))));
    assert.notEqual(q['process'], one['parent']);
  });
});

describe('TetragonLineParser shapes', () => {
  it('takes process_exec with the parent as the last member of the body, or followed by ancestors', () => {
    const p = new TetragonLineParser();
    // A parent whose text is awkward for finding its end: brackets and escapes inside strings.
    const tricky = proc(7, { arguments: 'sh -c "echo }{ ][" \\', cwd: '\\"}' });
    for (const line of [JSON.stringify(NSENTER_EXEC), JSON.stringify(WITH_ANCESTORS), eventLine('process_exec', P, tricky, '')]) {
      const a = bodyOf(taken(p, line));
      const b = bodyOf(taken(p, line));
      assert.equal(b['process'], a['process'], line.slice(0, 60));
      assert.equal(b['parent'], a['parent'], line.slice(0, 60));
    }
  });

  it('takes lines without a parent, sharing one process across event kinds', () => {
    const p = new TetragonLineParser();
    const cap = JSON.stringify(CAP_CAPABLE_KPROBE);
    assert.equal(bodyOf(taken(p, cap))['process'], bodyOf(taken(p, cap))['process']);
    // These four carry the same host process, character for character.
    const first = bodyOf(taken(p, JSON.stringify(TRACEPOINT)))['process'];
    for (const r of [LSM, UPROBE, TCP_CONNECT]) assert.equal(bodyOf(taken(p, JSON.stringify(r)))['process'], first);
    // The process as the whole body, followed by the closing brace.
    const alone = eventLine('process_exec', P, undefined, '');
    assert.equal(bodyOf(taken(p, alone))['process'], bodyOf(taken(p, alone))['process']);
  });
});

describe('TetragonLineParser fallbacks', () => {
  it('declines lines that are not Tetragon process events, without throwing', () => {
    const p = new TetragonLineParser();
    for (const line of ['', '[]', 'null', '{}', '42', '"process_kprobe"', '{"process_', FALCO, OTRF_GET_OBJECT,
      JSON.stringify(THROTTLE), JSON.stringify(RATE_LIMIT), ` ${KPROBE}`, JSON.stringify([FILE_ACCESS_KPROBE])]) declined(p, line);
    assert.equal(p.size, 0);
  });

  it('gives JSON.parse\'s value (or declines) for spaced and pretty-printed lines, and stays correct after', () => {
    const p = new TetragonLineParser();
    taken(p, KPROBE);
    // Some keep the compact head and exec_id but change the member's text (`, "pid"`): the
    // parser may take them, as long as the compact line, fed after, is still parsed right.
    for (const line of [
      JSON.stringify(FILE_ACCESS_KPROBE, null, 2), KPROBE.replaceAll('":', '": '), KPROBE.replaceAll(',"', ', "'),
      KPROBE.replace('"process":{', '"process": {'), KPROBE.replace(',"parent":{', ',"parent": {'),
    ]) {
      parseChecked(p, line);
      taken(p, KPROBE);
    }
  });

  it('declines invalid JSON (truncated lines, garbage around the members), cold or warm, without poisoning', () => {
    const end = KPROBE.indexOf(',"parent":{');
    const invalid = [
      ...Array.from({ length: Math.ceil(KPROBE.length / 29) }, (_, i) => KPROBE.slice(0, i * 29)),
      KPROBE.slice(0, end), KPROBE.slice(0, end + 1), KPROBE.slice(0, -1), `${KPROBE}x`, `${KPROBE}}`, `${KPROBE}{}`,
      `${KPROBE.slice(0, end)}x${KPROBE.slice(end)}`, `${KPROBE.slice(0, end)}}${KPROBE.slice(end)}`,
      `${KPROBE.slice(0, end)},${KPROBE.slice(end)}`, KPROBE.replace(',"function_name"', ',,"function_name"'),
      // No comma between the members: dropping the process must not make the line valid.
      `${KPROBE.slice(0, end)}x${KPROBE.slice(end + 1)}`, `${KPROBE.slice(0, end)} ${KPROBE.slice(end + 1)}`,
      KPROBE.replace(',"function_name"', 'x"function_name"'),
      KPROBE.replace('"node_name"', '"node_name" 1'),
    ];
    const cold = new TetragonLineParser();
    for (const line of invalid) declined(cold, line);
    const warm = new TetragonLineParser();
    const first = bodyOf(taken(warm, KPROBE));
    for (const line of invalid) declined(warm, line);
    const again = bodyOf(taken(warm, KPROBE));
    assert.equal(again['process'], first['process']);
    assert.equal(again['parent'], first['parent']);
  });

  it('keeps apart exec_ids with escaped quotes, or sharing a prefix or a suffix', () => {
    const p = new TetragonLineParser();
    // And ids sharing their last characters (the parser may key entries by a part of the id).
    const ids = ['a"b', 'a"c', 'a\\', 'a\\"b', 'node-1:0123456789abcdef:42', 'node-2:0123456789abcdef:42', '"0123456789abcdef:42'];
    const lines = ids.map((id, i) => eventLine('process_kprobe', proc(i, {}, id), Q));
    for (let round = 0; round < 2; round++) for (const line of lines) parseChecked(p, line);
  });

  it('finds the real end of a process whose nested members spell `,"parent":{` or `,"function_name":"`', () => {
    const p = new TetragonLineParser();
    const adversarial = [
      proc(1, { pod: { pod_labels: { app: 'x', parent: { exec_id: Buffer.from('node-1:50').toString('base64'), pid: 50 } } } }),
      proc(2, { pod: { pod_labels: { ',"parent":{': 'v', parent: '{"exec_id":"x"}' } } }),
      proc(3, { pod: { pod_labels: { a: '","parent":{"exec_id":"evil' } }, arguments: ',"function_name":"x' }),
      proc(4, { x: { a: 1, function_name: 'y' }, parent: { exec_id: 'z' } }),
    ];
    for (const process of adversarial) {
      // As subject and as parent, twice: the member text is remembered whole, and reused.
      for (const line of [eventLine('process_kprobe', process, Q), eventLine('process_kprobe', P, process)]) {
        const a = bodyOf(taken(p, line));
        const b = bodyOf(taken(p, line));
        assert.equal(b['process'], a['process']);
        assert.equal(b['parent'], a['parent']);
      }
    }
  });

  // JSON.parse keeps the last of duplicate members: a later one, even null, must win here too.
  const duplicates: readonly (readonly [string, string])[] = [
    ['a later "process" object', eventLine('process_kprobe', P, Q, ',"function_name":"f","process":{"exec_id":"other"}')],
    ['a later "process":null', eventLine('process_kprobe', P, Q, ',"function_name":"f","process":null')],
    ['a later "parent":null', eventLine('process_kprobe', P, Q, ',"function_name":"f","parent":null')],
    ['a later duplicate event key with "process":null', `${eventLine('process_exec', P, undefined, '').slice(0, -1)},"process_exec":{"process":null}}`],
  ];
  for (const [name, line] of duplicates) {
    it(`gives JSON.parse's value (or declines) for ${name}`, () => {
      const p = new TetragonLineParser();
      parseChecked(p, line);
      parseChecked(p, eventLine('process_kprobe', P, Q)); // warm: the members are known now
      parseChecked(p, line);
    });
  }
});

describe('TetragonLineParser bounds', () => {
  it('holds at most maxEntries members per kind, the oldest going first', () => {
    const p = new TetragonLineParser({ maxEntries: 2 });
    assert.equal(p.size, 0);
    const lines = Array.from({ length: 20 }, (_, i) => eventLine('process_kprobe', proc(100 + i), proc(1000 + i)));
    const bodies = lines.map((line) => {
      const body = bodyOf(taken(p, line));
      assert.ok(p.size <= 4, `size ${p.size}`);
      return body;
    });
    assert.equal(p.size, 4);
    for (const i of [19, 18]) assert.equal(bodyOf(taken(p, lines[i] ?? ''))['process'], bodies[i]?.['process'], `line ${i} is remembered`);
    assert.notEqual(bodyOf(taken(p, lines[0] ?? ''))['process'], bodies[0]?.['process'], 'line 0 was evicted');
    assert.equal(p.size, 4);
    // Even a nonsensical bound keeps one per kind.
    const one = new TetragonLineParser({ maxEntries: 0 });
    for (const line of lines) parseChecked(one, line);
    assert.equal(one.size, 2);
  });

  it('forgets the process of a process_exit, and only it', () => {
    const p = new TetragonLineParser();
    const kprobe = eventLine('process_kprobe', P, Q);
    const k1 = bodyOf(taken(p, kprobe));
    assert.equal(p.size, 2);
    const exit = bodyOf(taken(p, eventLine('process_exit', P, Q, ',"status":0')));
    assert.equal(exit['process'], k1['process'], 'the exit still reuses it');
    assert.equal(p.size, 1);
    const k2 = bodyOf(taken(p, kprobe));
    assert.notEqual(k2['process'], k1['process']);
    assert.equal(k2['parent'], k1['parent']);
    assert.equal(p.size, 2);
    // A real exit line, without a parent entry kept: both its entries were held, one remains.
    const whoami = new TetragonLineParser();
    taken(whoami, JSON.stringify(WHOAMI_EXIT));
    assert.equal(whoami.size, 1);
  });
});

describe('TetragonLineParser where descriptions keep changing', () => {
  it('leaves lines to the plain parse while most lookups miss, and takes them again after', () => {
    const p = new TetragonLineParser();
    // One process whose description changes on every line (a thread id per line, as a
    // process's threads each give their own), and a parent that changes too.
    const changing = (i: number) => eventLine('process_kprobe', proc(100, { tid: 100_000 + i }), proc(50, { refcnt: i }));
    let declinedLines = 0;
    for (let i = 0; i < 2000; i++) {
      const got = parseChecked(p, changing(i));
      if (got === undefined) declinedLines++;
    }
    // A few hundred lines to see it, then the plain parse: each miss costs more than it.
    assert.ok(declinedLines > 1500, `declined ${declinedLines} of 2000`);
    // Steady descriptions come back; once the pause is over, the parser reuses them again.
    const steady = eventLine('process_kprobe', P, Q);
    let first: JsonObject | undefined;
    let reused = 0;
    for (let i = 0; i < 6000; i++) {
      const got = parseChecked(p, steady);
      if (got === undefined) continue;
      const body = bodyOf(got);
      if (first === undefined) first = body;
      else if (body['process'] === first['process'] && body['parent'] === first['parent']) reused++;
    }
    assert.ok(first !== undefined, 'taken again after the pause');
    assert.ok(reused > 1000, `reused ${reused} times`);
  });
});

describe('TetragonLineParser through the record decoder', () => {
  /** What decoding gave, comparably (entities and relations are extracted on first read). */
  function summary(d: Decoded): unknown[] {
    if (d.type === 'error') return ['error', d.error.input, d.error.line, d.error.code];
    if (d.type === 'skip') return ['skip', d.origin.line, d.reason];
    const e = d.event;
    return ['event', e.origin.line, e.source, e.id, e.kind, e.action, e.time, e.timeMs, JSON.stringify(e.entities), JSON.stringify(e.relations)];
  }

  it('decodeText gives the events of decodeValue(JSON.parse(line)), and JSON_SYNTAX errors for invalid lines', () => {
    const clock = createManualClock(1_800_000_000_000);
    const viaText = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock });
    const viaValue = createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock });
    const lines = [...simLines.slice(0, 800), KPROBE, FALCO, KPROBE, JSON.stringify(MERLIN_CONNECT), OTRF_GET_OBJECT,
      JSON.stringify(NSENTER_EXEC), KPROBE.slice(0, 900), `${KPROBE}}`, JSON.stringify(WHOAMI_EXIT), KPROBE];
    const got: Decoded[] = [];
    const expected: unknown[][] = [];
    lines.forEach((line, i) => {
      const origin = { path: 'node-1.jsonl', line: i + 1 };
      viaText.decodeText(line, origin, got);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        expected.push(['error', 'node-1.jsonl', i + 1, 'JSON_SYNTAX']);
        return;
      }
      const out: Decoded[] = [];
      viaValue.decodeValue(value, origin, out);
      expected.push(...out.map(summary));
    });
    assert.deepEqual(got.map(summary), expected);
    assert.equal(got.filter((d) => d.type === 'error' && d.error.code === 'JSON_SYNTAX' && /^invalid JSON/.test(d.error.message)).length, 2);
    // Checked after the whole run: decoding and the process tree left the shared members intact.
    const seen = new Set<unknown>();
    let shared = 0;
    for (const d of got) {
      if (d.type !== 'event' || d.event.source !== 'tetragon') continue;
      assert.deepEqual(d.event.payload, JSON.parse(lines[d.event.origin.line - 1] ?? ''), `line ${d.event.origin.line}`);
      const process = bodyOf(d.event.payload)['process'];
      if (seen.has(process)) shared++;
      seen.add(process);
    }
    // The parser is in the path: most events share their process with an earlier one.
    assert.ok(shared > 400, `events sharing a process: ${shared}`);
  });
});
