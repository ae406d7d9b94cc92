import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { memoryIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { VigilEvent } from '../../src/core/event.js';
import { Random } from '../../src/core/random.js';
import { systemClock } from '../../src/core/time.js';
import { IntelDetector } from '../../src/intel/detect.js';
import { IndicatorIndex, type Indicator } from '../../src/intel/indicators.js';
import { createRecordDecoder, type Decoded } from '../../src/pipeline/record-decoder.js';
import { createRuleSources } from '../../src/rules/sources.js';
import { PidAllocator, child } from '../../src/sim/benign/runtime.js';
import { buildEnvironment } from '../../src/sim/model.js';
import { cloudTrailRecord } from '../../src/sim/records/cloudtrail.js';
import { kprobe, mainOf, processExec, tcpConnect } from '../../src/sim/records/tetragon.js';
import { builtinDecoders } from '../../src/sources/index.js';

const T = Date.UTC(2026, 10, 2, 10);
const env = buildEnvironment(new Random(1), { startMs: T });
const pod = env.pods.find((p) => p.workload.name === 'storefront');
if (pod === undefined) throw new Error('no storefront pod');
const server = mainOf(pod);

function decode(record: object): VigilEvent {
  const out: Decoded[] = [];
  createRecordDecoder({ decoders: builtinDecoders, format: 'auto', clock: systemClock, withState: false }).decodeText(JSON.stringify(record), { path: 't', line: 1 }, out);
  const d = out[0];
  if (d?.type !== 'event') throw new Error(`does not decode: ${JSON.stringify(d)}`);
  return d.event;
}

function indicator(type: Indicator['type'], value: string, confidence = 80): Indicator {
  return { type, value, feed: 'cti', confidence, labels: ['cryptomining', 'T1496'], techniques: ['T1496'] };
}

const index = new IndicatorIndex([indicator('ip', '198.51.100.23'), indicator('domain', 'supportxmr.com'), indicator('port', '3333', 40), indicator('cidr', '203.0.113.0/24', 95)]);
const intel = new IntelDetector({ index: () => index, sources: createRuleSources() });

describe('IntelDetector on decoded events', () => {
  it('flags a connection to a listed address, and to a listed port only on public destinations', () => {
    const hits = intel.detect(decode(tcpConnect(server, T, '198.51.100.23', 3333, 40000)));
    assert.deepEqual(hits.map((s) => [s.rule, s.source, s.priority]).sort(), [
      ['Connection to a port on a threat feed', 'intel', 'Notice'],
      ['Connection to an address on a threat feed', 'intel', 'Warning'],
    ]);
    assert.deepEqual(hits[0]?.techniques, ['T1496']);
    assert.match(hits.find((s) => s.rule.startsWith('Connection to an address'))?.output ?? '', /198\.51\.100\.23 matches ip 198\.51\.100\.23 on feed cti \(confidence 80; cryptomining, T1496\)/);
    assert.deepEqual(intel.detect(decode(tcpConnect(server, T, '10.100.31.7', 3333, 40001))), []);
  });

  it('flags a command line naming a listed host, through subdomains and host:port arguments', () => {
    const miner = child(new PidAllocator(), server, '/tmp/.x/kworker', '-o gulf.supportxmr.com:3333 -u 44AF --donate-level 1', T);
    const hits = intel.detect(decode(processExec(miner)));
    assert.equal(hits.length, 1);
    assert.equal(hits[0]?.rule, 'Command line names a host on a threat feed');
    assert.match(hits[0]?.output ?? '', /^gulf\.supportxmr\.com matches domain supportxmr\.com/);
    const benign = child(new PidAllocator(), server, '/usr/bin/curl', '-fsS http://127.0.0.1:3000/healthz', T);
    assert.deepEqual(intel.detect(decode(processExec(benign))), []);
  });

  it('flags a cloud API call from an address in a listed network', () => {
    const alice = env.awsPrincipals[0];
    assert.ok(alice !== undefined);
    const record = cloudTrailRecord(new Random(2), env, alice, T, { source: 'sts.amazonaws.com', name: 'GetCallerIdentity', sourceIp: '203.0.113.77' });
    const hits = intel.detect(decode(record));
    assert.deepEqual(hits.map((s) => [s.rule, s.priority]), [['API call from an address on a threat feed', 'Critical']]);
    assert.equal(intel.detect(decode({ ...record, sourceIPAddress: '192.0.2.1', eventID: 'x-1' })).length, 0);
  });

  it('flags a file whose IMA hash, measured by a Tetragon LSM hook, is on a feed', () => {
    const hash = 'c'.repeat(64);
    const withHash = new IndicatorIndex([{ type: 'sha256', value: hash, feed: 'cti', confidence: 90, labels: ['miner'], techniques: [] }]);
    const detector = new IntelDetector({ index: () => withHash, sources: createRuleSources() });
    const kprobeRecord = kprobe(server, T, 'bprm_check_security', [{ file_arg: { path: '/tmp/kworker' } }], 'file-integrity') as Record<string, Record<string, unknown>>;
    const lsm = { process_lsm: { ...kprobeRecord['process_kprobe'], ima_hash: `sha256:${hash.toUpperCase()}` }, node_name: kprobeRecord['node_name'], time: kprobeRecord['time'] };
    const hits = detector.detect(decode(lsm));
    assert.deepEqual(hits.map((s) => [s.rule, s.priority]), [['File hash on a threat feed', 'Critical']]);
    const other = { ...lsm, process_lsm: { ...lsm.process_lsm, ima_hash: `sha256:${'d'.repeat(64)}` } };
    assert.deepEqual(detector.detect(decode(other)), []);
  });

  it('gives the same signal ids for the same input', () => {
    const a = intel.detect(decode(tcpConnect(server, T, '198.51.100.23', 443, 40002))).map((s) => s.id);
    const b = intel.detect(decode(tcpConnect(server, T, '198.51.100.23', 443, 40002))).map((s) => s.id);
    assert.deepEqual(a, b);
    assert.equal(a.length, 1);
  });
});

describe('vigil analyze with threat intelligence', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-intel-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports matches as signals with source intel, from the default feeds and from --intel', async () => {
    const lines = [
      tcpConnect(server, T, '198.51.100.23', 443, 40003),
      processExec(child(new PidAllocator(), server, '/tmp/kworker', '-o pool.supportxmr.com:443', T + 1000)),
    ].map((r) => JSON.stringify(r));
    const input = join(dir, 'tetragon.jsonl');
    await writeFile(input, `${lines.join('\n')}\n`);
    const feed = join(dir, 'cti.csv');
    await writeFile(feed, 'indicator,confidence,labels\n198.51.100.23,90,c2\n');
    const io = memoryIo();
    assert.equal(await main(['analyze', '--output', 'json', '--intel', feed, input], io), 0, io.stderr());
    const report = JSON.parse(io.stdout()) as { signals: { rule: string; source: string; output?: string; intel?: { feed: string; type: string; value: string; confidence: number; labels: string[] } }[] };
    const fromCsv = report.signals.find((s) => s.intel?.feed === 'cti.csv');
    assert.deepEqual(fromCsv?.intel, { observable: '198.51.100.23', type: 'ip', value: '198.51.100.23', feed: 'cti.csv', confidence: 90, labels: ['c2'] });
    const intelSignals = report.signals.filter((s) => s.source === 'intel');
    assert.deepEqual(intelSignals.map((s) => s.output?.replace(/ \(confidence.*$/, '')).sort(), [
      '198.51.100.23 matches ip 198.51.100.23 on feed cti.csv',
      'pool.supportxmr.com matches domain supportxmr.com on feed vigil-mining-pools',
    ]);
    const quiet = memoryIo();
    assert.equal(await main(['analyze', '--output', 'json', '--no-default-intel', input], quiet), 0);
    assert.equal((JSON.parse(quiet.stdout()) as { signals: { source: string }[] }).signals.filter((s) => s.source === 'intel').length, 0);
  });

  it('stops with the feed named when a feed given on the command line cannot be read', async () => {
    const bad = join(dir, 'bad-bundle.json');
    await writeFile(bad, '{"type": "bundle", "objects": [');
    const io = memoryIo();
    assert.equal(await main(['analyze', '--intel', bad, dir], io), 1);
    assert.match(io.stderr(), /intel feed bad-bundle\.json: .*bad-bundle\.json: not valid JSON/);
    const missing = memoryIo();
    assert.equal(await main(['analyze', '--intel', join(dir, 'nope.txt'), dir], missing), 1);
    assert.match(missing.stderr(), /nope\.txt: ENOENT/);
  });
});
