import assert from 'node:assert/strict';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { classify, IndicatorIndex, type Indicator } from './indicators.js';
import { FeedError, guessFormat, parseCsv, parseMisp, parsePlain, parseStix } from './formats.js';
import { FeedSet } from './feeds.js';

const D = { feed: 'test', confidence: 60, labels: [] };

function ind(type: Indicator['type'], value: string): Indicator {
  return { type, value, feed: 'f', confidence: 50, labels: [], techniques: [] };
}

const STIX = JSON.stringify({
  type: 'bundle',
  id: 'bundle--6a3e3c2d-0000-4000-8000-000000000001',
  objects: [
    { type: 'identity', spec_version: '2.1', id: 'identity--1', name: 'ACME CTI' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--1', name: 'Mining pool', pattern: "[domain-name:value = 'pool.evil.example'] OR [ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z', confidence: 90, labels: ['cryptomining', 'T1496'] },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--2', pattern: "[file:hashes.'SHA-256' = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z', indicator_types: ['malicious-activity'] },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--3', pattern: "[url:value = 'http://203.0.113.66/ldr.sh']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--4', pattern: "[process:name = 'xmrig']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' },
    { type: 'indicator', spec_version: '2.1', id: 'indicator--5', pattern: "[ipv4-addr:value = '192.0.2.1']", pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z', revoked: true },
  ],
});

const MISP = JSON.stringify({
  Event: {
    info: 'Cryptojacking campaign against Kubernetes',
    Tag: [{ name: 'tlp:white' }],
    Attribute: [
      { type: 'ip-dst', value: '198.51.100.23', to_ids: true, comment: '' },
      { type: 'domain|ip', value: 'c2.evil.example|203.0.113.9', to_ids: true },
      { type: 'url', value: 'https://paste.evil.example/raw/x', to_ids: true, Tag: [{ name: 'T1105' }] },
      { type: 'ip-src', value: '192.0.2.44', to_ids: false },
      { type: 'ip-dst', value: 'not-an-ip', to_ids: true },
    ],
    Object: [{ name: 'file', Attribute: [{ type: 'sha256', value: 'B'.repeat(64), to_ids: true }] }],
  },
});

describe('indicators', () => {
  it('classifies bare values', () => {
    assert.deepEqual(classify('198.51.100.7'), { type: 'ip', value: '198.51.100.7' });
    assert.deepEqual(classify('2001:db8::1'), { type: 'ip', value: '2001:db8::1' });
    assert.deepEqual(classify('203.0.113.0/24'), { type: 'cidr', value: '203.0.113.0/24' });
    assert.deepEqual(classify('Pool.Evil.Example.'), { type: 'domain', value: 'pool.evil.example' });
    assert.deepEqual(classify('https://x.example/a'), { type: 'url', value: 'https://x.example/a' });
    assert.equal(classify('A'.repeat(64))?.type, 'sha256');
    assert.equal(classify('a'.repeat(40))?.type, 'sha1');
    assert.equal(classify('d41d8cd98f00b204e9800998ecf8427e')?.type, 'md5');
    assert.deepEqual(classify(':3333'), { type: 'port', value: '3333' });
    assert.equal(classify('not a thing'), undefined);
    assert.equal(classify(':70000'), undefined);
  });

  it('matches addresses by network, domains with their subdomains, URLs by host, ports', () => {
    const index = new IndicatorIndex([ind('cidr', '203.0.113.0/24'), ind('ip', '198.51.100.7'), ind('domain', 'evil.example'), ind('url', 'https://files.example/drop/'), ind('port', '3333')]);
    assert.equal(index.address('203.0.113.200').length, 1);
    assert.equal(index.address('203.0.114.1').length, 0);
    assert.equal(index.address('198.51.100.7').length, 1);
    assert.equal(index.domain('a.b.EVIL.example').length, 1);
    assert.equal(index.domain('notevil.example').length, 0);
    assert.equal(index.url('https://files.example/drop').length, 1);
    assert.equal(index.url('http://x.evil.example/payload').length, 1);
    assert.equal(index.url('http://203.0.113.5:8080/a').length, 1);
    assert.equal(index.port(3333).length, 1);
    assert.equal(index.size, 5);
  });
});

describe('feed formats', () => {
  it('reads plain lists, reporting bad lines by number', () => {
    const r = parsePlain('# pools\nsupportxmr.com\n\n198.51.100.7  # a node\nthis is not\n:4444\n', D);
    assert.deepEqual(r.indicators.map((i) => `${i.type}:${i.value}`), ['domain:supportxmr.com', 'ip:198.51.100.7', 'port:4444']);
    assert.deepEqual(r.problems.map((p) => p.where), ['line 5']);
  });

  it('reads CSV with a header, confidence and labels', () => {
    const r = parseCsv('indicator,confidence,labels,description\n198.51.100.7,95,c2;T1071,"beacon, seen twice"\nevil.example,,phishing,\nbad value,10,,\n1.2.3.4,high,,\n', D);
    assert.deepEqual(r.indicators.map((i) => [i.value, i.confidence, i.labels]), [['198.51.100.7', 95, ['c2', 'T1071']], ['evil.example', 60, ['phishing']]]);
    assert.deepEqual(r.indicators[0]?.techniques, ['T1071']);
    assert.equal(r.indicators[0]?.description, 'beacon, seen twice');
    assert.deepEqual(r.problems.map((p) => p.where), ['row 4', 'row 5']);
    assert.throws(() => parseCsv('name,when\nx,y\n', D), (e: unknown) => e instanceof FeedError && /no indicator column/.test(e.message));
  });

  it('reads STIX 2.1 bundles: patterns with OR, hashes, URLs; skips revoked; reports patterns it cannot match', () => {
    const r = parseStix(STIX, D);
    assert.deepEqual(r.indicators.map((i) => `${i.type}:${i.value}:${i.confidence}`), ['domain:pool.evil.example:90', 'ip:198.51.100.7:90', `sha256:${'a'.repeat(64)}:60`, 'url:http://203.0.113.66/ldr.sh:60']);
    assert.deepEqual(r.indicators[0]?.techniques, ['T1496']);
    assert.deepEqual(r.problems.map((p) => p.where), ['objects[4]']);
    assert.throws(() => parseStix('{"type":"report"}', D), FeedError);
    assert.throws(() => parseStix('{"type":"bundle",', D), /not valid JSON/);
  });

  it('reads MISP events: attributes, composite values, object attributes, tags; skips non-IDS', () => {
    const r = parseMisp(MISP, D);
    assert.deepEqual(r.indicators.map((i) => `${i.type}:${i.value}`), ['ip:198.51.100.23', 'domain:c2.evil.example', 'ip:203.0.113.9', 'url:https://paste.evil.example/raw/x', `sha256:${'b'.repeat(64)}`]);
    assert.deepEqual(r.indicators[3]?.labels, ['tlp:white', 'T1105']);
    assert.equal(r.indicators[0]?.description, 'Cryptojacking campaign against Kubernetes');
    assert.deepEqual(r.problems.map((p) => p.where), ['Attribute[4]']);
    assert.throws(() => parseMisp('{"response": []}', D), /not a MISP event/);
  });

  it('guesses the format from the name and content', () => {
    assert.equal(guessFormat('feed.json', STIX), 'stix');
    assert.equal(guessFormat('event.json', MISP), 'misp');
    assert.equal(guessFormat('iocs.csv', 'indicator\n1.2.3.4\n'), 'csv');
    assert.equal(guessFormat('pools.txt', 'a.example\n'), 'plain');
  });
});

describe('FeedSet', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-intel-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every format from files and refreshes a file that changed', async () => {
    const files = { 'a.txt': 'evil.example\n', 'b.csv': 'ip\n198.51.100.7\n', 'c.json': STIX, 'd.json': MISP };
    for (const [f, text] of Object.entries(files)) await writeFile(join(dir, f), text);
    const set = new FeedSet(Object.keys(files).map((f) => ({ location: join(dir, f) })));
    const first = await set.refresh();
    assert.deepEqual(first.map((s) => [s.name, s.format, s.indicators, s.error]), [['a.txt', 'plain', 1, undefined], ['b.csv', 'csv', 1, undefined], ['c.json', 'stix', 4, undefined], ['d.json', 'misp', 5, undefined]]);
    assert.equal(set.index.domain('x.evil.example').length, 1);
    assert.equal(set.index.domain('new.example').length, 0);
    await writeFile(join(dir, 'a.txt'), 'evil.example\nnew.example\n');
    await set.refresh();
    assert.equal(set.status[0]?.indicators, 2);
    assert.equal(set.index.domain('new.example').length, 1);
  });

  it('keeps the last good indicators when a feed turns malformed, and says why', async () => {
    const path = join(dir, 'feed.json');
    await writeFile(path, STIX);
    const set = new FeedSet([{ name: 'cti', location: path }]);
    await set.refresh();
    await writeFile(path, '{"type": "bundle", "objects": [');
    await utimes(path, new Date(), new Date(Date.now() + 5000));
    const [s] = await set.refresh();
    assert.match(s?.error ?? '', /feed\.json: not valid JSON .*keeping the 4 indicators of the last good load/);
    assert.equal(s?.indicators, 4);
    assert.equal(set.index.address('198.51.100.7').length, 1);
  });

  it('rejects a feed with nothing readable (an HTML error page) rather than loading it empty', async () => {
    const path = join(dir, 'page.txt');
    await writeFile(path, '<html>\n<body>Service unavailable</body>\n</html>\n');
    const [s] = await new FeedSet([{ location: path }]).refresh();
    assert.match(s?.error ?? '', /no indicator could be read \(3 bad entries; first, line 1/);
  });

  it('refreshes on a schedule until stopped', async () => {
    const path = join(dir, 'scheduled.txt');
    await writeFile(path, 'one.example\n');
    const set = new FeedSet([{ location: path }]);
    await set.refresh();
    let refreshed = 0;
    const stop = set.schedule(20, () => refreshed++);
    await writeFile(path, 'one.example\ntwo.example\n');
    await utimes(path, new Date(), new Date(Date.now() + 10_000));
    const until = Date.now() + 5000;
    while (set.index.domain('two.example').length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    stop();
    assert.equal(set.index.domain('two.example').length, 1);
    // A refresh already under way when stopped may still finish; none may start after.
    await new Promise((r) => setTimeout(r, 50));
    const after = refreshed;
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(refreshed, after, 'no refresh after stop');
  });

  it('reads HTTP feeds with validators, and keeps them on 304 and on errors', async () => {
    const calls: Record<string, string>[] = [];
    const answers = [new Response('evil.example\n', { status: 200, headers: { etag: '"v1"' } }), new Response(null, { status: 304 }), new Response('oops', { status: 503, statusText: 'Service Unavailable' })];
    const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      calls.push({ ...(init?.headers as Record<string, string>) });
      return answers.shift() as Response;
    }) as typeof fetch;
    const set = new FeedSet([{ location: 'https://cti.example/feeds/pools.txt' }], { fetch: fakeFetch });
    await set.refresh();
    assert.equal(set.status[0]?.name, 'pools.txt');
    assert.equal(set.status[0]?.indicators, 1);
    await set.refresh();
    assert.equal(calls[1]?.['if-none-match'], '"v1"');
    assert.equal(set.status[0]?.error, undefined);
    const [s] = await set.refresh();
    assert.match(s?.error ?? '', /HTTP 503 Service Unavailable; keeping the 1 indicators/);
    assert.equal(set.index.domain('evil.example').length, 1);
  });
});
