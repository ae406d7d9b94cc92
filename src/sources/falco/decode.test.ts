import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DecodeResult, VigilEvent } from '../../core/event.js';
import type { JsonObject } from '../../core/json.js';
import { falcoDecoder } from './index.js';
import { entityKeys as keys, findEntity as entity, relationLines as rels } from '../../../test/support/events.js';

const ctx = { origin: { path: 'alerts.jsonl', line: 7 }, observedMs: 1_700_000_000_000 };

/** The syscall example of shared/corpus/falco/alert-examples.jsonl (Falco's own form). */
const SYSCALL_FALCO = String.raw`{"hostname":"ip-10-0-1-23","output":"10:15:42.123456789: Warning Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=systemd ggparent=<NA> gggparent=<NA> evt_type=openat user=root user_uid=0 user_loginuid=-1 process=event-generator proc_exepath=/bin/event-generator parent=containerd-shim command=event-generator run syscall.ReadSensitiveFileUntrusted terminal=0 container_id=4f2b1c9a8e7d container_name=event-generator container_image_repository=docker.io/falcosecurity/event-generator container_image_tag=latest k8s_pod_name=event-generator-7d9c6b5f4-x2x9k k8s_ns_name=falco-test","output_fields":{"container.id":"4f2b1c9a8e7d","container.image.repository":"docker.io/falcosecurity/event-generator","container.image.tag":"latest","container.name":"event-generator","evt.time":1772619342123456789,"evt.type":"openat","fd.name":"/etc/shadow","k8s.ns.name":"falco-test","k8s.pod.name":"event-generator-7d9c6b5f4-x2x9k","proc.aname[2]":"systemd","proc.aname[3]":null,"proc.aname[4]":null,"proc.cmdline":"event-generator run syscall.ReadSensitiveFileUntrusted","proc.exepath":"/bin/event-generator","proc.name":"event-generator","proc.pname":"containerd-shim","proc.tty":0,"user.loginuid":-1,"user.name":"root","user.uid":0},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["T1555","container","filesystem","host","maturity_stable","mitre_credential_access"],"time":"2026-03-04T10:15:42.123456789Z"}`;

/** The same alert as falcosidekick posts it (alert-examples-falcosidekick.jsonl line 1). */
const SYSCALL_SIDEKICK = String.raw`{"uuid":"3b4e5a7c-1d2f-4a6b-9c8d-0e1f2a3b4c5d","output":"10:15:42.123456789: Warning Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=systemd ggparent=\u003cNA\u003e gggparent=\u003cNA\u003e evt_type=openat user=root user_uid=0 user_loginuid=-1 process=event-generator proc_exepath=/bin/event-generator parent=containerd-shim command=event-generator run syscall.ReadSensitiveFileUntrusted terminal=0 container_id=4f2b1c9a8e7d container_name=event-generator container_image_repository=docker.io/falcosecurity/event-generator container_image_tag=latest k8s_pod_name=event-generator-7d9c6b5f4-x2x9k k8s_ns_name=falco-test","priority":"Warning","rule":"Read sensitive file untrusted","time":"2026-03-04T10:15:42.123456789Z","output_fields":{"container.id":"4f2b1c9a8e7d","container.image.repository":"docker.io/falcosecurity/event-generator","container.image.tag":"latest","container.name":"event-generator","evt.time":1772619342123456789,"evt.type":"openat","fd.name":"/etc/shadow","k8s.ns.name":"falco-test","k8s.pod.name":"event-generator-7d9c6b5f4-x2x9k","proc.aname[2]":"systemd","proc.aname[3]":null,"proc.aname[4]":null,"proc.cmdline":"event-generator run syscall.ReadSensitiveFileUntrusted","proc.exepath":"/bin/event-generator","proc.name":"event-generator","proc.pname":"containerd-shim","proc.tty":0,"user.loginuid":-1,"user.name":"root","user.uid":0},"source":"syscall","tags":["T1555","container","filesystem","host","maturity_stable","mitre_credential_access"],"hostname":"ip-10-0-1-23"}`;

const K8S_FALCO = String.raw`{"hostname":"falco-k8saudit-0","output":"14:09:12.581541000: Warning Pod started with privileged container (user=system:serviceaccount:kube-system:replicaset-controller pod=nginx-deployment-5cdcc99dbf-rgw6z resource=pods ns=default images=(nginx) init_images=<NA> ephemeral_images=<NA>)","output_fields":{"evt.time":1540476552581541000,"ka.req.pod.containers.image":["nginx"],"ka.req.pod.ephemeralContainers.image":null,"ka.req.pod.initContainers.image":null,"ka.resp.name":"nginx-deployment-5cdcc99dbf-rgw6z","ka.target.namespace":"default","ka.target.resource":"pods","ka.user.name":"system:serviceaccount:kube-system:replicaset-controller"},"priority":"Warning","rule":"Create Privileged Pod","source":"k8s_audit","tags":["k8s"],"time":"2018-10-25T14:09:12.581541000Z"}`;

const K8S_SIDEKICK = String.raw`{"uuid":"9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a","output":"14:09:12.581541000: Warning Pod started with privileged container (user=system:serviceaccount:kube-system:replicaset-controller pod=nginx-deployment-5cdcc99dbf-rgw6z resource=pods ns=default images=(nginx) init_images=\u003cNA\u003e ephemeral_images=\u003cNA\u003e)","priority":"Warning","rule":"Create Privileged Pod","time":"2018-10-25T14:09:12.581541Z","output_fields":{"evt.time":1540476552581541000,"ka.req.pod.containers.image":["nginx"],"ka.req.pod.ephemeralContainers.image":null,"ka.req.pod.initContainers.image":null,"ka.resp.name":"nginx-deployment-5cdcc99dbf-rgw6z","ka.target.namespace":"default","ka.target.resource":"pods","ka.user.name":"system:serviceaccount:kube-system:replicaset-controller"},"source":"k8s_audit","tags":["k8s"],"hostname":"falco-k8saudit-0"}`;

const AWS_FALCO = String.raw`{"hostname":"falco-cloudtrail-5c9f8","output":"09:58:03.000000000: Critical Detected a console login without MFA (requesting user=alice, requesting IP=203.0.113.45, AWS region=us-east-1)","output_fields":{"ct.region":"us-east-1","ct.srcip":"203.0.113.45","ct.user":"alice","evt.time":1772618283000000000},"priority":"Critical","rule":"Console Login Without MFA","source":"aws_cloudtrail","tags":["aws","aws_console","aws_iam","cloud"],"time":"2026-03-04T09:58:03.000000000Z"}`;

const AWS_SIDEKICK = String.raw`{"uuid":"c0ffee00-1234-4abc-8def-0123456789ab","output":"09:58:03.000000000: Critical Detected a console login without MFA (requesting user=alice, requesting IP=203.0.113.45, AWS region=us-east-1)","priority":"Critical","rule":"Console Login Without MFA","time":"2026-03-04T09:58:03Z","output_fields":{"ct.region":"us-east-1","ct.srcip":"203.0.113.45","ct.user":"alice","evt.time":1772618283000000000},"source":"aws_cloudtrail","tags":["aws","aws_console","aws_iam","cloud"],"hostname":"falco-cloudtrail-5c9f8"}`;

function parse(text: string): JsonObject {
  return JSON.parse(text) as JsonObject;
}

function decode(record: JsonObject): DecodeResult {
  return falcoDecoder.decode(record, ctx);
}

function event(record: JsonObject): VigilEvent {
  const r = decode(record);
  if (!r.ok) assert.fail(`expected an event, got ${JSON.stringify(r)}`);
  return r.event;
}

describe('falco detect', () => {
  it('accepts Falco and falcosidekick alerts', () => {
    for (const text of [SYSCALL_FALCO, SYSCALL_SIDEKICK, K8S_FALCO, AWS_SIDEKICK]) assert.equal(falcoDecoder.detect(parse(text)), true);
  });

  it('rejects the other formats and near misses', () => {
    const others: JsonObject[] = [
      { kind: 'Event', apiVersion: 'audit.k8s.io/v1', auditID: 'a', verb: 'get', stage: 'ResponseComplete' },
      { eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: {} },
      { process_exec: { process: {} }, node_name: 'n', time: '2024-01-01T00:00:00Z' },
      { rule: 'r', priority: 'Warning' },
      { rule: 'r', output: 'x' },
      { priority: 'Warning', output_fields: {} },
    ];
    for (const r of others) assert.equal(falcoDecoder.detect(r), false, JSON.stringify(r));
  });

  it('leaves member types to decode, so broken alerts get precise errors', () => {
    const broken = { rule: 1, priority: 12, output: 'x', time: '2026-01-01T00:00:00Z' };
    assert.equal(falcoDecoder.detect(broken), true);
    const r = falcoDecoder.decode(broken, ctx);
    assert.ok(!r.ok && !r.skip);
    assert.deepEqual([r.code, r.field], ['FIELD_TYPE', 'rule']);
  });
});

describe('falco decode: syscall alert', () => {
  const e = event(parse(SYSCALL_FALCO));

  it('fills the envelope', () => {
    assert.equal(e.source, 'falco');
    assert.equal(e.kind, 'alert');
    assert.equal(e.action, 'Read sensitive file untrusted');
    assert.equal(e.time, '2026-03-04T10:15:42.123456789Z');
    assert.equal(Math.floor(e.timeMs), Date.parse('2026-03-04T10:15:42.123Z'));
    assert.equal(e.observedMs, ctx.observedMs);
    assert.deepEqual(e.origin, ctx.origin);
    assert.match(e.id, /^falco-[0-9a-f]{32}$/);
    assert.equal(event(parse(SYSCALL_FALCO)).id, e.id, 'deterministic');
  });

  it('keeps the parsed record as payload', () => {
    const record = parse(SYSCALL_FALCO);
    assert.equal(event(record).payload, record);
  });

  it('names container, image, pod, node, file, process, parent and user', () => {
    assert.deepEqual(keys(e), [
      'container:4f2b1c9a8e7d',
      'file:/etc/shadow',
      'image:docker.io/falcosecurity/event-generator:latest',
      'namespace:falco-test',
      'node:ip-10-0-1-23',
      'pod:falco-test/event-generator-7d9c6b5f4-x2x9k',
      'process:ip-10-0-1-23:4f2b1c9a8e7d:containerd-shim',
      'process:ip-10-0-1-23:4f2b1c9a8e7d:event-generator',
      'process:ip-10-0-1-23:4f2b1c9a8e7d:systemd',
      'user:root',
    ]);
    assert.equal(entity(e, 'container', '4f2b1c9a8e7d').name, 'event-generator');
    assert.equal(entity(e, 'pod', 'falco-test/event-generator-7d9c6b5f4-x2x9k').name, 'event-generator-7d9c6b5f4-x2x9k');
    const proc = entity(e, 'process', 'ip-10-0-1-23:4f2b1c9a8e7d:event-generator');
    assert.equal(proc.name, 'event-generator');
    assert.deepEqual(proc.attrs, { exepath: '/bin/event-generator', cmdline: 'event-generator run syscall.ReadSensitiveFileUntrusted' });
    assert.deepEqual(entity(e, 'user', 'root').attrs, { uid: '0' });
  });

  it('relates them', () => {
    const p = 'process:ip-10-0-1-23:4f2b1c9a8e7d:event-generator';
    const parent = 'process:ip-10-0-1-23:4f2b1c9a8e7d:containerd-shim';
    assert.deepEqual(rels(e), [
      'container:4f2b1c9a8e7d runs-image image:docker.io/falcosecurity/event-generator:latest',
      'container:4f2b1c9a8e7d runs-in pod:falco-test/event-generator-7d9c6b5f4-x2x9k',
      'pod:falco-test/event-generator-7d9c6b5f4-x2x9k in-namespace namespace:falco-test',
      'pod:falco-test/event-generator-7d9c6b5f4-x2x9k runs-in node:ip-10-0-1-23',
      `${p} child-of ${parent}`,
      `${p} runs-as user:root`,
      `${p} runs-in container:4f2b1c9a8e7d`,
      `${p} targets file:/etc/shadow`,
      `${parent} child-of process:ip-10-0-1-23:4f2b1c9a8e7d:systemd`,
    ].sort());
  });
});

describe('falco decode: Falco and falcosidekick forms agree', () => {
  const pairs: [string, string, string][] = [
    ['syscall', SYSCALL_FALCO, SYSCALL_SIDEKICK],
    ['k8s_audit', K8S_FALCO, K8S_SIDEKICK],
    ['aws_cloudtrail', AWS_FALCO, AWS_SIDEKICK],
  ];
  for (const [name, falco, sidekick] of pairs) {
    it(`${name}: same id, rule, time, entities and relations`, () => {
      const a = event(parse(falco));
      const b = event(parse(sidekick));
      assert.equal(b.id, a.id);
      assert.equal(b.action, a.action);
      assert.equal(b.time, a.time);
      assert.equal(b.timeMs, a.timeMs);
      assert.deepEqual(b.entities, a.entities);
      assert.deepEqual(b.relations, a.relations);
    });
  }

  it('trims an all-zero fraction like sidekick does', () => {
    assert.equal(event(parse(AWS_FALCO)).time, '2026-03-04T09:58:03Z');
    assert.equal(event(parse(K8S_FALCO)).time, '2018-10-25T14:09:12.581541Z');
  });

  it('gives a sidekick-truncated output the same id', () => {
    const long = `10:15:42.123456789: Warning ${'x'.repeat(800)}`;
    const base = { ...parse(SYSCALL_FALCO), output: long };
    const cut = { ...base, output: `${long.slice(0, 507)}[...]` };
    assert.equal(event(cut).id, event(base).id);
    assert.notEqual(event({ ...base, output: 'other' }).id, event(base).id);
  });

  it('accepts any priority case and defaults an empty source to syscall', () => {
    const base = parse(SYSCALL_FALCO);
    const a = event(base);
    const b = event({ ...base, priority: 'WARNING', source: '' });
    assert.equal(b.id, a.id);
    assert.deepEqual(keys(b), keys(a));
    assert.equal(event({ ...base, priority: 'info' }).action, 'Read sensitive file untrusted');
  });
});

describe('falco decode: k8s_audit alert', () => {
  const e = event(parse(K8S_FALCO));

  it('names the service account, the object, the pod and the images', () => {
    assert.deepEqual(keys(e), [
      'image:docker.io/library/nginx:latest',
      'k8s-object:pods/default/nginx-deployment-5cdcc99dbf-rgw6z',
      'k8s-serviceaccount:kube-system/replicaset-controller',
      'namespace:default',
      'namespace:kube-system',
      'pod:default/nginx-deployment-5cdcc99dbf-rgw6z',
    ]);
    assert.equal(
      entity(e, 'k8s-serviceaccount', 'kube-system/replicaset-controller').name,
      'system:serviceaccount:kube-system:replicaset-controller',
    );
    const sa = 'k8s-serviceaccount:kube-system/replicaset-controller';
    assert.ok(rels(e).includes(`${sa} in-namespace namespace:kube-system`));
    assert.ok(rels(e).includes(`${sa} targets pod:default/nginx-deployment-5cdcc99dbf-rgw6z`));
    assert.ok(rels(e).includes('pod:default/nginx-deployment-5cdcc99dbf-rgw6z in-namespace namespace:default'));
  });

  it('does not make the Falco host a node', () => {
    assert.equal(e.entities.some((x) => x.type === 'node'), false);
  });
});

describe('falco decode: rejects and skips', () => {
  const base = parse(SYSCALL_FALCO);
  const cases: [string, JsonObject, string, string][] = [
    ['no rule', { ...base, rule: undefined }, 'FIELD_MISSING', 'rule'],
    ['empty rule', { ...base, rule: '' }, 'FIELD_MISSING', 'rule'],
    ['rule not a string', { ...base, rule: 5 }, 'FIELD_TYPE', 'rule'],
    ['no priority', { ...base, priority: null }, 'FIELD_MISSING', 'priority'],
    ['unknown priority', { ...base, priority: 'Severe' }, 'FIELD_TYPE', 'priority'],
    ['priority not a string', { ...base, priority: 4 }, 'FIELD_TYPE', 'priority'],
    ['no time', { ...base, time: undefined }, 'TIME_INVALID', 'time'],
    ['time a number', { ...base, time: 1772619342123 }, 'TIME_INVALID', 'time'],
    ['time not RFC 3339', { ...base, time: '10:15:42.123456789' }, 'TIME_INVALID', 'time'],
    ['time out of range', { ...base, time: '2026-13-04T10:15:42Z' }, 'TIME_INVALID', 'time'],
    ['source not a string', { ...base, source: ['syscall'] }, 'FIELD_TYPE', 'source'],
    ['hostname not a string', { ...base, hostname: 3 }, 'FIELD_TYPE', 'hostname'],
    ['output not a string', { ...base, output: {} }, 'FIELD_TYPE', 'output'],
    ['output_fields an array', { ...base, output_fields: [] }, 'FIELD_TYPE', 'output_fields'],
    ['tags a string', { ...base, tags: 'k8s' }, 'FIELD_TYPE', 'tags'],
  ];
  for (const [name, record, code, field] of cases) {
    it(name, () => {
      const r = decode(record);
      assert.equal(r.ok, false);
      if (r.ok || r.skip) return assert.fail(`expected a reject, got ${JSON.stringify(r)}`);
      assert.equal(r.code, code);
      assert.equal(r.field, field);
      assert.ok(r.message.length > 0);
    });
  }

  it('skips metrics snapshots and other Falco internal records', () => {
    const metrics = { ...base, rule: 'Falco internal: metrics snapshot', source: 'internal', output: 'Falco metrics snapshot' };
    const other = { ...base, rule: 'Falco internal: hot restart', source: 'syscall' };
    for (const r of [metrics, other, { ...base, source: 'internal' }]) {
      const res = decode(r);
      assert.equal(res.ok, false);
      assert.equal(!res.ok && res.skip, true);
    }
  });

  it('accepts alerts without output, output_fields, tags or hostname', () => {
    const e = event({ rule: 'r', priority: 'Debug', time: '2024-01-01T00:00:00.5+02:00', output: null });
    assert.equal(e.time, '2023-12-31T22:00:00.5Z');
    assert.deepEqual(e.entities, []);
  });
});
