import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ERROR_CODES } from '../../core/errors.js';
import type { DecodeResult } from '../../core/event.js';
import { isObject, type JsonObject } from '../../core/json.js';
import { falcoDecoder } from './index.js';
import { alertToSignal } from './signal.js';

const ctx = { origin: { path: 'fuzz', line: 1 }, observedMs: 0 };

/** Small real alerts (shapes of the corpus examples), one per entity reader. */
const SEEDS: JsonObject[] = [
  {
    hostname: 'ip-10-0-1-23',
    output: '10:15:42.123456789: Warning Sensitive file opened | file=/etc/shadow',
    output_fields: {
      'container.id': '4f2b1c9a8e7d',
      'container.image.repository': 'docker.io/falcosecurity/event-generator',
      'container.image.tag': 'latest',
      'container.name': 'event-generator',
      'evt.time': 1772619342123456800,
      'fd.name': '/etc/shadow',
      'k8s.ns.name': 'falco-test',
      'k8s.pod.name': 'event-generator-7d9c6b5f4-x2x9k',
      'proc.aname[2]': 'systemd',
      'proc.aname[3]': null,
      'proc.cmdline': 'event-generator run syscall.ReadSensitiveFileUntrusted',
      'proc.exepath': '/bin/event-generator',
      'proc.name': 'event-generator',
      'proc.pname': 'containerd-shim',
      'user.loginuid': -1,
      'user.name': 'root',
      'user.uid': 0,
    },
    priority: 'Warning',
    rule: 'Read sensitive file untrusted',
    source: 'syscall',
    tags: ['T1555', 'container', 'mitre_credential_access'],
    time: '2026-03-04T10:15:42.123456789Z',
  },
  {
    uuid: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
    output: '14:09:12.581541000: Warning Pod started with privileged container',
    priority: 'Warning',
    rule: 'Create Privileged Pod',
    time: '2018-10-25T14:09:12.581541Z',
    output_fields: {
      'ka.req.pod.containers.image': ['nginx'],
      'ka.req.pod.initContainers.image': null,
      'ka.resp.name': 'nginx-deployment-5cdcc99dbf-rgw6z',
      'ka.target.namespace': 'default',
      'ka.target.resource': 'pods',
      'ka.user.name': 'system:serviceaccount:kube-system:replicaset-controller',
      'ka.sourceips': ['10.0.0.1'],
    },
    source: 'k8s_audit',
    tags: ['k8s'],
    hostname: 'falco-k8saudit-0',
  },
  {
    hostname: 'falco-cloudtrail-5c9f8',
    output: '09:58:03.000000000: Critical Detected a console login without MFA',
    output_fields: {
      'ct.region': 'us-east-1',
      'ct.srcip': '203.0.113.45',
      'ct.user': 'alice',
      'ct.user.arn': 'arn:aws:sts::123456789012:assumed-role/r/i-0abc123def4567890',
      'ct.request.bucketname': 'b',
      'ct.request.key': 'k',
    },
    priority: 'Critical',
    rule: 'Console Login Without MFA',
    source: 'aws_cloudtrail',
    tags: ['aws'],
    time: '2026-03-04T09:58:03.000000000Z',
  },
  {
    output: '10:37:09.101509967: Notice Unexpected connection to K8s API Server from container',
    priority: 'Notice',
    rule: 'Contact K8S API Server From Container',
    time: '2021-07-21T10:37:09.101509967Z',
    output_fields: {
      'container.id': '281c99ea33c2',
      'fd.name': '192.168.43.223:39526->10.100.0.1:443',
      'fd.sip.name': 'kubernetes.default',
      'proc.cmdline': 'fetcher -secret-dir /secrets',
    },
  },
];

const TOP_KEYS = ['hostname', 'output', 'output_fields', 'priority', 'rule', 'source', 'tags', 'time', 'uuid'];
const SOURCES = ['syscall', 'k8s_audit', 'aws_cloudtrail', 'okta', 'github', 'gcp_auditlog', 'internal', 'constructor', '__proto__'];

function assertWellFormed(r: DecodeResult): void {
  if (r.ok) {
    assert.equal(typeof r.event.id, 'string');
    assert.ok(Number.isFinite(r.event.timeMs));
    for (const e of r.event.entities) assert.ok(typeof e.id === 'string' && e.id !== '', JSON.stringify(e));
    alertToSignal(r.event);
  } else if (r.skip) {
    assert.equal(typeof r.reason, 'string');
  } else {
    assert.ok(Object.hasOwn(ERROR_CODES, r.code), `unknown code ${r.code}`);
    assert.ok(r.message.length > 0);
  }
}

function run(record: JsonObject): void {
  falcoDecoder.detect(record);
  assertWellFormed(falcoDecoder.decode(record, ctx));
}

type Mutation = { where: 'top' | 'fields'; key: string; op: 'delete' | 'null' | 'replace' | 'truncate'; value: unknown; cut: number };

function mutate(seed: JsonObject, mutations: readonly Mutation[]): JsonObject {
  const record: JsonObject = { ...seed };
  const fields = record['output_fields'];
  if (isObject(fields)) record['output_fields'] = { ...fields };
  for (const m of mutations) {
    const target = m.where === 'top' ? record : record['output_fields'];
    if (!isObject(target)) continue;
    const current = target[m.key];
    if (m.op === 'delete') delete target[m.key];
    else if (m.op === 'null') target[m.key] = null;
    else if (m.op === 'replace') target[m.key] = m.value;
    else if (typeof current === 'string') target[m.key] = current.slice(0, m.cut);
  }
  return record;
}

const fieldKeys = [...new Set(SEEDS.flatMap((s) => (isObject(s['output_fields']) ? Object.keys(s['output_fields']) : [])))];

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  where: fc.constantFrom<'top' | 'fields'>('top', 'fields'),
  key: fc.constantFrom(...TOP_KEYS, ...fieldKeys),
  op: fc.constantFrom<Mutation['op']>('delete', 'null', 'replace', 'truncate'),
  value: fc.oneof(fc.jsonValue(), fc.constantFrom(...SOURCES), fc.string()),
  cut: fc.nat({ max: 40 }),
});

describe('falco fuzz', () => {
  it('random JSON objects never throw', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        if (isObject(v)) run(v);
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.object(), (o) => run(o as JsonObject)), { numRuns: 300 });
  });

  it('alert-shaped objects with random members never throw', () => {
    const shaped = fc.record(
      {
        rule: fc.oneof(fc.string(), fc.jsonValue()),
        priority: fc.oneof(fc.constantFrom('Warning', 'info', 'CRITICAL', 'bogus'), fc.jsonValue()),
        time: fc.oneof(fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-30T25:00:00Z'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.jsonValue()),
        source: fc.oneof(fc.constantFrom(...SOURCES), fc.jsonValue()),
        output: fc.oneof(fc.string(), fc.jsonValue()),
        output_fields: fc.oneof(fc.dictionary(fc.constantFrom(...fieldKeys, 'proc.pid', 'fd.rip', 'ka.impuser.name'), fc.jsonValue()), fc.jsonValue()),
        tags: fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue()),
        hostname: fc.oneof(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(shaped, (r) => run(r as JsonObject)), { numRuns: 800 });
  });

  it('mutated real alerts never throw and fail with known codes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (seed, ms) => run(mutate(seed, ms))),
      { numRuns: 1000 },
    );
  });

  it('output_fields mutations never turn a valid header into a reject', () => {
    const fieldOnly = mutationArb.map((m) => ({ ...m, where: 'fields' as const }));
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(fieldOnly, { minLength: 1, maxLength: 6 }), (seed, ms) => {
        const r = falcoDecoder.decode(mutate(seed, ms), ctx);
        assert.equal(r.ok, true, JSON.stringify(r));
      }),
      { numRuns: 500 },
    );
  });

  it('huge strings are handled', () => {
    const big = 'a'.repeat(2_000_000);
    const seed = SEEDS[0] as JsonObject;
    const r = falcoDecoder.decode({ ...seed, output: big, output_fields: { 'proc.cmdline': big, 'fd.name': `/${big}`, 'container.id': big } }, ctx);
    assert.equal(r.ok, true);
  });
});
